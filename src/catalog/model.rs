//! The entry model: what the registry knows about one MCP server.
//!
//! Field names and shapes are the file format of README "The registry file", so the same types
//! serve the file store, the etcd store and `--format json|yaml` output. Every field
//! is written on output (null, [] or {} when empty) so scripts can rely on the keys;
//! on input only `id`, `name`, `transport` and the two stamps are required. Keys this
//! version does not know are carried in `extra` and written back unchanged, so a newer
//! mcpreg's fields survive a rewrite by an older one. What was declared (`name` to
//! `health_url`) is one [`Declaration`], `entry.declared`, written inline; see
//! [`declaration`] for why it is read by hand.

use super::declaration::{self, Carrier, Declaration, Key, once};
use super::pins::Pins;
use super::time::Timestamp;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

// What a declaration is made of lives in the leaves below this file (so that
// `declaration` and `pins` need not import it); named here too, as the model of
// an entry, for the callers that reach them through `model`.
pub use super::primitives::{Prompt, Resource, Tool};
pub use super::transport::{Auth, absolute_in, check_http_url};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    pub id: String,
    /// What was registered: written inline, read through [`declaration::read`].
    #[serde(flatten)]
    pub declared: Declaration,
    /// The declared fields that mcpreg learned from the server itself rather
    /// than from a flag: `health --probe --refresh` may overwrite these (and
    /// empty ones), never what was given by hand.
    pub learned: BTreeSet<Learned>,
    pub registered_at: Timestamp,
    pub updated_at: Timestamp,
    pub lease: Option<Lease>,
    pub health: Option<Health>,
    /// The tools' digests as first seen or last accepted (`mcpreg pin`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pins: Option<Pins>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// Read by hand around the declaration (see [`declaration`]): a field added to
/// `Entry` beside `declared` needs its arm here.
impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EntryVisitor)
    }
}

struct EntryVisitor;

/// An entry's own fields as they are read; unknown keys go to `extra`.
#[derive(Default)]
struct EntryFields {
    id: Option<String>,
    learned: Option<BTreeSet<Learned>>,
    registered_at: Option<Timestamp>,
    updated_at: Option<Timestamp>,
    lease: Option<Option<Lease>>,
    health: Option<Option<Health>>,
    pins: Option<Option<Pins>>,
    extra: BTreeMap<String, Value>,
}

impl<'de> Carrier<'de> for EntryFields {
    fn field<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        match &*key {
            "id" => once(&mut self.id, "id", map),
            "learned" => once(&mut self.learned, "learned", map),
            "registered_at" => once(&mut self.registered_at, "registered_at", map),
            "updated_at" => once(&mut self.updated_at, "updated_at", map),
            "lease" => once(&mut self.lease, "lease", map),
            "health" => once(&mut self.health, "health", map),
            "pins" => once(&mut self.pins, "pins", map),
            _ => {
                let value = map.next_value()?;
                self.extra.insert(key.into_owned(), value);
                Ok(())
            }
        }
    }

    fn missing_first(&self) -> Option<&'static str> {
        self.id.is_none().then_some("id")
    }
}

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = Entry;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("struct Entry")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Entry, A::Error> {
        let mut own = EntryFields::default();
        let declared = declaration::read(map, &mut own)?;
        let required =
            |field: Option<Timestamp>, name| field.ok_or_else(|| de::Error::missing_field(name));
        Ok(Entry {
            id: own.id.ok_or_else(|| de::Error::missing_field("id"))?,
            declared,
            learned: own.learned.unwrap_or_default(),
            registered_at: required(own.registered_at, "registered_at")?,
            updated_at: required(own.updated_at, "updated_at")?,
            lease: own.lease.flatten(),
            health: own.health.flatten(),
            pins: own.pins.flatten(),
            extra: own.extra,
        })
    }
}

/// A declared field that a probe can fill in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Learned {
    Tools,
    Resources,
    Prompts,
    Capabilities,
    Version,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    #[serde(deserialize_with = "ttl_seconds")]
    pub ttl_s: u64,
    pub expires_at: Timestamp,
}

/// A stored ttl (registry file, etcd value) is held to the rule of `--ttl`: a
/// zero or a ten-thousand-year lease in a file is as wrong as on the command line.
fn ttl_seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let secs = u64::deserialize(d)?;
    match super::time::ttl_secs_problem(secs) {
        Some(why) => Err(serde::de::Error::custom(format!("ttl_s: {why}"))),
        None => Ok(secs),
    }
}

impl Lease {
    pub fn starting(now: Timestamp, ttl: Duration) -> Self {
        Lease {
            ttl_s: ttl.as_secs(),
            expires_at: now.plus(ttl),
        }
    }

    pub fn ttl(&self) -> Duration {
        Duration::from_secs(self.ttl_s)
    }
}

/// The last MCP probe's verdict, written by `health --probe`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub status: HealthStatus,
    pub checked_at: Timestamp,
    #[serde(default)]
    pub last_ok_at: Option<Timestamp>,
    #[serde(default)]
    pub latency_ms: Option<u64>,
    #[serde(default)]
    pub failures: u32,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub protocol_version: Option<String>,
    #[serde(default)]
    pub server_info: Option<ServerInfo>,
    /// What the last good probe left out to stay within its memory bounds
    /// (`"290000 tools dropped"`); null when it kept everything.
    #[serde(default)]
    pub truncated: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
    Down,
    /// It answered, but its tools differ from the pinned ones or hide text:
    /// left out of `find` until someone accepts them with `mcpreg pin`.
    Changed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
}

/// Where a lease stands at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseState {
    /// No lease: the entry never expires.
    Unleased,
    Live {
        remaining: Duration,
    },
    Expired {
        ago: Duration,
    },
}

impl LeaseState {
    /// A lease is live while `now < expires_at`.
    pub fn at(expires_at: Option<Timestamp>, now: Timestamp) -> Self {
        match expires_at {
            None => LeaseState::Unleased,
            Some(at) if now < at => LeaseState::Live {
                remaining: at.remaining_at(now),
            },
            Some(at) => LeaseState::Expired {
                ago: at.elapsed_at(now),
            },
        }
    }

    /// Live in the sense of `find --status live`: a running lease, or none at all.
    pub fn is_live(self) -> bool {
        !matches!(self, LeaseState::Expired { .. })
    }
}

impl Entry {
    pub fn lease_state(&self, now: Timestamp) -> LeaseState {
        LeaseState::at(self.lease.map(|l| l.expires_at), now)
    }

    /// How long the server has been failing its probes, if it is down.
    ///
    /// Counted from the last good probe, or from registration when no probe ever
    /// succeeded: the earliest moment the failure can be proven not to have started.
    pub fn down_for(&self, now: Timestamp) -> Option<Duration> {
        let health = self.health.as_ref()?;
        (health.status == HealthStatus::Down).then(|| {
            health
                .last_ok_at
                .unwrap_or(self.registered_at)
                .elapsed_at(now)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lease_is_live_until_the_instant_it_expires() {
        let now = Timestamp::now();
        let lease = Lease::starting(now, Duration::from_secs(30));
        assert!(LeaseState::at(Some(lease.expires_at), now).is_live());
        let at_expiry = now.plus(Duration::from_secs(30));
        assert_eq!(
            LeaseState::at(Some(lease.expires_at), at_expiry),
            LeaseState::Expired {
                ago: Duration::ZERO
            }
        );
        assert!(LeaseState::at(None, at_expiry).is_live());
    }
}
