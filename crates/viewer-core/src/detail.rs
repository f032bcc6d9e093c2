//! The detail view of one request: every field, in groups, as text; and the
//! security descriptor as a table of entries.

use crate::columns::guid_text;
use crate::progress::Size;
use cm_model::sddl::{AceKind, Acl, ParsedSddl, Trustee, parse_sddl, rights_letters};
use cm_model::{
    FieldNote, FlagNames, JsonForm, KEPT_TEXT_BYTES, NameBook, NameOrigin, Request, ShortenedText, shorten,
};
use uuid::Uuid;

/// A labelled value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
    /// A smart card the value names, which the page links to its lookup.
    pub card: Option<Uuid>,
}

/// A titled group of fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub title: &'static str,
    pub fields: Vec<Field>,
}

pub(crate) fn field(label: &'static str, value: impl Into<String>) -> Field {
    Field { label, value: value.into(), card: None }
}

/// A field naming a smart card, linked to its lookup; `none` without one.
pub(crate) fn card_field(label: &'static str, card: Option<Uuid>) -> Field {
    Field { card, ..field(label, guid_text(card)) }
}

/// The template's name with its GUID, or the GUID alone when it has no known name.
pub(crate) fn template(value: Option<Uuid>, names: &NameBook) -> String {
    let name = names.profile_template(value);
    match value {
        Some(guid) if name.origin == NameOrigin::Server => format!("{name} ({guid})"),
        _ => name.text,
    }
}

pub(crate) fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// Flags with their raw value beside any names: `Smartcard (0x2)`, `0x20`, `none`.
fn flags(names: FlagNames) -> String {
    if names.named.is_empty() { names.to_string() } else { format!("{names} ({:#x})", names.bits) }
}

/// The request's fields in the groups people look for them in.
pub fn sections(request: &Request, names: &NameBook) -> Vec<Section> {
    let comment = if request.comment.is_empty() { "none".to_owned() } else { request.comment.clone() };
    vec![
        Section {
            title: "Summary",
            fields: vec![
                field("Request ID", request.uuid.to_string()),
                field(
                    "Type",
                    format!("{} ({})", names.request_type(request.request_type), request.request_type.code()),
                ),
                field("Status", format!("{} ({})", names.status(request.status), request.status.code())),
                field("Priority", request.priority.to_string()),
                field("Submitted", request.submitted.to_string()),
                field("Completed", request.completed.to_string()),
                field("Comment", comment),
            ],
        },
        Section {
            title: "People",
            fields: vec![
                field("Originator", guid_text(request.originator_user_uuid)),
                field("Target user", guid_text(request.target_user_uuid)),
            ],
        },
        Section {
            title: "Profile and card",
            fields: vec![
                field("Profile template", template(request.profile_template_uuid, names)),
                field("Smart card request", yes_no(request.is_smartcard)),
                field("Old profile", guid_text(request.old_profile_uuid)),
                field("New profile", guid_text(request.new_profile_uuid)),
                card_field("Old smart card", request.old_smartcard_uuid),
                card_field("New smart card", request.new_smartcard_uuid),
            ],
        },
        Section {
            title: "Flags",
            fields: vec![
                field("Flags", flags(names.request_flags(request.flags.0))),
                field("Data collection flags", flags(names.data_collection_flags(request.data_collection_flags.0))),
                field("Enrollment agent required", yes_no(request.is_enrollment_agent)),
                field("Data collection complete", yes_no(request.is_data_collection_complete)),
            ],
        },
    ]
}

/// What the detail view says about each field not shown exactly as the
/// server sent it, one sentence each, in the order the fields came.
pub fn field_notes(request: &Request) -> Vec<String> {
    request.field_notes().iter().map(note_text).collect()
}

/// How much of an unknown field's name a note quotes.
const QUOTED_FIELD: usize = 60;

fn note_text(note: &FieldNote) -> String {
    match note {
        FieldNote::OtherForm { field, received } => {
            format!(
                "{field} was not {} but {}; it is shown as received.",
                documented_form(field),
                form_words(field, *received)
            )
        }
        FieldNote::Shortened(ShortenedText { field, inside, length }) => {
            let text = match (field, inside) {
                (Some(field), false) => shorten(field, QUOTED_FIELD),
                (Some(field), true) => format!("A text in {}", shorten(field, QUOTED_FIELD)),
                (None, _) => "A text".to_owned(),
            };
            format!(
                "{text} was {} long; only its first {} are shown.",
                Size(*length as u64),
                Size(KEPT_TEXT_BYTES as u64)
            )
        }
    }
}

