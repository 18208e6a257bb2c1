#!/usr/bin/env python3
"""Load generator for `mcpreg serve --http` (issue 14 §3); standard library only.

    serve_load.py load URL [--clients 16] [--duration S | --calls N] [--warmup N]
                  [--era 2026-07-28|2025-11-25] [--tool NAME] [--arguments JSON]
                  [--expect-count K] [--server-pid PID]
    serve_load.py visible URL MCPREG REGISTRY [--changes N] [--era ...] [--server-pid PID]

`load`: CLIENTS threads, each with one keep-alive HTTP connection (http.client),
call the tool back to back (a closed loop: a client sends its next call when the
last answer is in) for S seconds or N calls each, after N untimed warm-up calls.
A call is timed from the send of its request to the last byte of its answer;
checks happen after the clock stops, and one bad answer fails the run. Every
answer gets a quick check (HTTP 200, a JSON or event-stream body with our id, no
error, no isError); every K-th of each client (--check-every, 10; the first
included) is parsed and checked in full (a JSON-RPC result, not isError, K servers
with --expect-count). Parsing a 50 KB answer in Python costs about as much CPU as
the server spends making it, and on two shared cores that CPU is the server's.
The connection is a bare socket speaking HTTP/1.1 (--connection socket, the
default) or http.client (--connection http.client), for comparison.
Prints one JSON object: calls, calls/s, p50/p90/p99/max in ms, and the CPU time of
this process (all threads; os.times) so a reader can see whether the generator,
not the server, was the limit. With --server-pid, also the server's CPU time over
the timed part and its VmRSS/VmHWM at the end (from /proc).

`visible`: the time from a `mcpreg register` into REGISTRY to the first
find_servers answer that shows the new entry. A poller calls find_servers
{"filters": {"name": NAME}} back to back while the main thread runs `register`
N times, one new name each; for each change it records when the register process
started, when it was reaped, and when the poller first saw the entry. A change the
poller saw before the process was reaped (inotify fires at the rename, before the
process exits) counts as 0 ms from exit.

Eras. 2026-07-28 is stateless: every POST carries `MCP-Protocol-Version:
2026-07-28`, `Mcp-Method` and (tools/call) `Mcp-Name` headers, and the request's
`params._meta` carries the protocol version, client info and client capabilities.
2025-11-25 (and back to 2025-03-26) uses a session: `initialize`, the
`Mcp-Session-Id` the server returns, `notifications/initialized`, then the calls
with the session header; each client has its own session, closed with DELETE.
Answers may come as application/json or as a text/event-stream holding the answer.

Loopback only: the URL's host must be 127.0.0.0/8, ::1 or localhost.
"""

import argparse
import http.client
import ipaddress
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

MODERN = "2026-07-28"
CLIENT_INFO = {"name": "mcpreg-bench", "version": "1"}


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_of(pid: int) -> dict:
    """VmRSS and VmHWM of a process in KiB, from /proc/PID/status."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


def percentile(sorted_ms: list, p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_ms:
        return float("nan")
    rank = max(1, -(-len(sorted_ms) * p // 100))  # ceil(n * p / 100)
    return sorted_ms[int(rank) - 1]


class McpError(Exception):
    pass


class StdlibConnection:
    """One keep-alive HTTP/1.1 connection through http.client."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.open()

    def open(self):
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self.conn.connect()
        # One request is one send (http.client joins headers and a bytes body),
        # and no answer should wait for a delayed ACK either way.
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, verb: str, path: str, body: bytes | None, headers: dict) -> tuple:
        """(status, {lower-case header: value}, body)."""
        self.conn.request(verb, path, body, headers)
        resp = self.conn.getresponse()
        data = resp.read()
        got = {k.lower(): v for k, v in resp.getheaders()}
        if resp.will_close:
            self.conn.close()
            self.open()
        return resp.status, got, data

    def close(self):
        self.conn.close()


