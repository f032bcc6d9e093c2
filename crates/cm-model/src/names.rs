//! Names for the API's numbers: built in from what is documented, and
//! correctable by administrators in the viewer's configuration.
//!
//! Several numbers have no published name (most `RequestType` members, every
//! `DataCollectionFlags` bit, CM's meaning of SDDL rights bits). Instead of
//! guessing, the viewer shows the number and lets the configuration name it;
//! every name says where it came from.

use crate::sddl::RIGHT_BITS;
use crate::{ProfileTemplate, RequestStatus, RequestType};
use std::collections::BTreeMap;
use std::fmt;
use uuid::Uuid;

/// Where a name comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameOrigin {
    /// From the API's documentation (`shared/reference/cm-rest-api.md`).
    BuiltIn,
    /// From the viewer's configuration.
    Configured,
    /// From the CM server, as it lists its profile templates.
    Server,
    /// Nobody has named this number: the text shows the number itself.
    Unknown,
}

/// A name and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// The name as shown; `Unknown (n)` when nobody has named the number.
    pub text: String,
    /// Where the name comes from.
    pub origin: NameOrigin,
}

impl fmt::Display for Named {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A bit set, split into its named bits and the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagNames {
    /// The whole value, as received.
    pub bits: u32,
    /// Each named bit that is set, lowest first.
    pub named: Vec<(u32, Named)>,
    /// Set bits that have no name.
    pub unnamed: u32,
}

/// `Smartcard, 0x20`; `none` when no bit is set.
impl fmt::Display for FlagNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bits == 0 {
            return f.write_str("none");
        }
        let mut parts: Vec<String> = self.named.iter().map(|(_, name)| name.text.clone()).collect();
        if self.unnamed != 0 {
            parts.push(format!("{:#x}", self.unnamed));
        }
        f.write_str(&parts.join(", "))
    }
}

/// The `names` section of `config.json`, as written: keys are numbers in
/// decimal or `0x` hex; for bit sets each key is one bit.
///
/// ```json
/// { "requestType": { "12": "OfflineUnblock" }, "dataCollectionFlags": { "0x20": "SubscriberProvided" } }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameConfig {
    /// `status`: names of `Status` numbers.
    pub status: BTreeMap<String, String>,
    /// `requestType`: names of `RequestType` numbers.
    pub request_type: BTreeMap<String, String>,
    /// `requestFlags`: names of `Flags` bits, one bit per key.
    pub request_flags: BTreeMap<String, String>,
    /// `dataCollectionFlags`: names of `DataCollectionFlags` bits, one bit per key.
    pub data_collection_flags: BTreeMap<String, String>,
    /// `accessRights`: CM's names of SDDL rights bits, one bit per key.
    pub access_rights: BTreeMap<String, String>,
}

impl NameConfig {
    /// The sections' keys, as `config.json` spells them.
    pub const SECTIONS: [&str; 5] = ["status", "requestType", "requestFlags", "dataCollectionFlags", "accessRights"];

    /// The section `key` (one of [`NameConfig::SECTIONS`]), to fill.
    pub fn section_mut(&mut self, key: &str) -> Option<&mut BTreeMap<String, String>> {
        match key {
            "status" => Some(&mut self.status),
            "requestType" => Some(&mut self.request_type),
            "requestFlags" => Some(&mut self.request_flags),
            "dataCollectionFlags" => Some(&mut self.data_collection_flags),
            "accessRights" => Some(&mut self.access_rights),
            _ => None,
        }
    }
}

/// Every name the viewer uses for numbers: built-in ones plus configured ones,
/// which take precedence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameBook {
    profile_templates: BTreeMap<Uuid, String>,
    status: BTreeMap<i32, String>,
    request_type: BTreeMap<i32, String>,
    request_flags: BTreeMap<u32, String>,
    data_collection_flags: BTreeMap<u32, String>,
    access_rights: BTreeMap<u32, String>,
}

