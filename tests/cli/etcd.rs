//! Real etcd servers for the tests: one shared single-node server for the command
//! suite (each test on a prefix of its own), and throwaway servers and clusters for
//! the tests that kill them. All on loopback ports, each with its own data folder.
//! Without etcd on the machine these tests are skipped with a printed reason,
//! unless MCPREG_REQUIRE_PEERS=1.

use crate::support::{HANG, Reg, command_time, finish, mcpreg, timed};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Whether etcd is installed; panics under MCPREG_REQUIRE_PEERS=1 when it is not.
fn available() -> bool {
    let found = Command::new("etcd")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("MCPREG_REQUIRE_PEERS").as_deref() != Ok("1"),
            "MCPREG_REQUIRE_PEERS=1 but etcd is not installed (scripts/test installs etcd-server)"
        );
        eprintln!("skipped: etcd is not installed (scripts/test installs Debian's etcd-server)");
    }
    found
}

/// One etcd member on loopback.
pub struct Node {
    name: String,
    pub client: u16,
    peer: u16,
    cluster: String,
    data: PathBuf,
    child: Option<Child>,
}

impl Node {
    fn spawn(&mut self, state: &str) {
        let client = format!("http://127.0.0.1:{}", self.client);
        let peer = format!("http://127.0.0.1:{}", self.peer);
        let mut cmd = Command::new("etcd");
        cmd.args(["--name", &self.name, "--data-dir"])
            .arg(&self.data)
            .args([
                "--listen-client-urls",
                &client,
                "--advertise-client-urls",
                &client,
            ])
            .args([
                "--listen-peer-urls",
                &peer,
                "--initial-advertise-peer-urls",
                &peer,
            ])
            .args([
                "--initial-cluster",
                &self.cluster,
                "--initial-cluster-state",
                state,
            ])
            .args(["--initial-cluster-token", "mcpreg-test"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: prctl is async-signal-safe. The server dies with the thread that
        // started it, so a panicking test run leaves no etcd behind.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        self.child = Some(cmd.spawn().expect("start etcd"));
    }

    pub fn endpoint(&self) -> String {
        format!("127.0.0.1:{}", self.client)
    }

    /// SIGKILL, as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts again on the same data folder.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn("existing");
        wait_ready(&[self.endpoint()]);
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits until a write through mcpreg succeeds on one of `endpoints`.
fn wait_ready(endpoints: &[String]) {
    let url = format!("etcd://{}/ready", endpoints.join(","));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let run = finish(
            mcpreg()
                .args([
                    "--registry",
                    &url,
                    "--etcd-timeout",
                    "2s",
                    "deregister",
                    "probe-ready",
                ])
                .output()
                .expect("run mcpreg"),
        );
        if run.code == 1 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "etcd on {url} never answered: {}",
            run.stderr
        );
        sleep(Duration::from_millis(100));
    }
}

/// A cluster of `size` members on loopback, each with its own data folder in `dir`.
pub fn cluster(dir: &Path, size: usize) -> Option<Vec<Node>> {
    if !available() {
        return None;
    }
    let ports: Vec<(u16, u16)> = (0..size).map(|_| (free_port(), free_port())).collect();
    let initial = ports
        .iter()
        .enumerate()
        .map(|(i, (_, peer))| format!("m{i}=http://127.0.0.1:{peer}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut nodes: Vec<Node> = ports
        .iter()
        .enumerate()
        .map(|(i, (client, peer))| Node {
            name: format!("m{i}"),
            client: *client,
            peer: *peer,
            cluster: initial.clone(),
            data: dir.join(format!("m{i}")),
            child: None,
        })
        .collect();
    for node in &mut nodes {
        node.spawn("new");
    }
    let endpoints: Vec<String> = nodes.iter().map(Node::endpoint).collect();
    wait_ready(&endpoints);
    Some(nodes)
}

/// The shared server of the command suite, started on first use.
pub struct Shared {
    endpoint: String,
    prefixes: AtomicUsize,
}

impl Shared {
    pub fn fresh_prefix(&self) -> String {
        let n = self.prefixes.fetch_add(1, Ordering::SeqCst);
        format!("etcd://{}/t{}-{n}", self.endpoint, std::process::id())
    }
}

pub fn shared() -> Option<&'static Shared> {
    static SHARED: OnceLock<Option<Shared>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            if !available() {
                return None;
            }
            // The server must outlive every test thread (PDEATHSIG follows the
            // thread that forks), so a thread that never ends starts it.
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let dir = tempfile::tempdir().expect("temp dir");
                let nodes = cluster(dir.path(), 1);
                let endpoint = nodes.as_ref().map(|n| n[0].endpoint());
                let _ = tx.send(endpoint);
                let _keep = (dir, nodes);
                loop {
                    std::thread::park();
                }
            });
            let endpoint = rx.recv().ok().flatten()?;
            Some(Shared {
                endpoint,
                prefixes: AtomicUsize::new(0),
            })
        })
        .as_ref()
}

