//! The fifteen client formats: each client's documented shape imports, every
//! export round-trips what the client can express, edits keep the user's text
//! (JSONC and TOML byte for byte, YAML with a backup), and `sync` into a fake home.

use crate::export::{endpoints, import, three};
use crate::support::Reg;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/clients");

/// How a client writes an SSE server.
#[derive(Clone, Copy, PartialEq)]
enum Sse {
    Keeps,
    /// Written like Streamable HTTP (the client tells them apart): back as that.
    AsHttp,
    Skipped,
}

/// (client, file name it is exported to, stdio only, SSE).
const CLIENTS: &[(&str, &str, bool, Sse)] = &[
    (
        "claude-desktop",
        "claude_desktop_config.json",
        true,
        Sse::Skipped,
    ),
    ("claude-code", ".mcp.json", false, Sse::Keeps),
    ("vscode", "mcp.json", false, Sse::Keeps),
    ("cursor", "mcp.json", false, Sse::AsHttp),
    ("windsurf", "mcp_config.json", false, Sse::AsHttp),
    ("cline", "cline_mcp_settings.json", false, Sse::Keeps),
    ("roo-code", "mcp_settings.json", false, Sse::Keeps),
    ("continue", "config.yaml", false, Sse::Keeps),
    ("zed", "settings.json", false, Sse::Skipped),
    ("gemini-cli", "settings.json", false, Sse::Keeps),
    ("codex", "config.toml", false, Sse::Skipped),
    ("goose", "config.yaml", false, Sse::Keeps),
    ("opencode", "opencode.json", false, Sse::AsHttp),
    ("lm-studio", "mcp.json", false, Sse::AsHttp),
    ("copilot-cli", "mcp-config.json", false, Sse::Keeps),
];

#[test]
fn every_client_round_trips_what_it_can_express_and_names_what_it_skips() {
    let reg = three();
    let all = endpoints(&reg);
    for &(client, file_name, stdio_only, sse) in CLIENTS {
        let dir = reg.folder().join(client);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(file_name);
        let out = reg
            .run(&["export", "--to", client, "-o", file.to_str().unwrap()])
            .ok();
        let want: Vec<Value> = all
            .iter()
            .filter_map(|e| {
                let kind = e[2]["type"].as_str().unwrap();
                let skipped = match kind {
                    "stdio" => false,
                    "sse" => stdio_only || sse == Sse::Skipped,
                    _ => stdio_only,
                };
                if skipped {
                    assert!(
                        out.stderr.contains(e[0].as_str().unwrap()),
                        "{client}: the skipped {kind} entry is named: {}",
                        out.stderr
                    );
                    return None;
                }
                let mut e = e.clone();
                if kind == "sse" && sse == Sse::AsHttp {
                    e[2]["type"] = json!("streamable-http");
                }
                Some(e)
            })
            .collect();
        let back = import(&file);
        assert_eq!(
            endpoints(&back),
            want,
            "{client}: {}",
            std::fs::read_to_string(&file).unwrap()
        );
        // A second export changes nothing.
        let first = std::fs::read(&file).unwrap();
        reg.run(&["export", "--to", client, "-o", file.to_str().unwrap()])
            .ok();
        assert_eq!(std::fs::read(&file).unwrap(), first, "{client}");
    }
}

