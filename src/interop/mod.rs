//! The registry and the rest of the MCP ecosystem: the config files of fifteen MCP
//! clients (see [`clients::ALL`]) and the official MCP Registry's
//! `server.json`. Pure conversions between their documents and the catalog's
//! types; reading and writing the files is the store's business (`store::external`).
//!
//! Export writes what each format can express. Import (`register --from`) reads a
//! file, detects its kind by shape, and checks it against what its format requires,
//! with errors that name the field (`mcpServers.files.command: ...`).

pub mod clients;
pub mod registry_api;
pub mod server_json;

/// The namespace `export --to server-json` gives names that are not reverse-DNS.
pub const DEFAULT_NAMESPACE: &str = "local.mcpreg";

/// What an export writes: one client's config, or server.json. The one list of
/// targets is [`clients::ALL`] and server.json after it; `cli` gives it its
/// clap side (the words and help of `export --to`), `serve` the enum of
/// `get_client_config`.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    Client(&'static Client),
    ServerJson,
}

impl Target {
    /// Every target, in the order of `--to`'s list: the clients, then server.json.
    pub fn all() -> impl Iterator<Item = Target> {
        clients::ALL
            .iter()
            .map(|&c| Target::Client(c))
            .chain([Target::ServerJson])
    }

    /// The name of `--to` (`claude-desktop`, `server-json`).
    pub fn name(self) -> &'static str {
        match self {
            Target::Client(c) => c.name,
            Target::ServerJson => "server-json",
        }
    }

    /// What the target's file looks like, for `--to`'s help.
    pub fn shape(self) -> &'static str {
        match self {
            Target::Client(c) => c.shape,
            Target::ServerJson => {
                "The official MCP Registry's server.json (schema 2025-12-11); an array when several match"
            }
        }
    }

    pub fn by_name(name: &str) -> Option<Target> {
        Target::all().find(|t| t.name() == name)
    }
}

use crate::catalog::model::check_http_url;
use crate::catalog::registration::Registration;
use crate::catalog::{Declaration, Entry, Transport, id};
use clients::{Client, Syntax};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// What an import found: one registration per server, and what it had to leave out.
#[derive(Debug, Default)]
pub struct Import {
    /// `a server.json`, `a cursor config`, ... for messages.
    pub kind: String,
    pub registrations: Vec<Registration>,
    pub warnings: Vec<String>,
}

/// Checks a registration read back from mcpreg's own `_meta` as `register` would
/// check the same flags; `at` names the field.
pub fn checked(r: Registration, at: &str) -> Result<Registration, String> {
    id::validate(&r.id).map_err(|why| format!("{at}.id: {:?}: {why}", r.id))?;
    let plain = plain(&r.declared.name, r.declared.transport.clone(), at)?;
    if let Some(why) = r.ttl.and_then(crate::catalog::time::ttl_problem) {
        return Err(format!("{at}.ttl_s: {why}"));
    }
    if let Some(url) = &r.declared.health_url {
        check_http_url(url).map_err(|why| format!("{at}.health_url: {url:?}: {why}"))?;
    }
    Ok(Registration {
        declared: Declaration {
            name: plain.declared.name,
            transport: plain.declared.transport,
            ..r.declared
        },
        ..r
    })
}

/// A registration of a name and an endpoint and nothing else, checked as the
/// `register` flags are; the id derived as `register` derives it.
pub fn plain(name: &str, transport: Transport, at: &str) -> Result<Registration, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("{at}: a server needs a non-empty name"));
    }
    match &transport {
        Transport::Stdio { command, .. } if command.is_empty() => {
            return Err(format!("{at}.command: cannot be empty"));
        }
        Transport::Stdio { .. } => {}
        Transport::StreamableHttp { url, .. } | Transport::Sse { url, .. } => {
            check_http_url(url).map_err(|why| format!("{at}.url: {url:?} is not valid: {why}"))?;
        }
    }
    Ok(Registration::bare(name, transport))
}

