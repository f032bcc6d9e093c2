//! Turning an HTTP response of the requests endpoint into requests.
//!
//! The list endpoint answers a JSON array, `/{id}` one object, 204 an empty
//! body. Anything else (an HTML sign-in page, a proxy error, a broken element)
//! becomes an error worded for the person in front of the page. One broken
//! element of an array never costs the elements that did decode.

use crate::{FieldNote, ProfileTemplate, Request, SharedTexts, ShortenedText};
use cm_request::{hex_digit, read_documented, read_leading_documented};
use serde::de::DeserializeOwned;
use std::fmt;
use std::ops::Range;

/// What a body decoded into: its items, in the order of the response, and
/// what its end tells beyond them.
#[derive(Debug, PartialEq)]
pub struct Decoded<T> {
    /// The items that decoded.
    pub items: Vec<T>,
    /// The elements that did not, and what is wrong with the list itself.
    pub end: ListEnd,
}

impl<T> Default for Decoded<T> {
    fn default() -> Self {
        Decoded { items: Vec::new(), end: ListEnd::default() }
    }
}

/// What the end of a list tells beyond its items: the elements that could
/// not be read, and what is wrong with the list itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListEnd {
    /// The elements that did not decode.
    pub failures: ElementFailures,
    /// What is wrong with the list itself, which loses no element that arrived.
    pub problem: Option<ListProblem>,
}

/// What can be wrong with a list itself, beyond its elements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListProblem {
    /// The body ended before the list's closing `]`: the response was cut off.
    NotClosed,
    /// Text follows the list's end; its start, quoted.
    TextAfterEnd(String),
}

impl fmt::Display for ListProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListProblem::NotClosed => f.write_str("the list is not closed: the response was cut off"),
            ListProblem::TextAfterEnd(text) => {
                write!(f, "unexpected text after the end of the list: \u{201c}{text}\u{201d}")
            }
        }
    }
}

/// An element of the response that could not be read as a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementFailure {
    /// Position of the element in the response array (0 for a single object).
    pub index: usize,
    /// Why it could not be read, in words.
    pub reason: String,
}

/// The elements of a response that could not be read: the first
/// [`ElementFailures::LISTED`] with their reasons, and how many there were in
/// all. A body of millions of broken elements then costs a count, not a reason each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElementFailures {
    listed: Vec<ElementFailure>,
    count: usize,
}

impl ElementFailures {
    /// How many failures are kept with their reasons: more than a person reads.
    pub const LISTED: usize = 20;

    /// Counts the failure of element `index`; its reason is put in words only
    /// while it is among the first ones.
    fn record(&mut self, index: usize, reason: impl FnOnce() -> String) {
        if self.listed.len() < Self::LISTED {
            self.listed.push(ElementFailure { index, reason: reason() });
        }
        self.count += 1;
    }

    /// How many elements could not be read.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Whether every element was read.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The first failures, in the order of the body, with their reasons.
    pub fn listed(&self) -> &[ElementFailure] {
        &self.listed
    }

    /// How many failures are counted but not listed.
    pub fn unlisted(&self) -> usize {
        self.count - self.listed.len()
    }
}

/// Why a response yielded no requests at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseError {
    /// 401: the server did not accept the user's Windows sign-in, or the browser sent none.
    NotSignedIn,
    /// 403: the signed-in user may not read requests.
    Forbidden,
    /// 404: the CM REST API is switched off, or the host is not a CM server.
    ApiNotEnabled,
    /// 5xx: the server failed; `message` is what it said, shortened.
    ServerError {
        /// The HTTP status, 500 to 599.
        status: u16,
        /// The server's message: the `Message` of a JSON error body, or the body
        /// as text; trimmed, shortened to 300 characters, possibly empty.
        message: String,
        /// The correlation ID CM puts in its error messages, which its
        /// administrators look up in the server's log.
        correlation_id: Option<String>,
    },
    /// Any other status the API does not document.
    UnexpectedStatus {
        /// The HTTP status received.
        status: u16,
    },
    /// A success status other than 204 with nothing in the body (or only
    /// whitespace): the API answers 204 when there is nothing, so this body
    /// was lost on its way, not an empty list.
    EmptyBody {
        /// The HTTP status received, such as 200.
        status: u16,
    },
    /// The body is not JSON; `received` describes what it is.
    NotJson {
        /// What the body is instead, in words (e.g. `an HTML page titled “Sign in”`).
        received: String,
    },
    /// The body is JSON but neither a request nor a list of requests.
    NotRequests {
        /// Why the JSON is not requests, in words.
        reason: String,
    },
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::NotSignedIn => f.write_str(
                "The CM server did not accept your sign-in (401). Either this browser did not send your \
                 Windows sign-in to it, which it does only for sites in the Local intranet zone (or on its \
                 list of sites for automatic sign-in), or the server refused it. Open the CM host in this \
                 browser to check, or ask an administrator.",
            ),
            ResponseError::Forbidden => f.write_str(
                "The CM server refused access (403). Your account is not permitted to read these \
                 requests; ask a CM administrator for the permission.",
            ),
            ResponseError::ApiNotEnabled => f.write_str(
                "The CM server answered 404: its REST API is not enabled, or the configured host is \
                 not a CM server. An administrator enables it with Clm.WebApi.Enabled in the CM web.config.",
            ),
            ResponseError::ServerError { status, message, correlation_id } => {
                if message.is_empty() {
                    write!(f, "The CM server failed with an internal error ({status}) and gave no details.")?;
                } else {
                    let stop = if message.ends_with(['.', '!', '?']) { "" } else { "." };
                    write!(f, "The CM server failed with an internal error ({status}): {message}{stop}")?;
                }
                match correlation_id {
                    Some(id) if message.contains(id.as_str()) => {
                        f.write_str(" Give the CM administrator this correlation ID.")
                    }
                    Some(id) => write!(f, " Give the CM administrator this correlation ID: {id}."),
                    None => Ok(()),
                }
            }
            ResponseError::UnexpectedStatus { status } => {
                write!(f, "The CM server answered with HTTP status {status}, which its API does not use.")
            }
            ResponseError::EmptyBody { status } => write!(
                f,
                "The CM server answered with an empty body (HTTP status {status}) instead of requests; when \
                 there are none it answers 204 (no content), so the answer was lost on its way, cut short by \
                 the server or a proxy in between. Try again; if it happens again, ask an administrator to \
                 check the CM server's log and any proxy in front of it."
            ),
            ResponseError::NotJson { received } => write!(
                f,
                "The server sent {received} instead of JSON. This is usually a sign-in page or a \
                 proxy's error page: open the CM host in this browser, sign in, then retry."
            ),
            ResponseError::NotRequests { reason } => {
                write!(f, "The server's answer is JSON but not a list of requests: {reason}")
            }
        }
    }
}

impl std::error::Error for ResponseError {}

/// How much of a server's own error text is kept for the page.
const MESSAGE_LIMIT: usize = 300;

/// How much of an element that is not an object its failure quotes.
const QUOTED_ELEMENT: usize = 40;

