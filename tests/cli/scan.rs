//! `scan`, on loopback only: every test binds its own listeners on its own
//! 127.83.N.1 address (Linux answers on all of 127/8), so the ground truth is
//! exactly what the test opened, whatever other tests do on 127.0.0.1.
//! Addresses outside loopback appear only with --dry-run, which sends nothing.

use crate::mcp_fakes::brain::{FakeEra, TOOLS};
use crate::mcp_fakes::http::{FakeHttp, HttpFake};
use crate::support::{Reg, Run, command_time, timed};
use serde_json::Value;
use socket2::{Domain, Socket, Type};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// A listener thread that answers every request with `reply`, or never
/// writes anything (`None`); dropping it stops it.
struct Plain {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Plain {
    fn start(ip: &str, reply: Option<&'static str>) -> Plain {
        let listener = TcpListener::bind((ip, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut conn) = conn else { continue };
                let flag = flag.clone();
                thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_millis(200)));
                    let mut buf = [0u8; 4096];
                    let _ = conn.read(&mut buf);
                    match reply {
                        Some(text) => {
                            let _ = conn.write_all(text.as_bytes());
                        }
                        // Hold the connection open and silent.
                        None => {
                            while !flag.load(Ordering::SeqCst) {
                                thread::sleep(Duration::from_millis(20));
                            }
                        }
                    }
                });
            }
        });
        Plain { addr, stop }
    }
}

impl Drop for Plain {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

const HTML: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20\r\nConnection: close\r\n\r\n<html>hello!</html>\n";
const NOT_FOUND: &str = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const BANNER: &str = "SSH-2.0-OpenSSH_9.6\r\n";

/// A "filtered" port: a listener with an accept backlog of 0, filled by one
/// connection nobody accepts. Linux then drops further SYNs (the listen
/// queue is full), so a connect gets no answer at all, as behind a firewall.
struct Filtered {
    addr: SocketAddr,
    _listener: Socket,
    _filler: TcpStream,
}

impl Filtered {
    fn start(ip: &str) -> Filtered {
        let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        let ip: IpAddr = ip.parse().unwrap();
        listener.bind(&SocketAddr::new(ip, 0).into()).expect("bind");
        listener.listen(0).unwrap();
        let addr = listener.local_addr().unwrap().as_socket().unwrap();
        let filler = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).expect("filler");
        Filtered {
            addr,
            _listener: listener,
            _filler: filler,
        }
    }

    /// Checks the trick works on this kernel: a connect must go unanswered.
    fn check(&self) {
        match TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)) {
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            other => panic!(
                "a full accept queue should drop SYNs (net.ipv4.tcp_abort_on_overflow=0), got {other:?}"
            ),
        }
    }
}

/// A port on `ip` that nothing listens on (bound, then released).
fn closed(ip: &str) -> u16 {
    TcpListener::bind((ip, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn ports(list: &[u16]) -> String {
    list.iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn scan(reg: &Reg, args: &[&str]) -> Run {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    reg.run(&all)
}

/// `(address, port)` of every row of a JSON scan output.
fn rows(run: &Run) -> Vec<(String, u16)> {
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap().to_owned(),
                u16::try_from(r["port"].as_u64().unwrap()).unwrap(),
            )
        })
        .collect()
}

fn row(run: &Run, port: u16) -> Value {
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["port"] == port)
        .cloned()
        .unwrap_or_else(|| panic!("no row for port {port}: {}", run.stdout))
}

