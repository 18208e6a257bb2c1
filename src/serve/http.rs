//! The HTTP face: Streamable HTTP at `/mcp`, on hyper, with the protocol done by
//! the SDK's own server transport (`rmcp`'s `StreamableHttpService`): stateless
//! 2026-07-28 (`MCP-Protocol-Version`, `Mcp-Method`, `server/discover`) and
//! 2025-11-25 back to 2025-03-26 with `initialize` and `Mcp-Session-Id`.
//!
//! What this module adds in front of the SDK, for every path of the listener:
//! `Host` and `Origin` checks against DNS rebinding (403), the bearer token
//! (401), a 1 MiB cap on request bodies however they are framed (413), and
//! JSON-RPC errors for bodies the SDK would answer with a bare 415 (-32700 for
//! what is not JSON, -32600 for JSON that is no JSON-RPC message). Connections
//! are bounded in number (503 beyond) and in time: a client that is slow to
//! send its request, or stops reading the answer, is disconnected.

use super::{Registry, registry_api};
use crate::catalog::Timestamp;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode, header};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use rmcp::model::{ClientJsonRpcMessage, ClientRequest};
use rmcp::transport::StreamableHttpServerConfig;
use rmcp::transport::StreamableHttpService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};

/// The largest request body accepted; a longer one is answered 413.
pub const MAX_BODY: usize = 1 << 20;

/// The most sessions (2025 era) open at once; an `initialize` beyond gets 503.
/// A session idle for 5 minutes is closed (rmcp's default), so a client that
/// never ends its sessions cannot grow the server without bound.
pub const MAX_SESSIONS: usize = 1024;

/// The path of the MCP endpoint.
pub const MCP_PATH: &str = "/mcp";

type Body = BoxBody<Bytes, Infallible>;

/// An answer that turns a request away (boxed: it is the error of a Result).
type Refusal = Box<Response<Body>>;

/// How the listener guards itself; see `mcpreg serve --help`.
pub struct Options {
    /// The bearer token every request must carry, if any.
    pub token: Option<Vec<u8>>,
    /// Host names accepted in `Host` and `Origin` besides localhost and IP
    /// addresses.
    pub allow_hosts: Vec<String>,
    pub max_connections: usize,
    /// How long a request may take to arrive, and a write may stall.
    pub client_timeout: Duration,
}

