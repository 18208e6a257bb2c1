//! `mcpreg serve`: the registry as an MCP server, built on the official Rust SDK
//! (`rmcp`), which speaks both protocol eras: 2026-07-28 (`server/discover`,
//! per-request `_meta`) and 2025-11-25 back to 2025-03-26 (`initialize`).
//!
//! Answers come from a snapshot of the registry that the command refreshes from
//! the store's change subscription; a call never reads the store. Only the
//! SDK's server runs here: mcpreg's own client (src/mcp/) stays the probe, as it
//! is hardened against hostile servers.

pub mod secrets;
mod stdio;
pub mod tools;

use crate::catalog::{Entry, Timestamp};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ErrorCode,
    Implementation, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
    Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use secrets::Secrets;
use std::sync::Arc;
use tokio::sync::watch;

/// The registry as the server last read it, sorted by id.
pub type Snapshot = Arc<Vec<Entry>>;

/// What the server tells an agent about itself.
pub const INSTRUCTIONS: &str = "This server is a registry of the MCP servers available here, live and healthy now: call search_tools with what you need done to find the best tools across all servers, or find_servers to filter servers by tool, tag, transport or health. Call get_server for a server's full entry and get_client_config for the config snippet that adds it to an MCP client.";

/// The MCP face: answers the four tools from the latest snapshot.
#[derive(Clone)]
pub struct Registry {
    snapshot: watch::Receiver<Snapshot>,
    secrets: Secrets,
    tools: Arc<Vec<Tool>>,
}

impl Registry {
    pub fn new(snapshot: watch::Receiver<Snapshot>, secrets: Secrets) -> Registry {
        let tools = tools::definitions()
            .into_iter()
            .filter_map(|t| serde_json::from_value(t).ok())
            .collect();
        Registry {
            snapshot,
            secrets,
            tools: Arc::new(tools),
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
            "get_server" => tools::get_server(&snapshot, arguments, self.secrets),
            "get_client_config" => tools::get_client_config(&snapshot, arguments, self.secrets),
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

impl ServerHandler for Registry {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
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

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        self.call(&name, &request).map(CallToolResponse::Complete)
    }
}
