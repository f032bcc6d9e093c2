//! Finding a search word in a date as the table writes it (`2015-07-07 23:36:21`,
//! in the user's time), from its fourteen digits kept a nibble each in a
//! `u64`, without keeping its text: 8 bytes a date where the text took 20,
//! and a few masks to test where a text search read every character.

use cm_model::DATETIME_FORM as FORM;
use jiff::civil::Date;

/// The digits of a date the search index has no digits for (not set,
/// unreadable, a year not of four digits): no nibble is a digit, and no word is found in it.
pub const NO_DIGITS: u64 = u64::MAX;

/// The day of the date whose digits are `digits`; `None` for [`NO_DIGITS`].
pub fn day_of(digits: u64) -> Option<Date> {
    let number = |from: usize, count: usize| {
        (from..from + count).try_fold(0i16, |number, at| match digits >> (4 * at) & 0xf {
            digit @ 0..=9 => Some(number * 10 + digit as i16),
            _ => None,
        })
    };
    Date::new(number(0, 4)?, number(4, 2)? as i8, number(6, 2)? as i8).ok()
}

/// A search word as it may appear in the text of dates.
pub struct DateWord {
    /// For each place in the text the word may start at: which nibbles it
    /// fixes, and to which digits.
    places: Vec<(u64, u64)>,
}

impl DateWord {
    /// The word `word` in dates; `None` when it holds a character no date's
    /// text has, so that the search skips dates for it at once.
    pub fn new(word: &str) -> Option<DateWord> {
        let bytes = word.as_bytes();
        if bytes.is_empty() || !bytes.iter().all(|&byte| byte.is_ascii_digit() || byte == b'-' || byte == b':') {
            return None;
        }
        let place = |start: usize| {
            let (mut mask, mut digits) = (0, 0);
            for (at, &byte) in (start..).zip(bytes) {
                let form = *FORM.get(at)?;
                if form != b'0' {
                    (form == byte).then_some(())?;
                    continue;
                }
                let digit = u64::from(byte.checked_sub(b'0').filter(|digit| *digit < 10)?);
                let nibble = 4 * FORM[..at].iter().filter(|&&form| form == b'0').count();
                (mask, digits) = (mask | 0xf << nibble, digits | digit << nibble);
            }
            Some((mask, digits))
        };
        Some(DateWord { places: (0..FORM.len()).filter_map(place).collect() })
    }

    /// Whether the text of the date whose digits are `digits` holds the word.
    pub fn in_date(&self, digits: u64) -> bool {
        digits != NO_DIGITS && self.places.iter().any(|&(mask, fixed)| digits & mask == fixed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cm_model::{datetime_digits, datetime_text};
    use jiff::civil::DateTime;

    /// Wall-clock times, and the seconds after 1970 that stand for them.
    fn times() -> Vec<(DateTime, i64)> {
        [
            "2015-07-07T23:36:21",
            "2009-12-31T00:00:09",
            "0001-01-01T00:00:00",
            "9999-12-31T23:59:59",
            "2020-02-29T10:01:59",
        ]
        .iter()
        .map(|text| {
            let time: DateTime = text.parse().expect("a date and time");
            (time, time.duration_since(DateTime::constant(1970, 1, 1, 0, 0, 0, 0)).as_secs())
        })
        .collect()
    }

    #[test]
    fn a_word_is_found_in_a_date_exactly_when_its_text_holds_it() {
        let mut words: Vec<String> =
            ["-", ":", "--", "0-", "-0", "9:", ":5", "7 23", "1-", "00", "07-07", "12"].map(str::to_owned).to_vec();
        let text_of = |seconds: i64| datetime_text(seconds).expect("a year of four digits");
        for (_, seconds) in times() {
            let text = text_of(seconds);
            for start in 0..text.len() {
                words.extend((start + 1..=text.len()).map(|end| text[start..end].to_owned()));
            }
        }
        for (_, seconds) in times() {
            let (text, digits) = (text_of(seconds), datetime_digits(seconds).expect("a year of four digits"));
            for word in words.iter().filter(|word| !word.contains(' ')) {
                let found = DateWord::new(word).expect("a word of a date's characters");
                assert_eq!(found.in_date(digits), text.contains(word.as_str()), "{word:?} in {text}");
                assert!(!found.in_date(NO_DIGITS), "{word:?} in no date");
            }
        }
    }

    #[test]
    fn a_word_with_a_character_no_date_has_skips_dates() {
        for word in ["lost", "2015-07-07t", "", "1 2"] {
            assert!(DateWord::new(word).is_none(), "{word:?}");
        }
    }

    #[test]
    fn the_day_is_read_back_from_the_digits() {
        for (time, seconds) in times() {
            assert_eq!(day_of(datetime_digits(seconds).expect("a year of four digits")), Some(time.date()));
        }
        assert_eq!(day_of(NO_DIGITS), None);
    }
}
