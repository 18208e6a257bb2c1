#!/usr/bin/env python3
"""Drivers of the scale section of benches/etcd.sh (issue 16). Standard library only;
loopback only.

    etcd_scale.py seed ENDPOINT PREFIX N          N entries with realistic tools, as an
                                                  mcpreg before the index wrote them (no
                                                  index keys, no marker), each on its own
                                                  1 h lease; prints {"ids": [...], ...}
    etcd_scale.py status ENDPOINT                 {"revision": R, "db_size": B}
    etcd_scale.py heartbeaters MCPREG REG N SECONDS
                                                  N concurrent loops of `mcpreg heartbeat`
                                                  on N entries of ttl 10 s, for SECONDS
    etcd_scale.py watch MCPREG REG IDS_FILE N RATE SECONDS
                                                  `mcpreg watch --json` over the N entries;
                                                  RATE re-registrations a second that each
                                                  change a tool, for SECONDS; latency from
                                                  each `register` exiting to its event,
                                                  the watch's CPU time, lost and repeated
                                                  events
"""
import base64, http.client, json, os, queue, random, subprocess, sys, threading, time

# Tool names as real MCP servers offer them (filesystem, git, GitHub, databases,
# search, browsers, chat, tickets), so ids, index keys and entries have real sizes.
TOOLS = """read_file write_file edit_file list_directory directory_tree move_file search_files
get_file_info create_directory list_allowed_directories git_status git_diff git_commit git_add
git_log git_show git_branch git_checkout create_issue list_issues get_issue update_issue
add_issue_comment create_pull_request list_pull_requests get_pull_request merge_pull_request
search_repositories search_code get_file_contents push_files create_branch query execute
list_tables describe_table run_sql explain_query web_search fetch_url browser_navigate
browser_click browser_screenshot browser_type send_message list_channels get_channel_history
create_ticket search_tickets get_weather geocode translate summarize embed_text
list_buckets get_object put_object run_command kubectl_get kubectl_logs""".split()
WORDS = "reads writes lists finds the a file repository table issue page message object from to in".split()


def gateway(conn, path, body):
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}: {data[:200]!r}")
    return json.loads(data)


def b64(s):
    return base64.b64encode(s.encode()).decode()


def entry(i, rng, now):
    # read_file in 1 entry of 100: what `find --tool read_file` selects.
    tools = rng.sample([t for t in TOOLS if t != "read_file"], rng.randint(4, 12))
    if i % 100 == 0:
        tools[0] = "read_file"
    return {
        "id": f"srv-{i:05d}", "name": f"server {i}",
        "description": "An MCP server of the scale benchmark", "version": "1.2.3",
        "transport": {"type": "streamable-http", "url": f"http://127.0.0.1:{20000 + i % 40000}/mcp",
                      "headers": {}},
        "tools": [{"name": t, "description": " ".join(rng.choice(WORDS) for _ in range(10))}
                  for t in tools],
        "resources": [], "prompts": [], "capabilities": ["tools"],
        "tags": [rng.choice(["prod", "staging", "dev"]), f"team-{i % 20}"],
        "meta": {"owner": f"team-{i % 20}"}, "auth": {"type": "none"}, "health_url": None,
        "registered_at": now, "updated_at": now,
        "lease": {"ttl_s": 3600, "expires_at": now}, "health": None,
    }


def seed(endpoint, prefix, n):
    rng = random.Random(16)
    host, port = endpoint.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    ids, ops, size = [], [], 0
    for i in range(n):
        lease = gateway(conn, "/v3/lease/grant", {"TTL": "3600"})["ID"]
        e = entry(i, rng, now)
        value = json.dumps(e, separators=(",", ":"))
        size += len(value)
        ids.append(e["id"])
        ops.append({"request_put": {"key": b64(f"{prefix}/servers/{e['id']}"), "value": b64(value),
                                    "lease": lease}})
        if len(ops) == 100 or i == n - 1:
            gateway(conn, "/v3/kv/txn", {"success": ops})
            ops = []
    print(json.dumps({"ids": ids, "bytes": size}))


def status(endpoint):
    host, port = endpoint.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    s = gateway(conn, "/v3/maintenance/status", {})
    print(json.dumps({"revision": int(s["header"]["revision"]), "db_size": int(s["dbSize"])}))


def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("MCPREG_")}


