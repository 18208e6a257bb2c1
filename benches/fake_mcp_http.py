#!/usr/bin/env python3
"""A small fake MCP server over Streamable HTTP, for benches/probe.sh.

    python3 benches/fake_mcp_http.py [--host 127.0.0.1] [--path /mcp] PORT [PORT...]

One process listens on every PORT given (one ThreadingHTTPServer per port, each
in its own thread), on 127.0.0.1 only, and answers like a 2025-11-25-era
Streamable HTTP server with JSON (never SSE) bodies:

  POST server/discover           -> JSON-RPC error -32601 "Method not found"
                                    (an old-era server: mcpreg falls back)
  POST initialize                -> result with protocolVersion 2025-11-25,
                                    capabilities {"tools": {}}, serverInfo,
                                    and an Mcp-Session-Id header
  POST notifications/initialized -> 202 Accepted, no body
  POST tools/list                -> three tools; with --pages P --tools-per-page T,
                                    P pages of T generated tools (a hostile server
                                    for benches/probe_memory.sh), linked by nextCursor
  POST anything else             -> JSON-RPC error -32601
  DELETE                         -> 200 (ends the session)
  GET                            -> 405 (no server-initiated SSE stream)

Requests after initialize must carry the session id initialize handed out:
a missing one gets 400 and an unknown one 404, as the spec says, so that a
client that forgets to echo Mcp-Session-Id fails instead of looking fast.
Any other path than --path gets 404.

Standard library only. Quiet: no access log. Stops on SIGTERM or SIGINT.
"""

import argparse
import json
import signal
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROTOCOL_VERSION = "2025-11-25"
TOOLS = [
    {
        "name": "echo",
        "description": "Echo the input back",
        "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
    },
    {
        "name": "add",
        "description": "Add two numbers",
        "inputSchema": {
            "type": "object",
            "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
        },
    },
    {
        "name": "now",
        "description": "The current time",
        "inputSchema": {"type": "object", "properties": {}},
    },
]
MAX_BODY = 1 << 20
# With --pages: the serialised `result` of each page, built once at start-up so
# that serving 64 servers costs the fake little CPU.
PAGES = []

SESSIONS = set()
SESSIONS_LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 with a Content-Length on every answer: clients may keep the
    # connection alive between the requests of one probe.
    protocol_version = "HTTP/1.1"
    server_version = "fake-mcp/1"
    # TCP_NODELAY, and each answer goes out in one write (see send): otherwise
    # Nagle's algorithm holds a body written after its headers until the client's
    # delayed ACK, about 40 ms per request, and the benchmark would time that.
    disable_nagle_algorithm = True
    mcp_path = "/mcp"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    def send(self, status, body=None, headers=()):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        # end_headers() would flush the headers on their own; send them with the
        # body instead.
        self._headers_buffer.append(b"\r\n" + data)
        self.flush_headers()

    def send_bytes(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self._headers_buffer.append(b"\r\n" + data)
        self.flush_headers()

    def path_ok(self):
        if self.path.split("?", 1)[0] != self.mcp_path:
            self.send(404, {"error": "not found"})
            return False
        return True

    def do_GET(self):
        if self.path_ok():
            self.send(405, None, [("Allow", "POST, DELETE")])

    def do_DELETE(self):
        if not self.path_ok():
            return
        with SESSIONS_LOCK:
            SESSIONS.discard(self.headers.get("Mcp-Session-Id"))
        self.send(200)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            self.send(413, {"error": "body too large"})
            return
        raw = self.rfile.read(length)
        if not self.path_ok():
            return
        try:
            msg = json.loads(raw)
        except ValueError:
            self.send(400, rpc_error(None, -32700, "Parse error"))
            return
        if not isinstance(msg, dict):
            self.send(400, rpc_error(None, -32600, "Invalid Request"))
            return
        method = msg.get("method")
        rid = msg.get("id")

        if method == "server/discover":
            self.send(200, rpc_error(rid, -32601, "Method not found"))
            return
        if method == "initialize":
            session = uuid.uuid4().hex
            with SESSIONS_LOCK:
                SESSIONS.add(session)
            result = {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "bench", "version": "1"},
            }
            self.send(200, {"jsonrpc": "2.0", "id": rid, "result": result},
                      [("Mcp-Session-Id", session)])
            return

        # Everything else belongs to a session.
        session = self.headers.get("Mcp-Session-Id")
        if session is None:
            self.send(400, rpc_error(rid, -32000, "Bad Request: missing Mcp-Session-Id"))
            return
        with SESSIONS_LOCK:
            known = session in SESSIONS
        if not known:
            self.send(404, rpc_error(rid, -32001, "Session not found"))
            return
        if rid is None:  # a notification, notifications/initialized or another
            self.send(202)
        elif method == "tools/list" and PAGES:
            cursor = (msg.get("params") or {}).get("cursor") or "0"
            page = int(cursor) if cursor.isdigit() and int(cursor) < len(PAGES) else 0
            body = b'{"jsonrpc":"2.0","id":%s,"result":%s}' % (json.dumps(rid).encode(), PAGES[page])
            self.send_bytes(200, body)
        elif method == "tools/list":
            self.send(200, {"jsonrpc": "2.0", "id": rid, "result": {"tools": TOOLS}})
        else:
            self.send(200, rpc_error(rid, -32601, "Method not found"))


def rpc_error(rid, code, message):
    return {"jsonrpc": "2.0", "id": rid, "error": {"code": code, "message": message}}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ports", metavar="PORT", type=int, nargs="+")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--path", default="/mcp")
    ap.add_argument("--pages", type=int, default=0)
    ap.add_argument("--tools-per-page", type=int, default=3000)
    args = ap.parse_args()
    for p in range(args.pages):
        tools = [{"name": f"t{p}_{i}", "description": "d"} for i in range(args.tools_per_page)]
        result = {"tools": tools}
        if p + 1 < args.pages:
            result["nextCursor"] = str(p + 1)
        PAGES.append(json.dumps(result, separators=(",", ":")).encode())
    Handler.mcp_path = args.path

    servers = []
    for port in args.ports:
        try:
            servers.append(Server((args.host, port), Handler))
        except OSError as e:
            print(f"fake_mcp_http.py: cannot listen on {args.host}:{port}: {e}", file=sys.stderr)
            sys.exit(2)
    for s in servers:
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.5},
                         daemon=True).start()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"fake_mcp_http.py: listening on {len(servers)} ports of {args.host}",
          file=sys.stderr, flush=True)
    stop.wait()
    # The serving threads are daemons: leaving main() ends them and the process
    # at once (shutdown() one by one would wait up to poll_interval per port).
    for s in servers:
        s.socket.close()


if __name__ == "__main__":
    main()
