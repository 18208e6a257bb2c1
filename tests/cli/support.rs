//! Driving the real `mcpreg` binary against a throwaway registry.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_mcpreg");

/// A registry under test: a file in its own temporary folder, or a prefix of its
/// own in the shared test etcd (the folder then only holds scratch files).
pub struct Reg {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    location: String,
    /// Environment every command gets (the secure etcd's certificates and password).
    pub env: Vec<(String, String)>,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "expected success; stderr: {}", self.stderr);
        self
    }

    #[track_caller]
    pub fn code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "expected exit {code}; stdout: {}; stderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(self, needle: &str) -> Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}: {}",
            self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// A command for the binary with no MCPREG_* or colour settings from the host.
pub fn mcpreg() -> Command {
    let mut cmd = Command::new(BIN);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("MCPREG_") {
            cmd.env_remove(k);
        }
    }
    cmd.env_remove("NO_COLOR").stdin(Stdio::null());
    cmd
}

pub fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Reg {
    pub fn new() -> Self {
        Self::named("registry.json")
    }

    pub fn named(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(name);
        let location = path.to_string_lossy().into_owned();
        Reg {
            dir,
            path,
            location,
            env: Vec::new(),
        }
    }

    /// A fresh prefix in the shared test etcd; None (skipped) when etcd is absent.
    pub fn etcd() -> Option<Self> {
        let mut reg = Self::new();
        reg.set_location(crate::etcd::shared()?.fresh_prefix());
        Some(reg)
    }

    /// A fresh prefix in the shared etcd with TLS, client certificates and
    /// authentication, as a user whose role grants only the prefixes under test.
    pub fn etcd_secure() -> Option<Self> {
        let mut reg = Self::new();
        let (location, env) = crate::etcd::secure()?.fresh_prefix();
        reg.set_location(location);
        reg.env = env;
        Some(reg)
    }

    /// The binary with this registry's environment but no --registry.
    pub fn bare(&self) -> Command {
        let mut cmd = mcpreg();
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    pub fn set_location(&mut self, location: String) {
        self.location = location;
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    pub fn is_file(&self) -> bool {
        self.location == self.path.to_string_lossy()
    }

    /// What the registry holds, as text: the file's bytes, or etcd's entries.
    pub fn snapshot(&self) -> String {
        if self.is_file() {
            String::from_utf8_lossy(&self.bytes().unwrap_or_default()).into_owned()
        } else {
            // On etcd `expires_at` is derived from the lease at each read (now +
            // ttl), not stored: what the registry holds is everything else.
            let mut entries = self.run(&["list", "--json"]).ok().json();
            for e in entries.as_array_mut().into_iter().flatten() {
                if let Some(lease) = e.get_mut("lease").and_then(|l| l.as_object_mut()) {
                    lease.remove("expires_at");
                }
            }
            serde_json::to_string_pretty(&entries).unwrap_or_default()
        }
    }

    /// A registry file holding exactly `text`.
    pub fn with_text(name: &str, text: &str) -> Self {
        let reg = Self::named(name);
        std::fs::write(&reg.path, text).expect("write registry");
        reg
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.bare();
        cmd.arg("--registry").arg(&self.location).args(args);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        finish(self.cmd(args).output().expect("run mcpreg"))
    }

    /// The registry file's bytes (file backend only).
    pub fn bytes(&self) -> Option<Vec<u8>> {
        assert!(self.is_file(), "bytes() of an etcd registry");
        std::fs::read(&self.path).ok()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes().expect("registry exists")).expect("registry is JSON")
    }

    /// Ids in the registry, as `list` gives them (sorted by id).
    pub fn ids(&self) -> Vec<String> {
        let run = self.run(&["list", "--format", "ids"]).ok();
        run.stdout.lines().map(str::to_owned).collect()
    }

    /// One entry as `show --json` prints it.
    pub fn entry(&self, id: &str) -> serde_json::Value {
        let run = self.run(&["show", id, "--json"]);
        assert_eq!(run.code, 0, "no entry {id}: {}", run.stderr);
        run.json()
    }

    pub fn folder(&self) -> &Path {
        self.dir.path()
    }

    /// Registers a stdio server and returns its id.
    pub fn register(&self, name: &str, extra: &[&str]) -> String {
        let mut args = vec!["register", "--name", name];
        args.extend_from_slice(extra);
        if !extra.contains(&"--url") && !extra.contains(&"--") {
            args.extend_from_slice(&["--", "/usr/bin/true", name]);
        }
        self.run(&args).ok().stdout.trim().to_owned()
    }
}

pub fn ids_of(doc: &serde_json::Value) -> Vec<String> {
    doc["servers"]
        .as_array()
        .map(|s| {
            s.iter()
                .map(|e| e["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Pseudo-random numbers for test schedules. The seed is printed, and taken from
/// `MCPREG_TEST_SEED` when that is set, so a failing schedule can be replayed:
/// `MCPREG_TEST_SEED=1234 cargo test --test cli NAME -- --exact --nocapture`.
pub struct Rng(u64);

impl Rng {
    pub fn seeded() -> Self {
        use std::hash::{BuildHasher, RandomState};
        let seed = match std::env::var("MCPREG_TEST_SEED") {
            Ok(text) => text
                .trim()
                .parse::<u64>()
                .unwrap_or_else(|e| panic!("MCPREG_TEST_SEED={text:?} is not a u64: {e}")),
            Err(_) => RandomState::new().hash_one(std::process::id()),
        };
        eprintln!("rng seed {seed} (replay with MCPREG_TEST_SEED={seed})");
        // xorshift never leaves zero, so the state is made odd.
        Rng(seed | 1)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }

    /// A position in a list of `len` items (0 when it is empty).
    pub fn index(&mut self, len: usize) -> usize {
        let len = u64::try_from(len).expect("a length fits 64 bits");
        usize::try_from(self.below(len)).expect("below a usize length")
    }
}

/// Runs each listed test, a `fn(&Reg)`, against a registry file, against etcd, and
/// against etcd over TLS with authentication, so the backends cannot drift apart.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod file {
            $( #[test] fn $name() { super::$name(&crate::support::Reg::new()); } )*
        }
        mod etcd {
            $( #[test] fn $name() { if let Some(reg) = crate::support::Reg::etcd() { super::$name(&reg); } } )*
        }
        mod etcd_secure {
            $( #[test] fn $name() { if let Some(reg) = crate::support::Reg::etcd_secure() { super::$name(&reg); } } )*
        }
    };
}

/// How long `f` takes, with its result.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = f();
    (value, started.elapsed())
}

/// The median of `samples` (which must not be empty).
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Polls `ok` until it holds. The deadline only bounds a hang: it is far longer
/// than a loaded debug build on two busy cores needs, so it never races the work.
#[track_caller]
pub fn eventually(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + HANG;
    while !ok() {
        assert!(Instant::now() < deadline, "{what}: not within {HANG:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How long a test waits for something that must happen before it calls it a
/// hang: never a latency bound.
pub const HANG: Duration = Duration::from_secs(60);

/// The pid a process wrote to `path`, once the file holds one: a server or its
/// child may write it after the command that started it has returned.
#[track_caller]
pub fn read_pid(path: &Path) -> i32 {
    let mut pid = None;
    eventually(&format!("a pid in {}", path.display()), || {
        pid = std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.trim().parse().ok());
        pid.is_some()
    });
    pid.expect("eventually returns once the pid is read")
}

/// What one short `mcpreg` command (a `list` of an empty registry file) takes on
/// this machine right now: the median of three. Tests that bound a latency add a
/// multiple of it, so the bound follows the machine's load.
pub fn command_time() -> Duration {
    let reg = Reg::new();
    median(
        (0..3)
            .map(|_| timed(|| reg.run(&["list"]).ok()).1)
            .collect(),
    )
}

/// Sends `signal` to the child `child`, returning what kill(2) returns.
pub fn kill(child: &std::process::Child, signal: i32) -> i32 {
    // A pid is below the kernel's pid_max (at most 2^22), so it fits a pid_t.
    let pid = libc::pid_t::try_from(child.id()).expect("a pid fits a pid_t");
    // SAFETY: kill has no memory preconditions.
    unsafe { libc::kill(pid, signal) }
}
