//! Any response body, under any status, decodes or fails with a message; it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    // The first byte picks the status, so that error paths are reached too.
    let Some((&selector, body)) = input.split_first() else { return };
    let status = [200, 204, 403, 404, 500, 302][usize::from(selector) % 6];
    let content_type = (selector & 0x80 != 0).then_some("text/html");
    if let Ok(decoded) = cm_model::decode_response(status, content_type, body) {
        for failure in decoded.end.failures.listed() {
            assert!(!failure.reason.is_empty());
        }
    }
});
