//! The filters the CM API offers (status, "my requests", one id), used from the page.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use support::{Browser, MockServer, REQUEST_ROWS, built_app};

const CURRENT_USER: &str = "8f1590dc-d932-4b66-8e68-2e91c5880780";

/// Every row's cell in the column headed `header`, once the table shows rows that all satisfy `check`.
async fn column_when(browser: &Browser, header: &str, check: &str) -> Vec<String> {
    let column = browser.column_at(header).await;
    browser
        .wait_until(&format!(
            "const rows = Array.from(document.querySelectorAll('{REQUEST_ROWS}'));\
             return rows.length > 0 && rows.every(row => {{ const value = row.cells[{column}].querySelector('.value');\
             const cell = value && value.title ? value.title : row.cells[{column}].textContent; return {check}; }});"
        ))
        .await;
    browser.column(header).await
}

async fn open(server: &MockServer) -> Browser {
    let browser = Browser::start().await;
    browser.open_showing_rows(&server.url).await;
    browser
}

#[tokio::test(flavor = "multi_thread")]
async fn status_and_my_requests_ask_the_server() {
    let server = MockServer::start(&built_app(), &["--requests", "400"]);
    let browser = open(&server).await;
    let everything = browser.row_count().await;

    let select = browser.client.find(Locator::Css(".query select")).await.expect("the status list");
    select.select_by_value("Pending").await.expect("Pending is offered");
    let pending = column_when(&browser, "Status", "cell === 'Pending'").await;
    let count = browser.row_count().await;
    assert!(!pending.is_empty() && count < everything, "{count} of {everything}");
    assert!(browser.text_of(".summary").await.starts_with(&format!("{count} of {count} requests")));

    select.select_by_value("").await.expect("All statuses is offered");
    browser.client.find(Locator::Css(".query input[type=checkbox]")).await.unwrap().click().await.unwrap();
    column_when(&browser, "Target user", &format!("cell === '{CURRENT_USER}'")).await;
    let mine = browser.row_count().await;
    assert!(mine >= 2 && mine < everything, "the seed's two and some generated: {mine}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pasted_id_looks_up_one_request_and_nonsense_is_refused() {
    let server = MockServer::start(&built_app(), &["--requests", "50"]);
    let browser = open(&server).await;
    let input = browser.client.find(Locator::Css(".lookup input")).await.expect("the id box");

    input.send_keys("not-a-guid").await.unwrap();
    browser.client.find(Locator::Css(".lookup button[type=submit]")).await.unwrap().click().await.unwrap();
    browser.wait_until("return document.querySelector('#lookup-error').textContent.length > 0;").await;
    assert!(browser.text_of("#lookup-error").await.starts_with("\u{201c}not-a-guid\u{201d} is not a request id."));
    assert_eq!(browser.row_count().await, 52, "a refused id asks nothing");
    browser.screenshot("lookup-refused").await;

    input.clear().await.unwrap();
    input.send_keys(" {0C96D73F-967B-420E-854A-43AD2A1504BC} ").await.unwrap();
    input.send_keys("\u{E007}").await.unwrap(); // Enter submits the form.
    browser.wait_for_rendered_rows(1).await;
    let row = &browser.table_cells().await[0];
    assert_eq!(row[..3], ["0c96d73f-967b-420e-854a-43ad2a1504bc", "Unblock", "Approved"]);
    assert_eq!(browser.text_of("#lookup-error").await, "");
    browser.screenshot("lookup-one-request").await;

    browser.client.find(Locator::XPath("//button[.='Show all requests']")).await.unwrap().click().await.unwrap();
    browser.wait_until("return document.querySelector('table.requests').getAttribute('aria-rowcount') === '53';").await;

    input.send_keys("00000000-0000-4000-8000-000000000001\u{E007}").await.unwrap();
    browser.wait_until("return document.querySelector('main').textContent.includes('No requests match.');").await;
    browser.close().await;
}
