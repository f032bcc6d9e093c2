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

use crate::bytes::same_bytes;
use crate::request::{DataCollectionFlags, DataItem, Field, Fields, RequestFlags, hyphenated_guid};
use crate::{CmDate, Request, SharedTexts};
use uuid::Uuid;

/// Reads `text`, one JSON object, as a request whose fields all have their
/// documented form; its security descriptor is shared through `descriptors`.
pub fn read_documented(text: &[u8], descriptors: &mut SharedTexts) -> Option<Request> {
    let mut request = Request::default();
    let end = read_fields(text, &mut request, descriptors, None)?;
    (end == text.len()).then_some(request)
}

/// Reads the JSON object at the start of `text`, an element of a list that
/// goes on after it, as [`read_documented`] reads one alone, into the end of
/// `requests`, where it is kept (a request is 270 bytes, not moved after it
/// is read): where the `,` or `]` after it is. Every byte up to there is
/// checked: the object is UTF-8 where `Some`; with `None`, `requests` is as it was.
pub fn read_leading_documented(
    text: &[u8],
    descriptors: &mut SharedTexts,
    requests: &mut Vec<Request>,
) -> Option<usize> {
    requests.push(Request::default());
    let place = requests.len() - 1;
    let read = requests.last_mut().and_then(|request| read_fields(text, request, descriptors, Some(place)));
    let end = read.filter(|&end| matches!(text.get(end), Some(b',' | b']')));
    if end.is_none() {
        requests.pop();
    }
    end
}

/// Reads the fields of the object at the start of `text` into `request`, at
/// `place` in its answer if known; `None` at the first field that is not
/// documented. Where the whitespace after the object ends.
fn read_fields(
    text: &[u8],
    request: &mut Request,
    descriptors: &mut SharedTexts,
    place: Option<usize>,
) -> Option<usize> {
    let mut reader = Reader { text, at: 0, scratch: descriptors.take_unescaped(), place };
    let end = reader.fields(request, descriptors);
    descriptors.give_back_unescaped(reader.scratch);
    end
}

/// A place in the text of one object.
struct Reader<'a> {
    text: &'a [u8],
    at: usize,
    /// Where an escaped text is unescaped: one buffer for all of them.
    scratch: String,
    /// The request's place in its answer, if known.
    place: Option<usize>,
}

impl<'a> Reader<'a> {
    /// Reads the object's fields into `request`: where the whitespace after it ends.
    fn fields(&mut self, request: &mut Request, descriptors: &mut SharedTexts) -> Option<usize> {
        let mut seen = 0u32;
        let mut expected = 0;
        self.expect(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
        } else {
            loop {
                // Fields come in their documented order: the key expected next is
                // compared where it lies, and only another one is read as a text.
                let field = match Field::ALL.get(expected) {
                    Some(&field) if self.word(field.key_and_colon())? => field,
                    _ => {
                        let key = self.plain_text()?;
                        let field = *Field::ALL.iter().find(|field| field.key() == key)?;
                        self.expect(b':')?;
                        field
                    }
                };
                expected = field as usize + 1;
                if seen & (1 << field as u32) != 0 {
                    return None;
                }
                seen |= 1 << field as u32;
                self.field(field, request, descriptors)?;
                if !self.next_or_end(b'}')? {
                    break;
                }
            }
        }
        self.skip_space();
        let identity = [Field::Uuid, Field::RequestType, Field::Status];
        identity.iter().all(|&field| seen & (1 << field as u32) != 0).then_some(self.at)
    }

