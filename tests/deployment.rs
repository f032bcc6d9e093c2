//! The release folder deployed as administrators deploy it: served by nginx
//! with the project's own site sample (sub-path, caching, security headers,
//! the Content-Security-Policy), and the mock CM API on another origin that
//! answers CORS with credentials for that one origin, behind a sign-in that a
//! cookie stands in for.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{Browser, KillOnDrop, MockServer, built_app, built_app_configured, free_port, workspace_root};

const SUB_PATH: &str = "/tools/cm-viewer/";
/// The cookie the mock API requires, standing in for Windows authentication.
const SIGN_IN: (&str, &str) = ("cm-session", "signed-in");
/// The first of the API documentation's examples, which the mock always serves.
const ENROLL_ID: &str = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099";

/// nginx serving one copy of the release folder with `deploy/nginx-site.conf`.
struct StaticSite {
    _process: KillOnDrop,
    _prefix: tempfile::TempDir,
    /// `http://127.0.0.1:port`, the page's origin.
    origin: String,
}

impl StaticSite {
    /// Serves `folder` under [`SUB_PATH`] on `port`, its policy allowing connections to `cm_host` besides itself.
    fn start(folder: &Path, port: u16, cm_host: &str) -> StaticSite {
        let prefix = tempfile::tempdir().expect("a folder for nginx");
        let site = [
            ("listen 80;", format!("listen 127.0.0.1:{port};")),
            ("alias /srv/cm-request-viewer/;", format!("alias {}/;", folder.display())),
            ("connect-src 'self';", format!("connect-src 'self' {cm_host};")),
        ]
        .into_iter()
        .fold(site_sample(), |site, (sample, here)| {
            assert_eq!(site.matches(sample).count(), 1, "the nginx sample holds `{sample}` once");
            site.replace(sample, &here)
        });
        std::fs::write(prefix.path().join("site.conf"), site).expect("site.conf");
        // One process, in the foreground, with every file it writes in its own folder.
        let main = "daemon off; master_process off; pid nginx.pid; error_log error.log; events {} http { \
                    access_log off; client_body_temp_path body; proxy_temp_path proxy; fastcgi_temp_path \
                    fastcgi; uwsgi_temp_path uwsgi; scgi_temp_path scgi; include site.conf; }";
        std::fs::write(prefix.path().join("nginx.conf"), main).expect("nginx.conf");
        let nginx = std::env::var("NGINX").unwrap_or_else(|_| "nginx".into());
        let process = Command::new(nginx)
            .arg("-p")
            .arg(prefix.path())
            .args(["-c", "nginx.conf"])
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx starts (cargo xtask test installs it)");
        let mut process = KillOnDrop(process);
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            let exited = process.0.try_wait().expect("nginx's state");
            if exited.is_some() || started.elapsed() > Duration::from_secs(10) {
                let log = std::fs::read_to_string(prefix.path().join("error.log")).unwrap_or_default();
                panic!("nginx did not start: {log}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        StaticSite { _process: process, _prefix: prefix, origin: format!("http://127.0.0.1:{port}") }
    }

    /// The viewer's address, with `search` (such as `?open=...`) appended.
    fn page(&self, search: &str) -> String {
        format!("{}{SUB_PATH}{search}", self.origin)
    }
}

fn site_sample() -> String {
    std::fs::read_to_string(workspace_root().join("deploy/nginx-site.conf")).expect("the nginx sample")
}

/// What a plain HTTP/1.1 GET of `path` answers: the status and the headers, names in lower case.
fn get(origin: &str, path: &str) -> (u16, HashMap<String, String>) {
    let authority = origin.trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).expect("the server accepts");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n").expect("a request");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("an answer");
    let answer = String::from_utf8_lossy(&answer);
    let head = answer.split("\r\n\r\n").next().expect("a head");
    let mut lines = head.lines();
    let status = lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|code| code.parse().ok());
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    (status.expect("a status line"), headers)
}

