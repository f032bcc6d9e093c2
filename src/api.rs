//! The only module that talks HTTP: reads `config.json`, and asks the CM host
//! for requests. Credentials are always sent, because CM servers sit behind
//! Windows authentication. Every call is aborted when it takes longer than the
//! configured timeout, or when the page no longer wants its answer. A call
//! the browser refuses is told apart: blocked by this page's
//! Content-Security-Policy, redirected (to a sign-in page) where it cannot
//! follow, refused by the CM site's CORS settings, or a server out of reach.

use cm_model::{NameBook, ProfileTemplate, ResponseError, decode_profile_templates, decode_response};
use gloo_net::http::Request;
use js_sys::{Reflect, Uint8Array};
use std::cell::Cell;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;
use viewer_core::auto_refresh::RefreshPolicy;
use viewer_core::config::{ConfigReading, ConfiguredHost, HostOverride, ViewerConfig, origin_of};
use viewer_core::progress::Progress;
use viewer_core::query::{ServerQuery, profile_templates_url};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, ReadableStreamDefaultReader, RequestCache, RequestCredentials, RequestMode, RequestRedirect,
    ResponseType,
};

/// Why the requests could not be shown.
#[derive(Clone, Debug)]
pub enum LoadError {
    /// The browser could not complete the request at all.
    Network { host: String, detail: String },
    /// This page's Content-Security-Policy does not list the host in `connect-src`.
    BlockedByPolicy { host: String },
    /// The host answered, but its CORS settings do not let this page's origin read the answer.
    CorsRefused { host: String, page_origin: String },
    /// The host sent the call elsewhere, as a sign-in (ADFS) does, where the browser could not follow.
    Redirected { host: String },
    /// The CM server did not answer in time.
    Timeout { host: String, seconds: u32 },
    /// The CM server answered, but not with requests.
    Response { host: String, error: ResponseError },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Network { host, detail } => write!(
                f,
                "Could not reach the CM server at {host} ({detail}). The server may be down, its \
                 address may be wrong, or the network between may not let this computer reach it."
            ),
            LoadError::BlockedByPolicy { host } => write!(
                f,
                "This page is not allowed to connect to the CM server at {host}: the \
                 Content-Security-Policy of the web server that serves the viewer does not list it. \
                 Its administrator must add {host} to connect-src in that header (web.config or the \
                 nginx site)."
            ),
            LoadError::Redirected { host } => write!(
                f,
                "The CM server at {host} sent this page to another address instead of answering, as a \
                 sign-in page (ADFS) or a proxy does. Open the CM host in this browser, sign in, then try \
                 again; if that does not help, the CM site's sign-in must not redirect calls to its API."
            ),
            LoadError::CorsRefused { host, page_origin } => write!(
                f,
                "The CM server at {host} answered, but does not let this page ({page_origin}) read \
                 its answers. A CM administrator must allow the origin {page_origin}, with \
                 credentials, in the CM site's CORS settings (the IIS CORS module)."
            ),
            LoadError::Timeout { host, seconds } => write!(
                f,
                "The CM server at {host} did not answer within {seconds} second{}. It may be busy; \
                 try again. If large lists always take longer, an administrator can raise \
                 timeoutSeconds in config.json.",
                if *seconds == 1 { "" } else { "s" }
            ),
            LoadError::Response { host, error } => write!(f, "{error} (CM host: {host})"),
        }
    }
}

impl LoadError {
    /// Why a download that had begun stopped before its end, in words.
    pub fn as_interruption(&self) -> String {
        let why = match self {
            LoadError::Network { host, detail } => {
                format!("the connection to the CM server at {host} broke ({detail})")
            }
            LoadError::Timeout { seconds, .. } => format!(
                "the CM server took longer than the {seconds} seconds allowed; an administrator can raise \
                 timeoutSeconds in config.json"
            ),
            other => other.to_string(),
        };
        format!("The download stopped before its end: {why}. The requests that arrived are shown; Refresh asks again.")
    }
}

/// Where the CM host in use comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostSource {
    /// `cmHost` in `config.json`.
    Configured,
    /// No host is configured: the server that serves the viewer.
    PageOrigin,
    /// The user set it in this browser.
    ThisBrowser,
    /// `cmHost` in `config.json` cannot be used (or the file could not be read), and the
    /// user has set no host in this browser: there is no server to ask.
    Unusable,
}

