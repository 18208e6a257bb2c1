//! Speaking MCP to a server, just enough to identify it: the probe.
//!
//! `health --probe`, `register --introspect` and `scan` all need the same
//! thing: given a way to reach a server, learn who it is (name, version,
//! protocol version, capabilities) and what it offers (tools, resources,
//! prompts), within a time limit and a byte limit, without ever calling a
//! tool. That is [`probe`]. Everything else here exists to serve it.
//!
//! # Why it is shaped like this
//!
//! **Blocking, no async runtime.** A probe is a handful of request/response
//! round trips. Std threads, `std::process` and the blocking `ureq` client
//! are enough; the callers run probes in parallel on threads. Every read has
//! a deadline: stdio reads go through a reader thread and a channel
//! (`recv_timeout`), HTTP reads use ureq's global timeout set to what is left
//! of the probe's budget.
//!
//! **Two protocol eras.** Servers up to protocol 2025-11-25 need the
//! `initialize` handshake (then `notifications/initialized`) before anything
//! else. Protocol 2026-07-28 dropped the handshake: every request carries
//! `params._meta` with `io.modelcontextprotocol/protocolVersion`,
//! `io.modelcontextprotocol/clientInfo` and
//! `io.modelcontextprotocol/clientCapabilities`, and `server/discover` tells
//! the server's supported versions, capabilities and identity. The probe asks
//! the new way first and falls back to the old one (see [`probe`] for the
//! exact rules and our reading of the 2026-07-28 text).
//!
//! **Three transports.** stdio (spawn the program, newline-delimited JSON-RPC
//! on its stdin/stdout), Streamable HTTP (POST each message; the answer is
//! JSON or an SSE stream) and the legacy HTTP+SSE transport of 2024-11-05 (a
//! long-lived GET event stream whose first `endpoint` event names the URL to
//! POST to, answers arriving on the stream).
//!
//! # Layout
//!
//! Imports run one way, top to bottom; nothing below imports what is above it.
//!
//! - `probe`: the era logic; builds the transports and drives them.
//! - `stdio`: spawning, talking to and reliably killing a child process group.
//! - `streamable`, `legacy_sse`: the two HTTP transports, over `http`, what
//!   they share (the agent, requests, bodies, errors) on blocking `ureq`.
//! - `transport`: the transport trait, the probe's clock and byte budget.
//! - [`sse`]: a strict `text/event-stream` decoder with a byte cap.
//! - [`jsonrpc`]: strict JSON-RPC 2.0 framing and classification, on
//!   `bounded`: parsing into a JSON value of bounded memory, long lists capped.
//! - this file: what a probe is asked and answers (options, report, error),
//!   what the registry makes of a report, and the pool of parallel probes. It
//!   uses none of the files above; it only re-exports `probe`.

mod bounded;
mod http;
pub mod jsonrpc;
mod legacy_sse;
mod probe;
pub mod sse;
mod stdio;
mod streamable;
mod transport;

use crate::catalog::model::{Learned, Prompt, Resource, ServerInfo, Tool};
use crate::catalog::registration::{Probed, Registration};
use crate::catalog::{Entry, Timestamp, Transport, TransportKind};
use std::collections::BTreeSet;
use std::time::Duration;

pub use probe::{probe, probe_declared, probe_many};

impl ProbeReport {
    /// What the registry records of a successful probe.
    pub fn probed(&self) -> Probed {
        Probed {
            latency: self.latency,
            protocol_version: self.protocol_version.clone(),
            server_info: self.server_name.clone().map(|name| ServerInfo {
                name,
                version: self.server_version.clone(),
            }),
            tools: self.tools.clone(),
            truncated: self.truncated.clone(),
        }
    }
}

