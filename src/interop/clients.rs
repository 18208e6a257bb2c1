//! The MCP config files of Claude Desktop, Claude Code, VS Code and Cursor.
//!
//! | client | file | servers under | stdio entry | HTTP entry |
//! |---|---|---|---|---|
//! | claude-desktop | `claude_desktop_config.json` | `mcpServers` | `{command, args, env}` | not supported: skipped with a warning |
//! | claude-code | `.mcp.json` | `mcpServers` | `{type: "stdio", command, args, env}` | `{type: "http" \| "sse", url, headers}` |
//! | vscode | `.vscode/mcp.json` | `servers` | `{type: "stdio", command, args, env}` | `{type: "http" \| "sse", url, headers}` |
//! | cursor | `.cursor/mcp.json` | `mcpServers` | `{command, args, env}` | `{url, headers}` |
//!
//! **Which entries mcpreg wrote.** An export records the names it wrote in a
//! top-level `"_mcpreg": {"servers": {NAME: {"id": ID, "name": NAME}}}` object of
//! the config. On the next `export -o` onto the same file, exactly those entries
//! are replaced; every other server and every other setting stays as it was, in
//! its place. Clients ignore top-level keys they do not know.
//!
//! **Names that clash.** An entry is written under its name when no other exported
//! entry has the same name and the user's own servers do not use it; otherwise
//! under its id (unique in the registry, and stable); should the user's servers
//! use that too, under `ID-2`, `ID-3`, ... The marker keeps the real name and id,
//! so `register --from` of the file gives back the same entries.

use super::{Import, join, kind_of, plain, string_at, string_list_at, string_map_at};
use crate::catalog::{Entry, Transport, id};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The top-level key of a client config that lists the servers mcpreg wrote.
pub const MARKER: &str = "_mcpreg";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    ClaudeDesktop,
    ClaudeCode,
    Vscode,
    Cursor,
}

impl Client {
    pub fn name(self) -> &'static str {
        match self {
            Client::ClaudeDesktop => "claude-desktop",
            Client::ClaudeCode => "claude-code",
            Client::Vscode => "vscode",
            Client::Cursor => "cursor",
        }
    }

    fn servers_key(self) -> &'static str {
        match self {
            Client::Vscode => "servers",
            _ => "mcpServers",
        }
    }

    /// Whether the client starts a stdio server in a folder given with it (`cwd`):
    /// VS Code documents it (https://code.visualstudio.com/docs/copilot/reference/mcp-configuration);
    /// the others start servers in a folder of their own choosing.
    pub fn has_cwd(self) -> bool {
        self == Client::Vscode
    }

    /// The entry this client reads for `t`, or None when it cannot express it.
    pub fn entry(self, t: &Transport) -> Option<ClientEntry<'_>> {
        let typed = matches!(self, Client::ClaudeCode | Client::Vscode);
        Some(match t {
            Transport::Stdio {
                command,
                args,
                env,
                cwd,
            } => ClientEntry {
                kind: typed.then_some("stdio"),
                command: Some(command),
                args: Some(args),
                env: (!env.is_empty()).then_some(env),
                cwd: cwd.as_deref().filter(|_| self.has_cwd()),
                ..ClientEntry::default()
            },
            Transport::StreamableHttp { url, headers } | Transport::Sse { url, headers } => {
                if self == Client::ClaudeDesktop {
                    return None;
                }
                let kind = match t {
                    Transport::Sse { .. } => "sse",
                    _ => "http",
                };
                ClientEntry {
                    kind: typed.then_some(kind),
                    url: Some(url),
                    headers: (!headers.is_empty()).then_some(headers),
                    ..ClientEntry::default()
                }
            }
        })
    }
}

/// One server as a client config holds it, keys in the order clients document.
#[derive(Debug, Default, Serialize)]
pub struct ClientEntry<'a> {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<&'a BTreeMap<String, String>>,
}

/// A client config after an export.
pub struct Export {
    pub bytes: Vec<u8>,
    /// (name in the config, id) of each entry written, in the order written.
    pub written: Vec<(String, String)>,
    /// Ids of entries this client cannot express.
    pub skipped: Vec<String>,
}

/// A JSON object whose keys keep their order and whose values the user wrote are
/// kept as their very text: a merge moves and reformats nothing it does not own.
type Ordered = IndexMap<String, Node>;

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Node {
    Map(Ordered),
    Raw(Box<RawValue>),
}

