//! The legacy HTTP+SSE transport (protocol 2024-11-05): GET the URL with
//! `Accept: text/event-stream`; the first event, `endpoint`, names the URL to
//! POST to (relative or absolute, but it must stay on the same origin: a
//! server does not get to point our POSTs at another host); answers arrive as
//! `message` events on the GET stream, which a reader thread feeds into a
//! channel so that each wait has a deadline. The reader thread ends when the
//! stream ends or, at the latest, at the probe's deadline (the GET carries
//! it as ureq's global timeout); a probe that finishes early leaves it
//! blocked until then, holding one idle connection. There is no session to
//! end: dropping the transport drops the channel, and that is all its
//! teardown. The HTTP rules are `http`'s.

use super::ProbeError;
use super::http::{Client, check_redirect, decode, media_type, status_error};
use super::jsonrpc::{self, RpcError};
use super::sse::Event;
use super::transport::{Heard, Transport, answer_to, heard, params_opt};
use crate::catalog::TransportKind;
use serde_json::Value;
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread;
use std::time::Instant;
use ureq::http::Uri;

/// What the legacy GET stream's reader thread hands over.
enum StreamItem {
    Event(Event),
    End,
    Failed(ProbeError),
}

/// The legacy HTTP+SSE transport of protocol 2024-11-05.
pub(super) struct LegacySse {
    client: Client,
    endpoint: String,
    rx: Receiver<StreamItem>,
    next_id: i64,
    events: u64,
    ended: Option<ProbeError>,
}

impl LegacySse {
    /// GET the URL and wait for the `endpoint` event.
    pub(super) fn connect(client: &Client, deadline: Instant) -> Result<Self, ProbeError> {
        let waiting_for = "the endpoint event";
        let url = client.url.clone();
        let left = client.remaining(deadline, waiting_for)?;
        let get = client.agent.get(&url);
        let resp = client
            .prepare(get, left, &[("Accept", "text/event-stream")])
            .call()
            .map_err(|e| client.map_error(e, waiting_for, &url))?;
        check_redirect(&resp)?;
        if !resp.status().is_success() {
            return Err(status_error(&resp, "GET", &url));
        }
        let mt = media_type(&resp);
        if mt != "text/event-stream" {
            return Err(ProbeError::NotMcp(format!(
                "GET {url} answered with Content-Type {}, not text/event-stream",
                if mt.is_empty() { "(none)" } else { &mt }
            )));
        }
        let mut events = client.events(resp);
        let (tx, rx) = sync_channel(64);
        let thread_client = client.clone();
        let thread_url = url.clone();
        thread::Builder::new()
            .name("mcp-sse-reader".into())
            .spawn(move || {
                loop {
                    let item = match events.next_event() {
                        Ok(Some(ev)) => StreamItem::Event(ev),
                        Ok(None) => StreamItem::End,
                        Err(e) => StreamItem::Failed(thread_client.map_sse_error(
                            e,
                            "the event stream",
                            &thread_url,
                        )),
                    };
                    let last = !matches!(item, StreamItem::Event(_));
                    if tx.send(item).is_err() || last {
                        return;
                    }
                }
            })
            .map_err(|e| ProbeError::Io(format!("cannot start a reader thread: {e}")))?;
        let mut t = LegacySse {
            client: client.clone(),
            endpoint: String::new(),
            rx,
            next_id: 0,
            events: 0,
            ended: None,
        };
        let first = t.next_event(deadline, waiting_for)?;
        if first.event != "endpoint" {
            return Err(ProbeError::Protocol(format!(
                "expected an `endpoint` event first, got `{}`",
                first.event
            )));
        }
        t.endpoint = resolve_endpoint(&client.uri, first.data.trim())?;
        Ok(t)
    }

    fn next_event(&mut self, deadline: Instant, waiting_for: &str) -> Result<Event, ProbeError> {
        if let Some(e) = &self.ended {
            return Err(e.clone());
        }
        let item = self
            .client
            .clock
            .receive(&self.rx, deadline, waiting_for, StreamItem::End)?;
        match item {
            StreamItem::Event(ev) => {
                self.events += 1;
                Ok(ev)
            }
            StreamItem::End => {
                let e = ProbeError::Closed {
                    what: "the event stream".into(),
                    waiting_for: waiting_for.to_string(),
                };
                self.ended = Some(e.clone());
                Err(e)
            }
            StreamItem::Failed(e) => {
                // A read timeout in the thread is the probe's deadline.
                let e = match e {
                    ProbeError::Timeout { after, .. } => ProbeError::Timeout {
                        after,
                        waiting_for: waiting_for.to_string(),
                    },
                    other => other,
                };
                self.ended = Some(e.clone());
                Err(e)
            }
        }
    }

