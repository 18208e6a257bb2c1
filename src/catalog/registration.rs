//! The rules that change entries: registering (an upsert that keeps what the
//! registry itself learned), renewing a lease, and deciding what `prune` removes.
//! Stores apply these under their own concurrency control; commands only call them.

use super::declaration::{self, Carrier, Declaration, Key, once};
use super::model::{Entry, Health, HealthStatus, Learned, Lease, LeaseState, ServerInfo};
use super::pins::{self, Pins, ToolChange};
use super::primitives::Tool;
use super::time::{Timestamp, human_duration};
use super::transport::Transport;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::LazyLock;
use std::time::Duration;

/// What one `register` declares about a server.
///
/// It serialises as mcpreg keeps it inside formats that cannot express it all
/// (`server.json`'s `_meta`), so that an export read back with `register --from`
/// gives the same entry; the ttl then travels as whole seconds, `ttl_s`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Registration {
    pub id: String,
    /// Written inline, read through [`declaration::read`].
    #[serde(flatten)]
    pub declared: Declaration,
    #[serde(rename = "ttl_s", serialize_with = "whole_seconds")]
    pub ttl: Option<Duration>,
    /// Which declared fields a probe filled in (see [`Entry::learned`]).
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub learned: BTreeSet<Learned>,
    /// A probe made just now (`--introspect`), recorded as the entry's health.
    #[serde(skip)]
    pub probed: Option<Probed>,
}

/// A ttl as a number of seconds (`null`: no lease).
// serde's `serialize_with` hands the field by reference.
#[allow(clippy::ref_option)]
fn whole_seconds<S: serde::Serializer>(ttl: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match ttl {
        Some(d) => s.serialize_some(&d.as_secs()),
        None => s.serialize_none(),
    }
}

/// Read by hand around the declaration (see [`declaration`]), refusing unknown
/// keys: a field added beside `declared` needs its arm here.
impl<'de> Deserialize<'de> for Registration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RegistrationVisitor)
    }
}

struct RegistrationVisitor;

#[derive(Default)]
struct RegistrationFields {
    id: Option<String>,
    ttl_s: Option<Option<u64>>,
    learned: Option<BTreeSet<Learned>>,
}

impl<'de> Carrier<'de> for RegistrationFields {
    fn field<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        match &*key {
            "id" => once(&mut self.id, "id", map),
            "ttl_s" => once(&mut self.ttl_s, "ttl_s", map),
            "learned" => once(&mut self.learned, "learned", map),
            _ => Err(de::Error::unknown_field(&key, &KEYS)),
        }
    }

    fn missing_first(&self) -> Option<&'static str> {
        self.id.is_none().then_some("id")
    }
}

/// Every key of a registration in the order written, for the message that
/// refuses another one.
static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    std::iter::once("id")
        .chain(declaration::keys().iter().copied())
        .chain(["ttl_s", "learned"])
        .collect()
});

impl<'de> Visitor<'de> for RegistrationVisitor {
    type Value = Registration;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct Registration")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Registration, A::Error> {
        let mut own = RegistrationFields::default();
        let declared = declaration::read(map, &mut own)?;
        Ok(Registration {
            id: own.id.ok_or_else(|| de::Error::missing_field("id"))?,
            declared,
            ttl: own.ttl_s.flatten().map(Duration::from_secs),
            learned: own.learned.unwrap_or_default(),
            probed: None,
        })
    }
}

impl Registration {
    /// A name and an endpoint and nothing else, under the id `register` derives.
    pub fn bare(name: &str, transport: Transport) -> Self {
        Registration {
            id: super::id::derive(name, &transport),
            declared: Declaration::bare(name, transport),
            ttl: None,
            learned: BTreeSet::new(),
            probed: None,
        }
    }

    /// What `entry` declares: the registration that would give it again.
    pub fn of(entry: &Entry) -> Self {
        Registration {
            id: entry.id.clone(),
            declared: entry.declared.clone(),
            ttl: entry.lease.map(|l| l.ttl()),
            learned: entry.learned.clone(),
            probed: None,
        }
    }

