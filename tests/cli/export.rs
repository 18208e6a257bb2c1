//! `export` to the four clients and server.json, `register --from` back, merging
//! into configs mcpreg did not write, and the official server.json schema.

use crate::support::Reg;
use serde_json::{Value, json};
use std::path::Path;

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/server.schema.json");

/// A registry with a stdio, a Streamable HTTP and an SSE server, two sharing a name.
pub fn three() -> Reg {
    let reg = Reg::new();
    reg.run(&[
        "register",
        "--name",
        "files",
        "--description",
        "Read and write files",
        "--version",
        "1.2.0",
        "--tool",
        "read_file=Read a file",
        "--tag",
        "local",
        "--meta",
        "team=infra",
        "--ttl",
        "60s",
        "--env",
        "LOG=info",
        "--",
        "/usr/bin/mcp-files",
        "/data",
    ])
    .ok();
    reg.run(&[
        "register",
        "--name",
        "files",
        "--url",
        "http://127.0.0.1:9/mcp",
        "--header",
        "Authorization=Bearer t",
        "--auth",
        "bearer",
    ])
    .ok();
    reg.run(&[
        "register",
        "--name",
        "search",
        "--url",
        "http://127.0.0.1:8/sse",
        "--transport",
        "sse",
        "--prompt",
        "ask",
    ])
    .ok();
    reg
}

/// Entries without what the registry stamps itself (times, lease expiry, health).
fn declared(reg: &Reg) -> Vec<Value> {
    let mut all = reg.run(&["list", "--json"]).ok().json();
    for e in all.as_array_mut().unwrap() {
        let e = e.as_object_mut().unwrap();
        for k in ["registered_at", "updated_at", "health"] {
            e.remove(k);
        }
        if let Some(lease) = e.get_mut("lease").and_then(Value::as_object_mut) {
            lease.remove("expires_at");
        }
    }
    all.as_array().unwrap().clone()
}

/// The (id, name, transport) of each entry, for formats that hold only endpoints.
pub fn endpoints(reg: &Reg) -> Vec<Value> {
    declared(reg)
        .into_iter()
        .map(|e| json!([e["id"], e["name"], e["transport"]]))
        .collect()
}

pub fn import(file: &Path) -> Reg {
    let fresh = Reg::new();
    fresh
        .run(&["register", "--from", file.to_str().unwrap()])
        .ok();
    fresh
}

#[test]
fn claude_code_and_vscode_round_trip_every_transport() {
    let reg = three();
    for (client, key) in [("claude-code", "mcpServers"), ("vscode", "servers")] {
        let out = reg.run(&["export", "--to", client]).ok();
        let doc = out.json();
        let servers = doc[key].as_object().unwrap();
        // Two entries named "files": both under their ids; "search" under its name.
        assert_eq!(servers.len(), 3, "{client}: {doc}");
        let stdio = servers.values().find(|s| s["type"] == "stdio").unwrap();
        assert_eq!(stdio["command"], "/usr/bin/mcp-files");
        assert_eq!(stdio["args"], json!(["/data"]));
        assert_eq!(stdio["env"], json!({"LOG": "info"}));
        let http = servers.values().find(|s| s["type"] == "http").unwrap();
        assert_eq!(http["url"], "http://127.0.0.1:9/mcp");
        assert_eq!(http["headers"], json!({"Authorization": "Bearer t"}));
        assert_eq!(servers["search"]["type"], "sse");
        assert_eq!(servers["search"]["url"], "http://127.0.0.1:8/sse");
        for (name, s) in servers {
            assert!(
                s.get("url").is_none() || s.get("command").is_none(),
                "{name}"
            );
        }

        let file = reg.folder().join(format!("{client}.json"));
        std::fs::write(&file, &out.stdout).unwrap();
        assert_eq!(endpoints(&import(&file)), endpoints(&reg), "{client}");
    }
}

