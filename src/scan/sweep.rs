//! Phase 1: the TCP sweep, without an async runtime.
//!
//! One event loop per core, each a `polling::Poller` (epoll on Linux) over
//! non-blocking `socket2` sockets. A loop keeps up to its share of the window
//! of connects in flight, claims probes from the plan in small chunks (so
//! loops that finish early take more), and keeps a FIFO of deadlines: every
//! connect gets the same timeout, so the FIFO is sorted by construction and
//! a timeout costs O(1).
//!
//! The fast path needs no event at all: right after `connect` says
//! `EINPROGRESS` the loop reads `SO_ERROR`, and on loopback (and often on a LAN)
//! the RST or SYN-ACK has already been processed by then: `ECONNREFUSED` means
//! closed, a peer address means open. Only the rest goes to the poller.
//!
//! A refused connect leaves a socket that can connect again once its
//! association is dissolved (`connect` to `AF_UNSPEC`, on Linux): creating
//! and closing a socket per probe was a third of the kernel's work, so each
//! loop keeps such sockets for its next probes.
//!
//! An open port is closed again with `SO_LINGER` 0 (an RST instead of a FIN,
//! so neither side keeps a `TIME_WAIT` entry), after checking it is not a
//! self-connect: a connect to 127.0.0.1:P whose kernel-chosen source port is
//! also P "succeeds" by TCP simultaneous open with nobody listening.

use super::targets::Plan;
use polling::{Event, Events, Poller};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// File descriptors kept out of the window, for the process's own use.
pub const FD_MARGIN: usize = 128;

/// How a sweep runs.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Time a connect may take before the port counts as filtered.
    pub timeout: Duration,
    /// Connects in flight at most, over all loops.
    pub window: usize,
    /// Event loops (threads).
    pub loops: usize,
}

/// Counters another thread may read while the sweep runs (the progress line).
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicU64,
    pub open: AtomicU64,
}

/// Raises the soft open-file limit to the hard limit and returns the soft
/// limit now in force (what the window may use).
pub fn raise_fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut lim) != 0 {
            return 1024;
        }
        if lim.rlim_cur < lim.rlim_max {
            let wanted = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raw const wanted) == 0 {
                lim.rlim_cur = lim.rlim_max;
            }
        }
    }
    lim.rlim_cur
}

/// Connects to every probe of `plan` and returns the open ones, sorted by
/// address then port, without duplicates.
pub fn sweep(plan: &Plan, opts: &Options, progress: &Progress) -> io::Result<Vec<SocketAddr>> {
    let total = plan.total();
    let loops = opts
        .loops
        .clamp(1, usize::try_from(total.max(1)).unwrap_or(usize::MAX));
    let share = opts.window.max(1).div_ceil(loops);
    // Chunks small enough that every loop gets work, large enough to keep the
    // shared counter cold.
    let chunk = (total / (loops as u64 * 8)).clamp(1, 256);
    let next = AtomicU64::new(0);
    let open = Mutex::new(Vec::new());
    let failure: Mutex<Option<io::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..loops {
            scope.spawn(|| {
                let work = Work {
                    plan,
                    next: &next,
                    chunk,
                    progress,
                };
                match run_loop(&work, share, opts.timeout) {
                    Ok(found) => open
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .extend(found),
                    Err(e) => {
                        // Stop the other loops from claiming more.
                        next.store(u64::MAX, Ordering::Relaxed);
                        failure
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .get_or_insert(e);
                    }
                }
            });
        }
    });
    if let Some(e) = failure
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        return Err(e);
    }
    let mut open = open
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    open.sort_unstable_by_key(|a| (a.ip(), a.port()));
    open.dedup();
    Ok(open)
}

struct Work<'a> {
    plan: &'a Plan,
    next: &'a AtomicU64,
    chunk: u64,
    progress: &'a Progress,
}

impl Work<'_> {
    /// A range of probe indexes this loop now owns; empty when all are claimed.
    fn claim(&self) -> std::ops::Range<u64> {
        let total = self.plan.total();
        let start = self
            .next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < total).then(|| n.saturating_add(self.chunk).min(total))
            });
        match start {
            Ok(s) => s..s.saturating_add(self.chunk).min(total),
            Err(_) => 0..0,
        }
    }
}

