//! The mock answers the requests endpoint, and the cards, profiles and
//! policies those requests name, as the CM documentation describes.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Method, Request as HttpRequest, StatusCode, header};
use axum::response::Response;
use clap::Parser;
use cm_model::{
    CardCertificate, CardStatus, PROFILE_TEMPLATES_PATH, PROFILES_PATH, Policy, Profile, RequestStatus, RequestType,
    ResponseError, SMARTCARDS_PATH, SmartCard, decode_items, decode_one, decode_operations, decode_response,
};
use http_body_util::BodyExt;
use mock_cm_server::api::{self, Answer, Behaviour, CHUNK_BYTES, CORRELATION_ID};
use mock_cm_server::dataset::{self, CURRENT_USER};
use mock_cm_server::{ServerOptions, router};
use std::time::{Duration, Instant};
use tower::ServiceExt;

async fn get(path: &str) -> (StatusCode, Option<String>, Vec<u8>) {
    get_answered(path, Answer::Normal).await
}

/// The command line of a test server, which `ServerOptions` is a part of.
#[derive(clap::Parser)]
struct Arguments {
    #[command(flatten)]
    options: ServerOptions,
}

/// The options of a server holding 500 generated requests, and as `arguments` say.
fn options(arguments: &[&str]) -> ServerOptions {
    let command_line = ["mock-cm-server", "--requests", "500"].into_iter().chain(arguments.iter().copied());
    Arguments::try_parse_from(command_line).unwrap().options
}

async fn get_answered(path: &str, answer: Answer) -> (StatusCode, Option<String>, Vec<u8>) {
    answer_of(&router(&ServerOptions { answer, ..options(&[]) }), path).await
}

/// The answer of `app` to `GET path`: status, content type and body.
async fn answer_of(app: &Router, path: &str) -> (StatusCode, Option<String>, Vec<u8>) {
    let response = app.clone().oneshot(HttpRequest::get(path).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let content_type = response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned());
    let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, content_type, body)
}

async fn get_requests(path: &str) -> Vec<cm_model::Request> {
    let (status, content_type, body) = get(path).await;
    let decoded = decode_response(status.as_u16(), content_type.as_deref(), &body).unwrap();
    assert!(decoded.end.failures.is_empty());
    decoded.items
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

    let app = router(&options(&["--answer", "sign-in-redirect"]));
    let redirect = app.oneshot(HttpRequest::get(LIST).body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(redirect.status(), StatusCode::FOUND);
    assert_eq!(redirect.headers()[header::LOCATION], api::SIGN_IN_PAGE);

    let decoded = decode(get_answered(LIST, Answer::BrokenElements).await).unwrap();
    assert_eq!(decoded.items.len() + decoded.end.failures.count(), 502);
    assert_eq!(decoded.end.failures.count(), (2..502).filter(|position| position % 7 == 0).count());
    assert!(decoded.end.failures.listed().iter().all(|failure| failure.index % 7 == 0));

    let (status, _, body) = get_answered(LIST, Answer::EmptyBody).await;
    assert_eq!((status, body.len()), (StatusCode::OK, 0));
    assert_eq!(decode((status, None, body)), Err(ResponseError::EmptyBody { status: 200 }));

    let (status, content_type, body) = get_answered(LIST, Answer::OversizedComment).await;
    let written: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap();
    let comment = written[api::OVERSIZED_AT]["Comment"].as_str().unwrap();
    assert_eq!(comment.len(), api::OVERSIZED_COMMENT_BYTES);
    assert!(comment.starts_with(api::OVERSIZED_COMMENT_LINE));
    let decoded = decode((status, content_type, body)).unwrap();
    assert_eq!((decoded.items.len(), decoded.end.failures.count()), (502, 0));
    let shortened = &decoded.items[api::OVERSIZED_AT];
    assert!(comment.starts_with(&shortened.comment) && shortened.comment.len() >= cm_model::KEPT_TEXT_BYTES);
    assert_eq!(decoded.items.iter().filter(|request| !request.field_notes().is_empty()).count(), 1);
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

/// The origin of a viewer served apart from the API.
const VIEWER_ORIGIN: &str = "http://127.0.0.1:8081";

/// The list of requests, as the viewer asks for it.
const LIST: &str = "/CertificateManagement/api/v1.0/requests";

/// The answer of a server started with `arguments` to a `method` call of
/// `path`, with `headers`.
async fn call(arguments: &[&str], method: Method, path: &str, headers: &[(&str, &str)]) -> Response {
    let request = headers
        .iter()
        .fold(HttpRequest::builder().method(method).uri(path), |request, (name, value)| request.header(*name, *value));
    router(&options(arguments)).oneshot(request.body(Body::empty()).unwrap()).await.unwrap()
}

/// The headers of `response` that CORS is about, as `name: value`, sorted.
fn cors_headers(response: &Response) -> Vec<String> {
    let mut headers: Vec<String> = response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("access-control-") || *name == header::VARY)
        .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap()))
        .collect();
    headers.sort();
    headers
}

