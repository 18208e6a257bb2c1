//! Every file mcpreg reads or replaces goes through here: the registry, its lock,
//! client configs and server.json files, `register --from` inputs.
//!
//! The folder a file lives in may be writable by someone else (a shared /tmp, a
//! project checkout), so nothing here trusts a name to stay what it was:
//!
//! - A temp file is created with `O_EXCL` (which never follows a symlink) under an
//!   unpredictable name in the target's folder, so a planted `.<file>.tmp` link
//!   cannot redirect the write; it is removed again when the write fails.
//! - Only regular files are read or replaced. A device, FIFO, socket or folder at
//!   the path is refused before anything is opened for writing, and files are
//!   opened with `O_NONBLOCK` so a FIFO cannot stall a read.
//! - A symlink to a regular file is written through, the way editors do: the link
//!   stays a link and both names keep meaning one file (and one lock).
//! - Reads are bounded: a file larger than [`max_file_bytes`] is refused, and so is
//!   `/dev/zero` (not a regular file).
//! - A replaced file never becomes readable by group or others: its mode is the old
//!   one narrowed to at most 0600, since registries and configs hold secrets.

use crate::error::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Mode of a file this process creates, and the widest it gives a file it
/// replaces: registries and client configs hold commands, environments and tokens.
pub const SECRET_FILE_MODE: u32 = 0o600;

/// The largest file read when `MCPREG_MAX_FILE_BYTES` does not say otherwise.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 << 20;

/// The environment variable that overrides [`DEFAULT_MAX_FILE_BYTES`].
pub const MAX_FILE_BYTES_VAR: &str = "MCPREG_MAX_FILE_BYTES";

/// How many symlinks [`resolve`] follows before giving up, as the kernel does.
const MAX_LINKS: usize = 40;

/// The size cap of every file read: `MCPREG_MAX_FILE_BYTES`, or 64 MiB.
pub fn max_file_bytes() -> Result<u64> {
    match std::env::var(MAX_FILE_BYTES_VAR) {
        Err(std::env::VarError::NotPresent) => Ok(DEFAULT_MAX_FILE_BYTES),
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(Error::usage(
                MAX_FILE_BYTES_VAR,
                format!("{v:?} is not a positive number of bytes"),
            )),
        },
        Err(std::env::VarError::NotUnicode(v)) => Err(Error::usage(
            MAX_FILE_BYTES_VAR,
            format!("{v:?} is not a positive number of bytes"),
        )),
    }
}

/// The folder a file lives in (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Follows `path` while it names a symlink and returns the name the data lives
/// under (which need not exist yet). Folders on the way are left as they are: a
/// rename in the target's folder is atomic whatever the folder is called.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&at).map_err(|e| Error::io(&at, e))?;
                at = folder_of(&at).join(target);
            }
            Ok(_) => return Ok(at),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(at),
            Err(e) => return Err(Error::io(&at, e)),
        }
    }
    Err(Error::Registry {
        path: path.to_owned(),
        message: format!("more than {MAX_LINKS} symlinks deep; refusing to follow"),
    })
}

/// What a file type is called in a refusal.
fn kind_name(t: fs::FileType) -> &'static str {
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symlink"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "not a regular file"
    }
}

fn not_regular(path: &Path, t: fs::FileType) -> Error {
    Error::Registry {
        path: path.to_owned(),
        message: format!(
            "is {}, not a regular file; refusing to read or replace it",
            kind_name(t)
        ),
    }
}

