//! The release folder deployed as administrators deploy it: served by nginx
//! with the project's own site sample (sub-path, caching, security headers,
//! the Content-Security-Policy), and the mock CM API on another origin that
//! answers CORS with credentials for that one origin, behind a sign-in that a
//! cookie stands in for.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use fantoccini::Locator;
use rcgen::PublicKeyData;
use ring::digest::{SHA256, digest};
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, ProtocolVersion, RootCertStore, StreamOwned, SupportedProtocolVersion};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{
    Browser, KillOnDrop, MockServer, REQUEST_ROWS, built_app, built_app_configured, free_port, workspace_root,
};

const SUB_PATH: &str = "/tools/cm-viewer/";
/// The cookie the mock API requires, standing in for Windows authentication.
const SIGN_IN: (&str, &str) = ("cm-session", "signed-in");
/// The first of the API documentation's examples, which the mock always serves.
const ENROLL_ID: &str = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099";

/// A self-signed certificate for 127.0.0.1, made for one test.
struct TestCertificate {
    pem: String,
    key_pem: String,
    der: CertificateDer<'static>,
    /// The SHA-256 of its public key (its SPKI), in base64.
    public_key_hash: String,
}

impl TestCertificate {
    fn new() -> TestCertificate {
        let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("a certificate");
        TestCertificate {
            pem: made.cert.pem(),
            key_pem: made.signing_key.serialize_pem(),
            der: made.cert.der().clone(),
            public_key_hash: BASE64.encode(digest(&SHA256, &made.signing_key.subject_public_key_info())),
        }
    }

    /// Writes it and its key into `folder` as `site.pem` and `site.key`, and returns their paths.
    fn write_into(&self, folder: &Path) -> (String, String) {
        let certificate = folder.join("site.pem");
        let key = folder.join("site.key");
        std::fs::write(&certificate, &self.pem).expect("the certificate");
        std::fs::write(&key, &self.key_pem).expect("the key");
        (certificate.display().to_string(), key.display().to_string())
    }

    /// The Chromium switch that makes it accept this certificate while still refusing any other that fails.
    fn trusted_by_chromium(&self) -> String {
        format!("--ignore-certificate-errors-spki-list={}", self.public_key_hash)
    }
}

/// nginx as one process in the foreground, with every file it writes in its own folder.
struct Nginx {
    _process: KillOnDrop,
    _prefix: tempfile::TempDir,
}

