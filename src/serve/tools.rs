//! The four tools of `mcpreg serve`: their definitions, and their answers over a
//! snapshot of the registry. Pure functions of (entries, arguments, now): the MCP
//! face only carries them.
//!
//! Filters are the very flags of `find`: a `filters` object is turned into
//! `find`'s command line and parsed by clap, so a filter means here exactly what
//! it means there, and a bad one gets the message `find` would give.

use super::Snapshot;
use super::secrets::Secrets;
use crate::catalog::search::{Ranking, Search};
use crate::catalog::{Entry, HealthState, LeaseState, Query, Timestamp, TransportKind};
use crate::cli::Find;
use crate::interop::{Target, export_new};
use clap::Parser;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

/// `search_tools` rows when the caller gives no `limit`: enough to choose from,
/// few enough to keep an agent's context small.
pub const DEFAULT_TOOL_ROWS: usize = 10;

/// What a tool answers: the structured result and a short text for people.
pub struct Answer {
    pub structured: Value,
    pub text: String,
}

/// Why a call cannot be answered: a message for the caller (a tool error).
pub type Refusal = String;

/// One tool's definition, as `tools/list` gives it.
#[allow(
    clippy::too_many_lines,
    reason = "the four tools' schemas, one JSON literal each, read as the tools/list an agent gets"
)]
pub fn definitions() -> Vec<Value> {
    let filters = filters_schema();
    let annotations = json!({
        "readOnlyHint": true, "destructiveHint": false,
        "idempotentHint": true, "openWorldHint": false,
    });
    let summary = json!({
        "type": "object",
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "description": {"type": ["string", "null"]},
            "transport": {"type": "string", "enum": TransportKind::ALL.map(TransportKind::as_str)},
            "tools": {"type": "array", "items": {"type": "string"}},
            "tags": {"type": "array", "items": {"type": "string"}},
            "lease": {"type": "string", "enum": ["none", "live", "expired"]},
            "expires_at": {"type": ["string", "null"]},
            "health": {"type": "string", "enum": ["ok", "down", "unknown", "changed"]},
        },
        "required": ["id", "name", "transport", "tools", "tags", "lease", "health"],
    });
    vec![
        json!({
            "name": "search_tools",
            "title": "Search tools",
            "description": "Rank the tools of the registered servers by relevance to a text (BM25 over tool names, titles and descriptions), best first. Returns the server id and name with each tool's description and inputSchema.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "What the tool should do, in words"},
                    "limit": {"type": "integer", "minimum": 1, "description": "At most this many rows (default 10)"},
                    "filters": filters,
                },
                "required": ["query"],
                "additionalProperties": false,
            },
            "outputSchema": {
                "type": "object",
                "properties": {"tools": {"type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "server_id": {"type": "string"}, "server_name": {"type": "string"},
                        "tool": {"type": "string"}, "title": {"type": ["string", "null"]},
                        "description": {"type": ["string", "null"]},
                        "inputSchema": {"type": ["object", "null"]},
                        "score": {"type": "number"},
                    },
                    "required": ["server_id", "server_name", "tool", "score"],
                }}},
                "required": ["tools"],
            },
            "annotations": annotations,
        }),
        json!({
            "name": "find_servers",
            "title": "Find servers",
            "description": "The registered servers that match every filter given (the filters of `mcpreg find`; live and not known to be down by default), as short summaries. With filters.query they are ranked by relevance.",
            "inputSchema": {
                "type": "object",
                "properties": {"filters": filters},
                "additionalProperties": false,
            },
            "outputSchema": {
                "type": "object",
                "properties": {"servers": {"type": "array", "items": summary}},
                "required": ["servers"],
            },
            "annotations": annotations,
        }),
        json!({
            "name": "get_server",
            "title": "Get a server",
            "description": "The full registry entry of one server: transport, tools with their schemas, resources, prompts, lease and health.",
            "inputSchema": {
                "type": "object",
                "properties": {"id": {"type": "string", "description": "The server's id, as find_servers gives it"}},
                "required": ["id"],
                "additionalProperties": false,
            },
            "outputSchema": {
                "type": "object",
                "properties": {"server": {"type": "object"}},
                "required": ["server"],
            },
            "annotations": annotations,
        }),
        json!({
            "name": "get_client_config",
            "title": "Get a client config",
            "description": "The config snippet that `mcpreg export --to CLIENT` writes for these servers, ready to merge into the client's MCP config file. Secrets are written as placeholders the client fills from its environment.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "ids": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "client": {"type": "string", "enum": export_targets()},
                },
                "required": ["ids", "client"],
                "additionalProperties": false,
            },
            "outputSchema": {
                "type": "object",
                "properties": {
                    "client": {"type": "string"},
                    "config": {},
                    "skipped": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["client", "config", "skipped"],
            },
            "annotations": annotations,
        }),
    ]
}

