//! Calls to the CM host under way: a body read chunk by chunk, a small answer
//! read whole, each with the user's credentials and aborted by its timeout or
//! when nobody waits for it any more.

use super::error::LoadError;
use gloo_net::http::Request;
use js_sys::{Reflect, Uint8Array};
use std::cell::Cell;
use std::rc::Rc;
use viewer_core::progress::Progress;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, ReadableStream, ReadableStreamByobReader, ReadableStreamDefaultReader, RequestCredentials,
};

/// What came back from a GET, before it is decoded.
pub(super) struct Answered {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// GETs a small answer from `host` whole, with the user's credentials, giving up after the timeout.
pub(super) async fn get(host: &str, url: &str, timeout_seconds: u32) -> Result<Answered, LoadError> {
    let mut download = Download::start(host, url, timeout_seconds).await?;
    let mut body = Vec::new();
    while download.next_chunk(&mut body).await? {}
    Ok(Answered { status: download.status, content_type: download.content_type, body })
}

/// How much of a body one read may bring, when the browser reads it into a
/// buffer the page gives: a quarter of a megabyte read faster than a whole one.
const BUFFER_BYTES: u32 = 256 * 1024;

/// Reads a body stream chunk by chunk: into one buffer, handed to the browser
/// and back for each read, when it is a byte stream (as fetch bodies are in
/// Chromium and Firefox); else in the chunks the browser makes, each new
/// memory for the garbage collector. At 100,000 requests (126 MB) one buffer
/// brought every row in 0.8 s, not 0.9; at a million, in 6.2 s, not 7.2.
pub enum BodyReader {
    IntoBuffer { reader: ReadableStreamByobReader, buffer: Option<js_sys::ArrayBuffer> },
    Chunks(ReadableStreamDefaultReader),
}

impl BodyReader {
    /// Reads `stream`, which nothing else may read.
    pub fn of(stream: ReadableStream) -> BodyReader {
        match ReadableStreamByobReader::new(&stream) {
            Ok(reader) => BodyReader::IntoBuffer { reader, buffer: None },
            // Not a byte stream: only its own chunks can be read.
            Err(_) => BodyReader::Chunks(stream.get_reader().unchecked_into()),
        }
    }

    /// Appends the next bytes of the body to `into`: how many; `None` once
    /// the body has ended.
    pub async fn read_into(&mut self, into: &mut Vec<u8>) -> Result<Option<usize>, JsValue> {
        let next = match self {
            BodyReader::IntoBuffer { reader, buffer } => {
                let buffer = buffer.take().unwrap_or_else(|| js_sys::ArrayBuffer::new(BUFFER_BYTES));
                JsFuture::from(reader.read_with_array_buffer_view(&Uint8Array::new(&buffer))).await?
            }
            BodyReader::Chunks(reader) => JsFuture::from(reader.read()).await?,
        };
        if Reflect::get(&next, &"done".into())?.as_bool().unwrap_or(true) {
            return Ok(None);
        }
        let bytes: Uint8Array = Reflect::get(&next, &"value".into())?.unchecked_into();
        // Copied into the room after the bytes `into` holds, never
        // filled first: a fill would write the whole body once more.
        let length = bytes.length() as usize;
        into.reserve(length);
        let copied = bytes.copy_to_uninit(&mut into.spare_capacity_mut()[..length]).len();
        // SAFETY: `copy_to_uninit` has written the `copied` bytes after the end.
        unsafe { into.set_len(into.len() + copied) };
        if let BodyReader::IntoBuffer { buffer, .. } = self {
            *buffer = Some(bytes.buffer());
        }
        Ok(Some(copied))
    }
}

/// A GET whose headers have arrived and whose body is read chunk by chunk,
/// with the user's credentials, within the timeout. Dropping it stops the download.
pub struct Download {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    host: String,
    timeout_seconds: u32,
    call: InFlight,
    reader: Option<BodyReader>,
    /// The announced body size, when it counts the bytes the reader yields.
    total: Option<u64>,
    received: u64,
}

impl Download {
    pub(super) async fn start(host: &str, url: &str, timeout_seconds: u32) -> Result<Download, LoadError> {
        let call =
            InFlight::start(timeout_seconds).map_err(|detail| LoadError::Network { host: host.to_owned(), detail })?;
        let request = Request::get(url)
            .credentials(RequestCredentials::Include)
            .abort_signal(Some(&call.controller.signal()))
            .send()
            .await;
        let mut download = Download {
            status: 0,
            content_type: None,
            host: host.to_owned(),
            timeout_seconds,
            call,
            reader: None,
            total: None,
            received: 0,
        };
        let response = match request {
            Ok(response) => response,
            Err(error) => return Err(download.failed(error.to_string())),
        };
        let headers = response.headers();
        // A compressed body's Content-Length counts compressed bytes, not what the reader yields.
        let compressed = headers.get("content-encoding").is_some_and(|encoding| encoding != "identity");
        download.total = headers.get("content-length").and_then(|length| length.parse().ok()).filter(|_| !compressed);
        download.status = response.status();
        download.content_type = headers.get("content-type");
        download.reader = response.body().map(BodyReader::of);
        Ok(download)
    }

