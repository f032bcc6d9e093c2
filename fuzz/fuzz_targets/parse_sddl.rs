//! Any text parses into a partial security descriptor and at most one error; it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let parsed = cm_model::sddl::parse_sddl(text);
    if let Some(error) = parsed.error {
        assert!(error.position <= text.chars().count());
    }
});
