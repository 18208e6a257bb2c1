//! What both HTTP transports share, over blocking `ureq`: the agent and its
//! rules, requests with the user's headers and what is left of the probe's time,
//! bodies charged to the byte budget, and the mapping of every failure to a
//! [`ProbeError`]. The transports themselves are `streamable` (Streamable HTTP)
//! and `legacy_sse` (HTTP+SSE of 2024-11-05).
//!
//! Rules: redirects are never followed (an error names the status and
//! Location); no proxy from the environment is used (a probe talks to the
//! address it was given); every request gets ureq's global timeout set to
//! what is left of the probe; every body byte is charged to the probe's
//! byte budget.

use super::jsonrpc::{self, Incoming, RpcError};
use super::sse::{Decoder, SseError};
use super::transport::{Budget, Clock};
use super::{ProbeError, io_reason};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{self, BufReader, Read};
use std::time::{Duration, Instant};
use ureq::http::{Response, Uri};
use ureq::{Agent, Body, RequestBuilder};

/// What we accept in answer to a POST, on both transports.
const ACCEPT_BOTH: &str = "application/json, text/event-stream";

/// What every HTTP exchange of one probe shares.
#[derive(Clone)]
pub(super) struct Client {
    pub(super) agent: Agent,
    /// The URL the user gave.
    pub(super) url: String,
    pub(super) uri: Uri,
    headers: BTreeMap<String, String>,
    pub(super) clock: Clock,
    pub(super) budget: Budget,
}

impl Client {
    pub(super) fn new(
        url: &str,
        headers: &BTreeMap<String, String>,
        clock: &Clock,
        budget: &Budget,
    ) -> Result<Self, ProbeError> {
        let uri: Uri =
            url.parse()
                .map_err(|e: ureq::http::uri::InvalidUri| ProbeError::BadUrl {
                    url: url.to_string(),
                    reason: e.to_string(),
                })?;
        match uri.scheme_str() {
            Some("http" | "https") => {}
            _ => {
                return Err(ProbeError::BadUrl {
                    url: url.to_string(),
                    reason: "the scheme must be http or https".into(),
                });
            }
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(ProbeError::BadUrl {
                url: url.to_string(),
                reason: "no host".into(),
            });
        }
        let agent: Agent = crate::http_agent::agent(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .proxy(None)
                .user_agent(format!("mcpreg/{}", env!("CARGO_PKG_VERSION")))
                .build(),
        );
        Ok(Client {
            agent,
            url: url.to_string(),
            uri,
            headers: headers.clone(),
            clock: *clock,
            budget: budget.clone(),
        })
    }

    /// `req` (a GET, POST or DELETE of this agent) bounded by `left`, with
    /// `ours` and then the user's headers.
    pub(super) fn prepare<B>(
        &self,
        req: RequestBuilder<B>,
        left: Duration,
        ours: &[(&str, &str)],
    ) -> RequestBuilder<B> {
        let mut req = req.config().timeout_global(Some(left)).build();
        let users = self.headers.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        for (k, v) in ours.iter().copied().chain(users) {
            req = req.header(k, v);
        }
        req
    }

    fn host(&self) -> String {
        self.uri.host().unwrap_or_default().to_string()
    }

    /// Map a ureq error of an exchange about `waiting_for`.
    pub(super) fn map_error(&self, e: ureq::Error, waiting_for: &str, url: &str) -> ProbeError {
        if self.budget.exceeded() {
            return self.budget.too_large();
        }
        match e {
            ureq::Error::Timeout(_) => self.clock.timed_out(waiting_for),
            ureq::Error::Io(io) => self.map_io(&io, waiting_for),
            ureq::Error::HostNotFound => ProbeError::HostNotFound(self.host()),
            ureq::Error::BadUri(reason) => ProbeError::BadUrl {
                url: url.to_string(),
                reason,
            },
            ureq::Error::ConnectionFailed => ProbeError::Io("connection failed".into()),
            ureq::Error::Tls(reason) => ProbeError::Tls(reason.to_string()),
            ureq::Error::BodyExceedsLimit(_) => self.budget.too_large(),
            ureq::Error::Protocol(e) => ProbeError::Http(format!("invalid HTTP response: {e}")),
            other => ProbeError::Http(other.to_string()),
        }
    }

