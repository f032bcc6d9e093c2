//! Smart cards, profiles and their certificates (`GET .../smartcards/{id}`,
//! `.../profiles/{id}`, `.../{smartcards|profiles}/{id}/certificates`).
//!
//! Their shapes come from Microsoft's reference pages and examples only, so
//! they are read leniently: every documented field is optional, a field in
//! another form than expected is kept among `other_fields`, as are fields
//! nobody documented, and the viewer shows them all.

use crate::lenient::{Fields, read_leniently};
use crate::{CardStatus, ShortenedText};
use cm_request::nil_for_none;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

/// A smart card (`Microsoft.Clm.Shared.Smartcards.Smartcard`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SmartCard {
    /// `Uuid`: the card's id in CM, which requests name.
    #[serde(serialize_with = "nil_for_none")]
    pub uuid: Option<Uuid>,
    /// `Status`: shared with profiles (CM's `sc_status` table).
    pub status: Option<CardStatus>,
    /// `Flags`: a bit set; every example shows 1 (probably Primary).
    pub flags: Option<i64>,
    /// `ParentSmartcardUuid`: the card this one was made from.
    #[serde(serialize_with = "nil_for_none")]
    pub parent_smartcard_uuid: Option<Uuid>,
    /// `PrimarySmartcardUuid`: the user's primary card.
    #[serde(serialize_with = "nil_for_none")]
    pub primary_smartcard_uuid: Option<Uuid>,
    /// `PermanentSmartcardUuid`: the permanent card a temporary one stands in for.
    #[serde(serialize_with = "nil_for_none")]
    pub permanent_smartcard_uuid: Option<Uuid>,
    /// `AssignedUserUuid`: Active Directory objectGUID of the card's user.
    #[serde(serialize_with = "nil_for_none")]
    pub assigned_user_uuid: Option<Uuid>,
    /// `ProfileTemplateUuid`: the template the card was issued with.
    #[serde(serialize_with = "nil_for_none")]
    pub profile_template_uuid: Option<Uuid>,
    /// `ProfileTemplateVersion`.
    pub profile_template_version: Option<i64>,
    /// `Comment`: typed by people: text, never markup.
    pub comment: Option<String>,
    /// `SerialNumber`: the physical card's id, as printed on it or read from its chip.
    pub serial_number: Option<String>,
    /// `Middleware`: the card's minidriver or CSP.
    pub middleware: Option<String>,
    /// `Atr`: the card's Answer To Reset, in hex.
    pub atr: Option<String>,
    /// Fields not documented, or not in the form expected, as received.
    #[serde(flatten)]
    pub other_fields: Map<String, Value>,
    /// Texts cut because the card's JSON was too long to keep whole.
    #[serde(skip)]
    pub shortened: Vec<ShortenedText>,
}

impl SmartCard {
    fn from_fields(mut fields: Fields) -> SmartCard {
        SmartCard {
            uuid: fields.guid("Uuid"),
            status: fields.code("Status"),
            flags: fields.number("Flags"),
            parent_smartcard_uuid: fields.guid("ParentSmartcardUuid"),
            primary_smartcard_uuid: fields.guid("PrimarySmartcardUuid"),
            permanent_smartcard_uuid: fields.guid("PermanentSmartcardUuid"),
            assigned_user_uuid: fields.guid("AssignedUserUuid"),
            profile_template_uuid: fields.guid("ProfileTemplateUuid"),
            profile_template_version: fields.number("ProfileTemplateVersion"),
            comment: fields.text("Comment"),
            serial_number: fields.text("SerialNumber"),
            middleware: fields.text("Middleware"),
            atr: fields.text("Atr"),
            other_fields: fields.rest(),
            shortened: Vec::new(),
        }
    }
}

read_leniently!(SmartCard);

