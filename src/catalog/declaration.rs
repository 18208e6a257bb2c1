//! What a `register` declares about a server: the one struct that an [`Entry`]
//! (what the registry holds) and a [`Registration`] (what a command, a file or a
//! probe says) both carry, so that a declared field is added in one place.
//!
//! Both carriers write their declaration inline, in the same object as their own
//! fields (README "The registry file"): `{"id": ..., "name": ..., "transport":
//! ..., "registered_at": ...}`. On output that is `#[serde(flatten)]`, which
//! streams. On input it is not: serde reads a flattened struct from a copy of the
//! whole object, so an error in `transport` or `tools` would name the line of the
//! object's closing brace instead of its own, and every read of an entry would
//! copy its tools once more. [`read`] is the hand-written seam instead: the
//! carrier's visitor hands it the object, the declaration's keys stream into the
//! derived `Deserialize` of [`Declaration`], and every other key goes to the
//! carrier ([`Carrier`]) as it comes. The field list is never written twice: it
//! is the one serde derives, taken from the `deserialize_struct` call.
//!
//! The carriers hold it as a field, read as `entry.declared.tools`, and do not
//! `Deref` to it: a reader sees which part of an entry a rule touches (what was
//! declared, or what the registry learned), and `Entry { declared, ..old }` says
//! what a change keeps.
//!
//! [`Entry`]: super::model::Entry
//! [`Registration`]: super::registration::Registration

use super::primitives::{Prompt, Resource, Tool};
use super::transport::{Auth, Transport};
use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// A server as it was declared: its name and endpoint, and what it offers.
/// `Learned` says which of these a probe filled in; it is kept beside this, by
/// each carrier, because it is about the declaration rather than part of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Declaration {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    pub transport: Transport,
    #[serde(default)]
    pub tools: Vec<Tool>,
    #[serde(default)]
    pub resources: Vec<Resource>,
    #[serde(default)]
    pub prompts: Vec<Prompt>,
    #[serde(default)]
    pub capabilities: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub meta: BTreeMap<String, String>,
    #[serde(default)]
    pub auth: Auth,
    #[serde(default)]
    pub health_url: Option<String>,
}

impl Declaration {
    /// A name and an endpoint and nothing else.
    pub fn bare(name: impl Into<String>, transport: Transport) -> Self {
        Declaration {
            name: name.into(),
            description: None,
            version: None,
            transport,
            tools: Vec::new(),
            resources: Vec::new(),
            prompts: Vec::new(),
            capabilities: Vec::new(),
            tags: Vec::new(),
            meta: BTreeMap::new(),
            auth: Auth::None,
            health_url: None,
        }
    }
}

/// The declaration's keys in the order they are written, as serde derived them
/// (for a carrier's message that lists every key it takes).
pub fn keys() -> &'static [&'static str] {
    /// Asks the derived `Deserialize` for its field list, and reads nothing.
    struct Keys<'k>(&'k mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for Keys<'_> {
        type Error = de::value::Error;

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("only the keys were asked for"))
        }

        fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("a declaration is read as a struct"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    let mut keys: &'static [&'static str] = &[];
    let _only_the_keys = Declaration::deserialize(Keys(&mut keys));
    keys
}

/// A key of the object being read, borrowed from the text when it can be.
pub(super) type Key<'de> = Cow<'de, str>;

/// The fields a carrier keeps beside its declaration, read by its own visitor.
pub(super) trait Carrier<'de> {
    /// Reads the value of `key`, which is not a declared field: one of the
    /// carrier's own, one it keeps unread, or one it refuses.
    fn field<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;

    /// The required field of the carrier that comes before the declaration in
    /// the object (`id`) and was not there: reported before a missing `name`,
    /// as a derived struct reports its missing fields in order.
    fn missing_first(&self) -> Option<&'static str>;
}

/// Reads one object: the declared fields into the declaration, the rest into
/// `carrier`, each value in place as the object is read.
pub(super) fn read<'de, A: MapAccess<'de>, C: Carrier<'de>>(
    map: A,
    carrier: &mut C,
) -> Result<Declaration, A::Error> {
    Declaration::deserialize(Split {
        map,
        carrier,
        fields: &[],
    })
}

/// The object, seen by `Declaration`'s derived visitor as a struct of only its
/// own fields.
struct Split<'c, A, C> {
    map: A,
    carrier: &'c mut C,
    /// The declaration's keys, as serde derived them.
    fields: &'static [&'static str],
}

