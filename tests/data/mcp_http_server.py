#!/usr/bin/env python3
"""A minimal MCP server over Streamable HTTP (protocol 2025-06-18, JSON replies),
for the `mcpreg run` tests. Loopback only.

usage: mcp_http_server.py PORT PIDFILE [EXIT_AFTER_SECONDS EXIT_CODE]

Writes its pid to PIDFILE, serves POST /mcp, exits 0 on SIGTERM or SIGINT, or with
EXIT_CODE on SIGUSR1 or after EXIT_AFTER_SECONDS when those are given.
"""
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, pidfile = int(sys.argv[1]), sys.argv[2]
with open(pidfile, "w") as f:
    f.write(str(os.getpid()))


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
            self.send_header("Mcp-Session-Id", "s1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.reply(405)

    def do_DELETE(self):
        self.reply(200)

    def do_POST(self):
        if self.path != "/mcp":
            return self.reply(404)
        msg = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        if "id" not in msg:
            return self.reply(202)
        method = msg.get("method")
        if method == "initialize":
            result = {
                "protocolVersion": "2025-06-18",
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "pyfake", "version": "4.5.6"},
            }
        elif method == "tools/list":
            result = {"tools": [{"name": "echo", "description": "Echo back",
                                 "inputSchema": {"type": "object"}}]}
        else:
            return self.reply(200, {"jsonrpc": "2.0", "id": msg["id"],
                                    "error": {"code": -32601, "message": "method not found"}})
        self.reply(200, {"jsonrpc": "2.0", "id": msg["id"], "result": result})


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)


def stop(*_):
    threading.Thread(target=server.shutdown).start()


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
code = 0
if len(sys.argv) > 4:
    code = int(sys.argv[4])
    signal.signal(signal.SIGUSR1, stop)
    timer = threading.Timer(float(sys.argv[3]), stop)
    timer.daemon = True
    timer.start()
server.serve_forever()
sys.exit(code)