/// A software profile, or the profile on a smart card (`Microsoft.Clm.Shared.Profiles.Profile`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Profile {
    /// `Uuid`: the profile's id in CM, which requests name.
    #[serde(serialize_with = "nil_for_none")]
    pub uuid: Option<Uuid>,
    /// `Status`: numbered as smart cards' (inferred from CM's `sc_status` table).
    pub status: Option<CardStatus>,
    /// `Flags`: a bit set; every example shows 1 (probably Primary).
    pub flags: Option<i64>,
    /// `ParentProfileUuid`: the profile this one was made from.
    #[serde(serialize_with = "nil_for_none")]
    pub parent_profile_uuid: Option<Uuid>,
    /// `PrimaryProfileUuid`: the user's primary profile.
    #[serde(serialize_with = "nil_for_none")]
    pub primary_profile_uuid: Option<Uuid>,
    /// `AssignedUserUuid`: Active Directory objectGUID of the profile's user.
    #[serde(serialize_with = "nil_for_none")]
    pub assigned_user_uuid: Option<Uuid>,
    /// `ProfileTemplateUuid`: the template the profile was issued with.
    #[serde(serialize_with = "nil_for_none")]
    pub profile_template_uuid: Option<Uuid>,
    /// `ProfileTemplateVersion`.
    pub profile_template_version: Option<i64>,
    /// `Comment`: typed by people: text, never markup.
    pub comment: Option<String>,
    /// Fields not documented (`ProfileOperations` among them: its items'
    /// shape is not), or not in the form expected, as received.
    #[serde(flatten)]
    pub other_fields: Map<String, Value>,
    /// Texts cut because the profile's JSON was too long to keep whole.
    #[serde(skip)]
    pub shortened: Vec<ShortenedText>,
}

impl Profile {
    fn from_fields(mut fields: Fields) -> Profile {
        Profile {
            uuid: fields.guid("Uuid"),
            status: fields.code("Status"),
            flags: fields.number("Flags"),
            parent_profile_uuid: fields.guid("ParentProfileUuid"),
            primary_profile_uuid: fields.guid("PrimaryProfileUuid"),
            assigned_user_uuid: fields.guid("AssignedUserUuid"),
            profile_template_uuid: fields.guid("ProfileTemplateUuid"),
            profile_template_version: fields.number("ProfileTemplateVersion"),
            comment: fields.text("Comment"),
            other_fields: fields.rest(),
            shortened: Vec::new(),
        }
    }
}

read_leniently!(Profile);

/// A certificate of a smart card or profile, as `.../certificates` lists them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CardCertificate {
    /// `TemplateCommonName`: the certificate template's name.
    pub template_common_name: Option<String>,
    /// `SerialNumber`: the certificate's serial number, in hex.
    pub serial_number: Option<String>,
    /// `Thumbprint`: the certificate's SHA-1 hash, in hex.
    pub thumbprint: Option<String>,
    /// `ArchivedOnCa`: whether the CA archived the private key.
    pub archived_on_ca: Option<bool>,
    /// `IsKeyHistory`: an earlier certificate kept for its key (to decrypt old mail).
    pub is_key_history: Option<bool>,
    /// `CertificateType`: a number nobody has documented.
    pub certificate_type: Option<i64>,
    /// Fields not documented, or not in the form expected, as received.
    #[serde(flatten)]
    pub other_fields: Map<String, Value>,
    /// Texts cut because the certificate's JSON was too long to keep whole.
    #[serde(skip)]
    pub shortened: Vec<ShortenedText>,
}

impl CardCertificate {
    fn from_fields(mut fields: Fields) -> CardCertificate {
        CardCertificate {
            template_common_name: fields.text("TemplateCommonName"),
            serial_number: fields.text("SerialNumber"),
            thumbprint: fields.text("Thumbprint"),
            archived_on_ca: fields.flag("ArchivedOnCa"),
            is_key_history: fields.flag("IsKeyHistory"),
            certificate_type: fields.number("CertificateType"),
            other_fields: fields.rest(),
            shortened: Vec::new(),
        }
    }
}

