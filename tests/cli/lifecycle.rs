//! `register --keepalive` and `run`, driven through real signals: heartbeats, a
//! registration that survives a prune, and nothing left behind afterwards.

use crate::support::{Reg, eventually, read_pid};
use std::io::{BufRead, BufReader};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

pub(crate) const SERVER: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mcp_http_server.py");

/// A child killed (SIGKILL) and reaped if a test fails half-way.
pub(crate) struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Guard {
    pub(crate) fn spawn(mut cmd: std::process::Command) -> Guard {
        Guard(
            cmd.stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("start mcpreg"),
        )
    }

    /// The first line on stdout: the id, printed once registered.
    pub(crate) fn id(&mut self) -> String {
        let stdout = self.0.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("an id within 60s");
        assert!(!line.trim().is_empty(), "mcpreg printed no id");
        line.trim().to_owned()
    }

    pub(crate) fn signal(&self, signal: i32) {
        assert_eq!(crate::support::kill(&self.0, signal), 0);
    }

    pub(crate) fn wait(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "mcpreg did not exit within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The lease's expiry as the entry records it.
fn expires_at(reg: &Reg, id: &str) -> SystemTime {
    let e = reg.entry(id);
    let at = e["lease"]["expires_at"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    humantime::parse_rfc3339_weak(&at)
        .unwrap_or_else(|err| panic!("{id}: expires_at {at:?}: {err}"))
}

/// Waits for the next heartbeat of `id` and checks it came before the lease ran
/// out: the new expiry is less than one ttl after the one before. This is what
/// "heartbeats every ttl/3" promises, checked on the product's own clock rather
/// than on how soon the test looks.
#[track_caller]
fn renewed_in_time(reg: &Reg, id: &str, ttl: Duration) {
    let first = expires_at(reg, id);
    let mut next = first;
    eventually("a heartbeat", || {
        next = expires_at(reg, id);
        next != first
    });
    let gap = next.duration_since(first).unwrap_or_default();
    assert!(
        gap > Duration::ZERO && gap < ttl,
        "renewed {gap:?} later, ttl {ttl:?}"
    );
}

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence.
    unsafe { libc::kill(pid, 0) == 0 }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port()
}

#[test]
fn keepalive_heartbeats_registers_again_after_a_prune_and_deregisters_on_a_signal() {
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let reg = Reg::new();
        let mut kept = Guard::spawn(reg.cmd(&[
            "register",
            "--name",
            "kept",
            "--ttl",
            "3s",
            "--keepalive",
            "--",
            "/usr/bin/true",
        ]));
        let id = kept.id();
        renewed_in_time(&reg, &id, Duration::from_secs(3));
        reg.run(&["deregister", &id]).ok();
        eventually("registered again", || reg.ids().contains(&id));
        kept.signal(signal);
        let status = kept.wait(Duration::from_secs(60));
        assert_eq!(status.code(), Some(0), "signal {signal}");
        assert!(
            !reg.ids().contains(&id),
            "deregistered after signal {signal}"
        );
    }
}

#[test]
fn keepalive_needs_a_ttl() {
    let reg = Reg::new();
    reg.run(&[
        "register",
        "--name",
        "k",
        "--keepalive",
        "--",
        "/usr/bin/true",
    ])
    .code(2)
    .stderr_has("--ttl");
    assert!(reg.bytes().is_none());
}

#[test]
fn run_registers_the_server_once_it_answers_forwards_signals_and_deregisters() {
    let reg = Reg::new();
    let port = free_port().to_string();
    let url = format!("http://127.0.0.1:{port}/mcp");
    let pidfile = reg.folder().join("server.pid");
    let mut run = Guard::spawn(reg.cmd(&[
        "run",
        "--name",
        "py",
        "--ttl",
        "3s",
        "--tag",
        "t",
        "--url",
        &url,
        "--",
        "python3",
        SERVER,
        &port,
        pidfile.to_str().unwrap(),
    ]));
    let id = run.id();
    let entry = reg.entry(&id);
    assert_eq!(entry["tools"][0]["name"], "echo", "introspected: {entry}");
    assert_eq!(entry["version"], "4.5.6");
    assert_eq!(entry["health"]["status"], "ok");
    assert_eq!(entry["lease"]["ttl_s"], 3);
    assert_eq!(entry["tags"][0], "t");
    let pid = read_pid(&pidfile);
    assert!(alive(pid));
    renewed_in_time(&reg, &id, Duration::from_secs(3));

    run.signal(libc::SIGINT);
    let status = run.wait(Duration::from_secs(60));
    assert_eq!(
        status.code(),
        Some(0),
        "the server's own status (it exits 0 on SIGINT)"
    );
    assert!(!alive(pid), "the server is gone");
    assert!(!reg.ids().contains(&id), "and so is its entry");
}

#[test]
fn run_exits_with_the_status_of_its_server() {
    let reg = Reg::new();
    let port = free_port().to_string();
    let url = format!("http://127.0.0.1:{port}/mcp");
    let pidfile = reg.folder().join("server.pid");
    // Serves until we send it SIGUSR1, then exits 7 by itself (the 600s timer only
    // bounds a hang). A fixed lifetime raced the registration on a slow machine.
    let mut run = Guard::spawn(reg.cmd(&[
        "run",
        "--name",
        "py",
        "--ttl",
        "3s",
        "--url",
        &url,
        "--",
        "python3",
        SERVER,
        &port,
        pidfile.to_str().unwrap(),
        "600",
        "7",
    ]));
    let id = run.id();
    assert!(reg.ids().contains(&id));
    let pid = read_pid(&pidfile);
    // SAFETY: kill has no memory preconditions.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGUSR1) }, 0);
    let status = run.wait(Duration::from_secs(60));
    assert_eq!(status.code(), Some(7));
    assert!(!reg.ids().contains(&id));

    // A server that dies before answering is never registered; its status is passed on.
    let url = format!("http://127.0.0.1:{}/mcp", free_port());
    let out = reg
        .run(&[
            "run", "--name", "dies", "--url", &url, "--", "sh", "-c", "exit 3",
        ])
        .code(3);
    assert!(out.stderr.contains("before answering"), "{}", out.stderr);
    assert!(reg.ids().is_empty());
}