impl<'de, A: MapAccess<'de>, C: Carrier<'de>> Deserializer<'de> for Split<'_, A, C> {
    type Error = A::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        mut self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.fields = fields;
        visitor.visit_map(self)
    }

    // The derived `Declaration` asks for a struct and nothing else.
    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, A::Error> {
        Err(de::Error::custom("a declaration is read as a struct"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>, C: Carrier<'de>> MapAccess<'de> for Split<'_, A, C> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key_seed(KeySeed)? {
            if self.fields.contains(&&*key) {
                return match key {
                    Cow::Borrowed(k) => seed.deserialize(BorrowedStrDeserializer::new(k)),
                    Cow::Owned(k) => seed.deserialize(StringDeserializer::new(k)),
                }
                .map(Some);
            }
            self.carrier.field(key, &mut self.map)?;
        }
        match self.carrier.missing_first() {
            Some(field) => Err(de::Error::missing_field(field)),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// Reads a key as a derived struct reads its field names.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key<'de>, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Cow::Owned(v))
    }
}

/// Reads one of a carrier's own fields, refusing a second one as a derived
/// struct does.
pub(super) fn once<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    key: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::catalog::Entry;
    use crate::catalog::pins::Pins;
    use crate::catalog::registration::Registration;
    use serde_json::json;

    /// An entry with every field set, written as mcpreg writes it, a key of a
    /// newer version last.
    fn every_field() -> serde_json::Value {
        json!({
            "id": "fs-1", "name": "fs", "description": "Files", "version": "1.2",
            "transport": {"type": "stdio", "command": "/bin/fs", "args": ["-v"], "env": {"K": "v"}, "cwd": "/srv"},
            "tools": [{"name": "read", "description": "Reads", "inputSchema": {"type": "object"}}],
            "resources": [{"uri": "file:///x", "name": "x"}],
            "prompts": [{"name": "p", "description": null}],
            "capabilities": ["tools"], "tags": ["t"], "meta": {"k": "v"},
            "auth": {"type": "bearer"}, "health_url": "http://127.0.0.1:9/health",
            "learned": ["tools"],
            "registered_at": "2026-11-21T10:00:00.000Z", "updated_at": "2026-11-21T10:00:01.000Z",
            "lease": {"ttl_s": 30, "expires_at": "2099-11-21T10:00:30.000Z"},
            "health": {"status": "ok", "checked_at": "2026-11-21T10:00:00.000Z", "last_ok_at": null,
                       "latency_ms": 3, "failures": 0, "error": null, "protocol_version": null,
                       "server_info": null, "truncated": null},
            "from_a_newer_version": {"kept": [1, 2]}
        })
    }

    #[test]
    fn an_entry_is_written_back_key_for_key_in_the_order_read() {
        let mut entry: Entry = serde_json::from_value(every_field()).unwrap();
        assert_eq!(
            entry.declared.transport.kind(),
            crate::catalog::TransportKind::Stdio
        );
        assert_eq!(entry.extra.len(), 1, "{:?}", entry.extra);
        entry.pins = Some(Pins::of(&entry.declared.tools, entry.registered_at));
        let text = serde_json::to_string(&entry).unwrap();
        let back: Entry = serde_json::from_str(&text).unwrap();
        assert_eq!(back, entry);
        assert_eq!(serde_json::to_string(&back).unwrap(), text);

        let mut expected: Vec<String> =
            every_field().as_object().unwrap().keys().cloned().collect();
        expected.insert(expected.len() - 1, "pins".into());
        let mut written: serde_json::Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<String> = written.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, expected);
        written.as_object_mut().unwrap().shift_remove("pins");
        assert_eq!(written, every_field());
    }

    #[test]
    fn an_error_in_a_declared_field_names_its_own_line() {
        // `#[serde(flatten)]` would name line 6, the closing brace.
        let text = "{\n  \"id\": \"a\",\n  \"name\": \"a\",\n  \"tools\": 5,\n  \"x\": 1\n}";
        let e = serde_json::from_str::<Entry>(text).unwrap_err();
        assert_eq!((e.line(), e.column()), (4, 12), "{e}");
        assert!(e.to_string().contains("expected a sequence"), "{e}");
    }

    #[test]
    fn missing_fields_are_named_in_the_order_written() {
        let read = |keys: &[&str]| {
            let mut v = every_field();
            for k in keys {
                v.as_object_mut().unwrap().shift_remove(*k);
            }
            serde_json::from_value::<Entry>(v).unwrap_err().to_string()
        };
        assert_eq!(read(&["id", "name"]), "missing field `id`");
        assert_eq!(read(&["name", "registered_at"]), "missing field `name`");
        assert_eq!(
            read(&["transport", "updated_at"]),
            "missing field `transport`"
        );
        assert_eq!(read(&["updated_at"]), "missing field `updated_at`");
    }

    #[test]
    fn a_registration_keeps_its_order_and_refuses_keys_it_does_not_know() {
        let entry: Entry = serde_json::from_value(every_field()).unwrap();
        let written = serde_json::to_value(Registration::of(&entry)).unwrap();
        let keys: Vec<String> = written.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "id",
                "name",
                "description",
                "version",
                "transport",
                "tools",
                "resources",
                "prompts",
                "capabilities",
                "tags",
                "meta",
                "auth",
                "health_url",
                "ttl_s",
                "learned"
            ]
        );
        let back: Registration = serde_json::from_value(written.clone()).unwrap();
        assert_eq!(back, Registration::of(&entry));

        let mut unknown = written;
        unknown["colour"] = json!("red");
        let e = serde_json::from_value::<Registration>(unknown).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("unknown field `colour`, expected one of {}", {
                let all: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                all.join(", ")
            })
        );
    }
}
