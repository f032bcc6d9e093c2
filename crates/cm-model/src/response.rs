//! Turning an HTTP response of the requests endpoint into requests.
//!
//! The list endpoint answers a JSON array, `/{id}` one object, 204 an empty
//! body. Anything else (an HTML sign-in page, a proxy error, a broken element)
//! becomes an error worded for the person in front of the page. One broken
//! element of an array never costs the elements that did decode.

use crate::{ProfileTemplate, Request};
use serde::de::DeserializeOwned;
use std::fmt;
use std::marker::PhantomData;

/// The requests that decoded, and the elements that did not.
#[derive(Debug, Default, PartialEq)]
pub struct DecodedRequests {
    /// The requests that decoded, in the order of the response.
    pub requests: Vec<Request>,
    /// The elements that did not decode.
    pub failures: Vec<ElementFailure>,
    /// What is wrong with the list itself (cut off, or text after its end),
    /// which loses no element that arrived.
    pub list_problem: Option<String>,
}

/// An element of the response that could not be read as a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementFailure {
    /// Position of the element in the response array (0 for a single object).
    pub index: usize,
    /// Why it could not be read, in words.
    pub reason: String,
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

/// Decodes a whole response of the requests endpoint from its status, its
/// `Content-Type` header and its body.
pub fn decode_response(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<DecodedRequests, ResponseError> {
    let mut decoder = ResponseDecoder::new(status, content_type);
    let mut requests = decoder.push(body);
    let Finished { items, failures, list_problem } = decoder.finish()?;
    requests.extend(items);
    Ok(DecodedRequests { requests, failures, list_problem })
}

/// Decodes a response of the profile templates endpoint. Templates that cannot
/// be read are left out: their names are a convenience, never the truth shown.
pub fn decode_profile_templates(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Vec<ProfileTemplate>, ResponseError> {
    let mut decoder = ResponseDecoder::new(status, content_type);
    let mut templates = decoder.push(body);
    templates.extend(decoder.finish()?.items);
    Ok(templates)
}

/// The largest element accepted: a real request is about 1.3 KB, so anything
/// near this is hostile or broken, and is refused before it is parsed.
pub const MAX_ELEMENT_BYTES: usize = 1 << 20;

/// Decodes a response body as it arrives, chunk by chunk: each element of a
/// JSON array is decoded as soon as its last byte is in, so that the first
/// requests can be shown long before the last byte arrives, and only the
/// element under way is ever held. Any other body (one object, an error page, a
/// failing status) is kept, up to 1 MiB, and decoded at the end.
pub struct ResponseDecoder<T> {
    body: BodyReader,
    failures: Vec<ElementFailure>,
    items: PhantomData<fn() -> T>,
}

/// What is left to report once the body is complete.
pub struct Finished<T> {
    /// Items that only the end of the body completed.
    pub items: Vec<T>,
    /// Every element that could not be decoded, in the order of the body.
    pub failures: Vec<ElementFailure>,
    /// What is wrong with the list itself, which loses no element that arrived.
    pub list_problem: Option<String>,
}

impl<T: DeserializeOwned> ResponseDecoder<T> {
    /// A decoder for a response with this status and `Content-Type`.
    pub fn new(status: u16, content_type: Option<&str>) -> ResponseDecoder<T> {
        ResponseDecoder { body: BodyReader::new(status, content_type), failures: Vec::new(), items: PhantomData }
    }

    /// Takes the next chunk of the body; returns the items it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<T> {
        let mut items = Vec::new();
        self.body.push(chunk, &mut |element| decode_into(&mut items, &mut self.failures, element));
        items
    }

    /// Ends the body: decodes what was kept, or the list's last element.
    pub fn finish(mut self) -> Result<Finished<T>, ResponseError> {
        let mut items = Vec::new();
        let list_problem = self.body.finish(&mut |element| decode_into(&mut items, &mut self.failures, element))?;
        Ok(Finished { items, failures: self.failures, list_problem })
    }
}

/// Decodes one element into `items`, or records why it failed.
fn decode_into<T: DeserializeOwned>(items: &mut Vec<T>, failures: &mut Vec<ElementFailure>, element: Element<'_>) {
    let decoded = element.text.and_then(|bytes| match std::str::from_utf8(bytes) {
        Ok(text) => decode_element(text),
        Err(_) => Err("it is not UTF-8 text".to_owned()),
    });
    match decoded {
        Ok(item) => items.push(item),
        Err(reason) => failures.push(ElementFailure { index: element.index, reason }),
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
    /// Anything else, decoded once it is complete.
    Whole(KeptBytes),
}

/// Called with each element as it completes.
type Found<'f> = dyn FnMut(Element<'_>) + 'f;

impl BodyReader {
    fn new(status: u16, content_type: Option<&str>) -> BodyReader {
        let declared_html = content_type.is_some_and(|value| value.to_ascii_lowercase().contains("html"));
        // Only a successful JSON answer can be a list; everything else is read whole.
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
            if start[first] == b'[' {
                let mut list = ListSplitter::default();
                list.push(&start[first + 1..], found);
                self.body = Body::List(list);
            } else {
                let mut kept = KeptBytes::default();
                kept.push(&start);
                self.body = Body::Whole(kept);
            }
            chunk = &[];
        }
        match &mut self.body {
            Body::Undecided(_) => {}
            Body::List(list) => list.push(chunk, found),
            Body::Whole(kept) => kept.push(chunk),
        }
    }

    /// Ends the body; returns what is wrong with the list itself, if anything.
    fn finish(self, found: &mut Found<'_>) -> Result<Option<String>, ResponseError> {
        match self.body {
            Body::Undecided(_) => Ok(None),
            Body::List(list) => Ok(list.finish(found)),
            Body::Whole(kept) => read_whole(self.status, self.declared_html, &kept, found).map(|()| None),
        }
    }
}

