//! One CM request, field by field, as the REST API sends it.

use crate::forms::{JsonForm, Read, ReadFrom, Received};
use crate::{CmDate, RequestStatus, RequestType, SecurityDescriptor};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;
use std::marker::PhantomData;
use uuid::Uuid;

/// A CM request (`Microsoft.Clm.Shared.Requests.Request`).
///
/// GUIDs that the API sends as all zeros ("none") are `None`. Fields other than
/// the id, type and status may be missing or null; they then take their empty
/// value rather than costing the whole request; a field sent in another form
/// than documented is read as well as it can be, and noted in
/// [`Request::field_notes`]. Fields this crate does not know are kept in
/// [`Request::unknown_fields`] so that they can still be shown.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    /// `Uuid`: the request's id (required).
    pub uuid: Uuid,
    /// `RequestType`: what the request asks CM to do (required).
    pub request_type: RequestType,
    /// `Status`: where the request stands, e.g. pending, approved or completed (required).
    pub status: RequestStatus,
    /// `Flags`: the request's RequestFlags bit set.
    pub flags: RequestFlags,
    /// `DataCollection`: the data items collected for the request; empty when null.
    pub data_collection: Vec<DataItem>,
    /// `DataCollectionFlags`: a bit set whose bits are not documented.
    pub data_collection_flags: DataCollectionFlags,
    /// `OriginatorUserUuid`: Active Directory objectGUID of the user who originated the request.
    #[serde(serialize_with = "nil_for_none")]
    pub originator_user_uuid: Option<Uuid>,
    /// `TargetUserUuid`: Active Directory objectGUID of the user the request is for.
    #[serde(serialize_with = "nil_for_none")]
    pub target_user_uuid: Option<Uuid>,
    /// `Submitted`: when the request was submitted.
    pub submitted: CmDate,
    /// `Completed`: when the request completed; [`CmDate::NotSet`] if it has not.
    pub completed: CmDate,
    /// `NewProfileUuid`: GUID of the request's new profile, if any.
    #[serde(serialize_with = "nil_for_none")]
    pub new_profile_uuid: Option<Uuid>,
    /// `OldProfileUuid`: GUID of the request's old profile, if any.
    #[serde(serialize_with = "nil_for_none")]
    pub old_profile_uuid: Option<Uuid>,
    /// `NewSmartcardUuid`: GUID of the request's new smart card, if any.
    #[serde(serialize_with = "nil_for_none")]
    pub new_smartcard_uuid: Option<Uuid>,
    /// `OldSmartcardUuid`: GUID of the request's old smart card, if any.
    #[serde(serialize_with = "nil_for_none")]
    pub old_smartcard_uuid: Option<Uuid>,
    /// `Priority`: the request's priority, as a number.
    pub priority: i32,
    /// `Comment`: free text typed by people: show it as text, never as markup.
    pub comment: String,
    /// `ProfileTemplateUuid`: the profile template; `GET .../profiletemplates` gives its name.
    #[serde(serialize_with = "nil_for_none")]
    pub profile_template_uuid: Option<Uuid>,
    /// `SecurityDescriptor`: SDDL as received, NUL padding included, kept small and shared.
    pub security_descriptor: SecurityDescriptor,
    /// `IsSmartcard`: a smart-card request (true) or a software-profile request (false).
    pub is_smartcard: bool,
    /// `IsEnrollmentAgent`: whether an enrollment agent is required to run the request.
    pub is_enrollment_agent: bool,
    /// `IsDataCollectionComplete`: whether the request's data collection is complete.
    pub is_data_collection_complete: bool,
    /// Fields this crate does not know and notes on how fields were read:
    /// `None` when there are neither, as for nearly every request.
    #[serde(flatten)]
    pub unusual: Option<Box<Unusual>>,
}

/// What few requests carry, kept apart so that the many without it cost one
/// pointer rather than two empty lists (8 bytes, not 48, of every request).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unusual {
    /// Fields of the response that this crate does not know, as received.
    pub unknown_fields: Map<String, Value>,
    /// The fields that are not shown exactly as the server sent them, in the
    /// order they came; never written, as they describe the reading, not the request.
    pub field_notes: Vec<FieldNote>,
}

