//! The requests endpoint: `GET /requests` with `status` and `targetuser`, and `GET /requests/{id}`.

use crate::dataset::CURRENT_USER;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cm_model::{Request, RequestStatus};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The requests, each kept with its JSON so that answers are only joined, not re-encoded.
struct Store {
    requests: Vec<(Request, String)>,
    delay: Duration,
}

/// The API routes, below the `/CertificateManagement/api/v1.0` prefix.
pub fn router(requests: Vec<Request>, delay: Duration) -> Router {
    let requests = requests
        .into_iter()
        .map(|request| {
            let json = request_json(&request);
            (request, json)
        })
        .collect();
    Router::new()
        .route("/requests", get(list_requests))
        .route("/requests/{id}", get(one_request))
        .with_state(Arc::new(Store { requests, delay }))
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    targetuser: Option<String>,
}

async fn list_requests(State(store): State<Arc<Store>>, Query(query): Query<ListQuery>) -> Response {
    tokio::time::sleep(store.delay).await;
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
    json_response(list_json(&matching))
}

async fn one_request(State(store): State<Arc<Store>>, Path(id): Path<String>) -> Response {
    tokio::time::sleep(store.delay).await;
    let Ok(id) = Uuid::parse_str(&id) else {
        return (StatusCode::BAD_REQUEST, "the request id is not a GUID").into_response();
    };
    match store.requests.iter().find(|(request, _)| request.uuid == id) {
        Some((_, json)) => json_response(json.clone()),
        None => StatusCode::NO_CONTENT.into_response(),
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

fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
}
