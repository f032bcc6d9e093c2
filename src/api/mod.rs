//! The only module that talks to the CM host. Credentials are always sent,
//! because CM servers sit behind Windows authentication. Every call is
//! aborted when it takes longer than the configured timeout, or when the page
//! no longer wants its answer (`download`); a call the browser refuses is told
//! apart (`refusal`); what failed is said in words (`error`).

mod download;
mod error;
mod refusal;

pub use download::{BodyReader, Download};
pub use error::LoadError;

use crate::settings::Settings;
use cm_model::{
    Decoded, ProfileTemplate, ResponseError, ResponseItem, decode_items, decode_one, decode_operations,
    decode_profile_templates, decode_response,
};
use download::get;
use refusal::explained;
use viewer_core::query::{ServerQuery, profile_templates_url};

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

/// GETs `url` whole and decodes it with `decode`; a failure of either is a [`LoadError`].
async fn get_decoded<T>(
    host: &str,
    url: &str,
    timeout_seconds: u32,
    decode: impl FnOnce(u16, Option<&str>, &[u8]) -> Result<T, ResponseError>,
) -> Result<T, LoadError> {
    let answer = get(host, url, timeout_seconds).await?;
    decode(answer.status, answer.content_type.as_deref(), &answer.body)
        .map_err(|error| LoadError::Response { host: host.to_owned(), error })
}

/// One object (a smart card, a profile, a policy); `None` when the server has none.
pub async fn fetch_one<T: ResponseItem>(host: &str, url: &str, timeout_seconds: u32) -> Result<Option<T>, LoadError> {
    get_decoded(host, url, timeout_seconds, decode_one).await
}

/// A list of objects (certificates, cards found), and those that could not be read.
pub async fn fetch_list<T: ResponseItem>(host: &str, url: &str, timeout_seconds: u32) -> Result<Decoded<T>, LoadError> {
    get_decoded(host, url, timeout_seconds, decode_items).await
}

/// What the signed-in user may do with a smart card or profile.
pub async fn fetch_operations(host: &str, url: &str, timeout_seconds: u32) -> Result<Vec<String>, LoadError> {
    get_decoded(host, url, timeout_seconds, decode_operations).await
}