/// What the viewer needs before it can ask for requests.
pub struct Settings {
    /// The CM host to ask; empty when `host_source` is [`HostSource::Unusable`].
    pub host: String,
    /// Where `host` comes from.
    pub host_source: HostSource,
    /// The names to show numbers with, from `config.json`; template names come
    /// from the host separately.
    pub names: Arc<NameBook>,
    /// How long to wait for an answer.
    pub timeout_seconds: u32,
    /// The automatic refresh users get and may choose.
    pub auto_refresh: RefreshPolicy,
    /// What was wrong with `config.json`, one sentence each, for the page to show.
    pub config_problems: Vec<String>,
    /// Which host the one set in this browser replaces, or why it was ignored.
    pub host_notice: Option<String>,
}

/// Reads `config.json` into [`Settings`]: what cannot be read falls back to
/// its default, with a problem saying so. `chosen_host`, set by the user in
/// this browser, wins over the configured host when it can be used.
pub async fn load_settings(chosen_host: HostOverride) -> Settings {
    let ConfigReading { config, problems } = load_config().await;
    let origin = page_origin();
    let host_notice = chosen_host.notice(&config.cm_host, &origin);
    let (host, host_source) = match (chosen_host.address(), &config.cm_host) {
        (Some(host), _) => (host.to_owned(), HostSource::ThisBrowser),
        (None, ConfiguredHost::PageOrigin) => (origin, HostSource::PageOrigin),
        (None, ConfiguredHost::Address(address)) => (address.clone(), HostSource::Configured),
        (None, ConfiguredHost::Unusable) => (String::new(), HostSource::Unusable),
    };
    Settings {
        host,
        host_source,
        names: Arc::new(config.names),
        timeout_seconds: config.timeout_seconds,
        auto_refresh: config.auto_refresh,
        config_problems: problems,
        host_notice,
    }
}

fn page_origin() -> String {
    web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default()
}

/// The host's profile templates. They only name things, so when the host does
/// not give them the viewer shows GUIDs instead, without complaint.
pub async fn fetch_profile_templates(host: &str, timeout_seconds: u32) -> Vec<ProfileTemplate> {
    match get(host, &profile_templates_url(host), timeout_seconds).await {
        Ok(answer) => {
            decode_profile_templates(answer.status, answer.content_type.as_deref(), &answer.body).unwrap_or_default()
        }
        Err(_) => Vec::new(),
    }
}

/// `config.json`, read; none (a 404) means the defaults: the viewer on the CM server itself.
async fn load_config() -> ConfigReading {
    // Relative, so that the viewer works under any sub-path; always checked with
    // the server, so that an edit counts at the next visit whatever the caching.
    let response = match Request::get("config.json").cache(RequestCache::NoCache).send().await {
        Ok(response) => response,
        Err(error) => return ViewerConfig::unreadable(&format!("config.json could not be loaded ({error})")),
    };
    match response.status() {
        404 => ConfigReading::default(),
        200..=299 => match response.text().await {
            Ok(text) => ViewerConfig::read(&text),
            Err(error) => ViewerConfig::unreadable(&format!("config.json could not be read ({error})")),
        },
        status => {
            ViewerConfig::unreadable(&format!("config.json could not be loaded: the web server answered {status}"))
        }
    }
}

/// Asks the settings' host the question `query`; the answer's body is then
/// read chunk by chunk from the returned [`Download`].
pub async fn request_list(settings: &Settings, query: &ServerQuery) -> Result<Download, LoadError> {
    let started = Download::start(&settings.host, &query.url(&settings.host), settings.timeout_seconds).await;
    explained(started, settings.timeout_seconds).await
}

/// Checks that `host` answers as a CM server the user may read: asks for a
/// request that cannot exist, which a working server answers with 204.
pub async fn test_connection(host: &str, timeout_seconds: u32) -> Result<(), LoadError> {
    let answer =
        explained(get(host, &ServerQuery::matching_nothing().url(host), timeout_seconds).await, timeout_seconds)
            .await?;
    decode_response(answer.status, answer.content_type.as_deref(), &answer.body)
        .map(|_| ())
        .map_err(|error| LoadError::Response { host: host.to_owned(), error })
}

