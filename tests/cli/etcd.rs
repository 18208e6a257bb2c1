//! Real etcd servers for the tests: one shared single-node server for the command
//! suite (each test on a prefix of its own), and throwaway servers and clusters for
//! the tests that kill them. All on loopback ports, each with its own data folder.
//! Without etcd on the machine these tests are skipped with a printed reason,
//! unless `MCPREG_REQUIRE_PEERS=1`.

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

/// Starts an etcd that dies with the thread that started it, so a panicking test
/// run leaves no etcd behind.
fn spawn_dying_with_thread(cmd: &mut Command) -> Child {
    // SAFETY: prctl is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    cmd.spawn().expect("start etcd")
}

/// Whether etcd is installed; panics under `MCPREG_REQUIRE_PEERS=1` when it is not.
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
        self.child = Some(spawn_dying_with_thread(&mut cmd));
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
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

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

// ---------------------------------------------------------------------------
// etcd over TLS, with client certificates and authentication
// ---------------------------------------------------------------------------

/// The password of the user the shared secure suite runs as.
const PASSWORD: &str = "s3cret-Pw-not-in-any-output";
/// How long the secure etcd's tokens live unused.
const TOKEN_TTL_S: u64 = 4;
/// The prefix under which that user's role grants read and write.
const GRANTED: &str = "/granted/";

/// Certificates made for one test server with openssl: a CA, a server
/// certificate for 127.0.0.1, a client certificate, and an unrelated CA.
pub struct Certs {
    pub dir: PathBuf,
}

impl Certs {
    pub fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }

    fn make(dir: &Path) -> Option<Certs> {
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(dir)
                .stdin(Stdio::null())
                .output();
            match out {
                Ok(o) if o.status.success() => true,
                Ok(o) => panic!(
                    "openssl {args:?} failed: {}",
                    String::from_utf8_lossy(&o.stderr)
                ),
                Err(_) => false,
            }
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        for ca in ["ca", "other-ca"] {
            let mut args = vec!["req", "-x509"];
            args.extend(ec);
            let (key, crt, subj) = (
                format!("{ca}.key"),
                format!("{ca}.crt"),
                format!("/CN=mcpreg test {ca}"),
            );
            args.extend([
                "-keyout",
                &key,
                "-out",
                &crt,
                "-subj",
                &subj,
                "-days",
                "2",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ]);
            if !openssl(&args) {
                assert!(
                    std::env::var("MCPREG_REQUIRE_PEERS").as_deref() != Ok("1"),
                    "MCPREG_REQUIRE_PEERS=1 but openssl is not installed"
                );
                eprintln!("skipped: openssl is not installed (scripts/test installs it)");
                return None;
            }
        }
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("client.ext"),
            "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap();
        // etcd refuses a client certificate with a CommonName on its JSON gateway
        // (the CN would name an etcd user the gateway cannot pass on).
        for (name, subj) in [
            ("server", "/CN=127.0.0.1"),
            ("client", "/O=mcpreg test client"),
        ] {
            let mut args = vec!["req"];
            args.extend(ec);
            let (key, csr) = (format!("{name}.key"), format!("{name}.csr"));
            args.extend(["-keyout", &key, "-out", &csr, "-subj", subj]);
            openssl(&args);
            let (crt, ext) = (format!("{name}.crt"), format!("{name}.ext"));
            openssl(&[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &crt,
                "-days",
                "2",
                "-extfile",
                &ext,
            ]);
        }
        Some(Certs {
            dir: dir.to_owned(),
        })
    }

    /// The environment that points mcpreg at these certificates.
    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("MCPREG_ETCD_CACERT".into(), self.path("ca.crt")),
            ("MCPREG_ETCD_CERT".into(), self.path("client.crt")),
            ("MCPREG_ETCD_KEY".into(), self.path("client.key")),
        ]
    }

    /// An HTTP agent presenting the client certificate, for the test's own setup.
    fn agent(&self) -> ureq::Agent {
        use ureq::tls::{Certificate, ClientCert, PrivateKey, RootCerts, TlsConfig};
        let read = |n: &str| std::fs::read(self.dir.join(n)).unwrap();
        let ca = Certificate::from_pem(&read("ca.crt")).unwrap();
        let cert = Certificate::from_pem(&read("client.crt")).unwrap();
        let key = PrivateKey::from_pem(&read("client.key")).unwrap();
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::new_with_certs(&[ca]))
            .client_cert(Some(ClientCert::new_with_certs(&[cert], key)))
            .build();
        ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into()
    }
}

