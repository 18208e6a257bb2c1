//! Goose: `~/.config/goose/config.yaml`, `extensions: {NAME: {name, type: stdio,
//! cmd, args, envs, enabled, timeout} | {type: streamable_http | sse, uri, headers,
//! ...}}`; built-in extensions sit beside the servers.
//! Doc: <https://block.github.io/goose/docs/guides/config-files>

use super::spelling::map;
use super::{Client, Dirs, Fields, Layout, Read, Syntax};
use crate::catalog::{Transport, TransportKind};
use crate::interop::{join, string_at, string_list_at, string_map_at};
use serde_json::{Map, Value};

fn write(t: &Transport) -> Result<Fields, &'static str> {
    let mut f = Fields::new();
    match t {
        Transport::Stdio {
            command,
            args,
            env,
            cwd: _,
        } => {
            f.insert("type".into(), TransportKind::Stdio.as_str().into());
            f.insert("cmd".into(), command.as_str().into());
            f.insert("args".into(), args.clone().into());
            f.insert("envs".into(), map(env));
        }
        Transport::StreamableHttp { url, headers } | Transport::Sse { url, headers } => {
            let word = match t.kind() {
                TransportKind::Sse => SSE,
                _ => STREAMABLE_HTTP,
            };
            f.insert("type".into(), word.into());
            f.insert("uri".into(), url.as_str().into());
            f.insert("headers".into(), map(headers));
        }
    }
    f.insert("enabled".into(), true.into());
    f.insert("description".into(), "".into());
    f.insert("timeout".into(), 300.into());
    Ok(f)
}

/// Goose's words for the HTTP transports: its own for Streamable HTTP.
const STREAMABLE_HTTP: &str = "streamable_http";
const SSE: &str = TransportKind::Sse.as_str();

fn read(obj: &Map<String, Value>, at: &str) -> Result<Read, String> {
    let kind = string_at(obj, "type", at)?;
    match kind {
        Some(k) if k == TransportKind::Stdio.as_str() => {
            let Some(cmd) = string_at(obj, "cmd", at)? else {
                return Err(format!(
                    "{}: required for a stdio extension",
                    join(at, "cmd")
                ));
            };
            Ok(Read::Server(Transport::Stdio {
                command: cmd.to_owned(),
                args: string_list_at(obj, "args", at)?,
                env: string_map_at(obj, "envs", at)?,
                cwd: None,
            }))
        }
        Some(k @ (STREAMABLE_HTTP | SSE)) => {
            let Some(uri) = string_at(obj, "uri", at)? else {
                return Err(format!(
                    "{}: required for a remote extension",
                    join(at, "uri")
                ));
            };
            let kind = match k {
                SSE => TransportKind::Sse,
                _ => TransportKind::StreamableHttp,
            };
            let headers = string_map_at(obj, "headers", at)?;
            Ok(Read::Server(Transport::http(kind, uri.to_owned(), headers)))
        }
        Some(other) => Ok(Read::NotMcp(format!(
            "a {other:?} extension is Goose's own, not an MCP server"
        ))),
        None => Err(format!(
            "{}: required (stdio, streamable_http or sse)",
            join(at, "type")
        )),
    }
}

pub const CLIENT: Client = Client {
    name: "goose",
    doc: "https://block.github.io/goose/docs/guides/config-files",
    shape: "~/.config/goose/config.yaml: extensions: {NAME: {type: stdio, cmd, args, envs} | {type, uri}}",
    syntax: Syntax::Yaml,
    at: &["extensions"],
    layout: Layout::Map,
    file: |d: &Dirs| d.config.join("goose/config.yaml"),
    installed: |d: &Dirs| d.config.join("goose"),
    file_names: &["goose/config.yaml"],
    write,
    read,
    cwd: false,
    new_file: &[],
    env_ref: None,
};
