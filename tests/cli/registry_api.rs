//! The registry API v0.1 of the official `OpenAPI` document
//! (tests/data/registry-openapi.yaml), both ways.
//!
//! `register --from URL` against a fake on loopback: pages followed to the end,
//! the filters passed on, and a bad page, an error status or a server that never
//! answers registering nothing. `serve --http` as the registry: read by `curl`,
//! every answer checked against the document, read back by `register --from`, and
//! a `register` in the next page, on both backends.

use crate::support::{HANG, Reg, eventually};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// What the fake answers to a request line's target: a status and a body, or
/// nothing at all (it holds the connection open and never answers).
type Answer = Option<(u16, String)>;

/// A registry on 127.0.0.1 answering with `answer`; its base URL and the request
/// targets it was sent.
fn registry(answer: impl Fn(&str) -> Answer + Send + 'static) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap_or_default();
            let target = line.split(' ').nth(1).unwrap_or("").to_owned();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
            }
            log.lock().unwrap().push(target.clone());
            match answer(&target) {
                Some((status, body)) => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
                None => held.push(stream),
            }
        }
    });
    (base, seen)
}

const OPENAPI: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/registry-openapi.yaml"
);

/// Where `page` departs from a `ServerList` as the official `OpenAPI` document
/// defines it.
fn departures(page: &str) -> Vec<String> {
    departures_from("ServerList", page)
}

/// Where `text` departs from the document's component schema `component`.
fn departures_from(component: &str, text: &str) -> Vec<String> {
    let doc: Value = serde_yaml::from_str(&std::fs::read_to_string(OPENAPI).unwrap()).unwrap();
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{component}"),
        "components": doc["components"],
    });
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles");
    let value: Value = serde_json::from_str(text).unwrap();
    validator
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn conforms(page: &str) {
    let errors = departures(page);
    assert!(errors.is_empty(), "{errors:?} in {page}");
}

/// A `ServerResponse` of the `OpenAPI` document.
fn response(server: Value, latest: bool, status: &str) -> Value {
    json!({
        "server": server,
        "_meta": {"io.modelcontextprotocol.registry/official": {
            "status": status, "publishedAt": "2026-11-01T10:00:00Z",
            "updatedAt": "2026-11-20T10:00:00Z", "isLatest": latest}}
    })
}

fn server(name: &str, version: &str, url: &str) -> Value {
    json!({
        "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
        "name": name, "description": format!("The {name} server"), "version": version,
        "remotes": [{"type": "streamable-http", "url": url}]
    })
}

fn page(servers: Vec<Value>, next: Option<&str>) -> String {
    let count = servers.len();
    let mut metadata = json!({"count": count});
    if let Some(n) = next {
        metadata["nextCursor"] = json!(n);
    }
    json!({"servers": servers, "metadata": metadata}).to_string()
}

/// The value of query parameter `key` in a request target.
fn param(target: &str, key: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| v.replace("%3A", ":").replace('+', " ").replace("%20", " "))
    })
}

