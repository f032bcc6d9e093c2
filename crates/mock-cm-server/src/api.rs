//! The requests endpoint: `GET /requests` with `status` and `targetuser`, and `GET /requests/{id}`;
//! and, on demand, the ways a real CM server fails.

use crate::dataset::{CURRENT_USER, profile_templates};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cm_model::{Request, RequestStatus};
use serde::Deserialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use uuid::Uuid;

/// The requests, each kept with its JSON so that answers are only joined, not re-encoded.
struct Store {
    requests: Vec<(Request, String)>,
    /// Pause between body chunks, as a slow network would make.
    chunk_delay: Duration,
}

/// How much of a body is sent at once when it is paced.
const CHUNK_BYTES: usize = 64 * 1024;

/// How the mock answers API calls: as documented, or failing as real servers do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Answer {
    /// Answer with the requests.
    #[default]
    Normal,
    /// 403 to every call, as for a user without CM permissions.
    Forbidden,
    /// 404 to every call, as while `Clm.WebApi.Enabled` is false.
    NotEnabled,
    /// 500 with a JSON message carrying a correlation ID.
    ServerError,
    /// 200 with an HTML sign-in page, as a proxy or login redirect gives.
    Html,
    /// The requests, with some list elements that are not valid requests.
    BrokenElements,
}

/// How the mock answers `GET .../profiletemplates`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TemplatesAnswer {
    /// The templates the requests refer to.
    #[default]
    Normal,
    /// 204: no templates visible.
    Empty,
    /// 500, as a server whose template store fails.
    Failing,
}

/// The correlation ID of the mock's 500 answers.
pub const CORRELATION_ID: &str = "5d3c5e53-0f31-4ae4-9b1e-1c4e9c7b8a01";

/// Every seventh generated request, when asked for broken elements.
const BROKEN_EVERY: usize = 7;

/// How the mock behaves, beyond its data.
#[derive(Clone, Copy, Debug, Default)]
pub struct Behaviour {
    /// How to answer.
    pub answer: Answer,
    /// How many calls answer as `answer` says before the server recovers and
    /// answers normally; `None` for all of them.
    pub fail_times: Option<usize>,
    /// Wait before answering.
    pub delay: Duration,
    /// Pause between body chunks.
    pub chunk_delay: Duration,
    /// How to answer for profile templates.
    pub templates: TemplatesAnswer,
}

/// The API routes, below the `/CertificateManagement/api/v1.0` prefix.
pub fn router(requests: Vec<Request>, behaviour: Behaviour) -> Router {
    let Behaviour { answer, fail_times, delay, chunk_delay, templates } = behaviour;
    let calls = Arc::new(AtomicUsize::new(0));
    let requests = requests
        .into_iter()
        .enumerate()
        .map(|(position, request)| {
            let broken = answer == Answer::BrokenElements && position > 1 && position % BROKEN_EVERY == 0;
            let json = if broken { broken_json(position) } else { request_json(&request) };
            (request, json)
        })
        .collect();
    Router::new()
        .route("/requests", get(list_requests))
        .route("/requests/{id}", get(one_request))
        .route("/profiletemplates", get(move |state| list_templates(state, templates)))
        .layer(axum::middleware::from_fn(move |request, next| {
            let answer = match fail_times {
                Some(times) if calls.fetch_add(1, Ordering::SeqCst) >= times => Answer::Normal,
                _ => answer,
            };
            fail_as(answer, delay, request, next)
        }))
        .with_state(Arc::new(Store { requests, chunk_delay }))
}

/// Text that a broken server might send in place of a request; it varies so
/// that several kinds of problem appear.
fn broken_json(position: usize) -> String {
    match position / BROKEN_EVERY % 3 {
        0 => r#"{"Uuid":"not-a-guid","RequestType":1,"Status":3}"#.to_owned(),
        1 => r#"{"Uuid":"00000000-0000-0000-0000-000000000000","RequestType":"Enroll","Status":3}"#.to_owned(),
        _ => r#"{"Comment":"<img src=x onerror=alert(1)>"}"#.to_owned(),
    }
}