impl ProbeReport {
    /// Fills a declaration with what the server says it offers, where the
    /// declaration says nothing yet (flags given by hand win): tools,
    /// resources, prompts and version; capabilities are merged. The probe is
    /// recorded as the entry's health. `register --introspect` and
    /// `scan --register` both write servers this way.
    pub fn fill(&self, registration: &mut Registration) {
        self.learn(registration, &BTreeSet::new());
        registration.probed = Some(self.probed());
    }

    /// `health --probe --refresh`: the entry with what the server reports now in
    /// every field that was learned before or is empty; what was given by hand
    /// stays. The lease is left as it was (a refresh is no heartbeat).
    pub fn refreshed(&self, entry: &Entry, now: Timestamp) -> Entry {
        let mut registration = Registration::of(entry);
        let before = registration.learned.clone();
        self.learn(&mut registration, &before);
        let mut refreshed = registration.apply(Some(entry), now);
        refreshed.lease = entry.lease;
        refreshed
    }

    /// Writes what the server reports into each field that is empty or in
    /// `overwrite`, and notes each field written in `learned`. Capabilities are
    /// learned when none were declared beyond those that declared tools,
    /// resources and prompts imply; otherwise the server's are added to them.
    fn learn(&self, registration: &mut Registration, overwrite: &BTreeSet<Learned>) {
        let r = registration;
        let may = |field: Learned, empty: bool| empty || overwrite.contains(&field);
        let implied_before = implied_capabilities(r);
        let capabilities_learnable = overwrite.contains(&Learned::Capabilities)
            || r.declared
                .capabilities
                .iter()
                .all(|c| implied_before.contains(c));
        if may(Learned::Tools, r.declared.tools.is_empty()) {
            r.declared.tools.clone_from(&self.tools);
            r.learned.insert(Learned::Tools);
        }
        if may(Learned::Resources, r.declared.resources.is_empty()) {
            r.declared.resources.clone_from(&self.resources);
            r.learned.insert(Learned::Resources);
        }
        if may(Learned::Prompts, r.declared.prompts.is_empty()) {
            r.declared.prompts.clone_from(&self.prompts);
            r.learned.insert(Learned::Prompts);
        }
        if capabilities_learnable {
            r.declared.capabilities = implied_capabilities(r);
            r.learned.insert(Learned::Capabilities);
        }
        r.declared
            .capabilities
            .extend(self.capabilities.iter().cloned());
        r.declared.capabilities.sort();
        r.declared.capabilities.dedup();
        if may(Learned::Version, r.declared.version.is_none()) && self.server_version.is_some() {
            r.declared.version.clone_from(&self.server_version);
            r.learned.insert(Learned::Version);
        }
    }
}

/// The capabilities that declared tools, resources and prompts stand for.
fn implied_capabilities(r: &Registration) -> Vec<String> {
    [
        (!r.declared.tools.is_empty(), "tools"),
        (!r.declared.resources.is_empty(), "resources"),
        (!r.declared.prompts.is_empty(), "prompts"),
    ]
    .into_iter()
    .filter(|(offered, _)| *offered)
    .map(|(_, c)| c.to_owned())
    .collect()
}

impl ProbeReport {
    /// `declared` as this probe reached it: the same URL and headers over the HTTP
    /// transport that answered. A Streamable HTTP target falls back to legacy SSE
    /// by itself, so this is how `register --introspect` and `run` record the
    /// transport that really works when the user did not name one.
    pub fn answered(&self, declared: &Transport) -> Transport {
        match declared {
            Transport::StreamableHttp { url, headers } | Transport::Sse { url, headers } => {
                Transport::http(self.transport, url.clone(), headers.clone())
            }
            Transport::Stdio { .. } => declared.clone(),
        }
    }
}

