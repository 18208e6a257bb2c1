//! Tool pinning: noticing when a server changes what it offers after it was trusted.
//!
//! A server's tools are the instructions an agent follows, so a server that quietly
//! rewrites a tool's description or schema after a person looked at it (a "rug
//! pull") is an attack, and so is a description that hides text from that person
//! (zero-width characters, bidi controls, Unicode tag characters). The first time a
//! probe sees a server's tools, their digests are pinned. Every later probe compares
//! what the server says now with the pins: any tool added, removed or changed, or any
//! hidden text, makes the entry `changed`, which `find` leaves out by default, until
//! someone accepts the new tools with `mcpreg pin`.
//!
//! A tool's digest is the SHA-256 of the canonical JSON (keys sorted, no white
//! space) of its name, title, description, inputSchema, outputSchema and
//! annotations; the set's digest is that of the sorted `name:digest` lines. Each
//! field also gets a short digest, only so that a change can be explained (which
//! fields), never to decide one. A pin is one string per tool (see [`ToolPin`]).

use super::primitives::Tool;
use super::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// What was pinned, and what a probe saw instead when that differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pins {
    /// SHA-256 of the whole pinned set.
    pub digest: String,
    pub pinned_at: Timestamp,
    pub tools: BTreeMap<String, ToolPin>,
    /// The tools the last probe saw, kept while they differ from the pins (or
    /// hide text), so that `mcpreg pin` can accept exactly what was seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<Vec<Tool>>,
}

/// One tool's pin, kept as one string so that a server with thousands of tools
/// costs one allocation per tool: the SHA-256 of the tool (64 hex digits), a
/// `:`, then 8 hex digits of a digest of each field in the order of [`FIELDS`]
/// (`--------` for a field the tool does not have).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ToolPin(String);

/// Hex digits of a field's digest in a [`ToolPin`].
const FIELD_DIGITS: usize = 8;
const ABSENT: &str = "--------";

impl TryFrom<String> for ToolPin {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let well_formed = s.len() == 65 + FIELDS.len() * FIELD_DIGITS
            && s.as_bytes()[64] == b':'
            && s.bytes()
                .enumerate()
                .all(|(i, b)| i == 64 || b.is_ascii_hexdigit() || b == b'-');
        if well_formed {
            Ok(ToolPin(s))
        } else {
            Err(format!(
                "{s:?} is not a tool pin (64 hex digits, `:`, field digests)"
            ))
        }
    }
}

impl From<ToolPin> for String {
    fn from(p: ToolPin) -> String {
        p.0
    }
}

/// One difference between the pinned tools and the tools seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToolChange {
    Added(String),
    Removed(String),
    Changed {
        name: String,
        fields: Vec<String>,
    },
    /// Text a person cannot see, in the name or description of a tool.
    Hidden {
        name: String,
        what: String,
    },
}

impl fmt::Display for ToolChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ToolChange::Added(name) => write!(f, "{name} added"),
            ToolChange::Removed(name) => write!(f, "{name} removed"),
            ToolChange::Changed { name, fields } => {
                write!(f, "{name} changed ({})", fields.join(", "))
            }
            ToolChange::Hidden { name, what } => write!(f, "{name}: {what}"),
        }
    }
}

/// The fields of a tool that its digest covers, as the server names them.
const FIELDS: [&str; 6] = [
    "name",
    "title",
    "description",
    "inputSchema",
    "outputSchema",
    "annotations",
];

