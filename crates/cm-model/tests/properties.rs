//! Properties over generated input: what the mock server writes decodes to the
//! same requests, and no input makes the decoders panic.

use cm_model::sddl::parse_sddl;
use cm_model::{
    CmDate, DataCollectionFlags, DataItem, Decoded, FieldNote, KEPT_TEXT_BYTES, MAX_ELEMENT_BYTES, Request,
    RequestFlags, RequestStatus, RequestType, ResponseDecoder, ResponseError, ResponseItem, SecurityDescriptor,
    SharedTexts, Timestamp, Unusual, decode_response,
};
use mock_cm_server::api::{list_json, request_json};
use proptest::prelude::*;
use serde_json::{Map, Value};
use uuid::Uuid;

/// The keys `Request` knows (those it writes); unknown fields must use other names.
fn known_keys() -> Vec<String> {
    let example: Request = serde_json::from_str(include_str!("../../../tests/fixtures/seed-enroll.json")).unwrap();
    let Value::Object(fields) = serde_json::to_value(example).unwrap() else { unreachable!("a request is an object") };
    fields.keys().cloned().collect()
}

fn guid() -> impl Strategy<Value = Uuid> {
    any::<u128>().prop_map(Uuid::from_u128)
}

fn optional_guid() -> impl Strategy<Value = Option<Uuid>> {
    prop::option::of(guid()).prop_map(|guid| guid.filter(|g| !g.is_nil()))
}

fn date() -> impl Strategy<Value = CmDate> {
    // 0001-01-01T00:00:01Z to jiff's last instant (9999-12-30T22:00:00.999999999Z, which
    // leaves room for any offset), at any nanosecond: a second past it cannot be made.
    let instant = (-62_135_596_799i64..=Timestamp::MAX.as_second(), 0..1_000_000_000i32)
        .prop_map(|(seconds, nanos)| CmDate::At(Timestamp::new(seconds, nanos).unwrap()));
    // Text that starts with a letter never reads as a date.
    let unreadable = "[a-z][ -~]{0,20}".prop_map(CmDate::Unreadable);
    prop_oneof![Just(CmDate::NotSet), instant, unreadable]
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ]
}

fn unknown_fields() -> impl Strategy<Value = Map<String, Value>> {
    let value = json_leaf().prop_recursive(2, 8, 4, |inner| prop::collection::vec(inner, 0..4).prop_map(Value::Array));
    let known = known_keys();
    prop::collection::btree_map(any::<String>(), value, 0..3)
        .prop_map(move |fields| fields.into_iter().filter(|(key, _)| !known.contains(key)).collect())
}

/// Texts made of the pieces of descriptors (domain SIDs of a few domains,
/// the character packing uses, padding), so that packing meets them all.
fn descriptor_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("S-1-5-21-"),
        Just("S-1-5-21-1-2-3-"),
        Just("S-1-5-21-10-2-3-"),
        Just("7"),
        Just("-"),
        Just("\u{1}"),
        Just("O:"),
        Just("D:(A;;RC;;;"),
        Just(")"),
        Just("\0"),
        Just("é"),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

fn data_item() -> impl Strategy<Value = DataItem> {
    (any::<String>(), any::<Option<String>>()).prop_map(|(name, value)| DataItem { name, value })
}

prop_compose! {
    fn request()(
        uuid in guid(),
        request_type in any::<i32>(),
        status in any::<i32>(),
        flags in any::<u32>(),
        data_collection in prop::collection::vec(data_item(), 0..3),
        data_collection_flags in any::<u32>(),
        people in (optional_guid(), optional_guid()),
        dates in (date(), date()),
        profiles in (optional_guid(), optional_guid(), optional_guid(), optional_guid()),
        priority in any::<i32>(),
        comment in any::<String>(),
        profile_template_uuid in optional_guid(),
        security_descriptor in prop_oneof![any::<String>(), descriptor_text()],
        booleans in any::<(bool, bool, bool)>(),
        unknown_fields in unknown_fields(),
    ) -> Request {
        Request {
            uuid,
            request_type: RequestType::from(request_type),
            status: RequestStatus::from(status),
            flags: RequestFlags(flags),
            data_collection,
            data_collection_flags: DataCollectionFlags(data_collection_flags),
            originator_user_uuid: people.0,
            target_user_uuid: people.1,
            submitted: dates.0,
            completed: dates.1,
            new_profile_uuid: profiles.0,
            old_profile_uuid: profiles.1,
            new_smartcard_uuid: profiles.2,
            old_smartcard_uuid: profiles.3,
            priority,
            comment,
            profile_template_uuid,
            security_descriptor: security_descriptor.into(),
            is_smartcard: booleans.0,
            is_enrollment_agent: booleans.1,
            is_data_collection_complete: booleans.2,
            unusual: (!unknown_fields.is_empty())
                .then(|| Box::new(Unusual { unknown_fields, field_notes: Vec::new() })),
        }
    }
}

