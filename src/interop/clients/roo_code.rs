//! Roo Code: `mcp_settings.json` in VS Code's global storage of the extension
//! `rooveterinaryinc.roo-cline` (or `.roo/mcp.json` in a project), `{"mcpServers":
//! {NAME: {command, args, env, cwd} | {type: "streamable-http" | "sse", url,
//! headers}}}`.
//! Doc: <https://docs.roocode.com/features/mcp/using-mcp-in-roo>

use super::spelling::{Kinds, Spelling, Sse, nothing};
use super::{Client, Dirs, Layout, Syntax};
use crate::catalog::TransportKind;

const SPELLING: Spelling = Spelling {
    client: "roo-code",
    kinds: Some(Kinds {
        stdio: TransportKind::Stdio.as_str(),
        stdio_also: &[],
        http: TransportKind::StreamableHttp.as_str(),
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
    d.vscode_user()
        .join("globalStorage/rooveterinaryinc.roo-cline")
}

pub const CLIENT: Client = Client {
    name: "roo-code",
    doc: "https://docs.roocode.com/features/mcp/using-mcp-in-roo",
    shape: r#"Roo Code's mcp_settings.json, .roo/mcp.json: {"mcpServers": {NAME: {type: stdio|streamable-http|sse, ...}}}"#,
    syntax: Syntax::Json,
    at: &["mcpServers"],
    layout: Layout::Map,
    file: |d: &Dirs| storage(d).join("settings/mcp_settings.json"),
    installed: storage,
    file_names: &["mcp_settings.json", ".roo/mcp.json"],
    write: |t| SPELLING.write(t),
    read: |o, at| SPELLING.read(o, at),
    cwd: true,
    new_file: &[],
    env_ref: None,
};