/// Binds `addr` for [`Registry::serve_http`].
pub fn bind(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// The state every connection shares.
struct Listener {
    /// The registry API's view of the snapshot (`/v0.1/*`).
    registry: Registry,
    mcp: StreamableHttpService<Registry, LocalSessionManager>,
    sessions: Arc<LocalSessionManager>,
    guard: Guard,
    client_timeout: Duration,
}

/// Accepts connections until the process ends.
pub async fn serve(
    registry: Registry,
    listener: std::net::TcpListener,
    options: Options,
) -> Result<(), String> {
    let listener =
        tokio::net::TcpListener::from_std(listener).map_err(|e| format!("cannot listen: {e}"))?;
    let config = StreamableHttpServerConfig::default()
        // The guard below checks Host and Origin for every path, with a rule
        // rmcp's list of names cannot say (any IP address is fine as a Host).
        .disable_allowed_hosts()
        .with_max_request_body_bytes(MAX_BODY)
        // Simple answers of the new era as plain JSON: no event stream to parse.
        .with_json_response(true);
    let sessions = Arc::new(LocalSessionManager::default());
    let shared = Arc::new(Listener {
        registry: registry.clone(),
        mcp: StreamableHttpService::new(
            move || Ok(registry.for_session()),
            sessions.clone(),
            config,
        ),
        sessions,
        guard: Guard::new(options.token.as_deref(), &options.allow_hosts),
        client_timeout: options.client_timeout,
    });
    let permits = Arc::new(Semaphore::new(options.max_connections));
    loop {
        // Out of descriptors or a connection reset before it was taken: the
        // listener itself is fine, so wait a little and go on.
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        match permits.clone().try_acquire_owned() {
            Ok(permit) => {
                let shared = shared.clone();
                tokio::spawn(async move {
                    shared.connection(stream).await;
                    drop(permit);
                });
            }
            Err(_) => {
                tokio::spawn(refuse(stream, options.client_timeout));
            }
        }
    }
}

/// Tells a connection beyond the limit to come back later.
async fn refuse(mut stream: TcpStream, timeout: Duration) {
    const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 21\r\nRetry-After: 1\r\nConnection: close\r\n\r\ntoo many connections\n";
    let _ = tokio::time::timeout(timeout, async {
        stream.write_all(BUSY).await?;
        stream.shutdown().await
    })
    .await;
}

impl Listener {
    async fn connection(self: Arc<Self>, stream: TcpStream) {
        let io = TokioIo::new(StallLimit::new(stream, self.client_timeout));
        let shared = self.clone();
        let service = hyper::service::service_fn(move |request| {
            let shared = shared.clone();
            async move { Ok::<_, Infallible>(shared.route(request).await) }
        });
        let _ = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            // Covers the wait for the next request of a kept-alive connection too.
            .header_read_timeout(self.client_timeout)
            .serve_connection(io, service)
            .await;
    }

    /// Every path of the listener: the guard, then the endpoint.
    async fn route(&self, request: Request<Incoming>) -> Response<Body> {
        if let Err(refused) = self.guard.check(request.headers()) {
            return *refused;
        }
        // The one place paths are routed. Other endpoints of the listener (the
        // registry API's `GET /v0.1/...`, answered from the snapshot through
        // `json_response`) join as arms here, behind the same guard.
        match request.uri().path() {
            MCP_PATH => self.mcp(request).await,
            path if path.starts_with("/v0.1/") => self.registry_api(&request),
            _ => text(StatusCode::NOT_FOUND, "Not Found"),
        }
    }

    /// `/v0.1/*`: the registry API v0.1, read-only, from the latest snapshot.
    fn registry_api(&self, request: &Request<Incoming>) -> Response<Body> {
        if request.method() != Method::GET {
            let error =
                json!({"error": "Method not allowed: this registry API is read-only (GET)"});
            let mut response = json_response(StatusCode::METHOD_NOT_ALLOWED, &error);
            response
                .headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static("GET"));
            return response;
        }
        let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
        let snapshot = self.registry.snapshot.borrow().clone();
        let (status, body) = registry_api::respond(
            target,
            &snapshot.entries,
            Timestamp::now(),
            self.registry.secrets,
        );
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        json_response(status, &body)
    }

    /// `/mcp`: the body is read here (bounded in bytes and time) and checked to
    /// be a JSON-RPC message, then the SDK answers.
    async fn mcp(&self, request: Request<Incoming>) -> Response<Body> {
        let (parts, body) = request.into_parts();
        let body = if parts.method == Method::POST {
            let read = read_body(body, &parts.headers, self.client_timeout).await;
            let message = read.and_then(|bytes| check_message(&bytes).map(|m| (bytes, m)));
            let (bytes, message) = match message {
                Ok(read) => read,
                Err(refused) => return *refused,
            };
            if opens_session(&message) && self.sessions.sessions.read().await.len() >= MAX_SESSIONS
            {
                return busy("too many sessions: end one (DELETE) or wait for one to expire");
            }
            bytes
        } else {
            Bytes::new()
        };
        let ends_session = parts.method == Method::DELETE;
        let mut response = self
            .mcp
            .handle(Request::from_parts(parts, Full::new(body)))
            .await;
        // The SDK answers a session's end 202; the Python SDK takes anything
        // but 200 and 204 for a failure and warns. Nothing follows: 204.
        if ends_session && response.status() == StatusCode::ACCEPTED {
            *response.status_mut() = StatusCode::NO_CONTENT;
        }
        response
    }
}

/// The whole body, or the answer that refuses it: 413 beyond `MAX_BODY` (also
/// for a chunked body that never ends), 408 when it is not all there within
/// `timeout`. A refused body is not read further: the connection closes.
async fn read_body(
    body: Incoming,
    headers: &HeaderMap,
    timeout: Duration,
) -> Result<Bytes, Refusal> {
    let too_large = || {
        closing(text(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("Payload Too Large: a request body may hold at most {MAX_BODY} bytes"),
        ))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let collect = async {
        let mut body = body;
        let mut kept = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| {
                closing(text(
                    StatusCode::BAD_REQUEST,
                    &format!("Bad Request: the body broke off: {e}"),
                ))
            })?;
            if let Some(data) = frame.data_ref() {
                if data.len() > MAX_BODY - kept.len() {
                    return Err(too_large());
                }
                kept.extend_from_slice(data);
            }
        }
        Ok(Bytes::from(kept))
    };
    tokio::time::timeout(timeout, collect)
        .await
        .unwrap_or_else(|_| {
            Err(closing(text(
                StatusCode::REQUEST_TIMEOUT,
                "Request Timeout: the body did not arrive in time",
            )))
        })
}