/// What came back from a GET, before it is decoded.
struct Answered {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// GETs a small answer from `host` whole, with the user's credentials, giving up after the timeout.
async fn get(host: &str, url: &str, timeout_seconds: u32) -> Result<Answered, LoadError> {
    let mut download = Download::start(host, url, timeout_seconds).await?;
    let mut body = Vec::new();
    let mut chunk = Vec::new();
    while download.next_chunk(&mut chunk).await? {
        body.extend_from_slice(&chunk);
    }
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
    async fn start(host: &str, url: &str, timeout_seconds: u32) -> Result<Download, LoadError> {
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

    /// Replaces `chunk` with the next chunk of the body; `false` once the body has ended.
    pub async fn next_chunk(&mut self, chunk: &mut Vec<u8>) -> Result<bool, LoadError> {
        let Some(reader) = &self.reader else {
            chunk.clear();
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
                chunk.clear();
                Ok(false)
            }
            Some(bytes) => {
                // The buffer is reused: only growing it costs a fill.
                let length = bytes.length() as usize;
                if chunk.len() < length {
                    chunk.resize(length, 0);
                }
                chunk.truncate(length);
                bytes.copy_to(chunk);
                self.received += chunk.len() as u64;
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

/// `result`, with a call the browser refused told apart by what the refusal
/// leaves behind: a Content-Security-Policy violation; a redirect (to a
/// sign-in page) that the call could not follow; or, for another origin, a
/// server that answers when its answer need not be read, which is what CORS
/// refuses. Only for calls whose failure the page shows: it costs probes.
async fn explained<T>(result: Result<T, LoadError>, timeout_seconds: u32) -> Result<T, LoadError> {
    match result {
        Err(error) => Err(refusal_explained(error, timeout_seconds).await),
        answered => answered,
    }
}

async fn refusal_explained(error: LoadError, timeout_seconds: u32) -> LoadError {
    let LoadError::Network { host, .. } = &error else { return error };
    let url = ServerQuery::matching_nothing().url(host);
    // A redirect is reported instead of followed: first, as the policy reports a
    // redirect it blocks under the address first asked. (Across origins this
    // needs the redirect to carry CORS headers, as the IIS CORS module adds them.)
    if probe(&url, RequestMode::Cors, RequestRedirect::Manual, timeout_seconds).await
        == Some(ResponseType::Opaqueredirect)
    {
        return LoadError::Redirected { host: host.clone() };
    }
    // Violation events are queued as tasks: a refusal may come before its event.
    crate::timing::yield_to_browser().await;
    if crate::policy_violations::blocked(host) {
        return LoadError::BlockedByPolicy { host: host.clone() };
    }
    let page_origin = page_origin();
    if origin_of(host).eq_ignore_ascii_case(&page_origin) {
        return error;
    }
    // An answer that need not be read comes through where CORS withholds a readable one.
    match probe(&url, RequestMode::NoCors, RequestRedirect::Follow, timeout_seconds).await {
        Some(_) => LoadError::CorsRefused { host: host.clone(), page_origin },
        None => error,
    }
}

/// The type of the answer to a GET of `url` with the user's credentials, or
/// `None` when there is none within the timeout.
async fn probe(url: &str, mode: RequestMode, redirect: RequestRedirect, timeout_seconds: u32) -> Option<ResponseType> {
    let call = InFlight::start(timeout_seconds).ok()?;
    let request = Request::get(url)
        .mode(mode)
        .redirect(redirect)
        .credentials(RequestCredentials::Include)
        .abort_signal(Some(&call.controller.signal()));
    request.send().await.ok().map(|answer| answer.type_())
}

/// A call under way: aborted by its timer, or when it is dropped because
/// nobody waits for its answer any more.
struct InFlight {
    controller: AbortController,
    timer: i32,
    timed_out: Rc<Cell<bool>>,
    _on_timeout: Closure<dyn FnMut()>,
}

impl InFlight {
    fn start(timeout_seconds: u32) -> Result<InFlight, String> {
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