/// The headers that let a page from [`VIEWER_ORIGIN`] read an answer, sorted.
fn readable_by_viewer() -> Vec<String> {
    vec![
        "access-control-allow-credentials: true".to_owned(),
        format!("access-control-allow-origin: {VIEWER_ORIGIN}"),
        "vary: Origin".to_owned(),
    ]
}

#[tokio::test]
async fn every_answer_to_an_allowed_origin_is_readable_by_it() {
    let allowed = ["--allow-origin", "http://elsewhere.example", "--allow-origin", VIEWER_ORIGIN];
    let from_viewer = [("Origin", VIEWER_ORIGIN)];
    let response = call(&allowed, Method::GET, LIST, &from_viewer).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(cors_headers(&response), readable_by_viewer());
    let length: usize = response.headers()[header::CONTENT_LENGTH].to_str().unwrap().parse().unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body.len(), length, "the streamed list arrives whole");

    let failures = [
        (&["--answer", "forbidden"][..], LIST, StatusCode::FORBIDDEN),
        (&["--answer", "not-enabled"], LIST, StatusCode::NOT_FOUND),
        (&["--answer", "server-error"], LIST, StatusCode::INTERNAL_SERVER_ERROR),
        (&["--answer", "html"], LIST, StatusCode::OK),
        (&["--require-cookie", "viewer=ok"], LIST, StatusCode::UNAUTHORIZED),
        (&[], "/CertificateManagement/api/v1.0/requests?status=Sideways", StatusCode::BAD_REQUEST),
        (&[], "/certificatemanagement/api/v1.0/no-such-endpoint", StatusCode::NOT_FOUND),
    ];
    for (failure, path, status) in failures {
        let arguments = [&allowed[..], failure].concat();
        let response = call(&arguments, Method::GET, path, &from_viewer).await;
        assert_eq!(response.status(), status, "{failure:?} {path}");
        assert_eq!(cors_headers(&response), readable_by_viewer(), "{failure:?} {path}");
    }
}

#[tokio::test]
async fn preflights_from_an_allowed_origin_are_answered_before_sign_in_and_failures() {
    let arguments = ["--allow-origin", VIEWER_ORIGIN, "--require-cookie", "viewer=ok", "--answer", "server-error"];
    let preflight = [("Origin", VIEWER_ORIGIN), ("Access-Control-Request-Method", "GET")];
    let response = call(&arguments, Method::OPTIONS, LIST, &preflight).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let mut expected = readable_by_viewer();
    expected.extend(["access-control-allow-methods: GET".to_owned(), "access-control-max-age: 600".to_owned()]);
    expected.sort();
    assert_eq!(cors_headers(&response), expected);

    let asking_for_headers =
        [&preflight[..], &[("Access-Control-Request-Headers", "x-requested-with,accept")]].concat();
    let response = call(&arguments, Method::OPTIONS, LIST, &asking_for_headers).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    expected.push("access-control-allow-headers: x-requested-with,accept".to_owned());
    expected.sort();
    assert_eq!(cors_headers(&response), expected);
}