/// The message when `body` is one JSON-RPC message for the SDK; otherwise the JSON-RPC
/// error the spec asks for, on a 400: -32700 when it is not JSON, -32600 when
/// it is JSON of another shape (with the request's id where it has one), -32602
/// for a request of a known method with params that do not fit.
fn check_message(body: &[u8]) -> Result<ClientJsonRpcMessage, Refusal> {
    let shape = match serde_json::from_slice::<ClientJsonRpcMessage>(body) {
        Ok(message) => match super::invalid_params(&message) {
            None => return Ok(message),
            Some(error) => return Err(json_response(StatusCode::BAD_REQUEST, &error).into()),
        },
        Err(shape) => shape,
    };
    let (id, code, message) = match serde_json::from_slice::<Value>(body) {
        Err(e) => (Value::Null, -32700, format!("Parse error: {e}")),
        Ok(value) => {
            let id = match value.get("id") {
                Some(id @ (Value::String(_) | Value::Number(_))) => id.clone(),
                _ => Value::Null,
            };
            (id, -32600, format!("Invalid Request: {shape}"))
        }
    };
    let error = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    Err(json_response(StatusCode::BAD_REQUEST, &error).into())
}

fn opens_session(message: &ClientJsonRpcMessage) -> bool {
    matches!(message, ClientJsonRpcMessage::Request(r)
        if matches!(r.request, ClientRequest::InitializeRequest(_)))
}

/// 503: come back in a second.
fn busy(why: &str) -> Response<Body> {
    let mut response = text(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!("Service Unavailable: {why}"),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    response
}

/// A JSON answer.
pub fn json_response(status: StatusCode, value: &Value) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())).boxed());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

fn text(status: StatusCode, message: &str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(format!("{message}\n"))).boxed());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// `response`, after which the connection closes.
#[allow(
    clippy::unnecessary_box_returns,
    reason = "a Refusal is the Err side of the guards' Results, boxed so that their Ok stays small"
)]
fn closing(mut response: Response<Body>) -> Refusal {
    response.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    Box::new(response)
}

/// Who may ask: the `Host` and `Origin` rules and the bearer token.
struct Guard {
    /// SHA-256 of the token: comparing digests takes the same time whatever
    /// the token's length and wherever a guess first differs.
    token: Option<[u8; 32]>,
    allow_hosts: Vec<String>,
}

impl Guard {
    fn new(token: Option<&[u8]>, allow_hosts: &[String]) -> Guard {
        Guard {
            token: token.map(|t| Sha256::digest(t).into()),
            allow_hosts: allow_hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
        }
    }

    fn check(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let forbidden =
            |why: &str| Box::new(text(StatusCode::FORBIDDEN, &format!("Forbidden: {why}")));
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<http::uri::Authority>().ok())
            .map(|a| a.host().to_ascii_lowercase())
            .ok_or_else(|| text(StatusCode::BAD_REQUEST, "Bad Request: no valid Host header"))?;
        // A page that a DNS name rebound to this machine sends that name as
        // its Host; an IP address cannot have been rebound.
        if !(is_ip(&host) || host == "localhost" || self.allow_hosts.contains(&host)) {
            return Err(forbidden("this Host is not served (see --allow-host)"));
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin_host = origin
                .to_str()
                .ok()
                .and_then(|v| v.parse::<http::Uri>().ok())
                .filter(|u| matches!(u.scheme_str(), Some("http" | "https")))
                .and_then(|u| u.host().map(str::to_ascii_lowercase));
            // A browser page may ask only from this machine, or from the very
            // host it reached the server by.
            let allowed = origin_host
                .is_some_and(|o| is_loopback(&o) || o == host || self.allow_hosts.contains(&o));
            if !allowed {
                return Err(forbidden("requests from this Origin are not served"));
            }
        }
        if let Some(token) = &self.token {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, credentials)| credentials.trim());
            let matches = given.is_some_and(|given| {
                let digest: [u8; 32] = Sha256::digest(given.as_bytes()).into();
                digest
                    .iter()
                    .zip(token)
                    .fold(0u8, |differ, (a, b)| differ | (a ^ b))
                    == 0
            });
            if !matches {
                let mut refused = text(
                    StatusCode::UNAUTHORIZED,
                    "Unauthorized: a bearer token is required",
                );
                refused.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer realm=\"mcpreg\""),
                );
                return Err(Box::new(refused));
            }
        }
        Ok(())
    }
}

/// `host` as `Authority::host` gives it: IPv6 addresses in brackets.
fn ip_of(host: &str) -> Option<IpAddr> {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
        .parse()
        .ok()
}

fn is_ip(host: &str) -> bool {
    ip_of(host).is_some()
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || ip_of(host).is_some_and(|ip| ip.is_loopback())
}