/// Decodes a whole response of the requests endpoint from its status, its
/// `Content-Type` header and its body.
pub fn decode_response(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Decoded<Request>, ResponseError> {
    decode_items(status, content_type, body)
}

/// Decodes a response of the profile templates endpoint. Templates that cannot
/// be read are left out: their names are a convenience, never the truth shown.
pub fn decode_profile_templates(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Vec<ProfileTemplate>, ResponseError> {
    Ok(decode_items(status, content_type, body)?.items)
}

/// Decodes a whole body as [`ResponseDecoder`] decodes one chunk by chunk:
/// the items of a list (or the one object) that decode, and those that do not.
pub fn decode_items<T: ResponseItem>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Decoded<T>, ResponseError> {
    let mut decoder = ResponseDecoder::new(status, content_type);
    let mut items = decoder.push(body);
    let Decoded { items: completed_by_the_end, end } = decoder.finish()?;
    items.extend(completed_by_the_end);
    Ok(Decoded { items, end })
}

/// Decodes an answer that is one object (`.../smartcards/{id}`): `None` for
/// 204, or for a list with nothing in it; the first item of a list. An object
/// that does not decode is an error, as nothing else is there to show.
pub fn decode_one<T: ResponseItem>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Option<T>, ResponseError> {
    let Decoded { items, end } = decode_items(status, content_type, body)?;
    match (items.into_iter().next(), end.failures.listed().first()) {
        (None, Some(failure)) => Err(ResponseError::NotRequests { reason: failure.reason.clone() }),
        (item, _) => Ok(item),
    }
}

/// Decodes a list of words (`.../smartcards/{id}/operations`: `["renew","unblock"]`);
/// anything in the list that is not a text is left out.
pub fn decode_operations(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<Vec<String>, ResponseError> {
    let mut reader = BodyReader::new(status, content_type);
    let (mut words, mut others) = (Vec::new(), 0);
    // Read as text, as every other answer is: one copy of serde_json's reader serves all.
    let mut read = |element: Element<'_>| {
        let text = element.text.ok().and_then(|bytes| std::str::from_utf8(bytes).ok());
        match text.map(serde_json::from_str::<String>) {
            Some(Ok(word)) => words.push(word),
            _ => others += 1,
        }
    };
    reader.push(body, &mut read);
    let problem = reader.finish(&mut read)?;
    match (problem, words.is_empty() && others > 0) {
        (Some(problem), _) => Err(ResponseError::NotRequests { reason: problem.to_string() }),
        (None, true) => Err(ResponseError::NotRequests { reason: "it holds no words".to_owned() }),
        (None, false) => Ok(words),
    }
}

/// The longest element decoded as received: a real request is about 1.3 KB.
/// A longer one is decoded with each of its texts shortened to
/// [`KEPT_TEXT_BYTES`], so that one huge comment costs only its end; one still
/// longer than this (millions of list items) is refused before it is parsed.
pub const MAX_ELEMENT_BYTES: usize = 1 << 20;

/// How much of each text an element longer than [`MAX_ELEMENT_BYTES`] keeps,
/// in bytes of its JSON: far more than any comment a person types, and little
/// enough that several such texts fit in one element.
pub const KEPT_TEXT_BYTES: usize = 64_000;

/// What a response's elements decode to: anything serde reads from a JSON
/// object, told of the texts shortened in an element too long to keep whole.
pub trait ResponseItem: DeserializeOwned {
    /// What the items of one answer share as they are decoded, such as texts many of them repeat.
    type Shared: Default;

    /// Takes note that `text` of this item is only its start.
    fn shortened(&mut self, text: ShortenedText);

    /// Decodes one element, a JSON object; serde's reading unless the item knows a faster one.
    fn decode(text: &str, _shared: &mut Self::Shared) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Decodes the element at the start of `text`, where it lies, into the
    /// end of `items`, when the item knows a reading that finds the element's
    /// end itself: where the `,` or `]` after it is. `None` leaves `items` as
    /// they were and the element to the list splitter and
    /// [`ResponseItem::decode`], which must then read it alike.
    fn decode_leading(_text: &[u8], _shared: &mut Self::Shared, _items: &mut Vec<Self>) -> Option<usize> {
        None
    }
}

/// A template's name only helps to name a template: a shortened one needs no note.
impl ResponseItem for ProfileTemplate {
    type Shared = ();

    fn shortened(&mut self, _text: ShortenedText) {}
}

impl ResponseItem for Request {
    /// The security descriptors: each distinct one kept once.
    type Shared = SharedTexts;

    fn shortened(&mut self, text: ShortenedText) {
        self.unusual_mut().field_notes.push(FieldNote::Shortened(text));
    }

    /// The documented form straight from the text; serde's reading for any other.
    fn decode(text: &str, descriptors: &mut SharedTexts) -> Result<Request, serde_json::Error> {
        if let Some(request) = read_documented(text.as_bytes(), descriptors) {
            return Ok(request);
        }
        let mut request: Request = serde_json::from_str(text)?;
        request.security_descriptor = descriptors.share(&request.security_descriptor.text());
        Ok(request)
    }

    fn decode_leading(text: &[u8], descriptors: &mut SharedTexts, requests: &mut Vec<Request>) -> Option<usize> {
        read_leading_documented(text, descriptors, requests)
    }
}

/// Decodes a response body as it arrives, chunk by chunk: each element of a
/// JSON array is decoded as soon as its last byte is in, so that the first
/// requests can be shown long before the last byte arrives, and only the
/// element under way is ever held. One object is one element, which the body's
/// end ends; any other body (an error page, a failing status) is kept, up to
/// 1 MiB, and read at the end.
pub struct ResponseDecoder<T: ResponseItem> {
    body: BodyReader,
    failures: ElementFailures,
    shared: T::Shared,
}

impl<T: ResponseItem> ResponseDecoder<T> {
    /// A decoder for a response with this status and `Content-Type`.
    pub fn new(status: u16, content_type: Option<&str>) -> ResponseDecoder<T> {
        ResponseDecoder::sharing(status, content_type, T::Shared::default())
    }

    /// A decoder whose items share what `shared` already holds, such as the
    /// texts of the answer a refresh replaces: both answers then hold them once.
    pub fn sharing(status: u16, content_type: Option<&str>, shared: T::Shared) -> ResponseDecoder<T> {
        ResponseDecoder { body: BodyReader::new(status, content_type), failures: ElementFailures::default(), shared }
    }

    /// Takes the next chunk of the body; returns the items it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<T> {
        // Room for as many items as a chunk of requests holds (one is about
        // 1.3 KB), rather than growing the list, and copying it, five times a chunk.
        let mut items = Vec::with_capacity(chunk.len() / 1024);
        self.push_into(chunk, &mut items);
        items
    }

    /// [`ResponseDecoder::push`], adding the items to `items`: decoded where
    /// they are kept, rather than moved there.
    pub fn push_into(&mut self, chunk: &[u8], items: &mut Vec<T>) {
        self.body.push(chunk, &mut Decoding { items, failures: &mut self.failures, shared: &mut self.shared });
    }

    /// Ends the body: decodes what was kept, or the list's last element. The
    /// items are those only the end completed: [`ResponseDecoder::push`] gave the others.
    pub fn finish(self) -> Result<Decoded<T>, ResponseError> {
        self.finish_sharing().map(|(decoded, _)| decoded)
    }

    /// [`ResponseDecoder::finish`], and what the items shared, for the next answer to share.
    pub fn finish_sharing(mut self) -> Result<(Decoded<T>, T::Shared), ResponseError> {
        let mut items = Vec::new();
        let problem = self.body.finish(&mut Decoding {
            items: &mut items,
            failures: &mut self.failures,
            shared: &mut self.shared,
        })?;
        Ok((Decoded { items, end: ListEnd { failures: self.failures, problem } }, self.shared))
    }
}

/// Decodes one element into `items`, or records why it failed.
fn decode_into<T: ResponseItem>(
    items: &mut Vec<T>,
    failures: &mut ElementFailures,
    shared: &mut T::Shared,
    element: Element<'_>,
) {
    let decoded = element.text.and_then(|bytes| {
        let text = std::str::from_utf8(bytes).map_err(|_| Unreadable::NotUtf8)?;
        // Refused before serde sees it, as a body of millions of them must cost
        // little more than their count: serde's error alone is an allocation each.
        if !text.starts_with('{') {
            return Err(Unreadable::NotAnObject(text));
        }
        T::decode(text, shared).map_err(Unreadable::Json)
    });
    match decoded {
        Ok(mut item) => {
            for text in element.shortened {
                item.shortened(text);
            }
            items.push(item);
        }
        Err(unreadable) => failures.record(element.index, || unreadable.to_string()),
    }
}

/// Why an element could not be read; put in words only when it is listed.
enum Unreadable<'a> {
    Empty,
    NotUtf8,
    /// Any other JSON (or not JSON) than an object: what it is.
    NotAnObject(&'a str),
    /// Longer than [`MAX_ELEMENT_BYTES`] even with its texts shortened.
    TooLong {
        bytes: usize,
    },
    Json(serde_json::Error),
}

impl fmt::Display for Unreadable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::Empty => f.write_str("the element is empty"),
            Unreadable::NotUtf8 => f.write_str("it is not UTF-8 text"),
            Unreadable::NotAnObject(text) => {
                write!(f, "it is \u{201c}{}\u{201d}, not an object of named fields", shorten(text, QUOTED_ELEMENT))
            }
            Unreadable::TooLong { bytes } => write!(
                f,
                "it is {} KB long, and more than {} KB even with its texts shortened, which a request never is",
                bytes / 1024,
                MAX_ELEMENT_BYTES / 1024
            ),
            Unreadable::Json(error) => write!(f, "{error}"),
        }
    }
}

