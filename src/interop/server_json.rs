//! `server.json`, the official MCP Registry's description of one server, schema
//! <https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json>
//! (vendored, byte for byte, in `tests/data/server.schema.json`).
//!
//! **Export.** `name` is the entry's name when it already is reverse-DNS with one
//! `/` (`io.github.me/files`), else `NAMESPACE/NAME` (`--namespace`, default
//! `local.mcpreg`) with characters the schema refuses replaced by `-`.
//! `description` is cut to 100 characters (a missing one becomes `MCP server
//! NAME`), a missing `version` becomes `0.0.0`. HTTP entries become `remotes`;
//! stdio entries run as `npx -y PKG@VER` or `uvx PKG==VER` also become npm or pypi
//! `packages`. Everything else — a local command, tags, tools, the lease, and the
//! fields cut or made up above — is kept whole under `_meta.mcpreg`, so
//! `register --from` gives back the same entry.
//!
//! **Import.** With `_meta.mcpreg`, that declaration is registered as it stands.
//! Without, each remote becomes an HTTP entry and each npm or pypi package a stdio
//! entry (`npx -y PKG@VER`, `uvx PKG==VER`), all named `name`.

use super::{Import, checked, join, kind_of, plain, string_at};
use crate::catalog::model::check_http_url;
use crate::catalog::registration::Registration;
use crate::catalog::{Entry, Transport, TransportKind};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const SCHEMA_URL: &str =
    "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

/// mcpreg's own key under `_meta`.
pub const META_KEY: &str = "mcpreg";

const MAX_DESCRIPTION: usize = 100;

/// Reverse-DNS with exactly one `/`: `^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$`, 3 to 200 chars.
pub fn name_problem(name: &str) -> Option<String> {
    let len = name.chars().count();
    if !(3..=200).contains(&len) {
        return Some(format!(
            "{name:?} is {len} characters; 3 to 200 are allowed"
        ));
    }
    let ok = match name.split_once('/') {
        Some((ns, rest)) => {
            !ns.is_empty()
                && !rest.is_empty()
                && ns
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
        }
        None => false,
    };
    (!ok).then(|| {
        format!(
            "{name:?} is not in reverse-DNS form with exactly one '/' (like io.github.user/weather)"
        )
    })
}

/// The server.json `name` of `e` (the rule in the module comment).
pub fn registry_name(e: &Entry, namespace: &str) -> String {
    if name_problem(&e.declared.name).is_none() {
        return e.declared.name.clone();
    }
    let mut local: String = e
        .declared
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if local.trim_matches('-').is_empty() {
        local.clone_from(&e.id);
    }
    let max = 200usize.saturating_sub(namespace.len() + 1);
    let local: String = local.chars().take(max.max(1)).collect();
    format!("{namespace}/{local}")
}

/// The server.json `version` of `e`: its own, at most 255 characters, or `0.0.0`.
pub fn registry_version(e: &Entry) -> String {
    e.declared
        .version
        .as_deref()
        .unwrap_or("0.0.0")
        .chars()
        .take(255)
        .collect()
}

