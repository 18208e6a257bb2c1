#!/usr/bin/env python3
"""Ground truth for benches/scan.sh, on loopback only.

  scan_listeners.py READY_FILE open ADDR N         N listeners on ADDR, random ports
  scan_listeners.py READY_FILE open-at PORT ADDR... one listener on PORT at each ADDR
  scan_listeners.py READY_FILE filtered ADDR LO HI  "filtered" ports LO..HI on ADDR

Several groups may follow each other. Prints "ADDR PORT" per open listener
into READY_FILE, then sleeps until killed. A filtered port is a listener with
an accept backlog of 0 filled by one connection nobody accepts: Linux then
drops further SYNs, so connects to it go unanswered, as behind a firewall.
"""
import ipaddress
import os
import resource
import socket
import sys
import time

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def loopback(addr):
    if not ipaddress.ip_address(addr).is_loopback:
        sys.exit(f"scan_listeners.py: {addr} is not a loopback address")
    return addr


ready, args = sys.argv[1], sys.argv[2:]
keep, lines = [], []
while args:
    kind = args.pop(0)
    if kind == "open":
        addr, n = loopback(args.pop(0)), int(args.pop(0))
        for _ in range(n):
            s = socket.socket()
            s.bind((addr, 0))
            s.listen(128)
            keep.append(s)
            lines.append(f"{addr} {s.getsockname()[1]}")
    elif kind == "open-at":
        port = int(args.pop(0))
        while args and args[0][0].isdigit():
            addr = loopback(args.pop(0))
            s = socket.socket()
            s.bind((addr, port))
            s.listen(128)
            keep.append(s)
            lines.append(f"{addr} {port}")
    elif kind == "filtered":
        addr, lo, hi = loopback(args.pop(0)), int(args.pop(0)), int(args.pop(0))
        for port in range(lo, hi + 1):
            s = socket.socket()
            s.bind((addr, port))
            s.listen(0)
            c = socket.create_connection((addr, port), timeout=2)
            keep += [s, c]
        # The trick must work on this kernel: one more connect goes unanswered.
        probe = socket.socket()
        probe.settimeout(0.2)
        try:
            probe.connect((addr, lo))
            sys.exit("scan_listeners.py: a full accept queue did not drop the SYN")
        except socket.timeout:
            pass
        probe.close()
    else:
        sys.exit(f"scan_listeners.py: unknown group {kind!r}")
with open(ready + ".tmp", "w") as f:
    f.write("".join(line + "\n" for line in lines))
os.rename(ready + ".tmp", ready)
while True:
    time.sleep(3600)
