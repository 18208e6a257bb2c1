//! The MCP config files of the clients people use, one small module per client.
//!
//! Each module describes its client in one [`Client`] value: the file's syntax,
//! where in the document the servers live, where the file is by default, and two
//! functions that turn a [`Transport`] into the client's entry and back. What is
//! shared (the merge, the marker, the names) is here; what is the syntax's
//! (editing JSONC, TOML or YAML so that the user's text is kept) is in [`syntax`].
//!
//! **Which entries mcpreg wrote.** An export records the names it wrote in a
//! top-level `_mcpreg` object (`{"about": ..., "client": ..., "servers": {NAME:
//! {"id": ID, "name": NAME}}}`) of the config. On the next `export -o` onto the
//! same file, exactly those entries are replaced; every other server and setting
//! stays as it was, in its place. Clients ignore top-level keys they do not know.
//!
//! **Names that clash.** An entry is written under its name when no other exported
//! entry has the same name and the user's own servers do not use it; otherwise
//! under its id (unique in the registry, and stable); should the user's servers
//! use that too, under `ID-2`, `ID-3`, ... The marker keeps the real name and id,
//! so `register --from` of the file gives back the same entries.

mod claude_code;
mod claude_desktop;
mod cline;
mod codex;
mod continue_dev;
mod copilot_cli;
mod cursor;
mod gemini_cli;
mod goose;
mod lm_studio;
mod opencode;
mod roo_code;
pub mod spelling;
pub mod syntax;
mod vscode;
mod windsurf;
mod zed;

use super::{Import, kind_of, plain};
use crate::catalog::{Entry, Transport, id};
use indexmap::IndexMap;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
pub use syntax::Syntax;

/// The top-level key of a client config that lists the servers mcpreg wrote.
pub const MARKER: &str = "_mcpreg";

/// One server as a client's config holds it, keys in the order the client documents.
pub type Fields = IndexMap<String, Value>;

/// What a client makes of one entry of its config.
pub enum Read {
    Server(Transport),
    /// Something of the client's own that is not an MCP server (Goose's built-in
    /// extensions): left alone, named in a warning.
    NotMcp(String),
}

/// How the servers sit in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// An object of NAME: entry (nearly every client).
    Map,
    /// An array of entries that each carry their `name` (Continue).
    List,
}

/// Where the folders of a user's configs are; from the environment, so that tests
/// (and people) can point `HOME` at another folder.
#[derive(Clone, Debug)]
pub struct Dirs {
    pub home: PathBuf,
    /// `$XDG_CONFIG_HOME`, else `~/.config`.
    pub config: PathBuf,
    /// Where desktop applications keep their settings: `~/Library/Application
    /// Support` on macOS, the config folder elsewhere.
    pub app: PathBuf,
}

impl Dirs {
    pub fn from_env() -> Option<Dirs> {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)?;
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|c| !c.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".config"));
        let app = if cfg!(target_os = "macos") {
            home.join("Library/Application Support")
        } else {
            config.clone()
        };
        Some(Dirs { home, config, app })
    }

    /// VS Code's user folder, where VS Code and its extensions keep their files.
    pub fn vscode_user(&self) -> PathBuf {
        self.app.join("Code/User")
    }
}

/// One MCP client's config format.
pub struct Client {
    /// The name of `--to` and `--clients`.
    pub name: &'static str,
    /// The page that documents the format (also in README's table).
    pub doc: &'static str,
    /// The file and the shape of its entries: `--to`'s help for this client.
    pub shape: &'static str,
    pub syntax: Syntax,
    /// The keys leading to the servers (`["mcpServers"]`, `["mcp_servers"]`).
    pub at: &'static [&'static str],
    pub layout: Layout,
    /// The user-level config file.
    pub file: fn(&Dirs) -> PathBuf,
    /// The folder whose presence says the client is installed.
    pub installed: fn(&Dirs) -> PathBuf,
    /// File names that tell this client's config on import (`mcp_config.json`).
    pub file_names: &'static [&'static str],
    /// The client's entry for a transport, or what the client cannot express.
    pub write: fn(&Transport) -> Result<Fields, &'static str>,
    /// A transport from one entry of the client's config; `at` names the entry.
    pub read: fn(&Map<String, Value>, &str) -> Result<Read, String>,
    /// The client starts a stdio server in a folder given with it (`cwd`); for
    /// the others, commands with a folder are written with absolute paths.
    pub cwd: bool,
    /// Keys a new file needs besides the servers (Continue's `name`, `version`, `schema`).
    pub new_file: &'static [(&'static str, &'static str)],
    /// How the client's config names a value it takes from its environment:
    /// the text before and after the variable's name (`${env:` and `}` for VS
    /// Code), for the clients whose documentation says they expand one.
    pub env_ref: Option<(&'static str, &'static str)>,
}

