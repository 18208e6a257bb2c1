//! Bounds on what one entry may hold, whoever supplies it: flags, an imported file,
//! or a server answering a probe (issue 11 §5 and §9). A registration beyond them
//! is refused; a probe keeps what fits and says what it dropped.

use super::primitives::{Prompt, Resource, Tool};
use super::registration::Registration;
use super::transport::Transport;
use serde_json::Value;
use std::collections::HashSet;

/// Tools, resources and prompts together, per server.
pub const MAX_ITEMS: usize = 10_000;
/// A tool or prompt name.
pub const MAX_NAME_BYTES: usize = 256;
/// A resource URI.
pub const MAX_URI_BYTES: usize = 4096;
/// A description (longer ones are cut, at a character boundary, by a probe), and a
/// schema or annotations object as JSON text (a probe drops longer ones).
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// A server's name and version, a tag, a capability, a `meta` key: labels that
/// tables print on one line.
pub const MAX_LABEL_BYTES: usize = 256;

/// Headers the HTTP client sets itself: a user-given one would contradict the
/// framing of the request or its target.
const RESERVED_HEADERS: [&str; 4] = ["content-length", "transfer-encoding", "host", "connection"];

/// Why `name: value` cannot be sent as a header, if it cannot.
pub fn check_header(name: &str, value: &str) -> Result<(), String> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    {
        return Err(format!("{name:?} is not a valid header name"));
    }
    if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        return Err(format!(
            "{name} is set by mcpreg's HTTP client and cannot be given"
        ));
    }
    if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(format!(
            "the value of {name} contains a line break or a NUL byte"
        ));
    }
    Ok(())
}

impl Registration {
    /// Refuses what no entry may hold: duplicate names in one list, names, URIs or
    /// descriptions over their caps, more than [`MAX_ITEMS`] items, or a header
    /// that [`check_header`] refuses. The reason names the field and the item.
    pub fn check_limits(&self) -> Result<(), String> {
        self.check_free_text()?;
        let names = |kind: &str, max: usize, list: &mut dyn Iterator<Item = &str>| {
            let mut seen = HashSet::new();
            for name in list {
                capped(kind, name, max)?;
                if !seen.insert(name) {
                    return Err(format!("the {kind} {name:?} is given twice"));
                }
            }
            Ok(())
        };
        names(
            "tool name",
            MAX_NAME_BYTES,
            &mut self.declared.tools.iter().map(|t| t.name.as_str()),
        )?;
        names(
            "prompt name",
            MAX_NAME_BYTES,
            &mut self.declared.prompts.iter().map(|p| p.name.as_str()),
        )?;
        names(
            "resource URI",
            MAX_URI_BYTES,
            &mut self.declared.resources.iter().map(|r| r.uri.as_str()),
        )?;
        let items =
            self.declared.tools.len() + self.declared.resources.len() + self.declared.prompts.len();
        if items > MAX_ITEMS {
            return Err(format!(
                "{items} tools, resources and prompts; at most {MAX_ITEMS} are kept per server"
            ));
        }
        let descriptions = self
            .declared
            .tools
            .iter()
            .map(|t| (&t.name, &t.description))
            .chain(
                self.declared
                    .prompts
                    .iter()
                    .map(|p| (&p.name, &p.description)),
            );
        for (name, description) in descriptions {
            if let Some(d) = description
                && d.len() > MAX_TEXT_BYTES
            {
                return Err(format!(
                    "the description of {name:?} has {} bytes (at most {MAX_TEXT_BYTES})",
                    d.len()
                ));
            }
        }
        for tool in &self.declared.tools {
            for (what, schema) in [
                ("input schema", &tool.input_schema),
                ("output schema", &tool.output_schema),
                ("annotations", &tool.annotations),
            ] {
                if let Some(schema) = schema
                    && json_len(schema) > MAX_TEXT_BYTES
                {
                    return Err(format!(
                        "the {what} of {:?} has {} bytes of JSON (at most {MAX_TEXT_BYTES})",
                        tool.name,
                        json_len(schema)
                    ));
                }
            }
        }
        if let Transport::StreamableHttp { headers, .. } | Transport::Sse { headers, .. } =
            &self.declared.transport
        {
            for (name, value) in headers {
                check_header(name, value)?;
            }
        }
        Ok(())
    }
}

