//! Queries: the filters of `find`, `watch` and `export`, evaluated over a borrowed
//! view of an entry.
//!
//! The view holds only what a filter can ask about, and the text `find --query`
//! ranks (names, descriptions, titles, tags: never a schema). The file store
//! deserialises it straight from the registry text, so `find` over ten thousand
//! entries never builds ten thousand full entries; an in-memory `Entry` lends the same view. One matching
//! function serves both, so the two paths cannot disagree.

use super::model::{Entry, HealthStatus, LeaseState};
use super::time::Timestamp;
use super::transport::TransportKind;
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatusFilter {
    /// Entries whose lease runs, and entries without a lease.
    #[default]
    Live,
    /// Entries whose lease has run out but that no prune has removed yet.
    Expired,
    /// Everything.
    Any,
}

impl StatusFilter {
    /// Whether an entry whose lease is `live` (or absent) passes this filter.
    pub fn admits(self, live: bool) -> bool {
        match self {
            StatusFilter::Live => live,
            StatusFilter::Expired => !live,
            StatusFilter::Any => true,
        }
    }
}

/// What the registry knows of a server's health, as `--health` selects it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HealthState {
    /// The last probe answered with the pinned tools.
    Ok,
    /// The last probe failed.
    Down,
    /// Never probed.
    Unknown,
    /// The last probe answered, with tools that differ from the pinned ones.
    Changed,
}

impl HealthState {
    pub fn of(status: Option<HealthStatus>) -> Self {
        match status {
            None => HealthState::Unknown,
            Some(HealthStatus::Ok) => HealthState::Ok,
            Some(HealthStatus::Down) => HealthState::Down,
            Some(HealthStatus::Changed) => HealthState::Changed,
        }
    }

    /// Consul's rule for discovery, applied to what mcpreg knows: what was never
    /// probed is kept, what is known to be down or changed is left out.
    pub const DEFAULT: [HealthState; 2] = [HealthState::Ok, HealthState::Unknown];
}

/// Every given filter must hold; repeated filters must all hold.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub tools: Vec<String>,
    pub resources: Vec<String>,
    pub prompts: Vec<String>,
    pub capabilities: Vec<String>,
    pub tags: Vec<String>,
    pub name: Option<String>,
    pub transport: Option<TransportKind>,
    pub meta: Vec<(String, String)>,
    pub status: StatusFilter,
    /// The health states admitted; empty is [`HealthState::DEFAULT`].
    pub health: Vec<HealthState>,
}

#[derive(Debug, Deserialize)]
pub struct EntryView<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(default, borrow)]
    description: Option<Text<'a>>,
    #[serde(borrow)]
    transport: KindView<'a>,
    #[serde(default, borrow)]
    tools: Vec<ToolView<'a>>,
    #[serde(default, borrow)]
    resources: Vec<UriView<'a>>,
    #[serde(default, borrow)]
    prompts: Vec<NameView<'a>>,
    #[serde(default, borrow)]
    capabilities: Vec<Text<'a>>,
    #[serde(default, borrow)]
    tags: Vec<Text<'a>>,
    #[serde(default, borrow)]
    meta: MetaPairs<'a>,
    #[serde(default)]
    lease: Option<ExpiryView>,
    #[serde(default)]
    health: Option<StatusView>,
}

#[derive(Debug, Deserialize)]
struct StatusView {
    status: HealthStatus,
}

/// A string borrowed from the registry text: serde borrows a `Cow` only when it is
/// a field of its own, not an item of a `Vec`.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

#[derive(Debug, Deserialize)]
struct KindView<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
}

#[derive(Debug, Deserialize)]
struct NameView<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
}

/// A tool's text: what `--tool` matches and `--query` ranks. Schemas are skipped
/// unread.
#[derive(Debug, Deserialize)]
pub struct ToolView<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(default, borrow)]
    title: Option<Text<'a>>,
    #[serde(default, borrow)]
    description: Option<Text<'a>>,
}

impl ToolView<'_> {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn title(&self) -> Option<&str> {
        self.title.as_ref().map(|t| &*t.0)
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_ref().map(|t| &*t.0)
    }
}

/// What `--query` ranks besides tools: the server's name, description and tags.
impl EntryView<'_> {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_ref().map(|t| &*t.0)
    }

    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.tags.iter().map(|t| &*t.0)
    }

    pub fn tools(&self) -> &[ToolView<'_>] {
        &self.tools
    }
}

