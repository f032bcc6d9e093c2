//! What the end-to-end tests share: the mock CM server as a real process, and
//! headless Chromium driven through chromedriver.
#![allow(dead_code, reason = "each test binary compiles this module and uses only part of it")]

pub mod bundle;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long a page may take to show what a test waits for.
pub const PAGE_TIMEOUT: Duration = Duration::from_secs(30);

/// The requests table's rows that show a request (not its spacers), as a
/// literal for `concat!` in the scripts the tests run.
#[macro_export]
macro_rules! request_rows {
    () => {
        "table.requests tbody tr[aria-rowindex]"
    };
}

/// The requests table's rows that show a request (not its spacers).
pub const REQUEST_ROWS: &str = request_rows!();

/// The colour scheme a system setting asks pages for (`prefers-color-scheme`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorScheme {
    Light,
    Dark,
}

impl ColorScheme {
    pub const BOTH: [ColorScheme; 2] = [ColorScheme::Light, ColorScheme::Dark];

    /// The scheme's name in CSS, which also names screenshots.
    pub fn name(self) -> &'static str {
        match self {
            ColorScheme::Light => "light",
            ColorScheme::Dark => "dark",
        }
    }
}

/// The size of the browser's window, which headless Chromium gives the page whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowSize {
    pub width: u32,
    pub height: u32,
}

impl WindowSize {
    /// A desktop window, the size every browser of the tests starts with.
    pub const DESKTOP: WindowSize = WindowSize { width: 1400, height: 900 };
    /// A common laptop screen.
    pub const LAPTOP: WindowSize = WindowSize { width: 1366, height: 768 };
    /// A phone held upright.
    pub const PHONE: WindowSize = WindowSize { width: 390, height: 844 };
}

/// The axe-core rules the page is checked against: WCAG 2.0, 2.1 and 2.2 at
/// levels A and AA, and axe-core's best practices.
pub const ACCESSIBILITY_RULE_TAGS: [&str; 6] =
    ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/// The workspace root, which is this package's folder.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The release build of the app (`trunk build --release`), which the tests serve.
pub fn built_app() -> PathBuf {
    let dist = std::env::var_os("CM_VIEWER_DIST").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("dist"));
    assert!(
        dist.join("index.html").is_file(),
        "no built app in {}: run `cargo xtask test`, which builds it before these tests",
        dist.display()
    );
    let config = std::fs::read_to_string(dist.join("config.json")).unwrap_or_default();
    assert!(
        config.contains(r#""cmHost": """#),
        "{} is set up for another CM host (by `cargo xtask release --cm-host`?): run `cargo xtask test`, which \
         builds it again",
        dist.display()
    );
    dist
}

/// A copy of the built app with its own `config.json`, for as long as the test holds it.
pub fn built_app_configured(config: &str) -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("a temporary folder");
    copy_folder(&built_app(), copy.path());
    std::fs::write(copy.path().join("config.json"), config).expect("config.json");
    copy
}

fn copy_folder(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("a folder of the built app") {
        let entry = entry.expect("a file of the built app");
        let destination = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            std::fs::create_dir(&destination).expect("a folder");
            copy_folder(&entry.path(), &destination);
        } else {
            std::fs::copy(entry.path(), destination).expect("a copy");
        }
    }
}

/// A child process that is killed when the test lets go of it, pass or fail.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The mock CM server, running as its own process on a free loopback port.
pub struct MockServer {
    _process: KillOnDrop,
    pub url: String,
    /// From starting the process to its listening, its data generated.
    pub ready_after: Duration,
}

/// How the mock server is built: as the tests build everything, or optimised
/// as a benchmark needs it.
#[derive(Clone, Copy)]
pub enum MockBuild {
    Debug,
    Release,
}

impl MockServer {
    /// Starts the server serving the app in `app_dir`, with more of its flags in `flags`.
    pub fn start(app_dir: &Path, flags: &[&str]) -> MockServer {
        MockServer::start_built(MockBuild::Debug, app_dir, flags)
    }