#[test]
fn every_page_is_read_and_the_filters_are_passed_on() {
    let p1 = page(
        vec![
            response(
                server("io.example/weather", "2.0.0", "https://weather.example/mcp"),
                true,
                "active",
            ),
            response(
                server("io.example/weather", "1.0.0", "https://weather.example/mcp"),
                false,
                "active",
            ),
        ],
        Some("p2"),
    );
    let p2 = page(
        vec![response(
            json!({"name": "io.example/files", "description": "Files", "version": "1.0.2",
                   "packages": [{"registryType": "npm", "identifier": "@example/files",
                                 "version": "1.0.2", "transport": {"type": "stdio"}}]}),
            true,
            "active",
        )],
        Some("p3"),
    );
    let p3 = page(
        vec![response(
            server("io.example/gone", "1.0.0", "https://gone.example/mcp"),
            true,
            "deleted",
        )],
        None,
    );
    for p in [&p1, &p2, &p3] {
        conforms(p);
    }
    let (base, seen) = registry(move |target| {
        let body = match param(target, "cursor").as_deref() {
            None => p1.clone(),
            Some("p2") => p2.clone(),
            Some("p3") => p3.clone(),
            Some(_) => return Some((400, "{\"error\": \"bad cursor\"}".into())),
        };
        Some((200, body))
    });
    let reg = Reg::new();
    let out = reg
        .run(&[
            "register",
            "--from",
            &format!("{base}/"),
            "--search",
            "example",
            "--updated-since",
            "2026-11-01T00:00:00Z",
            "--tag",
            "mirror",
        ])
        .ok();
    assert!(
        out.stderr.contains("io.example/gone") && out.stderr.contains("deleted"),
        "{}",
        out.stderr
    );
    let targets = seen.lock().unwrap().clone();
    assert_eq!(targets.len(), 3, "{targets:?}");
    for t in &targets {
        assert!(t.starts_with("/v0.1/servers?"), "{t}");
        assert_eq!(param(t, "search").as_deref(), Some("example"), "{t}");
        assert_eq!(
            param(t, "updated_since").as_deref(),
            Some("2026-11-01T00:00:00Z"),
            "{t}"
        );
        assert_eq!(param(t, "version").as_deref(), Some("latest"), "{t}");
    }
    assert_eq!(param(&targets[1], "cursor").as_deref(), Some("p2"));
    assert_eq!(param(&targets[2], "cursor").as_deref(), Some("p3"));
    let all = reg.json()["servers"].as_array().unwrap().clone();
    let mut got: Vec<(String, Value)> = all
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["transport"].clone(),
            )
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![
            (
                "io.example/files".into(),
                json!({"type": "stdio", "command": "npx", "args": ["-y", "@example/files@1.0.2"], "env": {}})
            ),
            (
                "io.example/weather".into(),
                json!({"type": "streamable-http", "url": "https://weather.example/mcp", "headers": {}})
            ),
        ]
    );
    assert!(all.iter().all(|e| e["tags"] == json!(["mirror"])));
    let weather = all
        .iter()
        .find(|e| e["name"] == "io.example/weather")
        .unwrap();
    assert_eq!(weather["version"], "2.0.0", "the latest version, once");
}

#[test]
fn a_bad_page_an_error_status_or_silence_registers_nothing() {
    let good = page(
        vec![response(
            server("io.example/a", "1.0.0", "https://a.example/mcp"),
            true,
            "active",
        )],
        Some("next"),
    );
    conforms(&good);
    // The check can fail: a page without its servers is not a ServerList.
    assert!(!departures("{\"metadata\": {}}").is_empty());
    let cases: Vec<(&str, Answer, &str)> = vec![
        (
            "a page without servers",
            Some((200, "{\"metadata\": {}}".into())),
            "page 2: servers: required",
        ),
        (
            "a page that is not JSON",
            Some((200, "<html>".into())),
            "page 2: not JSON",
        ),
        (
            "a bad server",
            Some((
                200,
                page(
                    vec![response(
                        json!({"name": "nodot", "description": "d", "version": "1"}),
                        true,
                        "active",
                    )],
                    None,
                ),
            )),
            "page 2: servers[0].server.name",
        ),
        (
            "a 500",
            Some((500, "{\"error\": \"Internal server error\"}".into())),
            "page 2: HTTP 500",
        ),
    ];
    for (what, second, why) in cases {
        let first = good.clone();
        let (base, _) = registry(move |target| match param(target, "cursor") {
            None => Some((200, first.clone())),
            Some(_) => second.clone(),
        });
        let reg = Reg::new();
        reg.run(&["register", "--from", &base])
            .code(2)
            .stderr_has(why)
            .stderr_has(&base);
        assert!(reg.bytes().is_none(), "{what}: the registry was written");
    }
    // A registry that never answers: the page's time limit ends the wait. It is
    // silent whatever the limit, so the short limit cannot make the test flaky.
    let (base, _) = registry(|_| None);
    let reg = Reg::new();
    reg.run(&["register", "--from", &base, "--timeout", "1s"])
        .code(2)
        .stderr_has("page 1: no answer within 1s");
    assert!(reg.bytes().is_none(), "silence: the registry was written");
    // A time that is not RFC 3339 is refused before any request is sent.
    let (base, seen) = registry(|_| Some((200, page(Vec::new(), None))));
    Reg::new()
        .run(&["register", "--from", &base, "--updated-since", "yesterday"])
        .code(2)
        .stderr_has("--updated-since: \"yesterday\" is not an RFC 3339 time");
    assert!(seen.lock().unwrap().is_empty());
    // A registry that lists nothing registers nothing, and says so.
    Reg::new()
        .run(&["register", "--from", &base])
        .code(2)
        .stderr_has("the registry listed none");
    // Filters of a registry make no sense for a file.
    let reg = Reg::new();
    reg.run(&["register", "--from", "server.json", "--search", "x"])
        .code(2)
        .stderr_has("--search");
}