impl Nginx {
    /// Runs nginx in `prefix` with `site` (the servers of its `http` block), once it listens on every one of `ports`.
    fn start(prefix: tempfile::TempDir, site: &str, ports: &[u16]) -> Nginx {
        std::fs::write(prefix.path().join("site.conf"), site).expect("site.conf");
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
        while ports.iter().any(|&port| TcpStream::connect(("127.0.0.1", port)).is_err()) {
            let exited = process.0.try_wait().expect("nginx's state");
            if exited.is_some() || started.elapsed() > Duration::from_secs(10) {
                let log = std::fs::read_to_string(prefix.path().join("error.log")).unwrap_or_default();
                panic!("nginx did not start: {log}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Nginx { _process: process, _prefix: prefix }
    }
}

/// nginx serving one copy of the release folder with `deploy/nginx-site.conf`:
/// over HTTPS, and over HTTP, which only leads to HTTPS.
struct StaticSite {
    _nginx: Nginx,
    /// `https://127.0.0.1:port`, the page's origin.
    origin: String,
    /// `http://127.0.0.1:port`, the same site over plain HTTP.
    plain_origin: String,
    certificate: CertificateDer<'static>,
}

impl StaticSite {
    /// Serves `folder` under [`SUB_PATH`] over HTTPS on `port` with
    /// `certificate` (and HTTP on another), its policy allowing connections
    /// to `cm_host` besides itself.
    fn start(folder: &Path, port: u16, cm_host: &str, certificate: &TestCertificate) -> StaticSite {
        let prefix = tempfile::tempdir().expect("a folder for nginx");
        let (certificate_path, key_path) = certificate.write_into(prefix.path());
        let plain_port = free_port();
        let site = [
            ("listen 80;", format!("listen 127.0.0.1:{plain_port};")),
            ("listen 443 ssl http2;", format!("listen 127.0.0.1:{port} ssl http2;")),
            ("/etc/ssl/certs/viewer.contoso.com.pem;", format!("{certificate_path};")),
            ("/etc/ssl/private/viewer.contoso.com.key;", format!("{key_path};")),
            // The sample's server name is the certificate's; here that is 127.0.0.1, on another port than 443.
            ("https://$server_name$request_uri;", format!("https://127.0.0.1:{port}$request_uri;")),
            ("alias /srv/cm-request-viewer/;", format!("alias {}/;", folder.display())),
            ("connect-src 'self';", format!("connect-src 'self' {cm_host};")),
        ]
        .into_iter()
        .fold(site_sample(), |site, (sample, here)| {
            assert_eq!(site.matches(sample).count(), 1, "the nginx sample holds `{sample}` once");
            site.replace(sample, &here)
        });
        StaticSite {
            _nginx: Nginx::start(prefix, &site, &[port, plain_port]),
            origin: format!("https://127.0.0.1:{port}"),
            plain_origin: format!("http://127.0.0.1:{plain_port}"),
            certificate: certificate.der.clone(),
        }
    }

    /// The viewer's address, with `search` (such as `?open=...`) appended.
    fn page(&self, search: &str) -> String {
        format!("{}{SUB_PATH}{search}", self.origin)
    }

    /// What an HTTPS GET of `path` answers, over one of `versions` of TLS,
    /// trusting this site's certificate only.
    fn get_over(&self, versions: &[&'static SupportedProtocolVersion], path: &str) -> Answer {
        let mut roots = RootCertStore::empty();
        roots.add(self.certificate.clone()).expect("the site's certificate");
        let config = ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_protocol_versions(versions)
            .expect("TLS versions ring supports")
            .with_root_certificates(roots)
            .with_no_client_auth();
        let authority = self.origin.trim_start_matches("https://");
        let server = ServerName::try_from("127.0.0.1").expect("an IP address");
        let connection = ClientConnection::new(Arc::new(config), server).expect("a TLS client");
        let mut stream = StreamOwned::new(connection, TcpStream::connect(authority).expect("nginx accepts"));
        let answer = head_of(&mut stream, authority, path);
        Answer { tls: stream.conn.protocol_version(), ..answer }
    }

    /// What an HTTPS GET of `path` answers.
    fn get(&self, path: &str) -> Answer {
        self.get_over(rustls::ALL_VERSIONS, path)
    }
}

/// The mock CM API over HTTPS, as a CM site is: nginx in front of it.
struct HttpsApi {
    _nginx: Nginx,
    /// `https://127.0.0.1:port`.
    origin: String,
}

impl HttpsApi {
    fn start(api: &MockServer, certificate: &TestCertificate) -> HttpsApi {
        let prefix = tempfile::tempdir().expect("a folder for nginx");
        let (certificate_path, key_path) = certificate.write_into(prefix.path());
        let port = free_port();
        let site = format!(
            "server {{ listen 127.0.0.1:{port} ssl; ssl_certificate {certificate_path}; ssl_certificate_key \
             {key_path}; location / {{ proxy_pass {}; proxy_http_version 1.1; proxy_buffering off; }} }}",
            api.url.trim_end_matches('/')
        );
        HttpsApi { _nginx: Nginx::start(prefix, &site, &[port]), origin: format!("https://127.0.0.1:{port}") }
    }
}

fn site_sample() -> String {
    std::fs::read_to_string(workspace_root().join("deploy/nginx-site.conf")).expect("the nginx sample")
}

/// The head of an HTTP answer.
struct Answer {
    status: u16,
    /// Names in lower case.
    headers: HashMap<String, String>,
    /// The TLS version it came over, if any.
    tls: Option<ProtocolVersion>,
}

/// What a plain HTTP GET of `path` from `origin` (`http://host:port`) answers.
fn get_plain(origin: &str, path: &str) -> Answer {
    let authority = origin.trim_start_matches("http://");
    head_of(&mut TcpStream::connect(authority).expect("the server accepts"), authority, path)
}

/// Sends an HTTP/1.1 GET of `path` on `stream` and reads the answer's head.
fn head_of(stream: &mut (impl Read + Write), authority: &str, path: &str) -> Answer {
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n").expect("a request");
    let mut answer = Vec::new();
    let mut chunk = [0; 4096];
    while !answer.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = stream.read(&mut chunk).expect("an answer");
        assert!(read > 0, "the answer ended inside its head: {}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&chunk[..read]);
    }
    let answer = String::from_utf8_lossy(&answer);
    let head = answer.split("\r\n\r\n").next().expect("a head");
    let mut lines = head.lines();
    let status = lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|code| code.parse().ok());
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Answer { status: status.expect("a status line"), headers, tls: None }
}

/// The `<add name=... value=...>` headers `deploy/web.config` adds to the
/// whole site, and the `Cache-Control` directives its `clientCache` gives `assets/`.
fn iis_headers() -> (HashMap<String, String>, Vec<String>) {
    let text = std::fs::read_to_string(workspace_root().join("deploy/web.config")).expect("the IIS sample");
    let (site, assets) = text.split_once("<location path=\"assets\">").expect("a location for assets/");
    // IIS sends customHeaders with every answer, errors and redirects included, unless web.config
    // takes them away: assets/ may give up only the default Cache-Control, and no error page of
    // its own (httpErrors) may stand in for IIS's.
    let removed_in_assets: Vec<_> =
        assets.split("<remove name=\"").skip(1).filter_map(|rest| rest.split_once('"')).map(|(name, _)| name).collect();
    assert_eq!(removed_in_assets, ["Cache-Control"], "assets/ keeps every security header");
    assert!(!text.contains("<httpErrors"), "web.config leaves error pages to IIS");
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
    // The release build's index.html is minified: attribute values may be unquoted.
    index.split(['"', '\'', '=', ' ', '>']).filter(|part| part.starts_with("./assets/")).collect()
}

#[test]
fn the_release_folder_has_hashed_names_and_integrity() {
    let dist = built_app();
    let index = std::fs::read_to_string(dist.join("index.html")).expect("index.html");
    let tags = || index.split('<').map(|tag| tag.split('>').next().unwrap_or_default());
    for script in tags().filter(|tag| tag.starts_with("script")) {
        assert!(script.contains(" src="), "no inline script: <{script}>");
    }
    for tag in tags().filter(|tag| tag.contains("./assets/")) {
        // Quoted or not, as the minified index.html writes it.
        assert!(
            tag.replace('"', "").contains("integrity=sha384-"),
            "every script, style and wasm carries its integrity: <{tag}"
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(dist.join("assets"))
        .expect("assets/")
        .map(|entry| entry.expect("a file").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        let stem = name.split('.').next().unwrap_or_default().trim_end_matches("_bg");
        let hash = stem.rsplit('-').next().unwrap_or_default();
        // trunk writes its 64-bit hash in hex without leading zeros: 16 digits, or fewer now and then.
        assert!(hash.len() >= 12 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{name} carries a content hash");
    }
    let mut referenced: Vec<_> =
        referenced_assets(&index).iter().map(|href| href["./assets/".len()..].to_owned()).collect();
    referenced.sort();
    assert_eq!(referenced, names, "index.html loads every file of assets/, and nothing else");
    let top: Vec<_> = std::fs::read_dir(&dist).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    assert_eq!(top.len(), 4, "index.html, config.json, web.config and assets/: {top:?}");
}

/// The CM host the header tests' policy allows.
const POLICY_CM_HOST: &str = "https://cm.contoso.com";

/// The security headers web.config sets on every answer, with the values the
/// nginx sample must send: its policy allows [`POLICY_CM_HOST`] too.
fn security_headers() -> HashMap<String, String> {
    let (mut headers, _) = iis_headers();
    assert_eq!(headers.remove("cache-control").as_deref(), Some("no-store"), "web.config keeps nothing by default");
    let policy = headers.get_mut("content-security-policy").expect("web.config sets a policy");
    *policy = policy.replace("connect-src 'self';", &format!("connect-src 'self' {POLICY_CM_HOST};"));
    headers
}

/// Checks that `answer`, to the request for `what`, carries every security header.
fn assert_protected(what: &str, answer: &Answer, expected: &HashMap<String, String>) {
    for (name, value) in expected {
        assert_eq!(answer.headers.get(name), Some(value), "{what}: {name}, as web.config sets it");
    }
    let hsts = answer.headers.get("strict-transport-security").map(String::as_str);
    if answer.tls.is_some() {
        assert_eq!(hsts, Some("max-age=31536000"), "{what}: HSTS over HTTPS");
    } else {
        assert_eq!(hsts, None, "{what}: no HSTS over plain HTTP, where it means nothing");
    }
}

#[test]
fn nginx_serves_the_headers_iis_would() {
    let site = StaticSite::start(&built_app(), free_port(), POLICY_CM_HOST, &TestCertificate::new());
    let (_, iis_asset_caching) = iis_headers();
    let expected = security_headers();
    let page = site.get(SUB_PATH);
    assert_eq!(page.status, 200);
    assert!(page.headers["content-type"].starts_with("text/html"));
    assert_protected("the page", &page, &expected);
    assert_eq!(page.headers["cache-control"], "no-store");
    let csp = &page.headers["content-security-policy"];
    for directive in ["default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "frame-ancestors 'none'"] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");

    let config = site.get(&format!("{SUB_PATH}config.json"));
    assert_eq!(
        (config.status, config.headers["content-type"].as_str(), config.headers["cache-control"].as_str()),
        (200, "application/json", "no-store")
    );
    let index = std::fs::read_to_string(built_app().join("index.html")).unwrap();
    for asset in referenced_assets(&index) {
        let answer = site.get(&format!("{SUB_PATH}{}", &asset[2..]));
        assert_eq!(answer.status, 200, "{asset}");
        assert_eq!(directives(&answer.headers["cache-control"]), iis_asset_caching, "{asset}");
        assert_eq!(answer.headers["cache-control"], "public, max-age=31536000, immutable");
        assert_protected(asset, &answer, &expected);
        if asset.ends_with(".wasm") {
            assert_eq!(answer.headers["content-type"], "application/wasm");
        }
    }
}

#[test]
fn redirects_and_errors_carry_every_security_header_too() {
    let site = StaticSite::start(&built_app(), free_port(), POLICY_CM_HOST, &TestCertificate::new());
    let expected = security_headers();
    let missing_asset = format!("{SUB_PATH}assets/cm-request-viewer-0000000000000000.js");
    let web_config = format!("{SUB_PATH}web.config");
    let assets_listing = format!("{SUB_PATH}assets/");
    for (what, path, status) in [
        ("the viewer's address without its final slash", SUB_PATH.trim_end_matches('/'), 301),
        ("a missing file", missing_asset.as_str(), 404),
        ("web.config, which is for IIS only", web_config.as_str(), 404),
        ("an address outside the viewer", "/elsewhere", 404),
        ("the list of assets/, which nginx does not give", assets_listing.as_str(), 403),
    ] {
        let answer = site.get(path);
        assert_eq!(answer.status, status, "{what}");
        assert_protected(what, &answer, &expected);
        assert_eq!(answer.headers["cache-control"], "no-store", "{what}: not kept");
    }
    let moved = site.get(SUB_PATH.trim_end_matches('/'));
    assert_eq!(moved.headers.get("location").map(String::as_str), Some(SUB_PATH));

    let plain = get_plain(&site.plain_origin, &format!("{SUB_PATH}?status=Pending"));
    assert_eq!(plain.status, 301, "plain HTTP leads to HTTPS");
    let to_https = format!("{}{SUB_PATH}?status=Pending", site.origin);
    assert_eq!(plain.headers.get("location"), Some(&to_https), "to the same address, query and all");
    assert_protected("the redirect from plain HTTP", &plain, &expected);
}

#[test]
fn tls_1_2_and_1_3_are_both_served() {
    let site = StaticSite::start(&built_app(), free_port(), POLICY_CM_HOST, &TestCertificate::new());
    for version in [&rustls::version::TLS12, &rustls::version::TLS13] {
        let answer = site.get_over(&[version], SUB_PATH);
        assert_eq!((answer.status, answer.tls), (200, Some(version.version)));
    }
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
    let viewer_origin = format!("https://127.0.0.1:{viewer_port}");
    let sign_in = format!("{}={}", SIGN_IN.0, SIGN_IN.1);
    let api = MockServer::start(
        &built_app(),
        &["--requests", "200", "--allow-origin", &viewer_origin, "--require-cookie", &sign_in],
    );
    // Both over HTTPS, on one host name: one site to the browser, which sends the sign-in cookie along.
    let certificate = TestCertificate::new();
    let api_over_https = HttpsApi::start(&api, &certificate);
    let api_origin = api_over_https.origin.clone();
    let folder = built_app_configured(&json!({ "cmHost": api_origin }).to_string());
    let site = StaticSite::start(folder.path(), viewer_port, &api_origin, &certificate);

    let browser = Browser::start_with("UTC", &[&certificate.trusted_by_chromium()]).await;
    browser.devtools("Page.addScriptToEvaluateOnNewDocument", json!({ "source": RECORD_VIOLATIONS })).await;
    browser
        .devtools(
            "Network.setCookie",
            json!({ "name": SIGN_IN.0, "value": SIGN_IN.1, "domain": "127.0.0.1", "path": "/" }),
        )
        .await;

    // The plain HTTP address leads to HTTPS, where the viewer loads and lists, under the policy, with
    // credentials across origins.
    browser.client.goto(&format!("{}{SUB_PATH}", site.plain_origin)).await.unwrap();
    browser.wait_for(REQUEST_ROWS).await;
    assert_eq!(browser.client.current_url().await.unwrap().as_str(), site.page(""));
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
    browser.press(fantoccini::key::Key::Escape).await;
    browser.wait_until("return document.querySelector('.detail') === null;").await;
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
    browser.wait_for(REQUEST_ROWS).await;

    // Without the sign-in, the CM server's 401 is explained.
    browser.devtools("Network.clearBrowserCookies", json!({})).await;
    browser.client.goto(&site.page("")).await.unwrap();
    assert!(error_text(&browser).await.starts_with("The CM server did not accept your sign-in (401)."));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_origin_the_cm_site_does_not_allow_and_a_sign_in_redirect_are_reported_as_such() {
    let viewer_port = free_port();
    let viewer_origin = format!("https://127.0.0.1:{viewer_port}");
    let refusing =
        MockServer::start(&built_app(), &["--requests", "5", "--allow-origin", "https://viewer.contoso.com"]);
    let refusing_origin = refusing.url.trim_end_matches('/').to_owned();
    let redirecting =
        MockServer::start(&built_app(), &["--answer", "sign-in-redirect", "--allow-origin", &viewer_origin]);
    let redirecting_origin = redirecting.url.trim_end_matches('/').to_owned();
    let folder = built_app_configured(&json!({ "cmHost": refusing_origin }).to_string());
    let certificate = TestCertificate::new();
    let site =
        StaticSite::start(folder.path(), viewer_port, &format!("{refusing_origin} {redirecting_origin}"), &certificate);
    let browser = Browser::start_with("UTC", &[&certificate.trusted_by_chromium()]).await;
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

#[tokio::test(flavor = "multi_thread")]
async fn a_cm_host_over_plain_http_is_asked_with_a_warning_in_the_page() {
    // The viewer and the API share the mock's origin, under a name that is not this computer's:
    // Chromium resolves it to the loopback itself, so nothing leaves the machine.
    let folder = built_app_configured("{}");
    let server = MockServer::start(folder.path(), &["--requests", "5"]);
    let port = server.url.trim_end_matches('/').rsplit(':').next().expect("the mock's port").to_owned();
    let host = format!("http://cm.contoso.com:{port}");
    std::fs::write(folder.path().join("config.json"), json!({ "cmHost": host }).to_string()).expect("config.json");
    let browser = Browser::start_with("UTC", &["--host-resolver-rules=MAP cm.contoso.com 127.0.0.1"]).await;
    browser.client.goto(&format!("{host}/")).await.unwrap();
    browser.wait_for(".config-problems li").await;
    assert_eq!(
        browser.text_of(".config-problems li").await,
        format!(
            "cmHost: {host} is not encrypted (http:// instead of https://): requests and the CM server's answers \
             cross the network where others can read or change them, and browsers block it for a viewer opened \
             with https://. The viewer still uses it; the administrator should change it to the CM server's \
             https:// address."
        )
    );
    browser.wait_for(REQUEST_ROWS).await;
    assert_eq!(browser.row_count().await, 7, "the host is still asked");
    browser.screenshot("cm-host-over-plain-http").await;
    browser.close().await;
}

/// What the guide tells CM administrators to put in the CM site's web.config
/// for layout B: the text of step 2.
fn guide_cm_cors() -> String {
    let guide = std::fs::read_to_string(workspace_root().join("docs/deploying.md")).expect("the guide");
    let step = guide.split_once("2. **Allow exactly the viewer's origin").expect("the CORS step").1;
    step.split_once("3. **The anonymous preflight").expect("the step after it").0.to_owned()
}

/// The value of `attribute="..."` in `element`.
fn attribute<'a>(element: &'a str, attribute: &str) -> Option<&'a str> {
    Some(element.split_once(&format!("{attribute}=\""))?.1.split_once('"')?.0)
}

/// Whether IIS applies `<location path=...>` to `url`: the path itself and everything below it.
fn location_covers(location: &str, url: &str) -> bool {
    let (location, url) = (format!("/{}", location.to_ascii_lowercase()), url.to_ascii_lowercase());
    url == location || url.starts_with(&format!("{location}/"))
}

const A_GUID: &str = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099";

/// The API addresses the viewer reads (every id is a GUID in CM).
fn paths_the_viewer_reads() -> Vec<String> {
    let api = cm_model::REQUESTS_PATH.trim_end_matches("/requests");
    let mut paths = vec![
        cm_model::REQUESTS_PATH.to_owned(),
        format!("{}/{A_GUID}", cm_model::REQUESTS_PATH),
        cm_model::PROFILE_TEMPLATES_PATH.to_owned(),
        format!("{}/{A_GUID}/policies/Enroll", cm_model::PROFILE_TEMPLATES_PATH),
        format!("{api}/requests/{A_GUID}/smartcards/{A_GUID}"),
        format!("{api}/requests/{A_GUID}/profiles"),
        format!("{api}/smartcards"),
    ];
    for kind in ["smartcards", "profiles"] {
        for below in ["", "/certificates", "/operations"] {
            paths.push(format!("{api}/{kind}/{A_GUID}{below}"));
        }
    }
    paths
}

/// The API addresses that answer card secrets, as Microsoft's reference writes them.
fn paths_of_card_secrets() -> Vec<String> {
    let api = cm_model::REQUESTS_PATH.trim_end_matches("/requests");
    let mut paths = vec![
        format!("{api}/smartcards/{A_GUID}/serverproposedpin"),
        format!("{api}/requests/{A_GUID}/smartcards/{A_GUID}/diversifiedkey"),
        format!("{api}/requests/{A_GUID}/smartcards/{A_GUID}/authenticationresponse"),
        format!("{api}/profiletemplates/{A_GUID}/configuration/smartcards"),
    ];
    // The reference's own examples write the path in lower case; IIS does not mind.
    paths.push(paths[1].to_ascii_lowercase());
    paths.push(format!("{}/", paths[0]));
    paths
}

#[test]
fn the_guide_allows_cors_on_the_paths_the_viewer_reads_and_keeps_card_secrets_from_other_origins() {
    let step = guide_cm_cors();
    let locations: Vec<(&str, &str)> = step
        .split("<location path=\"")
        .skip(1)
        .map(|rest| {
            let (path, rest) = rest.split_once('"').expect("a quoted path");
            (path, rest.split_once("</location>").expect("the location's end").0)
        })
        .collect();
    assert_eq!(
        step.matches("<cors ").count(),
        locations.iter().filter(|(_, body)| body.contains("<cors ")).count(),
        "every CORS setting is inside a <location>"
    );
    for (path, body) in &locations {
        let cors = body.split_once("<cors ").expect("a CORS setting").1;
        assert_eq!(attribute(cors, "failUnlistedOrigins"), Some("true"), "{path}");
        assert_eq!(attribute(cors, "allowCredentials"), Some("true"), "{path}");
        let methods: Vec<_> = cors.split("<add method=\"").skip(1).filter_map(|rest| rest.split_once('"')).collect();
        assert_eq!(methods.iter().map(|(method, _)| *method).collect::<Vec<_>>(), ["GET"], "{path}: reads only");
    }
    for path in paths_the_viewer_reads() {
        assert!(locations.iter().any(|(location, _)| location_covers(location, &path)), "{path} is allowed");
    }
    let api = cm_model::REQUESTS_PATH.trim_end_matches("requests");
    for (location, _) in &locations {
        let below_the_api = format!("/{location}").to_ascii_lowercase();
        assert!(below_the_api.len() > api.len() && below_the_api.starts_with(&api.to_ascii_lowercase()), "{location}");
        let read = paths_the_viewer_reads().into_iter().any(|path| location_covers(location, &path));
        assert!(read, "{location} holds a path the viewer reads");
    }

    // The rule that refuses card secrets to other origins, read as URL Rewrite reads it (case-insensitive).
    let rule = step.split_once("<rule ").expect("the URL Rewrite rule").1.split_once("</rule>").unwrap().0;
    let condition = |input: &str| {
        rule.split("<add input=\"")
            .skip(1)
            .find(|rest| rest.starts_with(input))
            .and_then(|rest| attribute(rest, "pattern"))
            .unwrap_or_else(|| panic!("a condition on {input}"))
    };
    assert_eq!(condition("{HTTP_ORIGIN}"), ".", "only calls from other origins' pages, which carry Origin");
    assert_eq!(attribute(rule, "logicalGrouping"), Some("MatchAll"));
    let action = rule.split_once("<action ").expect("an action").1;
    assert_eq!((attribute(action, "type"), attribute(action, "statusCode")), (Some("CustomResponse"), Some("403")));
    let secret = regex::RegexBuilder::new(condition("{URL}")).case_insensitive(true).build().expect("a regex");
    for path in paths_of_card_secrets() {
        assert!(secret.is_match(&path), "{path} is refused to other origins");
        assert!(locations.iter().any(|(location, _)| location_covers(location, &path)), "{path} needs the rule");
    }
    for path in paths_the_viewer_reads() {
        assert!(!secret.is_match(&path), "{path} stays readable");
    }
}