/// Every supported client, in the order of `--to`'s list and of `sync`.
pub const ALL: &[&Client] = &[
    &claude_desktop::CLIENT,
    &claude_code::CLIENT,
    &vscode::CLIENT,
    &cursor::CLIENT,
    &windsurf::CLIENT,
    &cline::CLIENT,
    &roo_code::CLIENT,
    &continue_dev::CLIENT,
    &zed::CLIENT,
    &gemini_cli::CLIENT,
    &codex::CLIENT,
    &goose::CLIENT,
    &opencode::CLIENT,
    &lm_studio::CLIENT,
    &copilot_cli::CLIENT,
];

pub fn by_name(name: &str) -> Option<&'static Client> {
    ALL.iter().copied().find(|c| c.name == name)
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// A client config after an export.
pub struct Export {
    pub bytes: Vec<u8>,
    /// (name in the config, id) of each entry written, in the order written.
    pub written: Vec<(String, String)>,
    /// (what the client cannot express, ids) of the entries left out.
    pub skipped: Skipped,
    /// The file had comments that this syntax cannot keep (YAML).
    pub loses_comments: bool,
}

/// What an export changes in a config: the syntax applies it to the text.
pub struct Plan<'a> {
    pub at: &'a [&'a str],
    pub layout: Layout,
    /// Names of the entries mcpreg wrote last time and no longer writes.
    pub remove: Vec<String>,
    /// Entries to write, replacing any of the same name.
    pub put: Vec<(String, Fields)>,
    /// The new marker, or None to remove it.
    pub marker: Option<Fields>,
    /// Remove the servers' object once empty (mcpreg made it).
    pub drop_empty: bool,
    /// Top-level keys for a file that does not exist yet.
    pub new_file: &'a [(&'a str, &'a str)],
}

/// `existing` with the entries mcpreg wrote last time replaced by `entries`.
/// The steps: read what is there, keep what the client cannot express aside,
/// give each entry a name no other server of the file has, and let the syntax
/// apply the plan to the text.
pub fn export(
    client: &Client,
    entries: &[Entry],
    existing: Option<&str>,
) -> Result<Export, String> {
    let existing = existing.filter(|t| !t.trim().is_empty());
    let doc = match existing {
        Some(text) => client.syntax.read(text)?,
        None => Map::new(),
    };
    let servers = servers_of(client, &doc)?;
    foreign(client, &doc, &servers)?;
    let previous = managed(doc.get(MARKER).unwrap_or(&Value::Null))?;
    // Whether mcpreg made the servers' object: then it goes with the last entry.
    let made = match doc.get(MARKER).and_then(|m| m.get("made")) {
        Some(v) => v == &Value::Bool(true),
        None => !has_path(&doc, client.at),
    };
    // Names of servers mcpreg did not write: an entry never takes one of them.
    let taken: BTreeSet<String> = servers
        .keys()
        .filter(|n| !previous.contains_key(*n))
        .cloned()
        .collect();
    let (exportable, skipped) = expressible(client, entries);
    let named = Named::give(exportable, taken);
    let remove = previous
        .keys()
        .filter(|n| !named.marker.contains_key(*n))
        .cloned()
        .collect();
    let marker = marker_of(client, named.marker, made);
    let plan = Plan {
        at: client.at,
        layout: client.layout,
        remove,
        put: named.put,
        drop_empty: made && marker.is_none(),
        marker,
        new_file: client.new_file,
    };
    let (bytes, loses_comments) = client.syntax.apply(existing, &plan)?;
    Ok(Export {
        bytes,
        written: named.written,
        skipped,
        loses_comments,
    })
}