/// The JSON Schema of a `filters` object: one property per flag of `find`.
fn filters_schema() -> Value {
    let many = |what: &str| {
        json!({"description": what, "oneOf": [
            {"type": "string"}, {"type": "array", "items": {"type": "string"}}
        ]})
    };
    json!({
        "type": "object",
        "description": "Every filter given must hold (as the flags of `mcpreg find`)",
        "properties": {
            "tool": many("Offers this tool (all of them, when several)"),
            "resource": many("Offers this resource URI"),
            "prompt": many("Offers this prompt"),
            "capability": many("Has this capability"),
            "tag": many("Carries this tag (all of them, when several)"),
            "name": {"type": "string", "description": "Has exactly this name"},
            "transport": {"type": "string", "enum": TransportKind::ALL.map(TransportKind::as_str)},
            "meta": {"type": "object", "additionalProperties": {"type": "string"},
                     "description": "Has these metadata keys with these values"},
            "status": {"type": "string", "enum": ["live", "expired", "any"]},
            "health": {"description": "Health states to include (default ok and unknown)", "oneOf": [
                {"type": "string", "enum": ["ok", "down", "unknown", "changed", "any"]},
                {"type": "array", "items": {"type": "string", "enum": ["ok", "down", "unknown", "changed", "any"]}},
            ]},
            "query": {"type": "string", "description": "Rank by relevance to this text"},
            "limit": {"type": "integer", "minimum": 1},
        },
        "additionalProperties": false,
    })
}

/// `find`'s flags, parsed from a command line made of a `filters` object.
#[derive(Parser)]
#[command(no_binary_name = true, disable_help_flag = true)]
struct FindLine {
    #[command(flatten)]
    find: Find,
}

/// A tool's arguments, checked: an object of the properties its schema names.
fn object(
    arguments: Option<&Map<String, Value>>,
    allowed: &[&str],
) -> Result<Map<String, Value>, Refusal> {
    let arguments = arguments.cloned().unwrap_or_default();
    if let Some(unknown) = arguments.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!(
            "unknown argument {unknown:?}; this tool takes {}",
            allowed.join(", ")
        ));
    }
    Ok(arguments)
}

/// `find`'s flags for a `filters` object.
fn parse_filters(filters: Option<&Value>) -> Result<Find, Refusal> {
    let mut line: Vec<String> = Vec::new();
    let filters = match filters {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(other) => return Err(format!("filters: expected an object, got {other}")),
    };
    for (key, value) in &filters {
        let flag = match key.as_str() {
            "tool" | "resource" | "prompt" | "capability" | "tag" | "name" | "transport"
            | "status" | "health" | "query" | "limit" | "meta" => key.as_str(),
            _ => return Err(format!("filters: unknown filter {key:?}")),
        };
        let mut push = |v: String| line.push(format!("--{flag}={v}"));
        match (flag, value) {
            ("meta", Value::Object(pairs)) => {
                for (k, v) in pairs {
                    match v {
                        Value::String(v) => push(format!("{k}={v}")),
                        _ => return Err(format!("filters.meta.{k}: expected a string")),
                    }
                }
            }
            ("limit", Value::Number(n)) => push(n.to_string()),
            (_, Value::String(s)) if flag != "meta" && flag != "limit" => push(s.clone()),
            (
                "tool" | "resource" | "prompt" | "capability" | "tag" | "health",
                Value::Array(items),
            ) => {
                for item in items {
                    match item {
                        Value::String(s) => push(s.clone()),
                        _ => return Err(format!("filters.{flag}: expected strings")),
                    }
                }
            }
            _ => return Err(format!("filters.{flag}: {value} is not a valid value")),
        }
    }
    FindLine::try_parse_from(&line)
        .map(|l| l.find)
        .map_err(|e| {
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("bad filters").trim();
            format!("filters: {}", first.trim_start_matches("error: "))
        })
}

