//! Every way the CM server can fail is explained in the page, with a way to try again.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use serde_json::json;
use support::{Browser, MockServer, REQUEST_ROWS, built_app, built_app_configured};
use viewer_core::virtual_rows::ROW_PIXELS;

/// Opens the app against a mock started with `flags` and returns the error message shown.
async fn error_shown(app: &std::path::Path, flags: &[&str]) -> (MockServer, Browser, String) {
    let server = MockServer::start(app, flags);
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.expect("the app opens");
    browser.wait_for(".message.error").await;
    let message = browser.text_of(".message.error p").await;
    (server, browser, message)
}

/// Opens the app against a mock started with `flags`, once the whole list is loaded.
async fn loaded(flags: &[&str]) -> (MockServer, Browser) {
    let server = MockServer::start(&built_app(), flags);
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.expect("the app opens");
    browser.wait_for(REQUEST_ROWS).await;
    browser.wait_until("return document.querySelector('.message.loading') === null;").await;
    (server, browser)
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_not_enabled_and_server_errors_say_what_to_do() {
    let cases = [
        ("forbidden", "The CM server refused access (403). Your account is not permitted to read these requests"),
        (
            "not-enabled",
            "its REST API is not enabled, or the configured host is not a CM server. An administrator enables it with Clm.WebApi.Enabled",
        ),
        (
            "server-error",
            "internal error (500): An error has occurred. Correlation ID: 5d3c5e53-0f31-4ae4-9b1e-1c4e9c7b8a01. Give the CM administrator this correlation ID.",
        ),
        (
            "sign-in-redirect",
            "sent this page to another address instead of answering, as a sign-in page (ADFS) or a proxy does.",
        ),
        (
            "html",
            "The server sent an HTML page titled \u{201c}Sign in to Contoso\u{201d} instead of JSON. This is usually a sign-in page",
        ),
        (
            "empty-body",
            "The CM server answered with an empty body (HTTP status 200) instead of requests; when there are none it \
             answers 204 (no content), so the answer was lost on its way",
        ),
    ];
    for (answer, expected) in cases {
        let (_server, browser, message) = error_shown(&built_app(), &["--answer", answer]).await;
        assert!(message.contains(expected), "{answer}: {message}");
        if answer == "server-error" {
            browser.screenshot("error-server").await;
        }
        browser.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn try_again_asks_again_after_a_passing_failure() {
    // Two failures: the profile templates (which fail silently), then the list.
    let (_server, browser, message) =
        error_shown(&built_app(), &["--answer", "server-error", "--fail-times", "2"]).await;
    assert!(message.contains("(500)"));
    browser.client.find(Locator::XPath("//button[.='Try again']")).await.unwrap().click().await.unwrap();
    browser.wait_for(REQUEST_ROWS).await;
    assert_eq!(browser.evaluate("return document.querySelectorAll('.message.error').length;").await, 0);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_server_times_out_as_configured() {
    let app = built_app_configured(r#"{"timeoutSeconds": 1}"#);
    let (_server, browser, message) = error_shown(app.path(), &["--response-delay-ms", "5000"]).await;
    assert!(message.starts_with("The CM server at http://127.0.0.1:"), "{message}");
    assert!(message.contains("did not answer within 1 second. It may be busy"), "{message}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partly_readable_list_shows_the_good_rows_and_says_what_was_lost() {
    let (_server, browser) = loaded(&["--requests", "200", "--answer", "broken-elements"]).await;
    // Positions 7, 14, ..., 196 of 202 are broken: more than are listed.
    let broken = (2..202).filter(|position| position % 7 == 0).count();
    assert_eq!(browser.row_count().await, 202 - broken);
    let note = browser.text_of(".message.warning p").await;
    assert_eq!(note, format!("{broken} requests in the server's answer could not be read and are not shown."));
    let listed = browser.evaluate("return document.querySelectorAll('.message.warning li').length;").await;
    assert_eq!(listed, 20, "the first reasons are listed");
    let details = browser.evaluate("return document.querySelector('.message.warning details').textContent;").await;
    assert!(details.as_str().unwrap().ends_with(&format!("\u{2026} and {} more.", broken - 20)), "{details}");
    let reasons = browser.text_of(".message.warning ul").await;
    assert!(reasons.contains("Element 7: invalid type: string \"Enroll\", expected i32"), "{reasons}");
    assert!(reasons.contains("Element 14: missing field `Uuid`"), "{reasons}");
    assert!(reasons.contains("Element 21: UUID parsing failed"), "{reasons}");
    // A hostile comment in a broken element is never markup.
    assert_eq!(browser.evaluate("return document.querySelectorAll('img').length;").await, 0);
    browser.screenshot("partly-readable-list").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn progress_counts_the_bytes_as_they_arrive() {
    let server = MockServer::start(&built_app(), &["--requests", "1500", "--body-chunk-delay-ms", "250"]);
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.expect("the app opens");
    browser
        .wait_until(
            "const status = document.querySelector('.message.loading');\
         return status !== null && / of [0-9.]+ MB \\([0-9]+%\\) received$/.test(status.textContent);",
        )
        .await;
    let progress = browser.text_of(".message.loading").await;
    assert!(progress.starts_with("Loading requests\u{2026} "), "{progress}");
    // The first rows show while the rest is still arriving.
    browser.wait_for(REQUEST_ROWS).await;
    assert_eq!(browser.evaluate("return document.querySelectorAll('.message.loading').length;").await, 1);
    let early = browser.row_count().await;
    assert!(early < 1502, "{early} rows shown before the last byte");
    assert!(browser.text_of(".summary").await.ends_with("more are arriving"), "the count says it is not final");
    browser.screenshot("loading-progress").await;
    browser.wait_until("return document.querySelector('.message.loading') === null;").await;
    assert_eq!(browser.row_count().await, 1502);
    let filled = "const view = document.querySelector('.table-scroll');\
        const rows = view.querySelectorAll(arguments[0]); \
        return rows.length * rows[0].getBoundingClientRect().height >= view.clientHeight;";
    assert_eq!(
        browser.evaluate_with(filled, vec![json!(REQUEST_ROWS)]).await,
        true,
        "the rows fill the view, which grew with the list"
    );
    let row_height =
        concat!("return document.querySelector('", crate::request_rows!(), "').getBoundingClientRect().height;");
    assert_eq!(
        browser.evaluate(row_height).await.as_f64(),
        Some(ROW_PIXELS as f64),
        "rows are as tall as the rendering of the rows in view counts on"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_dropped_mid_list_keeps_the_rows_that_arrived_and_says_so() {
    // About 50 requests per 64 KB chunk: some chunks arrive, then the connection drops. The
    // pause lets the page read them first: a reset connection loses what was not yet read.
    let flags = ["--requests", "1500", "--body-chunk-delay-ms", "100", "--break-after-chunks", "8"];
    let server = MockServer::start(&built_app(), &flags);
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.expect("the app opens");
    browser
        .wait_until("return Array.from(document.querySelectorAll('.message.warning')).some(m => m.textContent.includes('stopped'));")
        .await;
    let warning = browser.text_of(".message.warning").await;
    let expected = format!(
        "The download stopped before its end: the connection to the CM server at {}",
        server.url.trim_end_matches('/')
    );
    assert!(warning.starts_with(&expected), "{warning}");
    assert!(warning.ends_with("The requests that arrived are shown; Refresh asks again."), "{warning}");
    assert_eq!(browser.evaluate("return document.querySelectorAll('.message.warning').length;").await, 1, "one note");
    let shown = browser.row_count().await;
    assert!(300 < shown && shown < 1502, "{shown} rows: those of the chunks that arrived");
    let summary = browser.text_of(".summary").await;
    assert!(summary.starts_with(&format!("{shown} of {shown} requests from")), "the count is final: {summary}");
    assert_eq!(browser.evaluate("return document.querySelectorAll('.message.loading').length;").await, 0);
    browser.screenshot("download-interrupted").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_with_a_huge_comment_is_kept_and_its_detail_says_the_comment_was_cut() {
    // The first generated request has a 5 MB comment, five times what a request element may be.
    let (_server, browser) = loaded(&["--requests", "20", "--answer", "oversized-comment"]).await;
    assert_eq!(browser.row_count().await, 22, "no request is lost");
    assert_eq!(browser.evaluate("return document.querySelectorAll('.message.warning').length;").await, 0);

    let search = browser.client.find(Locator::Css(".narrowing input[type=search]")).await.expect("the search box");
    search.send_keys("card reader log").await.unwrap();
    browser.wait_for_rendered_rows(1).await;
    browser.client.find(Locator::Css(&format!("{REQUEST_ROWS} a"))).await.unwrap().click().await.unwrap();
    browser.wait_for(".detail .field-note").await;
    assert_eq!(
        browser.text_of(".detail .field-note").await,
        "Comment was 5.0 MB long; only its first 64.0 kB are shown."
    );
    let comment = browser
        .evaluate(
            "const dt = Array.from(document.querySelectorAll('.detail dt')).find(dt => dt.textContent === 'Comment');\
             return dt.nextElementSibling.textContent;",
        )
        .await;
    let comment = comment.as_str().expect("the comment is shown");
    assert!(comment.starts_with("Card reader log: no error. Card reader log"), "{}", &comment[..80]);
    assert!((64_000..64_100).contains(&comment.len()), "{} bytes of the comment shown", comment.len());
    browser.screenshot("huge-comment-cut").await;
    browser.close().await;
}
