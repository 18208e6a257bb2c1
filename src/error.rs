//! One error type for everything that ends a command with exit code 2.
//!
//! Each variant carries what the person at the terminal needs to find the fault:
//! the file with line and column, the flag, or the id. Negative answers ("no match",
//! "unknown id") are not errors; commands report them and return exit code 1.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },

    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("{}: {message}", path.display())]
    Registry { path: PathBuf, message: String },

    #[error(
        "{}: gave up after {} waiting for the lock on {} (another writer holds it; --lock-timeout sets the wait)",
        path.display(), humantime::format_duration(*waited), lock.display()
    )]
    LockTimeout {
        path: PathBuf,
        lock: PathBuf,
        waited: Duration,
    },

    #[error("{endpoint}: {source}")]
    Probe {
        endpoint: String,
        source: crate::mcp::ProbeError,
    },

    #[error("{at}: {message}")]
    Etcd { at: String, message: String },

    #[error("{flag}: {message}")]
    Usage { flag: String, message: String },

    /// Writing our own output failed; a closed pipe is not reported (see `main`).
    #[error("writing output: {0}")]
    Output(#[from] io::Error),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn usage(flag: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Usage {
            flag: flag.into(),
            message: message.into(),
        }
    }

    /// A reader whose stdout was closed (`mcpreg find | head -1`) is no failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}
