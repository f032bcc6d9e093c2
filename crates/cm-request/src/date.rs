//! The API's date strings.
//!
//! CM writes .NET `DateTime` values: `2015-07-07T23:36:21.93Z`, sometimes with an
//! offset, sometimes with none at all. The server's clock is UTC, so a value with
//! no offset is read as UTC, never as the browser's local time.
//! `0001-01-01T00:00:00` is .NET's `DateTime.MinValue`, which CM uses for "not set".
//!
//! The text forms are read and written here by hand, as counts of days and
//! seconds: jiff's own parser and formatter also handle time zone databases
//! and annotations, which the viewer never needs and would carry into every
//! download of the app.

use crate::bytes::{ONES, same_bytes};
use jiff::{Timestamp, tz::Offset};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A date field of a request.
///
/// The derived order sorts "not set" first, then instants in time order, then
/// unreadable text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum CmDate {
    /// .NET's empty date: the event has not happened (e.g. not completed yet).
    #[default]
    NotSet,
    /// A point in time.
    At(Timestamp),
    /// Text that is not a date; kept as received so that it can be shown.
    Unreadable(String),
}

/// How CM writes "not set".
const DOTNET_MIN_VALUE: &str = "0001-01-01T00:00:00";

impl CmDate {
    /// Reads a date as CM writes it. Never fails: text that is not a date is
    /// kept as [`CmDate::Unreadable`].
    pub fn parse(text: &str) -> CmDate {
        match parse_instant(text) {
            Some(_) if is_dotnet_min_value(text) => CmDate::NotSet,
            Some(instant) => CmDate::At(instant),
            None => CmDate::Unreadable(text.to_owned()),
        }
    }

    /// The point in time, if this date is set and readable.
    pub fn instant(&self) -> Option<Timestamp> {
        match self {
            CmDate::At(instant) => Some(*instant),
            CmDate::NotSet | CmDate::Unreadable(_) => None,
        }
    }
}

/// `DateTime.MinValue` of any kind: unspecified, UTC (`Z`) or local (with
/// the server's offset, `+01:00`), whose instant is then not even in year 1.
fn is_dotnet_min_value(text: &str) -> bool {
    // Compared in place, a word at a time: every date read passes here.
    let (bytes, min_value) = (text.as_bytes(), DOTNET_MIN_VALUE.as_bytes());
    bytes.get(..10).is_some_and(|day| same_bytes(day, &min_value[..10]))
        && matches!(bytes.get(10), Some(b'T' | b' '))
        && bytes.get(11..19).is_some_and(|time| same_bytes(time, &min_value[11..]))
        && matches!(bytes.get(19), None | Some(b'Z' | b'+' | b'-'))
}

/// `2015-07-07T23:36:21.93Z`, `2015-07-07T23:36:21` (UTC) or
/// `2016-07-13T11:10:31+02:00`: a date, `T` (or a space), a time with up to nine
/// fractional digits, and `Z`, an offset or nothing.
fn parse_instant(text: &str) -> Option<Timestamp> {
    let (start, rest) = text.as_bytes().split_first_chunk::<19>()?;
    let (day, second_of_day) = day_and_second(start)?;
    let mut reader = Reader(rest);
    let nanosecond = match reader.0.first() {
        Some(b'.' | b',') => reader.fraction()?,
        _ => 0,
    };
    let offset_seconds = match reader.0 {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let mut offset = Reader(rest);
            let hours = offset.number(2)?;
            let minutes = match offset.0 {
                [] => 0,
                [b':', ..] => offset.after(b':')?.number(2)?,
                _ => offset.number(2)?,
            };
            if !offset.0.is_empty() || minutes >= 60 {
                return None;
            }
            let seconds = (hours * 3600 + minutes * 60) as i32;
            // jiff's rule for what an offset may be: under 26 hours.
            Offset::from_seconds(if *sign == b'-' { -seconds } else { seconds }).ok()?.seconds()
        }
        _ => return None,
    };
    let seconds = day * DAY_SECONDS + i64::from(second_of_day) - i64::from(offset_seconds);
    // An offset may move the instant out of year 0, where it could not be written back.
    if seconds < YEAR_ZERO {
        return None;
    }
    Timestamp::new(seconds, nanosecond as i32).ok()
}

/// `word` with `byte` in each of the byte `places` (0 the lowest), 0 in the others.
const fn in_places(places: &[u32], byte: u8) -> u64 {
    let mut word = 0;
    let mut index = 0;
    while index < places.len() {
        word |= (byte as u64) << (8 * places[index]);
        index += 1;
    }
    word
}

