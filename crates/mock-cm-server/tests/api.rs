//! The mock answers the requests endpoint as the CM documentation describes.

use axum::body::{Body, Bytes};
use axum::http::{Request as HttpRequest, StatusCode, header};
use cm_model::{RequestStatus, ResponseError, decode_response};
use http_body_util::BodyExt;
use mock_cm_server::api::{self, Answer, Behaviour, CHUNK_BYTES, CORRELATION_ID, TemplatesAnswer};
use mock_cm_server::dataset::{self, CURRENT_USER};
use mock_cm_server::{ServerOptions, router};
use std::time::{Duration, Instant};
use tower::ServiceExt;

async fn get(path: &str) -> (StatusCode, Option<String>, Vec<u8>) {
    get_answered(path, Answer::Normal).await
}

async fn get_answered(path: &str, answer: Answer) -> (StatusCode, Option<String>, Vec<u8>) {
    let options = ServerOptions {
        generated_requests: 500,
        seed: 1,
        app_dir: None,
        app_path: "/".into(),
        response_delay_ms: 0,
        answer,
        fail_times: None,
        body_chunk_delay_ms: 0,
        break_after_chunks: None,
        profile_templates: TemplatesAnswer::Normal,
    };
    let app = router(&options);
    let response = app.oneshot(HttpRequest::get(path).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let content_type = response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned());
    let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, content_type, body)
}

async fn get_requests(path: &str) -> Vec<cm_model::Request> {
    let (status, content_type, body) = get(path).await;
    let decoded = decode_response(status.as_u16(), content_type.as_deref(), &body).unwrap();
    assert!(decoded.failures.is_empty());
    decoded.requests
}

#[tokio::test]
async fn the_list_is_a_json_array_of_every_request() {
    let (status, content_type, body) = get("/CertificateManagement/api/v1.0/requests").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.unwrap().starts_with("application/json"));
    assert!(body.starts_with(b"["));
    assert_eq!(get_requests("/CertificateManagement/api/v1.0/requests").await.len(), 502);
}

