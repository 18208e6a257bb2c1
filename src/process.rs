//! One place for child processes and signals: every program mcpreg starts (a stdio
//! probe's server, `run`'s server, `watch --exec`'s command) is spawned here, in a
//! process group of its own, and stopped here; SIGINT and SIGTERM reach commands
//! through [`on_stop_signal`].
//!
//! # What is guaranteed (Linux)
//!
//! A child is the leader of its own process group, so stopping it signals the whole
//! group (SIGTERM, a grace, then SIGKILL). A descendant that left the group
//! (`setsid`, `setpgid`) is not reached that way; for stdio probes mcpreg therefore
//! makes itself a child subreaper (`PR_SET_CHILD_SUBREAPER`): whatever a server
//! leaves behind is re-parented to mcpreg when its parent dies, and
//! [`sweep_orphans`] kills and reaps every child of mcpreg that it did not spawn
//! itself, round after round, until none is left. Only a process handed to another
//! daemon (`systemd-run`, `at`, a D-Bus activation) leaves mcpreg's tree and escapes.

use std::collections::HashSet;
use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Pids of the children spawned here and not yet reaped: everything else whose
/// parent is mcpreg is an orphan a server left behind.
static SPAWNED: Mutex<Option<HashSet<u32>>> = Mutex::new(None);

/// How long a stopped process group gets between SIGTERM and SIGKILL, when a
/// person or a service manager asked mcpreg to stop (issue 11 §8).
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// A running child that leads its own process group.
pub struct Group {
    child: Child,
    pgid: i32,
}