#[test]
fn cursor_and_claude_desktop_round_trip_what_they_can_express() {
    let reg = three();
    let out = reg.run(&["export", "--to", "cursor"]).ok();
    let doc = out.json();
    let servers = doc["mcpServers"].as_object().unwrap();
    assert_eq!(servers.len(), 3);
    for s in servers.values() {
        assert!(s.get("type").is_none(), "cursor entries have no type: {s}");
    }
    assert_eq!(servers["search"], json!({"url": "http://127.0.0.1:8/sse"}));
    let file = reg.folder().join("cursor.json");
    std::fs::write(&file, &out.stdout).unwrap();
    let back = endpoints(&import(&file));
    // Cursor tells SSE from Streamable HTTP by itself: the type is not in the file.
    let want: Vec<Value> = endpoints(&reg)
        .into_iter()
        .map(|mut e| {
            if e[2]["type"] == "sse" {
                e[2]["type"] = json!("streamable-http");
            }
            e
        })
        .collect();
    assert_eq!(back, want);

    let out = reg.run(&["export", "--to", "claude-desktop"]).ok();
    assert!(
        out.stderr.contains("files-") && out.stderr.contains("search-"),
        "the skipped HTTP entries are named: {}",
        out.stderr
    );
    let doc = out.json();
    let servers = doc["mcpServers"].as_object().unwrap();
    assert_eq!(servers.len(), 1);
    let (name, s) = servers.iter().next().unwrap();
    assert_eq!(
        name, "files",
        "alone among stdio entries, it keeps its name"
    );
    assert_eq!(
        s,
        &json!({"command": "/usr/bin/mcp-files", "args": ["/data"], "env": {"LOG": "info"}})
    );
    let file = reg.folder().join("claude.json");
    std::fs::write(&file, &out.stdout).unwrap();
    let stdio: Vec<Value> = endpoints(&reg)
        .into_iter()
        .filter(|e| e[2]["type"] == "stdio")
        .collect();
    assert_eq!(endpoints(&import(&file)), stdio);
}

#[test]
fn merging_keeps_the_users_servers_and_settings_and_replaces_only_ours() {
    let reg = three();
    let config = reg.folder().join("claude_desktop_config.json");
    let mine = "{\n  \"globalShortcut\": \"Ctrl+Space\",\n  \"mcpServers\": {\n    \"mine\": {\"command\": \"node\", \"args\": [\"m.js\"]},\n    \"files\": {\"command\": \"/opt/my-files\"}\n  },\n  \"preferences\": {\"zeta\": 1, \"alpha\": [true]}\n}\n";
    std::fs::write(&config, mine).unwrap();
    let path = config.to_str().unwrap();
    reg.run(&["export", "--to", "claude-desktop", "-o", path])
        .ok();
    let text = std::fs::read_to_string(&config).unwrap();
    // The user's values stay as they were written, in their places.
    assert!(
        text.contains("\"mine\": {\"command\": \"node\", \"args\": [\"m.js\"]}"),
        "{text}"
    );
    assert!(
        text.contains("\"preferences\": {\"zeta\": 1, \"alpha\": [true]}"),
        "{text}"
    );
    assert!(text.find("globalShortcut") < text.find("mcpServers"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    let servers = doc["mcpServers"].as_object().unwrap();
    assert_eq!(
        servers["files"],
        json!({"command": "/opt/my-files"}),
        "not ours: kept"
    );
    let ours: Vec<&String> = servers.keys().filter(|k| k.starts_with("files-")).collect();
    assert_eq!(
        ours.len(),
        1,
        "our files is written under its id: {servers:?}"
    );
    assert_eq!(doc["_mcpreg"]["servers"][ours[0]]["name"], "files");

    // Next export: our entry goes when it no longer matches; the user's stay.
    let id = ours[0].clone();
    reg.run(&["deregister", &id]).ok();
    reg.run(&["export", "--to", "claude-desktop", "-o", path])
        .ok();
    let text = std::fs::read_to_string(&config).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut keys: Vec<&String> = doc["mcpServers"].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["files", "mine"]);
    assert!(
        text.find("\"mine\"") < text.find("\"files\""),
        "order kept: {text}"
    );
    assert!(
        doc.get("_mcpreg").is_none(),
        "no marker once nothing of ours is left"
    );
    assert_eq!(doc["globalShortcut"], "Ctrl+Space");

    // Exporting twice writes the same bytes.
    let reg = three();
    let again = reg.folder().join("again.json");
    let p = again.to_str().unwrap();
    reg.run(&["export", "--to", "vscode", "-o", p]).ok();
    let first = std::fs::read(&again).unwrap();
    reg.run(&["export", "--to", "vscode", "-o", p]).ok();
    assert_eq!(std::fs::read(&again).unwrap(), first);
    assert!(!reg.folder().join(".again.json.tmp").exists());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&again).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a new config holds tokens: private");
}

