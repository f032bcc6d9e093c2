//! The only module that talks HTTP: reads `config.json`, then asks the CM host
//! for its requests. Credentials are always sent, because CM servers sit
//! behind Windows authentication.

use cm_model::{DecodedRequests, NameBook, ResponseError, decode_response};
use gloo_net::http::{Request, Response};
use std::fmt;
use viewer_core::config::{ViewerConfig, requests_url};
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

/// Requests as loaded, with where they came from and the names to show them with.
pub struct LoadedRequests {
    pub host: String,
    pub names: NameBook,
    pub decoded: DecodedRequests,
}

/// Reads the configuration, then fetches and decodes every request the user may read.
pub async fn load_requests() -> Result<LoadedRequests, LoadError> {
    let config = load_config().await?;
    let names = config.name_book().map_err(LoadError::Config)?;
    let origin = web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default();
    let host = config.host(&origin).to_owned();
    let decoded = fetch_requests(&host).await?;
    Ok(LoadedRequests { host, names, decoded })
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

async fn fetch_requests(host: &str) -> Result<DecodedRequests, LoadError> {
    let network_error =
        |error: gloo_net::Error| LoadError::Network { host: host.to_owned(), detail: error.to_string() };
    let response: Response = Request::get(&requests_url(host))
        .credentials(RequestCredentials::Include)
        .send()
        .await
        .map_err(network_error)?;
    let content_type = response.headers().get("content-type");
    let body = response.binary().await.map_err(network_error)?;
    decode_response(response.status(), content_type.as_deref(), &body)
        .map_err(|error| LoadError::Response { host: host.to_owned(), error })
}