    fn map_io(&self, io: &io::Error, waiting_for: &str) -> ProbeError {
        match io.kind() {
            io::ErrorKind::ConnectionRefused => ProbeError::ConnectionRefused,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                self.clock.timed_out(waiting_for)
            }
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => ProbeError::Closed {
                what: "the connection".into(),
                waiting_for: waiting_for.to_string(),
            },
            _ => ProbeError::Io(io_reason(io)),
        }
    }

    /// An error while reading a body (through [`Capped`]).
    fn map_read_error(&self, e: io::Error, waiting_for: &str, url: &str) -> ProbeError {
        self.map_error(ureq::Error::from(e), waiting_for, url)
    }

    /// An error of the event stream of `url`, read for `waiting_for`.
    pub(super) fn map_sse_error(&self, e: SseError, waiting_for: &str, url: &str) -> ProbeError {
        match e {
            SseError::Io(io) => self.map_read_error(io, waiting_for, url),
            SseError::TooLarge(_) => self.budget.too_large(),
            SseError::InvalidUtf8 { line } => {
                ProbeError::InvalidMessage(format!("the event stream is not UTF-8 at line {line}"))
            }
        }
    }

    pub(super) fn remaining(
        &self,
        deadline: Instant,
        waiting_for: &str,
    ) -> Result<Duration, ProbeError> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(self.clock.timed_out(waiting_for))
        } else {
            Ok(left)
        }
    }

    /// POST a JSON-RPC message; the response is checked for redirects only.
    pub(super) fn post(
        &self,
        url: &str,
        msg: &Value,
        extra: &[(&str, String)],
        deadline: Instant,
        waiting_for: &str,
    ) -> Result<Response<Body>, ProbeError> {
        let left = self.remaining(deadline, waiting_for)?;
        let ours = [
            ("Content-Type", "application/json"),
            ("Accept", ACCEPT_BOTH),
        ];
        let mut req = self.prepare(self.agent.post(url), left, &ours);
        for (k, v) in extra {
            req = req.header(*k, v.as_str());
        }
        let body = serde_json::to_vec(msg).expect("a JSON value serializes");
        let resp = req
            .send(&body[..])
            .map_err(|e| self.map_error(e, waiting_for, url))?;
        check_redirect(&resp)?;
        Ok(resp)
    }

    /// The body as a reader charged to the byte budget.
    fn reader(&self, resp: Response<Body>) -> Capped<impl Read + Send + 'static> {
        Capped {
            inner: resp.into_body().into_reader(),
            budget: self.budget.clone(),
        }
    }

    /// The body as a stream of events, charged to the byte budget.
    pub(super) fn events(
        &self,
        resp: Response<Body>,
    ) -> Decoder<BufReader<Capped<impl Read + Send + 'static>>> {
        Decoder::new(BufReader::new(self.reader(resp)), u64::MAX)
    }

    /// Read a whole (capped) body.
    pub(super) fn read_body(
        &self,
        resp: Response<Body>,
        waiting_for: &str,
        url: &str,
    ) -> Result<Vec<u8>, ProbeError> {
        let mut out = Vec::new();
        self.reader(resp)
            .read_to_end(&mut out)
            .map_err(|e| self.map_read_error(e, waiting_for, url))?;
        Ok(out)
    }

    /// An HTTP status that is neither 2xx nor 3xx: a JSON-RPC error in the
    /// body if there is one (a JSON-RPC error is that, whatever the status),
    /// else an HTTP error.
    pub(super) fn failure(
        &self,
        resp: Response<Body>,
        method: &str,
        url: &str,
    ) -> Result<RpcError, ProbeError> {
        let is_json = media_type(&resp) == "application/json";
        let http_error = status_error(&resp, method, url);
        if !is_json {
            return Err(http_error);
        }
        let mut body = Vec::new();
        let mut r = self.reader(resp).take(64 * 1024);
        if r.read_to_end(&mut body).is_err() {
            if self.budget.exceeded() {
                return Err(self.budget.too_large());
            }
            return Err(http_error);
        }
        match jsonrpc::parse(&body) {
            Ok(msgs) => msgs
                .into_iter()
                .find_map(|m| match m {
                    Incoming::Response {
                        outcome: Err(e), ..
                    } => Some(e),
                    _ => None,
                })
                .ok_or(http_error),
            Err(_) => Err(http_error),
        }
    }
}

/// `HTTP 404 Not Found from POST http://...`.
pub(super) fn status_error(resp: &Response<Body>, method: &str, url: &str) -> ProbeError {
    let status = resp.status();
    ProbeError::HttpStatus {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("").to_string(),
        method: method.to_string(),
        url: url.to_string(),
    }
}

pub(super) fn check_redirect(resp: &Response<Body>) -> Result<(), ProbeError> {
    let status = resp.status().as_u16();
    if (300..400).contains(&status) {
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("(no Location header)")
            .to_string();
        return Err(ProbeError::Redirect { status, location });
    }
    Ok(())
}

/// The media type of the response, lower-case, without parameters.
pub(super) fn media_type(resp: &Response<Body>) -> String {
    resp.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// A reader that charges every byte to the probe's budget.
pub(super) struct Capped<R> {
    inner: R,
    budget: Budget,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.budget
            .charge(n as u64)
            .map_err(|e| io::Error::other(e.to_string()))?;
        Ok(n)
    }
}

/// Decode one body or SSE data payload into messages.
pub(super) fn decode(
    bytes: &[u8],
    location: impl FnOnce() -> String,
) -> Result<Vec<Incoming>, ProbeError> {
    jsonrpc::parse(bytes).map_err(|e| match e {
        jsonrpc::FramingError::Json {
            message,
            line,
            column,
        } => ProbeError::InvalidJson {
            location: format!("line {line} column {column} of {}", location()),
            detail: message,
        },
        jsonrpc::FramingError::Invalid(why) => ProbeError::InvalidMessage(why),
    })
}