/// Where each element of a body ends, whatever the items are: this part knows
/// nothing of requests, so one copy serves every endpoint.
struct BodyReader {
    status: u16,
    declared_html: bool,
    body: Body,
}

/// What the body has turned out to be so far.
enum Body {
    /// Only whitespace (or a byte order mark) so far.
    Undecided(Vec<u8>),
    /// A JSON array, split into elements as they complete.
    List(ListSplitter),
    /// One JSON object: one element, which ends with the body.
    Object(ElementUnderWay),
    /// Anything else, decoded once it is complete.
    Whole(KeptBytes),
}

/// Where the elements of a body go as they complete.
trait Elements {
    /// Takes an element that completed.
    fn ended(&mut self, element: Element<'_>);

    /// Takes the element at the start of `text` as it lies, when it can find
    /// the element's end itself: where the `,` or `]` after it is.
    fn read_leading(&mut self, _text: &[u8]) -> Option<usize> {
        None
    }
}

impl<F: FnMut(Element<'_>)> Elements for F {
    fn ended(&mut self, element: Element<'_>) {
        self(element)
    }
}

type Found<'f> = dyn Elements + 'f;

/// Decodes each element into `items`, or records why it failed.
struct Decoding<'d, T: ResponseItem> {
    items: &'d mut Vec<T>,
    failures: &'d mut ElementFailures,
    shared: &'d mut T::Shared,
}

impl<T: ResponseItem> Elements for Decoding<'_, T> {
    fn ended(&mut self, element: Element<'_>) {
        decode_into(self.items, self.failures, self.shared, element);
    }

    /// Only an element the splitter would keep as it lies (not condensed).
    fn read_leading(&mut self, text: &[u8]) -> Option<usize> {
        // An element whose end is further on is too long to read where it lies.
        T::decode_leading(&text[..text.len().min(MAX_ELEMENT_BYTES + 1)], self.shared, self.items)
    }
}

impl BodyReader {
    fn new(status: u16, content_type: Option<&str>) -> BodyReader {
        let declared_html = content_type.is_some_and(|value| value.to_ascii_lowercase().contains("html"));
        // Only a successful JSON answer can be requests; everything else is read whole.
        let body = match status {
            200..=299 if status != 204 && !declared_html => Body::Undecided(Vec::new()),
            _ => Body::Whole(KeptBytes::default()),
        };
        BodyReader { status, declared_html, body }
    }

    fn push(&mut self, chunk: &[u8], found: &mut Found<'_>) {
        let mut chunk = chunk;
        if let Body::Undecided(start) = &mut self.body {
            start.extend_from_slice(chunk);
            if start.len() < BYTE_ORDER_MARK.len() && BYTE_ORDER_MARK.starts_with(start) {
                return;
            }
            let Some(first) = start.strip_prefix(BYTE_ORDER_MARK).unwrap_or(start).iter().position(|b| !is_space(*b))
            else {
                // Whitespace carries nothing: keep only what a byte order mark may still need.
                if start.len() >= BYTE_ORDER_MARK.len() {
                    start.clear();
                }
                return;
            };
            let start = std::mem::take(start);
            let first = first + if start.starts_with(BYTE_ORDER_MARK) { BYTE_ORDER_MARK.len() } else { 0 };
            self.body = match start[first] {
                b'[' => {
                    let mut list = ListSplitter::default();
                    list.push(&start[first + 1..], found);
                    Body::List(list)
                }
                b'{' => {
                    let mut object = ElementUnderWay::default();
                    object.push(&start[first..]);
                    Body::Object(object)
                }
                _ => {
                    let mut kept = KeptBytes::default();
                    kept.push(&start);
                    Body::Whole(kept)
                }
            };
            chunk = &[];
        }
        match &mut self.body {
            Body::Undecided(_) => {}
            Body::List(list) => list.push(chunk, found),
            Body::Object(object) => object.push(chunk),
            Body::Whole(kept) => kept.push(chunk),
        }
    }

    /// Ends the body; returns what is wrong with the list itself, if anything.
    fn finish(self, found: &mut Found<'_>) -> Result<Option<ListProblem>, ResponseError> {
        match self.body {
            Body::Undecided(_) => Err(ResponseError::EmptyBody { status: self.status }),
            Body::List(list) => Ok(list.finish(found)),
            Body::Object(mut object) => {
                let (text, shortened) = object.end(&[]);
                report_element(0, false, text, shortened, found);
                Ok(None)
            }
            Body::Whole(kept) => read_whole(self.status, self.declared_html, &kept).map(|()| None),
        }
    }
}

const BYTE_ORDER_MARK: &[u8] = "\u{feff}".as_bytes();

/// JSON's whitespace.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// The start of a body that is read whole, up to 1 MiB: enough
/// for an error page's message; beyond it only the size counts.
#[derive(Default)]
struct KeptBytes {
    bytes: Vec<u8>,
    total: usize,
}

impl KeptBytes {
    fn push(&mut self, chunk: &[u8]) {
        self.total += chunk.len();
        let room = MAX_ELEMENT_BYTES.saturating_sub(self.bytes.len());
        self.bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }

    /// The kept text; a character cut in two by the limit is left out.
    fn text(&self) -> Result<&str, std::str::Utf8Error> {
        match std::str::from_utf8(&self.bytes) {
            Err(error) if self.total > self.bytes.len() && error.error_len().is_none() => {
                Ok(std::str::from_utf8(&self.bytes[..error.valid_up_to()]).unwrap_or_default())
            }
            result => result,
        }
    }
}

/// The API's answer codes are the same for every endpoint: 204 is an empty
/// list, 401, 403, 404 and 5xx are errors.
fn read_whole(status: u16, declared_html: bool, body: &KeptBytes) -> Result<(), ResponseError> {
    match status {
        204 => Ok(()),
        200..=299 => Err(not_requests(status, declared_html, body)),
        401 => Err(ResponseError::NotSignedIn),
        403 => Err(ResponseError::Forbidden),
        404 => Err(ResponseError::ApiNotEnabled),
        500..=599 => Err(server_error(status, &String::from_utf8_lossy(&body.bytes))),
        _ => Err(ResponseError::UnexpectedStatus { status }),
    }
}