    fn post(&self, msg: &Value, deadline: Instant, waiting_for: &str) -> Result<(), ProbeError> {
        let endpoint = self.endpoint.clone();
        let resp = self
            .client
            .post(&endpoint, msg, &[], deadline, waiting_for)?;
        let status = resp.status();
        if !status.is_success() {
            return match self.client.failure(resp, "POST", &endpoint) {
                Ok(rpc) => Err(ProbeError::JsonRpc {
                    code: rpc.code,
                    message: rpc.message,
                }),
                Err(e) => Err(e),
            };
        }
        Ok(())
    }
}

impl Transport for LegacySse {
    fn kind(&self) -> TransportKind {
        TransportKind::Sse
    }

    fn request(
        &mut self,
        method: &str,
        params: Value,
        deadline: Instant,
    ) -> Result<Result<Value, RpcError>, ProbeError> {
        self.next_id += 1;
        let id = self.next_id;
        self.post(
            &jsonrpc::request(id, method, params_opt(params)),
            deadline,
            method,
        )?;
        loop {
            let ev = self.next_event(deadline, method)?;
            if ev.event != "message" || ev.data.trim().is_empty() {
                continue;
            }
            let n = self.events;
            for m in decode(ev.data.as_bytes(), || format!("SSE event {n}"))? {
                match heard(m, id) {
                    Heard::Answer(outcome) => return Ok(outcome),
                    Heard::Asked(id, method) => {
                        let _ = self.post(&answer_to(&id, &method), deadline, &method);
                    }
                    Heard::Earlier(..) | Heard::Nothing => {}
                }
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value, deadline: Instant) -> Result<(), ProbeError> {
        self.post(
            &jsonrpc::notification(method, params_opt(params)),
            deadline,
            method,
        )
    }
}

/// Resolve the `endpoint` event's URI against the GET URL; same origin only.
fn resolve_endpoint(base: &Uri, endpoint: &str) -> Result<String, ProbeError> {
    let scheme = base.scheme_str().unwrap_or("http");
    let authority = base
        .authority()
        .map(ureq::http::uri::Authority::as_str)
        .unwrap_or_default();
    let origin = format!("{scheme}://{authority}");
    let resolved = if endpoint.contains("://") {
        endpoint.to_string()
    } else if let Some(rest) = endpoint.strip_prefix("//") {
        format!("{scheme}://{rest}")
    } else if endpoint.starts_with('/') {
        format!("{origin}{endpoint}")
    } else if endpoint.starts_with('?') {
        format!("{origin}{}{endpoint}", base.path())
    } else {
        let path = base.path();
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        let dir = if dir.is_empty() { "/" } else { dir };
        format!("{origin}{dir}{endpoint}")
    };
    let uri: Uri = resolved.parse().map_err(|_| {
        ProbeError::Protocol(format!(
            "the endpoint event names an invalid URL: {endpoint:?}"
        ))
    })?;
    let same = uri.scheme_str() == Some(scheme)
        && uri
            .authority()
            .is_some_and(|a| a.as_str().eq_ignore_ascii_case(authority));
    if !same {
        return Err(ProbeError::Protocol(format!(
            "the endpoint event points to {resolved}, outside {origin}"
        )));
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_resolve_on_the_same_origin_only() {
        let base: Uri = "http://127.0.0.1:3001/mcp/sse?x=1".parse().unwrap();
        let ok = |e: &str| resolve_endpoint(&base, e).unwrap();
        assert_eq!(
            ok("/message?sessionId=1"),
            "http://127.0.0.1:3001/message?sessionId=1"
        );
        assert_eq!(ok("messages?s=2"), "http://127.0.0.1:3001/mcp/messages?s=2");
        assert_eq!(ok("?s=3"), "http://127.0.0.1:3001/mcp/sse?s=3");
        assert_eq!(ok("http://127.0.0.1:3001/m"), "http://127.0.0.1:3001/m");
        assert_eq!(ok("//127.0.0.1:3001/m"), "http://127.0.0.1:3001/m");
        for bad in [
            "http://10.0.0.1/m",
            "https://127.0.0.1:3001/m",
            "//evil.example/m",
            "http://127.0.0.1:3002/",
        ] {
            let e = resolve_endpoint(&base, bad).unwrap_err();
            assert!(
                e.to_string().contains("outside http://127.0.0.1:3001"),
                "{e}"
            );
        }
    }
}
