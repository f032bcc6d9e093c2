//! The built app (`dist/`) in headless Chromium against the mock CM server, at
//! 1,000, 10,000 and 100,000 requests: bundle sizes, load times from the app's
//! User Timing marks, decoding against a plain `JSON.parse`, long tasks,
//! sorting, searching, DOM size and memory. Prints one table and writes it,
//! with the date, machine and commit, to `docs/performance.md`.
//!
//! `cargo xtask bench` builds the app and runs this; a measure the app gives no
//! mark for reads "n/a". It also writes the ratios of decoding, storing,
//! sorting and searching to `JSON.parse` (`docs/performance.json`), which
//! `cargo xtask bench --check` (`--check` here) measures again and compares:
//! it fails when one is more than 25 % worse (and by more than a frame's time:
//! less is the jitter of waiting for a frame), or when the soak's memory is
//! over its goal, and writes nothing.
// The package also builds for wasm32, where this has nothing to run.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

#[path = "../tests/support/mod.rs"]
mod support;

use fantoccini::wd::TimeoutConfiguration;
use serde::Deserialize;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Duration;
use support::bundle::{BROTLI_QUALITY, Bundle, GZIP_LEVEL, Sizes};
use support::{Browser, MockBuild, MockServer, built_app, built_app_configured, chromium, workspace_root};

/// Generated requests of each run; the mock server adds its two documented examples.
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
/// The size measured only when asked (`--million`): the mock server then holds
/// about 2 GB and the page about a gigabyte, more than a small machine spares.
const MILLION: usize = 1_000_000;
/// The longest one step (the load, one click, one keystroke) may take: the
/// app may render every one of 100,000 rows.
const STEP_TIMEOUT: Duration = Duration::from_secs(300);
/// How long the marks may lag behind the table showing every request.
const MARK_TIMEOUT: Duration = Duration::from_secs(5);
/// The list the app asks for when opened without choices.
const LIST_PATH: &str = "CertificateManagement/api/v1.0/requests";
/// Column headers clicked, by their label; each click is timed.
const SORTED_COLUMNS: [&str; 2] = ["Type", "Submitted"];
/// Ascending, descending, ascending (or the reverse): three samples for a median.
const CLICKS_PER_COLUMN: usize = 3;
/// Typed into the search one character at a time: a word of the generated
/// comments, and the start of the documented enrollment's id.
const SEARCHED_WORDS: [&str; 2] = ["lost", "a9b4b42c"];
/// Clicks the page's Refresh button.
const CLICK_REFRESH: &str =
    "Array.from(document.querySelectorAll('.refresh button')).find(b => b.textContent === 'Refresh').click();";
/// Loads of the list once the page answers it from memory, each after
/// `JSON.parse` of the same text ([`PARSE_FROM_MEMORY`]): the fastest of each counts.
const LOADS_FROM_MEMORY: usize = 5;
/// Parses of the list in memory, two beside each of its loads.
const PARSES_FROM_MEMORY: usize = 2 * LOADS_FROM_MEMORY;
/// Makes the page answer the app's requests for the list (`arguments[1]`,
/// the list's path) with the bytes of `arguments[0]`, fetched once now and
/// kept: the app then decodes a body already in memory, as `JSON.parse`
/// parses a text already read, with no transfer taking turns with it on the
/// machine's cores. The app calls `window.fetch` at each load, so replacing it
/// reaches the app's own requests. Every other request still goes out.
const LIST_FROM_MEMORY: &str = r"
const [url, listPath] = arguments;
return (async () => {
  const body = await (await fetch(url, { credentials: 'include' })).arrayBuffer();
  window.cmListInMemory = body;
  const fetchFromNetwork = window.fetch;
  window.fetch = function (resource, options) {
    const asked = new URL(resource instanceof Request ? resource.url : String(resource), location.href);
    if (!asked.pathname.endsWith(listPath)) {
      return fetchFromNetwork.call(this, resource, options);
    }
    // A Response copies the bytes it is given: each load reads a body of its own.
    const headers = { 'Content-Type': 'application/json', 'Content-Length': String(body.byteLength) };
    return Promise.resolve(new Response(body, { status: 200, headers }));
  };
  return body.byteLength;
})();
";
/// Times `JSON.parse` alone of the text of the list [`LIST_FROM_MEMORY`] keeps,
/// read anew (not timed), as the app reads its bytes anew at each load: twice
/// in a row, the faster counting. A first parse after a full garbage collection
/// grows the heap again and takes half as long again (as the baseline's first
/// of five does): the app's loads it is set against reuse memory already grown.
const PARSE_FROM_MEMORY: &str = r"
const text = new TextDecoder().decode(window.cmListInMemory);
let fastest = Infinity;
for (let run = 0; run < 2; run += 1) {
  const started = performance.now();
  JSON.parse(text);
  fastest = Math.min(fastest, performance.now() - started);
}
return fastest;
";
/// The soak: refreshes of one page at this many generated requests.
const SOAK_REQUESTS: usize = 10_000;
const SOAK_REFRESHES: usize = 20;
/// Wasm memory after the soak's refreshes over after its first load: at most
/// two answers at once (the one shown and the one arriving), and a little.
const SOAK_GOAL: f64 = 2.2;

/// Cold start: a fresh browser with an empty cache opens the app, and a plain
/// page that fetches the same list, parses it with `JSON.parse` and shows its
/// first rows, at this many generated requests.
const COLD_START_REQUESTS: usize = 10_000;
/// The throttled link of the cold start, as DevTools emulates it: 20 Mbit/s each way, 20 ms latency.
const THROTTLED_BYTES_PER_SECOND: f64 = 20_000_000.0 / 8.0;
const THROTTLED_LATENCY_MS: f64 = 20.0;
/// The plain page's name beside the app, and the mark it sets when it shows its first rows.
const PLAIN_PAGE: &str = "plain-fetch-and-parse.html";
const PLAIN_FIRST_ROWS: &str = "plain:first-rows";
/// The plain page: the least a page can do to show the list's first rows.
/// Texts are set as text, as the app sets them.
const PLAIN_PAGE_HTML: &str = r"<!doctype html>
<html lang=en><meta charset=utf-8><title>fetch and JSON.parse</title>
<table><tbody id=rows></tbody></table>
<script type=module>
const response = await fetch('CertificateManagement/api/v1.0/requests', { credentials: 'include' });
const requests = JSON.parse(await response.text());
const rows = document.getElementById('rows');
for (const request of requests.slice(0, 30)) {
  const row = rows.insertRow();
  for (const field of ['Uuid', 'RequestType', 'Status', 'Submitted', 'TargetUserUuid']) {
    row.insertCell().textContent = String(request[field]);
  }
}
performance.mark('plain:first-rows');
</script>
";

/// What a load's `cm:all-rows` detail says of its decoding and storing, in milliseconds.
const DECODING_AND_STORING: &str = "detail.decodeMilliseconds + detail.storeMilliseconds";

/// The marks the app sets while loading, in the order it sets them.
const RESPONSE_START: &str = "cm:response-start";
const FIRST_ROWS: &str = "cm:first-rows";
const LAST_BYTE: &str = "cm:last-byte";
const ALL_ROWS: &str = "cm:all-rows";

