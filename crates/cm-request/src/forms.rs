//! Reading a field from its documented JSON form, or from another form that
//! still says what the field holds.
//!
//! Microsoft's own examples do not always keep to the documented forms (its
//! create example sends `DataCollection` as a string), so a field in another
//! form costs only that field's exactness, never the request: what it holds is
//! read as well as it can be, and the form it came in is reported, to be shown
//! beside it. A value that cannot mean anything for its field (a flag that is
//! `"maybe"`) still fails the request: nothing is guessed.

use crate::request::{Fields, Key, KeyAmong};
use crate::{CmDate, DataItem};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::fmt;

/// A JSON value's text, as received (compact). Written through `to_string`
/// rather than `Display`, which would bring a second copy of the writer into the app.
pub fn json_text(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The JSON form a field was sent in, when it is not the documented one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonForm {
    /// A string.
    Text,
    /// A number.
    Number,
    /// `true` or `false`.
    TrueOrFalse,
    /// An array, or, for `DataCollection`, an array of other things than names and values.
    List,
    /// An object.
    Object,
}

/// A field's value, and the form it came in when that was not the documented one.
pub(crate) struct Read<T> {
    pub(crate) value: T,
    pub(crate) other_form: Option<JsonForm>,
}

impl<T> Read<T> {
    fn documented(value: T) -> Read<T> {
        Read { value, other_form: None }
    }

    fn other(value: T, form: JsonForm) -> Read<T> {
        Read { value, other_form: Some(form) }
    }
}

/// A value as received, in whichever JSON form. Every field but
/// `DataCollection` is read from one, so that the code that reads any JSON
/// value is made once for them all, not once for each kind of field.
pub(crate) enum Received<'de> {
    Null,
    Bool(bool),
    Number(Number),
    /// A string, where it lies in the body when it has no escapes.
    Text(Cow<'de, str>),
    /// A list or an object, as JSON.
    Json(Value),
}

impl Received<'_> {
    /// The form it came in; `None` for null, which every field reads as its empty value.
    fn form(&self) -> Option<JsonForm> {
        match self {
            Received::Null => None,
            Received::Bool(_) => Some(JsonForm::TrueOrFalse),
            Received::Number(_) => Some(JsonForm::Number),
            Received::Text(_) => Some(JsonForm::Text),
            Received::Json(Value::Array(_)) => Some(JsonForm::List),
            Received::Json(_) => Some(JsonForm::Object),
        }
    }

    /// Its text: a string's own, the JSON of any other value; `None` for null.
    fn into_text(self) -> Option<String> {
        match self {
            Received::Null => None,
            Received::Bool(value) => Some(value.to_string()),
            Received::Number(number) => Some(number.to_string()),
            Received::Text(text) => Some(text.into_owned()),
            Received::Json(json) => Some(json_text(&json)),
        }
    }

    /// What it is, for serde's messages.
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Received::Null => Unexpected::Unit,
            Received::Bool(value) => Unexpected::Bool(*value),
            Received::Number(number) => match (number.as_u64(), number.as_i64()) {
                (Some(value), _) => Unexpected::Unsigned(value),
                (None, Some(value)) => Unexpected::Signed(value),
                (None, None) => Unexpected::Float(number.as_f64().unwrap_or_default()),
            },
            Received::Text(text) => Unexpected::Str(text),
            Received::Json(Value::Array(_)) => Unexpected::Seq,
            Received::Json(_) => Unexpected::Map,
        }
    }
}

impl<'de> Deserialize<'de> for Received<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ReceivedVisitor)
    }
}

struct ReceivedVisitor;

