//! The registry as one file on the local machine.
//!
//! Writers follow one recipe (DESIGN.md §2): take an exclusive flock on the sidecar
//! `<file>.lock`, which is never renamed or deleted (so `flock(1)` in a shell script
//! excludes us, and we it); read; change; write `.<file>.tmp` in the same folder;
//! fsync; rename over the file; fsync the folder; unlock. The file is never truncated
//! in place, so readers take no lock and always see a whole old or a whole new file.
//! A writer killed mid-way leaves at worst the temp file, which the next writer
//! overwrites or removes. Nothing is written when nothing changed.

use super::document::{Document, Format, Put};
use super::{Edit, Options, Store, Subscription, Touched, Wake};
use crate::catalog::search::{Ranking, Search};
use crate::catalog::{Entry, Query, Timestamp};
use crate::error::{Error, Result};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::time::Duration;

/// Mode of a registry this process creates: it holds commands and environments.
pub const NEW_FILE_MODE: u32 = 0o600;

pub struct FileStore {
    path: PathBuf,
    format: Format,
    /// Create the parent folder on first write: only for the default location.
    create_parent: bool,
    lock_timeout: Duration,
}

/// The file as read: its text and, when it exists, its permission bits.
struct Snapshot {
    text: String,
    mode: Option<u32>,
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
            path,
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

    fn temp_path(&self) -> PathBuf {
        temp_path(&self.path)
    }

    fn folder(&self) -> &Path {
        folder_of(&self.path)
    }

    fn snapshot(&self) -> Result<Option<Snapshot>> {
        let mut file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        let io_err = |e| Error::io(&self.path, e);
        let meta = file.metadata().map_err(io_err)?;
        if meta.is_dir() {
            return Err(Error::Registry {
                path: self.path.clone(),
                message: "is a folder, not a registry file".into(),
            });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0) + 1);
        file.read_to_end(&mut bytes).map_err(io_err)?;
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
        Ok(Some(Snapshot {
            text,
            mode: Some(meta.permissions().mode() & 0o7777),
        }))
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
        if doc.is_dirty() {
            let mode = snap.as_ref().and_then(|s| s.mode).unwrap_or(NEW_FILE_MODE);
            atomic_write(&self.path, &doc.to_bytes()?, mode)?;
        } else {
            self.remove_stray_temp()?;
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
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(NEW_FILE_MODE)
            .open(&lock_path)
            .map_err(|e| match e.kind() {
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

    fn remove_stray_temp(&self) -> Result<()> {
        match fs::remove_file(self.temp_path()) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(Error::io(self.temp_path(), e)),
            _ => Ok(()),
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

/// `.<file>.tmp` in the file's folder: where [`atomic_write`] stages a new version.
pub fn temp_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".tmp");
    path.with_file_name(name)
}

/// The folder a file lives in (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Replaces `path` with `bytes` so that a reader sees the whole old or the whole
/// new file, and a crash leaves at worst the temp file: write `.<file>.tmp` in the
/// same folder with `mode`, fsync, rename over `path`, fsync the folder. The caller
/// holds whatever lock excludes other writers of the same temp file.
pub fn atomic_write(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let temp = temp_path(path);
    let io_err = |e| Error::io(&temp, e);
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(NEW_FILE_MODE)
        .open(&temp)
        .map_err(io_err)?;
    if mode != NEW_FILE_MODE {
        file.set_permissions(fs::Permissions::from_mode(mode))
            .map_err(io_err)?;
    }
    file.write_all(bytes).map_err(io_err)?;
    file.sync_data().map_err(io_err)?;
    drop(file);
    fs::rename(&temp, path).map_err(|e| Error::io(path, e))?;
    let folder = folder_of(path);
    File::open(folder)
        .and_then(|dir| dir.sync_all())
        .map_err(|e| Error::io(folder, e))
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

    fn list(&self) -> Result<Vec<Entry>> {
        self.read(|doc| doc.entries())
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
        for (path, what) in [
            (self.path.as_path(), "the registry"),
            (self.folder(), "its folder"),
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
