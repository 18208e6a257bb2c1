//! `find --query`: ranked search.
//!
//! The relevance test ranks the tools of six real reference servers, introspected
//! from `.peers/` at test time, among thousands of generated distractor servers,
//! for questions written the way a person asks them. The behaviour tests check the
//! contract of the flag on both backends.

use crate::peers;
use crate::support::{Reg, Rng};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The real servers of the corpus: name, and the command that starts it (stdio).
fn real_servers(allowed_dir: &str) -> Option<Vec<(&'static str, Vec<String>)>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".peers");
    let js = |package: &str| {
        root.join("node_modules/@modelcontextprotocol")
            .join(package)
            .join("dist/index.js")
    };
    let py = |program: &str| root.join("py/bin").join(program);
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node {
        return peers::skipped("the search corpus needs node (scripts/test installs it)");
    }
    let servers = [
        (
            "everything",
            js("server-everything"),
            vec!["stdio".to_owned()],
        ),
        (
            "filesystem",
            js("server-filesystem"),
            vec![allowed_dir.to_owned()],
        ),
        ("memory", js("server-memory"), vec![]),
        ("time", py("mcp-server-time"), vec![]),
        ("fetch", py("mcp-server-fetch"), vec![]),
        ("git", py("mcp-server-git"), vec![]),
    ];
    let mut commands = Vec::new();
    for (name, path, args) in servers {
        if !path.exists() {
            return peers::skipped(&format!(
                "the search corpus needs {} (scripts/test installs it)",
                path.display()
            ));
        }
        let path = path.to_string_lossy().into_owned();
        let argv = if Path::new(&path).extension().is_some_and(|e| e == "js") {
            [vec!["node".to_owned(), path], args].concat()
        } else {
            [vec![path], args].concat()
        };
        commands.push((name, argv));
    }
    Some(commands)
}

/// Distractors: servers of other domains whose tools share the common verbs
/// (get, list, read, create, search, show...) and some of the nouns of the real
/// ones, as a registry of many servers does.
const VERBS: &[(&str, &str)] = &[
    ("get", "Get"),
    ("list", "List"),
    ("read", "Read"),
    ("create", "Create a new"),
    ("update", "Update an existing"),
    ("delete", "Delete"),
    ("search", "Search for"),
    ("show", "Show"),
    ("add", "Add"),
    ("send", "Send"),
    ("export", "Export"),
    ("summarize", "Summarize"),
];
const OBJECTS: &[(&str, &str)] = &[
    ("ticket", "support ticket"),
    ("issue", "issue in the tracker"),
    ("email", "email message"),
    ("message", "chat message in a channel"),
    ("channel", "chat channel"),
    ("calendar_event", "calendar event"),
    ("contact", "contact in the address book"),
    ("invoice", "invoice of a customer"),
    ("payment", "payment"),
    ("customer", "customer record"),
    ("order_history", "order history of a customer"),
    ("product", "product in the catalog"),
    ("database_row", "row of a database table"),
    ("sql_query", "SQL query against the database"),
    ("dashboard", "monitoring dashboard"),
    ("metric", "metric series"),
    ("alert", "alert rule"),
    ("incident", "incident and its timeline"),
    ("deployment", "deployment of a service"),
    ("container", "container"),
    ("bucket_object", "object in a storage bucket"),
    ("user", "user account"),
    ("spreadsheet", "spreadsheet"),
    ("slide_deck", "slide deck"),
    ("wiki_page", "wiki page"),
    ("note", "note"),
    ("task", "task in a project"),
    ("playlist", "playlist"),
    ("photo", "photo in the album"),
    ("weather_forecast", "weather forecast for a city"),
    ("route", "driving route between two places"),
    ("flight", "flight booking"),
    ("recipe", "recipe"),
    ("stock_quote", "stock quote"),
    ("exchange_rate", "currency exchange rate"),
    ("attachment", "attachment (a file attached to a ticket)"),
    ("log_entry", "log entry of an application"),
    ("report", "usage report as text"),
];
const DOMAINS: &[&str] = &[
    "helpdesk",
    "mail",
    "chat",
    "calendar",
    "crm",
    "billing",
    "shop",
    "warehouse",
    "monitoring",
    "cloud",
    "docs",
    "media",
    "travel",
    "finance",
    "kitchen",
    "analytics",
];

