//! Reading and editing a config in its own syntax, keeping what the user wrote.
//!
//! - JSON and JSONC: edited in place through jsonc-parser's concrete syntax tree, so
//!   comments, trailing commas, key order and formatting outside mcpreg's entries
//!   stay byte for byte. Strict JSON files are checked with `serde_json` first: a
//!   client that reads plain JSON must not be handed a comment.
//! - TOML (Codex): edited with `toml_edit`, which keeps comments and other tables.
//! - YAML (Goose, Continue): no maintained Rust crate edits YAML keeping comments,
//!   so the document is read and written whole; comments are lost, and the caller
//!   keeps a backup of a file that had some.

use super::{Fields, Layout, MARKER, Plan};
use crate::interop::kind_of;
use crate::store::strict;
use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstInputValue, CstObject, CstRootNode};
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Jsonc,
    Toml,
    Yaml,
}

impl Syntax {
    /// Whether a file read as `other` may be this syntax's (JSON is JSONC).
    pub fn reads_as(self, other: Syntax) -> bool {
        self == other || (self == Syntax::Json && other == Syntax::Jsonc)
    }

    /// The syntax a file is in, by its name: `.toml`, `.yaml`/`.yml`, else JSON(C).
    pub fn of_path(path: &std::path::Path) -> Syntax {
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => Syntax::Toml,
            Some("yaml" | "yml") => Syntax::Yaml,
            _ => Syntax::Jsonc,
        }
    }

    /// The whole document, which must be an object (a mapping, a table).
    pub fn read(self, text: &str) -> Result<Map<String, Value>, String> {
        let value: Value = match self {
            Syntax::Json => serde_json::from_str(text)
                .map_err(|e| format!("not JSON: line {}, column {}: {e}", e.line(), e.column()))?,
            Syntax::Jsonc => jsonc(text)?,
            Syntax::Toml => {
                toml_edit::de::from_str(text).map_err(|e| not_toml(text, e.span(), e.message()))?
            }
            Syntax::Yaml => {
                yaml_depth(text)?;
                serde_yaml::from_str(text).map_err(|e| match e.location() {
                    Some(l) => format!("not YAML: line {}, column {}: {e}", l.line(), l.column()),
                    None => format!("not YAML: {e}"),
                })?
            }
        };
        match value {
            Value::Object(m) => Ok(m),
            Value::Null if self == Syntax::Yaml => Ok(Map::new()),
            v => Err(format!("the config must be an object, not {}", kind_of(&v))),
        }
    }

    /// The text after `plan`, and whether comments of the old text were lost.
    pub fn apply(self, existing: Option<&str>, plan: &Plan) -> Result<(Vec<u8>, bool), String> {
        match self {
            Syntax::Json | Syntax::Jsonc => {
                let mut text = apply_jsonc(existing.unwrap_or(""), plan)?;
                if existing.is_none() && !text.ends_with('\n') {
                    text.push('\n');
                }
                Ok((text.into_bytes(), false))
            }
            Syntax::Toml => Ok((
                apply_toml(existing.unwrap_or(""), plan)?.into_bytes(),
                false,
            )),
            Syntax::Yaml => {
                let had = existing.is_some_and(has_yaml_comments);
                Ok((apply_yaml(existing, plan)?.into_bytes(), had))
            }
        }
    }
}

/// A TOML error as line, column and message: `toml_edit`'s own text quotes the
/// whole line, which may be as long as the file.
fn not_toml(text: &str, span: Option<std::ops::Range<usize>>, message: &str) -> String {
    let at = span.map_or(0, |s| s.start).min(text.len());
    let before = text.get(..at).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!(
        "not TOML: line {line}, column {column}: {}",
        message.trim_end()
    )
}

fn jsonc(text: &str) -> Result<Value, String> {
    jsonc_parser::parse_to_serde_value(text, &ParseOptions::default())
        .map_err(|e| {
            format!(
                "not JSON (with comments): line {}, column {}: {}",
                e.line_display(),
                e.column_display(),
                e.kind()
            )
        })
        .map(|v: Option<Value>| v.unwrap_or(Value::Object(Map::new())))
}