/// Runs `work` on every item, at most `parallelism` at a time, on scoped
/// threads that pull the next item when done: the pool of `probe_many`, for
/// callers that do more than one probe per item (`scan` tries several paths).
/// Results come in the order of `items`, one for each.
///
/// A panic in `work` is a bug, not a result: it is raised again here, with its
/// own message, once every thread has stopped. Each worker keeps the results of
/// the items it took, so no slot can be left empty: every index is taken by
/// exactly one worker, and a worker either returns all of its results or panics.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    parallelism: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..parallelism.clamp(1, items.len().max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, work(item)));
                    }
                    mine
                })
            })
            .collect();
        let mut all = Vec::with_capacity(items.len());
        for worker in workers {
            match worker.join() {
                Ok(mine) => all.extend(mine),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    done.sort_unstable_by_key(|&(i, _)| i);
    debug_assert!(
        done.len() == items.len() && done.iter().enumerate().all(|(at, &(i, _))| at == i)
    );
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod parallel_map_tests {
    use super::parallel_map;

    #[test]
    fn every_item_gets_its_result_in_order() {
        let items: Vec<u32> = (0..500).collect();
        for parallelism in [0, 1, 3, 64, 1000] {
            let doubled = parallel_map(&items, parallelism, |n| n * 2);
            assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        }
        assert!(parallel_map(&[] as &[u32], 8, |n| *n).is_empty());
    }

    #[test]
    fn a_panic_in_the_work_is_raised_again_with_its_message() {
        let items: Vec<u32> = (0..50).collect();
        let caught = std::panic::catch_unwind(|| {
            parallel_map(&items, 4, |&n| {
                assert!(n != 17, "item {n} is bad");
                n
            })
        });
        let panic = caught.expect_err("the panic reaches the caller");
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or_default();
        assert_eq!(message, "item 17 is bad");
    }
}

/// Protocol version of the new era, spoken with `server/discover`.
pub const DISCOVER_VERSION: &str = "2026-07-28";
/// Protocol version we send in `initialize`.
pub const INITIALIZE_VERSION: &str = "2025-11-25";
/// Versions we accept in an `initialize` reply.
pub const ACCEPTED_INITIALIZE_VERSIONS: [&str; 4] =
    ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// Limits of one probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeOptions {
    /// For the whole probe, from spawn/connect to the last answer. Teardown
    /// (killing a child, the session DELETE) adds at most about a second.
    pub timeout: Duration,
    /// Cap on bytes read from the server over the whole probe.
    pub max_bytes: u64,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            timeout: Duration::from_secs(10),
            max_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Which handshake the server answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// Protocol 2026-07-28: `server/discover`, `_meta` on every request.
    Discover,
    /// Protocol up to 2025-11-25: `initialize` handshake.
    Initialize,
}

/// What a successful probe learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeReport {
    pub era: Era,
    /// The negotiated (initialize) or chosen (discover) protocol version.
    pub protocol_version: String,
    /// The transport that worked (a Streamable HTTP target that fell back
    /// reports [`TransportKind::Sse`]).
    pub transport: TransportKind,
    pub server_name: Option<String>,
    pub server_version: Option<String>,
    /// Sorted keys of the server's capabilities object.
    pub capabilities: Vec<String>,
    pub tools: Vec<Tool>,
    pub resources: Vec<Resource>,
    pub prompts: Vec<Prompt>,
    /// What was left out to stay within `catalog::limits`, if anything.
    pub truncated: Option<String>,
    /// Wall time from the start of the probe to the last answer read
    /// (process start or connection included, teardown excluded).
    pub latency: Duration,
}