/// The `<add name=... value=...>` headers `deploy/web.config` adds to the
/// whole site, and the `Cache-Control` directives its `clientCache` gives `assets/`.
fn iis_headers() -> (HashMap<String, String>, Vec<String>) {
    let text = std::fs::read_to_string(workspace_root().join("deploy/web.config")).expect("the IIS sample");
    let (site, assets) = text.split_once("<location path=\"assets\">").expect("a location for assets/");
    let site = site
        .split("<add name=\"")
        .skip(1)
        .filter_map(|entry| {
            let (name, rest) = entry.split_once("\" value=\"")?;
            Some((name.to_ascii_lowercase(), rest.split_once('"')?.0.to_owned()))
        })
        .collect();
    let attribute = |name: &str| {
        let after = assets.split_once(&format!("{name}=\"")).unwrap_or_else(|| panic!("assets/ sets {name}")).1;
        after.split_once('"').expect("a quoted value").0.to_owned()
    };
    assert_eq!(attribute("cacheControlMode"), "UseMaxAge");
    assert_eq!(attribute("cacheControlMaxAge"), "365.00:00:00", "a year");
    let mut directives = vec!["max-age=31536000".to_owned()];
    directives.extend(attribute("cacheControlCustom").split(',').map(|directive| directive.trim().to_owned()));
    directives.sort();
    (site, directives)
}

/// The directives of a `Cache-Control` header, sorted.
fn directives(cache_control: &str) -> Vec<String> {
    let mut directives: Vec<_> = cache_control.split(',').map(|directive| directive.trim().to_owned()).collect();
    directives.sort();
    directives
}

/// The files `index.html` loads, as written in it.
fn referenced_assets(index: &str) -> Vec<&str> {
    index.split(['"', '\'']).filter(|part| part.starts_with("./assets/")).collect()
}

