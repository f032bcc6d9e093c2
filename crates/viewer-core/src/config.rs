//! The runtime configuration (`config.json`, served next to `index.html`) and
//! the API addresses it leads to.
//!
//! It is read key by key: a wrong value costs only that value, which falls
//! back to its default with a problem naming the key, so that one typo does
//! not stop the viewer for everybody. The CM host is the exception: no
//! default can stand in for a host an administrator meant to set.

use crate::auto_refresh::{INTERVAL_CHOICES, LONGEST_SHORTEST_MINUTES, RefreshPolicy};
use crate::name_config::NameConfig;
use cm_model::NameBook;
use serde_json::{Map, Value};

/// The keys of `config.json`.
pub const KEYS: [&str; 6] =
    ["cmHost", "timeoutSeconds", "autoRefreshMinutes", "autoRefreshShortestMinutes", "autoRefreshAllowed", "names"];

/// The longest CM host address accepted, in bytes: a DNS name has at most 253
/// characters, and the CM site's path a few dozen more. A longer value was
/// not typed by anybody; it is refused before anything else looks at it.
const MAX_HOST_BYTES: usize = 1024;

const DEFAULT_TIMEOUT_SECONDS: u32 = 60;
/// An hour: longer than any list takes, short enough to notice a hung server.
const MAX_TIMEOUT_SECONDS: u32 = 3600;

/// Which CM server `config.json` says to ask.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfiguredHost {
    /// No `cmHost` (absent or empty): the server the page comes from, for a
    /// viewer hosted on the CM server itself.
    PageOrigin,
    /// `cmHost`, checked, without a trailing slash.
    Address(String),
    /// `cmHost` is set but cannot be used, or `config.json` could not be read:
    /// asking the page's own server instead would only mislead.
    Unusable,
}

/// What an administrator sets in `config.json`, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewerConfig {
    /// `cmHost`.
    pub cm_host: ConfiguredHost,
    /// `names`: the built-in names with the configured ones on top.
    pub names: NameBook,
    /// `timeoutSeconds`: how long to wait for the CM server before giving up.
    pub timeout_seconds: u32,
    /// `autoRefreshMinutes`, `autoRefreshShortestMinutes`, `autoRefreshAllowed`:
    /// the automatic refresh users get and may choose.
    pub auto_refresh: RefreshPolicy,
}

impl Default for ViewerConfig {
    fn default() -> Self {
        ViewerConfig {
            cm_host: ConfiguredHost::PageOrigin,
            names: NameBook::default(),
            timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
            auto_refresh: RefreshPolicy::default(),
        }
    }
}

/// The configuration read from `config.json`, and what was wrong with it,
/// one sentence per problem, each naming its key. By default: no file, all defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigReading {
    /// The configuration in force: what could be read, defaults for the rest.
    pub config: ViewerConfig,
    /// What could not be used, for the page to show.
    pub problems: Vec<String>,
}

impl ViewerConfig {
    /// Reads the text of `config.json`; an empty file means the defaults.
    pub fn read(text: &str) -> ConfigReading {
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            return ConfigReading::default();
        }
        if text.starts_with('<') {
            return ViewerConfig::unreadable(
                "config.json is a web page, not JSON: the web server did not send the file. Check that \
                 config.json is in the folder next to index.html",
            );
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(keys)) => read_keys(&keys),
            Ok(other) => ViewerConfig::unreadable(&format!(
                "config.json must be one JSON object, {{ \u{2026} }}, not {}",
                describe(&other)
            )),
            Err(error) => ViewerConfig::unreadable(&format!("config.json is not valid JSON: {error}")),
        }
    }

    /// The defaults, with no host to ask, when `config.json` as a whole could
    /// not be read; `why` says what went wrong.
    pub fn unreadable(why: &str) -> ConfigReading {
        ConfigReading {
            config: ViewerConfig { cm_host: ConfiguredHost::Unusable, ..ViewerConfig::default() },
            problems: vec![format!(
                "{why}. None of its settings could be read, so the viewer does not know which CM server to ask."
            )],
        }
    }
}