impl<'de> Visitor<'de> for ReceivedVisitor {
    type Value = Received<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Received::Null)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Received::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Received::Number(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Received::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        // JSON has no NaN nor infinity, so every number it holds is one.
        Ok(Number::from_f64(value).map_or(Received::Null, Received::Number))
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Received::Text(Cow::Borrowed(text)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Received::Text(Cow::Owned(text.to_owned())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        list_of(seq).map(Received::Json)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        object_of(map).map(Received::Json)
    }
}

/// The rest of a list, as JSON.
fn list_of<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Value, A::Error> {
    let mut list = Vec::new();
    while let Some(value) = seq.next_element()? {
        list.push(value);
    }
    Ok(Value::Array(list))
}

/// The rest of an object, as JSON.
fn object_of<'de, A: MapAccess<'de>>(mut map: A) -> Result<Value, A::Error> {
    let mut object = Map::new();
    while let Some((key, value)) = map.next_entry()? {
        object.insert(key, value);
    }
    Ok(Value::Object(object))
}

/// A type that fields are read as, from a value in any form.
pub(crate) trait ReadFrom: Sized {
    /// Reads `received`, or says why it cannot mean anything for the field.
    fn read_from<E: de::Error>(received: Received<'_>) -> Result<Read<Self>, E>;
}

impl<'de, T: ReadFrom> Deserialize<'de> for Read<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::read_from(Received::deserialize(deserializer)?)
    }
}

/// A text field: a string, or null for none. Any other value is kept as its
/// JSON text, so that nothing it holds is lost.
impl ReadFrom for Option<String> {
    fn read_from<E: de::Error>(received: Received<'_>) -> Result<Read<Self>, E> {
        let other_form = match received {
            Received::Text(_) => None,
            _ => received.form(),
        };
        Ok(Read { value: received.into_text(), other_form })
    }
}

/// A yes-or-no field: `true` or `false`, also as the texts `"true"` and
/// `"false"` (in any case) or the numbers 1 and 0, as other serialisers write
/// them; null is no.
impl ReadFrom for bool {
    fn read_from<E: de::Error>(received: Received<'_>) -> Result<Read<Self>, E> {
        let read = match &received {
            Received::Null => Some(Read::documented(false)),
            Received::Bool(value) => Some(Read::documented(*value)),
            Received::Number(number) => match number.as_u64() {
                Some(value @ (0 | 1)) => Some(Read::other(value == 1, JsonForm::Number)),
                _ => None,
            },
            Received::Text(text) => match text.trim() {
                word if word.eq_ignore_ascii_case("true") => Some(Read::other(true, JsonForm::Text)),
                word if word.eq_ignore_ascii_case("false") => Some(Read::other(false, JsonForm::Text)),
                _ => None,
            },
            Received::Json(_) => None,
        };
        read.ok_or_else(|| E::invalid_value(received.unexpected(), &"true or false"))
    }
}

/// A number field: a JSON integer in the type's range, also as a text
/// holding one; null is 0.
impl ReadFrom for u32 {
    fn read_from<E: de::Error>(received: Received<'_>) -> Result<Read<Self>, E> {
        read_whole_number(received, "u32")
    }
}

/// As for `u32`.
impl ReadFrom for i32 {
    fn read_from<E: de::Error>(received: Received<'_>) -> Result<Read<Self>, E> {
        read_whole_number(received, "i32")
    }
}

fn read_whole_number<T, E>(received: Received<'_>, name: &'static str) -> Result<Read<T>, E>
where
    T: TryFrom<i64> + TryFrom<u64> + std::str::FromStr + Default,
    E: de::Error,
{
    let read = match &received {
        Received::Null => Some(Read::documented(T::default())),
        Received::Number(number) => {
            let unsigned = number.as_u64().and_then(|value| T::try_from(value).ok());
            unsigned.or_else(|| number.as_i64().and_then(|value| T::try_from(value).ok())).map(Read::documented)
        }
        Received::Text(text) => text.trim().parse().ok().map(|value| Read::other(value, JsonForm::Text)),
        Received::Bool(_) | Received::Json(_) => None,
    };
    read.ok_or_else(|| E::invalid_value(received.unexpected(), &name))
}

/// A date field: a date string (kept as text when it is not a date), null
/// for not set. Another value is kept as its JSON text, unreadable as a date.
impl ReadFrom for CmDate {
    fn read_from<E: de::Error>(received: Received<'_>) -> Result<Read<Self>, E> {
        Ok(match received {
            Received::Text(text) => Read::documented(CmDate::parse(&text)),
            Received::Null => Read::documented(CmDate::NotSet),
            other => {
                let other_form = other.form();
                Read { value: CmDate::Unreadable(other.into_text().unwrap_or_default()), other_form }
            }
        })
    }
}

