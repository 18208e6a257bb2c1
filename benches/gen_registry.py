#!/usr/bin/env python3
"""Generate a synthetic mcpreg registry file for the benchmarks (stdlib only).

    gen_registry.py N OUT.json [--layout fields|pretty] [--seed S] [--now EPOCH_SECONDS]
                    [--tools synthetic|realistic] [--total-tools T]
    gen_registry.py --detect-layout FILE        print the layout FILE is written in
    gen_registry.py --print-expected N          print the known answers for size N

The output is byte-for-byte what mcpreg itself writes (README, "The registry file"): schema 1,
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
    each with a description (--tools synthetic, the default); or, with --tools
    realistic, 1 to 14 tools per entry as real servers have, drawn from a library
    of tools modelled on the reference servers and common SaaS servers, each with
    a title, a description and an inputSchema of a few hundred bytes, in the order
    mcpreg writes a tool's members (name, title, description, inputSchema);
  * --total-tools T (realistic only) stops when the registry holds T tools, the
    last entry cut short: N is then an upper bound on the entries.

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


# (name, title, description, {parameter: (type, description)}, required) for
# --tools realistic: what real servers' tools look like, with schemas.
def _schema(params, required):
    return {
        "type": "object",
        "properties": {k: {"type": t, "description": d} for k, (t, d) in params.items()},
        "required": list(required),
        "additionalProperties": False,
        "$schema": "http://json-schema.org/draft-07/schema#",
    }

_PATH = {"path": ("string", "Path of the file, absolute or relative to an allowed directory")}
LIBRARY = [
    ("read_file", "Read File", "Read the complete contents of a file as text.", _PATH, ["path"]),
    ("read_text_file", "Read Text File", "Read the complete contents of a file from the file "
     "system as text, with optional head or tail line counts.",
     {**_PATH, "head": ("number", "Only the first N lines"), "tail": ("number", "Only the last N lines")}, ["path"]),
    ("write_file", "Write File", "Create a new file or completely overwrite an existing file "
     "with new content.", {**_PATH, "content": ("string", "Text to write")}, ["path", "content"]),
    ("edit_file", "Edit File", "Make line-based edits to a text file and return a git-style diff.",
     {**_PATH, "edits": ("array", "Old and new text pairs"), "dryRun": ("boolean", "Preview only")}, ["path", "edits"]),
    ("list_directory", "List Directory", "Get a detailed listing of all files and directories in a path.",
     _PATH, ["path"]),
    ("search_files", "Search Files", "Recursively search for files and directories matching a glob pattern.",
     {**_PATH, "pattern": ("string", "Glob pattern"), "excludePatterns": ("array", "Patterns to skip")}, ["path", "pattern"]),
    ("get_file_info", "Get File Info", "Retrieve size, creation time, last modified time and permissions of a file.",
     _PATH, ["path"]),
    ("git_log", "Git Log", "Shows the commit logs of a repository.",
     {"repo_path": ("string", "Path to the Git repository"), "max_count": ("integer", "Most commits to show")}, ["repo_path"]),
    ("git_status", "Git Status", "Shows the working tree status.",
     {"repo_path": ("string", "Path to the Git repository")}, ["repo_path"]),
    ("git_diff", "Git Diff", "Shows differences between branches or commits.",
     {"repo_path": ("string", "Path to the Git repository"), "target": ("string", "Branch or commit")}, ["repo_path", "target"]),
    ("get_current_time", "Current Time", "Get the current time in a specific IANA timezone.",
     {"timezone": ("string", "IANA timezone name such as Europe/London")}, ["timezone"]),
    ("convert_time", "Convert Time", "Convert a time between two timezones.",
     {"source_timezone": ("string", "IANA source timezone"), "time": ("string", "Time as HH:MM"),
      "target_timezone": ("string", "IANA target timezone")}, ["source_timezone", "time", "target_timezone"]),
    ("fetch", "Fetch URL", "Fetches a URL from the internet and extracts its contents as markdown.",
     {"url": ("string", "URL to fetch"), "max_length": ("integer", "Most characters to return"),
      "raw": ("boolean", "Return the raw HTML")}, ["url"]),
    ("create_entities", "Create Entities", "Create multiple new entities in the knowledge graph.",
     {"entities": ("array", "Entities with a name, a type and observations")}, ["entities"]),
    ("search_nodes", "Search Nodes", "Search for nodes in the knowledge graph based on a query.",
     {"query": ("string", "Text to match against names, types and observations")}, ["query"]),
    ("create_issue", "Create Issue", "Create a new issue in a repository.",
     {"owner": ("string", "Repository owner"), "repo": ("string", "Repository name"),
      "title": ("string", "Issue title"), "body": ("string", "Issue body in markdown")}, ["owner", "repo", "title"]),
    ("list_issues", "List Issues", "List the issues of a repository, filtered by state and labels.",
     {"owner": ("string", "Repository owner"), "repo": ("string", "Repository name"),
      "state": ("string", "open, closed or all")}, ["owner", "repo"]),
    ("create_pull_request", "Create Pull Request", "Open a pull request from one branch into another.",
     {"owner": ("string", "Repository owner"), "repo": ("string", "Repository name"),
      "head": ("string", "Branch with the changes"), "base": ("string", "Branch to merge into")}, ["owner", "repo", "head", "base"]),
    ("send_message", "Send Message", "Post a message to a chat channel.",
     {"channel": ("string", "Channel id"), "text": ("string", "Message text")}, ["channel", "text"]),
    ("list_channels", "List Channels", "List the public channels of the workspace.",
     {"limit": ("integer", "Most channels to return"), "cursor": ("string", "Page cursor")}, []),
    ("query", "Run SQL Query", "Run a read-only SQL query against the database.",
     {"sql": ("string", "The SQL statement")}, ["sql"]),
    ("list_tables", "List Tables", "List the tables of the database schema.",
     {"schema": ("string", "Schema name")}, []),
    ("describe_table", "Describe Table", "Show the columns and types of a table.",
     {"table": ("string", "Table name"), "schema": ("string", "Schema name")}, ["table"]),
    ("search_web", "Web Search", "Search the web and return the top results with snippets.",
     {"query": ("string", "Search terms"), "count": ("integer", "Number of results")}, ["query"]),
    ("get_weather", "Current Weather", "Get the current weather for a city.",
     {"city": ("string", "City name"), "units": ("string", "metric or imperial")}, ["city"]),
    ("get_forecast", "Weather Forecast", "Get the weather forecast for the next days.",
     {"latitude": ("number", "Latitude"), "longitude": ("number", "Longitude"), "days": ("integer", "Days ahead")}, ["latitude", "longitude"]),
    ("create_event", "Create Event", "Create a calendar event with attendees.",
     {"summary": ("string", "Title of the event"), "start": ("string", "Start, RFC 3339"),
      "end": ("string", "End, RFC 3339"), "attendees": ("array", "Email addresses")}, ["summary", "start", "end"]),
    ("list_events", "List Events", "List the calendar events in a time range.",
     {"from": ("string", "Start of the range"), "to": ("string", "End of the range")}, []),
    ("send_email", "Send Email", "Send an email message.",
     {"to": ("array", "Recipients"), "subject": ("string", "Subject line"), "body": ("string", "Message body")}, ["to", "subject", "body"]),
    ("search_emails", "Search Emails", "Search the mailbox for messages matching a query.",
     {"query": ("string", "Search query"), "max_results": ("integer", "Most messages")}, ["query"]),
    ("list_buckets", "List Buckets", "List the storage buckets of the account.", {}, []),
    ("get_object", "Get Object", "Download an object from a storage bucket.",
     {"bucket": ("string", "Bucket name"), "key": ("string", "Object key")}, ["bucket", "key"]),
    ("put_object", "Put Object", "Upload an object to a storage bucket.",
     {"bucket": ("string", "Bucket name"), "key": ("string", "Object key"), "body": ("string", "Content")}, ["bucket", "key", "body"]),
    ("list_pods", "List Pods", "List the pods of a Kubernetes namespace.",
     {"namespace": ("string", "Namespace"), "selector": ("string", "Label selector")}, []),
    ("get_logs", "Get Logs", "Fetch the logs of a container.",
     {"pod": ("string", "Pod name"), "container": ("string", "Container name"), "tail": ("integer", "Last N lines")}, ["pod"]),
    ("navigate", "Navigate", "Open a URL in the browser page.",
     {"url": ("string", "URL to open")}, ["url"]),
    ("screenshot", "Screenshot", "Take a screenshot of the current page or an element.",
     {"selector": ("string", "CSS selector"), "fullPage": ("boolean", "Whole page")}, []),
    ("click", "Click", "Click an element of the page.",
     {"selector": ("string", "CSS selector of the element")}, ["selector"]),
    ("create_ticket", "Create Ticket", "Open a support ticket for a customer.",
     {"subject": ("string", "Subject"), "description": ("string", "What happened"),
      "priority": ("string", "low, normal, high or urgent")}, ["subject"]),
    ("get_customer", "Get Customer", "Look up a customer record by id or email.",
     {"id": ("string", "Customer id"), "email": ("string", "Customer email")}, []),
    ("create_invoice", "Create Invoice", "Create an invoice for a customer.",
     {"customer": ("string", "Customer id"), "items": ("array", "Line items"), "due": ("string", "Due date")}, ["customer", "items"]),
    ("translate_text", "Translate Text", "Translate text into another language.",
     {"text": ("string", "Text to translate"), "target": ("string", "Target language code")}, ["text", "target"]),
    ("summarize_document", "Summarize Document", "Summarize a long document into a few paragraphs.",
     {"document": ("string", "Document text or URL"), "length": ("string", "short, medium or long")}, ["document"]),
    ("generate_image", "Generate Image", "Generate an image from a text prompt.",
     {"prompt": ("string", "What to draw"), "size": ("string", "Width x height")}, ["prompt"]),
    ("get_stock_quote", "Stock Quote", "Get the latest quote of a stock symbol.",
     {"symbol": ("string", "Ticker symbol")}, ["symbol"]),
    ("geocode", "Geocode", "Turn an address into coordinates.",
     {"address": ("string", "Street address")}, ["address"]),
]


def realistic_tools(rng: random.Random, limit: int) -> list:
    """1 to 14 tools (at most `limit`), each with title, description and schema."""
    count = min(limit, 1 + rng.randrange(14))
    return [
        {"name": n, "title": t, "description": d, "inputSchema": _schema(p, r)}
        for n, t, d, p, r in rng.sample(LIBRARY, count)
    ]


def stamp(epoch_ms: int) -> str:
    """RFC 3339 UTC with milliseconds, as mcpreg writes it (2026-11-21T10:00:00.000Z)."""
    secs, ms = divmod(epoch_ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{ms:03d}Z"


def rare_tool_expected(n: int) -> tuple[int, int]:
    """(entries offering RARE_TOOL, entries `find --tool RARE_TOOL` should return)."""
    offering = sum(1 for i in range(n) if i % 200 in RARE_RESIDUES)
    live = sum(1 for i in range(n) if i % 200 in RARE_RESIDUES and i % 10 != 3)
    return offering, live


def entry(i: int, seed: int, now_ms: int, rng: random.Random, kind: str = "synthetic",
          tool_limit: int = 14) -> dict:
    digest = hashlib.sha1(f"{seed}:{i}".encode()).hexdigest()[:6]
    ident = f"server-{i:05d}-{digest}"
    if kind == "realistic":
        tools = realistic_tools(rng, tool_limit)
        if i % 200 in RARE_RESIDUES:
            tools[-1] = {"name": RARE_TOOL, "title": "Rare Geocode Lookup",
                         "description": "Look up the coordinates of a rare place name.",
                         "inputSchema": _schema({"place": ("string", "Place name")}, ["place"])}
    else:
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
    p.add_argument("--tools", choices=["synthetic", "realistic"], default="synthetic")
    p.add_argument("--total-tools", type=int, default=None, metavar="T",
                   help="with --tools realistic: stop when the registry holds T tools")
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
    if a.total_tools is not None and a.tools != "realistic":
        p.error("--total-tools needs --tools realistic")
    servers, total = [], 0
    for i in range(a.n):
        left = 14 if a.total_tools is None else a.total_tools - total
        if left <= 0:
            break
        servers.append(entry(i, a.seed, now_ms, rng, a.tools, left))
        total += len(servers[-1]["tools"])
    if a.total_tools is not None and total != a.total_tools:
        p.error(f"{a.n} entries hold only {total} tools; raise N")
    servers.sort(key=lambda e: e["id"].encode())  # mcpreg sorts ids bytewise
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(LAYOUTS[a.layout]({"schema": 1, "servers": servers}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