/// The one documented request flag: every smart-card example has `Flags: 2`.
const BUILT_IN_REQUEST_FLAGS: &[(u32, &str)] = &[(0x2, "Smartcard")];

impl NameBook {
    /// The configured names, checked one by one: a name that cannot be used is
    /// left out, and a problem naming its section and key says why, so that
    /// one mistake costs only that name.
    pub fn from_config(config: &NameConfig) -> (NameBook, Vec<String>) {
        let mut problems = Vec::new();
        let book = NameBook {
            profile_templates: BTreeMap::new(),
            status: code_names("status", &config.status, &mut problems),
            request_type: code_names("requestType", &config.request_type, &mut problems),
            request_flags: bit_names("requestFlags", &config.request_flags, &mut problems),
            data_collection_flags: bit_names("dataCollectionFlags", &config.data_collection_flags, &mut problems),
            access_rights: bit_names("accessRights", &config.access_rights, &mut problems),
        };
        (book, problems)
    }

    /// The name of a `Status`: configured, else built in, else `Unknown (n)`.
    pub fn status(&self, status: RequestStatus) -> Named {
        code_name(&self.status, status.code(), status.known_name())
    }

    /// The name of a `RequestType`: configured, else built in, else `Unknown (n)`.
    pub fn request_type(&self, request_type: RequestType) -> Named {
        code_name(&self.request_type, request_type.code(), request_type.known_name())
    }

    /// The bits of `Flags`, named: configured names, else the built-in `Smartcard` (`0x2`).
    pub fn request_flags(&self, bits: u32) -> FlagNames {
        flag_names(&self.request_flags, bits, |bit| {
            BUILT_IN_REQUEST_FLAGS.iter().find(|(known, _)| *known == bit).map(|(_, name)| *name)
        })
    }

    /// No bit of `DataCollectionFlags` has a published value.
    pub fn data_collection_flags(&self, bits: u32) -> FlagNames {
        flag_names(&self.data_collection_flags, bits, |_| None)
    }

    /// Adds the names of profile templates, as the server lists them.
    pub fn with_profile_templates(mut self, templates: &[ProfileTemplate]) -> NameBook {
        // Extending inserts one entry at a time; collecting would sort first, and
        // every sort is another copy of the sorting code in the viewer's bundle.
        self.profile_templates.clear();
        self.profile_templates.extend(templates.iter().map(|template| (template.uuid, template.name.clone())));
        self
    }

    /// The template's name when the server gave it, otherwise its GUID (with
    /// [`NameOrigin::Unknown`]); `none` for no template.
    pub fn profile_template(&self, template: Option<Uuid>) -> Named {
        match template {
            None => Named { text: "none".to_owned(), origin: NameOrigin::BuiltIn },
            Some(guid) => match self.profile_templates.get(&guid) {
                Some(name) => Named { text: name.clone(), origin: NameOrigin::Server },
                None => Named { text: guid.to_string(), origin: NameOrigin::Unknown },
            },
        }
    }

    /// Rights bits of an ACE: Windows' names, or CM's where configured.
    pub fn access_rights(&self, mask: u32) -> FlagNames {
        flag_names(&self.access_rights, mask, |bit| {
            RIGHT_BITS.iter().find(|(_, known, _)| *known == bit).map(|(_, _, name)| *name)
        })
    }
}

fn code_name(configured: &BTreeMap<i32, String>, code: i32, built_in: Option<&'static str>) -> Named {
    match (configured.get(&code), built_in) {
        (Some(name), _) => Named { text: name.clone(), origin: NameOrigin::Configured },
        (None, Some(name)) => Named { text: name.to_owned(), origin: NameOrigin::BuiltIn },
        (None, None) => Named { text: format!("Unknown ({code})"), origin: NameOrigin::Unknown },
    }
}

