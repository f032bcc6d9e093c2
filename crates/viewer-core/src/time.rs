//! Dates as the user reads them: in their own time zone, with the exact UTC
//! value kept for a hover or a copy.

use cm_model::{CmDate, DAY_SECONDS as DAY, Timestamp, datetime_text, wall_seconds};
use jiff::tz::Offset;
use std::cell::Cell;

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

/// How many days [`OncePerDay`] remembers: over eleven years of consecutive
/// days, each in a place of its own.
const REMEMBERED_DAYS: usize = 4096;

/// A day's number since 1970 and the offset all of it has; `None` for a day the offset changes.
type DayOffset = (i64, Option<i32>);

/// A clock that asks `clock` once per UTC day, not once per instant: asking
/// the browser costs a call out of WebAssembly, and 100,000 requests carry
/// 200,000 dates. A day whose start and end have different offsets (a daylight
/// saving change) is asked about each instant, so the answer is always exact.
pub struct OncePerDay<C> {
    clock: C,
    /// The last day remembered in each place (its number modulo
    /// [`REMEMBERED_DAYS`]), found by the day's number alone where a hash map
    /// hashed it; a day another pushed out is asked about again.
    days: Box<[Cell<DayOffset>]>,
}

impl<C: LocalClock> OncePerDay<C> {
    /// Remembers what `clock` says, day by day.
    pub fn new(clock: C) -> OncePerDay<C> {
        OncePerDay { clock, days: vec![Cell::new((i64::MIN, None)); REMEMBERED_DAYS].into_boxed_slice() }
    }
}

impl<C: LocalClock> LocalClock for OncePerDay<C> {
    fn offset_seconds(&self, instant: Timestamp) -> i32 {
        let day = instant.as_second().div_euclid(DAY);
        let place = &self.days[day.rem_euclid(REMEMBERED_DAYS as i64) as usize];
        let whole_day = match place.get() {
            (remembered, offset) if remembered == day => offset,
            _ => {
                let at = |second: i64| Timestamp::from_second(second).ok().map(|at| self.clock.offset_seconds(at));
                let (start, end) = (at(day * DAY), at(day * DAY + DAY - 1));
                let offset = start.filter(|_| start == end);
                place.set((day, offset));
                offset
            }
        };
        whole_day.unwrap_or_else(|| self.clock.offset_seconds(instant))
    }
}

/// `2015-07-07 19:36:21` in the user's time, `not set`, or unreadable text as
/// received; in UTC, and saying so, in the one day before year 0 a local time
/// can fall in.
pub fn local_text(date: &CmDate, clock: &dyn LocalClock) -> String {
    let CmDate::At(instant) = date else { return date.to_string() };
    datetime_text(local_seconds(*instant, clock)).unwrap_or_else(|| date.to_string())
}

/// `10:37`: the time of day at `instant` in the user's time, as the page
/// says when the rows shown last came from the server.
pub fn clock_text(instant: Timestamp, clock: &dyn LocalClock) -> String {
    let second = local_seconds(instant, clock).rem_euclid(DAY);
    format!("{:02}:{:02}", second / 3600, second / 60 % 60)
}

/// The wall-clock time at `instant` in `clock`'s zone, in whole seconds after
/// 1970-01-01 00:00:00 ([`wall_seconds`]); UTC if the offset is impossible.
pub fn local_seconds(instant: Timestamp, clock: &dyn LocalClock) -> i64 {
    let offset = Offset::from_seconds(clock.offset_seconds(instant)).unwrap_or(Offset::UTC);
    wall_seconds(instant, offset.seconds())
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
        let first_hours = CmDate::parse("0000-01-01T03:00:00Z");
        assert_eq!(
            local_text(&first_hours, &FixedOffset(-5 * 3600)),
            "0000-01-01 03:00:00 UTC",
            "local time before year 0"
        );
    }

    #[test]
    fn times_of_day_read_in_local_time() {
        let instant: Timestamp = "2015-07-07T23:06:21.93Z".parse().unwrap();
        assert_eq!(clock_text(instant, &FixedOffset(0)), "23:06");
        assert_eq!(clock_text(instant, &FixedOffset(2 * 3600)), "01:06");
        assert_eq!(clock_text(instant, &FixedOffset(-(5 * 3600 + 1800))), "17:36");
    }

    /// UTC+1 until 2020-03-29T01:00:00Z, then UTC+2, counting the calls.
    struct SummerTime(std::cell::Cell<usize>);

    impl LocalClock for SummerTime {
        fn offset_seconds(&self, instant: Timestamp) -> i32 {
            self.0.set(self.0.get() + 1);
            if instant.as_second() < 1_585_443_600 { 3600 } else { 7200 }
        }
    }

    #[test]
    fn a_clock_asked_once_per_day_stays_exact_on_the_day_the_offset_changes() {
        let clock = OncePerDay::new(SummerTime(std::cell::Cell::new(0)));
        let at = |text: &str| text.parse::<Timestamp>().unwrap();
        for hour in 0..24 {
            let instant = at(&format!("2020-03-28T{hour:02}:30:00Z"));
            assert_eq!(clock.offset_seconds(instant), 3600);
        }
        assert_eq!(clock.clock.0.get(), 2, "one day, asked at its start and end");
        assert_eq!(clock.offset_seconds(at("2020-03-29T00:59:59Z")), 3600);
        assert_eq!(clock.offset_seconds(at("2020-03-29T01:00:00Z")), 7200);
        assert_eq!(clock.offset_seconds(at("2020-03-30T12:00:00Z")), 7200);
    }

    /// An offset of one second for each day since 1970.
    struct DayByDay(std::cell::Cell<usize>);

    impl LocalClock for DayByDay {
        fn offset_seconds(&self, instant: Timestamp) -> i32 {
            self.0.set(self.0.get() + 1);
            instant.as_second().div_euclid(86_400) as i32
        }
    }

    #[test]
    fn days_that_share_a_place_are_each_told_their_own_offset() {
        let clock = OncePerDay::new(DayByDay(std::cell::Cell::new(0)));
        let noon_of = |day: i64| Timestamp::from_second(day * 86_400 + 43_200).unwrap();
        let days = [20_000, 20_000 + REMEMBERED_DAYS as i64, 20_000, -1, -1 - REMEMBERED_DAYS as i64, 19_999];
        for day in days {
            assert_eq!(clock.offset_seconds(noon_of(day)), day as i32, "day {day}");
        }
        assert_eq!(clock.clock.0.get(), 2 * days.len(), "each day asked anew, as another took its place");
        for _ in 0..3 {
            assert_eq!(clock.offset_seconds(noon_of(19_999)), 19_999);
        }
        assert_eq!(clock.clock.0.get(), 2 * days.len(), "a day remembered is not asked again");
    }

    #[test]
    fn impossible_offsets_fall_back_to_utc() {
        let date = CmDate::parse("2015-07-07T23:36:21Z");
        assert_eq!(local_text(&date, &FixedOffset(i32::MAX)), "2015-07-07 23:36:21");
    }
}
