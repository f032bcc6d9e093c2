//! The card secrets of the API, as traps: the viewer must never ask for them.
//!
//! A server-proposed PIN, a card's diversified admin key, an answer to its
//! admin challenge and a template's smart card configuration (with its default
//! admin key) are answered with [`SECRET_MARKER`], and every call to them is
//! counted before anything else sees it (IIS, failures), so that an
//! end-to-end test can read the count at [`SECRET_CALLS_PATH`] and fail if
//! the viewer ever called one.

use crate::api::JSON_CONTENT_TYPE;
use axum::Router;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The text every secret answer holds, for a test to look for anywhere the viewer keeps or shows data.
pub const SECRET_MARKER: &str = "MOCK-SECRET-NEVER-FETCH";

/// Where the count of calls to secrets is read, at the server's root: plain text, a decimal number.
pub const SECRET_CALLS_PATH: &str = "/mock/secret-calls";

/// The path segments that mark a secret, as the URL Rewrite rule of the
/// deployment guide finds them: any call with one of them is counted.
const SECRET_SEGMENTS: [&str; 4] = ["serverproposedpin", "diversifiedkey", "authenticationresponse", "configuration"];

/// How many calls asked for a secret.
#[derive(Clone, Default)]
pub struct SecretCalls(Arc<AtomicUsize>);

/// The secret endpoints, below the API prefix, each answering with [`SECRET_MARKER`].
pub fn traps<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/smartcards/{id}/serverproposedpin", get(|| secret("ServerProposedPin", "73920514")))
        .route(
            "/requests/{id}/smartcards/{card}/diversifiedkey",
            get(|| secret("DiversifiedKeyHex", "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978")),
        )
        .route(
            "/requests/{id}/smartcards/{card}/authenticationresponse",
            get(|| secret("AuthenticationResponse", "3c4b5a69788796a5")),
        )
        .route(
            "/profiletemplates/{id}/configuration/smartcards",
            get(|| secret("DefaultAdminKeyHex", "010203040506070801020304050607080102030405060708")),
        )
}

/// A secret's answer: the marker, and a value named as the secret is.
async fn secret(name: &str, value: &str) -> Response {
    let body = serde_json::json!({ "Marker": SECRET_MARKER, name: value }).to_string();
    ([(header::CONTENT_TYPE, JSON_CONTENT_TYPE)], body).into_response()
}

/// `api` counting every call to a secret in `calls`, whatever answers it.
pub fn counting(api: Router, calls: &SecretCalls) -> Router {
    let calls = calls.clone();
    api.layer(axum::middleware::from_fn(move |request: Request, next: Next| {
        let is_secret = request
            .uri()
            .path()
            .split('/')
            .any(|segment| SECRET_SEGMENTS.iter().any(|secret| secret.eq_ignore_ascii_case(segment)));
        if is_secret {
            calls.0.fetch_add(1, Ordering::SeqCst);
        }
        next.run(request)
    }))
}

/// `GET` [`SECRET_CALLS_PATH`]: the count, as plain text.
pub fn count_route(calls: SecretCalls) -> Router {
    Router::new().route(SECRET_CALLS_PATH, get(move || async move { calls.0.load(Ordering::SeqCst).to_string() }))
}