/// Why a probe failed. Every message is one line, precise enough to act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    #[error("timed out after {} waiting for {waiting_for}", fmt_duration(*.after))]
    Timeout {
        after: Duration,
        waiting_for: String,
    },
    #[error("response exceeded {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("invalid JSON from server at {location}: {detail}")]
    InvalidJson { location: String, detail: String },
    #[error("invalid JSON-RPC from server: {0}")]
    InvalidMessage(String),
    #[error("server returned JSON-RPC error {code}: {message}")]
    JsonRpc { code: i64, message: String },
    #[error("HTTP {status} redirect to {location} (redirects are not followed)")]
    Redirect { status: u16, location: String },
    #[error("HTTP {status}{} from {method} {url}", reason_suffix(reason))]
    HttpStatus {
        status: u16,
        reason: String,
        method: String,
        url: String,
    },
    #[error("cannot start `{command}`: {reason}")]
    Spawn { command: String, reason: String },
    #[error("server exited before answering {waiting_for} ({status})")]
    Exited { waiting_for: String, status: String },
    #[error("server closed {what} before answering {waiting_for}")]
    Closed { what: String, waiting_for: String },
    #[error("connection refused")]
    ConnectionRefused,
    #[error("cannot resolve host {0}")]
    HostNotFound(String),
    #[error("invalid URL {url}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("server answered with protocol version {version}, which this client does not speak")]
    UnsupportedVersion { version: String },
    #[error(
        "server supports protocol versions {}, none of which this client speaks",
        versions.join(", ")
    )]
    NoCommonVersion { versions: Vec<String> },
    #[error("not an MCP server: {0}")]
    NotMcp(String),
    #[error("answers over {answered}, registered as {declared}")]
    WrongTransport {
        answered: TransportKind,
        declared: TransportKind,
    },
    #[error("{0}")]
    Protocol(String),
    #[error("I/O error: {0}")]
    Io(String),
    #[error("TLS error: {0}")]
    Tls(String),
    #[error("HTTP error: {0}")]
    Http(String),
}

/// Who answered a probe that failed: the one reading of a [`ProbeError`] that
/// callers share when they decide whether to try again elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// Nobody spoke: refused, unresolved, timed out, cut off, too much, not a
    /// program that runs, not HTTP.
    Nobody,
    /// A server, with nothing MCP at this URL: an HTTP status, a redirect, a page,
    /// broken or refused JSON-RPC. Another path of the same port may be MCP
    /// (`scan`).
    NotMcpHere,
    /// An MCP server we cannot use: a protocol version we do not speak, or the
    /// other HTTP transport.
    McpServer,
}

impl ProbeError {
    pub fn answered(&self) -> Answered {
        match self {
            ProbeError::HttpStatus { .. }
            | ProbeError::Redirect { .. }
            | ProbeError::NotMcp(_)
            | ProbeError::InvalidJson { .. }
            | ProbeError::InvalidMessage(_)
            | ProbeError::JsonRpc { .. }
            | ProbeError::Protocol(_) => Answered::NotMcpHere,
            ProbeError::UnsupportedVersion { .. }
            | ProbeError::NoCommonVersion { .. }
            | ProbeError::WrongTransport { .. } => Answered::McpServer,
            ProbeError::Timeout { .. }
            | ProbeError::TooLarge { .. }
            | ProbeError::Spawn { .. }
            | ProbeError::Exited { .. }
            | ProbeError::Closed { .. }
            | ProbeError::ConnectionRefused
            | ProbeError::HostNotFound(_)
            | ProbeError::BadUrl { .. }
            | ProbeError::Io(_)
            | ProbeError::Tls(_)
            | ProbeError::Http(_) => Answered::Nobody,
        }
    }

    /// Whether something answered at the address, only not as hoped: the probe
    /// failed after a server spoke, not for want of one.
    pub fn something_answered(&self) -> bool {
        self.answered() != Answered::Nobody
    }
}

fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(" {reason}")
    }
}

/// `2s`, `1.5s`, `250ms`: short and exact enough for an error line.
pub(crate) fn fmt_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        let s = format!("{:.3}", d.as_secs_f64());
        format!("{}s", s.trim_end_matches('0'))
    }
}

/// An `io::Error` as a user reads it: without the " (os error N)" suffix.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match (s.rfind(" (os error "), e.raw_os_error()) {
        (Some(i), Some(_)) => s[..i].to_string(),
        _ => s,
    }
}

#[cfg(test)]
#[path = "../../tests/mcp_fakes/mod.rs"]
mod fakes;

#[cfg(test)]
mod tests;