/// A connection whose writes may stall at most `limit`: a client that stops
/// reading an answer is disconnected instead of holding it forever.
struct StallLimit<T> {
    io: T,
    limit: Duration,
    stalled_since: Option<Instant>,
    timer: Pin<Box<Sleep>>,
}

impl<T> StallLimit<T> {
    fn new(io: T, limit: Duration) -> StallLimit<T> {
        StallLimit {
            io,
            limit,
            stalled_since: None,
            timer: Box::pin(tokio::time::sleep(limit)),
        }
    }

    /// After a write made no progress: Pending until the stall lasted `limit`.
    fn stalled<R>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        let since = *self.stalled_since.get_or_insert_with(Instant::now);
        let deadline = since + self.limit;
        if self.timer.deadline() != deadline {
            self.timer.as_mut().reset(deadline);
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn progress<R>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        match polled {
            Poll::Pending => self.stalled(cx),
            done @ Poll::Ready(_) => {
                self.stalled_since = None;
                done
            }
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for StallLimit<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for StallLimit<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.io).poll_write(cx, buf);
        self.progress(cx, polled)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        self.progress(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.io).poll_flush(cx);
        self.progress(cx, polled)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("a header value"));
        }
        map
    }

    fn status(guard: &Guard, pairs: &[(&'static str, &str)]) -> u16 {
        match guard.check(&headers(pairs)) {
            Ok(()) => 200,
            Err(refused) => refused.status().as_u16(),
        }
    }

    #[test]
    fn hosts_are_loopback_ip_addresses_or_allowed_names() {
        let guard = Guard::new(None, &["Registry.Example".into()]);
        for host in [
            "127.0.0.1:7333",
            "localhost:7333",
            "[::1]:7333",
            "10.1.2.3",
            "registry.example:80",
        ] {
            assert_eq!(status(&guard, &[("host", host)]), 200, "{host}");
        }
        for host in [
            "evil.example:7333",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
        ] {
            assert_eq!(status(&guard, &[("host", host)]), 403, "{host}");
        }
        assert_eq!(status(&guard, &[]), 400);
        assert_eq!(status(&guard, &[("host", "a b")]), 400);
    }

    #[test]
    fn origins_are_this_machine_or_the_host_asked() {
        let guard = Guard::new(None, &[]);
        let host = ("host", "127.0.0.1:7333");
        for origin in [
            "http://localhost:3000",
            "https://127.0.0.1",
            "http://[::1]:9",
            "http://127.0.0.1:7333",
        ] {
            assert_eq!(status(&guard, &[host, ("origin", origin)]), 200, "{origin}");
        }
        for origin in [
            "https://evil.example",
            "http://10.0.0.1",
            "null",
            "file://x",
            "garbage",
        ] {
            assert_eq!(status(&guard, &[host, ("origin", origin)]), 403, "{origin}");
        }
    }

    #[test]
    fn the_token_is_a_bearer_token() {
        let guard = Guard::new(Some(b"s3cret"), &[]);
        let host = ("host", "127.0.0.1");
        assert_eq!(
            status(&guard, &[host, ("authorization", "Bearer s3cret")]),
            200
        );
        assert_eq!(
            status(&guard, &[host, ("authorization", "bearer s3cret")]),
            200
        );
        for wrong in [
            "Bearer s3cre",
            "Bearer s3cret2",
            "Basic s3cret",
            "s3cret",
            "Bearer ",
        ] {
            assert_eq!(
                status(&guard, &[host, ("authorization", wrong)]),
                401,
                "{wrong}"
            );
        }
        assert_eq!(status(&guard, &[host]), 401);
    }

    #[test]
    fn bodies_that_are_no_message_get_their_json_rpc_error() {
        let code = |body: &str| -> (u16, Value) {
            match check_message(body.as_bytes()) {
                Ok(_) => (200, Value::Null),
                Err(refused) => {
                    let status = refused.status().as_u16();
                    let body = body_of(*refused);
                    (status, body["error"]["code"].clone())
                }
            }
        };
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#).0, 200);
        assert_eq!(code("{not json"), (400, json!(-32700)));
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":7}"#), (400, json!(-32600)));
        assert_eq!(code("[1,2]"), (400, json!(-32600)));
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{}}"#),
            (400, json!(-32602))
        );
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","id":9,"method":"no/such","params":{}}"#).0,
            200
        );
    }

    fn body_of(response: Response<Body>) -> Value {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let bytes = runtime
            .block_on(response.into_body().collect())
            .map(http_body_util::Collected::to_bytes)
            .unwrap_or_default();
        serde_json::from_slice(&bytes).unwrap_or_default()
    }
}