/// What a successful body that is neither a list nor an object is instead.
fn not_requests(status: u16, declared_html: bool, body: &KeptBytes) -> ResponseError {
    let Ok(text) = body.text() else {
        return ResponseError::NotJson { received: "binary data (not UTF-8 text)".into() };
    };
    let text = text.trim_start_matches('\u{feff}').trim();
    if declared_html || text.starts_with('<') {
        ResponseError::NotJson { received: describe_markup(text) }
    } else if text.is_empty() {
        ResponseError::EmptyBody { status }
    } else if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
        ResponseError::NotRequests { reason: format!("it is \u{201c}{}\u{201d}", shorten(text, MESSAGE_LIMIT)) }
    } else {
        ResponseError::NotJson { received: format!("text starting \u{201c}{}\u{201d}", shorten(text, MESSAGE_LIMIT)) }
    }
}

/// One element of a list: its bytes, or why they cannot be an element, and
/// the texts that were shortened in it.
struct Element<'a> {
    /// Position in the list.
    index: usize,
    text: Result<&'a [u8], Unreadable<'a>>,
    shortened: Vec<ShortenedText>,
}

/// Reports the element at `index` as ended with `text`; `closes` when the
/// list's `]` ended it (a list with nothing in it has no element at all).
fn report_element(
    index: usize,
    closes: bool,
    text: Result<&[u8], Unreadable<'_>>,
    shortened: Vec<ShortenedText>,
    found: &mut Found<'_>,
) {
    let text = match text.map(<[u8]>::trim_ascii) {
        Ok([]) if closes && index == 0 => return,
        Ok([]) => Err(Unreadable::Empty),
        text => text,
    };
    found.ended(Element { index, text, shortened });
}

/// The element that a chunk's end cut off: its bytes until they are more
/// than [`MAX_ELEMENT_BYTES`], then only its condensed form, so that an
/// element of any length holds bounded memory.
#[derive(Default)]
struct ElementUnderWay {
    pending: Vec<u8>,
    condensed: Option<Condenser>,
}

impl ElementUnderWay {
    /// Takes bytes of the element, which goes on after them.
    fn push(&mut self, bytes: &[u8]) {
        match &mut self.condensed {
            Some(condenser) => condenser.push(bytes),
            None if self.pending.len() + bytes.len() > MAX_ELEMENT_BYTES => {
                let mut condenser = Condenser::new();
                // Its room is not kept: the condensed form takes its place.
                condenser.push(&std::mem::take(&mut self.pending));
                condenser.push(bytes);
                self.condensed = Some(condenser);
            }
            None => self.pending.extend_from_slice(bytes),
        }
    }

    /// Whether nothing but whitespace is under way.
    fn is_blank(&self) -> bool {
        self.pending.trim_ascii().is_empty() && self.condensed.as_ref().is_none_or(Condenser::is_blank)
    }

    /// Ends the element with its last bytes `last`: its text, as it lies in
    /// `last` when the whole element is there and short enough, and the texts
    /// shortened in it. [`ElementUnderWay::clear`] makes room for the next one.
    fn end<'a>(&'a mut self, last: &'a [u8]) -> (Result<&'a [u8], Unreadable<'a>>, Vec<ShortenedText>) {
        if self.condensed.is_none() && self.pending.is_empty() && last.len() <= MAX_ELEMENT_BYTES {
            return (Ok(last), Vec::new());
        }
        self.push(last);
        match self.condensed.take().map(Condenser::finish) {
            None => (Ok(&self.pending), Vec::new()),
            Some(Ok((condensed, shortened))) => {
                self.pending = condensed;
                (Ok(&self.pending), shortened)
            }
            Some(Err(unreadable)) => (Err(unreadable), Vec::new()),
        }
    }

    /// Whether no byte of an element is under way.
    fn is_empty(&self) -> bool {
        self.pending.is_empty() && self.condensed.is_none()
    }

    /// Forgets the element that ended; the buffer's room serves the next one.
    fn clear(&mut self) {
        self.pending.clear();
        self.condensed = None;
    }
}

/// Splits a JSON array into its elements by bracket depth without parsing
/// them, so that one broken element (even one that is not valid JSON) costs
/// only itself. Chunks may end anywhere, even inside a string or an escape.
/// An element inside one chunk is decoded where it lies; only one that a
/// chunk's end cuts in two is copied, to be joined with its end.
#[derive(Default)]
struct ListSplitter {
    /// The element that a chunk's end cut off.
    element: ElementUnderWay,
    depth: usize,
    in_string: bool,
    /// Inside a string, just after a backslash.
    escaped: bool,
    /// Elements ended so far.
    ended: usize,
    /// Set once the closing `]` arrived; what follows it is kept for a message.
    after_end: Option<KeptBytes>,
}

impl ListSplitter {
    fn push(&mut self, chunk: &[u8], found: &mut Found<'_>) {
        if let Some(after_end) = &mut self.after_end {
            after_end.push(chunk);
            return;
        }
        let mut start = 0;
        loop {
            // An element that lies whole in the chunk is read where it lies when
            // its item can find its end: its bytes are not scanned twice.
            let leading = match self.element.is_empty() {
                true => found.read_leading(&chunk[start..]),
                false => None,
            };
            let end = match leading {
                Some(length) => start + length,
                None => {
                    let Some(end) = self.scan_to_element_end(chunk, start) else { break };
                    let (text, shortened) = self.element.end(&chunk[start..end]);
                    report_element(self.ended, chunk[end] == b']', text, shortened, found);
                    self.element.clear();
                    end
                }
            };
            let closes = chunk[end] == b']';
            self.ended += 1;
            start = end + 1;
            if closes {
                let mut after_end = KeptBytes::default();
                after_end.push(&chunk[start..]);
                self.after_end = Some(after_end);
                self.element = ElementUnderWay::default();
                return;
            }
        }
        self.element.push(&chunk[start..]);
    }

    /// Scans `bytes` from `from`, carrying the string and depth state from
    /// chunk to chunk, to the `,` or `]` that ends the element under way.
    fn scan_to_element_end(&mut self, bytes: &[u8], from: usize) -> Option<usize> {
        let mut at = from;
        while at < bytes.len() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    at += 1;
                    continue;
                }
                // Most of a request is string content: skip it in one step.
                let offset = find_quote_or_backslash(&bytes[at..])?;
                at += offset + 1;
                if bytes[at - 1] == b'"' {
                    self.in_string = false;
                } else {
                    self.escaped = true;
                }
                continue;
            }
            match bytes[at] {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' if self.depth > 0 => self.depth -= 1,
                b',' | b']' if self.depth == 0 => return Some(at),
                _ => {}
            }
            at += 1;
        }
        None
    }

    /// Ends the body: reports the last element if the list was cut off, and
    /// what is wrong with the list itself.
    fn finish(mut self, found: &mut Found<'_>) -> Option<ListProblem> {
        if let Some(after_end) = &self.after_end {
            return trailing_text(&String::from_utf8_lossy(&after_end.bytes));
        }
        // The body ended before the closing `]`: the response was cut off. The
        // last element is still decoded, in case it is whole.
        if !self.element.is_blank() {
            let (text, shortened) = self.element.end(&[]);
            report_element(self.ended, false, text, shortened, found);
        }
        Some(ListProblem::NotClosed)
    }
}

/// Where the next `"` or `\\` is: the end of a text's plain run.
fn find_quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    memchr::memchr2(b'"', b'\\', bytes)
}