#[test]
fn server_json_validates_against_the_official_schema_and_round_trips() {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(SCHEMA).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let reg = three();
    // A name already in reverse-DNS form and a description too long for the format.
    let long = "d".repeat(150);
    reg.run(&[
        "register",
        "--name",
        "io.github.me/time",
        "--description",
        &long,
        "--version",
        "0.3.1",
        "--",
        "uvx",
        "mcp-server-time==0.3.1",
    ])
    .ok();
    reg.run(&[
        "register",
        "--name",
        "fs",
        "--",
        "npx",
        "-y",
        "@modelcontextprotocol/server-filesystem@1.0.2",
        "/tmp",
    ])
    .ok();
    let out = reg
        .run(&[
            "export",
            "--to",
            "server-json",
            "--namespace",
            "io.github.me",
        ])
        .ok();
    let docs = out.json();
    let docs = docs.as_array().expect("several entries: an array");
    assert_eq!(docs.len(), 5);
    for doc in docs {
        let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?} in {doc:#}");
        assert!(doc["description"].as_str().unwrap().chars().count() <= 100);
    }
    let by_name = |n: &str| docs.iter().find(|d| d["name"] == n).unwrap();
    assert_eq!(by_name("io.github.me/search")["remotes"][0]["type"], "sse");
    assert_eq!(
        by_name("io.github.me/time")["packages"][0],
        json!({"registryType": "pypi", "identifier": "mcp-server-time", "version": "0.3.1",
               "runtimeHint": "uvx", "transport": {"type": "stdio"}})
    );
    let fs = &by_name("io.github.me/fs")["packages"][0];
    assert_eq!(fs["identifier"], "@modelcontextprotocol/server-filesystem");
    assert_eq!(fs["version"], "1.0.2");

    // Each document alone is a valid server.json too, and all round-trip losslessly.
    let single = reg
        .run(&["export", "--to", "server-json", "--name", "search"])
        .ok()
        .json();
    assert!(single.is_object() && validator.is_valid(&single));
    let file = reg.folder().join("server.json");
    std::fs::write(&file, &out.stdout).unwrap();
    assert_eq!(declared(&import(&file)), declared(&reg));
}

#[test]
fn a_server_json_of_the_registry_becomes_entries() {
    let reg = Reg::new();
    let file = reg.folder().join("server.json");
    std::fs::write(
        &file,
        json!({
            "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
            "name": "io.github.acme/weather",
            "description": "Weather forecasts",
            "version": "2.0.1",
            "remotes": [{"type": "streamable-http", "url": "https://mcp.acme.example/mcp",
                         "headers": [{"name": "X-Key", "value": "k"}]}],
            "packages": [
                {"registryType": "npm", "identifier": "@acme/weather", "version": "2.0.1",
                 "transport": {"type": "stdio"},
                 "environmentVariables": [{"name": "API_KEY", "isRequired": true, "isSecret": true}]},
                {"registryType": "pypi", "identifier": "acme-weather", "version": "2.0.1",
                 "transport": {"type": "stdio"}}
            ]
        })
        .to_string(),
    )
    .unwrap();
    let out = reg
        .run(&[
            "register",
            "--from",
            file.to_str().unwrap(),
            "--tag",
            "acme",
            "--ttl",
            "1h",
        ])
        .ok();
    assert!(
        out.stderr.contains("API_KEY"),
        "an input without value is reported: {}",
        out.stderr
    );
    let all = declared(&reg);
    let transports: Vec<&Value> = all.iter().map(|e| &e["transport"]).collect();
    assert!(transports.contains(&&json!({"type": "streamable-http", "url": "https://mcp.acme.example/mcp", "headers": {"X-Key": "k"}})));
    assert!(transports.contains(&&json!({"type": "stdio", "command": "npx", "args": ["-y", "@acme/weather@2.0.1"], "env": {}})));
    assert!(transports.contains(
        &&json!({"type": "stdio", "command": "uvx", "args": ["acme-weather==2.0.1"], "env": {}})
    ));
    for e in &all {
        assert_eq!(e["name"], "io.github.acme/weather");
        assert_eq!(e["version"], "2.0.1");
        assert_eq!(e["tags"], json!(["acme"]));
        assert_eq!(e["lease"]["ttl_s"], 3600);
    }
}

