//! Codex CLI: `~/.codex/config.toml` (`$CODEX_HOME`), one table per server:
//! `[mcp_servers.NAME]` with `command`, `args`, `env` (a table), or `url` and
//! `http_headers`; Codex speaks Streamable HTTP, not SSE.
//! Doc: <https://developers.openai.com/codex/mcp>

use super::spelling::{map, stdio};
use super::{Client, Dirs, Fields, Layout, Read, Syntax};
use crate::catalog::Transport;
use crate::interop::{join, string_at, string_list_at, string_map_at};
use serde_json::{Map, Value};

fn write(t: &Transport) -> Result<Fields, &'static str> {
    let mut f = Fields::new();
    match t {
        Transport::Stdio {
            command,
            args,
            env,
            cwd,
        } => {
            stdio(&mut f, command, args, env, cwd.as_deref());
        }
        Transport::StreamableHttp { url, headers } => {
            f.insert("url".into(), url.as_str().into());
            if !headers.is_empty() {
                f.insert("http_headers".into(), map(headers));
            }
        }
        Transport::Sse { .. } => return Err("SSE servers"),
    }
    Ok(f)
}

fn read(obj: &Map<String, Value>, at: &str) -> Result<Read, String> {
    match (string_at(obj, "command", at)?, string_at(obj, "url", at)?) {
        (Some(command), None) => Ok(Read::Server(Transport::Stdio {
            command: command.to_owned(),
            args: string_list_at(obj, "args", at)?,
            env: string_map_at(obj, "env", at)?,
            cwd: string_at(obj, "cwd", at)?.map(str::to_owned),
        })),
        (None, Some(url)) => Ok(Read::Server(Transport::StreamableHttp {
            url: url.to_owned(),
            headers: string_map_at(obj, "http_headers", at)?,
        })),
        (Some(_), Some(_)) => Err(format!("{}: a stdio server has no url", join(at, "url"))),
        (None, None) => Err(format!("{at}: needs `command` (stdio) or `url` (HTTP)")),
    }
}

fn home(d: &Dirs) -> std::path::PathBuf {
    match std::env::var_os("CODEX_HOME").filter(|h| !h.is_empty()) {
        Some(h) => h.into(),
        None => d.home.join(".codex"),
    }
}

pub const CLIENT: Client = Client {
    name: "codex",
    doc: "https://developers.openai.com/codex/mcp",
    shape: "~/.codex/config.toml: [mcp_servers.NAME] command, args, env | url, http_headers; no SSE",
    syntax: Syntax::Toml,
    at: &["mcp_servers"],
    layout: Layout::Map,
    file: |d: &Dirs| home(d).join("config.toml"),
    installed: home,
    file_names: &["config.toml"],
    write,
    read,
    cwd: true,
    new_file: &[],
    env_ref: None,
};
