//! The `names` section of `config.json`: an administrator's names for the
//! API's numbers, read key by key, so that one mistake costs only that name.

use cm_model::ConfiguredNames;
use std::collections::BTreeMap;

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
    /// `cardStatus`: names of smart card and profile `Status` numbers.
    pub card_status: BTreeMap<String, String>,
}

impl NameConfig {
    /// The sections' keys, as `config.json` spells them.
    pub const SECTIONS: [&str; 6] =
        ["status", "requestType", "requestFlags", "dataCollectionFlags", "accessRights", "cardStatus"];

    /// The section `key` (one of [`NameConfig::SECTIONS`]), to fill.
    pub fn section_mut(&mut self, key: &str) -> Option<&mut BTreeMap<String, String>> {
        match key {
            "status" => Some(&mut self.status),
            "requestType" => Some(&mut self.request_type),
            "requestFlags" => Some(&mut self.request_flags),
            "dataCollectionFlags" => Some(&mut self.data_collection_flags),
            "accessRights" => Some(&mut self.access_rights),
            "cardStatus" => Some(&mut self.card_status),
            _ => None,
        }
    }
}

impl NameConfig {
    /// The names that can be used, checked one by one: a name that cannot be
    /// used is left out, and a problem naming its section and key says why.
    pub fn usable(&self) -> (ConfiguredNames, Vec<String>) {
        let mut problems = Vec::new();
        let names = ConfiguredNames {
            status: code_names("status", &self.status, &mut problems),
            request_type: code_names("requestType", &self.request_type, &mut problems),
            request_flags: bit_names("requestFlags", &self.request_flags, &mut problems),
            data_collection_flags: bit_names("dataCollectionFlags", &self.data_collection_flags, &mut problems),
            access_rights: bit_names("accessRights", &self.access_rights, &mut problems),
            card_status: code_names("cardStatus", &self.card_status, &mut problems),
        };
        (names, problems)
    }
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
    use cm_model::{NameBook, NameOrigin, Named, RequestStatus, RequestType};

    /// The book of `(section, key, name)` entries, failing with the first problem.
    fn book(entries: &[(&str, &str, &str)]) -> Result<NameBook, String> {
        let mut config = NameConfig::default();
        for &(section, key, name) in entries {
            config.section_mut(section).expect("a known section").insert(key.to_owned(), name.to_owned());
        }
        match config.usable() {
            (names, problems) if problems.is_empty() => Ok(NameBook::configured(names)),
            (_, problems) => Err(problems.join("; ")),
        }
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
        let (names, problems) = config.usable();
        let names = NameBook::configured(names);
        assert_eq!(names.status(RequestStatus::from(42)).text, "Archived");
        assert_eq!(names.request_flags(1).to_string(), "EnrollmentAgent");
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