fn distractor(i: usize, rng: &mut Rng) -> Value {
    let domain = DOMAINS[rng.index(DOMAINS.len())];
    let count = 1 + rng.index(14);
    let mut names = std::collections::BTreeSet::new();
    let mut tools = Vec::new();
    while tools.len() < count {
        let (verb, verb_text) = VERBS[rng.index(VERBS.len())];
        let (object, object_text) = OBJECTS[rng.index(OBJECTS.len())];
        let name = format!("{verb}_{object}");
        if names.insert(name.clone()) {
            tools.push(json!({
                "name": name,
                "description": format!("{verb_text} {object_text} in {domain} (distractor {i})"),
            }));
        }
    }
    json!({
        "id": format!("distractor-{i:05}"),
        "name": format!("{domain}-{i}"),
        "description": format!("Generated {domain} server {i}"),
        "transport": {"type": "stdio", "command": "/usr/bin/true", "args": [i.to_string()]},
        "tools": tools,
        "tags": [domain],
        "registered_at": "2026-11-21T10:00:00.000Z",
        "updated_at": "2026-11-21T10:00:00.000Z",
    })
}

/// Questions as people ask them, and the (server, tool) that answers each.
const QUESTIONS: &[(&str, &str, &str)] = &[
    ("list the files in a folder", "filesystem", "list_directory"),
    ("what time is it in Tokyo", "time", "get_current_time"),
    ("show the commit history", "git", "git_log"),
    ("read a text file", "filesystem", "read_text_file"),
    (
        "convert 3pm New York time to London time",
        "time",
        "convert_time",
    ),
    ("fetch a web page from a URL", "fetch", "fetch"),
    ("get a website's contents as markdown", "fetch", "fetch"),
    ("make a new directory", "filesystem", "create_directory"),
    ("rename a file", "filesystem", "move_file"),
    (
        "find files matching a glob pattern",
        "filesystem",
        "search_files",
    ),
    (
        "how big is this file and when was it modified",
        "filesystem",
        "get_file_info",
    ),
    (
        "overwrite a file with new content",
        "filesystem",
        "write_file",
    ),
    ("edit some lines in a text file", "filesystem", "edit_file"),
    ("show the directory tree", "filesystem", "directory_tree"),
    (
        "which directories am I allowed to access",
        "filesystem",
        "list_allowed_directories",
    ),
    (
        "read several files at once",
        "filesystem",
        "read_multiple_files",
    ),
    ("what is the status of my working tree", "git", "git_status"),
    ("unstage my staged changes", "git", "git_reset"),
    ("switch to another branch", "git", "git_checkout"),
    ("start a new branch", "git", "git_create_branch"),
    (
        "show the differences between two branches",
        "git",
        "git_diff",
    ),
    ("record my changes in the repository", "git", "git_commit"),
    (
        "store new entities in the knowledge graph",
        "memory",
        "create_entities",
    ),
    (
        "search the knowledge graph for a node",
        "memory",
        "search_nodes",
    ),
    (
        "delete the relation between two entities",
        "memory",
        "delete_relations",
    ),
    ("add two numbers together", "everything", "get-sum"),
    (
        "compress a file with gzip",
        "everything",
        "gzip-file-as-resource",
    ),
    (
        "print the environment variables of the server",
        "everything",
        "get-env",
    ),
    ("echo my input back", "everything", "echo"),
];

/// Where a tool ranks among every tool that `find --query` returned, 1 first (a
/// tool tied with others ranks after them all; None when it is not among them),
/// and the three best others as "server/tool score".
struct Rank {
    rank: Option<usize>,
    best: Vec<String>,
}