/// The query and the optional ranking a `find` line asks for.
fn selection(find: &Find) -> Result<(Query, Option<Search>), Refusal> {
    let query = find.filters.query().map_err(|e| format!("filters: {e}"))?;
    let search = match &find.query {
        Some(text) => Some(Search::parse(text).map_err(|e| format!("query: {e}"))?),
        None => None,
    };
    Ok((query, search))
}

/// Where the entries of a snapshot that carry each tool name and each tag
/// stand in it, ascending: a tool or tag filter then looks at the entries
/// that can match (100 of 10,000 for a rare tool) instead of scanning all of
/// them, which was a third of a `find_servers` call (perf, issue 14 §3).
/// Names are kept as their hashes, so that building the index copies no
/// string: two names of one hash share a list, a superset of each, and
/// [`may_match`] and `Query::matches` still decide.
#[derive(Default)]
pub struct Index {
    hasher: RandomState,
    tools: HashMap<u64, Vec<usize>>,
    tags: HashMap<u64, Vec<usize>>,
}

impl Index {
    pub fn of(entries: &[Arc<Entry>]) -> Index {
        let mut index = Index::default();
        for (i, e) in entries.iter().enumerate() {
            for tool in &e.declared.tools {
                index.add(Kind::Tool, &tool.name, i);
            }
            for tag in &e.declared.tags {
                index.add(Kind::Tag, tag, i);
            }
        }
        index
    }

    fn map(&self, kind: Kind) -> &HashMap<u64, Vec<usize>> {
        match kind {
            Kind::Tool => &self.tools,
            Kind::Tag => &self.tags,
        }
    }

    fn add(&mut self, kind: Kind, name: &str, i: usize) {
        let hash = self.hasher.hash_one(name);
        let map = match kind {
            Kind::Tool => &mut self.tools,
            Kind::Tag => &mut self.tags,
        };
        let at = map.entry(hash).or_default();
        // A tool listed twice is one match.
        if at.last() != Some(&i) {
            at.push(i);
        }
    }