/// `summaryCounts()`: the shown and total counts of the summary ("12 of 1002
/// requests"), or null while there is none.
const SUMMARY_COUNTS: &str = r"
const summaryCounts = () => {
  const counts = /^([\d,.\s]+) of ([\d,.\s]+) requests/.exec(document.querySelector('.summary')?.textContent ?? '');
  const number = text => Number(text.replace(/\D/g, ''));
  return counts === null ? null : { shown: number(counts[1]), total: number(counts[2]) };
};
";

/// `finished(total)`: whether loading has finished: the app marked all rows,
/// the summary shows every one of `total` requests, or the app shows an error.
const FINISHED: &str = r"
const finished = total => performance.getEntriesByName('cm:all-rows', 'mark').length > 0
  || (summaryCounts()?.shown === total && summaryCounts()?.total === total)
  || document.querySelector('.message.error') !== null;
";

/// The text of the error the app shows, or null.
const SHOWN_ERROR: &str = "return document.querySelector('.message.error')?.textContent ?? null;";

/// The time and detail of the mark named `arguments[0]`, or null.
const READ_MARK: &str = r"
const mark = performance.getEntriesByName(arguments[0], 'mark')[0];
return mark === undefined ? null : { at: mark.startTime, detail: mark.detail ?? null };
";

/// Elements in the document.
const ELEMENT_COUNT: &str = "return document.getElementsByTagName('*').length;";

/// The long tasks (over 50 ms) so far, each with how much of it ran scripts
/// and how much rendered, from the long animation frames Chromium reports with
/// them (a script counts when it starts in the task; a frame's rendering when
/// it starts in it). WebDriver cannot observe before the page loads, so this
/// relies on Chromium keeping both for a buffered observer; null when Chromium
/// does not support long tasks at all.
const LONG_TASKS: &str = r"
const [from, to] = arguments;
const supported = PerformanceObserver.supportedEntryTypes;
if (!supported.includes('longtask')) return null;
const buffered = type => new Promise(resolve => {
  if (!supported.includes(type)) return resolve([]);
  const observer = new PerformanceObserver(list => {
    observer.disconnect();
    resolve(list.getEntries());
  });
  observer.observe({ type, buffered: true });
  // With nothing buffered the observer is never called.
  setTimeout(() => { observer.disconnect(); resolve([]); }, 1000);
});
return Promise.all([buffered('longtask'), buffered('long-animation-frame')]).then(([tasks, frames]) => tasks
  .filter(task => task.startTime < to && task.startTime + task.duration > from)
  .map(task => {
    const within = at => at >= task.startTime && at < task.startTime + task.duration;
    const scripts = frames.flatMap(frame => frame.scripts).filter(script => within(script.startTime));
    const rendering = frames.filter(frame => frame.renderStart > 0 && within(frame.renderStart));
    return {
      milliseconds: task.duration,
      scripts: scripts.reduce((sum, script) => sum + script.duration, 0),
      rendering: rendering.reduce((sum, frame) => sum + frame.startTime + frame.duration - frame.renderStart, 0),
    };
  }));
";

/// `timedUpdate(action)`: milliseconds from just before `action` until the
/// page has updated. Leptos runs its effects in microtasks, so a timer fires
/// after them; reading offsetHeight then forces style and layout.
const TIMED_UPDATE: &str = r"
const timedUpdate = async action => {
  const started = performance.now();
  action();
  await new Promise(resolve => setTimeout(resolve, 0));
  document.body.offsetHeight;
  return performance.now() - started;
};
";

/// Clicks the sort button of the column labelled `arguments[0]`: the time it
/// took, and the header's `aria-sort` before and after.
const CLICK_SORT_HEADER: &str = r"
const [label] = arguments;
const header = () => Array.from(document.querySelectorAll('table.requests th > button'))
  .find(button => button.textContent.trim().startsWith(label))?.parentElement;
if (header() === undefined) throw new Error(`no column header labelled ${label}`);
const before = header().getAttribute('aria-sort');
return timedUpdate(() => header().querySelector('button').click())
  .then(milliseconds => ({ milliseconds, before, after: header()?.getAttribute('aria-sort') ?? null }));
";

/// Sets the search text to `arguments[0]` as typing does: the time it took,
/// and the summary's counts after it.
const TYPE_SEARCH: &str = r"
const [text] = arguments;
const input = document.querySelector('.narrowing input[type=search]');
if (input === null) throw new Error('no search input');
return timedUpdate(() => {
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}).then(milliseconds => ({ milliseconds, counts: summaryCounts() }));
";

/// Fetches the list at `arguments[0]` as the app does and times `JSON.parse`
/// alone on its text (the fastest of five, and the first): the baseline for the app's decoding.
const PARSE_BASELINE: &str = r"
const [url] = arguments;
return (async () => {
  const response = await fetch(url, { credentials: 'include' });
  const body = await response.arrayBuffer();
  try {
    const text = new TextDecoder().decode(body);
    // The fastest of five: a parse's time varies by half with the heap's state
    // (the median of five still ranged from 175 to 352 ms at 100,000 requests),
    // and the fastest is the baseline hardest for the app to match.
    const times = [];
    let parsed;
    for (let run = 0; run < 5; run += 1) {
      parsed = null;
      const started = performance.now();
      parsed = JSON.parse(text);
      times.push(performance.now() - started);
    }
    // The first parse grows the heap, as the app's first load grows its memory.
    const first = times[0];
    times.sort((a, b) => a - b);
    return { milliseconds: times[0], firstMilliseconds: first, bodyBytes: body.byteLength, elements: parsed.length };
  } catch (error) {
    // A body past the longest string the browser makes cannot be read this way at all.
    return { problem: String(error), bodyBytes: body.byteLength };
  }
})();
";

/// What a cell shows for a measure the app gave no mark for.
const NOT_AVAILABLE: &str = "n/a";
/// What a cell that compares with `JSON.parse` shows when the page could not parse the body.
const NO_PARSE: &str = "no parse";
/// What a column shows for a size at which the app did not finish loading.
const NOT_MEASURED: &str = "—";
/// What the long-task cells show when Chromium has no Long Tasks API.
const LONG_TASKS_UNSUPPORTED: &str = "not reported";
/// A fact about the run that its command could not tell.
const UNKNOWN: &str = "unknown";

