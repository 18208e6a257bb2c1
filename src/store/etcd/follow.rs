//! Following etcd's watch stream on `<prefix>/servers/`, for `watch` (and `serve`).
//!
//! The follower reads the prefix once, sends it as a snapshot, and watches from
//! the revision after that read, so every later change arrives exactly once, as an
//! event carrying the entry (`kv`, with `prev_kv`). A dropped stream is resumed on
//! the next endpoint from the revision after the last event seen; only when etcd
//! has compacted that history away (`compact_revision`) does the follower read
//! the prefix again and send a new snapshot.

use super::client::Client;
use super::wire::{B64, decode_key, int, parse_kv, prefix_end};
use crate::catalog::Timestamp;
use crate::error::Result;
use crate::store::{Event, Subscription, Wake};
use base64::Engine;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// The longest one message of the watch stream may be.
const MESSAGE_LIMIT: u64 = 64 * 1024 * 1024;

pub fn subscribe(client: &Client, wake: Sender<Wake>) -> Result<Subscription> {
    let stop = Arc::new(AtomicBool::new(false));
    let follower = Follower {
        client: client.clone(),
        key: format!("{}/servers/", client.prefix),
        wake,
        stop: stop.clone(),
    };
    std::thread::spawn(move || follower.run());
    Ok(Subscription(Box::new(StopOnDrop(stop))))
}

struct Follower {
    client: Client,
    key: String,
    wake: Sender<Wake>,
    stop: Arc<AtomicBool>,
}

/// Stops the follower when the subscription is dropped.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Why one stream ended.
enum Ended {
    /// The history to resume from is gone: read everything again.
    Compacted,
    /// The watcher is gone.
    Stopped,
    /// A connection problem: resume elsewhere.
    Trouble(String),
}

impl Follower {
    fn run(self) {
        // The revision to watch from; None until a snapshot was read.
        let mut next: Option<i64> = None;
        let mut attempt = 0usize;
        while !self.stop.load(Ordering::Relaxed) {
            let start = match next {
                Some(rev) => rev,
                None => match self.snapshot() {
                    Ok(Some(rev)) => rev + 1,
                    Ok(None) => return,
                    Err(trouble) => {
                        if !self.trouble(trouble) {
                            return;
                        }
                        continue;
                    }
                },
            };
            next = Some(start);
            let endpoint = self.client.endpoints[attempt % self.client.endpoints.len()].clone();
            match self.follow(&endpoint, &mut next) {
                Ended::Stopped => return,
                Ended::Compacted => next = None,
                Ended::Trouble(why) => {
                    attempt += 1;
                    if !self.trouble(why) {
                        return;
                    }
                }
            }
        }
    }