    /// Starts the server built as `build`, serving the app in `app_dir`, with more of its flags in `flags`.
    pub fn start_built(build: MockBuild, app_dir: &Path, flags: &[&str]) -> MockServer {
        let binary = mock_server_binary(build);
        let started = Instant::now();
        let mut child = Command::new(binary)
            .args(["--port", "0", "--app-dir"])
            .arg(app_dir)
            .args(flags)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the mock server starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let process = KillOnDrop(child);
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("the mock server prints its address");
        let url = line.trim().rsplit(' ').next().unwrap_or_default().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "unexpected first line from the mock server: {line}");
        MockServer { _process: process, url, ready_after: started.elapsed() }
    }
}

/// Builds the mock server (a no-op when it is up to date) and returns its path.
fn mock_server_binary(build: MockBuild) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let profile = match build {
        MockBuild::Debug => "dev",
        MockBuild::Release => "release",
    };
    let output = Command::new(cargo)
        .args(["build", "--quiet", "--package", "mock-cm-server", "--profile", profile, "--message-format=json"])
        .current_dir(workspace_root())
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "building the mock server failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["target"]["name"] == "mock-cm-server")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the mock server's executable")
}

/// Headless Chromium under chromedriver, with a WebDriver session open.
pub struct Browser {
    pub client: Client,
    _driver: KillOnDrop,
    downloads: tempfile::TempDir,
}

impl Browser {
    /// A browser whose time zone is UTC, so that local times read like the API's.
    pub async fn start() -> Browser {
        Browser::start_with("UTC", &[]).await
    }

    /// A browser in the time zone `zone` (an IANA name such as `America/New_York`).
    pub async fn start_in_time_zone(zone: &str) -> Browser {
        Browser::start_with(zone, &[]).await
    }

