//! Wall-clock instants as the registry stores them: RFC 3339 UTC with milliseconds.
//!
//! humantime gives us formatting and parsing without a calendar crate; milliseconds
//! keep lease arithmetic honest (a one-second lease is not rounded away) while every
//! stamp has the same width, so stamps sort as strings too.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(SystemTime);

impl Timestamp {
    /// Now, truncated to the millisecond so that what we write is what we read back.
    pub fn now() -> Self {
        Self::from_system(SystemTime::now())
    }

    fn from_system(t: SystemTime) -> Self {
        let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
        let millis = Duration::from_millis(u64::try_from(since.as_millis()).unwrap_or(u64::MAX));
        Self(UNIX_EPOCH + millis)
    }

    #[must_use]
    pub fn plus(self, d: Duration) -> Self {
        Self::from_system(self.0.checked_add(d).unwrap_or(self.0))
    }

    /// How long ago `self` was, seen from `now`; zero when `self` is in the future.
    pub fn elapsed_at(self, now: Timestamp) -> Duration {
        now.0.duration_since(self.0).unwrap_or_default()
    }

    /// How long until `self`, seen from `now`; zero when `self` has passed.
    pub fn remaining_at(self, now: Timestamp) -> Duration {
        self.0.duration_since(now.0).unwrap_or_default()
    }

    pub fn parse(s: &str) -> Result<Self, humantime::TimestampError> {
        humantime::parse_rfc3339_weak(s).map(Self::from_system)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", humantime::format_rfc3339_millis(self.0))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse(&s)
            .map_err(|e| serde::de::Error::custom(format!("invalid RFC 3339 time {s:?}: {e}")))
    }
}

/// Formats a duration for people: its two largest units (`1h 30m`, `45s`,
/// `72years 1month`), never milliseconds, so table columns stay narrow.
pub fn human_duration(d: Duration) -> String {
    let full = humantime::format_duration(Duration::from_secs(d.as_secs())).to_string();
    full.split(' ').take(2).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text() {
        let t = Timestamp::now();
        assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
    }

    #[test]
    fn accepts_stamps_without_fraction() {
        let t = Timestamp::parse("2026-11-21T10:00:00Z").unwrap();
        assert_eq!(t.to_string(), "2026-11-21T10:00:00.000Z");
    }

    #[test]
    fn durations_keep_their_two_largest_units() {
        assert_eq!(human_duration(Duration::from_millis(45_900)), "45s");
        assert_eq!(human_duration(Duration::from_secs(5430)), "1h 30m");
        assert_eq!(
            human_duration(Duration::from_secs(400 * 86400 + 7)),
            "1year 1month"
        );
    }

    #[test]
    fn elapsed_and_remaining_never_go_negative() {
        let t = Timestamp::now();
        let later = t.plus(Duration::from_secs(5));
        assert_eq!(t.elapsed_at(later), Duration::from_secs(5));
        assert_eq!(later.elapsed_at(t), Duration::ZERO);
        assert_eq!(t.remaining_at(later), Duration::ZERO);
    }
}