fn read_keys(keys: &Map<String, Value>) -> ConfigReading {
    let mut config = ViewerConfig::default();
    let mut problems = Vec::new();
    for (key, value) in keys {
        match key.as_str() {
            "cmHost" => config.cm_host = read_host(value, &mut problems),
            "timeoutSeconds" => {
                let described = "a whole number of seconds from 1 to 3600";
                let usable = |seconds: u32| (1..=MAX_TIMEOUT_SECONDS).contains(&seconds);
                let timeout = read_number(value, usable, key, described, &mut problems);
                config.timeout_seconds = timeout.unwrap_or(DEFAULT_TIMEOUT_SECONDS);
            }
            "autoRefreshMinutes" => {
                let described = "one of 0 (off), 1, 5, 15, 30 or 60";
                let usable = |minutes: u32| minutes == 0 || INTERVAL_CHOICES.contains(&minutes);
                let minutes = read_number(value, usable, key, described, &mut problems);
                config.auto_refresh.default_minutes = minutes.unwrap_or(0);
            }
            "autoRefreshShortestMinutes" => {
                let described = "a whole number of minutes from 1 to 1440";
                let usable = |minutes: u32| (1..=LONGEST_SHORTEST_MINUTES).contains(&minutes);
                let minutes = read_number(value, usable, key, described, &mut problems);
                config.auto_refresh.shortest_minutes = minutes.unwrap_or(RefreshPolicy::default().shortest_minutes);
            }
            "autoRefreshAllowed" => match value {
                Value::Bool(allowed) => config.auto_refresh.allowed = *allowed,
                other => problems.push(format!(
                    "autoRefreshAllowed must be true or false, not {}; automatic refresh stays allowed.",
                    describe(other)
                )),
            },
            "names" => config.names = read_names(value, &mut problems),
            unknown => {
                let mut problem = unknown_key(unknown, &KEYS, "");
                // A misspelt host was meant to be one: the page's origin must not stand in for it.
                if unknown.trim().eq_ignore_ascii_case("cmHost") && !keys.contains_key("cmHost") {
                    config.cm_host = ConfiguredHost::Unusable;
                    problem.push_str(" The viewer asks no server until it is fixed.");
                }
                problems.push(problem);
            }
        }
    }
    let policy = config.auto_refresh;
    if policy.allowed && policy.default_minutes != 0 && policy.default_minutes < policy.shortest_minutes {
        let in_force = policy.in_force(None);
        problems.push(format!(
            "autoRefreshMinutes ({}) is shorter than autoRefreshShortestMinutes ({}); users who have not chosen get {}.",
            policy.default_minutes,
            policy.shortest_minutes,
            match in_force {
                0 => "no automatic refresh".to_owned(),
                minutes => format!("one every {minutes} minutes"),
            }
        ));
    }
    ConfigReading { config, problems }
}

fn read_host(value: &Value, problems: &mut Vec<String>) -> ConfiguredHost {
    let Value::String(text) = value else {
        problems.push(format!(
            "cmHost must be the CM server's address in quotes, such as \"https://cm.contoso.com\", not {}. \
             The viewer asks no server until it is fixed.",
            describe(value)
        ));
        return ConfiguredHost::Unusable;
    };
    if text.trim().is_empty() {
        return ConfiguredHost::PageOrigin;
    }
    match validate_host(text) {
        Ok(address) => {
            problems.extend(unencrypted_host_warning(&address));
            ConfiguredHost::Address(address)
        }
        Err(why) => {
            problems.push(format!("cmHost: {why} The viewer asks no server until it is fixed."));
            ConfiguredHost::Unusable
        }
    }
}

/// A warning for a host asked over plain `http://`, which is still used: its
/// answers cross the network readable and changeable, and a viewer opened over
/// `https://` is not let through to it. None for this computer itself
/// (`localhost`, `127.0.0.0/8`, `[::1]`), which tests and demonstrations use
/// and whose traffic never leaves it.
fn unencrypted_host_warning(address: &str) -> Option<String> {
    let (scheme, rest) = address.split_once("://")?;
    let authority = rest.split('/').next().unwrap_or_default();
    let name_end = authority.find(']').map_or_else(|| authority.find(':').unwrap_or(authority.len()), |at| at + 1);
    let name = &authority[..name_end];
    let loopback = name.eq_ignore_ascii_case("localhost")
        || name == "[::1]"
        || name.parse::<std::net::Ipv4Addr>().is_ok_and(|address| address.is_loopback());
    (scheme.eq_ignore_ascii_case("http") && !loopback).then(|| {
        format!(
            "cmHost: {address} is not encrypted (http:// instead of https://): requests and the CM server's answers \
             cross the network where others can read or change them, and browsers block it for a viewer opened \
             with https://. The viewer still uses it; the administrator should change it to the CM server's \
             https:// address."
        )
    })
}