    /// The entry after this registration, given what the registry held under its id.
    ///
    /// A re-registration replaces everything declared, and keeps what the registry
    /// learned: the first registration time, fields of newer versions, and the last
    /// probe unless the endpoint moved. `updated_at` moves only when the declaration
    /// changed, so a script that re-registers in a loop does not churn the file.
    pub fn apply(&self, existing: Option<&Entry>, now: Timestamp) -> Entry {
        let mut entry = Entry {
            id: self.id.clone(),
            declared: self.declared.clone(),
            learned: self.learned.clone(),
            registered_at: now,
            updated_at: now,
            lease: self.ttl.map(|ttl| Lease::starting(now, ttl)),
            health: None,
            pins: None,
            extra: BTreeMap::new(),
        };
        if let Some(old) = existing {
            entry.registered_at = old.registered_at;
            entry.extra.clone_from(&old.extra);
            // What the registry learned of this endpoint, pins included: a
            // re-registration never accepts changed tools by itself.
            if old.declared.transport == entry.declared.transport {
                entry.health.clone_from(&old.health);
                entry.pins.clone_from(&old.pins);
            }
            if declared_equal(old, &entry) {
                entry.updated_at = old.updated_at;
            }
        }
        if let Some(probed) = &self.probed {
            entry.record_probe(Ok(probed.clone()), now);
        }
        entry
    }
}

/// `tools` but those whose name or description hides text: what a first pin
/// trusts, so that hidden text is reported until someone accepts it.
fn without_hidden_text(tools: &[Tool]) -> Vec<Tool> {
    let flagged: Vec<String> = pins::hidden_text(tools)
        .into_iter()
        .filter_map(|c| match c {
            ToolChange::Hidden { name, .. } => Some(name),
            _ => None,
        })
        .collect();
    tools
        .iter()
        .filter(|t| !flagged.contains(&t.name))
        .cloned()
        .collect()
}

/// One line for `health`: what differs from the pins.
pub fn describe_changes(changes: &[ToolChange]) -> String {
    let parts: Vec<String> = changes.iter().map(ToString::to_string).collect();
    format!(
        "tools differ from the pinned ones: {} (mcpreg pin ID accepts them)",
        parts.join("; ")
    )
}

/// Equal in everything a registration declares (the lease's ttl, not its expiry).
fn declared_equal(a: &Entry, b: &Entry) -> bool {
    let strip = |e: &Entry| Entry {
        updated_at: e.registered_at,
        lease: e.lease.map(|l| Lease {
            ttl_s: l.ttl_s,
            expires_at: e.registered_at,
        }),
        health: None,
        pins: None,
        ..e.clone()
    };
    strip(a) == strip(b)
}

/// What a successful MCP probe tells the registry about a server's health.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probed {
    pub latency: Duration,
    pub protocol_version: String,
    pub server_info: Option<ServerInfo>,
    /// What the probe dropped to stay within its bounds, if anything.
    pub truncated: Option<String>,
    /// The tools the server offers now, for the pins.
    pub tools: Vec<Tool>,
}

impl Entry {
    /// Records a probe's verdict. Failures count up and keep the last success and
    /// what it learned, so `prune --down-for` can tell how long a server has been
    /// down; a success resets the count.
    ///
    /// A success also checks the tools against the pins (pinning them the first
    /// time, but for any that hide text): a difference makes the entry `changed`,
    /// with what differs as its error, and keeps what was seen for `mcpreg pin`.
    pub fn record_probe(&mut self, outcome: Result<Probed, String>, now: Timestamp) {
        let previous = self.health.take();
        self.health = Some(match outcome {
            Ok(p) => {
                let pins = self
                    .pins
                    .get_or_insert_with(|| Pins::of(&without_hidden_text(&p.tools), now));
                let changes = pins.compare(&p.tools);
                pins.seen = (!changes.is_empty()).then(|| p.tools.clone());
                Health {
                    status: if changes.is_empty() {
                        HealthStatus::Ok
                    } else {
                        HealthStatus::Changed
                    },
                    checked_at: now,
                    last_ok_at: Some(now),
                    latency_ms: Some(u64::try_from(p.latency.as_millis()).unwrap_or(u64::MAX)),
                    failures: 0,
                    error: (!changes.is_empty()).then(|| describe_changes(&changes)),
                    protocol_version: Some(p.protocol_version),
                    server_info: p.server_info,
                    truncated: p.truncated,
                }
            }
            Err(error) => {
                let (last_ok_at, failures, protocol_version, server_info, truncated) =
                    match previous {
                        Some(h) => (
                            h.last_ok_at,
                            h.failures,
                            h.protocol_version,
                            h.server_info,
                            h.truncated,
                        ),
                        None => (None, 0, None, None, None),
                    };
                Health {
                    status: HealthStatus::Down,
                    checked_at: now,
                    last_ok_at,
                    latency_ms: None,
                    failures: failures.saturating_add(1),
                    error: Some(error),
                    protocol_version,
                    server_info,
                    truncated,
                }
            }
        });
    }

