//! `mcpreg watch`: events for every kind of change, in order, under concurrent
//! writers, without writes for expiry, `--exec` batching, a corrupt registry, and
//! ending on a signal or a closed stdout.

use crate::support::{Reg, finish};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// A running `watch --json`, its events read on a thread.
struct Watcher {
    child: Child,
    events: Receiver<serde_json::Value>,
}

impl Watcher {
    fn start(reg: &Reg, args: &[&str]) -> Watcher {
        let mut all = vec!["watch", "--json"];
        all.extend_from_slice(args);
        let mut child = reg
            .cmd(&all)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start watch");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let event = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
                if tx.send(event).is_err() {
                    break;
                }
            }
        });
        Watcher { child, events: rx }
    }

    /// The next event, within `wait`.
    fn next(&self, wait: Duration) -> Option<serde_json::Value> {
        self.events.recv_timeout(wait).ok()
    }

    /// The next event, which must be `kind` of `id`.
    #[track_caller]
    fn expect(&self, kind: &str, id: &str) -> serde_json::Value {
        let e = self
            .next(Duration::from_secs(10))
            .unwrap_or_else(|| panic!("no {kind} event for {id}"));
        assert_eq!(
            (e["event"].as_str(), e["id"].as_str()),
            (Some(kind), Some(id)),
            "{e}"
        );
        e
    }

    /// No event for `wait`.
    #[track_caller]
    fn quiet(&self, wait: Duration) {
        if let Some(e) = self.next(wait) {
            panic!("unexpected event {e}");
        }
    }

    /// Ends the watch with SIGTERM; it must exit 0 and say nothing on stderr.
    fn stop(mut self) -> String {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let status = self.child.wait().unwrap();
        assert_eq!(
            status.code(),
            Some(0),
            "watch did not end cleanly on SIGTERM"
        );
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            std::io::Read::read_to_string(&mut pipe, &mut stderr).unwrap();
        }
        stderr
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn each_kind_of_change_arrives_in_order(reg: &Reg) {
    let present = reg.register("present", &["--tool", "t"]);
    let w = Watcher::start(reg, &["--tool", "t"]);
    w.expect("present", &present);
    let added = reg.register("added", &["--tool", "t", "--ttl", "30s"]);
    w.expect("added", &added);
    reg.register("added", &["--tool", "t", "--tool", "u", "--ttl", "30s"]);
    let updated = w.expect("updated", &added);
    assert!(
        updated["fields"]
            .as_array()
            .unwrap()
            .contains(&"tools".into()),
        "{updated}"
    );
    reg.register("other", &["--tool", "not-t"]);
    reg.run(&["deregister", &present]).ok();
    w.expect("removed", &present);
    w.quiet(Duration::from_millis(300));
    assert_eq!(w.stop(), "");
}

fn a_lease_running_out_is_an_event_without_any_write(reg: &Reg) {
    // The watch is ready once it has printed what was there before it.
    let steady = reg.register("steady", &[]);
    let w = Watcher::start(reg, &[]);
    w.expect("present", &steady);
    let id = reg.register("short", &["--ttl", "1s"]);
    w.expect("added", &id);
    let before = reg
        .is_file()
        .then(|| std::fs::metadata(&reg.path).unwrap().modified().unwrap());
    let started = Instant::now();
    w.expect("expired", &id);
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    if let Some(before) = before {
        assert_eq!(
            std::fs::metadata(&reg.path).unwrap().modified().unwrap(),
            before,
            "something wrote"
        );
        reg.run(&["heartbeat", &id]).ok();
        w.expect("revived", &id);
    }
}

