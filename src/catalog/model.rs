//! The entry model: what the registry knows about one MCP server.
//!
//! Field names and shapes are the file format of README "The registry file", so the same types
//! serve the file store, the etcd store and `--format json|yaml` output. Every field
//! is written on output (null, [] or {} when empty) so scripts can rely on the keys;
//! on input only `id`, `name`, `transport` and the two stamps are required. Keys this
//! version does not know are carried in `extra` and written back unchanged, so a newer
//! mcpreg's fields survive a rewrite by an older one. What was declared (`name` to
//! `health_url`) is one [`Declaration`], `entry.declared`, written inline; see
//! [`declaration`] for why it is read by hand.

use super::declaration::{self, Carrier, Declaration, Key, once};
use super::pins::Pins;
use super::time::Timestamp;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    pub id: String,
    /// What was registered: written inline, read through [`declaration::read`].
    #[serde(flatten)]
    pub declared: Declaration,
    /// The declared fields that mcpreg learned from the server itself rather
    /// than from a flag: `health --probe --refresh` may overwrite these (and
    /// empty ones), never what was given by hand.
    pub learned: BTreeSet<Learned>,
    pub registered_at: Timestamp,
    pub updated_at: Timestamp,
    pub lease: Option<Lease>,
    pub health: Option<Health>,
    /// The tools' digests as first seen or last accepted (`mcpreg pin`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pins: Option<Pins>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// Read by hand around the declaration (see [`declaration`]): a field added to
/// `Entry` beside `declared` needs its arm here.
impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EntryVisitor)
    }
}

struct EntryVisitor;

/// An entry's own fields as they are read; unknown keys go to `extra`.
#[derive(Default)]
struct EntryFields {
    id: Option<String>,
    learned: Option<BTreeSet<Learned>>,
    registered_at: Option<Timestamp>,
    updated_at: Option<Timestamp>,
    lease: Option<Option<Lease>>,
    health: Option<Option<Health>>,
    pins: Option<Option<Pins>>,
    extra: BTreeMap<String, Value>,
}

impl<'de> Carrier<'de> for EntryFields {
    fn field<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        match &*key {
            "id" => once(&mut self.id, "id", map),
            "learned" => once(&mut self.learned, "learned", map),
            "registered_at" => once(&mut self.registered_at, "registered_at", map),
            "updated_at" => once(&mut self.updated_at, "updated_at", map),
            "lease" => once(&mut self.lease, "lease", map),
            "health" => once(&mut self.health, "health", map),
            "pins" => once(&mut self.pins, "pins", map),
            _ => {
                let value = map.next_value()?;
                self.extra.insert(key.into_owned(), value);
                Ok(())
            }
        }
    }

    fn missing_first(&self) -> Option<&'static str> {
        self.id.is_none().then_some("id")
    }
}

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = Entry;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("struct Entry")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Entry, A::Error> {
        let mut own = EntryFields::default();
        let declared = declaration::read(map, &mut own)?;
        let required =
            |field: Option<Timestamp>, name| field.ok_or_else(|| de::Error::missing_field(name));
        Ok(Entry {
            id: own.id.ok_or_else(|| de::Error::missing_field("id"))?,
            declared,
            learned: own.learned.unwrap_or_default(),
            registered_at: required(own.registered_at, "registered_at")?,
            updated_at: required(own.updated_at, "updated_at")?,
            lease: own.lease.flatten(),
            health: own.health.flatten(),
            pins: own.pins.flatten(),
            extra: own.extra,
        })
    }
}

/// A declared field that a probe can fill in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Learned {
    Tools,
    Resources,
    Prompts,
    Capabilities,
    Version,
}

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

/// A tool as the server defines it. The members a server sends keep MCP's own
/// names (`inputSchema`, `outputSchema`, `annotations` with `readOnlyHint` and
/// the other hints) and are written only when known: a tool declared by hand
/// with `--tool NAME=DESC` has a name and a description, nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The JSON Schema of the arguments, as the server sent it.
    #[serde(
        default,
        rename = "inputSchema",
        skip_serializing_if = "Option::is_none"
    )]
    pub input_schema: Option<Value>,
    #[serde(
        default,
        rename = "outputSchema",
        skip_serializing_if = "Option::is_none"
    )]
    pub output_schema: Option<Value>,
    /// `readOnlyHint`, `destructiveHint`, `idempotentHint`, `openWorldHint`
    /// (and a `title`), as the server sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Value>,
}

impl Tool {
    /// A tool known only by name and description (`--tool NAME=DESC`).
    pub fn named(name: impl Into<String>, description: Option<String>) -> Self {
        Tool {
            name: name.into(),
            title: None,
            description,
            input_schema: None,
            output_schema: None,
            annotations: None,
        }
    }
}

/// One argument of a tool, read from its `inputSchema` for people (`show`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    pub name: String,
    /// The schema's `type` (`string`, `integer|null`, ...), or `any`.
    pub kind: String,
    pub required: bool,
    pub description: Option<String>,
}

impl Tool {
    /// The tool's arguments in the order its schema lists them.
    pub fn parameters(&self) -> Vec<Parameter> {
        let Some(schema) = &self.input_schema else {
            return Vec::new();
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return Vec::new();
        };
        properties
            .iter()
            .map(|(name, p)| Parameter {
                name: name.clone(),
                kind: match p.get("type") {
                    Some(Value::String(t)) => t.clone(),
                    Some(Value::Array(ts)) => ts
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join("|"),
                    _ if p.get("enum").is_some() => "enum".into(),
                    _ => "any".into(),
                },
                required: required.contains(&name.as_str()),
                description: p
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
            .collect()
    }

    /// The behaviour hints the server set to true, as words for people.
    pub fn hints(&self) -> Vec<&'static str> {
        let Some(a) = &self.annotations else {
            return Vec::new();
        };
        [
            ("readOnlyHint", "read-only"),
            ("destructiveHint", "destructive"),
            ("idempotentHint", "idempotent"),
            ("openWorldHint", "open-world"),
        ]
        .into_iter()
        .filter(|(key, _)| a.get(key).and_then(Value::as_bool) == Some(true))
        .map(|(_, word)| word)
        .collect()
    }
}

/// A resource, or a resource template (its `uri` is then the URI template, as
/// `--resource` takes either).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub uri: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, rename = "mimeType", skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
}

