//! Bad input gets a clear error, exit code 2 (1 for an unknown heartbeat id), and
//! loses nothing: the registry file is byte-identical afterwards.

use crate::support::{Reg, Run};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;

const VALID: &str = r#"{
  "schema": 1,
  "servers": [
    {
      "id": "fs-1",
      "name": "fs",
      "transport": { "type": "stdio", "command": "/bin/fs" },
      "registered_at": "2026-11-21T10:00:00Z",
      "updated_at": "2026-11-21T10:00:00Z",
      "lease": { "ttl_s": 30, "expires_at": "2099-11-21T10:00:30Z" }
    }
  ]
}
"#;

/// Runs `args` against a registry holding `text`; checks exit code, that stderr
/// names the file and holds `needle`, and that the file is byte-identical.
#[track_caller]
fn rejects(name: &str, text: &str, args: &[&str], code: i32, needle: &str) -> Run {
    let reg = Reg::with_text(name, text);
    let run = reg.run(args).code(code).stderr_has(needle);
    assert_eq!(
        reg.bytes().as_deref(),
        Some(text.as_bytes()),
        "{args:?} changed the file"
    );
    let temp = reg.folder().join(format!(".{name}.tmp"));
    assert!(!temp.exists(), "a temp file was left behind");
    run
}

const READ: &[&str] = &["list"];
const WRITE: &[&str] = &["register", "--name", "new", "--", "/bin/new"];
const PRUNE: &[&str] = &["prune"];

#[test]
fn an_empty_file_is_refused_by_readers_and_writers() {
    for args in [READ, WRITE, PRUNE] {
        let run = rejects(
            "registry.json",
            "",
            args,
            2,
            "registry.json: the file is empty",
        );
        assert!(run.stderr.starts_with("mcpreg: "), "{}", run.stderr);
    }
}

#[test]
fn a_truncated_file_is_refused_with_its_line_and_column() {
    let cut = &VALID[..VALID.len() / 2];
    for args in [READ, WRITE] {
        rejects("registry.json", cut, args, 2, "registry.json:");
    }
    let run = rejects("registry.json", cut, WRITE, 2, "EOF while parsing");
    // The error names the last line of the cut text.
    let lines = cut.lines().count();
    assert!(
        run.stderr.contains(&format!("registry.json:{lines}:")),
        "{}",
        run.stderr
    );
}

#[test]
fn invalid_json_is_refused_with_its_line_and_column() {
    let bad = VALID.replace("\"name\": \"fs\",", "\"name\": \"fs\" oops,");
    for args in [READ, WRITE, &["heartbeat", "fs-1"][..]] {
        rejects("registry.json", &bad, args, 2, "registry.json:6:");
    }
}

#[test]
fn invalid_yaml_is_refused_with_its_line_and_column() {
    let bad = "schema: 1\nservers:\n  - id: fs-1\n    name: [unclosed\n";
    for args in [READ, WRITE] {
        rejects("registry.yaml", bad, args, 2, "registry.yaml:");
    }
}

#[test]
fn a_valid_document_of_the_wrong_shape_is_refused() {
    // The document's structure and every entry's id are checked by every command.
    let structure: &[(&str, &str, &str)] = &[
        ("registry.json", "[1, 2, 3]", "expected a registry object"),
        (
            "registry.json",
            r#"{"schema": 1, "servers": {"a": 1}}"#,
            "invalid type: map, expected a sequence",
        ),
        (
            "registry.json",
            r#"{"schema": 1, "servers": [42]}"#,
            "registry.json:1:28: invalid type: integer `42`, expected a server object with an \"id\"",
        ),
        (
            "registry.json",
            &VALID.replace("\"fs-1\"", "\"../etc\""),
            "server id \"../etc\"",
        ),
        (
            "registry.yaml",
            "schema: 1\nservers: 7\n",
            "invalid type: integer",
        ),
        (
            "registry.yaml",
            "just a string\n",
            "expected a registry object",
        ),
    ];
    for (name, text, needle) in structure {
        for args in [READ, WRITE, PRUNE] {
            rejects(name, text, args, 2, needle);
        }
    }
    // The rest of an entry is checked by every command that reads the entry.
    let fields: &[(&str, &str)] = &[
        (
            &VALID.replace(
                r#""transport": { "type": "stdio", "command": "/bin/fs" },"#,
                "",
            ),
            "missing field `transport`",
        ),
        (
            &VALID.replace("\"ttl_s\": 30", "\"ttl_s\": \"thirty\""),
            "registry.json:10:34: invalid type: string \"thirty\", expected u64",
        ),
        (
            &VALID.replace("\"type\": \"stdio\"", "\"type\": \"carrier-pigeon\""),
            "unknown variant `carrier-pigeon`",
        ),
    ];
    for (text, needle) in fields {
        for args in [
            READ,
            PRUNE,
            &["show", "fs-1"][..],
            &["find", "--status", "any"][..],
            &["health"][..],
        ] {
            rejects("registry.json", text, args, 2, needle);
        }
    }
}

