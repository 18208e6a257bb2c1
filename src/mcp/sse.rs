//! A small strict decoder for `text/event-stream` (server-sent events).
//!
//! It follows the event-stream interpretation rules of the HTML standard:
//! lines end with CRLF, LF or CR; one UTF-8 BOM at the very start is skipped;
//! a line starting with `:` is a comment; `field: value` drops one space after
//! the colon; a line without a colon is a field with an empty value; `data`
//! lines are joined with `\n`; `id` sets the last event id (ignored if it
//! contains NUL) which persists across events; a blank line dispatches the
//! event, unless no `data` line was seen; an event cut off by the end of the
//! stream is dropped. Unknown fields (and `retry`) are ignored.
//!
//! Strict where the standard is lenient: invalid UTF-8 is an error, not a
//! replacement character (MCP messages are JSON, which is UTF-8), and the
//! total number of bytes read is capped, so a server cannot feed us an endless
//! line or an endless stream.
//!
//! A lone CR is handled without reading ahead: after a CR we remember that a
//! following LF belongs to the same line ending, so a live stream whose last
//! byte so far is a CR still dispatches at once.

use std::io::{self, BufRead};

const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The `event` field, `"message"` when absent.
    pub event: String,
    /// The `data` lines joined by `\n`.
    pub data: String,
    /// The last event id seen so far in the stream (it persists).
    pub id: Option<String>,
}

#[derive(Debug)]
pub enum SseError {
    Io(io::Error),
    /// More than the byte cap was read.
    TooLarge(u64),
    /// A line that is not UTF-8 (1-based line number).
    InvalidUtf8 {
        line: u64,
    },
}

impl std::fmt::Display for SseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SseError::Io(e) => write!(f, "{e}"),
            SseError::TooLarge(n) => write!(f, "event stream exceeded {n} bytes"),
            SseError::InvalidUtf8 { line } => {
                write!(f, "event stream is not UTF-8 at line {line}")
            }
        }
    }
}

pub struct Decoder<R> {
    reader: R,
    max_bytes: u64,
    read: u64,
    line_no: u64,
    bom_matched: usize,
    after_cr: bool,
    event_type: String,
    data: String,
    saw_data: bool,
    last_id: Option<String>,
    line: Vec<u8>,
}

impl<R: BufRead> Decoder<R> {
    pub fn new(reader: R, max_bytes: u64) -> Self {
        Decoder {
            reader,
            max_bytes,
            read: 0,
            line_no: 0,
            bom_matched: 0,
            after_cr: false,
            event_type: String::new(),
            data: String::new(),
            saw_data: false,
            last_id: None,
            line: Vec::new(),
        }
    }

    /// Bytes consumed so far.
    #[cfg(test)]
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// The next event, or `None` at the end of the stream.
    pub fn next_event(&mut self) -> Result<Option<Event>, SseError> {
        loop {
            if !self.read_line()? {
                return Ok(None);
            }
            self.line_no += 1;
            let line = std::mem::take(&mut self.line);
            let text = std::str::from_utf8(&line)
                .map_err(|_| SseError::InvalidUtf8 { line: self.line_no })?;
            let dispatched = self.process_line(text);
            self.line = line;
            if let Some(ev) = dispatched {
                return Ok(Some(ev));
            }
        }
    }