def heartbeaters(mcpreg, reg, n, seconds):
    env = clean_env()
    ids = []
    for i in range(n):
        out = subprocess.run([mcpreg, "-r", reg, "-q", "register", "--name", f"hb{i}", "--id", f"hb-{i}",
                              "--ttl", "10s", "--tool", "beat", "--", "/bin/hb"],
                             check=True, capture_output=True, text=True, env=env)
        ids.append(out.stdout.strip())
    counts = [[0, 0] for _ in range(n)]
    longest_gap = [0.0] * n
    stop = time.monotonic() + seconds

    def loop(k):
        last = time.monotonic()
        while time.monotonic() < stop:
            r = subprocess.run([mcpreg, "-r", reg, "-q", "heartbeat", ids[k]],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            now = time.monotonic()
            counts[k][0 if r.returncode == 0 else 1] += 1
            if r.returncode == 0:
                longest_gap[k] = max(longest_gap[k], now - last)
                last = now

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    listed = subprocess.run([mcpreg, "-r", reg, "find", "--tool", "beat", "--format", "ids"],
                            capture_output=True, text=True, env=env).stdout.split()
    ok = sum(c[0] for c in counts)
    print(json.dumps({
        "heartbeaters": n, "seconds": round(elapsed, 1), "heartbeats": ok,
        "per_second": round(ok / elapsed, 1), "failed": sum(c[1] for c in counts),
        "longest_gap_s": round(max(longest_gap), 2), "still_registered": len(set(listed) & set(ids)),
    }))


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def watch(mcpreg, reg, ids_file, n, rate, seconds):
    env = clean_env()
    ids = json.load(open(ids_file))["ids"][:n]
    w = subprocess.Popen([mcpreg, "-r", reg, "watch", "--json"], stdout=subprocess.PIPE,
                         text=True, env=env, bufsize=1)
    events = queue.Queue()

    def read():
        for line in w.stdout:
            events.put((time.monotonic(), json.loads(line)))

    threading.Thread(target=read, daemon=True).start()
    present = 0
    while present < len(ids):
        _, e = events.get(timeout=120)
        present += e["event"] == "present"
    time.sleep(1)
    cpu_before = cpu_seconds(w.pid)
    writes = {}  # change tool -> (id, time register exited)
    lock = threading.Lock()
    total = int(rate * seconds)
    start = time.monotonic()
    jobs = queue.Queue()

    def writer():
        while True:
            k = jobs.get()
            if k is None:
                return
            ident, tool = ids[(k * 7919) % len(ids)], f"change-{k}"
            began = time.monotonic()
            subprocess.run([mcpreg, "-r", reg, "-q", "register", "--name", "changed", "--id", ident,
                            "--ttl", "1h", "--tool", tool, "--tool", "read_file",
                            "--url", "http://127.0.0.1:9/mcp"],
                           check=True, stdout=subprocess.DEVNULL, env=env)
            with lock:
                writes[tool] = (ident, time.monotonic(), began)

    pool = [threading.Thread(target=writer) for _ in range(8)]
    for t in pool:
        t.start()
    for k in range(total):
        due = start + k / rate
        time.sleep(max(0.0, due - time.monotonic()))
        jobs.put(k)
    for _ in pool:
        jobs.put(None)
    for t in pool:
        t.join()
    late = time.monotonic() - start - seconds
    seen = {}
    repeated = 0
    deadline = time.monotonic() + 30
    while len(seen) < total and time.monotonic() < deadline:
        try:
            at, e = events.get(timeout=1)
        except queue.Empty:
            continue
        if e["event"] != "updated":
            continue
        tools = [t["name"] for t in e["server"]["tools"] if t["name"].startswith("change-")]
        for tool in tools:
            if tool in seen:
                repeated += 1
            seen[tool] = at
    time.sleep(1)
    while not events.empty():
        _, e = events.get()
        for t in e.get("server", {}).get("tools", []):
            if t["name"] in seen and e["event"] == "updated":
                repeated += 1
    cpu = cpu_seconds(w.pid) - cpu_before
    w.terminate()
    w.wait()
    # An event often arrives before the register process has been seen to exit
    # (the write is committed before the process ends): those count as 0 from exit.
    latencies = sorted(max(0.0, seen[t] - writes[t][1]) * 1000 for t in seen if t in writes)
    from_start = sorted((seen[t] - writes[t][2]) * 1000 for t in seen if t in writes)
    pick = lambda q, xs=latencies: round(xs[min(len(xs) - 1, int(len(xs) * q))], 2)
    print(json.dumps({
        "entries": len(ids), "changes": total, "rate_per_s": rate, "seconds": seconds,
        "writer_lag_s": round(max(0.0, late), 2), "events": len(seen), "lost": total - len(seen),
        "repeated": repeated, "watch_cpu_s": round(cpu, 2), "p50_ms": pick(0.5), "p99_ms": pick(0.99),
        "start_p50_ms": pick(0.5, from_start), "start_p99_ms": pick(0.99, from_start),
        "before_exit": sum(1 for t in seen if t in writes and seen[t] < writes[t][1]),
        "max_ms": round(latencies[-1], 2) if latencies else None,
    }))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "seed":
        seed(args[0], args[1], int(args[2]))
    elif cmd == "status":
        status(args[0])
    elif cmd == "heartbeaters":
        heartbeaters(args[0], args[1], int(args[2]), float(args[3]))
    elif cmd == "watch":
        watch(args[0], args[1], args[2], int(args[3]), float(args[4]), float(args[5]))
    else:
        raise SystemExit(__doc__)
