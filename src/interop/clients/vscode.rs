//! VS Code: `.vscode/mcp.json` in a workspace, `mcp.json` in the user folder;
//! JSON with comments; `{"servers": {NAME: {type: stdio, command, args, env} |
//! {type: http|sse, url, headers}}}`, `inputs` beside.
//! Doc: <https://code.visualstudio.com/docs/copilot/customization/mcp-servers>

use super::spelling::{Kinds, Spelling, Sse, nothing};
use super::{Client, Dirs, Layout, Syntax};
use crate::catalog::TransportKind;

const SPELLING: Spelling = Spelling {
    client: "VS Code",
    kinds: Some(Kinds {
        stdio: TransportKind::Stdio.as_str(),
        stdio_also: &[],
        http: "http",
        http_also: &[TransportKind::StreamableHttp.as_str()],
        sse: TransportKind::Sse.as_str(),
        required: true,
    }),
    url: Some("url"),
    url_also: &[],
    sse: Sse::Typed,
    headers: true,
    no_type: false,
    extra: nothing,
};

pub const CLIENT: Client = Client {
    name: "vscode",
    doc: "https://code.visualstudio.com/docs/copilot/customization/mcp-servers",
    shape: r#".vscode/mcp.json (JSONC): {"servers": {NAME: {type: stdio|http|sse, ...}}}"#,
    syntax: Syntax::Jsonc,
    at: &["servers"],
    layout: Layout::Map,
    file: |d: &Dirs| d.vscode_user().join("mcp.json"),
    installed: |d: &Dirs| d.vscode_user(),
    file_names: &[".vscode/mcp.json", "Code/User/mcp.json"],
    write: |t| SPELLING.write(t),
    read: |o, at| SPELLING.read(o, at),
    cwd: true,
    new_file: &[],
    // https://code.visualstudio.com/docs/copilot/reference/mcp-configuration
    env_ref: Some(("${env:", "}")),
};
