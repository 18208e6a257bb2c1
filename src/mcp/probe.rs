//! The probe: which era, which transport, and what the server offers.
//!
//! # The order of attempts
//!
//! 1. **New era first.** `server/discover` with protocol `2026-07-28`; every
//!    request of this era carries `params._meta` with
//!    `io.modelcontextprotocol/protocolVersion`, `.../clientInfo` and
//!    `.../clientCapabilities` (we declare none: `{}`), and over HTTP the
//!    headers `MCP-Protocol-Version: 2026-07-28` and `Mcp-Method: <method>`.
//!    This step gets a third of the probe's time, so that a server that
//!    ignores unknown methods still leaves time for step 2.
//! 2. **Fall back to `initialize`** (send `2025-11-25`; accept `2025-11-25`,
//!    `2025-06-18`, `2025-03-26`, `2024-11-05`; anything else is an error that
//!    names the version), then `notifications/initialized`. Over stdio this
//!    happens on the same process, unless discover killed it, in which case
//!    the program is started again. A stdio server slow to start may answer
//!    discover after its step timed out: if `initialize` then fails and a
//!    late, good discover answer has arrived meanwhile, the new era wins.
//! 3. **Over HTTP, fall back once more to legacy HTTP+SSE** when the
//!    `initialize` POST is refused with a 4xx status without a JSON-RPC
//!    error in the body (what a 2024-11-05 server does with a POST to its
//!    SSE URL).
//!
//! Then `tools/list`, `resources/list`, `prompts/list`, only for the
//! capabilities the server advertised, following `nextCursor` for at most
//! [`MAX_PAGES`] pages. A tool is never called.
//!
//! # When discover falls back, and when it is final
//!
//! Falls back: JSON-RPC error -32601 (method not found: the spec's own signal
//! for an old-era server) and any other JSON-RPC error that is not a
//! recognised new-era error; a timeout of the discover step; an HTTP 4xx
//! without a usable JSON-RPC error (old streamable servers answer a request
//! without a session with 400, legacy servers answer POSTs with 404/405); a
//! result without `supportedVersions`/`protocolVersion` (not a discover
//! answer); a stdio server that exited or closed stdout on the unknown method.
//!
//! Final: transport failures (connection refused, redirects, byte cap, bad
//! JSON, HTTP 401/403/5xx ...); a discover result whose versions we cannot
//! speak; `UnsupportedProtocolVersionError` (-32022) whose
//! `data.supported` names no version we speak. When that error, or a
//! discover result, names one of the `initialize` versions, we fall back.
//!
//! # Our reading of the 2026-07-28 discover result
//!
//! The result is `{"resultType": "complete", "supportedVersions": [...],
//! "capabilities": {...}, "serverInfo": {"name", "version"},
//! "instructions"?}`. We also accept `protocolVersion` (a single string,
//! as in earlier drafts) in place of `supportedVersions`. Every result of
//! the new era should carry `resultType: "complete"`; a missing `resultType`
//! is tolerated, any other value is an error (we never continue a
//! multi-round-trip exchange). Lists are then fetched with `tools/list` etc.,
//! each carrying `_meta`; there is no session and no notification.

use super::bounded::SKIPPED_KEY;
use super::http::Client;
use super::legacy_sse::LegacySse;
use super::stdio::StdioTransport;
use super::streamable::Streamable;
use super::transport::{Budget, Clock, Transport};
use super::{
    ACCEPTED_INITIALIZE_VERSIONS, DISCOVER_VERSION, Era, INITIALIZE_VERSION, ProbeError,
    ProbeOptions, ProbeReport, parallel_map,
};
use crate::catalog::limits::{Keeper, List};
use crate::catalog::primitives::{Prompt, PromptArgument, Resource, Tool};
use crate::catalog::{self, TransportKind};
use serde_json::{Map, Value, json};
use std::time::{Duration, Instant};

/// At most this many pages per list.
pub const MAX_PAGES: usize = 100;

/// JSON-RPC code of the 2026-07-28 `UnsupportedProtocolVersionError`.
pub const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;