impl Registration {
    /// The caps on the declaration's own free text: name, version and description,
    /// tags, capabilities, `meta`, and the URLs. Each refusal names the field and
    /// its cap.
    fn check_free_text(&self) -> Result<(), String> {
        let d = &self.declared;
        capped("name", &d.name, MAX_LABEL_BYTES)?;
        let optional = [
            ("version", d.version.as_deref(), MAX_LABEL_BYTES),
            ("description", d.description.as_deref(), MAX_TEXT_BYTES),
            ("health_url", d.health_url.as_deref(), MAX_URI_BYTES),
        ];
        for (field, value, max) in optional {
            if let Some(value) = value {
                capped(field, value, max)?;
            }
        }
        if let Transport::StreamableHttp { url, .. } | Transport::Sse { url, .. } = &d.transport {
            capped("url", url, MAX_URI_BYTES)?;
        }
        for tag in &d.tags {
            capped("tag", tag, MAX_LABEL_BYTES)?;
        }
        for capability in &d.capabilities {
            capped("capability", capability, MAX_LABEL_BYTES)?;
        }
        for (key, value) in &d.meta {
            capped("meta key", key, MAX_LABEL_BYTES)?;
            capped(&format!("meta value of {key:?}"), value, MAX_TEXT_BYTES)?;
        }
        Ok(())
    }
}

/// Refuses `value` of `field` when it has more than `max` bytes, quoting its start.
fn capped(field: &str, value: &str, max: usize) -> Result<(), String> {
    if value.len() <= max {
        return Ok(());
    }
    Err(format!(
        "the {field} has {} bytes (at most {max}): {:?}...",
        value.len(),
        value.chars().take(40).collect::<String>()
    ))
}

/// What a probe keeps of a server's lists, within the caps above, and a count of
/// what it left out.
#[derive(Default)]
pub struct Keeper {
    kept: usize,
    names: [HashSet<String>; 3],
    over_cap: [usize; 3],
    duplicates: [usize; 3],
    too_long: [usize; 3],
    cut: usize,
    schemas: usize,
    labels_cut: usize,
    capabilities_dropped: usize,
}

/// The three lists of a server, as [`Keeper`] counts them.
#[derive(Clone, Copy)]
pub enum List {
    Tools,
    Resources,
    Prompts,
}

impl List {
    fn index(self) -> usize {
        self as usize
    }

    fn noun(self) -> &'static str {
        ["tool", "resource", "prompt"][self.index()]
    }

    fn max_name(self) -> usize {
        match self {
            List::Resources => MAX_URI_BYTES,
            List::Tools | List::Prompts => MAX_NAME_BYTES,
        }
    }
}

impl Keeper {
    /// The item's name (a resource's URI) if the item is kept: not past the
    /// [`MAX_ITEMS`] already kept, not over the name cap, not a duplicate.
    pub fn admit(&mut self, list: List, name: String) -> Option<String> {
        let i = list.index();
        if self.kept >= MAX_ITEMS {
            self.over_cap[i] += 1;
            return None;
        }
        if name.len() > list.max_name() {
            self.too_long[i] += 1;
            return None;
        }
        if !self.names[i].insert(name.clone()) {
            self.duplicates[i] += 1;
            return None;
        }
        self.kept += 1;
        Some(name)
    }

    /// A tool as a probe keeps it, if kept: texts cut, oversized schemas dropped.
    pub fn tool(&mut self, tool: Tool) -> Option<Tool> {
        let name = self.admit(List::Tools, tool.name)?;
        Some(Tool {
            name,
            title: self.text(tool.title),
            description: self.text(tool.description),
            input_schema: self.schema(tool.input_schema),
            output_schema: self.schema(tool.output_schema),
            annotations: self.schema(tool.annotations),
        })
    }

    /// A resource (or template) as a probe keeps it, if kept.
    pub fn resource(&mut self, resource: Resource) -> Option<Resource> {
        let uri = self.admit(List::Resources, resource.uri)?;
        Some(Resource {
            uri,
            name: self.text(resource.name),
            description: self.text(resource.description),
            mime_type: self.text(resource.mime_type),
        })
    }

    /// A prompt as a probe keeps it, if kept.
    pub fn prompt(&mut self, mut prompt: Prompt) -> Option<Prompt> {
        let name = self.admit(List::Prompts, prompt.name)?;
        for argument in &mut prompt.arguments {
            argument.description = self.text(argument.description.take());
        }
        Some(Prompt {
            name,
            description: self.text(prompt.description),
            arguments: prompt.arguments,
        })
    }

    /// A schema, unless its JSON text is over [`MAX_TEXT_BYTES`].
    fn schema(&mut self, schema: Option<Value>) -> Option<Value> {
        let schema = schema?;
        if json_len(&schema) > MAX_TEXT_BYTES {
            self.schemas += 1;
            return None;
        }
        Some(schema)
    }

