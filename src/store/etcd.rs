//! The registry in etcd, for teams whose MCP servers run on several hosts.
//!
//! One key per server, `<prefix>/servers/<id>`, holding the same JSON entry as the
//! file. We speak etcd's v3 JSON gateway (`/v3/kv/*`, `/v3/lease/*`) with the same
//! blocking HTTP client as the MCP probe, so there is no gRPC stack and no async
//! runtime. Keys and values travel base64-encoded and int64 fields as strings.
//!
//! Leases are etcd's: an entry with a ttl is attached to an etcd lease of that ttl,
//! so expiry happens in etcd even when no mcpreg runs. A heartbeat is a keepalive
//! of that lease and nothing else: it writes no revision. The `expires_at` readers
//! see is therefore derived from the lease when the entry is read: `show` asks etcd
//! (`LeaseTimeToLive`, `now + remaining`); `list`, `find` and `watch` make no call
//! per entry and show `now + ttl` (the key exists, so its lease is live, and that
//! is the latest it can run out).
//! Every change is a transaction that compares the key's `mod_revision`, so a
//! concurrent writer is never clobbered: the loser re-reads and tries again.
//!
//! Beside each entry, in the same transaction and on the same lease, index keys
//! `<prefix>/index/tool/<tool>/<id>` and `<prefix>/index/tag/<tag>/<id>` let
//! `find --tool` and `find --tag` read one small range and fetch only the matches.

mod client;
mod follow;
mod wire;

pub use client::{Access, Password, read_secret_file};

use super::{Edit, Options, Put, Store, Subscription, Touched};
use crate::catalog::registration::Renewal;
use crate::catalog::{Entry, Query, Timestamp};
use crate::error::Result;
use base64::Engine;
use client::Client;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;
use wire::{B64, Kv, decode_key, int, parse_kv, prefix_end, set_expiry};

/// How often a writer re-reads and retries after losing a race.
const MAX_ATTEMPTS: usize = 16;
/// The version of the index layout, under `<prefix>/index/version`.
const INDEX_VERSION: &str = "1";
/// Operations per transaction we allow ourselves: etcd refuses more than
/// `--max-txn-ops` (128 by default).
const MAX_TXN_OPS: usize = 100;

pub struct EtcdStore {
    client: Client,
}

impl EtcdStore {
    pub fn new(location: &str, options: &Options) -> Result<Self> {
        Ok(EtcdStore {
            client: Client::new(location, &options.etcd, options.etcd_timeout)?,
        })
    }

    fn prefix(&self) -> &str {
        &self.client.prefix
    }

    fn key(&self, id: &str) -> String {
        format!("{}/servers/{id}", self.prefix())
    }

    fn servers(&self) -> String {
        format!("{}/servers/", self.prefix())
    }

    fn index_marker(&self) -> String {
        format!("{}/index/version", self.prefix())
    }

    /// Marks an entry with too many tools and tags for one transaction: `find`
    /// always looks at such entries instead of their index keys.
    fn wide_key(&self, id: &str) -> String {
        format!("{}/index/wide/{id}", self.prefix())
    }

    fn index_range(&self, kind: &str, value: &str) -> String {
        format!("{}/index/{kind}/{}/", self.prefix(), escape(value))
    }

    /// The index keys of `entry`, or None when they are too many for a transaction.
    fn index_keys(&self, entry: &Entry) -> Option<BTreeSet<String>> {
        let mut keys = BTreeSet::new();
        for tool in &entry.declared.tools {
            keys.insert(format!(
                "{}{}",
                self.index_range("tool", &tool.name),
                entry.id
            ));
        }
        for tag in &entry.declared.tags {
            keys.insert(format!("{}{}", self.index_range("tag", tag), entry.id));
        }
        (keys.len() + 3 <= MAX_TXN_OPS).then_some(keys)
    }

