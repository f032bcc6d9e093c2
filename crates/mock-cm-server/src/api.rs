//! The requests endpoint: `GET /requests` with `status` and `targetuser`, and `GET /requests/{id}`;
//! and, on demand, the ways a real CM server fails.
//!
//! Each request is written as JSON once, when the router is made. Answers are
//! streamed in chunks of about [`CHUNK_BYTES`] with their exact length
//! announced, as IIS does: a list of 100,000 requests (about 130 MB) is then
//! never held whole in memory, and clients can show progress.

use crate::dataset::{CURRENT_USER, profile_templates};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cm_model::{Request, RequestStatus};
use futures_util::StreamExt;
use serde::Deserialize;
use std::iter::Peekable;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use uuid::Uuid;

/// The requests, each kept with its JSON so that answers are only joined, not re-encoded.
struct Store {
    requests: Vec<(Request, Bytes)>,
    /// Pause between body chunks, as a slow network would make.
    chunk_delay: Duration,
    /// Drop the connection after this many chunks of a body.
    break_after_chunks: Option<usize>,
}

/// About how much of a body is sent at once: big enough that a long list is
/// not thousands of tiny frames, small enough that no answer is held whole.
pub const CHUNK_BYTES: usize = 64 * 1024;

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
    /// 200 with an empty body, as a server or proxy that lost the answer sends.
    EmptyBody,
    /// The requests, the first generated one with a comment of
    /// [`OVERSIZED_COMMENT_BYTES`], longer than a request element may be.
    OversizedComment,
    /// 302 to an ADFS sign-in page on another host, as CM behind ADFS answers
    /// a call without its session; the host refuses connections, as one out
    /// of the browser's reach does.
    SignInRedirect,
}

/// Where `Answer::SignInRedirect` sends calls: a port that refuses connections.
pub const SIGN_IN_PAGE: &str = "http://127.0.0.1:9/adfs/ls/?wa=wsignin1.0";

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

/// The position of the request given a huge comment, when asked for one: the
/// first after the two documented examples.
pub const OVERSIZED_AT: usize = 2;

/// How long that comment is: a pasted log, say.
pub const OVERSIZED_COMMENT_BYTES: usize = 5_000_000;

/// What that comment is made of, over and over; the search finds it by these words.
pub const OVERSIZED_COMMENT_LINE: &str = "Card reader log: no error. ";

/// How the mock behaves, beyond its data.
#[derive(Clone, Copy, Debug, Default)]
pub struct Behaviour {
    /// How to answer.
    pub answer: Answer,
    /// How many calls answer as `answer` says before the server recovers and
    /// answers normally; `None` for all of them.
    pub fail_times: Option<usize>,
    /// How many calls answer normally before `answer` takes over; `None` for none.
    pub fail_after: Option<usize>,
    /// Wait before answering.
    pub delay: Duration,
    /// Pause between body chunks.
    pub chunk_delay: Duration,
    /// Drop the connection after this many chunks of a body, as a failing
    /// network or a server that crashes mid-answer does.
    pub break_after_chunks: Option<usize>,
    /// How to answer for profile templates.
    pub templates: TemplatesAnswer,
}

/// The API routes, below the `/CertificateManagement/api/v1.0` prefix.
pub fn router(requests: Vec<Request>, behaviour: Behaviour) -> Router {
    let Behaviour { answer, fail_times, fail_after, delay, chunk_delay, break_after_chunks, templates } = behaviour;
    let calls = Arc::new(AtomicUsize::new(0));
    let written = write_elements(&requests, answer);
    let requests = requests.into_iter().zip(written).collect();
    Router::new()
        .route("/requests", get(list_requests))
        .route("/requests/{id}", get(one_request))
        .route("/profiletemplates", get(move |state| list_templates(state, templates)))
        .layer(axum::middleware::from_fn(move |request, next| {
            let call = calls.fetch_add(1, Ordering::SeqCst);
            let failing = fail_times.is_none_or(|times| call < times) && fail_after.is_none_or(|after| call >= after);
            let answer = if failing { answer } else { Answer::Normal };
            fail_as(answer, delay, request, next)
        }))
        .with_state(Arc::new(Store { requests, chunk_delay, break_after_chunks }))
}

