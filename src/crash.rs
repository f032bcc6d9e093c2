//! What the page shows when the viewer itself fails: a panic in WebAssembly
//! stops the app, so instead of a frozen page the user gets a message and a
//! way to start again. Built with plain DOM calls, because the app that would
//! render it is the thing that stopped.

use wasm_bindgen::prelude::*;

/// Shows every panic in the page (and in the console, for developers).
pub fn report_panics_in_the_page() {
    std::panic::set_hook(Box::new(|info| {
        let details = info.to_string();
        leptos::leptos_dom::logging::console_error(&details);
        show_crash_panel(&details);
    }));
}

/// Puts the crash panel at the top of the page, with `details` as text.
pub fn show_crash_panel(details: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    let (Some(body), Ok(panel), Ok(text), Ok(reload)) = (
        document.body(),
        document.create_element("div"),
        document.create_element("p"),
        document.create_element("button"),
    ) else {
        return;
    };
    panel.set_class_name("message error crash");
    let _ = panel.set_attribute("role", "alert");
    text.set_text_content(Some(&format!(
        "The viewer stopped because of an internal error. Reload the page to start again; if it happens \
         again, tell the administrator what you did and these details: {details}"
    )));
    reload.set_text_content(Some("Reload the page"));
    let _ = reload.set_attribute("type", "button");
    let reload_page = Closure::<dyn Fn()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    let _ = reload.add_event_listener_with_callback("click", reload_page.as_ref().unchecked_ref());
    // The panel lives as long as the page.
    reload_page.forget();
    let _ = panel.append_child(&text);
    let _ = panel.append_child(&reload);
    let _ = body.prepend_with_node_1(&panel);
}
