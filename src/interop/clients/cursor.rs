//! Cursor: `~/.cursor/mcp.json` (or `.cursor/mcp.json` in a project),
//! `{"mcpServers": {NAME: {command, args, env} | {url, headers}}}`; Cursor tells
//! SSE from Streamable HTTP by itself, so the type is not written.
//! Doc: <https://cursor.com/docs/context/mcp>

use super::spelling::{Spelling, Sse, nothing};
use super::{Client, Dirs, Layout, Syntax};

const SPELLING: Spelling = Spelling {
    client: "cursor",
    kinds: None,
    url: Some("url"),
    url_also: &[],
    sse: Sse::AsHttp,
    headers: true,
    no_type: true,
    extra: nothing,
};

pub const CLIENT: Client = Client {
    name: "cursor",
    doc: "https://cursor.com/docs/context/mcp",
    shape: r#".cursor/mcp.json: {"mcpServers": {NAME: {command, args, env} | {url, headers}}}"#,
    syntax: Syntax::Json,
    at: &["mcpServers"],
    layout: Layout::Map,
    file: |d: &Dirs| d.home.join(".cursor/mcp.json"),
    installed: |d: &Dirs| d.home.join(".cursor"),
    file_names: &[".cursor/mcp.json"],
    write: |t| SPELLING.write(t),
    read: |o, at| SPELLING.read(o, at),
    cwd: false,
    new_file: &[],
    // https://docs.cursor.com/context/mcp (config interpolation)
    env_ref: Some(("${env:", "}")),
};
