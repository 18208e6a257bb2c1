//! What changed between two observations of the registry, as `watch` reports it.
//!
//! A watcher keeps the entries that match its filters whatever their lease
//! (`tracked`), and compares two snapshots taken at two instants. Lease expiry is a
//! change of its own even when nothing was written: the second instant may simply be
//! later than an `expires_at`.

use super::declaration::Declaration;
use super::model::Entry;
use super::query::{Query, StatusFilter};
use super::time::Timestamp;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Added,
    Updated,
    Removed,
    /// A lease ran out.
    Expired,
    /// An expired lease was renewed.
    Revived,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Added => "added",
            Kind::Updated => "updated",
            Kind::Removed => "removed",
            Kind::Expired => "expired",
            Kind::Revived => "revived",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub kind: Kind,
    /// For `updated`: which of tools, endpoint, health, lease, declaration changed.
    pub fields: Vec<&'static str>,
    /// The entry now, or as last seen when it is gone.
    pub entry: Entry,
}

/// The entries a watcher follows: those matching `query` under any lease status.
pub fn tracked(entries: Vec<Entry>, query: &Query, now: Timestamp) -> BTreeMap<String, Entry> {
    let any = Query {
        status: StatusFilter::Any,
        ..query.clone()
    };
    entries
        .into_iter()
        .filter(|e| any.matches(&e.view(), now))
        .map(|e| (e.id.clone(), e))
        .collect()
}

/// The changes from `before` (seen at `then`) to `after` (seen at `now`), in id
/// order, as seen through `status`.
pub fn between(
    before: &BTreeMap<String, Entry>,
    then: Timestamp,
    after: &BTreeMap<String, Entry>,
    now: Timestamp,
    status: StatusFilter,
) -> Vec<Change> {
    let shown = |e: &Entry, at: Timestamp| status.admits(e.lease_state(at).is_live());
    let mut ids: Vec<&String> = before.keys().chain(after.keys()).collect();
    ids.sort();
    ids.dedup();
    let mut changes = Vec::new();
    for id in ids {
        let change = |kind, fields, entry: &Entry| Change {
            kind,
            fields,
            entry: entry.clone(),
        };
        match (before.get(id), after.get(id)) {
            (Some(old), None) if shown(old, then) => {
                changes.push(change(Kind::Removed, vec![], old));
            }
            (None, Some(new)) if shown(new, now) => {
                changes.push(change(Kind::Added, vec![], new));
            }
            (Some(old), Some(new)) => {
                let (was_live, is_live) = (
                    old.lease_state(then).is_live(),
                    new.lease_state(now).is_live(),
                );
                let (was_shown, is_shown) = (shown(old, then), shown(new, now));
                let kind = if was_live && !is_live && (was_shown || is_shown) {
                    Some(Kind::Expired)
                } else if !was_live && is_live && (was_shown || is_shown) {
                    Some(Kind::Revived)
                } else {
                    match (was_shown, is_shown) {
                        (true, false) => Some(Kind::Removed),
                        (false, true) => Some(Kind::Added),
                        (true, true) if old != new => Some(Kind::Updated),
                        _ => None,
                    }
                };
                if let Some(kind) = kind {
                    let fields = if kind == Kind::Updated {
                        differing(old, new)
                    } else {
                        vec![]
                    };
                    changes.push(change(kind, fields, new));
                }
            }
            _ => {}
        }
    }
    changes
}

