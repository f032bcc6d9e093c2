//! The page while it changes under the user: working in it while a refresh
//! or an automatic refresh arrives, asking a new question in the middle of a
//! load, a refresh that fails, and a hidden tab.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use serde_json::json;
use std::time::Duration;
use support::{Browser, MockServer, built_app_configured};

/// Not whole minutes: [`Browser::compress_minutes`] leaves it alone.
const CONFIG: &str = r#"{ "timeoutSeconds": 90 }"#;

/// 20,002 requests (about 25 MB) arriving over about two seconds.
const SLOW_LIST: [&str; 4] = ["--requests", "20000", "--body-chunk-delay-ms", "4"];

const CYCLES: usize = 20;

/// A list under way on the page: not the message shown while `config.json` is read, before the page exists.
const LOADING: &str = "return document.querySelector('.query select') !== null \
                       && document.querySelector('.message.loading') !== null;";
const LOADED: &str = concat!(
    "return document.querySelector('.message.loading') === null && document.querySelector('",
    crate::request_rows!(),
    "') !== null;"
);
/// Rows on the page while more are on their way.
const ROWS_WHILE_LOADING: &str = "return document.querySelector('.message.loading') !== null \
                                  && document.querySelector('tr[aria-rowindex=\"2\"] a') !== null;";
const LOADS_STARTED: &str = "return performance.getEntriesByName('cm:response-start', 'mark').length;";
const AUTOMATIC_REFRESHES: &str = "return performance.getEntriesByName('cm:auto-refresh', 'mark').length;";

/// A browser that records the page's problems, on the app served by `server`, loaded.
async fn open(server: &MockServer, query: &str) -> Browser {
    open_until(server, query, LOADED).await
}

/// A browser on the app at `query`, once the script `ready` returns true.
async fn open_until(server: &MockServer, query: &str, ready: &str) -> Browser {
    let browser = Browser::start().await;
    browser.record_problems().await;
    browser.compress_minutes().await;
    browser.client.goto(&format!("{}{query}", server.url)).await.expect("the app opens");
    browser.wait_until(ready).await;
    browser
}

/// The app, a mock server with `flags` and a browser on it, loaded: held
/// together, as the server serves the app's folder for as long as it lives.
struct Opened {
    _app: tempfile::TempDir,
    _server: MockServer,
    browser: Browser,
}

async fn open_app(flags: &[&str]) -> Opened {
    let app = built_app_configured(CONFIG);
    let server = MockServer::start(app.path(), flags);
    let browser = open(&server, "").await;
    Opened { _app: app, _server: server, browser }
}

/// The app on a list that takes seconds to arrive, opened at `query`, showing
/// its first rows while the rest are on their way.
async fn open_while_loading(query: &str) -> Opened {
    let app = built_app_configured(CONFIG);
    let server = MockServer::start(app.path(), &SLOW_LIST);
    let browser = open_until(&server, query, ROWS_WHILE_LOADING).await;
    Opened { _app: app, _server: server, browser }
}

/// Chooses an automatic refresh, as a person does in its list: "0" (off) or minutes.
async fn choose_auto_refresh(browser: &Browser, minutes: &str) {
    let choices = browser.client.find(Locator::Css(".refresh select")).await.expect("the automatic refresh list");
    choices.select_by_value(minutes).await.expect("the choice is offered");
}

/// One thing a user does, chosen by `step`: scroll, type, sort, open a row, or ask another question.
async fn act(browser: &Browser, step: usize) {
    match step % 6 {
        0 => {
            let place = (step * 7919) % 100;
            browser
                .evaluate(&format!(
                    "const view = document.querySelector('.table-scroll'); \
                     view.scrollTop = view.scrollHeight * {place} / 100;"
                ))
                .await;
        }
        1 => {
            close_the_open_request(browser).await;
            let search = browser.client.find(Locator::Css(".search input")).await.expect("the search box");
            let text = if step % 4 == 1 { "a9" } else { "" };
            search.clear().await.expect("the search box clears");
            if !text.is_empty() {
                search.send_keys(text).await.expect("typing");
            }
        }
        2 => {
            browser
                .evaluate(&format!(
                    "const buttons = document.querySelectorAll('table.requests thead button'); \
                     buttons[{step} % buttons.length].click();"
                ))
                .await;
        }
        3 => {
            browser
                .evaluate(concat!(
                    "const links = document.querySelectorAll('",
                    crate::request_rows!(),
                    " a'); if (links.length > 0) links[links.length >> 1].click();"
                ))
                .await;
        }
        4 => {
            close_the_open_request(browser).await;
            let status = if step.is_multiple_of(4) { "Pending" } else { "" };
            let select = browser.client.find(Locator::Css(".query select")).await.expect("the status list");
            select.select_by_value(status).await.expect("a status is offered");
        }
        _ => {
            browser.evaluate("const view = document.querySelector('.table-scroll'); view.scrollTop += 1000;").await;
        }
    }
}

