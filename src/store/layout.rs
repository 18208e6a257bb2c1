//! The registry file's JSON layout: one line per entry field.
//!
//! Fully pretty-printed JSON spends a line (and deep indentation) on every tool;
//! fully compact JSON puts a whole server on one line. The layout of README "The registry file"
//! sits between: the document, the server list and each entry's fields are expanded,
//! and every value inside a field is written on that field's line. Diffs show which
//! field of which server changed, and the file is about half the size of pretty JSON,
//! which every reader and writer scans in full.

use serde_json::ser::{CompactFormatter, Formatter};
use std::io::{self, Write};

/// Containers at this depth or above put each item on its own line
/// (1: the document, 2: the server list, 3: an entry).
const EXPANDED_DEPTHS: usize = 3;
const INDENT: &[u8] = b"  ";

#[derive(Default)]
pub struct FieldPerLine {
    depth: usize,
    has_value: bool,
}

impl FieldPerLine {
    fn expanded(&self) -> bool {
        self.depth <= EXPANDED_DEPTHS
    }

    fn newline<W: ?Sized + Write>(&self, w: &mut W, depth: usize) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..depth {
            w.write_all(INDENT)?;
        }
        Ok(())
    }

    fn begin<W: ?Sized + Write>(&mut self, w: &mut W, open: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(open)
    }

    fn end<W: ?Sized + Write>(&mut self, w: &mut W, close: &[u8]) -> io::Result<()> {
        let was_expanded = self.expanded();
        self.depth -= 1;
        if was_expanded && self.has_value {
            self.newline(w, self.depth)?;
        }
        w.write_all(close)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if self.expanded() {
            if !first {
                w.write_all(b",")?;
            }
            self.newline(w, self.depth)
        } else if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }
}

impl Formatter for FieldPerLine {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn write_raw_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        CompactFormatter.write_raw_fragment(w, fragment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    fn layout(v: &serde_json::Value) -> String {
        let mut buf = Vec::new();
        v.serialize(&mut serde_json::Serializer::with_formatter(
            &mut buf,
            FieldPerLine::default(),
        ))
        .unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn fields_of_an_entry_take_one_line_each() {
        let doc = serde_json::json!({
            "schema": 1,
            "servers": [
                {"id": "a", "tools": [{"name": "t", "description": "d"}], "tags": [], "meta": {}},
                {"id": "b", "lease": null}
            ]
        });
        let text = layout(&doc);
        assert_eq!(
            text,
            "{\n  \"schema\": 1,\n  \"servers\": [\n    {\n      \"id\": \"a\",\n      \"tools\": [{\"name\": \"t\", \"description\": \"d\"}],\n      \"tags\": [],\n      \"meta\": {}\n    },\n    {\n      \"id\": \"b\",\n      \"lease\": null\n    }\n  ]\n}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            doc
        );
    }

    #[test]
    fn an_empty_registry_is_two_short_lines() {
        let text = layout(&serde_json::json!({"schema": 1, "servers": []}));
        assert_eq!(text, "{\n  \"schema\": 1,\n  \"servers\": []\n}");
    }
}