/// Each request's JSON as list elements, or broken text in place of some when
/// `answer` asks for broken elements.
///
/// Writing is most of the server's start-up time at 100,000 requests, so the
/// requests are split between the cores; each part is written into one buffer
/// that its elements share.
fn write_elements(requests: &[Request], answer: Answer) -> Vec<Bytes> {
    let threads = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    let part_len = requests.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = requests
            .chunks(part_len)
            .enumerate()
            .map(|(part, requests)| scope.spawn(move || write_part(requests, part * part_len, answer)))
            .collect();
        parts.into_iter().flat_map(|part| part.join().expect("writing JSON does not panic")).collect()
    })
}

/// The elements of `requests`, the first of which is at `first_position` in the list.
fn write_part(requests: &[Request], first_position: usize, answer: Answer) -> Vec<Bytes> {
    let mut buffer = Vec::new();
    let mut ranges = Vec::with_capacity(requests.len());
    for (position, request) in (first_position..).zip(requests) {
        let start = buffer.len();
        if answer == Answer::BrokenElements && position > 1 && position % BROKEN_EVERY == 0 {
            buffer.extend_from_slice(broken_json(position).as_bytes());
        } else if answer == Answer::OversizedComment && position == OVERSIZED_AT {
            write_request_json(&mut buffer, &Request { comment: oversized_comment(), ..request.clone() });
        } else {
            write_request_json(&mut buffer, request);
        }
        ranges.push(start..buffer.len());
    }
    let buffer = Bytes::from(buffer);
    ranges.into_iter().map(|range| buffer.slice(range)).collect()
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

/// [`OVERSIZED_COMMENT_LINE`] again and again, [`OVERSIZED_COMMENT_BYTES`] long.
fn oversized_comment() -> String {
    let lines = OVERSIZED_COMMENT_LINE.repeat(OVERSIZED_COMMENT_BYTES.div_ceil(OVERSIZED_COMMENT_LINE.len()));
    lines[..OVERSIZED_COMMENT_BYTES].to_owned()
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
        Answer::Normal | Answer::BrokenElements | Answer::OversizedComment => next.run(request).await,
        Answer::EmptyBody => ([(header::CONTENT_TYPE, "application/json; charset=utf-8")], "").into_response(),
        Answer::Forbidden => (StatusCode::FORBIDDEN, "Access is denied.").into_response(),
        Answer::NotEnabled => StatusCode::NOT_FOUND.into_response(),
        Answer::ServerError => {
            let message = format!("An error has occurred. Correlation ID: {CORRELATION_ID}");
            let body = serde_json::json!({ "Message": message }).to_string();
            (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body)
                .into_response()
        }
        Answer::SignInRedirect => (StatusCode::FOUND, [(header::LOCATION, SIGN_IN_PAGE)]).into_response(),
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
    let matching: Vec<Bytes> = store
        .requests
        .iter()
        .filter(|(request, _)| status.is_none_or(|s| request.status == s))
        .filter(|(request, _)| target.is_none_or(|t| request.target_user_uuid == Some(t)))
        .map(|(_, json)| json.clone())
        .collect();
    if matching.is_empty() {
        return StatusCode::NO_CONTENT.into_response();
    }
    let length = array_length(&matching);
    store.streamed_json_response(length, ArrayChunks::new(matching).map(Bytes::from))
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
            store.json_response(serde_json::to_vec(&profile_templates()).expect("templates serialise").into())
        }
        TemplatesAnswer::Empty => StatusCode::NO_CONTENT.into_response(),
        TemplatesAnswer::Failing => (StatusCode::INTERNAL_SERVER_ERROR, "template store unavailable").into_response(),
    }
}