#[test]
fn a_write_elsewhere_keeps_a_hand_edited_mistake_verbatim_for_its_author() {
    // Writers rewrite only the entries they change; a malformed entry they did not
    // touch is kept byte for byte, and reported by the next command that reads it.
    let broken = VALID.replace("\"ttl_s\": 30", "\"ttl_s\": \"thirty\"");
    let reg = Reg::with_text("registry.json", &broken);
    let id = reg.register("other", &[]);
    let text = String::from_utf8(reg.bytes().unwrap()).unwrap();
    let fs_entry = &broken[broken.find("    {").unwrap()..broken.find("\n  ]").unwrap()];
    assert!(
        text.contains(fs_entry),
        "the untouched entry changed:\n{text}"
    );
    assert!(text.contains(&id));
    reg.run(&["show", "fs-1"])
        .code(2)
        .stderr_has("invalid type: string \"thirty\"");
}

#[test]
fn two_entries_with_one_id_are_refused() {
    let doc: serde_json::Value = serde_json::from_str(VALID).unwrap();
    let entry = doc["servers"][0].clone();
    let twice = serde_json::json!({"schema": 1, "servers": [entry.clone(), {"id": "a"}, entry]});
    let mut fixed = twice.clone();
    fixed["servers"][1] = serde_json::json!({"id": "a", "name": "a", "transport": {"type": "stdio", "command": "a"}, "registered_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z"});
    let text = serde_json::to_string_pretty(&fixed).unwrap();
    rejects("registry.json", &text, WRITE, 2, "\"fs-1\" appears twice");
}

#[test]
fn an_unknown_schema_is_refused_before_its_shape_is_judged() {
    let newer = VALID.replace("\"schema\": 1", "\"schema\": 2");
    for args in [READ, WRITE] {
        rejects(
            "registry.json",
            &newer,
            args,
            2,
            "unknown registry schema 2",
        );
    }
    rejects(
        "registry.yaml",
        "schema: 2\nservers: {entirely: different}\n",
        WRITE,
        2,
        "unknown registry schema 2",
    );
    rejects(
        "registry.json",
        r#"{"servers": []}"#,
        WRITE,
        2,
        "missing \"schema\"",
    );
}

#[test]
fn a_registry_in_a_missing_folder_is_an_error_and_nothing_is_created() {
    let reg = Reg::named("no/such/folder/registry.json");
    reg.run(WRITE)
        .code(2)
        .stderr_has("folder")
        .stderr_has("does not exist");
    assert!(!reg.folder().join("no").exists());
    reg.run(READ).ok();
}

