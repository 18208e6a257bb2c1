//! What the probe is written against: one way of exchanging JSON-RPC messages
//! with a server ([`Transport`]), and the two limits all the transports of one
//! probe share, its time ([`Clock`]) and its bytes ([`Budget`]).
//!
//! `probe` builds the transports and drives them; `stdio`, `streamable` and
//! `legacy_sse` implement them. All of them import this file, and it imports
//! none of them, so no import runs back up.

use super::jsonrpc::{self, Id, Incoming, RpcError};
use super::{Era, ProbeError};
use crate::catalog::TransportKind;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// One way of exchanging JSON-RPC messages with a server. Teardown is `Drop`:
/// dropping a transport kills its child or ends its session, so a probe that
/// returns, fails or panics leaves nothing behind.
pub(crate) trait Transport {
    fn kind(&self) -> TransportKind;
    /// Send a request and wait for its answer until `deadline`. A JSON-RPC
    /// error answer is `Ok(Err(..))`; everything else that goes wrong is
    /// `Err(..)`.
    fn request(
        &mut self,
        method: &str,
        params: Value,
        deadline: Instant,
    ) -> Result<Result<Value, RpcError>, ProbeError>;
    fn notify(&mut self, method: &str, params: Value, deadline: Instant) -> Result<(), ProbeError>;
    /// The answer to an earlier request `id` that arrived after we stopped
    /// waiting for it (stdio keeps those; other transports do not).
    fn take_late(&mut self, _id: i64) -> Option<Result<Value, RpcError>> {
        None
    }
    /// The era and version are settled (HTTP sends them as headers).
    fn set_protocol(&mut self, _era: Era, _version: &str) {}
}

/// Time bookkeeping of one probe.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Clock {
    pub start: Instant,
    pub deadline: Instant,
    pub timeout: Duration,
}

impl Clock {
    /// A probe of `timeout` that starts now.
    pub(crate) fn start(timeout: Duration) -> Self {
        let start = Instant::now();
        Clock {
            start,
            deadline: start + timeout,
            timeout,
        }
    }

    /// The error of a wait for `waiting_for` that ran out of the probe's time.
    pub(crate) fn timed_out(&self, waiting_for: &str) -> ProbeError {
        ProbeError::Timeout {
            after: self.timeout,
            waiting_for: waiting_for.to_string(),
        }
    }

    /// The next item of a reader thread (stdio's stdout, the legacy event
    /// stream), waited for until `deadline`; `ended` once the thread is gone.
    pub(crate) fn receive<T>(
        &self,
        items: &Receiver<T>,
        deadline: Instant,
        waiting_for: &str,
        ended: T,
    ) -> Result<T, ProbeError> {
        let wait = deadline.saturating_duration_since(Instant::now());
        match items.recv_timeout(wait) {
            Ok(item) => Ok(item),
            Err(RecvTimeoutError::Timeout) => Err(self.timed_out(waiting_for)),
            Err(RecvTimeoutError::Disconnected) => Ok(ended),
        }
    }
}

/// Bytes read so far over the whole probe, shared with reader threads.
#[derive(Clone, Debug)]
pub(crate) struct Budget {
    used: Arc<AtomicU64>,
    limit: u64,
}

impl Budget {
    pub(crate) fn new(limit: u64) -> Self {
        Budget {
            used: Arc::new(AtomicU64::new(0)),
            limit,
        }
    }

    /// Count `n` more bytes read; an error once the total passes the limit.
    pub(crate) fn charge(&self, n: u64) -> Result<(), ProbeError> {
        let before = self.used.fetch_add(n, Ordering::Relaxed);
        if before.saturating_add(n) > self.limit {
            Err(self.too_large())
        } else {
            Ok(())
        }
    }

    pub(crate) fn exceeded(&self) -> bool {
        self.used.load(Ordering::Relaxed) > self.limit
    }

    pub(crate) fn too_large(&self) -> ProbeError {
        ProbeError::TooLarge { limit: self.limit }
    }
}

/// What one message from the server is to the request `id` we wait for.
pub(crate) enum Heard {
    /// Its answer.
    Answer(Result<Value, RpcError>),
    /// The answer to an earlier request of ours, which we stopped waiting for.
    Earlier(i64, Result<Value, RpcError>),
    /// A request of the server's, to answer with [`answer_to`].
    Asked(Id, String),
    /// A notification, or an answer to nothing we asked: skipped.
    Nothing,
}

/// Reads `message` as every transport does while it waits for the answer to `id`.
pub(crate) fn heard(message: Incoming, id: i64) -> Heard {
    match message {
        Incoming::Response {
            id: Some(Id::Num(n)),
            outcome,
        } if n == id => Heard::Answer(outcome),
        Incoming::Response {
            id: Some(Id::Num(n)),
            outcome,
        } if n > 0 && n < id => Heard::Earlier(n, outcome),
        // An error the server could not tie to a request can only be about the
        // one we have outstanding.
        Incoming::Response { id: None, outcome } => Heard::Answer(outcome),
        Incoming::Response { .. } | Incoming::Notification { .. } => Heard::Nothing,
        Incoming::Request { id, method, .. } => Heard::Asked(id, method),
    }
}

/// Our answer to a request the server sent us, on every transport: `ping` gets an
/// empty result (the spec says a ping must be answered promptly), anything else
/// -32601 (we advertise no client capabilities, so a server has no business
/// asking for sampling, roots or elicitation).
pub(crate) fn answer_to(id: &Id, method: &str) -> Value {
    if method == "ping" {
        jsonrpc::response_ok(id, serde_json::json!({}))
    } else {
        jsonrpc::response_err(id, jsonrpc::METHOD_NOT_FOUND, "method not found")
    }
}

/// `params` as a message carries them: left out when there are none.
pub(crate) fn params_opt(params: Value) -> Option<Value> {
    if params.is_null() { None } else { Some(params) }
}