/// A connect in flight.
struct Pending {
    socket: Socket,
    target: SocketAddr,
    /// Distinguishes this connect from earlier ones in the same slot.
    serial: u64,
}

enum Outcome {
    Open,
    Closed,
    /// Not answered yet: wait for an event.
    Pending,
    /// Out of file descriptors or local ports: try this target again later.
    Busy(io::Error),
}

/// Classifies a socket whose connect has started: `SO_ERROR`, then whether it
/// has a peer.
fn settle(socket: &Socket, target: SocketAddr) -> io::Result<Outcome> {
    if socket.take_error()?.is_some() {
        return Ok(Outcome::Closed);
    }
    match socket.peer_addr() {
        Ok(_) => Ok(connected(socket, target)),
        Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => Ok(Outcome::Pending),
        Err(_) => Ok(Outcome::Closed),
    }
}

/// An established connection: open, unless it is a self-connect. Arms
/// `SO_LINGER` 0 so that closing it sends an RST.
fn connected(socket: &Socket, target: SocketAddr) -> Outcome {
    let _ = socket.set_linger(Some(Duration::ZERO));
    let local = socket.local_addr().ok().and_then(|a| a.as_socket());
    if local == Some(target) {
        Outcome::Closed
    } else {
        Outcome::Open
    }
}

/// Closed sockets kept for the next connect, by address family. A socket
/// creation and a close are a third of the kernel's work per probe; a TCP
/// socket whose connect was refused can connect again once it is
/// disconnected (`connect` to an `AF_UNSPEC` address, see [`disconnect`]).
#[derive(Default)]
struct Spare {
    v4: Vec<Socket>,
    v6: Vec<Socket>,
}

impl Spare {
    fn take(&mut self, target: SocketAddr) -> Option<Socket> {
        if target.is_ipv4() {
            self.v4.pop()
        } else {
            self.v6.pop()
        }
    }

    /// Keeps `socket` for another connect if it can be disconnected; closes
    /// it otherwise.
    fn keep(&mut self, socket: Socket, target: SocketAddr) {
        if disconnect(&socket) {
            if target.is_ipv4() {
                self.v4.push(socket);
            } else {
                self.v6.push(socket);
            }
        }
    }
}