#[test]
fn leases_expire_in_etcd_within_ttl_plus_2s_after_heartbeats_stop() {
    let Some(reg) = Reg::etcd() else { return };
    let ttl = Duration::from_secs(2);
    let id = reg.register("blinky", &["--ttl", "2s"]);
    let steady = reg.register("steady", &[]);
    // Heartbeats 700ms apart, start to start, so a slow heartbeat does not stretch
    // the gap between two renewals towards the ttl.
    let mut renewed = Instant::now();
    for _ in 0..3 {
        sleep(Duration::from_millis(700).saturating_sub(renewed.elapsed()));
        renewed = Instant::now();
        reg.run(&["heartbeat", &id]).ok();
    }
    let stopped = Instant::now();
    // The last renewal happened while that heartbeat ran, between `renewed` and
    // `stopped`. The bounds below are on those instants and on when each `list`
    // started and ended, so they hold however slowly the commands run: a list that
    // ended before renewed + ttl must still see the entry, and one that started
    // after stopped + ttl + 2s must not.
    loop {
        let asked = Instant::now();
        let ids = reg.ids();
        let answered = Instant::now();
        if !ids.contains(&id) {
            assert!(
                answered >= renewed + ttl,
                "expired before its ttl: gone {:?} after the last heartbeat began",
                answered - renewed
            );
            break;
        }
        assert!(
            asked < stopped + ttl + Duration::from_secs(2),
            "lease outlived ttl + 2s"
        );
        assert!(stopped.elapsed() < HANG, "lease never expired");
        sleep(Duration::from_millis(100));
    }
    assert_eq!(reg.ids(), vec![steady], "the leaseless entry stays");
    reg.run(&["heartbeat", &id]).code(1);
}

#[test]
fn a_killed_and_restarted_etcd_keeps_every_acknowledged_registration() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mut nodes) = cluster(dir.path(), 1) else {
        return;
    };
    let url = format!("etcd://{}/crash", nodes[0].endpoint());
    let run = |args: &[&str]| {
        finish(
            mcpreg()
                .arg("--registry")
                .arg(&url)
                .args(args)
                .output()
                .unwrap(),
        )
    };
    let mut acknowledged = vec![];
    for i in 0..20 {
        let id = format!("s{i}");
        if run(&[
            "register", "--name", "s", "--id", &id, "--ttl", "1h", "--", "/bin/s",
        ])
        .code
            == 0
        {
            acknowledged.push(id);
        }
    }
    assert_eq!(acknowledged.len(), 20);
    nodes[0].kill();
    run(&["--etcd-timeout", "1s", "list"])
        .code(2)
        .stderr_has("no etcd endpoint answered");
    nodes[0].restart();
    let listed = run(&["list", "--format", "ids"]).ok().stdout;
    for id in &acknowledged {
        assert!(
            listed.lines().any(|l| l == id),
            "{id} lost across the crash"
        );
    }
    run(&["heartbeat", "s3"]).ok();
}

