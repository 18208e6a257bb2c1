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
/// Returns whether the file changed.
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
    let change = change(current.as_deref())?;
    if current.as_deref().map(str::as_bytes) == Some(&change.bytes[..]) {
        return Ok((false, None));
    }
    let mut kept = None;
    if let (true, Some(old)) = (change.backup, &current) {
        let backup = backup_path(path);
        if std::fs::symlink_metadata(&backup).is_err() {
            atomic_write(&backup, old.as_bytes(), NEW_FILE_MODE)?;
            kept = Some(backup);
        }
    }
    atomic_write(path, &change.bytes, mode)?;
    Ok((true, kept))
    // `dir` is closed here, which releases the lock.
}
