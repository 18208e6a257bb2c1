//! How a client reaches a server: the [`Transport`] of an entry (a command to
//! start, or a URL), its kind, and the [`Auth`] it asks for.
//!
//! A leaf of the catalog, with what a declaration is made of in `primitives`:
//! `model`, `declaration` and `pins` all build on these, and these import none of
//! them, so the catalog's files import in one direction only.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How a client reaches the server. The `type` tag is [`TransportKind`]'s word
/// (both derive it from the variant names, kebab-case; a test holds them together).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Transport {
    Stdio {
        command: String,
        #[serde(default)]
        args: Vec<String>,
        #[serde(default)]
        env: BTreeMap<String, String>,
        /// The folder the command runs in: where it was registered from, when an
        /// argument is a path relative to it (`node dist/index.js`). Left out of
        /// the file when there is none, so entries of older versions stay as they
        /// were written.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cwd: Option<String>,
    },
    StreamableHttp {
        url: String,
        #[serde(default)]
        headers: BTreeMap<String, String>,
    },
    Sse {
        url: String,
        #[serde(default)]
        headers: BTreeMap<String, String>,
    },
}

/// Which of the three transports: the `type` of a [`Transport`], what `--transport`
/// takes, what a probe reports as the transport that answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransportKind {
    Stdio,
    /// Streamable HTTP, protocol 2025-03-26 and later.
    StreamableHttp,
    /// The legacy HTTP+SSE transport of protocol 2024-11-05.
    Sse,
}

impl TransportKind {
    pub const ALL: [TransportKind; 3] = [
        TransportKind::Stdio,
        TransportKind::StreamableHttp,
        TransportKind::Sse,
    ];

    /// The word of each kind: the MCP specification's names, the registry file's
    /// `type`, the values of `--transport`. The one place they are spelled.
    pub const fn as_str(self) -> &'static str {
        match self {
            TransportKind::Stdio => "stdio",
            TransportKind::StreamableHttp => "streamable-http",
            TransportKind::Sse => "sse",
        }
    }
}

impl std::fmt::Display for TransportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TransportKind {
    type Err = String;

    fn from_str(word: &str) -> Result<Self, String> {
        TransportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == word)
            .ok_or_else(|| format!("{word:?} is not stdio, streamable-http or sse"))
    }
}

impl Transport {
    /// An HTTP transport: legacy SSE for [`TransportKind::Sse`], else Streamable
    /// HTTP (what an HTTP server speaks today; a URL is never stdio).
    pub fn http(kind: TransportKind, url: String, headers: BTreeMap<String, String>) -> Self {
        match kind {
            TransportKind::Sse => Transport::Sse { url, headers },
            TransportKind::Stdio | TransportKind::StreamableHttp => {
                Transport::StreamableHttp { url, headers }
            }
        }
    }

    /// The `type` tag, as written in the file and accepted by `--transport`.
    pub fn kind(&self) -> TransportKind {
        match self {
            Transport::Stdio { .. } => TransportKind::Stdio,
            Transport::StreamableHttp { .. } => TransportKind::StreamableHttp,
            Transport::Sse { .. } => TransportKind::Sse,
        }
    }

    /// One line a person can read: the URL, or the command line shell-quoted.
    pub fn endpoint(&self) -> String {
        match self {
            Transport::Stdio { command, args, .. } => std::iter::once(command)
                .chain(args)
                .map(|word| shell_quote(word))
                .collect::<Vec<_>>()
                .join(" "),
            Transport::StreamableHttp { url, .. } | Transport::Sse { url, .. } => url.clone(),
        }
    }
}

impl Transport {
    /// This stdio command as it runs from any folder, for a client that cannot
    /// start a server in a folder of its own: a relative program, and each
    /// argument that `is_path` says is a path in the `cwd`, joined onto the `cwd`,
    /// and the `cwd` dropped. None when there is no `cwd` to drop.
    pub fn without_cwd(&self, is_path: impl Fn(&Path) -> bool) -> Option<Transport> {
        let Transport::Stdio {
            command,
            args,
            env,
            cwd: Some(cwd),
        } = self
        else {
            return None;
        };
        let folder = Path::new(cwd);
        let absolute = |word: &String, may: bool| {
            let p = Path::new(word);
            if may && p.is_relative() && !word.is_empty() {
                absolute_in(folder, p).to_string_lossy().into_owned()
            } else {
                word.clone()
            }
        };
        Some(Transport::Stdio {
            command: absolute(command, command.contains('/')),
            args: args
                .iter()
                .map(|a| absolute(a, !a.starts_with('-') && is_path(&folder.join(a))))
                .collect(),
            env: env.clone(),
            cwd: None,
        })
    }
}

/// `path` joined onto `folder`, without its `.` components. `..` stays: the
/// folder may be reached through a symlink, and only the kernel knows its parent.
pub fn absolute_in(folder: &Path, path: &Path) -> PathBuf {
    folder.join(path).components().collect()
}

/// An absolute http or https URL with a host, as the `http` crate parses it; the
/// reason otherwise.
pub fn check_http_url(url: &str) -> Result<(), String> {
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|e: ureq::http::uri::InvalidUri| e.to_string())?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        Some(other) => return Err(format!("scheme {other:?} is not http or https")),
        None => return Err("it has no http:// or https:// scheme".into()),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err("it has no host".into());
    }
    // The `http` crate keeps a port it cannot read as text, and drops it later.
    let authority = uri.authority().map_or("", |a| a.as_str());
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let after_host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map_or("", |(_, rest)| rest),
        None => host_port,
    };
    if let Some((_, port)) = after_host.rsplit_once(':')
        && !port.is_empty()
        && !matches!(port.parse::<u16>(), Ok(1..))
    {
        return Err(format!("port {port} is not a port (1 to 65535)"));
    }
    Ok(())
}

fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Auth {
    #[default]
    None,
    Bearer,
    Oauth2,
}

impl Auth {
    pub fn name(self) -> &'static str {
        match self {
            Auth::None => "none",
            Auth::Bearer => "bearer",
            Auth::Oauth2 => "oauth2",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transport_kind_is_spelled_once() {
        let words = TransportKind::ALL.map(TransportKind::as_str);
        assert_eq!(words, ["stdio", "streamable-http", "sse"]);
        let http = |kind| Transport::http(kind, "http://127.0.0.1:1/".into(), BTreeMap::new());
        let transports = [
            serde_json::from_value(serde_json::json!({"type": "stdio", "command": "x"})).unwrap(),
            http(TransportKind::StreamableHttp),
            http(TransportKind::Sse),
        ];
        for (kind, transport) in TransportKind::ALL.into_iter().zip(transports) {
            let t: Transport = transport;
            assert_eq!(t.kind(), kind);
            assert_eq!(serde_json::to_value(&t).unwrap()["type"], kind.as_str());
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert_eq!(kind.to_string().parse::<TransportKind>(), Ok(kind));
        }
        assert!("http".parse::<TransportKind>().is_err());
    }

    #[test]
    fn endpoint_quotes_what_a_shell_would_split() {
        let t = Transport::Stdio {
            command: "/bin/srv".into(),
            args: vec!["a b".into(), "it's".into(), "--x=1".into()],
            env: BTreeMap::new(),
            cwd: None,
        };
        assert_eq!(t.endpoint(), r"/bin/srv 'a b' 'it'\''s' --x=1");
    }
}