#[tokio::test]
async fn unlisted_origins_are_refused_without_cors_headers() {
    let arguments = ["--allow-origin", VIEWER_ORIGIN];
    // Origins are compared as written: a trailing slash makes another origin.
    for origin in ["http://elsewhere.example", "http://127.0.0.1:8081/", "http://127.0.0.1:8082"] {
        let response = call(&arguments, Method::GET, LIST, &[("Origin", origin)]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin}");
        assert_eq!(cors_headers(&response), Vec::<String>::new(), "{origin}");
        let preflight = [("Origin", origin), ("Access-Control-Request-Method", "GET")];
        let response = call(&arguments, Method::OPTIONS, LIST, &preflight).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin}");
        assert_eq!(cors_headers(&response), Vec::<String>::new(), "{origin}");
    }
}

#[tokio::test]
async fn without_an_origin_or_allowed_origins_calls_are_answered_as_same_origin_ones() {
    let response = call(&["--allow-origin", VIEWER_ORIGIN], Method::GET, LIST, &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(cors_headers(&response), Vec::<String>::new());

    let response = call(&[], Method::GET, LIST, &[("Origin", "http://elsewhere.example")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(cors_headers(&response), Vec::<String>::new());
    let preflight = [("Origin", VIEWER_ORIGIN), ("Access-Control-Request-Method", "GET")];
    let response = call(&[], Method::OPTIONS, LIST, &preflight).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "the API answers only GET");
    assert_eq!(cors_headers(&response), Vec::<String>::new());
}

#[tokio::test]
async fn calls_without_the_required_cookie_are_refused_as_iis_refuses_calls_without_credentials() {
    let arguments = ["--require-cookie", "viewer=ok"];
    for cookies in [None, Some("viewer=wrong"), Some("viewer=ok2"), Some("other=1; xviewer=ok"), Some("viewer")] {
        let headers: Vec<_> = cookies.map(|cookies| ("Cookie", cookies)).into_iter().collect();
        let response = call(&arguments, Method::GET, LIST, &headers).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{cookies:?}");
        let offered: Vec<_> = response.headers().get_all(header::WWW_AUTHENTICATE).iter().collect();
        assert_eq!(offered, ["Negotiate"], "{cookies:?}");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/html", "{cookies:?}");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let page = String::from_utf8(body.to_vec()).unwrap();
        assert!(page.contains("401 - Unauthorized: Access is denied due to invalid credentials."), "{page}");
    }

    let response = call(&arguments, Method::GET, LIST, &[("Cookie", "a=1; viewer=ok; b=2")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers().get(header::WWW_AUTHENTICATE), None);
}

#[test]
fn the_required_cookie_is_written_name_equals_value() {
    for written in ["viewer", "=ok", ""] {
        let Err(error) = Arguments::try_parse_from(["mock-cm-server", "--require-cookie", written]) else {
            panic!("{written:?} is not a cookie");
        };
        assert_eq!(error.kind(), clap::error::ErrorKind::ValueValidation, "{written:?}");
        assert!(error.to_string().contains("expected NAME=VALUE"), "{error}");
    }
    assert!(Arguments::try_parse_from(["mock-cm-server", "--require-cookie", "viewer=a=b"]).is_ok());
}

#[tokio::test]
async fn the_app_files_are_behind_neither_cors_nor_sign_in() {
    let app_dir = std::env::temp_dir().join(format!("mock-cm-server-app-{}", std::process::id()));
    std::fs::create_dir_all(&app_dir).unwrap();
    std::fs::write(app_dir.join("index.html"), "<!DOCTYPE html><title>CM Request Viewer</title>").unwrap();
    let arguments =
        ["--app-dir", app_dir.to_str().unwrap(), "--allow-origin", VIEWER_ORIGIN, "--require-cookie", "viewer=ok"];
    for origin in [VIEWER_ORIGIN, "http://elsewhere.example"] {
        for path in ["/", "/index.html"] {
            let response = call(&arguments, Method::GET, path, &[("Origin", origin)]).await;
            assert_eq!(response.status(), StatusCode::OK, "{origin} {path}");
            assert_eq!(cors_headers(&response), Vec::<String>::new(), "{origin} {path}");
        }
    }
    let preflight = [("Origin", VIEWER_ORIGIN), ("Access-Control-Request-Method", "GET")];
    let response = call(&arguments, Method::OPTIONS, "/index.html", &preflight).await;
    assert_ne!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(cors_headers(&response), Vec::<String>::new());
    std::fs::remove_dir_all(&app_dir).unwrap();
}

#[tokio::test]
async fn the_app_files_are_kept_by_browsers_as_the_deployment_samples_keep_them() {
    let app_dir = std::env::temp_dir().join(format!("mock-cm-server-cached-app-{}", std::process::id()));
    std::fs::create_dir_all(app_dir.join("assets")).unwrap();
    std::fs::write(app_dir.join("index.html"), "<!DOCTYPE html><title>CM Request Viewer</title>").unwrap();
    std::fs::write(app_dir.join("config.json"), "{}").unwrap();
    std::fs::write(app_dir.join("assets").join("viewer-0123abcd_bg.wasm"), [0, b'a', b's', b'm']).unwrap();
    let cache_control = |response: &Response| {
        let value = response.headers().get(header::CACHE_CONTROL).map(|value| value.to_str().unwrap().to_owned());
        (response.status(), value.unwrap_or_default())
    };
    let kept = (StatusCode::OK, "public, max-age=31536000, immutable".to_owned());
    let never = |status| (status, "no-store".to_owned());
    for (app_path, prefix) in [(None, ""), (Some("/tools/cm-viewer/"), "/tools/cm-viewer")] {
        let mut arguments = vec!["--app-dir", app_dir.to_str().unwrap()];
        arguments.extend(app_path.map(|path| ["--app-path", path]).into_iter().flatten());
        let answer =
            async |path: &str| cache_control(&call(&arguments, Method::GET, &format!("{prefix}{path}"), &[]).await);
        assert_eq!(answer("/assets/viewer-0123abcd_bg.wasm").await, kept, "{prefix}");
        assert_eq!(answer("/").await, never(StatusCode::OK), "{prefix}");
        assert_eq!(answer("/config.json").await, never(StatusCode::OK), "{prefix}");
        assert_eq!(answer("/assets/gone-4567cdef.js").await, never(StatusCode::NOT_FOUND), "{prefix}");
    }
    let arguments = ["--app-dir", app_dir.to_str().unwrap()];
    let api = call(&arguments, Method::GET, "/CertificateManagement/api/v1.0/requests", &[]).await;
    assert_eq!(api.headers().get(header::CACHE_CONTROL), None, "the API's answers are IIS's business");
    std::fs::remove_dir_all(&app_dir).unwrap();
}

#[tokio::test]
async fn a_server_can_go_down_after_some_calls_and_come_back_after_more() {
    const LIST: &str = "/CertificateManagement/api/v1.0/requests";
    let statuses = |arguments: &'static [&'static str]| async move {
        let app = router(&options(arguments));
        let mut statuses = Vec::new();
        for _ in 0..5 {
            let response = app.clone().oneshot(HttpRequest::get(LIST).body(Body::empty()).unwrap()).await.unwrap();
            statuses.push(response.status().as_u16());
        }
        statuses
    };
    assert_eq!(statuses(&["--answer", "server-error", "--fail-after", "2"]).await, [200, 200, 500, 500, 500]);
    const PASSING: &[&str] = &["--answer", "server-error", "--fail-after", "1", "--fail-times", "3"];
    assert_eq!(statuses(PASSING).await, [200, 500, 500, 200, 200], "fails from the second call to the third");
}

/// A status, content type and body, as the viewer's decoders take them.
type Answered = (StatusCode, Option<String>, Vec<u8>);

fn one<T: cm_model::ResponseItem>((status, content_type, body): Answered) -> Option<T> {
    decode_one(status.as_u16(), content_type.as_deref(), &body).unwrap()
}

/// The requests a server with [`options`] holds, and that server.
async fn requests_and_server(arguments: &[&str]) -> (Vec<cm_model::Request>, Router) {
    (get_requests(LIST).await, router(&options(arguments)))
}

#[tokio::test]
async fn the_cards_and_profiles_a_request_names_have_its_template_and_user() {
    let (requests, app) = requests_and_server(&[]).await;
    let naming = requests.iter().filter(|request| request.new_smartcard_uuid.is_some()).take(50);
    for request in naming {
        for id in [request.new_smartcard_uuid, request.old_smartcard_uuid].into_iter().flatten() {
            let card: SmartCard = one(answer_of(&app, &format!("{SMARTCARDS_PATH}/{id}")).await).unwrap();
            assert_eq!(card.uuid, Some(id));
            assert_eq!(card.profile_template_uuid, request.profile_template_uuid);
            assert_eq!(card.assigned_user_uuid, request.target_user_uuid);
        }
        let profile_id = request.new_profile_uuid.unwrap();
        let profile: Profile = one(answer_of(&app, &format!("{PROFILES_PATH}/{profile_id}")).await).unwrap();
        assert_eq!(
            (profile.profile_template_uuid, profile.assigned_user_uuid),
            (request.profile_template_uuid, request.target_user_uuid)
        );
    }
    for path in [SMARTCARDS_PATH, PROFILES_PATH] {
        let (status, _, body) = answer_of(&app, &format!("{path}/00000000-0000-0000-0000-000000000001")).await;
        assert_eq!((status, body.len()), (StatusCode::NO_CONTENT, 0), "{path}");
        let (status, _, _) = answer_of(&app, &format!("{path}/not-a-guid")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
    }
}

#[tokio::test]
async fn a_completed_enrollments_card_is_active_and_a_waiting_renewals_new_card_is_not_yet() {
    let (requests, app) = requests_and_server(&[]).await;
    let status_of = |id: Option<uuid::Uuid>| {
        let app = app.clone();
        async move {
            let card: SmartCard = one(answer_of(&app, &format!("{SMARTCARDS_PATH}/{}", id.unwrap())).await).unwrap();
            card.status.unwrap()
        }
    };
    let with_new_card = |kind, status| {
        requests.iter().filter(move |r| r.request_type == kind && r.status == status && r.new_smartcard_uuid.is_some())
    };
    let enrollments: Vec<_> = with_new_card(RequestType::Enroll, RequestStatus::Completed).collect();
    assert!(enrollments.len() > 10);
    for request in enrollments {
        assert_eq!(status_of(request.new_smartcard_uuid).await, CardStatus::Active, "{}", request.uuid);
    }
    for request in with_new_card(RequestType::Renew, RequestStatus::Pending) {
        assert_eq!(status_of(request.new_smartcard_uuid).await, CardStatus::New, "{}", request.uuid);
        assert_eq!(status_of(request.old_smartcard_uuid).await, CardStatus::Active, "{}", request.uuid);
    }
}

#[tokio::test]
async fn cards_are_found_by_their_serial_number_in_any_case_with_or_without_braces() {
    let (requests, app) = requests_and_server(&[]).await;
    let lookup = |serial: String| {
        let app = app.clone();
        async move {
            let (status, content_type, body) = answer_of(&app, &format!("{SMARTCARDS_PATH}?cardid={serial}")).await;
            let decoded = decode_items::<SmartCard>(status.as_u16(), content_type.as_deref(), &body).unwrap();
            assert!(status == StatusCode::NO_CONTENT || body.starts_with(b"["), "a list");
            decoded.items
        }
    };
    let ids = requests.iter().filter_map(|request| request.new_smartcard_uuid).take(20);
    for id in ids.chain([mock_cm_server::related::DOCUMENTED_CARD]) {
        let card: SmartCard = one(answer_of(&app, &format!("{SMARTCARDS_PATH}/{id}")).await).unwrap();
        let serial = card.serial_number.clone().unwrap();
        let bare = serial.trim_start_matches('{').trim_end_matches('}');
        for written in [serial.clone(), bare.to_lowercase(), bare.to_uppercase(), format!("{{{bare}}}")] {
            assert_eq!(lookup(written.clone()).await, std::slice::from_ref(&card), "{written}");
        }
    }
    for nothing in ["0123456789ABCDEF", "{d1ef5b8a-3c2e-4f51-9a07-6b2d0c9e4f14}", "not-a-serial"] {
        assert_eq!(lookup(nothing.to_owned()).await, [], "{nothing}");
    }
    let (status, _, _) = answer_of(&app, SMARTCARDS_PATH).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the mock looks cards up by cardid only");
}

#[tokio::test]
async fn certificates_and_operations_decode_with_the_viewers_decoders() {
    let (requests, app) = requests_and_server(&[]).await;
    let holders = requests.iter().filter(|request| request.new_smartcard_uuid.is_some()).take(30).flat_map(|request| {
        [(SMARTCARDS_PATH, request.new_smartcard_uuid.unwrap()), (PROFILES_PATH, request.new_profile_uuid.unwrap())]
    });
    let mut encryption_archived = 0;
    for (path, id) in holders {
        let (status, content_type, body) = answer_of(&app, &format!("{path}/{id}/certificates")).await;
        let certificates = decode_items::<CardCertificate>(status.as_u16(), content_type.as_deref(), &body).unwrap();
        assert!(certificates.end.failures.is_empty());
        assert!((1..=3).contains(&certificates.items.len()), "{path}/{id}");
        for certificate in &certificates.items {
            assert_eq!(certificate.thumbprint.as_ref().map(String::len), Some(40));
            if certificate.template_common_name.as_deref() == Some("CMEncryption") {
                assert_eq!(certificate.archived_on_ca, Some(true));
                encryption_archived += 1;
            }
        }
        let (status, content_type, body) = answer_of(&app, &format!("{path}/{id}/operations")).await;
        let operations = decode_operations(status.as_u16(), content_type.as_deref(), &body).unwrap();
        assert!(operations.iter().all(|word| word.chars().all(|c| c.is_ascii_lowercase())), "{operations:?}");
    }
    assert!(encryption_archived > 0);
    for what in ["certificates", "operations"] {
        let (status, _, _) =
            answer_of(&app, &format!("{SMARTCARDS_PATH}/00000000-0000-0000-0000-000000000001/{what}")).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{what}");
    }
}

#[tokio::test]
async fn policies_decode_and_the_templates_of_waiting_requests_need_approvals() {
    let (requests, app) = requests_and_server(&[]).await;
    let mut templates_needing_approvals = std::collections::HashSet::new();
    let waiting =
        requests.iter().filter(|request| matches!(request.status, RequestStatus::Pending | RequestStatus::Approved));
    for request in waiting {
        let template = request.profile_template_uuid.unwrap();
        let (kind, _) = cm_model::policy_type(request.request_type).unwrap();
        let path = format!("{PROFILE_TEMPLATES_PATH}/{template}/policies/{kind}");
        let policy: Policy = one(answer_of(&app, &path).await).unwrap();
        assert_eq!(policy.enabled, Some(true));
        if policy.approvals_needed.unwrap() > 0 {
            templates_needing_approvals.insert(template);
        }
    }
    assert!(templates_needing_approvals.len() >= 3, "{templates_needing_approvals:?}");

    let template = PROFILE_TEMPLATES_PATH.to_owned() + "/a039b4d0-5ce8-4eff-8651-181c6576fda3";
    let enroll: Policy = one(answer_of(&app, &format!("{template}/policies/ENROLL")).await).unwrap();
    assert_eq!(enroll.approvals_needed, Some(1), "the documented enrollment waits for approval");
    let collected = enroll.policy_data_collection.unwrap();
    assert_eq!(collected[0], serde_json::json!({"Name": "Employee ID", "Required": true}));
    assert!(enroll.other_fields.contains_key("CollectComments"));
    assert!(enroll.authorized_approver.unwrap().starts_with("O:SYG:SYD:(A;;CCRP;;;S-1-5-21-"));
    let (status, _, _) = answer_of(&app, &format!("{template}/policies/sideways")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let unknown = format!("{PROFILE_TEMPLATES_PATH}/00000000-0000-0000-0000-000000000001/policies/enroll");
    assert_eq!(answer_of(&app, &unknown).await.0, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn the_documented_examples_card_profile_and_policies_resolve() {
    let app = router(&options(&[]));
    let card: SmartCard =
        one(answer_of(&app, &format!("{SMARTCARDS_PATH}/17cf063d-e337-4aa9-a822-346554ddd3c9")).await).unwrap();
    assert_eq!(card.serial_number.as_deref(), Some("{d1ef5b8a-3c2e-4f51-9a07-6b2d0c9e4f13}"));
    assert_eq!(card.assigned_user_uuid, Some(CURRENT_USER));
    assert_eq!(card.status, Some(CardStatus::Active), "the documented unblock waits on a card in use");
    let profile: Profile =
        one(answer_of(&app, &format!("{PROFILES_PATH}/b99ff38c-6653-471f-ae3c-325bb351a6bc")).await).unwrap();
    assert_eq!(profile.profile_template_uuid, Some(uuid::uuid!("a039b4d0-5ce8-4eff-8651-181c6576fda3")));
    for kind in mock_cm_server::related::POLICY_TYPES {
        let path = format!("{PROFILE_TEMPLATES_PATH}/a039b4d0-5ce8-4eff-8651-181c6576fda3/policies/{kind}");
        assert!(one::<Policy>(answer_of(&app, &path).await).is_some(), "{kind}");
    }
}

/// A card, its profile, and paths to each endpoint of them, in the server [`options`] makes.
struct RelatedPaths {
    card: String,
    card_by_serial: String,
    card_certificates: String,
    card_operations: String,
    profile: String,
    profile_certificates: String,
    profile_operations: String,
    policy: String,
}

impl RelatedPaths {
    fn of_documented_card() -> RelatedPaths {
        let card = format!("{SMARTCARDS_PATH}/17cf063d-e337-4aa9-a822-346554ddd3c9");
        let profile = format!("{PROFILES_PATH}/b99ff38c-6653-471f-ae3c-325bb351a6bc");
        RelatedPaths {
            card_by_serial: format!("{SMARTCARDS_PATH}?cardid=d1ef5b8a-3c2e-4f51-9a07-6b2d0c9e4f13"),
            card_certificates: format!("{card}/certificates"),
            card_operations: format!("{card}/operations"),
            profile_certificates: format!("{profile}/certificates"),
            profile_operations: format!("{profile}/operations"),
            policy: format!("{PROFILE_TEMPLATES_PATH}/a039b4d0-5ce8-4eff-8651-181c6576fda3/policies/unblock"),
            card,
            profile,
        }
    }

    fn all(&self) -> [&str; 9] {
        [
            &self.card,
            &self.card_by_serial,
            &self.card_certificates,
            &self.card_operations,
            &self.profile,
            &self.profile_certificates,
            &self.profile_operations,
            &self.policy,
            LIST,
        ]
    }
}

/// The arguments that switch related endpoints as `switches` say.
fn switched<'a>(switches: &[&'a str]) -> Vec<&'a str> {
    switches.iter().flat_map(|switch| ["--related-answer", switch]).collect()
}

#[tokio::test]
async fn each_related_switch_answers_as_named_on_its_endpoints_only() {
    let paths = RelatedPaths::of_documented_card();
    let cases: [(&[&str], &[&str], StatusCode); 6] = [
        (
            &["smartcards=forbidden"],
            &[&paths.card, &paths.card_by_serial, &paths.card_certificates, &paths.card_operations],
            StatusCode::FORBIDDEN,
        ),
        (
            &["profiles=not-found"],
            &[&paths.profile, &paths.profile_certificates, &paths.profile_operations],
            StatusCode::NOT_FOUND,
        ),
        (
            &["certificates=server-error"],
            &[&paths.card_certificates, &paths.profile_certificates],
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
        (&["operations=forbidden"], &[&paths.card_operations, &paths.profile_operations], StatusCode::FORBIDDEN),
        (&["policies=not-found"], &[&paths.policy], StatusCode::NOT_FOUND),
        // The most specific switch wins, whatever the order they are given in.
        (
            &["certificates=not-found", "smartcards=forbidden"],
            &[&paths.card_certificates, &paths.profile_certificates],
            StatusCode::NOT_FOUND,
        ),
    ];
    for (switches, failing, status) in cases {
        let app = router(&options(&switched(switches)));
        for path in paths.all() {
            let answered = answer_of(&app, path).await.0;
            let expected = if failing.contains(&path) {
                status
            } else if switches.contains(&"smartcards=forbidden") && path.starts_with(SMARTCARDS_PATH) {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            };
            assert_eq!(answered, expected, "{switches:?} {path}");
        }
    }

    let app = router(&options(&switched(&["smartcards=server-error", "profiles=html"])));
    let (status, content_type, body) = answer_of(&app, &paths.card).await;
    let Err(ResponseError::ServerError { status: 500, correlation_id, .. }) =
        decode_one::<SmartCard>(status.as_u16(), content_type.as_deref(), &body)
    else {
        panic!("expected a server error");
    };
    assert_eq!(correlation_id.as_deref(), Some(CORRELATION_ID));
    let (status, content_type, body) = answer_of(&app, &paths.profile).await;
    assert_eq!((status, content_type.as_deref()), (StatusCode::OK, Some("text/html; charset=utf-8")));
    assert!(matches!(
        decode_one::<Profile>(status.as_u16(), content_type.as_deref(), &body),
        Err(ResponseError::NotJson { .. })
    ));
}

#[tokio::test]
async fn slow_related_calls_wait_and_the_rest_do_not() {
    let paths = RelatedPaths::of_documented_card();
    let app = router(&options(&["--related-answer", "policies=slow", "--related-delay-ms", "200"]));
    let timed = |path: String| {
        let app = app.clone();
        async move {
            let started = Instant::now();
            let (status, _, _) = answer_of(&app, &path).await;
            (status, started.elapsed())
        }
    };
    let (status, took) = timed(paths.policy.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(took >= api::SLOW_RELATED + Duration::from_millis(200), "{took:?}");
    let (status, took) = timed(paths.card.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!((Duration::from_millis(200)..api::SLOW_RELATED).contains(&took), "{took:?}");
    let (_, took) = timed(LIST.to_owned()).await;
    assert!(took < Duration::from_millis(200), "the requests are not delayed: {took:?}");
}

#[test]
fn a_related_switch_is_written_endpoint_equals_answer() {
    for written in ["smartcards", "cards=forbidden", "smartcards=maybe", "=forbidden"] {
        let Err(error) = Arguments::try_parse_from(["mock-cm-server", "--related-answer", written]) else {
            panic!("{written:?} is not a switch");
        };
        assert_eq!(error.kind(), clap::error::ErrorKind::ValueValidation, "{written:?}");
    }
    let Err(error) = Arguments::try_parse_from(["mock-cm-server", "--related-answer", "cards=forbidden"]) else {
        unreachable!()
    };
    assert!(error.to_string().contains("smartcards, profiles, certificates, operations, policies"), "{error}");
}

#[tokio::test]
async fn card_secrets_answer_with_the_marker_and_every_call_is_counted() {
    const API: &str = "/certificatemanagement/api/v1.0";
    const GUID: &str = "17cf063d-e337-4aa9-a822-346554ddd3c9";
    let secrets = [
        format!("{API}/smartcards/{GUID}/serverproposedpin"),
        format!("{API}/requests/{GUID}/smartcards/{GUID}/diversifiedkey"),
        format!("{API}/requests/{GUID}/smartcards/{GUID}/authenticationresponse"),
        format!("{API}/profiletemplates/{GUID}/configuration/smartcards"),
    ];
    let count = |app: Router| async move {
        let (status, _, body) = answer_of(&app, mock_cm_server::secrets::SECRET_CALLS_PATH).await;
        assert_eq!(status, StatusCode::OK);
        String::from_utf8(body).unwrap().parse::<usize>().unwrap()
    };
    let app = router(&options(&[]));
    assert_eq!(count(app.clone()).await, 0);
    for (calls, path) in secrets.iter().enumerate() {
        let (status, content_type, body) = answer_of(&app, path).await;
        assert_eq!((status, content_type.as_deref()), (StatusCode::OK, Some("application/json; charset=utf-8")));
        assert!(String::from_utf8(body).unwrap().contains(mock_cm_server::secrets::SECRET_MARKER), "{path}");
        assert_eq!(count(app.clone()).await, calls + 1, "{path}");
    }
    answer_of(&app, &RelatedPaths::of_documented_card().card).await;
    assert_eq!(count(app.clone()).await, secrets.len(), "other calls are not counted");

    // Counted even when refused before the API answers, and read without signing in.
    let app = router(&options(&["--require-cookie", "viewer=ok", "--answer", "forbidden"]));
    for path in &secrets {
        assert_eq!(answer_of(&app, path).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(count(app).await, secrets.len());
}