/// The sizes whose ratios `--check` guards: at 1,000 requests `JSON.parse`
/// takes a few milliseconds, too few to divide by.
const GUARDED_SIZES: [usize; 2] = [10_000, 100_000];
/// How much larger a guarded ratio may grow before `--check` fails.
const TOLERATED_REGRESSION: f64 = 1.25;
/// A growth of a guarded time by less than a frame (at 60 Hz) is noise,
/// whatever its percentage: a click or keystroke waits for the next frame, so
/// a 28 ms sort at 100,000 requests measured 41 ms in one run of five.
const FRAME_MILLISECONDS: f64 = 1000.0 / 60.0;
/// Where the guarded ratios of the last full run are kept, from the workspace root.
const FIGURES: &str = "docs/performance.json";

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::args().any(|argument| argument == "--check") {
        return check().await;
    }
    let million = std::env::args().any(|argument| argument == "--million");
    let sizes: Vec<usize> = SIZES.into_iter().chain(million.then_some(MILLION)).collect();
    let app = built_app();
    // Before this run writes its own files, which would count as changes.
    let measured = commit();
    let bundle = Bundle::of(&app);
    let mut runs = Vec::new();
    for &generated in &sizes {
        eprintln!("Measuring {} requests…", thousands(generated as u64));
        runs.push(Run::measure(&app, generated).await);
    }
    eprintln!("Soaking: {SOAK_REFRESHES} refreshes at {} requests…", thousands(SOAK_REQUESTS as u64));
    let soak = Soak::measure(&app).await;
    eprintln!("Cold starts at {} requests…", thousands(COLD_START_REQUESTS as u64));
    let cold_start = ColdStart::measure().await;
    let table = [
        table(&bundle, &sizes, &runs),
        soak.as_ref().map_or_else(|problem| format!("Soak not measured: {problem}."), Soak::describe),
        cold_start.describe(),
    ]
    .join("\n\n");
    println!("\n{table}");
    let report = workspace_root().join("docs").join("performance.md");
    std::fs::create_dir_all(report.parent().expect("docs/")).expect("the docs folder");
    std::fs::write(&report, performance_page(&table, &measured)).expect("docs/performance.md is written");
    let figures = sizes.iter().zip(&runs).filter(|(generated, _)| GUARDED_SIZES.contains(generated));
    let figures: serde_json::Map<String, Value> = figures
        .filter_map(|(generated, run)| Some((generated.to_string(), json!(guarded_ratios(run.as_ref().ok()?)))))
        .collect();
    let figures = json!({ "commit": measured, "ratiosToJsonParse": figures });
    let figures_file = workspace_root().join(FIGURES);
    std::fs::write(&figures_file, format!("{:#}\n", figures)).expect("docs/performance.json is written");
    println!("Written to {} and {}", report.display(), figures_file.display());
    if runs.iter().all(Result::is_ok) && soak.is_ok() {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: the app could not be measured at every size; the table's notes say why");
        ExitCode::FAILURE
    }
}

/// Measures the guarded sizes again and compares their ratios with those of
/// the last full run: fails when one grew by more than [`TOLERATED_REGRESSION`]
/// and by more than a frame ([`FRAME_MILLISECONDS`]).
async fn check() -> ExitCode {
    let committed: Value = std::fs::read_to_string(workspace_root().join(FIGURES))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_else(|| panic!("no figures in {FIGURES}: run `cargo xtask bench` first"));
    let app = built_app();
    let mut rows = vec![
        format!(
            "| Ratio to `JSON.parse` | committed ({}) | now | change |",
            committed["commit"].as_str().unwrap_or(UNKNOWN)
        ),
        "|---|--:|--:|--:|".to_owned(),
    ];
    let mut worse = Vec::new();
    for generated in GUARDED_SIZES {
        eprintln!("Measuring {} requests…", thousands(generated as u64));
        let run = match Run::measure(&app, generated).await {
            Ok(run) => run,
            Err(problem) => {
                worse.push(format!("{} requests could not be measured: {problem}", thousands(generated as u64)));
                continue;
            }
        };
        let frame = run.parse_milliseconds.as_ref().map_or(0.0, |parse| FRAME_MILLISECONDS / parse);
        for (measure, now) in guarded_ratios(&run) {
            let now = now.as_f64().expect("a ratio");
            let label = format!("{measure}, {} requests", thousands(generated as u64));
            let Some(before) = committed["ratiosToJsonParse"][generated.to_string()][&measure].as_f64() else {
                rows.push(format!("| {label} | none | {now:.2} | |"));
                continue;
            };
            rows.push(format!("| {label} | {before:.2} | {now:.2} | {:+.0} % |", (now / before - 1.0) * 100.0));
            if now > before * TOLERATED_REGRESSION && now - before > frame {
                worse.push(format!("{label}: {now:.2} against {before:.2}"));
            }
        }
    }
    println!("\n{}", rows.join("\n"));
    eprintln!("Soaking: {SOAK_REFRESHES} refreshes at {} requests…", thousands(SOAK_REQUESTS as u64));
    match Soak::measure(&app).await {
        Ok(soak) => {
            println!("\n{}", soak.describe());
            if !soak.within_goal() {
                worse.push(format!("the soak's memory is over its goal of {SOAK_GOAL}×"));
            }
        }
        Err(problem) => worse.push(format!("the soak could not be measured: {problem}")),
    }
    if worse.is_empty() {
        // A ratio far worse in percent but within a frame is noise, and passes.
        println!(
            "\nNo ratio is more than {:.0} % worse by more than a frame ({FRAME_MILLISECONDS:.1} ms).",
            (TOLERATED_REGRESSION - 1.0) * 100.0
        );
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "\nerror: worse by more than {:.0} %:\n  {}",
            (TOLERATED_REGRESSION - 1.0) * 100.0,
            worse.join("\n  ")
        );
        ExitCode::FAILURE
    }
}

/// The ratios `--check` guards, each a time of the app over the time of
/// `JSON.parse` of the same body in the same browser: absolute times vary with
/// the machine and its load, their ratios much less.
fn guarded_ratios(run: &Run) -> serde_json::Map<String, Value> {
    let mut ratios = serde_json::Map::new();
    let Ok(parse) = run.parse_milliseconds else { return ratios };
    if let Some((decoding, _)) = run.marks.decoding() {
        ratios.insert("decoding".into(), json!(decoding / parse));
    }
    if let Some(storing) = run.marks.storing() {
        ratios.insert("storing".into(), json!(storing / parse));
    }
    if let Ok(in_memory) = &run.in_memory {
        ratios.insert("decoding + storing, the list in memory".into(), json!(in_memory.ratio(parse)));
    }
    for (column, clicks) in SORTED_COLUMNS.iter().zip(&run.sorts) {
        ratios.insert(format!("sort by {column}, median click"), json!(median(clicks) / parse));
    }
    for (word, keystrokes) in SEARCHED_WORDS.iter().zip(&run.searches) {
        ratios.insert(format!("search \"{word}\", median keystroke"), json!(median(keystrokes) / parse));
    }
    ratios
}

/// A User Timing mark: when it was set (milliseconds since the page's start) and its detail.
struct Mark {
    at: f64,
    detail: Value,
}

/// The app's marks of one load; each is `None` when the app did not set it.
struct Marks {
    response_start: Option<Mark>,
    first_rows: Option<Mark>,
    last_byte: Option<Mark>,
    all_rows: Option<Mark>,
}

impl Marks {
    async fn read(browser: &Browser) -> Marks {
        let read = async |name: &str| {
            let mark = browser.evaluate_with(READ_MARK, vec![json!(name)]).await;
            (!mark.is_null()).then(|| Mark { at: mark["at"].as_f64().expect("a time"), detail: mark["detail"].clone() })
        };
        Marks {
            response_start: read(RESPONSE_START).await,
            first_rows: read(FIRST_ROWS).await,
            last_byte: read(LAST_BYTE).await,
            all_rows: read(ALL_ROWS).await,
        }
    }

    fn time_to_first_rows(&self) -> Option<f64> {
        between(&self.response_start, &self.first_rows)
    }

    fn time_to_all_rows(&self) -> Option<f64> {
        between(&self.response_start, &self.all_rows)
    }

    fn all_rows_after_last_byte(&self) -> Option<f64> {
        between(&self.last_byte, &self.all_rows)
    }

