//! The requests endpoint: `GET /requests` with `status` and `targetuser`, and `GET /requests/{id}`;
//! the profile templates, the smart cards and profiles requests name (with their certificates and
//! operations) and the templates' policies; the card secrets as traps ([`secrets`]);
//! and, on demand, the ways a real CM server fails, for all calls or for one kind of call.
//!
//! Each request is written as JSON once, when the router is made. Answers are
//! streamed in chunks of about [`CHUNK_BYTES`] with their exact length
//! announced, as IIS does: a list of 100,000 requests (about 130 MB) is then
//! never held whole in memory, and clients can show progress.

use crate::dataset::{CURRENT_USER, profile_templates};
use crate::related::{Holder, PolicyType, Related, policy};
use crate::secrets;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cm_model::{Request, RequestStatus};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::iter::Peekable;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use uuid::Uuid;

/// The requests, each kept with its JSON so that answers are only joined, not re-encoded, and
/// the index of the cards and profiles they name.
struct Store {
    requests: Vec<Request>,
    /// The JSON of each of `requests`, in their order.
    written: Vec<Bytes>,
    related: Related,
    /// Pause between body chunks, as a slow network would make.
    chunk_delay: Duration,
    /// Drop the connection after this many chunks of a body.
    break_after_chunks: Option<usize>,
}

/// The content type of every JSON answer, as CM's Web API writes it.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

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
    /// How to answer for cards, profiles and policies, beyond `answer`.
    pub related: RelatedBehaviour,
}

/// A kind of call about what requests name, which can be made to fail on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RelatedEndpoint {
    /// Everything under `/smartcards`, the lookup by `cardid` included.
    Smartcards,
    /// Everything under `/profiles`.
    Profiles,
    /// The certificates of cards and profiles.
    Certificates,
    /// The operations of cards and profiles.
    Operations,
    /// `/profiletemplates/{id}/policies/{type}`.
    Policies,
}

/// How many kinds of [`RelatedEndpoint`] there are: one past the last.
const RELATED_ENDPOINTS: usize = RelatedEndpoint::Policies as usize + 1;

/// How one kind of call about what requests name answers when switched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RelatedAnswer {
    /// 403, as for a user allowed to read requests but not cards.
    Forbidden,
    /// 404 without a body.
    NotFound,
    /// 500 with a JSON message carrying a correlation ID, as `--answer server-error`.
    ServerError,
    /// 200 with an HTML sign-in page, as `--answer html`.
    Html,
    /// Normally, after [`SLOW_RELATED`].
    Slow,
}

/// How long a call switched to [`RelatedAnswer::Slow`] waits before it is answered.
pub const SLOW_RELATED: Duration = Duration::from_millis(1500);

impl RelatedAnswer {
    /// The answer for all calls that fails in the same way, if this one fails.
    fn failure(self) -> Option<Answer> {
        match self {
            RelatedAnswer::Forbidden => Some(Answer::Forbidden),
            RelatedAnswer::NotFound => Some(Answer::NotEnabled),
            RelatedAnswer::ServerError => Some(Answer::ServerError),
            RelatedAnswer::Html => Some(Answer::Html),
            RelatedAnswer::Slow => None,
        }
    }
}

/// `ENDPOINT=ANSWER`: how one kind of call about what requests name answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelatedSwitch {
    pub endpoint: RelatedEndpoint,
    pub answer: RelatedAnswer,
}

impl FromStr for RelatedSwitch {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let Some((endpoint, answer)) = text.split_once('=') else {
            return Err(format!("expected ENDPOINT=ANSWER, such as smartcards=forbidden, not \"{text}\""));
        };
        Ok(RelatedSwitch { endpoint: choice(endpoint, "endpoint")?, answer: choice(answer, "answer")? })
    }
}

/// The value of `T` written `text`, or a message naming the values there are.
fn choice<T: clap::ValueEnum>(text: &str, what: &str) -> Result<T, String> {
    T::from_str(text, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|value| Some(value.to_possible_value()?.get_name().to_owned()))
            .collect();
        format!("no {what} \"{text}\": one of {}", names.join(", "))
    })
}

