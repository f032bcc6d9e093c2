//! The API's date strings.
//!
//! CM writes .NET `DateTime` values: `2015-07-07T23:36:21.93Z`, sometimes with an
//! offset, sometimes with none at all. The server's clock is UTC, so a value with
//! no offset is read as UTC, never as the browser's local time.
//! `0001-01-01T00:00:00` is .NET's `DateTime.MinValue`, which CM uses for "not set".

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
        if let Ok(instant) = text.parse::<Timestamp>() {
            return if is_dotnet_min_value(instant) { CmDate::NotSet } else { CmDate::At(instant) };
        }
        match text.parse::<civil::DateTime>() {
            Ok(local) if local == civil::date(1, 1, 1).at(0, 0, 0, 0) => CmDate::NotSet,
            Ok(local) => match Offset::UTC.to_timestamp(local) {
                Ok(instant) => CmDate::At(instant),
                Err(_) => CmDate::Unreadable(text.to_owned()),
            },
            Err(_) => CmDate::Unreadable(text.to_owned()),
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

fn is_dotnet_min_value(instant: Timestamp) -> bool {
    Offset::UTC.to_datetime(instant) == civil::date(1, 1, 1).at(0, 0, 0, 0)
}

/// For people: `2015-07-07 23:36:21 UTC`, `not set`, or the text as received,
/// marked as not being a date.
impl fmt::Display for CmDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmDate::NotSet => f.write_str("not set"),
            CmDate::At(instant) => write!(f, "{}", instant.strftime("%Y-%m-%d %H:%M:%S UTC")),
            CmDate::Unreadable(text) => write!(f, "{text} (not a date)"),
        }
    }
}

impl Serialize for CmDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CmDate::NotSet => serializer.serialize_str(DOTNET_MIN_VALUE),
            CmDate::At(instant) => serializer.collect_str(instant),
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