fn flag_names(
    configured: &BTreeMap<u32, String>,
    bits: u32,
    built_in: impl Fn(u32) -> Option<&'static str>,
) -> FlagNames {
    let mut named = Vec::new();
    let mut unnamed = 0;
    for bit in (0..32).map(|shift| 1u32 << shift).filter(|bit| bits & bit != 0) {
        match (configured.get(&bit), built_in(bit)) {
            (Some(name), _) => named.push((bit, Named { text: name.clone(), origin: NameOrigin::Configured })),
            (None, Some(name)) => named.push((bit, Named { text: name.to_owned(), origin: NameOrigin::BuiltIn })),
            (None, None) => unnamed |= bit,
        }
    }
    FlagNames { bits, named, unnamed }
}

fn code_names(section: &str, names: &BTreeMap<String, String>, problems: &mut Vec<String>) -> BTreeMap<i32, String> {
    usable_names(section, names, problems, |key| {
        parse_number(key)
            .and_then(|number| i32::try_from(number).ok())
            .ok_or_else(|| format!("names.{section}: \u{201c}{key}\u{201d} is not a 32-bit number"))
    })
}

fn bit_names(section: &str, names: &BTreeMap<String, String>, problems: &mut Vec<String>) -> BTreeMap<u32, String> {
    usable_names(section, names, problems, |key| {
        parse_number(key)
            .and_then(|number| u32::try_from(number).ok())
            .filter(|bit| bit.count_ones() == 1)
            .ok_or_else(|| format!("names.{section}: \u{201c}{key}\u{201d} is not a single bit (such as 0x20 or 32)"))
    })
}

/// The entries of one section whose key `number` reads and whose name is not
/// empty; a problem for each of the others.
fn usable_names<N: Ord>(
    section: &str,
    names: &BTreeMap<String, String>,
    problems: &mut Vec<String>,
    number: impl Fn(&str) -> Result<N, String>,
) -> BTreeMap<N, String> {
    // Inserted one by one rather than collected: collecting sorts, and every
    // sort is another copy of the sorting code in the viewer's bundle.
    let mut usable = BTreeMap::new();
    for (key, name) in names {
        match number(key).and_then(|number| Ok((number, checked_name(section, key, name)?))) {
            Ok((number, name)) => {
                usable.insert(number, name);
            }
            Err(problem) => problems.push(problem),
        }
    }
    usable
}

fn checked_name(section: &str, key: &str, name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("names.{section}.{key}: the name is empty"));
    }
    Ok(name.to_owned())
}

