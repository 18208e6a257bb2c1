//! `mcpreg run`: start an HTTP MCP server, keep it registered while it lives.

use super::lifecycle::{self, Event, Signals, exit_of, stop};
use super::record::{introspect, put};
use super::{Context, Exit};
use crate::args::http_transport;
use crate::cli::Run;
use crate::error::{Error, Result};
use crate::mcp::{self, ProbeOptions};
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
        self.refuse_if_taken(&registration.declared.transport)?;
        let signals = Signals::catch()?;
        // The kernel SIGTERMs the server should mcpreg die without cleaning up.
        let mut group = process::spawn_group(
            Command::new(program).args(args).stdin(Stdio::null()),
            Some(libc::SIGTERM),
        )
        .map_err(|e| Error::runtime("PROGRAM", format!("cannot start {program:?}: {e}")))?;
        let pgid = group.pgid();
        let to = signals.tx.clone();
        std::thread::spawn(move || {
            if let Some(status) = group.wait() {
                let _ = to.send(Event::Exited(status));
            }
        });

        // Probe until the server answers; a signal stops it.
        let deadline = Instant::now() + self.startup_timeout;
        let mut last: Option<Error> = None;
        let report = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                stop(pgid, &signals);
                return Err(Error::runtime(
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
            match introspect(&mut registration, self.transport.is_some(), &opts) {
                Ok(report) => break report,
                // The server answers, but not over the --transport given: final.
                Err(e @ Error::Usage { .. }) => {
                    stop(pgid, &signals);
                    return Err(e);
                }
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
        // What answered must be our child: one that exited meanwhile is not
        // registered (another server may hold the port).
        match signals.rx.try_recv() {
            Ok(Event::Exited(status)) => {
                ctx.ui.warn(format_args!(
                    "run: {program} exited ({status}) as {} answered; not registered",
                    self.url
                ));
                signal_group(pgid, libc::SIGTERM);
                return Ok(exit_of(status));
            }
            Ok(Event::Signal(_)) => return Ok(stop(pgid, &signals)),
            Err(_) => {}
        }
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

impl Run {
    /// Refuses to start a server on a URL where something already answers: the
    /// probe after start would find that other server and register it under our
    /// name. Only a refused (or unreachable) URL is free.
    fn refuse_if_taken(&self, transport: &crate::catalog::Transport) -> Result<()> {
        let opts = ProbeOptions {
            timeout: TAKEN_CHECK.min(self.startup_timeout),
            ..ProbeOptions::default()
        };
        let what = match mcp::probe(transport, &opts) {
            Ok(report) => format!(
                "the MCP server {} {}",
                report.server_name.as_deref().unwrap_or("(unnamed)"),
                report.server_version.as_deref().unwrap_or("")
            )
            .trim_end()
            .to_owned(),
            Err(e) if e.something_answered() => format!("a server that is not this one ({e})"),
            Err(_) => return Ok(()),
        };
        Err(Error::runtime(
            "--url",
            format!(
                "{} already answers before the server is started: {what}; not started",
                self.url
            ),
        ))
    }
}

/// How long `run` asks the URL whether it is already taken.
const TAKEN_CHECK: Duration = Duration::from_secs(2);