fn sixteen_writers_each_change_arrives_once(reg: &Reg) {
    let steady = reg.register("steady", &[]);
    let w = Watcher::start(reg, &[]);
    w.expect("present", &steady);
    let run_writers = |verb: &'static str| {
        let threads: Vec<_> = (0..16)
            .map(|i| {
                let location = reg.location().to_owned();
                let env = reg.env.clone();
                std::thread::spawn(move || {
                    for k in 0..5 {
                        let id = format!("w{i}-{k}");
                        let args: Vec<&str> = match verb {
                            "added" => vec!["register", "--name", "w", "--id", &id, "--", "/bin/w"],
                            _ => vec!["deregister", &id],
                        };
                        let out = crate::support::mcpreg()
                            .envs(env.iter().map(|(k, v)| (k, v)))
                            .arg("--registry")
                            .arg(&location)
                            .args(&args)
                            .output()
                            .unwrap();
                        finish(out).ok();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    };
    for verb in ["added", "removed"] {
        run_writers(verb);
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        while seen.len() < 80 {
            let e = w
                .next(Duration::from_secs(10))
                .unwrap_or_else(|| panic!("{verb}: only {} of 80 events", seen.len()));
            assert_eq!(e["event"], verb, "{e}");
            *seen
                .entry(e["id"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
        assert!(seen.values().all(|&n| n == 1), "duplicates: {seen:?}");
        w.quiet(Duration::from_millis(500));
    }
}

on_both_backends!(
    each_kind_of_change_arrives_in_order,
    a_lease_running_out_is_an_event_without_any_write,
    sixteen_writers_each_change_arrives_once,
);

#[test]
fn exec_runs_once_per_batch_and_never_two_at_once() {
    let reg = Reg::new();
    let log = reg.folder().join("runs.log");
    let script = format!(
        "echo start >> {0}; sleep 0.2; echo end >> {0}",
        log.display()
    );
    let mut child = reg
        .cmd(&[
            "watch",
            "--debounce",
            "100ms",
            "--exec",
            "sh",
            "-c",
            &script,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    sleep(Duration::from_millis(500));
    let burst = Instant::now();
    for i in 0..100 {
        reg.register(&format!("burst{i}"), &[]);
    }
    let burst = burst.elapsed();
    sleep(Duration::from_millis(3000));
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(status.success());
    let lines: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    for pair in lines.chunks(2) {
        assert_eq!(pair, ["start", "end"], "runs overlapped: {lines:?}");
    }
    let runs = lines.len() / 2;
    // Each run takes at least 0.3 s (the command's 0.2 s and the 0.1 s debounce),
    // so a burst that a loaded machine stretches out is more batches; coalescing
    // shows as far fewer runs than changes.
    let most = 15.max((burst.as_secs_f64() / 0.3).ceil() as usize + 2);
    assert!(
        (2..=most).contains(&runs),
        "{runs} runs for 100 changes in {burst:?}"
    );
}

#[test]
fn a_corrupt_registry_is_reported_and_watched_until_fixed() {
    let reg = Reg::new();
    let first = reg.register("first", &[]);
    let w = Watcher::start(&reg, &[]);
    w.expect("present", &first);
    let good = reg.bytes().unwrap();
    let temp = reg.folder().join("swap");
    std::fs::write(&temp, b"{ not json").unwrap();
    std::fs::rename(&temp, &reg.path).unwrap();
    sleep(Duration::from_millis(500));
    std::fs::write(&temp, &good).unwrap();
    std::fs::rename(&temp, &reg.path).unwrap();
    let second = reg.register("second", &[]);
    w.expect("added", &second);
    let stderr = w.stop();
    assert!(
        stderr.contains("registry.json:1:"),
        "the corrupt file was not reported: {stderr}"
    );
}

#[test]
fn a_closed_stdout_ends_the_watch() {
    let reg = Reg::new();
    reg.register("a", &[]);
    let mut child = reg
        .cmd(&["watch"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    sleep(Duration::from_millis(300));
    drop(child.stdout.take());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "watch kept running with nobody reading"
        );
        sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_watch_on_etcd_survives_a_restart_and_delivers_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mut nodes) = crate::etcd::cluster(dir.path(), 1) else {
        return;
    };
    let mut reg = Reg::new();
    reg.set_location(format!("etcd://{}/watched", nodes[0].endpoint()));
    let before = reg.register("before", &[]);
    let w = Watcher::start(&reg, &[]);
    w.expect("present", &before);
    nodes[0].kill();
    sleep(Duration::from_millis(1500));
    nodes[0].restart();
    let after = reg.register("after", &[]);
    w.expect("added", &after);
    reg.run(&["deregister", &before]).ok();
    w.expect("removed", &before);
}

#[test]
fn watch_exec_export_keeps_a_client_config_live() {
    // The headline use: a client's config follows the registry.
    let reg = Reg::new();
    reg.register("first", &["--tag", "team-a"]);
    let config = reg.folder().join("mcp.json");
    let config_arg = config.to_string_lossy().into_owned();
    let mut child = reg
        .cmd(&[
            "watch",
            "--tag",
            "team-a",
            "--exec",
            crate::support::BIN,
            "--registry",
        ])
        .arg(reg.location())
        .args([
            "export",
            "--to",
            "vscode",
            "--tag",
            "team-a",
            "-o",
            &config_arg,
        ])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let servers = |want: usize| {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let doc: serde_json::Value = std::fs::read(&config)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default();
            let n = doc["servers"].as_object().map_or(0, |s| s.len());
            if n == want {
                return doc;
            }
            assert!(
                Instant::now() < deadline,
                "config has {n} servers, not {want}: {doc}"
            );
            sleep(Duration::from_millis(50));
        }
    };
    servers(1);
    reg.register("second", &["--tag", "team-a"]);
    let doc = servers(2);
    assert!(doc["servers"]["second"].is_object(), "{doc}");
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    assert!(child.wait().unwrap().success());
}