/// A whole number that is `usable`, or `None` with a problem saying what `key` must be.
fn read_number(
    value: &Value,
    usable: impl Fn(u32) -> bool,
    key: &str,
    described: &str,
    problems: &mut Vec<String>,
) -> Option<u32> {
    let number = value.as_u64().and_then(|number| u32::try_from(number).ok()).filter(|&number| usable(number));
    if number.is_none() {
        problems.push(format!("{key} must be {described}, not {}; its default is used.", describe(value)));
    }
    number
}

fn read_names(value: &Value, problems: &mut Vec<String>) -> NameBook {
    let Value::Object(sections) = value else {
        problems.push(format!(
            "names must be an object of sections, such as {{ \"requestType\": {{ \"12\": \"OfflineUnblock\" }} }}, \
             not {}; only the built-in names are used.",
            describe(value)
        ));
        return NameBook::default();
    };
    let mut config = NameConfig::default();
    for (section_key, entries) in sections {
        let Some(section) = config.section_mut(section_key) else {
            problems.push(unknown_key(section_key, &NameConfig::SECTIONS, "names."));
            continue;
        };
        let Value::Object(entries) = entries else {
            problems.push(format!(
                "names.{section_key} must be an object of numbers and names, such as {{ \"12\": \"OfflineUnblock\" }}, \
                 not {}.",
                describe(entries)
            ));
            continue;
        };
        for (number, name) in entries {
            match name {
                Value::String(name) => {
                    section.insert(number.clone(), name.clone());
                }
                other => problems
                    .push(format!("names.{section_key}.{number} must be a name in quotes, not {}.", describe(other))),
            }
        }
    }
    let (names, name_problems) = config.usable();
    problems.extend(name_problems.into_iter().map(|problem| format!("{problem}; that name is not used.")));
    NameBook::configured(names)
}

/// A key nobody reads: most often a misspelt one, so the likely one is named.
fn unknown_key(key: &str, known: &[&str], prefix: &str) -> String {
    let meant = known.iter().find(|known| known.eq_ignore_ascii_case(key.trim()));
    match meant {
        Some(meant) => format!("{prefix}{key} is not a setting (ignored): did you mean {prefix}{meant}?"),
        None => {
            let known = known.iter().map(|known| format!("{prefix}{known}")).collect::<Vec<_>>().join(", ");
            format!("{prefix}{key} is not a setting (ignored); the settings are {known}.")
        }
    }
}

/// A JSON value in a few words, for saying what was found instead.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => quoted(text),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// `text` in quotes, its start only when it is long, for a message to quote.
fn quoted(text: &str) -> String {
    const LIMIT: usize = 60;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("\u{201c}{}\u{2026}\u{201d}", &text[..cut]),
        None => format!("\u{201c}{text}\u{201d}"),
    }
}

/// The CM host a user set for this browser (kept in its localStorage), as
/// read back: it is checked again, since it may have been edited by hand or
/// left by another version of the viewer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostOverride {
    /// None is set: config.json decides.
    NotSet,
    /// A usable address, asked in place of config.json's host.
    Address(String),
    /// What was kept cannot be used: config.json decides, and `why` tells the user.
    Ignored { why: String },
}

impl HostOverride {
    /// Checks a host kept in the browser (`None` when none is kept) as a host typed in is checked.
    pub fn read(stored: Option<&str>) -> HostOverride {
        match stored.filter(|stored| !stored.trim().is_empty()).map(validate_host) {
            None => HostOverride::NotSet,
            Some(Ok(address)) => HostOverride::Address(address),
            Some(Err(why)) => HostOverride::Ignored {
                why: format!(
                    "The CM host set earlier in this browser was not used, and has been forgotten: {why} The \
                     viewer uses the host from config.json instead; you can set another one under Settings."
                ),
            },
        }
    }