#[test]
fn scan_finds_every_mcp_server_of_both_eras_and_no_false_positive() {
    let ip = "127.83.1.1";
    let at = format!("{ip}:0");
    let old = FakeHttp::start_at(
        HttpFake::Streamable {
            era: FakeEra::Old,
            sse: false,
        },
        &at,
    );
    let new = FakeHttp::start_at(
        HttpFake::Streamable {
            era: FakeEra::New,
            sse: true,
        },
        &at,
    );
    let legacy = FakeHttp::start_at(HttpFake::LegacySse, &at);
    let html = Plain::start(ip, Some(HTML));
    let not_found = Plain::start(ip, Some(NOT_FOUND));
    let banner = Plain::start(ip, Some(BANNER));
    let silent = Plain::start(ip, None);
    let filtered = Filtered::start(ip);
    filtered.check();
    let shut = [closed(ip), closed(ip)];
    let mcp = [old.addr.port(), new.addr.port(), legacy.addr.port()];
    let others = [
        html.addr.port(),
        not_found.addr.port(),
        banner.addr.port(),
        silent.addr.port(),
    ];
    let mut every = vec![filtered.addr.port()];
    every.extend(shut);
    every.extend(mcp);
    every.extend(others);
    let spec = ports(&every);
    let reg = Reg::new();
    // The fakes answer from threads of this busy test process: the identification
    // probes get 2s, or more when a short command shows the machine is slow now.
    let short = command_time();
    let probe_timeout = format!("{}s", (short * 40).as_secs().max(2));
    let common = [
        ip,
        "--ports",
        &spec,
        "--timeout",
        "500ms",
        "--probe-timeout",
        &probe_timeout,
        "--json",
    ];

    // Phase 1 alone: exactly the open ports, sorted. The one filtered port costs
    // the 500ms timeout; the rest is the process, bounded relative to the machine.
    let mut args = common.to_vec();
    args.push("--no-identify");
    let bound = Duration::from_secs(5).max(short * 100);
    let (run, took) = timed(|| scan(&reg, &args).ok());
    assert!(took < bound, "the sweep took {took:?}, bound {bound:?}");
    let mut expected: Vec<(String, u16)> = mcp
        .iter()
        .chain(&others)
        .map(|&p| (ip.to_owned(), p))
        .collect();
    expected.sort();
    assert_eq!(rows(&run), expected);

    // Identification: the three MCP servers, nothing else.
    let run = scan(&reg, &common).ok();
    let mut found: Vec<u16> = rows(&run).into_iter().map(|(_, p)| p).collect();
    let mut want = mcp.to_vec();
    want.sort_unstable();
    found.sort_unstable();
    assert_eq!(found, want, "{}", run.stdout);
    for (port, path, transport, version, name) in [
        (
            old.addr.port(),
            "/mcp",
            "streamable-http",
            "2025-06-18",
            "fake-old",
        ),
        (
            new.addr.port(),
            "/mcp",
            "streamable-http",
            "2026-07-28",
            "fake-new",
        ),
        (legacy.addr.port(), "/sse", "sse", "2024-11-05", "fake-old"),
    ] {
        let r = row(&run, port);
        assert_eq!(r["mcp"], true);
        assert_eq!(r["path"], path, "{r}");
        assert_eq!(r["url"], format!("http://{ip}:{port}{path}"));
        assert_eq!(r["transport"], transport, "{r}");
        assert_eq!(r["protocol_version"], version, "{r}");
        assert_eq!(r["server_name"], name, "{r}");
        assert_eq!(r["tools"].as_array().unwrap().len(), TOOLS.len(), "{r}");
    }
    // The legacy server was asked at /mcp and / before /sse.
    let asked: Vec<String> = legacy.requests();
    assert!(asked.iter().any(|l| l.starts_with("GET /sse")), "{asked:?}");

    // --all adds the open ports that are not MCP, with the reason.
    let mut args = common.to_vec();
    args.push("--all");
    let run = scan(&reg, &args).ok();
    assert_eq!(rows(&run), expected);
    for port in others {
        let r = row(&run, port);
        assert_eq!(r["mcp"], false, "{r}");
        assert!(r["error"].as_str().is_some_and(|e| !e.is_empty()), "{r}");
    }

    // The table has one row per MCP server.
    let run = scan(&reg, &common[..common.len() - 1]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    for word in [
        "ADDRESS",
        "PORT",
        "PATH",
        "TRANSPORT",
        "PROTOCOL",
        "SERVER",
        "TOOLS",
    ] {
        assert!(lines[0].contains(word), "{}", lines[0]);
    }
    assert!(run.stdout.contains("fake-new"));
    // Nothing was registered without --register.
    assert!(reg.bytes().is_none());
}

#[test]
fn scan_reports_none_with_exit_1() {
    let ip = "127.83.2.1";
    let html = Plain::start(ip, Some(NOT_FOUND));
    let spec = ports(&[closed(ip), html.addr.port()]);
    let reg = Reg::new();
    let run = scan(&reg, &[ip, "--ports", &spec, "--probe-timeout", "2s"]).code(1);
    assert_eq!(run.stdout, "");
    // The port is open, so --no-identify finds something.
    let run = scan(&reg, &[ip, "--ports", &spec, "--no-identify", "--json"]).ok();
    assert_eq!(rows(&run), [(ip.to_owned(), html.addr.port())]);
    let spec = ports(&[closed(ip)]);
    scan(&reg, &[ip, "--ports", &spec, "--no-identify"]).code(1);
}

#[test]
fn scan_register_makes_servers_findable_by_tool() {
    let ip = "127.83.3.1";
    let at = format!("{ip}:0");
    let old = FakeHttp::start_at(
        HttpFake::Streamable {
            era: FakeEra::Old,
            sse: true,
        },
        &at,
    );
    let legacy = FakeHttp::start_at(HttpFake::LegacySse, &at);
    let spec = ports(&[old.addr.port(), legacy.addr.port(), closed(ip)]);
    let reg = Reg::new();
    let args = [ip, "--ports", &spec, "--register", "--ttl", "1m", "--json"];
    let run = scan(&reg, &args).ok();
    let ids: Vec<String> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().expect("a registered id").to_owned())
        .collect();
    assert_eq!(ids.len(), 2);

    let found = reg.run(&["find", "--tool", TOOLS[4], "--json"]).ok();
    let entries = found.json();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{}", found.stdout);
    let mut kinds = Vec::new();
    for e in entries {
        assert!(ids.contains(&e["id"].as_str().unwrap().to_owned()));
        assert_eq!(e["name"], "fake-old");
        assert_eq!(e["tools"].as_array().unwrap().len(), TOOLS.len());
        assert_eq!(e["health"]["status"], "ok");
        assert_eq!(e["lease"]["ttl_s"], 60);
        kinds.push(e["transport"]["type"].as_str().unwrap().to_owned());
    }
    kinds.sort();
    assert_eq!(kinds, ["sse", "streamable-http"]);
    let sse = entries
        .iter()
        .find(|e| e["transport"]["type"] == "sse")
        .unwrap();
    assert_eq!(
        sse["transport"]["url"],
        format!("http://{ip}:{}/sse", legacy.addr.port())
    );
    // The capability filter works on what the probe learned.
    reg.run(&["find", "--capability", "prompts", "--format", "ids"])
        .ok();

    // A tag given by hand survives a re-scan; the same servers keep their ids.
    let streamable = ids
        .iter()
        .find(|id| reg.entry(id)["transport"]["type"] == "streamable-http")
        .unwrap()
        .clone();
    let url = reg.entry(&streamable)["transport"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    reg.run(&[
        "register", "--name", "fake-old", "--url", &url, "--tag", "mine",
    ])
    .ok();
    scan(&reg, &args).ok();
    assert_eq!(reg.ids().len(), 2);
    assert_eq!(reg.entry(&streamable)["tags"], serde_json::json!(["mine"]));
    assert_eq!(reg.entry(&streamable)["tools"].as_array().unwrap().len(), 5);
}

#[test]
fn scan_finishes_within_its_timeout_bound_on_filtered_ports() {
    let ip = "127.83.4.1";
    let filtered: Vec<Filtered> = (0..40).map(|_| Filtered::start(ip)).collect();
    filtered[0].check();
    let spec = ports(&filtered.iter().map(|f| f.addr.port()).collect::<Vec<_>>());
    let reg = Reg::new();
    let timeout = Duration::from_millis(400);
    // The upper bounds catch a sweep that waits longer than its rounds of the
    // timeout (such as the kernel's own minutes-long SYN retries). The slack above
    // the rounds is for starting the process and its sockets: 2s, or fifty short
    // commands' time when the machine is slower than that right now.
    let slack = Duration::from_secs(2).max(command_time() * 50);

    // Every connect in flight at once: about one timeout.
    let started = Instant::now();
    scan(
        &reg,
        &[ip, "--ports", &spec, "--timeout", "400ms", "--no-identify"],
    )
    .code(1);
    let took = started.elapsed();
    assert!(took >= timeout, "{took:?}");
    assert!(took < timeout + slack, "{took:?}, slack {slack:?}");

    // A window of 10: ceil(40 / 10) = 4 rounds of the timeout.
    let started = Instant::now();
    let run = scan(
        &reg,
        &[
            ip,
            "--ports",
            &spec,
            "--timeout",
            "400ms",
            "--concurrency",
            "10",
            "--no-identify",
            "--json",
        ],
    )
    .code(1);
    let took = started.elapsed();
    assert_eq!(run.stdout.trim(), "[]");
    assert!(took >= timeout * 4, "{took:?}");
    assert!(took < timeout * 4 + slack, "{took:?}, slack {slack:?}");
}

#[test]
fn scan_speaks_ipv6_loopback() {
    let Ok(probe) = TcpListener::bind("[::1]:0") else {
        eprintln!("skipped: no IPv6 loopback on this machine");
        return;
    };
    drop(probe);
    let new = FakeHttp::start_at(
        HttpFake::Streamable {
            era: FakeEra::New,
            sse: false,
        },
        "[::1]:0",
    );
    let port = new.addr.port().to_string();
    let reg = Reg::new();
    let run = scan(&reg, &["::1/128", "--ports", &port, "--json"]).ok();
    let r = row(&run, new.addr.port());
    assert_eq!(r["address"], "::1");
    assert_eq!(r["url"], format!("http://[::1]:{port}/mcp"));
    assert_eq!(r["server_name"], "fake-new");
}

#[test]
fn scan_refuses_bad_targets_ports_and_limits() {
    let reg = Reg::new();
    let bad = |args: &[&str], needle: &str| {
        let run = scan(&reg, args).code(2).stderr_has(needle);
        assert_eq!(run.stdout, "");
    };
    bad(
        &["127.0.0/24", "--ports", "80"],
        "not an IP address or CIDR block",
    );
    bad(&["127.0.0.0/33", "--ports", "80"], "prefix length 33");
    bad(&["127.0.0.1", "--ports", "0"], "port 0");
    bad(
        &["127.0.0.1", "--ports", "70000"],
        "port 70000 is above 65535",
    );
    bad(&["127.0.0.1", "--ports", "90-80"], "reversed");
    bad(&["127.0.0.1", "--ports", "80,,81"], "empty item");
    bad(&["127.0.0.1", "--ports", "80", "--ttl", "1m"], "--register");
    // Over the limits: the message names the block and the flag. --dry-run
    // so that nothing could be sent even if a check were missing.
    bad(
        &["127.0.0.0/8", "--ports", "80", "--dry-run"],
        "127.0.0.0/8: 16777216 probes",
    );
    bad(
        &["127.77.0.0/16", "--ports", "80-81", "--dry-run"],
        "--allow-large",
    );
    bad(
        &["127.0.0.1", "192.0.2.0/24", "--ports", "80", "--dry-run"],
        "192.0.2.0/24: outside the loopback",
    );
    bad(
        &["2001:db8::1", "--ports", "80", "--dry-run"],
        "--allow-public",
    );
    bad(
        &["fd00::/64", "--ports", "80", "--dry-run"],
        "--allow-large",
    );

    // --dry-run counts and sends nothing.
    let run = scan(
        &reg,
        &[
            "127.0.0.0/24",
            "::1/128",
            "--ports",
            "80,443",
            "--dry-run",
            "--json",
        ],
    )
    .ok();
    assert_eq!(run.json()["probes"], 514);
    let run = scan(
        &reg,
        &[
            "192.0.2.0/24",
            "--ports",
            "80",
            "--allow-public",
            "--dry-run",
        ],
    )
    .ok();
    assert!(run.stdout.starts_with("256 probes"), "{}", run.stdout);
    let run = scan(
        &reg,
        &[
            "127.0.0.0/8",
            "--ports",
            "1-2",
            "--allow-large",
            "--dry-run",
        ],
    )
    .ok();
    assert!(run.stdout.starts_with("33554432 probes"), "{}", run.stdout);
    assert!(reg.bytes().is_none());
}