/// The permission bits of the regular file at `path`, or None when nothing is
/// there. Anything else there (a device, a FIFO, a folder, a symlink left after
/// [`resolve`]) is an error: mcpreg replaces nothing but regular files.
pub fn existing_mode(path: &Path) -> Result<Option<u32>> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => Ok(Some(m.permissions().mode() & 0o7777)),
        Ok(m) => Err(not_regular(path, m.file_type())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The whole of the regular file at `path` (symlinks followed), or None when it
/// does not exist; refuses other kinds of file and files above the size cap.
pub fn read_bounded(path: &Path) -> Result<Option<Vec<u8>>> {
    let cap = max_file_bytes()?;
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    let file = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if !meta.file_type().is_file() {
        return Err(not_regular(path, meta.file_type()));
    }
    let too_big = || Error::Registry {
        path: path.to_owned(),
        message: format!(
            "is larger than the {cap} bytes mcpreg reads ({MAX_FILE_BYTES_VAR} raises the cap)"
        ),
    };
    if meta.len() > cap {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0) + 1);
    // The file may grow while we read: never take more than the cap.
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > cap {
        return Err(too_big());
    }
    Ok(Some(bytes))
}

/// Opens (creating with mode 0600) the lock file at `path`, never through a
/// symlink and never anything but a regular file: a planted link must not make
/// mcpreg create or lock a file elsewhere.
pub fn open_lock_file(path: &Path) -> io::Result<File> {
    if let Ok(m) = fs::symlink_metadata(path)
        && !m.file_type().is_file()
    {
        return Err(io::Error::other(format!(
            "the lock file is {}, not a regular file; remove it",
            kind_name(m.file_type())
        )));
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(SECRET_FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => {
                io::Error::other("the lock file is a symlink, not a regular file; remove it")
            }
            _ => e,
        })?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(io::Error::other(format!(
            "the lock file is {}, not a regular file; remove it",
            kind_name(meta.file_type())
        )));
    }
    Ok(file)
}

/// Temp files of [`atomic_write`] for `path`: `.<file>.<random>.tmp`.
fn temp_prefix(path: &Path) -> std::ffi::OsString {
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(path.file_name().unwrap_or_default());
    prefix.push(".");
    prefix
}

const TEMP_SUFFIX: &str = ".tmp";

/// Removes temp files a killed writer of `path` left behind. The caller holds the
/// lock that excludes every other writer of `path`, so none of them is in use.
/// Only names are removed: unlinking a planted symlink leaves its target alone.
pub fn remove_stale_temps(path: &Path) -> Result<()> {
    let folder = folder_of(path);
    let prefix = temp_prefix(path);
    let prefix = prefix.as_encoded_bytes();
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(folder, e)),
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let bytes = name.as_encoded_bytes();
        let ours = bytes.starts_with(prefix) && bytes.ends_with(TEMP_SUFFIX.as_bytes());
        let is_dir = entry.file_type().map_or(true, |t| t.is_dir());
        if ours && !is_dir {
            match fs::remove_file(entry.path()) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(Error::io(entry.path(), e));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Replaces the regular file `path` (or creates it) with `bytes` so that a reader
/// sees the whole old or the whole new file: a fresh temp file in the same folder
/// (`O_EXCL`, unpredictable name), fsync, rename over `path`, fsync the folder. The
/// new file gets the old file's mode narrowed to at most 0600, or 0600. A failed write
/// removes its temp file. The caller has [`resolve`]d `path` and holds the lock
/// that excludes other writers.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    let mode = existing_mode(path)?.unwrap_or(SECRET_FILE_MODE) & SECRET_FILE_MODE;
    let folder = folder_of(path);
    let mut temp = tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .suffix(TEMP_SUFFIX)
        .permissions(fs::Permissions::from_mode(SECRET_FILE_MODE))
        .tempfile_in(folder)
        .map_err(|e| Error::io(folder, e))?;
    let temp_path = temp.path().to_owned();
    let temp_err = |e| Error::io(&temp_path, e);
    let file = temp.as_file_mut();
    if mode != SECRET_FILE_MODE {
        file.set_permissions(fs::Permissions::from_mode(mode))
            .map_err(temp_err)?;
    }
    file.write_all(bytes).map_err(temp_err)?;
    file.sync_data().map_err(temp_err)?;
    // On failure the temp file is dropped, which removes it.
    temp.persist(path).map_err(|e| Error::io(path, e.error))?;
    File::open(folder)
        .and_then(|dir| dir.sync_all())
        .map_err(|e| Error::io(folder, e))
}