/// Probe one server. See the module docs for the order of attempts. A
/// Streamable HTTP server that turns out to be a legacy SSE one is probed
/// over SSE (the report says which answered).
pub fn probe(target: &catalog::Transport, opts: &ProbeOptions) -> Result<ProbeReport, ProbeError> {
    let clock = Clock::start(opts.timeout);
    let budget = Budget::new(opts.max_bytes);
    match target {
        catalog::Transport::Stdio {
            command,
            args,
            env,
            cwd,
        } => {
            let spawn =
                || StdioTransport::spawn(command, args, env, cwd.as_deref(), &clock, &budget);
            probe_stdio(spawn, &clock)
        }
        catalog::Transport::Sse { url, headers } => {
            let client = Client::new(url, headers, &clock, &budget)?;
            let mut t = LegacySse::connect(&client, clock.deadline)?;
            initialize(&mut t, &clock).map_err(Step::into_error)
        }
        catalog::Transport::StreamableHttp { url, headers } => {
            let client = Client::new(url, headers, &clock, &budget)?;
            probe_streamable(&client, &clock)
        }
    }
}

/// Discover, then `initialize` on the same child (or on a new one when
/// discover killed it). Every child is stopped when its transport drops.
fn probe_stdio(
    spawn: impl Fn() -> Result<StdioTransport, ProbeError>,
    clock: &Clock,
) -> Result<ProbeReport, ProbeError> {
    let mut t = spawn()?;
    let respawn = match discover(&mut t, clock) {
        Ok(report) => return Ok(report),
        Err(Step::Final(e) | Step::Legacy(e)) => return Err(e),
        Err(Step::Fallback { respawn }) => respawn,
    };
    if respawn {
        // The first child is stopped before the second starts.
        drop(t);
        t = spawn()?;
    }
    match initialize(&mut t, clock) {
        Ok(report) => Ok(report),
        // A slow new-era server may have answered discover after its step
        // timed out, and refused initialize.
        Err(step) => match t.take_late(DISCOVER_ID) {
            Some(Ok(result)) if !respawn => {
                discovered(&mut t, clock, result).map_err(|_| step.into_error())
            }
            _ => Err(step.into_error()),
        },
    }
}

/// Discover, then `initialize`, each on a transport of its own, then legacy SSE.
fn probe_streamable(client: &Client, clock: &Clock) -> Result<ProbeReport, ProbeError> {
    match discover(&mut Streamable::new(client), clock) {
        Ok(report) => return Ok(report),
        Err(Step::Final(e) | Step::Legacy(e)) => return Err(e),
        Err(Step::Fallback { .. }) => {}
    }
    let refused = match initialize(&mut Streamable::new(client), clock) {
        Ok(report) => return Ok(report),
        Err(Step::Final(e)) => return Err(e),
        Err(Step::Fallback { .. }) => unreachable!("initialize never falls back"),
        Err(Step::Legacy(e)) => e,
    };
    // A 2024-11-05 server: GET the URL for the endpoint event. If that fails
    // too, the POST's refusal says more than the GET's.
    let Ok(mut t) = LegacySse::connect(client, clock.deadline) else {
        return Err(refused);
    };
    initialize(&mut t, clock).map_err(Step::into_error)
}

/// Probes a server exactly as `declared`: a server that answers only over the
/// other HTTP transport is an error that says so ("answers over sse, registered
/// as streamable-http"), never a success. A Streamable HTTP declaration finds out
/// by its own fallback; an SSE declaration that fails on a reachable HTTP server
/// tries Streamable HTTP with what is left of the time limit, to tell a moved
/// server from a dead one. The declaration itself is never changed here.
pub fn probe_declared(
    declared: &catalog::Transport,
    opts: &ProbeOptions,
) -> Result<ProbeReport, ProbeError> {
    let start = Instant::now();
    let mismatch = |answered: TransportKind| ProbeError::WrongTransport {
        answered,
        declared: declared.kind(),
    };
    match probe(declared, opts) {
        Ok(report) if report.transport != declared.kind() => Err(mismatch(report.transport)),
        Ok(report) => Ok(report),
        Err(e) => {
            let catalog::Transport::Sse { url, headers } = declared else {
                return Err(e);
            };
            let left = opts.timeout.saturating_sub(start.elapsed());
            if !e.something_answered() || left.is_zero() {
                return Err(e);
            }
            let other = catalog::Transport::http(
                TransportKind::StreamableHttp,
                url.clone(),
                headers.clone(),
            );
            match probe(
                &other,
                &ProbeOptions {
                    timeout: left,
                    ..*opts
                },
            ) {
                Ok(r) if r.transport == TransportKind::StreamableHttp => Err(mismatch(r.transport)),
                _ => Err(e),
            }
        }
    }
}

