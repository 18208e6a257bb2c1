//! The resources of `mcpreg serve`: `mcpreg://servers`, the live set as
//! `find_servers` summarises it, and `mcpreg://servers/{id}`, one entry in full.
//! Pure functions of a snapshot; which URIs changed between two snapshots is what
//! the notifications are made of.

use super::Snapshot;
use super::secrets::Secrets;
use super::tools;
use crate::catalog::Timestamp;
use serde_json::{Value, json};

pub const SERVERS: &str = "mcpreg://servers";
pub const SERVER_TEMPLATE: &str = "mcpreg://servers/{id}";
const SERVER_PREFIX: &str = "mcpreg://servers/";

pub fn list() -> Value {
    json!([{
        "uri": SERVERS, "name": "servers", "title": "Registered servers",
        "description": "The servers find_servers gives without filters: live, and not known to be down",
        "mimeType": "application/json",
    }])
}

pub fn templates() -> Value {
    json!([{
        "uriTemplate": SERVER_TEMPLATE, "name": "server", "title": "One registered server",
        "description": "The full entry of the server with this id, as get_server gives it",
        "mimeType": "application/json",
    }])
}

/// The text of the resource at `uri`, or None when there is none.
pub fn read(snapshot: &Snapshot, uri: &str, secrets: Secrets, now: Timestamp) -> Option<String> {
    let answer = if uri == SERVERS {
        tools::find_servers(snapshot, None, now).ok()?
    } else {
        let id = uri.strip_prefix(SERVER_PREFIX)?;
        let arguments = json!({ "id": id });
        tools::get_server(&snapshot.entries, arguments.as_object(), secrets).ok()?
    };
    serde_json::to_string_pretty(&answer.structured).ok()
}

/// What changed between two snapshots: the URIs among `watched` whose text
/// differs, and whether the set of servers (so of template instances) did.
pub fn changed(
    before: &Snapshot,
    after: &Snapshot,
    watched: &[String],
    secrets: Secrets,
    now: Timestamp,
) -> (Vec<String>, bool) {
    let updated = watched
        .iter()
        .filter(|uri| read(before, uri, secrets, now) != read(after, uri, secrets, now))
        .cloned()
        .collect();
    let ids = |s: &Snapshot| s.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
    (updated, ids(before) != ids(after))
}
