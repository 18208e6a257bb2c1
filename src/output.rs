//! Rendering for people (comfy-table) and for scripts (JSON, YAML, bare ids).
//!
//! Data goes to stdout, buffered, through one writer per command; diagnostics go to
//! stderr through `Ui`. Colour only when asked for or when stdout is a terminal and
//! `NO_COLOR` is unset; JSON and YAML are the file format's own entry shape, so they
//! round-trip.
//!
//! What a server or a registry file says is data, not terminal control: every
//! string shown to people (table cells, `show`, health messages, diagnostics) goes
//! through [`escape`], whatever `--color` says. JSON, YAML and bare ids stay exact.

use crate::catalog::search::Ranking;
use crate::catalog::time::human_duration;
use crate::catalog::{Entry, HealthStatus, LeaseState, Timestamp};
use crate::error::Result;
use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};

/// How data is printed (`--format`); its clap side is in `cli`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// Full entries as JSON.
    Json,
    /// Full entries as YAML.
    Yaml,
    /// One id per line, for shell loops.
    Ids,
}

/// When tables are coloured (`--color`); its clap side is in `cli`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `text` with every character that could steer a terminal written out as an
/// escape: C0 controls (`\n`, `\r`, `\t`, others as `\x1b`), DEL, C1 controls
/// and the Unicode bidirectional controls (as `\u{202e}`). Everything else,
/// backslashes included, is left as it is.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(steers_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if steers_terminal(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// C0, DEL, C1, and the bidi embeddings, overrides, isolates and marks.
fn steers_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// A table cell of text a server or a file gave us.
pub fn cell(text: impl AsRef<str>) -> Cell {
    Cell::new(escape(text.as_ref()))
}

pub struct Output {
    pub format: OutputFormat,
    color: bool,
    out: io::BufWriter<io::Stdout>,
}

