//! Parsing what a server sends into a JSON value of bounded memory.
//!
//! The probe's byte cap bounds the text; a JSON value can take a hundred times its
//! text (`{"a":1}` is 7 bytes and a map node of about 640), so text within the cap
//! can still cost gigabytes once parsed. Two bounds hold here instead, during the
//! parse, before anything is built past them:
//!
//! - a list a probe reads (`tools`, `resources`, `resourceTemplates`, `prompts`)
//!   keeps its first
//!   [`MAX_ITEMS`] elements; the rest are skipped unparsed and counted, and the
//!   count is left in the enclosing object under [`SKIPPED_KEY`] for the probe to
//!   report (a key of that name from the server is dropped);
//! - every message may take at most [`MAX_VALUE_BYTES`] by an estimate of what its
//!   value allocates; past that the parse fails.

use crate::catalog::limits::MAX_ITEMS;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::Cell;
use std::fmt;

/// The estimated memory one message's value may take: 4 × the probe's read cap.
pub const MAX_VALUE_BYTES: usize = 64 * 1024 * 1024;

/// Where the parse leaves the count of list elements it skipped.
pub const SKIPPED_KEY: &str = "io.github.mcpreg/skipped";

/// The lists whose elements past [`MAX_ITEMS`] are skipped and counted.
const LISTS: [&str; 4] = ["tools", "resources", "resourceTemplates", "prompts"];

/// Why a parse failed: the JSON, or the memory bound.
pub enum Failure {
    Json(serde_json::Error),
    TooBig,
}

/// Parses `bytes` into a value within the bounds of the module docs.
pub fn from_slice(bytes: &[u8]) -> Result<Value, Failure> {
    let budget = Cell::new(MAX_VALUE_BYTES);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = Seed {
        budget: &budget,
        list: false,
    };
    let value = match seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v)) {
        Ok(v) => v,
        Err(_) if budget.get() == 0 => return Err(Failure::TooBig),
        Err(e) => return Err(Failure::Json(e)),
    };
    Ok(value)
}

#[derive(Clone, Copy)]
struct Seed<'a> {
    /// Estimated bytes left; 0 once exceeded.
    budget: &'a Cell<usize>,
    /// This value is one of [`LISTS`]: cap it if it is an array.
    list: bool,
}

/// Sizes the estimate charges: a `Value`, and a B-tree leaf of up to 11 entries.
const VALUE: usize = 32;
const MAP_NODE: usize = 640;
const MAP_NODE_ENTRIES: usize = 11;

impl Seed<'_> {
    fn charge<E: serde::de::Error>(&self, n: usize) -> Result<(), E> {
        match self.budget.get().checked_sub(n) {
            Some(left) if left > 0 => {
                self.budget.set(left);
                Ok(())
            }
            _ => {
                self.budget.set(0);
                Err(E::custom("the message takes too much memory"))
            }
        }
    }

    fn inner(self, list: bool) -> Self {
        Seed {
            budget: self.budget,
            list,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        self.charge(VALUE)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        self.charge(VALUE)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        self.charge(VALUE)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        self.charge(VALUE)?;
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        self.charge(VALUE + v.len())?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        self.charge(VALUE + v.len())?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.charge(VALUE)?;
        Ok(Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.charge(VALUE)?;
        let mut items = Vec::new();
        let mut skipped: u64 = 0;
        loop {
            if self.list && items.len() >= MAX_ITEMS {
                match seq.next_element::<IgnoredAny>()? {
                    Some(_) => skipped += 1,
                    None => break,
                }
            } else {
                match seq.next_element_seed(self.inner(false))? {
                    Some(v) => items.push(v),
                    None => break,
                }
            }
        }
        if skipped > 0 {
            // The enclosing map takes this marker out and records it.
            items.push(Value::Object(Map::from_iter([(
                SKIPPED_KEY.to_owned(),
                Value::from(skipped),
            )])));
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.charge(VALUE)?;
        let mut out = Map::new();
        let mut skipped: u64 = 0;
        while let Some(key) = map.next_key::<String>()? {
            if out.len().is_multiple_of(MAP_NODE_ENTRIES) {
                self.charge(MAP_NODE)?;
            }
            self.charge(key.len())?;
            if key == SKIPPED_KEY {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let list = LISTS.contains(&key.as_str());
            let mut value = map.next_value_seed(self.inner(list))?;
            if list && let Value::Array(items) = &mut value {
                let marker = items.last().and_then(|last| last.get(SKIPPED_KEY));
                if let Some(n) = marker.and_then(Value::as_u64) {
                    skipped += n;
                    items.pop();
                }
            }
            out.insert(key, value);
        }
        if skipped > 0 {
            out.insert(SKIPPED_KEY.to_owned(), Value::from(skipped));
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_keeps_its_head_and_counts_the_rest() {
        let tools: Vec<Value> = (0..MAX_ITEMS + 5)
            .map(|i| serde_json::json!({"name": format!("t{i}")}))
            .collect();
        let text = serde_json::json!({"tools": tools, SKIPPED_KEY: 99, "other": [1, 2]});
        let Ok(v) = from_slice(text.to_string().as_bytes()) else {
            panic!("parses")
        };
        assert_eq!(v["tools"].as_array().map(Vec::len), Some(MAX_ITEMS));
        assert_eq!(v[SKIPPED_KEY], 5, "the server's own key is not believed");
        assert_eq!(v["other"], serde_json::json!([1, 2]));
    }

    #[test]
    fn a_message_that_would_take_too_much_memory_is_refused() {
        // 2 million tiny objects: 16 MB of text, over a gigabyte as values.
        let text = format!("[{}]", vec![r#"{"a":1}"#; 2_000_000].join(","));
        assert!(matches!(from_slice(text.as_bytes()), Err(Failure::TooBig)));
        let small = serde_json::json!({"a": [1, "x", null, true, 1.5, {"b": {}}]});
        let Ok(v) = from_slice(small.to_string().as_bytes()) else {
            panic!("parses")
        };
        assert_eq!(v, small);
    }
}