/// Each client's config in the shape its documentation shows imports, with the
/// transports its documentation says.
#[test]
fn every_clients_documented_config_imports() {
    let stdio = |command: &str, args: &[&str], env: Value| json!({"type": "stdio", "command": command, "args": args, "env": env});
    let http = |url: &str, headers: Value| json!({"type": "streamable-http", "url": url, "headers": headers});
    let sse = |url: &str, headers: Value| json!({"type": "sse", "url": url, "headers": headers});
    let bearer = json!({"Authorization": "Bearer t"});
    let none = json!({});
    // (fixture, the client it is read as, its servers by name)
    type Fixture<'a> = (&'a str, &'a str, Vec<(&'a str, Value)>);
    let fixtures: Vec<Fixture> = vec![
        (
            "claude_desktop_config.json",
            "claude-desktop",
            vec![(
                "filesystem",
                stdio(
                    "npx",
                    &[
                        "-y",
                        "@modelcontextprotocol/server-filesystem",
                        "/Users/me/Desktop",
                    ],
                    json!({"DEBUG": "1"}),
                ),
            )],
        ),
        (
            "claude-code.mcp.json",
            "claude-code",
            vec![
                (
                    "airtable",
                    stdio(
                        "npx",
                        &["-y", "airtable-mcp-server"],
                        json!({"AIRTABLE_API_KEY": "key"}),
                    ),
                ),
                (
                    "notion",
                    http("https://mcp.notion.example/mcp", bearer.clone()),
                ),
                ("asana", sse("https://mcp.asana.example/sse", none.clone())),
            ],
        ),
        (
            "vscode/.vscode/mcp.json",
            "vscode",
            vec![
                (
                    "memory",
                    stdio(
                        "npx",
                        &["-y", "@modelcontextprotocol/server-memory"],
                        json!({"MEMORY_FILE": "/tmp/memory.json"}),
                    ),
                ),
                (
                    "github",
                    http(
                        "https://api.githubcopilot.example/mcp/",
                        json!({"X-Key": "k"}),
                    ),
                ),
                ("legacy", sse("http://127.0.0.1:3001/sse", none.clone())),
            ],
        ),
        (
            "cursor/.cursor/mcp.json",
            "cursor",
            vec![
                (
                    "server-name",
                    stdio("npx", &["-y", "mcp-server"], json!({"API_KEY": "value"})),
                ),
                (
                    "remote",
                    http("http://localhost:3000/mcp", json!({"API_KEY": "value"})),
                ),
            ],
        ),
        (
            "mcp_config.json",
            "windsurf",
            vec![
                (
                    "github",
                    stdio(
                        "npx",
                        &["-y", "@modelcontextprotocol/server-github"],
                        json!({"GITHUB_PERSONAL_ACCESS_TOKEN": "<token>"}),
                    ),
                ),
                (
                    "figma",
                    http("https://mcp.figma.example/mcp", bearer.clone()),
                ),
            ],
        ),
        (
            "cline_mcp_settings.json",
            "cline",
            vec![
                (
                    "local-server",
                    stdio(
                        "node",
                        &["/path/to/server.js"],
                        json!({"API_KEY": "your_api_key"}),
                    ),
                ),
                (
                    "remote-server",
                    http(
                        "https://your-server-url.example/mcp",
                        json!({"Authorization": "Bearer your-token"}),
                    ),
                ),
                (
                    "legacy-server",
                    sse("https://legacy.example/sse", none.clone()),
                ),
            ],
        ),
        (
            "mcp_settings.json",
            "roo-code",
            vec![
                (
                    "local-server",
                    stdio(
                        "python",
                        &["/path/to/server.py"],
                        json!({"API_KEY": "your_api_key"}),
                    ),
                ),
                (
                    "modern-remote-server",
                    http(
                        "https://your-modern-server.example/api/mcp-endpoint",
                        json!({"X-API-Key": "your-secure-api-key"}),
                    ),
                ),
                (
                    "legacy-remote-server",
                    sse(
                        "https://your-legacy-server-url.example/mcp",
                        json!({"X-API-Key": "your-api-key"}),
                    ),
                ),
            ],
        ),
        (
            "continue/.continue/config.yaml",
            "continue",
            vec![
                (
                    "SQLite MCP",
                    stdio(
                        "npx",
                        &["-y", "mcp-sqlite", "/path/to/your/database.db"],
                        none.clone(),
                    ),
                ),
                (
                    "Remote MCP",
                    http("https://mcp.example/mcp", bearer.clone()),
                ),
                ("Old MCP", sse("https://old.example/sse", none.clone())),
            ],
        ),
        (
            "zed/settings.json",
            "zed",
            vec![
                (
                    "your-mcp-server",
                    stdio("some-command", &["arg-1", "arg-2"], none.clone()),
                ),
                (
                    "remote-mcp-server",
                    http(
                        "https://mcp.example/mcp",
                        json!({"Authorization": "Bearer <token>"}),
                    ),
                ),
            ],
        ),
        (
            "gemini/.gemini/settings.json",
            "gemini-cli",
            vec![
                ("pythonTools", {
                    let mut t = stdio(
                        "python",
                        &["-m", "my_mcp_server", "--port", "8080"],
                        json!({"DATABASE_URL": "$DB_CONNECTION_STRING"}),
                    );
                    t["cwd"] = json!("./mcp-servers/python");
                    t
                }),
                (
                    "httpServer",
                    http("http://localhost:3000/mcp", bearer.clone()),
                ),
                ("sseServer", sse("http://localhost:8080/sse", none.clone())),
            ],
        ),
        (
            "config.toml",
            "codex",
            vec![
                (
                    "context7",
                    stdio(
                        "npx",
                        &["-y", "@upstash/context7-mcp"],
                        json!({"MY_ENV_VAR": "MY_ENV_VALUE"}),
                    ),
                ),
                (
                    "figma",
                    http(
                        "https://mcp.figma.example/mcp",
                        json!({"X-Figma-Region": "us-east-1"}),
                    ),
                ),
            ],
        ),
        (
            "goose/config.yaml",
            "goose",
            vec![
                (
                    "github",
                    stdio(
                        "docker",
                        &["run", "-i", "--rm", "ghcr.io/github/github-mcp-server"],
                        json!({"GITHUB_TOKEN": "t"}),
                    ),
                ),
                ("remote", http("https://mcp.example/mcp", bearer.clone())),
                ("old", sse("http://localhost:8000/sse", none.clone())),
            ],
        ),
        (
            "opencode.json",
            "opencode",
            vec![
                (
                    "my-local-mcp-server",
                    stdio(
                        "bun",
                        &["x", "my-mcp-command"],
                        json!({"MY_ENV_VAR": "my_env_var_value"}),
                    ),
                ),
                (
                    "my-remote-mcp",
                    http(
                        "https://my-mcp-server.example",
                        json!({"Authorization": "Bearer MY_API_KEY"}),
                    ),
                ),
            ],
        ),
        (
            "lmstudio/.lmstudio/mcp.json",
            "lm-studio",
            vec![
                (
                    "hf-mcp-server",
                    http(
                        "https://huggingface.example/mcp",
                        json!({"Authorization": "Bearer <YOUR_HF_TOKEN>"}),
                    ),
                ),
                (
                    "playwright",
                    stdio("npx", &["@playwright/mcp@latest"], none.clone()),
                ),
            ],
        ),
        (
            "mcp-config.json",
            "copilot-cli",
            vec![
                (
                    "playwright",
                    stdio("npx", &["@playwright/mcp@latest"], none.clone()),
                ),
                (
                    "context7",
                    http(
                        "https://mcp.context7.example/mcp",
                        json!({"CONTEXT7_API_KEY": "k"}),
                    ),
                ),
                ("legacy", sse("https://legacy.example/sse", none.clone())),
            ],
        ),
    ];
    assert_eq!(fixtures.len(), CLIENTS.len(), "one fixture per client");
    for (file, client, want) in fixtures {
        let path = PathBuf::from(DATA).join(file);
        let reg = Reg::new();
        let out = reg
            .run(&["-v", "register", "--from", path.to_str().unwrap()])
            .ok();
        assert!(
            out.stderr.contains(&format!("from a {client} config")),
            "{file} read as {client}: {}",
            out.stderr
        );
        let mut got: Vec<Value> = reg
            .run(&["list", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| json!([e["name"], e["transport"]]))
            .collect();
        let mut want: Vec<Value> = want.into_iter().map(|(n, t)| json!([n, t])).collect();
        let key = |v: &Value| v[0].as_str().unwrap().to_owned();
        got.sort_by_key(key);
        want.sort_by_key(key);
        assert_eq!(got, want, "{file}");
    }
}

