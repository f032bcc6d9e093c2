//! GUIDs as the browser reads them: WebAssembly reads a GUID's digits sixteen
//! at a time, where the native build (and its tests) reads them eight at a
//! time. Both must take exactly the texts the `uuid` crate takes.
#![cfg(target_arch = "wasm32")]

use cm_model::decode_response;
use uuid::Uuid;
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