fn cst_value(v: &Value) -> CstInputValue {
    match v {
        Value::Null => CstInputValue::Null,
        Value::Bool(b) => CstInputValue::Bool(*b),
        Value::Number(n) => CstInputValue::Number(n.to_string()),
        Value::String(s) => CstInputValue::String(s.clone()),
        Value::Array(items) => CstInputValue::Array(items.iter().map(cst_value).collect()),
        Value::Object(m) => {
            CstInputValue::Object(m.iter().map(|(k, v)| (k.clone(), cst_value(v))).collect())
        }
    }
}

fn cst_fields(f: &Fields) -> CstInputValue {
    CstInputValue::Object(f.iter().map(|(k, v)| (k.clone(), cst_value(v))).collect())
}

fn apply_jsonc(text: &str, plan: &Plan) -> Result<String, String> {
    let root = CstRootNode::parse(text, &ParseOptions::default()).map_err(|e| {
        format!(
            "not JSON: line {}, column {}: {}",
            e.line_display(),
            e.column_display(),
            e.kind()
        )
    })?;
    let top = root.object_value_or_set();
    if text.trim().is_empty() {
        for (k, v) in plan.new_file {
            top.append(k, CstInputValue::String((*v).to_owned()));
        }
    }
    if plan.layout != Layout::Map {
        return Err("a list of servers in JSON is not supported".into());
    }
    // The servers' object is made only when something goes into it.
    let mut servers: Option<CstObject> = Some(top.clone());
    for key in plan.at {
        servers = match (servers, plan.put.is_empty()) {
            (Some(o), false) => Some(o.object_value_or_set(key)),
            (Some(o), true) => o.object_value(key),
            (None, _) => None,
        };
    }
    if let Some(servers) = servers {
        for name in &plan.remove {
            if let Some(p) = servers.get(name) {
                p.remove();
            }
        }
        let emptied = plan.drop_empty && servers.properties().is_empty();
        if let (true, Some(p)) = (emptied, servers.parent().and_then(|p| p.as_object_prop())) {
            p.remove();
        }
        for (name, fields) in &plan.put {
            match servers.get(name) {
                Some(p) => p.set_value(cst_fields(fields)),
                None => {
                    servers.append(name, cst_fields(fields));
                }
            }
        }
    }
    match (&plan.marker, top.get(MARKER)) {
        (Some(m), Some(p)) => p.set_value(cst_fields(m)),
        (Some(m), None) => {
            top.append(MARKER, cst_fields(m));
        }
        (None, Some(p)) => p.remove(),
        (None, None) => {}
    }
    Ok(root.to_string())
}

fn toml_value(v: &Value) -> toml_edit::Value {
    match v {
        Value::String(s) => s.as_str().into(),
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64().unwrap_or_default().into(),
        },
        Value::Array(items) => items
            .iter()
            .map(toml_value)
            .collect::<toml_edit::Array>()
            .into(),
        Value::Object(m) => {
            let mut t = toml_edit::InlineTable::new();
            for (k, v) in m {
                t.insert(k, toml_value(v));
            }
            t.into()
        }
        // TOML has no null; mcpreg writes none.
        Value::Null => "".into(),
    }
}

fn toml_table(f: &Fields) -> toml_edit::Table {
    let mut t = toml_edit::Table::new();
    for (k, v) in f {
        t.insert(k, toml_edit::Item::Value(toml_value(v)));
    }
    t
}

fn apply_toml(text: &str, plan: &Plan) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| not_toml(text, e.span(), e.message()))?;
    let mut table = doc.as_table_mut();
    for key in plan.at {
        let item = table.entry(key).or_insert_with(|| {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            toml_edit::Item::Table(t)
        });
        table = item
            .as_table_mut()
            .ok_or_else(|| format!("`{key}`: must be a table"))?;
    }
    for name in &plan.remove {
        table.remove(name);
    }
    for (name, fields) in &plan.put {
        match table.get_mut(name).and_then(toml_edit::Item::as_table_mut) {
            Some(t) => {
                // In place: the user's comments around the table stay.
                t.clear();
                for (k, v) in &toml_table(fields) {
                    t.insert(k, v.clone());
                }
            }
            None => {
                table.insert(name, toml_edit::Item::Table(toml_table(fields)));
            }
        }
    }
    match &plan.marker {
        Some(m) => {
            let mut t = toml_edit::Table::new();
            for (k, v) in m {
                match v {
                    Value::Object(servers) => {
                        let mut s = toml_edit::Table::new();
                        for (name, entry) in servers {
                            s.insert(name, toml_edit::Item::Value(toml_value(entry)));
                        }
                        t.insert(k, toml_edit::Item::Table(s));
                    }
                    v => {
                        t.insert(k, toml_edit::Item::Value(toml_value(v)));
                    }
                }
            }
            doc.insert(MARKER, toml_edit::Item::Table(t));
        }
        None => {
            doc.remove(MARKER);
        }
    }
    Ok(doc.to_string())
}

