//! LM Studio: `~/.lmstudio/mcp.json`, Cursor's notation: `{"mcpServers": {NAME:
//! {command, args, env} | {url, headers}}}`.
//! Doc: <https://lmstudio.ai/docs/app/mcp>

use super::spelling::{Spelling, Sse, nothing};
use super::{Client, Dirs, Layout, Syntax};

const SPELLING: Spelling = Spelling {
    client: "lm-studio",
    kinds: None,
    url: Some("url"),
    url_also: &[],
    sse: Sse::AsHttp,
    headers: true,
    no_type: false,
    extra: nothing,
};

pub const CLIENT: Client = Client {
    name: "lm-studio",
    doc: "https://lmstudio.ai/docs/app/mcp",
    shape: r#"~/.lmstudio/mcp.json: {"mcpServers": {NAME: {command, args, env} | {url, headers}}}"#,
    syntax: Syntax::Json,
    at: &["mcpServers"],
    layout: Layout::Map,
    file: |d: &Dirs| d.home.join(".lmstudio/mcp.json"),
    installed: |d: &Dirs| d.home.join(".lmstudio"),
    file_names: &[".lmstudio/mcp.json"],
    write: |t| SPELLING.write(t),
    read: |o, at| SPELLING.read(o, at),
    cwd: false,
    new_file: &[],
    env_ref: None,
};