const BYTE_ORDER_MARK: &[u8] = "\u{feff}".as_bytes();

/// JSON's whitespace.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// The start of a body that is read whole, up to 1 MiB: enough
/// for one request or an error page's message; beyond it only the size counts.
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
fn read_whole(status: u16, declared_html: bool, body: &KeptBytes, found: &mut Found<'_>) -> Result<(), ResponseError> {
    match status {
        204 => Ok(()),
        200..=299 => read_body(declared_html, body, found),
        401 => Err(ResponseError::NotSignedIn),
        403 => Err(ResponseError::Forbidden),
        404 => Err(ResponseError::ApiNotEnabled),
        500..=599 => Err(server_error(status, &String::from_utf8_lossy(&body.bytes))),
        _ => Err(ResponseError::UnexpectedStatus { status }),
    }
}

/// Reads a successful body that is not a list: one item, or nothing.
fn read_body(declared_html: bool, body: &KeptBytes, found: &mut Found<'_>) -> Result<(), ResponseError> {
    let Ok(text) = body.text() else {
        return Err(ResponseError::NotJson { received: "binary data (not UTF-8 text)".into() });
    };
    let text = text.trim_start_matches('\u{feff}').trim();
    if declared_html || text.starts_with('<') {
        return Err(ResponseError::NotJson { received: describe_markup(text) });
    }
    match text.as_bytes().first() {
        None => Ok(()),
        Some(b'{') => {
            let element = match body.total {
                total if total > body.bytes.len() => Err(too_long(total)),
                _ => Ok(text.as_bytes()),
            };
            found(Element { index: 0, text: element });
            Ok(())
        }
        Some(_) if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() => Err(ResponseError::NotRequests {
            reason: format!("it is \u{201c}{}\u{201d}", shorten(text, MESSAGE_LIMIT)),
        }),
        Some(_) => Err(ResponseError::NotJson {
            received: format!("text starting \u{201c}{}\u{201d}", shorten(text, MESSAGE_LIMIT)),
        }),
    }
}