#[derive(Debug, Deserialize)]
struct UriView<'a> {
    #[serde(borrow)]
    uri: Cow<'a, str>,
}

#[derive(Debug, Deserialize)]
struct ExpiryView {
    expires_at: Timestamp,
}

impl Entry {
    pub fn view(&self) -> EntryView<'_> {
        fn borrowed(s: &str) -> Cow<'_, str> {
            Cow::Borrowed(s)
        }
        EntryView {
            name: borrowed(&self.declared.name),
            description: self
                .declared
                .description
                .as_deref()
                .map(|d| Text(borrowed(d))),
            transport: KindView {
                kind: Cow::Borrowed(self.declared.transport.kind().as_str()),
            },
            tools: self
                .declared
                .tools
                .iter()
                .map(|t| ToolView {
                    name: borrowed(&t.name),
                    title: t.title.as_deref().map(|d| Text(borrowed(d))),
                    description: t.description.as_deref().map(|d| Text(borrowed(d))),
                })
                .collect(),
            resources: self
                .declared
                .resources
                .iter()
                .map(|r| UriView {
                    uri: borrowed(&r.uri),
                })
                .collect(),
            prompts: self
                .declared
                .prompts
                .iter()
                .map(|p| NameView {
                    name: borrowed(&p.name),
                })
                .collect(),
            capabilities: self
                .declared
                .capabilities
                .iter()
                .map(|c| Text(borrowed(c)))
                .collect(),
            tags: self
                .declared
                .tags
                .iter()
                .map(|t| Text(borrowed(t)))
                .collect(),
            meta: MetaPairs(
                self.declared
                    .meta
                    .iter()
                    .map(|(k, v)| (borrowed(k), borrowed(v)))
                    .collect(),
            ),
            lease: self.lease.map(|l| ExpiryView {
                expires_at: l.expires_at,
            }),
            health: self
                .health
                .as_ref()
                .map(|h| StatusView { status: h.status }),
        }
    }
}

/// `meta` is a JSON object; the view reads it as key/value pairs without a map.
impl<'de: 'a, 'a> Deserialize<'de> for MetaPairs<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = MetaPairs<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of strings")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(pair) = m.next_entry()? {
                    out.push(pair);
                }
                Ok(MetaPairs(out))
            }
        }
        d.deserialize_map(Pairs)
    }
}

#[derive(Debug, Default)]
struct MetaPairs<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl Query {
    /// Strings, JSON-encoded with their quotes, that must all appear in the JSON
    /// text of any entry this query matches. A reader may skip, without parsing, an
    /// entry whose text lacks one, provided the text holds no escape (`\\`): then
    /// every string in it stands there literally.
    pub fn needles(&self) -> Vec<String> {
        let strings = self
            .tools
            .iter()
            .chain(&self.resources)
            .chain(&self.prompts)
            .chain(&self.capabilities)
            .chain(&self.tags)
            .chain(&self.name)
            .map(String::as_str)
            .chain(self.transport.map(TransportKind::as_str))
            .chain(self.meta.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]));
        strings
            .map(|s| serde_json::Value::from(s).to_string())
            .collect()
    }

    pub fn matches(&self, v: &EntryView<'_>, now: Timestamp) -> bool {
        let state = LeaseState::at(v.lease.as_ref().map(|l| l.expires_at), now);
        let health = HealthState::of(v.health.as_ref().map(|h| h.status));
        let admitted: &[HealthState] = if self.health.is_empty() {
            &HealthState::DEFAULT
        } else {
            &self.health
        };
        self.status.admits(state.is_live())
            && admitted.contains(&health)
            && self.name.as_deref().is_none_or(|n| v.name == n)
            && self
                .transport
                .is_none_or(|t| v.transport.kind == t.as_str())
            && all_in(&self.tools, v.tools.iter().map(|t| &*t.name))
            && all_in(&self.resources, v.resources.iter().map(|r| &*r.uri))
            && all_in(&self.prompts, v.prompts.iter().map(|p| &*p.name))
            && all_in(&self.capabilities, v.capabilities.iter().map(|c| &*c.0))
            && all_in(&self.tags, v.tags.iter().map(|t| &*t.0))
            && self
                .meta
                .iter()
                .all(|(k, val)| v.meta.0.iter().any(|(mk, mv)| mk == k && mv == val))
    }
}

fn all_in<'a>(wanted: &[String], have: impl Iterator<Item = &'a str> + Clone) -> bool {
    wanted.iter().all(|w| have.clone().any(|h| h == w))
}