/// What the API documents `field` to be, in words.
fn documented_form(field: &str) -> &'static str {
    match field {
        "DataCollection" => "a list of names and values",
        "Comment" | "SecurityDescriptor" => "a text",
        "Submitted" | "Completed" => "a date",
        "IsSmartcard" | "IsEnrollmentAgent" | "IsDataCollectionComplete" => "true or false",
        "Flags" | "DataCollectionFlags" | "Priority" => "a whole number",
        _ => "in its documented form",
    }
}

fn form_words(field: &str, form: JsonForm) -> &'static str {
    match form {
        JsonForm::Text => "a text",
        JsonForm::Number => "a number",
        JsonForm::TrueOrFalse => "true or false",
        JsonForm::List if field == "DataCollection" => "a list of other values",
        JsonForm::List => "a list",
        JsonForm::Object => "an object",
    }
}

/// One access control entry, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AceRow {
    /// `Allow`, `Deny`, `Audit`, ...
    pub effect: &'static str,
    /// `allow`, `deny` or `other` (audit, alarm, label): the CSS class beside the word.
    pub tone: &'static str,
    pub trustee: String,
    /// `CCDCSW`, or a hex mask as written.
    pub rights_letters: String,
    /// `Create child, Delete child, Self write` (or CM's names where configured).
    pub rights_names: String,
    /// Inheritance and audit flags, in words; empty when there are none.
    pub flags: String,
    /// The object type GUIDs of object ACEs.
    pub object: String,
}

/// The security descriptor in words: owner, group, entries, and what could
/// not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityView {
    pub owner: String,
    pub group: String,
    /// Flags of the DACL, in words (`protected, auto-inherited`).
    pub dacl_flags: String,
    pub dacl: Vec<AceRow>,
    pub sacl: Vec<AceRow>,
    /// Where the descriptor stopped making sense, if it did.
    pub problem: Option<String>,
}

/// Decodes `request`'s security descriptor for display.
pub fn security(request: &Request, names: &NameBook) -> SecurityView {
    descriptor_view(&request.security_descriptor.text(), names)
}

/// Decodes a security descriptor (SDDL) for display.
pub fn descriptor_view(sddl: &str, names: &NameBook) -> SecurityView {
    let ParsedSddl { descriptor, error } = parse_sddl(sddl);
    let trustee = |trustee: Option<Trustee>| trustee.map_or_else(|| "not given".to_owned(), |t| t.to_string());
    let rows = |acl: &Option<Acl>| acl.iter().flat_map(|acl| acl.aces.iter()).map(|ace| ace_row(ace, names)).collect();
    let dacl_flags =
        descriptor.dacl.iter().flat_map(|acl| acl.flags.iter()).map(|flag| flag.label()).collect::<Vec<_>>();
    SecurityView {
        dacl: rows(&descriptor.dacl),
        sacl: rows(&descriptor.sacl),
        owner: trustee(descriptor.owner),
        group: trustee(descriptor.group),
        dacl_flags: dacl_flags.join(", "),
        problem: error.map(|error| format!("The security descriptor could not be read completely, {error}.")),
    }
}