fn tool_rank(found: &Value, server: &str, tool: &str) -> Rank {
    let mut scores = Vec::new();
    let mut wanted = None;
    for entry in found.as_array().into_iter().flatten() {
        for t in entry["search"]["tools"].as_array().into_iter().flatten() {
            let score = t["score"].as_f64().unwrap_or(f64::NAN);
            if entry["name"] == server && t["name"] == tool {
                wanted = Some(score);
            } else {
                scores.push((score, format!("{}/{} {score}", entry["name"], t["name"])));
            }
        }
    }
    scores.sort_by(|a, b| b.0.total_cmp(&a.0));
    let best = scores.iter().take(3).map(|s| s.1.clone()).collect();
    let rank = wanted.map(|w| 1 + scores.iter().filter(|s| s.0 >= w).count());
    Rank { rank, best }
}

#[test]
fn real_tools_rank_in_the_top_three_among_thousands_of_distractors() {
    let reg = Reg::new();
    let folder = reg.folder().to_string_lossy().into_owned();
    let Some(servers) = real_servers(&folder) else {
        return;
    };
    // Introspect the six at once: each starts node or Python, seconds apiece.
    std::thread::scope(|s| {
        for (name, argv) in &servers {
            let reg = &reg;
            s.spawn(move || {
                let mut args = vec!["register", "--name", name, "--introspect"];
                args.extend(["--timeout", "120s", "--"]);
                args.extend(argv.iter().map(String::as_str));
                reg.run(&args).ok();
            });
        }
    });
    let mut doc = reg.json();
    let real = doc["servers"].as_array().map_or(0, Vec::len);
    assert_eq!(real, servers.len(), "every real server is registered");
    let mut rng = Rng::seeded();
    let distractors = 3000;
    let list = doc["servers"].as_array_mut().expect("servers");
    list.extend((0..distractors).map(|i| distractor(i, &mut rng)));
    std::fs::write(&reg.path, serde_json::to_vec(&doc).expect("json")).expect("write");
    let tools: usize = doc["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .map(|e| e["tools"].as_array().map_or(0, Vec::len))
        .sum();
    eprintln!("corpus: {real} real servers and {distractors} distractors, {tools} tools in all");

    let ranks: Vec<(usize, Rank)> = std::thread::scope(|s| {
        let handles: Vec<_> = QUESTIONS
            .iter()
            .enumerate()
            .map(|(i, (question, server, tool))| {
                let reg = &reg;
                s.spawn(move || {
                    let found = reg.run(&["find", "--query", question, "--json"]).ok();
                    (i, tool_rank(&found.json(), server, tool))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("query"))
            .collect()
    });
    let mut misses = Vec::new();
    for (i, Rank { rank, best }) in ranks {
        let (question, server, tool) = QUESTIONS[i];
        let shown = rank.map_or("not found".to_owned(), |r| r.to_string());
        eprintln!("rank {shown:>9}  {server}/{tool:<26} {question:?}");
        if rank.is_none_or(|r| r > 3) {
            misses.push(format!(
                "{question:?} ranks {server}/{tool} {shown}; best: {best:?}"
            ));
        }
    }
    assert!(QUESTIONS.len() >= 20);
    assert!(misses.is_empty(), "outside the top 3: {misses:#?}");
}

fn catalog(reg: &Reg) {
    reg.register(
        "files",
        &[
            "--tool",
            "read_text_file=Read a text file",
            "--tool",
            "write_file=Write a file",
            "--tool",
            "get_file_info=Size and times of a file",
            "--tag",
            "local",
        ],
    );
    reg.register(
        "notes",
        &[
            "--tool",
            "readNote=Read a note",
            "--tool",
            "list-notes=List the notes",
            "--tag",
            "prod",
        ],
    );
    reg.register(
        "weather",
        &["--tool", "forecast=The weather tomorrow", "--tag", "prod"],
    );
}

fn query_ranks_entries_and_tools_best_first(reg: &Reg) {
    catalog(reg);
    let found = reg
        .run(&["find", "--query", "reading text files", "--json"])
        .ok()
        .json();
    let names: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["files", "notes"], "weather holds no term: {found}");
    let files = &found[0];
    let tools = files["search"]["tools"].as_array().unwrap();
    assert_eq!(tools[0]["name"], "read_text_file");
    assert_eq!(files["search"]["score"], tools[0]["score"]);
    let scores: Vec<f64> = tools.iter().map(|t| t["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(found[0]["search"]["score"].as_f64() > found[1]["search"]["score"].as_f64());
    // The entry is complete: every field of `show`, plus `search`.
    let id = files["id"].as_str().unwrap();
    let mut shown = reg.entry(id);
    shown["search"] = files["search"].clone();
    assert_eq!(&shown, files);
    // camelCase and kebab-case names are words too.
    let ids = reg
        .run(&["find", "--query", "note", "--format", "ids"])
        .ok();
    assert_eq!(ids.stdout.lines().count(), 1);
    let notes = reg
        .run(&["find", "--query", "read note", "--json"])
        .ok()
        .json();
    assert_eq!(notes[0]["search"]["tools"][0]["name"], "readNote");
}

fn filters_select_and_the_query_ranks(reg: &Reg) {
    catalog(reg);
    let run = reg.run(&[
        "find", "--query", "read", "--tag", "prod", "--format", "ids",
    ]);
    let notes = reg
        .run(&["find", "--name", "notes", "--format", "ids"])
        .ok();
    assert_eq!(run.ok().stdout, notes.stdout, "--tag prod leaves out files");
    reg.run(&["find", "--query", "read", "--tool", "forecast"])
        .code(1);
}

fn one_is_the_best_and_limit_caps(reg: &Reg) {
    catalog(reg);
    for _ in 0..3 {
        let one = reg
            .run(&["find", "--query", "text file", "--one", "--json"])
            .ok()
            .json();
        assert_eq!(one["name"], "files", "the best, never a random one");
        assert!(one["search"]["score"].as_f64().unwrap() > 0.0);
    }
    let ids = reg.run(&["find", "--query", "read", "--limit", "1", "--format", "ids"]);
    assert_eq!(ids.ok().stdout.lines().count(), 1);
    reg.run(&["find", "--query", "read", "--limit", "0"])
        .code(2)
        .stderr_has("--limit");
}

fn empty_and_unmatched_queries(reg: &Reg) {
    catalog(reg);
    reg.run(&["find", "--query", "zebra crossing"]).code(1);
    reg.run(&["find", "--query", ""])
        .code(2)
        .stderr_has("--query");
    reg.run(&["find", "--query", "?!"])
        .code(2)
        .stderr_has("no words");
    reg.run(&["find", "--query", "what is it"])
        .code(2)
        .stderr_has("only stop words");
}

on_both_backends!(
    query_ranks_entries_and_tools_best_first,
    filters_select_and_the_query_ranks,
    one_is_the_best_and_limit_caps,
    empty_and_unmatched_queries,
);

#[test]
fn a_table_shows_the_best_ten_with_their_tools_and_scores() {
    let reg = Reg::new();
    for i in 0..12 {
        let tool = format!("search_{i}=Search the index number {i}");
        reg.register(&format!("index-{i:02}"), &["--tool", &tool]);
    }
    reg.register("web", &["--tool", "web_search=Search the web"]);
    let table = reg.run(&["find", "--query", "search the web"]).ok().stdout;
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].contains("SCORE") && lines[0].contains("BEST TOOLS"));
    assert_eq!(lines.len(), 1 + 10, "a header and ten entries: {table}");
    assert!(
        lines[1].contains("web") && lines[1].contains("web_search"),
        "{table}"
    );
    // Scripts get every match unless they ask for fewer.
    let json = reg
        .run(&["find", "--query", "search", "--json"])
        .ok()
        .json();
    assert_eq!(json.as_array().unwrap().len(), 13);
    let limited = reg
        .run(&["find", "--query", "search", "--limit", "12"])
        .ok()
        .stdout;
    assert_eq!(limited.lines().count(), 1 + 12);
}

#[test]
fn limit_without_a_query_caps_the_entries_in_id_order() {
    let reg = Reg::new();
    for name in ["c", "a", "b"] {
        reg.register(name, &[]);
    }
    let all = reg.run(&["find", "--format", "ids"]).ok().stdout;
    let two = reg
        .run(&["find", "--limit", "2", "--format", "ids"])
        .ok()
        .stdout;
    let expected: Vec<&str> = all.lines().take(2).collect();
    assert_eq!(two.lines().collect::<Vec<_>>(), expected);
}