/// Mixes the user's text (comments, trailing commas, odd spacing) with an export,
/// then exports nothing: the file is the user's again, byte for byte.
#[test]
fn jsonc_and_toml_keep_the_users_text_byte_for_byte() {
    let reg = three();
    let cases = [
        (
            "vscode",
            "mcp.json",
            "// my servers\n{\n  \"servers\": {\n    // keep me\n    \"mine\": { \"type\": \"stdio\", \"command\": \"node\" }, // trailing\n  },\n\n  \"inputs\": [ ],\n}\n",
        ),
        (
            "zed",
            "settings.json",
            "{\n\t\"theme\": \"One Dark\", /* block */\n\t\"context_servers\": {\n\t\t\"mine\": {\"command\": \"x\", \"args\": []},\n\t},\n}\n",
        ),
        (
            "opencode",
            "opencode.json",
            "{\n  \"$schema\": \"https://opencode.ai/config.json\",\n  // none yet\n  \"theme\": \"tokyonight\"\n}\n",
        ),
        (
            "codex",
            "config.toml",
            "# top\nmodel = \"o3\"   # inline\n\n[mcp_servers.mine]\ncommand = \"x\" # c\n\n[other]\na = 1\n",
        ),
    ];
    for (client, name, mine) in cases {
        let file = reg.folder().join(format!("{client}-{name}"));
        std::fs::write(&file, mine).unwrap();
        let path = file.to_str().unwrap();
        reg.run(&["export", "--to", client, "-o", path]).ok();
        let merged = std::fs::read_to_string(&file).unwrap();
        // The user's lines are all there, in their order.
        let mut rest = merged.as_str();
        for line in mine
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim().starts_with('}'))
        {
            let at = rest
                .find(line)
                .unwrap_or_else(|| panic!("{client}: {line:?} lost or moved in:\n{merged}"));
            rest = &rest[at + line.len()..];
        }
        assert!(merged.contains("/usr/bin/mcp-files"), "{client}: {merged}");
        reg.run(&[
            "export",
            "--to",
            client,
            "--tag",
            "nothing-has-it",
            "-o",
            path,
        ])
        .ok();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), mine, "{client}");
    }
}

