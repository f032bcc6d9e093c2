//! What the viewer needs before it asks anything: `config.json`, read key by
//! key, and the CM host to ask, which the user may have chosen in this browser.

use cm_model::NameBook;
use gloo_net::http::Request;
use std::sync::Arc;
use viewer_core::auto_refresh::RefreshPolicy;
use viewer_core::config::{ConfigReading, ConfiguredHost, HostOverride, ViewerConfig};
use web_sys::RequestCache;

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

pub fn page_origin() -> String {
    web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default()
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
