//! What WebAssembly reads sixteen bytes at a time (SIMD), where the native
//! build (and its tests) reads eight: a GUID's digits, which must be taken
//! exactly as the `uuid` crate takes them, the runs of a text between its
//! escapes, which must give what serde gives, and a search word's digits in
//! a GUID, which must be found exactly where its text holds them.
#![cfg(target_arch = "wasm32")]

use cm_model::{Request, decode_response};
use uuid::Uuid;
use viewer_core::guid_search::GuidWord;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The request id that a list of one request with `guid` as its id decodes to, if any.
fn decoded_id(guid: &[u8]) -> Option<Uuid> {
    let body = [br#"[{"Uuid":""#.as_slice(), guid, br#"","RequestType":1,"Status":3}]"#].concat();
    let decoded = decode_response(200, Some("application/json"), &body).ok()?;
    decoded.items.first().map(|request| request.uuid)
}

#[wasm_bindgen_test]
fn a_guid_is_read_exactly_as_the_uuid_crate_reads_its_hyphenated_form() {
    let guid = *b"a9B4b42c-cc50-4c9b-89d1-bbc0bcdEF099";
    assert!(decoded_id(&guid).is_some());
    for at in 0..guid.len() {
        for byte in 0..=u8::MAX {
            let mut text = guid;
            text[at] = byte;
            assert_eq!(decoded_id(&text), Uuid::try_parse_ascii(&text).ok(), "{byte:#x} at {at}");
        }
    }
    for text in [&guid[1..], &[guid.as_slice(), b"0"].concat(), b"{a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a0}"] {
        assert_eq!(decoded_id(text), None);
    }
}

#[wasm_bindgen_test]
fn every_hex_digit_in_every_place_gives_its_value() {
    for digit in b"0123456789abcdefABCDEF" {
        for at in (0..36).filter(|at| ![8, 13, 18, 23].contains(at)) {
            let mut text = *b"00000000-0000-0000-0000-000000000000";
            text[at] = *digit;
            assert_eq!(decoded_id(&text), Uuid::try_parse_ascii(&text).ok(), "{} at {at}", *digit as char);
        }
    }
}

/// A request whose comment is written as `text`, then the closing quote.
fn with_comment(text: &[u8]) -> Vec<u8> {
    let start = br#"{"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099","RequestType":1,"Status":3,"Comment":""#;
    [start.as_slice(), text, br#""}"#].concat()
}

/// The comment of a list of that one request, as the app decodes it, if it does.
fn decoded_comment(text: &[u8]) -> Option<String> {
    let body = [b"[".as_slice(), &with_comment(text), b"]"].concat();
    let decoded = decode_response(200, Some("application/json"), &body).ok()?;
    decoded.items.first().map(|request| request.comment.clone())
}

#[wasm_bindgen_test]
fn a_text_is_read_as_serde_reads_it_whatever_byte_lies_wherever() {
    for length in [0, 1, 15, 16, 17, 31, 32, 33, 40] {
        for at in 0..length {
            for byte in (0..=u8::MAX).step_by(3).chain([0x1f, 0x20, b'"', b'\\', 0x7f, 0x80, 0xc3]) {
                let mut text = vec![b'a'; length];
                text[at] = byte;
                let by_serde = serde_json::from_slice::<Request>(&with_comment(&text)).ok();
                assert_eq!(
                    decoded_comment(&text),
                    by_serde.map(|request| request.comment),
                    "{byte:#x} at {at} of {length}"
                );
            }
        }
    }
    for text in
        ["é€ unicode, no control characters: \u{a0}\u{2028}", "then an escape \\u00e9 and a tab \\t, past sixteen"]
    {
        let by_serde = serde_json::from_slice::<Request>(&with_comment(text.as_bytes())).unwrap();
        assert_eq!(decoded_comment(text.as_bytes()), Some(by_serde.comment), "{text}");
    }
}

#[wasm_bindgen_test]
fn a_search_word_is_found_in_a_guid_exactly_when_its_text_holds_it() {
    // Few distinct digits, so that short words both hit and miss; a digit
    // next to each hyphen, and the first and last digits, differ.
    let guids = [
        Uuid::nil(),
        Uuid::max(),
        Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        Uuid::from_u128(0xa0a0_0a0a_0aa0_a00a_a0a0_0000_aaaa_0a0a),
        Uuid::from_u128(0xf00a_af00_0aff_a0f0_0f0a_fa0f_af00_0af1),
    ];
    let alphabet = ["0", "a", "f", "-"];
    let mut words: Vec<String> = alphabet.iter().map(|first| first.to_string()).collect();
    for _ in 0..3 {
        let longer: Vec<String> =
            words.iter().flat_map(|word| alphabet.iter().map(move |next| word.clone() + next)).collect();
        words.extend(longer);
    }
    // Every piece of each GUID's text, hyphens included, up to the whole.
    for guid in &guids {
        let text = guid.hyphenated().to_string();
        for start in 0..text.len() {
            words.extend((start + 1..=text.len()).map(|end| text[start..end].to_owned()));
        }
    }
    for word in &words {
        let found = GuidWord::new(word).expect("a word of hex digits and hyphens");
        for guid in guids {
            let text = guid.hyphenated().to_string();
            assert_eq!(found.in_guid(guid), text.contains(word.as_str()), "{word:?} in {text}");
        }
    }
}