    fn process_line(&mut self, text: &str) -> Option<Event> {
        if text.is_empty() {
            let saw = std::mem::replace(&mut self.saw_data, false);
            let event_type = std::mem::take(&mut self.event_type);
            let mut data = std::mem::take(&mut self.data);
            if !saw {
                return None;
            }
            if data.ends_with('\n') {
                data.pop();
            }
            return Some(Event {
                event: if event_type.is_empty() {
                    "message".to_string()
                } else {
                    event_type
                },
                data,
                id: self.last_id.clone(),
            });
        }
        if text.starts_with(':') {
            return None;
        }
        let (field, value) = match text.find(':') {
            Some(i) => {
                let v = &text[i + 1..];
                (&text[..i], v.strip_prefix(' ').unwrap_or(v))
            }
            None => (text, ""),
        };
        match field {
            "event" => self.event_type = value.to_string(),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
                self.saw_data = true;
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_string()),
            _ => {}
        }
        None
    }

    /// Read one line (without its ending) into `self.line`. False at EOF;
    /// a final line without an ending is discarded (its event is incomplete).
    fn read_line(&mut self) -> Result<bool, SseError> {
        self.line.clear();
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(SseError::Io(e)),
            };
            if buf.is_empty() {
                return Ok(false);
            }
            let mut i = 0;
            if self.after_cr {
                self.after_cr = false;
                if buf[0] == b'\n' {
                    i = 1;
                }
            }
            // The BOM may arrive split across reads, so match it byte by byte.
            while self.bom_matched < BOM.len() && i < buf.len() {
                if buf[i] == BOM[self.bom_matched] {
                    self.bom_matched += 1;
                    i += 1;
                } else {
                    // Not a BOM after all: what we held back is line content.
                    self.line.extend_from_slice(&BOM[..self.bom_matched]);
                    self.bom_matched = BOM.len();
                }
            }
            let rest = &buf[i..];
            let end = rest.iter().position(|&b| b == b'\n' || b == b'\r');
            let (take, done, cr) = match end {
                Some(j) => (j, true, rest[j] == b'\r'),
                None => (rest.len(), false, false),
            };
            self.line.extend_from_slice(&rest[..take]);
            let consumed = i + take + usize::from(done);
            self.reader.consume(consumed);
            self.charge(consumed as u64)?;
            if done {
                self.after_cr = cr;
                return Ok(true);
            }
        }
    }

    fn charge(&mut self, n: u64) -> Result<(), SseError> {
        self.read += n;
        if self.read > self.max_bytes {
            return Err(SseError::TooLarge(self.max_bytes));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Read;

    fn decode_all(bytes: &[u8], cap: u64) -> Result<Vec<Event>, SseError> {
        let mut d = Decoder::new(bytes, cap);
        let mut out = Vec::new();
        while let Some(ev) = d.next_event()? {
            out.push(ev);
        }
        Ok(out)
    }

    fn ev(event: &str, data: &str, id: Option<&str>) -> Event {
        Event {
            event: event.into(),
            data: data.into(),
            id: id.map(Into::into),
        }
    }

    #[test]
    fn the_basics() {
        let s = b"\xEF\xBB\xBF: comment\r\nevent: endpoint\rdata: /messages?s=1\n\ndata: a\ndata:b\ndata\nid: 7\n\nevent: x\n\ndata: tail";
        let evs = decode_all(s, 1 << 20).unwrap();
        assert_eq!(
            evs,
            vec![
                ev("endpoint", "/messages?s=1", None),
                ev("message", "a\nb\n", Some("7")),
            ]
        );
    }

    #[test]
    fn invalid_utf8_is_an_error_naming_the_line() {
        let err = decode_all(b"data: ok\n\ndata: \xff\n\n", 1 << 20).unwrap_err();
        assert!(matches!(err, SseError::InvalidUtf8 { line: 3 }), "{err}");
    }

    #[test]
    fn the_cap_holds_on_an_endless_line() {
        let endless = std::io::repeat(b'a');
        let mut d = Decoder::new(std::io::BufReader::new(endless), 1000);
        let err = d.next_event().unwrap_err();
        assert!(matches!(err, SseError::TooLarge(1000)));
        assert!(d.bytes_read() <= 1000 + 8192);
    }

    #[test]
    fn a_cr_at_the_end_of_a_read_dispatches_without_waiting() {
        // A reader that yields "data: x\r\r" and then blocks forever would
        // hang a decoder that peeks after a CR; ours must not peek.
        struct ThenPanic(Vec<u8>, bool);
        impl Read for ThenPanic {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                assert!(!self.1, "read past the dispatch point");
                self.1 = true;
                buf[..self.0.len()].copy_from_slice(&self.0);
                Ok(self.0.len())
            }
        }
        let r = std::io::BufReader::new(ThenPanic(b"data: x\r\r".to_vec(), false));
        let mut d = Decoder::new(r, 100);
        assert_eq!(d.next_event().unwrap(), Some(ev("message", "x", None)));
    }

    /// A `BufRead` that hands out the input in chunks of the given sizes.
    struct Chunked {
        data: Vec<u8>,
        pos: usize,
        sizes: Vec<usize>,
        k: usize,
        avail: usize,
    }

    impl Read for Chunked {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = {
                let b = self.fill_buf()?;
                let n = b.len().min(buf.len());
                buf[..n].copy_from_slice(&b[..n]);
                n
            };
            self.consume(n);
            Ok(n)
        }
    }

    impl BufRead for Chunked {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            if self.avail == 0 && self.pos < self.data.len() {
                let size = self.sizes[self.k % self.sizes.len()].max(1);
                self.k += 1;
                self.avail = size.min(self.data.len() - self.pos);
            }
            Ok(&self.data[self.pos..self.pos + self.avail])
        }
        fn consume(&mut self, n: usize) {
            assert!(n <= self.avail);
            self.pos += n;
            self.avail -= n;
        }
    }

    #[derive(Debug, Clone)]
    struct Spec {
        event: Option<String>,
        data: String,
        id: Option<String>,
        comment: bool,
    }

    fn arb_spec() -> impl Strategy<Value = Spec> {
        (
            proptest::option::of("[^\r\n]{1,12}"),
            "[^\r]{0,40}",
            proptest::option::of("[^\r\n\0]{0,8}"),
            any::<bool>(),
        )
            .prop_map(|(event, data, id, comment)| Spec {
                event,
                data,
                id,
                comment,
            })
    }

    fn encode(specs: &[Spec], endings: &[u8], bom: bool) -> (Vec<u8>, Vec<Event>) {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(BOM);
        }
        let mut k = 0;
        let mut nl = |out: &mut Vec<u8>| {
            let mut e: &[u8] = match endings[k % endings.len()] % 3 {
                0 => b"\n",
                1 => b"\r",
                _ => b"\r\n",
            };
            // An empty line ended by LF right after a CR would read as CRLF.
            if e == b"\n" && out.last() == Some(&b'\r') {
                e = b"\r\n";
            }
            k += 1;
            out.extend_from_slice(e);
        };
        let mut expected = Vec::new();
        let mut last_id = None;
        for s in specs {
            if s.comment {
                out.extend_from_slice(b": keep-alive");
                nl(&mut out);
            }
            if let Some(e) = &s.event {
                out.extend_from_slice(format!("event: {e}").as_bytes());
                nl(&mut out);
            }
            for line in s.data.split('\n') {
                out.extend_from_slice(format!("data: {line}").as_bytes());
                nl(&mut out);
            }
            if let Some(id) = &s.id {
                out.extend_from_slice(format!("id: {id}").as_bytes());
                nl(&mut out);
                last_id = Some(id.clone());
            }
            nl(&mut out);
            let event = match &s.event {
                // "event: " strips one space; an empty type means "message".
                Some(e) if !e.is_empty() => e.clone(),
                _ => "message".to_string(),
            };
            expected.push(Event {
                event,
                data: s.data.clone(),
                id: last_id.clone(),
            });
        }
        (out, expected)
    }

    proptest! {
        // Failures are not persisted: a regressions folder would land outside src/mcp/.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn encoded_events_decode_back(
            specs in prop::collection::vec(arb_spec(), 0..8),
            endings in prop::collection::vec(any::<u8>(), 1..16),
            sizes in prop::collection::vec(1usize..16, 1..8),
            bom in any::<bool>(),
        ) {
            let (bytes, expected) = encode(&specs, &endings, bom);
            let total = bytes.len() as u64;
            let r = Chunked { data: bytes, pos: 0, sizes, k: 0, avail: 0 };
            let mut d = Decoder::new(r, total);
            let mut got = Vec::new();
            while let Some(ev) = d.next_event().unwrap() {
                got.push(ev);
            }
            prop_assert_eq!(got, expected);
            prop_assert_eq!(d.bytes_read(), total);
        }

        #[test]
        fn arbitrary_bytes_never_panic_and_the_cap_holds(
            bytes in prop::collection::vec(any::<u8>(), 0..512),
            sizes in prop::collection::vec(1usize..32, 1..8),
            cap in 0u64..600,
        ) {
            let r = Chunked { data: bytes, pos: 0, sizes, k: 0, avail: 0 };
            let mut d = Decoder::new(r, cap);
            loop {
                match d.next_event() {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(SseError::TooLarge(n)) => { prop_assert_eq!(n, cap); break; }
                    Err(_) => break,
                }
            }
            prop_assert!(d.bytes_read() <= cap + 32, "read {} with cap {}", d.bytes_read(), cap);
        }

        #[test]
        fn cap_below_size_is_always_reported(
            specs in prop::collection::vec(arb_spec(), 1..6),
            endings in prop::collection::vec(any::<u8>(), 1..8),
        ) {
            let (bytes, _) = encode(&specs, &endings, false);
            let cap = bytes.len() as u64 - 1;
            let mut d = Decoder::new(&bytes[..], cap);
            let r = loop {
                match d.next_event() {
                    Ok(Some(_)) => {}
                    other => break other,
                }
            };
            prop_assert!(matches!(r, Err(SseError::TooLarge(_))));
        }
    }
}