/// Whether the bytes of `word` where `places` has `0xff` are ASCII digits:
/// `3` as their high half, and still after adding 6 (as 9 does, and `:` does
/// not). A byte with another high half may carry into the next on adding, but
/// the first test has then failed.
fn digits_in(word: u64, places: u64) -> bool {
    let (high_halves, threes) = (places & (ONES * 0xf0), places & (ONES * 0x30));
    word & high_halves == threes && word.wrapping_add(places & (ONES * 0x06)) & high_halves == threes
}

/// The days after 1970-01-01 and the second into the day of `2015-07-07T23:36:21`
/// (`T`, `t` or a space between them), the fixed-width start of every date
/// text: read as three words (two dates a request): `2015-07-`, `07T23:36`, `23:36:21`.
fn day_and_second(start: &[u8; 19]) -> Option<(i64, u32)> {
    let word = |at: usize| u64::from_le_bytes(start[at..at + 8].try_into().unwrap_or_default());
    let (date, day_and_time, time) = (word(0), word(8), word(11));
    let separators = date & in_places(&[4, 7], 0xff) == in_places(&[4, 7], b'-')
        && matches!(start[10], b'T' | b't' | b' ')
        && day_and_time & in_places(&[5], 0xff) == in_places(&[5], b':')
        && time & in_places(&[5], 0xff) == in_places(&[5], b':');
    let digits = digits_in(date, in_places(&[0, 1, 2, 3, 5, 6], 0xff))
        && digits_in(day_and_time, in_places(&[0, 1, 3, 4, 6, 7], 0xff))
        && digits_in(time, in_places(&[6, 7], 0xff));
    if !(separators && digits) {
        return None;
    }
    let two = |word: u64, place: u32| {
        let digit = |place: u32| ((word >> (8 * place)) & 0xf) as u32;
        10 * digit(place) + digit(place + 1)
    };
    let (hour, minute, second) = (two(day_and_time, 3), two(day_and_time, 6), two(time, 6));
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let day = real_day(100 * two(date, 0) + two(date, 2), two(date, 5), two(day_and_time, 0))?;
    Some((day, hour * 3600 + minute * 60 + second))
}

/// 0000-01-01T00:00:00Z, in seconds after 1970.
const YEAR_ZERO: i64 = -62_167_219_200;

/// The seconds of a day (the API's times know no leap seconds).
pub const DAY_SECONDS: i64 = 86_400;
/// Days from -0400-03-01 to 1970-01-01. Days are counted from there, before
/// any year of four digits, by Howard Hinnant's algorithms, in 32 bits (which
/// years of four digits never outgrow): a year then ends with February, its
/// leap day last, and every 400 years (an era) have the same 146,097 days.
const DAYS_BEFORE_1970: i64 = 719_468 + 146_097;

/// The days after 1970-01-01 of `year`-`month`-`day`, if it is a day.
fn real_day(year: u32, month: u32, day: u32) -> Option<i64> {
    let leap_year = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let month_days = match month {
        2 => 28 + u32::from(leap_year),
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    (1..=month_days).contains(&day).then(|| days_from_civil(year, month, day))
}

/// The days after 1970-01-01 of a real day of a year of four digits, by
/// Hinnant's `days_from_civil`.
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let year_from_march = year + 400 - u32::from(month <= 2);
    let (era, year_of_era) = (year_from_march / 400, year_from_march % 400);
    let month_from_march = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    i64::from(era * 146_097 + day_of_era) - DAYS_BEFORE_1970
}

/// Where the text of a wall-clock time to the second has digits (`0`) and
/// what stands between them: `2015-07-07 23:36:21`.
pub const DATETIME_FORM: &[u8; 19] = b"0000-00-00 00:00:00";

/// The whole seconds after 1970-01-01 00:00:00 that a wall clock
/// `offset_seconds` east of UTC shows at `instant`: the second it is in, also
/// before 1970, where the part of a second is negative.
pub fn wall_seconds(instant: Timestamp, offset_seconds: i32) -> i64 {
    instant.as_second() - i64::from(instant.subsec_nanosecond() < 0) + i64::from(offset_seconds)
}