read_leniently!(CardCertificate);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode_items, decode_one};

    #[test]
    fn the_reference_examples_card_decodes() {
        let body = br#"{"Uuid":"17cf063d-e337-4aa9-a822-346554ddd3c9","Status":2,"Flags":1,
            "ParentSmartcardUuid":"00000000-0000-0000-0000-000000000000",
            "PrimarySmartcardUuid":"17cf063d-e337-4aa9-a822-346554ddd3c9",
            "PermanentSmartcardUuid":"00000000-0000-0000-0000-000000000000",
            "AssignedUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
            "ProfileTemplateUuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3","ProfileTemplateVersion":3,
            "Comment":"","SerialNumber":"{d1ef3c3e-b3c3-4a8e-9d5b-0ef1c1e1f1a1}",
            "Middleware":"Microsoft Base Smart Card Crypto Provider","Atr":"3b8d0180fba000000397","Color":"blue"}"#;
        let card: SmartCard = decode_one(200, Some("application/json"), body).unwrap().unwrap();
        assert_eq!(card.uuid, Some(uuid::uuid!("17cf063d-e337-4aa9-a822-346554ddd3c9")));
        assert_eq!(card.status, Some(CardStatus::Active));
        assert_eq!(card.parent_smartcard_uuid, None);
        assert_eq!(card.primary_smartcard_uuid, card.uuid);
        assert_eq!(card.serial_number.as_deref(), Some("{d1ef3c3e-b3c3-4a8e-9d5b-0ef1c1e1f1a1}"));
        assert_eq!(card.profile_template_version, Some(3));
        assert_eq!(card.other_fields.keys().collect::<Vec<_>>(), ["Color"]);
    }

    #[test]
    fn a_field_in_another_form_is_kept_and_costs_nothing_else() {
        let card: SmartCard =
            serde_json::from_str(r#"{"Uuid":"17cf063d-e337-4aa9-a822-346554ddd3c9","Status":"Active","Atr":7}"#)
                .unwrap();
        assert_eq!(card.status, None);
        assert_eq!(card.atr, None);
        assert_eq!(card.other_fields["Status"], "Active");
        assert_eq!(card.other_fields["Atr"], 7);
        assert!(card.uuid.is_some());
    }

    #[test]
    fn certificates_decode_one_by_one() {
        let body = br#"[{"IsKeyHistory":false,"ArchivedOnCa":true,"CertificateType":1,
            "TemplateCommonName":"SmartcardLogon","SerialNumber":"6100000004a1","Thumbprint":"ab12"},
            "not an object", {"TemplateCommonName":null}]"#;
        let decoded = decode_items::<CardCertificate>(200, Some("application/json"), body).unwrap();
        assert_eq!(decoded.items.len(), 2);
        assert_eq!(decoded.items[0].archived_on_ca, Some(true));
        assert_eq!(decoded.items[1], CardCertificate::default());
        assert_eq!(decoded.end.failures.count(), 1);
    }

    #[test]
    fn profiles_keep_their_undocumented_operations() {
        let profile: Profile = serde_json::from_str(
            r#"{"Uuid":"b99ff38c-6653-471f-ae3c-325bb351a6bc","Status":6,"ProfileOperations":[{"Name":"x"}]}"#,
        )
        .unwrap();
        assert_eq!(profile.status, Some(CardStatus::Retired));
        assert!(profile.other_fields.contains_key("ProfileOperations"));
    }

    #[test]
    fn what_is_written_reads_back() {
        let card = SmartCard {
            uuid: Some(uuid::uuid!("17cf063d-e337-4aa9-a822-346554ddd3c9")),
            status: Some(CardStatus::Unknown(9)),
            serial_number: Some("A1".into()),
            ..SmartCard::default()
        };
        let read: SmartCard = serde_json::from_str(&serde_json::to_string(&card).unwrap()).unwrap();
        assert_eq!(read, card);
    }
}
