//! The registry API face of `mcpreg serve --http`: the read half of the official
//! MCP Registry API v0.1 (docs/reference/api/openapi.yaml of
//! modelcontextprotocol/registry; a copy is in tests/data/), so that tools that
//! read a registry (VS Code's private gallery, ToolHive's registry sources,
//! `mcpreg register --from URL`) can list what this registry holds.
//!
//! - `GET /v0.1/servers?search=&limit=&cursor=&updated_since=&version=&include_deleted=`
//! - `GET /v0.1/servers/{serverName}/versions`
//! - `GET /v0.1/servers/{serverName}/versions/{version}` (`latest` is the latest)
//!
//! Each entry is served as the server.json `export --to server-json` writes for
//! it (names without a namespace in `local.mcpreg`, a missing version `0.0.0`),
//! with the registry's own `_meta`. Entries that share a server.json name are the
//! versions of one server. A pure function of (request, snapshot, now): the HTTP
//! listener only carries it.

use super::secrets::{REDACTED, Secrets};
use crate::catalog::{Entry, HealthStatus, LeaseState, Timestamp, id};
use crate::interop::{DEFAULT_NAMESPACE, server_json};
use serde_json::{Map, Value, json};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The key of the registry's own metadata in each `_meta`.
pub const OFFICIAL: &str = "io.modelcontextprotocol.registry/official";

/// Servers on a page when the request gives no `limit`, and the most it may ask
/// for: the official registry's numbers (the OpenAPI document gives none).
pub const DEFAULT_LIMIT: usize = 30;
pub const MAX_LIMIT: usize = 100;

/// The longest server.json name and version: a longer `search` or `version`
/// matches nothing, and is not compared with every entry.
const MAX_NAME: usize = 200;
const MAX_VERSION: usize = 255;

/// The status and JSON body that answer a GET of `path_and_query` (the request
/// target, still percent-encoded) from `snapshot` at `now`. Errors are
/// `{"error": "..."}`, the shape of the API's 404: 400 for a bad parameter, 404
/// for an unknown path, server or version.
pub fn respond<E: Borrow<Entry>>(
    path_and_query: &str,
    snapshot: &[E],
    now: Timestamp,
    secrets: Secrets,
) -> (u16, Value) {
    match answer(path_and_query, snapshot, now, secrets) {
        Ok(body) => (200, body),
        Err(Refusal(status, message)) => (status, json!({ "error": message })),
    }
}

/// Why a request gets no 200: its status and the message of the error body.
#[derive(Debug)]
struct Refusal(u16, String);

fn bad(message: String) -> Refusal {
    Refusal(400, message)
}

fn not_found(what: &str) -> Refusal {
    Refusal(404, what.to_owned())
}

fn answer<E: Borrow<Entry>>(
    path_and_query: &str,
    snapshot: &[E],
    now: Timestamp,
    secrets: Secrets,
) -> Result<Value, Refusal> {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let route = route(path)?;
    let params = Params::parse(query)?;
    let include_deleted = params.flag("include_deleted")?;
    let catalog = Catalog::of(snapshot, now);
    match route {
        Route::List => catalog.list(&params, include_deleted, secrets),
        Route::Versions(name) => catalog.versions(&name, include_deleted, secrets),
        Route::Version(name, version) => catalog.version(&name, &version, include_deleted, secrets),
    }
}

enum Route {
    List,
    Versions(String),
    Version(String, String),
}

/// The route of a path. The server name is one segment (`io.github.me%2Ffiles`,
/// as the API says), or two when a client sent its `/` as it is.
fn route(path: &str) -> Result<Route, Refusal> {
    let Some(rest) = path.strip_prefix("/v0.1/servers") else {
        return Err(not_found("Not found"));
    };
    if rest.is_empty() {
        return Ok(Route::List);
    }
    let Some(rest) = rest.strip_prefix('/') else {
        return Err(not_found("Not found"));
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let decoded =
        |s: &str, what: &str| decode(s, false).map_err(|why| bad(format!("{what}: {why}")));
    let (name, tail) = match segments.as_slice() {
        [name, "versions", tail @ ..] => (decoded(name, "serverName")?, tail),
        [namespace, local, "versions", tail @ ..] => (
            format!(
                "{}/{}",
                decoded(namespace, "serverName")?,
                decoded(local, "serverName")?
            ),
            tail,
        ),
        _ => return Err(not_found("Not found")),
    };
    match tail {
        [] => Ok(Route::Versions(name)),
        [version] => Ok(Route::Version(name, decoded(version, "version")?)),
        _ => Err(not_found("Not found")),
    }
}

/// The query parameters this API knows, decoded; others are ignored, as HTTP
/// APIs do. An empty value is no value, as in the official registry.
struct Params {
    given: HashMap<&'static str, String>,
}

const KNOWN: [&str; 6] = [
    "cursor",
    "limit",
    "search",
    "updated_since",
    "version",
    "include_deleted",
];

impl Params {
    fn parse(query: &str) -> Result<Params, Refusal> {
        let mut given = HashMap::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(key, true).map_err(|why| bad(format!("a query parameter: {why}")))?;
            let Some(known) = KNOWN.iter().find(|k| **k == key) else {
                continue;
            };
            let value = decode(value, true).map_err(|why| bad(format!("{known}: {why}")))?;
            if given.insert(*known, value).is_some() {
                return Err(bad(format!("{known}: given more than once")));
            }
        }
        Ok(Params { given })
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.given
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn flag(&self, key: &str) -> Result<bool, Refusal> {
        match self.get(key).map(str::to_ascii_lowercase).as_deref() {
            None | Some("false" | "0") => Ok(false),
            Some("true" | "1") => Ok(true),
            Some(_) => Err(bad(format!(
                "{key}: {} is not true or false",
                shown(self.get(key).unwrap_or_default())
            ))),
        }
    }

    fn limit(&self) -> Result<usize, Refusal> {
        let Some(text) = self.get("limit") else {
            return Ok(DEFAULT_LIMIT);
        };
        match text.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(bad(format!(
                "limit: {} is not a number from 1 to {MAX_LIMIT}",
                shown(text)
            ))),
        }
    }

    fn cursor(&self) -> Result<Option<(String, String)>, Refusal> {
        let Some(text) = self.get("cursor") else {
            return Ok(None);
        };
        match text.split_once(':') {
            Some((name, id))
                if server_json::name_problem(name).is_none() && id::validate(id).is_ok() =>
            {
                Ok(Some((name.to_owned(), id.to_owned())))
            }
            _ => Err(bad(format!(
                "cursor: {} is not a cursor of this registry (pass metadata.nextCursor as it came)",
                shown(text)
            ))),
        }
    }

    fn updated_since(&self) -> Result<Option<Timestamp>, Refusal> {
        let Some(text) = self.get("updated_since") else {
            return Ok(None);
        };
        rfc3339(text).map(Some).ok_or_else(|| {
            bad(format!(
                "updated_since: {} is not an RFC 3339 time (like 2025-08-07T13:15:04.280Z)",
                shown(text)
            ))
        })
    }
}