fn ace_row(ace: &cm_model::sddl::Ace, names: &NameBook) -> AceRow {
    let letters = rights_letters(ace.rights);
    let object = [ace.object_type, ace.inherited_object_type]
        .iter()
        .zip(["object", "inherited object"])
        .filter_map(|(guid, what)| guid.map(|guid| format!("{what} {guid}")))
        .collect::<Vec<_>>()
        .join("; ");
    AceRow {
        effect: ace.kind.label(),
        tone: match ace.kind {
            _ if ace.kind.allows() => "allow",
            AceKind::Deny | AceKind::ObjectDeny | AceKind::CallbackDeny => "deny",
            _ => "other",
        },
        trustee: ace.trustee.to_string(),
        rights_letters: if letters.is_empty() { ace.rights_text.clone() } else { letters },
        rights_names: names.access_rights(ace.rights).to_string(),
        flags: ace.flags.iter().map(|flag| flag.label()).collect::<Vec<_>>().join(", "),
        object,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed_examples;

    fn unblock() -> Request {
        seed_examples::unblock()
    }

    #[test]
    fn every_field_is_in_a_section() {
        let sections = sections(&unblock(), &NameBook::default());
        let titles: Vec<&str> = sections.iter().map(|s| s.title).collect();
        assert_eq!(titles, ["Summary", "People", "Profile and card", "Flags"]);
        let value = |label: &str| {
            sections
                .iter()
                .flat_map(|s| &s.fields)
                .find(|f| f.label == label)
                .unwrap_or_else(|| panic!("{label}"))
                .value
                .clone()
        };
        assert_eq!(value("Type"), "Unblock (5)");
        assert_eq!(value("Status"), "Approved (3)");
        assert_eq!(value("Completed"), "not set");
        assert_eq!(value("Comment"), "none");
        assert_eq!(value("Old smart card"), "17cf063d-e337-4aa9-a822-346554ddd3c9");
        assert_eq!(value("Flags"), "Smartcard (0x2)");
        assert_eq!(value("Data collection flags"), "0x20");
        assert_eq!(value("Smart card request"), "yes");
        assert_eq!(sections.iter().map(|s| s.fields.len()).sum::<usize>(), 19);
    }

    #[test]
    fn fields_not_shown_as_sent_are_explained() {
        let text = |request: &str| {
            let request: Request = serde_json::from_str(request).unwrap();
            field_notes(&request)
        };
        let odd = text(
            r#"{"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099","RequestType":1,"Status":3,"DataCollection":"badge 4711",
            "IsSmartcard":1,"Completed":{"At":"now"},"Comment":"fine","X":null}"#,
        );
        assert_eq!(
            odd,
            [
                "DataCollection was not a list of names and values but a text; it is shown as received.",
                "IsSmartcard was not true or false but a number; it is shown as received.",
                "Completed was not a date but an object; it is shown as received.",
            ]
        );
        assert_eq!(field_notes(&unblock()), Vec::<String>::new());

        let mut shortened = unblock();
        let note = |field: Option<&str>, inside| {
            FieldNote::Shortened(ShortenedText { field: field.map(str::to_owned), inside, length: 5_234_567 })
        };
        shortened.unusual_mut().field_notes =
            vec![note(Some("Comment"), false), note(Some("DataCollection"), true), note(None, false)];
        assert_eq!(
            field_notes(&shortened),
            [
                "Comment was 5.2 MB long; only its first 64.0 kB are shown.",
                "A text in DataCollection was 5.2 MB long; only its first 64.0 kB are shown.",
                "A text was 5.2 MB long; only its first 64.0 kB are shown.",
            ]
        );
    }

    #[test]
    fn the_security_descriptor_becomes_a_table_of_entries() {
        let view = security(&unblock(), &NameBook::default());
        assert_eq!(view.owner, "S-1-5-21-2127521184-1604012920-1887927527-14134865");
        assert_eq!(view.group, "not given");
        assert_eq!(view.problem, None);
        assert_eq!(view.dacl.len(), 6);
        let deny = &view.dacl[0];
        assert_eq!((deny.effect, deny.tone, deny.rights_letters.as_str()), ("Deny", "deny", "LC"));
        assert_eq!(view.dacl[1].tone, "allow");
        assert_eq!(deny.rights_names, "List children");
        let everyone = &view.dacl[2];
        assert_eq!((everyone.trustee.as_str(), everyone.rights_names.as_str()), ("Everyone (WD)", "Read control"));
    }

    #[test]
    fn configured_right_names_and_broken_descriptors_show() {
        let mut request = unblock();
        request.security_descriptor = "O:BAD:(A;CI;RC;;;WD)(A;;QQ;;;WD)".into();
        let names =
            crate::config::ViewerConfig::read(r#"{"names": {"accessRights": {"0x20000": "Read"}}}"#).config.names;
        let view = security(&request, &names);
        assert_eq!(view.owner, "Builtin Administrators (BA)");
        assert_eq!(view.dacl.len(), 1);
        assert_eq!(view.dacl[0].rights_names, "Read");
        assert_eq!(view.dacl[0].flags, "container inherit");
        assert_eq!(
            view.problem.as_deref(),
            Some(
                "The security descriptor could not be read completely, at character 20: \u{201c}QQ\u{201d} is not an SDDL right."
            )
        );
    }
}
