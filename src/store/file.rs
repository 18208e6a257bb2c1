//! The registry as one file on the local machine.
//!
//! Writers follow one recipe (ARCHITECTURE.md "Invariants"): take an exclusive flock on the sidecar
//! `<file>.lock`, which is never renamed or deleted (so `flock(1)` in a shell script
//! excludes us, and we it); read; change; write a fresh temp file in the same folder;
//! fsync; rename over the file; fsync the folder; unlock. The file is never truncated
//! in place, so readers take no lock and always see a whole old or a whole new file.
//! A writer killed mid-way leaves at worst its temp file, which the next writer
//! removes. Nothing is written when nothing changed. Opening, reading and replacing
//! files is [`super::fsio`]'s job, which refuses what is not a regular file.
//!
//! A registry path that is a symlink is resolved once, when the store opens: the
//! lock, the temp file and the rename all happen next to the real file, so the link
//! survives and every name of the registry locks the same lock file.

use super::document::{self, Document, Format, LastRead, Put};
use super::fsio::{self, folder_of};
use super::{Edit, Options, Store, Subscription, Touched, Wake};
use crate::catalog::search::{Ranking, Search};
use crate::catalog::{Entry, Query, Timestamp};
use crate::error::{Error, Result};
use std::fs::{self, File, TryLockError};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::time::Duration;

pub struct FileStore {
    path: PathBuf,
    format: Format,
    /// Create the parent folder on first write: only for the default location.
    create_parent: bool,
    lock_timeout: Duration,
}

/// The file as read.
struct Snapshot {
    text: String,
}

impl FileStore {
    pub fn new(path: PathBuf, create_parent: bool, options: &Options) -> Result<Self> {
        let format = Format::of_path(&path).ok_or_else(|| {
            Error::usage(
                "--registry",
                format!(
                    "{}: a registry file name ends in .json, .yaml or .yml (or use etcd://HOST:PORT/PREFIX)",
                    path.display()
                ),
            )
        })?;
        Ok(FileStore {
            path: fsio::resolve(&path)?,
            format,
            create_parent,
            lock_timeout: options.timeout,
        })
    }

    fn sidecar(&self, suffix: &str) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(suffix);
        self.path.with_file_name(name)
    }

    fn folder(&self) -> &Path {
        folder_of(&self.path)
    }

    fn snapshot(&self) -> Result<Option<Snapshot>> {
        let Some(bytes) = fsio::read_bounded(&self.path)? else {
            return Ok(None);
        };
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            let column = bytes[..valid]
                .iter()
                .rev()
                .take_while(|&&b| b != b'\n')
                .count()
                + 1;
            Error::Parse {
                path: self.path.clone(),
                line,
                column,
                message: "the file is not UTF-8 text".into(),
            }
        })?;
        Ok(Some(Snapshot { text }))
    }

    /// Runs `f` on the current document, without a lock.
    fn read<T>(&self, f: impl FnOnce(&Document) -> Result<T>) -> Result<T> {
        match self.snapshot()? {
            None => f(&Document::empty(&self.path, self.format)),
            Some(snap) => f(&Document::parse(&self.path, &snap.text, self.format)?),
        }
    }

    /// Runs `f` on the document under the lock and writes the result if it changed.
    fn transact<T>(&self, f: impl FnOnce(&mut Document) -> Result<T>) -> Result<T> {
        let _lock = self.lock()?;
        let snap = self.snapshot()?;
        let mut doc = match &snap {
            None => Document::empty(&self.path, self.format),
            Some(s) => Document::parse(&self.path, &s.text, self.format)?,
        };
        let out = f(&mut doc)?;
        fsio::remove_stale_temps(&self.path)?;
        if doc.is_dirty() {
            fsio::atomic_write(&self.path, &doc.to_bytes()?)?;
        }
        Ok(out)
    }

    fn lock(&self) -> Result<File> {
        let lock_path = self.sidecar(".lock");
        if self.create_parent {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(self.folder())
                .map_err(|e| Error::io(self.folder(), e))?;
        }
        let file = fsio::open_lock_file(&lock_path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::Registry {
                path: self.path.clone(),
                message: format!("folder {} does not exist", self.folder().display()),
            },
            _ => Error::io(&lock_path, e),
        })?;
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
        }
        // Someone holds it. A blocking flock cannot be given a timeout, so a helper
        // thread blocks for us; if we give up first, it unlocks as soon as it gets
        // the lock, because nobody is left to receive the file.
        let (tx, rx) = mpsc::sync_channel(1);
        std::thread::spawn(move || {
            let result = file.lock().map(|()| file);
            let _ = tx.send(result);
        });
        match rx.recv_timeout(self.lock_timeout) {
            Ok(Ok(file)) => Ok(file),
            Ok(Err(e)) => Err(Error::io(&lock_path, e)),
            Err(_) => Err(Error::LockTimeout {
                path: self.path.clone(),
                lock: lock_path,
                waited: self.lock_timeout,
            }),
        }
    }
}

