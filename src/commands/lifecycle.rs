//! Staying registered while a server lives: `register --keepalive` and `run`.
//!
//! No async runtime: a signal thread (`crate::process::on_stop_signal`) turns SIGINT
//! and SIGTERM into events on a channel, `run` adds a thread that waits for its
//! child and sends its exit status on the same channel, and the main thread
//! heartbeats on `recv_timeout`'s clock. A signal ends the wait at once: `run`
//! then stops its server's group (SIGTERM, at most `process::STOP_GRACE`, SIGKILL).

use super::{Context, Exit};
use crate::catalog::Timestamp;
use crate::catalog::registration::Registration;
use crate::error::{Error, Result};
use crate::process;
use crate::store::Touched;
use std::process::ExitStatus;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// The ttl of `run` when --ttl is not given.
pub const DEFAULT_TTL: Duration = Duration::from_secs(30);

pub enum Event {
    Signal(i32),
    Exited(ExitStatus),
}

/// SIGINT and SIGTERM, caught from now on and delivered as events.
pub struct Signals {
    pub rx: Receiver<Event>,
    pub tx: Sender<Event>,
}

impl Signals {
    pub fn catch() -> Result<Self> {
        let (tx, rx) = mpsc::channel();
        let to = tx.clone();
        crate::process::on_stop_signal(move |signal| {
            let _ = to.send(Event::Signal(signal));
        })
        .map_err(|e| Error::runtime("--keepalive", format!("cannot catch signals: {e}")))?;
        Ok(Signals { rx, tx })
    }
}

/// The exit status of `run`: the child's code, or 128 + the signal that ended it.
pub fn exit_of(status: ExitStatus) -> Exit {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Child(u8::try_from(code & 0xff).unwrap_or(1)),
        (None, Some(signal)) => Exit::Child(u8::try_from(128 + signal).unwrap_or(255)),
        (None, None) => Exit::Error,
    }
}

/// Heartbeats `registration` every ttl/3 until a signal or the child's exit; then
/// deregisters. With `child` (the server's process group), a signal stops that
/// group (SIGTERM, at most `process::STOP_GRACE`, then SIGKILL) and the exit is the
/// server's.
pub fn keep_alive(
    ctx: &mut Context,
    registration: &Registration,
    signals: &Signals,
    child: Option<i32>,
) -> Result<Exit> {
    let every = registration.ttl.unwrap_or(DEFAULT_TTL) / 3;
    let mut next = Instant::now() + every;
    let exit = loop {
        match signals
            .rx
            .recv_timeout(next.saturating_duration_since(Instant::now()))
        {
            Ok(Event::Signal(signal)) => {
                ctx.ui.note(format_args!(
                    "{}: signal {signal}; deregistering",
                    registration.id
                ));
                match child {
                    None => break Exit::Success,
                    Some(pgid) => break stop(pgid, signals),
                }
            }
            Ok(Event::Exited(status)) => {
                ctx.ui.note(format_args!(
                    "{}: server exited ({status}); deregistering",
                    registration.id
                ));
                break exit_of(status);
            }
            Err(RecvTimeoutError::Timeout) => {
                heartbeat(ctx, registration);
                next = Instant::now() + every;
            }
            Err(RecvTimeoutError::Disconnected) => break Exit::Error,
        }
    };
    if let Err(e) = ctx.store.remove(std::slice::from_ref(&registration.id)) {
        ctx.ui.warn(format_args!(
            "{}: could not deregister: {e}",
            registration.id
        ));
        return Ok(Exit::Error);
    }
    Ok(exit)
}

/// One heartbeat; registers again when a prune removed the entry. Failures are
/// reported and retried at the next beat: a lock held for a moment must not end a
/// server's registration.
fn heartbeat(ctx: &mut Context, registration: &Registration) {
    let now = Timestamp::now();
    match ctx
        .store
        .touch(std::slice::from_ref(&registration.id), None, now)
    {
        Ok(touched) if touched.first() == Some(&Touched::Missing) => {
            ctx.ui.warn(format_args!(
                "{}: no longer registered (pruned?); registering again",
                registration.id
            ));
            if let Err(e) = ctx.store.upsert(&registration.id, &mut |current| {
                registration.apply(current, now)
            }) {
                ctx.ui.warn(format_args!(
                    "{}: registering again failed: {e}",
                    registration.id
                ));
            }
        }
        Ok(_) => ctx.ui.note(format_args!("{}: heartbeat", registration.id)),
        Err(e) => ctx
            .ui
            .warn(format_args!("{}: heartbeat failed: {e}", registration.id)),
    }
}

/// SIGTERM to the server's group, SIGKILL if it has not exited after
/// `process::STOP_GRACE` (`process::stop_group`); the exit is the server's status.
pub fn stop(pgid: i32, signals: &Signals) -> Exit {
    process::stop_group(pgid, process::STOP_GRACE, &mut Reported(&signals.rx))
        .map_or(Exit::Error, exit_of)
}

/// The exit of `run`'s server as the thread that waits on it reports it, on the
/// channel of signals; a signal meanwhile changes nothing, a stop is under way.
struct Reported<'a>(&'a Receiver<Event>);

impl process::Leader for Reported<'_> {
    fn exit_within(&mut self, max: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + max;
        loop {
            match self
                .0
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(Event::Exited(status)) => return Some(status),
                Ok(Event::Signal(_)) => {}
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Bounded all the same: should the waiting thread never report (its wait
    /// failed), `run` still ends.
    fn killed(&mut self) -> Option<ExitStatus> {
        self.exit_within(process::STOP_GRACE)
    }
}
