//! Properties of the objects read beside requests (smart cards, profiles,
//! certificates, policies, operations): whatever the server writes, nothing
//! panics, nothing it sent is lost, and what is written reads back the same.

use cm_model::{
    CardCertificate, CardStatus, Policy, Profile, ResponseItem, SmartCard, decode_items, decode_one, decode_operations,
};
use proptest::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

/// Any JSON value a server might put in a field, nested a little.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |n| n.is_finite()).prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        any::<u128>().prop_map(|n| Value::String(Uuid::from_u128(n).to_string())),
        "[0-9]{1,3}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map("[A-Za-z]{1,8}", inner, 0..3)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// An object with documented keys of all these types and others, each in any form.
fn object() -> impl Strategy<Value = Map<String, Value>> {
    const KEYS: &[&str] = &[
        "Uuid",
        "Status",
        "Flags",
        "ParentSmartcardUuid",
        "PrimarySmartcardUuid",
        "PermanentSmartcardUuid",
        "AssignedUserUuid",
        "ProfileTemplateUuid",
        "ProfileTemplateVersion",
        "Comment",
        "SerialNumber",
        "Middleware",
        "Atr",
        "ParentProfileUuid",
        "PrimaryProfileUuid",
        "IsKeyHistory",
        "ArchivedOnCa",
        "CertificateType",
        "TemplateCommonName",
        "Thumbprint",
        "ApprovalsNeeded",
        "AuthorizedApprover",
        "AuthorizedInitiator",
        "AuthorizedEnrollmentAgent",
        "Enabled",
        "EnrollAgentRequired",
        "SelfServiceEnabled",
        "PolicyDataCollection",
        "Unknown",
        "Other",
    ];
    prop::collection::btree_map(prop::sample::select(KEYS), json_value(), 0..12)
        .prop_map(|fields| fields.into_iter().map(|(key, value)| (key.to_owned(), value)).collect())
}

/// Every key sent is written back, and each one the type did not read keeps its value.
fn nothing_is_lost<T: ResponseItem + Serialize>(
    sent: &Map<String, Value>,
    other_fields: impl Fn(&T) -> &Map<String, Value>,
) {
    let read: T = serde_json::from_value(Value::Object(sent.clone())).expect("any object reads");
    let Value::Object(written) = serde_json::to_value(&read).expect("it writes") else { unreachable!("an object") };
    for (key, value) in sent {
        assert!(written.contains_key(key), "{key} was lost");
        if let Some(kept) = other_fields(&read).get(key) {
            assert_eq!(kept, value, "{key} is kept as sent");
        }
    }
}

fn optional_guid() -> impl Strategy<Value = Option<Uuid>> {
    prop::option::of(any::<u128>().prop_map(Uuid::from_u128)).prop_map(|guid| guid.filter(|g| !g.is_nil()))
}

prop_compose! {
    fn card()(
        guids in prop::collection::vec(optional_guid(), 6),
        status in prop::option::of(any::<i32>()),
        numbers in any::<(Option<i64>, Option<i64>)>(),
        texts in any::<(Option<String>, Option<String>, Option<String>, Option<String>)>(),
    ) -> SmartCard {
        SmartCard {
            uuid: guids[0],
            status: status.map(CardStatus::from),
            flags: numbers.0,
            parent_smartcard_uuid: guids[1],
            primary_smartcard_uuid: guids[2],
            permanent_smartcard_uuid: guids[3],
            assigned_user_uuid: guids[4],
            profile_template_uuid: guids[5],
            profile_template_version: numbers.1,
            comment: texts.0,
            serial_number: texts.1,
            middleware: texts.2,
            atr: texts.3,
            ..SmartCard::default()
        }
    }
}

proptest! {
    #[test]
    fn any_object_reads_as_every_type_and_loses_nothing(sent in object()) {
        nothing_is_lost::<SmartCard>(&sent, |card| &card.other_fields);
        nothing_is_lost::<Profile>(&sent, |profile| &profile.other_fields);
        nothing_is_lost::<CardCertificate>(&sent, |certificate| &certificate.other_fields);
        nothing_is_lost::<Policy>(&sent, |policy| &policy.other_fields);
    }

    #[test]
    fn a_card_written_reads_back_the_same(card in card()) {
        let body = serde_json::to_vec(&card).unwrap();
        prop_assert_eq!(decode_one::<SmartCard>(200, Some("application/json"), &body).unwrap(), Some(card.clone()));
        let list = serde_json::to_vec(&[&card, &card]).unwrap();
        prop_assert_eq!(decode_items::<SmartCard>(200, None, &list).unwrap().items, vec![card.clone(), card]);
    }

    #[test]
    fn any_body_never_panics_any_decoder(status in prop_oneof![Just(200u16), Just(204), 100u16..600], body in any::<Vec<u8>>()) {
        let _ = decode_one::<SmartCard>(status, Some("application/json"), &body);
        let _ = decode_items::<CardCertificate>(status, None, &body);
        let _ = decode_one::<Policy>(status, Some("text/html"), &body);
        let _ = decode_operations(status, Some("application/json"), &body);
    }

    #[test]
    fn json_like_text_never_panics_any_decoder(body in r#"[\[\]{}",:\\ 0-9a-zA-Z\-.]{0,200}"#) {
        let _ = decode_one::<Profile>(200, None, body.as_bytes());
        let _ = decode_operations(200, None, body.as_bytes());
    }

    #[test]
    fn operations_keep_every_word_and_only_words(words in prop::collection::vec(any::<String>(), 0..6), others in prop::collection::vec(json_value(), 0..3)) {
        let mut list: Vec<Value> = words.iter().cloned().map(Value::String).collect();
        list.extend(others.into_iter().filter(|value| !value.is_string()));
        let body = serde_json::to_vec(&list).unwrap();
        match decode_operations(200, None, &body) {
            Ok(read) => prop_assert_eq!(read, words),
            Err(_) => prop_assert!(words.is_empty() && !list.is_empty(), "only a list without words is refused"),
        }
    }
}
