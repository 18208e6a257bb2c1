//! Gemini CLI: `~/.gemini/settings.json` (comments allowed), `{"mcpServers": {NAME:
//! {command, args, env, cwd} | {httpUrl, headers} | {url, headers}}}`: `httpUrl` is
//! Streamable HTTP, `url` SSE.
//! Doc: <https://geminicli.com/docs/tools/mcp-server/>

use super::spelling::{Spelling, Sse, nothing};
use super::{Client, Dirs, Layout, Syntax};

const SPELLING: Spelling = Spelling {
    client: "gemini-cli",
    kinds: None,
    url: Some("httpUrl"),
    url_also: &[],
    sse: Sse::Key("url"),
    headers: true,
    no_type: false,
    extra: nothing,
};

pub const CLIENT: Client = Client {
    name: "gemini-cli",
    doc: "https://geminicli.com/docs/tools/mcp-server/",
    shape: r#"~/.gemini/settings.json: {"mcpServers": {NAME: {command, ...} | {httpUrl} | {url (SSE)}}}"#,
    syntax: Syntax::Jsonc,
    at: &["mcpServers"],
    layout: Layout::Map,
    file: |d: &Dirs| d.home.join(".gemini/settings.json"),
    installed: |d: &Dirs| d.home.join(".gemini"),
    file_names: &[".gemini/settings.json"],
    write: |t| SPELLING.write(t),
    read: |o, at| SPELLING.read(o, at),
    cwd: true,
    new_file: &[],
    env_ref: None,
};