/// `text` with each of `edits` (a place, how many bytes to remove from there,
/// what to insert) made in turn, at the nearest boundaries of characters.
fn edited(mut text: String, edits: Vec<(prop::sample::Index, usize, String)>) -> String {
    for (at, removed, inserted) in edits {
        let mut at = at.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + removed).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        text.replace_range(at..end, &inserted);
    }
    text
}

/// `body` decoded whole, and delivered in the pieces that `cuts` (positions in
/// any order) make.
fn decoded_whole_and_in_pieces(
    body: &[u8],
    mut cuts: Vec<usize>,
) -> (Result<Decoded<Request>, ResponseError>, Result<Decoded<Request>, ResponseError>) {
    let whole = decode_response(200, Some("application/json"), body);
    cuts.sort();
    let mut decoder = ResponseDecoder::new(200, Some("application/json"));
    let mut decoded: Vec<Request> = Vec::new();
    let mut from = 0;
    for cut in cuts.into_iter().chain([body.len()]) {
        decoded.extend(decoder.push(&body[from..cut]));
        from = cut;
    }
    let in_pieces = decoder.finish().map(|Decoded { items, end }| {
        decoded.extend(items);
        Decoded { items: decoded, end }
    });
    (whole, in_pieces)
}

/// What an edit of a request's text inserts: what JSON gives meaning to
/// (quotes, escapes, digits, signs, exponents, words, whitespace, control
/// characters), so that the edited text is often still JSON, in another form.
const EDIT_TEXT: &str =
    r#"([\\"{}\[\],:0-9eE.+\- \t\na-fnulltrue\x00\x1f]|\\u[dD][89a-fA-F][0-9a-f]{2}|null|true|"Name"|"Value"){0,3}"#;

/// JSON string content that a cut must never part: escapes, characters of
/// every width in UTF-8, surrogate pairs.
const UNPARTABLE: &str = r#"(\\u[dD]83[dD]\\u[dD][eE]0[0-9]|\\["\\/bfnrt]|\\u00[0-9a-f]{2}|é|€|😀|a){0,12}"#;

proptest! {
    #[test]
    fn one_request_round_trips_through_the_mock_server(request in request()) {
        let body = request_json(&request);
        let decoded = decode_response(200, Some("application/json"), body.as_bytes()).unwrap();
        prop_assert!(decoded.end.failures.is_empty(), "{:?}", decoded.end.failures);
        prop_assert_eq!(decoded.items, vec![request]);
    }

    #[test]
    fn lists_round_trip_through_the_mock_server(requests in prop::collection::vec(request(), 0..6)) {
        let written: Vec<String> = requests.iter().map(request_json).collect();
        let body = list_json(&written.iter().map(String::as_str).collect::<Vec<_>>());
        let decoded = decode_response(200, Some("application/json"), body.as_bytes()).unwrap();
        prop_assert!(decoded.end.failures.is_empty(), "{:?}", decoded.end.failures);
        prop_assert_eq!(decoded.items, requests);
    }

    #[test]
    fn the_documented_form_reader_and_serde_agree_on_any_edit(
        request in request(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0..3usize, EDIT_TEXT), 0..4),
    ) {
        let text = edited(request_json(&Request { unusual: None, ..request }), edits);
        let decoded = Request::decode(&text, &mut SharedTexts::default()).ok();
        prop_assert_eq!(decoded, serde_json::from_str::<Request>(&text).ok(), "{}", text);
    }

    #[test]
    fn an_element_read_where_it_lies_is_read_as_the_splitter_reads_it(
        request in request(),
        next in request(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0..3usize, EDIT_TEXT), 0..4),
        after in EDIT_TEXT,
        not_utf8 in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let text = edited(request_json(&Request { unusual: None, ..request }), edits) + &after;
        let mut body = format!("[{text},{}]", request_json(&next)).into_bytes();
        if let Some(at) = not_utf8 {
            body[1 + at.index(text.len())] = 0xff;
        }
        // Whole, the first element is read where it lies; cut inside, the splitter keeps it.
        let (whole, in_pieces) = decoded_whole_and_in_pieces(&body, vec![2]);
        prop_assert_eq!(in_pieces, whole, "{}", String::from_utf8_lossy(&body));
    }

    #[test]
    fn a_security_descriptor_keeps_its_text_and_tells_it_from_any_other(
        text in descriptor_text(),
        other in descriptor_text(),
    ) {
        let descriptor = SecurityDescriptor::new(&text);
        prop_assert_eq!(&*descriptor.text(), text.as_str());
        prop_assert!(descriptor.is(&text));
        prop_assert_eq!(descriptor.is(&other), text == other);
        prop_assert_eq!(descriptor == SecurityDescriptor::new(&other), text == other);
        let mut shared = SharedTexts::default();
        let (first, second) = (shared.share(&text), shared.share(&other));
        prop_assert_eq!(&*second.text(), other.as_str());
        prop_assert_eq!(shared.len(), if text == other { 1 } else { 2 });
        prop_assert_eq!(first, descriptor);
    }

    #[test]
    fn arbitrary_bytes_never_panic(status in prop_oneof![Just(200u16), 100u16..600], body in any::<Vec<u8>>()) {
        let _ = decode_response(status, None, &body);
    }

    #[test]
    fn json_like_text_never_panics(body in r#"[\[\]{}",:\\ 0-9a-zA-Z\-.]{0,200}"#) {
        let _ = decode_response(200, Some("application/json"), body.as_bytes());
    }

    #[test]
    fn a_broken_element_never_costs_the_others(requests in prop::collection::vec(request(), 1..5), broken in r#"[{}\[\]",:a-z0-9]{1,30}"#, at in any::<prop::sample::Index>()) {
        let mut written: Vec<String> = requests.iter().map(request_json).collect();
        let position = at.index(written.len() + 1);
        // Balanced so that it cannot swallow its neighbours; still not a request.
        written.insert(position, format!("{{\"Broken\":\"{}\"}}", broken.replace(['"', '\\'], "")));
        let body = list_json(&written.iter().map(String::as_str).collect::<Vec<_>>());
        let decoded = decode_response(200, None, body.as_bytes()).unwrap();
        prop_assert_eq!(decoded.items, requests);
        prop_assert_eq!(decoded.end.failures.count(), 1);
        prop_assert_eq!(decoded.end.failures.listed()[0].index, position);
    }

    #[test]
    fn chunk_boundaries_never_change_the_result(
        requests in prop::collection::vec(request(), 0..4),
        noise in r#"[\[\]{}",:\\ 0-9a-z\-]{0,40}"#,
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let written: Vec<String> = requests.iter().map(request_json).collect();
        let body = list_json(&written.iter().map(String::as_str).collect::<Vec<_>>()) + &noise;
        let cuts = cuts.iter().map(|cut| cut.index(body.len() + 1)).collect();
        let (whole, in_pieces) = decoded_whole_and_in_pieces(body.as_bytes(), cuts);
        prop_assert_eq!(in_pieces, whole);
    }
}