/// Written as the unknown fields alone, which the request writes among its own.
impl Serialize for Unusual {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.unknown_fields.serialize(serializer)
    }
}

impl Request {
    /// Fields of the response that this crate does not know, as received; `None` when there are none.
    pub fn unknown_fields(&self) -> Option<&Map<String, Value>> {
        self.unusual.as_ref().map(|unusual| &unusual.unknown_fields).filter(|fields| !fields.is_empty())
    }

    /// The fields that are not shown exactly as the server sent them, in the order they came.
    pub fn field_notes(&self) -> &[FieldNote] {
        self.unusual.as_ref().map_or(&[], |unusual| &unusual.field_notes)
    }

    /// The unusual part, made now if the request had none.
    pub fn unusual_mut(&mut self) -> &mut Unusual {
        self.unusual.get_or_insert_default()
    }
}

/// Why a field of a request is not shown exactly as the server sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldNote {
    /// `field` (its JSON key) came as `received` instead of its documented form;
    /// what it holds is shown as read from that form.
    OtherForm {
        /// The field's JSON key, such as `DataCollection`.
        field: &'static str,
        /// The form it came in.
        received: JsonForm,
    },
    /// A text of the request was too long to keep whole; only its start is kept.
    Shortened(ShortenedText),
}

/// A text that was kept only in part, as it was in an element too long to
/// keep whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShortenedText {
    /// The field (JSON key) the text is, or is in; `None` outside any field.
    pub field: Option<String>,
    /// Whether the text is inside the field's value (an item of its list, say)
    /// rather than the value itself.
    pub inside: bool,
    /// The text's length in the response's JSON, in bytes; its first
    /// `KEPT_TEXT_BYTES` (to the end of a character) are kept.
    pub length: usize,
}

/// `Flags`: a bit set (RequestFlags). Name its bits with cm-model's `NameBook::request_flags`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestFlags(pub u32);

/// `DataCollectionFlags`: a bit set. Name its bits with cm-model's `NameBook::data_collection_flags`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DataCollectionFlags(pub u32);

/// One item of a request's data collection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DataItem {
    /// `Name`: what the item is.
    pub name: String,
    /// `Value`: `None` when the item has not been collected (JSON null).
    pub value: Option<String>,
}

/// The all-zero GUID is how the API says "none".
pub fn nil_for_none<S: serde::Serializer>(guid: &Option<Uuid>, serializer: S) -> Result<S::Ok, S::Error> {
    guid.unwrap_or_default().serialize(serializer)
}

/// A GUID field: all zeros or null mean "none".
fn guid_or_none<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Uuid>, A::Error> {
    Ok(map.next_value::<Option<Guid>>()?.map(|Guid(guid)| guid).filter(|guid| !guid.is_nil()))
}

/// A GUID as CM writes it, `a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099`, read
/// straight from the JSON text. Six of them in every request make the general
/// parser of the `uuid` crate, which accepts every form, a fifth of the
/// decoding time; other forms still go through it, with its messages.
struct Guid(Uuid);

impl<'de> Deserialize<'de> for Guid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Guid, D::Error> {
        struct GuidVisitor;
        impl Visitor<'_> for GuidVisitor {
            type Value = Guid;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a GUID")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Guid, E> {
                match hyphenated_guid(text.as_bytes()) {
                    Some(guid) => Ok(Guid(guid)),
                    None => Uuid::try_parse(text)
                        .map(Guid)
                        .map_err(|error| E::custom(format_args!("UUID parsing failed: {error}"))),
                }
            }
        }
        deserializer.deserialize_str(GuidVisitor)
    }
}

/// The 36-character form with hyphens, in either case; `None` for anything
/// else. Its 32 digits are read eight at a time (seven GUIDs a request).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub(crate) fn hyphenated_guid(text: &[u8]) -> Option<Uuid> {
    let text: &[u8; 36] = text.try_into().ok()?;
    if [8, 13, 18, 23].iter().any(|&at| text[at] != b'-') {
        return None;
    }
    let eight = |at: usize| text[at..].first_chunk().map(|digits| u64::from_le_bytes(*digits));
    let four = |at: usize| text[at..].first_chunk().map(|digits| u64::from(u32::from_le_bytes(*digits)));
    let halves = [
        eight_hex_digits(eight(0)?)?,
        eight_hex_digits(four(9)? | four(14)? << 32)?,
        eight_hex_digits(four(19)? | four(24)? << 32)?,
        eight_hex_digits(eight(28)?)?,
    ];
    let mut bytes = [0u8; 16];
    for (four, half) in bytes.chunks_exact_mut(4).zip(halves) {
        four.copy_from_slice(&half.to_le_bytes());
    }
    Some(Uuid::from_bytes(bytes))
}