/// Reads any supported file: a `server.json` (or a JSON array of them) or a client
/// config (JSON, JSON with comments, TOML or YAML by its extension), told apart by
/// shape. Errors name the field at fault.
pub fn import(path: &Path, text: &str) -> Result<Import, String> {
    let syntax = Syntax::of_path(path);
    let mut import = Import::default();
    if syntax != Syntax::Jsonc {
        let doc = syntax.read(text)?;
        let client = clients::detect(path, &doc, syntax).ok_or_else(|| {
            let keys: Vec<String> = clients::ALL
                .iter()
                .filter(|c| c.syntax == syntax)
                .map(|c| format!("`{}`", c.at.join(".")))
                .collect();
            format!("not a client config: none of {} is there", keys.join(", "))
        })?;
        clients::import(client, &doc, &mut import)?;
        import.kind = format!("{} config", client.name);
        return finish(import);
    }
    // Plain JSON first, for its messages; JSON with comments when that fails.
    let doc: Value = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => match Syntax::Jsonc.read(text) {
            Ok(map) => Value::Object(map),
            Err(_) => {
                return Err(format!(
                    "not JSON: line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ));
            }
        },
    };
    match &doc {
        Value::Array(items) => {
            import.kind = "server.json".into();
            if items.is_empty() {
                return Err("an empty array: no server.json documents to import".into());
            }
            for (i, item) in items.iter().enumerate() {
                server_json::import(item, &format!("[{i}]"), &mut import)?;
            }
        }
        Value::Object(map) => {
            if let Some(client) = clients::detect(path, map, Syntax::Jsonc) {
                clients::import(client, map, &mut import)?;
                import.kind = format!("{} config", client.name);
            } else if [
                "$schema",
                "name",
                "description",
                "version",
                "remotes",
                "packages",
            ]
            .iter()
            .any(|k| map.contains_key(*k))
            {
                import.kind = "server.json".into();
                server_json::import(&doc, "", &mut import)?;
            } else {
                return Err("neither a server.json (no `name`, `version`, `remotes`) nor a client config (no `mcpServers`, `servers`, `context_servers` or `mcp`)".into());
            }
        }
        _ => return Err("a server.json or client config is a JSON object".into()),
    }
    finish(import)
}

fn finish(import: Import) -> Result<Import, String> {
    if import.registrations.is_empty() {
        return Err(format!(
            "no server to register in this {}{}",
            import.kind,
            match import.warnings.last() {
                Some(w) => format!(" ({w})"),
                None => String::new(),
            }
        ));
    }
    Ok(import)
}

/// Field access with messages that name the field.
pub(crate) fn string_at<'a>(
    obj: &'a serde_json::Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<Option<&'a str>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!(
            "{}: must be a string, not {}",
            join(at, key),
            kind_of(other)
        )),
    }
}

pub(crate) fn string_map_at(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<BTreeMap<String, String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Err(format!(
                    "{}: must be a string, not {}",
                    join(&join(at, key), k),
                    kind_of(other)
                )),
            })
            .collect(),
        Some(other) => Err(format!(
            "{}: must be an object of strings, not {}",
            join(at, key),
            kind_of(other)
        )),
    }
}

pub(crate) fn string_list_at(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<Vec<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "{}[{i}]: must be a string, not {}",
                    join(at, key),
                    kind_of(other)
                )),
            })
            .collect(),
        Some(other) => Err(format!(
            "{}: must be an array of strings, not {}",
            join(at, key),
            kind_of(other)
        )),
    }
}

/// `a.b`, or `b` at the top.
pub(crate) fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

pub(crate) use crate::mcp::jsonrpc::kind as kind_of;

/// server.json documents as pretty JSON with a final newline, as people keep
/// config files: one document alone, several as an array. The type is what makes
/// this infallible: a [`server_json::Document`] has string keys and JSON values,
/// and `serde_json` fails only on a map key that is not a string or on a
/// `Serialize` impl that reports an error, neither of which a `Value` has (a
/// peer's data arrives here as `Value`s). Writing into a `Vec` cannot fail either.
fn to_bytes(docs: &[server_json::Document]) -> Vec<u8> {
    let written = match docs {
        [one] => serde_json::to_vec_pretty(one),
        many => serde_json::to_vec_pretty(many),
    };
    let mut out = written.expect("string keys and JSON values always serialize");
    out.push(b'\n');
    out
}

/// For a client that cannot start a server in a folder of its own, each command
/// that has one with absolute paths instead; returns the ids of those moved.
pub fn without_cwd(client: &Client, mut entries: Vec<Entry>) -> (Vec<Entry>, Vec<String>) {
    let mut moved = Vec::new();
    if client.cwd {
        return (entries, moved);
    }
    for e in &mut entries {
        if let Some(absolute) = e.declared.transport.without_cwd(std::path::Path::exists) {
            e.declared.transport = absolute;
            moved.push(e.id.clone());
        }
    }
    (entries, moved)
}

/// server.json of `entries` (one document, or an array of several); the fields
/// mcpreg does not write are kept from the document of the same name in `old`.
pub fn server_json_bytes(
    entries: &[Entry],
    namespace: &str,
    old: &[server_json::Document],
) -> Vec<u8> {
    let docs: Vec<server_json::Document> = entries
        .iter()
        .map(|e| {
            let fresh = server_json::document(e, namespace, None);
            let same = old.iter().find(|m| m.get("name") == fresh.get("name"));
            match same {
                Some(m) => server_json::document(e, namespace, Some(m)),
                None => fresh,
            }
        })
        .collect();
    to_bytes(&docs)
}

/// What `export --to` writes into a new file for `entries`.
pub struct Written {
    /// JSON, or the client's own syntax (TOML, YAML).
    pub bytes: Vec<u8>,
    /// Ids of entries the client cannot express.
    pub skipped: Vec<String>,
}

/// The file `export --to TO` writes for `entries` where there was none (the
/// server.json names in the default namespace).
pub fn export_new(to: Target, entries: Vec<Entry>) -> Result<Written, String> {
    let client = match to {
        Target::ServerJson => {
            return Ok(Written {
                bytes: server_json_bytes(&entries, DEFAULT_NAMESPACE, &[]),
                skipped: Vec::new(),
            });
        }
        Target::Client(client) => client,
    };
    let (entries, _) = without_cwd(client, entries);
    let export = clients::export(client, &entries, None)?;
    Ok(Written {
        bytes: export.bytes,
        skipped: export.skipped.into_values().flatten().collect(),
    })
}