/// Decimal (possibly negative) or `0x` hex.
fn parse_number(text: &str) -> Option<i64> {
    let text = text.trim();
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The book of `(section, key, name)` entries, failing with the first problem.
    fn book(entries: &[(&str, &str, &str)]) -> Result<NameBook, String> {
        let mut config = NameConfig::default();
        for &(section, key, name) in entries {
            config.section_mut(section).expect("a known section").insert(key.to_owned(), name.to_owned());
        }
        match NameBook::from_config(&config) {
            (book, problems) if problems.is_empty() => Ok(book),
            (_, problems) => Err(problems.join("; ")),
        }
    }

    #[test]
    fn built_in_names_say_so() {
        let names = NameBook::default();
        assert_eq!(
            names.status(RequestStatus::Approved),
            Named { text: "Approved".into(), origin: NameOrigin::BuiltIn }
        );
        assert_eq!(names.request_type(RequestType::from(5)).text, "Unblock");
        assert_eq!(
            names.request_type(RequestType::from(12)),
            Named { text: "Unknown (12)".into(), origin: NameOrigin::Unknown }
        );
    }

    #[test]
    fn configured_names_add_and_override() {
        let names = book(&[
            ("requestType", "12", "OfflineUnblock"),
            ("requestType", "1", "Enrollment"),
            ("status", "0x2A", "Archived"),
        ])
        .unwrap();
        assert_eq!(
            names.request_type(RequestType::from(12)),
            Named { text: "OfflineUnblock".into(), origin: NameOrigin::Configured }
        );
        assert_eq!(names.request_type(RequestType::Enroll).origin, NameOrigin::Configured);
        assert_eq!(names.request_type(RequestType::Enroll).text, "Enrollment");
        assert_eq!(names.status(RequestStatus::from(42)).text, "Archived");
        assert_eq!(names.status(RequestStatus::Denied).origin, NameOrigin::BuiltIn);
    }

    #[test]
    fn flags_split_into_named_and_unnamed_bits() {
        let names = NameBook::default();
        let flags = names.request_flags(2 | 0x40);
        assert_eq!(flags.named, [(2, Named { text: "Smartcard".into(), origin: NameOrigin::BuiltIn })]);
        assert_eq!(flags.unnamed, 0x40);
        assert_eq!(flags.to_string(), "Smartcard, 0x40");
        assert_eq!(names.data_collection_flags(32).to_string(), "0x20");
        assert_eq!(names.request_flags(0).to_string(), "none");

        let configured =
            book(&[("dataCollectionFlags", "32", "SubscriberProvided"), ("requestFlags", "0x1", "EnrollmentAgent")])
                .unwrap();
        assert_eq!(configured.data_collection_flags(32).to_string(), "SubscriberProvided");
        assert_eq!(configured.request_flags(3).to_string(), "EnrollmentAgent, Smartcard");
    }

    #[test]
    fn rights_bits_have_windows_names_unless_configured() {
        let names = NameBook::default();
        assert_eq!(names.access_rights(0x2_0000 | 0x1).to_string(), "Create child, Read control");
        let configured = book(&[("accessRights", "0x20000", "Read")]).unwrap();
        let rights = configured.access_rights(0x2_0000);
        assert_eq!(rights.named[0].1, Named { text: "Read".into(), origin: NameOrigin::Configured });
    }

    #[test]
    fn templates_are_named_when_the_server_names_them() {
        let known = uuid::uuid!("a039b4d0-5ce8-4eff-8651-181c6576fda3");
        let template = ProfileTemplate {
            name: "Smart Card User".into(),
            description: None,
            uuid: known,
            is_smartcard_profile_template: true,
            is_virtual_smartcard_profile_template: false,
        };
        let names = NameBook::default().with_profile_templates(&[template]);
        assert_eq!(
            names.profile_template(Some(known)),
            Named { text: "Smart Card User".into(), origin: NameOrigin::Server }
        );
        let other = uuid::uuid!("5d1c2a77-0f0e-4c1b-9e43-8b8f4a6c2d10");
        let unnamed = names.profile_template(Some(other));
        assert_eq!(
            (unnamed.text.as_str(), unnamed.origin),
            ("5d1c2a77-0f0e-4c1b-9e43-8b8f4a6c2d10", NameOrigin::Unknown)
        );
        assert_eq!(names.profile_template(None).text, "none");
    }

    #[test]
    fn bad_configuration_names_the_key() {
        assert_eq!(
            book(&[("status", "abc", "X")]).unwrap_err(),
            "names.status: \u{201c}abc\u{201d} is not a 32-bit number"
        );
        assert!(
            book(&[("requestFlags", "3", "Two bits")])
                .unwrap_err()
                .contains("names.requestFlags: \u{201c}3\u{201d} is not a single bit")
        );
        assert!(book(&[("status", "99999999999", "X")]).is_err());
        assert_eq!(book(&[("status", "1", "  ")]).unwrap_err(), "names.status.1: the name is empty");
        assert!(NameConfig::default().section_mut("statuses").is_none());
    }

    #[test]
    fn one_bad_name_costs_only_itself() {
        let mut config = NameConfig::default();
        config.status.insert("abc".into(), "X".into());
        config.status.insert("42".into(), "Archived".into());
        config.request_flags.insert("3".into(), "Two bits".into());
        config.request_flags.insert("0x1".into(), "EnrollmentAgent".into());
        let (names, problems) = NameBook::from_config(&config);
        assert_eq!(names.status(RequestStatus::from(42)).text, "Archived");
        assert_eq!(names.request_flags(1).to_string(), "EnrollmentAgent");
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
