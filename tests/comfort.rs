//! Refresh that keeps everything, keyboard use, phone width, and the version.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use fantoccini::key::Key;
use support::{Browser, MockServer, REQUEST_ROWS, built_app};

const UNBLOCK_ID: &str = "0c96d73f-967b-420e-854a-43ad2a1504bc";

#[tokio::test(flavor = "multi_thread")]
async fn refresh_keeps_choices_scroll_and_the_open_request() {
    let server = MockServer::start(&built_app(), &["--requests", "300", "--response-delay-ms", "700"]);
    let browser = Browser::start().await;
    let link = format!("?sort=type-asc&open={UNBLOCK_ID}");
    browser.client.goto(&format!("{}{link}", server.url)).await.unwrap();
    browser.wait_for(".detail").await;
    browser.wait_for(REQUEST_ROWS).await;
    let before = browser.table_cells().await;
    browser.evaluate("window.scrollTo(0, 400);").await;
    let scrolled = browser.evaluate("return window.scrollY;").await;

    // A WebDriver click would first scroll the button into view; a person's click does not.
    browser
        .evaluate("Array.from(document.querySelectorAll('button')).find(b => b.textContent === 'Refresh').click();")
        .await;
    browser.wait_for(".message.loading").await;
    browser.wait_until("return document.querySelector('.message.loading') === null;").await;
    assert_eq!(browser.table_cells().await, before);
    assert_eq!(browser.text_of(".detail h2").await, format!("Request {UNBLOCK_ID}"));
    assert_eq!(browser.evaluate("return location.search;").await, link);
    assert_eq!(browser.evaluate("return window.scrollY;").await, scrolled);

    browser.client.find(Locator::Css(".refresh select")).await.unwrap().select_by_value("5").await.unwrap();
    browser.client.refresh().await.unwrap();
    browser.wait_for(REQUEST_ROWS).await;
    assert_eq!(browser.evaluate("return document.querySelector('.refresh select').value;").await, "5", "remembered");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_keyboard_reaches_and_opens_a_request() {
    let server = MockServer::start(&built_app(), &["--requests", "5"]);
    let browser = Browser::start().await;
    browser.client.goto(&format!("{}?q=0c96d73f", server.url)).await.unwrap();
    browser.wait_for_rendered_rows(1).await;
    let link = format!("a[title='{UNBLOCK_ID}']");
    // Tab until the request's link has the focus, as a keyboard user would.
    for _ in 0..80 {
        let focused =
            browser.evaluate(&format!("return document.activeElement === document.querySelector(\"{link}\");")).await;
        if focused == true {
            break;
        }
        browser.press(Key::Tab).await;
    }
    let focused = browser.evaluate("return document.activeElement.outerHTML.slice(0, 120);").await;
    assert_eq!(
        browser.evaluate(&format!("return document.activeElement === document.querySelector(\"{link}\");")).await,
        true,
        "{focused}"
    );
    let outline = browser.evaluate("return getComputedStyle(document.activeElement).outlineStyle;").await;
    assert_ne!(outline, "none", "the focus is visible");
    browser.press(Key::Enter).await;
    browser.wait_for(".detail").await;
    assert_eq!(browser.text_of(".detail h2").await, format!("Request {UNBLOCK_ID}"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_phone_sized_window_never_scrolls_the_page_sideways() {
    let server = MockServer::start(&built_app(), &["--requests", "30"]);
    let browser = Browser::start().await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.client.goto(&server.url).await.unwrap();
    browser.wait_for(REQUEST_ROWS).await;
    let fits = browser.evaluate("return document.documentElement.scrollWidth <= window.innerWidth;").await;
    assert_eq!(fits, true, "only the table scrolls sideways");
    let version = browser.evaluate("return document.querySelector('.settings .version').textContent;").await;
    assert_eq!(version, format!("CM Request Viewer {}", env!("CARGO_PKG_VERSION")), "the settings say the version");
    browser.screenshot("phone-width").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dark_system_theme_gives_a_dark_page() {
    let server = MockServer::start(&built_app(), &["--requests", "5"]);
    let background = "return getComputedStyle(document.documentElement).backgroundColor;";
    let light = Browser::start().await;
    light.client.goto(&server.url).await.unwrap();
    light.wait_for(REQUEST_ROWS).await;
    assert_eq!(light.evaluate(background).await, "rgb(250, 250, 250)");
    light.close().await;

    let dark = Browser::start_with("UTC", &["--force-dark-mode"]).await;
    dark.client.goto(&server.url).await.unwrap();
    dark.wait_for(REQUEST_ROWS).await;
    assert_eq!(dark.evaluate(background).await, "rgb(31, 31, 31)");
    dark.screenshot("dark-theme").await;
    dark.close().await;
}