    /// Reports a problem and pauses; false when the watcher is gone.
    fn trouble(&self, why: String) -> bool {
        if self.wake.send(Wake::Trouble(why)).is_err() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(500));
        !self.stop.load(Ordering::Relaxed)
    }

    /// Reads the prefix and sends it; the revision it was read at, or None when
    /// the watcher is gone.
    fn snapshot(&self) -> std::result::Result<Option<i64>, String> {
        let answer = self
            .client
            .call(
                "/v3/kv/range",
                &json!({
                    "key": B64.encode(&self.key),
                    "range_end": B64.encode(prefix_end(&self.key)),
                    "serializable": true,
                }),
            )
            .map_err(|e| e.to_string())?;
        let now = Timestamp::now();
        let mut entries = Vec::new();
        for kv in answer["kvs"].as_array().map_or(&[][..], Vec::as_slice) {
            match parse_kv(&self.client, kv, now) {
                Ok(kv) => entries.push(kv.entry),
                // The others are still followed; the watcher is told what it
                // cannot see, as for an event it cannot read.
                Err(e) => {
                    if self.wake.send(Wake::Trouble(e.to_string())).is_err() {
                        return Ok(None);
                    }
                }
            }
        }
        if self.wake.send(Wake::Snapshot(entries)).is_err() {
            return Ok(None);
        }
        int(
            &self.client,
            &answer["header"]["revision"],
            "header.revision",
        )
        .map(Some)
        .map_err(|e| e.to_string())
    }

    /// Whether etcd no longer knows `lease`: a key removed with its lease gone ran
    /// out, since `deregister` leaves the lease to expire by itself.
    fn lease_is_gone(&self, lease: i64) -> bool {
        self.client
            .call("/v3/lease/timetolive", &json!({ "ID": lease.to_string() }))
            .is_ok_and(|answer| int(&self.client, &answer["TTL"], "TTL").is_ok_and(|ttl| ttl < 0))
    }

    /// One watch stream from `*next`, until it ends; `*next` follows the events.
    fn follow(&self, endpoint: &str, next: &mut Option<i64>) -> Ended {
        let start = next.unwrap_or(0);
        let body = json!({ "create_request": {
            "key": B64.encode(&self.key),
            "range_end": B64.encode(prefix_end(&self.key)),
            "start_revision": start.to_string(),
            "prev_kv": true,
        }})
        .to_string();
        let response = match self.client.stream_request(endpoint, "/v3/watch", &body) {
            Ok(r) => r,
            Err(why) => return Ended::Trouble(why),
        };
        let mut reader = BufReader::new(response.into_body().into_reader());
        let mut line = Vec::new();
        loop {
            line.clear();
            match (&mut reader)
                .take(MESSAGE_LIMIT)
                .read_until(b'\n', &mut line)
            {
                Ok(0) => {
                    return Ended::Trouble(format!("etcd watch on {endpoint} ended; resuming"));
                }
                Ok(_) => {}
                Err(e) => return Ended::Trouble(format!("etcd watch on {endpoint}: {e}")),
            }
            if line.last() != Some(&b'\n') && line.len() as u64 >= MESSAGE_LIMIT {
                return Ended::Trouble(format!(
                    "etcd watch on {endpoint}: a message over {MESSAGE_LIMIT} bytes"
                ));
            }
            if line.trim_ascii().is_empty() {
                continue;
            }
            // Not skipped: resuming from `*next` loses no event, a skipped one would.
            let message = match serde_json::from_slice::<Value>(&line) {
                Ok(message) => message,
                Err(e) => {
                    return Ended::Trouble(format!(
                        "etcd watch on {endpoint}: a message that is not JSON ({e}); resuming"
                    ));
                }
            };
            if message.get("error").is_some() {
                return Ended::Trouble(format!("etcd watch on {endpoint}: {}", message["error"]));
            }
            let result = &message["result"];
            match int(
                &self.client,
                &result["compact_revision"],
                "compact_revision",
            ) {
                Err(e) => return Ended::Trouble(format!("etcd watch on {endpoint}: {e}")),
                Ok(compacted) if compacted > 0 => return Ended::Compacted,
                Ok(_) => {}
            }
            let Some(events) = result["events"].as_array() else {
                if result["canceled"].as_bool() == Some(true) {
                    return Ended::Trouble(format!(
                        "etcd watch on {endpoint} was cancelled: {}",
                        result["cancel_reason"]
                            .as_str()
                            .unwrap_or("no reason given")
                    ));
                }
                continue;
            };
            let Some(batch) = self.batch(events, start, next) else {
                return Ended::Stopped;
            };
            if (!batch.is_empty() && self.wake.send(Wake::Events(batch)).is_err())
                || self.stop.load(Ordering::Relaxed)
            {
                return Ended::Stopped;
            }
        }
    }

    /// The events of one watch message from revision `start` on, `*next`
    /// following them; None when the watcher is gone. An event the watcher cannot
    /// read is told to it as trouble, naming the key, and the others still count.
    fn batch(&self, events: &[Value], start: i64, next: &mut Option<i64>) -> Option<Vec<Event>> {
        let now = Timestamp::now();
        let trouble = |e: crate::error::Error| self.wake.send(Wake::Trouble(e.to_string())).ok();
        let mut batch = Vec::with_capacity(events.len());
        for event in events {
            let kv = &event["kv"];
            let revision = match int(&self.client, &kv["mod_revision"], "mod_revision") {
                Ok(revision) => revision,
                Err(e) => {
                    trouble(e)?;
                    continue;
                }
            };
            if revision < start {
                continue;
            }
            *next = Some(revision + 1);
            let key = match decode_key(&self.client, kv) {
                Ok(key) => key,
                Err(e) => {
                    trouble(e)?;
                    continue;
                }
            };
            let Some(id) = key.strip_prefix(&self.key) else {
                continue;
            };
            if event["type"].as_str() == Some("DELETE") {
                // Unreadable, the lease counts as none: the removal is still
                // shown, as a deregistration, and the watcher is told why.
                let lease = match int(&self.client, &event["prev_kv"]["lease"], "prev_kv.lease") {
                    Ok(lease) => lease,
                    Err(e) => {
                        trouble(e)?;
                        0
                    }
                };
                batch.push(Event::Removed {
                    id: id.to_owned(),
                    expired: lease != 0 && self.lease_is_gone(lease),
                });
                continue;
            }
            match parse_kv(&self.client, kv, now) {
                Ok(kv) => batch.push(Event::Put(Box::new(kv.entry))),
                Err(e) => {
                    // Shown as gone: a watcher cannot follow what it cannot read.
                    batch.push(Event::Removed {
                        id: id.to_owned(),
                        expired: false,
                    });
                    trouble(e)?;
                }
            }
        }
        Some(batch)
    }
}
