//! Stores: where the registry lives. Commands speak to the `Store` trait only, in
//! entry-level operations, so a backend is a choice of `--registry`, not of code.
//!
//! Every mutating operation is one atomic step on the backend (one locked
//! read-change-write of the file; one transaction or lease call on etcd), and the
//! rules it applies come from the catalog, so backends cannot disagree on them.

mod document;
mod etcd;
pub mod external;
pub mod file;
mod fsio;
mod layout;
pub mod remote;
pub(crate) mod strict;

use crate::catalog::search::{Ranking, Search};
use crate::catalog::{Entry, Query, Timestamp, registration::Renewal};
use crate::error::{Error, Result};
use std::path::PathBuf;
use std::time::Duration;

pub use document::{LastRead, Put};

/// What happened to one id of a multi-id operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Touched {
    Renewed(Renewal),
    Missing,
}

/// Why a watcher wakes up.
#[derive(Clone, Debug, PartialEq)]
pub enum Wake {
    /// The registry may have changed: read it again.
    Changed,
    /// The whole registry as it is now: at the start of a change stream, and
    /// again whenever the stream lost history (a compaction).
    Snapshot(Vec<Entry>),
    /// What changed since the last wake, in the order it happened; applied to
    /// what the watcher holds, without reading the registry.
    Events(Vec<Event>),
    /// The source of change events has a problem (it keeps trying).
    Trouble(String),
    /// Stop watching (a signal arrived).
    Stop,
}

/// One change a store's change stream carries.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The entry was written (created or changed).
    Put(Box<Entry>),
    /// The entry with this id is gone: removed, or (`expired`) its lease ran out.
    Removed { id: String, expired: bool },
}

/// Keeps a change subscription alive; dropping it stops the watching.
pub struct Subscription(#[allow(dead_code)] pub Box<dyn Send>);

/// A change `update_many` makes to one entry.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Keep the entry, changed (same id). Written by `health --probe`.
    #[allow(dead_code)]
    Replace(Box<Entry>),
    Remove,
}

pub trait Store {
    /// All entries, sorted by id.
    fn list(&self) -> Result<Vec<Entry>>;

    fn get(&self, id: &str) -> Result<Option<Entry>>;

    /// The entries `query` selects at `now`, sorted by id.
    fn find(&self, query: &Query, now: Timestamp) -> Result<Vec<Entry>> {
        Ok(self
            .list()?
            .into_iter()
            .filter(|e| query.matches(&e.view(), now))
            .collect())
    }

    /// The entries `query` selects at `now`, ranked by `search`, best first, at most
    /// `limit` of them. Ranking reads each entry's view; a backend that can read
    /// views without building entries (the file) builds only the entries returned.
    fn search(
        &self,
        query: &Query,
        search: &Search,
        now: Timestamp,
        limit: Option<usize>,
    ) -> Result<Vec<(Entry, Ranking)>> {
        let found = self.find(query, now)?;
        let ranked = search.rank(&found, limit);
        let mut found: Vec<Option<Entry>> = found.into_iter().map(Some).collect();
        Ok(ranked
            .into_iter()
            .filter_map(|(i, r)| Some((found[i].take()?, r)))
            .collect())
    }

    /// Writes the entry `make` builds from the current one under `id`, atomically
    /// with respect to every other writer. `make` may run more than once.
    fn upsert(&self, id: &str, make: &mut dyn FnMut(Option<&Entry>) -> Entry) -> Result<Put>;

    /// Upserts several entries: `make(i, current)` builds the entry for `ids[i]`.
    /// The file store does it in one atomic step (all or nothing); `make` may run
    /// more than once.
    fn upsert_many(
        &self,
        ids: &[String],
        make: &mut dyn FnMut(usize, Option<&Entry>) -> Entry,
    ) -> Result<Vec<Put>> {
        ids.iter()
            .enumerate()
            .map(|(i, id)| self.upsert(id, &mut |current| make(i, current)))
            .collect()
    }

    /// Renews the leases of `ids`: `heartbeat`. Results come in the order of `ids`.
    fn touch(&self, ids: &[String], ttl: Option<Duration>, now: Timestamp) -> Result<Vec<Touched>>;

    /// Removes `ids`; says for each whether it was there.
    fn remove(&self, ids: &[String]) -> Result<Vec<bool>>;

    /// Refuses when someone other than the user could have written the commands the
    /// registry holds, as ssh refuses a config others can write. Checked before any
    /// stored command runs (a stdio probe).
    fn check_commands_trusted(&self) -> Result<()> {
        Ok(())
    }

    /// The registry read again, as `list` reads it, with every entry that equals
    /// its entry in `last` shared with it (`serve` holds 10,000 entries across
    /// reads: memory stays flat). The file builds only entries whose text changed.
    fn reread(&self, last: &LastRead) -> Result<LastRead> {
        Ok(last.shared(self.list()?))
    }

    /// Tells `wake` whenever the registry may have changed, until the subscription
    /// is dropped: `Wake::Changed` (re-read; spurious wakes are allowed), or a
    /// `Wake::Snapshot` followed by `Wake::Events` that carry the changes
    /// themselves, none missed and none repeated. Shared by `watch` and `serve`.
    fn subscribe(&self, wake: std::sync::mpsc::Sender<Wake>) -> Result<Subscription>;

    /// Whether a lease that runs out removes the entry (etcd) rather than leaving
    /// it expired until a prune (the file). A watcher of such a store learns of
    /// expiry from the removal, not from the clock: an entry it holds stays live.
    fn leases_expire_by_removal(&self) -> bool {
        false
    }

    /// Offers every entry to `decide` and applies the edits it returns, all in one
    /// atomic step. Returns the ids and edits applied.
    fn update_many(
        &self,
        decide: &mut dyn FnMut(&Entry) -> Option<Edit>,
    ) -> Result<Vec<(String, Edit)>>;
}

/// Settings every backend shares.
#[derive(Clone, Debug)]
pub struct Options {
    /// How long a writer waits for the file's lock.
    pub timeout: Duration,
    /// How long any one request to etcd may take.
    pub etcd_timeout: Duration,
    /// TLS and credentials for etcd.
    pub etcd: EtcdAccess,
}

pub use etcd::{Access as EtcdAccess, Password as EtcdPassword, read_secret_file};

/// Opens the store `location` names: a path ending .json/.yaml/.yml, or none for
/// the default file in the user's data folder.
pub fn open(location: Option<&str>, options: &Options) -> Result<Box<dyn Store>> {
    match location {
        Some(url) if url.starts_with("etcd://") || url.starts_with("etcds://") => {
            Ok(Box::new(etcd::EtcdStore::new(url, options)?))
        }
        Some(path) => Ok(Box::new(file::FileStore::new(
            PathBuf::from(path),
            false,
            options,
        )?)),
        None => {
            let path = default_path()?;
            Ok(Box::new(file::FileStore::new(path, true, options)?))
        }
    }
}

/// `<data dir>/registry.json`, as the `directories` crate places it for "mcpreg".
pub fn default_path() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "mcpreg")
        .map(|dirs| dirs.data_dir().join("registry.json"))
        .ok_or_else(|| {
            Error::usage(
                "--registry",
                "no home folder to put the default registry in; pass --registry PATH or set MCPREG_REGISTRY",
            )
        })
}
