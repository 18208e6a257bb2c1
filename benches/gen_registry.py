#!/usr/bin/env python3
"""Generate a synthetic mcpreg registry file for the benchmarks (stdlib only).

    gen_registry.py N OUT.json [--layout fields|pretty] [--seed S] [--now EPOCH_SECONDS]
    gen_registry.py --detect-layout FILE        print the layout FILE is written in
    gen_registry.py --print-expected N          print the known answers for size N

The output is byte-for-byte what mcpreg itself writes (DESIGN.md section 2): schema 1,
entries sorted by id, every field present in mcpreg's order, maps with sorted keys
(mcpreg keeps them in BTreeMaps), RFC 3339 UTC stamps with milliseconds, a trailing
newline. That matters: mcpreg copies untouched entries back verbatim, so a file in
another layout would benchmark a mixed-format file rather than the one users have.

Two layouts exist, because mcpreg's writer has changed:
  fields  (the default; mcpreg's layout since commit d42b714) "one line per entry
          field": document, server list and entries expanded with 2-space
          indentation, each field's value compact on its line with ", " and ": "
          separators (about 25% smaller than pretty for these entries);
  pretty  (mcpreg before d42b714) serde_json's pretty printer: 2-space
          indentation, one line per value.
benches/run.sh asks the built mcpreg which one it writes (--detect-layout on a file
mcpreg just wrote) and generates that one.

The population is deterministic for a given N and seed, and chosen so that the
answers of the queries the benchmark runs are known in advance:

  * entry i has id  server-<i, 5 digits>-<6 hex>  (hex derived from seed and i);
  * i % 10 == 3   -> lease expired an hour or more ago  (exactly 10% of entries);
  * i % 20 == 7   -> no lease at all (lease null: never expires; 5% of entries);
  * otherwise     -> lease far in the future (year 2099), ttl_s 30;
  * the tool RARE_TOOL is offered by entries with i % 200 in {0, 13, 27}: 1.5% of
    entries offer it, and because 13 is always expired and 27 always leaseless,
    `find --tool RARE_TOOL` (live or leaseless) matches exactly i % 200 in {0, 27},
    i.e. N/100 entries (1%) when N is a multiple of 200;
  * the other tools come from a vocabulary of common names, 10 tools per entry,
    each with a description.

N must be at most 100000 (five-digit ids).
"""

import argparse
import hashlib
import json
import random
import sys
import time

RARE_TOOL = "rare_geocode_lookup"
RARE_RESIDUES = (0, 13, 27)  # i % 200; 13 is expired, 27 is leaseless
TOOLS_PER_ENTRY = 10
FAR_FUTURE = "2099-01-01T00:00:00.000Z"

VERBS = ["read", "write", "list", "search", "get", "create", "update", "delete",
         "run", "fetch", "summarize", "translate"]
OBJECTS = ["file", "issue", "page", "record", "ticket", "query", "image", "email",
           "event", "document", "repo", "table"]
VOCABULARY = [f"{v}_{o}" for v in VERBS for o in OBJECTS]  # 144 common tool names