    /// Milliseconds spent decoding, and the bytes decoded.
    fn decoding(&self) -> Option<(f64, f64)> {
        Some((self.all_rows_detail("decodeMilliseconds")?, self.all_rows_detail("bodyBytes")?))
    }

    /// Milliseconds spent storing what was decoded (search index, shared descriptors).
    fn storing(&self) -> Option<f64> {
        self.all_rows_detail("storeMilliseconds")
    }

    fn wasm_memory_bytes(&self) -> Option<f64> {
        self.all_rows_detail("wasmMemoryBytes")
    }

    /// A number in the detail of `cm:all-rows`.
    fn all_rows_detail(&self, key: &str) -> Option<f64> {
        self.all_rows.as_ref()?.detail[key].as_f64()
    }
}

/// Milliseconds from mark `from` to mark `to`, when the app set both.
fn between(from: &Option<Mark>, to: &Option<Mark>) -> Option<f64> {
    Some(to.as_ref()?.at - from.as_ref()?.at)
}

/// What one page with `generated` requests measured.
struct Run {
    marks: Marks,
    /// `None` when Chromium does not report long tasks.
    long_tasks: Option<Vec<LongTask>>,
    /// The same while the second refresh loaded and replaced the rows on screen.
    refresh_long_tasks: Option<Vec<LongTask>>,
    elements: u64,
    js_heap_bytes: u64,
    /// Milliseconds of each click, for each of `SORTED_COLUMNS`.
    sorts: Vec<Vec<f64>>,
    /// Milliseconds of each keystroke, for each of `SEARCHED_WORDS`.
    searches: Vec<Vec<f64>>,
    /// Milliseconds of each clearing of the search.
    clears: Vec<f64>,
    /// `JSON.parse` of the same body (the fastest of five), or why the page could not parse it.
    parse_milliseconds: Result<f64, String>,
    /// The first of those five parses, in a heap not yet grown for it.
    first_parse_milliseconds: Option<f64>,
    body_bytes: u64,
    /// Wasm memory once a refresh has shown every row: the most the page held
    /// with two answers, the one shown and the one arriving. Why not, when not measured.
    refreshed_wasm_bytes: Result<f64, String>,
    /// Decoding and storing on a second refresh, when the page's memory and
    /// compiled code are warm, as `JSON.parse`'s fastest of five is.
    warm_decoding_milliseconds: Result<f64, String>,
    /// Decoding and storing of the body already in memory, and `JSON.parse`
    /// of its text, taken in turns.
    in_memory: Result<InMemory, String>,
    /// From starting the mock server (release build) to its listening, its data generated.
    mock_ready_milliseconds: f64,
}

impl Run {
    /// Opens the app, served by a fresh mock server with `generated` requests,
    /// in a fresh browser and measures it; why not, when it does not finish loading.
    async fn measure(app: &Path, generated: usize) -> Result<Run, String> {
        let total = generated as u64 + 2;
        let server = MockServer::start_built(MockBuild::Release, app, &["--requests", &generated.to_string()]);
        let browser = Browser::start().await;
        let timeouts = TimeoutConfiguration::new(Some(STEP_TIMEOUT), Some(STEP_TIMEOUT), None);
        browser.client.update_timeouts(timeouts).await.expect("WebDriver takes the timeouts");
        browser.client.goto(&server.url).await.expect("the app opens");
        let run = match finish_loading(&browser, total).await {
            Ok(()) => Ok(Run::measure_loaded(&browser, &server, total).await),
            Err(problem) => Err(problem),
        };
        // Chromium outlives a chromedriver that is killed without closing its session.
        browser.close().await;
        run
    }

    /// Everything but the bundle, in a page that shows all `total` requests.
    async fn measure_loaded(browser: &Browser, server: &MockServer, total: u64) -> Run {
        let all_rows_marked = format!("return performance.getEntriesByName({ALL_ROWS:?}, 'mark').length > 0;");
        browser.becomes_true_within(&all_rows_marked, MARK_TIMEOUT).await;
        let marks = Marks::read(browser).await;
        // Before the garbage collection below, itself a long task in a large heap.
        let long_tasks = long_tasks_of_load(browser, 1).await;
        let elements = browser.evaluate(ELEMENT_COUNT).await.as_u64().expect("an element count");
        // A full collection as DevTools makes it: the page's own `gc()` leaves much garbage behind.
        browser.devtools("HeapProfiler.collectGarbage", json!({})).await;
        let heap = browser.devtools("Runtime.getHeapUsage", json!({})).await;
        let js_heap_bytes = heap["usedSize"].as_u64().expect("a heap size");

        let sorts = sort_times(browser).await;
        let (searches, clears) = search_times(browser, total).await;
        let list_url = format!("{}{LIST_PATH}", server.url);
        let baseline = browser.evaluate_with(PARSE_BASELINE, vec![json!(list_url)]).await;
        let parse = match baseline["milliseconds"].as_f64() {
            Some(milliseconds) => {
                assert_eq!(baseline["elements"], json!(total), "the baseline parses the whole list");
                Ok(milliseconds)
            }
            None => Err(baseline["problem"].as_str().unwrap_or(UNKNOWN).to_owned()),
        };
        // Last: the refresh's answer replaces the one measured above.
        let refreshed_wasm_bytes = refresh_and_read(browser, 2, "detail.wasmMemoryBytes", "wasm memory").await;
        // The first load and two refreshes.
        let loads_so_far = 3;
        let warm_decoding_milliseconds =
            refresh_and_read(browser, loads_so_far, DECODING_AND_STORING, "decoding").await;
        let refresh_long_tasks = long_tasks_of_load(browser, loads_so_far).await;
        // After every other measure: from here on the page no longer fetches the list.
        let in_memory = match &parse {
            Ok(_) => decoding_from_memory(browser, &list_url, loads_so_far).await,
            Err(_) => Err("the page cannot parse the body to compare with".into()),
        };
        Run {
            marks,
            long_tasks,
            refresh_long_tasks,
            refreshed_wasm_bytes,
            warm_decoding_milliseconds,
            in_memory,
            elements,
            js_heap_bytes,
            sorts,
            searches,
            clears,
            parse_milliseconds: parse,
            first_parse_milliseconds: baseline["firstMilliseconds"].as_f64(),
            body_bytes: baseline["bodyBytes"].as_u64().expect("a body size"),
            mock_ready_milliseconds: server.ready_after.as_secs_f64() * 1000.0,
        }
    }
}

/// Navigation to first rows with an empty cache, of the app and of the plain
/// page, on the machine's own link and on a throttled one.
struct ColdStart {
    /// Milliseconds, or why not measured: app, plain page; unthrottled, throttled.
    times: [[Result<f64, String>; 2]; 2],
}

impl ColdStart {
    async fn measure() -> ColdStart {
        let app = built_app();
        let config = std::fs::read_to_string(app.join("config.json")).expect("the built app's config.json");
        let folder = built_app_configured(&config);
        std::fs::write(folder.path().join(PLAIN_PAGE), PLAIN_PAGE_HTML).expect("the plain page is written");
        let server = MockServer::start_built(
            MockBuild::Release,
            folder.path(),
            &["--requests", &COLD_START_REQUESTS.to_string()],
        );
        let mut times = [[Ok(0.0), Ok(0.0)], [Ok(0.0), Ok(0.0)]];
        for (throttled, row) in [false, true].into_iter().zip(&mut times) {
            let pages = [(server.url.clone(), FIRST_ROWS), (format!("{}{PLAIN_PAGE}", server.url), PLAIN_FIRST_ROWS)];
            for ((url, mark), time) in pages.into_iter().zip(row) {
                *time = ColdStart::first_rows(&url, mark, throttled).await;
            }
        }
        ColdStart { times }
    }

