//! The API's date strings.
//!
//! CM writes .NET `DateTime` values: `2015-07-07T23:36:21.93Z`, sometimes with an
//! offset, sometimes with none at all. The server's clock is UTC, so a value with
//! no offset is read as UTC, never as the browser's local time.
//! `0001-01-01T00:00:00` is .NET's `DateTime.MinValue`, which CM uses for "not set".
//!
//! The text forms are read and written here by hand, from jiff's civil date and
//! time parts: jiff's own parser and formatter also handle time zone databases
//! and annotations, which the viewer never needs and would carry into every
//! download of the app.

use jiff::{Timestamp, civil, tz::Offset};
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
    // Compared in place: every date read passes here.
    let (day, time) = DOTNET_MIN_VALUE.split_at(10);
    let bytes = text.as_bytes();
    text.starts_with(day)
        && matches!(bytes.get(10), Some(b'T' | b' '))
        && text.get(11..19) == Some(&time[1..])
        && matches!(bytes.get(19), None | Some(b'Z' | b'+' | b'-'))
}

/// `2015-07-07T23:36:21.93Z`, `2015-07-07T23:36:21` (UTC) or
/// `2016-07-13T11:10:31+02:00`: a date, `T` (or a space), a time with up to nine
/// fractional digits, and `Z`, an offset or nothing.
fn parse_instant(text: &str) -> Option<Timestamp> {
    let mut reader = Reader(text.as_bytes());
    let date = reader.day()?;
    reader.one_of(b"Tt ")?;
    let (hour, minute) = (reader.number(2)?, reader.after(b':')?.number(2)?);
    let second = reader.after(b':')?.number(2)?;
    let nanosecond = match reader.0.first() {
        Some(b'.' | b',') => reader.fraction()?,
        _ => 0,
    };
    let offset = match reader.0 {
        [] | [b'Z' | b'z'] => Offset::UTC,
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
            Offset::from_seconds(if *sign == b'-' { -seconds } else { seconds }).ok()?
        }
        _ => return None,
    };
    let time = civil::Time::new(hour as i8, minute as i8, second as i8, nanosecond as i32).ok()?;
    offset.to_timestamp(civil::DateTime::from_parts(date, time)).ok()
}

/// `2024-01-31`: the day part of the texts below.
fn day_text(day: civil::Date) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
}

/// `2015-07-07 23:36:21`: a wall-clock time to the second.
pub fn datetime_text(time: civil::DateTime) -> String {
    let (day, hour, minute, second) = (time.date(), time.hour(), time.minute(), time.second());
    format!("{:04}-{:02}-{:02} {hour:02}:{minute:02}:{second:02}", day.year(), day.month(), day.day())
}

/// `2015-07-07T23:36:21.93Z`: an instant as the API and other programs read it
/// (RFC 3339 in UTC, with only the fractional digits it needs).
pub fn instant_text(instant: Timestamp) -> String {
    let time = Offset::UTC.to_datetime(instant);
    let mut text = format!("{}T{:02}:{:02}:{:02}", day_text(time.date()), time.hour(), time.minute(), time.second());
    let nanosecond = time.subsec_nanosecond();
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
    /// `2024-01-31`, a real day.
    #[inline(always)]
    fn day(&mut self) -> Option<civil::Date> {
        let year = self.number(4)?;
        let month = self.after(b'-')?.number(2)?;
        let day = self.after(b'-')?.number(2)?;
        civil::Date::new(year as i16, month as i8, day as i8).ok()
    }

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
            CmDate::At(instant) => write!(f, "{} UTC", datetime_text(Offset::UTC.to_datetime(*instant))),
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

    #[test]
    fn serialises_in_the_api_form() {
        let text = serde_json::to_string(&[CmDate::NotSet, CmDate::parse("2015-07-07T23:36:21.93Z")]).unwrap();
        assert_eq!(text, r#"["0001-01-01T00:00:00","2015-07-07T23:36:21.93Z"]"#);
    }
}
