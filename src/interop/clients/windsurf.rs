//! Windsurf: `~/.codeium/windsurf/mcp_config.json`, `{"mcpServers": {NAME:
//! {command, args, env} | {serverUrl, headers}}}`; a remote server's URL is
//! `serverUrl` (Streamable HTTP or SSE, told apart by Windsurf).
//! Doc: <https://docs.windsurf.com/windsurf/cascade/mcp>

use super::spelling::{Spelling, Sse, nothing};
use super::{Client, Dirs, Layout, Syntax};

const SPELLING: Spelling = Spelling {
    client: "windsurf",
    kinds: None,
    url: Some("serverUrl"),
    url_also: &["url"],
    sse: Sse::AsHttp,
    headers: true,
    no_type: false,
    extra: nothing,
};

pub const CLIENT: Client = Client {
    name: "windsurf",
    doc: "https://docs.windsurf.com/windsurf/cascade/mcp",
    shape: r#"~/.codeium/windsurf/mcp_config.json: {"mcpServers": {NAME: {command, ...} | {serverUrl, headers}}}"#,
    syntax: Syntax::Json,
    at: &["mcpServers"],
    layout: Layout::Map,
    file: |d: &Dirs| d.home.join(".codeium/windsurf/mcp_config.json"),
    installed: |d: &Dirs| d.home.join(".codeium/windsurf"),
    file_names: &["mcp_config.json"],
    write: |t| SPELLING.write(t),
    read: |o, at| SPELLING.read(o, at),
    cwd: false,
    new_file: &[],
    env_ref: None,
};
