//! Files that belong to other programs: client configs and `server.json`.
//!
//! `register --from` reads them whole; `export -o` rewrites them with the registry's
//! own recipe ([`fsio::atomic_write`]: fresh temp file, fsync, rename, fsync the
//! folder), so a client that reads its config at any moment sees the whole old or
//! the whole new file. Concurrent `export -o` runs into the same folder are
//! serialised by an flock on the folder itself: no lock file is left next to a
//! config that is not ours. A config that is a symlink is written through to its
//! target; one that is not a regular file is refused.

use super::document::line_column;
use super::fsio::{self, folder_of};
use super::strict;
use crate::error::{Error, Result};
use std::fs::{File, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

/// The file's text, or None when it does not exist. Bounded like every read
/// ([`fsio::read_bounded`]): a FIFO, a device or a huge file is refused. JSON
/// holding one key twice in an object is refused too, naming the key and its
/// line: every JSON reader would silently keep only the last. Text that is not
/// JSON is returned for the caller to judge.
pub fn read_text(path: &Path) -> Result<Option<String>> {
    let Some(bytes) = fsio::read_bounded(path)? else {
        return Ok(None);
    };
    let text = String::from_utf8(bytes).map_err(|_| Error::Registry {
        path: path.to_owned(),
        message: "is not UTF-8 text".into(),
    })?;
    // Only text that is JSON has keys to compare; the caller judges the rest.
    let is_json = serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok();
    if let Some((key, at)) = is_json.then(|| strict::json_duplicate_key(&text)).flatten() {
        let (line, column) = line_column(&text, at);
        return Err(Error::Parse {
            path: path.to_owned(),
            line,
            column,
            message: strict::duplicate_key_message(&key),
        });
    }
    Ok(Some(text))
}

/// Rewrites `path` with what `change` makes of its current text (None: no file
/// yet), under an exclusive flock on its folder held for the whole
/// read-change-write. An error from `change` writes nothing. A new file gets mode
/// 0600 (configs hold commands and tokens); an existing one keeps its mode,
/// narrowed to at most 0600.
pub fn rewrite(
    path: &Path,
    lock_timeout: Duration,
    change: impl FnOnce(Option<&str>) -> Result<Vec<u8>>,
) -> Result<()> {
    let path = &fsio::resolve(path)?;
    // Refused before the lock and the read: nothing but a regular file is replaced.
    fsio::existing_mode(path)?;
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
    let current = read_text(path)?;
    let bytes = change(current.as_deref())?;
    if current.as_deref().map(str::as_bytes) == Some(&bytes[..]) {
        return Ok(());
    }
    fsio::remove_stale_temps(path)?;
    fsio::atomic_write(path, &bytes)
    // `dir` is closed here, which releases the lock.
}
