//! Data that other programs serve over HTTP: the pages of a registry API v0.1
//! (`register --from URL`).
//!
//! Commands never open sockets themselves (ARCHITECTURE.md, "commands go through
//! store"): this is where the request is made, bounded in time and bytes by
//! [`crate::http_agent::get_text`]. A request that fails (refused, an error status,
//! silence, an answer too large) is a runtime failure that names the URL: the
//! argument was a URL, so the flag was not at fault. What the answer *says* is
//! judged by the caller.

use crate::error::{Error, Result};
use std::time::Duration;

/// The body of page `page` of a GET of `url` with `query`, at most `max_bytes`
/// long and answered within `timeout`.
pub fn get_page(
    url: &str,
    query: &[(&str, &str)],
    page: usize,
    timeout: Duration,
    max_bytes: u64,
) -> Result<String> {
    crate::http_agent::get_text(url, query, timeout, max_bytes)
        .map_err(|why| Error::runtime(url, format!("page {page}: {why}")))
}
