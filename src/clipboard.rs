//! Copying text for the user, and saying whether it worked.

use wasm_bindgen_futures::JsFuture;

/// Puts `text` on the clipboard. Browsers offer the clipboard only to pages
/// served over https (or from localhost); elsewhere this says so.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let navigator = web_sys::window().ok_or("no browser window")?.navigator();
    if !js_sys::Reflect::has(&navigator, &"clipboard".into()).unwrap_or(false) {
        return Err("Copying needs the viewer to be served over https.".to_owned());
    }
    JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| "The browser did not allow copying.".to_owned())
}