/// Refuses YAML nested deeper than the registry may be, before the parser sees
/// it: the YAML parser's time grows with the square of the depth. The measure and
/// the limit are the registry's own ([`strict::yaml_too_deep`]), so a config and
/// a registry are held to one rule.
fn yaml_depth(text: &str) -> Result<(), String> {
    match strict::yaml_too_deep(text, strict::MAX_DEPTH) {
        Some(line) => Err(format!(
            "not YAML: line {line}: nested more than {} levels deep; refusing to parse it",
            strict::MAX_DEPTH
        )),
        None => Ok(()),
    }
}

/// A `#` that starts a YAML comment: at the start of a line or after a blank.
fn has_yaml_comments(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with('#') || l.contains(" #")
    })
}

fn apply_yaml(text: Option<&str>, plan: &Plan) -> Result<String, String> {
    use serde_yaml::{Mapping, Value as Y};
    let to_yaml = |f: &Fields| serde_yaml::to_value(f).map_err(|e| e.to_string());
    let mut doc: Y = match text {
        Some(t) => {
            yaml_depth(t)?;
            serde_yaml::from_str(t).map_err(|e| format!("not YAML: {e}"))?
        }
        None => Y::Null,
    };
    if doc.is_null() {
        let mut m = Mapping::new();
        for (k, v) in plan.new_file {
            m.insert(Y::from(*k), Y::from(*v));
        }
        doc = Y::Mapping(m);
    }
    let top = doc.as_mapping_mut().ok_or("the config must be a mapping")?;
    let mut top_drop = None;
    let mut here: &mut Mapping = top;
    for (i, key) in plan.at.iter().enumerate() {
        let last = i + 1 == plan.at.len();
        let slot = here
            .entry(Y::from(*key))
            .or_insert(if last && plan.layout == Layout::List {
                Y::Sequence(Vec::new())
            } else {
                Y::Mapping(Mapping::new())
            });
        if slot.is_null() {
            *slot = if last && plan.layout == Layout::List {
                Y::Sequence(Vec::new())
            } else {
                Y::Mapping(Mapping::new())
            };
        }
        if last && plan.layout == Layout::List {
            let list = slot
                .as_sequence_mut()
                .ok_or_else(|| format!("`{key}`: must be a list"))?;
            let name_of = |v: &Y| v.get("name").and_then(Y::as_str).map(str::to_owned);
            list.retain(|v| name_of(v).is_none_or(|n| !plan.remove.contains(&n)));
            for (name, fields) in &plan.put {
                let mut with_name = Fields::new();
                with_name.insert("name".into(), name.as_str().into());
                with_name.extend(
                    fields
                        .iter()
                        .filter(|(k, _)| *k != "name")
                        .map(|(k, v)| (k.clone(), v.clone())),
                );
                let new = to_yaml(&with_name)?;
                match list
                    .iter_mut()
                    .find(|v| name_of(v).as_deref() == Some(name))
                {
                    Some(old) => *old = new,
                    None => list.push(new),
                }
            }
            break;
        }
        here = slot
            .as_mapping_mut()
            .ok_or_else(|| format!("`{key}`: must be a mapping"))?;
        if last {
            for name in &plan.remove {
                here.remove(name.as_str());
            }
            if plan.drop_empty && here.is_empty() {
                top_drop = Some(*key);
            }
            for (name, fields) in &plan.put {
                let new = to_yaml(fields)?;
                match here.get_mut(name.as_str()) {
                    Some(old) => *old = new,
                    None => {
                        here.insert(Y::from(name.as_str()), new);
                    }
                }
            }
        }
    }
    let top = doc.as_mapping_mut().ok_or("the config must be a mapping")?;
    if let (Some(key), 1) = (top_drop, plan.at.len()) {
        top.remove(key);
    }
    match &plan.marker {
        Some(m) => {
            top.insert(Y::from(MARKER), to_yaml(m)?);
        }
        None => {
            top.remove(MARKER);
        }
    }
    serde_yaml::to_string(&doc).map_err(|e| e.to_string())
}