fn clip(text: &str) -> String {
    if text.chars().count() <= MAX_DESCRIPTION {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(MAX_DESCRIPTION - 1).collect();
    out.push('…');
    out
}

/// The server.json of one entry; fields of `existing` mcpreg does not write
/// (repository, websiteUrl, title, icons, other `_meta` keys) are kept.
pub fn document(e: &Entry, namespace: &str, existing: Option<&Document>) -> Document {
    let mut doc = existing.cloned().unwrap_or_default();
    let name = registry_name(e, namespace);
    // $schema, name, description, version first, as the registry's examples have them.
    for key in ["$schema", "name", "description", "version"] {
        doc.shift_remove(key);
    }
    let rest = std::mem::take(&mut doc);
    let description = match e.declared.description.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => clip(d),
        _ => clip(&format!("MCP server {}", e.declared.name)),
    };
    doc.insert("$schema".into(), json!(SCHEMA_URL));
    doc.insert("name".into(), json!(name));
    doc.insert("description".into(), json!(description));
    doc.insert("version".into(), json!(registry_version(e)));
    doc.extend(rest);
    doc.shift_remove("remotes");
    doc.shift_remove("packages");
    match &e.declared.transport {
        Transport::StreamableHttp { url, headers } | Transport::Sse { url, headers } => {
            let mut remote = Map::new();
            remote.insert("type".into(), json!(e.declared.transport.kind()));
            remote.insert("url".into(), json!(url));
            if !headers.is_empty() {
                remote.insert("headers".into(), key_values(headers));
            }
            doc.insert("remotes".into(), json!([remote]));
        }
        Transport::Stdio {
            command, args, env, ..
        } => {
            if let Some(package) = package_of(command, args, env) {
                doc.insert("packages".into(), json!([package]));
            }
        }
    }
    let mut meta = match doc.shift_remove("_meta") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    // Not `unwrap_or(Null)`, which would export `"mcpreg": null` and lose the
    // declaration without a word: a derived Serialize of strings, numbers, string
    // maps and JSON values (flattened into string keys) cannot fail.
    let ours = serde_json::to_value(Registration::of(e))
        .expect("a registration is strings, numbers, string-keyed maps and JSON values");
    meta.insert(META_KEY.into(), ours);
    doc.insert("_meta".into(), Value::Object(meta));
    doc
}

/// A server.json object, keys in the order written.
pub type Document = indexmap::IndexMap<String, Value>;

/// What an existing server.json gives the `export -o` that rewrites it: its
/// documents, whose fields mcpreg does not write are kept (see [`document`]),
/// and one warning for each item of its array that is not a document, naming the
/// item by its index. Such an item is not kept; the warning says so, because
/// the rewrite is where it disappears from the user's file.
#[derive(Debug, Default)]
pub struct Existing {
    pub documents: Vec<Document>,
    pub warnings: Vec<String>,
}