/// [`hyphenated_guid`] in WebAssembly, sixteen digits at a time (SIMD), as
/// the browser reads seven GUIDs a request: decoding took 4 % less time than
/// with eight at a time, measured build against build. The same answers for
/// every text (`tests/simd_in_browser.rs` runs the native test's cases in the browser).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) fn hyphenated_guid(text: &[u8]) -> Option<Uuid> {
    use std::arch::wasm32::*;
    let text: &[u8; 36] = text.try_into().ok()?;
    if [8, 13, 18, 23].iter().any(|&at| text[at] != b'-') {
        return None;
    }
    // SAFETY: each load reads 16 of the 36 bytes (WebAssembly loads need no alignment).
    let (start, middle, end) = unsafe {
        let load = |at: usize| v128_load(text.as_ptr().add(at).cast());
        (load(0), load(16), load(20))
    };
    // The digits without the hyphens: text[0..8], [9..13], [14..18]; then
    // [19..23], [24..32] and [32..36] (the last load starts at 20).
    let first = u8x16_shuffle::<0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17>(start, middle);
    let second = u8x16_shuffle::<3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 28, 29, 30, 31>(middle, end);
    let values = |digits: v128| {
        let decimal = u8x16_sub(digits, u8x16_splat(b'0'));
        let is_decimal = u8x16_lt(decimal, u8x16_splat(10));
        // A letter in either case, counted from `a`.
        let letter = u8x16_sub(v128_or(digits, u8x16_splat(0x20)), u8x16_splat(b'a'));
        let is_letter = u8x16_lt(letter, u8x16_splat(6));
        let valid = u8x16_all_true(v128_or(is_decimal, is_letter));
        (valid, v128_bitselect(decimal, u8x16_add(letter, u8x16_splat(10)), is_decimal))
    };
    let ((first_valid, first), (second_valid, second)) = (values(first), values(second));
    if !(first_valid && second_valid) {
        return None;
    }
    // Each pair of digits (one 16-bit lane, the first digit in its low byte) becomes one byte.
    let pairs = |values: v128| v128_or(u16x8_shl(v128_and(values, u16x8_splat(0x0f)), 4), u16x8_shr(values, 8));
    let bytes = u8x16_narrow_i16x8(pairs(first), pairs(second));
    let mut guid = [0u8; 16];
    // SAFETY: `guid` is 16 writable bytes, which an unaligned store may write.
    unsafe { v128_store(guid.as_mut_ptr().cast(), bytes) };
    Some(Uuid::from_bytes(guid))
}

/// The value of eight ASCII hex digits, the first in the lowest byte of
/// `digits`, as four bytes in the same order; `None` if one is not a hex digit.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn eight_hex_digits(digits: u64) -> Option<u32> {
    const ONES: u64 = u64::MAX / 0xff;
    const HIGH: u64 = ONES * 0x80;
    // For bytes below 0x80, the high bit of each byte of the sum says whether
    // the byte is at least `bound`, and no sum carries into the next byte.
    let at_least = |bytes: u64, bound: u64| bytes + ONES * (0x80 - bound);
    if digits & HIGH != 0 {
        return None;
    }
    let decimal = at_least(digits, b'0'.into()) & !at_least(digits, u64::from(b'9') + 1);
    let lower = digits | (ONES * 0x20);
    let letter = at_least(lower, b'a'.into()) & !at_least(lower, u64::from(b'f') + 1) & HIGH;
    if (decimal | letter) & HIGH != HIGH {
        return None;
    }
    // Each byte's value: its low four bits, and nine more for a letter.
    let values = (digits & (ONES * 0x0f)) + (letter >> 7) * 9;
    // Each even byte takes the value after it as its low four bits; the odd
    // bytes are then dropped.
    let pairs = (values << 4 | values >> 8) & 0x00ff_00ff_00ff_00ff;
    let pairs = (pairs | pairs >> 8) & 0x0000_ffff_0000_ffff;
    Some((pairs | pairs >> 16) as u32)
}

