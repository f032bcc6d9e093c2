//! The built app in headless Chromium, over real HTTP, against the mock CM server.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use support::{Browser, MockServer, REQUEST_ROWS, built_app, built_app_configured};

const ENROLL_ID: &str = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099";
const UNBLOCK_ID: &str = "0c96d73f-967b-420e-854a-43ad2a1504bc";

fn row_of<'a>(rows: &'a [Vec<String>], id: &str) -> &'a [String] {
    rows.iter().find(|row| row[0] == id).unwrap_or_else(|| panic!("no row for {id}"))
}

/// The cells of `row` under each of `headers`.
async fn under(browser: &Browser, row: &[String], headers: &[&str]) -> Vec<String> {
    let mut cells = Vec::new();
    for header in headers {
        cells.push(row[browser.column_at(header).await].clone());
    }
    cells
}

async fn click_header(browser: &Browser, label: &str) {
    let xpath = format!("//table[@class='requests']//th/button[starts-with(normalize-space(.), '{label}')]");
    browser.client.find(Locator::XPath(&xpath)).await.expect("the header button").click().await.expect("a click");
}

async fn sorted_header(browser: &Browser) -> (String, String) {
    let header = browser
        .evaluate("const th = document.querySelector('th[aria-sort]'); return [th.textContent, th.getAttribute('aria-sort')];")
        .await;
    serde_json::from_value(header).expect("a header and its aria-sort")
}

/// The type of the rows in view at the top of the table, then of those at its
/// end: the table renders only the rows in view.
async fn types_top_and_bottom(browser: &Browser) -> Vec<String> {
    browser.evaluate("document.querySelector('.table-scroll').scrollTop = 0;").await;
    browser.wait_for(&format!("{REQUEST_ROWS}[aria-rowindex='2']")).await;
    let mut types = browser.column("Type").await;
    browser.scroll_table_to_end().await;
    types.extend(browser.column("Type").await);
    types
}

#[tokio::test(flavor = "multi_thread")]
async fn the_documented_requests_appear_decoded_and_headers_sort() {
    let server = MockServer::start(&built_app(), &["--requests", "300"]);
    let browser = Browser::start().await;
    // Oldest first: the documented examples (2015) are then among the rows in view.
    browser.open_showing_rows(&format!("{}?sort=submitted-asc", server.url)).await;

    assert_eq!(browser.row_count().await, 302, "the two examples and the generated requests");
    let rows = browser.table_cells().await;
    let enroll = row_of(&rows, ENROLL_ID);
    let headers = ["Type", "Status", "Submitted", "Completed", "Profile template"];
    let exact = ["Enroll", "Approved", "2015-07-07 23:36:21 UTC", "not set", "a039b4d0-5ce8-4eff-8651-181c6576fda3"];
    assert_eq!(under(&browser, enroll, &headers).await, exact);
    let texts = browser.table_texts().await;
    let shown = texts.iter().find(|row| row[0] == "a9b4b42c\u{2026}").expect("the enroll row, its id shortened");
    let [template, waiting] = &under(&browser, shown, &["Profile template", "Waiting"]).await[..] else {
        unreachable!()
    };
    assert_eq!(template, "Smart Card User", "template names come from the server's profile templates");
    assert!(waiting.starts_with("waiting "), "an approved request is still open: {waiting}");
    let unblock = row_of(&rows, UNBLOCK_ID);
    assert_eq!(unblock[1..3], ["Unblock", "Approved"]);
    let summary = browser.text_of(".summary").await;
    assert!(summary.starts_with("302 of 302 requests from http://127.0.0.1:"), "{summary}");
    browser.screenshot("requests-list").await;

    click_header(&browser, "Type").await;
    browser.wait_for("th[aria-sort='ascending']").await;
    assert_eq!(sorted_header(&browser).await, ("Type".to_owned(), "ascending".to_owned()));
    let types = types_top_and_bottom(&browser).await;
    assert!(types.is_sorted(), "rows are in type order");
    assert_ne!(types.first(), types.last(), "there is more than one type to order");

    click_header(&browser, "Type").await;
    browser.wait_for("th[aria-sort='descending']").await;
    let reversed = types_top_and_bottom(&browser).await;
    assert!(reversed.iter().rev().is_sorted(), "a second click reverses the order");
    browser.screenshot("requests-sorted-by-type").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_cm_host_is_explained_in_the_page() {
    // Port 9 (discard) is closed on loopback: the browser's fetch fails at once.
    let app = built_app_configured(r#"{"cmHost": "http://127.0.0.1:9"}"#);
    let server = MockServer::start(app.path(), &["--requests", "0"]);
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.expect("the app opens");
    browser.wait_for(".message.error").await;
    let message = browser.text_of(".message.error").await;
    assert!(message.starts_with("Could not reach the CM server at http://127.0.0.1:9"), "{message}");
    // Nothing answers there, not even to a request whose answer need not be read: not a CORS refusal.
    assert!(message.contains("The server may be down, its address may be wrong"), "{message}");
    assert!(!message.contains("CORS"), "{message}");
    browser.screenshot("error-unreachable-host").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_server_shows_a_loading_message_until_the_rows_arrive() {
    let server = MockServer::start(&built_app(), &["--requests", "10", "--response-delay-ms", "3000"]);
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.expect("the app opens");
    browser.wait_for(".message.loading").await;
    assert_eq!(browser.text_of(".message.loading").await, "Loading requests\u{2026}");
    assert_eq!(browser.evaluate("return document.querySelectorAll('table').length;").await, 0);
    browser.wait_for(REQUEST_ROWS).await;
    assert_eq!(browser.table_cells().await.len(), 12);
    assert_eq!(browser.evaluate("return document.querySelectorAll('.message.loading').length;").await, 0);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_template_names_the_guid_shows_and_nothing_complains() {
    for answer in ["failing", "empty"] {
        let server = MockServer::start(&built_app(), &["--requests", "20", "--profile-templates", answer]);
        let browser = Browser::start().await;
        browser.client.goto(&server.url).await.expect("the app opens");
        browser.wait_for(REQUEST_ROWS).await;
        let texts = browser.table_texts().await;
        let enroll = texts.iter().find(|row| row[0] == "a9b4b42c\u{2026}").expect("the enroll row");
        assert_eq!(under(&browser, enroll, &["Profile template"]).await, ["a039b4d0\u{2026}"], "{answer}");
        let complaints =
            browser.evaluate("return document.querySelectorAll('.message.error, .message.warning').length;").await;
        assert_eq!(complaints, 0, "{answer}");
        browser.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dates_show_in_the_users_time_zone_with_utc_on_hover() {
    let server = MockServer::start(&built_app(), &["--requests", "10"]);
    let browser = Browser::start_in_time_zone("America/New_York").await;
    browser.client.goto(&server.url).await.expect("the app opens");
    browser.wait_for(REQUEST_ROWS).await;
    let texts = browser.table_texts().await;
    let enroll = texts.iter().find(|row| row[0] == "a9b4b42c\u{2026}").expect("the enroll row");
    // 23:36 UTC on 7 July 2015 is 19:36 in New York (daylight saving time).
    assert_eq!(under(&browser, enroll, &["Submitted", "Completed"]).await, ["2015-07-07 19:36:21", "not set"]);
    let exact = browser.table_cells().await;
    assert_eq!(under(&browser, row_of(&exact, ENROLL_ID), &["Submitted"]).await, ["2015-07-07 23:36:21 UTC"]);
    browser.close().await;
}
