//! A request read straight from its JSON text when every field is in the
//! documented form, which is how the server writes them: no serde visitor per
//! field and no copy of a text that needs no unescaping: a list of a hundred
//! thousand requests is almost all this path (`docs/performance.md` has its speed).
//!
//! Anything else (a field this crate does not know, one in another form or
//! sent twice, a number that is not a whole one, an escape in a key, a GUID or
//! a date, half of a surrogate pair) is `None`, and serde's reader decides,
//! with its notes and messages. The two read the documented form alike: a
//! property test and a fuzz target compare them.

use crate::request::{DataCollectionFlags, DataItem, Field, Fields, RequestFlags, hyphenated_guid};
use crate::{CmDate, Request, SharedTexts};
use uuid::Uuid;

/// Reads `text`, one JSON object, as a request whose fields all have their
/// documented form; its security descriptor is shared through `descriptors`.
pub(crate) fn read_documented(text: &str, descriptors: &mut SharedTexts) -> Option<Request> {
    let mut request = Request::default();
    // One place where a request read in part is dropped, rather than one for each way to fail.
    read_fields(text, &mut request, descriptors).map(|()| request)
}

/// Reads the fields of `text` into `request`; `None` at the first that is not documented.
fn read_fields(text: &str, request: &mut Request, descriptors: &mut SharedTexts) -> Option<()> {
    let mut reader = Reader { text, at: 0, scratch: String::new() };
    let mut seen = 0u32;
    let mut expected = 0;
    reader.expect(b'{')?;
    if reader.peek()? == b'}' {
        reader.at += 1;
    } else {
        loop {
            let key = reader.plain_text()?;
            // Fields come in their documented order: one comparison each.
            let field = match Field::ALL.get(expected) {
                Some(&field) if field.key() == key => field,
                _ => *Field::ALL.iter().find(|field| field.key() == key)?,
            };
            expected = field as usize + 1;
            if seen & (1 << field as u32) != 0 {
                return None;
            }
            seen |= 1 << field as u32;
            reader.expect(b':')?;
            reader.field(field, request, descriptors)?;
            if !reader.next_or_end(b'}')? {
                break;
            }
        }
    }
    reader.skip_space();
    let identity = [Field::Uuid, Field::RequestType, Field::Status];
    let whole = reader.at == text.len() && identity.iter().all(|&field| seen & (1 << field as u32) != 0);
    whole.then_some(())
}

/// A place in the text of one object.
struct Reader<'a> {
    text: &'a str,
    at: usize,
    /// Where an escaped text is unescaped: one buffer for all of them.
    scratch: String,
}

impl<'a> Reader<'a> {
    /// Reads the value of `field` into `request`.
    fn field(&mut self, field: Field, request: &mut Request, descriptors: &mut SharedTexts) -> Option<()> {
        match field {
            Field::Uuid => request.uuid = hyphenated_guid(self.plain_text()?.as_bytes())?,
            Field::RequestType => request.request_type = self.whole_number::<i32>()?.into(),
            Field::Status => request.status = self.whole_number::<i32>()?.into(),
            Field::Flags => request.flags = RequestFlags(self.or_null(Reader::whole_number)?),
            Field::DataCollection => request.data_collection = self.or_null(Reader::data_collection)?,
            Field::DataCollectionFlags => {
                request.data_collection_flags = DataCollectionFlags(self.or_null(Reader::whole_number)?);
            }
            Field::OriginatorUserUuid => request.originator_user_uuid = self.guid_or_none()?,
            Field::TargetUserUuid => request.target_user_uuid = self.guid_or_none()?,
            Field::Submitted => request.submitted = self.date()?,
            Field::Completed => request.completed = self.date()?,
            Field::NewProfileUuid => request.new_profile_uuid = self.guid_or_none()?,
            Field::OldProfileUuid => request.old_profile_uuid = self.guid_or_none()?,
            Field::NewSmartcardUuid => request.new_smartcard_uuid = self.guid_or_none()?,
            Field::OldSmartcardUuid => request.old_smartcard_uuid = self.guid_or_none()?,
            Field::Priority => request.priority = self.or_null(Reader::whole_number)?,
            Field::Comment => request.comment = self.or_null(|reader| Some(reader.text()?.to_owned()))?,
            Field::ProfileTemplateUuid => request.profile_template_uuid = self.guid_or_none()?,
            Field::SecurityDescriptor => {
                if self.null()? {
                    request.security_descriptor = descriptors.share("");
                } else {
                    request.security_descriptor = descriptors.share(self.text()?);
                }
            }
            Field::IsSmartcard => request.is_smartcard = self.or_null(Reader::true_or_false)?,
            Field::IsEnrollmentAgent => request.is_enrollment_agent = self.or_null(Reader::true_or_false)?,
            Field::IsDataCollectionComplete => {
                request.is_data_collection_complete = self.or_null(Reader::true_or_false)?;
            }
        }
        Some(())
    }