    /// Milliseconds from navigation to `mark` of the page at `url`, in a
    /// fresh browser (an empty cache), on a throttled link or not.
    async fn first_rows(url: &str, mark: &str, throttled: bool) -> Result<f64, String> {
        let browser = Browser::start().await;
        browser.devtools("Network.enable", json!({})).await;
        browser.devtools("Network.setCacheDisabled", json!({ "cacheDisabled": true })).await;
        if throttled {
            let link = json!({
                "offline": false,
                "latency": THROTTLED_LATENCY_MS,
                "downloadThroughput": THROTTLED_BYTES_PER_SECOND,
                "uploadThroughput": THROTTLED_BYTES_PER_SECOND,
            });
            browser.devtools("Network.emulateNetworkConditions", link).await;
        }
        browser.client.goto(url).await.expect("the page opens");
        let marked = format!("return performance.getEntriesByName({mark:?}, 'mark').length > 0;");
        let time = if browser.becomes_true_within(&marked, STEP_TIMEOUT).await {
            let read = browser.evaluate_with(READ_MARK, vec![json!(mark)]).await;
            read["at"].as_f64().ok_or_else(|| format!("no time on {mark}"))
        } else {
            Err(format!("no {mark} within {} s", STEP_TIMEOUT.as_secs()))
        };
        browser.close().await;
        time
    }

    fn describe(&self) -> String {
        let [[app, plain], [throttled_app, throttled_plain]] = &self.times;
        format!(
            "Cold start at {} requests, navigation to first rows with an empty cache: the app {}, a plain page \
             that fetches the list and shows its first rows after `JSON.parse` {}; on a throttled link \
             ({} Mbit/s, {} ms) the app {}, the plain page {}. The mock server sends every file uncompressed.",
            thousands(COLD_START_REQUESTS as u64),
            measured(app),
            measured(plain),
            THROTTLED_BYTES_PER_SECOND * 8.0 / 1_000_000.0,
            THROTTLED_LATENCY_MS,
            measured(throttled_app),
            measured(throttled_plain),
        )
    }
}

/// Wasm memory of one page through many refreshes.
struct Soak {
    first_load_bytes: f64,
    after_refreshes_bytes: f64,
}

impl Soak {
    /// Loads `SOAK_REQUESTS` requests, then refreshes `SOAK_REFRESHES` times,
    /// each once the one before has shown every row.
    async fn measure(app: &Path) -> Result<Soak, String> {
        let total = SOAK_REQUESTS as u64 + 2;
        let server = MockServer::start_built(MockBuild::Release, app, &["--requests", &SOAK_REQUESTS.to_string()]);
        let browser = Browser::start().await;
        browser.client.goto(&server.url).await.expect("the app opens");
        let soak = async {
            finish_loading(&browser, total).await?;
            for refresh in 1..=SOAK_REFRESHES {
                let loads = refresh + 1;
                refresh_and_wait(&browser, loads).await.map_err(|problem| format!("refresh {refresh}: {problem}"))?;
            }
            let memory = browser
                .evaluate(&format!(
                    "const loads = performance.getEntriesByName({ALL_ROWS:?}, 'mark'); \
                     return [loads[0].detail.wasmMemoryBytes, loads[loads.length - 1].detail.wasmMemoryBytes];"
                ))
                .await;
            let bytes = |at: usize| memory[at].as_f64().ok_or("the app marked no wasm memory");
            Ok(Soak { first_load_bytes: bytes(0)?, after_refreshes_bytes: bytes(1)? })
        }
        .await;
        browser.close().await;
        soak
    }

    fn ratio(&self) -> f64 {
        self.after_refreshes_bytes / self.first_load_bytes
    }

    fn within_goal(&self) -> bool {
        self.ratio() <= SOAK_GOAL
    }

    fn describe(&self) -> String {
        let ratio = self.ratio();
        let verdict = if self.within_goal() { "within" } else { "over" };
        format!(
            "Soak at {} requests: wasm memory after {SOAK_REFRESHES} refreshes {} / after the first load {} = \
             **{ratio:.2}×** ({verdict} the goal of {SOAK_GOAL}×: two answers at most).",
            thousands(SOAK_REQUESTS as u64),
            megabytes(self.after_refreshes_bytes),
            megabytes(self.first_load_bytes),
        )
    }
}

/// Clicks Refresh, waits for the `loads`-th load to show every row, and reads
/// `expression` of the `detail` of that load's `cm:all-rows` mark, which tells `what`.
async fn refresh_and_read(browser: &Browser, loads: usize, expression: &str, what: &str) -> Result<f64, String> {
    refresh_and_wait(browser, loads).await?;
    let script = format!(
        "const loads = performance.getEntriesByName({ALL_ROWS:?}, 'mark'); \
         const detail = loads[loads.length - 1].detail; \
         return {expression};"
    );
    browser.evaluate(&script).await.as_f64().ok_or_else(|| format!("the app marked no {what}"))
}

/// A task over 50 ms, and how much of it ran scripts and how much rendered:
/// the rest is the browser's own work (collecting garbage, for one).
#[derive(Deserialize)]
struct LongTask {
    milliseconds: f64,
    scripts: f64,
    rendering: f64,
}

/// The long tasks that overlap the `load`-th load (counting the first), from
/// the response's first byte until every row is shown (the load, not the
/// app's start); `None` when Chromium reports none at all.
async fn long_tasks_of_load(browser: &Browser, load: usize) -> Option<Vec<LongTask>> {
    let script = format!(
        "const at = name => performance.getEntriesByName(name, 'mark')[{}]?.startTime; \
         return [at({RESPONSE_START:?}) ?? 0, at({ALL_ROWS:?}) ?? Number.MAX_VALUE];",
        load - 1
    );
    let Value::Array(window) = browser.evaluate(&script).await else { panic!("the load's marks") };
    serde_json::from_value(browser.evaluate_with(LONG_TASKS, window).await).expect("long tasks, or null")
}

/// The table's cell for the longest of `tasks`, with its scripts and rendering.
fn longest_task(tasks: Option<&[LongTask]>) -> String {
    let Some(tasks) = tasks else { return LONG_TASKS_UNSUPPORTED.into() };
    match tasks.iter().max_by(|one, other| one.milliseconds.total_cmp(&other.milliseconds)) {
        None => "none".into(),
        Some(task) => format!(
            "{} (scripts {}, rendering {})",
            milliseconds(Some(task.milliseconds)),
            milliseconds(Some(task.scripts)),
            milliseconds(Some(task.rendering))
        ),
    }
}

/// The table's cell for how many `tasks` there are.
fn long_task_count(tasks: Option<&[LongTask]>) -> String {
    tasks.map_or_else(|| LONG_TASKS_UNSUPPORTED.into(), |tasks| tasks.len().to_string())
}

/// The app's fastest decoding and storing of a list in memory, and the
/// fastest `JSON.parse` of its text, taken in turns ([`decoding_from_memory`]),
/// so that both meet the same phases of a machine whose speed drifts.
struct InMemory {
    decoding_milliseconds: f64,
    parse_milliseconds: f64,
}

