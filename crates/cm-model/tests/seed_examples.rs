//! The two example responses of Microsoft's "Get request" page decode to exactly
//! the documented values.

use cm_model::{
    CmDate, DataCollectionFlags, DataItem, Request, RequestFlags, RequestStatus, RequestType, decode_response,
};
use uuid::{Uuid, uuid};

const ENROLL: &str = include_str!("../../../tests/fixtures/seed-enroll.json");
const UNBLOCK: &str = include_str!("../../../tests/fixtures/seed-unblock.json");

const USER: Uuid = uuid!("8f1590dc-d932-4b66-8e68-2e91c5880780");
const TEMPLATE: Uuid = uuid!("a039b4d0-5ce8-4eff-8651-181c6576fda3");
const DOMAIN: &str = "S-1-5-21-2127521184-1604012920-1887927527";

fn decode_one(body: &str) -> Request {
    let mut decoded = decode_response(200, Some("application/json"), body.as_bytes()).unwrap();
    assert!(decoded.end.failures.is_empty(), "{:?}", decoded.end.failures);
    assert_eq!(decoded.items.len(), 1);
    decoded.items.remove(0)
}

fn sddl(aces: &[(&str, &str, &str)], padding: usize) -> cm_model::SecurityDescriptor {
    let mut text = format!("O:{DOMAIN}-14134865D:");
    for (kind, rights, trustee) in aces {
        let trustee = if trustee.starts_with('-') { format!("{DOMAIN}{trustee}") } else { trustee.to_string() };
        text.push_str(&format!("({kind};;{rights};;;{trustee})"));
    }
    (text + &"\0".repeat(padding)).into()
}

#[test]
fn enroll_example_decodes_every_field() {
    let request = decode_one(ENROLL);
    let expected = Request {
        uuid: uuid!("a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"),
        request_type: RequestType::Enroll,
        status: RequestStatus::Approved,
        flags: RequestFlags(2),
        data_collection: vec![],
        data_collection_flags: DataCollectionFlags(32),
        originator_user_uuid: Some(USER),
        target_user_uuid: Some(USER),
        submitted: CmDate::At("2015-07-07T23:36:21.93Z".parse().unwrap()),
        completed: CmDate::NotSet,
        new_profile_uuid: None,
        old_profile_uuid: None,
        new_smartcard_uuid: None,
        old_smartcard_uuid: None,
        priority: 0,
        comment: String::new(),
        profile_template_uuid: Some(TEMPLATE),
        security_descriptor: sddl(
            &[
                ("D", "LC", "-14995557"),
                ("A", "DCSW", "-5094533"),
                ("A", "DCSW", "-5094534"),
                ("A", "DCSW", "-5219125"),
                ("A", "SWRC", "-5094533"),
                ("A", "RC", "WD"),
                ("A", "CCDCLCSWSDRC", "-14134865"),
                ("A", "DCSW", "-14995557"),
                ("A", "CCDCSW", "-14995557"),
            ],
            9,
        ),
        is_smartcard: true,
        is_enrollment_agent: false,
        is_data_collection_complete: false,
        unusual: None,
    };
    assert_eq!(request, expected);
    assert_eq!(request.status.to_string(), "Approved");
    assert_eq!(request.request_type.to_string(), "Enroll");
    assert_eq!(request.submitted.to_string(), "2015-07-07 23:36:21 UTC");
}

#[test]
fn unblock_example_decodes_every_field() {
    let request = decode_one(UNBLOCK);
    let profile = uuid!("b99ff38c-6653-471f-ae3c-325bb351a6bc");
    let card = uuid!("17cf063d-e337-4aa9-a822-346554ddd3c9");
    let expected = Request {
        uuid: uuid!("0c96d73f-967b-420e-854a-43ad2a1504bc"),
        request_type: RequestType::Unblock,
        status: RequestStatus::Approved,
        flags: RequestFlags(2),
        data_collection: vec![DataItem { name: "Sample Data Item".into(), value: None }],
        data_collection_flags: DataCollectionFlags(32),
        originator_user_uuid: Some(USER),
        target_user_uuid: Some(USER),
        submitted: CmDate::At("2015-07-07T23:40:33.133Z".parse().unwrap()),
        completed: CmDate::NotSet,
        new_profile_uuid: Some(profile),
        old_profile_uuid: Some(profile),
        new_smartcard_uuid: Some(card),
        old_smartcard_uuid: Some(card),
        priority: 0,
        comment: String::new(),
        profile_template_uuid: Some(TEMPLATE),
        security_descriptor: sddl(
            &[
                ("D", "LC", "-14995557"),
                ("A", "SWRC", "-5094533"),
                ("A", "RC", "WD"),
                ("A", "CCDCLCSWSDRC", "-14134865"),
                ("A", "DCSW", "-14995557"),
                ("A", "CCDCSW", "-14995557"),
            ],
            6,
        ),
        is_smartcard: true,
        is_enrollment_agent: false,
        is_data_collection_complete: false,
        unusual: None,
    };
    assert_eq!(request, expected);
    assert_eq!(request.request_type.to_string(), "Unblock");
}

#[test]
fn examples_round_trip_through_serialisation() {
    for body in [ENROLL, UNBLOCK] {
        let request = decode_one(body);
        let written = serde_json::to_string(&request).unwrap();
        assert_eq!(decode_one(&written), request);
        let original: serde_json::Value = serde_json::from_str(body).unwrap();
        let rewritten: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(rewritten, original, "the API's own text comes back unchanged");
    }
}

#[test]
fn both_examples_decode_from_one_list() {
    let body = format!("[{ENROLL},{UNBLOCK}]");
    let decoded = decode_response(200, None, body.as_bytes()).unwrap();
    let types: Vec<String> = decoded.items.iter().map(|r| r.request_type.to_string()).collect();
    assert_eq!(types, ["Enroll", "Unblock"]);
}