    /// Skips JSON whitespace.
    fn skip_space(&mut self) {
        let bytes = self.text.as_bytes();
        while bytes.get(self.at).is_some_and(|byte| matches!(byte, b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    /// The next byte that is not whitespace, left in place.
    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.as_bytes().get(self.at).copied()
    }

    /// Takes `byte`, after whitespace.
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Takes the `,` before another member (`true`) or the `close` that ends them (`false`).
    fn next_or_end(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            byte if byte == close => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// Takes `word` (`null`, `true`, `false`) if it is next; what follows is
    /// checked by whoever reads on.
    fn word(&mut self, word: &str) -> Option<bool> {
        self.skip_space();
        let found = self.text.as_bytes()[self.at..].starts_with(word.as_bytes());
        if found {
            self.at += word.len();
        }
        Some(found)
    }

    fn null(&mut self) -> Option<bool> {
        self.word("null")
    }

    /// What `read` reads, or its empty value for null.
    fn or_null<T: Default>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.null()? { Some(T::default()) } else { read(self) }
    }

    fn true_or_false(&mut self) -> Option<bool> {
        if self.word("true")? {
            Some(true)
        } else if self.word("false")? {
            Some(false)
        } else {
            None
        }
    }

    /// A JSON integer that fits `T`; a fraction or an exponent is left to serde.
    fn whole_number<T: TryFrom<i64>>(&mut self) -> Option<T> {
        T::try_from(self.integer()?).ok()
    }

    /// A JSON integer of up to 18 digits.
    fn integer(&mut self) -> Option<i64> {
        self.skip_space();
        let bytes = self.text.as_bytes();
        let negative = bytes.get(self.at) == Some(&b'-');
        let digits_start = self.at + usize::from(negative);
        let digits = bytes[digits_start..].iter().take_while(|byte| byte.is_ascii_digit()).count();
        let after = bytes.get(digits_start + digits);
        // JSON writes no leading zeros.
        let leading_zero = digits > 1 && bytes[digits_start] == b'0';
        if digits == 0 || digits > 18 || leading_zero || matches!(after, Some(b'.' | b'e' | b'E')) {
            return None;
        }
        let magnitude = bytes[digits_start..digits_start + digits]
            .iter()
            .fold(0i64, |value, digit| value * 10 + i64::from(digit - b'0'));
        // serde_json reads `-0` as a fraction.
        if negative && magnitude == 0 {
            return None;
        }
        self.at = digits_start + digits;
        Some(if negative { -magnitude } else { magnitude })
    }

    /// A GUID in its 36-character form; the all-zero GUID and null are `None`.
    fn guid_or_none(&mut self) -> Option<Option<Uuid>> {
        if self.null()? {
            return Some(None);
        }
        Some(Some(hyphenated_guid(self.plain_text()?.as_bytes())?).filter(|guid| !guid.is_nil()))
    }

    fn date(&mut self) -> Option<CmDate> {
        if self.null()? { Some(CmDate::NotSet) } else { Some(CmDate::parse(self.plain_text()?)) }
    }

    /// `[{"Name": text, "Value": text or null}, …]`, each item exactly so.
    fn data_collection(&mut self) -> Option<Vec<DataItem>> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(items);
        }
        loop {
            self.expect(b'{')?;
            (self.plain_text()? == "Name").then_some(())?;
            self.expect(b':')?;
            let name = self.text()?.to_owned();
            self.expect(b',')?;
            (self.plain_text()? == "Value").then_some(())?;
            self.expect(b':')?;
            let value = if self.null()? { None } else { Some(self.text()?.to_owned()) };
            self.expect(b'}')?;
            items.push(DataItem { name, value });
            if !self.next_or_end(b']')? {
                return Some(items);
            }
        }
    }

    /// A string without escapes, where it lies in the text.
    fn plain_text(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let length = memchr::memchr2(b'"', b'\\', &self.text.as_bytes()[start..])?;
        let run = &self.text[start..start + length];
        if self.text.as_bytes()[start + length] != b'"' || has_control_character(run) {
            return None;
        }
        self.at = start + length + 1;
        Some(run)
    }

    /// A string, unescaped when it has escapes. Control characters, which
    /// JSON allows only escaped, and escapes serde refuses are left to serde.
    fn text(&mut self) -> Option<&str> {
        self.expect(b'"')?;
        self.scratch.clear();
        let bytes = self.text.as_bytes();
        loop {
            let length = memchr::memchr2(b'"', b'\\', &bytes[self.at..])?;
            let run = &self.text[self.at..self.at + length];
            if has_control_character(run) {
                return None;
            }
            self.scratch.push_str(run);
            self.at += length + 1;
            if bytes[self.at - 1] == b'"' {
                return Some(&self.scratch);
            }
            let escaped = *bytes.get(self.at)?;
            self.at += 1;
            let unescaped = match escaped {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.escaped_character()?,
                _ => return None,
            };
            self.scratch.push(unescaped);
        }
    }