/// An element longer than [`MAX_ELEMENT_BYTES`], condensed as it arrives:
/// each text cut after [`KEPT_TEXT_BYTES`] (never inside a character or an
/// escape, nor between the two halves of a surrogate pair), each run of
/// whitespace between values kept as its first byte, everything else as
/// received. A request with one huge field then decodes with that field
/// shortened, while an element whose structure alone is too long (millions of
/// list items) stops being kept once its condensed form is too long: it only
/// fails, with its length.
struct Condenser {
    kept: Vec<u8>,
    /// Bytes of the element received so far.
    received: usize,
    /// Set once `kept` is longer than [`MAX_ELEMENT_BYTES`]: only `received` still counts.
    too_long: bool,
    /// Depth of brackets: the element's own object is at depth 1.
    depth: usize,
    /// At depth 1, whether the next text is a key.
    expect_key: bool,
    /// Whether the last byte kept outside a text is whitespace.
    after_space: bool,
    text: Option<TextUnderWay>,
    /// Where in `kept` the key of the element's field under way is, without quotes.
    field: Option<Range<usize>>,
    shortened: Vec<Cut>,
}

/// A text of a condensed element, between its quotes.
struct TextUnderWay {
    /// Where its content starts in `kept`.
    start: usize,
    /// Bytes of content received.
    length: usize,
    is_key: bool,
    escape: Escape,
    /// Just after a `\u` escape of the first half of a surrogate pair, which
    /// must not be parted from its second half.
    after_high_surrogate: bool,
    /// Past [`KEPT_TEXT_BYTES`]: the rest of its content is not kept.
    cut: bool,
}

/// Where a text's content is in an escape.
#[derive(Clone, Copy)]
enum Escape {
    None,
    /// Just after the backslash.
    Started,
    /// In the hex digits of a `\u` escape: how many have come, and their value.
    Hex {
        digits: u8,
        value: u16,
    },
}

/// A text that was cut: the key of its field (a range of `kept`), whether it
/// is inside the field's value, and its whole length.
struct Cut {
    field: Option<Range<usize>>,
    inside: bool,
    length: usize,
}

impl Condenser {
    fn new() -> Condenser {
        Condenser {
            // All the room it may need: growing would double it.
            kept: Vec::with_capacity(MAX_ELEMENT_BYTES + 1),
            received: 0,
            too_long: false,
            depth: 0,
            expect_key: false,
            after_space: false,
            text: None,
            field: None,
            shortened: Vec::new(),
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.received += bytes.len();
        let mut at = 0;
        while at < bytes.len() && !self.too_long {
            at = match self.text.is_some() {
                true => self.take_text(bytes, at),
                false => {
                    self.take_structure(bytes[at]);
                    at + 1
                }
            };
            if self.kept.len() > MAX_ELEMENT_BYTES {
                self.too_long = true;
                self.kept = Vec::new();
                self.shortened = Vec::new();
            }
        }
    }

    /// Takes one byte outside any text.
    fn take_structure(&mut self, byte: u8) {
        if is_space(byte) {
            if !self.after_space {
                self.kept.push(byte);
            }
            self.after_space = true;
            return;
        }
        self.after_space = false;
        match byte {
            b'"' => {
                let is_key = self.depth == 1 && self.expect_key;
                self.text = Some(TextUnderWay {
                    start: self.kept.len() + 1,
                    length: 0,
                    is_key,
                    escape: Escape::None,
                    after_high_surrogate: false,
                    cut: false,
                });
            }
            b'{' => {
                self.depth += 1;
                if self.depth == 1 {
                    self.expect_key = true;
                }
            }
            b'[' => self.depth += 1,
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            b',' if self.depth == 1 => self.expect_key = true,
            b':' if self.depth == 1 => self.expect_key = false,
            _ => {}
        }
        self.kept.push(byte);
    }

    /// Takes the text's content from `bytes[at]` on, up to its closing quote;
    /// returns where to go on.
    fn take_text(&mut self, bytes: &[u8], at: usize) -> usize {
        let Some(text) = &mut self.text else { return at };
        if text.cut {
            // Not kept: only its end is looked for, as the list splitter does.
            if matches!(text.escape, Escape::Started) {
                text.escape = Escape::None;
                text.length += 1;
                return at + 1;
            }
            let Some(offset) = find_quote_or_backslash(&bytes[at..]) else {
                text.length += bytes.len() - at;
                return bytes.len();
            };
            text.length += offset;
            if bytes[at + offset] == b'"' {
                self.end_text();
            } else {
                text.length += 1;
                text.escape = Escape::Started;
            }
            return at + offset + 1;
        }
        let byte = bytes[at];
        match text.escape {
            Escape::Started => {
                text.escape = if byte == b'u' { Escape::Hex { digits: 0, value: 0 } } else { Escape::None };
                return self.keep_text_byte(byte, at);
            }
            Escape::Hex { digits, value } if byte.is_ascii_hexdigit() => {
                let value = value << 4 | u16::from(hex_digit(byte).unwrap_or_default());
                text.escape = match digits {
                    3 => {
                        text.after_high_surrogate = (0xd800..0xdc00).contains(&value);
                        Escape::None
                    }
                    _ => Escape::Hex { digits: digits + 1, value },
                };
                return self.keep_text_byte(byte, at);
            }
            // A `\u` escape cut short: the byte is read as the splitter reads it.
            Escape::Hex { .. } | Escape::None => text.escape = Escape::None,
        }
        if byte == b'"' {
            self.end_text();
            return at + 1;
        }
        let starts_a_character = !(0x80..0xc0).contains(&byte);
        if starts_a_character {
            let after_high_surrogate = std::mem::take(&mut text.after_high_surrogate);
            let full = self.kept.len() - text.start >= KEPT_TEXT_BYTES;
            if full && !(after_high_surrogate && byte == b'\\') {
                text.cut = true;
                // This byte is the first one not kept.
                return self.take_text(bytes, at);
            }
        }
        if byte == b'\\' {
            text.escape = Escape::Started;
        }
        self.keep_text_byte(byte, at)
    }

    /// Keeps `byte`, the text content at `at`; returns where to go on.
    fn keep_text_byte(&mut self, byte: u8, at: usize) -> usize {
        if let Some(text) = &mut self.text {
            text.length += 1;
        }
        self.kept.push(byte);
        at + 1
    }

    /// Ends the text under way at its closing quote.
    fn end_text(&mut self) {
        let Some(text) = self.text.take() else { return };
        if text.is_key {
            self.field = Some(text.start..self.kept.len());
        }
        if text.cut {
            self.shortened.push(Cut { field: self.field.clone(), inside: self.depth > 1, length: text.length });
        }
        self.kept.push(b'"');
    }

    /// Whether nothing but whitespace was received.
    fn is_blank(&self) -> bool {
        !self.too_long && self.kept.trim_ascii().is_empty()
    }

    /// The condensed element and the texts shortened in it, or why it cannot be read.
    fn finish(self) -> Result<(Vec<u8>, Vec<ShortenedText>), Unreadable<'static>> {
        if self.too_long {
            return Err(Unreadable::TooLong { bytes: self.received });
        }
        let shortened = self
            .shortened
            .iter()
            .map(|cut| ShortenedText {
                field: cut.field.clone().map(|key| key_text(&self.kept[key])),
                inside: cut.inside,
                length: cut.length,
            })
            .collect();
        Ok((self.kept, shortened))
    }
}

/// A key as text, from its JSON content between the quotes; as received
/// where it is not a valid JSON string.
fn key_text(content: &[u8]) -> String {
    let received = String::from_utf8_lossy(content);
    serde_json::from_str(&format!("\"{received}\"")).unwrap_or_else(|_| received.into_owned())
}