/// A value as a message quotes it: escaped, and cut short.
fn shown(value: &str) -> String {
    const MAX: usize = 64;
    if value.chars().count() <= MAX {
        return format!("{value:?}");
    }
    let cut: String = value.chars().take(MAX).collect();
    format!("{cut:?}…")
}

/// Percent-decoding of one path segment or query component (`+` is a space in
/// a query); the result must be UTF-8.
fn decode(text: &str, plus_is_space: bool) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
                match (hex(i + 1), hex(i + 2)) {
                    (Some(hi), Some(lo)) => {
                        #[allow(
                            clippy::cast_possible_truncation,
                            reason = "two hex digits make at most 255"
                        )]
                        out.push((hi * 16 + lo) as u8);
                    }
                    _ => return Err(format!("{} has a bad %-escape", shown(text))),
                }
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| format!("{} is not UTF-8 once decoded", shown(text)))
}

/// An RFC 3339 time with its offset (`Z` or `±hh:mm`), as the API's
/// `updated_since` is; None for anything else.
fn rfc3339(text: &str) -> Option<Timestamp> {
    if !text.is_ascii() || text.len() < 20 {
        return None;
    }
    let (local, offset) = match text.strip_suffix(['Z', 'z']) {
        Some(local) => (local, "+00:00"),
        None => text.split_at(text.len() - 6),
    };
    let o = offset.as_bytes();
    let two = |s: &[u8]| match s {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(u64::from((a - b'0') * 10 + (b - b'0')))
        }
        _ => None,
    };
    let (hours, minutes) = (two(&o[1..3])?, two(&o[4..6])?);
    if o[3] != b':' || hours > 23 || minutes > 59 {
        return None;
    }
    let shift = Duration::from_secs(hours * 3600 + minutes * 60);
    // Only a date, a time and a fraction may be left: the weak parser would also
    // take a space for the `T`, and no offset at all.
    let b = local.as_bytes();
    let fraction = b.get(19..).unwrap_or_default();
    let fraction_ok = match fraction {
        [] => true,
        [b'.', digits @ ..] => !digits.is_empty() && digits.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if b.len() < 19 || !matches!(b[10], b'T' | b't') || !fraction_ok {
        return None;
    }
    let local =
        humantime::parse_rfc3339_weak(&format!("{}T{}", &local[..10], &local[11..])).ok()?;
    // East of UTC a wall-clock time comes earlier, west of it later.
    let utc = match o[0] {
        b'+' => local.checked_sub(shift).unwrap_or(UNIX_EPOCH),
        b'-' => local.checked_add(shift)?,
        _ => return None,
    };
    stamp(utc)
}

/// A wall-clock instant as the registry stamps them, clamped to what a stamp
/// can hold (no entry is updated before 1970 or after 9999).
fn stamp(t: SystemTime) -> Option<Timestamp> {
    /// 9999-12-31T23:59:59.999Z, the last instant RFC 3339 holds.
    const LAST: Duration = Duration::from_millis(253_402_300_799_999);
    let t = t.clamp(UNIX_EPOCH, UNIX_EPOCH + LAST);
    Timestamp::parse(&humantime::format_rfc3339_nanos(t).to_string()).ok()
}

/// What the official `_meta` says of an entry's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Active,
    /// Its tools changed since they were pinned: `find` leaves it out until
    /// `mcpreg pin` accepts them.
    Deprecated,
    /// Its lease ran out: it stays listed (for `updated_since`) until pruned.
    Deleted {
        at: Timestamp,
    },
}

/// One entry as this API serves it.
struct Served<'a> {
    entry: &'a Entry,
    name: String,
    version: String,
    status: Status,
}

impl<'a> Served<'a> {
    fn of(entry: &'a Entry, now: Timestamp) -> Self {
        let status = match (entry.lease_state(now), entry.lease, &entry.health) {
            (LeaseState::Expired { .. }, Some(lease), _) => Status::Deleted {
                at: lease.expires_at,
            },
            (_, _, Some(h)) if h.status == HealthStatus::Changed => Status::Deprecated,
            _ => Status::Active,
        };
        Served {
            entry,
            name: server_json::registry_name(entry, DEFAULT_NAMESPACE),
            version: server_json::registry_version(entry),
            status,
        }
    }

