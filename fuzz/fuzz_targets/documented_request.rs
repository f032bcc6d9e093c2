//! Whatever the text, the fast reader of the documented form and serde agree:
//! a request decoded either way is the same, and either both refuse it or neither.
//! Read where it lies in a list, the text gives the same request as the
//! element the list splitter would cut from it.
#![no_main]

use cm_model::{Request, ResponseItem, SharedTexts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let decoded = Request::decode(text, &mut SharedTexts::default()).ok();
    assert_eq!(decoded, serde_json::from_str::<Request>(text).ok());
    let listed = [text.as_bytes(), b","].concat();
    let mut read = Vec::new();
    match Request::decode_leading(&listed, &mut SharedTexts::default(), &mut read) {
        Some(end) => {
            let element = std::str::from_utf8(&listed[..end]).expect("an element read is UTF-8").trim();
            assert_eq!(Request::decode(element, &mut SharedTexts::default()).ok(), read.pop());
            assert!(read.is_empty());
        }
        None => assert!(read.is_empty(), "a request not read is not kept"),
    }
});