    /// The address to ask instead of config.json's host, if there is one.
    pub fn address(&self) -> Option<&str> {
        match self {
            HostOverride::Address(address) => Some(address),
            HostOverride::NotSet | HostOverride::Ignored { .. } => None,
        }
    }

    /// What the page says about the host set in this browser, if anything:
    /// which host it replaces (`configured`, or `page_origin` when config.json
    /// sets none), or why it was ignored.
    pub fn notice(&self, configured: &ConfiguredHost, page_origin: &str) -> Option<String> {
        let address = match self {
            HostOverride::NotSet => return None,
            HostOverride::Ignored { why } => return Some(why.clone()),
            HostOverride::Address(address) => address,
        };
        let replaced = match configured {
            ConfiguredHost::Address(configured) => format!("instead of {configured}, the host set in config.json."),
            ConfiguredHost::PageOrigin => {
                format!("instead of {page_origin}, the server this page comes from, which config.json leaves in use.")
            }
            ConfiguredHost::Unusable => "as config.json names no CM host that can be used.".to_owned(),
        };
        Some(format!("Using the CM host {address}, set in this browser, {replaced}"))
    }
}

/// `scheme://authority` of an address: the origin a browser and a
/// Content-Security-Policy compare, when the address has a scheme.
pub fn origin_of(address: &str) -> &str {
    let after_scheme = address.find("://").map_or(0, |at| at + 3);
    address[after_scheme..].find('/').map_or(address, |at| &address[..after_scheme + at])
}

