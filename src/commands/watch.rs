//! `mcpreg watch`: the matching set, then one event per change.
//!
//! The store wakes us when the registry may have changed: inotify on the file's
//! folder (we re-read and compare with what we saw), or etcd's watch stream, whose
//! events carry the entries (we apply them to what we hold, reading nothing). On
//! a file, lease expiry needs no write: we also wake at the next `expires_at` of a
//! live entry. On etcd, expiry is the removal the stream reports.
//! Between wakes the process sleeps in one blocking receive, so an idle watch costs
//! no CPU; it looks once a second whether stdout was closed.

use super::follow::{forward_signals, report_once};
use super::{Context, Exit, Run};
use crate::catalog::changes::{self, Change};
use crate::catalog::{Entry, Query, Timestamp};
use crate::cli::{OutputFormat, Watch};
use crate::error::{Error, Result};
use crate::output::escape;
use crate::process;
use crate::store::{Event, Wake};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
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
        forward_signals("watch", tx.clone())?;
        let _subscription = ctx.store.subscribe(tx)?;

        let mut seen_at = Timestamp::now();
        let mut seen = changes::tracked(ctx.store.list()?, &query, seen_at);
        // Wakes taken off the channel while an --exec command ran, not yet handled.
        let mut pending: VecDeque<Wake> = VecDeque::new();
        if self.exec.is_empty() {
            self.print_initial(ctx, &seen, seen_at)?;
        } else {
            match self.run_exec(ctx, &rx)? {
                Some(during) => pending.extend(during),
                None => return Ok(Exit::Success),
            }
        }
        let by_removal = ctx.store.leases_expire_by_removal();
        let mut trouble: Option<String> = None;
        loop {
            // On etcd a lease that runs out removes its entry, which the stream
            // reports: the clock tells nothing and an idle tick reads nothing.
            let wait = if by_removal {
                IDLE_TICK
            } else {
                until_next_expiry(&seen, seen_at).map_or(IDLE_TICK, |d| d.min(IDLE_TICK))
            };
            let next = match pending.pop_front() {
                Some(wake) => Ok(wake),
                None => rx.recv_timeout(wait),
            };
            let wake = match next {
                Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(Wake::Trouble(message)) => {
                    report_once(ctx, "watch", &mut trouble, message);
                    continue;
                }
                Err(RecvTimeoutError::Timeout) if by_removal => {
                    if ctx.out.is_closed() {
                        break;
                    }
                    continue;
                }
                Err(RecvTimeoutError::Timeout) => Wake::Changed,
                Ok(wake) => wake,
            };
            if ctx.out.is_closed() {
                break;
            }
            let batch = match self.apply(ctx, &query, by_removal, &mut seen, &mut seen_at, wake) {
                Ok(batch) => batch,
                // A broken registry is reported and watched until it is fixed.
                Err(e) => {
                    report_once(ctx, "watch", &mut trouble, e.to_string());
                    continue;
                }
            };
            trouble = None;
            if batch.is_empty() {
                continue;
            }
            if self.exec.is_empty() {
                self.print_changes(ctx, &batch, seen_at)?;
            } else {
                let Some(more) = self.gather(&rx)? else {
                    break;
                };
                // Stream events are applied now (they are not sent again); a
                // "re-read" wake is left to the next turn, which reads anyway.
                for wake in more {
                    if matches!(wake, Wake::Events(_) | Wake::Snapshot(_))
                        && let Err(e) =
                            self.apply(ctx, &query, by_removal, &mut seen, &mut seen_at, wake)
                    {
                        report_once(ctx, "watch", &mut trouble, e.to_string());
                    }
                }
                // What arrived while the command ran is taken next, before
                // anything newer: a change it brings runs the command again.
                match self.run_exec(ctx, &rx)? {
                    Some(during) => pending.extend(during),
                    None => break,
                }
            }
        }
        Ok(Exit::Success)
    }
}