fn trailing_text(rest: &str) -> Option<ListProblem> {
    let rest = rest.trim();
    (!rest.is_empty()).then(|| ListProblem::TextAfterEnd(shorten(rest, MESSAGE_LIMIT)))
}

/// What a failing server said: ASP.NET Web API answers `{"Message": ...}`, other
/// layers plain text or HTML. CM writes "Correlation ID: <guid>" into its messages.
fn server_error(status: u16, body: &str) -> ResponseError {
    let message = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(json) => ["Message", "message", "ExceptionMessage"]
            .iter()
            .find_map(|key| json.get(key).and_then(|value| value.as_str()).map(str::to_owned))
            .unwrap_or_else(|| body.to_owned()),
        Err(_) if body.trim_start().starts_with('<') => describe_markup(body.trim()),
        Err(_) => body.to_owned(),
    };
    let correlation_id = correlation_id_in(body);
    ResponseError::ServerError { status, message: shorten(&message, MESSAGE_LIMIT), correlation_id }
}

/// The GUID after "correlation", in any case and punctuation ("Correlation ID: …",
/// `"CorrelationId":"…"`).
fn correlation_id_in(text: &str) -> Option<String> {
    let start = text.to_ascii_lowercase().find("correlation")?;
    let after = &text[start..];
    (0..after.len().saturating_sub(35)).filter(|&at| after.is_char_boundary(at)).find_map(|at| {
        let candidate = after.get(at..at + 36)?;
        uuid::Uuid::try_parse(candidate).ok().filter(|_| candidate.contains('-')).map(|_| candidate.to_owned())
    })
}

/// Names an HTML page by its title, which is what a person recognises.
fn describe_markup(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let title = lower
        .find("<title")
        .and_then(|start| Some(start + lower[start..].find('>')? + 1))
        .and_then(|start| Some(&text[start..start + lower[start..].find("</title")?]))
        .map(str::trim)
        .filter(|title| !title.is_empty());
    match title {
        Some(title) => format!("an HTML page titled \u{201c}{}\u{201d}", shorten(title, MESSAGE_LIMIT)),
        None => "an HTML page".into(),
    }
}