/// The value of an ASCII hex digit, `None` for any other byte: looked up, as
/// tests of the digit's range cost a mispredicted branch for every other
/// digit of a GUID (and `char::to_digit` is called, not inlined, by the
/// size-optimised build).
#[inline(always)]
pub fn hex_digit(byte: u8) -> Option<u8> {
    let value = HEX_VALUES[usize::from(byte)];
    (value != NOT_HEX).then_some(value)
}

/// What [`HEX_VALUES`] holds for a byte that is not a hex digit.
const NOT_HEX: u8 = u8::MAX;

/// Each byte's value as a hex digit, or [`NOT_HEX`].
static HEX_VALUES: [u8; 256] = {
    let mut values = [NOT_HEX; 256];
    let mut digit = 0;
    while digit < 16 {
        let lower = b"0123456789abcdef"[digit];
        values[lower as usize] = digit as u8;
        values[lower.to_ascii_uppercase() as usize] = digit as u8;
        digit += 1;
    }
    values
};

/// A documented field of a request, named as its JSON key is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Uuid,
    RequestType,
    Status,
    Flags,
    DataCollection,
    DataCollectionFlags,
    OriginatorUserUuid,
    TargetUserUuid,
    Submitted,
    Completed,
    NewProfileUuid,
    OldProfileUuid,
    NewSmartcardUuid,
    OldSmartcardUuid,
    Priority,
    Comment,
    ProfileTemplateUuid,
    SecurityDescriptor,
    IsSmartcard,
    IsEnrollmentAgent,
    IsDataCollectionComplete,
}

impl Fields for Field {
    const ALL: &'static [Field] = &[
        Field::Uuid,
        Field::RequestType,
        Field::Status,
        Field::Flags,
        Field::DataCollection,
        Field::DataCollectionFlags,
        Field::OriginatorUserUuid,
        Field::TargetUserUuid,
        Field::Submitted,
        Field::Completed,
        Field::NewProfileUuid,
        Field::OldProfileUuid,
        Field::NewSmartcardUuid,
        Field::OldSmartcardUuid,
        Field::Priority,
        Field::Comment,
        Field::ProfileTemplateUuid,
        Field::SecurityDescriptor,
        Field::IsSmartcard,
        Field::IsEnrollmentAgent,
        Field::IsDataCollectionComplete,
    ];

    fn key(self) -> &'static str {
        let key_and_colon = self.key_and_colon();
        &key_and_colon[1..key_and_colon.len() - 2]
    }
}

impl Field {
    /// The field's key quoted, and the colon after it, as the server writes
    /// them: how a documented request is read, one comparison a field.
    pub(crate) fn key_and_colon(self) -> &'static str {
        match self {
            Field::Uuid => "\"Uuid\":",
            Field::RequestType => "\"RequestType\":",
            Field::Status => "\"Status\":",
            Field::Flags => "\"Flags\":",
            Field::DataCollection => "\"DataCollection\":",
            Field::DataCollectionFlags => "\"DataCollectionFlags\":",
            Field::OriginatorUserUuid => "\"OriginatorUserUuid\":",
            Field::TargetUserUuid => "\"TargetUserUuid\":",
            Field::Submitted => "\"Submitted\":",
            Field::Completed => "\"Completed\":",
            Field::NewProfileUuid => "\"NewProfileUuid\":",
            Field::OldProfileUuid => "\"OldProfileUuid\":",
            Field::NewSmartcardUuid => "\"NewSmartcardUuid\":",
            Field::OldSmartcardUuid => "\"OldSmartcardUuid\":",
            Field::Priority => "\"Priority\":",
            Field::Comment => "\"Comment\":",
            Field::ProfileTemplateUuid => "\"ProfileTemplateUuid\":",
            Field::SecurityDescriptor => "\"SecurityDescriptor\":",
            Field::IsSmartcard => "\"IsSmartcard\":",
            Field::IsEnrollmentAgent => "\"IsEnrollmentAgent\":",
            Field::IsDataCollectionComplete => "\"IsDataCollectionComplete\":",
        }
    }
}

