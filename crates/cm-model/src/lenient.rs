//! Reading objects whose shape is only partly documented (smart cards,
//! profiles, certificates, policies): each known field is taken when it comes
//! in the form expected, and everything else is kept as received, to be shown.

use serde_json::{Map, Value};
use uuid::Uuid;

/// An object's fields, taken one by one; what is left is kept as received.
pub(crate) struct Fields(pub(crate) Map<String, Value>);

impl Fields {
    /// Takes `key` when `read` understands its value; a null counts as absent.
    /// A value in another form stays among the rest, so it is shown as sent.
    fn take<T>(&mut self, key: &str, read: impl FnOnce(&Value) -> Option<T>) -> Option<T> {
        let value = self.0.get(key)?;
        if value.is_null() {
            self.0.remove(key);
            return None;
        }
        let read = read(value)?;
        self.0.remove(key);
        Some(read)
    }

    /// A GUID, with or without braces; all zeros means none.
    pub(crate) fn guid(&mut self, key: &str) -> Option<Uuid> {
        self.take(key, |value| value.as_str()?.trim_matches(['{', '}']).parse::<Uuid>().ok()).filter(|g| !g.is_nil())
    }

    pub(crate) fn text(&mut self, key: &str) -> Option<String> {
        self.take(key, |value| value.as_str().map(str::to_owned))
    }

    /// A whole number, also when written as text.
    pub(crate) fn number(&mut self, key: &str) -> Option<i64> {
        self.take(key, |value| value.as_i64().or_else(|| value.as_str()?.trim().parse().ok()))
    }

    pub(crate) fn code<T: From<i32>>(&mut self, key: &str) -> Option<T> {
        self.take(key, |value| i32::try_from(value.as_i64()?).ok()).map(T::from)
    }

    pub(crate) fn flag(&mut self, key: &str) -> Option<bool> {
        self.take(key, Value::as_bool)
    }

    pub(crate) fn list(&mut self, key: &str) -> Option<Vec<Value>> {
        self.take(key, |value| value.as_array().cloned())
    }

    /// The fields not taken.
    pub(crate) fn rest(self) -> Map<String, Value> {
        self.0
    }
}

/// Implements `Deserialize` through [`Fields`] and `from_fields`, and
/// `ResponseItem`, noting shortened texts in `shortened`.
macro_rules! read_leniently {
    ($type:ty) => {
        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let fields = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
                Ok(<$type>::from_fields(crate::lenient::Fields(fields)))
            }
        }

        impl crate::response::ResponseItem for $type {
            type Shared = ();

            fn shortened(&mut self, text: crate::ShortenedText) {
                self.shortened.push(text);
            }
        }
    };
}

pub(crate) use read_leniently;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Value) -> Fields {
        let Value::Object(map) = value else { unreachable!("tests pass objects") };
        Fields(map)
    }

    #[test]
    fn fields_in_the_expected_form_are_taken_and_others_kept() {
        let mut read = fields(json!({
            "A": "{D1EF0000-0000-0000-0000-000000000001}", "B": "00000000-0000-0000-0000-000000000000",
            "C": "12", "D": 7, "E": "seven", "F": null, "G": true, "H": [1], "I": {"x": 1}
        }));
        assert_eq!(read.guid("A"), Some(uuid::uuid!("d1ef0000-0000-0000-0000-000000000001")));
        assert_eq!(read.guid("B"), None);
        assert_eq!(read.number("C"), Some(12));
        assert_eq!(read.code::<i32>("D"), Some(7));
        assert_eq!(read.number("E"), None);
        assert_eq!(read.text("F"), None);
        assert_eq!(read.flag("G"), Some(true));
        assert_eq!(read.list("H"), Some(vec![json!(1)]));
        assert_eq!(read.text("I"), None);
        assert_eq!(read.text("absent"), None);
        let rest = read.rest();
        assert_eq!(rest.keys().collect::<Vec<_>>(), ["E", "I"]);
    }
}
