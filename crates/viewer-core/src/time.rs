//! Dates as the user reads them: in their own time zone, with the exact UTC
//! value kept for a hover or a copy.

use cm_model::{CmDate, Timestamp, datetime_text};
use jiff::tz::Offset;

/// The user's time zone, as far as the viewer needs it: the offset from UTC
/// at a given instant (which changes with daylight saving time).
pub trait LocalClock {
    /// Seconds east of UTC at `instant`.
    fn offset_seconds(&self, instant: Timestamp) -> i32;
}

/// A clock at a fixed offset from UTC (UTC itself with 0).
pub struct FixedOffset(pub i32);

impl LocalClock for FixedOffset {
    fn offset_seconds(&self, _: Timestamp) -> i32 {
        self.0
    }
}

/// `2015-07-07 19:36:21` in the user's time, `not set`, or unreadable text as received.
pub fn local_text(date: &CmDate, clock: &dyn LocalClock) -> String {
    let CmDate::At(instant) = date else { return date.to_string() };
    datetime_text(local_datetime(*instant, clock))
}

/// The day of `date` in the user's time, if it is set and readable.
pub fn local_day(date: &CmDate, clock: &dyn LocalClock) -> Option<jiff::civil::Date> {
    Some(local_datetime(date.instant()?, clock).date())
}

/// The wall-clock time at `instant` in `clock`'s zone; UTC if the offset is impossible.
fn local_datetime(instant: Timestamp, clock: &dyn LocalClock) -> jiff::civil::DateTime {
    let offset = Offset::from_seconds(clock.offset_seconds(instant)).unwrap_or(Offset::UTC);
    offset.to_datetime(instant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_local_time() {
        let date = CmDate::parse("2015-07-07T23:36:21.93Z");
        assert_eq!(local_text(&date, &FixedOffset(0)), "2015-07-07 23:36:21");
        assert_eq!(local_text(&date, &FixedOffset(-4 * 3600)), "2015-07-07 19:36:21");
        assert_eq!(local_text(&date, &FixedOffset(2 * 3600)), "2015-07-08 01:36:21");
        assert_eq!(local_text(&CmDate::NotSet, &FixedOffset(3600)), "not set");
        assert_eq!(local_text(&CmDate::parse("soon"), &FixedOffset(3600)), "soon (not a date)");
    }

    #[test]
    fn impossible_offsets_fall_back_to_utc() {
        let date = CmDate::parse("2015-07-07T23:36:21Z");
        assert_eq!(local_text(&date, &FixedOffset(i32::MAX)), "2015-07-07 23:36:21");
    }
}
