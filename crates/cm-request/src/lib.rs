//! One MIM Certificate Management request as the REST API sends it, and the
//! reading of its documented form straight from the bytes of a response.
//!
//! This is the part of `cm-model` that every byte of a list of requests
//! passes through, a crate of its own so that the app's release build can
//! compile it for speed while the rest of the app is compiled for size
//! (ARCHITECTURE.md). `cm-model` re-exports all of it: use that crate.
//! [`read_documented`], [`read_leading_documented`], [`hex_digit`] and
//! [`nil_for_none`] are public for `cm-model`'s reading of responses and of
//! the other objects, which it does not re-export.
#![warn(missing_docs)]

mod bytes;
mod codes;
mod date;
mod descriptor;
mod documented_request;
mod forms;
mod request;
mod shared_texts;

pub use codes::{CardStatus, RequestStatus, RequestType};
pub use date::{CmDate, DATETIME_FORM, DAY_SECONDS, datetime_digits, datetime_text, instant_text, wall_seconds};
pub use descriptor::SecurityDescriptor;
pub use documented_request::{read_documented, read_leading_documented};
pub use forms::{JsonForm, json_text};
/// The instant type of [`CmDate::At`].
pub use jiff::Timestamp;
pub use request::{
    DataCollectionFlags, DataItem, FieldNote, Request, RequestFlags, ShortenedText, Unusual, hex_digit, nil_for_none,
};
pub use shared_texts::SharedTexts;