/// Probes every declared server at once, at most `parallelism` at a time, each on
/// its own thread (a probe mostly waits), with [`probe_declared`]. Results come in
/// the order of `declared`.
pub fn probe_many(
    declared: &[&catalog::Transport],
    opts: &ProbeOptions,
    parallelism: usize,
) -> Vec<Result<ProbeReport, ProbeError>> {
    parallel_map(declared, parallelism, |t| probe_declared(t, opts))
}

/// The part of the probe's time that discover gets: a third, so that a server
/// that ignores unknown methods still leaves time for `initialize`.
fn discover_deadline(clock: &Clock) -> Instant {
    (clock.start + clock.timeout / 3).min(clock.deadline)
}

/// How a step ended when it did not produce a report.
enum Step {
    /// Try the next era (discover only). `respawn`: the stdio child is gone.
    Fallback { respawn: bool },
    /// Over HTTP: `initialize` was refused the way a legacy server does.
    Legacy(ProbeError),
    /// Give up with this error.
    Final(ProbeError),
}

impl Step {
    fn into_error(self) -> ProbeError {
        match self {
            Step::Final(e) | Step::Legacy(e) => e,
            Step::Fallback { .. } => {
                ProbeError::Protocol("internal: unexpected fallback".to_string())
            }
        }
    }
}

impl From<ProbeError> for Step {
    fn from(e: ProbeError) -> Self {
        Step::Final(e)
    }
}

fn client_info() -> Value {
    json!({"name": "mcpreg", "version": env!("CARGO_PKG_VERSION")})
}

/// `params` of a new-era request: `_meta` plus the given members.
fn new_era_params(extra: Map<String, Value>) -> Value {
    let mut params = extra;
    params.insert(
        "_meta".into(),
        json!({
            "io.modelcontextprotocol/protocolVersion": DISCOVER_VERSION,
            "io.modelcontextprotocol/clientInfo": client_info(),
            "io.modelcontextprotocol/clientCapabilities": {},
        }),
    );
    Value::Object(params)
}

fn fallback_status(status: u16) -> bool {
    (400..500).contains(&status) && !matches!(status, 401 | 403 | 407 | 429)
}

fn discover(t: &mut dyn Transport, clock: &Clock) -> Result<ProbeReport, Step> {
    t.set_protocol(Era::Discover, DISCOVER_VERSION);
    let params = new_era_params(Map::new());
    let result = match t.request("server/discover", params, discover_deadline(clock)) {
        Ok(Ok(result)) => result,
        Ok(Err(err)) if err.code == UNSUPPORTED_PROTOCOL_VERSION => {
            let supported = err
                .data
                .as_ref()
                .and_then(|d| d.get("supported"))
                .and_then(Value::as_array)
                .map(|a| strings(a))
                .unwrap_or_default();
            if supported
                .iter()
                .any(|v| ACCEPTED_INITIALIZE_VERSIONS.contains(&v.as_str()))
            {
                return Err(Step::Fallback { respawn: false });
            }
            if supported.is_empty() {
                return Err(Step::Final(ProbeError::JsonRpc {
                    code: err.code,
                    message: err.message,
                }));
            }
            return Err(Step::Final(ProbeError::NoCommonVersion {
                versions: supported,
            }));
        }
        Ok(Err(_)) => return Err(Step::Fallback { respawn: false }),
        Err(ProbeError::Timeout { .. }) => return Err(Step::Fallback { respawn: false }),
        Err(ProbeError::HttpStatus { status, .. }) if fallback_status(status) => {
            return Err(Step::Fallback { respawn: false });
        }
        Err(ProbeError::Exited { .. } | ProbeError::Closed { .. })
            if t.kind() == TransportKind::Stdio =>
        {
            return Err(Step::Fallback { respawn: true });
        }
        Err(e) => return Err(Step::Final(e)),
    };
    discovered(t, clock, result)
}

