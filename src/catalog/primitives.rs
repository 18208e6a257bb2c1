//! What a server offers: its tools, resources and prompts, the three server
//! primitives of MCP, with the members the protocol gives them.
//!
//! A leaf of the catalog, with `transport`: `model`, `declaration` and `pins` all
//! build on these, and these import none of them, so the catalog's files import in
//! one direction only.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A tool as the server defines it. The members a server sends keep MCP's own
/// names (`inputSchema`, `outputSchema`, `annotations` with `readOnlyHint` and
/// the other hints) and are written only when known: a tool declared by hand
/// with `--tool NAME=DESC` has a name and a description, nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The JSON Schema of the arguments, as the server sent it.
    #[serde(
        default,
        rename = "inputSchema",
        skip_serializing_if = "Option::is_none"
    )]
    pub input_schema: Option<Value>,
    #[serde(
        default,
        rename = "outputSchema",
        skip_serializing_if = "Option::is_none"
    )]
    pub output_schema: Option<Value>,
    /// `readOnlyHint`, `destructiveHint`, `idempotentHint`, `openWorldHint`
    /// (and a `title`), as the server sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Value>,
}

impl Tool {
    /// A tool known only by name and description (`--tool NAME=DESC`).
    pub fn named(name: impl Into<String>, description: Option<String>) -> Self {
        Tool {
            name: name.into(),
            title: None,
            description,
            input_schema: None,
            output_schema: None,
            annotations: None,
        }
    }
}

/// One argument of a tool, read from its `inputSchema` for people (`show`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    pub name: String,
    /// The schema's `type` (`string`, `integer|null`, ...), or `any`.
    pub kind: String,
    pub required: bool,
    pub description: Option<String>,
}

impl Tool {
    /// The tool's arguments in the order its schema lists them.
    pub fn parameters(&self) -> Vec<Parameter> {
        let Some(schema) = &self.input_schema else {
            return Vec::new();
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return Vec::new();
        };
        properties
            .iter()
            .map(|(name, p)| Parameter {
                name: name.clone(),
                kind: match p.get("type") {
                    Some(Value::String(t)) => t.clone(),
                    Some(Value::Array(ts)) => ts
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join("|"),
                    _ if p.get("enum").is_some() => "enum".into(),
                    _ => "any".into(),
                },
                required: required.contains(&name.as_str()),
                description: p
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
            .collect()
    }

    /// The behaviour hints the server set to true, as words for people.
    pub fn hints(&self) -> Vec<&'static str> {
        let Some(a) = &self.annotations else {
            return Vec::new();
        };
        [
            ("readOnlyHint", "read-only"),
            ("destructiveHint", "destructive"),
            ("idempotentHint", "idempotent"),
            ("openWorldHint", "open-world"),
        ]
        .into_iter()
        .filter(|(key, _)| a.get(key).and_then(Value::as_bool) == Some(true))
        .map(|(_, word)| word)
        .collect()
    }
}

/// A resource, or a resource template (its `uri` is then the URI template, as
/// `--resource` takes either).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub uri: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, rename = "mimeType", skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
}

impl Resource {
    pub fn at(uri: impl Into<String>) -> Self {
        Resource {
            uri: uri.into(),
            name: None,
            description: None,
            mime_type: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<PromptArgument>,
}

impl Prompt {
    pub fn named(name: impl Into<String>) -> Self {
        Prompt {
            name: name.into(),
            description: None,
            arguments: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptArgument {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_come_from_the_input_schema_in_its_order() {
        let mut tool = Tool::named("read", None);
        assert_eq!(tool.parameters(), vec![]);
        tool.input_schema = Some(serde_json::json!({
            "type": "object",
            "properties": {
                "path": {"type": "string", "description": "Where"},
                "head": {"type": ["integer", "null"]},
                "mode": {"enum": ["a", "b"]},
                "extra": {}
            },
            "required": ["path"]
        }));
        let got: Vec<(String, String, bool)> = tool
            .parameters()
            .into_iter()
            .map(|p| (p.name, p.kind, p.required))
            .collect();
        assert_eq!(
            got,
            [
                ("path".into(), "string".into(), true),
                ("head".into(), "integer|null".into(), false),
                ("mode".into(), "enum".into(), false),
                ("extra".into(), "any".into(), false),
            ]
        );
        tool.annotations = Some(serde_json::json!({"readOnlyHint": true, "openWorldHint": false}));
        assert_eq!(tool.hints(), ["read-only"]);
    }
}