impl InMemory {
    /// The fastest load over the fastest parse of all, those in turns with
    /// the loads and the `baseline`'s: the hardest parse to match.
    fn ratio(&self, baseline: f64) -> f64 {
        self.decoding_milliseconds / self.parse_milliseconds.min(baseline)
    }
}

/// Makes the page answer the list from memory ([`LIST_FROM_MEMORY`]), then,
/// [`LOADS_FROM_MEMORY`] times, parses its text with `JSON.parse` and clicks
/// Refresh, a full garbage collection before each, so that neither meets the
/// other's garbage; the first load is the one after the `loads_before`-th.
async fn decoding_from_memory(browser: &Browser, list_url: &str, loads_before: usize) -> Result<InMemory, String> {
    browser.evaluate_with(LIST_FROM_MEMORY, vec![json!(list_url), json!(LIST_PATH)]).await;
    let mut fastest = InMemory { decoding_milliseconds: f64::INFINITY, parse_milliseconds: f64::INFINITY };
    for load in loads_before + 1..=loads_before + LOADS_FROM_MEMORY {
        browser.devtools("HeapProfiler.collectGarbage", json!({})).await;
        let parse = browser.evaluate(PARSE_FROM_MEMORY).await.as_f64().ok_or("the page could not parse the list")?;
        fastest.parse_milliseconds = fastest.parse_milliseconds.min(parse);
        browser.devtools("HeapProfiler.collectGarbage", json!({})).await;
        let decoding = refresh_and_read(browser, load, DECODING_AND_STORING, "decoding").await?;
        fastest.decoding_milliseconds = fastest.decoding_milliseconds.min(decoding);
    }
    Ok(fastest)
}

/// Clicks Refresh and waits for the `loads`-th load (counting the first) to show every row.
async fn refresh_and_wait(browser: &Browser, loads: usize) -> Result<(), String> {
    browser.evaluate(CLICK_REFRESH).await;
    let refreshed = format!("return performance.getEntriesByName({ALL_ROWS:?}, 'mark').length >= {loads};");
    match browser.becomes_true_within(&refreshed, STEP_TIMEOUT).await {
        true => Ok(()),
        false => Err(format!("the refresh did not end within {} s", STEP_TIMEOUT.as_secs())),
    }
}

/// Waits until the app shows all `total` requests; why not, when it does not.
async fn finish_loading(browser: &Browser, total: u64) -> Result<(), String> {
    let finished = format!("{SUMMARY_COUNTS}{FINISHED}return finished({total});");
    if !browser.becomes_true_within(&finished, STEP_TIMEOUT).await {
        // A trap in WebAssembly, such as running out of memory, stops the app without a word.
        return Err(format!(
            "the app did not show all {} requests within {} s",
            thousands(total),
            STEP_TIMEOUT.as_secs()
        ));
    }
    match browser.evaluate(SHOWN_ERROR).await {
        Value::String(error) => Err(format!("the app shows an error: {error}")),
        _ => Ok(()),
    }
}

/// Milliseconds of each click on the header of each of `SORTED_COLUMNS`, each
/// checked to have sorted by that column.
async fn sort_times(browser: &Browser) -> Vec<Vec<f64>> {
    let script = [TIMED_UPDATE, CLICK_SORT_HEADER].concat();
    let mut sorts = Vec::new();
    for column in SORTED_COLUMNS {
        let mut clicks = Vec::new();
        for _ in 0..CLICKS_PER_COLUMN {
            let click = browser.evaluate_with(&script, vec![json!(column)]).await;
            let sorted = ["ascending", "descending"].map(|direction| json!(direction));
            assert!(
                sorted.contains(&click["after"]) && click["after"] != click["before"],
                "clicking the {column} header did not sort by it: its aria-sort went from {} to {}",
                click["before"],
                click["after"]
            );
            clicks.push(click["milliseconds"].as_f64().expect("milliseconds"));
        }
        sorts.push(clicks);
    }
    sorts
}

/// Milliseconds of each keystroke typing each of `SEARCHED_WORDS`, and of
/// clearing the search after each, checked against the summary's counts.
async fn search_times(browser: &Browser, total: u64) -> (Vec<Vec<f64>>, Vec<f64>) {
    let script = [SUMMARY_COUNTS, TIMED_UPDATE, TYPE_SEARCH].concat();
    let search = async |text: &str| {
        let typed = browser.evaluate_with(&script, vec![json!(text)]).await;
        (typed["milliseconds"].as_f64().expect("milliseconds"), typed["counts"]["shown"].as_u64())
    };
    let (mut searches, mut clears) = (Vec::new(), Vec::new());
    for word in SEARCHED_WORDS {
        let mut keystrokes = Vec::new();
        for typed in (1..=word.len()).map(|length| &word[..length]) {
            let (milliseconds, shown) = search(typed).await;
            keystrokes.push(milliseconds);
            if typed == word {
                let shown = shown.unwrap_or_default();
                assert!(0 < shown && shown < total, "searching {word:?} shows {shown} of {total} requests");
            }
        }
        searches.push(keystrokes);
        let (milliseconds, shown) = search("").await;
        assert_eq!(shown, Some(total), "clearing the search shows every request again");
        clears.push(milliseconds);
    }
    (searches, clears)
}

