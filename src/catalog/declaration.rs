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

use super::model::{Auth, Prompt, Resource, Tool, Transport};
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
        f.write_str("a string")
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