    fn list(&self, kind: Kind, name: &str) -> &[usize] {
        self.map(kind)
            .get(&self.hasher.hash_one(name))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether `query` asks for a tool or a tag: only then is the index of use.
    fn helps(query: &Query) -> bool {
        !query.tools.is_empty() || !query.tags.is_empty()
    }

    /// The positions of the entries that may carry every tool and tag `query`
    /// asks for: the shortest list of one of them.
    fn candidates(&self, query: &Query) -> &[usize] {
        query
            .tools
            .iter()
            .map(|t| self.list(Kind::Tool, t))
            .chain(query.tags.iter().map(|t| self.list(Kind::Tag, t)))
            .min_by_key(|l| l.len())
            .unwrap_or(&[])
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Tool,
    Tag,
}

/// The entries `query` selects, ranked by `search` when given; at most `limit`.
fn select<'e>(
    snapshot: &'e Snapshot,
    query: &Query,
    search: Option<&Search>,
    limit: Option<usize>,
    now: Timestamp,
) -> Vec<(&'e Entry, Option<Ranking>)> {
    let matches = |e: &&'e Entry| may_match(query, e) && query.matches(&e.view(), now);
    // The index is built on the first call after a change that needs it.
    let found: Vec<&Entry> = if Index::helps(query) {
        snapshot
            .index()
            .candidates(query)
            .iter()
            .map(|&i| snapshot.entries[i].as_ref())
            .filter(matches)
            .collect()
    } else {
        snapshot
            .entries
            .iter()
            .map(AsRef::as_ref)
            .filter(matches)
            .collect()
    };
    match search {
        Some(search) => search
            .rank(found.iter().copied(), limit)
            .into_iter()
            .map(|(i, r)| (found[i], Some(r)))
            .collect(),
        None => found
            .into_iter()
            .take(limit.unwrap_or(usize::MAX))
            .map(|e| (e, None))
            .collect(),
    }
}

/// A necessary condition of `query.matches`, read from the entry's own fields:
/// `matches` then decides. Building the view of each of 10,000 entries (six
/// vectors each) was two thirds of a `find_servers` call (perf); a tool, tag or
/// name filter rejects most entries on these fields alone.
fn may_match(query: &Query, e: &Entry) -> bool {
    query.name.as_ref().is_none_or(|n| *n == e.declared.name)
        && query
            .tools
            .iter()
            .all(|w| e.declared.tools.iter().any(|t| t.name == *w))
        && query.tags.iter().all(|w| e.declared.tags.contains(w))
}

fn limit_of(value: Option<&Value>) -> Result<Option<usize>, Refusal> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(n) if n >= 1 => Ok(Some(usize::try_from(n).unwrap_or(usize::MAX))),
            _ => Err(format!("limit: {n} is not a whole number of at least 1")),
        },
        Some(other) => Err(format!("limit: expected a number, got {other}")),
    }
}

fn string_of<'a>(arguments: &'a Map<String, Value>, key: &str) -> Result<&'a str, Refusal> {
    match arguments.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!("{key}: expected a string, got {other}")),
        None => Err(format!("{key}: required")),
    }
}

pub fn search_tools(
    snapshot: &Snapshot,
    arguments: Option<&Map<String, Value>>,
    now: Timestamp,
) -> Result<Answer, Refusal> {
    let arguments = object(arguments, &["query", "limit", "filters"])?;
    let text = string_of(&arguments, "query")?;
    let limit = limit_of(arguments.get("limit"))?.unwrap_or(DEFAULT_TOOL_ROWS);
    let find = parse_filters(arguments.get("filters"))?;
    let (query, _) = selection(&find)?;
    let search = Search::parse(text).map_err(|e| format!("query: {e}"))?;
    let mut rows = Vec::new();
    for (e, ranking) in select(snapshot, &query, Some(&search), None, now) {
        for scored in ranking.map(|r| r.tools).unwrap_or_default() {
            let Some(tool) = e.declared.tools.iter().find(|t| t.name == scored.name) else {
                continue;
            };
            rows.push(json!({
                "server_id": e.id, "server_name": e.declared.name, "tool": tool.name,
                "title": tool.title, "description": tool.description,
                "inputSchema": tool.input_schema, "score": scored.score,
            }));
        }
    }
    // Entries come best first and each one's tools best first; a good tool of a
    // weaker entry still beats a poor tool of a stronger one.
    rows.sort_by(|a, b| {
        let score = |r: &Value| r["score"].as_f64().unwrap_or(0.0);
        score(b).total_cmp(&score(a))
    });
    rows.truncate(limit);
    let text = rows
        .iter()
        .map(|r| {
            format!(
                "{} ({}): {}",
                r["tool"].as_str().unwrap_or(""),
                r["server_id"].as_str().unwrap_or(""),
                r["description"].as_str().unwrap_or("")
            )
        })
        .collect::<Vec<_>>();
    Ok(Answer {
        text: rendered(text, "no tool matches"),
        structured: json!({ "tools": rows }),
    })
}