/// One markdown table: a row per measure, a column per size; the bundle's
/// sizes, the same for every size, in the first column only.
fn table(bundle: &Bundle, sizes: &[usize], runs: &[Result<Run, String>]) -> String {
    let per_run = |label: &str, cell: &dyn Fn(&Run) -> String| {
        row(label, runs.iter().map(|run| run.as_ref().map_or_else(|_| NOT_MEASURED.into(), cell)))
    };
    let first_only = |label: &str, sizes: &Sizes| {
        row(label, std::iter::once(sizes.describe()).chain(std::iter::repeat_n(String::new(), runs.len() - 1)))
    };
    let mut rows = vec![
        row("Requests generated", sizes.iter().map(|&generated| thousands(generated as u64))),
        format!("|---|{}", "--:|".repeat(runs.len())),
        first_only("Bundle, wasm: raw / gzip / brotli", &bundle.wasm),
        first_only("Bundle, JS: raw / gzip / brotli", &bundle.js),
        first_only("Bundle, CSS: raw / gzip / brotli", &bundle.css),
        first_only("Bundle, total: raw / gzip / brotli", &bundle.total()),
        per_run("List body", &|run| megabytes(run.body_bytes as f64)),
        per_run("Mock server: start to listening, data generated", &|run| {
            milliseconds(Some(run.mock_ready_milliseconds))
        }),
        per_run("Time to first rows", &|run| milliseconds(run.marks.time_to_first_rows())),
        per_run("Time to all rows", &|run| milliseconds(run.marks.time_to_all_rows())),
        per_run("All rows after the last byte", &|run| milliseconds(run.marks.all_rows_after_last_byte())),
        per_run("Decoding, main thread", &|run| match run.marks.decoding() {
            Some((decoding, bytes)) => with_throughput(decoding, bytes),
            None => NOT_AVAILABLE.into(),
        }),
        per_run("Storing: search index, shared descriptors", &|run| milliseconds(run.marks.storing())),
        per_run("`JSON.parse` alone (baseline)", &|run| match &run.parse_milliseconds {
            Ok(parse) => with_throughput(*parse, run.body_bytes as f64),
            Err(problem) => format!("fails: {problem}"),
        }),
        per_run("`JSON.parse`, the first of the five", &|run| match run.parse_milliseconds {
            Ok(_) => milliseconds(run.first_parse_milliseconds),
            Err(_) => NO_PARSE.into(),
        }),
        per_run("(Decoding + storing) / `JSON.parse`: first load / first parse", &|run| {
            let cold = run.marks.decoding().zip(run.marks.storing()).map(|((decoding, _), storing)| decoding + storing);
            over_parse(run, cold, run.first_parse_milliseconds)
        }),
        per_run("Decoding + storing on a second refresh, over the network", &|run| {
            measured(&run.warm_decoding_milliseconds)
        }),
        per_run("(Decoding + storing) / `JSON.parse`: second refresh / fastest parse", &|run| {
            over_parse(run, run.warm_decoding_milliseconds.clone().ok(), run.parse_milliseconds.clone().ok())
        }),
        per_run(&format!("Decoding + storing, the list in memory: fastest of {LOADS_FROM_MEMORY} loads"), &|run| {
            measured_in_memory(run, |in_memory| in_memory.decoding_milliseconds)
        }),
        per_run(
            &format!("`JSON.parse` of the list in memory, in turns with those loads: fastest of {PARSES_FROM_MEMORY}"),
            &|run| measured_in_memory(run, |in_memory| in_memory.parse_milliseconds),
        ),
        per_run("(Decoding + storing) / `JSON.parse`: the list in memory / fastest parse of all", &|run| match (
            &run.in_memory,
            &run.parse_milliseconds,
        ) {
            (Ok(in_memory), Ok(baseline)) => format!("{:.2}×", in_memory.ratio(*baseline)),
            _ => NO_PARSE.into(),
        }),
        per_run("Longest task while loading", &|run| longest_task(run.long_tasks.as_deref())),
        per_run("Tasks over 50 ms while loading", &|run| long_task_count(run.long_tasks.as_deref())),
        per_run("Longest task while refreshing", &|run| longest_task(run.refresh_long_tasks.as_deref())),
        per_run("Tasks over 50 ms while refreshing", &|run| long_task_count(run.refresh_long_tasks.as_deref())),
    ];
    for (index, column) in SORTED_COLUMNS.iter().enumerate() {
        let label = format!("Sort by {column}, median of {CLICKS_PER_COLUMN} clicks");
        rows.push(per_run(&label, &|run| milliseconds(Some(median(&run.sorts[index])))));
    }
    for (index, word) in SEARCHED_WORDS.iter().enumerate() {
        let label = format!("Search \"{word}\", per keystroke: median / slowest");
        rows.push(per_run(&label, &|run| {
            let keystrokes = &run.searches[index];
            format!("{} / {}", milliseconds(Some(median(keystrokes))), milliseconds(Some(slowest(keystrokes))))
        }));
    }
    rows.extend([
        per_run(&format!("Clearing the search, median of {}", SEARCHED_WORDS.len()), &|run| {
            milliseconds(Some(median(&run.clears)))
        }),
        per_run("DOM elements after loading", &|run| thousands(run.elements)),
        per_run("JS heap after loading", &|run| megabytes(run.js_heap_bytes as f64)),
        per_run("Wasm memory after loading", &|run| match run.marks.wasm_memory_bytes() {
            Some(bytes) => megabytes(bytes),
            None => NOT_AVAILABLE.into(),
        }),
        per_run("(JS heap + wasm) / list body", &|run| match run.marks.wasm_memory_bytes() {
            Some(wasm) => format!("{:.2}×", (run.js_heap_bytes as f64 + wasm) / run.body_bytes as f64),
            None => NOT_AVAILABLE.into(),
        }),
        per_run("Wasm memory after a refresh / list body", &|run| match &run.refreshed_wasm_bytes {
            Ok(wasm) => format!("{} = {:.2}×", megabytes(*wasm), wasm / run.body_bytes as f64),
            Err(problem) => format!("not measured: {problem}"),
        }),
    ]);
    let mut notes = Vec::new();
    if rows.iter().any(|row| row.contains(NOT_AVAILABLE)) {
        notes.push(format!(
            "{NOT_AVAILABLE}: the app set no User Timing mark for this measure within {} s of showing every request.",
            MARK_TIMEOUT.as_secs()
        ));
    }
    for (generated, run) in sizes.iter().zip(runs) {
        if let Err(problem) = run {
            notes.push(format!("{NOT_MEASURED} at {}: {problem}.", thousands(*generated as u64)));
        }
    }
    [rows.join("\n"), notes.join("\n\n")].join("\n\n").trim_end().to_owned()
}

/// `| label | cells… |`.
fn row(label: &str, cells: impl IntoIterator<Item = String>) -> String {
    let cells: Vec<String> = cells.into_iter().collect();
    format!("| {label} | {} |", cells.join(" | "))
}

/// The middle sample, or the mean of the two middle ones.
fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) { (sorted[middle - 1] + sorted[middle]) / 2.0 } else { sorted[middle] }
}

fn slowest(samples: &[f64]) -> f64 {
    samples.iter().copied().fold(0.0, f64::max)
}

/// A time of the list in memory, `part` of [`InMemory`], as [`measured`] shows it.
fn measured_in_memory(run: &Run, part: fn(&InMemory) -> f64) -> String {
    measured(&run.in_memory.as_ref().map(part).map_err(Clone::clone))
}

/// A time taken, or why it was not measured.
fn measured(time: &Result<f64, String>) -> String {
    match time {
        Ok(taken) => milliseconds(Some(*taken)),
        Err(problem) => format!("not measured: {problem}"),
    }
}

fn milliseconds(value: Option<f64>) -> String {
    match value {
        Some(value) if value < 10.0 => format!("{value:.1} ms"),
        Some(value) => format!("{value:.0} ms"),
        None => NOT_AVAILABLE.into(),
    }
}

/// Time taken over `bytes`, and the bytes per second that makes.
fn with_throughput(milliseconds_taken: f64, bytes: f64) -> String {
    format!("{} ({:.1} MB/s)", milliseconds(Some(milliseconds_taken)), bytes / 1000.0 / milliseconds_taken)
}

/// `app` over `parse`, one of `run`'s parse times, when both were measured;
/// [`NO_PARSE`] when the page could not parse the body at all.
fn over_parse(run: &Run, app: Option<f64>, parse: Option<f64>) -> String {
    match (&run.parse_milliseconds, app.zip(parse)) {
        (Err(_), _) => NO_PARSE.into(),
        (Ok(_), Some((app, parse))) => format!("{:.2}×", app / parse),
        (Ok(_), None) => NOT_AVAILABLE.into(),
    }
}

fn megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1_000_000.0)
}

/// `number` with a comma between thousands, as "100,000".
fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// `docs/performance.md`: when, where and on what the table was measured, and how.
fn performance_page(table: &str, measured: &str) -> String {
    let date = output_of("date", &["+%Y-%m-%d"]).unwrap_or_else(|| UNKNOWN.into());
    let browser = output_of(&chromium(), &["--version"]).unwrap_or_else(|| UNKNOWN.into());
    format!(
        "# Performance\n\n\
         Measured by `cargo xtask bench` (`benches/in_browser.rs`), which rewrites this page.\n\n\
         - Date: {date}\n\
         - Machine: {}\n\
         - Browser: {browser}, headless\n\
         - Commit: {}\n\n\
         {table}\n\n\
         ## How measured\n\n\
         {}",
        machine(),
        measured,
        how_measured()
    )
}