fn object(text: &str, what: &str) -> Result<IndexMap<String, Box<RawValue>>, String> {
    serde_json::from_str(text).map_err(|e| match serde_json::from_str::<Value>(text) {
        Ok(v) => format!("{what}: must be an object, not {}", kind_of(&v)),
        Err(_) => format!("not JSON: line {}, column {}: {e}", e.line(), e.column()),
    })
}

/// `value` as pretty JSON text to sit at `depth` in a pretty document.
fn raw_at(value: &impl Serialize, depth: usize) -> Box<RawValue> {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    // Pretty JSON has line breaks only between tokens (a string's are escaped).
    let text = text.replace('\n', &format!("\n{}", "  ".repeat(depth)));
    RawValue::from_string(text).unwrap_or_else(|_| RawValue::from_string("null".into()).unwrap())
}

/// `existing` with the entries mcpreg wrote last time replaced by `entries`.
pub fn export(client: Client, entries: &[Entry], existing: Option<&str>) -> Result<Export, String> {
    let mut doc: Ordered = match existing.map(str::trim) {
        None | Some("") => Ordered::new(),
        Some(text) => object(text, "the config")?
            .into_iter()
            .map(|(k, v)| (k, Node::Raw(v)))
            .collect(),
    };
    let key = client.servers_key();
    let other = match client {
        Client::Vscode => "mcpServers",
        _ => "servers",
    };
    if doc.contains_key(other) && !doc.contains_key(key) {
        return Err(format!(
            "`{other}`: this is a {} config, not a {} one (which keeps its servers under `{key}`)",
            if other == "servers" {
                "VS Code"
            } else {
                "Claude Desktop, Claude Code or Cursor"
            },
            client.name()
        ));
    }
    let previous = match doc.get(MARKER) {
        Some(Node::Raw(raw)) => managed(&serde_json::from_str(raw.get()).unwrap_or(Value::Null))?,
        _ => Map::new(),
    };
    let mut servers = match doc.get(key) {
        Some(Node::Raw(raw)) if raw.get() != "null" => object(raw.get(), &format!("`{key}`"))?,
        _ => IndexMap::new(),
    };
    servers.retain(|name, _| !previous.contains_key(name));
    if matches!(client, Client::ClaudeDesktop | Client::Cursor) {
        for (name, raw) in &servers {
            let v: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
            if let Some(t) = v.get("type") {
                return Err(format!(
                    "{key}.{name}.type: {t} is Claude Code's or VS Code's key; {} entries have none",
                    client.name()
                ));
            }
        }
    }
    let mut skipped = Vec::new();
    let mut exportable = Vec::new();
    for e in entries {
        match client.entry(&e.transport) {
            Some(v) => exportable.push((e, v)),
            None => skipped.push(e.id.clone()),
        }
    }
    let mut taken: BTreeSet<String> = servers.keys().cloned().collect();
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (e, _) in &exportable {
        *names.entry(e.name.as_str()).or_default() += 1;
    }
    let mut marker = IndexMap::new();
    let mut written = Vec::new();
    for (e, v) in exportable {
        let mut name = e.name.clone();
        if names[e.name.as_str()] > 1 || taken.contains(&name) {
            name = e.id.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{}-{n}", e.id);
                n += 1;
            }
        }
        taken.insert(name.clone());
        servers.insert(name.clone(), raw_at(&v, 2));
        marker.insert(
            name.clone(),
            MarkerEntry {
                id: &e.id,
                name: &e.name,
            },
        );
        written.push((name, e.id.clone()));
    }
    // The servers go back where they were; the marker last, out of the way.
    let servers = Node::Map(
        servers
            .into_iter()
            .map(|(k, v)| (k, Node::Raw(v)))
            .collect(),
    );
    match doc.get_mut(key) {
        Some(slot) => *slot = servers,
        None => {
            doc.insert(key.to_owned(), servers);
        }
    }
    doc.shift_remove(MARKER);
    if !marker.is_empty() {
        doc.insert(
            MARKER.into(),
            Node::Raw(raw_at(
                &Marker {
                    about: "servers below were written by `mcpreg export`, which replaces them on its next run; other servers are left alone",
                    servers: marker,
                },
                1,
            )),
        );
    }
    Ok(Export {
        bytes: super::to_bytes(&doc),
        written,
        skipped,
    })
}

#[derive(Serialize)]
struct Marker<'a> {
    about: &'a str,
    servers: IndexMap<String, MarkerEntry<'a>>,
}

