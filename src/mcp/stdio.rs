//! The stdio transport: a child process speaking newline-delimited JSON-RPC.
//!
//! - argv is spawned directly, never through a shell; `env` is added to the
//!   inherited environment.
//! - The child is put in its own process group (pgid = its pid) so that
//!   teardown can signal the group and reach grandchildren too; what left the
//!   group (`setsid`) is re-parented to mcpreg and swept (`crate::process`).
//! - stderr goes to /dev/null: a server that floods stderr cannot block on a
//!   full pipe nobody reads, and its logs are not ours to print.
//! - A reader thread reads stdout line by line into a channel, so every wait
//!   for an answer is a `recv_timeout` with the probe's deadline. It enforces
//!   the probe's byte cap (which also caps the length of one line).
//! - Notifications are skipped. Server requests are answered as on every
//!   transport (`transport::answer_to`: `ping` with an empty result, anything
//!   else with -32601 "method not found").
//! - Teardown, always (also on timeout, error or panic, via `Drop`): close
//!   stdin, wait up to 25 ms; SIGTERM the group, wait up to 400 ms; SIGKILL
//!   the group; reap the child. If the child went away on its own, any
//!   remaining members of its group are sent SIGTERM, then SIGKILL. Then every
//!   orphan re-parented to mcpreg is killed and reaped.
//!
//! Writes to stdin are not bounded by the deadline: our messages are a few
//! hundred bytes, far below a pipe buffer, so a child that never reads its
//! stdin cannot block us.

use super::jsonrpc::{self, Id, RpcError};
use super::transport::{Budget, Clock, Heard, Transport, answer_to, heard, params_opt};
use super::{ProbeError, io_reason};
use crate::catalog::TransportKind;
use crate::process::{self, Group};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread;
use std::time::{Duration, Instant};

enum FromChild {
    Line(Vec<u8>),
    Eof,
    TooLarge,
    Failed(io::Error),
}

pub(super) struct StdioTransport {
    group: Option<Group>,
    stdin: Option<ChildStdin>,
    rx: Receiver<FromChild>,
    next_id: i64,
    line_no: u64,
    clock: Clock,
    budget: Budget,
    /// Set once the reader reported EOF or an error: no more lines come.
    done: bool,
    /// Answers to earlier requests that came after we stopped waiting.
    late: HashMap<i64, Result<Value, RpcError>>,
}

/// How long a server may take to exit after its stdin closed, before SIGTERM.
const STDIN_CLOSE_GRACE: Duration = Duration::from_millis(25);

impl StdioTransport {
    pub(super) fn spawn(
        command: &str,
        args: &[String],
        env: &BTreeMap<String, String>,
        cwd: Option<&str>,
        clock: &Clock,
        budget: &Budget,
    ) -> Result<Self, ProbeError> {
        process::become_subreaper();
        let mut program = Command::new(command);
        program
            .args(args)
            .envs(env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(cwd) = cwd {
            program.current_dir(cwd);
        }
        let mut group = process::spawn_group(&mut program, Some(libc::SIGKILL)).map_err(|e| {
            ProbeError::Spawn {
                command: match cwd {
                    Some(cwd) => format!("{command}` in `{cwd}"),
                    None => command.to_string(),
                },
                reason: io_reason(&e),
            }
        })?;
        let stdin = group.child_mut().stdin.take();
        let Some(stdout) = group.child_mut().stdout.take() else {
            group.stop(Duration::ZERO);
            return Err(ProbeError::Io("the server's stdout was not piped".into()));
        };
        // A small bound: the reader runs at most a few lines ahead of us.
        let (tx, rx) = sync_channel(64);
        let thread_budget = budget.clone();
        let spawned = thread::Builder::new()
            .name("mcp-stdio-reader".into())
            .spawn(move || {
                let mut r = BufReader::with_capacity(64 * 1024, stdout);
                loop {
                    let msg = match read_line(&mut r, &thread_budget) {
                        Ok(Some(line)) => FromChild::Line(line),
                        Ok(None) => FromChild::Eof,
                        Err(LineError::TooLarge) => FromChild::TooLarge,
                        Err(LineError::Io(e)) => FromChild::Failed(e),
                    };
                    let last = !matches!(msg, FromChild::Line(_));
                    if tx.send(msg).is_err() || last {
                        return;
                    }
                }
            });
        let mut t = StdioTransport {
            group: Some(group),
            stdin,
            rx,
            next_id: 0,
            line_no: 0,
            clock: *clock,
            budget: budget.clone(),
            done: false,
            late: HashMap::new(),
        };
        if let Err(e) = spawned {
            t.shutdown();
            return Err(ProbeError::Io(format!("cannot start a reader thread: {e}")));
        }
        Ok(t)
    }

    fn send(&mut self, msg: &Value, waiting_for: &str) -> Result<(), ProbeError> {
        let mut line = serde_json::to_vec(msg).expect("a JSON value serializes");
        line.push(b'\n');
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(self.gone(waiting_for));
        };
        match stdin.write_all(&line).and_then(|()| stdin.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(self.gone(waiting_for)),
            Err(e) => Err(ProbeError::Io(format!(
                "writing to the server's stdin: {}",
                io_reason(&e)
            ))),
        }
    }

