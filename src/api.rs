//! The only module that talks HTTP: reads `config.json`, and asks the CM host
//! for requests. Credentials are always sent, because CM servers sit
//! behind Windows authentication.

use cm_model::{DecodedRequests, NameBook, ResponseError, decode_response};
use gloo_net::http::{Request, Response};
use std::fmt;
use std::sync::Arc;
use viewer_core::config::ViewerConfig;
use viewer_core::query::ServerQuery;
use web_sys::RequestCredentials;

/// Why the requests could not be shown.
#[derive(Clone, Debug)]
pub enum LoadError {
    /// `config.json` exists but cannot be read.
    Config(String),
    /// The browser could not complete the request at all.
    Network { host: String, detail: String },
    /// The CM server answered, but not with requests.
    Response { host: String, error: ResponseError },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Config(message) => {
                write!(f, "{message}. Ask the administrator who installed the viewer to fix it.")
            }
            LoadError::Network { host, detail } => write!(
                f,
                "Could not reach the CM server at {host} ({detail}). Either the server is down or \
                 unreachable from this computer, or it does not allow this page's origin: when the \
                 viewer is hosted elsewhere than the CM server, the CM site must allow this origin \
                 with credentials (CORS)."
            ),
            LoadError::Response { host, error } => write!(f, "{error} (CM host: {host})"),
        }
    }
}

/// What the viewer needs before it can ask for requests: where to ask, and
/// the names to show numbers with.
pub struct Settings {
    pub host: String,
    pub names: Arc<NameBook>,
}

/// Reads `config.json` into [`Settings`].
pub async fn load_settings() -> Result<Settings, LoadError> {
    let config = load_config().await?;
    let names = config.name_book().map_err(LoadError::Config)?;
    let origin = web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default();
    Ok(Settings { host: config.host(&origin).to_owned(), names: Arc::new(names) })
}

async fn load_config() -> Result<ViewerConfig, LoadError> {
    // Relative, so that the viewer works under any sub-path.
    let response = Request::get("config.json")
        .send()
        .await
        .map_err(|error| LoadError::Config(format!("config.json could not be loaded: {error}")))?;
    if response.status() == 404 {
        return Ok(ViewerConfig::default());
    }
    let text =
        response.text().await.map_err(|error| LoadError::Config(format!("config.json could not be read: {error}")))?;
    ViewerConfig::from_json(&text).map_err(LoadError::Config)
}

/// Asks `host` the question `query` and decodes the answer.
pub async fn fetch_requests(host: &str, query: &ServerQuery) -> Result<DecodedRequests, LoadError> {
    let network_error =
        |error: gloo_net::Error| LoadError::Network { host: host.to_owned(), detail: error.to_string() };
    let response: Response =
        Request::get(&query.url(host)).credentials(RequestCredentials::Include).send().await.map_err(network_error)?;
    let content_type = response.headers().get("content-type");
    let body = response.binary().await.map_err(network_error)?;
    decode_response(response.status(), content_type.as_deref(), &body)
        .map_err(|error| LoadError::Response { host: host.to_owned(), error })
}