impl Output {
    pub fn new(format: OutputFormat, color: ColorChoice) -> Self {
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && io::stdout().is_terminal()
            }
        };
        Output {
            format,
            color,
            out: io::BufWriter::new(io::stdout()),
        }
    }

    /// Bytes as they are: a document rendered elsewhere.
    pub fn raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes)?;
        Ok(())
    }

    pub fn line(&mut self, text: impl std::fmt::Display) -> Result<()> {
        writeln!(self.out, "{text}")?;
        Ok(())
    }

    /// Writes `value` as JSON or YAML when that format was asked for; false otherwise.
    pub fn structured<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<bool> {
        match self.format {
            OutputFormat::Json => {
                serde_json::to_writer_pretty(&mut self.out, value).map_err(io::Error::from)?;
                writeln!(self.out)?;
            }
            OutputFormat::Yaml => {
                let text = serde_yaml::to_string(value).map_err(io::Error::other)?;
                self.out.write_all(text.as_bytes())?;
            }
            OutputFormat::Table | OutputFormat::Ids => return Ok(false),
        }
        Ok(true)
    }

    /// `list` and `find`: a row per entry, an array, or an id per line.
    pub fn entries(&mut self, entries: &[Entry], now: Timestamp) -> Result<()> {
        if self.structured(entries)? {
            return Ok(());
        }
        if self.format == OutputFormat::Ids {
            for e in entries {
                self.line(&e.id)?;
            }
            return Ok(());
        }
        if entries.is_empty() {
            return Ok(());
        }
        let mut table = self.table(&[
            "ID",
            "NAME",
            "TRANSPORT",
            "ENDPOINT",
            "TOOLS",
            "LEASE",
            "HEALTH",
        ]);
        for e in entries {
            table.add_row(vec![
                cell(&e.id),
                cell(&e.declared.name),
                Cell::new(e.declared.transport.kind()),
                cell(e.declared.transport.endpoint()),
                Cell::new(e.declared.tools.len()),
                self.lease_cell(e.lease_state(now)),
                self.health_cell(e),
            ]);
        }
        self.line(table)
    }

    /// `find --query`: entries best first; in JSON and YAML each gains its
    /// `search` (score and matching tools), in a table its best tools and score.
    pub fn ranked(&mut self, ranked: &[(Entry, Ranking)], now: Timestamp) -> Result<()> {
        let with_search: Vec<_> = ranked.iter().map(WithSearch::from).collect();
        if self.structured(&with_search)? {
            return Ok(());
        }
        if self.format == OutputFormat::Ids {
            for (e, _) in ranked {
                self.line(&e.id)?;
            }
            return Ok(());
        }
        let mut table = self.table(&[
            "ID",
            "NAME",
            "SCORE",
            "BEST TOOLS",
            "TRANSPORT",
            "LEASE",
            "HEALTH",
        ]);
        for (e, r) in ranked {
            table.add_row(vec![
                cell(&e.id),
                cell(&e.declared.name),
                Cell::new(format!("{:.2}", r.score)),
                Cell::new(best_tools(r)),
                Cell::new(e.declared.transport.kind()),
                self.lease_cell(e.lease_state(now)),
                self.health_cell(e),
            ]);
        }
        self.line(table)
    }

    /// `find --query --one`: the best entry itself, not an array of one.
    pub fn ranked_one(&mut self, best: &(Entry, Ranking), now: Timestamp) -> Result<()> {
        if self.structured(&WithSearch::from(best))? {
            return Ok(());
        }
        self.ranked(std::slice::from_ref(best), now)
    }

    /// `show`: every field of one entry.
    pub fn entry(&mut self, e: &Entry, now: Timestamp) -> Result<()> {
        if self.structured(e)? {
            return Ok(());
        }
        if self.format == OutputFormat::Ids {
            return self.line(&e.id);
        }
        let mut table = self.table(&[]);
        let mut row = |key: &str, value: Cell| {
            table.add_row(vec![Cell::new(key), value]);
        };
        let text = |s: &str| cell(s);
        let opt = |s: &Option<String>| cell(s.as_deref().unwrap_or("-"));
        // One line per item, each escaped: an item cannot forge another line.
        let lines = |items: Vec<String>| {
            Cell::new(if items.is_empty() {
                "-".into()
            } else {
                items
                    .iter()
                    .map(|item| escape(item))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        };
        row("id", text(&e.id));
        row("name", text(&e.declared.name));
        row("description", opt(&e.declared.description));
        row("version", opt(&e.declared.version));
        row("transport", text(e.declared.transport.kind().as_str()));
        row("endpoint", cell(e.declared.transport.endpoint()));
        let (pairs_name, pairs) = match &e.declared.transport {
            crate::catalog::Transport::Stdio { env, .. } => ("env", env),
            crate::catalog::Transport::StreamableHttp { headers, .. }
            | crate::catalog::Transport::Sse { headers, .. } => ("headers", headers),
        };
        row(
            pairs_name,
            lines(pairs.iter().map(|(k, v)| format!("{k}={v}")).collect()),
        );
        row(
            "tools",
            lines(e.declared.tools.iter().flat_map(tool_lines).collect()),
        );
        row(
            "resources",
            lines(e.declared.resources.iter().map(|r| r.uri.clone()).collect()),
        );
        row(
            "prompts",
            lines(
                e.declared
                    .prompts
                    .iter()
                    .map(|p| {
                        let args: Vec<String> = p
                            .arguments
                            .iter()
                            .map(|a| match a.required {
                                Some(true) => a.name.clone(),
                                _ => format!("[{}]", a.name),
                            })
                            .collect();
                        if args.is_empty() {
                            p.name.clone()
                        } else {
                            format!("{}({})", p.name, args.join(", "))
                        }
                    })
                    .collect(),
            ),
        );
        row("capabilities", lines(e.declared.capabilities.clone()));
        row("tags", lines(e.declared.tags.clone()));
        row(
            "meta",
            lines(
                e.declared
                    .meta
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect(),
            ),
        );
        row("auth", text(e.declared.auth.name()));
        row("health url", opt(&e.declared.health_url));
        row("registered", Cell::new(e.registered_at));
        row("updated", Cell::new(e.updated_at));
        row("lease", self.lease_cell(e.lease_state(now)));
        row("health", self.health_cell(e));
        row("pins", lines(pin_lines(e)));
        self.line(table)
    }

    pub fn table(&self, header: &[&str]) -> Table {
        let mut table = Table::new();
        table
            .load_preset(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if !header.is_empty() {
            table.set_header(header.to_vec());
        }
        if self.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        table
    }

    fn paint(&self, cell: Cell, color: Color) -> Cell {
        if self.color { cell.fg(color) } else { cell }
    }

    pub fn lease_cell(&self, state: LeaseState) -> Cell {
        match state {
            LeaseState::Unleased => Cell::new("-"),
            LeaseState::Live { remaining } => self.paint(
                Cell::new(format!("live {}", human_duration(remaining))),
                Color::Green,
            ),
            LeaseState::Expired { ago } => self.paint(
                Cell::new(format!("expired {} ago", human_duration(ago))),
                Color::Red,
            ),
        }
    }

    pub fn health_cell(&self, e: &Entry) -> Cell {
        match &e.health {
            None => Cell::new("-"),
            Some(h) if h.status == HealthStatus::Ok => {
                let mut text = match h.latency_ms {
                    Some(ms) => format!("ok {ms}ms"),
                    None => "ok".into(),
                };
                if let Some(truncated) = &h.truncated {
                    let _ = write!(text, " (truncated: {truncated})");
                }
                self.paint(cell(text), Color::Green)
            }
            Some(h) if h.status == HealthStatus::Changed => self.paint(
                cell(match &h.error {
                    Some(err) => format!("changed: {err}"),
                    None => "changed".into(),
                }),
                Color::Yellow,
            ),
            Some(h) => self.paint(
                cell(match &h.error {
                    Some(err) => format!("down: {err}"),
                    None => "down".into(),
                }),
                Color::Red,
            ),
        }
    }

    /// Whether the reader of stdout has gone (a closed pipe), checked without
    /// writing: a watch with nothing to say still ends when its reader does.
    pub fn is_closed(&self) -> bool {
        let mut fd = libc::pollfd {
            fd: libc::STDOUT_FILENO,
            events: 0,
            revents: 0,
        };
        // SAFETY: one valid pollfd, zero timeout.
        let ready = unsafe { libc::poll(&raw mut fd, 1, 0) };
        ready > 0 && fd.revents & (libc::POLLERR | libc::POLLHUP) != 0
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// The pins of `show`: when they were taken, and what the last probe saw that
/// differs from them (hidden text in the tools shown is flagged as well).
fn pin_lines(e: &Entry) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(pins) = &e.pins {
        out.push(format!(
            "{} tool(s) pinned {}",
            pins.tools.len(),
            pins.pinned_at
        ));
        if let Some(seen) = &pins.seen {
            out.extend(pins.compare(seen).iter().map(|c| format!("differs: {c}")));
        }
    }
    let shown_hidden = crate::catalog::pins::hidden_text(&e.declared.tools);
    out.extend(shown_hidden.iter().map(|c| format!("warning: {c}")));
    out
}

/// A tool for people: `name (title): description [hints]`, then one indented
/// line per parameter, `name  type  required  description`.
fn tool_lines(t: &crate::catalog::model::Tool) -> Vec<String> {
    let mut head = t.name.clone();
    if let Some(title) = &t.title {
        let _ = write!(head, " ({title})");
    }
    if let Some(d) = &t.description {
        let _ = write!(head, ": {d}");
    }
    let hints = t.hints();
    if !hints.is_empty() {
        let _ = write!(head, " [{}]", hints.join(", "));
    }
    let mut out = vec![head];
    for p in t.parameters() {
        let mut line = format!("  {} {}", p.name, p.kind);
        if p.required {
            line.push_str(" required");
        }
        if let Some(d) = p.description {
            let _ = write!(line, " - {d}");
        }
        out.push(line);
    }
    out
}

/// Diagnostics on stderr: notes when verbose, warnings unless quiet.
pub struct Ui {
    pub quiet: bool,
    pub verbose: bool,
}

impl Ui {
    pub fn warn(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            diagnostic(message);
        }
    }

    pub fn note(&self, message: impl std::fmt::Display) {
        if self.verbose {
            diagnostic(message);
        }
    }
}

/// An entry as `find --query` prints it for scripts: every field, and `search`.
#[derive(Serialize)]
struct WithSearch<'a> {
    #[serde(flatten)]
    entry: &'a Entry,
    search: &'a Ranking,
}

impl<'a> From<&'a (Entry, Ranking)> for WithSearch<'a> {
    fn from((entry, search): &'a (Entry, Ranking)) -> Self {
        WithSearch { entry, search }
    }
}

/// The tools a table shows for a ranked entry: the best three, with scores, each
/// name escaped (a name cannot forge another line).
fn best_tools(r: &Ranking) -> String {
    const SHOWN: usize = 3;
    if r.tools.is_empty() {
        return "- (server text)".into();
    }
    let mut cell = r
        .tools
        .iter()
        .take(SHOWN)
        .map(|t| format!("{} {:.2}", escape(&t.name), t.score))
        .collect::<Vec<_>>()
        .join("\n");
    if r.tools.len() > SHOWN {
        let _ = write!(cell, "\n+{} more", r.tools.len() - SHOWN);
    }
    cell
}

/// One line on stderr, `mcpreg: ` first, escaped: a message may quote a server.
pub fn diagnostic(message: impl std::fmt::Display) {
    eprintln!("mcpreg: {}", escape(&message.to_string()));
}