/// One request as the API writes it.
pub fn request_json(request: &Request) -> String {
    let mut json = Vec::new();
    write_request_json(&mut json, request);
    String::from_utf8(json).expect("JSON is UTF-8")
}

/// Appends one request, as the API writes it, to `buffer`.
fn write_request_json(buffer: &mut Vec<u8>, request: &Request) {
    serde_json::to_writer(buffer, request).expect("a request always serialises");
}

/// A list body, from requests already written by [`request_json`]: the bytes
/// that `GET /requests` streams.
pub fn list_json(requests: &[&str]) -> String {
    String::from_utf8(ArrayChunks::new(requests).flatten().collect()).expect("JSON is UTF-8")
}

/// The length of the JSON array of `elements`: the brackets, the elements and
/// the commas between them.
fn array_length(elements: &[Bytes]) -> usize {
    let commas = elements.len().saturating_sub(1);
    2 + commas + elements.iter().map(Bytes::len).sum::<usize>()
}

/// A JSON array of elements already written, as chunks of at most [`CHUNK_BYTES`]:
/// `[`, the elements separated by commas, then `]`. An element is never split:
/// one longer than a chunk makes a chunk of its own.
struct ArrayChunks<I: Iterator> {
    elements: Peekable<I>,
    /// Whether the `[` has been written.
    opened: bool,
    /// Whether an element has been written, so that the next one follows a comma.
    any_element: bool,
    /// Whether the `]` has been written: the array is complete.
    closed: bool,
}

impl<I: Iterator<Item: AsRef<[u8]>>> ArrayChunks<I> {
    fn new(elements: impl IntoIterator<IntoIter = I>) -> Self {
        ArrayChunks { elements: elements.into_iter().peekable(), opened: false, any_element: false, closed: false }
    }
}

impl<I: Iterator<Item: AsRef<[u8]>>> Iterator for ArrayChunks<I> {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        if self.closed {
            return None;
        }
        let mut chunk = Vec::with_capacity(CHUNK_BYTES);
        if !self.opened {
            chunk.push(b'[');
            self.opened = true;
        }
        let mut chunk_has_element = false;
        // Room is kept for the comma before an element and the comma or `]` after it.
        let fits = |chunk: &[u8], element: &I::Item| chunk.len() + element.as_ref().len() + 2 <= CHUNK_BYTES;
        while let Some(element) = self.elements.next_if(|element| !chunk_has_element || fits(&chunk, element)) {
            if self.any_element {
                chunk.push(b',');
            }
            chunk.extend_from_slice(element.as_ref());
            self.any_element = true;
            chunk_has_element = true;
        }
        if self.elements.peek().is_none() {
            chunk.push(b']');
            self.closed = true;
        }
        Some(chunk)
    }
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
    /// A JSON answer whose body is already whole, sent in chunks of [`CHUNK_BYTES`].
    fn json_response(&self, body: Bytes) -> Response {
        let length = body.len();
        let chunks =
            (0..length).step_by(CHUNK_BYTES).map(move |start| body.slice(start..length.min(start + CHUNK_BYTES)));
        self.streamed_json_response(length, chunks)
    }

    /// A JSON answer of `length` bytes made of `chunks`, paced when a chunk
    /// delay is set, cut when the connection is to break. The length is always
    /// announced, as IIS does, so that clients can show progress.
    fn streamed_json_response(&self, length: usize, chunks: impl Iterator<Item = Bytes> + Send + 'static) -> Response {
        let headers = [
            (header::CONTENT_TYPE, "application/json; charset=utf-8".to_owned()),
            (header::CONTENT_LENGTH, length.to_string()),
        ];
        let (delay, break_after) = (self.chunk_delay, self.break_after_chunks);
        let paced = futures_util::stream::iter(chunks.enumerate()).then(move |(index, chunk)| async move {
            if index > 0 && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            match break_after {
                Some(chunks) if index >= chunks => Err(std::io::Error::from(std::io::ErrorKind::ConnectionReset)),
                _ => Ok(chunk),
            }
        });
        (headers, Body::from_stream(paced)).into_response()
    }
}
