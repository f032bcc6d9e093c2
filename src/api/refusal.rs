//! A call the browser refused, told apart by what the refusal leaves behind.

use super::download::InFlight;
use super::error::LoadError;
use crate::settings::page_origin;
use gloo_net::http::Request;
use viewer_core::config::origin_of;
use viewer_core::query::ServerQuery;
use web_sys::{RequestCredentials, RequestMode, RequestRedirect, ResponseType};

/// `result`, with a call the browser refused told apart by what the refusal
/// leaves behind: a Content-Security-Policy violation; a redirect (to a
/// sign-in page) that the call could not follow; or, for another origin, a
/// server that answers when its answer need not be read, which is what CORS
/// refuses. Only for calls whose failure the page shows: it costs probes.
pub(super) async fn explained<T>(result: Result<T, LoadError>, timeout_seconds: u32) -> Result<T, LoadError> {
    match result {
        Err(error) => Err(refusal_explained(error, timeout_seconds).await),
        answered => answered,
    }
}

async fn refusal_explained(error: LoadError, timeout_seconds: u32) -> LoadError {
    let LoadError::Network { host, .. } = &error else { return error };
    let url = ServerQuery::matching_nothing().url(host);
    // A redirect is reported instead of followed: first, as the policy reports a
    // redirect it blocks under the address first asked. (Across origins this
    // needs the redirect to carry CORS headers, as the IIS CORS module adds them.)
    if probe(&url, RequestMode::Cors, RequestRedirect::Manual, timeout_seconds).await
        == Some(ResponseType::Opaqueredirect)
    {
        return LoadError::Redirected { host: host.clone() };
    }
    // Violation events are queued as tasks: a refusal may come before its event.
    crate::timing::yield_to_browser().await;
    if crate::policy_violations::blocked(host) {
        return LoadError::BlockedByPolicy { host: host.clone() };
    }
    let page_origin = page_origin();
    if origin_of(host).eq_ignore_ascii_case(&page_origin) {
        return error;
    }
    // An answer that need not be read comes through where CORS withholds a readable one.
    match probe(&url, RequestMode::NoCors, RequestRedirect::Follow, timeout_seconds).await {
        Some(_) => LoadError::CorsRefused { host: host.clone(), page_origin },
        None => error,
    }
}

/// The type of the answer to a GET of `url` with the user's credentials, or
/// `None` when there is none within the timeout.
async fn probe(url: &str, mode: RequestMode, redirect: RequestRedirect, timeout_seconds: u32) -> Option<ResponseType> {
    let call = InFlight::start(timeout_seconds).ok()?;
    let request = Request::get(url)
        .mode(mode)
        .redirect(redirect)
        .credentials(RequestCredentials::Include)
        .abort_signal(Some(&call.controller.signal()));
    request.send().await.ok().map(|answer| answer.type_())
}