    fn deleted(&self) -> bool {
        matches!(self.status, Status::Deleted { .. })
    }

    /// When the entry last changed, its lease running out included: a mirror
    /// that asks `updated_since` learns of the expiry.
    fn updated(&self) -> Timestamp {
        match self.status {
            Status::Deleted { at } => at.max(self.entry.updated_at),
            _ => self.entry.updated_at,
        }
    }

    /// The order of pages: by name, then id (unique), so a cursor stays valid
    /// whatever is registered or removed between two pages.
    fn key(&self) -> (&str, &str) {
        (&self.name, &self.entry.id)
    }

    fn cursor(&self) -> String {
        format!("{}:{}", self.name, self.entry.id)
    }

    /// Which of two versions of one server is the latest: one that is not
    /// deleted, then the higher version where both read as versions, then the
    /// one updated last, then the smaller id (so there always is one).
    fn later(&self, other: &Served) -> Ordering {
        other
            .deleted()
            .cmp(&self.deleted())
            .then_with(|| version_order(&self.version, &other.version).unwrap_or(Ordering::Equal))
            .then_with(|| self.entry.updated_at.cmp(&other.entry.updated_at))
            .then_with(|| other.entry.id.cmp(&self.entry.id))
    }

    fn response(&self, is_latest: bool, secrets: Secrets) -> Value {
        let entry = secrets.answer(self.entry);
        let mut doc = server_json::document(&entry, DEFAULT_NAMESPACE, None);
        if !secrets.show {
            ask_for_secrets(&mut doc);
        }
        let mut official = Map::new();
        let status = match self.status {
            Status::Active => "active",
            Status::Deprecated => "deprecated",
            Status::Deleted { .. } => "deleted",
        };
        official.insert("status".into(), json!(status));
        match self.status {
            Status::Active => {}
            Status::Deprecated => {
                official.insert(
                    "statusMessage".into(),
                    json!("its tools changed since they were pinned; `mcpreg pin` accepts them"),
                );
            }
            Status::Deleted { at } => {
                official.insert(
                    "statusMessage".into(),
                    json!(format!("its lease expired at {at}")),
                );
                official.insert("statusChangedAt".into(), json!(at.to_string()));
            }
        }
        official.insert(
            "publishedAt".into(),
            json!(self.entry.registered_at.to_string()),
        );
        official.insert("updatedAt".into(), json!(self.updated().to_string()));
        official.insert("isLatest".into(), json!(is_latest));
        json!({
            "server": Value::Object(doc.into_iter().collect()),
            "_meta": { OFFICIAL: official },
        })
    }
}

/// A redacted header or variable has no value to show: it is marked secret and
/// its value left out, so that a client asks its user for it (the API's
/// `KeyValueInput`: "If this is not set, the user may be prompted").
fn ask_for_secrets(doc: &mut server_json::Document) {
    let lists = [("remotes", "headers"), ("packages", "environmentVariables")];
    for (outer, inner) in lists {
        let Some(Value::Array(items)) = doc.get_mut(outer) else {
            continue;
        };
        for item in items {
            let Some(Value::Array(inputs)) = item.get_mut(inner) else {
                continue;
            };
            for input in inputs.iter_mut().filter_map(Value::as_object_mut) {
                if input.get("value").and_then(Value::as_str) == Some(REDACTED) {
                    input.remove("value");
                    input.insert("isSecret".into(), json!(true));
                }
            }
        }
    }
}

/// `a` against `b` where both read as versions (`1.2.3`, `v2`, `1.0.0-rc.1`,
/// build metadata ignored), in the order of semantic versioning; None where
/// either does not.
fn version_order(a: &str, b: &str) -> Option<Ordering> {
    fn parse(v: &str) -> Option<(Vec<u64>, Option<&str>)> {
        let v = v.strip_prefix('v').unwrap_or(v);
        let v = v.split_once('+').map_or(v, |(core, _)| core);
        let (core, pre) = match v.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (v, None),
        };
        let numbers = core
            .split('.')
            .map(|n| {
                (!n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
                    .then(|| n.parse::<u64>().ok())
                    .flatten()
            })
            .collect::<Option<Vec<u64>>>()?;
        Some((numbers, pre))
    }
    let (a_core, a_pre) = parse(a)?;
    let (b_core, b_pre) = parse(b)?;
    let len = a_core.len().max(b_core.len());
    let at = |core: &[u64], i: usize| core.get(i).copied().unwrap_or(0);
    let core = (0..len)
        .map(|i| at(&a_core, i).cmp(&at(&b_core, i)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal);
    Some(core.then_with(|| match (a_pre, b_pre) {
        (None, None) => Ordering::Equal,
        // A release comes after its pre-releases.
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => pre_release_order(a, b),
    }))
}

/// Pre-release identifiers, dot by dot: numbers by value and before words.
#[allow(
    clippy::many_single_char_names,
    reason = "a and b are the two sides of the comparison, as in Ord::cmp"
)]
fn pre_release_order(a: &str, b: &str) -> Ordering {
    let mut a = a.split('.');
    let mut b = b.split('.');
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let number = |s: &str| {
                    s.bytes()
                        .all(|c| c.is_ascii_digit())
                        .then(|| s.parse::<u64>().ok())
                        .flatten()
                };
                let order = match (number(x), number(y)) {
                    (Some(m), Some(n)) => m.cmp(&n),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => x.cmp(y),
                };
                if order.is_ne() {
                    return order;
                }
            }
        }
    }
}

