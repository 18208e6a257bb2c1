//! The answers of a good MCP server, for one era.

use serde_json::{Value, json};

pub const NEW_VERSION: &str = "2026-07-28";
pub const OLD_VERSION: &str = "2025-06-18";

/// Which protocol era a fake server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeEra {
    /// `initialize` (answers 2025-06-18, or `legacy_version`); `server/discover`
    /// is "method not found".
    Old,
    /// `server/discover` (2026-07-28) with `_meta` on every request;
    /// `initialize` is "method not found".
    New,
}

/// Tool names served, over three pages.
pub const TOOLS: [&str; 5] = ["alpha", "bravo", "charlie", "delta", "echo"];
pub const RESOURCES: [&str; 2] = ["file:///etc/motd", "mem://notes"];
pub const PROMPTS: [&str; 1] = ["summarize"];

pub struct Brain {
    pub era: FakeEra,
    /// Version answered to `initialize` in the old era.
    pub old_version: &'static str,
}

impl Brain {
    pub fn new(era: FakeEra) -> Self {
        Brain {
            era,
            old_version: OLD_VERSION,
        }
    }

    /// The capabilities advertised: the new era has no resources, so a probe
    /// that lists them anyway gets an error.
    pub fn capabilities(&self) -> Value {
        match self.era {
            FakeEra::Old => json!({"tools": {}, "resources": {}, "prompts": {}, "logging": {}}),
            FakeEra::New => json!({"tools": {"listChanged": false}, "prompts": {}}),
        }
    }

    /// The answer to one request (`None` for notifications and responses).
    pub fn answer(&self, msg: &Value) -> Option<Value> {
        let id = msg.get("id")?.clone();
        let method = msg.get("method")?.as_str()?;
        let params = msg.get("params").cloned().unwrap_or(Value::Null);
        Some(match self.result(method, &params) {
            Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
            Err((code, message)) => {
                json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
            }
        })
    }

    fn result(&self, method: &str, params: &Value) -> Result<Value, (i64, String)> {
        if self.era == FakeEra::New {
            let meta = params.get("_meta");
            let version = meta
                .and_then(|m| m.get("io.modelcontextprotocol/protocolVersion"))
                .and_then(Value::as_str);
            let caps = meta.and_then(|m| m.get("io.modelcontextprotocol/clientCapabilities"));
            let info = meta.and_then(|m| m.get("io.modelcontextprotocol/clientInfo"));
            if version != Some(NEW_VERSION) || !caps.is_some_and(Value::is_object) || info.is_none()
            {
                return Err((-32602, format!("{method}: missing or wrong _meta")));
            }
        }
        let complete = |mut v: Value| {
            if self.era == FakeEra::New {
                v["resultType"] = json!("complete");
            }
            v
        };
        match (self.era, method) {
            (FakeEra::New, "server/discover") => Ok(json!({
                "resultType": "complete",
                "supportedVersions": [NEW_VERSION],
                "capabilities": self.capabilities(),
                // Where the 2026-07-28 wire carries identity (the Python SDK 2.x does this).
                "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "fake-new", "version": "2.0.0"}},
            })),
            (FakeEra::Old, "initialize") => Ok(json!({
                "protocolVersion": self.old_version,
                "capabilities": self.capabilities(),
                "serverInfo": {"name": "fake-old", "version": "1.0.0"},
            })),
            (_, "tools/list") => {
                let page = match params.get("cursor").and_then(Value::as_str) {
                    None => 0,
                    Some("p2") => 1,
                    Some("p3") => 2,
                    Some(other) => return Err((-32602, format!("bad cursor {other}"))),
                };
                let range = [0..2, 2..4, 4..5][page].clone();
                let tools: Vec<Value> = TOOLS[range]
                    .iter()
                    .map(|t| json!({"name": t, "description": format!("the {t} tool"), "inputSchema": {"type": "object"}}))
                    .collect();
                let mut r = json!({"tools": tools});
                if page < 2 {
                    r["nextCursor"] = json!(format!("p{}", page + 2));
                }
                Ok(complete(r))
            }
            (FakeEra::Old, "resources/templates/list") => Ok(json!({
                "resourceTemplates": [{"uriTemplate": "notes://{id}", "name": "note", "mimeType": "text/plain"}],
            })),
            (FakeEra::Old, "resources/list") => Ok(json!({
                "resources": RESOURCES.iter().map(|u| json!({"uri": u, "name": u.rsplit('/').next()})).collect::<Vec<_>>(),
            })),
            (_, "prompts/list") => Ok(complete(json!({
                "prompts": PROMPTS.iter().map(|p| json!({"name": p})).collect::<Vec<_>>(),
            }))),
            (_, "ping") => Ok(json!({})),
            (_, "tools/call") => Err((-32603, "a probe must never call a tool".into())),
            _ => Err((-32601, format!("Method not found: {method}"))),
        }
    }
}
