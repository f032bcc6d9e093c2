//! The MIM Certificate Management REST API's request format, in plain Rust.
//!
//! This crate is shared by the viewer (compiled to WebAssembly) and the mock CM
//! server, so both sides read and write exactly the same wire format. It has no
//! web dependency: everything here is tested natively.
//!
//! - [`Request`] is one CM request as the API sends it (PascalCase JSON keys).
//! - [`RequestStatus`] and [`RequestType`] turn the API's integers into names,
//!   keeping numbers nobody has named yet.
//! - [`CmDate`] reads the API's .NET date strings.
//! - [`NameBook`] names numbers and bits, built in or as an administrator named them.
//! - [`SmartCard`], [`Profile`], [`CardCertificate`] and [`Policy`]: what
//!   a help desk looks up beside a request, read leniently.
//! - [`sddl::parse_sddl`] decodes the security descriptor.
//! - [`decode_response`] turns an HTTP response into requests, or an error
//!   worded for the person looking at the page.
#![warn(missing_docs)]

mod cards;
mod lenient;
mod names;
mod policy;
mod response;
pub mod sddl;
mod template;

pub use cards::{CardCertificate, Profile, SmartCard};
pub use cm_request::{
    CardStatus, CmDate, DATETIME_FORM, DAY_SECONDS, DataCollectionFlags, DataItem, FieldNote, JsonForm, Request,
    RequestFlags, RequestStatus, RequestType, SecurityDescriptor, SharedTexts, ShortenedText, Timestamp, Unusual,
    datetime_digits, datetime_text, instant_text, json_text, wall_seconds,
};
pub use names::{ConfiguredNames, FlagNames, NameBook, NameOrigin, Named};
pub use policy::{Policy, PolicyMatch, policy_type};
pub use response::{
    Decoded, ElementFailure, ElementFailures, KEPT_TEXT_BYTES, ListEnd, ListProblem, MAX_ELEMENT_BYTES,
    ResponseDecoder, ResponseError, ResponseItem, decode_items, decode_one, decode_operations,
    decode_profile_templates, decode_response, shorten,
};
pub use template::ProfileTemplate;

/// Path of the requests endpoint, relative to the CM host.
pub const REQUESTS_PATH: &str = "/CertificateManagement/api/v1.0/requests";

/// Path of the profile templates endpoint, relative to the CM host.
pub const PROFILE_TEMPLATES_PATH: &str = "/CertificateManagement/api/v1.0/profiletemplates";

/// Path of the smart cards endpoint, relative to the CM host.
pub const SMARTCARDS_PATH: &str = "/CertificateManagement/api/v1.0/smartcards";

/// Path of the profiles endpoint, relative to the CM host.
pub const PROFILES_PATH: &str = "/CertificateManagement/api/v1.0/profiles";
