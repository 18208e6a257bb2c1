//! Zed: `~/.config/zed/settings.json` (JSON with comments), `{"context_servers":
//! {NAME: {command, args, env} | {url, headers}}}`; Zed speaks Streamable HTTP to a
//! remote server, not SSE.
//! Doc: <https://zed.dev/docs/ai/mcp>

use super::spelling::{Spelling, Sse, nothing};
use super::{Client, Dirs, Layout, Read, Syntax};
use serde_json::{Map, Value};

const SPELLING: Spelling = Spelling {
    client: "zed",
    kinds: None,
    url: Some("url"),
    url_also: &[],
    sse: Sse::Unsupported,
    headers: true,
    no_type: false,
    extra: nothing,
};

/// A server that a Zed extension provides has only its `settings` here: Zed's own,
/// left alone.
fn read(obj: &Map<String, Value>, at: &str) -> Result<Read, String> {
    if !obj.contains_key("command") && !obj.contains_key("url") {
        return Ok(Read::NotMcp(
            "a server of a Zed extension (only its settings are here)".into(),
        ));
    }
    SPELLING.read(obj, at)
}

pub const CLIENT: Client = Client {
    name: "zed",
    doc: "https://zed.dev/docs/ai/mcp",
    shape: r#"Zed's settings.json (JSONC): {"context_servers": {NAME: {command, args, env} | {url, headers}}}"#,
    syntax: Syntax::Jsonc,
    at: &["context_servers"],
    layout: Layout::Map,
    // Zed keeps its settings under ~/.config on macOS too.
    file: |d: &Dirs| d.config.join("zed/settings.json"),
    installed: |d: &Dirs| d.config.join("zed"),
    file_names: &["zed/settings.json"],
    write: |t| SPELLING.write(t),
    read,
    cwd: false,
    new_file: &[],
    env_ref: None,
};