/// Dissolves a refused connect's association (connect(2) with `AF_UNSPEC`):
/// on Linux a TCP socket in the CLOSE state is then ready to connect again.
#[cfg(target_os = "linux")]
fn disconnect(socket: &Socket) -> bool {
    use std::os::fd::AsRawFd;
    let unspec = libc::sockaddr {
        // AF_UNSPEC is 0: it fits any sa_family_t.
        #[allow(clippy::cast_possible_truncation, reason = "AF_UNSPEC is 0")]
        sa_family: libc::AF_UNSPEC as libc::sa_family_t,
        sa_data: [0; 14],
    };
    let len = libc::socklen_t::try_from(std::mem::size_of::<libc::sockaddr>()).unwrap_or(16);
    // SAFETY: a valid socket descriptor and a sockaddr of `len` bytes.
    unsafe { libc::connect(socket.as_raw_fd(), &raw const unspec, len) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn disconnect(_: &Socket) -> bool {
    false
}

/// Starts a connect to `target` on a spare socket or a new one.
fn start(spare: &mut Spare, target: SocketAddr) -> io::Result<(Option<Socket>, Outcome)> {
    let socket = match spare.take(target) {
        Some(s) => s,
        None => match Socket::new(
            Domain::for_address(target),
            Type::STREAM.nonblocking(),
            Some(Protocol::TCP),
        ) {
            Ok(s) => s,
            Err(e) if is_busy(&e) => return Ok((None, Outcome::Busy(e))),
            Err(e) => return Err(e),
        },
    };
    let outcome = match socket.connect(&SockAddr::from(target)) {
        Ok(()) => connected(&socket, target),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => settle(&socket, target)?,
        Err(e) if is_busy(&e) => Outcome::Busy(e),
        // Refused, unreachable, no route: nothing listens there for us.
        Err(_) => Outcome::Closed,
    };
    Ok((Some(socket), outcome))
}

/// Errors that say "not now" about this machine, not "no" about the target.
fn is_busy(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(
            libc::EMFILE
                | libc::ENFILE
                | libc::ENOBUFS
                | libc::ENOMEM
                | libc::EADDRNOTAVAIL
                | libc::EAGAIN
        )
    )
}

/// The connects one loop has in flight, by poller key.
struct Slots {
    slots: Vec<Option<Pending>>,
    free: Vec<usize>,
    in_flight: usize,
    serial: u64,
}

impl Slots {
    fn insert(
        &mut self,
        poller: &Poller,
        socket: Socket,
        target: SocketAddr,
    ) -> io::Result<(usize, u64)> {
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots.push(None);
            self.slots.len() - 1
        });
        // SAFETY: the socket stays in `slots` until `take` deletes it from
        // the poller, before it is dropped.
        unsafe { poller.add(&socket, Event::writable(slot))? };
        self.serial += 1;
        self.slots[slot] = Some(Pending {
            socket,
            target,
            serial: self.serial,
        });
        self.in_flight += 1;
        Ok((slot, self.serial))
    }

    fn get(&self, slot: usize) -> Option<&Pending> {
        self.slots.get(slot).and_then(Option::as_ref)
    }

    fn is_current(&self, slot: usize, serial: u64) -> bool {
        self.get(slot).is_some_and(|p| p.serial == serial)
    }

    fn take(&mut self, poller: &Poller, slot: usize) -> io::Result<Option<Pending>> {
        let Some(p) = self.slots.get_mut(slot).and_then(Option::take) else {
            return Ok(None);
        };
        poller.delete(&p.socket)?;
        self.free.push(slot);
        self.in_flight -= 1;
        Ok(Some(p))
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "the event loop's states (connect, poll, time out) share its locals; split, they would travel as one struct"
)]
fn run_loop(work: &Work<'_>, window: usize, timeout: Duration) -> io::Result<Vec<SocketAddr>> {
    let poller = Poller::new()?;
    let mut slots = Slots {
        slots: Vec::new(),
        free: Vec::new(),
        in_flight: 0,
        serial: 0,
    };
    let mut deadlines: VecDeque<(Instant, usize, u64)> = VecDeque::new();
    let mut events = Events::new();
    let mut ready: Vec<usize> = Vec::new();
    let mut open = Vec::new();
    let mut claimed = 0..0;
    // Targets to try again once some connects have finished.
    let mut retry: Vec<SocketAddr> = Vec::new();
    let mut busy: Option<(SocketAddr, io::Error)> = None;
    let mut spare = Spare::default();
    let progress = work.progress;
    let mut finish = |target: SocketAddr, is_open: bool| {
        if is_open {
            open.push(target);
            progress.open.fetch_add(1, Ordering::Relaxed);
        }
        progress.done.fetch_add(1, Ordering::Relaxed);
    };

    loop {
        // Fill the window.
        while slots.in_flight < window && busy.is_none() {
            let target = match retry.pop() {
                Some(t) => t,
                None => {
                    if claimed.is_empty() {
                        claimed = work.claim();
                    }
                    match claimed.next() {
                        Some(i) => work.plan.target(i),
                        None => break,
                    }
                }
            };
            match start(&mut spare, target)? {
                (_, Outcome::Open) => finish(target, true),
                (socket, Outcome::Closed) => {
                    if let Some(socket) = socket {
                        spare.keep(socket, target);
                    }
                    finish(target, false);
                }
                (_, Outcome::Busy(e)) => {
                    retry.push(target);
                    busy = Some((target, e));
                }
                (Some(socket), Outcome::Pending) => {
                    let (slot, serial) = slots.insert(&poller, socket, target)?;
                    deadlines.push_back((Instant::now() + timeout, slot, serial));
                }
                (None, Outcome::Pending) => unreachable!("a pending connect has a socket"),
            }
        }
        if slots.in_flight == 0 {
            if let Some((target, e)) = busy {
                // Out of resources with nothing in flight that could free any.
                return Err(io::Error::new(
                    e.kind(),
                    format!("cannot connect to {target}: {e}"),
                ));
            }
            break;
        }

        // Skip deadlines of connects that already finished.
        while let Some(&(_, slot, serial)) = deadlines.front() {
            if slots.is_current(slot, serial) {
                break;
            }
            deadlines.pop_front();
        }
        let wait = deadlines.front().map_or(timeout, |&(at, _, _)| {
            at.saturating_duration_since(Instant::now())
        });
        events.clear();
        poller.wait(&mut events, Some(wait))?;

        ready.clear();
        ready.extend(events.iter().map(|ev| ev.key));
        for &slot in &ready {
            let Some(p) = slots.get(slot) else { continue };
            match settle(&p.socket, p.target)? {
                Outcome::Pending => {
                    // Spurious wake-up: wait again (events are one-shot).
                    poller.modify(&p.socket, Event::writable(slot))?;
                }
                outcome => {
                    if let Some(p) = slots.take(&poller, slot)? {
                        busy = None;
                        let is_open = matches!(outcome, Outcome::Open);
                        if !is_open {
                            spare.keep(p.socket, p.target);
                        }
                        finish(p.target, is_open);
                    }
                }
            }
        }
        let now = Instant::now();
        while let Some(&(at, slot, serial)) = deadlines.front() {
            if at > now {
                break;
            }
            deadlines.pop_front();
            if slots.is_current(slot, serial)
                && let Some(p) = slots.take(&poller, slot)?
            {
                // No answer to the SYN in time: filtered, not open.
                busy = None;
                finish(p.target, false);
            }
        }
    }
    Ok(open)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::targets::{Block, Ports};
    use std::net::TcpListener;

    #[test]
    fn a_self_connect_is_not_open() {
        // A socket bound to 127.0.0.1:P and connected to 127.0.0.1:P connects
        // to itself (TCP simultaneous open), with nobody listening.
        let s = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
        s.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
            .unwrap();
        let me = s.local_addr().unwrap().as_socket().unwrap();
        s.connect(&me.into()).unwrap();
        assert_eq!(s.peer_addr().unwrap().as_socket(), Some(me));
        assert!(matches!(connected(&s, me), Outcome::Closed));

        let listener = TcpListener::bind("127.83.9.1:0").unwrap();
        let there = listener.local_addr().unwrap();
        let c = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
        c.connect(&there.into()).unwrap();
        assert!(matches!(connected(&c, there), Outcome::Open));
    }

    #[test]
    fn the_sweep_finds_listeners_only() {
        let listeners: Vec<TcpListener> = (0..3)
            .map(|_| TcpListener::bind("127.83.9.2:0").unwrap())
            .collect();
        let mut open: Vec<u16> = listeners
            .iter()
            .map(|l| l.local_addr().unwrap().port())
            .collect();
        open.sort_unstable();
        let closed: Vec<u16> = (0..3)
            .map(|_| {
                TcpListener::bind("127.83.9.2:0")
                    .unwrap()
                    .local_addr()
                    .unwrap()
                    .port()
            })
            .collect();
        let spec: Vec<String> = open.iter().chain(&closed).map(u16::to_string).collect();
        let plan = Plan::new(
            vec![Block::parse("127.83.9.2").unwrap()],
            Ports::parse(&spec.join(",")).unwrap(),
            false,
            false,
        )
        .unwrap();
        for (window, loops) in [(1, 1), (2, 2), (100, 4)] {
            let progress = Progress::default();
            let found = sweep(
                &plan,
                &Options {
                    timeout: Duration::from_secs(2),
                    window,
                    loops,
                },
                &progress,
            )
            .unwrap();
            let ports: Vec<u16> = found.iter().map(SocketAddr::port).collect();
            assert_eq!(ports, open);
            assert_eq!(progress.done.load(Ordering::Relaxed), 6);
            assert_eq!(progress.open.load(Ordering::Relaxed), 3);
        }
    }
}