#[test]
fn the_release_folder_has_hashed_names_and_integrity() {
    let dist = built_app();
    let index = std::fs::read_to_string(dist.join("index.html")).expect("index.html");
    assert!(!index.contains("<script>") && !index.contains("<script type=\"module\">"), "no inline script: {index}");
    for tag in index.split('<').filter(|tag| tag.contains("./assets/")) {
        assert!(tag.contains("integrity=\"sha384-"), "every script, style and wasm carries its integrity: <{tag}");
    }
    let mut names: Vec<String> = std::fs::read_dir(dist.join("assets"))
        .expect("assets/")
        .map(|entry| entry.expect("a file").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        let stem = name.split('.').next().unwrap_or_default().trim_end_matches("_bg");
        let hash = stem.rsplit('-').next().unwrap_or_default();
        assert!(hash.len() >= 16 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{name} carries a content hash");
    }
    let mut referenced: Vec<_> =
        referenced_assets(&index).iter().map(|href| href["./assets/".len()..].to_owned()).collect();
    referenced.sort();
    assert_eq!(referenced, names, "index.html loads every file of assets/, and nothing else");
    let top: Vec<_> = std::fs::read_dir(&dist).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    assert_eq!(top.len(), 4, "index.html, config.json, web.config and assets/: {top:?}");
}

#[test]
fn nginx_serves_the_headers_iis_would() {
    let site = StaticSite::start(&built_app(), free_port(), "https://cm.contoso.com");
    let (iis, iis_asset_caching) = iis_headers();
    let (status, page) = get(&site.origin, SUB_PATH);
    assert_eq!(status, 200);
    assert!(page["content-type"].starts_with("text/html"));
    for (name, value) in &iis {
        let expected = if name == "content-security-policy" {
            value.replace("connect-src 'self';", "connect-src 'self' https://cm.contoso.com;")
        } else {
            value.clone()
        };
        assert_eq!(page.get(name), Some(&expected), "{name}, as web.config sets it");
    }
    assert_eq!(iis["cache-control"], "no-store");
    let csp = &page["content-security-policy"];
    for directive in ["default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "frame-ancestors 'none'"] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");

    let (status, config) = get(&site.origin, &format!("{SUB_PATH}config.json"));
    assert_eq!(
        (status, config["content-type"].as_str(), config["cache-control"].as_str()),
        (200, "application/json", "no-store")
    );
    let index = std::fs::read_to_string(built_app().join("index.html")).unwrap();
    for asset in referenced_assets(&index) {
        let (status, headers) = get(&site.origin, &format!("{SUB_PATH}{}", &asset[2..]));
        assert_eq!(status, 200, "{asset}");
        assert_eq!(directives(&headers["cache-control"]), iis_asset_caching, "{asset}");
        assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{asset}");
        if asset.ends_with(".wasm") {
            assert_eq!(headers["content-type"], "application/wasm");
        }
    }
    let (status, missing) = get(&site.origin, &format!("{SUB_PATH}assets/cm-request-viewer-0000000000000000.js"));
    assert_eq!((status, missing["cache-control"].as_str()), (404, "no-store"), "a missing file is not kept");
    assert_eq!(get(&site.origin, &format!("{SUB_PATH}web.config")).0, 404, "web.config is for IIS only");
    let (status, moved) = get(&site.origin, SUB_PATH.trim_end_matches('/'));
    assert_eq!((status, moved.get("location").map(String::as_str)), (301, Some(SUB_PATH)));
}

/// Addresses the page's policy refused, recorded from before the app starts.
const RECORD_VIOLATIONS: &str = "window.cmViolations = []; document.addEventListener('securitypolicyviolation', \
                                 (event) => window.cmViolations.push(event.violatedDirective + ' ' + event.blockedURI));";

async fn violations(browser: &Browser) -> Value {
    browser.evaluate("return window.cmViolations;").await
}

async fn error_text(browser: &Browser) -> String {
    browser.wait_for(".message.error p").await;
    browser.text_of(".message.error p").await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_release_works_from_a_static_server_under_a_sub_path_with_the_api_elsewhere() {
    // Each origin names the other: the API allows the viewer's, the viewer's policy lists the API's.
    let viewer_port = free_port();
    let viewer_origin = format!("http://127.0.0.1:{viewer_port}");
    let sign_in = format!("{}={}", SIGN_IN.0, SIGN_IN.1);
    let api = MockServer::start(
        &built_app(),
        &["--requests", "200", "--allow-origin", &viewer_origin, "--require-cookie", &sign_in],
    );
    let api_origin = api.url.trim_end_matches('/').to_owned();
    let folder = built_app_configured(&json!({ "cmHost": api_origin }).to_string());
    let site = StaticSite::start(folder.path(), viewer_port, &api_origin);

    let browser = Browser::start().await;
    browser.devtools("Page.addScriptToEvaluateOnNewDocument", json!({ "source": RECORD_VIOLATIONS })).await;
    browser
        .devtools(
            "Network.setCookie",
            json!({ "name": SIGN_IN.0, "value": SIGN_IN.1, "domain": "127.0.0.1", "path": "/" }),
        )
        .await;

    // Loads and lists, under the policy, with credentials across origins.
    browser.client.goto(&site.page("")).await.unwrap();
    browser.wait_for("table.requests tbody tr[aria-rowindex]").await;
    assert_eq!(
        browser.evaluate("return document.querySelector('table.requests').getAttribute('aria-rowcount');").await,
        "203"
    );
    browser.screenshot("deployed-under-a-sub-path").await;
    assert_eq!(violations(&browser).await, json!([]), "the app loads under the policy without breaking it");

    // A link to one request opens it, under the sub-path.
    browser.client.goto(&site.page(&format!("?open={ENROLL_ID}"))).await.unwrap();
    browser.wait_for(".detail").await;
    assert!(browser.text_of(".detail").await.contains(ENROLL_ID));
    // Saving a file goes through a blob: address, which the policy must not stop either.
    browser.client.find(Locator::XPath("//button[.='Export CSV']")).await.unwrap().click().await.unwrap();
    assert!(browser.downloaded("cm-requests.csv").await.contains(ENROLL_ID));
    assert_eq!(violations(&browser).await, json!([]), "the app runs under the policy without breaking it");

    // A host the policy does not list, set in this browser: the policy is named.
    let elsewhere = MockServer::start(&built_app(), &["--requests", "5"]);
    let elsewhere_origin = elsewhere.url.trim_end_matches('/').to_owned();
    browser.client.find(Locator::Css(".settings summary")).await.unwrap().click().await.unwrap();
    let input = browser.client.find(Locator::Css(".settings input[type=url]")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(&elsewhere_origin).await.unwrap();
    browser.client.find(Locator::XPath("//button[.='Use this host']")).await.unwrap().click().await.unwrap();
    assert_eq!(
        error_text(&browser).await,
        format!(
            "This page is not allowed to connect to the CM server at {elsewhere_origin}: the Content-Security-Policy \
             of the web server that serves the viewer does not list it. Its administrator must add {elsewhere_origin} \
             to connect-src in that header (web.config or the nginx site)."
        )
    );
    browser.client.find(Locator::XPath("//button[.='Use the configured host']")).await.unwrap().click().await.unwrap();
    browser.wait_for("table.requests tbody tr[aria-rowindex]").await;

    // Without the sign-in, the CM server's 401 is explained.
    browser.devtools("Network.clearBrowserCookies", json!({})).await;
    browser.client.goto(&site.page("")).await.unwrap();
    assert!(error_text(&browser).await.starts_with("The CM server did not accept your sign-in (401)."));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_origin_the_cm_site_does_not_allow_and_a_sign_in_redirect_are_reported_as_such() {
    let viewer_port = free_port();
    let viewer_origin = format!("http://127.0.0.1:{viewer_port}");
    let refusing =
        MockServer::start(&built_app(), &["--requests", "5", "--allow-origin", "https://viewer.contoso.com"]);
    let refusing_origin = refusing.url.trim_end_matches('/').to_owned();
    let redirecting =
        MockServer::start(&built_app(), &["--answer", "sign-in-redirect", "--allow-origin", &viewer_origin]);
    let redirecting_origin = redirecting.url.trim_end_matches('/').to_owned();
    let folder = built_app_configured(&json!({ "cmHost": refusing_origin }).to_string());
    let site = StaticSite::start(folder.path(), viewer_port, &format!("{refusing_origin} {redirecting_origin}"));
    let browser = Browser::start().await;
    browser.client.goto(&site.page("")).await.unwrap();
    assert_eq!(
        error_text(&browser).await,
        format!(
            "The CM server at {refusing_origin} answered, but does not let this page ({viewer_origin}) read its \
             answers. A CM administrator must allow the origin {viewer_origin}, with credentials, in the CM site's \
             CORS settings (the IIS CORS module)."
        )
    );
    browser.screenshot("cors-refused").await;

    // A CM site behind ADFS sends calls to its sign-in page, on yet another origin.
    browser.client.find(Locator::Css(".settings summary")).await.unwrap().click().await.unwrap();
    let input = browser.client.find(Locator::Css(".settings input[type=url]")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(&redirecting_origin).await.unwrap();
    browser.client.find(Locator::XPath("//button[.='Use this host']")).await.unwrap().click().await.unwrap();
    browser
        .wait_until(
            "return document.querySelector('.message.error p')?.textContent.includes('sent this page') === true;",
        )
        .await;
    assert!(browser.text_of(".message.error p").await.starts_with(&format!(
        "The CM server at {redirecting_origin} sent this page to another address instead of answering, as a \
             sign-in page (ADFS) or a proxy does."
    )));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_file_is_reported_in_the_page_not_as_a_blank_one() {
    let folder = built_app_configured("{}");
    let assets = folder.path().join("assets");
    let wasm = std::fs::read_dir(&assets)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|extension| extension == "wasm"))
        .expect("the app's wasm");
    // As a proxy that rewrites what it passes, or a copy cut short, would leave it.
    let mut bytes = std::fs::read(&wasm).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&wasm, bytes).unwrap();
    let server = MockServer::start(folder.path(), &["--requests", "5"]);
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.unwrap();
    let message = error_text(&browser).await;
    assert!(message.starts_with("CM Request Viewer could not start ("), "{message}");
    assert!(message.contains("the web server sent a damaged or changed file"), "{message}");
    browser.close().await;
}