/// How calls about cards, profiles and policies answer, beyond the answer for all calls.
#[derive(Clone, Copy, Debug, Default)]
pub struct RelatedBehaviour {
    /// The switched answer of each [`RelatedEndpoint`], by its place in the enum.
    answers: [Option<RelatedAnswer>; RELATED_ENDPOINTS],
    /// Wait before answering any of them.
    delay: Duration,
}

impl RelatedBehaviour {
    /// Calls answering as `switches` say (the last for an endpoint counts), after `delay`.
    pub fn new(switches: &[RelatedSwitch], delay: Duration) -> RelatedBehaviour {
        let mut answers = [None; RELATED_ENDPOINTS];
        for switch in switches {
            answers[switch.endpoint as usize] = Some(switch.answer);
        }
        RelatedBehaviour { answers, delay }
    }

    /// The answer of the first of `endpoints`, from the most specific, that is switched.
    fn answer_for(&self, endpoints: &[RelatedEndpoint]) -> Option<RelatedAnswer> {
        endpoints.iter().find_map(|endpoint| self.answers[*endpoint as usize])
    }
}

/// The API routes, below the `/CertificateManagement/api/v1.0` prefix.
pub fn router(requests: Vec<Request>, behaviour: Behaviour) -> Router {
    let Behaviour { answer, fail_times, fail_after, delay, chunk_delay, break_after_chunks, templates, related } =
        behaviour;
    let calls = Arc::new(AtomicUsize::new(0));
    // The index is made beside the JSON, which keeps every core busy for longer.
    let (written, related_index) = std::thread::scope(|scope| {
        let index = scope.spawn(|| Related::new(&requests));
        (write_elements(&requests, answer), index.join().expect("indexing does not panic"))
    });
    // Each route about what requests name answers as the switch of its most specific endpoint.
    let switched = |endpoints: &'static [RelatedEndpoint]| {
        axum::middleware::from_fn(move |request, next| answer_related(related, endpoints, request, next))
    };
    use RelatedEndpoint::{Certificates, Operations, Policies, Profiles, Smartcards};
    Router::new()
        .route("/requests", get(list_requests))
        .route("/requests/{id}", get(one_request))
        .route("/profiletemplates", get(move |state| list_templates(state, templates)))
        .route("/profiletemplates/{id}/policies/{type}", get(template_policy).layer(switched(&[Policies])))
        .route("/smartcards", get(smart_card_with_serial).layer(switched(&[Smartcards])))
        .route("/smartcards/{id}", get(smart_card).layer(switched(&[Smartcards])))
        .route(
            "/smartcards/{id}/certificates",
            get(|state, id| certificates(state, Holder::SmartCard, id)).layer(switched(&[Certificates, Smartcards])),
        )
        .route(
            "/smartcards/{id}/operations",
            get(|state, id| operations(state, Holder::SmartCard, id)).layer(switched(&[Operations, Smartcards])),
        )
        .route("/profiles/{id}", get(profile).layer(switched(&[Profiles])))
        .route(
            "/profiles/{id}/certificates",
            get(|state, id| certificates(state, Holder::Profile, id)).layer(switched(&[Certificates, Profiles])),
        )
        .route(
            "/profiles/{id}/operations",
            get(|state, id| operations(state, Holder::Profile, id)).layer(switched(&[Operations, Profiles])),
        )
        .merge(secrets::traps())
        .layer(axum::middleware::from_fn(move |request, next| {
            let call = calls.fetch_add(1, Ordering::SeqCst);
            let failing = fail_times.is_none_or(|times| call < times) && fail_after.is_none_or(|after| call >= after);
            let answer = if failing { answer } else { Answer::Normal };
            fail_as(answer, delay, request, next)
        }))
        .with_state(Arc::new(Store { requests, written, related: related_index, chunk_delay, break_after_chunks }))
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
    match failing(answer) {
        Some(failure) => failure,
        None => next.run(request).await,
    }
}

/// Waits [`RelatedBehaviour::delay`], then answers a call about what requests
/// name as the switch of the first of `endpoints` that has one says, or lets it through.
async fn answer_related(
    related: RelatedBehaviour,
    endpoints: &'static [RelatedEndpoint],
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    tokio::time::sleep(related.delay).await;
    let switched = related.answer_for(endpoints);
    if switched == Some(RelatedAnswer::Slow) {
        tokio::time::sleep(SLOW_RELATED).await;
    }
    match switched.and_then(RelatedAnswer::failure).and_then(failing) {
        Some(failure) => failure,
        None => next.run(request).await,
    }
}