    fn call(&self, path: &str, body: &Value) -> Result<Value> {
        self.client.call(path, body)
    }

    fn range_body(&self, key: &str, prefix: bool, serializable: bool) -> Value {
        let mut body = json!({ "key": B64.encode(key) });
        if prefix {
            body["range_end"] = json!(B64.encode(prefix_end(key)));
        }
        if serializable {
            body["serializable"] = json!(true);
        }
        body
    }

    /// Reads under `key`. Serializable reads are answered by whichever member we
    /// ask, without a round through the leader: for readers that only look.
    fn range(&self, key: &str, prefix: bool, serializable: bool) -> Result<(Vec<Kv>, i64)> {
        let answer = self.call("/v3/kv/range", &self.range_body(key, prefix, serializable))?;
        let revision = int(
            &self.client,
            &answer["header"]["revision"],
            "header.revision",
        )?;
        let kvs = answer["kvs"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        Ok((
            kvs.iter()
                .map(|kv| self.kv(kv))
                .collect::<Result<Vec<_>>>()?,
            revision,
        ))
    }

    fn kv(&self, kv: &Value) -> Result<Kv> {
        parse_kv(&self.client, kv, Timestamp::now())
    }

    fn get_kv(&self, id: &str) -> Result<Option<Kv>> {
        Ok(self.range(&self.key(id), false, false)?.0.pop())
    }

    /// The entry with `expires_at` as etcd's lease says.
    fn exact(&self, mut kv: Kv) -> Result<Option<Entry>> {
        if kv.lease != 0 && kv.entry.lease.is_some() {
            let answer = self.call(
                "/v3/lease/timetolive",
                &json!({ "ID": kv.lease.to_string() }),
            )?;
            let left = int(&self.client, &answer["TTL"], "TTL")?;
            if left < 0 {
                // The lease ran out between the two reads: the key is gone too.
                return Ok(None);
            }
            set_expiry(
                &mut kv.entry,
                Duration::from_secs(left.unsigned_abs()),
                Timestamp::now(),
            );
        }
        Ok(Some(kv.entry))
    }

    fn grant(&self, ttl_s: u64) -> Result<i64> {
        let answer = self.call("/v3/lease/grant", &json!({ "TTL": ttl_s.to_string() }))?;
        match int(&self.client, &answer["ID"], "ID")? {
            0 => Err(self.client.failure(
                &self.client.shown,
                format!("lease grant gave no id: {answer}"),
            )),
            id => Ok(id),
        }
    }

    /// Renews a lease; the seconds it now has left, or None when etcd no longer
    /// knows it.
    fn keepalive(&self, lease: i64) -> Result<Option<u64>> {
        let answer = self.call("/v3/lease/keepalive", &json!({ "ID": lease.to_string() }))?;
        let ttl = int(&self.client, &answer["result"]["TTL"], "result.TTL")?;
        Ok((ttl > 0).then_some(ttl.unsigned_abs()))
    }

    /// Best effort: a lease nobody uses any more expires by itself anyway.
    fn revoke(&self, lease: i64) {
        if lease != 0 {
            let _ = self.call("/v3/lease/revoke", &json!({ "ID": lease.to_string() }));
        }
    }

    /// Applies `ops` if `id`'s key still has `mod_revision` `expected` (0: the key
    /// must not exist). Returns whether they were applied.
    fn txn(&self, id: &str, expected: i64, ops: Vec<Value>) -> Result<bool> {
        let key = B64.encode(self.key(id));
        let compare = if expected == 0 {
            json!({"key": key, "result": "EQUAL", "target": "CREATE", "create_revision": "0"})
        } else {
            json!({"key": key, "result": "EQUAL", "target": "MOD", "mod_revision": expected.to_string()})
        };
        let answer = self.call(
            "/v3/kv/txn",
            &json!({ "compare": [compare], "success": ops }),
        )?;
        Ok(answer["succeeded"].as_bool() == Some(true))
    }

    fn put(&self, key: &str, value: &str, lease: i64) -> Value {
        let mut put = json!({ "key": B64.encode(key), "value": B64.encode(value) });
        if lease != 0 {
            put["lease"] = json!(lease.to_string());
        }
        json!({ "request_put": put })
    }

    fn delete(&self, key: &str) -> Value {
        json!({ "request_delete_range": { "key": B64.encode(key) } })
    }

    /// The operations that write `entry` on `lease` with its index keys, and
    /// remove the index keys `previous` had that `entry` no longer has.
    fn write_ops(&self, entry: &Entry, lease: i64, previous: Option<&Entry>) -> Result<Vec<Value>> {
        let value = serde_json::to_string(entry)
            .map_err(|e| self.client.failure(&self.client.shown, e.to_string()))?;
        let mut ops = vec![self.put(&self.key(&entry.id), &value, lease)];
        let old = previous
            .and_then(|p| self.index_keys(p))
            .unwrap_or_default();
        match self.index_keys(entry) {
            Some(new) => {
                ops.extend(new.iter().map(|k| self.put(k, "", lease)));
                ops.push(self.delete(&self.wide_key(&entry.id)));
                let gone: Vec<&String> = old.difference(&new).collect();
                if ops.len() + gone.len() <= MAX_TXN_OPS {
                    ops.extend(gone.into_iter().map(|k| self.delete(k)));
                }
                // Otherwise the stale keys stay: find checks every entry it
                // fetches, and they go with the entry's old lease or next write.
            }
            None => ops.push(self.put(&self.wide_key(&entry.id), "", lease)),
        }
        Ok(ops)
    }

    /// The operations that remove `entry` and its index keys.
    fn remove_ops(&self, entry: &Entry) -> Vec<Value> {
        let mut ops = vec![
            self.delete(&self.key(&entry.id)),
            self.delete(&self.wide_key(&entry.id)),
        ];
        for k in self.index_keys(entry).unwrap_or_default() {
            if ops.len() < MAX_TXN_OPS {
                ops.push(self.delete(&k));
            }
        }
        ops
    }

    fn lost_race(&self, what: &str, id: &str) -> crate::error::Error {
        self.client.failure(
            &self.client.shown,
            format!("{what} {id}: still changing under us after {MAX_ATTEMPTS} attempts"),
        )
    }

    /// Renews one entry's lease. While the ttl stays, that is one keepalive and no
    /// write; a new ttl is a new lease and a write (the declaration changed).
    fn touch_one(&self, id: &str, ttl: Option<Duration>, now: Timestamp) -> Result<Touched> {
        for _ in 0..MAX_ATTEMPTS {
            let Some(kv) = self.get_kv(id)? else {
                return Ok(Touched::Missing);
            };
            let previous = kv.entry.clone();
            let mut entry = kv.entry;
            let before = entry.lease;
            let renewal = entry.renew(ttl, now);
            let Some(lease) = entry.lease else {
                return Ok(Touched::Renewed(renewal));
            };
            let same_ttl = before.is_some_and(|b| b.ttl_s == lease.ttl_s);
            if kv.lease != 0 && same_ttl {
                return Ok(match self.keepalive(kv.lease)? {
                    Some(left) => Touched::Renewed(Renewal::Renewed {
                        expires_at: Timestamp::now().plus(Duration::from_secs(left)),
                    }),
                    // etcd removed the entry with its lease.
                    None => Touched::Missing,
                });
            }
            let lease_id = self.grant(lease.ttl_s)?;
            if self.txn(
                id,
                kv.mod_revision,
                self.write_ops(&entry, lease_id, Some(&previous))?,
            )? {
                self.revoke(kv.lease);
                return Ok(Touched::Renewed(renewal));
            }
            self.revoke(lease_id);
        }
        Err(self.lost_race("heartbeat", id))
    }

    /// The candidates an index range names for `query`, or None when the query has
    /// no indexed filter. Builds the index first when the registry has none yet.
    fn indexed_candidates(&self, query: &Query) -> Result<Option<BTreeSet<String>>> {
        let range = match (query.tools.first(), query.tags.first()) {
            (Some(tool), _) => self.index_range("tool", tool),
            (None, Some(tag)) => self.index_range("tag", tag),
            (None, None) => return Ok(None),
        };
        let wide = format!("{}/index/wide/", self.prefix());
        for _ in 0..2 {
            let keys_only = |key: &str, prefix: bool| {
                let mut body = self.range_body(key, prefix, true);
                body["keys_only"] = json!(true);
                json!({ "request_range": body })
            };
            let answer = self.call(
                "/v3/kv/txn",
                &json!({ "success": [
                    keys_only(&self.index_marker(), false),
                    keys_only(&range, true),
                    keys_only(&wide, true),
                ] }),
            )?;
            let responses = answer["responses"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let keys = |i: usize| -> Result<Vec<String>> {
                responses
                    .get(i)
                    .and_then(|r| r["response_range"]["kvs"].as_array())
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .map(|kv| decode_key(&self.client, kv))
                    .collect()
            };
            if keys(0)?.is_empty() {
                self.build_index()?;
                continue;
            }
            let mut ids = BTreeSet::new();
            for (i, start) in [(1, &range), (2, &wide)] {
                for key in keys(i)? {
                    if let Some(id) = key.strip_prefix(start.as_str()) {
                        ids.insert(id.to_owned());
                    }
                }
            }
            return Ok(Some(ids));
        }
        Err(self.client.failure(
            &self.client.shown,
            "the index marker does not stay written (is the prefix writable?)",
        ))
    }

    /// Fetches the entries `ids` name, in bounded read-only transactions; ids
    /// whose entry is gone are skipped.
    fn fetch(&self, ids: &BTreeSet<String>) -> Result<Vec<Entry>> {
        let ids: Vec<&String> = ids.iter().collect();
        let mut entries = Vec::with_capacity(ids.len());
        let now = Timestamp::now();
        for chunk in ids.chunks(MAX_TXN_OPS) {
            let ops: Vec<Value> = chunk
                .iter()
                .map(|id| json!({ "request_range": self.range_body(&self.key(id), false, true) }))
                .collect();
            let answer = self.call("/v3/kv/txn", &json!({ "success": ops }))?;
            for response in answer["responses"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                for kv in response["response_range"]["kvs"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                {
                    entries.push(parse_kv(&self.client, kv, now)?.entry);
                }
            }
        }
        Ok(entries)
    }

    /// Writes the index keys of every entry, for a registry written before the
    /// index existed: bounded transactions, each applied only if its entries are
    /// unchanged (a changed entry was rewritten, index and all, by its writer).
    /// Then the marker, so this happens once.
    fn build_index(&self) -> Result<()> {
        let (kvs, _) = self.range(&self.servers(), true, false)?;
        let mut batch: Vec<(&Kv, Vec<Value>)> = Vec::new();
        let mut ops_in_batch = 0;
        for kv in &kvs {
            let ops: Vec<Value> = self.write_ops(&kv.entry, kv.lease, None)?.split_off(1);
            if ops_in_batch + ops.len() > MAX_TXN_OPS {
                self.index_batch(&batch)?;
                batch.clear();
                ops_in_batch = 0;
            }
            ops_in_batch += ops.len();
            batch.push((kv, ops));
        }
        self.index_batch(&batch)?;
        self.call(
            "/v3/kv/put",
            &json!({ "key": B64.encode(self.index_marker()), "value": B64.encode(INDEX_VERSION) }),
        )?;
        Ok(())
    }

    fn index_batch(&self, batch: &[(&Kv, Vec<Value>)]) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let compares: Vec<Value> = batch
            .iter()
            .map(|(kv, _)| {
                json!({"key": B64.encode(self.key(&kv.entry.id)), "result": "EQUAL",
                       "target": "MOD", "mod_revision": kv.mod_revision.to_string()})
            })
            .collect();
        let ops: Vec<Value> = batch.iter().flat_map(|(_, ops)| ops.clone()).collect();
        let answer = self.call(
            "/v3/kv/txn",
            &json!({ "compare": compares, "success": ops }),
        )?;
        if answer["succeeded"].as_bool() == Some(true) || batch.len() == 1 {
            return Ok(());
        }
        // Some entry changed meanwhile: one transaction per entry instead.
        for one in batch {
            self.index_batch(std::slice::from_ref(one))?;
        }
        Ok(())
    }
}

/// The entry with its lease's `expires_at` blanked: what etcd stores of it.
fn but_expiry(entry: &Entry) -> Entry {
    let mut e = entry.clone();
    if let Some(lease) = &mut e.lease {
        lease.expires_at = e.registered_at;
    }
    e
}

impl Store for EtcdStore {
    fn subscribe(&self, wake: std::sync::mpsc::Sender<super::Wake>) -> Result<Subscription> {
        follow::subscribe(&self.client, wake)
    }

    fn leases_expire_by_removal(&self) -> bool {
        true
    }

    fn list(&self) -> Result<Vec<Entry>> {
        let (kvs, _) = self.range(&self.servers(), true, true)?;
        Ok(kvs.into_iter().map(|kv| kv.entry).collect())
    }

    fn find(&self, query: &Query, now: Timestamp) -> Result<Vec<Entry>> {
        let candidates = match self.indexed_candidates(query)? {
            Some(ids) => self.fetch(&ids)?,
            None => self.list()?,
        };
        // Every entry is checked: a stale index key never adds a wrong match.
        Ok(candidates
            .into_iter()
            .filter(|e| query.matches(&e.view(), now))
            .collect())
    }

    fn get(&self, id: &str) -> Result<Option<Entry>> {
        match self.get_kv(id)? {
            Some(kv) => self.exact(kv),
            None => Ok(None),
        }
    }

    fn upsert(&self, id: &str, make: &mut dyn FnMut(Option<&Entry>) -> Entry) -> Result<Put> {
        for _ in 0..MAX_ATTEMPTS {
            let current = self.get_kv(id)?;
            let entry = make(current.as_ref().map(|kv| &kv.entry));
            if let Some(kv) = &current {
                if kv.entry == entry {
                    return Ok(Put::Unchanged);
                }
                // The same declaration again, on a live lease of the same ttl: on
                // etcd `expires_at` is the lease's, so renewing it is all there is
                // to write, and a keepalive writes no revision.
                if kv.lease != 0
                    && kv.entry.lease.is_some()
                    && but_expiry(&kv.entry) == but_expiry(&entry)
                    && self.keepalive(kv.lease)?.is_some()
                {
                    return Ok(Put::Unchanged);
                }
            }
            // The same ttl keeps its lease (renewed), so a re-registration costs
            // one write and no lease churn; a new ttl needs a new lease.
            let old_lease = current.as_ref().map_or(0, |kv| kv.lease);
            let same_ttl = current
                .as_ref()
                .and_then(|kv| kv.entry.lease)
                .map(|l| l.ttl_s)
                == entry.lease.map(|l| l.ttl_s);
            let (lease, fresh) = match entry.lease {
                Some(_) if old_lease != 0 && same_ttl && self.keepalive(old_lease)?.is_some() => {
                    (old_lease, false)
                }
                Some(l) => (self.grant(l.ttl_s)?, true),
                None => (0, false),
            };
            let expected = current.as_ref().map_or(0, |kv| kv.mod_revision);
            let ops = self.write_ops(&entry, lease, current.as_ref().map(|kv| &kv.entry))?;
            if self.txn(id, expected, ops)? {
                if old_lease != lease {
                    self.revoke(old_lease);
                }
                return Ok(if current.is_some() {
                    Put::Updated
                } else {
                    Put::Created
                });
            }
            if fresh {
                self.revoke(lease);
            }
        }
        Err(self.lost_race("register", id))
    }

    fn touch(&self, ids: &[String], ttl: Option<Duration>, now: Timestamp) -> Result<Vec<Touched>> {
        ids.iter().map(|id| self.touch_one(id, ttl, now)).collect()
    }

    fn remove(&self, ids: &[String]) -> Result<Vec<bool>> {
        ids.iter()
            .map(|id| {
                for _ in 0..MAX_ATTEMPTS {
                    let Some(kv) = self.get_kv(id)? else {
                        return Ok(false);
                    };
                    // The lease is left to run out by itself (it holds no key any
                    // more): a watcher tells a removal from an expiry by whether
                    // the lease is still there.
                    if self.txn(id, kv.mod_revision, self.remove_ops(&kv.entry))? {
                        return Ok(true);
                    }
                }
                Err(self.lost_race("deregister", id))
            })
            .collect()
    }

    fn update_many(
        &self,
        decide: &mut dyn FnMut(&Entry) -> Option<Edit>,
    ) -> Result<Vec<(String, Edit)>> {
        let mut applied = Vec::new();
        let (kvs, _) = self.range(&self.servers(), true, false)?;
        for kv in kvs {
            let Some(edit) = decide(&kv.entry) else {
                continue;
            };
            let id = kv.entry.id.clone();
            let ops = match &edit {
                Edit::Remove => self.remove_ops(&kv.entry),
                Edit::Replace(new) => self.write_ops(new, kv.lease, Some(&kv.entry))?,
            };
            // A key changed since it was read is left alone: the decision was
            // made on what is no longer there.
            if self.txn(&id, kv.mod_revision, ops)? {
                applied.push((id, edit));
            }
        }
        Ok(applied)
    }
}

/// A tool or tag as one segment of a key: `/` and `%` percent-encoded.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '%' => out.push_str("%25"),
            '/' => out.push_str("%2F"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Options {
        Options {
            timeout: Duration::from_secs(1),
            etcd_timeout: Duration::from_secs(1),
            etcd: Access::default(),
        }
    }

    #[test]
    fn keys_live_under_the_prefix() {
        let s = EtcdStore::new("etcd://127.0.0.1:2379/team/a/", &options()).unwrap();
        assert_eq!(s.key("x"), "/team/a/servers/x");
        assert_eq!(
            s.index_range("tool", "a/b%c"),
            "/team/a/index/tool/a%2Fb%25c/"
        );
        let d = EtcdStore::new("etcd://localhost:2379", &options()).unwrap();
        assert_eq!(d.key("x"), "/mcpreg/servers/x");
    }

    #[test]
    fn prefix_end_is_the_next_key() {
        assert_eq!(prefix_end("/a/"), b"/a0");
        assert_eq!(prefix_end("a\u{7f}"), b"a\x80");
    }

    #[test]
    fn int64_fields_come_as_strings_or_not_at_all() {
        let s = EtcdStore::new("etcd://127.0.0.1:2379", &options()).unwrap();
        let int = |v: Value| int(&s.client, &v, "x");
        assert_eq!(
            int(json!("7587899052506647047")).unwrap(),
            7_587_899_052_506_647_047
        );
        assert_eq!(int(Value::Null).unwrap(), 0);
        assert_eq!(int(json!(12)).unwrap(), 12);
        for bad in [
            json!("12x"),
            json!(1.5),
            json!(true),
            json!("99999999999999999999"),
        ] {
            let e = int(bad.clone()).unwrap_err().to_string();
            assert!(e.contains("x is not an int64"), "{bad}: {e}");
        }
    }
}
