//! What IIS does in front of the CM API before the API sees a call: its CORS
//! module, for a viewer served from another origin, and Windows authentication,
//! for which a cookie stands in since tests cannot sign in to Windows.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD,
    CONTENT_TYPE, COOKIE, ORIGIN, VARY, WWW_AUTHENTICATE,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use std::str::FromStr;
use std::sync::Arc;

/// How long, in seconds, a browser may reuse the answer to a preflight (`maxAge` in IIS's configuration).
const PREFLIGHT_MAX_AGE_SECONDS: u32 = 600;

/// The page IIS sends with a 401 when Windows authentication fails.
const UNAUTHORIZED_PAGE: &str = "<!DOCTYPE html><html><head><title>401 - Unauthorized: Access is denied due to invalid \
    credentials.</title></head><body><h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>\
    <h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3>\
    </body></html>";

/// The cookie that stands in for Windows credentials: calls without it are answered 401.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequiredCookie {
    name: String,
    value: String,
}

impl FromStr for RequiredCookie {
    type Err = String;

    /// `NAME=VALUE`, as the `Cookie` header writes a cookie.
    fn from_str(text: &str) -> Result<Self, String> {
        match text.split_once('=') {
            Some((name, value)) if !name.is_empty() => {
                Ok(RequiredCookie { name: name.to_owned(), value: value.to_owned() })
            }
            _ => Err(format!("expected NAME=VALUE, such as viewer=signed-in, not \"{text}\"")),
        }
    }
}

impl RequiredCookie {
    /// Whether the `Cookie` headers of a call hold this cookie with this value,
    /// among any others (`a=1; viewer=ok; b=2`).
    fn is_among(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|cookies| cookies.to_str().ok())
            .flat_map(|cookies| cookies.split(';'))
            .any(|cookie| cookie.trim().split_once('=') == Some((self.name.as_str(), self.value.as_str())))
    }
}

/// `api` behind IIS: behind the sign-in check when a cookie is required, and
/// behind the CORS module, outermost, when origins are allowed. With neither,
/// `api` is returned as it is.
pub fn in_front_of(api: Router, allowed_origins: &[String], required_cookie: Option<RequiredCookie>) -> Router {
    let api = match required_cookie {
        Some(cookie) => api.layer(from_fn_with_state(Arc::new(cookie), refuse_without_cookie)),
        None => api,
    };
    if allowed_origins.is_empty() {
        return api;
    }
    api.layer(from_fn_with_state(Arc::<[String]>::from(allowed_origins), answer_as_cors_module))
}

/// Answers 401 as IIS does to a call without Windows credentials, unless the
/// call has the cookie. Only `Negotiate` is offered, as IIS with that one
/// provider does: offered NTLM too, a browser that has no Windows sign-in for
/// the host asks its user for a name and password, which a headless test
/// browser would wait on for ever.
async fn refuse_without_cookie(State(cookie): State<Arc<RequiredCookie>>, request: Request, next: Next) -> Response {
    if cookie.is_among(request.headers()) {
        return next.run(request).await;
    }
    (StatusCode::UNAUTHORIZED, [(CONTENT_TYPE, "text/html"), (WWW_AUTHENTICATE, "Negotiate")], UNAUTHORIZED_PAGE)
        .into_response()
}

/// Answers as the IIS CORS module configured with `<cors enabled="true"
/// failUnlistedOrigins="true">` and `<add origin="..." allowCredentials="true">`
/// for each allowed origin: calls from unlisted origins are refused with 403;
/// preflights from allowed ones are answered here, before authentication, as
/// the module answers them before Windows authentication runs; every other
/// answer to an allowed origin carries the headers that let the page read it,
/// whatever its status.
///
/// Written by hand because tower-http's `CorsLayer` lets calls from unlisted
/// origins through (only without CORS headers) where IIS refuses them.
async fn answer_as_cors_module(State(allowed): State<Arc<[String]>>, request: Request, next: Next) -> Response {
    // Browsers send no Origin with same-origin GETs: those are no CORS matter.
    let Some(origin) = request.headers().get(ORIGIN).cloned() else {
        return next.run(request).await;
    };
    if !allowed.iter().any(|allowed| allowed.as_bytes() == origin.as_bytes()) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let is_preflight =
        request.method() == Method::OPTIONS && request.headers().contains_key(ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if is_preflight { preflight_answer(request.headers()) } else { next.run(request).await };
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
    headers.append(VARY, HeaderValue::from_static("Origin"));
    response
}

/// The answer to a preflight, before the headers every answer to an allowed
/// origin gets: GET, the API's only method, and whatever headers the page asks to send.
fn preflight_answer(request: &HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET"));
    if let Some(requested) = request.get(ACCESS_CONTROL_REQUEST_HEADERS) {
        headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
    }
    headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from(PREFLIGHT_MAX_AGE_SECONDS));
    response
}
