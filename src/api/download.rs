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
use web_sys::{AbortController, ReadableStreamDefaultReader, RequestCredentials};

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
    reader: Option<ReadableStreamDefaultReader>,
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
        download.reader = response.body().map(|stream| stream.get_reader().unchecked_into());
        Ok(download)
    }

    /// Appends the next chunk of the body to `into`; `false` once the body has ended.
    pub async fn next_chunk(&mut self, into: &mut Vec<u8>) -> Result<bool, LoadError> {
        let Some(reader) = &self.reader else {
            return Ok(false);
        };
        let read = async {
            let next = JsFuture::from(reader.read()).await?;
            if Reflect::get(&next, &"done".into())?.as_bool().unwrap_or(true) {
                return Ok::<_, JsValue>(None);
            }
            Ok(Some(Reflect::get(&next, &"value".into())?.unchecked_into::<Uint8Array>()))
        };
        match read.await.map_err(|error| self.failed(describe_js_error(&error)))? {
            None => {
                self.reader = None;
                Ok(false)
            }
            Some(bytes) => {
                // Copied into the room after the bytes `into` holds, never
                // filled first: a fill would write the whole body once more.
                let length = bytes.length() as usize;
                into.reserve(length);
                let copied = bytes.copy_to_uninit(&mut into.spare_capacity_mut()[..length]).len();
                // SAFETY: `copy_to_uninit` has written the `copied` bytes after the end.
                unsafe { into.set_len(into.len() + copied) };
                self.received += copied as u64;
                Ok(true)
            }
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
