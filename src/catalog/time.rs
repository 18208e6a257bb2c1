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

    /// `self + d`, saturating at the last instant an RFC 3339 stamp can hold
    /// (9999-12-31T23:59:59.999Z). Durations are checked against [`MAX_DURATION`]
    /// where they enter, so the saturation is a backstop: a sum never wraps back
    /// to the past, and never yields a time that cannot be written.
    #[must_use]
    pub fn plus(self, d: Duration) -> Self {
        let last = UNIX_EPOCH + LAST_STAMP;
        match self.0.checked_add(d) {
            Some(t) if t <= last => Self::from_system(t),
            _ => Self(last),
        }
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

/// Since the epoch, the last instant with a four-digit year: what RFC 3339 holds.
const LAST_STAMP: Duration = Duration::from_millis(253_402_300_799_999);

/// One humantime year (365.25 days), as `10y` parses.
const YEAR: Duration = Duration::from_secs(31_557_600);

/// The longest duration mcpreg accepts anywhere, flag or file: ten years. Longer
/// leases and timeouts mean "never", which has its own spelling (no `--ttl`).
pub const MAX_DURATION: Duration = Duration::from_secs(10 * YEAR.as_secs());

/// Why `ttl` is not a lease, if it is not: leases are whole seconds from 1s to
/// [`MAX_DURATION`]. The one rule for `--ttl`, `ttl_s` in a registry or etcd
/// value, and `_meta` of a server.json.
pub fn ttl_problem(ttl: Duration) -> Option<String> {
    if ttl.subsec_nanos() != 0 || ttl.is_zero() || ttl > MAX_DURATION {
        Some(format!(
            "{} is not a lease: a ttl is a whole number of seconds from 1s to {}",
            show_duration(ttl),
            humantime::format_duration(MAX_DURATION)
        ))
    } else {
        None
    }
}

/// Why `secs`, a ttl in seconds as a file stores it, is not a lease, if it is not.
pub fn ttl_secs_problem(secs: u64) -> Option<String> {
    ttl_problem(Duration::from_secs(secs))
}

/// Why `d` is not a time limit, if it is not: from 1ms to [`MAX_DURATION`]
/// (a zero timeout would fail every probe before it starts).
pub fn timeout_problem(d: Duration) -> Option<String> {
    if d < Duration::from_millis(1) || d > MAX_DURATION {
        Some(format!(
            "{} is not a time limit: it must be from 1ms to {}",
            show_duration(d),
            humantime::format_duration(MAX_DURATION)
        ))
    } else {
        None
    }
}

/// Why `d` is not a span (a grace period, a wait), if it is not: 0 to [`MAX_DURATION`].
pub fn span_problem(d: Duration) -> Option<String> {
    (d > MAX_DURATION).then(|| {
        format!(
            "{} is longer than {}, the longest duration mcpreg accepts",
            show_duration(d),
            humantime::format_duration(MAX_DURATION)
        )
    })
}

/// A duration as the user would have written it; whole seconds past a year, so
/// that a huge value stays one short word.
fn show_duration(d: Duration) -> String {
    if d > MAX_DURATION {
        format!("{}s", d.as_secs())
    } else {
        humantime::format_duration(d).to_string()
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
    fn sums_saturate_at_the_last_stamp_instead_of_wrapping() {
        let t = Timestamp::now();
        let far = t.plus(Duration::from_secs(u64::MAX));
        assert_eq!(far.to_string(), "9999-12-31T23:59:59.999Z");
        assert!(far > t);
        assert_eq!(far.plus(Duration::from_secs(1)), far);
    }

    #[test]
    fn ttls_are_whole_seconds_from_one_second_to_ten_years() {
        assert!(ttl_problem(Duration::from_secs(1)).is_none());
        assert!(ttl_problem(MAX_DURATION).is_none());
        assert!(ttl_problem(Duration::ZERO).is_some());
        assert!(ttl_problem(Duration::from_millis(1500)).is_some());
        assert!(ttl_problem(MAX_DURATION + Duration::from_secs(1)).is_some());
        assert!(
            ttl_secs_problem(u64::MAX)
                .unwrap()
                .contains("18446744073709551615s")
        );
        assert!(timeout_problem(Duration::ZERO).is_some());
        assert!(timeout_problem(Duration::from_millis(1)).is_none());
        assert!(span_problem(Duration::ZERO).is_none());
        assert!(span_problem(Duration::from_secs(u64::MAX)).is_some());
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