#[derive(Serialize)]
struct MarkerEntry<'a> {
    id: &'a str,
    name: &'a str,
}

/// The names the last export recorded in the marker.
fn managed(marker: &Value) -> Result<Map<String, Value>, String> {
    match marker {
        Value::Null => Ok(Map::new()),
        Value::Object(m) => match m.get("servers") {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(s)) => Ok(s.clone()),
            Some(v) => Err(format!(
                "{MARKER}.servers: must be an object, not {}",
                kind_of(v)
            )),
        },
        v => Err(format!("`{MARKER}`: must be an object, not {}", kind_of(v))),
    }
}

/// Every server of a client config, as registrations.
pub fn import(doc: &Map<String, Value>, import: &mut Import) -> Result<(), String> {
    let key = match (doc.get("mcpServers"), doc.get("servers")) {
        (Some(_), Some(_)) => {
            return Err("both `mcpServers` and `servers`: not one client's config".into());
        }
        (Some(_), None) => "mcpServers",
        _ => "servers",
    };
    let servers = match &doc[key] {
        Value::Object(m) => m,
        v => return Err(format!("`{key}`: must be an object, not {}", kind_of(v))),
    };
    let vscode = key == "servers";
    import.kind = if vscode {
        "vscode config"
    } else if servers.values().any(|v| v.get("type").is_some()) {
        "claude-code config"
    } else if servers.values().any(|v| v.get("url").is_some()) {
        "cursor config"
    } else {
        "claude-desktop config"
    };
    let marker = managed(doc.get(MARKER).unwrap_or(&Value::Null))?;
    for (name, v) in servers {
        let at = format!("{key}.{name}");
        let Value::Object(obj) = v else {
            return Err(format!("{at}: must be an object, not {}", kind_of(v)));
        };
        let kind = string_at(obj, "type", &at)?;
        let command = string_at(obj, "command", &at)?;
        let url = string_at(obj, "url", &at)?;
        if vscode && kind.is_none() {
            return Err(format!(
                "{}: required in a VS Code config (stdio, http or sse)",
                join(&at, "type")
            ));
        }
        let kind = match (kind, command, url) {
            (Some(k), _, _) => k,
            (None, Some(_), None) => "stdio",
            (None, None, Some(_)) => "http",
            (None, Some(_), Some(_)) => {
                return Err(format!("{at}: has both `command` and `url`; give one"));
            }
            (None, None, None) => {
                return Err(format!("{at}: needs `command` (stdio) or `url` (HTTP)"));
            }
        };
        let transport = match kind {
            "stdio" => {
                if url.is_some() {
                    return Err(format!("{}: a stdio server has no url", join(&at, "url")));
                }
                let Some(command) = command else {
                    return Err(format!(
                        "{}: required for a stdio server",
                        join(&at, "command")
                    ));
                };
                Transport::Stdio {
                    command: command.to_owned(),
                    args: string_list_at(obj, "args", &at)?,
                    env: string_map_at(obj, "env", &at)?,
                    cwd: string_at(obj, "cwd", &at)?.map(str::to_owned),
                }
            }
            "http" | "streamable-http" | "sse" => {
                if command.is_some() {
                    return Err(format!(
                        "{}: an HTTP server has no command",
                        join(&at, "command")
                    ));
                }
                let Some(url) = url else {
                    return Err(format!("{}: required for an HTTP server", join(&at, "url")));
                };
                let headers = string_map_at(obj, "headers", &at)?;
                if kind == "sse" {
                    Transport::Sse {
                        url: url.to_owned(),
                        headers,
                    }
                } else {
                    Transport::StreamableHttp {
                        url: url.to_owned(),
                        headers,
                    }
                }
            }
            other => {
                return Err(format!(
                    "{}: {other:?} is not stdio, http or sse",
                    join(&at, "type")
                ));
            }
        };
        // What mcpreg wrote comes back under its own name and id.
        let (real_name, real_id) = match marker.get(name) {
            Some(m) => (
                m.get("name").and_then(Value::as_str).unwrap_or(name),
                m.get("id").and_then(Value::as_str),
            ),
            None => (name.as_str(), None),
        };
        let mut r = plain(real_name, transport, &at)?;
        if let Some(given) = real_id {
            id::validate(given).map_err(|why| format!("{MARKER}.servers.{name}.id: {why}"))?;
            r.id = given.to_owned();
        }
        import.registrations.push(r);
    }
    Ok(())
}
