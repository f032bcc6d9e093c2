//! The panel that replaces a frozen page when the viewer itself fails.
#![cfg(target_arch = "wasm32")]

use cm_request_viewer::crash::show_crash_panel;
use leptos::web_sys::window;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_crash_panel_explains_and_offers_a_reload_with_details_as_text() {
    show_crash_panel("index out of bounds <b>in</b> table.rs");
    let document = window().unwrap().document().unwrap();
    let panel = document.query_selector(".crash[role=alert]").unwrap().expect("a crash panel");
    let text = panel.query_selector("p").unwrap().unwrap().text_content().unwrap();
    assert!(text.starts_with("The viewer stopped because of an internal error. Reload the page to start again"));
    assert!(text.ends_with("index out of bounds <b>in</b> table.rs"));
    assert!(panel.query_selector("b").unwrap().is_none(), "details are text, never markup");
    let button = panel.query_selector("button").unwrap().expect("a reload button");
    assert_eq!(button.text_content().unwrap(), "Reload the page");
    assert_eq!(document.body().unwrap().first_element_child().unwrap(), panel, "the panel comes first");
}
