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
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

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

    /// A `serde_json` error of a parse that began `base` bytes into the file text.
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

/// A JSON registry read again by a long-running reader: the entries as
/// `Document::parse(..).entries()` gives them, where every entry whose text is
/// byte for byte the text it had in the last read is that read's entry, shared,
/// and only the others are parsed. A 40 MB file with one changed entry costs a
/// scan, not 10,000 entries built again (issue 14 §3).
///
/// The document is checked as the full reader checks it, in two parts whose
/// sum is the whole: each entry's text on its own (the last read checked the
/// reused ones, byte for byte the same), and the skeleton, the file with each
/// entry's text replaced by `{"id": ...}`, read by the full reader itself. A
/// valid JSON value put in the place of an array element of a valid document
/// keeps it valid, and duplicate keys are a matter of one object at a time, so
/// the two parts pass exactly when the whole file does. None on any doubt or
/// error: the text comes back, for the caller to read in full, which gives the
/// answer and, for a broken file, its error.
pub fn reread_json(
    path: &Path,
    text: String,
    last: &LastRead,
) -> std::result::Result<LastRead, String> {
    match reread(path, &text, last) {
        Some((entries, spans)) => Ok(LastRead {
            entries,
            text: Some(LastText { text, spans }),
        }),
        None => Err(text),
    }
}

type Reread = (Vec<Arc<Entry>>, Vec<Range<usize>>);

/// Where a server's text stands, and its entry when the scan knew it.
type Span = (Range<usize>, Option<Arc<Entry>>);

fn reread(path: &Path, text: &str, last: &LastRead) -> Option<Reread> {
    // An entry whose text starts with its last text is that entry, and ends
    // where that text ends: the scan need not look inside it.
    let spans = server_spans(text, |rest| {
        let id = leading_id(rest)?;
        last.same(id, rest)
    })?;
    let mut read = Vec::with_capacity(spans.len());
    for (span, reused) in spans {
        let entry = if let Some(entry) = reused {
            entry
        } else {
            let raw = &text[span.clone()];
            if strict::json_duplicate_key(raw).is_some() {
                return None;
            }
            Arc::new(serde_json::from_str::<Entry>(raw).ok()?)
        };
        read.push((entry, span));
    }
    // The skeleton, and where each placeholder stands in it.
    let inside: usize = read.iter().map(|(_, span)| span.len()).sum();
    let mut skeleton = String::with_capacity(text.len() - inside + 64 * read.len());
    let mut placeholders = Vec::with_capacity(read.len());
    let mut at = 0;
    for (entry, span) in &read {
        skeleton.push_str(&text[at..span.start]);
        let start = skeleton.len();
        skeleton.push_str("{\"id\": ");
        skeleton.push_str(&serde_json::to_string(&entry.id).ok()?);
        skeleton.push('}');
        placeholders.push(start..skeleton.len());
        at = span.end;
    }
    skeleton.push_str(&text[at..]);
    let doc = Document::parse(path, &skeleton, Format::Json).ok()?;
    // Every server of the skeleton must be one of our placeholders, and every
    // placeholder a server: then the entries stood where the reader reads servers.
    let mut found: Vec<Range<usize>> = Vec::with_capacity(doc.slots.len());
    for slot in &doc.slots {
        let Slot::Raw { text: raw, .. } = slot else {
            return None;
        };
        let start = doc.offset_of(raw.get());
        found.push(start..start + raw.get().len());
    }
    found.sort_by_key(|r| r.start);
    if found != placeholders {
        return None;
    }
    // The skeleton's ids are valid and unique: sorting by id is the reader's order.
    read.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    Some(read.into_iter().unzip())
}

/// What a long-running reader keeps of its last read of the registry, so that
/// the next read builds only the entries that changed and shares the others.
#[derive(Clone, Debug, Default)]
pub struct LastRead {
    /// The entries, sorted by id.
    pub entries: Vec<Arc<Entry>>,
    /// The JSON text they were read from, when they were.
    text: Option<LastText>,
}

#[derive(Clone, Debug)]
struct LastText {
    text: String,
    /// Where each entry of `entries` stands in `text`.
    spans: Vec<Range<usize>>,
}

impl LastRead {
    /// Entries (sorted by id) that were not read from a text.
    pub fn of(entries: Vec<Arc<Entry>>) -> LastRead {
        LastRead {
            entries,
            text: None,
        }
    }