#[test]
fn a_registry_in_a_read_only_folder_is_an_error_and_stays_untouched() {
    let reg = Reg::with_text("registry.json", VALID);
    std::fs::set_permissions(reg.folder(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let mut cmd = reg.cmd(WRITE);
    // root ignores permissions: run as nobody, who can read but not write here.
    if unsafe { libc::geteuid() } == 0 {
        std::fs::set_permissions(&reg.path, std::fs::Permissions::from_mode(0o644)).unwrap();
        cmd.uid(65534).gid(65534);
    }
    let run = crate::support::finish(cmd.output().unwrap());
    std::fs::set_permissions(reg.folder(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = run
        .code(2)
        .stderr_has("registry.json.lock")
        .stderr_has("ermission denied");
    assert!(run.stdout.is_empty());
    assert_eq!(reg.bytes().as_deref(), Some(VALID.as_bytes()));
}

#[test]
fn a_registry_name_without_a_known_extension_is_refused() {
    let reg = Reg::with_text("registry.txt", VALID);
    reg.run(READ)
        .code(2)
        .stderr_has("--registry")
        .stderr_has(".json, .yaml or .yml");
}

#[test]
fn bad_register_flags_name_the_flag_and_change_nothing() {
    let cases: &[(&[&str], &str)] = &[
        (&["register", "--name", "", "--", "/bin/x"], "--name"),
        (&["register", "--name", "  ", "--", "/bin/x"], "--name"),
        (
            &["register", "--name", "x", "--meta", "team", "--", "/bin/x"],
            "--meta: \"team\" is not KEY=VALUE",
        ),
        (
            &["register", "--name", "x", "--meta", "=v", "--", "/bin/x"],
            "--meta",
        ),
        (
            &["register", "--name", "x", "--env", "LOG", "--", "/bin/x"],
            "--env: \"LOG\" is not KEY=VALUE",
        ),
        (
            &[
                "register",
                "--name",
                "x",
                "--ttl",
                "5 parsecs",
                "--",
                "/bin/x",
            ],
            "--ttl",
        ),
        (
            &["register", "--name", "x", "--ttl", "1500ms", "--", "/bin/x"],
            "--ttl",
        ),
        (&["register", "--name", "x", "--url", "not a url"], "--url"),
        (
            &["register", "--name", "x", "--url", "ftp://127.0.0.1/x"],
            "--url: \"ftp://127.0.0.1/x\" is not a valid URL",
        ),
        (
            &["register", "--name", "x", "--url", "/just/a/path"],
            "--url",
        ),
        (
            &[
                "register",
                "--name",
                "x",
                "--health-url",
                "nope",
                "--",
                "/bin/x",
            ],
            "--health-url",
        ),
        (
            &[
                "register",
                "--name",
                "x",
                "--url",
                "http://127.0.0.1:1/mcp",
                "--",
                "/bin/x",
            ],
            "--url",
        ),
        (&["register", "--name", "x"], "--url"),
        (
            &["register", "--name", "x", "--tool", "=desc", "--", "/bin/x"],
            "--tool",
        ),
        (
            &[
                "register", "--name", "x", "--tool", "a", "--tool", "a=again", "--", "/bin/x",
            ],
            "--tool: \"a\" is given twice",
        ),
        (
            &[
                "register",
                "--name",
                "x",
                "--id",
                "../../etc/passwd",
                "--",
                "/bin/x",
            ],
            "--id",
        ),
        (
            &["register", "--name", "x", "--id", "a b", "--", "/bin/x"],
            "--id: \"a b\"",
        ),
        (
            &[
                "register",
                "--name",
                "x",
                "--id",
                "$(reboot)",
                "--",
                "/bin/x",
            ],
            "--id",
        ),
        (
            &["register", "--name", "x", "--id", "-rf", "--", "/bin/x"],
            "--id",
        ),
        (
            &["register", "--name", "x", "--id", ".hidden", "--", "/bin/x"],
            "--id",
        ),
        (
            &["register", "--name", "x", "--tag", "", "--", "/bin/x"],
            "--tag",
        ),
        (&["heartbeat", "fs-1", "--ttl", "0s"], "--ttl"),
        (&["find", "--meta", "novalue"], "--meta"),
        (&["--lock-timeout", "soon", "list"], "--lock-timeout"),
    ];
    for (args, needle) in cases {
        rejects("registry.json", VALID, args, 2, needle);
    }
}

#[test]
fn heartbeat_of_an_unknown_id_exits_1_and_changes_nothing() {
    rejects(
        "registry.json",
        VALID,
        &["heartbeat", "ghost"],
        1,
        "no server with id \"ghost\"",
    );
}

#[test]
fn a_file_that_is_not_utf8_is_refused_with_its_position() {
    let reg = Reg::named("registry.json");
    let bytes = b"{\n  \"schema\": 1,\n  \"servers\": [\xff]\n}\n".to_vec();
    std::fs::write(&reg.path, &bytes).unwrap();
    reg.run(WRITE)
        .code(2)
        .stderr_has("registry.json:3:15: the file is not UTF-8");
    assert_eq!(reg.bytes(), Some(bytes));
}
