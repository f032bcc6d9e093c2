//! The page's URL as the record of what the user chose: read at start, written
//! on every change, and read again when the user goes back or forward.

use leptos::prelude::*;
use viewer_core::link::ViewState;
use wasm_bindgen::JsValue;

/// The view the page's URL describes.
pub fn view_in_url() -> ViewState {
    let search = web_sys::window().and_then(|window| window.location().search().ok()).unwrap_or_default();
    ViewState::from_query_string(&search)
}

/// Records `view` in the URL: as a new history entry, or in place of the
/// current one (for each keystroke of a search, say), so that Back goes back
/// to a real earlier view.
pub fn record_in_url(view: &ViewState, as_new_entry: bool) {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    // Compared by meaning: a hand-written link in another spelling is the same view,
    // and writing it again would add a history entry (and drop the forward ones).
    if ViewState::from_query_string(&location.search().unwrap_or_default()) == *view {
        return;
    }
    let link = view.to_query_string();
    // An empty query string must be written as the bare path to clear the old one.
    let url = if link.is_empty() { location.pathname().unwrap_or_default() } else { link };
    let Ok(history) = window.history() else { return };
    let _ = if as_new_entry {
        history.push_state_with_url(&JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
    };
}

/// Calls `restore` with the URL's view whenever the user goes back or forward.
pub fn on_back_or_forward(restore: impl Fn(ViewState) + 'static) {
    let handle = window_event_listener(leptos::ev::popstate, move |_| restore(view_in_url()));
    on_cleanup(move || handle.remove());
}