/// A single-member etcd serving https only, requiring client certificates,
/// with authentication enabled and tokens that expire after `TOKEN_TTL_S` idle
/// seconds: long enough that a loaded machine does not let a fresh token lapse
/// before its first use, short enough for a test to outwait.
pub struct Secure {
    pub endpoint: String,
    pub certs: Certs,
    prefixes: AtomicUsize,
    // Kept for the life of the test process (the server is in a static, never
    // dropped; PDEATHSIG ends it with the process).
    _child: Child,
    _dir: tempfile::TempDir,
}

impl Secure {
    fn start() -> Option<Secure> {
        if !available() {
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let certs = Certs::make(dir.path())?;
        let (client, peer) = (free_port(), free_port());
        let client_url = format!("https://127.0.0.1:{client}");
        let peer_url = format!("http://127.0.0.1:{peer}");
        let mut cmd = Command::new("etcd");
        cmd.args(["--name", "secure", "--data-dir"])
            .arg(dir.path().join("data"))
            .args([
                "--listen-client-urls",
                &client_url,
                "--advertise-client-urls",
                &client_url,
            ])
            .args([
                "--listen-peer-urls",
                &peer_url,
                "--initial-advertise-peer-urls",
                &peer_url,
            ])
            .args(["--initial-cluster", &format!("secure={peer_url}")])
            .args(["--cert-file", &certs.path("server.crt")])
            .args(["--key-file", &certs.path("server.key")])
            .args(["--trusted-ca-file", &certs.path("ca.crt")])
            .args([
                "--client-cert-auth",
                "--auth-token",
                "simple",
                "--auth-token-ttl",
                &TOKEN_TTL_S.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = spawn_dying_with_thread(&mut cmd);
        let endpoint = format!("127.0.0.1:{client}");
        let secure = Secure {
            endpoint,
            certs,
            prefixes: AtomicUsize::new(0),
            _child: child,
            _dir: dir,
        };
        secure.set_up_auth();
        Some(secure)
    }

    /// One request to the gateway as the test itself (the client certificate's
    /// CN is no etcd user, so this works only until auth is enabled).
    fn gateway(
        &self,
        agent: &ureq::Agent,
        path: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let url = format!("https://{}{path}", self.endpoint);
        let mut response = agent
            .post(&url)
            .send(body.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        let status = response.status();
        let text = response.body_mut().read_to_string().unwrap();
        assert!(status.is_success(), "{url}: {status} {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Users: root; `mcpreg` with read and write under GRANTED only; `outsider`
    /// with a role on another prefix. Then authentication is switched on.
    fn set_up_auth(&self) {
        use base64::Engine;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let agent = self.certs.agent();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let url = format!("https://{}/v3/kv/range", self.endpoint);
            if agent
                .post(&url)
                .send(r#"{"key":"AA=="}"#.as_bytes())
                .is_ok_and(|r| r.status().is_success())
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the secure etcd never answered on {url}"
            );
            sleep(Duration::from_millis(100));
        }
        let g = |path: &str, body: serde_json::Value| self.gateway(&agent, path, body);
        for (user, password, role, prefix) in [
            ("root", "root-pw", "root", None),
            ("mcpreg", PASSWORD, "registry", Some(GRANTED)),
            ("outsider", "outsider-pw", "elsewhere", Some("/elsewhere/")),
        ] {
            g(
                "/v3/auth/user/add",
                serde_json::json!({"name": user, "password": password}),
            );
            g("/v3/auth/role/add", serde_json::json!({"name": role}));
            if let Some(prefix) = prefix {
                let end = format!("{}0", prefix.trim_end_matches('/'));
                g(
                    "/v3/auth/role/grant",
                    serde_json::json!({"name": role, "perm": {"permType": "READWRITE", "key": b64(prefix), "range_end": b64(&end)}}),
                );
            }
            g(
                "/v3/auth/user/grant",
                serde_json::json!({"user": user, "role": role}),
            );
        }
        g("/v3/auth/enable", serde_json::json!({}));
    }

    /// A location and environment for a fresh prefix the user `mcpreg` may use.
    pub fn fresh_prefix(&self) -> (String, Vec<(String, String)>) {
        let n = self.prefixes.fetch_add(1, Ordering::SeqCst);
        let location = format!(
            "etcds://mcpreg@{}{GRANTED}t{}-{n}",
            self.endpoint,
            std::process::id()
        );
        let mut env = self.certs.env();
        env.push(("MCPREG_ETCD_PASSWORD".into(), PASSWORD.into()));
        // A TLS handshake and a login (a raft write in etcd) per process: on a
        // loaded 2-core debug run with 16 writers that can take more than 5 s.
        env.push(("MCPREG_ETCD_TIMEOUT".into(), "20s".into()));
        (location, env)
    }
}

pub fn secure() -> Option<&'static Secure> {
    static SECURE: OnceLock<Option<Secure>> = OnceLock::new();
    SECURE
        .get_or_init(|| {
            // As for `shared`: the thread that starts the server never ends, so
            // PDEATHSIG fires only when the test process does.
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _ = tx.send(Secure::start());
                loop {
                    std::thread::park();
                }
            });
            rx.recv().ok().flatten()
        })
        .as_ref()
}

// ---------------------------------------------------------------------------
// Talking to etcd beside mcpreg, to see what it wrote
// ---------------------------------------------------------------------------

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// One request to a plain etcd's JSON gateway.
fn gateway(endpoint: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
    let url = format!("http://{endpoint}{path}");
    let mut response = ureq::post(&url)
        .send(body.to_string().as_bytes())
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let text = response.body_mut().read_to_string().unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: {e}: {text}"))
}

fn int(v: &serde_json::Value) -> i64 {
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// etcd's current revision.
fn revision(endpoint: &str) -> i64 {
    int(&gateway(
        endpoint,
        "/v3/kv/range",
        serde_json::json!({"key": b64("/")}),
    )["header"]["revision"])
}

/// The keys under `prefix`.
fn keys(endpoint: &str, prefix: &str) -> Vec<String> {
    let end = {
        let mut b = prefix.as_bytes().to_vec();
        let last = b.pop().unwrap();
        b.push(last + 1);
        String::from_utf8(b).unwrap()
    };
    let answer = gateway(
        endpoint,
        "/v3/kv/range",
        serde_json::json!({"key": b64(prefix), "range_end": b64(&end), "keys_only": true}),
    );
    answer["kvs"]
        .as_array()
        .map(|kvs| {
            kvs.iter()
                .map(|kv| {
                    use base64::Engine;
                    let raw = base64::engine::general_purpose::STANDARD
                        .decode(kv["key"].as_str().unwrap())
                        .unwrap();
                    String::from_utf8(raw).unwrap()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The prefix part of an etcd:// location.
fn prefix_of(location: &str) -> String {
    let rest = location.split_once("://").unwrap().1;
    rest[rest.find('/').unwrap()..].to_owned()
}

#[test]
fn heartbeats_renew_the_lease_and_write_no_revision() {
    let Some(reg) = Reg::etcd() else { return };
    let endpoint = shared().unwrap().endpoint().to_owned();
    let id = reg.register("hb", &["--ttl", "30s", "--tool", "t"]);
    let before = reg.entry(&id);
    let start = revision(&endpoint);
    for _ in 0..5 {
        reg.run(&["heartbeat", &id]).ok();
    }
    // Other tests share this etcd: nothing under our prefix may have moved.
    let prefix = prefix_of(reg.location());
    let answer = gateway(
        &endpoint,
        "/v3/kv/range",
        serde_json::json!({"key": b64(&format!("{prefix}/servers/{id}"))}),
    );
    let mod_revision = int(&answer["kvs"][0]["mod_revision"]);
    assert!(
        mod_revision <= start,
        "a heartbeat wrote the entry (revision {mod_revision} > {start})"
    );
    let after = reg.entry(&id);
    assert_eq!(after["lease"]["ttl_s"], 30);
    assert_eq!(after["updated_at"], before["updated_at"]);
    // The lease etcd removed (here revoked by hand) takes the entry with it:
    // a heartbeat then finds nothing, exit 1.
    let lease = int(&answer["kvs"][0]["lease"]);
    assert_ne!(lease, 0, "the entry is on an etcd lease");
    gateway(
        &endpoint,
        "/v3/lease/revoke",
        serde_json::json!({"ID": lease.to_string()}),
    );
    reg.run(&["heartbeat", &id]).code(1).stderr_has(&id);
    assert!(
        keys(&endpoint, &format!("{prefix}/")).is_empty(),
        "index keys outlived their lease"
    );
}

#[test]
fn find_by_tool_and_tag_reads_the_index_which_follows_every_write() {
    let Some(reg) = Reg::etcd() else { return };
    let endpoint = shared().unwrap().endpoint().to_owned();
    let prefix = prefix_of(reg.location());
    let a = reg.register(
        "a",
        &["--tool", "read/file", "--tag", "prod", "--ttl", "1h"],
    );
    let b = reg.register("b", &["--tool", "query", "--tag", "prod"]);
    let ids = |args: &[&str]| {
        let mut all = vec!["find", "--format", "ids"];
        all.extend_from_slice(args);
        reg.run(&all).stdout
    };
    assert_eq!(ids(&["--tool", "read/file"]), format!("{a}\n"));
    assert_eq!(ids(&["--tag", "prod"]), format!("{a}\n{b}\n"));
    assert!(
        keys(&endpoint, &format!("{prefix}/index/tool/read%2Ffile/"))
            .contains(&format!("{prefix}/index/tool/read%2Ffile/{a}")),
        "no index key for a's tool"
    );
    // A changed tool list moves the index keys in the same transaction.
    reg.register(
        "a",
        &[
            "--id",
            &a,
            "--tool",
            "write_file",
            "--tag",
            "prod",
            "--ttl",
            "1h",
        ],
    );
    reg.run(&["find", "--tool", "read/file"]).code(1);
    assert!(keys(&endpoint, &format!("{prefix}/index/tool/read%2Ffile/")).is_empty());
    assert_eq!(ids(&["--tool", "write_file"]), format!("{a}\n"));
    // An index key whose entry is gone (written by hand here) is ignored.
    gateway(
        &endpoint,
        "/v3/kv/put",
        serde_json::json!({"key": b64(&format!("{prefix}/index/tool/query/ghost")), "value": ""}),
    );
    assert_eq!(ids(&["--tool", "query"]), format!("{b}\n"));
    // Deregistering removes the entry and its index keys together.
    reg.run(&["deregister", &b]).ok();
    assert_eq!(
        keys(&endpoint, &format!("{prefix}/index/tag/")),
        vec![format!("{prefix}/index/tag/prod/{a}")]
    );
}

#[test]
fn a_registry_written_before_the_index_gets_one_on_first_use() {
    let Some(reg) = Reg::etcd() else { return };
    let endpoint = shared().unwrap().endpoint().to_owned();
    let prefix = prefix_of(reg.location());
    // 250 entries as an older mcpreg wrote them: no index keys, no marker; more
    // than one transaction's worth of index keys.
    for i in 0..250 {
        let entry = serde_json::json!({
            "id": format!("old-{i:03}"), "name": "old",
            "transport": {"type": "stdio", "command": "/bin/old"},
            "tools": [{"name": format!("tool-{}", i % 5)}, {"name": "common"}],
            "tags": ["legacy"],
            "registered_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z",
        });
        gateway(
            &endpoint,
            "/v3/kv/put",
            serde_json::json!({"key": b64(&format!("{prefix}/servers/old-{i:03}")), "value": b64(&entry.to_string())}),
        );
    }
    let found = reg
        .run(&["find", "--tool", "tool-3", "--format", "ids"])
        .ok()
        .stdout;
    assert_eq!(found.lines().count(), 50, "{found}");
    assert!(found.lines().all(|id| id.starts_with("old-")));
    assert_eq!(
        keys(&endpoint, &format!("{prefix}/index/version")).len(),
        1,
        "no index marker"
    );
    assert_eq!(
        keys(&endpoint, &format!("{prefix}/index/tool/common/")).len(),
        250
    );
    let tagged = reg
        .run(&["find", "--tag", "legacy", "--format", "ids"])
        .ok()
        .stdout;
    assert_eq!(tagged.lines().count(), 250);
}

#[test]
fn a_user_without_the_role_is_refused_with_exit_2_naming_user_and_prefix() {
    let Some(secure) = secure() else { return };
    let (location, mut env) = secure.fresh_prefix();
    let outsider = location.replace("mcpreg@", "outsider@");
    env.retain(|(k, _)| k != "MCPREG_ETCD_PASSWORD");
    let run = |args: &[&str]| {
        finish(
            mcpreg()
                .envs(env.iter().map(|(k, v)| (k, v)))
                .env("MCPREG_ETCD_PASSWORD", "outsider-pw")
                .args(["--registry", &outsider])
                .args(args)
                .output()
                .unwrap(),
        )
    };
    let prefix = prefix_of(&location);
    run(&["register", "--name", "x", "--", "/bin/x"])
        .code(2)
        .stderr_has("permission denied")
        .stderr_has("user outsider")
        .stderr_has(&prefix);
    run(&["list"]).code(2).stderr_has("user outsider");
    // Nothing was written: the rightful user sees an empty prefix.
    let mut reg = Reg::new();
    reg.set_location(location.clone());
    reg.env = secure.fresh_prefix().1;
    assert!(reg.ids().is_empty());
    // A wrong password names the user, never the password.
    let wrong = finish(
        mcpreg()
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("MCPREG_ETCD_PASSWORD", "not-the-password")
            .args(["--registry", &location, "list"])
            .output()
            .unwrap(),
    )
    .code(2)
    .stderr_has("user mcpreg could not log in");
    assert!(
        !wrong.stderr.contains("not-the-password"),
        "{}",
        wrong.stderr
    );
}

#[test]
fn a_wrong_ca_or_no_client_certificate_is_exit_2_naming_the_endpoint() {
    let Some(secure) = secure() else { return };
    let (location, env) = secure.fresh_prefix();
    let started = Instant::now();
    let run = finish(
        mcpreg()
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("MCPREG_ETCD_CACERT", secure.certs.path("other-ca.crt"))
            .args(["--registry", &location, "list"])
            .output()
            .unwrap(),
    )
    .code(2)
    .stderr_has(&format!("https://{}", secure.endpoint))
    .stderr_has("TLS");
    assert!(run.stdout.is_empty());
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "a certificate error was retried"
    );
    // Without the client certificate, etcd's --client-cert-auth refuses us.
    let mut bare = env.clone();
    bare.retain(|(k, _)| k != "MCPREG_ETCD_CERT" && k != "MCPREG_ETCD_KEY");
    finish(
        mcpreg()
            .envs(bare.iter().map(|(k, v)| (k, v)))
            .args(["--registry", &location, "--etcd-timeout", "2s", "list"])
            .output()
            .unwrap(),
    )
    .code(2)
    .stderr_has(&format!("https://{}", secure.endpoint));
    // Certificates for a plain etcd:// registry are a mistake, said so.
    finish(
        mcpreg()
            .args([
                "--registry",
                "etcd://127.0.0.1:1/x",
                "--etcd-cacert",
                "/nonexistent",
                "list",
            ])
            .output()
            .unwrap(),
    )
    .code(2)
    .stderr_has("etcds://");
}

#[test]
fn etcdctl_environment_variables_are_honoured() {
    let Some(secure) = secure() else { return };
    let (location, _) = secure.fresh_prefix();
    let run = |args: &[&str]| {
        finish(
            mcpreg()
                .env("ETCDCTL_CACERT", secure.certs.path("ca.crt"))
                .env("ETCDCTL_CERT", secure.certs.path("client.crt"))
                .env("ETCDCTL_KEY", secure.certs.path("client.key"))
                .env("MCPREG_ETCD_PASSWORD", PASSWORD)
                .args(["--registry", &location])
                .args(args)
                .output()
                .unwrap(),
        )
    };
    let id = run(&[
        "register", "--name", "viaenv", "--tool", "t", "--", "/bin/v",
    ])
    .ok()
    .stdout;
    assert_eq!(
        run(&["find", "--tool", "t", "--format", "ids"]).ok().stdout,
        id
    );
    // The password may also come from a file, and a user from the flag.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pw");
    std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();
    let plain = location.replace("mcpreg@", "");
    let listed = finish(
        mcpreg()
            .env("ETCDCTL_CACERT", secure.certs.path("ca.crt"))
            .env("ETCDCTL_CERT", secure.certs.path("client.crt"))
            .env("ETCDCTL_KEY", secure.certs.path("client.key"))
            .args([
                "--registry",
                &plain,
                "--etcd-user",
                "mcpreg",
                "--etcd-password-file",
            ])
            .arg(&file)
            .args(["list", "--format", "ids"])
            .output()
            .unwrap(),
    )
    .ok();
    assert_eq!(listed.stdout, id);
}

#[test]
fn an_expired_token_is_renewed_without_the_user_noticing() {
    let Some(secure) = secure() else { return };
    let mut reg = Reg::new();
    let (location, env) = secure.fresh_prefix();
    reg.set_location(location);
    reg.env = env;
    // Tokens of the secure etcd expire after TOKEN_TTL_S idle seconds; this
    // keepalive heartbeats every 6 s (ttl/3), so each heartbeat meets an expired
    // token and must log in again.
    let child = reg
        .cmd(&[
            "-v",
            "register",
            "--name",
            "kept",
            "--ttl",
            "18s",
            "--keepalive",
            "--",
            "/bin/k",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while reg.ids().is_empty() {
        assert!(Instant::now() < deadline, "never registered");
        sleep(Duration::from_millis(100));
    }
    sleep(Duration::from_secs(2 * 6 + 2));
    let id = reg.ids();
    assert_eq!(id.len(), 1, "the entry expired: heartbeats failed");
    // SAFETY: kill has no memory preconditions.
    unsafe {
        libc::kill(child.id().cast_signed(), libc::SIGTERM);
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("failed"), "{stderr}");
    assert!(stderr.matches(": heartbeat").count() >= 2, "{stderr}");
    assert!(!stderr.contains(PASSWORD), "{stderr}");
    assert!(reg.ids().is_empty(), "not deregistered on SIGTERM");
}

#[test]
fn a_password_in_the_registry_url_is_refused_and_never_echoed() {
    for location in [
        "etcd://ops:hunter2@127.0.0.1:1/x",
        "etcds://ops:hunter2@127.0.0.1:1",
    ] {
        let run = finish(
            mcpreg()
                .args(["--registry", location, "list"])
                .output()
                .unwrap(),
        )
        .code(2)
        .stderr_has("ops:***@");
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    }
    // A user in the URL with an unreachable etcd: the message names the user only.
    let run = finish(
        mcpreg()
            .env("MCPREG_ETCD_PASSWORD", "hunter2")
            .args([
                "--registry",
                "etcd://ops@127.0.0.1:1/x",
                "--etcd-timeout",
                "1s",
                "list",
            ])
            .output()
            .unwrap(),
    )
    .code(2);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
}

/// A loopback TCP relay in front of etcd that can cut every connection and refuse
/// new ones, as a network partition would, then heal.
struct Relay {
    port: u16,
    cut: std::sync::Arc<std::sync::atomic::AtomicBool>,
    open: std::sync::Arc<std::sync::Mutex<Vec<std::net::TcpStream>>>,
}

impl Relay {
    fn start(upstream: String) -> Relay {
        use std::sync::atomic::AtomicBool;
        use std::sync::{Arc, Mutex};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<Vec<std::net::TcpStream>>> = Arc::default();
        let (c, o) = (cut.clone(), open.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                if c.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused
                }
                let Ok(server) = std::net::TcpStream::connect(&upstream) else {
                    continue;
                };
                let mut held = o.lock().unwrap();
                held.push(client.try_clone().unwrap());
                held.push(server.try_clone().unwrap());
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        Relay { port, cut, open }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for s in self.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }

    fn heal(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

#[test]
fn a_watch_that_cannot_resume_after_a_compaction_reads_again_and_misses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let Some(nodes) = cluster(dir.path(), 1) else {
        return;
    };
    let endpoint = nodes[0].endpoint();
    let direct = format!("etcd://{endpoint}/compact");
    let relay = Relay::start(endpoint.clone());
    let relayed = format!("etcd://127.0.0.1:{}/compact", relay.port);
    let run = |args: &[&str]| {
        finish(
            mcpreg()
                .args(["--registry", &direct])
                .args(args)
                .output()
                .unwrap(),
        )
    };
    for id in ["a", "b"] {
        run(&[
            "register", "--name", id, "--id", id, "--tool", "t", "--", "/bin/x",
        ])
        .ok();
    }
    let mut watch = mcpreg()
        .args(["--registry", &relayed, "watch", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = watch.stdout.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let e: serde_json::Value = serde_json::from_str(&line).unwrap();
            let _ = tx.send(format!(
                "{} {}",
                e["event"].as_str().unwrap(),
                e["id"].as_str().unwrap()
            ));
        }
    });
    let next = || {
        rx.recv_timeout(Duration::from_secs(30))
            .expect("an event within 30 s")
    };
    assert_eq!([next(), next()], ["present a", "present b"]);
    // While the watch is cut off: changes, then a compaction of their history.
    relay.cut();
    run(&[
        "register", "--name", "c", "--id", "c", "--tool", "t", "--", "/bin/x",
    ])
    .ok();
    run(&["deregister", "a"]).ok();
    run(&[
        "register", "--name", "b", "--id", "b", "--tool", "u", "--", "/bin/x",
    ])
    .ok();
    let rev = revision(&endpoint);
    gateway(
        &endpoint,
        "/v3/kv/compaction",
        serde_json::json!({"revision": rev.to_string(), "physical": true}),
    );
    relay.heal();
    let mut got = vec![next(), next(), next()];
    got.sort();
    assert_eq!(got, ["added c", "removed a", "updated b"]);
    // And the stream goes on from the read: one event per later write, no repeat.
    run(&["register", "--name", "d", "--id", "d", "--", "/bin/x"]).ok();
    assert_eq!(next(), "added d");
    assert!(
        rx.recv_timeout(Duration::from_millis(500)).is_err(),
        "an event was repeated"
    );
    let _ = watch.kill();
    let _ = watch.wait();
}

/// A key under the prefix that is not UTF-8 (no mcpreg wrote it) is refused by
/// name, escaped, wherever it is read: `list` reads the entry's key, `find --tool`
/// an index key. It used to read as `""` and vanish from view. A `watch` that
/// sees one arrive says which key it cannot read, and goes on.
#[test]
fn a_key_that_is_not_utf8_is_refused_by_name_not_read_as_empty() {
    use base64::Engine;
    let Some(reg) = Reg::etcd() else { return };
    let endpoint = shared().unwrap().endpoint().to_owned();
    let prefix = prefix_of(reg.location());
    let id = reg.register("good", &["--tool", "t"]);
    let raw_key = |tail: &[u8]| {
        let mut key = prefix.as_bytes().to_vec();
        key.extend_from_slice(tail);
        base64::engine::general_purpose::STANDARD.encode(key)
    };
    let bad = raw_key(b"/servers/bad\xff");
    let mut watch = mcpreg()
        .args(["--registry", reg.location(), "watch", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let pipes: [(&str, Box<dyn std::io::Read + Send>); 2] = [
        ("out", Box::new(watch.stdout.take().unwrap())),
        ("err", Box::new(watch.stderr.take().unwrap())),
    ];
    for (name, pipe) in pipes {
        let tx = tx.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = tx.send(format!("{name}: {line}"));
            }
        });
    }
    let mut seen: Vec<String> = Vec::new();
    let mut wait_for = |what: &str, found: &dyn Fn(&str) -> bool| {
        while !seen.iter().any(|l| found(l)) {
            let line = rx.recv_timeout(Duration::from_secs(30));
            seen.push(line.unwrap_or_else(|e| panic!("no {what} within 30 s ({e}): {seen:#?}")));
        }
    };
    wait_for("initial entry", &|l| {
        l.starts_with("out: ") && l.contains(&id)
    });
    gateway(
        &endpoint,
        "/v3/kv/put",
        serde_json::json!({"key": bad, "value": b64("{}")}),
    );
    let named = format!("the key {prefix}/servers/bad\\xff is not UTF-8");
    wait_for("warning naming the key", &|l| {
        l.starts_with("err: ") && l.contains("watch: ") && l.contains(&named)
    });
    let later = reg.register("later", &[]);
    wait_for("event after the bad key", &|l| {
        l.starts_with("out: ") && l.contains(&later)
    });
    let _ = watch.kill();
    let _ = watch.wait();
    reg.run(&["list"]).code(2).stderr_has(&named);
    // Gone again, `list` reads; an index key that is not UTF-8 is refused by `find`.
    gateway(
        &endpoint,
        "/v3/kv/deleterange",
        serde_json::json!({"key": bad}),
    );
    reg.run(&["list"]).ok();
    gateway(
        &endpoint,
        "/v3/kv/put",
        serde_json::json!({"key": raw_key(b"/index/tool/t/\xfe"), "value": ""}),
    );
    reg.run(&["find", "--tool", "t"])
        .code(2)
        .stderr_has(&format!("the key {prefix}/index/tool/t/\\xfe is not UTF-8"));
}