/// The id of `server/discover`: the first request on a fresh transport.
const DISCOVER_ID: i64 = 1;

/// Go on from a `server/discover` result.
fn discovered(t: &mut dyn Transport, clock: &Clock, result: Value) -> Result<ProbeReport, Step> {
    let Value::Object(result) = result else {
        return Err(Step::Fallback { respawn: false });
    };
    let versions = match (
        result.get("supportedVersions"),
        result.get("protocolVersion"),
    ) {
        (Some(Value::Array(a)), _) => strings(a),
        (_, Some(Value::String(v))) => vec![v.clone()],
        // Not a discover answer: some old servers answer anything with {}.
        _ => return Err(Step::Fallback { respawn: false }),
    };
    if !versions.iter().any(|v| v == DISCOVER_VERSION) {
        if versions
            .iter()
            .any(|v| ACCEPTED_INITIALIZE_VERSIONS.contains(&v.as_str()))
        {
            return Err(Step::Fallback { respawn: false });
        }
        return Err(Step::Final(ProbeError::NoCommonVersion { versions }));
    }
    check_result_type(&result, "server/discover")?;
    let capabilities = capabilities_of(&result, "server/discover")?;
    let server = discovered_server_info(&result);
    let version = DISCOVER_VERSION.to_string();
    Ok(report(
        t,
        clock,
        Era::Discover,
        version,
        server,
        &capabilities,
    )?)
}

fn initialize(t: &mut dyn Transport, clock: &Clock) -> Result<ProbeReport, Step> {
    let params = json!({
        "protocolVersion": INITIALIZE_VERSION,
        "capabilities": {},
        "clientInfo": client_info(),
    });
    let result = match t.request("initialize", params, clock.deadline) {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            return Err(Step::Final(ProbeError::JsonRpc {
                code: e.code,
                message: e.message,
            }));
        }
        Err(e @ ProbeError::HttpStatus { status, .. }) if fallback_status(status) => {
            return Err(Step::Legacy(e));
        }
        Err(e) => return Err(Step::Final(e)),
    };
    let Value::Object(result) = result else {
        return Err(Step::Final(ProbeError::InvalidMessage(
            "the initialize result is not an object".into(),
        )));
    };
    let version = match result.get("protocolVersion") {
        Some(Value::String(v)) => v.clone(),
        _ => {
            return Err(Step::Final(ProbeError::InvalidMessage(
                "the initialize result has no protocolVersion".into(),
            )));
        }
    };
    if !ACCEPTED_INITIALIZE_VERSIONS.contains(&version.as_str()) {
        return Err(Step::Final(ProbeError::UnsupportedVersion { version }));
    }
    let capabilities = capabilities_of(&result, "initialize")?;
    let server = server_info(&result, "serverInfo");
    t.set_protocol(Era::Initialize, &version);
    t.notify("notifications/initialized", Value::Null, clock.deadline)?;
    Ok(report(
        t,
        clock,
        Era::Initialize,
        version,
        server,
        &capabilities,
    )?)
}

/// The report of a handshake that succeeded in `era`: what the server said of
/// itself (its `(name, version)`), then its lists, and the time all that took.
fn report(
    t: &mut dyn Transport,
    clock: &Clock,
    era: Era,
    protocol_version: String,
    (server_name, server_version): (Option<String>, Option<String>),
    capabilities: &Map<String, Value>,
) -> Result<ProbeReport, ProbeError> {
    let mut report = ProbeReport {
        era,
        protocol_version,
        transport: t.kind(),
        server_name,
        server_version,
        capabilities: sorted_keys(capabilities),
        tools: vec![],
        resources: vec![],
        prompts: vec![],
        truncated: None,
        latency: Duration::ZERO,
    };
    lists(t, clock, capabilities, era, &mut report)?;
    report.latency = clock.start.elapsed();
    Ok(report)
}