/// `DataCollection`: a list of `{"Name": …, "Value": …}`, null for none.
///
/// Anything else keeps what it holds: a single item object is that item; a
/// text, number or flag becomes one item whose value is its text; in a list,
/// an item of another form does the same (null items are left out). Item
/// names and values that are not texts are kept as their JSON text.
impl<'de> Deserialize<'de> for Read<Vec<DataItem>> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        DataVisitor::Collection.deserialize(deserializer)
    }
}

/// Reads `DataCollection`, or one of its items (as a list of none or one):
/// one visitor for both, so that the code that reads any JSON value is made
/// once for them.
#[derive(Clone, Copy)]
enum DataVisitor {
    Collection,
    Item,
}

impl<'de> DeserializeSeed<'de> for DataVisitor {
    type Value = Read<Vec<DataItem>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// An item that is only a text: it has no name.
fn item_of_text(text: Option<String>) -> DataItem {
    DataItem { name: String::new(), value: text }
}

/// `received`, which is not null, as one item whose value is its text.
fn one_item_of(received: Received<'_>) -> Read<Vec<DataItem>> {
    let other_form = received.form();
    Read { value: vec![item_of_text(received.into_text())], other_form }
}

/// The documented fields of a data item: its name and its value.
#[derive(Clone, Copy)]
enum ItemField {
    Name,
    Value,
}

impl Fields for ItemField {
    const ALL: &'static [ItemField] = &[ItemField::Name, ItemField::Value];

    fn key(self) -> &'static str {
        match self {
            ItemField::Name => "Name",
            ItemField::Value => "Value",
        }
    }
}

/// One item from an object: its name and value as texts, what else it holds
/// ignored, as in the documented form; an object with neither is kept whole
/// as the value's text. Its form is set when it is not an object with a text name.
fn item_of_object<'de, A: MapAccess<'de>>(mut map: A) -> Result<Read<DataItem>, A::Error> {
    // The name and the value, each `Some` once read (and `Some(None)` for null).
    let mut parts: [Option<Option<String>>; 2] = [None, None];
    let mut others = Map::new();
    let mut other_form = None;
    while let Some(key) = map.next_key_seed(KeyAmong::<ItemField>::new())? {
        let field = match key {
            Key::Known(field) => field,
            Key::Unknown(key) => {
                others.insert(key, map.next_value()?);
                continue;
            }
        };
        let index = field as usize;
        if parts[index].is_some() {
            return Err(de::Error::duplicate_field(field.key()));
        }
        let read = map.next_value::<Read<Option<String>>>()?;
        other_form = other_form.or(read.other_form);
        parts[index] = Some(read.value);
    }
    let item = match parts {
        // Neither a name nor a value: the object itself is what it holds.
        [None, None] => {
            other_form = Some(JsonForm::Object);
            item_of_text(Some(json_text(&Value::Object(others))))
        }
        [name, value] => {
            let name = name.flatten().unwrap_or_else(|| {
                other_form = other_form.or(Some(JsonForm::Object));
                String::new()
            });
            DataItem { name, value: value.flatten() }
        }
    };
    Ok(Read { value: item, other_form })
}

impl<'de> Visitor<'de> for DataVisitor {
    type Value = Read<Vec<DataItem>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            DataVisitor::Collection => "a list of data items",
            DataVisitor::Item => "a data item",
        })
    }

    /// A null collection, or a null item, holds nothing, as any null field does.
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Read::documented(Vec::new()))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(one_item_of(Received::Bool(value)))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(one_item_of(Received::Number(value.into())))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(one_item_of(Received::Number(value.into())))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        ReceivedVisitor.visit_f64(value).map(one_item_of)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(one_item_of(Received::Text(Cow::Borrowed(text))))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if let DataVisitor::Item = self {
            return list_of(seq).map(|list| one_item_of(Received::Json(list)));
        }
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        let mut other_form = None;
        while let Some(item) = seq.next_element_seed(DataVisitor::Item)? {
            items.extend(item.value);
            other_form = other_form.or(item.other_form.map(|_| JsonForm::List));
        }
        Ok(Read { value: items, other_form })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let Read { value, other_form } = item_of_object(map)?;
        let other_form = match self {
            DataVisitor::Collection => Some(JsonForm::Object),
            DataVisitor::Item => other_form,
        };
        Ok(Read { value: vec![value], other_form })
    }
}
