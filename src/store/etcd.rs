//! The registry in etcd, for teams whose MCP servers run on several hosts.
//!
//! One key per server, `<prefix>/servers/<id>`, holding the same JSON entry as the
//! file. We speak etcd's v3 JSON gateway (`/v3/kv/*`, `/v3/lease/*`) with the same
//! blocking HTTP client as the MCP probe, so there is no gRPC stack and no async
//! runtime. Keys and values travel base64-encoded and int64 fields as strings.
//!
//! Leases are etcd's: an entry with a ttl is attached to an etcd lease of that ttl,
//! so expiry happens in etcd even when no mcpreg runs. A heartbeat is a keepalive
//! of that lease, plus a rewrite of the entry's `expires_at` so that readers see the
//! same lease state as on the file backend. Every change is a transaction that
//! compares the key's `mod_revision`, so a concurrent writer is never clobbered:
//! the loser re-reads and tries again.

use super::{Edit, Options, Put, Store, Subscription, Touched, Wake};
use crate::catalog::{Entry, Timestamp};
use crate::error::{Error, Result};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use std::cell::Cell;
use std::io::{BufRead, BufReader};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

/// How often a writer re-reads and retries after losing a race.
const MAX_ATTEMPTS: usize = 16;
/// Pause between two rounds over the endpoints while none answers.
const RETRY_PAUSE: Duration = Duration::from_millis(100);

pub struct EtcdStore {
    location: String,
    endpoints: Vec<String>,
    prefix: String,
    agent: ureq::Agent,
    /// The endpoint that answered last; tried first next time.
    current: Cell<usize>,
    timeout: Duration,
}

/// A key as read: its entry and what etcd knows of it.
struct Kv {
    entry: Entry,
    mod_revision: i64,
    lease: i64,
}