#[test]
fn sixteen_concurrent_writers_against_etcd_lose_nothing() {
    let Some(reg) = Reg::etcd() else { return };
    let reg = std::sync::Arc::new(reg);
    let workers: Vec<_> = (0..16)
        .map(|w| {
            let reg = reg.clone();
            std::thread::spawn(move || {
                let mut last = std::collections::BTreeMap::new();
                for op in 0..12 {
                    let id = format!("w{w}-{}", op % 3);
                    let ttl_s = 600 + w * 100 + op;
                    let ttl = format!("{ttl_s}s");
                    if op < 3 || op % 4 == 0 {
                        reg.run(&[
                            "register", "--name", "w", "--id", &id, "--ttl", &ttl, "--", "/bin/w",
                        ])
                        .ok();
                    } else {
                        reg.run(&["heartbeat", &id, "--ttl", &ttl]).ok();
                    }
                    last.insert(id, ttl_s);
                }
                last
            })
        })
        .collect();
    let mut expected = std::collections::BTreeMap::new();
    for w in workers {
        expected.extend(w.join().unwrap());
    }
    let listed = reg.run(&["list", "--json"]).ok().json();
    let entries = listed.as_array().unwrap();
    assert_eq!(entries.len(), expected.len());
    for e in entries {
        let id = e["id"].as_str().unwrap();
        assert_eq!(
            e["lease"]["ttl_s"], expected[id],
            "{id}: the last acknowledged ttl was lost"
        );
    }
}

#[test]
fn a_three_member_cluster_keeps_serving_when_one_member_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mut nodes) = cluster(dir.path(), 3) else {
        return;
    };
    let endpoints: Vec<String> = nodes.iter().map(Node::endpoint).collect();
    let url = format!("etcd://{}/ha", endpoints.join(","));
    // Electing a new leader after the kill takes the survivors one to two seconds
    // (etcd's election timeout is 1s), during which a request may stall: the
    // default 5s leaves room to retry after it, where 2s sometimes did not.
    let run = |args: &[&str]| {
        finish(
            mcpreg()
                .args(["--registry", &url, "--etcd-timeout", "5s"])
                .args(args)
                .output()
                .unwrap(),
        )
    };
    run(&[
        "register", "--name", "a", "--id", "a", "--tool", "t", "--", "/bin/a",
    ])
    .ok();
    nodes[0].kill();
    run(&[
        "register", "--name", "b", "--id", "b", "--tool", "t", "--", "/bin/b",
    ])
    .ok();
    let found = run(&["find", "--tool", "t", "--format", "ids"]).ok().stdout;
    assert_eq!(found, "a\nb\n");
    run(&["deregister", "a"]).ok();
    assert_eq!(run(&["list", "--format", "ids"]).ok().stdout, "b\n");
}

#[test]
fn an_unreachable_etcd_is_exit_2_naming_the_endpoints_within_the_timeout() {
    // The 1s timeout plus what starting and ending the process costs here now:
    // 3s, or twenty times a short command when the machine is slower than that.
    let bound = Duration::from_secs(1) + (command_time() * 20).max(Duration::from_secs(3));
    let list = |url: &str| {
        timed(|| {
            finish(
                mcpreg()
                    .args(["--registry", url, "--etcd-timeout", "1s", "list"])
                    .output()
                    .unwrap(),
            )
        })
    };
    let port = free_port();
    let url = format!("etcd://127.0.0.1:{port},127.0.0.1:{}/x", free_port());
    let (run, took) = list(&url);
    let run = run
        .code(2)
        .stderr_has("no etcd endpoint answered")
        .stderr_has(&format!("http://127.0.0.1:{port}"));
    assert!(run.stdout.is_empty());
    assert!(took < bound, "{took:?}, bound {bound:?}");
    // A listener that accepts and never answers: the timeout bounds the wait.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("etcd://{}/x", silent.local_addr().unwrap());
    let (run, took) = list(&url);
    run.code(2);
    assert!(took < bound, "{took:?}, bound {bound:?}");
}