/// How often the fallback watcher looks at a registry that sends no events.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Watches the file by looking at it: for folders that do not exist yet and
/// filesystems without inotify. Stops when dropped.
struct Poller(Arc<AtomicBool>);

impl Drop for Poller {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn poll_file(path: PathBuf, wake: Sender<Wake>) -> Poller {
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let look = move || {
        fs::metadata(&path)
            .ok()
            .map(|m| (m.ino(), m.mtime(), m.mtime_nsec(), m.len()))
    };
    std::thread::spawn(move || {
        let mut last = look();
        while !stopped.load(Ordering::Relaxed) {
            std::thread::sleep(POLL_INTERVAL);
            let now = look();
            if now != last {
                last = now;
                if wake.send(Wake::Changed).is_err() {
                    break;
                }
            }
        }
    });
    Poller(stop)
}

impl Store for FileStore {
    fn subscribe(&self, wake: Sender<Wake>) -> Result<Subscription> {
        // The file is replaced by rename, so watch the folder for its name. Reads
        // (our own included) are not changes: only creation, change and removal are.
        let name = self.path.file_name().map(ToOwned::to_owned);
        let events = wake.clone();
        let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            let wakes = match res {
                Ok(event) => {
                    !matches!(event.kind, notify::EventKind::Access(_))
                        && event.paths.iter().any(|p| p.file_name() == name.as_deref())
                }
                Err(_) => true,
            };
            if wakes {
                let _ = events.send(Wake::Changed);
            }
        });
        let watching = watcher.and_then(|mut w| {
            notify::Watcher::watch(&mut w, self.folder(), notify::RecursiveMode::NonRecursive)
                .map(|()| w)
        });
        Ok(match watching {
            Ok(w) => Subscription(Box::new(w)),
            Err(_) => Subscription(Box::new(poll_file(self.path.clone(), wake))),
        })
    }

    #[allow(
        clippy::redundant_closure_for_method_calls,
        reason = "Document::entries as a path does not compile here (FnOnce is not general enough)"
    )]
    fn list(&self) -> Result<Vec<Entry>> {
        self.read(|doc| doc.entries())
    }

    fn reread(&self, last: &LastRead) -> Result<LastRead> {
        let text = match self.snapshot()? {
            Some(snap) if self.format == Format::Json => snap.text,
            _ => return Ok(last.shared(self.list()?)),
        };
        match document::reread_json(&self.path, text, last) {
            Ok(read) => Ok(read),
            // Something the scan did not expect, or a broken file: the full
            // reader decides, and words the error.
            Err(text) => {
                let doc = Document::parse(&self.path, &text, self.format)?;
                Ok(last.shared(doc.entries()?))
            }
        }
    }

    fn get(&self, id: &str) -> Result<Option<Entry>> {
        self.read(|doc| doc.get(id))
    }

    fn find(&self, query: &Query, now: Timestamp) -> Result<Vec<Entry>> {
        self.read(|doc| doc.find(query, now))
    }

    fn search(
        &self,
        query: &Query,
        search: &Search,
        now: Timestamp,
        limit: Option<usize>,
    ) -> Result<Vec<(Entry, Ranking)>> {
        self.read(|doc| doc.search(query, search, now, limit))
    }

    fn upsert(&self, id: &str, make: &mut dyn FnMut(Option<&Entry>) -> Entry) -> Result<Put> {
        self.transact(|doc| {
            let current = doc.get(id)?;
            doc.put(make(current.as_ref()))
        })
    }

    fn upsert_many(
        &self,
        ids: &[String],
        make: &mut dyn FnMut(usize, Option<&Entry>) -> Entry,
    ) -> Result<Vec<Put>> {
        self.transact(|doc| {
            ids.iter()
                .enumerate()
                .map(|(i, id)| {
                    let current = doc.get(id)?;
                    doc.put(make(i, current.as_ref()))
                })
                .collect()
        })
    }

    fn touch(&self, ids: &[String], ttl: Option<Duration>, now: Timestamp) -> Result<Vec<Touched>> {
        self.transact(|doc| {
            ids.iter()
                .map(|id| {
                    let renewal = doc.edit(id, |entry| {
                        let before = entry.lease;
                        let renewal = entry.renew(ttl, now);
                        (entry.lease != before, renewal)
                    })?;
                    Ok(renewal.map_or(Touched::Missing, Touched::Renewed))
                })
                .collect()
        })
    }

    fn remove(&self, ids: &[String]) -> Result<Vec<bool>> {
        self.transact(|doc| Ok(ids.iter().map(|id| doc.remove(id)).collect()))
    }

    fn check_commands_trusted(&self) -> Result<()> {
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        // The real file and the real folder, whatever links lead to them: those are
        // what someone would have to be able to write to plant a command.
        let real = match fs::canonicalize(&self.path) {
            Ok(p) => p,
            // Nothing registered, nothing to run.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        for (path, what) in [
            (real.as_path(), "the registry"),
            (folder_of(&real), "its folder"),
        ] {
            let meta = match fs::metadata(path) {
                Ok(m) => m,
                // Nothing registered, nothing to run.
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(Error::io(path, e)),
            };
            let refuse = |why: String| Error::Registry {
                path: path.to_owned(),
                message: format!("refusing to run commands from {what}: {why}"),
            };
            let mode = meta.mode() & 0o7777;
            // A shared sticky folder (/tmp) is safe to hold a registry that is the
            // user's own and writable by nobody else: the sticky bit stops others
            // from removing, renaming or replacing a file they do not own, so the
            // file read is the file the user wrote (README "Security").
            if what == "its folder" && mode & 0o1000 != 0 && (meta.uid() == me || meta.uid() == 0) {
                continue;
            }
            if meta.uid() != me {
                return Err(refuse(format!(
                    "it is owned by uid {}, not by you (uid {me}); move the registry to a folder of your own, such as the default (see `mcpreg --help`)",
                    meta.uid()
                )));
            }
            if mode & 0o022 != 0 {
                let advice = match what {
                    "its folder" => {
                        "move the registry to a private folder, or run chmod go-w on the folder if it is yours alone"
                    }
                    _ => "run chmod go-w on it",
                };
                return Err(refuse(format!(
                    "it is writable by group or others (mode {mode:o}); {advice}"
                )));
            }
        }
        Ok(())
    }

    fn update_many(
        &self,
        decide: &mut dyn FnMut(&Entry) -> Option<Edit>,
    ) -> Result<Vec<(String, Edit)>> {
        self.transact(|doc| {
            let mut applied = Vec::new();
            for entry in doc.entries()? {
                if let Some(edit) = decide(&entry) {
                    applied.push((entry.id, edit));
                }
            }
            for (id, edit) in &applied {
                match edit {
                    Edit::Remove => {
                        doc.remove(id);
                    }
                    Edit::Replace(new) => {
                        doc.put(new.as_ref().clone())?;
                    }
                }
            }
            Ok(applied)
        })
    }
}
