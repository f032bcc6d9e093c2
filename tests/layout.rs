//! The page as people first see it: how many requests the first screen shows
//! on a laptop and on a phone, and an open request beside the table, which
//! never moves it. Its screenshots are the README's (`cargo xtask screenshots`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::Value;
use support::{Browser, MockServer, REQUEST_ROWS, WindowSize, built_app};

/// Rows wholly in sight without scrolling: inside the window and inside the
/// table's scroll area.
const ROWS_IN_SIGHT: &str = concat!(
    "const area = document.querySelector('.table-scroll').getBoundingClientRect();\
     return Array.from(document.querySelectorAll('",
    crate::request_rows!(),
    "')).filter(row => { const box = row.getBoundingClientRect();\
     return box.top >= area.top && box.bottom <= Math.min(area.bottom, window.innerHeight); }).length;"
);

const TABLE_BOX: &str = "const box = document.querySelector('.table-scroll').getBoundingClientRect();\
                         return [box.left, box.top, box.width, box.height];";

/// The open request's left and right edges, and the right edge of the page's view (less its scroll bar).
const DETAIL_BOX: &str = "const box = document.querySelector('dialog.detail').getBoundingClientRect();\
                          return [box.left, box.right, document.documentElement.clientWidth];";

async fn open_at(server: &MockServer, size: WindowSize) -> Browser {
    let browser = Browser::start().await;
    browser.resize(size).await;
    browser.open_showing_rows(&server.url).await;
    browser
}

async fn rows_in_sight(browser: &Browser) -> u64 {
    browser.evaluate(ROWS_IN_SIGHT).await.as_u64().expect("a number of rows")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_laptop_screen_shows_ten_requests_or_more_and_a_phone_screen_the_first() {
    let server = MockServer::start(&built_app(), &["--requests", "300"]);
    // The fewest requests each window must show at once, and its screenshot.
    for (size, fewest, screenshot) in
        [(WindowSize::LAPTOP, 10, "readme-list"), (WindowSize::PHONE, 1, "phone-first-screen")]
    {
        let browser = open_at(&server, size).await;
        let shown = rows_in_sight(&browser).await;
        println!("requests in sight at {}x{}: {shown}", size.width, size.height);
        assert!(shown >= fewest, "{shown} requests in sight at {}x{}", size.width, size.height);
        browser.screenshot(screenshot).await;
        browser.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_request_sits_beside_the_table_and_never_moves_it() {
    let server = MockServer::start(&built_app(), &["--requests", "300"]);
    let browser = open_at(&server, WindowSize::LAPTOP).await;
    let table = browser.evaluate(TABLE_BOX).await;
    let link = browser.client.find(Locator::Css(&format!("{REQUEST_ROWS}[aria-rowindex='3'] a"))).await.unwrap();
    let href = link.attr("href").await.unwrap();
    link.click().await.unwrap();
    browser.wait_for("dialog.detail[open]").await;
    assert_eq!(browser.evaluate(TABLE_BOX).await, table, "the table stays where it was");
    let detail: Vec<f64> = serde_json::from_value(browser.evaluate(DETAIL_BOX).await).unwrap();
    assert!(detail[0] > 400.0 && detail[1] == detail[2], "a panel at the right side: {detail:?}");
    browser.screenshot("readme-detail").await;

    browser.press(Key::Escape).await;
    browser.wait_until("return document.querySelector('dialog.detail') === null;").await;
    let focused = browser.evaluate("return document.activeElement.getAttribute('href');").await;
    assert_eq!(focused, Value::String(href.unwrap()), "the focus is back on the request's link");

    // On a phone the panel takes the whole screen; Back closes it, as it closes a page.
    browser.resize(WindowSize::PHONE).await;
    browser.client.find(Locator::Css(&format!("{REQUEST_ROWS} a"))).await.unwrap().click().await.unwrap();
    browser.wait_for("dialog.detail[open]").await;
    let detail: Vec<f64> = serde_json::from_value(browser.evaluate(DETAIL_BOX).await).unwrap();
    assert!(detail[0] == 0.0 && detail[1] == detail[2], "the whole screen: {detail:?}");
    browser.screenshot("detail-phone").await;
    browser.client.back().await.unwrap();
    browser.wait_until("return document.querySelector('dialog.detail') === null;").await;
    browser.close().await;
}