    /// The error for "the server is not there any more".
    fn gone(&mut self, waiting_for: &str) -> ProbeError {
        // Give a dying child a moment so the exit status can be named.
        if let Some(group) = self.group.as_mut()
            && let Some(status) = group.wait_for(Duration::from_millis(100))
        {
            return ProbeError::Exited {
                waiting_for: waiting_for.to_string(),
                status: status.to_string(),
            };
        }
        ProbeError::Closed {
            what: "stdout".into(),
            waiting_for: waiting_for.to_string(),
        }
    }

    fn answer_server_request(&mut self, id: &Id, method: &str) {
        // Best effort: if the child is gone we learn it on the next read.
        let _ = self.send(&answer_to(id, method), method);
    }

    /// Wait for the next line before `deadline`.
    fn next_line(&mut self, deadline: Instant, waiting_for: &str) -> Result<Vec<u8>, ProbeError> {
        if self.done {
            return Err(self.gone(waiting_for));
        }
        let msg = self
            .clock
            .receive(&self.rx, deadline, waiting_for, FromChild::Eof)?;
        match msg {
            FromChild::Line(l) => {
                self.line_no += 1;
                Ok(l)
            }
            FromChild::Eof => {
                self.done = true;
                Err(self.gone(waiting_for))
            }
            FromChild::TooLarge => {
                self.done = true;
                Err(self.budget.too_large())
            }
            FromChild::Failed(e) => {
                self.done = true;
                Err(ProbeError::Io(format!(
                    "reading the server's stdout: {}",
                    io_reason(&e)
                )))
            }
        }
    }

    /// Close stdin, then SIGTERM, then SIGKILL the process group; reap; then
    /// kill whatever the server left outside its group (see `crate::process`).
    /// Idempotent: `Drop` calls it, and so does a failed `spawn`.
    fn shutdown(&mut self) {
        drop(self.stdin.take());
        let Some(mut group) = self.group.take() else {
            return;
        };
        // A server that exits on EOF does so at once; one that does not (node's
        // shutdown takes a third of a second) would only make every probe slower.
        if group.wait_for(STDIN_CLOSE_GRACE).is_none() {
            group.stop(Duration::from_millis(400));
        } else {
            // The leader is reaped; sweep what is left of its group.
            group.stop_rest(Duration::from_millis(200));
        }
        process::sweep_orphans(Duration::from_secs(2));
    }
}

impl Transport for StdioTransport {
    fn kind(&self) -> TransportKind {
        TransportKind::Stdio
    }

    fn request(
        &mut self,
        method: &str,
        params: Value,
        deadline: Instant,
    ) -> Result<Result<Value, RpcError>, ProbeError> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&jsonrpc::request(id, method, params_opt(params)), method)?;
        loop {
            let line = self.next_line(deadline, method)?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let messages = jsonrpc::parse(&line).map_err(|e| match e {
                jsonrpc::FramingError::Json {
                    message, column, ..
                } => ProbeError::InvalidJson {
                    location: format!("line {} column {column}", self.line_no),
                    detail: message,
                },
                jsonrpc::FramingError::Invalid(why) => {
                    ProbeError::InvalidMessage(format!("line {}: {why}", self.line_no))
                }
            })?;
            for m in messages {
                match heard(m, id) {
                    Heard::Answer(outcome) => return Ok(outcome),
                    // Kept for `take_late` (a few at most).
                    Heard::Earlier(n, outcome) if self.late.len() < 16 => {
                        self.late.insert(n, outcome);
                    }
                    Heard::Asked(id, method) => self.answer_server_request(&id, &method),
                    Heard::Earlier(..) | Heard::Nothing => {}
                }
            }
        }
    }

    fn notify(
        &mut self,
        method: &str,
        params: Value,
        _deadline: Instant,
    ) -> Result<(), ProbeError> {
        self.send(&jsonrpc::notification(method, params_opt(params)), method)
    }

    fn take_late(&mut self, id: i64) -> Option<Result<Value, RpcError>> {
        self.late.remove(&id)
    }
}

impl Drop for StdioTransport {
    fn drop(&mut self) {
        self.shutdown();
    }
}

enum LineError {
    TooLarge,
    Io(io::Error),
}

/// One line without its `\n`, charged to the budget as it is read, so a line
/// without end cannot grow past the cap. `None` at EOF; a last line without
/// `\n` is still returned.
fn read_line<R: Read>(r: &mut BufReader<R>, budget: &Budget) -> Result<Option<Vec<u8>>, LineError> {
    let mut line = Vec::new();
    loop {
        let buf = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(LineError::Io(e)),
        };
        if buf.is_empty() {
            return Ok(if line.is_empty() { None } else { Some(line) });
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if budget.charge(take as u64).is_err() {
            return Err(LineError::TooLarge);
        }
        line.extend_from_slice(&buf[..take - usize::from(done)]);
        r.consume(take);
        if done {
            return Ok(Some(line));
        }
    }
}
