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

/// Makes the folder `path` goes in, private to the user, when it is missing (a
/// client installed without its settings folder yet).
pub fn ensure_folder(path: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    let folder = folder_of(path);
    if folder.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
        .map_err(|e| Error::io(folder, e))
}

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
/// narrowed to at most 0600. Returns whether the file changed.
pub fn rewrite(
    path: &Path,
    lock_timeout: Duration,
    change: impl FnOnce(Option<&str>) -> Result<Vec<u8>>,
) -> Result<bool> {
    rewrite_keeping(path, lock_timeout, |text| {
        Ok(Change {
            bytes: change(text)?,
            backup: false,
        })
    })
    .map(|(changed, _)| changed)
}

/// What a rewrite writes, and whether the old text must be kept aside first.
pub struct Change {
    pub bytes: Vec<u8>,
    /// Keep the old file as `FILE.mcpreg-backup` before replacing it, unless a
    /// backup is there already (the first rewrite's is the one worth keeping).
    pub backup: bool,
}

/// The backup [`rewrite_keeping`] makes of `path`.
pub fn backup_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".mcpreg-backup");
    path.with_file_name(name)
}

/// [`rewrite`], keeping a backup of the old text when `change` asks for one.
/// Returns whether the file changed, and the backup written, if any.
pub fn rewrite_keeping(
    path: &Path,
    lock_timeout: Duration,
    change: impl FnOnce(Option<&str>) -> Result<Change>,
) -> Result<(bool, Option<std::path::PathBuf>)> {
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
    let change = change(current.as_deref())?;
    if current.as_deref().map(str::as_bytes) == Some(&change.bytes[..]) {
        return Ok((false, None));
    }
    fsio::remove_stale_temps(path)?;
    let mut kept = None;
    if let (true, Some(old)) = (change.backup, &current) {
        let backup = backup_path(path);
        if std::fs::symlink_metadata(&backup).is_err() {
            fsio::atomic_write(&backup, old.as_bytes())?;
            kept = Some(backup);
        }
    }
    fsio::atomic_write(path, &change.bytes)?;
    Ok((true, kept))
    // `dir` is closed here, which releases the lock.
}
