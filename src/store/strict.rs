//! Checks of a document's shape that come before it is read for real.
//!
//! - Duplicate keys: JSON and YAML parsers keep the last of two equal keys, so
//!   `{"servers": [...], "servers": []}` reads as an empty registry and the next
//!   write deletes the first list. Every object of the document, at any depth, is
//!   checked, and the first duplicate is an error naming the key and its line.
//!   JSON is checked by a byte scan of text a parser has already validated
//!   ([`json_duplicate_key`]): a heartbeat reads the whole registry, and a second
//!   serde pass over it would cost as much as the rest of the command. YAML, parsed
//!   whole anyway, is walked through serde ([`Unique`]).
//! - YAML nesting: the YAML parser's time grows with the square of the nesting
//!   depth (100,000 levels of `[` take most of a minute), so depth is measured on
//!   the text before any parser sees it. JSON needs no such pass: `serde_json` stops
//!   at 128 levels by itself.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The deepest YAML nesting read, the limit `serde_json` applies to JSON.
pub const MAX_DEPTH: usize = 128;

/// The first key that appears twice in one object of `json`, with the byte offset
/// of its second appearance. `json` must be valid JSON (parse it first): the scan
/// only follows strings, brackets and commas.
pub fn json_duplicate_key(json: &str) -> Option<(String, usize)> {
    let bytes = json.as_bytes();
    // The keys of every open object: each owns `keys[start..]` until it closes
    // (its nested objects have closed by then), or a set once it holds many.
    let mut keys: Vec<Cow<'_, str>> = Vec::new();
    let mut open: Vec<Open<'_>> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => open.push(Open::Object(JsonObject {
                start: keys.len(),
                many: None,
                expecting_key: true,
            })),
            b'[' => open.push(Open::Array),
            b'}' | b']' => {
                if let Some(Open::Object(done)) = open.pop() {
                    keys.truncate(done.start);
                }
            }
            b',' => {
                if let Some(Open::Object(object)) = open.last_mut() {
                    object.expecting_key = true;
                }
            }
            b'"' => {
                let start = i;
                let mut escaped = false;
                // Most of a registry's bytes are inside strings: jump to the next
                // quote or backslash rather than looking at each byte.
                let end = loop {
                    i += 1;
                    match memchr::memchr2(b'"', b'\\', bytes.get(i..)?) {
                        Some(n) if bytes[i + n] == b'"' => break i + n,
                        Some(n) => {
                            escaped = true;
                            i += n + 1;
                        }
                        // Not valid JSON after all: the parser reports it, not us.
                        None => return None,
                    }
                };
                i = end;
                if let Some(Open::Object(object)) = open.last_mut()
                    && object.expecting_key
                {
                    object.expecting_key = false;
                    let raw = &json[start + 1..end];
                    let key = if escaped {
                        Cow::Owned(
                            serde_json::from_str::<String>(&json[start..=end])
                                .unwrap_or_else(|_| raw.to_owned()),
                        )
                    } else {
                        Cow::Borrowed(raw)
                    };
                    if object.insert(&mut keys, key.clone()) {
                        return Some((key.into_owned(), start));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

enum Open<'a> {
    Array,
    Object(JsonObject<'a>),
}

struct JsonObject<'a> {
    start: usize,
    many: Option<std::collections::HashSet<Cow<'a, str>>>,
    expecting_key: bool,
}

impl<'a> JsonObject<'a> {
    /// Adds `key`; true when it was there already. Past 32 keys a set takes
    /// over, so a hostile object of a million keys stays linear.
    fn insert(&mut self, keys: &mut Vec<Cow<'a, str>>, key: Cow<'a, str>) -> bool {
        if let Some(set) = &mut self.many {
            return !set.insert(key);
        }
        if keys[self.start..].contains(&key) {
            return true;
        }
        keys.push(key);
        if keys.len() - self.start > 32 {
            self.many = Some(keys.drain(self.start..).collect());
        }
        false
    }
}

/// Walks any document and fails on the first object holding one key twice.
/// Deserialize it from the document's deserializer: `Unique::deserialize(d)`.
pub struct Unique;

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueVisitor)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Unique;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_i128<E>(self, _: i128) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_u128<E>(self, _: u128) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_str<E>(self, _: &str) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_unit<E>(self) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_none<E>(self) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Unique, D::Error> {
        Unique::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Unique, D::Error> {
        Unique::deserialize(d)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Unique, A::Error> {
        // A YAML tagged value (`!tag value`): check what it tags.
        let (_, variant) = data.variant::<de::IgnoredAny>()?;
        de::VariantAccess::newtype_variant::<Unique>(variant)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
        while seq.next_element::<Unique>()?.is_some() {}
        Ok(Unique)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
        let mut seen = Seen::default();
        // The key is checked while it is read, so a parser that knows positions
        // (both do) puts the duplicate's own line and column on the error.
        while map.next_key_seed(KeySeed(&mut seen))?.is_some() {
            map.next_value::<Unique>()?;
        }
        Ok(Unique)
    }
}

/// The keys of one object so far. Objects are small (an entry has about twenty
/// keys): a list beats a hash set until one is not, and then a set takes over.
#[derive(Default)]
struct Seen<'de> {
    few: Vec<Cow<'de, str>>,
    many: Option<std::collections::HashSet<Cow<'de, str>>>,
}

impl<'de> Seen<'de> {
    /// Adds `key`; an error when it was there already.
    fn insert<E: de::Error>(&mut self, key: Cow<'de, str>) -> Result<(), E> {
        let again = match &mut self.many {
            Some(set) => set.contains(&key),
            None => self.few.contains(&key),
        };
        if again {
            return Err(E::custom(duplicate_key_message(&key)));
        }
        match &mut self.many {
            Some(set) => {
                set.insert(key);
            }
            None => {
                self.few.push(key);
                if self.few.len() > 32 {
                    self.many = Some(self.few.drain(..).collect());
                }
            }
        }
        Ok(())
    }
}

/// Reads one map key and adds it to the object's keys. A key that is itself a
/// list or an object (YAML allows them) is walked, not compared.
struct KeySeed<'s, 'de>(&'s mut Seen<'de>);

impl<'de> de::DeserializeSeed<'de> for KeySeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<(), E> {
        self.0.insert(Cow::Borrowed(s))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.0.insert(Cow::Owned(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<(), E> {
        self.0.insert(Cow::Owned(s))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.insert(Cow::Owned(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.0.insert(Cow::Owned(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.0.insert(Cow::Owned(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.0.insert(Cow::Owned(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.insert(Cow::Borrowed("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        UniqueVisitor.visit_seq(seq).map(drop)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        UniqueVisitor.visit_map(map).map(drop)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        UniqueVisitor.visit_enum(data).map(drop)
    }
}

/// What a duplicate key is told as, after `file:line:column: `.
pub fn duplicate_key_message(key: &str) -> String {
    format!("duplicate key {key:?} (a parser would keep only the last one)")
}

/// A `serde_json` or `serde_yaml` message without the " at line L column C" they
/// append: callers print their own position, `file:line:column`.
pub fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The 1-based line of the first YAML line nested deeper than `limit` levels,
/// if there is one. A conservative measure of the text, made before parsing:
/// block levels by indentation and `- `/`? ` indicators, flow levels by unquoted
/// brackets; comments, quoted scalars and block scalars (`|`, `>`) are skipped.
/// It may count a level too many, never one too few by more than the indicators
/// a single line can hide.
pub fn yaml_too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut columns: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    let mut quote: Option<u8> = None;
    // The indentation of the line that opened a block scalar: more-indented and
    // blank lines after it are its text.
    let mut block_scalar: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        let blank = indent == bytes.len() || bytes[indent] == b'#';
        if let Some(parent) = block_scalar {
            if blank || indent > parent {
                continue;
            }
            block_scalar = None;
        }
        if blank && quote.is_none() {
            continue;
        }
        let mut pos = 0;
        if flow == 0 && quote.is_none() {
            while columns.last().is_some_and(|&c| c > indent) {
                columns.pop();
            }
            if columns.last() != Some(&indent) {
                columns.push(indent);
            }
            pos = indent;
            // Compact nesting on one line: `- - - x`, `? - x`.
            while pos < bytes.len()
                && matches!(bytes[pos], b'-' | b'?')
                && bytes.get(pos + 1).is_none_or(|b| *b == b' ' || *b == b'\t')
            {
                pos += 1;
                while pos < bytes.len() && (bytes[pos] == b' ' || bytes[pos] == b'\t') {
                    pos += 1;
                }
                columns.push(pos);
            }
        }
        if columns.len() + flow > limit {
            return Some(i + 1);
        }
        let mut last_token_start = pos;
        while pos < bytes.len() {
            let b = bytes[pos];
            let prev = if pos == 0 { b' ' } else { bytes[pos - 1] };
            match quote {
                Some(b'"') => match b {
                    b'\\' => pos += 1,
                    b'"' => quote = None,
                    _ => {}
                },
                Some(_) => {
                    if b == b'\'' {
                        if bytes.get(pos + 1) == Some(&b'\'') {
                            pos += 1;
                        } else {
                            quote = None;
                        }
                    }
                }
                None => match b {
                    b'#' if prev == b' ' || prev == b'\t' => break,
                    b'"' | b'\'' if matches!(prev, b' ' | b'\t' | b'[' | b'{' | b',') => {
                        quote = Some(b);
                    }
                    b'[' | b'{' => {
                        flow += 1;
                        if columns.len() + flow > limit {
                            return Some(i + 1);
                        }
                    }
                    b']' | b'}' => flow = flow.saturating_sub(1),
                    b' ' | b'\t' => last_token_start = pos + 1,
                    _ => {}
                },
            }
            pos += 1;
        }
        // `key: |` or `- >-`: the lines after it are text, whatever they hold.
        if quote.is_none() && flow == 0 {
            let last = line[last_token_start.min(line.len())..].trim_end();
            let mut chars = last.chars();
            if matches!(chars.next(), Some('|' | '>'))
                && chars.all(|c| c == '-' || c == '+' || c.is_ascii_digit())
            {
                block_scalar = Some(indent);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// Both checks must agree on JSON: the byte scan and the serde walk.
    fn json_dupe(text: &str) -> Option<String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let walked = Unique::deserialize(&mut de).err().map(|e| e.to_string());
        let scanned = json_duplicate_key(text);
        assert_eq!(walked.is_some(), scanned.is_some(), "{text}");
        if let (Some(w), Some((key, at))) = (&walked, &scanned) {
            assert!(w.contains(&format!("{key:?}")), "{w} vs {key}");
            assert_eq!(&text[*at..=*at], "\"");
        }
        walked
    }

    #[test]
    fn duplicate_keys_are_found_at_any_depth_with_their_line() {
        assert_eq!(json_dupe(r#"{"a": 1, "b": {"c": [1, {"d": 2}]}}"#), None);
        let top = json_dupe("{\"schema\": 1,\n\"servers\": [],\n\"servers\": []}").unwrap();
        assert!(top.contains("duplicate key \"servers\""), "{top}");
        assert!(top.contains("line 3"), "{top}");
        let deep = json_dupe(r#"{"s": [{"meta": {"k": "1", "k": "2"}}]}"#).unwrap();
        assert!(deep.contains("\"k\""), "{deep}");
        // An escape spells the same key.
        assert!(json_dupe(r#"{"a": 1, "\u0061": 2}"#).is_some());
        let many: Vec<String> = (0..100).map(|i| format!("\"k{i}\": {i}")).collect();
        assert_eq!(json_dupe(&format!("{{{}}}", many.join(","))), None);
        assert!(json_dupe(&format!("{{{}, \"k7\": 0}}", many.join(","))).is_some());
    }

    /// JSON text with objects written pair by pair, so keys may repeat; keys and
    /// strings from a small alphabet full of JSON's special characters.
    fn json_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let key = prop::sample::select(vec![
            r#""a""#,
            r#""b""#,
            r#""\u0061""#,
            r#""a\"b""#,
            r#""{,}""#,
            r#""\\""#,
            r#""[""#,
        ]);
        let leaf = prop_oneof![
            Just("1".to_owned()),
            Just("null".to_owned()),
            Just(r#""x,{\"y\":[""#.to_owned()),
            key.clone().prop_map(str::to_owned),
        ];
        leaf.prop_recursive(4, 32, 4, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|items| format!("[{}]", items.join(", "))),
                prop::collection::vec((key.clone(), inner), 0..4).prop_map(|pairs| {
                    let pairs: Vec<String> = pairs
                        .into_iter()
                        .map(|(k, v)| format!("{k}: {v}"))
                        .collect();
                    format!("{{{}}}", pairs.join(", "))
                }),
            ]
        })
    }

    #[test]
    fn the_byte_scan_finds_exactly_what_the_serde_walk_finds() {
        crate::testing::seeded_runner("duplicate keys", 512)
            .run(&json_text(), |text| {
                json_dupe(&text);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn yaml_depth_counts_blocks_indicators_and_flows_but_not_text() {
        let plain =
            "schema: 1\nservers:\n- id: a\n  tools:\n  - name: t\n    description: \"[[[[\"\n";
        assert_eq!(yaml_too_deep(plain, 6), None);
        assert_eq!(yaml_too_deep(&"[".repeat(200), 128), Some(1));
        assert_eq!(yaml_too_deep(&format!("a: {}", "- ".repeat(10)), 5), None);
        assert_eq!(yaml_too_deep(&format!("{}x", "- ".repeat(10)), 5), Some(1));
        let stairs: String = (0..20).fold(String::new(), |mut s, i| {
            let _ = writeln!(s, "{}k{i}:", " ".repeat(i));
            s
        });
        assert_eq!(yaml_too_deep(&stairs, 10), Some(11));
        assert_eq!(yaml_too_deep(&stairs, 20), None);
        let text = "a: |\n  [[[[[[[[\n      {{{{{{{\nb: 'it''s [['\nc: # [[[[[\n";
        assert_eq!(yaml_too_deep(text, 3), None);
    }
}