    /// A browser in the time zone `zone`, started with more Chromium `switches`.
    pub async fn start_with(zone: &str, switches: &[&str]) -> Browser {
        let port = free_port();
        let driver = Command::new(chromedriver())
            .env("TZ", zone)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts (cargo xtask test installs it)");
        let driver = KillOnDrop(driver);
        let downloads = tempfile::tempdir().expect("a downloads folder");
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": chromium(),
                "prefs": {
                    "download.default_directory": downloads.path(),
                    "download.prompt_for_download": false,
                },
                // Without the networking switches Chromium floods a closed network with connections.
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    format!("--window-size={},{}", WindowSize::DESKTOP.width, WindowSize::DESKTOP.height),
                ],
            }
        });
        let Value::Object(mut capabilities) = capabilities else { unreachable!() };
        let args = capabilities["goog:chromeOptions"]["args"].as_array_mut().expect("the argument list");
        args.extend(switches.iter().map(|switch| json!(switch)));
        let started = Instant::now();
        let client = loop {
            let connection = ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await;
            match connection {
                Ok(client) => break client,
                Err(error) if started.elapsed() > Duration::from_secs(20) => {
                    panic!("chromedriver did not start: {error}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Browser { client, _driver: driver, downloads }
    }

    /// Waits until `css` matches an element.
    pub async fn wait_for(&self, css: &str) {
        self.client
            .wait()
            .at_most(PAGE_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("{css} did not appear: {error}"));
    }

    /// Waits until `condition`, a script returning a boolean, returns true.
    pub async fn wait_until(&self, condition: &str) {
        self.wait_until_within(condition, PAGE_TIMEOUT).await;
    }

    /// Waits at most `limit` until `condition`, a script returning a boolean, returns true.
    pub async fn wait_until_within(&self, condition: &str, limit: Duration) {
        assert!(self.becomes_true_within(condition, limit).await, "the page never reached: {condition}");
    }

    /// Whether `condition`, a script returning a boolean, returns true within `limit`.
    pub async fn becomes_true_within(&self, condition: &str, limit: Duration) -> bool {
        let started = Instant::now();
        while self.evaluate(condition).await != Value::Bool(true) {
            if started.elapsed() >= limit {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        true
    }

    /// The text of the element `css` matches.
    pub async fn text_of(&self, css: &str) -> String {
        let script = format!("return document.querySelector({css:?}).textContent;");
        self.evaluate(&script).await.as_str().unwrap_or_else(|| panic!("no element {css}")).to_owned()
    }

    /// The text of the file `name` the page saved, once it has arrived.
    pub async fn downloaded(&self, name: &str) -> String {
        let path = self.downloads.path().join(name);
        let started = Instant::now();
        while !path.is_file() {
            assert!(started.elapsed() < PAGE_TIMEOUT, "{name} was never downloaded");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        std::fs::read_to_string(path).expect("the download is text")
    }

    /// Presses and releases `key` wherever the focus is, as a person at the keyboard does.
    pub async fn press(&self, key: fantoccini::key::Key) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let value = char::from(key);
        let keys = KeyActions::new("keyboard".into()).then(KeyAction::Down { value }).then(KeyAction::Up { value });
        self.client.perform_actions(keys).await.expect("the key is pressed");
    }

    /// Presses and releases `key` with Shift held, as Shift+Tab.
    pub async fn press_with_shift(&self, key: fantoccini::key::Key) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let (shift, value) = (char::from(fantoccini::key::Key::Shift), char::from(key));
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: shift })
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value })
            .then(KeyAction::Up { value: shift });
        self.client.perform_actions(keys).await.expect("the keys are pressed");
    }

    /// Gives the window `size` and waits until the page has it.
    pub async fn resize(&self, size: WindowSize) {
        self.client.set_window_size(size.width, size.height).await.expect("the window is resized");
        self.wait_until(&format!("return window.innerWidth === {};", size.width)).await;
    }

    /// Makes the page see `scheme` as the system's colour scheme, from now on
    /// and in the pages opened after.
    pub async fn emulate_color_scheme(&self, scheme: ColorScheme) {
        let features = json!([{ "name": "prefers-color-scheme", "value": scheme.name() }]);
        self.devtools("Emulation.setEmulatedMedia", json!({ "features": features })).await;
        let dark = scheme == ColorScheme::Dark;
        self.wait_until(&format!("return matchMedia('(prefers-color-scheme: dark)').matches === {dark};")).await;
    }

    /// What axe-core finds wrong with the page as it is now against
    /// [`ACCESSIBILITY_RULE_TAGS`], one line per rule broken: its id, impact,
    /// what it asks for and the elements that break it.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        if self.evaluate("return typeof window.axe === 'undefined';").await == true {
            // Run as WebDriver runs scripts, outside the page's Content-Security-Policy.
            self.evaluate(axe_core_script()).await;
        }
        // axe reads computed colours: a transition under way would be judged half done.
        // An endless animation never settles, hence the limit.
        let settled = "return document.getAnimations().every(animation => animation.playState !== 'running');";
        self.becomes_true_within(settled, Duration::from_secs(2)).await;
        let script = "const [tags, listed] = arguments;\
                      const options = { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] };\
                      return axe.run(document, options).then(results => results.violations.map(rule => {\
                        const targets = rule.nodes.map(node => node.target.flat().join(' >>> '));\
                        const more = targets.length > listed ? `, \u{2026} and ${targets.length - listed} more` : '';\
                        const first = (rule.nodes[0].failureSummary || '').replace(/\\s+/g, ' ').trim();\
                        return `${rule.id} (${rule.impact}): ${rule.help}; ${targets.length} element(s): `\
                          + `${targets.slice(0, listed).join(', ')}${more}; first: ${first}`;\
                      }));";
        let lines = self.evaluate_with(script, vec![json!(ACCESSIBILITY_RULE_TAGS), json!(10)]).await;
        serde_json::from_value(lines).expect("a line per violation")
    }

    /// Runs the Chrome DevTools Protocol command `command` with `params` (as
    /// chromedriver relays them) and returns its result.
    pub async fn devtools(&self, command: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(DevTools { command, params })
            .await
            .unwrap_or_else(|error| panic!("DevTools {command} failed: {error}"))
    }

    /// Runs `script` in the page and returns what it returns.
    pub async fn evaluate(&self, script: &str) -> Value {
        self.evaluate_with(script, vec![]).await
    }

    /// Runs `script` in the page with `args` as its `arguments` and returns
    /// what it returns; a promise it returns is awaited (WebDriver does so).
    pub async fn evaluate_with(&self, script: &str, args: Vec<Value>) -> Value {
        self.client.execute(script, args).await.unwrap_or_else(|error| panic!("the script failed: {error}"))
    }

    /// The exact value of every cell of the rendered rows of the requests
    /// table, row by row: the full GUID or UTC date a shortened cell shows on
    /// hover, otherwise its text.
    pub async fn table_cells(&self) -> Vec<Vec<String>> {
        self.cells(
            "const value = cell.querySelector('.value'); return value && value.title ? value.title : cell.textContent;",
        )
        .await
    }

    /// Opens the app at `url` and waits until it shows requests.
    pub async fn open_showing_rows(&self, url: &str) {
        self.client.goto(url).await.expect("the app opens");
        self.wait_for(REQUEST_ROWS).await;
    }

    /// Waits until the requests table renders exactly `count` rows.
    pub async fn wait_for_rendered_rows(&self, count: usize) {
        self.wait_until(&format!("return document.querySelectorAll('{REQUEST_ROWS}').length === {count};")).await;
    }

    /// Where the column headed `header` stands among the columns shown, from 0.
    pub async fn column_at(&self, header: &str) -> usize {
        let script = "return Array.from(document.querySelectorAll('table.requests thead th button'))\
                      .findIndex(button => button.firstChild.textContent === arguments[0]);";
        let at = self.evaluate_with(script, vec![json!(header)]).await;
        at.as_u64().unwrap_or_else(|| panic!("no column headed {header}: {at}")) as usize
    }

    /// The column headed `header` of [`Browser::table_cells`].
    pub async fn column(&self, header: &str) -> Vec<String> {
        let at = self.column_at(header).await;
        self.table_cells().await.into_iter().map(|mut row| row.swap_remove(at)).collect()
    }

    /// How many rows the requests table has, rendered or not (it renders only
    /// the rows in view): its `aria-rowcount`, less the header row.
    pub async fn row_count(&self) -> usize {
        let count =
            self.evaluate("return document.querySelector('table.requests').getAttribute('aria-rowcount');").await;
        count.as_str().and_then(|count| count.parse::<usize>().ok()).expect("the table has aria-rowcount") - 1
    }

    /// Scrolls the requests table to its last row and waits until it is rendered.
    pub async fn scroll_table_to_end(&self) {
        let last_row = self.row_count().await + 1;
        self.evaluate(
            "const scroller = document.querySelector('.table-scroll'); scroller.scrollTop = scroller.scrollHeight;",
        )
        .await;
        self.wait_until(&format!(
            "return document.querySelector('{REQUEST_ROWS}[aria-rowindex=\"{last_row}\"]') !== null;"
        ))
        .await;
    }

    /// What every cell of the requests table shows, row by row.
    pub async fn table_texts(&self) -> Vec<Vec<String>> {
        self.cells("const value = cell.querySelector('.value'); return (value || cell).textContent;").await
    }

    async fn cells(&self, read_cell: &str) -> Vec<Vec<String>> {
        let script = format!(
            "return Array.from(document.querySelectorAll('{REQUEST_ROWS}'))\
             .map(row => Array.from(row.cells).map(cell => {{ {read_cell} }}));"
        );
        serde_json::from_value(self.evaluate(&script).await).expect("rows of strings")
    }

    /// Runs `script` in every page this browser opens from now on, before the page's own scripts.
    pub async fn before_every_page(&self, script: &str) {
        self.devtools("Page.addScriptToEvaluateOnNewDocument", json!({ "source": script })).await;
    }

    /// Records, from the next page on, every error the page reports (console
    /// errors, which a Rust panic writes, uncaught exceptions, rejected
    /// promises); [`Browser::problems`] reads them.
    pub async fn record_problems(&self) {
        self.before_every_page(
            "window.cmProblems = []; const reportError = console.error.bind(console);\
             console.error = (...parts) => { window.cmProblems.push(parts.map(String).join(' ')); reportError(...parts); };\
             addEventListener('error', event => window.cmProblems.push('uncaught: ' + event.message));\
             addEventListener('unhandledrejection', event => window.cmProblems.push('rejected: ' + event.reason));",
        )
        .await;
    }

    /// Records, from the next page on, every text the page turns into markup
    /// (`innerHTML`, `outerHTML`, `insertAdjacentHTML`): the element's name and
    /// the text; [`Browser::markup_written`] reads them.
    pub async fn record_markup(&self) {
        self.before_every_page(
            "window.cmMarkup = [];             for (const property of ['innerHTML', 'outerHTML']) {               const own = Object.getOwnPropertyDescriptor(Element.prototype, property);               Object.defineProperty(Element.prototype, property, { ...own, set(text) {                 window.cmMarkup.push([this.localName, String(text)]); own.set.call(this, text); } });             }             const insert = Element.prototype.insertAdjacentHTML;             Element.prototype.insertAdjacentHTML = function (where, text) {               window.cmMarkup.push([this.localName, String(text)]); return insert.call(this, where, text); };",
        )
        .await;
    }

    /// The element names and texts the page turned into markup (see [`Browser::record_markup`]).
    pub async fn markup_written(&self) -> Vec<(String, String)> {
        serde_json::from_value(self.evaluate("return window.cmMarkup || [];").await).expect("pairs of texts")
    }

    /// What the page reported since it opened (see [`Browser::record_problems`]),
    /// and the text of the crash panel a panic shows.
    pub async fn problems(&self) -> Vec<String> {
        let script = "const crash = document.querySelector('.crash');\
                      return (window.cmProblems || []).concat(crash ? ['crash panel: ' + crash.textContent] : []);";
        serde_json::from_value(self.evaluate(script).await).expect("a list of problems")
    }

    /// Makes timers of whole minutes, from the next page on, run 600 times
    /// sooner (a minute in a tenth of a second), so that automatic refreshes
    /// can be watched in a test. Other delays are kept: a page's timeout must
    /// then not be whole minutes.
    pub async fn compress_minutes(&self) {
        self.before_every_page(
            "const setTimer = window.setTimeout.bind(window);\
             window.setTimeout = (run, delay, ...rest) =>\
               setTimer(run, delay > 0 && delay % 60000 === 0 ? delay / 600 : delay, ...rest);",
        )
        .await;
    }

    /// Saves what the page shows as `target/screenshots/{name}.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let folder = workspace_root().join("target").join("screenshots");
        std::fs::create_dir_all(&folder).expect("the screenshots folder");
        std::fs::write(folder.join(format!("{name}.png")), png).expect("the screenshot is written");
    }

    pub async fn close(self) {
        self.client.close().await.expect("the browser session closes");
    }
}

/// The text of axe-core's `axe.min.js`, from the file `AXE_CORE_JS` names.
fn axe_core_script() -> &'static str {
    static SCRIPT: OnceLock<String> = OnceLock::new();
    SCRIPT.get_or_init(|| {
        let path = std::env::var_os("AXE_CORE_JS").map(PathBuf::from).unwrap_or_else(|| {
            panic!("AXE_CORE_JS is not set: run `cargo xtask test`, which installs axe-core and sets it to axe.min.js")
        });
        std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!("{} (AXE_CORE_JS) cannot be read: {error}; `cargo xtask test` installs it", path.display())
        })
    })
}

/// A loopback port nobody listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()).expect("a free port").port()
}

fn chromedriver() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into())
}

/// The Chromium binary the browser tests run (`CHROMIUM`, set by `cargo xtask`).
pub fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// A Chrome DevTools Protocol command, through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct DevTools {
    command: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.command, "params": self.params }).to_string()))
    }
}