def stamp(epoch_ms: int) -> str:
    """RFC 3339 UTC with milliseconds, as mcpreg writes it (2026-11-21T10:00:00.000Z)."""
    secs, ms = divmod(epoch_ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{ms:03d}Z"


def rare_tool_expected(n: int) -> tuple[int, int]:
    """(entries offering RARE_TOOL, entries `find --tool RARE_TOOL` should return)."""
    offering = sum(1 for i in range(n) if i % 200 in RARE_RESIDUES)
    live = sum(1 for i in range(n) if i % 200 in RARE_RESIDUES and i % 10 != 3)
    return offering, live


def entry(i: int, seed: int, now_ms: int, rng: random.Random) -> dict:
    digest = hashlib.sha1(f"{seed}:{i}".encode()).hexdigest()[:6]
    ident = f"server-{i:05d}-{digest}"
    names = rng.sample(VOCABULARY, TOOLS_PER_ENTRY)
    if i % 200 in RARE_RESIDUES:
        names[-1] = RARE_TOOL
    tools = [
        {"name": t, "description": f"{t.replace('_', ' ').capitalize()} through "
                                   f"benchmark server {i} (synthetic tool {k + 1} of "
                                   f"{TOOLS_PER_ENTRY})"}
        for k, t in enumerate(names)
    ]
    registered_ms = now_ms - 86_400_000 - i * 1000  # a day ago, staggered
    if i % 10 == 3:
        lease = {"ttl_s": 30, "expires_at": stamp(now_ms - 3_600_000 - i * 1000)}
    elif i % 20 == 7:
        lease = None
    else:
        lease = {"ttl_s": 30, "expires_at": FAR_FUTURE}
    team = f"team-{i % 7}"
    # Key order is mcpreg's struct field order; maps (env, meta) are sorted because
    # mcpreg keeps them in BTreeMaps.
    return {
        "id": ident,
        "name": f"bench-server-{i:05d}",
        "description": f"Synthetic MCP server number {i} generated for mcpreg benchmarks",
        "version": f"1.{i % 10}.{i % 3}",
        "transport": {
            "type": "stdio",
            "command": f"/usr/local/bin/mcp-bench-{i % 50}",
            "args": ["--data", f"/srv/data/{i:05d}"],
            "env": dict(sorted({"LOG_LEVEL": "info", "BENCH_SHARD": str(i % 16)}.items())),
        },
        "tools": tools,
        "resources": [{"uri": f"file:///srv/data/{i:05d}/{{path}}", "name": "Data file"}],
        "prompts": [],
        "capabilities": ["resources", "tools"],
        "tags": ["bench", team],
        "meta": dict(sorted({"team": team, "region": ["eu-west-1", "us-east-1"][i % 2]}.items())),
        "auth": {"type": "none"},
        "health_url": None,
        "registered_at": stamp(registered_ms),
        "updated_at": stamp(registered_ms + 60_000),
        "lease": lease,
        "health": None,
    }


def dump_pretty(doc) -> str:
    # indent=2 with "," and ": " separators is serde_json's pretty format, including
    # "[]" and "{}" for empty containers; serde_json does not escape non-ASCII.
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def dump_fields(doc) -> str:
    """mcpreg's field-per-line layout: containers nested at most 3 deep (document,
    server list, entry) put each item on its own line; anything deeper is written
    compactly with ", " and ": " on the line of the field that holds it."""
    def fmt(v, depth: int) -> str:
        if isinstance(v, (dict, list)) and v and depth < 3:
            pad = "  " * (depth + 1)
            if isinstance(v, dict):
                items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {fmt(x, depth + 1)}"
                         for k, x in v.items()]
                open_, close = "{", "}"
            else:
                items = [pad + fmt(x, depth + 1) for x in v]
                open_, close = "[", "]"
            return open_ + "\n" + ",\n".join(items) + "\n" + "  " * depth + close
        return json.dumps(v, separators=(", ", ": "), ensure_ascii=False)
    return fmt(doc, 0) + "\n"


LAYOUTS = {"pretty": dump_pretty, "fields": dump_fields}


def detect_layout(path: str) -> str:
    """The layout that reproduces FILE byte for byte, or "unknown"."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    doc = json.loads(text)
    for name, dump in LAYOUTS.items():
        if dump(doc) == text:
            return name
    return "unknown"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, nargs="?", help="number of entries (<= 100000)")
    p.add_argument("out", nargs="?", help="output path (.json)")
    p.add_argument("--layout", choices=sorted(LAYOUTS), default="fields")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--now", type=float, default=None,
                   help="epoch seconds used as 'now' (default: the clock)")
    p.add_argument("--print-expected", type=int, metavar="N",
                   help="print 'RARE_TOOL offering found expired leaseless' for size N")
    p.add_argument("--detect-layout", metavar="FILE",
                   help="print which layout FILE is in (pretty, fields or unknown)")
    a = p.parse_args()
    if a.detect_layout:
        print(detect_layout(a.detect_layout))
        return 0
    if a.print_expected is not None:
        n = a.print_expected
        offering, live = rare_tool_expected(n)
        expired = sum(1 for i in range(n) if i % 10 == 3)
        leaseless = sum(1 for i in range(n) if i % 10 != 3 and i % 20 == 7)
        print(RARE_TOOL, offering, live, expired, leaseless)
        return 0
    if a.n is None or a.out is None:
        p.error("N and OUT are required")
    if not 0 <= a.n <= 100_000:
        p.error("N must be between 0 and 100000")
    now_ms = int((a.now if a.now is not None else time.time()) * 1000)
    rng = random.Random(a.seed)
    servers = sorted((entry(i, a.seed, now_ms, rng) for i in range(a.n)),
                     key=lambda e: e["id"].encode())  # mcpreg sorts ids bytewise
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(LAYOUTS[a.layout]({"schema": 1, "servers": servers}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