/// The fourteen digits of the text of the wall-clock time `wall_seconds` (see
/// [`wall_seconds`]), in [`DATETIME_FORM`]'s order, the first in the lowest
/// nibble; `None` when its year is not written with four digits. The day is
/// found from the count of days by Hinnant's `civil_from_days` (see
/// `DAYS_BEFORE_1970`): the search index finds the digits of two dates a
/// request, and a jiff civil date and time made first cost a quarter of
/// indexing them.
pub fn datetime_digits(wall_seconds: i64) -> Option<u64> {
    let day_number = wall_seconds.div_euclid(DAY_SECONDS);
    let second = (wall_seconds - day_number * DAY_SECONDS) as u32;
    let days = u32::try_from(day_number + DAYS_BEFORE_1970).ok()?;
    let (era, of_era) = (days / 146_097, days % 146_097);
    let year_of_era = (of_era - of_era / 1_460 + of_era / 36_524 - of_era / 146_096) / 365;
    let day_of_year = of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = (era * 400 + year_of_era + u32::from(month <= 2)).checked_sub(400).filter(|&year| year <= 9999)?;
    // A part's two digits, the first in the lower nibble, at its place.
    let two = |part: u32, at: u32| u64::from(((part % 10) << 4) | (part / 10)) << (8 * at);
    let time = two(second / 3600, 4) | two(second / 60 % 60, 5) | two(second % 60, 6);
    Some(two(year / 100, 0) | two(year % 100, 1) | two(month, 2) | two(day, 3) | time)
}

/// `2015-07-07 23:36:21`: the wall-clock time `wall_seconds` (see
/// [`wall_seconds`]); `None` when its year is not written with four digits.
pub fn datetime_text(wall_seconds: i64) -> Option<String> {
    let mut digits = datetime_digits(wall_seconds)?;
    let character = |&form: &u8| match form {
        b'0' => {
            let digit = (digits & 0xf) as u8;
            digits >>= 4;
            char::from(b'0' + digit)
        }
        _ => char::from(form),
    };
    Some(DATETIME_FORM.iter().map(character).collect())
}

/// `2015-07-07 23:36:21` in UTC. Every instant read has a year of four digits
/// (`parse_instant`); one made otherwise is written as a count of seconds.
fn utc_text(instant: Timestamp) -> String {
    let seconds = wall_seconds(instant, 0);
    datetime_text(seconds).unwrap_or_else(|| format!("{seconds} seconds after 1970-01-01"))
}

/// `2015-07-07T23:36:21.93Z`: an instant as the API and other programs read it
/// (RFC 3339 in UTC, with only the fractional digits it needs).
pub fn instant_text(instant: Timestamp) -> String {
    let mut text = utc_text(instant);
    if text.as_bytes().get(10) == Some(&b' ') {
        text.replace_range(10..11, "T");
    }
    // Before 1970 the part of a second counts back from the next whole one.
    let nanosecond = instant.subsec_nanosecond().rem_euclid(1_000_000_000);
    if nanosecond != 0 {
        text.push_str(format!(".{nanosecond:09}").trim_end_matches('0'));
    }
    text.push('Z');
    text
}

/// Reads fixed-width ASCII fields from the front of a date text. Its steps
/// are inlined: called, they cost more than what they do.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    /// The next `digits` characters, which must all be digits.
    #[inline(always)]
    fn number(&mut self, digits: usize) -> Option<u32> {
        let (field, rest) = self.0.split_at_checked(digits)?;
        self.0 = rest;
        field.iter().try_fold(0, |value, &byte| byte.is_ascii_digit().then(|| value * 10 + u32::from(byte - b'0')))
    }

    /// Skips `expected`, which must come next.
    #[inline(always)]
    fn after(&mut self, expected: u8) -> Option<&mut Self> {
        self.one_of(&[expected])?;
        Some(self)
    }

    #[inline(always)]
    fn one_of(&mut self, expected: &[u8]) -> Option<()> {
        let (first, rest) = self.0.split_first()?;
        self.0 = rest;
        expected.contains(first).then_some(())
    }

    /// `.93` as nanoseconds: one to nine digits after the separator.
    fn fraction(&mut self) -> Option<u32> {
        self.0 = &self.0[1..];
        let digits = self.0.iter().take_while(|byte| byte.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        let value = self.number(digits)?;
        Some(value * 10u32.pow(9 - digits as u32))
    }
}

/// For people: `2015-07-07 23:36:21 UTC`, `not set`, or the text as received,
/// marked as not being a date.
impl fmt::Display for CmDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmDate::NotSet => f.write_str("not set"),
            CmDate::At(instant) => write!(f, "{} UTC", utc_text(*instant)),
            CmDate::Unreadable(text) => write!(f, "{text} (not a date)"),
        }
    }
}

