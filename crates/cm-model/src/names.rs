//! Names for the API's numbers: built in from what is documented, and
//! correctable by administrators (the viewer reads their names from its configuration).
//!
//! Several numbers have no published name (most `RequestType` members, every
//! `DataCollectionFlags` bit, CM's meaning of SDDL rights bits). Instead of
//! guessing, the viewer shows the number and lets the configuration name it;
//! every name says where it came from.

use crate::sddl::RIGHT_BITS;
use crate::{CardStatus, ProfileTemplate, RequestStatus, RequestType};
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

/// Every name the viewer uses for numbers: built-in ones plus configured ones,
/// which take precedence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameBook {
    profile_templates: BTreeMap<Uuid, String>,
    configured: ConfiguredNames,
}

/// Names an administrator gave numbers (the viewer reads them from its
/// configuration): codes by their number, flag bits by their bit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfiguredNames {
    /// Names of `Status` codes.
    pub status: BTreeMap<i32, String>,
    /// Names of `RequestType` codes.
    pub request_type: BTreeMap<i32, String>,
    /// Names of `Flags` bits.
    pub request_flags: BTreeMap<u32, String>,
    /// Names of `DataCollectionFlags` bits.
    pub data_collection_flags: BTreeMap<u32, String>,
    /// CM's names of SDDL rights bits.
    pub access_rights: BTreeMap<u32, String>,
    /// Names of smart card and profile `Status` codes.
    pub card_status: BTreeMap<i32, String>,
}

/// The one documented request flag: every smart-card example has `Flags: 2`.
const BUILT_IN_REQUEST_FLAGS: &[(u32, &str)] = &[(0x2, "Smartcard")];

impl NameBook {
    /// The built-in names, with `configured` ones taking precedence.
    pub fn configured(configured: ConfiguredNames) -> NameBook {
        NameBook { profile_templates: BTreeMap::new(), configured }
    }

    /// The name of a `Status`: configured, else built in, else `Unknown (n)`.
    pub fn status(&self, status: RequestStatus) -> Named {
        code_name(&self.configured.status, status.code(), status.known_name())
    }

    /// The name of a `RequestType`: configured, else built in, else `Unknown (n)`.
    pub fn request_type(&self, request_type: RequestType) -> Named {
        code_name(&self.configured.request_type, request_type.code(), request_type.known_name())
    }

    /// The name of a smart card's or profile's `Status`: configured, else built in, else `Unknown (n)`.
    pub fn card_status(&self, status: CardStatus) -> Named {
        code_name(&self.configured.card_status, status.code(), status.known_name())
    }

    /// The bits of `Flags`, named: configured names, else the built-in `Smartcard` (`0x2`).
    pub fn request_flags(&self, bits: u32) -> FlagNames {
        flag_names(&self.configured.request_flags, bits, |bit| {
            BUILT_IN_REQUEST_FLAGS.iter().find(|(known, _)| *known == bit).map(|(_, name)| *name)
        })
    }

    /// No bit of `DataCollectionFlags` has a published value.
    pub fn data_collection_flags(&self, bits: u32) -> FlagNames {
        flag_names(&self.configured.data_collection_flags, bits, |_| None)
    }

    /// Adds the names of profile templates, as the server lists them.
    pub fn with_profile_templates(mut self, templates: &[ProfileTemplate]) -> NameBook {
        // Extending inserts one entry at a time; collecting would sort first, and
        // every sort is another copy of the sorting code in the viewer's bundle.
        self.profile_templates.clear();
        self.profile_templates.extend(templates.iter().map(|template| (template.uuid, template.name.clone())));
        self
    }

    /// The profile templates the server named, with their names.
    pub fn profile_templates(&self) -> impl Iterator<Item = (Uuid, &str)> {
        self.profile_templates.iter().map(|(&template, name)| (template, name.as_str()))
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
        flag_names(&self.configured.access_rights, mask, |bit| {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut configured = ConfiguredNames::default();
        configured.request_type.insert(12, "OfflineUnblock".into());
        configured.request_type.insert(1, "Enrollment".into());
        configured.data_collection_flags.insert(32, "SubscriberProvided".into());
        configured.request_flags.insert(1, "EnrollmentAgent".into());
        configured.access_rights.insert(0x2_0000, "Read".into());
        configured.card_status.insert(4, "Suspended".into());
        let names = NameBook::configured(configured);
        assert_eq!(names.card_status(CardStatus::from(4)).text, "Suspended");
        assert_eq!(names.card_status(CardStatus::Active).origin, NameOrigin::BuiltIn);
        assert_eq!(names.card_status(CardStatus::from(5)).text, "Unknown (5)");
        assert_eq!(
            names.request_type(RequestType::from(12)),
            Named { text: "OfflineUnblock".into(), origin: NameOrigin::Configured }
        );
        assert_eq!(names.request_type(RequestType::Enroll).text, "Enrollment");
        assert_eq!(names.status(RequestStatus::Denied).origin, NameOrigin::BuiltIn);
        assert_eq!(names.data_collection_flags(32).to_string(), "SubscriberProvided");
        assert_eq!(names.request_flags(3).to_string(), "EnrollmentAgent, Smartcard");
        assert_eq!(
            names.access_rights(0x2_0000).named[0].1,
            Named { text: "Read".into(), origin: NameOrigin::Configured }
        );
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
    }

    #[test]
    fn rights_bits_have_windows_names_unless_configured() {
        let names = NameBook::default();
        assert_eq!(names.access_rights(0x2_0000 | 0x1).to_string(), "Create child, Read control");
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
}
