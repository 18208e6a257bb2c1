//! `mcpreg watch`: the matching set, then one event per change.
//!
//! The store wakes us when the registry may have changed (inotify on the file's
//! folder, or etcd's watch stream); we re-read and compare with what we saw. Lease
//! expiry needs no write: we also wake at the next `expires_at` of a live entry.
//! Between wakes the process sleeps in one blocking receive, so an idle watch costs
//! no CPU; it looks once a second whether stdout was closed.

use super::{Context, Exit, Run};
use crate::catalog::changes::{self, Change};
use crate::catalog::{Entry, Timestamp};
use crate::cli::{OutputFormat, Watch};
use crate::error::{Error, Result};
use crate::output::escape;
use crate::process;
use crate::store::Wake;
use serde::Serialize;
use std::collections::BTreeMap;
use std::process::Command;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Longest sleep between two looks at stdout.
const IDLE_TICK: Duration = Duration::from_secs(1);
/// Longest a batch for --exec is held back while changes keep coming.
const MAX_BATCH_DELAY: Duration = Duration::from_secs(2);
/// How often a running --exec command is checked for its exit.
const EXEC_POLL: Duration = Duration::from_millis(20);

#[derive(Serialize)]
struct EventLine<'a> {
    event: &'a str,
    id: &'a str,
    at: Timestamp,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    fields: &'a [&'static str],
    server: &'a Entry,
}

impl Run for Watch {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let query = self.filters.query()?;
        let (tx, rx) = mpsc::channel();
        forward_signals(tx.clone())?;
        let _subscription = ctx.store.subscribe(tx)?;

        let mut seen_at = Timestamp::now();
        let mut seen = changes::tracked(ctx.store.list()?, &query, seen_at);
        if self.exec.is_empty() {
            self.print_initial(ctx, &seen, seen_at)?;
        } else {
            if self.run_exec(ctx, &rx)? {
                return Ok(Exit::Success);
            }
        }
        let mut trouble: Option<String> = None;
        loop {
            let wait = until_next_expiry(&seen, seen_at).map_or(IDLE_TICK, |d| d.min(IDLE_TICK));
            match rx.recv_timeout(wait) {
                Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(Wake::Trouble(message)) => {
                    report_once(ctx, "watch", &mut trouble, message);
                    continue;
                }
                Ok(Wake::Changed) | Err(RecvTimeoutError::Timeout) => {}
            }
            if ctx.out.is_closed() {
                break;
            }
            let now = Timestamp::now();
            let current = match ctx.store.list() {
                Ok(entries) => changes::tracked(entries, &query, now),
                // A broken registry is reported and watched until it is fixed.
                Err(e) => {
                    report_once(ctx, "watch", &mut trouble, e.to_string());
                    continue;
                }
            };
            trouble = None;
            let batch = changes::between(&seen, seen_at, &current, now, query.status);
            (seen, seen_at) = (current, now);
            if batch.is_empty() {
                continue;
            }
            if self.exec.is_empty() {
                self.print_changes(ctx, &batch, now)?;
            } else {
                if self.gather(&rx)? || self.run_exec(ctx, &rx)? {
                    break;
                }
            }
        }
        Ok(Exit::Success)
    }
}

impl Watch {
    fn print_initial(
        &self,
        ctx: &mut Context,
        seen: &BTreeMap<String, Entry>,
        now: Timestamp,
    ) -> Result<()> {
        let shown: Vec<Entry> = seen
            .values()
            .filter(|e| self.filters.status.admits(e.lease_state(now).is_live()))
            .cloned()
            .collect();
        match ctx.out.format {
            OutputFormat::Json => {
                for e in &shown {
                    self.json_line(ctx, "present", e, &[], now)?;
                }
            }
            _ => ctx.out.entries(&shown, now)?,
        }
        ctx.out.flush()
    }