/// How each measure is taken, one line each.
fn how_measured() -> String {
    format!(
        "\
- Each column is a fresh mock CM server (`--requests N`; it adds its two documented examples)
  and a fresh headless Chromium (a 1400×900 window), opened on the app without choices, so that it lists every request.
  The 1,000,000 column is measured only with `cargo xtask bench --million`.
- Bundle: the files of `dist/assets/` (`trunk build --release`), raw, gzip level {GZIP_LEVEL} and brotli
  quality {BROTLI_QUALITY}.
- List body: the bytes of `GET {LIST_PATH}`, fetched again in the page
  after loading.
- Mock server: from starting its release build to its printing that it listens, which it does
  once every request is generated and written as JSON (it then streams answers from that).
- Times from the app's User Timing marks: time to first rows = `{FIRST_ROWS}` − `{RESPONSE_START}`
  (response headers arrived); time to all rows = `{ALL_ROWS}` − `{RESPONSE_START}`; after the last
  byte = `{ALL_ROWS}` − `{LAST_BYTE}`; decoding = `decodeMilliseconds` of `{ALL_ROWS}` (main-thread
  time spent turning bytes into typed requests), and its `bodyBytes` divided by that time; storing
  = `storeMilliseconds` (indexing them for search and sharing their security descriptors).
- `JSON.parse` baseline: after loading, the page fetches the same list, reads its text, and times
  `JSON.parse` of the text alone with `performance.now()`, five times, for the fastest (a parse varies by half with the heap's state); \"fails\" when the page cannot read the
  body as one string at all (it is longer than the longest string the browser makes).
- The app's decoding and storing against `JSON.parse`, like with like: the app's first load
  (memory grown as it goes, code just compiled) against the first of the five parses (a heap grown
  for it); and against the fastest parse, the app's third load, after two clicks on Refresh,
  when its memory (the first answer's, given back) and its compiled code are warm, from
  `decodeMilliseconds` + `storeMilliseconds` of that load's `{ALL_ROWS}`.
- Those loads read the body as it arrives over the machine's own network, and the mock server
  sending it, Chromium's network process and the page take turns on the same two cores: the
  decoding's time includes the turns it waited. `JSON.parse` parses a text already read. So,
  last, the page is made to answer the app's requests for the list from a copy of the same bytes
  held in memory (its `window.fetch` replaced; each load gets a `Response` of its own), and,
  {LOADS_FROM_MEMORY} times in turn, `JSON.parse` of the same bytes as text (decoded anew, not
  timed) is timed twice in a row (a first parse after the collection grows the heap again, as
  the app's first load grows its memory) and Refresh clicked, after a full garbage collection
  each: the fastest load's decoding and storing against the fastest parse of all (those
  {PARSES_FROM_MEMORY} and the baseline's five) is the like-with-like ratio, which
  `--check` guards too. Parses taken in turns with the loads meet the same phases of the
  machine, whose speed drifts while the benchmark runs; the baseline's, taken earlier, may have
  met a faster one, which then counts.
  Not measured where the page cannot parse the body (there is no ratio to give).
- Long tasks: main-thread tasks over 50 ms that overlap the load, from `{RESPONSE_START}` to
  `{ALL_ROWS}` (not the app's own start before it), read then with a buffered
  `PerformanceObserver` (WebDriver cannot install one before the page loads). While
  refreshing: the same for the second refresh over the network, whose answer replaces the
  rows on screen in one step once it is whole. The longest task's scripts are those that start
  in it, and its rendering that of the frames whose rendering starts in it, as Chromium's long
  animation frames (buffered too) report them; the rest of it is the browser's own work, such
  as collecting garbage.
- Sort: from just before `button.click()` on the column's header to after a `setTimeout(0)` (Leptos
  runs its effects in microtasks, before it) and a read of `document.body.offsetHeight` (which
  forces style and layout); {CLICKS_PER_COLUMN} clicks per column, alternating the direction,
  each checked to have changed the header's `aria-sort`; the median.
- Search: the same timing around setting the search input's value and dispatching an `input`
  event, once per character typed; the median and the slowest keystroke. Then the search is
  cleared, timed the same way. The summary's counts check that the word narrowed the list and that
  clearing restored it.
- DOM elements: `document.getElementsByTagName('*').length` after loading.
- Memory: the JS heap in use (DevTools' `Runtime.getHeapUsage`) after loading and a full garbage
  collection (DevTools' `HeapProfiler.collectGarbage`; the page's own `gc()` leaves tens of MB of
  garbage from the download uncollected); wasm memory is `wasmMemoryBytes` of `{ALL_ROWS}`, which
  never shrinks, so it is the most the load ever used; their sum is divided by the list body's size.
  Then the Refresh button is clicked once: wasm memory at that load's `{ALL_ROWS}` is the
  most the page held with two answers (the one shown and the one arriving), over the body's size.
  It is clicked once more for the warm decoding above, then {LOADS_FROM_MEMORY} times with the list in memory.
- Soak: a fresh page at {SOAK_REQUESTS} generated requests, refreshed {SOAK_REFRESHES} times with the Refresh
  button, each once the one before has marked `{ALL_ROWS}`; wasm memory (which never shrinks: the
  most ever used) of the last `{ALL_ROWS}` over the first's. A refresh holds two answers while it
  runs (the one shown and the one arriving), so the goal is {SOAK_GOAL}×.
- Cold start: a fresh Chromium (its cache disabled through DevTools' `Network.setCacheDisabled`) opens
  the app, then `{PLAIN_PAGE}` served beside it, each at {COLD_START_REQUESTS} generated requests;
  the time of the app's `{FIRST_ROWS}` mark or of the plain page's `{PLAIN_FIRST_ROWS}`, from
  navigation. Then the same on a link DevTools throttles (`Network.emulateNetworkConditions`).
  The app's WebAssembly is compiled while it downloads (`WebAssembly.instantiateStreaming`).
- kB and MB are 1,000 and 1,000,000 bytes.
",
    )
}

/// The CPU model, its cores and the memory, from `/proc`.
fn machine() -> String {
    let cpus = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpus
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = cpus.lines().filter(|line| line.starts_with("processor")).count();
    let memory = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_kib = memory
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok());
    match memory_kib {
        Some(kib) => format!("{model}, {cores} cores, {:.1} GiB RAM", kib / 1024.0 / 1024.0),
        None => format!("{model}, {cores} cores"),
    }
}

/// The short hash of `HEAD`, and whether the work tree differs from it.
fn commit() -> String {
    let hash = output_of("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| UNKNOWN.into());
    let changed = output_of("git", &["status", "--porcelain"]).is_some_and(|status| !status.is_empty());
    if changed { format!("{hash} (with uncommitted changes)") } else { hash }
}

/// The first line `program` prints with `args`, run in the workspace, if it succeeds.
fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).current_dir(workspace_root()).output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    output.status.success().then(|| text.lines().next().unwrap_or_default().trim().to_owned())
}
