//! The registry file's text, read and written.
//!
//! JSON is read lazily: each server stays a borrowed slice of the file text until a
//! command needs it as an entry, and is written back verbatim when untouched. That
//! is what makes a heartbeat on a 1,000-entry file cost a scan of the text rather
//! than building and re-serialising a thousand entries, and it keeps unknown fields
//! and formatting of untouched entries exactly as they were. YAML is parsed whole.
//!
//! Every error names the file, line and column; a document that does not parse is
//! never handed to a writer, so it is never overwritten.

use super::layout::FieldPerLine;
use super::strict::{self, Unique};
use crate::catalog::search::{Ranking, Search};
use crate::catalog::{Entry, EntryView, Query, Timestamp, id};
use crate::error::{Error, Result};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;

pub const SCHEMA: u64 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    pub fn of_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

/// A loaded registry. Slots are kept sorted by id with no duplicates.
pub struct Document<'a> {
    path: &'a Path,
    text: &'a str,
    format: Format,
    extra: Map<String, Value>,
    slots: Vec<Slot<'a>>,
    dirty: bool,
}

enum Slot<'a> {
    /// A JSON server as it stands in the file text; `id` was read from it.
    Raw {
        id: Cow<'a, str>,
        text: &'a RawValue,
    },
    Parsed(Box<Entry>),
}

impl Slot<'_> {
    fn id(&self) -> &str {
        match self {
            Slot::Raw { id, .. } => id,
            Slot::Parsed(e) => &e.id,
        }
    }
}

impl<'a> Document<'a> {
    /// A registry that does not exist yet reads as empty.
    pub fn empty(path: &'a Path, format: Format) -> Self {
        Document {
            path,
            text: "",
            format,
            extra: Map::new(),
            slots: Vec::new(),
            dirty: false,
        }
    }

    pub fn parse(path: &'a Path, text: &'a str, format: Format) -> Result<Self> {
        if text.trim().is_empty() {
            return Err(Error::Registry {
                path: path.to_owned(),
                message: "the file is empty, which is not a registry (a new registry is \
                          created when the file is missing; remove it to start afresh)"
                    .into(),
            });
        }
        let mut doc = Document::empty(path, format);
        doc.text = text;
        match format {
            Format::Json => {
                let top: Top<Vec<&'a RawValue>> =
                    serde_json::from_str(text).map_err(|e| doc.json_error(&e, 0))?;
                if let Some((key, at)) = strict::json_duplicate_key(text) {
                    let (line, column) = line_column(text, at);
                    return Err(Error::Parse {
                        path: path.to_owned(),
                        line,
                        column,
                        message: strict::duplicate_key_message(&key),
                    });
                }
                doc.check_schema(top.schema.as_ref())?;
                doc.extra = top.extra;
                for raw in top.servers.unwrap_or_default() {
                    let id = match leading_id(raw.get()) {
                        Some(id) => Cow::Borrowed(id),
                        None => {
                            serde_json::from_str::<IdOnly>(raw.get())
                                .map_err(|e| doc.json_error(&e, doc.offset_of(raw.get())))?
                                .id
                        }
                    };
                    doc.slots.push(Slot::Raw { id, text: raw });
                }
            }
            Format::Yaml => {
                if let Some(line) = strict::yaml_too_deep(text, strict::MAX_DEPTH) {
                    return Err(Error::Parse {
                        path: path.to_owned(),
                        line,
                        column: 1,
                        message: format!(
                            "nested more than {} levels deep; refusing to parse it",
                            strict::MAX_DEPTH
                        ),
                    });
                }
                let top: Top<Vec<Entry>> = match serde_yaml::from_str(text) {
                    Ok(top) => top,
                    Err(e) => {
                        // A newer schema may have a shape we cannot read: say so first.
                        if let Ok(Top { schema, .. }) =
                            serde_yaml::from_str::<Top<IgnoredAny>>(text)
                        {
                            doc.check_schema(schema.as_ref())?;
                        }
                        return Err(doc.yaml_error(&e));
                    }
                };
                Unique::deserialize(serde_yaml::Deserializer::from_str(text))
                    .map_err(|e| doc.yaml_error(&e))?;
                doc.check_schema(top.schema.as_ref())?;
                doc.extra = top.extra;
                doc.slots = top
                    .servers
                    .unwrap_or_default()
                    .into_iter()
                    .map(|e| Slot::Parsed(Box::new(e)))
                    .collect();
            }
        }
        doc.check_ids()?;
        Ok(doc)
    }

    fn check_schema(&self, schema: Option<&Value>) -> Result<()> {
        match schema {
            Some(v) if v.as_u64() == Some(SCHEMA) => Ok(()),
            Some(v) => Err(self.invalid(format!(
                "unknown registry schema {v} (this mcpreg reads schema {SCHEMA}; \
                 a newer mcpreg wrote this file)"
            ))),
            None => Err(self.invalid(format!(
                "missing \"schema\": not an mcpreg registry (expected {{\"schema\": {SCHEMA}, \"servers\": [...]}})"
            ))),
        }
    }

