//! Why a call to the CM host failed, in words a help desk can act on.

use cm_model::ResponseError;
use std::fmt;
use viewer_core::related::refusal_text;

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
    /// Why `subject` (`this smart card`, `its certificates`), asked for beside
    /// the requests, could not be read: each such call can fail alone.
    pub fn about(&self, subject: &str) -> String {
        match self {
            LoadError::Response { error, .. } => refusal_text(subject, error),
            LoadError::Network { host, .. } => format!(
                "Could not read {subject}: the browser got no answer from the CM server at {host}, which \
                 answers for requests. The CM site's CORS settings may not let this page read that part of \
                 the API (see the deployment guide), or the network failed; open the request again to retry."
            ),
            other => format!("Could not read {subject}. {other}"),
        }
    }

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
