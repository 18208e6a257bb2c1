//! What etcd's v3 JSON gateway sends, read strictly: keys and values are base64
//! of bytes that must be UTF-8, int64 fields are strings, and a key-value becomes
//! an entry. Both the store (`etcd.rs`) and the watch (`follow.rs`) read answers
//! through here, so neither imports the other's helpers.

use super::client::Client;
use crate::catalog::{Entry, Timestamp};
use crate::error::Result;
use base64::Engine;
pub(super) use base64::engine::general_purpose::STANDARD as B64;
use serde_json::Value;
use std::time::Duration;

/// A key as read: its entry and what etcd knows of it.
pub(super) struct Kv {
    pub(super) entry: Entry,
    pub(super) mod_revision: i64,
    pub(super) lease: i64,
}

/// Parses one key-value from etcd into an entry whose `expires_at`, for a key on
/// an etcd lease, is `now + ttl` (`Freshness::Listed`).
pub(super) fn parse_kv(client: &Client, kv: &Value, now: Timestamp) -> Result<Kv> {
    let key = decode_key(client, kv)?;
    let value = decode(&kv["value"]).map_err(|why| {
        client.failure(
            &format!("{}: key {key}", client.shown),
            format!("the value {why}"),
        )
    })?;
    let mut entry: Entry = serde_json::from_str(&value).map_err(|e| {
        client.failure(
            &format!("{}: key {key}", client.shown),
            format!("not an mcpreg entry: {e}"),
        )
    })?;
    let lease = int(client, &kv["lease"], "lease")?;
    if lease != 0
        && let Some(l) = entry.lease
    {
        set_expiry(&mut entry, l.ttl(), now);
    }
    Ok(Kv {
        entry,
        mod_revision: int(client, &kv["mod_revision"], "mod_revision")?,
        lease,
    })
}

pub(super) fn set_expiry(entry: &mut Entry, left: Duration, now: Timestamp) {
    if let Some(lease) = &mut entry.lease {
        lease.expires_at = now.plus(left);
    }
}

/// The smallest key greater than every key starting with `prefix`.
pub(super) fn prefix_end(prefix: &str) -> Vec<u8> {
    let mut end = prefix.as_bytes().to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

/// Why a key or value that etcd sent cannot be read as mcpreg's: not base64, or
/// bytes that are not UTF-8 (shown escaped, `\xff`, so the message names them
/// and a terminal shows them as they are).
#[derive(Debug)]
enum Undecodable {
    NotBase64,
    NotUtf8(String),
}

impl std::fmt::Display for Undecodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Undecodable::NotBase64 => f.write_str("is not base64"),
            Undecodable::NotUtf8(raw) => write!(f, "{raw} is not UTF-8"),
        }
    }
}

/// A key or value of etcd's JSON gateway: base64 of bytes that must be UTF-8.
/// Absent means empty (etcd leaves out empty fields).
fn decode(v: &Value) -> std::result::Result<String, Undecodable> {
    let bytes = B64
        .decode(v.as_str().unwrap_or(""))
        .map_err(|_| Undecodable::NotBase64)?;
    String::from_utf8(bytes)
        .map_err(|e| Undecodable::NotUtf8(e.as_bytes().escape_ascii().to_string()))
}

/// The key of `kv`, or an error naming it: a key mcpreg cannot read is refused,
/// not read as `""` (which would hide it and anything stored under it).
pub(super) fn decode_key(client: &Client, kv: &Value) -> Result<String> {
    decode(&kv["key"]).map_err(|why| {
        client.failure(
            &client.shown,
            format!("the key {why}: not a key mcpreg wrote; remove it with etcdctl"),
        )
    })
}

/// etcd's int64 fields arrive as strings, and are left out when zero. Anything
/// else is not an answer of etcd's gateway: it is refused, naming the field,
/// rather than read as 0 (a revision of 0 would restart a watch from the start).
pub(super) fn int(client: &Client, v: &Value, field: &str) -> Result<i64> {
    let parsed = match v {
        Value::Null => Some(0),
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    };
    parsed.ok_or_else(|| {
        client.failure(
            &client.shown,
            format!("the answer's {field} is not an int64"),
        )
    })
}