impl Watch {
    /// Brings `seen` up to date with what `wake` says, and returns the changes.
    /// A re-read or a snapshot is compared whole; stream events are applied one
    /// by one, each compared only for its own entry.
    fn apply(
        &self,
        ctx: &mut Context,
        query: &Query,
        by_removal: bool,
        seen: &mut BTreeMap<String, Entry>,
        seen_at: &mut Timestamp,
        wake: Wake,
    ) -> Result<Vec<Change>> {
        let now = Timestamp::now();
        let then = if by_removal { now } else { *seen_at };
        let events = match wake {
            Wake::Events(events) => events,
            Wake::Snapshot(entries) => {
                return Ok(self.replace(seen, seen_at, entries, query, by_removal, now));
            }
            Wake::Changed => {
                let entries = ctx.store.list()?;
                return Ok(self.replace(seen, seen_at, entries, query, by_removal, now));
            }
            Wake::Trouble(_) | Wake::Stop => return Ok(Vec::new()),
        };
        let mut batch = Vec::new();
        for event in events {
            let (id, mut after, ran_out) = match event {
                Event::Put(entry) => {
                    let id = entry.id.clone();
                    (id, changes::tracked(vec![*entry], query, now), false)
                }
                Event::Removed { id, expired } => (id, BTreeMap::new(), expired),
            };
            let mut before: BTreeMap<String, Entry> = seen
                .remove(&id)
                .map(|e| (id.clone(), e))
                .into_iter()
                .collect();
            if by_removal {
                live_at(&mut before, now);
                live_at(&mut after, now);
            }
            if ran_out {
                // Seen once more, with its lease run out: `expired`, as on a file.
                let mut last = before.clone();
                for lease in last.values_mut().filter_map(|e| e.lease.as_mut()) {
                    lease.expires_at = now;
                }
                batch.extend(changes::between(&before, then, &last, now, query.status));
                continue;
            }
            batch.extend(changes::between(&before, then, &after, now, query.status));
            seen.extend(after);
        }
        *seen_at = now;
        Ok(batch)
    }

    fn replace(
        &self,
        seen: &mut BTreeMap<String, Entry>,
        seen_at: &mut Timestamp,
        entries: Vec<Entry>,
        query: &Query,
        by_removal: bool,
        now: Timestamp,
    ) -> Vec<Change> {
        let mut current = changes::tracked(entries, query, now);
        let then = if by_removal {
            live_at(seen, now);
            live_at(&mut current, now);
            now
        } else {
            *seen_at
        };
        let batch = changes::between(seen, then, &current, now, query.status);
        (*seen, *seen_at) = (current, now);
        batch
    }

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
                        .line(format_args!("{} {}", change.kind.name(), e.id))?;
                }
                OutputFormat::Table => {
                    let detail = if change.fields.is_empty() {
                        format!("{} {}", e.declared.name, e.declared.transport.endpoint())
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
    /// `MAX_BATCH_DELAY`); returns the wakes gathered, to be applied before the
    /// command runs, or None when asked to stop.
    fn gather(&self, rx: &Receiver<Wake>) -> Result<Option<Vec<Wake>>> {
        let started = Instant::now();
        let mut gathered = Vec::new();
        loop {
            let left = MAX_BATCH_DELAY.saturating_sub(started.elapsed());
            match rx.recv_timeout(self.debounce.min(left)) {
                Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => return Ok(None),
                Ok(wake) => {
                    gathered.push(wake);
                    if left.is_zero() {
                        return Ok(Some(gathered));
                    }
                }
                Err(RecvTimeoutError::Timeout) => return Ok(Some(gathered)),
            }
        }
    }

    /// Runs the --exec command and waits for it: never two at once. A stop
    /// request meanwhile stops the command's process group (SIGTERM, at most
    /// `process::STOP_GRACE`, SIGKILL) and returns None. Otherwise returns the
    /// wakes that arrived while it ran: etcd's stream events are not sent twice,
    /// so they must be applied (a file's re-read wake is redundant: the next turn
    /// of the loop compares anyway).
    fn run_exec(&self, ctx: &mut Context, rx: &Receiver<Wake>) -> Result<Option<Vec<Wake>>> {
        let Some((program, args)) = self.exec.split_first() else {
            return Ok(Some(Vec::new()));
        };
        let mut during = Vec::new();
        ctx.out.flush()?;
        let mut group = process::spawn_group(Command::new(program).args(args), Some(libc::SIGTERM))
            .map_err(|e| Error::runtime("--exec", format!("cannot run {program:?}: {e}")))?;
        let status = loop {
            if let Some(status) = group.try_wait() {
                break status;
            }
            match rx.recv_timeout(EXEC_POLL) {
                Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => {
                    group.stop(process::STOP_GRACE);
                    return Ok(None);
                }
                Ok(wake) => during.push(wake),
                Err(RecvTimeoutError::Timeout) => {}
            }
        };
        // What the command left running in its group does not outlive it.
        group.stop_rest(Duration::from_millis(200));
        if !status.success() {
            ctx.ui
                .warn(format_args!("watch --exec: {program} {status}"));
        }
        Ok(Some(during))
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

/// Shows leased entries of a store whose expiry is a removal as live at `now`:
/// an entry the stream has not removed still holds its lease.
fn live_at(entries: &mut BTreeMap<String, Entry>, now: Timestamp) {
    for lease in entries.values_mut().filter_map(|e| e.lease.as_mut()) {
        lease.expires_at = now.plus(lease.ttl());
    }
}