#[tokio::test]
async fn status_filter_returns_only_that_status() {
    let pending = get_requests("/CertificateManagement/api/v1.0/requests?status=Pending").await;
    assert!(!pending.is_empty());
    assert!(pending.iter().all(|r| r.status == RequestStatus::Pending));
    let (status, _, _) = get("/CertificateManagement/api/v1.0/requests?status=Sideways").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn current_target_user_returns_only_their_requests() {
    let mine = get_requests("/CertificateManagement/api/v1.0/requests?targetuser=current").await;
    assert!(mine.len() >= 2, "both examples and some generated requests");
    assert!(mine.iter().all(|r| r.target_user_uuid == Some(CURRENT_USER)));
}

#[tokio::test]
async fn no_match_is_204_with_no_body() {
    let (status, _, body) = get("/CertificateManagement/api/v1.0/requests?status=None&targetuser=current").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(body.is_empty());
}

#[tokio::test]
async fn one_request_by_id_is_an_object_and_the_path_ignores_case() {
    let (status, _, body) = get("/certificatemanagement/api/v1.0/requests/a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with(b"{"));
    let text = String::from_utf8(body).unwrap();
    let served: serde_json::Value = serde_json::from_str(&text).unwrap();
    let documented: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/seed-enroll.json")).unwrap();
    assert_eq!(served, documented, "the documented example is served exactly");

    let (status, _, _) = get("/CertificateManagement/api/v1.0/requests/00000000-0000-0000-0000-000000000001").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = get("/CertificateManagement/api/v1.0/requests/not-a-guid").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn failure_switches_answer_as_failing_servers_do() {
    const LIST: &str = "/CertificateManagement/api/v1.0/requests";
    let decode = |(status, content_type, body): (StatusCode, Option<String>, Vec<u8>)| {
        decode_response(status.as_u16(), content_type.as_deref(), &body)
    };
    assert_eq!(decode(get_answered(LIST, Answer::Forbidden).await), Err(ResponseError::Forbidden));
    assert_eq!(decode(get_answered(LIST, Answer::NotEnabled).await), Err(ResponseError::ApiNotEnabled));
    let Err(ResponseError::ServerError { status: 500, correlation_id, .. }) =
        decode(get_answered(LIST, Answer::ServerError).await)
    else {
        panic!("expected a server error");
    };
    assert_eq!(correlation_id.as_deref(), Some(CORRELATION_ID));
    let Err(ResponseError::NotJson { received }) = decode(get_answered(LIST, Answer::Html).await) else {
        panic!("expected HTML");
    };
    assert_eq!(received, "an HTML page titled \u{201c}Sign in to Contoso\u{201d}");

    let decoded = decode(get_answered(LIST, Answer::BrokenElements).await).unwrap();
    assert_eq!(decoded.requests.len() + decoded.failures.len(), 502);
    assert_eq!(decoded.failures.len(), (2..502).filter(|position| position % 7 == 0).count());
    assert!(decoded.failures.iter().all(|failure| failure.index % 7 == 0));
}

#[tokio::test]
async fn profile_templates_name_every_template_requests_use() {
    let (status, content_type, body) = get("/CertificateManagement/api/v1.0/profiletemplates").await;
    let templates = cm_model::decode_profile_templates(status.as_u16(), content_type.as_deref(), &body).unwrap();
    let requests = get_requests("/CertificateManagement/api/v1.0/requests").await;
    for request in &requests {
        let template = request.profile_template_uuid.expect("every mock request has a template");
        assert!(templates.iter().any(|known| known.uuid == template));
    }
    assert_eq!(templates[0].name, "Smart Card User");
}

/// A pause between body chunks, short enough for tests.
const PAUSE: Duration = Duration::from_millis(5);

/// The answer to `path` of an API holding `requests` and pausing `chunk_delay`
/// between body chunks: status, announced length, body frames, and how long
/// the body took.
async fn get_streamed(
    requests: Vec<cm_model::Request>,
    chunk_delay: Duration,
    path: &str,
) -> (StatusCode, Option<usize>, Vec<Bytes>, Duration) {
    let app = api::router(requests, Behaviour { chunk_delay, ..Behaviour::default() });
    let response = app.oneshot(HttpRequest::get(path).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let length = response.headers().get(header::CONTENT_LENGTH).map(|v| v.to_str().unwrap().parse().unwrap());
    let started = Instant::now();
    let mut body = response.into_body();
    let mut frames = Vec::new();
    while let Some(frame) = body.frame().await {
        frames.extend(frame.unwrap().into_data().ok());
    }
    (status, length, frames, started.elapsed())
}

/// `count` generated requests, one of which has a comment longer than a chunk.
fn requests_with_a_long_one(count: usize) -> Vec<cm_model::Request> {
    let mut requests = dataset::build(count.saturating_sub(2), 5);
    requests.truncate(count);
    if let Some(request) = requests.get_mut(count / 2) {
        request.comment = "long ".repeat(CHUNK_BYTES / 4);
    }
    requests
}

#[tokio::test]
async fn lists_stream_as_the_whole_array_with_its_length_announced() {
    for count in [1, 2, 1500] {
        for chunk_delay in [Duration::ZERO, PAUSE] {
            let requests = requests_with_a_long_one(count);
            let (status, length, frames, took) = get_streamed(requests.clone(), chunk_delay, "/requests").await;
            assert_eq!(status, StatusCode::OK);
            let body = frames.concat();
            assert_eq!(body, serde_json::to_vec(&requests).unwrap(), "{count} requests, {chunk_delay:?}");
            assert_eq!(length, Some(body.len()));
            let written: Vec<String> = requests.iter().map(api::request_json).collect();
            assert_eq!(body, api::list_json(&written.iter().map(String::as_str).collect::<Vec<_>>()).as_bytes());

            let long_element = |frame: &Bytes| frame.windows(10).any(|text| text == b"long long ");
            assert!(frames.iter().filter(|frame| !long_element(frame)).all(|frame| frame.len() <= CHUNK_BYTES));
            if count == 1500 {
                assert!(body.len() / frames.len() > CHUNK_BYTES / 2, "{} frames: too many tiny ones", frames.len());
            }
            assert!(took >= chunk_delay * (frames.len() as u32 - 1), "{took:?} for {} frames", frames.len());
        }
    }
}

#[tokio::test]
async fn an_empty_list_is_204_however_it_is_paced() {
    for chunk_delay in [Duration::ZERO, PAUSE] {
        let (status, _, frames, _) = get_streamed(Vec::new(), chunk_delay, "/requests").await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert!(frames.concat().is_empty());
    }
}

#[tokio::test]
async fn one_request_streams_whole_with_its_length_announced() {
    let requests = requests_with_a_long_one(3);
    let path = format!("/requests/{}", requests[1].uuid);
    for chunk_delay in [Duration::ZERO, PAUSE] {
        let (status, length, frames, _) = get_streamed(requests.clone(), chunk_delay, &path).await;
        assert_eq!(status, StatusCode::OK);
        let body = frames.concat();
        assert_eq!(body, api::request_json(&requests[1]).as_bytes());
        assert_eq!(length, Some(body.len()));
        assert!(frames.len() > 1, "a body longer than a chunk is sent in chunks");
    }
}