fn decode_element<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    if text.len() > MAX_ELEMENT_BYTES {
        return Err(too_long(text.len()));
    }
    serde_json::from_str(text).map_err(|error| error.to_string())
}

fn too_long(bytes: usize) -> String {
    format!("it is {} KB long; a request is never more than {} KB", bytes / 1024, MAX_ELEMENT_BYTES / 1024)
}

/// One element of a list: its bytes, or why they cannot be an element.
struct Element<'a> {
    /// Position in the list.
    index: usize,
    text: Result<&'a [u8], String>,
}

/// Splits a JSON array into its elements by bracket depth without parsing
/// them, so that one broken element (even one that is not valid JSON) costs
/// only itself. Chunks may end anywhere, even inside a string or an escape.
/// An element inside one chunk is decoded where it lies; only one that a
/// chunk's end cuts in two is copied, to be joined with its end.
#[derive(Default)]
struct ListSplitter {
    /// The start of an element that a chunk's end cut off.
    pending: Vec<u8>,
    depth: usize,
    in_string: bool,
    /// Inside a string, just after a backslash.
    escaped: bool,
    /// Bytes of the element under way that were dropped because it is already
    /// too long to be a request: it fails, but its end must still be found.
    dropped: usize,
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
        while let Some(end) = self.scan_to_element_end(chunk, start) {
            let closes = chunk[end] == b']';
            if self.pending.is_empty() {
                self.end_element(&chunk[start..end], closes, found);
            } else {
                let mut joined = std::mem::take(&mut self.pending);
                joined.extend_from_slice(&chunk[..end]);
                self.end_element(&joined, closes, found);
                // The buffer's room serves the next cut element.
                joined.clear();
                self.pending = joined;
            }
            start = end + 1;
            if closes {
                let mut after_end = KeptBytes::default();
                after_end.push(&chunk[start..]);
                self.after_end = Some(after_end);
                self.pending = Vec::new();
                return;
            }
        }
        self.pending.extend_from_slice(&chunk[start..]);
        if self.pending.len() > MAX_ELEMENT_BYTES {
            self.dropped += self.pending.len();
            self.pending.clear();
        }
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
                let offset = memchr::memchr2(b'"', b'\\', &bytes[at..])?;
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

    /// Reports `bytes` as the next element.
    fn end_element(&mut self, bytes: &[u8], closes: bool, found: &mut Found<'_>) {
        let index = self.ended;
        let bytes = bytes.trim_ascii();
        let dropped = std::mem::take(&mut self.dropped);
        self.ended += 1;
        let text = match (dropped, bytes.is_empty()) {
            (0, true) if closes && index == 0 => return,
            (0, true) => Err("the element is empty".to_owned()),
            (0, false) => Ok(bytes),
            (dropped, _) => Err(too_long(dropped + bytes.len())),
        };
        found(Element { index, text });
    }

    /// Ends the body: reports the last element if the list was cut off, and
    /// what is wrong with the list itself.
    fn finish(mut self, found: &mut Found<'_>) -> Option<String> {
        if let Some(after_end) = &self.after_end {
            return trailing_text(&String::from_utf8_lossy(&after_end.bytes));
        }
        // The body ended before the closing `]`: the response was cut off. The
        // last element is still decoded, in case it is whole.
        if self.dropped > 0 || !self.pending.trim_ascii().is_empty() {
            let pending = std::mem::take(&mut self.pending);
            self.end_element(&pending, false, found);
        }
        Some("the list is not closed: the response was cut off".into())
    }
}