impl Resource {
    pub fn at(uri: impl Into<String>) -> Self {
        Resource {
            uri: uri.into(),
            name: None,
            description: None,
            mime_type: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<PromptArgument>,
}

impl Prompt {
    pub fn named(name: impl Into<String>) -> Self {
        Prompt {
            name: name.into(),
            description: None,
            arguments: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptArgument {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    #[serde(deserialize_with = "ttl_seconds")]
    pub ttl_s: u64,
    pub expires_at: Timestamp,
}

/// A stored ttl (registry file, etcd value) is held to the rule of `--ttl`: a
/// zero or a ten-thousand-year lease in a file is as wrong as on the command line.
fn ttl_seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let secs = u64::deserialize(d)?;
    match super::time::ttl_secs_problem(secs) {
        Some(why) => Err(serde::de::Error::custom(format!("ttl_s: {why}"))),
        None => Ok(secs),
    }
}

impl Lease {
    pub fn starting(now: Timestamp, ttl: Duration) -> Self {
        Lease {
            ttl_s: ttl.as_secs(),
            expires_at: now.plus(ttl),
        }
    }

    pub fn ttl(&self) -> Duration {
        Duration::from_secs(self.ttl_s)
    }
}

/// The last MCP probe's verdict, written by `health --probe`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub status: HealthStatus,
    pub checked_at: Timestamp,
    #[serde(default)]
    pub last_ok_at: Option<Timestamp>,
    #[serde(default)]
    pub latency_ms: Option<u64>,
    #[serde(default)]
    pub failures: u32,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub protocol_version: Option<String>,
    #[serde(default)]
    pub server_info: Option<ServerInfo>,
    /// What the last good probe left out to stay within its memory bounds
    /// (`"290000 tools dropped"`); null when it kept everything.
    #[serde(default)]
    pub truncated: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
    Down,
    /// It answered, but its tools differ from the pinned ones or hide text:
    /// left out of `find` until someone accepts them with `mcpreg pin`.
    Changed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
}

/// Where a lease stands at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseState {
    /// No lease: the entry never expires.
    Unleased,
    Live {
        remaining: Duration,
    },
    Expired {
        ago: Duration,
    },
}

impl LeaseState {
    /// A lease is live while `now < expires_at`.
    pub fn at(expires_at: Option<Timestamp>, now: Timestamp) -> Self {
        match expires_at {
            None => LeaseState::Unleased,
            Some(at) if now < at => LeaseState::Live {
                remaining: at.remaining_at(now),
            },
            Some(at) => LeaseState::Expired {
                ago: at.elapsed_at(now),
            },
        }
    }

    /// Live in the sense of `find --status live`: a running lease, or none at all.
    pub fn is_live(self) -> bool {
        !matches!(self, LeaseState::Expired { .. })
    }
}

impl Entry {
    pub fn lease_state(&self, now: Timestamp) -> LeaseState {
        LeaseState::at(self.lease.map(|l| l.expires_at), now)
    }

    /// How long the server has been failing its probes, if it is down.
    ///
    /// Counted from the last good probe, or from registration when no probe ever
    /// succeeded: the earliest moment the failure can be proven not to have started.
    pub fn down_for(&self, now: Timestamp) -> Option<Duration> {
        let health = self.health.as_ref()?;
        (health.status == HealthStatus::Down).then(|| {
            health
                .last_ok_at
                .unwrap_or(self.registered_at)
                .elapsed_at(now)
        })
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

    #[test]
    fn parameters_come_from_the_input_schema_in_its_order() {
        let mut tool = Tool::named("read", None);
        assert_eq!(tool.parameters(), vec![]);
        tool.input_schema = Some(serde_json::json!({
            "type": "object",
            "properties": {
                "path": {"type": "string", "description": "Where"},
                "head": {"type": ["integer", "null"]},
                "mode": {"enum": ["a", "b"]},
                "extra": {}
            },
            "required": ["path"]
        }));
        let got: Vec<(String, String, bool)> = tool
            .parameters()
            .into_iter()
            .map(|p| (p.name, p.kind, p.required))
            .collect();
        assert_eq!(
            got,
            [
                ("path".into(), "string".into(), true),
                ("head".into(), "integer|null".into(), false),
                ("mode".into(), "enum".into(), false),
                ("extra".into(), "any".into(), false),
            ]
        );
        tool.annotations = Some(serde_json::json!({"readOnlyHint": true, "openWorldHint": false}));
        assert_eq!(tool.hints(), ["read-only"]);
    }

    #[test]
    fn lease_is_live_until_the_instant_it_expires() {
        let now = Timestamp::now();
        let lease = Lease::starting(now, Duration::from_secs(30));
        assert!(LeaseState::at(Some(lease.expires_at), now).is_live());
        let at_expiry = now.plus(Duration::from_secs(30));
        assert_eq!(
            LeaseState::at(Some(lease.expires_at), at_expiry),
            LeaseState::Expired {
                ago: Duration::ZERO
            }
        );
        assert!(LeaseState::at(None, at_expiry).is_live());
    }
}