/// The answer of a server failing as `answer` says; `None` when `answer` lets calls through.
fn failing(answer: Answer) -> Option<Response> {
    Some(match answer {
        Answer::Normal | Answer::BrokenElements | Answer::OversizedComment => return None,
        Answer::EmptyBody => ([(header::CONTENT_TYPE, JSON_CONTENT_TYPE)], "").into_response(),
        Answer::Forbidden => (StatusCode::FORBIDDEN, "Access is denied.").into_response(),
        Answer::NotEnabled => StatusCode::NOT_FOUND.into_response(),
        Answer::ServerError => {
            let message = format!("An error has occurred. Correlation ID: {CORRELATION_ID}");
            let body = serde_json::json!({ "Message": message }).to_string();
            (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, JSON_CONTENT_TYPE)], body).into_response()
        }
        Answer::SignInRedirect => (StatusCode::FOUND, [(header::LOCATION, SIGN_IN_PAGE)]).into_response(),
        Answer::Html => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><head><title>Sign in to Contoso</title></head><body><form>...</form></body></html>",
        )
            .into_response(),
    })
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
        .zip(&store.written)
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
    with_guid(&id, "request", |id| match store.requests.iter().position(|request| request.uuid == id) {
        Some(position) => store.json_response(store.written[position].clone()),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// The answer for the GUID `text` of a path, or the 400 that refuses a path
/// naming the `what` by something else.
fn with_guid(text: &str, what: &str, answer: impl FnOnce(Uuid) -> Response) -> Response {
    match Uuid::parse_str(text) {
        Ok(id) => answer(id),
        Err(_) => (StatusCode::BAD_REQUEST, format!("the {what} id is not a GUID")).into_response(),
    }
}

async fn smart_card(State(store): State<Arc<Store>>, Path(id): Path<String>) -> Response {
    with_guid(&id, "smart card", |id| store.json_or_no_content(store.related.smart_card(&store.requests, id)))
}

#[derive(Deserialize)]
struct CardQuery {
    cardid: Option<String>,
}

/// `GET /smartcards?cardid=X`: the cards whose serial number is X, as a list.
async fn smart_card_with_serial(State(store): State<Arc<Store>>, Query(query): Query<CardQuery>) -> Response {
    let Some(serial) = query.cardid else {
        return (StatusCode::BAD_REQUEST, "the mock lists smart cards only by cardid").into_response();
    };
    let found = store.related.smart_card_with_serial(&store.requests, &serial);
    store.json_or_no_content(found.map(|card| [card]))
}

async fn profile(State(store): State<Arc<Store>>, Path(id): Path<String>) -> Response {
    with_guid(&id, "profile", |id| store.json_or_no_content(store.related.profile(&store.requests, id)))
}

async fn certificates(State(store): State<Arc<Store>>, holder: Holder, Path(id): Path<String>) -> Response {
    with_guid(&id, "smart card or profile", |id| {
        store.json_or_no_content(store.related.certificates(&store.requests, holder, id))
    })
}

async fn operations(State(store): State<Arc<Store>>, holder: Holder, Path(id): Path<String>) -> Response {
    with_guid(&id, "smart card or profile", |id| {
        store.json_or_no_content(store.related.operations(&store.requests, holder, id))
    })
}

async fn template_policy(State(store): State<Arc<Store>>, Path((id, kind)): Path<(String, String)>) -> Response {
    with_guid(&id, "profile template", |template| match PolicyType::named(&kind) {
        Some(kind) => store.json_or_no_content(policy(template, kind)),
        None => (StatusCode::BAD_REQUEST, format!("unknown policy type \"{kind}\"")).into_response(),
    })
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
    /// `value` as JSON, or 204 when there is none, as the API answers for an unknown id.
    fn json_or_no_content(&self, value: Option<impl Serialize>) -> Response {
        match value {
            Some(value) => self.json_response(serde_json::to_vec(&value).expect("mock objects serialise").into()),
            None => StatusCode::NO_CONTENT.into_response(),
        }
    }

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
        let headers =
            [(header::CONTENT_TYPE, JSON_CONTENT_TYPE.to_owned()), (header::CONTENT_LENGTH, length.to_string())];
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