/// Bad input: a clear error naming the field, exit 2, nothing written.
#[test]
fn bad_files_are_refused_naming_the_field_and_nothing_is_written() {
    let reg = Reg::new();
    let bad = |name: &str, doc: Value, field: &str| {
        let file = reg.folder().join(name);
        std::fs::write(&file, doc.to_string()).unwrap();
        let out = reg
            .run(&["register", "--from", file.to_str().unwrap()])
            .code(2);
        assert!(
            out.stderr.contains(field),
            "{name}: {field} not named in {}",
            out.stderr
        );
        assert!(reg.bytes().is_none(), "{name}: the registry was written");
    };
    let remote = json!([{"type": "streamable-http", "url": "https://x.example/mcp"}]);
    bad(
        "no-name.json",
        json!({"description": "d", "version": "1", "remotes": remote}),
        "name: required",
    );
    bad(
        "no-slash.json",
        json!({"name": "weather", "description": "d", "version": "1", "remotes": remote}),
        "name: \"weather\" is not in reverse-DNS form",
    );
    bad(
        "long.json",
        json!({"name": "io.github.a/b", "description": "x".repeat(101), "version": "1", "remotes": remote}),
        "description: 101 characters",
    );
    bad(
        "no-version.json",
        json!({"name": "io.github.a/b", "description": "d", "remotes": remote}),
        "version: required",
    );
    bad(
        "bad-remote.json",
        json!({"name": "io.github.a/b", "description": "d", "version": "1",
               "remotes": [{"type": "websocket", "url": "https://x.example/"}]}),
        "remotes[0].type",
    );
    // One bad server spoils the file: the good one before it is not written either.
    bad(
        "half.json",
        json!({"mcpServers": {"a": {"command": "/bin/a"}, "b": {"args": ["x"]}}}),
        "mcpServers.b: needs `command` (stdio) or `url` (HTTP)",
    );
    // VS Code's file read as such: its servers have a type.
    bad(
        "vscode.json",
        json!({"servers": {"a": {"command": "/bin/a"}}}),
        "servers.a.type: required in a VS Code config",
    );
    bad(
        "neither.json",
        json!({"theme": "dark"}),
        "nor a client config",
    );

    // Exporting onto another client's config: refused, the file untouched.
    let reg = three();
    let claude = reg.folder().join("claude_desktop_config.json");
    let text = "{\"mcpServers\": {\"mine\": {\"command\": \"node\"}}}\n";
    std::fs::write(&claude, text).unwrap();
    let out = reg
        .run(&["export", "--to", "vscode", "-o", claude.to_str().unwrap()])
        .code(2);
    assert!(out.stderr.contains("`mcpServers`"), "{}", out.stderr);
    let code = reg.folder().join(".mcp.json");
    std::fs::write(
        &code,
        "{\"mcpServers\": {\"web\": {\"type\": \"http\", \"url\": \"http://h/\"}}}",
    )
    .unwrap();
    let out = reg
        .run(&[
            "export",
            "--to",
            "claude-desktop",
            "-o",
            code.to_str().unwrap(),
        ])
        .code(2);
    assert!(out.stderr.contains("mcpServers.web.type"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&claude).unwrap(), text);
    let junk = reg.folder().join("junk.json");
    std::fs::write(&junk, "{not json").unwrap();
    reg.run(&["export", "--to", "cursor", "-o", junk.to_str().unwrap()])
        .code(2)
        .stderr_has("not JSON");
    assert_eq!(std::fs::read_to_string(&junk).unwrap(), "{not json");
}