pub fn find_servers(
    snapshot: &Snapshot,
    arguments: Option<&Map<String, Value>>,
    now: Timestamp,
) -> Result<Answer, Refusal> {
    let arguments = object(arguments, &["filters"])?;
    let find = parse_filters(arguments.get("filters"))?;
    let (query, search) = selection(&find)?;
    let limit = find.limit.map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    let found = select(snapshot, &query, search.as_ref(), limit, now);
    // One string written in place: a call answers 100 servers, and on two
    // cores every allocation of it is taken from the next call.
    let mut text = String::with_capacity(found.len() * 64);
    for (e, _) in &found {
        if !text.is_empty() {
            text.push('\n');
        }
        let _ = write!(
            text,
            "{} {} [{}] ",
            e.id,
            e.declared.name,
            e.declared.transport.kind()
        );
        for (i, tool) in e.declared.tools.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&tool.name);
        }
    }
    if text.is_empty() {
        text.push_str("no server matches");
    }
    let servers: Vec<Value> = found.iter().map(|(e, _)| summary(e, now)).collect();
    let mut structured = Map::with_capacity(1);
    structured.insert("servers".into(), Value::Array(servers));
    Ok(Answer {
        text,
        structured: Value::Object(structured),
    })
}

fn summary(e: &Entry, now: Timestamp) -> Value {
    let lease = match e.lease_state(now) {
        LeaseState::Unleased => "none",
        LeaseState::Live { .. } => "live",
        LeaseState::Expired { .. } => "expired",
    };
    let health = match HealthState::of(e.health.as_ref().map(|h| h.status)) {
        HealthState::Ok => "ok",
        HealthState::Down => "down",
        HealthState::Unknown => "unknown",
        HealthState::Changed => "changed",
    };
    let string = |s: &str| Value::String(s.to_owned());
    // Sized up front: growing a map of nine keys rehashes it three times.
    let mut summary = Map::with_capacity(9);
    summary.insert("id".into(), string(&e.id));
    summary.insert("name".into(), string(&e.declared.name));
    summary.insert(
        "description".into(),
        e.declared
            .description
            .as_deref()
            .map_or(Value::Null, string),
    );
    summary.insert(
        "transport".into(),
        string(e.declared.transport.kind().as_str()),
    );
    summary.insert(
        "tools".into(),
        Value::Array(e.declared.tools.iter().map(|t| string(&t.name)).collect()),
    );
    summary.insert(
        "tags".into(),
        Value::Array(e.declared.tags.iter().map(|t| string(t)).collect()),
    );
    summary.insert("lease".into(), string(lease));
    summary.insert(
        "expires_at".into(),
        e.lease.map_or(Value::Null, |l| json!(l.expires_at)),
    );
    summary.insert("health".into(), string(health));
    Value::Object(summary)
}

pub fn get_server(
    entries: &[Arc<Entry>],
    arguments: Option<&Map<String, Value>>,
    secrets: Secrets,
) -> Result<Answer, Refusal> {
    let arguments = object(arguments, &["id"])?;
    let id = string_of(&arguments, "id")?;
    let e = lookup(entries, id)?;
    let shown = secrets.answer(e);
    let text = format!(
        "{} ({}): {} {}",
        e.declared.name,
        e.id,
        e.declared.transport.kind(),
        e.declared.description.as_deref().unwrap_or("")
    );
    Ok(Answer {
        text: text.trim_end().to_owned(),
        structured: json!({ "server": shown }),
    })
}