    /// `n` more items of `list` that were dropped unread (over [`MAX_ITEMS`]).
    pub fn dropped(&mut self, list: List, n: usize) {
        self.over_cap[list.index()] += n;
    }

    /// A description, cut to [`MAX_TEXT_BYTES`] at a character boundary.
    pub fn text(&mut self, text: Option<String>) -> Option<String> {
        let mut text = text?;
        if cut(&mut text, MAX_TEXT_BYTES) {
            self.cut += 1;
        }
        Some(text)
    }

    /// The server's name or version, cut to [`MAX_LABEL_BYTES`] at a character
    /// boundary: what a registration may hold, so that what `scan` or
    /// `--introspect` records from a server is never refused later.
    pub fn label(&mut self, text: Option<String>) -> Option<String> {
        let mut text = text?;
        if cut(&mut text, MAX_LABEL_BYTES) {
            self.labels_cut += 1;
        }
        Some(text)
    }

    /// The capability names within [`MAX_LABEL_BYTES`]; a longer one is dropped,
    /// not cut, as a cut name could be another capability's.
    pub fn capabilities(&mut self, names: Vec<String>) -> Vec<String> {
        let before = names.len();
        let kept: Vec<String> = names
            .into_iter()
            .filter(|n| n.len() <= MAX_LABEL_BYTES)
            .collect();
        self.capabilities_dropped += before - kept.len();
        kept
    }

    /// `"290000 tools dropped, 3 duplicate prompt names dropped"`; None when
    /// everything was kept.
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        for list in [List::Tools, List::Resources, List::Prompts] {
            let (i, noun) = (list.index(), list.noun());
            let what = if matches!(list, List::Resources) {
                "URIs"
            } else {
                "names"
            };
            if self.over_cap[i] > 0 {
                parts.push(format!(
                    "{} {noun}s dropped (over {MAX_ITEMS} items)",
                    self.over_cap[i]
                ));
            }
            if self.duplicates[i] > 0 {
                parts.push(format!(
                    "{} duplicate {noun} {what} dropped",
                    self.duplicates[i]
                ));
            }
            if self.too_long[i] > 0 {
                parts.push(format!(
                    "{} {noun}s with {what} over {} bytes dropped",
                    self.too_long[i],
                    list.max_name()
                ));
            }
        }
        if self.schemas > 0 {
            parts.push(format!(
                "{} schemas over {} KiB dropped",
                self.schemas,
                MAX_TEXT_BYTES / 1024
            ));
        }
        if self.cut > 0 {
            parts.push(format!(
                "{} descriptions cut to {} KiB",
                self.cut,
                MAX_TEXT_BYTES / 1024
            ));
        }
        if self.labels_cut > 0 {
            parts.push(format!(
                "{} of the server's name and version cut to {MAX_LABEL_BYTES} bytes",
                self.labels_cut
            ));
        }
        if self.capabilities_dropped > 0 {
            parts.push(format!(
                "{} capabilities with names over {MAX_LABEL_BYTES} bytes dropped",
                self.capabilities_dropped
            ));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// Cuts `text` to at most `max` bytes at a character boundary; whether it did.
fn cut(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    true
}

/// The length of `value` as compact JSON, counted without building the text.
fn json_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing a Value to a writer that never fails cannot fail.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeper_counts_what_it_drops() {
        let mut k = Keeper::default();
        assert_eq!(k.admit(List::Tools, "a".into()).as_deref(), Some("a"));
        assert_eq!(k.admit(List::Tools, "a".into()), None);
        assert_eq!(k.admit(List::Prompts, "a".into()).as_deref(), Some("a"));
        assert_eq!(k.admit(List::Tools, "x".repeat(MAX_NAME_BYTES + 1)), None);
        for i in 0..MAX_ITEMS {
            k.admit(List::Resources, format!("r{i}"));
        }
        assert_eq!(
            k.summary().as_deref(),
            Some(
                "1 duplicate tool names dropped, 1 tools with names over 256 bytes dropped, \
                 2 resources dropped (over 10000 items)"
            )
        );
        let long = "é".repeat(MAX_TEXT_BYTES);
        assert_eq!(k.text(Some(long)).map(|t| t.len()), Some(MAX_TEXT_BYTES));
    }

    #[test]
    fn headers_that_would_break_the_request_are_refused() {
        assert!(check_header("Authorization", "Bearer x").is_ok());
        assert!(check_header("X-A", "a\r\nHost: evil").is_err());
        assert!(check_header("content-length", "3").is_err());
        assert!(check_header("Transfer-Encoding", "chunked").is_err());
        assert!(check_header("Bad Name", "x").is_err());
    }
}
