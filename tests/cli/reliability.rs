//! Concurrency and crash safety, tested with real processes on one registry file.

use crate::support::{Reg, Rng, finish, ids_of, median, timed};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

const WORKERS: usize = 32;
const OPS: usize = 50;
const IDS_PER_WORKER: usize = 3;

/// What a worker last had acknowledged for one id: the ttl, and the window of wall
/// time in which the acknowledged write happened.
#[derive(Clone, Copy, Debug)]
struct Ack {
    ttl_s: u64,
    after: SystemTime,
    before: SystemTime,
}

fn parse_time(s: &str) -> SystemTime {
    humantime::parse_rfc3339_weak(s).unwrap_or_else(|e| panic!("bad time {s}: {e}"))
}

#[test]
fn concurrent_writers_lose_nothing_and_readers_never_see_a_partial_file() {
    let reg = Arc::new(Reg::new());
    let acked: Arc<Mutex<BTreeMap<String, Ack>>> = Arc::default();
    let done = Arc::new(AtomicBool::new(false));

    // The reader parses the raw file in a loop, without any lock, and checks that
    // every id acknowledged before the read began is in it.
    let reader = {
        let (reg, acked, done) = (reg.clone(), acked.clone(), done.clone());
        thread::spawn(move || {
            let mut reads = 0;
            while !done.load(Ordering::SeqCst) {
                let known: Vec<String> = acked.lock().unwrap().keys().cloned().collect();
                let Some(bytes) = reg.bytes() else { continue };
                let doc: serde_json::Value = serde_json::from_slice(&bytes)
                    .unwrap_or_else(|e| panic!("reader saw a partial file ({e})"));
                let ids = ids_of(&doc);
                for id in known {
                    assert!(ids.contains(&id), "acknowledged {id} disappeared");
                }
                reads += 1;
            }
            reads
        })
    };

    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let (reg, acked) = (reg.clone(), acked.clone());
            thread::spawn(move || {
                for op in 0..OPS {
                    let id = format!("w{w}-{}", op % IDS_PER_WORKER);
                    let ttl_s = 60 + (w * OPS + op) as u64;
                    let ttl = format!("{ttl_s}s");
                    let first_round = op < IDS_PER_WORKER;
                    // 32 writers queue for one lock: the 10s default could run
                    // out on a loaded machine, so the timeout only bounds a hang.
                    let mut args: Vec<&str> = vec!["--lock-timeout", "120s"];
                    if first_round || op % 5 == 0 {
                        args.extend([
                            "register", "--name", "w", "--id", &id, "--ttl", &ttl, "--tool", "t",
                            "--", "/bin/w",
                        ]);
                    } else {
                        args.extend(["heartbeat", &id, "--ttl", &ttl]);
                    }
                    let after = SystemTime::now();
                    reg.run(&args).ok();
                    let before = SystemTime::now();
                    acked.lock().unwrap().insert(
                        id,
                        Ack {
                            ttl_s,
                            after,
                            before,
                        },
                    );
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    done.store(true, Ordering::SeqCst);
    let reads = reader.join().expect("reader");
    assert!(reads > 10, "the reader only got {reads} reads in");

    let doc = reg.json();
    let acked = acked.lock().unwrap();
    assert_eq!(ids_of(&doc).len(), WORKERS * IDS_PER_WORKER);
    for (id, ack) in acked.iter() {
        let e = reg.entry(id);
        assert_eq!(
            e["lease"]["ttl_s"], ack.ttl_s,
            "{id}: the last acknowledged ttl was lost"
        );
        let expires = parse_time(e["lease"]["expires_at"].as_str().unwrap());
        let ttl = Duration::from_secs(ack.ttl_s);
        // Stamps have millisecond precision: allow one either side.
        let ms = Duration::from_millis(1);
        assert!(
            expires + ms >= ack.after + ttl && expires <= ack.before + ttl + ms,
            "{id}: expires_at {expires:?} is not from the acknowledged write"
        );
    }
}

#[test]
fn a_writer_killed_at_random_moments_never_corrupts_or_loses_acknowledged_writes() {
    let reg = Reg::new();
    // A registry large enough that a write takes a while, so kills land inside it.
    for i in 0..200 {
        reg.register(
            &format!("base{i}"),
            &["--id", &format!("base-{i}"), "--tool", "t=some description"],
        );
    }
    // Kill moments are relative to how long a write takes on this machine now:
    // uniform over 0 to twice the median of a few measured writes, so that about
    // half the writers finish and half die mid-write, however fast the machine is.
    let register = |id: &str| {
        let mut cmd = reg.cmd(&[
            "register", "--name", "k", "--id", id, "--ttl", "1h", "--", "/bin/k",
        ]);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        cmd
    };
    let write = median(
        (0..5)
            .map(|i| {
                let (status, took) = timed(|| register(&format!("measure-{i}")).status());
                assert!(status.unwrap().success(), "measuring write {i} failed");
                took
            })
            .collect(),
    );
    let window = u64::try_from((write * 2).as_micros()).unwrap_or(u64::MAX);
    eprintln!("median write {write:?}: kills at random in 0..{window}us");
    let mut rng = Rng::seeded();
    let mut acknowledged = vec![];
    let mut killed_mid_way = 0;
    for i in 0..200 {
        let id = format!("k-{i}");
        let mut child = register(&id).spawn().unwrap();
        // A fraction of the window, so a replayed seed gives the same moments
        // relative to the write, whatever the write takes on the replaying machine.
        thread::sleep(Duration::from_micros(window * rng.below(1000) / 1000));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if status.success() {
            acknowledged.push(id);
        } else {
            killed_mid_way += 1;
        }
        let doc: serde_json::Value = serde_json::from_slice(&reg.bytes().unwrap())
            .unwrap_or_else(|e| panic!("after kill {i} the registry does not parse: {e}"));
        let ids = ids_of(&doc);
        for a in &acknowledged {
            assert!(ids.contains(a), "after kill {i}, acknowledged {a} is gone");
        }
        assert!(ids.contains(&"base-199".to_owned()));
    }
    eprintln!(
        "{} of 200 writers finished, {killed_mid_way} were killed",
        acknowledged.len()
    );
    assert!(
        killed_mid_way > 20,
        "only {killed_mid_way} of 200 writers were killed mid-way"
    );
    assert!(
        !acknowledged.is_empty(),
        "no writer ever finished: the schedule is too tight"
    );

    // The next writer, changing something or not, leaves no temp file behind.
    let temp = reg.folder().join(".registry.json.tmp");
    std::fs::write(&temp, b"half a write").unwrap();
    reg.register("base0", &["--id", "base-0", "--tool", "t=some description"]);
    assert!(
        !temp.exists(),
        "an unchanged write left the stray temp file"
    );
    std::fs::write(&temp, b"half a write").unwrap();
    reg.register("fresh", &[]);
    assert!(!temp.exists(), "a changing write left the stray temp file");
}

#[test]
fn writers_wait_for_a_shell_holding_the_lock_with_flock_and_give_up_after_the_timeout() {
    let reg = Reg::new();
    let ((), write) = timed(|| {
        reg.register("before", &[]);
    });
    let original = reg.bytes();
    let lock = reg.folder().join("registry.json.lock");
    // The shell holds the lock until we close its stdin: no race with how long
    // the writers below take to start.
    let mut holder = Command::new("flock")
        .arg(&lock)
        .args(["-c", "echo held; cat >/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("flock(1) from util-linux");
    let mut line = String::new();
    BufReader::new(holder.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "held");

    let started = Instant::now();
    reg.run(&[
        "--lock-timeout",
        "300ms",
        "register",
        "--name",
        "late",
        "--",
        "/bin/late",
    ])
    .code(2)
    .stderr_has("gave up after 300ms waiting for the lock on")
    .stderr_has("registry.json.lock");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        reg.bytes(),
        original,
        "a writer that gave up changed the file"
    );

    // Reads take no lock.
    reg.run(&["list"]).ok();

    let mut patient = reg
        .cmd(&[
            "--lock-timeout",
            "30s",
            "register",
            "--name",
            "patient",
            "--",
            "/bin/p",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Ten times what a write took here just now, so that a writer ignoring the
    // lock would have finished by then even on a slow machine.
    let hold = (write * 10).max(Duration::from_millis(500));
    thread::sleep(hold);
    assert!(
        patient.try_wait().unwrap().is_none(),
        "did not wait for flock(1) ({hold:?} held)"
    );
    assert_eq!(reg.bytes(), original, "wrote while flock(1) held the lock");
    drop(holder.stdin.take()); // flock(1) exits and releases the lock
    holder.wait().unwrap();
    let waited = finish(patient.wait_with_output().unwrap()).ok();
    assert_eq!(reg.ids().len(), 2, "{}", waited.stderr);
}
