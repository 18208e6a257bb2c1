//! Phase 2: which open ports speak MCP.
//!
//! Each open port gets the MCP probe over HTTP (`crate::mcp::probe`, which
//! tries the new era, then `initialize`, then legacy HTTP+SSE) at the paths
//! `/mcp`, `/` and `/sse`, in that order, stopping at the first that answers
//! as MCP. A path is only worth another try when the port answered as an HTTP
//! server that has nothing MCP there (a 404, an HTML page, a JSON-RPC error);
//! a port that times out, resets or does not speak HTTP is not asked again.
//! Ports are probed in parallel on `mcp::parallel_map`, the pool of
//! `health --probe`, each probe bounded in time and bytes.

use crate::catalog::{Transport, TransportKind};
use crate::mcp::{self, Answered, ProbeError, ProbeOptions, ProbeReport};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

/// Paths tried on every open port, in order.
pub const PATHS: [&str; 3] = ["/mcp", "/", "/sse"];

/// What an open port turned out to be.
#[derive(Debug)]
pub struct Identified {
    pub addr: SocketAddr,
    pub found: Result<Found, ProbeError>,
}

/// An MCP server: where it answered, and what it said.
#[derive(Debug)]
pub struct Found {
    pub path: &'static str,
    pub url: String,
    pub report: ProbeReport,
}

/// `http://127.0.0.1:8080/mcp`, `http://[::1]:8080/mcp`.
pub fn url(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}{path}")
}

/// Probes every address, at most `parallelism` at once; results in the order
/// of `open`. `done` counts finished addresses (for the progress line).
pub fn identify(
    open: &[SocketAddr],
    opts: &ProbeOptions,
    parallelism: usize,
    done: &AtomicU64,
) -> Vec<Identified> {
    let results = mcp::parallel_map(open, parallelism, |&addr| {
        let found = identify_one(addr, opts);
        done.fetch_add(1, Ordering::Relaxed);
        found
    });
    open.iter()
        .zip(results)
        .map(|(&addr, found)| Identified { addr, found })
        .collect()
}

fn identify_one(addr: SocketAddr, opts: &ProbeOptions) -> Result<Found, ProbeError> {
    let mut last = None;
    for path in PATHS {
        let url = url(addr, path);
        let target = Transport::http(TransportKind::StreamableHttp, url.clone(), BTreeMap::new());
        match mcp::probe(&target, opts) {
            Ok(report) => return Ok(Found { path, url, report }),
            // The port answered like an HTTP server with nothing MCP at this
            // path, so another path may still be MCP.
            Err(e) if e.answered() == Answered::NotMcpHere => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| ProbeError::NotMcp("no path answered".into())))
}
