//! Pages of the official MCP Registry API v0.1 (`GET /v0.1/servers`), as served
//! by the registry at registry.modelcontextprotocol.io, a private registry or
//! `mcpreg serve`: `{"servers": [{"server": SERVER.JSON, "_meta": {...}}],
//! "metadata": {"nextCursor": "...", "count": N}}` (docs/reference/api/openapi.yaml
//! of modelcontextprotocol/registry; a copy is in tests/data/).

use super::{Import, kind_of, server_json};
use serde_json::Value;

/// The key of the registry's own metadata in each `_meta` of a page.
const OFFICIAL: &str = "io.modelcontextprotocol.registry/official";

/// The URL of the servers listing under `base` (which may end in `/` or already
/// in `/v0.1/servers`).
pub fn servers_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with("/v0.1/servers") {
        base.to_owned()
    } else {
        format!("{base}/v0.1/servers")
    }
}

/// Adds one page's servers to `import`; returns the cursor of the next page.
/// `page` counts from 1, for messages.
pub fn read_page(text: &str, page: usize, import: &mut Import) -> Result<Option<String>, String> {
    let at = |field: &str| format!("page {page}: {field}");
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "page {page}: not JSON: line {}, column {}: {e}",
            e.line(),
            e.column()
        )
    })?;
    let servers = match doc.get("servers") {
        Some(Value::Array(items)) => items,
        Some(v) => {
            return Err(format!(
                "{}: must be an array, not {}",
                at("servers"),
                kind_of(v)
            ));
        }
        None => return Err(format!("{}: required (a ServerList)", at("servers"))),
    };
    for (i, item) in servers.iter().enumerate() {
        let here = at(&format!("servers[{i}]"));
        let Some(server) = item.get("server") else {
            return Err(format!("{here}.server: required (a ServerResponse)"));
        };
        let official = item.get("_meta").and_then(|m| m.get(OFFICIAL));
        let status = official
            .and_then(|o| o.get("status"))
            .and_then(Value::as_str);
        // Asked for the latest versions only; a registry that lists older ones too
        // would otherwise register one server twice.
        if official.and_then(|o| o.get("isLatest")) == Some(&Value::Bool(false)) {
            continue;
        }
        if status == Some("deleted") {
            let name = server.get("name").and_then(Value::as_str).unwrap_or("?");
            import.warnings.push(format!(
                "{here}: {name:?} is deleted in the registry; not registered"
            ));
            continue;
        }
        server_json::import(server, &format!("{here}.server"), import)?;
    }
    match doc.get("metadata").and_then(|m| m.get("nextCursor")) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(format!(
            "{}: must be a string, not {}",
            at("metadata.nextCursor"),
            kind_of(v)
        )),
    }
}