fn differing(old: &Entry, new: &Entry) -> Vec<&'static str> {
    let mut fields = Vec::new();
    if old.declared.tools != new.declared.tools
        || old.pins != new.pins
        || old.declared.resources != new.declared.resources
        || old.declared.prompts != new.declared.prompts
        || old.declared.capabilities != new.declared.capabilities
    {
        fields.push("tools");
    }
    if old.declared.transport != new.declared.transport {
        fields.push("endpoint");
    }
    if old.health != new.health {
        fields.push("health");
    }
    if old.lease != new.lease {
        fields.push("lease");
    }
    let rest = |e: &Entry| Entry {
        declared: Declaration {
            tools: vec![],
            resources: vec![],
            prompts: vec![],
            capabilities: vec![],
            transport: new.declared.transport.clone(),
            ..e.declared.clone()
        },
        health: None,
        pins: None,
        lease: None,
        updated_at: new.updated_at,
        ..e.clone()
    };
    if rest(old) != rest(new) {
        fields.push("declaration");
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::model::Lease;
    use crate::catalog::primitives::Tool;
    use crate::catalog::transport::Transport;
    use std::time::Duration;

    fn entry(id: &str, ttl: Option<u64>, at: Timestamp) -> Entry {
        Entry {
            id: id.into(),
            declared: Declaration::bare(
                id,
                Transport::Stdio {
                    command: "/bin/x".into(),
                    args: vec![],
                    env: BTreeMap::new(),
                    cwd: None,
                },
            ),
            learned: std::collections::BTreeSet::default(),
            pins: None,
            registered_at: at,
            updated_at: at,
            lease: ttl.map(|t| Lease::starting(at, Duration::from_secs(t))),
            health: None,
            extra: BTreeMap::new(),
        }
    }

    fn map(entries: &[Entry]) -> BTreeMap<String, Entry> {
        entries.iter().map(|e| (e.id.clone(), e.clone())).collect()
    }

    fn kinds(changes: &[Change]) -> Vec<(Kind, &str)> {
        changes
            .iter()
            .map(|c| (c.kind, c.entry.id.as_str()))
            .collect()
    }

    #[test]
    fn adds_updates_and_removals() {
        let t0 = Timestamp::now();
        let a = entry("a", None, t0);
        let b = entry("b", None, t0);
        let mut b2 = b.clone();
        b2.declared.tools.push(Tool::named("t", None));
        let c = entry("c", None, t0);
        let changes = between(&map(&[a, b]), t0, &map(&[b2, c]), t0, StatusFilter::Live);
        assert_eq!(
            kinds(&changes),
            [
                (Kind::Removed, "a"),
                (Kind::Updated, "b"),
                (Kind::Added, "c")
            ]
        );
        assert_eq!(changes[1].fields, ["tools"]);
    }

    #[test]
    fn expiry_without_any_write_is_an_event_and_a_heartbeat_revives() {
        let t0 = Timestamp::now();
        let a = entry("a", Some(10), t0);
        let later = t0.plus(Duration::from_secs(11));
        let same = map(std::slice::from_ref(&a));
        for status in [StatusFilter::Live, StatusFilter::Any, StatusFilter::Expired] {
            let changes = between(&same, t0, &same, later, status);
            assert_eq!(kinds(&changes), [(Kind::Expired, "a")], "{status:?}");
        }
        let mut renewed = a.clone();
        renewed.renew(None, later);
        let changes = between(&same, later, &map(&[renewed]), later, StatusFilter::Live);
        assert_eq!(kinds(&changes), [(Kind::Revived, "a")]);
        // Gone for good after it expired: a live watcher said so already.
        assert!(between(&same, later, &map(&[]), later, StatusFilter::Live).is_empty());
    }

    #[test]
    fn nothing_changed_means_no_event() {
        let t0 = Timestamp::now();
        let m = map(&[entry("a", Some(60), t0), entry("b", None, t0)]);
        assert!(
            between(
                &m,
                t0,
                &m,
                t0.plus(Duration::from_secs(1)),
                StatusFilter::Live
            )
            .is_empty()
        );
    }

    #[test]
    fn a_heartbeat_is_a_lease_update() {
        let t0 = Timestamp::now();
        let a = entry("a", Some(60), t0);
        let mut b = a.clone();
        b.renew(None, t0.plus(Duration::from_secs(5)));
        let changes = between(&map(&[a]), t0, &map(&[b]), t0, StatusFilter::Live);
        assert_eq!(changes[0].fields, ["lease"]);
    }
}