    /// Reads the value of `field` into `request`.
    fn field(&mut self, field: Field, request: &mut Request, descriptors: &mut SharedTexts) -> Option<()> {
        match field {
            Field::Uuid => request.uuid = self.guid()?,
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
                let place = self.place;
                let text = if self.null()? { "" } else { self.text()? };
                request.security_descriptor = match place {
                    Some(place) => descriptors.share_at(text, place),
                    None => descriptors.share(text),
                };
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
    #[inline(always)]
    fn skip_space(&mut self) {
        let bytes = self.text;
        while bytes.get(self.at).is_some_and(|byte| matches!(byte, b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    /// The next byte that is not whitespace, left in place. Inlined, as are
    /// `expect` and `skip_space`: a call each costs more than what they do.
    #[inline(always)]
    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.get(self.at).copied()
    }

    /// Takes `byte`, after whitespace.
    #[inline(always)]
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

    /// Takes `word` (`null`, `true`, `false`, a key and its colon) if it is
    /// next; what follows is checked by whoever reads on.
    fn word(&mut self, word: &str) -> Option<bool> {
        self.skip_space();
        let found = self.text.get(self.at..self.at + word.len()).is_some_and(|next| same_bytes(next, word.as_bytes()));
        if found {
            self.at += word.len();
        }
        Some(found)
    }

    /// Takes `null` if it is next. Most values that may be null are not:
    /// their first byte tells, without comparing the word.
    fn null(&mut self) -> Option<bool> {
        match self.peek()? {
            b'n' => self.word("null"),
            _ => Some(false),
        }
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
        let bytes = self.text;
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

    /// A GUID in its 36-character form, read where it lies: a text of any
    /// other length, or with an escape, is no GUID.
    fn guid(&mut self) -> Option<Uuid> {
        self.skip_space();
        let quoted = self.text.get(self.at..self.at + 38)?;
        if quoted[0] != b'"' || quoted[37] != b'"' {
            return None;
        }
        let guid = hyphenated_guid(&quoted[1..37])?;
        self.at += 38;
        Some(guid)
    }

    /// A GUID; the all-zero GUID and null are `None`.
    fn guid_or_none(&mut self) -> Option<Option<Uuid>> {
        if self.null()? {
            return Some(None);
        }
        Some(Some(self.guid()?).filter(|guid| !guid.is_nil()))
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
        let (run, end) = text_run(&self.text[start..])?;
        if end != b'"' {
            return None;
        }
        self.at = start + run.len() + 1;
        Some(run)
    }

    /// A string, unescaped when it has escapes. Control characters, which
    /// JSON allows only escaped, and escapes serde refuses are left to serde.
    fn text(&mut self) -> Option<&str> {
        self.expect(b'"')?;
        self.scratch.clear();
        let bytes = self.text;
        loop {
            let (run, end) = text_run(&bytes[self.at..])?;
            self.scratch.push_str(run);
            self.at += run.len() + 1;
            if end == b'"' {
                return Some(&self.scratch);
            }
            // The NUL padding that ends nearly every security descriptor, up
            // to nine escapes of six bytes: taken at once, not one by one.
            let nuls = bytes[self.at - 1..].chunks(6).take_while(|&escape| same_bytes(escape, NUL_ESCAPE)).count();
            if nuls > 0 {
                self.scratch.extend(std::iter::repeat_n('\0', nuls));
                self.at += 6 * nuls - 1;
                continue;
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
        let digits = self.text.get(self.at..self.at + 4)?;
        let value = digits
            .iter()
            .try_fold(0u32, |value, &digit| Some(value << 4 | u32::from(crate::request::hex_digit(digit)?)))?;
        self.at += 4;
        Some(value)
    }
}

/// How JSON writes NUL.
const NUL_ESCAPE: &[u8] = b"\\u0000";

/// The text at the start of `bytes` up to the first `"` or `\\`, and that
/// byte; `None` if there is none, or a control character (which JSON allows
/// only escaped) or a broken character comes before it. Eight bytes at a time,
/// as a security descriptor is a third of a request's text: the classic test
/// for a byte below a bound finds the first such byte of a word exactly; a
/// text of ASCII, as most are, needs no other check.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn text_run(bytes: &[u8]) -> Option<(&str, u8)> {
    use crate::bytes::{ONES, bytes_below, bytes_equal};
    let (words, _) = bytes.as_chunks::<8>();
    let mut high_bits = 0;
    for (index, word) in words.iter().enumerate() {
        let word = u64::from_le_bytes(*word);
        let stops = bytes_below(word, 0x20) | bytes_equal(word, b'"') | bytes_equal(word, b'\\');
        if stops != 0 {
            let before = stops.trailing_zeros() / 8;
            let high_before = word & (ONES * 0x80) & ((1 << (8 * before)) - 1);
            return run_before(bytes, index * 8 + before as usize, high_bits | high_before == 0);
        }
        high_bits |= word & (ONES * 0x80);
    }
    run_in_tail(bytes, words.len() * 8, high_bits == 0)
}

/// [`text_run`] in WebAssembly, sixteen bytes at a time (SIMD).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn text_run(bytes: &[u8]) -> Option<(&str, u8)> {
    use std::arch::wasm32::*;
    let (blocks, _) = bytes.as_chunks::<16>();
    let mut high_bits = 0;
    for (index, block) in blocks.iter().enumerate() {
        // SAFETY: a block is 16 bytes, and WebAssembly loads need no alignment.
        let block = unsafe { v128_load(block.as_ptr().cast()) };
        let quote_or_backslash = v128_or(i8x16_eq(block, u8x16_splat(b'"')), i8x16_eq(block, u8x16_splat(b'\\')));
        let stops = i8x16_bitmask(v128_or(u8x16_lt(block, u8x16_splat(0x20)), quote_or_backslash));
        if stops != 0 {
            let before = stops.trailing_zeros();
            let high_before = i8x16_bitmask(block) & ((1 << before) - 1);
            return run_before(bytes, index * 16 + before as usize, high_bits | high_before == 0);
        }
        high_bits |= i8x16_bitmask(block);
    }
    run_in_tail(bytes, blocks.len() * 16, high_bits == 0)
}

/// [`text_run`] when its stop lies in the bytes from `from` on, which are
/// fewer than a word, those before being ASCII or not as `ascii_before` says.
fn run_in_tail(bytes: &[u8], from: usize, ascii_before: bool) -> Option<(&str, u8)> {
    let stop = from + bytes[from..].iter().position(|&byte| stops_text(byte))?;
    run_before(bytes, stop, ascii_before && bytes[from..stop].is_ascii())
}

/// Whether `byte` ends a run of a JSON string's text: its closing quote, an
/// escape, or a control character, which JSON allows only escaped.
fn stops_text(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// The text before `stop`, which stops it, and the byte there; `None` for a
/// control character there, or bytes before it that are not UTF-8.
fn run_before(bytes: &[u8], stop: usize, ascii: bool) -> Option<(&str, u8)> {
    let (run, end) = (&bytes[..stop], bytes[stop]);
    if end < 0x20 {
        return None;
    }
    let run = match ascii {
        // SAFETY: ASCII is UTF-8.
        true => unsafe { std::str::from_utf8_unchecked(run) },
        false => std::str::from_utf8(run).ok()?,
    };
    Some((run, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: &str = r#"{"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099","RequestType":1,"Status":3"#;

    /// What the reader makes of `START` and `rest`, checked against serde:
    /// whenever the reader answers, serde reads the same request.
    fn read(rest: &str) -> Option<Request> {
        let text = format!("{START}{rest}");
        let read = read_documented(text.as_bytes(), &mut SharedTexts::default());
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

    /// What [`text_run`] gives, found a byte at a time.
    fn run_a_byte_at_a_time(bytes: &[u8]) -> Option<(&str, u8)> {
        let stop = bytes.iter().position(|&byte| stops_text(byte))?;
        (bytes[stop] >= 0x20).then_some(())?;
        Some((std::str::from_utf8(&bytes[..stop]).ok()?, bytes[stop]))
    }

    #[test]
    fn a_text_runs_to_its_quote_or_escape_and_is_checked_wherever_a_control_or_broken_character_lies() {
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 40] {
            for at in 0..=length {
                for byte in (0..=0xffu8).step_by(3).chain([0x1f, 0x20, b'"', b'\\', 0x7f, 0x80, 0xc3]) {
                    for after in [&b"\""[..], b"\\n", b"\t\"", b""] {
                        let mut bytes = vec![b'a'; length];
                        bytes.extend_from_slice(after);
                        bytes.extend_from_slice(b"\0tail\x01");
                        if at < bytes.len() {
                            bytes[at] = byte;
                        }
                        assert_eq!(text_run(&bytes), run_a_byte_at_a_time(&bytes), "{bytes:?}");
                    }
                }
            }
        }
        for text in ["é€ unicode, no control characters: \u{a0}\u{2028}", "ascii only, longer than sixteen bytes"] {
            let quoted = format!("{text}\"");
            assert_eq!(text_run(quoted.as_bytes()), Some((text, b'"')));
        }
        assert_eq!(text_run("é€ unicode, then a tab\t\"".as_bytes()), None);
        assert_eq!(text_run(&"é€ unicode, cut\"".as_bytes()[1..]), None);
        assert_eq!(text_run(b"no end"), None);
    }

    #[test]
    fn runs_of_nul_escapes_read_as_serde_reads_them_wherever_they_lie_or_are_cut() {
        let nul = r"\u0000";
        for before in ["", "O:BA", "a\\"] {
            for count in 0..=10 {
                for after in ["", "x", "0", r"\u00000", r"\u000", r"\u0001", r"\n", r"\u00", "\\"] {
                    let text = format!("{before}{}{after}", nul.repeat(count));
                    for field in ["SecurityDescriptor", "Comment"] {
                        let request = read(&format!(r#","{field}":"{text}"}}"#));
                        let serde = serde_json::from_str::<Request>(&format!(r#"{START},"{field}":"{text}"}}"#));
                        assert_eq!(request.is_some(), serde.is_ok(), "{text}");
                    }
                }
            }
        }
        let nine = read(&format!(r#","SecurityDescriptor":"O:BA{}"}}"#, nul.repeat(9))).expect("documented");
        assert_eq!(&*nine.security_descriptor.text(), format!("O:BA{}", "\0".repeat(9)));
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
        assert_eq!(read_documented(br#"{"RequestType":1,"Status":3}"#, &mut SharedTexts::default()), None);
    }
}
