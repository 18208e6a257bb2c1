//! `scan`: find MCP servers nobody registered (README "Scanning").
//!
//! - [`targets`]: CIDR blocks and single addresses (IPv4, IPv6), port SPECs,
//!   the limits (probes per block, address ranges) and the flat index of
//!   probes the sweep walks.
//! - [`sweep`]: phase 1, non-blocking TCP connects on one event loop per core.
//! - [`identify`]: phase 2, the MCP probe on every open port.
//! - [`ProgressLine`]: the progress line on a terminal's stderr.

pub mod identify;
pub mod sweep;
pub mod targets;

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A scan shorter than this prints no progress at all.
const PROGRESS_AFTER: Duration = Duration::from_secs(1);
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Rewrites one line on stderr while a phase runs, when stderr is a terminal
/// and the phase has taken more than a second; erases it when done.
pub struct ProgressLine {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ProgressLine {
    /// Starts the line, unless `quiet` or stderr is not a terminal; `text`
    /// tells what it says each time it is redrawn.
    pub fn start(quiet: bool, text: impl Fn() -> String + Send + 'static) -> ProgressLine {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut shown = false;
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(PROGRESS_EVERY);
                    if started.elapsed() < PROGRESS_AFTER || stop.load(Ordering::Relaxed) {
                        continue;
                    }
                    eprint!("\r\x1b[Kmcpreg: {}", text());
                    let _ = std::io::stderr().flush();
                    shown = true;
                }
                if shown {
                    eprint!("\r\x1b[K");
                    let _ = std::io::stderr().flush();
                }
            })
        });
        ProgressLine { stop, thread }
    }
}

/// `done/total (pct%)`.
pub fn fraction(done: u64, total: u64) -> String {
    let pct = if total == 0 {
        100
    } else {
        u128::from(done) * 100 / u128::from(total)
    };
    format!("{done}/{total} ({pct}%)")
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
