//! Whatever the text, the fast reader of the documented form and serde agree:
//! a request decoded either way is the same, and either both refuse it or neither.
#![no_main]

use cm_model::{Request, ResponseItem, SharedTexts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let decoded = Request::decode(text, &mut SharedTexts::default()).ok();
    assert_eq!(decoded, serde_json::from_str::<Request>(text).ok());
});