pub fn get_client_config(
    entries: &[Arc<Entry>],
    arguments: Option<&Map<String, Value>>,
    secrets: Secrets,
) -> Result<Answer, Refusal> {
    let arguments = object(arguments, &["ids", "client"])?;
    let client = string_of(&arguments, "client")?;
    let to = Target::by_name(client).ok_or_else(|| {
        format!(
            "client: {client:?} is not one of {}",
            export_targets().join(", ")
        )
    })?;
    let ids = match arguments.get("ids") {
        Some(Value::Array(ids)) if !ids.is_empty() => ids,
        Some(Value::Array(_)) => return Err("ids: give at least one id".into()),
        Some(other) => return Err(format!("ids: expected an array of ids, got {other}")),
        None => return Err("ids: required".into()),
    };
    let mut chosen = Vec::new();
    for id in ids {
        let Value::String(id) = id else {
            return Err(format!("ids: {id} is not a string"));
        };
        chosen.push(secrets.config(lookup(entries, id)?, to));
    }
    let written = export_new(to, chosen)?;
    let text = String::from_utf8_lossy(&written.bytes).into_owned();
    // JSON configs are given as JSON; TOML and YAML ones as their text.
    let config = serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()));
    Ok(Answer {
        text,
        structured: json!({
            "client": client,
            "config": config,
            "skipped": written.skipped,
        }),
    })
}

/// The names `export --to` takes.
fn export_targets() -> Vec<&'static str> {
    Target::all().map(Target::name).collect()
}

fn lookup<'e>(entries: &'e [Arc<Entry>], id: &str) -> Result<&'e Entry, Refusal> {
    entries
        .binary_search_by(|e| e.id.as_str().cmp(id))
        .map(|i| entries[i].as_ref())
        .map_err(|_| format!("id: no server with id {id:?}"))
}

fn rendered(lines: Vec<String>, none: &str) -> String {
    if lines.is_empty() {
        none.to_owned()
    } else {
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(i: usize, tools: &[&str], tags: &[&str]) -> Arc<Entry> {
        let tools: Vec<Value> = tools.iter().map(|t| json!({"name": t})).collect();
        Arc::new(
            serde_json::from_value(json!({
                "id": format!("e-{i:03}"), "name": format!("n{i}"),
                "transport": {"type": "stdio", "command": "/usr/bin/srv"},
                "tools": tools, "tags": tags,
                "registered_at": "2026-11-01T10:00:00Z", "updated_at": "2026-11-01T10:00:00Z",
            }))
            .expect("an entry"),
        )
    }

    fn ids(answer: &Answer) -> Vec<String> {
        answer.structured["servers"]
            .as_array()
            .expect("servers")
            .iter()
            .map(|s| s["id"].as_str().expect("id").to_owned())
            .collect()
    }

    /// The index only narrows the entries looked at: what `find_servers`
    /// answers through it is what `Query::matches` picks from every entry.
    #[test]
    fn the_index_answers_what_a_scan_of_every_entry_answers() {
        const NAMES: [&str; 5] = ["a", "b", "c", "read_file", "a"];
        let pick = proptest::collection::vec(0..NAMES.len(), 0..4);
        crate::testing::seeded_runner("find_servers index", 128)
            .run(
                &(
                    proptest::collection::vec((pick.clone(), pick), 0..30),
                    proptest::collection::vec(0..NAMES.len(), 0..3),
                    proptest::collection::vec(0..NAMES.len(), 0..2),
                ),
                |(entries, want_tools, want_tags)| {
                    let names = |at: &[usize]| at.iter().map(|&i| NAMES[i]).collect::<Vec<_>>();
                    let entries: Vec<Arc<Entry>> = entries
                        .iter()
                        .enumerate()
                        .map(|(i, (tools, tags))| entry(i, &names(tools), &names(tags)))
                        .collect();
                    let snapshot = Snapshot::new(entries.clone());
                    let filters = json!({"tool": names(&want_tools), "tag": names(&want_tags)});
                    let arguments = json!({ "filters": filters });
                    let now = Timestamp::now();
                    let answer = find_servers(&snapshot, arguments.as_object(), now)
                        .map_err(TestCaseError::fail)?;
                    let find = parse_filters(Some(&filters)).map_err(TestCaseError::fail)?;
                    let (query, _) = selection(&find).map_err(TestCaseError::fail)?;
                    let scanned: Vec<String> = entries
                        .iter()
                        .filter(|e| query.matches(&e.view(), now))
                        .map(|e| e.id.clone())
                        .collect();
                    prop_assert_eq!(ids(&answer), scanned);
                    Ok(())
                },
            )
            .unwrap();
    }
}