impl EtcdStore {
    /// `etcd://HOST:PORT[,HOST:PORT...][/PREFIX]`; the prefix defaults to `/mcpreg`.
    pub fn new(location: &str, options: &Options) -> Result<Self> {
        let bad = |why: &str| Error::usage("--registry", format!("{location}: {why}"));
        let rest = location
            .strip_prefix("etcd://")
            .ok_or_else(|| bad("an etcd registry is etcd://HOST:PORT[,HOST:PORT...]/PREFIX"))?;
        let (hosts, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        let endpoints = hosts
            .split(',')
            .map(|h| {
                let port_ok = h.rsplit_once(':').is_some_and(|(host, port)| {
                    !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0)
                });
                if port_ok {
                    Ok(format!("http://{h}"))
                } else {
                    Err(bad(&format!("{h:?} is not HOST:PORT")))
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let agent = crate::http_agent::agent(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .proxy(None)
                .timeout_global(Some(options.etcd_timeout))
                .user_agent(format!("mcpreg/{}", env!("CARGO_PKG_VERSION")))
                .build(),
        );
        Ok(EtcdStore {
            location: location.to_owned(),
            endpoints,
            prefix: if prefix.is_empty() {
                "/mcpreg".into()
            } else {
                prefix.into()
            },
            agent,
            current: Cell::new(0),
            timeout: options.etcd_timeout,
        })
    }

    fn key(&self, id: &str) -> String {
        format!("{}/servers/{id}", self.prefix)
    }

    fn failure(&self, at: &str, message: impl Into<String>) -> Error {
        Error::Etcd {
            at: at.to_owned(),
            message: message.into(),
        }
    }

    /// POSTs `body` to `path`, trying each endpoint from the last good one until
    /// one answers. A connection failure, or a member that is between leaders
    /// (HTTP 503), moves on to the next endpoint, round after round, until the
    /// timeout; any other error is final. Retrying is safe: every write is a
    /// compare-and-swap, a delete, or a lease grant that expires unused.
    fn call(&self, path: &str, body: &Value) -> Result<Value> {
        let payload = body.to_string();
        let deadline = Instant::now() + self.timeout;
        let n = self.endpoints.len();
        loop {
            let mut failures = Vec::new();
            for k in 0..n {
                let i = (self.current.get() + k) % n;
                let endpoint = &self.endpoints[i];
                match self.call_one(endpoint, path, &payload)? {
                    Ok(value) => {
                        self.current.set(i);
                        return Ok(value);
                    }
                    Err(transient) => failures.push(format!("{endpoint}: {transient}")),
                }
            }
            if Instant::now() + RETRY_PAUSE >= deadline {
                return Err(self.failure(
                    &self.location,
                    format!("no etcd endpoint answered ({})", failures.join("; ")),
                ));
            }
            std::thread::sleep(RETRY_PAUSE);
        }
    }

    /// One request to one endpoint: the answer, a transient failure worth trying
    /// elsewhere (inner Err), or a final error (outer Err).
    fn call_one(
        &self,
        endpoint: &str,
        path: &str,
        payload: &str,
    ) -> Result<std::result::Result<Value, String>> {
        let url = format!("{endpoint}{path}");
        let response = match self
            .agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(payload.as_bytes())
        {
            Ok(r) => r,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let status = response.status();
        let text = response
            .into_body()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| self.failure(&url, format!("reading the answer: {e}")))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| self.failure(&url, format!("not JSON ({e}): {}", snippet(&text))))?;
        if status.is_success() {
            return Ok(Ok(value));
        }
        let message = value["message"]
            .as_str()
            .or(value["error"].as_str())
            .unwrap_or(&text);
        let failure = format!("HTTP {}: {message}", status.as_u16());
        if status.as_u16() == 503 {
            return Ok(Err(failure));
        }
        Err(self.failure(&url, failure))
    }

    fn range(&self, key: &str, prefix: bool) -> Result<Vec<Kv>> {
        let mut body = json!({ "key": B64.encode(key) });
        if prefix {
            body["range_end"] = json!(B64.encode(prefix_end(key)));
        }
        let answer = self.call("/v3/kv/range", &body)?;
        let Some(kvs) = answer["kvs"].as_array() else {
            return Ok(Vec::new());
        };
        kvs.iter().map(|kv| self.kv(kv)).collect()
    }

    fn kv(&self, kv: &Value) -> Result<Kv> {
        let key = decode(&kv["key"]).unwrap_or_default();
        let value =
            decode(&kv["value"]).ok_or_else(|| self.failure(&key, "value is not base64"))?;
        let entry: Entry = serde_json::from_str(&value).map_err(|e| {
            self.failure(
                &format!("{}: key {key}", self.location),
                format!("not an mcpreg entry: {e}"),
            )
        })?;
        Ok(Kv {
            entry,
            mod_revision: int(&kv["mod_revision"]),
            lease: int(&kv["lease"]),
        })
    }

    fn get_kv(&self, id: &str) -> Result<Option<Kv>> {
        Ok(self.range(&self.key(id), false)?.pop())
    }

    fn grant(&self, ttl_s: u64) -> Result<i64> {
        let answer = self.call("/v3/lease/grant", &json!({ "TTL": ttl_s.to_string() }))?;
        match int(&answer["ID"]) {
            0 => Err(self.failure(&self.location, format!("lease grant gave no id: {answer}"))),
            id => Ok(id),
        }
    }

    /// Renews a lease; false when etcd no longer knows it.
    fn keepalive(&self, lease: i64) -> Result<bool> {
        let answer = self.call("/v3/lease/keepalive", &json!({ "ID": lease.to_string() }))?;
        Ok(int(&answer["result"]["TTL"]) > 0)
    }

    /// Best effort: a lease nobody uses any more expires by itself anyway.
    fn revoke(&self, lease: i64) {
        if lease != 0 {
            let _ = self.call("/v3/lease/revoke", &json!({ "ID": lease.to_string() }));
        }
    }

    /// Applies `op` to `id`'s key if its `mod_revision` is still `expected`
    /// (0: the key must not exist). Returns whether it was applied.
    fn txn(&self, id: &str, expected: i64, op: Value) -> Result<bool> {
        let key = B64.encode(self.key(id));
        let compare = if expected == 0 {
            json!({"key": key, "result": "EQUAL", "target": "CREATE", "create_revision": "0"})
        } else {
            json!({"key": key, "result": "EQUAL", "target": "MOD", "mod_revision": expected.to_string()})
        };
        let answer = self.call(
            "/v3/kv/txn",
            &json!({ "compare": [compare], "success": [op] }),
        )?;
        Ok(answer["succeeded"].as_bool() == Some(true))
    }

    fn put_op(&self, entry: &Entry, lease: i64) -> Result<Value> {
        let value = serde_json::to_string(entry)
            .map_err(|e| self.failure(&self.location, e.to_string()))?;
        let mut put = json!({ "key": B64.encode(self.key(&entry.id)), "value": B64.encode(value) });
        if lease != 0 {
            put["lease"] = json!(lease.to_string());
        }
        Ok(json!({ "request_put": put }))
    }

    fn delete_op(&self, id: &str) -> Value {
        json!({ "request_delete_range": { "key": B64.encode(self.key(id)) } })
    }

    fn lost_race(&self, what: &str, id: &str) -> Error {
        self.failure(
            &self.location,
            format!("{what} {id}: still changing under us after {MAX_ATTEMPTS} attempts"),
        )
    }

    /// Renews one entry's lease; the loop retries when a writer got in between.
    fn touch_one(&self, id: &str, ttl: Option<Duration>, now: Timestamp) -> Result<Touched> {
        for _ in 0..MAX_ATTEMPTS {
            let Some(kv) = self.get_kv(id)? else {
                return Ok(Touched::Missing);
            };
            let mut entry = kv.entry;
            let before = entry.lease;
            let renewal = entry.renew(ttl, now);
            let Some(lease) = entry.lease else {
                return Ok(Touched::Renewed(renewal));
            };
            let same_ttl = before.is_some_and(|b| b.ttl_s == lease.ttl_s);
            let (lease_id, fresh) = if kv.lease != 0 && same_ttl && self.keepalive(kv.lease)? {
                (kv.lease, false)
            } else {
                (self.grant(lease.ttl_s)?, true)
            };
            if self.txn(id, kv.mod_revision, self.put_op(&entry, lease_id)?)? {
                if fresh {
                    self.revoke(kv.lease);
                }
                return Ok(Touched::Renewed(renewal));
            }
            if fresh {
                self.revoke(lease_id);
            }
        }
        Err(self.lost_race("heartbeat", id))
    }
}

/// Follows etcd's watch stream on the prefix, waking the watcher on every event.
/// A dropped stream is resumed from the revision after the last one seen, on the
/// next endpoint, so nothing that happened meanwhile is missed.
struct Follower {
    endpoints: Vec<String>,
    key: String,
    agent: ureq::Agent,
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

impl Follower {
    fn run(self) {
        let mut next_revision: Option<i64> = None;
        let mut attempt = 0usize;
        while !self.stop.load(Ordering::Relaxed) {
            let endpoint = &self.endpoints[attempt % self.endpoints.len()];
            match self.follow(endpoint, &mut next_revision) {
                Ok(()) => {}
                Err(trouble) => {
                    attempt += 1;
                    if self.wake.send(Wake::Trouble(trouble)).is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
            }
        }
    }

    /// One watch stream, until it ends. Wakes once when it is established (the
    /// watcher re-reads, covering the gap before the stream existed) and on every
    /// batch of events.
    fn follow(
        &self,
        endpoint: &str,
        next_revision: &mut Option<i64>,
    ) -> std::result::Result<(), String> {
        let mut create = json!({
            "key": B64.encode(&self.key),
            "range_end": B64.encode(prefix_end(&self.key)),
        });
        if let Some(rev) = *next_revision {
            create["start_revision"] = json!(rev.to_string());
        }
        let body = json!({ "create_request": create }).to_string();
        let response = self
            .agent
            .post(&format!("{endpoint}/v3/watch"))
            .header("Content-Type", "application/json")
            .send(body.as_bytes())
            .map_err(|e| format!("etcd watch on {endpoint}: {e}"))?;
        let lines = BufReader::new(response.into_body().into_reader()).lines();
        for line in lines {
            let line = line.map_err(|e| format!("etcd watch on {endpoint}: {e}"))?;
            let Ok(message) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            let result = &message["result"];
            if int(&result["compact_revision"]) > 0 {
                // The history we asked for is gone: start over from now.
                *next_revision = None;
            } else if let Some(events) = result["events"].as_array() {
                let last = events
                    .iter()
                    .map(|e| int(&e["kv"]["mod_revision"]))
                    .max()
                    .unwrap_or(0);
                *next_revision = Some(last + 1);
            } else if next_revision.is_none() {
                *next_revision = Some(int(&result["header"]["revision"]) + 1);
            }
            if self.wake.send(Wake::Changed).is_err() || self.stop.load(Ordering::Relaxed) {
                return Ok(());
            }
        }
        Err(format!("etcd watch on {endpoint} ended; resuming"))
    }
}

impl Store for EtcdStore {
    fn subscribe(&self, wake: Sender<Wake>) -> Result<Subscription> {
        let stop = Arc::new(AtomicBool::new(false));
        let follower = Follower {
            endpoints: self.endpoints.clone(),
            key: format!("{}/servers/", self.prefix),
            agent: crate::http_agent::agent(
                ureq::Agent::config_builder()
                    .http_status_as_error(true)
                    .max_redirects(0)
                    .proxy(None)
                    .timeout_connect(Some(self.timeout))
                    .build(),
            ),
            wake,
            stop: stop.clone(),
        };
        std::thread::spawn(move || follower.run());
        Ok(Subscription(Box::new(StopOnDrop(stop))))
    }

    fn list(&self) -> Result<Vec<Entry>> {
        let kvs = self.range(&format!("{}/servers/", self.prefix), true)?;
        Ok(kvs.into_iter().map(|kv| kv.entry).collect())
    }

    fn get(&self, id: &str) -> Result<Option<Entry>> {
        Ok(self.get_kv(id)?.map(|kv| kv.entry))
    }

    fn upsert(&self, id: &str, make: &mut dyn FnMut(Option<&Entry>) -> Entry) -> Result<Put> {
        for _ in 0..MAX_ATTEMPTS {
            let current = self.get_kv(id)?;
            let entry = make(current.as_ref().map(|kv| &kv.entry));
            if current.as_ref().is_some_and(|kv| kv.entry == entry) {
                return Ok(Put::Unchanged);
            }
            let lease = match entry.lease {
                Some(l) => self.grant(l.ttl_s)?,
                None => 0,
            };
            let expected = current.as_ref().map_or(0, |kv| kv.mod_revision);
            if self.txn(id, expected, self.put_op(&entry, lease)?)? {
                let old_lease = current.as_ref().map_or(0, |kv| kv.lease);
                if old_lease != lease {
                    self.revoke(old_lease);
                }
                return Ok(if current.is_some() {
                    Put::Updated
                } else {
                    Put::Created
                });
            }
            self.revoke(lease);
        }
        Err(self.lost_race("register", id))
    }

    fn touch(&self, ids: &[String], ttl: Option<Duration>, now: Timestamp) -> Result<Vec<Touched>> {
        ids.iter().map(|id| self.touch_one(id, ttl, now)).collect()
    }

    fn remove(&self, ids: &[String]) -> Result<Vec<bool>> {
        ids.iter()
            .map(|id| {
                let answer = self.call(
                    "/v3/kv/deleterange",
                    &json!({ "key": B64.encode(self.key(id)), "prev_kv": true }),
                )?;
                if let Some(prev) = answer["prev_kvs"].as_array().and_then(|p| p.first()) {
                    self.revoke(int(&prev["lease"]));
                }
                Ok(int(&answer["deleted"]) > 0)
            })
            .collect()
    }

    fn update_many(
        &self,
        decide: &mut dyn FnMut(&Entry) -> Option<Edit>,
    ) -> Result<Vec<(String, Edit)>> {
        let mut applied = Vec::new();
        for kv in self.range(&format!("{}/servers/", self.prefix), true)? {
            let Some(edit) = decide(&kv.entry) else {
                continue;
            };
            let id = kv.entry.id.clone();
            let op = match &edit {
                Edit::Remove => self.delete_op(&id),
                Edit::Replace(new) => self.put_op(new, kv.lease)?,
            };
            // A key changed since it was read is left alone: the decision was
            // made on what is no longer there.
            if self.txn(&id, kv.mod_revision, op)? {
                applied.push((id, edit));
            }
        }
        Ok(applied)
    }
}

/// The smallest key greater than every key starting with `prefix`.
fn prefix_end(prefix: &str) -> Vec<u8> {
    let mut end = prefix.as_bytes().to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

fn decode(v: &Value) -> Option<String> {
    let bytes = B64.decode(v.as_str().unwrap_or_default()).ok()?;
    String::from_utf8(bytes).ok()
}

/// etcd's int64 fields arrive as strings, and are left out when zero.
fn int(v: &Value) -> i64 {
    match v {
        Value::String(s) => s.parse().unwrap_or(0),
        Value::Number(n) => n.as_i64().unwrap_or(0),
        _ => 0,
    }
}

fn snippet(text: &str) -> String {
    text.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Options {
        Options {
            timeout: Duration::from_secs(1),
            etcd_timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn locations_name_endpoints_and_a_prefix() {
        let s = EtcdStore::new("etcd://127.0.0.1:2379,[::1]:2380/team/a/", &options()).unwrap();
        assert_eq!(s.endpoints, ["http://127.0.0.1:2379", "http://[::1]:2380"]);
        assert_eq!(s.key("x"), "/team/a/servers/x");
        let d = EtcdStore::new("etcd://localhost:2379", &options()).unwrap();
        assert_eq!(d.key("x"), "/mcpreg/servers/x");
        for bad in [
            "etcd://",
            "etcd://host",
            "etcd://host:0/x",
            "etcd://:2379",
            "etcd://h:1,/x",
        ] {
            assert!(EtcdStore::new(bad, &options()).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn prefix_end_is_the_next_key() {
        assert_eq!(prefix_end("/a/"), b"/a0");
        assert_eq!(prefix_end("a\u{7f}"), b"a\x80");
    }

    #[test]
    fn int64_fields_come_as_strings_or_not_at_all() {
        assert_eq!(
            int(&json!("7587899052506647047")),
            7_587_899_052_506_647_047
        );
        assert_eq!(int(&Value::Null), 0);
    }
}
