#!/usr/bin/env python3
"""Latency from a `register` exiting to the matching `added` event of `mcpreg watch`,
and the CPU an idle watch costs. Usage: watch_latency.py MCPREG REGISTRY N IDLE_SECONDS

Prints one JSON object: median and p99 latency in ms over N registrations, and the
CPU seconds the watch used while nothing changed for IDLE_SECONDS.
"""
import json, os, queue, subprocess, sys, threading, time

mcpreg, registry, n, idle = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
env = {k: v for k, v in os.environ.items() if not k.startswith("MCPREG_")}

def run(*args):
    subprocess.run([mcpreg, "--registry", registry, *args], check=True,
                   stdout=subprocess.DEVNULL, env=env)

run("register", "--name", "ready", "--id", "ready", "--", "/bin/ready")
watch = subprocess.Popen([mcpreg, "--registry", registry, "watch", "--json"],
                         stdout=subprocess.PIPE, text=True, env=env)
events = queue.Queue()

def read():
    for line in watch.stdout:
        events.put((time.monotonic(), json.loads(line)))

threading.Thread(target=read, daemon=True).start()

def wait_for(kind, ident):
    while True:
        at, e = events.get(timeout=30)
        if e["event"] == kind and e["id"] == ident:
            return at

wait_for("present", "ready")

def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

before = cpu_seconds(watch.pid)
time.sleep(idle)
idle_cpu = cpu_seconds(watch.pid) - before

latencies = []
for i in range(n):
    ident = f"lat-{i}"
    run("register", "--name", "lat", "--id", ident, "--", "/bin/lat")
    exited = time.monotonic()
    latencies.append((wait_for("added", ident) - exited) * 1000)
watch.terminate()
watch.wait()
latencies.sort()
print(json.dumps({
    "changes": n,
    "median_ms": round(latencies[len(latencies) // 2], 2),
    "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
    "max_ms": round(latencies[-1], 2),
    "idle_seconds": idle,
    "idle_cpu_seconds": round(idle_cpu, 3),
}))
