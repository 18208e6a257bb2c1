//! `register --from URL`: a registry API v0.1 on loopback, shaped as the official
//! OpenAPI document says (tests/data/registry-openapi.yaml): pages followed to the
//! end, the filters passed on, and a bad page, an error status or a server that
//! never answers registering nothing.

use crate::support::Reg;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
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

/// Where `page` departs from a `ServerList` as the official OpenAPI document
/// defines it.
fn departures(page: &str) -> Vec<String> {
    let doc: Value = serde_yaml::from_str(&std::fs::read_to_string(OPENAPI).unwrap()).unwrap();
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": "#/components/schemas/ServerList",
        "components": doc["components"],
    });
    let validator = jsonschema::validator_for(&schema).expect("the ServerList schema compiles");
    let value: Value = serde_json::from_str(page).unwrap();
    validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect()
}

fn conforms(page: &str) {
    let errors = departures(page);
    assert!(errors.is_empty(), "{errors:?} in {page}");
}

/// A ServerResponse of the OpenAPI document.
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