/// The three lists, kept within `catalog::limits` as each page arrives: a page is
/// dropped once read, so what a probe holds is what it keeps plus one page.
fn lists(
    t: &mut dyn Transport,
    clock: &Clock,
    capabilities: &Map<String, Value>,
    era: Era,
    report: &mut ProbeReport,
) -> Result<(), ProbeError> {
    let mut keep = Keeper::default();
    report.server_name = keep.label(report.server_name.take());
    report.server_version = keep.label(report.server_version.take());
    report.capabilities = keep.capabilities(std::mem::take(&mut report.capabilities));
    if capabilities.contains_key("tools") {
        let unread = list(t, clock, era, "tools/list", "tools", &mut |item| {
            if let Some(tool) = keep.tool(tool_of(item)?) {
                report.tools.push(tool);
            }
            Ok(())
        })?;
        keep.dropped(List::Tools, unread);
    }
    if capabilities.contains_key("resources") {
        let unread = list(t, clock, era, "resources/list", "resources", &mut |item| {
            if let Some(resource) = keep.resource(resource_of(&item, "uri", "resources/list")?) {
                report.resources.push(resource);
            }
            Ok(())
        })?;
        keep.dropped(List::Resources, unread);
        // Templates are optional: a server without them may answer "method not
        // found", which is no failure of the probe.
        let templates = list(
            t,
            clock,
            era,
            "resources/templates/list",
            "resourceTemplates",
            &mut |item| {
                let template = resource_of(&item, "uriTemplate", "resources/templates/list")?;
                if let Some(template) = keep.resource(template) {
                    report.resources.push(template);
                }
                Ok(())
            },
        );
        match templates {
            Ok(unread) => keep.dropped(List::Resources, unread),
            Err(ProbeError::JsonRpc { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    if capabilities.contains_key("prompts") {
        let unread = list(t, clock, era, "prompts/list", "prompts", &mut |item| {
            if let Some(prompt) = keep.prompt(prompt_of(&item)?) {
                report.prompts.push(prompt);
            }
            Ok(())
        })?;
        keep.dropped(List::Prompts, unread);
    }
    report.truncated = keep.summary();
    Ok(())
}

/// A tool as the server defined it: what the catalog keeps of a `tools/list`
/// item. Schemas and annotations are kept only when they are objects.
fn tool_of(item: Value) -> Result<Tool, ProbeError> {
    let name = required_str(&item, "name", "tools/list")?;
    let Value::Object(mut item) = item else {
        return Err(ProbeError::InvalidMessage(
            "an item of the tools/list result is not an object".into(),
        ));
    };
    let mut object = |key: &str| item.remove(key).filter(Value::is_object);
    let (input_schema, output_schema, annotations) = (
        object("inputSchema"),
        object("outputSchema"),
        object("annotations"),
    );
    Ok(Tool {
        name,
        title: item
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_string),
        description: item
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        input_schema,
        output_schema,
        annotations,
    })
}

fn resource_of(item: &Value, uri_key: &str, method: &str) -> Result<Resource, ProbeError> {
    Ok(Resource {
        uri: required_str(item, uri_key, method)?,
        name: optional_str(item, "name"),
        description: optional_str(item, "description"),
        mime_type: optional_str(item, "mimeType"),
    })
}

fn prompt_of(item: &Value) -> Result<Prompt, ProbeError> {
    let arguments = match item.get("arguments") {
        Some(Value::Array(args)) => args
            .iter()
            .map(|a| {
                Ok(PromptArgument {
                    name: required_str(a, "name", "prompts/list arguments")?,
                    description: optional_str(a, "description"),
                    required: a.get("required").and_then(Value::as_bool),
                })
            })
            .collect::<Result<_, ProbeError>>()?,
        _ => Vec::new(),
    };
    Ok(Prompt {
        name: required_str(item, "name", "prompts/list")?,
        description: optional_str(item, "description"),
        arguments,
    })
}

/// All pages of one list method, each item handed to `each` as its page arrives.
/// Returns how many items the parse skipped unread (`bounded`: past the cap of
/// one page).
fn list(
    t: &mut dyn Transport,
    clock: &Clock,
    era: Era,
    method: &str,
    key: &str,
    each: &mut dyn FnMut(Value) -> Result<(), ProbeError>,
) -> Result<usize, ProbeError> {
    let mut unread = 0;
    let mut cursor: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..MAX_PAGES {
        let mut extra = Map::new();
        if let Some(c) = &cursor {
            extra.insert("cursor".into(), json!(c));
        }
        let params = match era {
            Era::Discover => new_era_params(extra),
            Era::Initialize => Value::Object(extra),
        };
        let result =
            t.request(method, params, clock.deadline)?
                .map_err(|e| ProbeError::JsonRpc {
                    code: e.code,
                    message: e.message,
                })?;
        let Value::Object(mut result) = result else {
            return Err(ProbeError::InvalidMessage(format!(
                "the {method} result is not an object"
            )));
        };
        if era == Era::Discover {
            check_result_type(&result, method)?;
        }
        if let Some(n) = result.remove(SKIPPED_KEY).and_then(|n| n.as_u64()) {
            unread += usize::try_from(n).unwrap_or(usize::MAX);
        }
        match result.remove(key) {
            Some(Value::Array(page)) => {
                for item in page {
                    each(item)?;
                }
            }
            _ => {
                return Err(ProbeError::InvalidMessage(format!(
                    "the {method} result has no {key} array"
                )));
            }
        }
        match result.remove("nextCursor") {
            Some(Value::String(c)) => {
                if !seen.insert(c.clone()) {
                    return Err(ProbeError::Protocol(format!(
                        "{method} returned the cursor {c:?} twice"
                    )));
                }
                cursor = Some(c);
            }
            None | Some(Value::Null) => return Ok(unread),
            Some(other) => {
                return Err(ProbeError::InvalidMessage(format!(
                    "the {method} nextCursor is {other}, not a string"
                )));
            }
        }
    }
    Err(ProbeError::Protocol(format!(
        "{method} returned more than {MAX_PAGES} pages"
    )))
}

fn check_result_type(result: &Map<String, Value>, method: &str) -> Result<(), ProbeError> {
    match result.get("resultType") {
        None => Ok(()),
        Some(Value::String(s)) if s == "complete" => Ok(()),
        Some(other) => Err(ProbeError::Protocol(format!(
            "{method} returned resultType {other}, expected \"complete\""
        ))),
    }
}

fn capabilities_of(
    result: &Map<String, Value>,
    method: &str,
) -> Result<Map<String, Value>, ProbeError> {
    match result.get("capabilities") {
        Some(Value::Object(c)) => Ok(c.clone()),
        None | Some(Value::Null) => Ok(Map::new()),
        Some(other) => Err(ProbeError::InvalidMessage(format!(
            "the {method} capabilities are {other}, not an object"
        ))),
    }
}

/// The identity of a 2026-07-28 server. That era moved it out of the result body
/// into the result's `_meta` (`io.modelcontextprotocol/serverInfo`), as the
/// official Python SDK 2.x sends it; a top-level `serverInfo`, as drafts had it, is
/// the fallback.
fn discovered_server_info(result: &Map<String, Value>) -> (Option<String>, Option<String>) {
    let in_meta = result
        .get("_meta")
        .and_then(Value::as_object)
        .map(|meta| server_info(meta, SERVER_INFO_META_KEY));
    match in_meta {
        Some((Some(name), version)) => (Some(name), version),
        _ => server_info(result, "serverInfo"),
    }
}

/// Where a 2026-07-28 result's `_meta` carries the server's name and version.
const SERVER_INFO_META_KEY: &str = "io.modelcontextprotocol/serverInfo";

fn server_info(result: &Map<String, Value>, key: &str) -> (Option<String>, Option<String>) {
    let info = result.get(key);
    let field = |f: &str| {
        info.and_then(|i| i.get(f))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    (field("name"), field("version"))
}

fn sorted_keys(map: &Map<String, Value>) -> Vec<String> {
    let mut keys: Vec<String> = map.keys().cloned().collect();
    keys.sort();
    keys
}

fn strings(a: &[Value]) -> Vec<String> {
    a.iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

fn required_str(item: &Value, key: &str, method: &str) -> Result<String, ProbeError> {
    match item.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(ProbeError::InvalidMessage(format!(
            "an item of the {method} result has no string {key}"
        ))),
    }
}

fn optional_str(item: &Value, key: &str) -> Option<String> {
    item.get(key).and_then(Value::as_str).map(str::to_string)
}