/// Spawns `command` as the leader of a new process group. With `die_with_us`, the
/// kernel sends the child `death_signal` should mcpreg die without cleaning up
/// (SIGKILL of mcpreg), on Linux.
pub fn spawn_group(command: &mut Command, death_signal: Option<libc::c_int>) -> io::Result<Group> {
    command.process_group(0);
    #[cfg(target_os = "linux")]
    if let Some(signal) = death_signal {
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        unsafe {
            command.pre_exec(move || {
                libc::prctl(libc::PR_SET_PDEATHSIG, signal);
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = death_signal;
    // The lock is held across the fork, so a sweep on another thread never sees
    // this child before it is known.
    let mut spawned = SPAWNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let child = command.spawn()?;
    spawned.get_or_insert_with(HashSet::new).insert(child.id());
    let pgid = i32::try_from(child.id()).unwrap_or(0);
    Ok(Group { child, pgid })
}

impl Group {
    pub fn pgid(&self) -> i32 {
        self.pgid
    }

    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// The exit status, if the leader has exited (it is then reaped).
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        let status = self.child.try_wait().ok().flatten();
        if status.is_some() {
            forget(self.child.id());
        }
        status
    }

    /// Waits up to `max` for the leader to exit.
    pub fn wait_for(&mut self, max: Duration) -> Option<ExitStatus> {
        let until = Instant::now() + max;
        loop {
            if let Some(status) = self.try_wait() {
                return Some(status);
            }
            let now = Instant::now();
            if now >= until {
                return None;
            }
            thread::sleep((until - now).min(Duration::from_millis(5)));
        }
    }

    /// Waits for the leader to exit, however long it takes.
    pub fn wait(&mut self) -> Option<ExitStatus> {
        let status = self.child.wait().ok();
        forget(self.child.id());
        status
    }

    /// Stops the group ([`stop_group`]), waiting on the leader here.
    pub fn stop(&mut self, grace: Duration) -> Option<ExitStatus> {
        let pgid = self.pgid;
        stop_group(pgid, grace, self)
    }

    /// After the leader exited: SIGTERM to what remains of its group, a short
    /// grace, then SIGKILL.
    pub fn stop_rest(&self, grace: Duration) {
        stop_rest(self.pgid, grace);
    }
}

/// Where the exit of a group's leader is heard, for [`stop_group`]: the
/// [`Group`] itself, or, when the group was moved into a thread that waits on it
/// (`run`, whose server's exit arrives on the channel that also carries
/// signals), whatever that thread reports to.
pub trait Leader {
    /// The leader's exit status, if it exits within `max` (it is then reaped).
    fn exit_within(&mut self, max: Duration) -> Option<ExitStatus>;
    /// The exit status of a leader that was sent SIGKILL.
    fn killed(&mut self) -> Option<ExitStatus>;
}

impl Leader for Group {
    fn exit_within(&mut self, max: Duration) -> Option<ExitStatus> {
        self.wait_for(max)
    }

    fn killed(&mut self) -> Option<ExitStatus> {
        self.wait()
    }
}

/// The one stop of a process group: SIGTERM to the group, up to `grace` for its
/// leader to exit, then SIGKILL; then what is left of the group gets the same
/// ([`stop_rest`]). Returns the leader's status.
pub fn stop_group(pgid: i32, grace: Duration, leader: &mut impl Leader) -> Option<ExitStatus> {
    signal_group(pgid, libc::SIGTERM);
    let status = leader.exit_within(grace).or_else(|| {
        signal_group(pgid, libc::SIGKILL);
        leader.killed()
    });
    stop_rest(pgid, Duration::from_millis(200));
    status
}

/// After the leader exited: SIGTERM to what remains of group `pgid`, up to
/// `grace`, then SIGKILL.
pub fn stop_rest(pgid: i32, grace: Duration) {
    if group_alive(pgid) {
        signal_group(pgid, libc::SIGTERM);
        let until = Instant::now() + grace;
        while group_alive(pgid) && Instant::now() < until {
            thread::sleep(Duration::from_millis(5));
        }
        signal_group(pgid, libc::SIGKILL);
    }
}

fn forget(pid: u32) {
    if let Some(set) = SPAWNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .as_mut()
    {
        set.remove(&pid);
    }
}

/// Sends `signal` to the process group `pgid`; never to groups 0 and 1 (ours, init).
pub fn signal_group(pgid: i32, signal: libc::c_int) {
    if pgid > 1 {
        // SAFETY: kill(2) with a negative pid signals a process group; it has no
        // memory-safety preconditions. ESRCH (group gone) is fine.
        unsafe {
            libc::kill(-pgid, signal);
        }
    }
}

/// Whether any process of the group is still alive (zombies excluded where /proc
/// tells us: an unreaped grandchild whose parent is not reaping is dead for our
/// purposes).
pub fn group_alive(pgid: i32) -> bool {
    if pgid <= 1 {
        return false;
    }
    // SAFETY: signal 0 only checks for existence and permission.
    let exists = unsafe { libc::kill(-pgid, 0) } == 0;
    if !exists {
        return false;
    }
    match processes() {
        Some(all) => all
            .iter()
            .any(|p| p.pgrp == pgid && p.state != 'Z' && p.state != 'X'),
        None => true,
    }
}

/// One line of /proc/PID/stat, the fields we use.
struct Proc {
    pid: i32,
    state: char,
    ppid: i32,
    pgrp: i32,
}

/// Every process /proc shows (Linux); `None` where there is no /proc.
fn processes() -> Option<Vec<Proc>> {
    let dir = std::fs::read_dir("/proc").ok()?;
    let mut all = Vec::new();
    for entry in dir.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid pgrp ...": comm may contain spaces or ')'.
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let mut fields = stat[close + 1..].split_whitespace();
        let state = fields.next().and_then(|s| s.chars().next());
        let ppid = fields.next().and_then(|s| s.parse().ok());
        let pgrp = fields.next().and_then(|s| s.parse().ok());
        if let (Some(state), Some(ppid), Some(pgrp)) = (state, ppid, pgrp) {
            all.push(Proc {
                pid,
                state,
                ppid,
                pgrp,
            });
        }
    }
    Some(all)
}

/// The pids whose parent is mcpreg: from each thread's `children` file where the
/// kernel has them (cheap), else from a walk of /proc. `None` without /proc.
fn my_children() -> Option<Vec<i32>> {
    let mut children = Vec::new();
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    for task in tasks.flatten() {
        match std::fs::read_to_string(task.path().join("children")) {
            Ok(list) => children.extend(
                list.split_whitespace()
                    .filter_map(|p| p.parse::<i32>().ok()),
            ),
            Err(_) => {
                let me = i32::try_from(std::process::id()).unwrap_or(0);
                let all = processes()?;
                return Some(all.iter().filter(|p| p.ppid == me).map(|p| p.pid).collect());
            }
        }
    }
    Some(children)
}

/// Set once mcpreg is a child subreaper: only then are orphans swept.
static SUBREAPER: AtomicBool = AtomicBool::new(false);

/// Makes mcpreg the reaper of whatever its children leave behind (Linux), so that
/// [`sweep_orphans`] can find it. Idempotent.
///
/// Not in unit tests: the sweep kills every child not spawned here, which holds
/// for the mcpreg binary (everything it starts goes through [`spawn_group`]) but
/// not for a test binary whose tests spawn helpers of their own. The integration
/// tests check the sweep on the real binary.
pub fn become_subreaper() {
    #[cfg(all(target_os = "linux", not(test)))]
    // SAFETY: prctl with an integer argument; no memory is passed.
    if unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1) } == 0 {
        SUBREAPER.store(true, Ordering::Relaxed);
    }
}

/// Kills and reaps every child of mcpreg that was not spawned here: descendants
/// re-parented to us (see [`become_subreaper`]) after their parent died. Killing
/// one re-parents its own children, so this goes on, round by round, until a round
/// finds none (or `max` has passed: a fork bomb cannot keep us here).
pub fn sweep_orphans(max: Duration) {
    if !SUBREAPER.load(Ordering::Relaxed) {
        return;
    }
    let until = Instant::now() + max;
    loop {
        let orphans: Vec<i32> = {
            let spawned = SPAWNED
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let Some(children) = my_children() else {
                return;
            };
            children
                .into_iter()
                .filter(|pid| {
                    spawned
                        .as_ref()
                        .is_none_or(|s| !s.contains(&pid.unsigned_abs()))
                })
                .collect()
        };
        if orphans.is_empty() || Instant::now() >= until {
            return;
        }
        for pid in orphans {
            // SAFETY: kill and waitpid of a child of ours, which is not reaped
            // elsewhere (no Child handle exists for it); no memory is passed but
            // the status integer.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                let mut status = 0;
                libc::waitpid(pid, &raw mut status, 0);
            }
        }
    }
}

/// Calls `handler` with the signal number, on a thread of its own, each time
/// SIGINT or SIGTERM arrives from now on.
pub fn on_stop_signal(handler: impl Fn(i32) + Send + 'static) -> io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
    ])?;
    thread::Builder::new()
        .name("mcpreg-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                handler(signal);
            }
        })?;
    Ok(())
}