/// Why an existing server.json cannot be rewritten: where in the text, and what.
#[derive(Debug)]
pub struct Malformed {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Reads the server.json that `export -o` is about to replace. Text that is not
/// JSON, or JSON that is neither a document nor an array, is refused (the file
/// is then left as it is); a bad item of an array is a warning, and the other
/// documents are kept.
pub fn existing(text: &str) -> Result<Existing, Malformed> {
    if text.trim().is_empty() {
        return Ok(Existing::default());
    }
    let not_server_json = |what: &str| Malformed {
        line: 1,
        column: 1,
        message: format!(
            "{what}, not a server.json (a JSON object or an array of them); not overwritten"
        ),
    };
    match serde_json::from_str::<Value>(text) {
        Err(e) => Err(Malformed {
            line: e.line(),
            column: e.column(),
            message: format!(
                "not JSON ({}); not overwritten",
                crate::store::strict::without_position(&e.to_string())
            ),
        }),
        Ok(Value::Object(doc)) => Ok(Existing {
            documents: vec![doc.into_iter().collect()],
            warnings: Vec::new(),
        }),
        Ok(Value::Array(items)) => {
            let mut found = Existing::default();
            for (i, item) in items.into_iter().enumerate() {
                match item {
                    Value::Object(doc) => found.documents.push(doc.into_iter().collect()),
                    other => found.warnings.push(format!(
                        "[{i}]: a server.json document is a JSON object, not {}; \
                         this item is not kept in the rewrite",
                        kind_of(&other)
                    )),
                }
            }
            Ok(found)
        }
        Ok(other) => Err(not_server_json(kind_of(&other))),
    }
}

fn key_values(map: &BTreeMap<String, String>) -> Value {
    Value::Array(
        map.iter()
            .map(|(k, v)| {
                let secret = k.eq_ignore_ascii_case("authorization")
                    || k.to_ascii_lowercase().contains("token")
                    || k.to_ascii_lowercase().contains("key");
                json!({"name": k, "value": v, "isSecret": secret})
            })
            .collect(),
    )
}

/// An npm or pypi package for `npx -y PKG[@VER] ARGS...` or `uvx PKG[==VER] ARGS...`.
fn package_of(command: &str, args: &[String], env: &BTreeMap<String, String>) -> Option<Value> {
    let program = command.rsplit('/').next().unwrap_or(command);
    let (registry, spec, rest) = match (program, args) {
        ("npx", [y, spec, rest @ ..]) if y == "-y" || y == "--yes" => ("npm", spec, rest),
        ("uvx", [spec, rest @ ..]) if !spec.starts_with('-') => ("pypi", spec, rest),
        _ => return None,
    };
    let (identifier, version) = if registry == "npm" {
        match spec.rfind('@') {
            Some(i) if i > 0 => (&spec[..i], Some(&spec[i + 1..])),
            _ => (spec.as_str(), None),
        }
    } else {
        match spec.split_once("==") {
            Some((p, v)) => (p, Some(v)),
            None => (spec.as_str(), None),
        }
    };
    if identifier.is_empty() || version.is_some_and(|v| v.is_empty() || v == "latest") {
        return None;
    }
    let mut p = Map::new();
    p.insert("registryType".into(), json!(registry));
    p.insert("identifier".into(), json!(identifier));
    if let Some(v) = version {
        p.insert("version".into(), json!(v));
    }
    p.insert(
        "runtimeHint".into(),
        json!(if registry == "npm" { "npx" } else { "uvx" }),
    );
    p.insert("transport".into(), json!({"type": "stdio"}));
    if !rest.is_empty() {
        p.insert(
            "packageArguments".into(),
            Value::Array(
                rest.iter()
                    .map(|a| json!({"type": "positional", "value": a}))
                    .collect(),
            ),
        );
    }
    if !env.is_empty() {
        p.insert("environmentVariables".into(), key_values(env));
    }
    Some(Value::Object(p))
}

/// The registrations one server.json holds; `at` prefixes field names (`[2]`).
/// The steps: the fields every server.json has, then mcpreg's own declaration
/// if the file came from `export`, else one entry per remote and per package.
pub fn import(doc: &Value, at: &str, import: &mut Import) -> Result<(), String> {
    let Value::Object(obj) = doc else {
        return Err(format!(
            "{}a server.json is a JSON object, not {}",
            prefix(at),
            kind_of(doc)
        ));
    };
    let about = About::read(obj, at)?;
    if let Some(declared) = our_declaration(obj, at)? {
        import.registrations.push(declared);
        return Ok(());
    }
    let before = import.registrations.len();
    for (i, remote) in array_at(obj, "remotes", at)?.iter().enumerate() {
        let here = format!("{}[{i}]", join(at, "remotes"));
        let transport = remote_transport(remote, &here, &mut import.warnings)?;
        import
            .registrations
            .push(about.registration(transport, &here)?);
    }
    for (i, package) in array_at(obj, "packages", at)?.iter().enumerate() {
        let here = format!("{}[{i}]", join(at, "packages"));
        if let Some(transport) = package_transport(package, &here, &mut import.warnings)? {
            import
                .registrations
                .push(about.registration(transport, &here)?);
        }
    }
    if import.registrations.len() == before {
        import.warnings.push(format!(
            "{}has no remote and no npm or pypi package with a stdio transport",
            prefix(at)
        ));
    }
    Ok(())
}

/// `at: `, or nothing at the top.
fn prefix(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    }
}

/// What every server.json says of its server, checked as the schema requires.
struct About<'a> {
    name: &'a str,
    description: &'a str,
    version: &'a str,
}

