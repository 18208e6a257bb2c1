//! One error type for everything that ends a command with exit code 2.
//!
//! Each variant carries what the person at the terminal needs to find the fault:
//! the file with line and column, the flag, or the id. Negative answers ("no match",
//! "unknown id") are not errors; commands report them and return exit code 1.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// The exit code of an error (see [`Error::code`]).
pub const EXIT_CODE: u8 = 2;

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

    /// A flag or argument that cannot be used as given.
    #[error("{flag}: {message}")]
    Usage { flag: String, message: String },

    /// Something the command had to do failed while it ran (a program that would
    /// not start, a server that never answered, a socket that would not bind): the
    /// arguments were fine. `what` names the step, flag or file it was about.
    #[error("{what}: {message}")]
    Runtime { what: String, message: String },

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

    pub fn runtime(what: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Runtime {
            what: what.into(),
            message: message.into(),
        }
    }

    /// The exit code of a command that ends with this error. Every error is 2
    /// today (1 is a negative answer, not an error); the match is exhaustive so
    /// that a new variant decides its own.
    pub fn code(&self) -> u8 {
        match self {
            Error::Io { .. }
            | Error::Parse { .. }
            | Error::Registry { .. }
            | Error::LockTimeout { .. }
            | Error::Probe { .. }
            | Error::Etcd { .. }
            | Error::Usage { .. }
            | Error::Runtime { .. }
            | Error::Output(_) => EXIT_CODE,
        }
    }

    /// A reader whose stdout was closed (`mcpreg find | head -1`) is no failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}
