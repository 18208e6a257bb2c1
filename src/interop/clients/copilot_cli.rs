//! GitHub Copilot CLI: `~/.copilot/mcp-config.json`, `{"mcpServers": {NAME: {type:
//! "local", command, args, env, tools} | {type: "http" | "sse", url, headers,
//! tools}}}`; `tools: ["*"]` lets Copilot use every tool of the server.
//! Doc: <https://docs.github.com/en/copilot/how-tos/copilot-cli/customize-copilot/add-mcp-servers>

use super::Fields;
use super::spelling::{Kinds, Spelling, Sse};
use super::{Client, Dirs, Layout, Syntax};
use crate::catalog::{Transport, TransportKind};

fn all_tools(_: &Transport, f: &mut Fields) {
    f.insert("tools".into(), serde_json::json!(["*"]));
}

const SPELLING: Spelling = Spelling {
    client: "copilot-cli",
    kinds: Some(Kinds {
        stdio: "local",
        stdio_also: &[TransportKind::Stdio.as_str()],
        http: "http",
        http_also: &[],
        sse: TransportKind::Sse.as_str(),
        required: false,
    }),
    url: Some("url"),
    url_also: &[],
    sse: Sse::Typed,
    headers: true,
    no_type: false,
    extra: all_tools,
};

pub const CLIENT: Client = Client {
    name: "copilot-cli",
    doc: "https://docs.github.com/en/copilot/how-tos/copilot-cli/customize-copilot/add-mcp-servers",
    shape: r#"~/.copilot/mcp-config.json: {"mcpServers": {NAME: {type: local|http|sse, ..., tools}}}"#,
    syntax: Syntax::Json,
    at: &["mcpServers"],
    layout: Layout::Map,
    file: |d: &Dirs| d.home.join(".copilot/mcp-config.json"),
    installed: |d: &Dirs| d.home.join(".copilot"),
    file_names: &["mcp-config.json"],
    write: |t| SPELLING.write(t),
    read: |o, at| SPELLING.read(o, at),
    cwd: false,
    new_file: &[],
    env_ref: None,
};
