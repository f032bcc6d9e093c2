//! When the page asks the CM server again by itself: the intervals a user may
//! choose within what the administrator allows, and how long to wait after a
//! load has ended, backing off while the server fails.
//!
//! The server's cost is what matters here: every refresh downloads the whole
//! list (about 1.3 kB a request, so 126 MB at 100,000), for every desk that
//! has the viewer open. So the next refresh is counted from the end of the
//! previous one, never from its start, and failures space refreshes out
//! instead of hammering a server that is already struggling.

/// The intervals the page offers, in minutes (0, off, is offered too).
pub const INTERVAL_CHOICES: [u32; 5] = [1, 5, 15, 30, 60];

/// The longest wait after failures: a server back up is noticed within half an hour.
pub const LONGEST_BACK_OFF_MINUTES: u32 = 30;

/// The shortest interval an administrator may allow: a day.
pub const LONGEST_SHORTEST_MINUTES: u32 = 24 * 60;

/// How far a wait after a failure may be moved, either way, so that desks that
/// failed together (the server went down) do not all ask again in the same second.
const JITTER_SHARE: f64 = 0.2;

/// What the administrator allows, from `config.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefreshPolicy {
    /// `autoRefreshAllowed`: whether users may turn automatic refresh on at all.
    pub allowed: bool,
    /// `autoRefreshShortestMinutes`: the shortest interval users may choose.
    pub shortest_minutes: u32,
    /// `autoRefreshMinutes`: the interval of users who have not chosen one (0 is off).
    pub default_minutes: u32,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        RefreshPolicy { allowed: true, shortest_minutes: 1, default_minutes: 0 }
    }
}

impl RefreshPolicy {
    /// The intervals a user may choose, in minutes, with 0 (off) first; only
    /// off when automatic refresh is not allowed.
    pub fn offered(&self) -> Vec<u32> {
        let allowed = INTERVAL_CHOICES.into_iter().filter(|&minutes| self.allowed && minutes >= self.shortest_minutes);
        std::iter::once(0).chain(allowed).collect()
    }

    /// The interval in force for a user who chose `chosen` (or nothing): a
    /// choice the policy no longer allows becomes the nearest longer one it
    /// offers, or off.
    pub fn in_force(&self, chosen: Option<u32>) -> u32 {
        let wanted = chosen.unwrap_or(self.default_minutes);
        if wanted == 0 {
            return 0;
        }
        self.offered().into_iter().find(|&minutes| minutes >= wanted).unwrap_or(0)
    }
}

/// Milliseconds to wait, after a load has ended, before the next automatic
/// refresh every `interval_minutes`. After `failures_in_a_row` failed loads
/// the wait doubles with each failure, up to [`LONGEST_BACK_OFF_MINUTES`]
/// (never below the interval itself), moved by up to a fifth either way by
/// `jitter` (a random number from 0 to 1).
pub fn wait_after_load_ms(interval_minutes: u32, failures_in_a_row: u32, jitter: f64) -> u64 {
    const MINUTE_MS: u64 = 60_000;
    let interval = u64::from(interval_minutes) * MINUTE_MS;
    if failures_in_a_row == 0 {
        return interval;
    }
    let longest = (u64::from(LONGEST_BACK_OFF_MINUTES) * MINUTE_MS).max(interval);
    let doubled = interval.saturating_mul(1u64 << failures_in_a_row.min(32)).min(longest);
    let moved = doubled as f64 * (1.0 + JITTER_SHARE * (2.0 * jitter.clamp(0.0, 1.0) - 1.0));
    (moved.round() as u64).clamp(interval, longest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;

    #[test]
    fn the_next_refresh_waits_the_interval_after_a_load_that_worked() {
        assert_eq!(wait_after_load_ms(5, 0, 0.0), 5 * MINUTE);
        assert_eq!(wait_after_load_ms(5, 0, 1.0), 5 * MINUTE, "no jitter while all is well");
    }

    #[test]
    fn failures_double_the_wait_up_to_half_an_hour() {
        let unjittered: Vec<u64> = (1..=7).map(|failures| wait_after_load_ms(1, failures, 0.5)).collect();
        assert_eq!(unjittered, [2, 4, 8, 16, 30, 30, 30].map(|minutes| minutes * MINUTE));
        assert_eq!(wait_after_load_ms(1, u32::MAX, 0.5), 30 * MINUTE, "no overflow however many failures");
        assert_eq!(wait_after_load_ms(60, 3, 0.5), 60 * MINUTE, "backing off never shortens the interval");
    }

    #[test]
    fn jitter_moves_a_wait_after_failure_by_a_fifth_at_most_within_the_bounds() {
        assert_eq!(wait_after_load_ms(5, 1, 0.0), 8 * MINUTE);
        assert_eq!(wait_after_load_ms(5, 1, 1.0), 12 * MINUTE);
        assert_eq!(wait_after_load_ms(5, 2, 1.0), 24 * MINUTE);
        assert_eq!(wait_after_load_ms(5, 3, 1.0), 30 * MINUTE, "never past the longest");
        assert_eq!(wait_after_load_ms(1, 1, -5.0), wait_after_load_ms(1, 1, 0.0), "jitter outside 0..1 is clamped");
        let spread: std::collections::HashSet<u64> =
            (0..=10).map(|tenth| wait_after_load_ms(1, 2, f64::from(tenth) / 10.0)).collect();
        assert!(spread.len() > 5, "desks that failed together ask again at different times: {spread:?}");
    }

    #[test]
    fn users_choose_within_what_the_administrator_allows() {
        let everything = RefreshPolicy::default();
        assert_eq!(everything.offered(), [0, 1, 5, 15, 30, 60]);
        let from_ten = RefreshPolicy { shortest_minutes: 10, ..RefreshPolicy::default() };
        assert_eq!(from_ten.offered(), [0, 15, 30, 60]);
        let none = RefreshPolicy { allowed: false, ..RefreshPolicy::default() };
        assert_eq!(none.offered(), [0]);
    }

    #[test]
    fn a_choice_no_longer_allowed_becomes_the_nearest_longer_one() {
        let from_ten = RefreshPolicy { shortest_minutes: 10, default_minutes: 15, allowed: true };
        assert_eq!(from_ten.in_force(Some(1)), 15);
        assert_eq!(from_ten.in_force(Some(30)), 30);
        assert_eq!(from_ten.in_force(Some(0)), 0, "off stays off");
        assert_eq!(from_ten.in_force(None), 15, "the configured default for users who did not choose");
        assert_eq!(from_ten.in_force(Some(90)), 0, "nothing offered is that long");
        let none = RefreshPolicy { allowed: false, ..from_ten };
        assert_eq!(none.in_force(Some(5)), 0);
        assert_eq!(none.in_force(None), 0);
    }
}
