//! `mcpreg watch`: events for every kind of change, in order, under concurrent
//! writers, without writes for expiry, `--exec` batching, a corrupt registry, and
//! ending on a signal or a closed stdout.

use crate::support::{HANG, Reg, command_time, eventually, finish, timed};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// A running `watch --json`, its events read on a thread.
pub struct Watcher {
    child: Child,
    events: Receiver<serde_json::Value>,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

impl Watcher {
    pub fn start(reg: &Reg, args: &[&str]) -> Watcher {
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
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = BufReader::new(child.stderr.take().unwrap());
        let sink = stderr.clone();
        let stderr_reader = Some(std::thread::spawn(move || {
            let mut line = String::new();
            while pipe.read_line(&mut line).is_ok_and(|n| n > 0) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        }));
        Watcher {
            child,
            events: rx,
            stderr,
            stderr_reader,
        }
    }

    /// What the watch wrote on stderr so far.
    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The next event, within `wait`.
    pub fn next(&self, wait: Duration) -> Option<serde_json::Value> {
        self.events.recv_timeout(wait).ok()
    }

    /// The next event, which must be `kind` of `id`. The wait only bounds a hang.
    #[track_caller]
    pub fn expect(&self, kind: &str, id: &str) -> serde_json::Value {
        let e = self
            .next(HANG)
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
    pub fn stop(mut self) -> String {
        crate::support::kill(&self.child, libc::SIGTERM);
        let status = self.child.wait().unwrap();
        assert_eq!(
            status.code(),
            Some(0),
            "watch did not end cleanly on SIGTERM"
        );
        if let Some(reader) = self.stderr_reader.take() {
            reader.join().unwrap();
        }
        self.stderr()
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
    let (w, startup) = timed(|| {
        let w = Watcher::start(reg, &[]);
        w.expect("present", &steady);
        w
    });
    // The watch must see the entry live before its lease runs out, so the ttl
    // follows how long the watch took to start and print: 1s, or longer on a
    // slow machine.
    let ttl_s = (startup * 4).as_secs() + 1;
    let ttl = Duration::from_secs(ttl_s);
    let registered = Instant::now();
    let id = reg.register("short", &["--ttl", &format!("{ttl_s}s")]);
    w.expect("added", &id);
    let seen = registered.elapsed();
    let before = reg
        .is_file()
        .then(|| std::fs::metadata(&reg.path).unwrap().modified().unwrap());
    w.expect("expired", &id);
    // The watch wakes at the lease's expires_at by itself. Within 1.5s of it, plus
    // twice what the register and the "added" event took here (the same work the
    // expiry event needs), so the bound follows the machine's load.
    // On etcd the expiry is etcd's own: its lessor looks for expired leases
    // every 500 ms and revokes them at a bounded rate, in a process that shares
    // the loaded CPU, so it gets a few more seconds.
    let etcd_slack = if reg.is_file() {
        Duration::ZERO
    } else {
        Duration::from_secs(3) + seen * 2
    };
    let bound = ttl + Duration::from_millis(1500) + seen * 2 + etcd_slack;
    let took = registered.elapsed();
    assert!(took >= ttl, "expired early: {took:?}");
    assert!(took < bound, "{took:?}, bound {bound:?}");
    if let Some(before) = before {
        assert_eq!(
            std::fs::metadata(&reg.path).unwrap().modified().unwrap(),
            before,
            "something wrote"
        );
        // A long ttl this time: the watch must see the revival before it lapses.
        reg.run(&["heartbeat", &id, "--ttl", "1h"]).ok();
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
                .next(HANG)
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
    let lines = || -> Vec<String> {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    };
    // The burst below is one batch only if its writes come closer together than
    // the debounce: 100ms, or five writes' time when the machine is slower now.
    let ((), write) = timed(|| {
        reg.register("first", &[]);
    });
    let debounce = format!("{}ms", (write * 5).as_millis().max(100));
    let mut child = reg
        .cmd(&[
            "watch",
            "--debounce",
            &debounce,
            "--exec",
            "sh",
            "-c",
            &script,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The watch runs the command once at start, after subscribing: from then on
    // every change is seen.
    eventually("the first run", || lines().len() == 2);
    let ((), burst) = timed(|| {
        for i in 0..100 {
            reg.register(&format!("burst{i}"), &[]);
        }
    });
    // The last batch has run once the registry's newest entry was exported...
    // the command does not say which, so wait for the runs to stop: no new line
    // for a few debounce periods and a batch delay (2s) after the burst.
    let settle = Duration::from_secs(3).max(write * 20);
    let mut last = (lines(), Instant::now());
    eventually("the runs settle", || {
        let now = lines();
        if now != last.0 {
            last = (now, Instant::now());
        }
        last.0.len() >= 4 && last.0.len() % 2 == 0 && last.1.elapsed() >= settle
    });
    crate::support::kill(&child, libc::SIGTERM);
    let status = child.wait().unwrap();
    assert!(status.success());
    let lines = lines();
    for pair in lines.chunks(2) {
        assert_eq!(pair, ["start", "end"], "runs overlapped: {lines:?}");
    }
    let runs = lines.len() / 2;
    // Batches are held back at most 2s while changes keep coming: a slow burst
    // may take a few more batches, never one per change. On a loaded machine
    // the writes come further apart than the 0.1 s debounce, so a batch can end
    // after one run of the command (0.2 s) plus the debounce: at most one run per
    // 0.3 s of burst, still far fewer than the 100 changes.
    let most = 15
        .max(2 + burst.as_secs() as usize / 2 + 1)
        .max((burst.as_secs_f64() / 0.3).ceil() as usize + 2);
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
    eventually("the corrupt file is reported", || {
        w.stderr().contains("registry.json:1:")
    });
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
    // Closed once the watch has printed what is there, so that it is the idle
    // watch that must notice.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(!first.is_empty(), "the watch printed nothing");
    drop(stdout);
    // It looks once a second: 5s, or more when the machine is slow right now.
    let limit = Duration::from_secs(5).max(command_time() * 100);
    let deadline = Instant::now() + limit;
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
        let deadline = Instant::now() + HANG;
        loop {
            let doc: serde_json::Value = std::fs::read(&config)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default();
            let n = doc["servers"].as_object().map_or(0, serde_json::Map::len);
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
    crate::support::kill(&child, libc::SIGTERM);
    assert!(child.wait().unwrap().success());
}