/// `text`, trimmed, cut to at most `limit` characters with an ellipsis: how
/// untrusted text is quoted in a message.
pub fn shorten(text: &str, limit: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}\u{2026}", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099","RequestType":1,"Status":3}"#;

    #[test]
    fn no_content_and_empty_lists_are_empty_lists() {
        assert_eq!(decode_response(204, None, b""), Ok(Decoded::default()));
        assert_eq!(decode_response(204, Some("application/json"), b"  \n"), Ok(Decoded::default()));
        assert_eq!(decode_response(200, None, b"[]"), Ok(Decoded::default()));
    }

    #[test]
    fn an_empty_body_with_a_success_status_is_a_lost_answer_not_an_empty_list() {
        for body in ["", "  \r\n\t", "\u{feff}", "\u{feff} \n", "\u{feff}\u{feff}"] {
            for size in [1, 2, 64] {
                let error = decode_in_chunks(body.as_bytes(), size).unwrap_err();
                assert_eq!(error, ResponseError::EmptyBody { status: 200 }, "{body:?} in chunks of {size}");
            }
        }
        assert_eq!(decode_response(201, None, b""), Err(ResponseError::EmptyBody { status: 201 }));
        assert_eq!(decode_profile_templates(200, None, b" "), Err(ResponseError::EmptyBody { status: 200 }));
        let message = ResponseError::EmptyBody { status: 200 }.to_string();
        assert!(message.starts_with("The CM server answered with an empty body (HTTP status 200)"), "{message}");
        assert!(message.contains("204 (no content)"), "{message}");
    }

    #[test]
    fn one_object_is_a_list_of_one() {
        let decoded = decode_response(200, Some("application/json"), MINIMAL.as_bytes()).unwrap();
        assert_eq!(decoded.items.len(), 1);
        assert!(decoded.end.failures.is_empty());
    }

    #[test]
    fn a_broken_element_costs_only_itself() {
        let body = format!(r#"[{MINIMAL}, {{"Uuid":"not a guid","RequestType":1,"Status":3}}, {MINIMAL}]"#);
        let decoded = decode_response(200, None, body.as_bytes()).unwrap();
        assert_eq!(decoded.items.len(), 2);
        assert_eq!(failure_reasons(&decoded).len(), 1);
        let (index, reason) = failure_reasons(&decoded)[0];
        assert_eq!(index, 1);
        assert!(reason.contains("UUID"), "{reason}");
    }

    fn decode_ok(body: &str) -> Decoded<Request> {
        decode_response(200, Some("application/json"), body.as_bytes()).unwrap()
    }

    /// Each failure as its index and reason, when every failure is listed.
    fn failure_reasons(decoded: &Decoded<Request>) -> Vec<(usize, &str)> {
        assert_eq!(decoded.end.failures.unlisted(), 0);
        decoded.end.failures.listed().iter().map(|failure| (failure.index, failure.reason.as_str())).collect()
    }

    #[test]
    fn an_element_that_is_not_even_json_costs_only_itself() {
        let decoded = decode_ok(&format!(r#"[{MINIMAL}, {{"Uuid": tru}}, {MINIMAL}]"#));
        assert_eq!(decoded.items.len(), 2);
        let reasons = failure_reasons(&decoded);
        assert_eq!(reasons.len(), 1);
        assert_eq!(reasons[0].0, 1);
        assert!(reasons[0].1.contains("expected ident"), "{reasons:?}");
    }

    #[test]
    fn brackets_and_quotes_inside_strings_do_not_split_elements() {
        let tricky = MINIMAL.replace(r#""Status":3"#, r#""Status":3,"Comment":"a],{\"b\\""#);
        let decoded = decode_ok(&format!("[{tricky},{MINIMAL}]"));
        assert_eq!(failure_reasons(&decoded), []);
        assert_eq!(decoded.items[0].comment, "a],{\"b\\");
    }

    #[test]
    fn a_cut_off_list_keeps_what_arrived_and_says_so() {
        const CUT: Option<ListProblem> = Some(ListProblem::NotClosed);
        let decoded = decode_ok(&format!(r#"[{MINIMAL},{MINIMAL},{{"Uuid":"a9b4"#));
        assert_eq!(decoded.items.len(), 2);
        assert_eq!(failure_reasons(&decoded).iter().map(|(index, _)| *index).collect::<Vec<_>>(), [2], "the cut one");
        assert_eq!(decoded.end.problem, CUT);

        let whole_last = decode_ok(&format!("[{MINIMAL},{MINIMAL}"));
        assert_eq!(whole_last.items.len(), 2);
        assert_eq!(failure_reasons(&whole_last), [], "every element that arrived was whole");
        assert_eq!(whole_last.end.problem, CUT);
        let nothing = decode_ok("[");
        assert_eq!((nothing.items.len(), nothing.end.failures.count(), nothing.end.problem), (0, 0, CUT));
    }

    #[test]
    fn the_list_itself_can_be_malformed() {
        assert_eq!(failure_reasons(&decode_ok(&format!("[{MINIMAL},,{MINIMAL}]"))), [(1, "the element is empty")]);
        assert_eq!(decode_ok("[ \n ]"), Decoded::default());
        let trailing = decode_ok(&format!("[{MINIMAL}] <!-- cached -->"));
        assert_eq!((trailing.items.len(), trailing.end.failures.count()), (1, 0));
        let problem = trailing.end.problem.unwrap();
        assert_eq!(problem, ListProblem::TextAfterEnd("<!-- cached -->".into()));
        assert_eq!(problem.to_string(), "unexpected text after the end of the list: \u{201c}<!-- cached -->\u{201d}");
        let empty_then_text = decode_ok("[] x");
        assert_eq!((empty_then_text.items.len(), empty_then_text.end.failures.count()), (0, 0));
        assert_eq!(empty_then_text.end.problem, Some(ListProblem::TextAfterEnd("x".into())));
    }

    /// [`MINIMAL`] with `field`'s value, written as JSON, added.
    fn minimal_with(field: &str, json: &str) -> String {
        MINIMAL.replace(r#""Status":3"#, &format!(r#""Status":3,"{field}":{json}"#))
    }

    /// An element longer than [`MAX_ELEMENT_BYTES`] that has no long text to shorten.
    fn huge_structure() -> String {
        minimal_with("X", &format!("[{}0]", "0,".repeat(MAX_ELEMENT_BYTES / 2)))
    }

    #[test]
    fn hostile_elements_fail_alone() {
        let huge = huge_structure();
        let deep = format!(
            r#"{{"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099","RequestType":1,"Status":3,"X":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let out_of_range = MINIMAL.replace(r#""Status":3"#, r#""Status":4294967296"#) + "}";
        let decoded = decode_ok(&format!("[{huge},{deep},{out_of_range},{MINIMAL}]"));
        assert_eq!(decoded.items.len(), 1);
        let reasons = failure_reasons(&decoded);
        assert_eq!(reasons.iter().map(|(index, _)| *index).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(
            reasons[0].1,
            format!(
                "it is {} KB long, and more than 1024 KB even with its texts shortened, which a request never is",
                huge.len() / 1024
            )
        );
        assert!(reasons[1].1.contains("recursion limit"), "{}", reasons[1].1);
        assert!(reasons[2].1.contains("expected i32"), "{}", reasons[2].1);
    }

    /// Decodes `body` delivered `size` bytes at a time.
    fn decode_in_chunks(body: &[u8], size: usize) -> Result<Decoded<Request>, ResponseError> {
        let mut decoder = ResponseDecoder::new(200, Some("application/json"));
        let mut requests: Vec<Request> = body.chunks(size).flat_map(|chunk| decoder.push(chunk)).collect();
        let Decoded { items, end } = decoder.finish()?;
        requests.extend(items);
        Ok(Decoded { items: requests, end })
    }

    /// A list of requests, each with its id's last digit and its security descriptor.
    fn list_with_descriptors(requests: &[(u8, &str)]) -> String {
        let element = |&(digit, descriptor): &(u8, &str)| {
            MINIMAL.replace("a099", &format!("a09{digit}")).replace(
                r#""Status":3"#,
                &format!(r#""Status":3,"SecurityDescriptor":{}"#, serde_json::to_string(descriptor).unwrap()),
            )
        };
        format!("[{}]", requests.iter().map(element).collect::<Vec<_>>().join(","))
    }

    #[test]
    fn a_refresh_shares_the_last_answers_descriptors_and_reads_every_one_as_sent() {
        let (owner, system, users) = ("O:BAD:(A;;RC;;;WD)", "O:SY", "O:BU\0\0");
        let last = list_with_descriptors(&[(1, owner), (2, system), (3, owner), (4, users)]);
        // One request more at the start, one descriptor changed, one request gone.
        let refreshed = list_with_descriptors(&[(0, users), (1, owner), (2, owner), (3, owner), (5, system)]);
        for size in [7, 64, 4096] {
            let mut decoder: ResponseDecoder<Request> = ResponseDecoder::new(200, None);
            let mut items = Vec::new();
            last.as_bytes().chunks(size).for_each(|chunk| decoder.push_into(chunk, &mut items));
            let (_, mut shared) = decoder.finish_sharing().unwrap();
            shared.start_next_answer();
            let mut decoder = ResponseDecoder::sharing(200, None, shared);
            let mut items = Vec::new();
            refreshed.as_bytes().chunks(size).for_each(|chunk| decoder.push_into(chunk, &mut items));
            let (Decoded { items: rest, end }, shared) = decoder.finish_sharing().unwrap();
            items.extend(rest);
            assert_eq!(Decoded { items, end }, decode_ok(&refreshed), "in chunks of {size}");
            assert_eq!(shared.len(), 3, "each distinct descriptor kept once, in chunks of {size}");
        }
    }

    #[test]
    fn chunks_may_end_anywhere_even_inside_strings_and_escapes() {
        let tricky = MINIMAL.replace(r#""Status":3"#, r#""Status":3,"Comment":"a],{\"b\\\"c""#);
        let bodies = [
            format!("\u{feff} [{tricky},{MINIMAL}, ,{{\"Uuid\":1}}] tail"),
            format!("[{MINIMAL},{tricky}"),
            MINIMAL.to_owned(),
            "  ".to_owned(),
            "<html><title>Sign in</title></html>".to_owned(),
            // A request inside an element: whole, it is no element of its own.
            format!("[[{MINIMAL}], {MINIMAL}]"),
        ];
        for body in bodies {
            let whole = decode_response(200, Some("application/json"), body.as_bytes());
            for size in 1..=7 {
                assert_eq!(decode_in_chunks(body.as_bytes(), size), whole, "{body:?} in chunks of {size}");
            }
            for cut in 0..=body.len() {
                let mut decoder = ResponseDecoder::new(200, Some("application/json"));
                let mut items = decoder.push(&body.as_bytes()[..cut]);
                items.extend(decoder.push(&body.as_bytes()[cut..]));
                let in_two = decoder.finish().map(|mut decoded| {
                    items.append(&mut decoded.items);
                    Decoded { items, ..decoded }
                });
                assert_eq!(in_two, whole, "{body:?} cut at {cut}");
            }
        }
    }

    /// The request of an element with `comment`, written as JSON, and the
    /// result of decoding it in a list and alone, whole and in chunks of
    /// several sizes, which must all be the same.
    fn decode_long_comment(comment: &str) -> Request {
        let element = minimal_with("Comment", &format!("\"{comment}\""));
        let list = format!("[{MINIMAL},{element}]");
        for body in [&list, &element] {
            let whole = decode_response(200, Some("application/json"), body.as_bytes());
            for size in [3, 1000, 64 * 1024] {
                assert_eq!(decode_in_chunks(body.as_bytes(), size), whole, "in chunks of {size}");
            }
        }
        let in_list = decode_ok(&list);
        assert_eq!(failure_reasons(&in_list), []);
        let mut alone = decode_ok(&element);
        assert_eq!(alone.items, in_list.items[1..]);
        alone.items.remove(0)
    }

    #[test]
    fn a_text_too_long_to_keep_is_cut_after_a_character_escape_or_surrogate_pair() {
        let tail = "b".repeat(MAX_ELEMENT_BYTES);
        let cases = [
            ("a".repeat(KEPT_TEXT_BYTES - 1) + "é" + &tail, "a".repeat(KEPT_TEXT_BYTES - 1) + "é"),
            ("a".repeat(KEPT_TEXT_BYTES - 1) + "\\n" + &tail, "a".repeat(KEPT_TEXT_BYTES - 1) + "\n"),
            ("a".repeat(KEPT_TEXT_BYTES - 2) + "\\u00e9" + &tail, "a".repeat(KEPT_TEXT_BYTES - 2) + "é"),
            ("a".repeat(KEPT_TEXT_BYTES - 6) + "\\ud83d\\ude00" + &tail, "a".repeat(KEPT_TEXT_BYTES - 6) + "\u{1f600}"),
            ("a".repeat(KEPT_TEXT_BYTES - 1) + "\\\"" + &tail, "a".repeat(KEPT_TEXT_BYTES - 1) + "\""),
        ];
        for (written, kept) in cases {
            let request = decode_long_comment(&written);
            assert!(request.comment == kept, "kept {} bytes, not {}", request.comment.len(), kept.len());
            let shortened = ShortenedText { field: Some("Comment".into()), inside: false, length: written.len() };
            assert_eq!(request.field_notes(), [crate::FieldNote::Shortened(shortened)]);
        }
    }

    #[test]
    fn an_element_too_long_to_be_a_request_keeps_its_texts_start_and_bounded_memory() {
        // Twice the whole element in every text: each is cut, and the rest is kept.
        let long = "x".repeat(3 * MAX_ELEMENT_BYTES);
        let items = format!(r#"[{{"Name":"Log","Value":"{long}"}},{{"Name":"Short","Value":"kept"}}]"#);
        let element =
            minimal_with("DataCollection", &items).replace(r#""Uuid""#, &format!(r#""Comment":"{long}","Uuid""#));
        let body = format!("[{element}, {}, {MINIMAL}]", huge_structure());
        let decoded = decode_in_chunks(body.as_bytes(), 64 * 1024).unwrap();
        assert_eq!(decoded.items.len(), 2);
        assert_eq!(failure_reasons(&decoded).iter().map(|(index, _)| *index).collect::<Vec<_>>(), [1]);
        let request = &decoded.items[0];
        assert_eq!(request.comment, long[..KEPT_TEXT_BYTES]);
        assert_eq!(request.data_collection[0].value.as_deref(), Some(&long[..KEPT_TEXT_BYTES]));
        assert_eq!(request.data_collection[1].value.as_deref(), Some("kept"));
        let length = long.len();
        assert_eq!(
            request.field_notes(),
            [
                crate::FieldNote::Shortened(ShortenedText { field: Some("Comment".into()), inside: false, length }),
                crate::FieldNote::Shortened(ShortenedText {
                    field: Some("DataCollection".into()),
                    inside: true,
                    length
                }),
            ]
        );
    }

    #[test]
    fn a_body_that_is_not_a_list_is_kept_only_up_to_the_limit() {
        let long_page = format!("<html><title>Proxy</title>{}</html>", "y".repeat(2 * MAX_ELEMENT_BYTES));
        let error = decode_in_chunks(long_page.as_bytes(), 4096).unwrap_err();
        assert_eq!(error, ResponseError::NotJson { received: "an HTML page titled \u{201c}Proxy\u{201d}".into() });
        let one_huge = minimal_with("Comment", &format!("\"{}\"", "é".repeat(MAX_ELEMENT_BYTES)));
        let decoded = decode_in_chunks(one_huge.as_bytes(), 4096).unwrap();
        assert_eq!(decoded.items[0].comment, "é".repeat(KEPT_TEXT_BYTES / 2));
        let too_long = decode_in_chunks(huge_structure().as_bytes(), 4096).unwrap();
        assert_eq!(failure_reasons(&too_long)[0].0, 0);
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        assert_eq!(decode_ok(&format!("\u{feff}[{MINIMAL}]")).items.len(), 1);
    }

    #[test]
    fn html_is_named_by_its_title() {
        let page = b"<!DOCTYPE html><html><head><TITLE> Sign in to Contoso </TITLE></head></html>";
        let error = decode_response(200, Some("text/html; charset=utf-8"), page).unwrap_err();
        assert_eq!(
            error,
            ResponseError::NotJson { received: "an HTML page titled \u{201c}Sign in to Contoso\u{201d}".into() }
        );
        assert!(error.to_string().contains("sign in"));
    }

    #[test]
    fn html_without_a_content_type_is_still_html() {
        let error = decode_response(200, Some("application/json"), b"  <html><body>proxy</body>").unwrap_err();
        assert_eq!(error, ResponseError::NotJson { received: "an HTML page".into() });
    }

    #[test]
    fn statuses_get_actionable_errors() {
        assert_eq!(decode_response(403, None, b""), Err(ResponseError::Forbidden));
        let iis_challenge =
            b"<html><body>401 - Unauthorized: Access is denied due to invalid credentials.</body></html>";
        assert_eq!(decode_response(401, Some("text/html"), iis_challenge), Err(ResponseError::NotSignedIn));
        assert!(decode_response(404, None, b"").unwrap_err().to_string().contains("Clm.WebApi.Enabled"));
        let error = decode_response(500, None, b"Something broke").unwrap_err();
        assert_eq!(error.to_string(), "The CM server failed with an internal error (500): Something broke.");
        assert_eq!(decode_response(418, None, b""), Err(ResponseError::UnexpectedStatus { status: 418 }));
    }

    #[test]
    fn server_errors_carry_their_message_and_correlation_id() {
        let body = br#"{"Message":"An error has occurred. Correlation ID: 5D3C5E53-0F31-4AE4-9B1E-1C4E9C7B8A01"}"#;
        let error = decode_response(500, Some("application/json"), body).unwrap_err();
        assert_eq!(
            error,
            ResponseError::ServerError {
                status: 500,
                message: "An error has occurred. Correlation ID: 5D3C5E53-0F31-4AE4-9B1E-1C4E9C7B8A01".into(),
                correlation_id: Some("5D3C5E53-0F31-4AE4-9B1E-1C4E9C7B8A01".into()),
            }
        );
        assert_eq!(
            error.to_string(),
            "The CM server failed with an internal error (500): An error has occurred. Correlation ID: \
             5D3C5E53-0F31-4AE4-9B1E-1C4E9C7B8A01. Give the CM administrator this correlation ID."
        );

        let plain = decode_response(503, None, b"").unwrap_err();
        assert_eq!(plain.to_string(), "The CM server failed with an internal error (503) and gave no details.");
        let html = decode_response(502, None, b"<html><title>Bad Gateway</title></html>").unwrap_err();
        assert!(html.to_string().contains("an HTML page titled \u{201c}Bad Gateway\u{201d}"), "{html}");
        let json_id = decode_response(500, None, br#"{"CorrelationId":"5d3c5e53-0f31-4ae4-9b1e-1c4e9c7b8a01"}"#);
        assert_eq!(
            json_id.unwrap_err().to_string(),
            "The CM server failed with an internal error (500): {\"CorrelationId\":\"5d3c5e53-0f31-4ae4-9b1e-1c4e9c7b8a01\"}. \
             Give the CM administrator this correlation ID."
        );
        let no_guid = decode_response(500, None, "correlation é: nothing here".as_bytes());
        assert!(matches!(no_guid, Err(ResponseError::ServerError { correlation_id: None, .. })));
    }

    #[test]
    fn json_that_is_not_requests_is_explained() {
        assert_eq!(decode_response(200, None, b"[1]").unwrap().end.failures.count(), 1);
        assert!(matches!(decode_response(200, None, b"\"hello\""), Err(ResponseError::NotRequests { .. })));
        assert!(matches!(decode_response(200, None, b"hello"), Err(ResponseError::NotJson { .. })));
        assert!(matches!(decode_response(200, None, &[0xff, 0xfe]), Err(ResponseError::NotJson { .. })));
    }

    #[test]
    fn long_server_messages_are_shortened() {
        let body = "x".repeat(5000);
        let ResponseError::ServerError { message, .. } = decode_response(500, None, body.as_bytes()).unwrap_err()
        else {
            panic!("expected a server error");
        };
        assert_eq!(message.chars().count(), MESSAGE_LIMIT + 1);
    }
}
