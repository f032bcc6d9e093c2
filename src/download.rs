//! Files the user saves from the page, made without a server.

/// A `data:` URL holding `text`, for a download link. Percent-encoding keeps
/// any character safe in the URL.
pub fn data_url(media_type: &str, text: &str) -> String {
    let encoded: String = js_sys::encode_uri_component(text).into();
    format!("data:{media_type};charset=utf-8,{encoded}")
}