#[test]
fn yaml_comments_are_backed_up_before_the_first_rewrite() {
    let reg = three();
    let file = reg.folder().join("config.yaml");
    let mine = "GOOSE_PROVIDER: anthropic # the model\nextensions:\n  developer:\n    type: builtin\n    name: developer\n    enabled: true\n";
    std::fs::write(&file, mine).unwrap();
    let path = file.to_str().unwrap();
    let out = reg.run(&["export", "--to", "goose", "-o", path]).ok();
    let backup = reg.folder().join("config.yaml.mcpreg-backup");
    assert!(
        out.stderr.contains("config.yaml.mcpreg-backup"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), mine);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the backup holds what the config held");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("developer") && text.contains("/usr/bin/mcp-files"),
        "{text}"
    );
    // The first backup is the one with the comments: later runs keep it.
    reg.register("more", &["--", "/bin/more"]);
    let out = reg.run(&["export", "--to", "goose", "-o", path]).ok();
    assert!(!out.stderr.contains("mcpreg-backup"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), mine);
    // Goose's own extensions are left alone on import, with a word.
    let fresh = Reg::new();
    fresh
        .run(&["register", "--from", path])
        .ok()
        .stderr_has("extensions.developer: skipped");
}

#[test]
fn a_file_that_is_not_its_format_is_refused_and_left_untouched() {
    let reg = three();
    let cases = [
        (
            "codex",
            "config.toml",
            "[mcp_servers\ncommand = 1\n",
            "not TOML",
        ),
        (
            "goose",
            "config.yaml",
            "extensions: [unclosed\n",
            "not YAML",
        ),
        (
            "zed",
            "settings.json",
            "{\"context_servers\": {,}",
            "not JSON",
        ),
        // Claude Desktop reads plain JSON: a comment would break it.
        (
            "claude-desktop",
            "claude_desktop_config.json",
            "// mine\n{\"mcpServers\": {}}\n",
            "not JSON",
        ),
        (
            "continue",
            "config.yaml",
            "mcpServers:\n  a: 1\n",
            "mcpServers",
        ),
        ("codex", "codex.toml", "mcp_servers = 3\n", "mcp_servers"),
    ];
    for (client, name, text, why) in cases {
        let file = reg.folder().join(name);
        std::fs::write(&file, text).unwrap();
        reg.run(&["export", "--to", client, "-o", file.to_str().unwrap()])
            .code(2)
            .stderr_has(why)
            .stderr_has(name);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "{client}");
        assert!(!reg.folder().join(format!("{name}.mcpreg-backup")).exists());
    }
}