/// `mcpreg serve --http 127.0.0.1:0` on `reg`, ended when dropped.
struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT`, as the server announced it.
    base: String,
}

impl Served {
    fn start(reg: &Reg, extra: &[&str]) -> Served {
        let mut args = vec!["serve", "--http", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = reg
            .cmd(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start mcpreg serve --http");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(HANG).expect("serve announces its URL");
        let base = line
            .trim()
            .strip_suffix("/mcp")
            .unwrap_or_else(|| panic!("serve announced {line:?}"))
            .to_owned();
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        Served { child, base }
    }

    /// `curl` of `target`: the status and the body.
    fn get(&self, target: &str) -> (u16, String) {
        curl(&["-sS", "--max-time", "60", &format!("{}{target}", self.base)])
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `curl ARGS -w STATUS`: the status and the body.
fn curl(args: &[&str]) -> (u16, String) {
    let out = Command::new("curl")
        .args(args)
        .args(["-w", "\n%{http_code}"])
        .output()
        .expect("curl is installed");
    assert!(out.status.success(), "curl {args:?}: {out:?}");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let (body, status) = text.rsplit_once('\n').expect("a status line");
    (status.parse().expect("a status"), body.to_owned())
}

/// The answer to `target`, checked: 200 and the document's `component`.
fn conforming(served: &Served, target: &str, component: &str) -> Value {
    let (status, body) = served.get(target);
    assert_eq!(status, 200, "GET {target}: {body}");
    let errors = departures_from(component, &body);
    assert!(errors.is_empty(), "GET {target}: {errors:?} in {body}");
    serde_json::from_str(&body).unwrap()
}

/// Every page of the listing under `query`, `limit` at a time, each checked.
fn all_pages(served: &Served, query: &str, limit: usize) -> Vec<Value> {
    let mut servers = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let mut target = format!("/v0.1/servers?limit={limit}{query}");
        if let Some(c) = &cursor {
            target += "&cursor=";
            target += &c.replace('/', "%2F").replace(':', "%3A");
        }
        let page = conforming(served, &target, "ServerList");
        let items = page["servers"].as_array().unwrap();
        assert!(items.len() <= limit, "{page}");
        assert_eq!(page["metadata"]["count"], items.len());
        servers.extend(items.iter().cloned());
        match page["metadata"]["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return servers,
        }
    }
    panic!("the pages never end");
}

/// Three servers of three kinds, with secrets; their ids.
fn three_servers(reg: &Reg) -> Vec<String> {
    let files = reg
        .run(&[
            "register",
            "--name",
            "io.github.me/files",
            "--version",
            "1.2.0",
            "--description",
            "Files",
            "--tag",
            "local",
            "--env",
            "FILES_TOKEN=s3cret-env",
            "--",
            "npx",
            "-y",
            "@me/files@1.2.0",
            "/data",
        ])
        .ok()
        .stdout;
    let search = reg
        .run(&[
            "register",
            "--name",
            "search",
            "--url",
            "http://127.0.0.1:9/mcp",
            "--header",
            "Authorization=Bearer s3cret-header",
            "--ttl",
            "1h",
        ])
        .ok()
        .stdout;
    let local = reg.register("notes tool", &["--tool", "write_note=Write a note"]);
    let mut ids = vec![files.trim().to_owned(), search.trim().to_owned(), local];
    ids.sort();
    ids
}

fn served_by_curl_conforms_and_register_from_reads_it_back(reg: &Reg) {
    let ids = three_servers(reg);
    let served = Served::start(reg, &[]);
    let listing = all_pages(&served, "", 1);
    let mut got: Vec<String> = listing
        .iter()
        .map(|s| {
            s["server"]["_meta"]["mcpreg"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    got.sort();
    assert_eq!(got, ids, "each entry once");
    let text = serde_json::to_string(&listing).unwrap();
    assert!(!text.contains("s3cret"), "a secret leaks: {text}");
    let names: Vec<&str> = listing
        .iter()
        .map(|s| s["server"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "io.github.me/files",
            "local.mcpreg/notes-tool",
            "local.mcpreg/search"
        ]
    );
    for s in &listing {
        let official = &s["_meta"]["io.modelcontextprotocol.registry/official"];
        assert_eq!(official["status"], "active", "{s}");
        assert_eq!(official["isLatest"], true, "{s}");
    }
    // One server's versions, and one version, by the URL-encoded name.
    let versions = conforming(
        &served,
        "/v0.1/servers/io.github.me%2Ffiles/versions",
        "ServerList",
    );
    assert_eq!(
        versions["servers"].as_array().unwrap().len(),
        1,
        "{versions}"
    );
    let one = conforming(
        &served,
        "/v0.1/servers/local.mcpreg%2Fsearch/versions/latest",
        "ServerResponse",
    );
    assert_eq!(one["server"]["remotes"][0]["url"], "http://127.0.0.1:9/mcp");
    assert_eq!(
        one["server"]["remotes"][0]["headers"],
        json!([{"name": "Authorization", "isSecret": true}])
    );
    for (target, status) in [
        ("/v0.1/servers/io.github.me%2Fnone/versions", 404),
        ("/v0.1/servers/io.github.me%2Ffiles/versions/9.9.9", 404),
        ("/v0.1/servers?limit=101", 400),
        ("/v0.1/servers?updated_since=yesterday", 400),
    ] {
        let (got, body) = served.get(target);
        assert_eq!(got, status, "GET {target}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert!(
            error["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    let (status, _) = curl(&[
        "-sS",
        "-X",
        "POST",
        &format!("{}/v0.1/servers", served.base),
    ]);
    assert_eq!(status, 405, "the registry API is read-only");

    // Another registry reads it all back with `register --from`.
    let mirror = Reg::new();
    mirror
        .run(&["register", "--from", &served.base, "--tag", "mirror"])
        .ok();
    assert_eq!(mirror.ids(), ids);
    for id in &ids {
        let (theirs, ours) = (mirror.entry(id), reg.entry(id));
        for field in ["name", "description", "version", "tools"] {
            assert_eq!(theirs[field], ours[field], "{id}: {field}");
        }
        let mut transport = ours["transport"].clone();
        for secrets in ["env", "headers"] {
            if let Some(Value::Object(map)) = transport.get_mut(secrets) {
                for v in map.values_mut() {
                    *v = json!("<redacted>");
                }
            }
        }
        assert_eq!(
            theirs["transport"], transport,
            "{id}: secrets are not served"
        );
        // --tag adds to the tags the entry came with.
        let mut tags = ours["tags"].as_array().unwrap().clone();
        tags.push(json!("mirror"));
        assert_eq!(theirs["tags"], Value::Array(tags), "{id}");
    }

    // A register in the served registry is in the next page.
    let added = reg.register("io.example/late", &[]);
    eventually("the new entry is served", || {
        let (_, body) = served.get("/v0.1/servers?search=late");
        body.contains(&added)
    });
    let page = conforming(
        &served,
        "/v0.1/servers?search=LATE&version=latest",
        "ServerList",
    );
    assert_eq!(page["servers"][0]["server"]["name"], "io.example/late");
}

fn show_secrets_serves_the_values(reg: &Reg) {
    three_servers(reg);
    let served = Served::start(reg, &["--show-secrets"]);
    let text = serde_json::to_string(&all_pages(&served, "", 100)).unwrap();
    assert!(
        text.contains("s3cret-env") && text.contains("s3cret-header"),
        "{text}"
    );
}

on_both_backends!(
    served_by_curl_conforms_and_register_from_reads_it_back,
    show_secrets_serves_the_values,
);
