//! The runtime configuration (`config.json`, served next to `index.html`) and
//! the API addresses it leads to.

use cm_model::{NameBook, NameConfig};
use serde::Deserialize;

/// What an administrator sets in `config.json`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewerConfig {
    /// Base URL of the CM server, e.g. `https://cm.contoso.com`. Empty: the
    /// page's own origin, for a viewer hosted on the CM server itself.
    #[serde(default)]
    pub cm_host: String,
    /// Names for numbers and bits that the built-in names lack or get wrong.
    #[serde(default)]
    pub names: NameConfig,
    /// How long to wait for the CM server before giving up, in seconds.
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u32,
}

fn default_timeout_seconds() -> u32 {
    60
}

impl Default for ViewerConfig {
    fn default() -> Self {
        ViewerConfig {
            cm_host: String::new(),
            names: NameConfig::default(),
            timeout_seconds: default_timeout_seconds(),
        }
    }
}

impl ViewerConfig {
    /// Reads `config.json`; a missing file means the defaults.
    pub fn from_json(text: &str) -> Result<ViewerConfig, String> {
        if text.trim().is_empty() {
            return Ok(ViewerConfig::default());
        }
        let config: ViewerConfig =
            serde_json::from_str(text).map_err(|error| format!("config.json is not valid: {error}"))?;
        if !config.cm_host.trim().is_empty() {
            validate_host(&config.cm_host).map_err(|error| format!("config.json is not valid: cmHost: {error}"))?;
        }
        if config.timeout_seconds == 0 {
            return Err("config.json is not valid: timeoutSeconds must be at least 1".to_owned());
        }
        Ok(config)
    }

    /// The names to use: built-in ones with the configured ones on top.
    pub fn name_book(&self) -> Result<NameBook, String> {
        NameBook::from_config(&self.names).map_err(|error| format!("config.json is not valid: {error}"))
    }

    /// The CM host to call: the configured one, or `page_origin` when none is set.
    pub fn host<'a>(&'a self, page_origin: &'a str) -> &'a str {
        let configured = self.cm_host.trim();
        if configured.is_empty() { page_origin } else { configured }
    }
}

/// Checks an address a user typed for the CM host: `http` or `https` only,
/// a host name, no user name, query or fragment. Returns it without a
/// trailing slash.
pub fn validate_host(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter the address of the CM server, such as https://cm.contoso.com.".to_owned());
    }
    let not_valid = |why: &str| Err(format!("\u{201c}{text}\u{201d} cannot be used: {why}"));
    let Some((scheme, rest)) = text.split_once("://") else {
        return not_valid("it must start with https:// or http://.");
    };
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return not_valid("only https:// and http:// addresses are allowed.");
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        return not_valid("it names no server.");
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) || authority.contains('@') {
        return not_valid("it contains spaces or a user name.");
    }
    if text.contains(['?', '#']) {
        return not_valid("it must not contain ? or #.");
    }
    Ok(text.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_or_absent_host_means_the_page_origin() {
        let origin = "http://127.0.0.1:8080";
        assert_eq!(ViewerConfig::from_json("").unwrap().host(origin), origin);
        assert_eq!(ViewerConfig::from_json("{}").unwrap().host(origin), origin);
        assert_eq!(ViewerConfig::from_json(r#"{"cmHost":"  "}"#).unwrap().host(origin), origin);
        let configured = ViewerConfig::from_json(r#"{"cmHost":"https://cm.contoso.com/"}"#).unwrap();
        assert_eq!(configured.host(origin), "https://cm.contoso.com/");
    }

    #[test]
    fn hosts_must_be_plain_http_addresses() {
        assert_eq!(validate_host(" https://cm.contoso.com/ "), Ok("https://cm.contoso.com".to_owned()));
        assert_eq!(validate_host("HTTP://cm:8080/sub"), Ok("HTTP://cm:8080/sub".to_owned()));
        assert!(validate_host("").unwrap_err().starts_with("Enter the address"));
        for (bad, why) in [
            ("cm.contoso.com", "must start with"),
            ("javascript://alert(1)", "only https:// and http://"),
            ("ftp://cm", "only https:// and http://"),
            ("https:///path", "names no server"),
            ("https://user@cm", "user name"),
            ("https://cm contoso", "spaces"),
            ("https://cm/?x=1", "must not contain"),
        ] {
            let message = validate_host(bad).unwrap_err();
            assert!(message.contains(why), "{bad}: {message}");
        }
    }

    #[test]
    fn the_timeout_defaults_to_a_minute() {
        assert_eq!(ViewerConfig::from_json("{}").unwrap().timeout_seconds, 60);
        assert_eq!(ViewerConfig::from_json(r#"{"timeoutSeconds": 5}"#).unwrap().timeout_seconds, 5);
        assert!(ViewerConfig::from_json(r#"{"timeoutSeconds": "soon"}"#).is_err());
        let zero = ViewerConfig::from_json(r#"{"timeoutSeconds": 0}"#).unwrap_err();
        assert_eq!(zero, "config.json is not valid: timeoutSeconds must be at least 1");
    }

    #[test]
    fn a_configured_host_must_be_an_http_address() {
        let error = ViewerConfig::from_json(r#"{"cmHost": "cm.contoso.com"}"#).unwrap_err();
        assert!(
            error.starts_with("config.json is not valid: cmHost: \u{201c}cm.contoso.com\u{201d} cannot be used"),
            "{error}"
        );
    }

    #[test]
    fn broken_config_is_reported() {
        let error = ViewerConfig::from_json("{cmHost:").unwrap_err();
        assert!(error.starts_with("config.json is not valid"), "{error}");
    }

    #[test]
    fn names_come_from_the_names_section() {
        let config = ViewerConfig::from_json(r#"{"names": {"requestType": {"12": "OfflineUnblock"}}}"#).unwrap();
        let names = config.name_book().unwrap();
        assert_eq!(names.request_type(cm_model::RequestType::from(12)).text, "OfflineUnblock");
        let bad = ViewerConfig::from_json(r#"{"names": {"status": {"x": "y"}}}"#).unwrap();
        assert_eq!(
            bad.name_book().unwrap_err(),
            "config.json is not valid: names.status: \u{201c}x\u{201d} is not a 32-bit number"
        );
    }
}
