//! The entry most clients share, `{command, args, env}` for stdio and a URL (plus
//! `headers`) for HTTP, in each client's own spelling: which key holds the URL,
//! whether a `type` tells the transport and with which words, what it cannot run.

use super::{ALL, Fields, Read};
use crate::catalog::{Transport, TransportKind};
use crate::interop::{join, kind_of, string_at, string_list_at, string_map_at};
use serde_json::{Map, Value};

/// The words of a client's `type` key. A word that is the MCP specification's
/// name of the transport is written as [`TransportKind::as_str`].
pub struct Kinds {
    pub stdio: &'static str,
    /// Other words read as stdio (Copilot CLI's `stdio` beside its `local`).
    pub stdio_also: &'static [&'static str],
    pub http: &'static str,
    pub http_also: &'static [&'static str],
    pub sse: &'static str,
    /// The type may be left out (then the keys tell); VS Code requires it.
    pub required: bool,
}

pub struct Spelling {
    pub client: &'static str,
    /// None: no `type` key; the keys present tell the transport.
    pub kinds: Option<Kinds>,
    /// The key of a Streamable HTTP URL (`url`, `serverUrl`, `httpUrl`); None: the
    /// client runs stdio servers only.
    pub url: Option<&'static str>,
    /// Other keys read as a Streamable HTTP URL (Windsurf also takes `url`).
    pub url_also: &'static [&'static str],
    /// How an SSE server is written: under its own key (Gemini's `url`), as the
    /// `type`'s sse word, or not at all.
    pub sse: Sse,
    pub headers: bool,
    /// Entries with a `type` key are another client's (Claude Desktop, Cursor).
    pub no_type: bool,
    /// Keys the client wants in every entry it reads (Copilot CLI's `tools`).
    pub extra: fn(&Transport, &mut Fields),
}

#[derive(PartialEq, Eq)]
pub enum Sse {
    /// The `type`'s sse word.
    Typed,
    /// Under this key instead of the HTTP URL's.
    Key(&'static str),
    /// Written like Streamable HTTP: the client tells them apart by itself, so an
    /// import gives back Streamable HTTP.
    AsHttp,
    Unsupported,
}

pub fn nothing(_: &Transport, _: &mut Fields) {}

impl Spelling {
    pub fn write(&self, t: &Transport) -> Result<Fields, &'static str> {
        let mut f = Fields::new();
        let typed = |f: &mut Fields, word: &'static str| {
            if self.kinds.is_some() {
                f.insert("type".into(), word.into());
            }
        };
        match t {
            Transport::Stdio {
                command,
                args,
                env,
                cwd,
            } => {
                if let Some(k) = &self.kinds {
                    typed(&mut f, k.stdio);
                }
                stdio(&mut f, command, args, env, cwd.as_deref());
            }
            Transport::StreamableHttp { url, headers } | Transport::Sse { url, headers } => {
                let sse = matches!(t, Transport::Sse { .. });
                let Some(http_key) = self.url else {
                    return Err("HTTP servers (it runs stdio servers only)");
                };
                let key = match (&self.sse, sse) {
                    (_, false) => http_key,
                    (Sse::Unsupported, true) => return Err("SSE servers"),
                    (Sse::Key(k), true) => k,
                    (Sse::Typed | Sse::AsHttp, true) => http_key,
                };
                if let Some(k) = &self.kinds {
                    typed(&mut f, if sse { k.sse } else { k.http });
                }
                f.insert(key.into(), url.as_str().into());
                if !headers.is_empty() {
                    if !self.headers {
                        return Err("HTTP headers");
                    }
                    f.insert("headers".into(), map(headers));
                }
            }
        }
        (self.extra)(t, &mut f);
        Ok(f)
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one pass over every spelling of a server entry; split, the steps would pass all their locals along"
    )]
    pub fn read(&self, obj: &Map<String, Value>, at: &str) -> Result<Read, String> {
        let kind = string_at(obj, "type", at)?;
        if let (true, Some(t)) = (self.no_type, obj.get("type")) {
            return Err(format!(
                "{}: {t} is Claude Code's or VS Code's key; {} entries have none",
                join(at, "type"),
                self.client
            ));
        }
        let command = string_at(obj, "command", at)?;
        let mut url_keys: Vec<&str> = self
            .url
            .into_iter()
            .chain(self.url_also.iter().copied())
            .collect();
        if let Sse::Key(k) = self.sse {
            url_keys.push(k);
        }
        let mut url = None;
        for k in &url_keys {
            if let Some(u) = string_at(obj, k, at)? {
                if url.is_some() {
                    return Err(format!(
                        "{at}: has two URLs (`{}`); give one",
                        url_keys.join("`, `")
                    ));
                }
                url = Some((*k, u));
            }
        }
        let url_name = self.url.unwrap_or("url");
        let kind = match (&self.kinds, kind) {
            (Some(k), None) if k.required => {
                return Err(format!(
                    "{}: required in a {} config ({}, {} or {})",
                    join(at, "type"),
                    self.client,
                    k.stdio,
                    k.http,
                    k.sse
                ));
            }
            (Some(k), Some(word)) => {
                if word == k.stdio || k.stdio_also.contains(&word) {
                    TransportKind::Stdio
                } else if word == k.http || k.http_also.contains(&word) {
                    TransportKind::StreamableHttp
                } else if word == k.sse {
                    TransportKind::Sse
                } else {
                    return Err(format!(
                        "{}: {word:?} is not {}, {} or {}",
                        join(at, "type"),
                        k.stdio,
                        k.http,
                        k.sse
                    ));
                }
            }
            (_, _) => match (command, url) {
                (Some(_), None) => TransportKind::Stdio,
                (None, Some((k, _))) if self.sse == Sse::Key(k) => TransportKind::Sse,
                (None, Some(_)) => TransportKind::StreamableHttp,
                (Some(_), Some((k, _))) => {
                    return Err(format!("{at}: has both `command` and `{k}`; give one"));
                }
                (None, None) => {
                    return Err(format!(
                        "{at}: needs `command` (stdio) or `{url_name}` (HTTP)"
                    ));
                }
            },
        };
        Ok(Read::Server(match kind {
            TransportKind::Stdio => {
                if let Some((k, _)) = url {
                    return Err(format!("{}: a stdio server has no URL", join(at, k)));
                }
                let Some(command) = command else {
                    return Err(format!(
                        "{}: required for a stdio server",
                        join(at, "command")
                    ));
                };
                Transport::Stdio {
                    command: command.to_owned(),
                    args: string_list_at(obj, "args", at)?,
                    env: string_map_at(obj, "env", at)?,
                    cwd: string_at(obj, "cwd", at)?.map(str::to_owned),
                }
            }
            TransportKind::StreamableHttp | TransportKind::Sse => {
                if command.is_some() {
                    return Err(format!(
                        "{}: an HTTP server has no command",
                        join(at, "command")
                    ));
                }
                let Some((_, url)) = url else {
                    return Err(format!(
                        "{}: required for an HTTP server",
                        join(at, url_name)
                    ));
                };
                Transport::http(kind, url.to_owned(), string_map_at(obj, "headers", at)?)
            }
        }))
    }
}

