//! Continue: `~/.continue/config.yaml`, `mcpServers: [{name, type: stdio, command,
//! args, env} | {name, type: streamable-http | sse, url, requestOptions: {headers}}]`
//! (a list, each server carrying its name); a new file gets the `name`, `version`
//! and `schema` a config needs. The documentation names no `cwd`: a command with
//! a working folder is written with absolute paths.
//! Doc: <https://docs.continue.dev/customize/deep-dives/mcp>

use super::spelling::{map, object_at, stdio};
use super::{Client, Dirs, Fields, Layout, Read, Syntax};
use crate::catalog::{Transport, TransportKind};
use crate::interop::{join, string_at, string_list_at, string_map_at};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

fn write(t: &Transport) -> Result<Fields, &'static str> {
    let mut f = Fields::new();
    // Continue's `type` words are the MCP specification's names.
    f.insert("type".into(), t.kind().as_str().into());
    match t {
        Transport::Stdio {
            command,
            args,
            env,
            cwd,
        } => {
            stdio(&mut f, command, args, env, cwd.as_deref());
        }
        Transport::StreamableHttp { url, headers } | Transport::Sse { url, headers } => {
            f.insert("url".into(), url.as_str().into());
            if !headers.is_empty() {
                f.insert(
                    "requestOptions".into(),
                    serde_json::json!({"headers": map(headers)}),
                );
            }
        }
    }
    Ok(f)
}

fn read(obj: &Map<String, Value>, at: &str) -> Result<Read, String> {
    let command = string_at(obj, "command", at)?;
    let url = string_at(obj, "url", at)?;
    let kind = match (string_at(obj, "type", at)?, command, url) {
        (Some(word), _, _) => word.parse().map_err(|_| {
            format!(
                "{}: {word:?} is not stdio, sse or streamable-http",
                join(at, "type")
            )
        })?,
        (None, Some(_), None) => TransportKind::Stdio,
        (None, None, Some(_)) => TransportKind::StreamableHttp,
        _ => {
            return Err(format!(
                "{at}: needs `command` (stdio) or `url` (HTTP), one of them"
            ));
        }
    };
    match kind {
        TransportKind::Stdio => {
            let Some(command) = command else {
                return Err(format!(
                    "{}: required for a stdio server",
                    join(at, "command")
                ));
            };
            Ok(Read::Server(Transport::Stdio {
                command: command.to_owned(),
                args: string_list_at(obj, "args", at)?,
                env: string_map_at(obj, "env", at)?,
                cwd: string_at(obj, "cwd", at)?.map(str::to_owned),
            }))
        }
        http @ (TransportKind::StreamableHttp | TransportKind::Sse) => {
            let Some(url) = url else {
                return Err(format!("{}: required for an HTTP server", join(at, "url")));
            };
            let options_at = join(at, "requestOptions");
            let headers = match object_at(obj, "requestOptions", at)? {
                Some(o) => string_map_at(o, "headers", &options_at)?,
                None => BTreeMap::default(),
            };
            Ok(Read::Server(Transport::http(http, url.to_owned(), headers)))
        }
    }
}

pub const CLIENT: Client = Client {
    name: "continue",
    doc: "https://docs.continue.dev/customize/deep-dives/mcp",
    shape: "~/.continue/config.yaml: mcpServers: [{name, type, command | url, ...}]",
    syntax: Syntax::Yaml,
    at: &["mcpServers"],
    layout: Layout::List,
    file: |d: &Dirs| d.home.join(".continue/config.yaml"),
    installed: |d: &Dirs| d.home.join(".continue"),
    file_names: &[".continue/config.yaml"],
    write,
    read,
    cwd: false,
    new_file: &[("name", "mcpreg"), ("version", "0.0.1"), ("schema", "v1")],
    env_ref: None,
};