/// The documented fields of one kind of object, as a named enum whose
/// variants are listed in `ALL` in declaration order.
pub(crate) trait Fields: Copy + 'static {
    /// Every field, each at the place of its variant.
    const ALL: &'static [Self];
    /// The field's JSON key.
    fn key(self) -> &'static str;
}

/// A key of an object: one of its documented fields, or another, by name.
pub(crate) enum Key<F> {
    Known(F),
    Unknown(String),
}

/// Reads a [`Key`] of an object whose documented fields are `F`.
pub(crate) struct KeyAmong<F>(PhantomData<F>);

impl<F> KeyAmong<F> {
    pub(crate) fn new() -> KeyAmong<F> {
        KeyAmong(PhantomData)
    }
}

impl<'de, F: Fields> DeserializeSeed<'de> for KeyAmong<F> {
    type Value = Key<F>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<F>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<F: Fields> Visitor<'_> for KeyAmong<F> {
    type Value = Key<F>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<F>, E> {
        Ok(match F::ALL.iter().find(|known| known.key() == key) {
            Some(&field) => Key::Known(field),
            None => Key::Unknown(key.to_owned()),
        })
    }
}

/// Reads the value of `field`, noting on `notes` when it came in another form than documented.
fn read<'de, A: MapAccess<'de>, T: ReadFrom>(
    map: &mut A,
    field: Field,
    notes: &mut Vec<FieldNote>,
) -> Result<T, A::Error> {
    Ok(noted(T::read_from(map.next_value::<Received<'de>>()?)?, field, notes))
}

/// The value `read`, noting on `notes` when `field` came in another form than documented.
fn noted<T>(read: Read<T>, field: Field, notes: &mut Vec<FieldNote>) -> T {
    if let Some(received) = read.other_form {
        notes.push(FieldNote::OtherForm { field: field.key(), received });
    }
    read.value
}

/// Written by hand rather than derived: the derive cannot keep unknown fields
/// without buffering the whole object first (`flatten`), which makes decoding
/// several times slower.
impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Request, D::Error> {
        deserializer.deserialize_map(RequestVisitor)
    }
}

struct RequestVisitor;

impl<'de> Visitor<'de> for RequestVisitor {
    type Value = Request;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CM request object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Request, A::Error> {
        let mut uuid = None;
        let mut request_type = None;
        let mut status = None;
        let mut request = Request::default();
        let mut seen = 0u32;
        let mut field_notes = Vec::new();
        while let Some(key) = map.next_key_seed(KeyAmong::<Field>::new())? {
            let field = match key {
                Key::Known(field) => field,
                Key::Unknown(name) => {
                    if request.unknown_fields().is_some_and(|fields| fields.contains_key(&name)) {
                        map.next_value::<IgnoredAny>()?;
                        return Err(de::Error::custom(format_args!("duplicate field `{name}`")));
                    }
                    let value = map.next_value()?;
                    request.unusual_mut().unknown_fields.insert(name, value);
                    continue;
                }
            };
            if seen & (1 << field as u32) != 0 {
                return Err(de::Error::duplicate_field(field.key()));
            }
            seen |= 1 << field as u32;
            // The request's identity is read only in its documented form: it
            // is what every other field belongs to.
            let notes = &mut field_notes;
            match field {
                Field::Uuid => uuid = Some(map.next_value::<Guid>()?.0),
                Field::RequestType => request_type = Some(map.next_value()?),
                Field::Status => status = Some(map.next_value()?),
                Field::Flags => request.flags = RequestFlags(read(&mut map, field, notes)?),
                Field::DataCollection => request.data_collection = noted(map.next_value()?, field, notes),
                Field::DataCollectionFlags => {
                    request.data_collection_flags = DataCollectionFlags(read(&mut map, field, notes)?);
                }
                Field::OriginatorUserUuid => request.originator_user_uuid = guid_or_none(&mut map)?,
                Field::TargetUserUuid => request.target_user_uuid = guid_or_none(&mut map)?,
                Field::Submitted => request.submitted = read(&mut map, field, notes)?,
                Field::Completed => request.completed = read(&mut map, field, notes)?,
                Field::NewProfileUuid => request.new_profile_uuid = guid_or_none(&mut map)?,
                Field::OldProfileUuid => request.old_profile_uuid = guid_or_none(&mut map)?,
                Field::NewSmartcardUuid => request.new_smartcard_uuid = guid_or_none(&mut map)?,
                Field::OldSmartcardUuid => request.old_smartcard_uuid = guid_or_none(&mut map)?,
                Field::Priority => request.priority = read(&mut map, field, notes)?,
                Field::Comment => {
                    request.comment = read::<_, Option<String>>(&mut map, field, notes)?.unwrap_or_default();
                }
                Field::ProfileTemplateUuid => request.profile_template_uuid = guid_or_none(&mut map)?,
                Field::SecurityDescriptor => {
                    request.security_descriptor =
                        read::<_, Option<String>>(&mut map, field, notes)?.unwrap_or_default().into();
                }
                Field::IsSmartcard => request.is_smartcard = read(&mut map, field, notes)?,
                Field::IsEnrollmentAgent => request.is_enrollment_agent = read(&mut map, field, notes)?,
                Field::IsDataCollectionComplete => {
                    request.is_data_collection_complete = read(&mut map, field, notes)?;
                }
            }
        }
        if !field_notes.is_empty() {
            request.unusual_mut().field_notes = field_notes;
        }
        request.uuid = uuid.ok_or_else(|| de::Error::missing_field("Uuid"))?;
        request.request_type = request_type.ok_or_else(|| de::Error::missing_field("RequestType"))?;
        request.status = status.ok_or_else(|| de::Error::missing_field("Status"))?;
        Ok(request)
    }
}

/// An empty request: the nil id, type and status 0 (which have no name), and
/// every other field empty or not set, as a field missing from the JSON is.
impl Default for Request {
    fn default() -> Request {
        Request {
            uuid: Uuid::nil(),
            request_type: RequestType::Unknown(0),
            status: RequestStatus::Unknown(0),
            flags: RequestFlags::default(),
            data_collection: Vec::new(),
            data_collection_flags: DataCollectionFlags::default(),
            originator_user_uuid: None,
            target_user_uuid: None,
            submitted: CmDate::NotSet,
            completed: CmDate::NotSet,
            new_profile_uuid: None,
            old_profile_uuid: None,
            new_smartcard_uuid: None,
            old_smartcard_uuid: None,
            priority: 0,
            comment: String::new(),
            profile_template_uuid: None,
            security_descriptor: SecurityDescriptor::default(),
            is_smartcard: false,
            is_enrollment_agent: false,
            is_data_collection_complete: false,
            unusual: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guid_is_read_exactly_as_the_uuid_crate_reads_its_hyphenated_form() {
        let guid = *b"a9B4b42c-cc50-4c9b-89d1-bbc0bcdEF099";
        assert_eq!(hyphenated_guid(&guid), Uuid::try_parse_ascii(&guid).ok());
        assert!(hyphenated_guid(&guid).is_some());
        for at in 0..guid.len() {
            for byte in 0..=u8::MAX {
                let mut text = guid;
                text[at] = byte;
                assert_eq!(hyphenated_guid(&text), Uuid::try_parse_ascii(&text).ok(), "{byte:#x} at {at}");
            }
        }
        for text in [&guid[1..], &[guid.as_slice(), b"0"].concat(), b"{a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a0}"] {
            assert_eq!(hyphenated_guid(text), None);
        }
    }

    #[test]
    fn every_field_is_listed_once_in_its_place_and_read_by_its_key() {
        assert_eq!(Field::ALL.len(), Field::IsDataCollectionComplete as usize + 1);
        for (place, &field) in Field::ALL.iter().enumerate() {
            assert_eq!(field as usize, place, "{field:?}");
            let read = KeyAmong::<Field>::new().visit_str::<de::value::Error>(field.key()).unwrap();
            assert!(matches!(read, Key::Known(known) if known == field), "{field:?}");
        }
        let serialized: Value = serde_json::to_value(Request::default()).unwrap();
        let keys: Vec<&str> = Field::ALL.iter().map(|field| field.key()).collect();
        assert_eq!(serialized.as_object().unwrap().len(), keys.len());
        for key in keys {
            assert!(serialized.get(key).is_some(), "{key} is the key Request is written with");
        }
    }

    const MINIMAL: &str = r#"{"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099","RequestType":1,"Status":3"#;

    fn decode(extra: &str) -> Result<Request, serde_json::Error> {
        serde_json::from_str(&format!("{MINIMAL}{extra}}}"))
    }

    #[test]
    fn unknown_fields_are_kept_and_written_back() {
        let request = decode(r#","Archived":true,"Notes":{"By":"x"}"#).unwrap();
        assert_eq!(request.unknown_fields().unwrap()["Archived"], Value::Bool(true));
        assert_eq!(request.unknown_fields().unwrap()["Notes"]["By"], "x");
        let written: Value = serde_json::to_value(&request).unwrap();
        assert_eq!(written["Notes"]["By"], "x");
    }

    #[test]
    fn nil_and_null_guids_are_none() {
        let request =
            decode(r#","TargetUserUuid":"00000000-0000-0000-0000-000000000000","NewProfileUuid":null"#).unwrap();
        assert_eq!((request.target_user_uuid, request.new_profile_uuid), (None, None));
        let written: Value = serde_json::to_value(&request).unwrap();
        assert_eq!(written["TargetUserUuid"], "00000000-0000-0000-0000-000000000000");
    }

    #[test]
    fn guids_are_read_in_every_form_the_uuid_crate_reads() {
        let read =
            |guid: &str| decode(&format!(r#","TargetUserUuid":"{guid}""#)).map(|request| request.target_user_uuid);
        let expected = Some(uuid::uuid!("0c96d73f-967b-420e-854a-43ad2a1504bc"));
        for form in [
            "0c96d73f-967b-420e-854a-43ad2a1504bc",
            "0C96D73F-967B-420E-854A-43AD2A1504BC",
            "{0c96d73f-967b-420e-854a-43ad2a1504bc}",
            "0c96d73f967b420e854a43ad2a1504bc",
        ] {
            assert_eq!(read(form).unwrap(), expected, "{form}");
        }
        for wrong in ["0c96d73f-967b-420e-854a-43ad2a1504bg", "0c96d73f-967b-420e-854a_43ad2a1504bc", "0c96d73f"] {
            let error = read(wrong).unwrap_err().to_string();
            assert!(error.contains("UUID parsing failed"), "{wrong}: {error}");
        }
    }

    #[test]
    fn nulls_are_empty_values() {
        let request = decode(
            r#","Comment":null,"DataCollection":null,"Completed":null,"SecurityDescriptor":null,"IsSmartcard":null,
            "Priority":null,"Flags":null"#,
        )
        .unwrap();
        assert_eq!((request.comment.as_str(), request.data_collection.len()), ("", 0));
        assert_eq!(request.completed, CmDate::NotSet);
        assert_eq!((request.is_smartcard, request.priority, request.flags), (false, 0, RequestFlags(0)));
        assert_eq!(request.field_notes(), []);
    }

    #[test]
    fn the_identity_fields_are_required() {
        let error = serde_json::from_str::<Request>(r#"{"RequestType":1,"Status":3}"#).unwrap_err();
        assert!(error.to_string().contains("missing field `Uuid`"), "{error}");
    }

    #[test]
    fn duplicate_fields_are_errors() {
        assert!(decode(r#","Status":4"#).unwrap_err().to_string().contains("duplicate field `Status`"));
        assert!(decode(r#","X":1,"X":2"#).unwrap_err().to_string().contains("duplicate field `X`"));
    }

    /// The notes of a request decoded with `extra`, each as its field and form.
    fn other_forms(request: &Request) -> Vec<(&'static str, JsonForm)> {
        let form = |note: &FieldNote| match note {
            FieldNote::OtherForm { field, received } => (*field, *received),
            FieldNote::Shortened(text) => panic!("not shortened: {text:?}"),
        };
        request.field_notes().iter().map(form).collect()
    }

    fn item(name: &str, value: Option<&str>) -> DataItem {
        DataItem { name: name.into(), value: value.map(str::to_owned) }
    }

    #[test]
    fn a_data_collection_in_another_form_keeps_the_request_and_what_it_holds() {
        let cases = [
            (r#""Employee number: 4711""#, vec![item("", Some("Employee number: 4711"))], Some(JsonForm::Text)),
            (r#"{"Name":"Badge","Value":"4711"}"#, vec![item("Badge", Some("4711"))], Some(JsonForm::Object)),
            (r#"{"Badge":4711}"#, vec![item("", Some(r#"{"Badge":4711}"#))], Some(JsonForm::Object)),
            ("4711", vec![item("", Some("4711"))], Some(JsonForm::Number)),
            ("-1.5", vec![item("", Some("-1.5"))], Some(JsonForm::Number)),
            ("true", vec![item("", Some("true"))], Some(JsonForm::TrueOrFalse)),
            ("null", vec![], None),
            (r#"[{"Name":"Badge","Value":null}]"#, vec![item("Badge", None)], None),
            (
                r#"[{"Name":"Badge","Value":4711},"loose",null,[1,2],{"Value":"v"}]"#,
                vec![
                    item("Badge", Some("4711")),
                    item("", Some("loose")),
                    item("", Some("[1,2]")),
                    item("", Some("v")),
                ],
                Some(JsonForm::List),
            ),
        ];
        for (written, items, form) in cases {
            let request =
                decode(&format!(r#","DataCollection":{written}"#)).unwrap_or_else(|e| panic!("{written}: {e}"));
            assert_eq!(request.data_collection, items, "{written}");
            let expected: Vec<_> = form.map(|form| ("DataCollection", form)).into_iter().collect();
            assert_eq!(other_forms(&request), expected, "{written}");
        }
        let duplicate = decode(r#","DataCollection":[{"Name":"a","Name":"b"}]"#).unwrap_err();
        assert!(duplicate.to_string().contains("duplicate field `Name`"), "{duplicate}");
    }

    #[test]
    fn texts_flags_and_numbers_in_another_form_are_read_when_they_say_the_same() {
        let request = decode(
            r#","Comment":42,"SecurityDescriptor":["O:BA"],"IsSmartcard":"True","IsEnrollmentAgent":0,
            "Priority":" 3","Flags":"2","Submitted":20150707,"Completed":null"#,
        )
        .unwrap();
        assert_eq!((request.comment.as_str(), &*request.security_descriptor.text()), ("42", r#"["O:BA"]"#));
        assert_eq!((request.is_smartcard, request.is_enrollment_agent), (true, false));
        assert_eq!((request.priority, request.flags), (3, RequestFlags(2)));
        assert_eq!(request.submitted, CmDate::Unreadable("20150707".into()));
        assert_eq!(request.completed, CmDate::NotSet);
        assert_eq!(
            other_forms(&request),
            [
                ("Comment", JsonForm::Number),
                ("SecurityDescriptor", JsonForm::List),
                ("IsSmartcard", JsonForm::Text),
                ("IsEnrollmentAgent", JsonForm::Number),
                ("Priority", JsonForm::Text),
                ("Flags", JsonForm::Text),
                ("Submitted", JsonForm::Number),
            ]
        );
        let documented = decode(r#","Comment":"c","IsSmartcard":true,"Priority":3,"DataCollection":[]"#).unwrap();
        assert_eq!(documented.field_notes(), []);
    }

    #[test]
    fn values_that_cannot_mean_anything_for_their_field_are_still_errors() {
        for (field, written) in [
            ("IsSmartcard", r#""maybe""#),
            ("IsSmartcard", "2"),
            ("IsSmartcard", "{}"),
            ("Priority", r#""high""#),
            ("Flags", r#""-1""#),
            ("Flags", "2.5"),
        ] {
            assert!(decode(&format!(r#","{field}":{written}"#)).is_err(), "{field}: {written}");
        }
    }

    #[test]
    fn numbers_out_of_range_are_errors() {
        assert!(decode(r#","Priority":99999999999"#).is_err());
        assert!(decode(r#","Flags":-1"#).is_err());
        assert!(serde_json::from_str::<Request>(&MINIMAL.replace("\"Status\":3", "\"Status\":1e3")).is_err());
    }
}
