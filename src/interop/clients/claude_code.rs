//! Claude Code: `.mcp.json` in a project, `~/.claude.json` for the user,
//! `{"mcpServers": {NAME: {type: stdio, command, args, env} | {type: http|sse, url,
//! headers}}}`.
//! Doc: <https://docs.claude.com/en/docs/claude-code/mcp>

use super::spelling::{Kinds, Spelling, Sse, nothing};
use super::{Client, Dirs, Layout, Syntax};
use crate::catalog::TransportKind;

pub const KINDS: Kinds = Kinds {
    stdio: TransportKind::Stdio.as_str(),
    stdio_also: &[],
    http: "http",
    http_also: &[TransportKind::StreamableHttp.as_str()],
    sse: TransportKind::Sse.as_str(),
    required: false,
};

const SPELLING: Spelling = Spelling {
    client: "claude-code",
    kinds: Some(KINDS),
    url: Some("url"),
    url_also: &[],
    sse: Sse::Typed,
    headers: true,
    no_type: false,
    extra: nothing,
};

pub const CLIENT: Client = Client {
    name: "claude-code",
    doc: "https://docs.claude.com/en/docs/claude-code/mcp",
    shape: r#".mcp.json, ~/.claude.json: {"mcpServers": {NAME: {type: stdio|http|sse, ...}}}"#,
    syntax: Syntax::Json,
    at: &["mcpServers"],
    layout: Layout::Map,
    file: |d: &Dirs| d.home.join(".claude.json"),
    installed: |d: &Dirs| d.home.join(".claude"),
    file_names: &[".mcp.json", ".claude.json"],
    write: |t| SPELLING.write(t),
    read: |o, at| SPELLING.read(o, at),
    cwd: false,
    new_file: &[],
    // https://docs.anthropic.com/en/docs/claude-code/mcp (env expansion in .mcp.json)
    env_ref: Some(("${", "}")),
};
