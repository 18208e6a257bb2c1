//! Claude Desktop: `claude_desktop_config.json`, `{"mcpServers": {NAME: {command,
//! args, env}}}`; it runs stdio servers only.
//! Doc: <https://modelcontextprotocol.io/docs/develop/connect-local-servers>

use super::spelling::{Spelling, Sse, nothing};
use super::{Client, Dirs, Layout, Syntax};

const SPELLING: Spelling = Spelling {
    client: "claude-desktop",
    kinds: None,
    url: None,
    url_also: &[],
    sse: Sse::Unsupported,
    headers: false,
    no_type: true,
    extra: nothing,
};

pub const CLIENT: Client = Client {
    name: "claude-desktop",
    doc: "https://modelcontextprotocol.io/docs/develop/connect-local-servers",
    shape: r#"claude_desktop_config.json: {"mcpServers": {NAME: {command, args, env}}}; stdio only"#,
    syntax: Syntax::Json,
    at: &["mcpServers"],
    layout: Layout::Map,
    file: |d: &Dirs| d.app.join("Claude/claude_desktop_config.json"),
    installed: |d: &Dirs| d.app.join("Claude"),
    file_names: &["claude_desktop_config.json"],
    write: |t| SPELLING.write(t),
    read: |o, at| SPELLING.read(o, at),
    cwd: false,
    new_file: &[],
    env_ref: None,
};
