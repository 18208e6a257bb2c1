//! `mcpreg serve`: the registry as an MCP server, driven by the official Python
//! SDK client (both eras), by mcpreg's own probe, and by hand-written JSON-RPC
//! lines for the bad input no real client sends.

use crate::peers::skipped;
use crate::serve_http::HttpServe;
use crate::support::{HANG, Reg, eventually};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};

on_both_backends!(
    python_sdk_client_lists_and_calls_every_tool_in_both_eras,
    own_probe_records_the_four_tools,
    a_register_in_another_process_reaches_the_next_call,
    bad_input_gets_the_error_of_its_kind,
    secrets_are_shown_only_with_show_secrets,
    python_sdk_client_reads_resources_and_hears_of_a_register_in_both_eras,
);

/// The faces the Python client reaches `mcpreg serve` by: the server it is
/// given (the binary, which it starts over stdio, or the URL of `serve --http`).
fn faces(http: &HttpServe) -> [(&'static str, &str); 2] {
    [("stdio", crate::support::BIN), ("http", http.url.as_str())]
}

pub const FOUR_TOOLS: [&str; 4] = [
    "search_tools",
    "find_servers",
    "get_server",
    "get_client_config",
];

/// The `name` of each object of a JSON array.
fn names_of(tools: &Value) -> Vec<&str> {
    tools
        .as_array()
        .expect("an array of tools")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect()
}

/// A registry of a stdio server holding a secret and an HTTP server tagged prod.
pub fn two_servers(reg: &Reg) -> (String, String) {
    let files = reg.register(
        "files",
        &[
            "--tool",
            "read_file=Read a text file from disk",
            "--tool",
            "list_dir=List a folder",
            "--env",
            "TOKEN=sekrit-value",
            "--",
            "/usr/bin/true",
            "files",
        ],
    );
    let web = reg.register(
        "web",
        &[
            "--url",
            "http://127.0.0.1:9/mcp",
            "--tool",
            "fetch=Fetch a web page",
            "--tag",
            "prod",
            "--header",
            "Authorization=Bearer sekrit-value",
        ],
    );
    (files, web)
}

pub fn python() -> Option<PathBuf> {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".peers/py/bin/python");
    let ready = Command::new(&python)
        .args(["-c", "import mcp"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ready {
        return Some(python);
    }
    skipped("the Python MCP SDK needs .peers/py with `mcp` (scripts/test installs it)")
}

fn python_sdk_client_lists_and_calls_every_tool_in_both_eras(reg: &Reg) {
    let Some(python) = python() else { return };
    let (files, web) = two_servers(reg);
    let before = reg.snapshot();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/py_sdk_client.py");
    let http = HttpServe::start(reg, &[]);
    let runs = faces(&http)
        .into_iter()
        .flat_map(|face| [("auto", "2026-07-28"), ("legacy", "2025-11-25")].map(|era| (face, era)));
    for ((face, server), (mode, version)) in runs {
        let run = format!("{face} {mode}");
        let out = Command::new(&python)
            .envs(reg.env.iter().map(|(k, v)| (k, v)))
            .arg(&script)
            .args([mode, server, reg.location(), &files])
            .output()
            .expect("run the Python client");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{run}: {}\n{stdout}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !stdout.contains("sekrit"),
            "{run}: a secret leaked: {stdout}"
        );
        let got: Value = serde_json::from_str(&stdout).expect("the client prints JSON");
        assert_eq!(got["protocol_version"], version, "{run}");

        let tools = got["tools"].as_array().expect("tools");
        assert_eq!(names_of(&got["tools"]), FOUR_TOOLS);
        for t in tools {
            assert_eq!(t["inputSchema"]["type"], "object", "{t}");
            assert_eq!(t["outputSchema"]["type"], "object", "{t}");
            assert_eq!(t["annotations"]["readOnlyHint"], true, "{t}");
        }

        let calls = &got["calls"];
        let search = &calls["search_tools"]["structured"]["tools"];
        assert_eq!(search[0]["tool"], "read_file", "{run}: {search}");
        assert_eq!(search[0]["server_id"], files.as_str());
        let found = &calls["find_servers"]["structured"]["servers"];
        assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
        assert_eq!(found[0]["id"], web.as_str());
        assert_eq!(found[0]["transport"], "streamable-http");
        assert_eq!(found[0]["tools"], json!(["fetch"]));
        let server = &calls["get_server"]["structured"]["server"];
        assert_eq!(server["id"], files.as_str());
        assert_eq!(server["transport"]["env"]["TOKEN"], "<redacted>");
        let config = &calls["get_client_config"]["structured"]["config"];
        assert_eq!(
            config["servers"]["files"]["env"]["TOKEN"], "${env:TOKEN}",
            "{config}"
        );
        assert_eq!(config["servers"]["files"]["command"], "/usr/bin/true");
        assert_eq!(calls["bad_filter"]["isError"], true);
        let why = calls["bad_filter"]["text"][0].as_str().unwrap_or("");
        assert!(why.contains("--status") && why.contains("bogus"), "{why}");
    }
    assert_eq!(reg.snapshot(), before, "serve wrote the registry");
}

fn python_sdk_client_reads_resources_and_hears_of_a_register_in_both_eras(reg: &Reg) {
    let Some(python) = python() else { return };
    let (files, _) = two_servers(reg);
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/py_sdk_client.py");
    let http = HttpServe::start(reg, &[]);
    let runs = faces(&http)
        .into_iter()
        .flat_map(|face| [("auto", "2026-07-28"), ("legacy", "2025-11-25")].map(|era| (face, era)));
    for (n, ((face, server), (mode, version))) in runs.enumerate() {
        let run = format!("{face} {mode}");
        let mut client = Command::new(&python)
            .envs(reg.env.iter().map(|(k, v)| (k, v)))
            .arg(&script)
            .args([mode, server, reg.location(), &files, "watch"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run the Python client");
        let mut lines = BufReader::new(client.stdout.take().expect("stdout")).lines();
        let mut next = || -> Value {
            let line = lines.next().expect("a line").expect("read the client");
            serde_json::from_str(&line).expect("the client prints JSON")
        };
        let read = next();
        assert_eq!(read["protocol_version"], version, "{run}");
        assert_eq!(read["resources"], json!(["mcpreg://servers"]));
        assert_eq!(read["templates"], json!(["mcpreg://servers/{id}"]));
        let ids: Vec<&str> = read["servers"]["servers"]
            .as_array()
            .expect("servers")
            .iter()
            .filter_map(|s| s["id"].as_str())
            .collect();
        assert!(ids.contains(&files.as_str()), "{read}");
        assert_eq!(
            read["server"]["server"]["transport"]["env"]["TOKEN"],
            "<redacted>"
        );

        // The client is subscribed: a register in another process reaches it.
        reg.register(&format!("late-{n}"), &["--tool", "later=Come later"]);
        let heard = next();
        let methods: Vec<&str> = heard["notifications"]
            .as_array()
            .expect("notifications")
            .iter()
            .filter_map(|m| m["method"].as_str())
            .collect();
        let expected = if mode == "legacy" {
            [
                "notifications/resources/list_changed",
                "notifications/resources/updated",
            ]
        } else {
            ["ResourcesListChanged", "ResourceUpdated"]
        };
        assert_eq!(methods, expected, "{run}: {heard}");
        assert!(client.wait().expect("client exits").success(), "{run}");
    }
}

fn own_probe_records_the_four_tools(reg: &Reg) {
    let id = reg
        .run(&[
            "register",
            "--introspect",
            "--name",
            "registry",
            "--",
            crate::support::BIN,
            "--registry",
            reg.location(),
            "serve",
        ])
        .ok()
        .stdout
        .trim()
        .to_owned();
    let entry = reg.entry(&id);
    assert_eq!(names_of(&entry["tools"]), FOUR_TOOLS);
    let probed = reg.run(&["health", "--probe", &id, "--json"]).ok();
    assert!(probed.stdout.contains("\"ok\""), "{}", probed.stdout);
}

/// `mcpreg serve` spoken to line by line.
struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    next_id: u64,
}

impl Session {
    fn start(reg: &Reg, extra: &[&str]) -> Session {
        let mut args = vec!["serve"];
        args.extend_from_slice(extra);
        let mut child = reg
            .cmd(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start mcpreg serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut session = Session {
            child,
            stdin,
            lines,
            next_id: 100,
        };
        let init = session.request(
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {},
                   "clientInfo": {"name": "test", "version": "1"}}),
        );
        assert_eq!(init["result"]["protocolVersion"], "2025-11-25", "{init}");
        session.send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
        session
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").expect("write to serve");
        stdin.flush().expect("flush");
    }

    /// The next line that answers `id` (JSON null for errors without one).
    fn answer(&mut self, id: &Value) -> Value {
        loop {
            let line = self
                .lines
                .recv_timeout(HANG)
                .expect("serve answers within HANG");
            let message: Value = serde_json::from_str(&line).expect("serve writes JSON lines");
            if message.get("id").unwrap_or(&Value::Null) == id {
                return message;
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = json!(self.next_id);
        let line = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send(&line.to_string());
        self.answer(&id)
    }

    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let answer = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        answer["result"].clone()
    }

    /// Closes stdin and returns the exit code.
    fn end(mut self) -> Option<i32> {
        drop(self.stdin.take());
        self.child.wait().expect("serve exits").code()
    }
}

fn a_register_in_another_process_reaches_the_next_call(reg: &Reg) {
    two_servers(reg);
    let mut session = Session::start(reg, &[]);
    let ask = |s: &mut Session| {
        s.call("find_servers", json!({"filters": {"name": "late"}}))["structuredContent"]["servers"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(ask(&mut session), 0);
    let late = reg.register("late", &["--tool", "later=Come later"]);
    eventually("the new entry reaches serve", || ask(&mut session) == 1);
    reg.run(&["deregister", &late]).ok();
    eventually("the removal reaches serve", || ask(&mut session) == 0);
    assert_eq!(session.end(), Some(0), "end of input ends serve with 0");
}

fn bad_input_gets_the_error_of_its_kind(reg: &Reg) {
    let (files, _) = two_servers(reg);
    let mut session = Session::start(reg, &[]);
    session.send("{this is not json");
    assert_eq!(session.answer(&Value::Null)["error"]["code"], -32700);
    session.send(&format!("\"{}\"", "a".repeat(2 << 20)));
    assert_eq!(session.answer(&Value::Null)["error"]["code"], -32700);
    session.send(r#"{"jsonrpc":"2.0","id":7}"#);
    assert_eq!(session.answer(&Value::Null)["error"]["code"], -32600);
    assert_eq!(
        session.request("no/such/method", json!({}))["error"]["code"],
        -32601
    );
    let unknown = session.request("tools/call", json!({"name": "rm_rf", "arguments": {}}));
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");
    let no_name = session.request("tools/call", json!({"arguments": {}}));
    assert_eq!(no_name["error"]["code"], -32602, "{no_name}");
    assert_eq!(no_name["id"], session.next_id, "{no_name}");
    for (tool, arguments) in [
        ("get_server", json!({})),
        ("get_server", json!({"id": 5})),
        ("get_server", json!({"id": "no-such-id"})),
        ("find_servers", json!({"filters": {"colour": "blue"}})),
        ("find_servers", json!({"filters": {"limit": 0}})),
        ("search_tools", json!({"query": "the"})),
        (
            "get_client_config",
            json!({"ids": [files], "client": "emacs"}),
        ),
    ] {
        let result = session.call(tool, arguments.clone());
        assert_eq!(result["isError"], true, "{tool} {arguments}: {result}");
        assert!(
            result["content"][0]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
    }
    // Still serving after all of that.
    let ping = session.request("ping", json!({}));
    assert!(ping.get("result").is_some(), "{ping}");
    assert_eq!(session.end(), Some(0));
}

fn secrets_are_shown_only_with_show_secrets(reg: &Reg) {
    let (files, web) = two_servers(reg);
    let mut hidden = Session::start(reg, &[]);
    let mut shown = Session::start(reg, &["--show-secrets"]);
    for id in [&files, &web] {
        let answer = hidden.call("get_server", json!({"id": id})).to_string();
        assert!(
            !answer.contains("sekrit") && answer.contains("<redacted>"),
            "{answer}"
        );
        let answer = shown.call("get_server", json!({"id": id})).to_string();
        assert!(answer.contains("sekrit-value"), "{answer}");
    }
    for (client, placeholder) in [
        ("vscode", "${env:AUTHORIZATION}"),
        ("cursor", "${env:AUTHORIZATION}"),
        ("claude-code", "${AUTHORIZATION}"),
    ] {
        let config = hidden.call("get_client_config", json!({"ids": [web], "client": client}));
        let text = config.to_string();
        assert!(!text.contains("sekrit"), "{client}: {text}");
        assert!(text.contains(placeholder), "{client}: {text}");
    }
    let desktop = hidden.call(
        "get_client_config",
        json!({"ids": [files, web], "client": "claude-desktop"}),
    );
    assert_eq!(
        desktop["structuredContent"]["skipped"],
        json!([web]),
        "{desktop}"
    );
    assert_eq!(hidden.end(), Some(0));
    assert_eq!(shown.end(), Some(0));
}

#[test]
fn sigint_and_sigterm_end_it_with_0() {
    let reg = Reg::new();
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let session = Session::start(&reg, &[]);
        let pid = i32::try_from(session.child.id()).expect("pid");
        // SAFETY: kill(2) of our own child by its pid.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
        let mut session = session;
        let status = session.child.wait().expect("serve exits");
        assert_eq!(status.code(), Some(0), "signal {signal}");
    }
}