    /// Appends the next chunk of the body to `into`; `false` once the body has ended.
    pub async fn next_chunk(&mut self, into: &mut Vec<u8>) -> Result<bool, LoadError> {
        let Some(reader) = &mut self.reader else {
            return Ok(false);
        };
        match reader.read_into(into).await {
            Ok(Some(copied)) => {
                self.received += copied as u64;
                Ok(true)
            }
            Ok(None) => {
                self.reader = None;
                Ok(false)
            }
            Err(error) => Err(self.failed(describe_js_error(&error))),
        }
    }

    /// How much of the body has arrived.
    pub fn progress(&self) -> Progress {
        // More than announced: the length counted something else (a compressed body).
        Progress { received: self.received, total: self.total.filter(|&total| self.received <= total) }
    }

    /// The host asked.
    pub fn host(&self) -> &str {
        &self.host
    }

    fn failed(&self, detail: String) -> LoadError {
        match self.call.timed_out() {
            true => LoadError::Timeout { host: self.host.clone(), seconds: self.timeout_seconds },
            false => LoadError::Network { host: self.host.clone(), detail },
        }
    }
}

/// A call under way: aborted by its timer, or when it is dropped because
/// nobody waits for its answer any more.
pub(super) struct InFlight {
    pub controller: AbortController,
    timer: i32,
    timed_out: Rc<Cell<bool>>,
    _on_timeout: Closure<dyn FnMut()>,
}

impl InFlight {
    pub fn start(timeout_seconds: u32) -> Result<InFlight, String> {
        let window = web_sys::window().ok_or("no browser window")?;
        let controller = AbortController::new().map_err(|error| describe_js_error(&error))?;
        let timed_out = Rc::new(Cell::new(false));
        let on_timeout = {
            let (controller, timed_out) = (controller.clone(), timed_out.clone());
            Closure::<dyn FnMut()>::new(move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        let milliseconds = i32::try_from(u64::from(timeout_seconds) * 1000).unwrap_or(i32::MAX);
        let timer = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(on_timeout.as_ref().unchecked_ref(), milliseconds)
            .map_err(|error| describe_js_error(&error))?;
        Ok(InFlight { controller, timer, timed_out, _on_timeout: on_timeout })
    }

    fn timed_out(&self) -> bool {
        self.timed_out.get()
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            window.clear_timeout_with_handle(self.timer);
        }
        // Harmless once the body has arrived; stops the download otherwise.
        self.controller.abort();
    }
}

fn describe_js_error(error: &JsValue) -> String {
    let message = error.dyn_ref::<js_sys::Error>().map(|error| String::from(error.message()));
    error.as_string().or(message).unwrap_or_else(|| format!("{error:?}"))
}