/// Ids of entries left out, by what the client cannot express.
type Skipped = BTreeMap<&'static str, Vec<String>>;

/// The entries `client` can express, with their fields, and the others.
fn expressible<'e>(client: &Client, entries: &'e [Entry]) -> (Vec<(&'e Entry, Fields)>, Skipped) {
    let mut skipped = Skipped::new();
    let mut exportable = Vec::new();
    for e in entries {
        match (client.write)(&e.declared.transport) {
            Ok(fields) => exportable.push((e, fields)),
            Err(why) => skipped.entry(why).or_default().push(e.id.clone()),
        }
    }
    (exportable, skipped)
}

/// The entries under the names they get in the config.
struct Named {
    /// The marker's record of each: name in the config to id and real name.
    marker: Fields,
    /// (name in the config, id), in the order written.
    written: Vec<(String, String)>,
    put: Vec<(String, Fields)>,
}

impl Named {
    /// Each entry under its own name, unless two entries share it or a server
    /// mcpreg did not write has it (`taken`): then under its id, made unique with
    /// `-2`, `-3`...
    fn give(exportable: Vec<(&Entry, Fields)>, mut taken: BTreeSet<String>) -> Named {
        let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
        for (e, _) in &exportable {
            *uses.entry(e.declared.name.as_str()).or_default() += 1;
        }
        let mut named = Named {
            marker: Fields::new(),
            written: Vec::new(),
            put: Vec::new(),
        };
        for (e, fields) in exportable {
            let mut name = e.declared.name.clone();
            if uses[e.declared.name.as_str()] > 1 || taken.contains(&name) {
                name.clone_from(&e.id);
                let mut n = 2;
                while taken.contains(&name) {
                    name = format!("{}-{n}", e.id);
                    n += 1;
                }
            }
            taken.insert(name.clone());
            named.marker.insert(
                name.clone(),
                serde_json::json!({"id": e.id, "name": e.declared.name}),
            );
            named.written.push((name.clone(), e.id.clone()));
            named.put.push((name, fields));
        }
        named
    }
}

/// The marker mcpreg keeps in the config (`_mcpreg`), or None when it wrote no
/// server there.
fn marker_of(client: &Client, servers: Fields, made: bool) -> Option<Fields> {
    if servers.is_empty() {
        return None;
    }
    let mut m = Fields::new();
    m.insert(
        "about".into(),
        "servers below were written by `mcpreg export`, which replaces them on its next run; other servers are left alone".into(),
    );
    m.insert("client".into(), client.name.into());
    if made {
        m.insert("made".into(), true.into());
    }
    m.insert(
        "servers".into(),
        Value::Object(servers.into_iter().collect()),
    );
    Some(m)
}

/// Whether the keys of `at` lead to something in `doc`.
fn has_path(doc: &Map<String, Value>, at: &[&str]) -> bool {
    let mut here = doc;
    for (i, key) in at.iter().enumerate() {
        match here.get(*key) {
            Some(Value::Object(m)) if i + 1 < at.len() => here = m,
            Some(_) if i + 1 == at.len() => return true,
            _ => return false,
        }
    }
    false
}

/// The servers of a client's document by name (a list's by their `name`).
fn servers_of(client: &Client, doc: &Map<String, Value>) -> Result<Map<String, Value>, String> {
    let mut here = doc;
    let mut path = String::new();
    for (i, key) in client.at.iter().enumerate() {
        path = super::join(&path, key);
        let last = i + 1 == client.at.len();
        match here.get(*key) {
            None | Some(Value::Null) => return Ok(Map::new()),
            Some(Value::Object(m)) if !last || client.layout == Layout::Map => here = m,
            Some(Value::Array(items)) if last && client.layout == Layout::List => {
                let mut out = Map::new();
                for (n, item) in items.iter().enumerate() {
                    let name = item.get("name").and_then(Value::as_str).ok_or_else(|| {
                        format!("{path}[{n}].name: required (a string naming the server)")
                    })?;
                    if out.insert(name.to_owned(), item.clone()).is_some() {
                        return Err(format!("{path}[{n}].name: {name:?} is used twice"));
                    }
                }
                return Ok(out);
            }
            Some(v) => {
                let want = if last && client.layout == Layout::List {
                    "an array"
                } else {
                    "an object"
                };
                return Err(format!("`{path}`: must be {want}, not {}", kind_of(v)));
            }
        }
    }
    Ok(here.clone())
}

/// Refuses to export onto the config of another client that keeps its servers in
/// a look-alike place (VS Code's `servers` against everyone's `mcpServers`, or
/// Claude Code's typed entries in Claude Desktop's file).
fn foreign(
    client: &Client,
    doc: &Map<String, Value>,
    servers: &Map<String, Value>,
) -> Result<(), String> {
    let key = client.at[0];
    for other in ["mcpServers", "servers"] {
        if other != key && client.at.len() == 1 && doc.contains_key(other) && !doc.contains_key(key)
        {
            return Err(format!(
                "`{other}`: this is the config of another client than {}, which keeps its servers under `{key}`",
                client.name
            ));
        }
    }
    if client.syntax != Syntax::Json || client.layout != Layout::Map {
        return Ok(());
    }
    let previous = managed(doc.get(MARKER).unwrap_or(&Value::Null))?;
    for (name, v) in servers {
        if previous.contains_key(name) {
            continue;
        }
        if let Value::Object(obj) = v {
            let at = format!("{}.{name}", client.at.join("."));
            match (client.read)(obj, &at) {
                Err(why) if why.contains(".type") => {
                    return Err(format!(
                        "{why}: not a {} config (its format: {})",
                        client.name, client.doc
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
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

/// Which client's config `doc` (read from `path`) is: the one the marker names, the
/// one whose file name it has, else the one whose servers key it has.
pub fn detect(path: &Path, doc: &Map<String, Value>, syntax: Syntax) -> Option<&'static Client> {
    let candidates = || {
        ALL.iter()
            .copied()
            .filter(move |c| c.syntax.reads_as(syntax))
    };
    if let Some(named) = doc
        .get(MARKER)
        .and_then(|m| m.get("client"))
        .and_then(Value::as_str)
        .and_then(by_name)
    {
        return Some(named);
    }
    let has = |c: &Client| has_path(doc, c.at);
    let file = path.file_name()?.to_str()?;
    let full = path.to_string_lossy();
    if let Some(c) = candidates().find(|c| {
        has(c)
            && c.file_names.iter().any(|n| {
                if n.contains('/') {
                    full.ends_with(n)
                } else {
                    file == *n
                }
            })
    }) {
        return Some(c);
    }
    // By shape: the first client whose servers key is there, with the one
    // exception of the family under `mcpServers`, told apart by its entries.
    let found = candidates().find(|c| has(c))?;
    if found.at == ["mcpServers"] && found.syntax == Syntax::Json {
        return Some(spelling::guess_mcp_servers(doc));
    }
    Some(found)
}

/// Every server of a client config, as registrations.
pub fn import(
    client: &Client,
    doc: &Map<String, Value>,
    import: &mut Import,
) -> Result<(), String> {
    import.kind = client.name.into();
    let servers = servers_of(client, doc)?;
    let marker = managed(doc.get(MARKER).unwrap_or(&Value::Null))?;
    let key = client.at.join(".");
    for (name, v) in &servers {
        let at = match client.layout {
            Layout::Map => format!("{key}.{name}"),
            Layout::List => format!("{key}[name={name}]"),
        };
        let Value::Object(obj) = v else {
            return Err(format!("{at}: must be an object, not {}", kind_of(v)));
        };
        let transport = match (client.read)(obj, &at)? {
            Read::Server(t) => t,
            Read::NotMcp(why) => {
                import.warnings.push(format!("{at}: skipped: {why}"));
                continue;
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
            given.clone_into(&mut r.id);
        }
        import.registrations.push(r);
    }
    Ok(())
}