impl Serialize for CmDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CmDate::NotSet => serializer.serialize_str(DOTNET_MIN_VALUE),
            CmDate::At(instant) => serializer.serialize_str(&instant_text(*instant)),
            CmDate::Unreadable(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for CmDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(DateVisitor)
    }
}

/// Reads the date text where it lies, without copying it first.
struct DateVisitor;

impl serde::de::Visitor<'_> for DateVisitor {
    type Value = CmDate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<CmDate, E> {
        Ok(CmDate::parse(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil;

    fn utc(text: &str) -> CmDate {
        CmDate::At(text.parse().unwrap())
    }

    #[test]
    fn dotnet_min_value_means_not_set() {
        assert_eq!(CmDate::parse("0001-01-01T00:00:00"), CmDate::NotSet);
        assert_eq!(CmDate::parse("0001-01-01T00:00:00Z"), CmDate::NotSet);
        assert_eq!(CmDate::parse("0001-01-01T00:00:00+01:00"), CmDate::NotSet, "a local MinValue");
        assert_eq!(CmDate::parse("0001-01-01T00:00:00-05:00"), CmDate::NotSet, "a local MinValue");
        assert!(matches!(CmDate::parse("0001-01-01T00:00:00.5Z"), CmDate::At(_)), "half a second after it");
        assert_eq!(CmDate::NotSet.to_string(), "not set");
    }

    #[test]
    fn utc_values_keep_their_fraction() {
        let date = CmDate::parse("2015-07-07T23:36:21.93Z");
        assert_eq!(date.instant().unwrap().subsec_millisecond(), 930);
        assert_eq!(date.to_string(), "2015-07-07 23:36:21 UTC");
    }

    #[test]
    fn values_without_offset_are_utc_not_local_time() {
        assert_eq!(CmDate::parse("2016-07-13T09:10:31"), utc("2016-07-13T09:10:31Z"));
        assert_eq!(CmDate::parse("2016-07-13T09:10:31.1234567"), utc("2016-07-13T09:10:31.1234567Z"));
    }

    #[test]
    fn offsets_are_applied() {
        assert_eq!(CmDate::parse("2016-07-13T11:10:31+02:00"), utc("2016-07-13T09:10:31Z"));
    }

    #[test]
    fn other_writings_of_an_instant_are_read_and_near_misses_are_not() {
        assert_eq!(CmDate::parse("2016-07-13 11:10:31.5-0130"), utc("2016-07-13T12:40:31.5Z"));
        assert_eq!(CmDate::parse("2016-07-13t09:10:31+02"), utc("2016-07-13T07:10:31Z"));
        for near_miss in [
            "2016-02-30T09:10:31Z",
            "2016-07-13T24:10:31Z",
            "2016-07-13T09:10:31.Z",
            "2016-07-13T09:10:31.1234567890Z",
            "2016-07-13T09:10:31+2:00",
            "2016-07-13T09:10:31+01:99",
            "2016-07-13T09:10:31Zx",
            "2016-07-13",
            "2016-7-13T09:10:31",
            "",
        ] {
            assert_eq!(CmDate::parse(near_miss), CmDate::Unreadable(near_miss.into()), "{near_miss}");
        }
    }

    #[test]
    fn text_that_is_not_a_date_is_kept() {
        assert_eq!(CmDate::parse("yesterday"), CmDate::Unreadable("yesterday".into()));
        assert_eq!(CmDate::parse("yesterday").to_string(), "yesterday (not a date)");
    }

    #[test]
    fn not_set_sorts_before_dates_and_unreadable_after() {
        let mut dates = vec![CmDate::Unreadable("?".into()), utc("2020-01-01T00:00:00Z"), CmDate::NotSet];
        dates.sort();
        assert_eq!(dates, [CmDate::NotSet, utc("2020-01-01T00:00:00Z"), CmDate::Unreadable("?".into())]);
    }

    /// 1970-01-01 00:00:00 on a wall clock.
    const EPOCH: civil::DateTime = civil::DateTime::constant(1970, 1, 1, 0, 0, 0, 0);

    #[test]
    fn wall_clock_times_are_written_as_jiff_counts_their_seconds() {
        let first = civil::date(0, 1, 1).at(0, 0, 0, 0).duration_since(EPOCH).as_secs();
        let last = civil::date(9999, 12, 31).at(23, 59, 59, 0).duration_since(EPOCH).as_secs();
        // Every day's start and end in the years around 1970, 2000 and 2100, the
        // range's ends, and every 7,777,777th second between them.
        let near = |year: i16| civil::date(year, 1, 1).at(0, 0, 0, 0).duration_since(EPOCH).as_secs();
        let days = [near(1968), near(1999), near(2099)]
            .into_iter()
            .flat_map(|from| (0..3 * 366).map(move |day| from + day * 86_400));
        let seconds =
            days.flat_map(|start| [start, start - 1]).chain([first, last]).chain((first..=last).step_by(7_777_777));
        for second in seconds {
            let time = EPOCH.checked_add(jiff::SignedDuration::from_secs(second)).expect("a time jiff can hold");
            assert_eq!(datetime_text(second), Some(time.to_string().replacen('T', " ", 1)), "{second} seconds");
        }
        assert_eq!(datetime_text(first - 1), None, "the last second of year -1");
        assert_eq!(datetime_text(last + 1), None, "the first second of year 10000");
    }

    #[test]
    fn days_are_counted_as_jiff_counts_them_and_only_real_ones() {
        for year in 0..=9999 {
            for month in 0..=13 {
                for day in 0..=32 {
                    let jiff_day = civil::Date::new(year as i16, month as i8, day as i8)
                        .map(|date| date.at(0, 0, 0, 0).duration_since(EPOCH).as_secs() / DAY_SECONDS);
                    assert_eq!(real_day(year, month, day), jiff_day.ok(), "{year}-{month}-{day}");
                }
            }
        }
    }

    #[test]
    fn every_byte_in_every_place_of_a_date_is_read_as_its_form_says() {
        let date = *b"2016-02-29T23:59:58";
        for place in 0..date.len() {
            for byte in 0..0x80 {
                let mut edited = date;
                edited[place] = byte;
                let text = std::str::from_utf8(&edited).unwrap();
                let in_form = DATETIME_FORM.iter().zip(&edited).all(|(&form, &byte)| match form {
                    b'0' => byte.is_ascii_digit(),
                    b' ' => matches!(byte, b'T' | b't' | b' '),
                    _ => byte == form,
                });
                let number = |range: std::ops::Range<usize>| text[range].parse::<i16>().unwrap();
                let expected = in_form.then(|| {
                    let (year, month, day) = (number(0..4), number(5..7) as i8, number(8..10) as i8);
                    let (hour, minute, second) = (number(11..13) as i8, number(14..16) as i8, number(17..19) as i8);
                    let time = civil::DateTime::new(year, month, day, hour, minute, second, 0).ok();
                    time.map(|time| time.duration_since(EPOCH).as_secs())
                });
                assert_eq!(parse_instant(text).map(Timestamp::as_second), expected.flatten(), "{text:?}");
            }
        }
    }

    #[test]
    fn the_wall_clock_second_of_an_instant_is_the_one_it_is_in() {
        let instant = |text: &str| text.parse::<Timestamp>().unwrap();
        assert_eq!(datetime_text(wall_seconds(instant("1969-12-31T23:59:59.5Z"), 0)).unwrap(), "1969-12-31 23:59:59");
        assert_eq!(
            datetime_text(wall_seconds(instant("1970-01-01T00:00:00.5Z"), 3600)).unwrap(),
            "1970-01-01 01:00:00"
        );
        assert_eq!(instant_text(instant("1969-12-31T23:59:59.25Z")), "1969-12-31T23:59:59.25Z");
        assert_eq!(CmDate::parse("1969-12-31T23:59:59.25Z").to_string(), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn an_instant_before_year_0_is_not_read_as_one() {
        assert!(matches!(CmDate::parse("0000-01-01T00:00:00Z"), CmDate::At(_)));
        for before in ["0000-01-01T00:59:59+01:00", "0000-01-01T00:00:00.5+00:01"] {
            assert_eq!(CmDate::parse(before), CmDate::Unreadable(before.into()), "{before}");
        }
        // One made otherwise is written as its count of seconds.
        let made = Timestamp::from_second(YEAR_ZERO - 1).unwrap();
        assert_eq!(CmDate::At(made).to_string(), "-62167219201 seconds after 1970-01-01 UTC");
        assert_eq!(instant_text(made), "-62167219201 seconds after 1970-01-01Z");
    }

    #[test]
    fn serialises_in_the_api_form() {
        let text = serde_json::to_string(&[CmDate::NotSet, CmDate::parse("2015-07-07T23:36:21.93Z")]).unwrap();
        assert_eq!(text, r#"["0001-01-01T00:00:00","2015-07-07T23:36:21.93Z"]"#);
    }
}