    /// Whether a probe of `probed` (this entry as it was read before probing) may
    /// be recorded in this, the current entry: not when the server was
    /// re-registered with another declaration or endpoint meanwhile.
    pub fn same_registration(&self, probed: &Entry) -> bool {
        self.updated_at == probed.updated_at && self.declared.transport == probed.declared.transport
    }
}

/// What `mcpreg pin` did to one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pinned {
    /// No probe has seen its tools yet: nothing to accept.
    NeverProbed,
    /// The last probe saw the pinned tools.
    Unchanged,
    /// The tools last seen are pinned now; these were their differences.
    Accepted(Vec<ToolChange>),
}

impl Entry {
    /// Accepts the tools the last probe saw as the new pinned set. Learned (or
    /// empty) tools become those definitions; tools declared by hand stay. A
    /// `changed` health is `ok` again: the difference was its only fault.
    pub fn pin_seen(&mut self, now: Timestamp) -> Pinned {
        let Some(pins) = &self.pins else {
            return Pinned::NeverProbed;
        };
        let Some(seen) = pins.seen.clone() else {
            return Pinned::Unchanged;
        };
        let changes = pins.compare(&seen);
        if (self.learned.contains(&Learned::Tools) || self.declared.tools.is_empty())
            && self.declared.tools != seen
        {
            self.declared.tools.clone_from(&seen);
            self.learned.insert(Learned::Tools);
            self.updated_at = now;
        }
        self.pins = Some(Pins::of(&seen, now));
        if let Some(h) = self
            .health
            .as_mut()
            .filter(|h| h.status == HealthStatus::Changed)
        {
            h.status = HealthStatus::Ok;
            h.error = None;
        }
        Pinned::Accepted(changes)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Renewal {
    Renewed {
        expires_at: Timestamp,
    },
    /// The entry has no lease and no ttl was given: nothing to renew.
    NoLease,
}

impl Entry {
    /// `heartbeat`: `expires_at = now + ttl`, with the registered ttl unless one is
    /// given. Revives an expired entry that prune has not removed yet.
    pub fn renew(&mut self, ttl: Option<Duration>, now: Timestamp) -> Renewal {
        let Some(ttl) = ttl.or(self.lease.map(|l| l.ttl())) else {
            return Renewal::NoLease;
        };
        let lease = Lease::starting(now, ttl);
        self.lease = Some(lease);
        Renewal::Renewed {
            expires_at: lease.expires_at,
        }
    }

    /// Why `prune` removes this entry, if it does.
    pub fn prune_reason(
        &self,
        grace: Duration,
        down_for: Option<Duration>,
        now: Timestamp,
    ) -> Option<PruneReason> {
        if let LeaseState::Expired { ago } = self.lease_state(now)
            && ago > grace
        {
            return Some(PruneReason::LeaseExpired { ago });
        }
        let limit = down_for?;
        let down = self.down_for(now)?;
        (down > limit).then(|| PruneReason::Down {
            down_for: down,
            error: self.health.as_ref().and_then(|h| h.error.clone()),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PruneReason {
    LeaseExpired {
        ago: Duration,
    },
    Down {
        down_for: Duration,
        error: Option<String>,
    },
}

impl fmt::Display for PruneReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PruneReason::LeaseExpired { ago } => {
                write!(f, "lease expired {} ago", human_duration(*ago))
            }
            PruneReason::Down { down_for, error } => {
                write!(f, "down for {}", human_duration(*down_for))?;
                match error {
                    Some(e) => write!(f, " ({e})"),
                    None => Ok(()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration(ttl: Option<u64>) -> Registration {
        let transport = Transport::Stdio {
            command: "/bin/fs".into(),
            args: vec![],
            env: BTreeMap::new(),
            cwd: None,
        };
        Registration {
            id: "fs-1".into(),
            ttl: ttl.map(Duration::from_secs),
            ..Registration::bare("fs", transport)
        }
    }

    #[test]
    fn re_registering_the_same_declaration_changes_nothing() {
        let t0 = Timestamp::now();
        let first = registration(None).apply(None, t0);
        let again = registration(None).apply(Some(&first), t0.plus(Duration::from_secs(9)));
        assert_eq!(first, again);
    }

    #[test]
    fn re_registering_keeps_history_and_moves_the_lease() {
        let t0 = Timestamp::now();
        let t1 = t0.plus(Duration::from_secs(60));
        let mut first = registration(Some(30)).apply(None, t0);
        first.extra.insert("future".into(), serde_json::json!(1));
        first.health = Some(Health {
            status: HealthStatus::Ok,
            checked_at: t0,
            last_ok_at: Some(t0),
            latency_ms: Some(3),
            failures: 0,
            error: None,
            protocol_version: None,
            server_info: None,
            truncated: None,
        });
        let mut changed = registration(Some(30));
        changed.declared.tags = vec!["new".into()];
        let second = changed.apply(Some(&first), t1);
        assert_eq!(second.registered_at, t0);
        assert_eq!(second.updated_at, t1);
        assert_eq!(
            second.lease.unwrap().expires_at,
            t1.plus(Duration::from_secs(30))
        );
        assert_eq!(second.extra, first.extra);
        assert_eq!(second.health, first.health);

        let mut moved = changed.clone();
        moved.declared.transport = Transport::Sse {
            url: "http://127.0.0.1:1/sse".into(),
            headers: BTreeMap::new(),
        };
        assert_eq!(moved.apply(Some(&second), t1).health, None);
    }

    #[test]
    fn prune_respects_grace_and_down_for() {
        let t0 = Timestamp::now();
        let entry = registration(Some(10)).apply(None, t0);
        let at = |s| t0.plus(Duration::from_secs(s));
        assert_eq!(entry.prune_reason(Duration::ZERO, None, at(5)), None);
        assert!(entry.prune_reason(Duration::ZERO, None, at(11)).is_some());
        assert_eq!(
            entry.prune_reason(Duration::from_secs(5), None, at(14)),
            None
        );

        let mut down = registration(None).apply(None, t0);
        down.health = Some(Health {
            status: HealthStatus::Down,
            checked_at: at(100),
            last_ok_at: Some(at(40)),
            latency_ms: None,
            failures: 3,
            error: Some("connection refused".into()),
            protocol_version: None,
            server_info: None,
            truncated: None,
        });
        assert_eq!(down.prune_reason(Duration::ZERO, None, at(100)), None);
        assert_eq!(
            down.prune_reason(Duration::ZERO, Some(Duration::from_secs(60)), at(100)),
            None
        );
        let reason = down
            .prune_reason(Duration::ZERO, Some(Duration::from_secs(60)), at(101))
            .unwrap();
        assert_eq!(reason.to_string(), "down for 1m 1s (connection refused)");
    }

    #[test]
    fn failures_count_up_and_keep_the_last_success() {
        let t0 = Timestamp::now();
        let at = |s| t0.plus(Duration::from_secs(s));
        let mut e = registration(None).apply(None, t0);
        let ok = Probed {
            latency: Duration::from_millis(12),
            protocol_version: "2025-11-25".into(),
            server_info: Some(ServerInfo {
                name: "fs".into(),
                version: Some("1".into()),
            }),
            truncated: None,
            tools: vec![],
        };
        e.record_probe(Ok(ok.clone()), at(1));
        e.record_probe(Err("connection refused".into()), at(2));
        e.record_probe(Err("timed out".into()), at(3));
        let h = e.health.clone().unwrap();
        assert_eq!(
            (h.status, h.failures, h.last_ok_at),
            (HealthStatus::Down, 2, Some(at(1)))
        );
        assert_eq!(h.error.as_deref(), Some("timed out"));
        assert_eq!(h.protocol_version.as_deref(), Some("2025-11-25"));
        assert_eq!(e.down_for(at(63)), Some(Duration::from_secs(62)));
        e.record_probe(Ok(ok), at(4));
        let h = e.health.unwrap();
        assert_eq!(
            (h.status, h.failures, h.latency_ms, h.error),
            (HealthStatus::Ok, 0, Some(12), None)
        );
    }

    #[test]
    fn heartbeat_uses_the_registered_ttl_unless_given_one() {
        let t0 = Timestamp::now();
        let mut e = registration(Some(30)).apply(None, t0);
        let t1 = t0.plus(Duration::from_secs(100));
        assert_eq!(
            e.renew(None, t1),
            Renewal::Renewed {
                expires_at: t1.plus(Duration::from_secs(30))
            }
        );
        e.renew(Some(Duration::from_secs(5)), t1);
        assert_eq!(e.lease.unwrap().ttl_s, 5);
        let mut unleased = registration(None).apply(None, t0);
        assert_eq!(unleased.renew(None, t1), Renewal::NoLease);
    }
}