/// Closes the request open beside the table, if one is, as a person does
/// before working in the page behind it.
async fn close_the_open_request(browser: &Browser) {
    if browser.evaluate("return document.querySelector('dialog.detail') !== null;").await == true {
        browser.press(fantoccini::key::Key::Escape).await;
        browser.wait_until("return document.querySelector('dialog.detail') === null;").await;
    }
}

/// Asks for a refresh as a person clicking the button does.
async fn click_refresh(browser: &Browser) {
    browser
        .evaluate(
            "Array.from(document.querySelectorAll('.refresh button')).find(b => b.textContent === 'Refresh').click();",
        )
        .await;
}

/// What the page shows once loaded, from the top of the table.
async fn shown_from_the_top(browser: &Browser) -> (String, Vec<Vec<String>>) {
    browser.wait_until(LOADED).await;
    browser.evaluate("document.querySelector('.table-scroll').scrollTop = 0;").await;
    browser.wait_until("return document.querySelector('tr[aria-rowindex=\"2\"]') !== null;").await;
    (browser.text_of(".summary").await, browser.table_cells().await)
}

/// The page shows what a fresh load of the same link shows: the same count, the same rows.
async fn assert_right_afterwards(browser: &Browser) {
    assert_eq!(browser.problems().await, Vec::<String>::new());
    let worked_in = shown_from_the_top(browser).await;
    assert!(worked_in.0.contains("requests from"), "the count is final: {}", worked_in.0);
    browser.client.refresh().await.expect("the page loads again");
    let fresh = shown_from_the_top(browser).await;
    assert_eq!(worked_in, fresh, "the page after the changes shows what a fresh load of its link shows");
    assert_eq!(browser.problems().await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn working_in_the_page_while_refreshes_arrive_breaks_nothing() {
    let opened = open_app(&SLOW_LIST).await;
    let browser = &opened.browser;
    for cycle in 0..CYCLES {
        click_refresh(browser).await;
        browser.wait_until(LOADING).await;
        act(browser, cycle).await;
        act(browser, cycle + 3).await;
        browser.wait_until(LOADED).await;
        assert_eq!(browser.problems().await, Vec::<String>::new(), "cycle {cycle}");
    }
    assert_right_afterwards(browser).await;
    opened.browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn working_in_the_page_while_automatic_refreshes_arrive_breaks_nothing() {
    let opened = open_app(&SLOW_LIST).await;
    let browser = &opened.browser;
    choose_auto_refresh(browser, "1").await;
    let mut step = 0;
    while browser.evaluate(AUTOMATIC_REFRESHES).await.as_u64().unwrap() < CYCLES as u64 {
        act(browser, step).await;
        step += 1;
        assert_eq!(browser.problems().await, Vec::<String>::new(), "step {step}");
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert!(step < 2000, "automatic refreshes stopped coming");
    }
    choose_auto_refresh(browser, "0").await;
    assert_right_afterwards(browser).await;
    opened.browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_automatic_refresh_waits_for_the_end_of_the_load_before() {
    let opened = open_app(&SLOW_LIST).await;
    let browser = &opened.browser;
    // Due a tenth of a second after each load ends (a compressed minute); each load takes seconds.
    choose_auto_refresh(browser, "1").await;
    let unfinished = "return [performance.getEntriesByName('cm:response-start', 'mark').length \
                      - performance.getEntriesByName('cm:last-byte', 'mark').length, \
                      document.querySelector('.refresh button').disabled];";
    let started = browser.evaluate(LOADS_STARTED).await.as_u64().unwrap();
    while browser.evaluate(LOADS_STARTED).await.as_u64().unwrap() < started + 3 {
        let (under_way, disabled): (i64, bool) = serde_json::from_value(browser.evaluate(unfinished).await).unwrap();
        assert!(under_way <= 1, "{under_way} loads at once");
        assert!(disabled || under_way == 0, "no refresh can be asked for while one runs");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(browser.problems().await, Vec::<String>::new());
    opened.browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_question_in_the_middle_of_the_first_load_shows_only_its_answer() {
    let app = built_app_configured(CONFIG);
    let server = MockServer::start(app.path(), &SLOW_LIST);
    let browser = Browser::start().await;
    browser.record_problems().await;
    for (asked_when, wait_first) in [("before any row", LOADING), ("after the first rows", LOADED)] {
        browser.client.goto(&server.url).await.expect("the app opens");
        browser.wait_until(wait_first).await;
        let select = browser.client.find(Locator::Css(".query select")).await.expect("the status list");
        select.select_by_value("Pending").await.expect("Pending is offered");
        browser.wait_until(LOADED).await;
        let statuses = browser.column("Status").await;
        assert!(statuses.iter().all(|status| status == "Pending"), "{asked_when}: {statuses:?}");
        let summary = browser.text_of(".summary").await;
        let pending = summary.split(" of ").nth(1).and_then(|rest| rest.split(' ').next()).unwrap().to_owned();
        assert!(pending.parse::<usize>().unwrap() < 20_002, "{asked_when}: {summary}");
        assert_right_afterwards(&browser).await;
    }
    browser.close().await;
}

/// Opens the app at `query` and refreshes it twice: as it is, then with
/// `choose` done while the refresh loads. Each time the page must show what a
/// fresh load of its link shows, and pass `check`.
async fn refresh_with_a_choice_half_way(query: &str, choose: impl AsyncFn(&Browser), check: impl AsyncFn(&Browser)) {
    let app = built_app_configured(CONFIG);
    let server = MockServer::start(app.path(), &SLOW_LIST);
    let browser = open(&server, query).await;
    for choose_half_way in [false, true] {
        click_refresh(&browser).await;
        browser.wait_until(LOADING).await;
        if choose_half_way {
            tokio::time::sleep(Duration::from_millis(700)).await;
            choose(&browser).await;
            assert!(browser.evaluate(LOADING).await == true, "the choice was made while the refresh loaded");
        }
        browser.wait_until(LOADED).await;
        check(&browser).await;
        assert_right_afterwards(&browser).await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_shows_its_rows_in_the_order_chosen_as_it_loaded() {
    // A refresh's rows are sorted as they arrive, unseen, then shown in one
    // step: in the order on screen, and in another one chosen half-way.
    let sort_by_status = async |browser: &Browser| {
        let click = "Array.from(document.querySelectorAll('table.requests thead button')) \
                     .find(button => button.textContent.startsWith('Status')).click();";
        browser.evaluate(click).await;
    };
    let sorted = async |browser: &Browser| {
        assert!(browser.evaluate("return location.search;").await.as_str().unwrap().contains("sort="));
    };
    refresh_with_a_choice_half_way("?sort=type-asc", sort_by_status, sorted).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_shows_its_rows_narrowed_as_chosen_as_it_loaded() {
    // A refresh's rows are narrowed as they arrive, unseen, by the search on
    // screen: shown with it, and with a search typed on half-way.
    let type_on = async |browser: &Browser| {
        let search = browser.client.find(Locator::Css(".search input")).await.expect("the search box");
        search.send_keys("b").await.expect("typing");
    };
    let found = async |browser: &Browser| {
        let summary = browser.text_of(".summary").await;
        assert!(!summary.starts_with("0 of"), "the search finds some requests: {summary}");
    };
    refresh_with_a_choice_half_way("?q=a9&type=Enroll", type_on, found).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_row_in_view_keeps_its_elements_and_the_focus_while_more_requests_arrive() {
    // Of one type, sorted by type, the requests stay in the order they came:
    // the first request of the list stays the first row, however many arrive after it.
    let opened = open_while_loading("?type=Enroll&sort=type-asc").await;
    let browser = &opened.browser;
    let first = "document.querySelector('tr[aria-rowindex=\"2\"]')";
    let so_far = browser
        .evaluate(&format!(
            "const row = {first}; row.cmMarked = true; row.querySelector('a').focus(); \
             return document.querySelector('.summary').textContent;"
        ))
        .await;
    browser.wait_until(LOADED).await;
    let summary = browser.text_of(".summary").await;
    assert!(so_far.as_str().unwrap().contains("so far"), "marked while loading: {so_far}");
    assert_ne!(so_far.as_str().unwrap(), summary, "more requests arrived after the row was marked");
    let kept = format!("const row = {first}; return [row.cmMarked === true, row.contains(document.activeElement)];");
    assert_eq!(browser.evaluate(&kept).await, json!([true, true]), "the first row, and the focus in it, were kept");
    assert_eq!(browser.problems().await, Vec::<String>::new());
    opened.browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_column_hidden_in_the_middle_of_the_first_load_leaves_every_row_right() {
    let opened = open_while_loading("").await;
    let browser = &opened.browser;
    browser
        .evaluate(
            "const chooser = document.querySelector('details.column-chooser'); chooser.open = true; \
             Array.from(chooser.querySelectorAll('label')).find(label => label.textContent === 'Target user') \
             .querySelector('input').click(); chooser.open = false;",
        )
        .await;
    assert!(browser.evaluate(LOADING).await == true, "the column was hidden while the list loaded");
    assert_right_afterwards(browser).await;
    opened.browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_refresh_keeps_the_rows_and_says_how_old_they_are() {
    // The page's first two calls (templates and list) work, then the server fails.
    let opened = open_app(&["--requests", "50", "--answer", "server-error", "--fail-after", "2"]).await;
    let browser = &opened.browser;
    let before = browser.table_cells().await;
    let updated = browser.text_of(".updated").await;
    assert!(updated.starts_with("Updated at ") && updated.len() == "Updated at 10:37".len(), "{updated}");

    click_refresh(browser).await;
    browser.wait_for(".refresh-failed").await;
    let warning = browser.text_of(".refresh-failed").await;
    let since = updated.trim_start_matches("Updated at ");
    assert!(warning.contains(&format!("The rows shown are from {since}.")), "{warning}");
    assert!(warning.contains("Correlation ID"), "the server's reason is given: {warning}");
    assert!(warning.contains("Refresh asks again."), "{warning}");
    assert_eq!(browser.table_cells().await, before, "the rows stay");
    assert_eq!(browser.row_count().await, 52);
    browser.screenshot("refresh-failed").await;
    let dark = json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] });
    browser.devtools("Emulation.setEmulatedMedia", dark).await;
    browser.screenshot("refresh-failed-dark").await;
    browser.client.set_window_size(390, 844).await.expect("a phone-sized window");
    browser.screenshot("refresh-failed-phone-dark").await;
    browser.client.set_window_size(1400, 900).await.expect("the usual window");

    // With automatic refresh on, the page says when it tries again, backing off.
    choose_auto_refresh(browser, "5").await;
    click_refresh(browser).await;
    browser
        .wait_until("return document.querySelector('.refresh-failed').textContent.includes('tries again at');")
        .await;
    assert_eq!(browser.row_count().await, 52);
    assert_eq!(browser.problems().await, Vec::<String>::new());
    opened.browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hidden_tab_does_not_refresh_until_it_is_shown_again() {
    let opened = open_app(&["--requests", "50"]).await;
    let browser = &opened.browser;
    let set_hidden = |hidden: bool| {
        format!(
            "Object.defineProperty(document, 'hidden', {{ configurable: true, get: () => {hidden} }}); \
             document.dispatchEvent(new Event('visibilitychange', {{ bubbles: true }}));"
        )
    };
    browser.evaluate(&set_hidden(true)).await;
    let started = browser.evaluate(LOADS_STARTED).await;
    // Due every tenth of a second (a compressed minute), but hidden.
    choose_auto_refresh(browser, "1").await;
    click_refresh(browser).await;
    browser
        .wait_until(&format!("return performance.getEntriesByName('cm:all-rows', 'mark').length > {started};"))
        .await;
    let after_refresh = browser.evaluate(LOADS_STARTED).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(browser.evaluate(LOADS_STARTED).await, after_refresh, "no refresh while hidden");
    assert_eq!(browser.evaluate(AUTOMATIC_REFRESHES).await, 0);

    browser.evaluate(&set_hidden(false)).await;
    // While hidden no timer waits (the one that fell due is spent), so the
    // first automatic refresh can only come from being shown. Later ones
    // follow every tenth of a second, so the count is at least one, not one.
    let shown_again = format!(
        "return performance.getEntriesByName('cm:auto-refresh', 'mark').length >= 1 \
         && performance.getEntriesByName('cm:response-start', 'mark').length > {after_refresh};"
    );
    assert!(browser.becomes_true_within(&shown_again, Duration::from_secs(2)).await, "refreshes at once when shown");
    assert_eq!(browser.problems().await, Vec::<String>::new());
    opened.browser.close().await;
}