fn trailing_text(rest: &str) -> Option<String> {
    let rest = rest.trim();
    (!rest.is_empty())
        .then(|| format!("unexpected text after the end of the list: \u{201c}{}\u{201d}", shorten(rest, MESSAGE_LIMIT)))
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
    fn no_content_and_empty_bodies_are_empty_lists() {
        assert_eq!(decode_response(204, None, b""), Ok(DecodedRequests::default()));
        assert_eq!(decode_response(200, Some("application/json"), b"  \n"), Ok(DecodedRequests::default()));
        assert_eq!(decode_response(200, None, b"[]"), Ok(DecodedRequests::default()));
    }

    #[test]
    fn one_object_is_a_list_of_one() {
        let decoded = decode_response(200, Some("application/json"), MINIMAL.as_bytes()).unwrap();
        assert_eq!(decoded.requests.len(), 1);
        assert!(decoded.failures.is_empty());
    }

    #[test]
    fn a_broken_element_costs_only_itself() {
        let body = format!(r#"[{MINIMAL}, {{"Uuid":"not a guid","RequestType":1,"Status":3}}, {MINIMAL}]"#);
        let decoded = decode_response(200, None, body.as_bytes()).unwrap();
        assert_eq!(decoded.requests.len(), 2);
        assert_eq!(decoded.failures.len(), 1);
        assert_eq!(decoded.failures[0].index, 1);
        assert!(decoded.failures[0].reason.contains("UUID"), "{}", decoded.failures[0].reason);
    }

    fn decode_ok(body: &str) -> DecodedRequests {
        decode_response(200, Some("application/json"), body.as_bytes()).unwrap()
    }

    fn failure_reasons(decoded: &DecodedRequests) -> Vec<(usize, &str)> {
        decoded.failures.iter().map(|failure| (failure.index, failure.reason.as_str())).collect()
    }

    #[test]
    fn an_element_that_is_not_even_json_costs_only_itself() {
        let decoded = decode_ok(&format!(r#"[{MINIMAL}, {{"Uuid": tru}}, {MINIMAL}]"#));
        assert_eq!(decoded.requests.len(), 2);
        assert_eq!(decoded.failures.len(), 1);
        assert_eq!(decoded.failures[0].index, 1);
        assert!(decoded.failures[0].reason.contains("expected ident"), "{:?}", decoded.failures);
    }

    #[test]
    fn brackets_and_quotes_inside_strings_do_not_split_elements() {
        let tricky = MINIMAL.replace(r#""Status":3"#, r#""Status":3,"Comment":"a],{\"b\\""#);
        let decoded = decode_ok(&format!("[{tricky},{MINIMAL}]"));
        assert_eq!(failure_reasons(&decoded), []);
        assert_eq!(decoded.requests[0].comment, "a],{\"b\\");
    }

    #[test]
    fn a_cut_off_list_keeps_what_arrived_and_says_so() {
        const CUT: &str = "the list is not closed: the response was cut off";
        let decoded = decode_ok(&format!(r#"[{MINIMAL},{MINIMAL},{{"Uuid":"a9b4"#));
        assert_eq!(decoded.requests.len(), 2);
        assert_eq!(decoded.failures.len(), 1, "the cut element");
        assert_eq!(decoded.failures[0].index, 2);
        assert_eq!(decoded.list_problem.as_deref(), Some(CUT));

        let whole_last = decode_ok(&format!("[{MINIMAL},{MINIMAL}"));
        assert_eq!(whole_last.requests.len(), 2);
        assert_eq!(failure_reasons(&whole_last), [], "every element that arrived was whole");
        assert_eq!(whole_last.list_problem.as_deref(), Some(CUT));
        let nothing = decode_ok("[");
        assert_eq!(
            (nothing.requests.len(), nothing.failures.len(), nothing.list_problem.as_deref()),
            (0, 0, Some(CUT))
        );
    }

    #[test]
    fn the_list_itself_can_be_malformed() {
        assert_eq!(failure_reasons(&decode_ok(&format!("[{MINIMAL},,{MINIMAL}]"))), [(1, "the element is empty")]);
        assert_eq!(decode_ok("[ \n ]"), DecodedRequests::default());
        let trailing = decode_ok(&format!("[{MINIMAL}] <!-- cached -->"));
        assert_eq!((trailing.requests.len(), trailing.failures.len()), (1, 0));
        assert!(trailing.list_problem.unwrap().starts_with("unexpected text after the end of the list"));
        let empty_then_text = decode_ok("[] x");
        assert_eq!((empty_then_text.requests.len(), empty_then_text.failures.len()), (0, 0));
        assert!(empty_then_text.list_problem.is_some());
    }

    #[test]
    fn hostile_elements_fail_alone() {
        let huge = format!(
            r#"{{"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099","RequestType":1,"Status":3,"Comment":"{}"}}"#,
            "x".repeat(MAX_ELEMENT_BYTES)
        );
        let deep = format!(
            r#"{{"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099","RequestType":1,"Status":3,"X":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let out_of_range = MINIMAL.replace(r#""Status":3"#, r#""Status":4294967296"#) + "}";
        let decoded = decode_ok(&format!("[{huge},{deep},{out_of_range},{MINIMAL}]"));
        assert_eq!(decoded.requests.len(), 1);
        let reasons = failure_reasons(&decoded);
        assert_eq!(reasons.iter().map(|(index, _)| *index).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(reasons[0].1.contains("KB long"), "{}", reasons[0].1);
        assert!(reasons[1].1.contains("recursion limit"), "{}", reasons[1].1);
        assert!(reasons[2].1.contains("expected i32"), "{}", reasons[2].1);
    }

    /// Decodes `body` delivered `size` bytes at a time.
    fn decode_in_chunks(body: &[u8], size: usize) -> Result<DecodedRequests, ResponseError> {
        let mut decoder = ResponseDecoder::new(200, Some("application/json"));
        let mut requests: Vec<Request> = body.chunks(size).flat_map(|chunk| decoder.push(chunk)).collect();
        let Finished { items, failures, list_problem } = decoder.finish()?;
        requests.extend(items);
        Ok(DecodedRequests { requests, failures, list_problem })
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
        ];
        for body in bodies {
            let whole = decode_response(200, Some("application/json"), body.as_bytes());
            for size in 1..=7 {
                assert_eq!(decode_in_chunks(body.as_bytes(), size), whole, "{body:?} in chunks of {size}");
            }
        }
    }

    #[test]
    fn an_element_too_long_to_be_a_request_is_not_kept_while_it_arrives() {
        let comment = "x".repeat(3 * MAX_ELEMENT_BYTES);
        let huge = MINIMAL.replace(r#""Status":3"#, &format!(r#""Status":3,"Comment":"{comment}""#));
        let body = format!("[{huge},{MINIMAL}]");
        let decoded = decode_in_chunks(body.as_bytes(), 64 * 1024).unwrap();
        assert_eq!(decoded.requests.len(), 1);
        assert_eq!(
            failure_reasons(&decoded),
            [(0, format!("it is {} KB long; a request is never more than 1024 KB", huge.len() / 1024).as_str())]
        );
    }

    #[test]
    fn a_body_that_is_not_a_list_is_kept_only_up_to_the_limit() {
        let long_page = format!("<html><title>Proxy</title>{}</html>", "y".repeat(2 * MAX_ELEMENT_BYTES));
        let error = decode_in_chunks(long_page.as_bytes(), 4096).unwrap_err();
        assert_eq!(error, ResponseError::NotJson { received: "an HTML page titled \u{201c}Proxy\u{201d}".into() });
        let one_huge =
            MINIMAL.replace(r#""Status":3"#, &format!(r#""Status":3,"Comment":"{}""#, "é".repeat(MAX_ELEMENT_BYTES)));
        let decoded = decode_in_chunks(one_huge.as_bytes(), 4096).unwrap();
        assert!(failure_reasons(&decoded)[0].1.contains("KB long"), "{decoded:?}");
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        assert_eq!(decode_ok(&format!("\u{feff}[{MINIMAL}]")).requests.len(), 1);
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
        assert_eq!(decode_response(200, None, b"[1]").unwrap().failures.len(), 1);
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