/// `command`, `args`, `env` (when it holds something) and `cwd` (when there is
/// one: export gives a command with a folder only to clients that have `cwd`,
/// and makes it absolute for the others), as most clients spell them.
pub fn stdio(
    f: &mut Fields,
    command: &str,
    args: &[String],
    env: &std::collections::BTreeMap<String, String>,
    cwd: Option<&str>,
) {
    f.insert("command".into(), command.into());
    f.insert("args".into(), args.to_vec().into());
    if !env.is_empty() {
        f.insert("env".into(), map(env));
    }
    if let Some(cwd) = cwd {
        f.insert("cwd".into(), cwd.into());
    }
}

pub fn map(m: &std::collections::BTreeMap<String, String>) -> Value {
    Value::Object(
        m.iter()
            .map(|(k, v)| (k.clone(), v.as_str().into()))
            .collect(),
    )
}

/// Which client of the `mcpServers` family a file without marker or telling name
/// is, from its entries: a key only one client uses, else a type word, else the
/// plain shapes of Claude Code, Cursor and Claude Desktop.
pub fn guess_mcp_servers(doc: &Map<String, Value>) -> &'static super::Client {
    let named = |n: &str| ALL.iter().copied().find(|c| c.name == n).unwrap_or(ALL[0]);
    let entries: Vec<&Map<String, Value>> = doc
        .get("mcpServers")
        .and_then(Value::as_object)
        .map(|m| m.values().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let any_key = |k: &str| entries.iter().any(|e| e.contains_key(k));
    let any_type = |w: &str| {
        entries
            .iter()
            .any(|e| e.get("type").and_then(Value::as_str) == Some(w))
    };
    if any_key("serverUrl") {
        named("windsurf")
    } else if any_key("httpUrl") {
        named("gemini-cli")
    } else if any_type("streamableHttp") {
        named("cline")
    } else if any_type(TransportKind::StreamableHttp.as_str()) {
        named("roo-code")
    } else if any_type("local") || any_key("tools") {
        named("copilot-cli")
    } else if any_key("type") {
        named("claude-code")
    } else if any_key("url") {
        named("cursor")
    } else {
        named("claude-desktop")
    }
}

/// Reads an entry with `string_*` helpers' messages; for the modules that spell
/// their entries their own way.
pub fn object_at<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<Option<&'a Map<String, Value>>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(v) => Err(format!(
            "{}: must be an object, not {}",
            join(at, key),
            kind_of(v)
        )),
    }
}
