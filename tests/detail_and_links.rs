//! The detail view of one request, and the whole view as a link with working Back and Forward.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use fantoccini::key::Key;
use support::{Browser, MockServer, REQUEST_ROWS, built_app};

const UNBLOCK_ID: &str = "0c96d73f-967b-420e-854a-43ad2a1504bc";

async fn open(server: &MockServer, search: &str) -> Browser {
    let browser = Browser::start().await;
    browser.open_showing_rows(&format!("{}{search}", server.url)).await;
    browser
}

async fn url_search(browser: &Browser) -> String {
    browser.evaluate("return location.search;").await.as_str().unwrap().to_owned()
}

/// A script true when `test` (an `every` or `some` call) holds for the
/// statuses the rows show in column `status_at`.
fn statuses_are(test: &str, status_at: usize) -> String {
    format!(
        "return Array.from(document.querySelectorAll('{REQUEST_ROWS}'), row => row.cells[{status_at}].textContent).{test};"
    )
}

/// The value shown for `label` in the detail view.
async fn detail_value(browser: &Browser, label: &str) -> String {
    let script = format!(
        "const dt = Array.from(document.querySelectorAll('.detail dt')).find(dt => dt.textContent === {label:?});\
         return dt ? dt.nextElementSibling.textContent : null;"
    );
    browser.evaluate(&script).await.as_str().unwrap_or_else(|| panic!("no {label} in the detail view")).to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_click_opens_every_field_and_escape_closes() {
    let server = MockServer::start(&built_app(), &["--requests", "50"]);
    // Oldest first: the seed's examples (2015) are then among the rows in view.
    let browser = open(&server, "?sort=submitted-asc").await;
    browser
        .client
        .find(Locator::Css(&format!("a[title='{UNBLOCK_ID}']")))
        .await
        .expect("the id link")
        .click()
        .await
        .unwrap();
    browser.wait_for(".detail").await;
    assert_eq!(browser.text_of(".detail h2").await, format!("Request {UNBLOCK_ID}"));
    assert_eq!(
        browser.evaluate("return document.activeElement.id;").await,
        "detail-heading",
        "focus moves to the view"
    );
    assert_eq!(detail_value(&browser, "Type").await, "Unblock (5)");
    assert_eq!(detail_value(&browser, "Old smart card").await, "17cf063d-e337-4aa9-a822-346554ddd3c9");
    assert_eq!(detail_value(&browser, "Flags").await, "Smartcard (0x2)");
    assert_eq!(detail_value(&browser, "Owner").await, "S-1-5-21-2127521184-1604012920-1887927527-14134865");
    let data = browser.text_of(".detail table.data-items tbody").await;
    assert_eq!(data, "Sample Data Itemnot collected");
    let aces = browser
        .evaluate(
            "return Array.from(document.querySelectorAll('.detail table.aces tbody tr'))\
             .map(row => Array.from(row.cells).slice(0, 4).map(cell => cell.textContent));",
        )
        .await;
    let aces: Vec<Vec<String>> = serde_json::from_value(aces).unwrap();
    assert_eq!(aces.len(), 6);
    assert_eq!(aces[0][0], "Deny");
    assert_eq!(aces[0][2..], ["LC", "List children"]);
    assert_eq!(aces[2][1..], ["Everyone (WD)", "RC", "Read control"]);
    assert!(browser.text_of(".detail pre.json").await.contains("\"Uuid\": \"0c96d73f-967b-420e-854a-43ad2a1504bc\""));
    assert!(url_search(&browser).await.contains(&format!("open={UNBLOCK_ID}")));
    browser.screenshot("request-detail").await;

    browser.client.find(Locator::XPath("//button[.='Download JSON']")).await.unwrap().click().await.unwrap();
    let saved: serde_json::Value =
        serde_json::from_str(&browser.downloaded(&format!("request-{UNBLOCK_ID}.json")).await).unwrap();
    assert_eq!(saved["RequestType"], 5);
    assert_eq!(saved["DataCollection"][0]["Name"], "Sample Data Item");
    // Capture what the page puts on the clipboard: headless Chromium has no clipboard to read.
    browser.evaluate("window.copied = null; navigator.clipboard.writeText = text => { window.copied = text; return Promise.resolve(); };").await;
    browser.client.find(Locator::XPath("//button[.='Copy JSON']")).await.unwrap().click().await.unwrap();
    let copied = browser.evaluate("return window.copied;").await;
    assert!(copied.as_str().unwrap().contains("\"Uuid\": \"0c96d73f-967b-420e-854a-43ad2a1504bc\""));

    browser.client.active_element().await.unwrap().send_keys(&Key::Escape.to_string()).await.unwrap();
    browser.wait_until("return document.querySelector('.detail') === null;").await;
    assert_eq!(url_search(&browser).await, "?sort=submitted-asc", "closing leaves the other choices");
    let focused = browser.evaluate("return document.activeElement.title;").await;
    assert_eq!(focused, UNBLOCK_ID, "the focus goes back to the request's link");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_restores_the_whole_view() {
    let server = MockServer::start(&built_app(), &["--requests", "300"]);
    let link = format!("?status=Approved&q=unblock&sort=type-asc&open={UNBLOCK_ID}");
    let browser = open(&server, &link).await;
    browser.wait_for(".detail").await;
    assert_eq!(browser.text_of(".detail h2").await, format!("Request {UNBLOCK_ID}"));
    assert_eq!(browser.evaluate("return document.querySelector('.query select').value;").await, "Approved");
    assert_eq!(
        browser.evaluate("return document.querySelector('.narrowing input[type=search]').value;").await,
        "unblock"
    );
    assert_eq!(browser.evaluate("return document.querySelector('th[aria-sort]').textContent;").await, "Type");
    let (types, statuses) = (browser.column("Type").await, browser.column("Status").await);
    assert!(!types.is_empty() && types.iter().all(|kind| kind == "Unblock"), "{types:?}");
    assert!(statuses.iter().all(|status| status == "Approved"), "{statuses:?}");
    assert_eq!(url_search(&browser).await, link.replace(",", "%2C"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn back_and_forward_step_through_choices() {
    let server = MockServer::start(&built_app(), &["--requests", "100"]);
    let browser = open(&server, "").await;
    browser.client.find(Locator::Css(".query select")).await.unwrap().select_by_value("Completed").await.unwrap();
    browser.wait_until("return location.search === '?status=Completed';").await;
    browser
        .wait_until(&statuses_are("every(status => status === 'Completed')", browser.column_at("Status").await))
        .await;
    let first_id = browser.table_cells().await[0][0].clone();
    browser.client.find(Locator::Css(&format!("a[title='{first_id}']"))).await.unwrap().click().await.unwrap();
    browser.wait_for(".detail").await;
    assert_eq!(url_search(&browser).await, format!("?status=Completed&open={first_id}"));

    browser.client.back().await.unwrap();
    browser.wait_until("return document.querySelector('.detail') === null;").await;
    assert_eq!(url_search(&browser).await, "?status=Completed");
    browser.client.back().await.unwrap();
    browser.wait_until("return document.querySelector('.query select').value === '';").await;
    browser
        .wait_until(&statuses_are("some(status => status !== 'Completed')", browser.column_at("Status").await))
        .await;
    browser.client.forward().await.unwrap();
    browser.wait_until("return document.querySelector('.query select').value === 'Completed';").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn links_work_under_a_sub_path_without_rewrite_rules() {
    let server = MockServer::start(&built_app(), &["--requests", "30", "--app-path", "/tools/cm-viewer/"]);
    let browser = Browser::start().await;
    let page = format!("{}tools/cm-viewer/", server.url);
    browser.client.goto(&format!("{page}?q=unblock&open={UNBLOCK_ID}")).await.unwrap();
    browser.wait_for(".detail").await;
    browser.wait_for(REQUEST_ROWS).await;
    assert!(browser.column("Type").await.iter().all(|kind| kind == "Unblock"));
    browser.client.find(Locator::Css("dialog.detail button.close")).await.unwrap().click().await.unwrap();
    browser.wait_until("return document.querySelector('.detail') === null;").await;
    assert_eq!(browser.evaluate("return location.pathname + location.search;").await, "/tools/cm-viewer/?q=unblock");
    browser.client.back().await.unwrap();
    browser.wait_for(".detail").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hand_written_link_keeps_its_history_entries() {
    let server = MockServer::start(&built_app(), &["--requests", "100"]);
    // Commas unescaped, parameters in another order than the viewer writes them.
    let browser = open(&server, "?type=Enroll,Renew&mine=0").await;
    browser.client.find(Locator::Css(".query select")).await.unwrap().select_by_value("Completed").await.unwrap();
    browser.wait_until("return location.search.includes('status=Completed');").await;
    browser.client.back().await.unwrap();
    browser.wait_until("return location.search === '?type=Enroll,Renew&mine=0';").await;
    browser.wait_until("return document.querySelector('.query select').value === '';").await;
    browser.client.forward().await.unwrap();
    browser.wait_until("return document.querySelector('.query select').value === 'Completed';").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn markup_in_a_request_is_shown_as_text_in_the_table_search_and_detail() {
    // The mock server writes a comment of markup (an image whose error handler
    // would rename the page) into some of its generated requests.
    let server = MockServer::start(&built_app(), &["--requests", "300"]);
    let browser = open(&server, "?q=onerror").await;
    assert!(browser.row_count().await > 0, "the search finds the markup as text");
    browser.evaluate(&format!("document.querySelector('{REQUEST_ROWS} a').click();")).await;
    browser.wait_for(".detail").await;
    let comment = detail_value(&browser, "Comment").await;
    assert!(comment.starts_with("<img src=x onerror=") && comment.contains("<b>urgent</b>"), "{comment}");
    let json = browser.text_of(".detail pre").await;
    assert!(json.contains(r#"<img src=x onerror=\"document.title='pwned'\">"#), "the JSON shows it as sent: {json}");
    let elements = "return document.querySelectorAll('img, [onerror], .detail b, table.requests b').length;";
    assert_eq!(browser.evaluate(elements).await, 0, "no element was made of it");
    assert_eq!(browser.evaluate("return document.title;").await, "CM Request Viewer", "no handler ran");
    browser.close().await;
}