    /// Ids must be valid, and unique; a hand-edited file may list them in any order.
    fn check_ids(&mut self) -> Result<()> {
        for slot in &self.slots {
            id::validate(slot.id())
                .map_err(|why| self.invalid(format!("server id {:?}: {why}", slot.id())))?;
        }
        if !self.slots.is_sorted_by(|a, b| a.id() < b.id()) {
            self.slots.sort_by(|a, b| a.id().cmp(b.id()));
            if let Some(pair) = self.slots.windows(2).find(|w| w[0].id() == w[1].id()) {
                return Err(self.invalid(format!("server id {:?} appears twice", pair[0].id())));
            }
        }
        Ok(())
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    fn position(&self, id: &str) -> std::result::Result<usize, usize> {
        self.slots.binary_search_by(|s| s.id().cmp(id))
    }

    fn parsed(&self, slot: &Slot<'a>) -> Result<Entry> {
        match slot {
            Slot::Parsed(e) => Ok(e.as_ref().clone()),
            Slot::Raw { text, .. } => self.parse_raw(text),
        }
    }

    fn parse_raw<T: Deserialize<'a>>(&self, raw: &'a RawValue) -> Result<T> {
        serde_json::from_str(raw.get()).map_err(|e| self.json_error(&e, self.offset_of(raw.get())))
    }

    pub fn get(&self, id: &str) -> Result<Option<Entry>> {
        self.position(id)
            .ok()
            .map(|i| self.parsed(&self.slots[i]))
            .transpose()
    }

    pub fn entries(&self) -> Result<Vec<Entry>> {
        self.slots.iter().map(|s| self.parsed(s)).collect()
    }

    /// The entries a query selects, parsing in full only those that match.
    pub fn find(&self, query: &Query, now: Timestamp) -> Result<Vec<Entry>> {
        let needles = query.needles();
        let mut found = Vec::new();
        for slot in &self.slots {
            let hit = match slot {
                Slot::Raw { text, .. } if lacks_any(text.get(), &needles) => false,
                Slot::Raw { text, .. } => query.matches(&self.parse_raw::<EntryView>(text)?, now),
                Slot::Parsed(e) => query.matches(&e.view(), now),
            };
            if hit {
                found.push(self.parsed(slot)?);
            }
        }
        Ok(found)
    }

    /// The entries a query selects, ranked by `search` over their views; only the
    /// `limit` entries returned are parsed in full.
    pub fn search(
        &self,
        query: &Query,
        search: &Search,
        now: Timestamp,
        limit: Option<usize>,
    ) -> Result<Vec<(Entry, Ranking)>> {
        let needles = query.needles();
        let mut ranker = search.ranker();
        for (i, slot) in self.slots.iter().enumerate() {
            match slot {
                Slot::Raw { text, .. } if lacks_any(text.get(), &needles) => {}
                Slot::Raw { text, .. } => {
                    let view = self.parse_raw::<EntryView>(text)?;
                    if query.matches(&view, now) {
                        ranker.add(i, &view);
                    }
                }
                Slot::Parsed(e) => {
                    let view = e.view();
                    if query.matches(&view, now) {
                        ranker.add(i, &view);
                    }
                }
            }
        }
        ranker
            .finish(limit)
            .into_iter()
            .map(|(i, ranking)| Ok((self.parsed(&self.slots[i])?, ranking)))
            .collect()
    }

    /// Applies `edit` to the entry with this id, if there is one. `edit` returns
    /// whether it changed anything; only then is the document marked dirty.
    pub fn edit<T>(
        &mut self,
        id: &str,
        edit: impl FnOnce(&mut Entry) -> (bool, T),
    ) -> Result<Option<T>> {
        let Ok(i) = self.position(id) else {
            return Ok(None);
        };
        let mut entry = self.parsed(&self.slots[i])?;
        let (changed, out) = edit(&mut entry);
        if changed {
            self.slots[i] = Slot::Parsed(Box::new(entry));
            self.dirty = true;
        }
        Ok(Some(out))
    }

    /// Inserts or replaces; marks the document dirty only when the entry differs.
    pub fn put(&mut self, entry: Entry) -> Result<Put> {
        match self.position(&entry.id) {
            Ok(i) => {
                if self.parsed(&self.slots[i])? == entry {
                    return Ok(Put::Unchanged);
                }
                self.slots[i] = Slot::Parsed(Box::new(entry));
                self.dirty = true;
                Ok(Put::Updated)
            }
            Err(i) => {
                self.slots.insert(i, Slot::Parsed(Box::new(entry)));
                self.dirty = true;
                Ok(Put::Created)
            }
        }
    }

    pub fn remove(&mut self, id: &str) -> bool {
        let Ok(i) = self.position(id) else {
            return false;
        };
        self.slots.remove(i);
        self.dirty = true;
        true
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut out = match self.format {
            Format::Json => {
                let mut buf = Vec::with_capacity(self.text.len() + 4096);
                let mut ser =
                    serde_json::Serializer::with_formatter(&mut buf, FieldPerLine::default());
                self.serialize(&mut ser)
                    .map_err(|e| self.invalid(e.to_string()))?;
                buf
            }
            Format::Yaml => serde_yaml::to_string(self)
                .map_err(|e| self.invalid(e.to_string()))?
                .into_bytes(),
        };
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        Ok(out)
    }