/// Checks an address for the CM host: `http` or `https` only, a host name,
/// no user name, query or fragment, at most 1 KiB. Returns it
/// without a trailing slash.
pub fn validate_host(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter the address of the CM server, such as https://cm.contoso.com.".to_owned());
    }
    let not_valid = |why: &str| Err(format!("{} cannot be used: {why}", quoted(text)));
    if text.len() > MAX_HOST_BYTES {
        return not_valid(&format!(
            "at {} characters, it is far longer than a server's address.",
            text.chars().count()
        ));
    }
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
    use cm_model::{NameOrigin, RequestStatus, RequestType};

    /// The reading of `text`, its problems sorted: JSON objects may or may not keep their keys' order.
    fn read(text: &str) -> ConfigReading {
        let mut reading = ViewerConfig::read(text);
        reading.problems.sort();
        reading
    }

    #[test]
    fn empty_or_absent_host_means_the_page_origin() {
        for text in ["", "{}", r#"{"cmHost":"  "}"#, "\u{feff}{}"] {
            let reading = read(text);
            assert_eq!(reading.config.cm_host, ConfiguredHost::PageOrigin, "{text}");
            assert_eq!(reading.problems, Vec::<String>::new(), "{text}");
        }
        let configured = read(r#"{"cmHost":"https://cm.contoso.com/"}"#);
        assert_eq!(configured.config.cm_host, ConfiguredHost::Address("https://cm.contoso.com".into()));
        assert!(configured.problems.is_empty());
    }

    #[test]
    fn the_documented_example_reads_without_problems() {
        let guide = include_str!("../../../docs/deploying.md");
        let example = guide.split_once("An example with every key:\n\n```json\n").expect("the example").1;
        let example = example.split_once("```").expect("the example's end").0;
        let reading = read(example);
        assert_eq!(reading.problems, Vec::<String>::new());
        let config = reading.config;
        assert_eq!(config.cm_host, ConfiguredHost::Address("https://cm.contoso.com".into()));
        let refresh = RefreshPolicy { allowed: true, shortest_minutes: 5, default_minutes: 15 };
        assert_eq!((config.timeout_seconds, config.auto_refresh), (120, refresh));
        assert_eq!(config.names.status(RequestStatus::from(42)).text, "Archived");
        assert_eq!(config.names.request_type(RequestType::from(12)).origin, NameOrigin::Configured);
        assert_eq!(config.names.data_collection_flags(0x20).to_string(), "SubscriberProvided");
        assert_eq!(config.names.card_status(cm_model::CardStatus::from(6)).origin, NameOrigin::Configured);
    }

    #[test]
    fn the_origin_of_an_address_drops_its_path() {
        assert_eq!(origin_of("http://cm:8080/sub/path"), "http://cm:8080");
        assert_eq!(origin_of("https://cm.contoso.com"), "https://cm.contoso.com");
        assert_eq!(origin_of("https://cm.contoso.com/"), "https://cm.contoso.com");
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
    fn an_unencrypted_host_is_used_with_a_warning_unless_it_is_this_computer() {
        for host in ["http://cm.contoso.com", "HTTP://cm.contoso.com:8080/", "http://10.1.2.3", "http://[fe80::1]:80"] {
            let reading = read(&format!(r#"{{"cmHost": "{host}"}}"#));
            let address = host.trim_end_matches('/');
            assert_eq!(reading.config.cm_host, ConfiguredHost::Address(address.into()), "{host}: still used");
            assert_eq!(
                reading.problems,
                [format!(
                    "cmHost: {address} is not encrypted (http:// instead of https://): requests and the CM server's \
                     answers cross the network where others can read or change them, and browsers block it for a \
                     viewer opened with https://. The viewer still uses it; the administrator should change it to \
                     the CM server's https:// address."
                )]
            );
        }
        for quiet in [
            "https://cm.contoso.com",
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost",
            "http://LocalHost:3000/",
            "http://[::1]:8080",
            "https://10.1.2.3",
        ] {
            let reading = read(&format!(r#"{{"cmHost": "{quiet}"}}"#));
            assert_eq!(reading.problems, Vec::<String>::new(), "{quiet}");
        }
        for lookalike in ["http://localhost.contoso.com", "http://127.0.0.1.contoso.com", "http://127.0.0.1.nip.io"] {
            assert_eq!(read(&format!(r#"{{"cmHost": "{lookalike}"}}"#)).problems.len(), 1, "{lookalike}");
        }
    }

    #[test]
    fn a_very_long_host_is_refused_and_quoted_in_part() {
        let long = format!("https://{}.contoso.com", "cm".repeat(5 * 1024 * 1024));
        let message = validate_host(&long).unwrap_err();
        assert_eq!(
            message,
            format!(
                "\u{201c}https://{}\u{2026}\u{201d} cannot be used: at {} characters, it is far longer than a \
                 server's address.",
                "cm".repeat(26),
                long.len()
            )
        );
        let longest = format!("https://{}", "c".repeat(MAX_HOST_BYTES - "https://".len()));
        assert_eq!(validate_host(&longest), Ok(longest.clone()));
        assert!(validate_host(&format!("{longest}m")).is_err());
    }

    #[test]
    fn a_host_kept_in_the_browser_is_checked_when_read() {
        assert_eq!(HostOverride::read(None), HostOverride::NotSet);
        assert_eq!(HostOverride::read(Some(" ")), HostOverride::NotSet);
        let usable = HostOverride::read(Some("https://cm2.contoso.com/"));
        assert_eq!(usable.address(), Some("https://cm2.contoso.com"));
        let huge = "x".repeat(5 * 1024 * 1024);
        for (kept, why) in [
            ("javascript:alert(1)", "\u{201c}javascript:alert(1)\u{201d} cannot be used: it must start with https://"),
            ("javascript://alert(1)", "only https:// and http:// addresses are allowed."),
            ("ftp://x", "\u{201c}ftp://x\u{201d} cannot be used: only https:// and http://"),
            ("not a url", "\u{201c}not a url\u{201d} cannot be used: it must start with https://"),
            (&huge, "it is far longer than a server's address."),
        ] {
            let read = HostOverride::read(Some(kept));
            assert_eq!(read.address(), None, "{why}");
            let HostOverride::Ignored { why: message } = read else { panic!("{why}: not ignored") };
            assert!(
                message.starts_with("The CM host set earlier in this browser was not used, and has been forgotten: ")
            );
            assert!(message.contains(why), "{message}");
            assert!(
                message.ends_with("uses the host from config.json instead; you can set another one under Settings.")
            );
            assert!(message.len() < 400, "a long value is quoted in part only: {} bytes", message.len());
        }
    }

    #[test]
    fn the_page_says_which_host_the_browser_s_own_replaces() {
        let own = HostOverride::Address("https://cm2".to_owned());
        let origin = "https://viewer.contoso.com";
        let configured = ConfiguredHost::Address("https://cm".to_owned());
        assert_eq!(
            own.notice(&configured, origin).unwrap(),
            "Using the CM host https://cm2, set in this browser, instead of https://cm, the host set in config.json."
        );
        assert_eq!(
            own.notice(&ConfiguredHost::PageOrigin, origin).unwrap(),
            "Using the CM host https://cm2, set in this browser, instead of https://viewer.contoso.com, the server \
             this page comes from, which config.json leaves in use."
        );
        assert_eq!(
            own.notice(&ConfiguredHost::Unusable, origin).unwrap(),
            "Using the CM host https://cm2, set in this browser, as config.json names no CM host that can be used."
        );
        assert_eq!(HostOverride::NotSet.notice(&configured, origin), None);
        let ignored = HostOverride::read(Some("ftp://x"));
        let HostOverride::Ignored { why } = &ignored else { panic!("not ignored") };
        assert_eq!(ignored.notice(&configured, origin).as_ref(), Some(why));
    }

    #[test]
    fn a_host_that_cannot_be_used_stops_asking_and_says_why() {
        let reading = read(r#"{"cmHost": "ftp://cm.contoso.com", "timeoutSeconds": 5}"#);
        assert_eq!(reading.config.cm_host, ConfiguredHost::Unusable);
        assert_eq!(reading.config.timeout_seconds, 5, "the other keys still count");
        assert_eq!(
            reading.problems,
            ["cmHost: \u{201c}ftp://cm.contoso.com\u{201d} cannot be used: only https:// and http:// addresses are \
              allowed. The viewer asks no server until it is fixed."]
        );
        let number = read(r#"{"cmHost": 443}"#);
        assert_eq!(number.config.cm_host, ConfiguredHost::Unusable);
        assert!(number.problems[0].starts_with("cmHost must be the CM server's address in quotes"), "{number:?}");
        assert!(number.problems[0].contains("not 443."), "{number:?}");
    }

    #[test]
    fn the_timeout_defaults_to_a_minute_and_wrong_ones_fall_back() {
        assert_eq!(read("{}").config.timeout_seconds, 60);
        assert_eq!(read(r#"{"timeoutSeconds": 5}"#).config.timeout_seconds, 5);
        for (bad, shown) in
            [("\"soon\"", "\u{201c}soon\u{201d}"), ("0", "0"), ("3601", "3601"), ("1.5", "1.5"), ("-1", "-1")]
        {
            let reading = read(&format!(r#"{{"cmHost": "https://cm", "timeoutSeconds": {bad}}}"#));
            assert_eq!(reading.config.timeout_seconds, 60, "{bad}");
            assert_eq!(reading.config.cm_host, ConfiguredHost::Address("https://cm".into()), "{bad}: the host counts");
            assert_eq!(
                reading.problems,
                [format!(
                    "timeoutSeconds must be a whole number of seconds from 1 to 3600, not {shown}; its default is used."
                )]
            );
        }
    }

    #[test]
    fn auto_refresh_is_off_unless_configured_with_an_offered_choice() {
        assert_eq!(read("{}").config.auto_refresh, RefreshPolicy::default());
        assert_eq!(read(r#"{"autoRefreshMinutes": 15}"#).config.auto_refresh.default_minutes, 15);
        for bad in ["10", "true", "\"5\""] {
            let reading = read(&format!(r#"{{"autoRefreshMinutes": {bad}}}"#));
            assert_eq!(reading.config.auto_refresh.default_minutes, 0, "{bad}");
            assert_eq!(reading.problems.len(), 1, "{bad}: {:?}", reading.problems);
            assert!(reading.problems[0].starts_with("autoRefreshMinutes must be one of 0 (off), 1, 5, 15, 30 or 60"));
        }
    }

    #[test]
    fn the_administrator_sets_the_shortest_interval_or_turns_automatic_refresh_off() {
        let limited = read(r#"{"autoRefreshShortestMinutes": 15, "autoRefreshMinutes": 30}"#);
        assert_eq!(limited.problems, Vec::<String>::new());
        assert_eq!(limited.config.auto_refresh.offered(), [0, 15, 30, 60]);
        let off = read(r#"{"autoRefreshAllowed": false, "autoRefreshMinutes": 5}"#).config.auto_refresh;
        assert_eq!((off.offered(), off.in_force(None), off.in_force(Some(1))), (vec![0], 0, 0));
        for (bad, problem) in [
            (r#"{"autoRefreshShortestMinutes": 0}"#, "autoRefreshShortestMinutes must be a whole number of minutes"),
            (r#"{"autoRefreshShortestMinutes": 1441}"#, "autoRefreshShortestMinutes must be a whole number of minutes"),
            (r#"{"autoRefreshAllowed": "no"}"#, "autoRefreshAllowed must be true or false, not"),
        ] {
            let reading = read(bad);
            assert_eq!(reading.config.auto_refresh, RefreshPolicy::default(), "{bad}");
            assert!(reading.problems.len() == 1 && reading.problems[0].starts_with(problem), "{:?}", reading.problems);
        }
    }

    #[test]
    fn a_default_shorter_than_the_shortest_allowed_is_lengthened_and_said() {
        let reading = read(r#"{"autoRefreshMinutes": 1, "autoRefreshShortestMinutes": 10}"#);
        assert_eq!(reading.config.auto_refresh.in_force(None), 15);
        assert_eq!(
            reading.problems,
            ["autoRefreshMinutes (1) is shorter than autoRefreshShortestMinutes (10); users who have not chosen get \
              one every 15 minutes."]
        );
    }

    #[test]
    fn broken_json_keeps_the_defaults_but_no_host() {
        let reading = read("{cmHost:");
        assert_eq!(reading.config, ViewerConfig { cm_host: ConfiguredHost::Unusable, ..ViewerConfig::default() });
        assert_eq!(reading.problems.len(), 1);
        assert!(reading.problems[0].starts_with("config.json is not valid JSON: key must be a string at line 1"));
        assert!(reading.problems[0].ends_with("does not know which CM server to ask."), "{:?}", reading.problems);
        let page = read("<!DOCTYPE html><html><body>Not found</body></html>");
        assert!(page.problems[0].starts_with("config.json is a web page, not JSON"), "{page:?}");
        let list = read(r#"["https://cm"]"#);
        assert!(list.problems[0].starts_with("config.json must be one JSON object, { \u{2026} }, not a list"));
        assert_eq!(list.config.cm_host, ConfiguredHost::Unusable);
    }

    #[test]
    fn misspelt_keys_are_named_with_the_likely_one() {
        let reading = read(r#"{"cmhost": "https://cm", "refresh": 5, "names": {"Status": {"1": "X"}}}"#);
        assert_eq!(reading.config.cm_host, ConfiguredHost::Unusable, "a misspelt host is not replaced by the origin");
        let both = read(r#"{"cmHost": "https://cm", "CMHOST": "https://other"}"#);
        assert_eq!(both.config.cm_host, ConfiguredHost::Address("https://cm".into()), "the right spelling wins");
        assert_eq!(both.problems, ["CMHOST is not a setting (ignored): did you mean cmHost?"]);
        assert_eq!(
            reading.problems,
            [
                "cmhost is not a setting (ignored): did you mean cmHost? The viewer asks no server until it is fixed.",
                "names.Status is not a setting (ignored): did you mean names.status?",
                "refresh is not a setting (ignored); the settings are cmHost, timeoutSeconds, autoRefreshMinutes, \
                 autoRefreshShortestMinutes, autoRefreshAllowed, names.",
            ]
        );
    }

    #[test]
    fn bad_names_cost_only_themselves() {
        let reading = read(
            r#"{"names": {"status": {"x": "y", "42": "Archived", "43": 7}, "requestType": "12=OfflineUnblock",
                          "requestFlags": {"3": "Two bits"}}}"#,
        );
        assert_eq!(reading.config.names.status(RequestStatus::from(42)).text, "Archived");
        assert_eq!(
            reading.problems,
            [
                "names.requestFlags: \u{201c}3\u{201d} is not a single bit (such as 0x20 or 32); that name is not used.",
                "names.requestType must be an object of numbers and names, such as { \"12\": \"OfflineUnblock\" }, \
                 not \u{201c}12=OfflineUnblock\u{201d}.",
                "names.status.43 must be a name in quotes, not 7.",
                "names.status: \u{201c}x\u{201d} is not a 32-bit number; that name is not used.",
            ]
        );
        let not_sections = read(r#"{"names": ["Archived"]}"#);
        assert_eq!(not_sections.config.names, NameBook::default());
        assert!(not_sections.problems[0].starts_with("names must be an object of sections"));
    }
}
