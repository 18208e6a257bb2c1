//! What used to vanish without a word now says so: a bad item of a server.json
//! that `export -o` rewrites is a warning naming the file and the item, a file that
//! is not JSON is refused at its line and column; client configs are held to the
//! registry's nesting limit; and a declaration's free text has caps, refused at
//! register and import time with exit 2, naming the field and the cap, the
//! registry untouched. (etcd keys that are not UTF-8: in `etcd.rs`.)

use crate::support::Reg;
use serde_json::{Value, json};

/// One entry exported onto a server.json array whose second item is not a
/// document: a warning names the file and `[1]`, and the good document's fields
/// that mcpreg does not write are still kept.
#[test]
fn a_bad_item_of_an_existing_server_json_is_a_warning_and_the_rest_is_kept() {
    let reg = Reg::new();
    reg.register("files", &["--", "/bin/files"]);
    let file = reg.folder().join("server.json");
    let kept = json!({"name": "local.mcpreg/files", "websiteUrl": "https://example.com/files"});
    std::fs::write(&file, json!([kept, "not a document"]).to_string()).unwrap();
    let out = reg
        .run(&[
            "export",
            "--to",
            "server-json",
            "-o",
            file.to_str().unwrap(),
        ])
        .ok();
    assert!(
        out.stderr.contains(&format!("{}: [1]:", file.display()))
            && out.stderr.contains("a string")
            && out.stderr.contains("not kept"),
        "{}",
        out.stderr
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["name"], "local.mcpreg/files", "{written:#}");
    assert_eq!(written["websiteUrl"], "https://example.com/files");
}

/// An existing server.json that is not JSON, or JSON of the wrong kind, is refused
/// as `FILE:LINE:COLUMN`, exit 2, and left byte for byte as it was.
#[test]
fn an_existing_server_json_that_is_not_json_is_refused_at_its_line_and_column() {
    let reg = Reg::new();
    reg.register("files", &["--", "/bin/files"]);
    let file = reg.folder().join("server.json");
    for (text, at) in [
        ("{\n  \"name\": \"a/b\",\n  oops\n}\n", ":3:3: not JSON"),
        ("\"just a string\"\n", ":1:1: a string, not a server.json"),
    ] {
        std::fs::write(&file, text).unwrap();
        reg.run(&[
            "export",
            "--to",
            "server-json",
            "-o",
            file.to_str().unwrap(),
        ])
        .code(2)
        .stderr_has(&format!("{}{at}", file.display()))
        .stderr_has("not overwritten");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    }
}

/// A client config nested one level deeper than the registry's limit (128) is
/// refused on import and on export, naming the file and the line; one level less
/// is read as YAML (and then judged as a config).
#[test]
fn a_client_config_nested_deeper_than_the_limit_is_refused_naming_the_file() {
    let reg = Reg::new();
    let nested = |levels: usize| {
        let mut lines = vec!["extensions:".to_owned()];
        for depth in 1..levels {
            lines.push(format!("{}k{depth}:", "  ".repeat(depth)));
        }
        lines.push(format!("{}leaf: 1", "  ".repeat(levels)));
        lines.join("\n") + "\n"
    };
    let file = reg.folder().join("deep.yaml");
    std::fs::write(&file, nested(129)).unwrap();
    let out = reg
        .run(&["register", "--from", file.to_str().unwrap()])
        .code(2)
        .stderr_has("deep.yaml")
        .stderr_has("nested more than 128 levels deep");
    assert!(out.stderr.contains("line 129"), "{}", out.stderr);
    assert!(reg.bytes().is_none(), "nothing registered");
    let text = std::fs::read_to_string(&file).unwrap();
    reg.run(&["export", "--to", "goose", "-o", file.to_str().unwrap()])
        .code(2)
        .stderr_has("nested more than 128 levels deep");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "left as it was"
    );
    // Within the limit the parser has its say: not the depth message.
    std::fs::write(&file, nested(100)).unwrap();
    let out = reg
        .run(&["register", "--from", file.to_str().unwrap()])
        .code(2);
    assert!(!out.stderr.contains("nested more than"), "{}", out.stderr);
}

/// Each free-text field over its cap is refused by name with the cap, exit 2,
/// and the registry is untouched; at the cap it is accepted.
#[test]
fn free_text_over_its_cap_is_refused_at_register_naming_field_and_cap() {
    let reg = Reg::new();
    let long = "x".repeat(257);
    let cases: [(&[&str], &str); 5] = [
        (&["--name", &long], "the name has 257 bytes (at most 256)"),
        (
            &["--name", "a", "--version", &long],
            "the version has 257 bytes (at most 256)",
        ),
        (
            &["--name", "a", "--tag", &long],
            "the tag has 257 bytes (at most 256)",
        ),
        (
            &["--name", "a", "--meta", &format!("{long}=v")],
            "the meta key has 257 bytes (at most 256)",
        ),
        (
            &["--name", "a", "--description", &"d".repeat(64 * 1024 + 1)],
            "the description has 65537 bytes (at most 65536)",
        ),
    ];
    for (flags, message) in cases {
        let mut args = vec!["register"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&["--", "/bin/x"]);
        reg.run(&args).code(2).stderr_has(message);
        assert!(reg.bytes().is_none(), "{message}: the registry was written");
    }
    reg.register("y".repeat(256).as_str(), &["--version", &"1".repeat(256)]);
}

/// The same caps hold for a file: one server whose name is over the cap fails
/// the whole import, naming the file, the server and the field.
#[test]
fn free_text_over_its_cap_is_refused_at_import_and_nothing_is_registered() {
    let reg = Reg::new();
    let file = reg.folder().join("mcp.json");
    let long = "n".repeat(300);
    let mut servers = serde_json::Map::new();
    servers.insert("fine".into(), json!({"command": "/bin/fine"}));
    servers.insert(long, json!({"command": "/bin/long"}));
    std::fs::write(&file, json!({ "mcpServers": servers }).to_string()).unwrap();
    reg.run(&["register", "--from", file.to_str().unwrap()])
        .code(2)
        .stderr_has("mcp.json")
        .stderr_has("the name has 300 bytes (at most 256)");
    assert!(reg.bytes().is_none(), "nothing registered");
}