    /// `entries` (sorted by id), each shared with the last read where equal to
    /// its entry of the same id, so that unchanged entries are held once.
    pub fn shared(&self, entries: Vec<Entry>) -> LastRead {
        let entries = entries
            .into_iter()
            .map(|e| match self.position(&e.id) {
                Some(i) if *self.entries[i] == e => self.entries[i].clone(),
                _ => Arc::new(e),
            })
            .collect();
        LastRead::of(entries)
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.entries
            .binary_search_by(|e| e.id.as_str().cmp(id))
            .ok()
    }

    /// The entry `id` of the last read and the length of its text then, when
    /// `rest` starts with that text.
    fn same(&self, id: &str, rest: &str) -> Option<(usize, Arc<Entry>)> {
        let last = self.text.as_ref()?;
        let i = self.position(id)?;
        let was = last.text.get(last.spans[i].clone())?;
        rest.as_bytes()
            .starts_with(was.as_bytes())
            .then(|| (was.len(), self.entries[i].clone()))
    }
}

/// Where each server of a JSON registry stands in its text (from its `{` to its
/// `}`), found by a scan that trusts the text to be JSON: [`reread_json`] checks
/// what the scan found, so a text that is not JSON can mislead it only into a
/// None or into spans that fail those checks. None where the text does not look
/// like a registry with a `servers` array of objects. `known` tells of the
/// text from a server's `{` on whether it starts with a known entry, and its
/// length: then the scan skips it, and the span comes with that entry.
fn server_spans<K>(text: &str, mut known: K) -> Option<Vec<Span>>
where
    K: FnMut(&str) -> Option<(usize, Arc<Entry>)>,
{
    let b = text.as_bytes();
    let mut spans = None;
    let mut i = skip_ws(b, 0);
    if *b.get(i)? != b'{' {
        return None;
    }
    i = skip_ws(b, i + 1);
    if *b.get(i)? == b'}' {
        return Some(Vec::new());
    }
    loop {
        if *b.get(i)? != b'"' {
            return None;
        }
        let key_end = string_end(b, i)?;
        let key = &text[i + 1..key_end];
        i = skip_ws(b, key_end + 1);
        if *b.get(i)? != b':' {
            return None;
        }
        i = skip_ws(b, i + 1);
        if key == "servers" && spans.is_none() && *b.get(i)? == b'[' {
            let mut found = Vec::new();
            i = skip_ws(b, i + 1);
            if *b.get(i)? == b']' {
                i += 1;
            } else {
                loop {
                    if *b.get(i)? != b'{' {
                        return None;
                    }
                    let end = if let Some((len, entry)) = known(&text[i..]) {
                        found.push((i..i + len, Some(entry)));
                        i + len
                    } else {
                        let end = value_end(b, i)?;
                        found.push((i..end, None));
                        end
                    };
                    i = skip_ws(b, end);
                    match *b.get(i)? {
                        b',' => i = skip_ws(b, i + 1),
                        b']' => {
                            i += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
            }
            spans = Some(found);
        } else {
            i = value_end(b, i)?;
        }
        i = skip_ws(b, i);
        match *b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            b'}' => return spans.or(Some(Vec::new())),
            _ => return None,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b
        .get(i)
        .is_some_and(|c| matches!(c, b' ' | b'\n' | b'\r' | b'\t'))
    {
        i += 1;
    }
    i
}

/// The index of the quote that closes the string opening at `i`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i += 1;
        let n = memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[i + n] == b'"' {
            return Some(i + n);
        }
        // An escape: the next byte is taken whatever it is.
        i += n + 1;
    }
}

/// The index just after the value that starts at `i`.
fn value_end(b: &[u8], mut i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => Some(string_end(b, i)? + 1),
        b'{' | b'[' => {
            let mut depth = 0usize;
            loop {
                match *b.get(i)? {
                    b'"' => i = string_end(b, i)?,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            while b
                .get(i)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
            {
                i += 1;
            }
            Some(i)
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

    /// A registry text of `n` entries as mcpreg writes it.
    fn registry(entries: &[serde_json::Value]) -> String {
        let path = Path::new("r.json");
        let mut doc = Document::empty(path, Format::Json);
        for e in entries {
            doc.put(serde_json::from_value(e.clone()).expect("an entry"))
                .expect("put");
        }
        String::from_utf8(doc.to_bytes().expect("bytes")).expect("utf-8")
    }

    fn entry_value(id: &str, name: &str, tool: &str) -> serde_json::Value {
        serde_json::json!({
            "id": id, "name": name,
            "transport": {"type": "stdio", "command": "/usr/bin/srv", "env": {"K": "v"}},
            "tools": [{"name": tool, "description": "does \"it\"",
                       "inputSchema": {"type": "object", "properties": {"a": {"type": "string"}}}}],
            "tags": ["t"], "meta": {"k": "v"},
            "registered_at": "2026-11-01T10:00:00Z", "updated_at": "2026-11-01T10:00:00Z",
        })
    }

    /// What the full reader makes of `text`.
    fn full(text: &str) -> Result<Vec<Entry>> {
        Document::parse(Path::new("r.json"), text, Format::Json).and_then(|d| d.entries())
    }

    /// One random edit of a registry text: a whole entry changed, added,
    /// removed, moved or doubled (through the text, as a hand edit would), or a
    /// byte inserted or removed anywhere, which mostly breaks the file.
    fn edited(text: &str, choice: (u8, usize, u8, String)) -> String {
        let (kind, at, byte, word) = choice;
        let spans: Vec<Range<usize>> = server_spans(text, |_| None)
            .unwrap_or_default()
            .into_iter()
            .map(|(span, _)| span)
            .collect();
        let pick = |at: usize| spans.get(at % spans.len().max(1)).cloned();
        let at_byte = at % (text.len() + 1);
        let safe = |i: usize| {
            (0..=i)
                .rev()
                .find(|&j| text.is_char_boundary(j))
                .unwrap_or(0)
        };
        match kind % 9 {
            // Change one entry's name, as `register` would.
            0 | 1 => match pick(at) {
                Some(span) => {
                    let raw = &text[span.clone()];
                    let changed = raw.replacen("\"name\": \"", &format!("\"name\": \"{word}"), 1);
                    format!("{}{changed}{}", &text[..span.start], &text[span.end..])
                }
                None => text.to_owned(),
            },
            // A new entry at the end of the list (a new id, or one that exists).
            2 => match spans.last() {
                Some(last) => {
                    let id = if byte % 2 == 0 {
                        format!("new-{word}")
                    } else {
                        "e-1".into()
                    };
                    let e = entry_value(&id, &word, "t");
                    format!("{},\n{e}{}", &text[..last.end], &text[last.end..])
                }
                None => text.to_owned(),
            },
            // An entry removed.
            3 => match pick(at) {
                Some(span) if spans.len() > 1 => {
                    let end = text[span.end..]
                        .find(['{', ']'])
                        .map_or(text.len(), |n| span.end + n);
                    let end = if text[end..].starts_with(']') {
                        span.end
                    } else {
                        end
                    };
                    format!("{}{}", &text[..span.start], &text[end..])
                }
                _ => text.to_owned(),
            },
            // Two entries swapped: no longer sorted by id.
            4 => match (pick(at), pick(at + 1)) {
                (Some(a), Some(b)) if a.end <= b.start => format!(
                    "{}{}{}{}{}",
                    &text[..a.start],
                    &text[b.clone()],
                    &text[a.end..b.start],
                    &text[a.clone()],
                    &text[b.end..]
                ),
                _ => text.to_owned(),
            },
            // A key doubled inside an entry, or an escape in its id.
            5 => match pick(at) {
                Some(span) => {
                    let raw = &text[span.clone()];
                    let changed = match byte % 3 {
                        0 => raw.replacen("\"tags\":", "\"tags\": [], \"tags\":", 1),
                        // Where a duplicate is kept silently by serde (the last wins).
                        1 => raw.replacen("{\"a\": ", "{\"a\": 1, \"a\": ", 1),
                        _ => raw.replacen("\"id\": \"e", "\"id\": \"\\u0065", 1),
                    };
                    format!("{}{changed}{}", &text[..span.start], &text[span.end..])
                }
                None => text.to_owned(),
            },
            // A byte inserted anywhere.
            6 | 7 => {
                let set = b"{}[]\",:\\ 0an\n";
                let b = set[usize::from(byte) % set.len()] as char;
                let i = safe(at_byte);
                format!("{}{b}{}", &text[..i], &text[i..])
            }
            // A byte removed anywhere.
            _ => {
                let i = safe(at_byte.min(text.len().saturating_sub(1)));
                let j = (i + 1..=text.len())
                    .find(|&j| text.is_char_boundary(j))
                    .unwrap_or(i);
                format!("{}{}", &text[..i], &text[j..])
            }
        }
    }

    #[test]
    fn a_reread_is_the_full_read_after_random_edits() {
        use proptest::prelude::*;
        let edit = (any::<u8>(), any::<usize>(), any::<u8>(), "[a-z]{1,6}");
        let reused_some = std::cell::Cell::new(false);
        let took_the_short_way = std::cell::Cell::new(0usize);
        crate::testing::seeded_runner("reread", 256)
            .run(
                &(2usize..8, proptest::collection::vec(edit, 1..12)),
                |(n, edits)| {
                    let entries: Vec<_> = (0..n)
                        .map(|i| entry_value(&format!("e-{i}"), &format!("n{i}"), &format!("t{i}")))
                        .collect();
                    let mut text = registry(&entries);
                    let path = Path::new("r.json");
                    let mut last = reread_json(path, text.clone(), &LastRead::default())
                        .expect("mcpreg's own layout is reread");
                    prop_assert_eq!(
                        &last
                            .entries
                            .iter()
                            .map(|e| (**e).clone())
                            .collect::<Vec<_>>(),
                        &full(&text).expect("valid")
                    );
                    for choice in edits {
                        text = edited(&text, choice);
                        let before = last.clone();
                        match (reread_json(path, text.clone(), &last), full(&text)) {
                            (Ok(read), Ok(entries)) => {
                                let got: Vec<Entry> =
                                    read.entries.iter().map(|e| (**e).clone()).collect();
                                prop_assert_eq!(&got, &entries, "text:\n{}", text);
                                took_the_short_way.set(took_the_short_way.get() + 1);
                                if read
                                    .entries
                                    .iter()
                                    .any(|e| before.entries.iter().any(|b| Arc::ptr_eq(b, e)))
                                {
                                    reused_some.set(true);
                                }
                                last = read;
                            }
                            (Ok(_), Err(e)) => {
                                prop_assert!(
                                    false,
                                    "reread accepted what the full reader refuses ({e}):\n{text}"
                                );
                            }
                            // The caller reads in full: the same answer by construction.
                            (Err(back), Ok(entries)) => {
                                prop_assert_eq!(&back, &text);
                                last = last.shared(entries);
                            }
                            (Err(back), Err(_)) => prop_assert_eq!(&back, &text),
                        }
                    }
                    Ok(())
                },
            )
            .unwrap();
        let short = took_the_short_way.get();
        assert!(short > 100, "only {short} rereads took the short way");
        assert!(
            reused_some.get(),
            "no reread shared an entry with the read before"
        );
    }

    #[test]
    fn a_reread_shares_the_entries_whose_text_did_not_change() {
        let entries: Vec<_> = (0..3)
            .map(|i| entry_value(&format!("e-{i}"), &format!("n{i}"), "t"))
            .collect();
        let path = Path::new("r.json");
        let first = reread_json(path, registry(&entries), &LastRead::default()).expect("read");
        let mut changed = entries.clone();
        changed[1]["name"] = "renamed".into();
        let second = reread_json(path, registry(&changed), &first).expect("reread");
        assert!(Arc::ptr_eq(&first.entries[0], &second.entries[0]));
        assert!(!Arc::ptr_eq(&first.entries[1], &second.entries[1]));
        assert_eq!(second.entries[1].declared.name, "renamed");
        assert!(Arc::ptr_eq(&first.entries[2], &second.entries[2]));
        // Not the file's layout, or not a registry: the full reader is asked.
        assert!(reread_json(path, "[1]".into(), &first).is_err());
        assert!(reread_json(path, String::new(), &first).is_err());
        // The servers under a key the scan does not read as "servers" (an
        // escape): the skeleton then holds servers that are no placeholders.
        let escaped = registry(&entries).replacen("\"servers\"", "\"serv\\u0065rs\"", 1);
        assert_eq!(full(&escaped).expect("valid").len(), 3);
        assert!(reread_json(path, escaped, &first).is_err());
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