    fn print_changes(&self, ctx: &mut Context, batch: &[Change], now: Timestamp) -> Result<()> {
        for change in batch {
            let e = &change.entry;
            match ctx.out.format {
                OutputFormat::Json | OutputFormat::Yaml => {
                    self.json_line(ctx, change.kind.name(), e, &change.fields, now)?;
                }
                OutputFormat::Ids => {
                    ctx.out
                        .line(format_args!("{} {}", change.kind.name(), e.id))?
                }
                OutputFormat::Table => {
                    let detail = if change.fields.is_empty() {
                        format!("{} {}", e.name, e.transport.endpoint())
                    } else {
                        change.fields.join(", ")
                    };
                    ctx.out.line(format_args!(
                        "{now}  {:<8} {}  {}",
                        change.kind.name(),
                        escape(&e.id),
                        escape(&detail)
                    ))?;
                }
            }
        }
        ctx.out.flush()
    }

    fn json_line(
        &self,
        ctx: &mut Context,
        event: &str,
        e: &Entry,
        fields: &[&'static str],
        at: Timestamp,
    ) -> Result<()> {
        let line = serde_json::to_string(&EventLine {
            event,
            id: &e.id,
            at,
            fields,
            server: e,
        })
        .map_err(std::io::Error::from)?;
        ctx.out.line(line)
    }

    /// Holds a batch back until no wake came for `--debounce` (at most
    /// MAX_BATCH_DELAY); the changes gathered are read by the next loop turn.
    /// Returns true when asked to stop.
    fn gather(&self, rx: &Receiver<Wake>) -> Result<bool> {
        let started = Instant::now();
        loop {
            let left = MAX_BATCH_DELAY.saturating_sub(started.elapsed());
            match rx.recv_timeout(self.debounce.min(left)) {
                Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => return Ok(true),
                Ok(_) if !left.is_zero() => {}
                Ok(_) | Err(RecvTimeoutError::Timeout) => return Ok(false),
            }
        }
    }

    /// Runs the --exec command and waits for it: never two at once. A stop
    /// request meanwhile stops the command's process group (SIGTERM, at most
    /// `process::STOP_GRACE`, SIGKILL) and returns true. Changes that arrive while
    /// the command runs need no wake: the next turn of the loop compares anyway.
    fn run_exec(&self, ctx: &mut Context, rx: &Receiver<Wake>) -> Result<bool> {
        let Some((program, args)) = self.exec.split_first() else {
            return Ok(false);
        };
        ctx.out.flush()?;
        let mut group = process::spawn_group(Command::new(program).args(args), Some(libc::SIGTERM))
            .map_err(|e| Error::usage("--exec", format!("cannot run {program:?}: {e}")))?;
        let status = loop {
            if let Some(status) = group.try_wait() {
                break status;
            }
            match rx.recv_timeout(EXEC_POLL) {
                Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => {
                    group.stop(process::STOP_GRACE);
                    return Ok(true);
                }
                Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            }
        };
        // What the command left running in its group does not outlive it.
        group.stop_rest(Duration::from_millis(200));
        if !status.success() {
            ctx.ui
                .warn(format_args!("watch --exec: {program} {status}"));
        }
        Ok(false)
    }
}

/// Time until the earliest lease among live entries runs out.
fn until_next_expiry(seen: &BTreeMap<String, Entry>, now: Timestamp) -> Option<Duration> {
    seen.values()
        .filter_map(|e| e.lease.map(|l| l.expires_at))
        .filter(|at| *at > now)
        .min()
        .map(|at| at.remaining_at(now) + Duration::from_millis(1))
}

/// Says each distinct problem once, not once a wake; `who` names the command.
pub(super) fn report_once(ctx: &Context, who: &str, last: &mut Option<String>, message: String) {
    if last.as_deref() != Some(message.as_str()) {
        ctx.ui.warn(format_args!("{who}: {message}"));
        *last = Some(message);
    }
}

/// SIGINT and SIGTERM end the watch (or serve), at once (a running --exec
/// command is stopped first).
pub(super) fn forward_signals(tx: mpsc::Sender<Wake>) -> Result<()> {
    process::on_stop_signal(move |_| {
        let _ = tx.send(Wake::Stop);
    })
    .map_err(|e| Error::usage("watch", format!("cannot handle SIGINT and SIGTERM: {e}")))
}
