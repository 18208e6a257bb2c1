//! `OpenCode`: `~/.config/opencode/opencode.json` (comments allowed), `{"mcp": {NAME:
//! {type: "local", command: [PROGRAM, ARGS...], environment, enabled} | {type:
//! "remote", url, headers, enabled}}}`; a remote server is tried as Streamable HTTP,
//! then SSE, so the transport type is not written.
//! Doc: <https://opencode.ai/docs/mcp-servers/>

use super::spelling::{map, object_at};
use super::{Client, Dirs, Fields, Layout, Read, Syntax};
use crate::catalog::Transport;
use crate::interop::{join, string_at, string_list_at, string_map_at};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

fn write(t: &Transport) -> Result<Fields, &'static str> {
    let mut f = Fields::new();
    match t {
        Transport::Stdio {
            command,
            args,
            env,
            cwd: _,
        } => {
            f.insert("type".into(), "local".into());
            let argv: Vec<String> = std::iter::once(command.clone())
                .chain(args.iter().cloned())
                .collect();
            f.insert("command".into(), argv.into());
            if !env.is_empty() {
                f.insert("environment".into(), map(env));
            }
        }
        Transport::StreamableHttp { url, headers } | Transport::Sse { url, headers } => {
            f.insert("type".into(), "remote".into());
            f.insert("url".into(), url.as_str().into());
            if !headers.is_empty() {
                f.insert("headers".into(), map(headers));
            }
        }
    }
    f.insert("enabled".into(), true.into());
    Ok(f)
}

fn read(obj: &Map<String, Value>, at: &str) -> Result<Read, String> {
    match string_at(obj, "type", at)? {
        Some("local") => {
            let argv = string_list_at(obj, "command", at)?;
            let Some((command, args)) = argv.split_first() else {
                return Err(format!(
                    "{}: a local server needs [PROGRAM, ARGS...]",
                    join(at, "command")
                ));
            };
            let env = match object_at(obj, "environment", at)? {
                Some(_) => string_map_at(obj, "environment", at)?,
                None => BTreeMap::default(),
            };
            Ok(Read::Server(Transport::Stdio {
                command: command.clone(),
                args: args.to_vec(),
                cwd: None,
                env,
            }))
        }
        Some("remote") => {
            let Some(url) = string_at(obj, "url", at)? else {
                return Err(format!("{}: required for a remote server", join(at, "url")));
            };
            Ok(Read::Server(Transport::StreamableHttp {
                url: url.to_owned(),
                headers: string_map_at(obj, "headers", at)?,
            }))
        }
        Some(other) => Err(format!(
            "{}: {other:?} is not local or remote",
            join(at, "type")
        )),
        None => Err(format!("{}: required (local or remote)", join(at, "type"))),
    }
}

pub const CLIENT: Client = Client {
    name: "opencode",
    doc: "https://opencode.ai/docs/mcp-servers/",
    shape: r#"opencode.json (JSONC): {"mcp": {NAME: {type: local, command: [ARGV]} | {type: remote, url}}}"#,
    syntax: Syntax::Jsonc,
    at: &["mcp"],
    layout: Layout::Map,
    file: |d: &Dirs| d.config.join("opencode/opencode.json"),
    installed: |d: &Dirs| d.config.join("opencode"),
    file_names: &["opencode.json", "opencode.jsonc"],
    write,
    read,
    cwd: false,
    new_file: &[],
    env_ref: None,
};