proptest! {
    // Each case decodes more than a megabyte twice.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn a_text_too_long_to_keep_is_cut_the_same_however_the_body_is_cut(
        requests in prop::collection::vec(request(), 2..3),
        unpartable in UNPARTABLE,
        before_cut in 0..24usize,
        near_the_cut in prop::collection::vec(0..64usize, 0..4),
        anywhere in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let content = "a".repeat(KEPT_TEXT_BYTES - before_cut) + &unpartable + &"b".repeat(MAX_ELEMENT_BYTES);
        let long = r#"{"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099","RequestType":1,"Status":3,"Comment":""#.to_owned()
            + &content + "\"}";
        let body = list_json(&[&request_json(&requests[0]), &long, &request_json(&requests[1])]);
        let content_starts = body.find("aaaa").unwrap();
        let cuts = near_the_cut.iter().map(|offset| content_starts + KEPT_TEXT_BYTES - 32 + offset)
            .chain(anywhere.iter().map(|cut| cut.index(body.len() + 1)))
            .collect();
        let (whole, in_pieces) = decoded_whole_and_in_pieces(body.as_bytes(), cuts);
        prop_assert_eq!(&in_pieces, &whole);
        let decoded = whole.unwrap();
        prop_assert!(decoded.end.failures.is_empty(), "{:?}", decoded.end.failures);
        prop_assert_eq!(decoded.items.len(), 3);
        let shortened = &decoded.items[1];
        let full: String = serde_json::from_str(&format!("\"{content}\"")).unwrap();
        prop_assert!(full.starts_with(&shortened.comment), "the start of the comment is kept");
        prop_assert!(shortened.comment.len() >= KEPT_TEXT_BYTES - before_cut);
        let FieldNote::Shortened(note) = &shortened.field_notes()[0] else { panic!("{:?}", shortened.field_notes()) };
        prop_assert_eq!((note.field.as_deref(), note.inside, note.length), (Some("Comment"), false, content.len()));
    }

    #[test]
    fn any_bytes_in_an_element_too_long_to_keep_never_panic_or_depend_on_chunks(
        before in any::<Vec<u8>>(),
        after in any::<Vec<u8>>(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let long_text = [b"\"".as_slice(), "a".repeat(MAX_ELEMENT_BYTES).as_bytes(), b"\""].concat();
        let body = [b"[{\"X\":".as_slice(), &before, &long_text, &after, b"}]"].concat();
        let cuts = cuts.iter().map(|cut| cut.index(body.len() + 1)).collect();
        let (whole, in_pieces) = decoded_whole_and_in_pieces(&body, cuts);
        prop_assert_eq!(in_pieces, whole);
    }

    #[test]
    fn any_text_never_panics_the_sddl_parser(text in any::<String>()) {
        let _ = parse_sddl(&text);
    }

    #[test]
    fn sddl_like_text_never_panics(text in r#"[OGDSAPIRNC:();\-0-9xXa-fWDBYU"é\x00]{0,80}"#) {
        let parsed = parse_sddl(&text);
        if let Some(error) = parsed.error {
            prop_assert!(error.position <= text.chars().count());
        }
    }
}
