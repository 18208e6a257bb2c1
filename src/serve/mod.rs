//! `mcpreg serve`: the registry as an MCP server, built on the official Rust SDK
//! (`rmcp`), which speaks both protocol eras: 2026-07-28 (`server/discover`,
//! per-request `_meta`) and 2025-11-25 back to 2025-03-26 (`initialize`), over
//! stdio (`stdio`) or Streamable HTTP (`http`).
//!
//! Answers come from a snapshot of the registry that the command refreshes from
//! the store's change subscription; a call never reads the store. Only the
//! SDK's server runs here: mcpreg's own client (src/mcp/) stays the probe, as it
//! is hardened against hostile servers.

pub mod http;
pub mod registry_api;
pub mod resources;
pub mod secrets;
mod stdio;
pub mod tools;

use crate::catalog::{Entry, Timestamp};
use rmcp::model::{
    CallToolRequestMethod, ClientJsonRpcMessage, ClientRequest, ConstString, DiscoverRequestMethod,
    InitializeResultMethod, ListResourceTemplatesRequestMethod, ListResourcesRequestMethod,
    ListToolsRequestMethod, PingRequestMethod, ReadResourceRequestMethod, SubscribeRequestMethod,
    SubscriptionsListenRequestMethod, UnsubscribeRequestMethod,
};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ErrorCode,
    Implementation, ListResourceTemplatesResult, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult,
    ResourceContents, ResourceUpdatedNotificationParam, ServerCapabilities, ServerConfig,
    SubscribeRequestParams, SubscriptionFilter, Tool, UnsubscribeRequestParams,
};
use rmcp::service::{NotificationContext, RequestContext, SubscriptionContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use secrets::Secrets;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::watch;

/// The registry as the server last read it: the entries sorted by id, each
/// shared with the snapshots before and after it where it did not change (so
/// that memory stays flat across changes), and the index of their tools and
/// tags that `find_servers` looks filters up in, built on first use.
pub struct Snapshot {
    pub entries: Vec<Arc<Entry>>,
    index: OnceLock<tools::Index>,
}

impl Snapshot {
    pub fn new(entries: Vec<Arc<Entry>>) -> Arc<Snapshot> {
        Arc::new(Snapshot {
            entries,
            index: OnceLock::new(),
        })
    }

    fn index(&self) -> &tools::Index {
        self.index.get_or_init(|| tools::Index::of(&self.entries))
    }
}

/// What the server tells an agent about itself.
pub const INSTRUCTIONS: &str = "This server is a registry of the MCP servers available here, live and healthy now: call search_tools with what you need done to find the best tools across all servers, or find_servers to filter servers by tool, tag, transport or health. Call get_server for a server's full entry and get_client_config for the config snippet that adds it to an MCP client.";

/// The methods this server answers. The SDK takes a request of one of them
/// whose params do not fit for a request of a method it does not know, and
/// answers -32601; the spec's answer is -32602 Invalid params.
const METHODS: [&str; 11] = [
    InitializeResultMethod::VALUE,
    DiscoverRequestMethod::VALUE,
    PingRequestMethod::VALUE,
    ListToolsRequestMethod::VALUE,
    CallToolRequestMethod::VALUE,
    ListResourcesRequestMethod::VALUE,
    ListResourceTemplatesRequestMethod::VALUE,
    ReadResourceRequestMethod::VALUE,
    SubscribeRequestMethod::VALUE,
    UnsubscribeRequestMethod::VALUE,
    SubscriptionsListenRequestMethod::VALUE,
];

/// The -32602 answer to `message` when it is a request of a method this
/// server knows whose params do not fit it.
pub fn invalid_params(message: &ClientJsonRpcMessage) -> Option<serde_json::Value> {
    let ClientJsonRpcMessage::Request(request) = message else {
        return None;
    };
    let ClientRequest::CustomRequest(custom) = &request.request else {
        return None;
    };
    METHODS.contains(&custom.method.as_str()).then(|| {
        serde_json::json!({
            "jsonrpc": "2.0",
            "id": request.id,
            "error": {
                "code": ErrorCode::INVALID_PARAMS.0,
                "message": format!("Invalid params for {}", custom.method),
            },
        })
    })
}

/// The MCP face: answers the four tools from the latest snapshot.
#[derive(Clone)]
pub struct Registry {
    snapshot: watch::Receiver<Arc<Snapshot>>,
    secrets: Secrets,
    tools: Arc<Vec<Tool>>,
    /// The URIs this session subscribed to with `resources/subscribe` (2025 era).
    subscribed: Arc<Mutex<BTreeSet<String>>>,
    /// The snapshot a `subscriptions/listen` of this session is acknowledged
    /// against (2026-07-28): see `accepted_subscription_filter`.
    listen_baseline: Arc<Mutex<Option<Arc<Snapshot>>>>,
}

impl Registry {
    pub fn new(snapshot: watch::Receiver<Arc<Snapshot>>, secrets: Secrets) -> Registry {
        let tools = tools::definitions()
            .into_iter()
            .filter_map(|t| serde_json::from_value(t).ok())
            .collect();
        Registry {
            snapshot,
            secrets,
            tools: Arc::new(tools),
            subscribed: Arc::default(),
            listen_baseline: Arc::default(),
        }
    }

    /// Serves MCP over stdin and stdout until the input ends.
    pub fn serve_stdio(self) -> Result<(), String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the server's runtime: {e}"))?;
        runtime.block_on(stdio::serve(self))
    }

    /// Serves Streamable HTTP on `listener` (see [`http::bind`]) until the
    /// process ends, on a thread per core.
    pub fn serve_http(
        self,
        listener: std::net::TcpListener,
        options: http::Options,
    ) -> Result<(), String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the server's runtime: {e}"))?;
        runtime.block_on(http::serve(self, listener, options))
    }

    /// The handler of one more session: the same snapshot, its own
    /// subscriptions.
    fn for_session(&self) -> Registry {
        Registry {
            subscribed: Arc::default(),
            listen_baseline: Arc::default(),
            ..self.clone()
        }
    }

    fn call(
        &self,
        name: &str,
        request: &CallToolRequestParams,
    ) -> Result<CallToolResult, ErrorData> {
        let snapshot = self.snapshot.borrow().clone();
        let arguments = request.arguments.as_ref();
        let now = Timestamp::now();
        let answer = match name {
            "search_tools" => tools::search_tools(&snapshot, arguments, now),
            "find_servers" => tools::find_servers(&snapshot, arguments, now),
            "get_server" => tools::get_server(&snapshot.entries, arguments, self.secrets),
            "get_client_config" => {
                tools::get_client_config(&snapshot.entries, arguments, self.secrets)
            }
            _ => {
                return Err(ErrorData::new(
                    ErrorCode::INVALID_PARAMS,
                    format!("unknown tool {name:?}"),
                    None,
                ));
            }
        };
        Ok(match answer {
            Ok(answer) => {
                let mut result = CallToolResult::success(vec![ContentBlock::text(answer.text)]);
                result.structured_content = Some(answer.structured);
                result
            }
            // Bad arguments are a tool error the agent reads and corrects, as the
            // spec asks of input validation since 2025-11-25.
            Err(refusal) => CallToolResult::error(vec![ContentBlock::text(refusal)]),
        })
    }
}

