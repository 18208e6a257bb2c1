//! `mcpreg run`: start an HTTP MCP server, keep it registered while it lives.

use super::lifecycle::{self, Event, Signals, exit_of, stop};
use super::register::{http_transport, put};
use super::{Context, Exit};
use crate::cli::Run;
use crate::error::{Error, Result};
use crate::mcp::{self, ProbeError, ProbeOptions};
use crate::process::{self, signal_group};
use std::process::{Command, Stdio};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

/// Pause between probes while the server starts.
const PROBE_EVERY: Duration = Duration::from_millis(200);

impl super::Run for Run {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let transport = http_transport(&self.url, self.transport, &self.declare.headers)?;
        let mut registration = self.declare.registration(transport)?;
        registration.ttl.get_or_insert(lifecycle::DEFAULT_TTL);
        let Some((program, args)) = self.command.split_first() else {
            return Err(Error::usage(
                "PROGRAM",
                "give the server's program after `--`",
            ));
        };
        let signals = Signals::catch()?;
        // The kernel SIGTERMs the server should mcpreg die without cleaning up.
        let mut group = process::spawn_group(
            Command::new(program).args(args).stdin(Stdio::null()),
            Some(libc::SIGTERM),
        )
        .map_err(|e| Error::usage("PROGRAM", format!("cannot start {program:?}: {e}")))?;
        let pgid = group.pgid();
        let to = signals.tx.clone();
        std::thread::spawn(move || {
            if let Some(status) = group.wait() {
                let _ = to.send(Event::Exited(status));
            }
        });

        // Probe until the server answers, forwarding signals meanwhile.
        let target = (&registration.transport).into();
        let deadline = Instant::now() + self.startup_timeout;
        let mut last: Option<ProbeError> = None;
        let report = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                stop(pgid, &signals);
                return Err(Error::usage(
                    "--startup-timeout",
                    format!(
                        "{} did not answer MCP within {} ({}); the server was stopped",
                        self.url,
                        humantime::format_duration(self.startup_timeout),
                        last.map_or_else(|| "no probe finished".to_owned(), |e| e.to_string())
                    ),
                ));
            }
            let opts = ProbeOptions {
                timeout: left.min(Duration::from_secs(5)),
                ..ProbeOptions::default()
            };
            match mcp::probe(&target, &opts) {
                Ok(report) => break report,
                Err(e) => last = Some(e),
            }
            match signals.rx.recv_timeout(PROBE_EVERY) {
                Ok(Event::Signal(_)) => return Ok(stop(pgid, &signals)),
                Ok(Event::Exited(status)) => {
                    ctx.ui.warn(format_args!(
                        "run: {program} exited ({status}) before answering MCP at {}",
                        self.url
                    ));
                    signal_group(pgid, libc::SIGTERM);
                    return Ok(exit_of(status));
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
            }
        };
        report.fill(&mut registration);
        if let Err(e) = put(ctx, &registration).and_then(|()| ctx.out.flush()) {
            stop(pgid, &signals);
            return Err(e);
        }
        let exit = lifecycle::keep_alive(ctx, &registration, &signals, Some(pgid))?;
        // Whatever the server left running in its group goes with it.
        signal_group(pgid, libc::SIGTERM);
        Ok(exit)
    }
}
