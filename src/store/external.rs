//! Files that belong to other programs: client configs and `server.json`.
//!
//! `register --from` reads them whole; `export -o` rewrites them with the registry's
//! own recipe ([`super::file::atomic_write`]: temp file, fsync, rename, fsync the
//! folder), so a client that reads its config at any moment sees the whole old or
//! the whole new file. Concurrent `export -o` runs into the same folder are
//! serialised by an flock on the folder itself: no lock file is left next to a
//! config that is not ours.

use super::file::{NEW_FILE_MODE, atomic_write, folder_of};
use crate::error::{Error, Result};
use std::fs::{File, TryLockError};
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

/// The file's text, or None when it does not exist.
pub fn read_text(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Error::Registry {
                path: path.to_owned(),
                message: "is not UTF-8 text".into(),
            }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::IsADirectory => Err(Error::Registry {
            path: path.to_owned(),
            message: "is a folder, not a file".into(),
        }),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Rewrites `path` with what `change` makes of its current text (None: no file
/// yet), under an exclusive flock on its folder held for the whole
/// read-change-write. An error from `change` writes nothing. A new file gets mode
/// 0600 (configs hold commands and tokens); an existing one keeps its mode.
pub fn rewrite(
    path: &Path,
    lock_timeout: Duration,
    change: impl FnOnce(Option<&str>) -> Result<Vec<u8>>,
) -> Result<()> {
    let folder = folder_of(path);
    let dir = File::open(folder).map_err(|e| Error::io(folder, e))?;
    let deadline = Instant::now() + lock_timeout;
    loop {
        match dir.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(Error::LockTimeout {
                    path: path.to_owned(),
                    lock: folder.to_owned(),
                    waited: lock_timeout,
                });
            }
            Err(TryLockError::Error(e)) => return Err(Error::io(folder, e)),
        }
    }
    let mode = match std::fs::metadata(path) {
        Ok(m) => m.permissions().mode() & 0o7777,
        Err(_) => NEW_FILE_MODE,
    };
    let current = read_text(path)?;
    let bytes = change(current.as_deref())?;
    if current.as_deref().map(str::as_bytes) == Some(&bytes[..]) {
        return Ok(());
    }
    atomic_write(path, &bytes, mode)
    // `dir` is closed here, which releases the lock.
}