/// `mcpreg sync` with HOME pointed at `home`, and no other place from the host.
fn sync(reg: &Reg, home: &Path, args: &[&str]) -> crate::support::Run {
    let mut cmd = reg.cmd(&[&["sync"], args].concat());
    cmd.env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("CODEX_HOME");
    crate::support::finish(cmd.output().expect("run mcpreg"))
}

/// Every file under `dir` with its bytes, sorted.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(tree(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn sync_writes_every_installed_client_and_dry_run_shows_the_diff_only() {
    let reg = three();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let cursor = h.join(".cursor/mcp.json");
    let codex = h.join(".codex/config.toml");
    let zed = h.join(".config/zed/settings.json");
    let cline = h.join(
        ".config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
    );
    for dir in [
        ".cursor",
        ".codex",
        ".config/zed",
        ".config/Code/User/globalStorage/saoudrizwan.claude-dev",
    ] {
        std::fs::create_dir_all(h.join(dir)).unwrap();
    }
    let mine = "{\"mcpServers\": {\"mine\": {\"command\": \"node\"}}}\n";
    std::fs::write(&cursor, mine).unwrap();
    let toml = "# my codex\nmodel = \"o3\"\n";
    std::fs::write(&codex, toml).unwrap();
    // Zed's file is broken: that client is skipped, the others still written.
    std::fs::write(&zed, "{\"theme\": ").unwrap();

    let before = tree(h);
    let out = sync(&reg, h, &["--dry-run"]).code(2);
    assert_eq!(tree(h), before, "--dry-run writes nothing");
    let c = cursor.display().to_string();
    assert!(
        out.stdout.contains(&format!("--- {c}\n+++ {c}\n")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("+    \"files-"), "{}", out.stdout);
    assert!(
        out.stdout.contains(" {\"mcpServers\": {\"mine\"")
            || out.stdout.contains("-{\"mcpServers\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("+[mcp_servers.files-"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("cursor: would write {c}")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("zed: skipped: "), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("claude-desktop: skipped: not installed"),
        "{}",
        out.stdout
    );

    let out = sync(&reg, h, &[]).code(2);
    for (client, path) in [("cursor", &cursor), ("codex", &codex), ("cline", &cline)] {
        assert!(
            out.stdout
                .contains(&format!("{client}: written {}", path.display())),
            "{}",
            out.stdout
        );
    }
    assert!(
        out.stdout.contains("codex: written") && out.stdout.contains("left out SSE servers"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("zed: skipped: ") && out.stdout.contains("not JSON"),
        "{}",
        out.stdout
    );
    assert_eq!(std::fs::read_to_string(&zed).unwrap(), "{\"theme\": ");
    let lines = out.stdout.lines().count();
    assert_eq!(lines, CLIENTS.len(), "one line per client: {}", out.stdout);
    let text = std::fs::read_to_string(&codex).unwrap();
    assert!(
        text.starts_with(toml) && text.contains("[mcp_servers.files-"),
        "{text}"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&cursor).unwrap()).unwrap();
    assert_eq!(doc["mcpServers"]["mine"], json!({"command": "node"}));
    assert_eq!(doc["mcpServers"].as_object().unwrap().len(), 4);
    assert!(
        std::fs::read_to_string(&cline)
            .unwrap()
            .contains("\"streamableHttp\"")
    );

    // Again: nothing to change; --clients limits the run.
    let out = sync(&reg, h, &["--clients", "cursor,codex"]).ok();
    assert_eq!(
        out.stdout,
        format!(
            "cursor: unchanged {}\ncodex: unchanged {}; left out SSE servers: {}\n",
            cursor.display(),
            codex.display(),
            endpoints(&reg)[2][0].as_str().unwrap()
        ),
    );
    // A filter of find: only the stdio server stays in the configs.
    sync(&reg, h, &["--clients", "cursor", "--transport", "stdio"]).ok();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&cursor).unwrap()).unwrap();
    assert_eq!(doc["mcpServers"].as_object().unwrap().len(), 2, "{doc}");
    sync(&reg, h, &["--clients", "cursor,nope"])
        .code(2)
        .stderr_has("\"nope\" is not a client");
}

