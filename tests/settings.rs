//! The CM host: shown, overridden in this browser (checked and remembered), tested, reset.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use support::{Browser, MockServer, built_app};

async fn set_host(browser: &Browser, host: &str) {
    let input = browser.client.find(Locator::Css(".settings input[type=url]")).await.expect("the host box");
    input.clear().await.unwrap();
    input.send_keys(host).await.unwrap();
    browser.client.find(Locator::XPath("//button[.='Use this host']")).await.unwrap().click().await.unwrap();
}

async fn test_connection(browser: &Browser) -> String {
    browser.client.find(Locator::XPath("//button[.='Test connection']")).await.unwrap().click().await.unwrap();
    browser.wait_until("const r = document.querySelector('.test-result span'); return r !== null && r.textContent !== 'Testing\u{2026}';").await;
    browser.text_of(".test-result").await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_host_can_be_checked_tested_changed_and_reset() {
    let server = MockServer::start(&built_app(), &["--requests", "20"]);
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.unwrap();
    browser.wait_for("table.requests tbody tr[aria-rowindex]").await;
    browser.client.find(Locator::Css(".settings summary")).await.unwrap().click().await.unwrap();
    let own = server.url.trim_end_matches('/');
    assert_eq!(
        browser.text_of(".host-in-use").await,
        format!("CM host in use: {own} (the server this page comes from)")
    );
    assert_eq!(test_connection(&browser).await, format!("{own} answered as a CM server that lets you read requests."));

    set_host(&browser, "javascript://alert(1)").await;
    browser.wait_until("return document.querySelector('#host-problem').textContent.length > 0;").await;
    assert!(browser.text_of("#host-problem").await.contains("only https:// and http:// addresses are allowed"));

    // Port 9 is closed: the list and the test both explain the failure, naming the new host.
    set_host(&browser, "http://127.0.0.1:9/").await;
    browser.wait_for(".message.error").await;
    assert!(
        browser.text_of(".message.error p").await.starts_with("Could not reach the CM server at http://127.0.0.1:9 ")
    );
    browser.client.goto(&server.url).await.unwrap();
    browser.wait_for(".message.error").await;
    browser.client.find(Locator::Css(".settings summary")).await.unwrap().click().await.unwrap();
    assert_eq!(
        browser.text_of(".host-in-use").await,
        "CM host in use: http://127.0.0.1:9 (set in this browser)",
        "remembered"
    );
    assert!(test_connection(&browser).await.starts_with("Could not reach the CM server at http://127.0.0.1:9"));
    browser.screenshot("settings-unreachable-host").await;

    browser.client.find(Locator::XPath("//button[.='Use the configured host']")).await.unwrap().click().await.unwrap();
    browser.wait_for("table.requests tbody tr[aria-rowindex]").await;
    browser.close().await;
}