class SocketConnection:
    """The same on a bare socket: the request's bytes are built once per call and
    the answer is framed by Content-Length or chunked encoding, without
    http.client's header parser (its cost per call is several times this one's;
    on two shared cores the generator's CPU is taken from the server)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.open()

    def open(self):
        self.sock = socket.create_connection((self.host, self.port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def fill(self):
        chunk = self.sock.recv(262144)
        if not chunk:
            raise McpError("the server closed the connection mid-answer")
        self.buffer += chunk

    def take(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self.fill()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def line(self) -> bytes:
        while (i := self.buffer.find(b"\r\n")) < 0:
            self.fill()
        data, self.buffer = self.buffer[:i], self.buffer[i + 2:]
        return data

    def send(self, verb: str, path: str, body: bytes | None, headers: dict) -> tuple:
        body = body or b""
        head = [f"{verb} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self.fill()
        lines = self.buffer[:end].decode("latin-1").split("\r\n")
        self.buffer = self.buffer[end + 4:]
        status = int(lines[0].split(" ", 2)[1])
        got = {}
        for h in lines[1:]:
            k, _, v = h.partition(":")
            got[k.strip().lower()] = v.strip()
        if "content-length" in got:
            data = self.take(int(got["content-length"]))
        elif got.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while (size := int(self.line().split(b";")[0], 16)) > 0:
                parts.append(self.take(size))
                self.take(2)
            while self.line():  # trailers, then the empty line
                pass
            data = b"".join(parts)
        elif status in (202, 204, 304) or verb == "HEAD":
            data = b""
        else:  # delimited by the end of the connection
            while True:
                chunk = self.sock.recv(262144)
                if not chunk:
                    break
                self.buffer += chunk
            data, self.buffer = self.buffer, b""
            got["connection"] = "close"
        if got.get("connection", "").lower() == "close":
            self.close()
            self.open()
        return status, got, data

    def close(self):
        self.sock.close()


CONNECTIONS = {"socket": SocketConnection, "http.client": StdlibConnection}


class Client:
    """One MCP client on one keep-alive HTTP connection."""

    def __init__(self, url: str, era: str, connection: str = "socket"):
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
            raise SystemExit(f"serve_load.py: {host} is not a loopback address")
        self.path = parts.path or "/"
        self.era = era
        self.session = None
        self.next_id = 0
        self.conn = CONNECTIONS[connection](host, parts.port or 80)
        if era != MODERN:
            self.initialize()

    def headers(self, method: str, name: str | None) -> dict:
        h = {
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        }
        if self.era == MODERN:
            h["MCP-Protocol-Version"] = MODERN
            h["Mcp-Method"] = method
            if name is not None:
                h["Mcp-Name"] = name
        elif self.session is not None:
            h["MCP-Protocol-Version"] = self.era
            h["Mcp-Session-Id"] = self.session
        return h

    def prepare(self, method: str, params: dict, name: str | None = None) -> tuple:
        """(body bytes, headers, id) of a request; built before the clock starts."""
        self.next_id += 1
        params = dict(params)
        if self.era == MODERN:
            params["_meta"] = {
                "io.modelcontextprotocol/protocolVersion": MODERN,
                "io.modelcontextprotocol/clientInfo": CLIENT_INFO,
                "io.modelcontextprotocol/clientCapabilities": {},
            }
        body = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}
        return json.dumps(body).encode(), self.headers(method, name), self.next_id

    def exchange(self, body: bytes, headers: dict) -> tuple:
        """POSTs one message; (status, response headers, body)."""
        return self.conn.send("POST", self.path, body, headers)

    @staticmethod
    def quick_check(ident: int, status: int, headers: dict, data: bytes):
        """What every timed answer must pass without parsing it: HTTP 200, a JSON
        or event-stream body naming our id, and no error."""
        if status != 200:
            raise McpError(f"HTTP {status}: {data[:300]!r}")
        ctype = headers.get("content-type", "")
        if not (ctype.startswith("application/json") or ctype.startswith("text/event-stream")):
            raise McpError(f"answer of type {ctype!r}")
        if b'"error":' in data[:200] or b'"isError":true' in data or b'"isError": true' in data:
            raise McpError(f"an error: {data[:300]!r}")
        if f'"id":{ident}'.encode() not in data and f'"id": {ident}'.encode() not in data:
            raise McpError(f"no id {ident} in the answer: {data[:300]!r}")

    @staticmethod
    def answer(ident: int, status: int, headers: dict, data: bytes) -> dict:
        """The JSON-RPC answer with this id, from a JSON or an SSE body."""
        if status != 200:
            raise McpError(f"HTTP {status}: {data[:300]!r}")
        if headers.get("content-type", "").startswith("text/event-stream"):
            for event in data.replace(b"\r\n", b"\n").split(b"\n\n"):
                lines = [l[5:].lstrip(b" ") for l in event.split(b"\n") if l.startswith(b"data:")]
                data_text = b"\n".join(lines).strip()
                if not data_text:  # a priming event (an id and no data) or a comment
                    continue
                message = json.loads(data_text)
                if isinstance(message, dict) and message.get("id") == ident:
                    return message
            raise McpError(f"no answer with id {ident} in the event stream: {data[:300]!r}")
        message = json.loads(data)
        if message.get("id") != ident:
            raise McpError(f"answer for id {message.get('id')}, expected {ident}")
        return message

    def request(self, method: str, params: dict, name: str | None = None) -> tuple:
        body, headers, ident = self.prepare(method, params, name)
        status, got, data = self.exchange(body, headers)
        message = self.answer(ident, status, got, data)
        if "error" in message:
            raise McpError(f"{method}: {message['error']}")
        return message, got

    def initialize(self):
        params = {"protocolVersion": self.era, "capabilities": {}, "clientInfo": CLIENT_INFO}
        message, got = self.request("initialize", params)
        self.session = got.get("mcp-session-id")
        if self.session is None:
            raise McpError("initialize: no Mcp-Session-Id in the answer")
        chosen = message["result"].get("protocolVersion")
        if chosen != self.era:
            raise McpError(f"initialize: server chose {chosen}, not {self.era}")
        body = json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}).encode()
        status, _, _ = self.exchange(body, self.headers("notifications/initialized", None))
        if status not in (200, 202):
            raise McpError(f"notifications/initialized: HTTP {status}")

    def close(self):
        if self.session is not None:
            try:
                self.conn.send("DELETE", self.path, None, self.headers("", None))
            except (OSError, McpError, http.client.HTTPException, ValueError):
                pass
        self.conn.close()


def check_call(message: dict, expect_count):
    result = message.get("result")
    if not isinstance(result, dict) or result.get("isError"):
        raise McpError(f"tools/call failed: {json.dumps(message)[:300]}")
    if expect_count is not None:
        servers = (result.get("structuredContent") or {}).get("servers")
        if not isinstance(servers, list) or len(servers) != expect_count:
            got = len(servers) if isinstance(servers, list) else servers
            raise McpError(f"expected {expect_count} servers, got {got}")


def load(a) -> dict:
    arguments = json.loads(a.arguments)
    clock = {}

    def started():
        # Runs once, before any client is released: every client sees the deadline.
        clock["start"] = time.monotonic()
        clock["stop_at"] = clock["start"] + a.duration
        clock["cpu"] = os.times()
        clock["server_cpu"] = cpu_of(a.server_pid) if a.server_pid else None

    start_gate = threading.Barrier(a.clients + 1, action=started)
    results, failures, ends = [], [], []
    lock = threading.Lock()

    def worker():
        latencies = []
        client = None
        try:
            client = Client(a.url, a.era, a.connection)
            params = {"name": a.tool, "arguments": arguments}
            for _ in range(a.warmup):
                message, _ = client.request("tools/call", params, a.tool)
                check_call(message, a.expect_count)
            start_gate.wait()
            done = 0
            while True:
                if a.calls is not None and done >= a.calls:
                    break
                if a.calls is None and time.monotonic() >= clock["stop_at"]:
                    break
                body, headers, ident = client.prepare("tools/call", params, a.tool)
                t0 = time.perf_counter_ns()
                status, got, data = client.exchange(body, headers)
                t1 = time.perf_counter_ns()
                Client.quick_check(ident, status, got, data)
                if done % a.check_every == 0:
                    check_call(Client.answer(ident, status, got, data), a.expect_count)
                latencies.append((t1 - t0) / 1e6)
                done += 1
            with lock:
                ends.append(time.monotonic())
        except Exception as e:  # noqa: BLE001 - any failure fails the run, with its text
            with lock:
                failures.append(f"{type(e).__name__}: {e}")
            start_gate.abort()
        finally:
            if client is not None:
                client.close()
            with lock:
                results.append(latencies)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.clients)]
    for t in threads:
        t.start()
    try:
        start_gate.wait()
    except threading.BrokenBarrierError:
        pass
    for t in threads:
        t.join()
    if "start" not in clock:  # a client failed before the start
        return {"era": a.era, "calls": 0, "failures": len(failures),
                "first_failure": failures[0] if failures else "no client started"}
    t_start, cpu_start, server_cpu_start = clock["start"], clock["cpu"], clock["server_cpu"]
    # The timed part ends with the last call, not with the sessions' DELETEs.
    wall = (max(ends) if ends else time.monotonic()) - t_start
    cpu_end = os.times()
    all_ms = sorted(ms for r in results for ms in r)
    own_cpu = (cpu_end.user - cpu_start.user) + (cpu_end.system - cpu_start.system)
    out = {
        "era": a.era,
        "clients": a.clients,
        "tool": a.tool,
        "arguments": arguments,
        "calls": len(all_ms),
        "failures": len(failures),
        "first_failure": failures[0] if failures else None,
        "wall_s": round(wall, 3),
        "calls_per_s": round(len(all_ms) / wall, 1) if wall > 0 else None,
        "p50_ms": round(percentile(all_ms, 50), 3),
        "p90_ms": round(percentile(all_ms, 90), 3),
        "p99_ms": round(percentile(all_ms, 99), 3),
        "max_ms": round(all_ms[-1], 3) if all_ms else None,
        "mean_ms": round(sum(all_ms) / len(all_ms), 3) if all_ms else None,
        # Cores this generator kept busy: near 1 means Python's GIL was the limit.
        "generator_cpu_s": round(own_cpu, 3),
        "generator_cores": round(own_cpu / wall, 2) if wall > 0 else None,
        "generator_cpu_us_per_call": round(own_cpu / len(all_ms) * 1e6, 1) if all_ms else None,
    }
    if a.server_pid:
        server_cpu = cpu_of(a.server_pid) - server_cpu_start
        out["server_cpu_s"] = round(server_cpu, 3)
        out["server_cores"] = round(server_cpu / wall, 2) if wall > 0 else None
        out["server_cpu_us_per_call"] = round(server_cpu / len(all_ms) * 1e6, 1) if all_ms else None
        out["server_memory_kib"] = memory_of(a.server_pid)
    return out


def visible(a) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCPREG_")}
    wanted = [None]  # the name the poller looks for, or None
    seen_at = {}
    stop = threading.Event()
    errors = []
    polls = [0]

    def poller():
        poll = Client(a.url, a.era)
        try:
            while not stop.is_set():
                name = wanted[0]
                if name is None or name in seen_at:
                    time.sleep(0.0005)
                    continue
                message, _ = poll.request(
                    "tools/call", {"name": "find_servers",
                                   "arguments": {"filters": {"name": name}}}, "find_servers")
                polls[0] += 1
                check_call(message, None)
                if message["result"]["structuredContent"]["servers"]:
                    seen_at[name] = time.monotonic()
        except (McpError, OSError, http.client.HTTPException, ValueError) as e:
            errors.append(f"{type(e).__name__}: {e}")
        finally:
            poll.close()

    thread = threading.Thread(target=poller, daemon=True)
    thread.start()
    rows = []
    for i in range(a.changes):
        name = f"visible-{os.getpid()}-{i}"
        wanted[0] = name
        started = time.monotonic()
        subprocess.run([a.mcpreg, "--registry", a.registry, "register", "--name", name,
                        "--tool", "bench_visible=d", "-q", "--", "/bin/visible"],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        exited = time.monotonic()
        deadline = exited + 10
        while name not in seen_at and time.monotonic() < deadline and not errors:
            time.sleep(0.0002)
        if name not in seen_at:
            errors.append(errors[0] if errors else f"{name} not visible 10 s after register")
            break
        rows.append(((seen_at[name] - exited) * 1000, (seen_at[name] - started) * 1000))
        time.sleep(a.pause)
    stop.set()
    thread.join()
    from_exit = sorted(max(0.0, r[0]) for r in rows)
    from_start = sorted(r[1] for r in rows)
    out = {
        "era": a.era,
        "changes": len(rows),
        "errors": errors,
        "polls": polls[0],
        "before_exit": sum(1 for r in rows if r[0] <= 0),
        "from_exit_p50_ms": round(percentile(from_exit, 50), 2),
        "from_exit_p99_ms": round(percentile(from_exit, 99), 2),
        "from_exit_max_ms": round(from_exit[-1], 2) if from_exit else None,
        "from_start_p50_ms": round(percentile(from_start, 50), 2),
        "from_start_max_ms": round(from_start[-1], 2) if from_start else None,
    }
    if a.server_pid:
        out["server_memory_kib"] = memory_of(a.server_pid)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("url")
    common.add_argument("--era", default=MODERN,
                        choices=[MODERN, "2025-11-25", "2025-06-18", "2025-03-26"])
    common.add_argument("--server-pid", type=int, default=None)
    lp = sub.add_parser("load", parents=[common])
    lp.add_argument("--clients", type=int, default=16)
    lp.add_argument("--duration", type=float, default=10.0)
    lp.add_argument("--calls", type=int, default=None, help="calls per client (instead of --duration)")
    lp.add_argument("--warmup", type=int, default=5, help="untimed calls per client first")
    lp.add_argument("--tool", default="find_servers")
    lp.add_argument("--arguments", default="{}", help="the tool's arguments, as JSON")
    lp.add_argument("--expect-count", type=int, default=None,
                    help="every answer must list this many servers")
    lp.add_argument("--check-every", type=int, default=10, metavar="K",
                    help="parse and check in full every K-th answer of each client (the first "
                         "included); every answer gets a quick check (HTTP 200, our id, no error)")
    lp.add_argument("--connection", choices=sorted(CONNECTIONS), default="socket")
    vp = sub.add_parser("visible", parents=[common])
    vp.add_argument("mcpreg")
    vp.add_argument("registry")
    vp.add_argument("--changes", type=int, default=20)
    vp.add_argument("--pause", type=float, default=0.2, help="seconds between changes")
    a = p.parse_args()
    out = load(a) if a.command == "load" else visible(a)
    print(json.dumps(out))
    failed = out.get("failures") or out.get("errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