/// A command registered with a working folder: written as `cwd` where the client
/// has one, as absolute paths (with a warning) where it has not; either way the
/// server starts the same.
#[test]
fn cwd_goes_where_a_client_has_it_and_becomes_absolute_paths_elsewhere() {
    let reg = Reg::new();
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("server.js"), "").unwrap();
    let mut cmd = reg.cmd(&["register", "--name", "node-app", "--", "node", "server.js"]);
    cmd.current_dir(project.path());
    let out = crate::support::finish(cmd.output().unwrap()).ok();
    let id = out.stdout.trim().to_owned();
    let folder = reg.entry(&id)["transport"]["cwd"]
        .as_str()
        .expect("cwd recorded")
        .to_owned();
    let absolute = format!("{folder}/server.js");
    for &(client, file_name, _, _) in CLIENTS {
        let dir = reg.folder().join(client);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(file_name);
        let out = reg
            .run(&["export", "--to", client, "-o", file.to_str().unwrap()])
            .ok();
        let back = import(&file);
        let t = &back.entry(&id)["transport"];
        let has_cwd = ["vscode", "roo-code", "gemini-cli", "codex"].contains(&client);
        if has_cwd {
            assert_eq!(t["cwd"], json!(folder), "{client}: {t}");
            assert_eq!(t["args"], json!(["server.js"]), "{client}");
        } else {
            assert!(t.get("cwd").is_none(), "{client}: {t}");
            assert_eq!(t["args"], json!([absolute]), "{client}");
            assert!(
                out.stderr.contains("absolute paths") && out.stderr.contains(&id),
                "{client}: {}",
                out.stderr
            );
        }
    }
}

/// Nesting deeper than any config, in every syntax: a short error naming the file,
/// exit 2, nothing registered, no crash.
#[test]
fn deeply_nested_configs_are_refused_with_a_short_message() {
    let reg = Reg::new();
    let deep =
        |open: &str, close: &str| format!("{}{}", open.repeat(100_000), close.repeat(100_000));
    let cases = [
        ("deep.json", format!("{{\"servers\": {}}}", deep("[", "]"))),
        (
            "deep-comment.json",
            format!("// c\n{{\"servers\": {}}}", deep("[", "]")),
        ),
        ("deep.toml", format!("a = {}\n", deep("[", "]"))),
        ("deep.yaml", format!("extensions: {}\n", deep("[", "]"))),
    ];
    for (name, text) in cases {
        let file = reg.folder().join(name);
        std::fs::write(&file, &text).unwrap();
        let out = reg
            .run(&["register", "--from", file.to_str().unwrap()])
            .code(2)
            .stderr_has(name);
        assert!(
            out.stderr.len() < 1000,
            "{name}: {} bytes of error",
            out.stderr.len()
        );
        assert!(reg.bytes().is_none(), "{name}");
        for client in ["vscode", "codex", "goose"] {
            let out = reg
                .run(&["export", "--to", client, "-o", file.to_str().unwrap()])
                .code(2);
            assert!(
                out.stderr.len() < 1000,
                "{name} as {client}: {}",
                out.stderr.len()
            );
            assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "{name}");
        }
    }
}