/// The snapshot as this API sees it: each entry's name, version and status, and
/// whether it is the latest version of its name.
struct Catalog<'a> {
    served: Vec<Served<'a>>,
    is_latest: Vec<bool>,
}

impl<'a> Catalog<'a> {
    fn of<E: Borrow<Entry>>(snapshot: &'a [E], now: Timestamp) -> Catalog<'a> {
        let served: Vec<Served<'a>> = snapshot
            .iter()
            .map(|e| Served::of(e.borrow(), now))
            .collect();
        let mut latest: HashMap<&str, usize> = HashMap::new();
        for (i, s) in served.iter().enumerate() {
            latest
                .entry(&s.name)
                .and_modify(|best| {
                    if s.later(&served[*best]).is_gt() {
                        *best = i;
                    }
                })
                .or_insert(i);
        }
        let mut is_latest = vec![false; served.len()];
        for i in latest.into_values() {
            is_latest[i] = true;
        }
        Catalog { served, is_latest }
    }

    fn response(&self, i: usize, secrets: Secrets) -> Value {
        self.served[i].response(self.is_latest[i], secrets)
    }

    /// `GET /v0.1/servers`: a page of the entries that pass every filter, in
    /// the order of [`Served::key`], starting after the cursor.
    fn list(
        &self,
        params: &Params,
        include_deleted: bool,
        secrets: Secrets,
    ) -> Result<Value, Refusal> {
        let limit = params.limit()?;
        let cursor = params.cursor()?;
        let since = params.updated_since()?;
        // A mirror that syncs with updated_since must learn of deletions.
        let include_deleted = include_deleted || since.is_some();
        let search = params.get("search").map(str::to_lowercase);
        let version = params.get("version");
        let impossible = search
            .as_ref()
            .is_some_and(|s| s.chars().count() > MAX_NAME)
            || version.is_some_and(|v| v != "latest" && v.chars().count() > MAX_VERSION);
        let mut page: Vec<usize> = (0..self.served.len())
            .filter(|_| !impossible)
            .filter(|&i| {
                let s = &self.served[i];
                (include_deleted || !s.deleted())
                    && cursor
                        .as_ref()
                        .is_none_or(|(name, id)| s.key() > (name.as_str(), id.as_str()))
                    && search
                        .as_ref()
                        .is_none_or(|q| s.name.to_lowercase().contains(q.as_str()))
                    && match version {
                        None => true,
                        Some("latest") => self.is_latest[i],
                        Some(v) => s.version == v,
                    }
                    && since.is_none_or(|t| s.updated() > t)
            })
            .collect();
        page.sort_by(|&a, &b| self.served[a].key().cmp(&self.served[b].key()));
        let more = page.len() > limit;
        page.truncate(limit);
        let mut metadata = Map::new();
        if more && let Some(&last) = page.last() {
            metadata.insert("nextCursor".into(), json!(self.served[last].cursor()));
        }
        metadata.insert("count".into(), json!(page.len()));
        let servers: Vec<Value> = page.iter().map(|&i| self.response(i, secrets)).collect();
        Ok(json!({ "servers": servers, "metadata": metadata }))
    }

    /// The entries named `name`, deleted ones only if asked for.
    fn named(&self, name: &str, include_deleted: bool) -> Vec<usize> {
        (0..self.served.len())
            .filter(|&i| {
                let s = &self.served[i];
                s.name == name && (include_deleted || !s.deleted())
            })
            .collect()
    }

    /// `GET /v0.1/servers/{name}/versions`: newest publication first.
    fn versions(
        &self,
        name: &str,
        include_deleted: bool,
        secrets: Secrets,
    ) -> Result<Value, Refusal> {
        let mut versions = self.named(name, include_deleted);
        if versions.is_empty() {
            return Err(not_found("Server not found"));
        }
        versions.sort_by(|&a, &b| {
            let (a, b) = (&self.served[a].entry, &self.served[b].entry);
            b.registered_at
                .cmp(&a.registered_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        let servers: Vec<Value> = versions
            .iter()
            .map(|&i| self.response(i, secrets))
            .collect();
        Ok(json!({ "servers": servers, "metadata": { "count": servers.len() } }))
    }

    /// `GET /v0.1/servers/{name}/versions/{version}`: that version, or the
    /// latest for `latest`. Two entries of one name and version (the same server
    /// at two addresses) answer with the later of the two.
    fn version(
        &self,
        name: &str,
        version: &str,
        include_deleted: bool,
        secrets: Secrets,
    ) -> Result<Value, Refusal> {
        let versions = self.named(name, include_deleted);
        if versions.is_empty() {
            return Err(not_found("Server not found"));
        }
        let found = versions
            .into_iter()
            .filter(|&i| match version {
                "latest" => self.is_latest[i],
                v => self.served[i].version == v,
            })
            .max_by(|&a, &b| self.served[a].later(&self.served[b]));
        match found {
            Some(i) => Ok(self.response(i, secrets)),
            None => Err(not_found("Server version not found")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::registration::Registration;
    use crate::interop::{Import, registry_api::read_page};
    use crate::testing::seeded_runner;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::OnceLock;

    const HIDE: Secrets = Secrets { show: false };
    const SHOW: Secrets = Secrets { show: true };

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn now() -> Timestamp {
        at("2026-12-02T08:00:00Z")
    }

    /// An entry of the registry file's shape: `fields` over a stdio default.
    fn entry(id: &str, fields: Value) -> Entry {
        let mut e = json!({
            "id": id, "name": id,
            "transport": {"type": "stdio", "command": "/usr/bin/srv"},
            "registered_at": "2026-11-01T10:00:00Z", "updated_at": "2026-11-01T10:00:00Z",
        });
        for (k, v) in fields.as_object().unwrap() {
            e[k] = v.clone();
        }
        serde_json::from_value(e).unwrap()
    }

    /// Every shape an entry takes: each transport, a package, secrets, a long
    /// description, names with and without a namespace, two versions of one
    /// name, an expired lease, tools that changed since they were pinned.
    fn variety() -> Vec<Entry> {
        let mut v = vec![
            entry(
                "files-1",
                json!({"name": "io.github.me/files", "version": "1.2.0",
                       "description": "Files", "tags": ["a"],
                       "transport": {"type": "stdio", "command": "npx",
                                     "args": ["-y", "@me/files@1.2.0", "/data"],
                                     "env": {"FILES_TOKEN": "s3cret-env"}},
                       "tools": [{"name": "read_file", "description": "Read a file",
                                  "inputSchema": {"type": "object"}}]}),
            ),
            entry(
                "files-2",
                json!({"name": "io.github.me/files", "version": "1.10.0",
                       "registered_at": "2026-11-05T10:00:00Z", "updated_at": "2026-11-05T10:00:00Z",
                       "transport": {"type": "streamable-http", "url": "https://files.example/mcp",
                                     "headers": {"Authorization": "Bearer s3cret-header"}}}),
            ),
            entry(
                "search-1",
                json!({"name": "search", "description": "x".repeat(300),
                       "transport": {"type": "sse", "url": "http://127.0.0.1:9/sse"},
                       "lease": {"ttl_s": 30, "expires_at": "2026-12-02T09:00:00Z"}}),
            ),
            entry(
                "gone-1",
                json!({"name": "gone", "version": "2.0.0",
                       "updated_at": "2026-11-20T10:00:00Z",
                       "lease": {"ttl_s": 30, "expires_at": "2026-12-01T12:00:00Z"}}),
            ),
            entry(
                "odd-1",
                json!({"name": "My Odd/Server Name!", "version": "1.0.0+build.5",
                       "health": {"status": "changed", "checked_at": "2026-12-01T00:00:00Z"}}),
            ),
            entry(
                "py-1",
                json!({"name": "weather", "version": "0.3.0",
                       "transport": {"type": "stdio", "command": "uvx", "args": ["weather-mcp==0.3.0"]}}),
            ),
        ];
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    fn openapi() -> &'static Value {
        static DOC: OnceLock<Value> = OnceLock::new();
        DOC.get_or_init(|| {
            serde_yaml::from_str(include_str!("../../tests/data/registry-openapi.yaml")).unwrap()
        })
    }

    /// The schema of the `status` response of `GET path` in the OpenAPI
    /// document, with the document's components to resolve it against.
    fn validator(path: &str, status: &str) -> jsonschema::Validator {
        let doc = openapi();
        let schema = &doc["paths"][path]["get"]["responses"][status]["content"]["application/json"]
            ["schema"];
        assert!(schema.is_object(), "no schema for {status} of GET {path}");
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": doc["components"],
            "allOf": [schema],
        });
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap()
    }

    fn validators() -> &'static HashMap<&'static str, jsonschema::Validator> {
        static ALL: OnceLock<HashMap<&'static str, jsonschema::Validator>> = OnceLock::new();
        ALL.get_or_init(|| {
            let versions = "/v0.1/servers/{serverName}/versions";
            let version = "/v0.1/servers/{serverName}/versions/{version}";
            HashMap::from([
                ("list", validator("/v0.1/servers", "200")),
                ("versions", validator(versions, "200")),
                ("version", validator(version, "200")),
                // GET has no 400 in the document: the API's one error shape.
                ("error", validator(versions, "404")),
            ])
        })
    }

    /// Where `body`, the answer of `status` to `target`, departs from the
    /// OpenAPI document.
    fn departures(target: &str, status: u16, body: &Value) -> Vec<String> {
        let path = target.split('?').next().unwrap_or_default();
        let kind = match status {
            200 if path == "/v0.1/servers" => "list",
            200 if path.ends_with("/versions") => "versions",
            200 => "version",
            _ => "error",
        };
        let mut errors: Vec<String> = validators()[kind]
            .iter_errors(body)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        if kind == "error" && body["error"].as_str().is_none_or(str::is_empty) {
            errors.push("no error message".into());
        }
        errors
    }

    /// `respond`, its answer checked against the OpenAPI document.
    fn get(target: &str, snapshot: &[Entry], secrets: Secrets) -> (u16, Value) {
        let (status, body) = respond(target, snapshot, now(), secrets);
        let errors = departures(target, status, &body);
        assert!(errors.is_empty(), "GET {target}: {errors:?} in {body:#}");
        (status, body)
    }

    fn names(body: &Value) -> Vec<(String, String)> {
        body["servers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["server"]["name"].as_str().unwrap().to_owned(),
                    s["server"]["version"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn every_answer_conforms_to_the_openapi_document() {
        let entries = variety();
        let targets = [
            "/v0.1/servers",
            "/v0.1/servers?limit=2",
            "/v0.1/servers?include_deleted=true&limit=100",
            "/v0.1/servers?search=FILES&version=latest",
            "/v0.1/servers?version=1.2.0",
            "/v0.1/servers?updated_since=2026-11-02T00:00:00Z",
            "/v0.1/servers?cursor=io.github.me%2Ffiles%3Afiles-1",
            "/v0.1/servers/io.github.me%2Ffiles/versions",
            "/v0.1/servers/io.github.me/files/versions",
            "/v0.1/servers/io.github.me%2Ffiles/versions/latest",
            "/v0.1/servers/io.github.me%2Ffiles/versions/1.2.0",
            "/v0.1/servers/local.mcpreg%2FMy-Odd-Server-Name-/versions/1.0.0%2Bbuild.5",
            "/v0.1/servers/local.mcpreg%2Fgone/versions?include_deleted=true",
        ];
        for target in targets {
            for secrets in [HIDE, SHOW] {
                let (status, body) = get(target, &entries, secrets);
                assert_eq!(status, 200, "GET {target}: {body:#}");
            }
        }
        let refused = [
            ("/v0.1/servers?limit=0", 400),
            ("/v0.1/servers?limit=101", 400),
            ("/v0.1/servers?limit=ten", 400),
            ("/v0.1/servers?cursor=nonsense", 400),
            ("/v0.1/servers?updated_since=yesterday", 400),
            ("/v0.1/servers?include_deleted=maybe", 400),
            ("/v0.1/servers?limit=1&limit=2", 400),
            ("/v0.1/servers?search=%zz", 400),
            ("/v0.1/servers/%ff/versions", 400),
            ("/v0.1/servers/io.github.me%2Fnone/versions", 404),
            ("/v0.1/servers/io.github.me%2Ffiles/versions/9.9.9", 404),
            ("/v0.1/servers/local.mcpreg%2Fgone/versions", 404),
            ("/v0.1/servers/io.github.me%2Ffiles", 404),
            ("/v0.1/nothing", 404),
            ("/v0.1/servers/", 404),
        ];
        for (target, expected) in refused {
            let (status, body) = get(target, &entries, HIDE);
            assert_eq!(status, expected, "GET {target}: {body:#}");
        }
        // The check can fail: a server.json without its description is not one.
        let (_, mut body) = get("/v0.1/servers", &entries, HIDE);
        body["servers"][0]["server"]
            .as_object_mut()
            .unwrap()
            .remove("description");
        assert!(!departures("/v0.1/servers", 200, &body).is_empty());
        assert!(!departures("/v0.1/servers", 400, &json!({"message": "x"})).is_empty());
    }

    #[test]
    fn each_server_is_the_server_json_of_export_with_the_registry_meta() {
        let entries = variety();
        let (_, body) = get("/v0.1/servers?limit=100", &entries, SHOW);
        let served = body["servers"].as_array().unwrap();
        // The expired lease is left out unless asked for.
        assert_eq!(served.len(), entries.len() - 1);
        for item in served {
            let name = item["server"]["name"].as_str().unwrap();
            let id = item["server"]["_meta"]["mcpreg"]["id"].as_str().unwrap();
            let e = entries.iter().find(|e| e.id == id).unwrap();
            let exported = server_json::document(e, DEFAULT_NAMESPACE, None);
            let exported = Value::Object(exported.into_iter().collect());
            assert_eq!(item["server"], exported, "{name}");
            let official = &item["_meta"][OFFICIAL];
            assert_eq!(official["publishedAt"], json!(e.registered_at.to_string()));
            assert_eq!(official["updatedAt"], json!(e.updated_at.to_string()));
        }
        let meta = |name: &str, version: &str| {
            served
                .iter()
                .find(|s| s["server"]["name"] == name && s["server"]["version"] == version)
                .map(|s| s["_meta"][OFFICIAL].clone())
                .unwrap()
        };
        // 1.10.0 is later than 1.2.0, though "1.2.0" > "1.10.0" as text.
        assert_eq!(meta("io.github.me/files", "1.10.0")["isLatest"], true);
        assert_eq!(meta("io.github.me/files", "1.2.0")["isLatest"], false);
        assert_eq!(meta("local.mcpreg/search", "0.0.0")["status"], "active");
        let odd = meta("local.mcpreg/My-Odd-Server-Name-", "1.0.0+build.5");
        assert_eq!(odd["status"], "deprecated");
        assert!(
            odd["statusMessage"]
                .as_str()
                .unwrap()
                .contains("mcpreg pin")
        );
        let (_, gone) = get(
            "/v0.1/servers/local.mcpreg%2Fgone/versions/latest?include_deleted=true",
            &entries,
            HIDE,
        );
        let official = &gone["_meta"][OFFICIAL];
        assert_eq!(official["status"], "deleted");
        assert_eq!(official["statusChangedAt"], "2026-12-01T12:00:00.000Z");
        assert_eq!(official["updatedAt"], "2026-12-01T12:00:00.000Z");
        assert_eq!(official["isLatest"], true);
    }

    #[test]
    fn secrets_are_redacted_and_asked_for_unless_shown() {
        let entries = variety();
        let targets = [
            "/v0.1/servers?limit=100&include_deleted=true",
            "/v0.1/servers/io.github.me%2Ffiles/versions",
            "/v0.1/servers/io.github.me%2Ffiles/versions/1.2.0",
        ];
        for target in targets {
            let (_, hidden) = get(target, &entries, HIDE);
            let text = hidden.to_string();
            assert!(
                !text.contains("s3cret"),
                "GET {target} leaks a secret: {text}"
            );
            let (_, shown) = get(target, &entries, SHOW);
            assert!(shown.to_string().contains("s3cret"), "GET {target}");
        }
        let (_, body) = get(
            "/v0.1/servers/io.github.me%2Ffiles/versions",
            &entries,
            HIDE,
        );
        let by_version = |v: &str| {
            body["servers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["server"]["version"] == v)
                .unwrap()["server"]
                .clone()
        };
        let http = by_version("1.10.0");
        assert_eq!(
            http["remotes"][0]["headers"],
            json!([{"name": "Authorization", "isSecret": true}])
        );
        assert_eq!(
            http["_meta"]["mcpreg"]["transport"]["headers"]["Authorization"],
            REDACTED
        );
        let npm = by_version("1.2.0");
        assert_eq!(
            npm["packages"][0]["environmentVariables"],
            json!([{"name": "FILES_TOKEN", "isSecret": true}])
        );
    }

    #[test]
    fn the_filters_mean_what_the_official_registry_means() {
        let entries = variety();
        let list = |query: &str| names(&get(&format!("/v0.1/servers?{query}"), &entries, HIDE).1);
        // A case-insensitive substring of the server name.
        // In the order of pages: by name, then id.
        assert_eq!(
            list("search=ME%2FFi"),
            vec![
                ("io.github.me/files".into(), "1.2.0".into()),
                ("io.github.me/files".into(), "1.10.0".into()),
            ]
        );
        assert_eq!(list("search=local.mcpreg%2Fweath").len(), 1);
        assert!(list(&format!("search={}", "a".repeat(201))).is_empty());
        assert_eq!(
            list("search=files&version=latest"),
            vec![("io.github.me/files".into(), "1.10.0".into())]
        );
        assert_eq!(
            list("version=1.2.0"),
            vec![("io.github.me/files".into(), "1.2.0".into())]
        );
        // Every latest version, and each name once.
        let latest = list("version=latest&limit=100");
        let once: BTreeSet<&String> = latest.iter().map(|(n, _)| n).collect();
        assert_eq!(once.len(), latest.len());
        assert_eq!(latest.len(), 4, "{latest:?}");
        // Updated after the time, however its offset spells it; a deletion is
        // news to a mirror, so the expired lease is listed.
        for since in [
            "2026-11-05T10:00:00Z",
            "2026-11-05T12:00:00%2B02:00",
            "2026-11-05T05:00:00-05:00",
            "2026-11-05t10:00:00.000z",
        ] {
            assert_eq!(
                list(&format!("updated_since={since}")),
                vec![("local.mcpreg/gone".into(), "2.0.0".into())],
                "{since}"
            );
        }
        assert_eq!(list("updated_since=2026-11-05T09:59:59.999Z").len(), 2);
        assert_eq!(list("include_deleted=1&limit=100").len(), entries.len());
        // Empty values are no values, as in the official registry.
        assert_eq!(
            list("search=&cursor=&limit=&version=").len(),
            entries.len() - 1
        );
        // Unknown parameters are ignored.
        assert_eq!(list("sort=name&x").len(), entries.len() - 1);
    }

    #[test]
    fn paging_serves_every_entry_exactly_once_even_while_the_registry_changes() {
        /// Follows the pages of `limit` from the start; before page `n`, the
        /// registry becomes `schedule(n)`. Returns the ids served, in order.
        fn follow(limit: usize, mut schedule: impl FnMut(usize) -> Vec<Entry>) -> Vec<String> {
            let mut served = Vec::new();
            let mut cursor: Option<String> = None;
            for page in 0..10_000 {
                let snapshot = schedule(page);
                let target = match &cursor {
                    None => format!("/v0.1/servers?limit={limit}"),
                    Some(c) => format!("/v0.1/servers?limit={limit}&cursor={}", encode(c)),
                };
                let (status, body) = respond(&target, &snapshot, now(), HIDE);
                assert_eq!(status, 200, "{body}");
                let items = body["servers"].as_array().unwrap();
                assert!(items.len() <= limit);
                assert_eq!(body["metadata"]["count"], items.len());
                served.extend(items.iter().map(|s| {
                    s["server"]["_meta"]["mcpreg"]["id"]
                        .as_str()
                        .unwrap()
                        .to_owned()
                }));
                match body["metadata"]["nextCursor"].as_str() {
                    Some(next) => cursor = Some(next.to_owned()),
                    None => return served,
                }
            }
            panic!("the pages never end");
        }
        let many = |n: usize| -> Vec<Entry> {
            let mut v: Vec<Entry> = (0..n)
                .map(|i| {
                    // Names repeat: several entries are versions of one server.
                    entry(
                        &format!("e{i:04}"),
                        json!({"name": format!("srv{}", i % 37), "version": format!("1.{i}.0")}),
                    )
                })
                .collect();
            v.sort_by(|a, b| a.id.cmp(&b.id));
            v
        };
        let all = many(250);
        for limit in [1, 7, 30, 100] {
            let served = follow(limit, |_| all.clone());
            let unique: BTreeSet<&String> = served.iter().collect();
            assert_eq!(unique.len(), served.len(), "limit {limit}: served twice");
            assert_eq!(served.len(), all.len(), "limit {limit}");
        }
        // Between pages entries come and go: each one there from the first page
        // to the last is served once; nothing is served twice.
        seeded_runner("registry API paging", 64)
            .run(
                &(
                    1usize..40,
                    prop::collection::vec((0usize..300, 0usize..300), 0..40),
                ),
                |(limit, changes)| {
                    let mut snapshot = many(150);
                    let mut removed = BTreeSet::new();
                    let schedule = |page: usize| {
                        if let Some(&(remove, add)) = changes.get(page) {
                            if let Some(i) = (remove < snapshot.len()).then_some(remove) {
                                removed.insert(snapshot.remove(i).id);
                            }
                            snapshot.push(entry(
                                &format!("n{page:03}-{add}"),
                                json!({"name": format!("srv{}", add % 41)}),
                            ));
                            snapshot.sort_by(|a, b| a.id.cmp(&b.id));
                        }
                        snapshot.clone()
                    };
                    let served = follow(limit, schedule);
                    let unique: BTreeSet<&String> = served.iter().collect();
                    prop_assert_eq!(unique.len(), served.len(), "served twice");
                    for e in many(150) {
                        prop_assert!(
                            removed.contains(&e.id) || unique.contains(&e.id),
                            "{} was there throughout and never served",
                            e.id
                        );
                    }
                    Ok(())
                },
            )
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// A query value as a client sends it.
    fn encode(text: &str) -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    #[test]
    fn register_from_reads_the_pages_back() {
        let entries: Vec<Entry> = variety()
            .into_iter()
            .filter(|e| {
                e.declared.name != "io.github.me/files"
                    || e.declared.version.as_deref() == Some("1.10.0")
            })
            .collect();
        for secrets in [SHOW, HIDE] {
            let mut import = Import::default();
            let mut cursor: Option<String> = None;
            for page in 1.. {
                let mut target = "/v0.1/servers?version=latest&limit=2".to_owned();
                if let Some(c) = &cursor {
                    target += "&cursor=";
                    target += &encode(c);
                }
                let (_, body) = get(&target, &entries, secrets);
                match read_page(&body.to_string(), page, &mut import).unwrap() {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            let got: BTreeMap<String, Registration> = import
                .registrations
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect();
            let live: Vec<&Entry> = entries.iter().filter(|e| e.id != "gone-1").collect();
            assert_eq!(got.len(), live.len(), "{:?}", got.keys());
            for e in live {
                let expected = Registration::of(&secrets.answer(e));
                assert_eq!(got.get(&e.id), Some(&expected), "{}", e.id);
            }
        }
    }

    #[test]
    fn no_request_target_panics_and_every_answer_has_the_api_shape() {
        let entries = variety();
        let mut keys = KNOWN.to_vec();
        keys.extend(["other", ""]);
        let key = prop::sample::select(keys);
        let value = prop_oneof![
            ".{0,12}",
            "[0-9%+:.TZ-]{0,30}",
            Just("latest".to_owned()),
            Just("2026-11-05T10:00:00Z".to_owned()),
            Just("io.github.me%2Ffiles%3Afiles-1".to_owned()),
            any::<u64>().prop_map(|n| n.to_string()),
        ];
        let query = prop::collection::vec((key, value), 0..5).prop_map(|pairs| {
            pairs
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        });
        let path = prop_oneof![
            Just("/v0.1/servers".to_owned()),
            "/v0.1/servers/[a-z.%2F/]{0,20}/versions(/[0-9a-z.%+]{0,8})?",
            "/v0.1/.{0,20}",
            ".{0,30}",
        ];
        seeded_runner("registry API targets", 512)
            .run(&(path, query), |(path, query)| {
                let target = format!("{path}?{query}");
                for t in [&target, &path] {
                    let (status, body) = respond(t, &entries, now(), HIDE);
                    prop_assert!(matches!(status, 200 | 400 | 404), "{t}: {status}");
                    let errors = departures(t, status, &body);
                    prop_assert!(errors.is_empty(), "{}: {:?}", t, errors);
                    prop_assert!(!body.to_string().contains("s3cret"), "{}", t);
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn versions_compare_as_semantic_versions_where_they_are_versions() {
        use Ordering::*;
        let cases = [
            ("1.10.0", "1.2.0", Some(Greater)),
            ("1.2", "1.2.0", Some(Equal)),
            ("v2", "1.9.9", Some(Greater)),
            ("1.0.0-rc.1", "1.0.0", Some(Less)),
            ("1.0.0-rc.10", "1.0.0-rc.9", Some(Greater)),
            ("1.0.0-alpha", "1.0.0-1", Some(Greater)),
            ("1.0.0-a.b", "1.0.0-a", Some(Greater)),
            ("1.0.0+build.9", "1.0.0", Some(Equal)),
            ("latest", "1.0.0", None),
            ("1..2", "1.0.0", None),
            ("99999999999999999999999", "1", None),
        ];
        for (a, b, expected) in cases {
            assert_eq!(version_order(a, b), expected, "{a} vs {b}");
        }
    }

    #[test]
    fn times_are_rfc_3339_with_an_offset() {
        let utc = at("2026-11-05T10:00:00Z");
        for ok in [
            "2026-11-05T10:00:00Z",
            "2026-11-05T10:00:00.000z",
            "2026-11-05t12:30:00+02:30",
            "2026-11-05T05:00:00-05:00",
            "2026-11-05T10:00:00+00:00",
        ] {
            assert_eq!(rfc3339(ok), Some(utc), "{ok}");
        }
        assert_eq!(
            rfc3339("2025-08-07T13:15:04.280Z"),
            Some(at("2025-08-07T13:15:04.280Z"))
        );
        // Before 1970 once the offset is applied: from the start of time.
        assert_eq!(
            rfc3339("1970-01-01T00:30:00+01:00"),
            Some(at("1970-01-01T00:00:00Z"))
        );
        assert!(rfc3339("9999-12-31T23:59:59-23:59").is_some());
        for bad in [
            "2026-11-05",
            "2026-11-05T10:00:00",
            "2026-11-05 10:00:00Z",
            "2026-11-05T10:00:00+2:00",
            "2026-11-05T10:00:00+24:00",
            "2026-11-05T10:00:00Zjunk",
            "2026-11-05T10:00:00 +02:00",
            "2026-13-05T10:00:00Z",
            "2026-11-05T10:00:00.Z0",
            "2026-11-05T10:00:00.Z+02:00",
            "2026-11-05T10:00:00.1+02:00+02:00",
            "2026-11-05T10:00:00.+02:00",
            "2026-11-05T10:00:00é",
            "yesterday and the day before",
        ] {
            assert_eq!(rfc3339(bad), None, "{bad}");
        }
    }
}