    fn invalid(&self, message: String) -> Error {
        Error::Registry {
            path: self.path.to_owned(),
            message,
        }
    }

    fn offset_of(&self, inner: &str) -> usize {
        (inner.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize)
    }

    /// A serde_json error of a parse that began `base` bytes into the file text.
    fn json_error(&self, e: &serde_json::Error, base: usize) -> Error {
        let (base_line, base_col) = line_column(self.text, base);
        let (line, column) = if e.line() <= 1 {
            (base_line, base_col + e.column().saturating_sub(1))
        } else {
            (base_line + e.line() - 1, e.column())
        };
        Error::Parse {
            path: self.path.to_owned(),
            line,
            column,
            message: strict::without_position(&e.to_string()),
        }
    }

    fn yaml_error(&self, e: &serde_yaml::Error) -> Error {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        Error::Parse {
            path: self.path.to_owned(),
            line,
            column,
            message: strict::without_position(&e.to_string()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Put {
    Created,
    Updated,
    Unchanged,
}

/// Whether `text`, a JSON entry with no escapes, lacks one of `needles`: then it
/// cannot match, and `find` skips it unparsed (most entries, for `--tool`).
fn lacks_any(text: &str, needles: &[String]) -> bool {
    !needles.is_empty()
        && !text.contains('\\')
        && needles.iter().any(|n| !text.contains(n.as_str()))
}

/// 1-based line and column of a byte offset.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// The id of an entry whose first key is `"id"`, as mcpreg writes them, read
/// without scanning the rest of the entry. `raw` is already known to be valid JSON,
/// so only JSON whitespace can stand between the tokens. Anything else (another key
/// first, an escape in the id) returns None and takes the full parse.
fn leading_id(raw: &str) -> Option<&str> {
    let rest = raw.strip_prefix('{')?.trim_start().strip_prefix("\"id\"")?;
    let rest = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    (rest.as_bytes()[end] == b'"').then(|| &rest[..end])
}

#[derive(serde::Deserialize)]
#[serde(expecting = "a server object with an \"id\"")]
struct IdOnly<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
}

/// The top-level object: `schema`, `servers`, and any key a newer version added.
struct Top<S> {
    schema: Option<Value>,
    servers: Option<S>,
    extra: Map<String, Value>,
}

impl<'de, S: Deserialize<'de>> Deserialize<'de> for Top<S> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct TopVisitor<S>(PhantomData<S>);
        impl<'de, S: Deserialize<'de>> Visitor<'de> for TopVisitor<S> {
            type Value = Top<S>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a registry object with \"schema\" and \"servers\"")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Top<S>, A::Error> {
                let mut top = Top {
                    schema: None,
                    servers: None,
                    extra: Map::new(),
                };
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match &*key {
                        "schema" => top.schema = Some(map.next_value()?),
                        "servers" => top.servers = Some(map.next_value()?),
                        _ => {
                            top.extra.insert(key.into_owned(), map.next_value()?);
                        }
                    }
                }
                Ok(top)
            }
        }
        d.deserialize_map(TopVisitor(PhantomData))
    }
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        struct Servers<'d, 'a>(&'d [Slot<'a>]);
        impl Serialize for Servers<'_, '_> {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.0.len()))?;
                for slot in self.0 {
                    match slot {
                        Slot::Raw { text, .. } => seq.serialize_element(text)?,
                        Slot::Parsed(e) => seq.serialize_element(e)?,
                    }
                }
                seq.end()
            }
        }
        let mut map = s.serialize_map(Some(2 + self.extra.len()))?;
        map.serialize_entry("schema", &SCHEMA)?;
        map.serialize_entry("servers", &Servers(&self.slots))?;
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_lacking_a_needle_are_skipped_only_when_escape_free() {
        let needles = vec![r#""read_file""#.to_owned()];
        assert!(lacks_any(
            r#"{"tools": [{"name": "write_file"}]}"#,
            &needles
        ));
        assert!(!lacks_any(
            r#"{"tools": [{"name": "read_file"}]}"#,
            &needles
        ));
        // An escape could spell the needle differently: parse such entries.
        assert!(!lacks_any(
            r#"{"tools": [{"name": "read\u005ffile"}]}"#,
            &needles
        ));
        assert!(!lacks_any(r#"{"tools": []}"#, &[]));
    }

    #[test]
    fn the_leading_id_is_read_only_when_it_is_plainly_first() {
        assert_eq!(leading_id(r#"{"id": "a-1", "name": "x"}"#), Some("a-1"));
        assert_eq!(leading_id("{\n  \"id\" :\t\"b\"}"), Some("b"));
        assert_eq!(leading_id(r#"{"name": "x", "id": "a"}"#), None);
        assert_eq!(leading_id(r#"{"id": "a\u0041"}"#), None);
        assert_eq!(leading_id(r#"{"id": 5}"#), None);
        assert_eq!(leading_id(r#"{"identity": "a"}"#), None);
    }
}
