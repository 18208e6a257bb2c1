//! The Streamable HTTP transport (protocol 2025-03-26 and later): every message
//! is a POST with `Content-Type: application/json` and
//! `Accept: application/json, text/event-stream`. The answer to a request is
//! either one JSON body or an SSE stream in which the server may first send
//! notifications and requests of its own; we read events until the response
//! with our id arrives and skip the rest (server requests are answered as on
//! every transport, `transport::answer_to`, each answer `POST`ed back, best
//! effort). The `Mcp-Session-Id` of the
//! `initialize` reply is echoed on every later request and the session is
//! `DELETE`d on drop (best effort, at most one second). Once a version is settled
//! it is sent as `MCP-Protocol-Version`; in the new era every request also
//! carries `Mcp-Method`. The HTTP rules are `http`'s.

use super::http::{Client, decode, media_type};
use super::jsonrpc::{self, Id, Incoming, RpcError};
use super::transport::{Heard, Transport, answer_to, heard, params_opt};
use super::{Era, ProbeError};
use crate::catalog::TransportKind;
use serde_json::Value;
use std::time::{Duration, Instant};

/// The Streamable HTTP transport.
pub(super) struct Streamable {
    client: Client,
    session: Option<String>,
    version: Option<String>,
    new_era: bool,
    next_id: i64,
}

impl Streamable {
    pub(super) fn new(client: &Client) -> Self {
        Streamable {
            client: client.clone(),
            session: None,
            version: None,
            new_era: false,
            next_id: 0,
        }
    }

    fn headers(&self, method: Option<&str>) -> Vec<(&'static str, String)> {
        let mut h = Vec::new();
        if let Some(s) = &self.session {
            h.push(("Mcp-Session-Id", s.clone()));
        }
        if let Some(v) = &self.version {
            h.push(("MCP-Protocol-Version", v.clone()));
        }
        if let (true, Some(m)) = (self.new_era, method) {
            h.push(("Mcp-Method", m.to_string()));
        }
        h
    }

    /// POST our answer to a server request, best effort.
    fn answer(&self, id: &Id, method: &str, deadline: Instant) {
        let msg = answer_to(id, method);
        let url = &self.client.url;
        if let Ok(resp) = self
            .client
            .post(url, &msg, &self.headers(None), deadline, method)
        {
            drop(resp);
        }
    }

    /// Look for our response among `msgs`; answer server requests.
    fn scan(
        &self,
        msgs: Vec<Incoming>,
        id: i64,
        deadline: Instant,
    ) -> Option<Result<Value, RpcError>> {
        for m in msgs {
            match heard(m, id) {
                Heard::Answer(outcome) => return Some(outcome),
                Heard::Asked(id, method) => self.answer(&id, &method, deadline),
                Heard::Earlier(..) | Heard::Nothing => {}
            }
        }
        None
    }
}

impl Transport for Streamable {
    fn kind(&self) -> TransportKind {
        TransportKind::StreamableHttp
    }

    fn set_protocol(&mut self, era: Era, version: &str) {
        self.new_era = era == Era::Discover;
        self.version = Some(version.to_string());
    }

    fn request(
        &mut self,
        method: &str,
        params: Value,
        deadline: Instant,
    ) -> Result<Result<Value, RpcError>, ProbeError> {
        self.next_id += 1;
        let id = self.next_id;
        let msg = jsonrpc::request(id, method, params_opt(params));
        let url = self.client.url.clone();
        let resp = self
            .client
            .post(&url, &msg, &self.headers(Some(method)), deadline, method)?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Ok(Err(self.client.failure(resp, "POST", &url)?));
        }
        if method == "initialize"
            && let Some(sid) = resp
                .headers()
                .get("mcp-session-id")
                .and_then(|v| v.to_str().ok())
        {
            self.session = Some(sid.to_string());
        }
        if status == 202 || status == 204 {
            return Err(ProbeError::Protocol(format!(
                "server accepted {method} without answering it (HTTP {status})"
            )));
        }
        match media_type(&resp).as_str() {
            "application/json" => {
                let body = self.client.read_body(resp, method, &url)?;
                let msgs = decode(&body, || "the response body".to_string())?;
                self.scan(msgs, id, deadline).ok_or_else(|| {
                    ProbeError::InvalidMessage(format!(
                        "the JSON reply to {method} does not answer it (no response with id {id})"
                    ))
                })
            }
            "text/event-stream" => {
                let mut events = self.client.events(resp);
                let mut n = 0u64;
                loop {
                    let ev = events
                        .next_event()
                        .map_err(|e| self.client.map_sse_error(e, method, &url))?;
                    let Some(ev) = ev else {
                        return Err(ProbeError::Closed {
                            what: "the event stream".into(),
                            waiting_for: method.to_string(),
                        });
                    };
                    n += 1;
                    if ev.event != "message" || ev.data.trim().is_empty() {
                        continue;
                    }
                    let msgs = decode(ev.data.as_bytes(), || format!("SSE event {n}"))?;
                    if let Some(outcome) = self.scan(msgs, id, deadline) {
                        return Ok(outcome);
                    }
                }
            }
            other => Err(ProbeError::NotMcp(format!(
                "POST {url} answered {method} with Content-Type {}",
                if other.is_empty() { "(none)" } else { other }
            ))),
        }
    }

    fn notify(&mut self, method: &str, params: Value, deadline: Instant) -> Result<(), ProbeError> {
        let msg = jsonrpc::notification(method, params_opt(params));
        let url = self.client.url.clone();
        // The status is not checked: a server that refuses a notification
        // shows it on the next request, which says more.
        let resp = self
            .client
            .post(&url, &msg, &self.headers(Some(method)), deadline, method)?;
        drop(resp);
        Ok(())
    }
}

impl Drop for Streamable {
    /// Ends the session, if the server opened one.
    fn drop(&mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        let mut ours = vec![("Mcp-Session-Id", session.as_str())];
        if let Some(v) = &self.version {
            ours.push(("MCP-Protocol-Version", v.as_str()));
        }
        let delete = self.client.agent.delete(&self.client.url);
        let _ = self
            .client
            .prepare(delete, Duration::from_secs(1), &ours)
            .call();
    }
}