fn field_values(t: &Tool) -> [(&'static str, Option<Value>); 6] {
    [
        (FIELDS[0], Some(json!(t.name))),
        (FIELDS[1], t.title.as_ref().map(|s| json!(s))),
        (FIELDS[2], t.description.as_ref().map(|s| json!(s))),
        (FIELDS[3], t.input_schema.clone()),
        (FIELDS[4], t.output_schema.clone()),
        (FIELDS[5], t.annotations.clone()),
    ]
}

/// JSON text with every object's keys sorted and no white space.
pub fn canonical(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

impl ToolPin {
    pub fn of(t: &Tool) -> Self {
        let mut whole = serde_json::Map::new();
        let mut fields = String::with_capacity(FIELDS.len() * FIELD_DIGITS);
        for (key, value) in field_values(t) {
            match value {
                Some(value) => {
                    fields.push_str(&sha256_hex(&canonical(&value))[..FIELD_DIGITS]);
                    whole.insert(key.to_owned(), value);
                }
                None => fields.push_str(ABSENT),
            }
        }
        let digest = sha256_hex(&canonical(&Value::Object(whole)));
        ToolPin(format!("{digest}:{fields}"))
    }

    /// The SHA-256 of the tool's canonical JSON.
    pub fn digest(&self) -> &str {
        &self.0[..64]
    }

    /// The short digest of field `i` of [`FIELDS`].
    fn field(&self, i: usize) -> &str {
        let start = 65 + i * FIELD_DIGITS;
        &self.0[start..start + FIELD_DIGITS]
    }
}

impl Pins {
    pub fn of(tools: &[Tool], now: Timestamp) -> Self {
        let tools: BTreeMap<String, ToolPin> = tools
            .iter()
            .map(|t| (t.name.clone(), ToolPin::of(t)))
            .collect();
        let lines = tools.iter().fold(String::new(), |mut lines, (name, pin)| {
            let _ = writeln!(lines, "{name}:{}", pin.digest());
            lines
        });
        Pins {
            digest: sha256_hex(&lines),
            pinned_at: now,
            tools,
            seen: None,
        }
    }

    /// How `seen` differs from the pins, with the hidden text of every tool not
    /// pinned as it is; empty when the server offers exactly what was pinned.
    pub fn compare(&self, seen: &[Tool]) -> Vec<ToolChange> {
        let now = Pins::of(seen, self.pinned_at);
        let mut changes = Vec::new();
        for (name, pin) in &self.tools {
            match now.tools.get(name) {
                None => changes.push(ToolChange::Removed(name.clone())),
                Some(live) if live.digest() != pin.digest() => {
                    let fields = FIELDS
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| pin.field(*i) != live.field(*i))
                        .map(|(_, f)| (*f).to_owned())
                        .collect();
                    changes.push(ToolChange::Changed {
                        name: name.clone(),
                        fields,
                    });
                }
                Some(_) => {}
            }
        }
        for name in now.tools.keys() {
            if !self.tools.contains_key(name) {
                changes.push(ToolChange::Added(name.clone()));
            }
        }
        // Hidden text is news only in a tool not accepted as it is: once
        // someone pinned it, it is theirs.
        let unaccepted: Vec<Tool> = seen
            .iter()
            .filter(|t| {
                self.tools.get(&t.name).map(ToolPin::digest)
                    != now.tools.get(&t.name).map(ToolPin::digest)
            })
            .cloned()
            .collect();
        changes.extend(hidden_text(&unaccepted));
        changes
    }
}

/// Tools whose name or description holds characters that render as nothing or
/// reorder what is shown: zero-width characters, bidi controls, tag characters.
pub fn hidden_text(tools: &[Tool]) -> Vec<ToolChange> {
    let mut found = Vec::new();
    for t in tools {
        for (field, text) in [
            ("name", Some(&t.name)),
            ("description", t.description.as_ref()),
        ] {
            let Some(text) = text else { continue };
            let hidden: Vec<String> = text
                .chars()
                .filter(|c| is_hidden(*c))
                .map(|c| format!("U+{:04X}", u32::from(c)))
                .collect();
            if !hidden.is_empty() {
                let mut kinds = hidden.clone();
                kinds.dedup();
                found.push(ToolChange::Hidden {
                    name: t.name.clone(),
                    what: format!(
                        "{field} hides {} invisible character(s) ({})",
                        hidden.len(),
                        kinds.join(" ")
                    ),
                });
            }
        }
    }
    found
}

/// Whether `c` is invisible or reorders text when a terminal or an editor
/// shows it (README "Finding the right tool" lists them).
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' // zero-width space, joiners, LRM, RLM
        | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}' // bidi isolates
        | '\u{FEFF}' // zero-width no-break space
        | '\u{180E}' // Mongolian vowel separator
        | '\u{E0000}'..='\u{E007F}' // tag characters
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(name: &str, description: &str) -> Tool {
        Tool::named(name, Some(description.to_owned()))
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let v = json!({"b": 1, "a": {"d": [1, {"z": 0, "y": null}], "c": "x"}});
        assert_eq!(
            canonical(&v),
            r#"{"a":{"c":"x","d":[1,{"y":null,"z":0}]},"b":1}"#
        );
    }

    #[test]
    fn the_digest_ignores_key_order_and_sees_every_field() {
        let mut a = tool("read", "Read a file");
        a.input_schema = Some(json!({"type": "object", "properties": {"p": {"type": "string"}}}));
        let mut b = a.clone();
        b.input_schema = Some(json!({"properties": {"p": {"type": "string"}}, "type": "object"}));
        assert_eq!(ToolPin::of(&a), ToolPin::of(&b));
        let now = Timestamp::now();
        let pins = Pins::of(std::slice::from_ref(&a), now);
        assert_eq!(pins.compare(std::slice::from_ref(&b)), vec![]);
        assert_eq!(pins.digest.len(), 64);

        let mut edited = a.clone();
        edited.description = Some("Read a file now".into());
        edited.input_schema =
            Some(json!({"type": "object", "properties": {"p": {"type": "string"}, "q": {}}}));
        assert_eq!(
            pins.compare(&[edited, tool("write", "Write")]),
            vec![
                ToolChange::Changed {
                    name: "read".into(),
                    fields: vec!["description".into(), "inputSchema".into()]
                },
                ToolChange::Added("write".into())
            ]
        );
        assert_eq!(pins.compare(&[]), vec![ToolChange::Removed("read".into())]);
    }

    #[test]
    fn hidden_characters_are_named() {
        let sneaky = tool("read", "Read a file\u{200B}\u{200B} and\u{202E} more");
        let found = hidden_text(&[sneaky, tool("ok", "plain é ü 漢字")]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "read: description hides 3 invisible character(s) (U+200B U+202E)"
        );
        assert!(is_hidden('\u{E0041}'));
        assert!(!is_hidden('a'));
    }
}
