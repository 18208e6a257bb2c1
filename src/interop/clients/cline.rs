//! Cline: `cline_mcp_settings.json` in VS Code's global storage of the extension
//! `saoudrizwan.claude-dev`, `{"mcpServers": {NAME: {command, args, env} | {type:
//! "streamableHttp" | "sse", url, headers}}}`.
//! Doc: <https://docs.cline.bot/mcp/configuring-mcp-servers>

use super::spelling::{Kinds, Spelling, Sse, nothing};
use super::{Client, Dirs, Layout, Syntax};
use crate::catalog::TransportKind;

const SPELLING: Spelling = Spelling {
    client: "cline",
    kinds: Some(Kinds {
        stdio: TransportKind::Stdio.as_str(),
        stdio_also: &[],
        http: "streamableHttp",
        http_also: &[],
        sse: TransportKind::Sse.as_str(),
        required: false,
    }),
    url: Some("url"),
    url_also: &[],
    sse: Sse::Typed,
    headers: true,
    no_type: false,
    extra: nothing,
};

fn storage(d: &Dirs) -> std::path::PathBuf {
    d.vscode_user().join("globalStorage/saoudrizwan.claude-dev")
}

pub const CLIENT: Client = Client {
    name: "cline",
    doc: "https://docs.cline.bot/mcp/configuring-mcp-servers",
    shape: r#"cline_mcp_settings.json: {"mcpServers": {NAME: {command, ...} | {type: streamableHttp|sse, url}}}"#,
    syntax: Syntax::Json,
    at: &["mcpServers"],
    layout: Layout::Map,
    file: |d: &Dirs| storage(d).join("settings/cline_mcp_settings.json"),
    installed: storage,
    file_names: &["cline_mcp_settings.json"],
    write: |t| SPELLING.write(t),
    read: |o, at| SPELLING.read(o, at),
    cwd: false,
    new_file: &[],
    env_ref: None,
};