impl Registry {
    fn read(&self, uri: &str) -> Result<String, ErrorData> {
        let snapshot = self.snapshot.borrow().clone();
        resources::read(&snapshot, uri, self.secrets, Timestamp::now())
            .ok_or_else(|| ErrorData::resource_not_found(format!("no resource {uri:?}"), None))
    }

    /// Waits for the next snapshot and says what changed for the URIs `watched`
    /// gives then; None when the snapshot will not change any more.
    async fn next_change(
        snapshot: &mut watch::Receiver<Arc<Snapshot>>,
        last: &mut Arc<Snapshot>,
        watched: impl FnOnce() -> Vec<String>,
        secrets: Secrets,
    ) -> Option<(Vec<String>, bool)> {
        snapshot.changed().await.ok()?;
        let now = snapshot.borrow_and_update().clone();
        let change = resources::changed(last, &now, &watched(), secrets, Timestamp::now());
        *last = now;
        Some(change)
    }
}

impl ServerHandler for Registry {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_resources_subscribe()
                .enable_resources_list_changed()
                .build(),
        )
        .with_server_info(Implementation::new("mcpreg", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.to_vec()))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        serde_json::from_value(resources::list())
            .map(ListResourcesResult::with_all_items)
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        serde_json::from_value(resources::templates())
            .map(ListResourceTemplatesResult::with_all_items)
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let text = self.read(&request.uri)?;
        let mut contents = ResourceContents::text(text, request.uri);
        if let ResourceContents::TextResourceContents { mime_type, .. } = &mut contents {
            *mime_type = Some("application/json".into());
        }
        Ok(ReadResourceResult::new(vec![contents]).into())
    }

    /// 2025 era: remembers the URI; the watcher started at `initialized` tells.
    #[allow(deprecated)]
    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.read(&request.uri)?;
        if let Ok(mut subscribed) = self.subscribed.lock() {
            subscribed.insert(request.uri);
        }
        Ok(())
    }

    #[allow(deprecated)]
    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        if let Ok(mut subscribed) = self.subscribed.lock() {
            subscribed.remove(&request.uri);
        }
        Ok(())
    }

    /// 2025 era: one watcher per session sends `list_changed` on every change of
    /// the set of servers and `updated` for each subscribed URI whose text changed.
    async fn on_initialized(&self, context: NotificationContext<RoleServer>) {
        let mut snapshot = self.snapshot.clone();
        // Taken now, not when the task first runs: a change in between is told.
        let mut last = snapshot.borrow_and_update().clone();
        let subscribed = self.subscribed.clone();
        let secrets = self.secrets;
        let peer = context.peer;
        tokio::spawn(async move {
            loop {
                let watched = || {
                    subscribed
                        .lock()
                        .map(|s| s.iter().cloned().collect())
                        .unwrap_or_default()
                };
                let Some((updated, list_changed)) =
                    Self::next_change(&mut snapshot, &mut last, watched, secrets).await
                else {
                    return;
                };
                if list_changed && peer.notify_resource_list_changed().await.is_err() {
                    return;
                }
                for uri in updated {
                    let param = ResourceUpdatedNotificationParam::new(uri);
                    if peer.notify_resource_updated(param).await.is_err() {
                        return;
                    }
                }
            }
        });
    }

    /// 2026-07-28: `subscriptions/listen` takes the resource notifications.
    fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        // The SDK acknowledges the subscription, and only then calls `listen`:
        // a change published in between would become `listen`'s starting point
        // and never be told, though the client saw the acknowledgement first.
        // So the starting point is taken here. Should two listens of one session
        // race, the older one is kept: a spare notification is harmless.
        if let Ok(mut baseline) = self.listen_baseline.lock() {
            baseline.get_or_insert_with(|| self.snapshot.borrow().clone());
        }
        Some(requested.supported_by(&self.get_info().capabilities))
    }

    async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        let mut snapshot = self.snapshot.clone();
        let baseline = self.listen_baseline.lock().ok().and_then(|mut b| b.take());
        let mut last = baseline.unwrap_or_else(|| snapshot.borrow().clone());
        // The first wait compares the starting point with what is current now.
        snapshot.mark_changed();
        let accepted = context.accepted().clone();
        let watched = accepted.resource_subscriptions.clone().unwrap_or_default();
        let wants_list = accepted.resources_list_changed == Some(true);
        loop {
            let change = tokio::select! {
                () = context.cancelled() => return Ok(()),
                change = Self::next_change(&mut snapshot, &mut last, || watched.clone(), self.secrets) => change,
            };
            let Some((updated, list_changed)) = change else {
                return Ok(());
            };
            if wants_list
                && list_changed
                && context.sink().notify_resource_list_changed().await.is_err()
            {
                return Ok(());
            }
            for uri in updated {
                if context.sink().notify_resource_updated(uri).await.is_err() {
                    return Ok(());
                }
            }
        }
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        self.call(&name, &request).map(CallToolResponse::Complete)
    }
}