impl<'a> About<'a> {
    fn read(obj: &'a Map<String, Value>, at: &str) -> Result<Self, String> {
        let field = |k: &str| join(at, k);
        let name = string_at(obj, "name", at)?.ok_or_else(|| {
            format!(
                "{}: required (reverse-DNS, like io.github.user/weather)",
                field("name")
            )
        })?;
        if let Some(why) = name_problem(name) {
            return Err(format!("{}: {why}", field("name")));
        }
        let description = string_at(obj, "description", at)?
            .ok_or_else(|| format!("{}: required", field("description")))?;
        let chars = description.chars().count();
        if chars == 0 || chars > MAX_DESCRIPTION {
            return Err(format!(
                "{}: {chars} characters; 1 to {MAX_DESCRIPTION} are allowed",
                field("description")
            ));
        }
        let version = string_at(obj, "version", at)?
            .ok_or_else(|| format!("{}: required", field("version")))?;
        if version.chars().count() > 255 {
            return Err(format!("{}: longer than 255 characters", field("version")));
        }
        if let Some(schema) = string_at(obj, "$schema", at)?
            && !schema.contains("server.schema.json")
        {
            return Err(format!(
                "{}: {schema:?} is not a server.json schema",
                field("$schema")
            ));
        }
        Ok(About {
            name,
            description,
            version,
        })
    }

    /// The registration of one remote or package of this server.
    fn registration(&self, transport: Transport, at: &str) -> Result<Registration, String> {
        let mut r = plain(self.name, transport, at)?;
        r.declared.description = Some(self.description.to_owned());
        r.declared.version = Some(self.version.to_owned());
        Ok(r)
    }
}

/// mcpreg's own declaration under `_meta.mcpreg`, when the file came from
/// `export --to server-json`: registered as it stands, once checked.
fn our_declaration(obj: &Map<String, Value>, at: &str) -> Result<Option<Registration>, String> {
    let Some(meta) = obj.get("_meta") else {
        return Ok(None);
    };
    let meta = object(meta, &join(at, "_meta"))?;
    let Some(ours) = meta.get(META_KEY) else {
        return Ok(None);
    };
    let here = format!("{}.{META_KEY}", join(at, "_meta"));
    let declared: Registration =
        serde_json::from_value(ours.clone()).map_err(|e| format!("{here}: {e}"))?;
    checked(declared, &here).map(Some)
}

/// The HTTP transport of one item of `remotes`.
fn remote_transport(
    remote: &Value,
    here: &str,
    warnings: &mut Vec<String>,
) -> Result<Transport, String> {
    let r = object(remote, here)?;
    let kind = string_at(r, "type", here)?
        .ok_or_else(|| format!("{here}.type: required (streamable-http or sse)"))?;
    let url = string_at(r, "url", here)?.ok_or_else(|| format!("{here}.url: required"))?;
    if url.chars().any(char::is_whitespace) {
        return Err(format!("{here}.url: {url:?} contains white space"));
    }
    check_http_url(url).map_err(|why| format!("{here}.url: {url:?}: {why}"))?;
    let headers = headers_at(r, "headers", here, warnings)?;
    match kind.parse() {
        Ok(http @ (TransportKind::StreamableHttp | TransportKind::Sse)) => {
            Ok(Transport::http(http, url.to_owned(), headers))
        }
        _ => Err(format!(
            "{here}.type: {kind:?} is not streamable-http or sse"
        )),
    }
}

/// The stdio transport of one item of `packages`: `npx -y PKG@VER` or
/// `uvx PKG==VER` and its arguments; None (with a warning) for a package that
/// serves HTTP or comes from a registry other than npm and pypi.
fn package_transport(
    package: &Value,
    here: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<Transport>, String> {
    let p = object(package, here)?;
    let registry = string_at(p, "registryType", here)?
        .ok_or_else(|| format!("{here}.registryType: required"))?;
    let identifier = string_at(p, "identifier", here)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("{here}.identifier: required"))?;
    let version = string_at(p, "version", here)?;
    if version == Some("latest") || version == Some("") {
        return Err(format!("{here}.version: must be one specific version"));
    }
    let there = format!("{here}.transport");
    let transport = p
        .get("transport")
        .ok_or_else(|| format!("{there}: required"))?;
    let transport_kind = string_at(object(transport, &there)?, "type", &there)?
        .ok_or_else(|| format!("{there}.type: required"))?;
    if transport_kind != "stdio" {
        warnings.push(format!(
            "{here}: skipped: a {transport_kind} package serves HTTP once started; start it with `mcpreg run`"
        ));
        return Ok(None);
    }
    let Some((command, mut args)) = package_command(registry, identifier, version) else {
        warnings.push(format!(
            "{here}: skipped: registryType {registry:?} is not supported (npm and pypi are)"
        ));
        return Ok(None);
    };
    args.extend(package_arguments(p, here, warnings)?);
    let env = headers_at(p, "environmentVariables", here, warnings)?;
    Ok(Some(Transport::Stdio {
        command: command.to_owned(),
        args,
        env,
        cwd: None,
    }))
}