    /// The character of a `\u` escape whose four digits are next; half of a
    /// surrogate pair (a character outside the Basic Multilingual Plane) is left to serde.
    fn escaped_character(&mut self) -> Option<char> {
        char::from_u32(self.four_hex_digits()?)
    }

    fn four_hex_digits(&mut self) -> Option<u32> {
        let digits = self.text.as_bytes().get(self.at..self.at + 4)?;
        let value = digits
            .iter()
            .try_fold(0u32, |value, &digit| Some(value << 4 | u32::from(crate::request::hex_digit(digit)?)))?;
        self.at += 4;
        Some(value)
    }
}

/// Whether `text` holds a control character, which JSON allows only escaped:
/// eight bytes at a time, as a security descriptor is a third of a request's
/// text (the classic test for a byte below a bound, exact for any word).
fn has_control_character(text: &str) -> bool {
    const ONES: u64 = u64::MAX / 0xff;
    let (words, rest) = text.as_bytes().as_chunks::<8>();
    words.iter().any(|word| {
        let word = u64::from_le_bytes(*word);
        word.wrapping_sub(ONES * 0x20) & !word & (ONES * 0x80) != 0
    }) || rest.iter().any(|&byte| byte < 0x20)
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: &str = r#"{"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099","RequestType":1,"Status":3"#;

    /// What the reader makes of `START` and `rest`, checked against serde:
    /// whenever the reader answers, serde reads the same request.
    fn read(rest: &str) -> Option<Request> {
        let text = format!("{START}{rest}");
        let read = read_documented(&text, &mut SharedTexts::default());
        if let Some(request) = &read {
            assert_eq!(serde_json::from_str::<Request>(&text).ok().as_ref(), Some(request), "{text}");
        }
        read
    }

    #[test]
    fn the_documented_form_is_read() {
        let request = read(
            r#", "Priority": -2, "Flags": null, "Comment": "a\"\\\/\b\f\n\r\t\u00e9",
            "SecurityDescriptor": "O:BA\u0000", "IsSmartcard": true, "Submitted": "2015-07-07T19:36:21Z",
            "DataCollection": [{"Name": "Badge", "Value": null}, {"Name": "Floor", "Value": "3"}],
            "NewSmartcardUuid": "00000000-0000-0000-0000-000000000000" }"#,
        )
        .expect("documented");
        assert_eq!(request.comment, "a\"\\/\u{8}\u{c}\n\r\t\u{e9}");
        assert_eq!(
            (&*request.security_descriptor.text(), request.priority, request.new_smartcard_uuid),
            ("O:BA\0", -2, None)
        );
        assert_eq!(request.data_collection.len(), 2);
        assert_eq!(read("}").map(|request| request.status), Some(crate::RequestStatus::from(3)));
    }

    #[test]
    fn a_control_character_is_found_wherever_it_lies() {
        for length in [0, 1, 7, 8, 9, 16, 17, 23] {
            for at in 0..length {
                for byte in (0..0x80u8).chain([0x9f, 0xa0]) {
                    let mut bytes = vec![b'a'; length];
                    bytes[at] = byte;
                    let text = String::from_utf8_lossy(&bytes);
                    assert_eq!(has_control_character(&text), text.bytes().any(|byte| byte < 0x20), "{text:?}");
                }
            }
        }
        assert!(!has_control_character("é€ unicode, no control characters: \u{a0}\u{2028}"));
    }

    #[test]
    fn anything_else_is_left_to_serde() {
        for rest in [
            r#","Priority":-0}"#,
            r#","Priority":01}"#,
            r#","Priority":1.0}"#,
            r#","Priority":1e3}"#,
            r#","Priority":99999999999}"#,
            r#","Flags":-1}"#,
            r#","Priority":"3"}"#,
            r#","IsSmartcard":1}"#,
            r#","Comment":"\ud83d\ude00"}"#,
            r#","Comment":"\ud83d"}"#,
            r#","Comment":"\ude00"}"#,
            r#","Comment":"\x"}"#,
            "\u{2c}\"Comment\":\"\u{1}\"}",
            r#","Comm\u0065nt":"x"}"#,
            r#","Submitted":"2015\u002d07-07"}"#,
            r#","TargetUserUuid":"{a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099}"}"#,
            r#","DataCollection":[{"Value":"3","Name":"Floor"}]}"#,
            r#","DataCollection":"Badge"}"#,
            r#","Archived":true}"#,
            r#","Status":4}"#,
            r#","Priority":nul}"#,
            r#","Priority":1}x"#,
            r#","Priority":1"#,
        ] {
            assert_eq!(read(rest), None, "{rest}");
        }
        assert_eq!(read_documented(r#"{"RequestType":1,"Status":3}"#, &mut SharedTexts::default()), None);
    }
}