/// Waits as a slow server would, then answers as `answer` says or lets the call through.
async fn fail_as(
    answer: Answer,
    delay: Duration,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    tokio::time::sleep(delay).await;
    match answer {
        Answer::Normal | Answer::BrokenElements => next.run(request).await,
        Answer::Forbidden => (StatusCode::FORBIDDEN, "Access is denied.").into_response(),
        Answer::NotEnabled => StatusCode::NOT_FOUND.into_response(),
        Answer::ServerError => {
            let message = format!("An error has occurred. Correlation ID: {CORRELATION_ID}");
            let body = serde_json::json!({ "Message": message }).to_string();
            (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body)
                .into_response()
        }
        Answer::Html => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><head><title>Sign in to Contoso</title></head><body><form>...</form></body></html>",
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    targetuser: Option<String>,
}

async fn list_requests(State(store): State<Arc<Store>>, Query(query): Query<ListQuery>) -> Response {
    let status = match query.status.as_deref().map(parse_status).transpose() {
        Ok(status) => status,
        Err(message) => return (StatusCode::BAD_REQUEST, message).into_response(),
    };
    let target = match query.targetuser.as_deref() {
        None => None,
        Some(value) if value.eq_ignore_ascii_case("current") => Some(CURRENT_USER),
        Some(_) => {
            return (StatusCode::BAD_REQUEST, "targetuser supports only the value \"current\"").into_response();
        }
    };
    let matching: Vec<&str> = store
        .requests
        .iter()
        .filter(|(request, _)| status.is_none_or(|s| request.status == s))
        .filter(|(request, _)| target.is_none_or(|t| request.target_user_uuid == Some(t)))
        .map(|(_, json)| json.as_str())
        .collect();
    if matching.is_empty() {
        return StatusCode::NO_CONTENT.into_response();
    }
    store.json_response(list_json(&matching))
}

async fn one_request(State(store): State<Arc<Store>>, Path(id): Path<String>) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return (StatusCode::BAD_REQUEST, "the request id is not a GUID").into_response();
    };
    match store.requests.iter().find(|(request, _)| request.uuid == id) {
        Some((_, json)) => store.json_response(json.clone()),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

async fn list_templates(State(store): State<Arc<Store>>, answer: TemplatesAnswer) -> Response {
    match answer {
        TemplatesAnswer::Normal => {
            store.json_response(serde_json::to_string(&profile_templates()).expect("templates serialise"))
        }
        TemplatesAnswer::Empty => StatusCode::NO_CONTENT.into_response(),
        TemplatesAnswer::Failing => (StatusCode::INTERNAL_SERVER_ERROR, "template store unavailable").into_response(),
    }
}

/// One request as the API writes it.
pub fn request_json(request: &Request) -> String {
    serde_json::to_string(request).expect("a request always serialises")
}

/// A list body, from requests already written by [`request_json`].
pub fn list_json(requests: &[&str]) -> String {
    format!("[{}]", requests.join(","))
}

/// The documented status names, matched as IIS would: without regard to case.
fn parse_status(name: &str) -> Result<RequestStatus, String> {
    RequestStatus::KNOWN
        .iter()
        .copied()
        .find(|status| status.known_name().is_some_and(|known| known.eq_ignore_ascii_case(name)))
        .ok_or_else(|| format!("unknown status \"{name}\""))
}

impl Store {
    /// A JSON answer, sent in paced chunks when a chunk delay is set. The
    /// length is always announced, as IIS does, so that clients can show progress.
    fn json_response(&self, body: String) -> Response {
        let headers = [
            (header::CONTENT_TYPE, "application/json; charset=utf-8".to_owned()),
            (header::CONTENT_LENGTH, body.len().to_string()),
        ];
        if self.chunk_delay.is_zero() {
            return (headers, body).into_response();
        }
        let delay = self.chunk_delay;
        let chunks = futures_util::stream::unfold((body.into_bytes(), 0), move |(body, sent)| async move {
            if sent >= body.len() {
                return None;
            }
            if sent > 0 {
                tokio::time::sleep(delay).await;
            }
            let end = (sent + CHUNK_BYTES).min(body.len());
            let chunk = axum::body::Bytes::copy_from_slice(&body[sent..end]);
            Some((Ok::<_, std::convert::Infallible>(chunk), (body, end)))
        });
        (headers, axum::body::Body::from_stream(chunks)).into_response()
    }
}