/// The command that runs a package of `registry`, and its first arguments; None
/// for a registry mcpreg cannot run.
fn package_command(
    registry: &str,
    identifier: &str,
    version: Option<&str>,
) -> Option<(&'static str, Vec<String>)> {
    match registry {
        "npm" => Some((
            "npx",
            vec![
                "-y".to_owned(),
                match version {
                    Some(v) => format!("{identifier}@{v}"),
                    None => identifier.to_owned(),
                },
            ],
        )),
        "pypi" => Some((
            "uvx",
            vec![match version {
                Some(v) => format!("{identifier}=={v}"),
                None => identifier.to_owned(),
            }],
        )),
        _ => None,
    }
}

/// A package's `packageArguments` as command-line arguments: positional ones as
/// their value, named ones as `--flag=value`; a positional one without a value
/// is left out with a warning.
fn package_arguments(
    p: &Map<String, Value>,
    here: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<String>, String> {
    let mut args = Vec::new();
    for (j, a) in array_at(p, "packageArguments", here)?.iter().enumerate() {
        let there = format!("{here}.packageArguments[{j}]");
        let a = object(a, &there)?;
        let value = string_at(a, "value", &there)?.or(string_at(a, "default", &there)?);
        match (string_at(a, "type", &there)?, value) {
            (Some("positional"), Some(v)) => args.push(v.to_owned()),
            (Some("named"), v) => {
                let flag = string_at(a, "name", &there)?
                    .ok_or_else(|| format!("{there}.name: required for a named argument"))?;
                args.push(match v {
                    Some(v) => format!("{flag}={v}"),
                    None => flag.to_owned(),
                });
            }
            (Some("positional"), None) => warnings.push(format!(
                "{there}: no value or default; left out (edit the entry's command to add it)"
            )),
            (other, _) => {
                return Err(format!(
                    "{there}.type: {other:?} is not \"positional\" or \"named\""
                ));
            }
        }
    }
    Ok(args)
}

/// `v` as an object, or an error naming `here`.
fn object<'a>(v: &'a Value, here: &str) -> Result<&'a Map<String, Value>, String> {
    match v {
        Value::Object(m) => Ok(m),
        other => Err(format!("{here}: must be an object, not {}", kind_of(other))),
    }
}

fn array_at<'a>(obj: &'a Map<String, Value>, key: &str, at: &str) -> Result<&'a [Value], String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(other) => Err(format!(
            "{}: must be an array, not {}",
            join(at, key),
            kind_of(other)
        )),
    }
}

/// `[{name, value}]` (headers, environment variables) as a map; inputs without a
/// value (to be asked of the user) are left out with a warning.
fn headers_at(
    obj: &Map<String, Value>,
    key: &str,
    at: &str,
    warnings: &mut Vec<String>,
) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (i, item) in array_at(obj, key, at)?.iter().enumerate() {
        let here = format!("{}[{i}]", join(at, key));
        let kv = object(item, &here)?;
        let name = string_at(kv, "name", &here)?
            .filter(|n| !n.is_empty())
            .ok_or_else(|| format!("{here}.name: required"))?;
        match string_at(kv, "value", &here)?.or(string_at(kv, "default", &here)?) {
            Some(v) => {
                out.insert(name.to_owned(), v.to_owned());
            }
            None => warnings.push(format!("{here} ({name}): no value in the file; left out")),
        }
    }
    Ok(out)
}
