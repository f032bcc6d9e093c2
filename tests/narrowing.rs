//! Narrowing the fetched list in the page, and sorting by several columns.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use support::{Browser, MockServer, REQUEST_ROWS, built_app};

async fn open_with_requests(generated: usize) -> (MockServer, Browser) {
    let server = MockServer::start(&built_app(), &["--requests", &generated.to_string()]);
    let browser = Browser::start().await;
    browser.open_showing_rows(&server.url).await;
    (server, browser)
}

async fn search(browser: &Browser, text: &str) {
    let input = browser.client.find(Locator::Css(".narrowing input[type=search]")).await.expect("the search box");
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// The summary's "N of M", once it says `expected_of`.
async fn shown_of(browser: &Browser, total: usize) -> usize {
    browser
        .wait_until(&format!("return document.querySelector('.summary').textContent.includes(' of {total} ');"))
        .await;
    let summary = browser.text_of(".summary").await;
    summary.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no count in {summary}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_any_decoded_field_and_counts_what_it_shows() {
    let (_server, browser) = open_with_requests(400).await;
    assert_eq!(shown_of(&browser, 402).await, 402);

    search(&browser, "0C96D73F").await;
    browser.wait_for_rendered_rows(1).await;
    assert_eq!(browser.table_cells().await[0][0], "0c96d73f-967b-420e-854a-43ad2a1504bc");
    assert_eq!(shown_of(&browser, 402).await, 1);

    search(&browser, "unblock pending").await;
    browser.wait_until("return document.querySelector('.summary').textContent.startsWith('1 of') === false;").await;
    let shown = shown_of(&browser, 402).await;
    assert!(shown > 0 && shown < 402);
    assert!(browser.column("Type").await.iter().all(|t| t == "Unblock"));
    assert!(browser.column("Status").await.iter().all(|s| s == "Pending"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn type_status_and_date_choices_narrow_with_counts() {
    let (_server, browser) = open_with_requests(400).await;
    browser.client.find(Locator::Css(".status-choices summary")).await.unwrap().click().await.unwrap();
    let pending = browser
        .client
        .find(Locator::XPath("//fieldset[legend='Status']//label[contains(., 'Pending')]"))
        .await
        .unwrap();
    let pending_label = pending.text().await.unwrap();
    let count: usize = pending_label
        .split(['(', ')'])
        .nth(1)
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("a count in {pending_label}"));
    pending.find(Locator::Css("input")).await.unwrap().click().await.unwrap();
    assert_eq!(shown_of(&browser, 402).await, count);
    assert!(browser.column("Status").await.iter().all(|s| s == "Pending"));
    assert_eq!(browser.row_count().await, count);
    let chart = browser
        .evaluate("return Array.from(document.querySelectorAll('.status-chart li')).map(li => [li.querySelector('.label').textContent, Number(li.querySelector('.count').textContent)]);")
        .await;
    let chart: Vec<(String, usize)> = serde_json::from_value(chart).unwrap();
    assert!(chart.contains(&("Pending".to_owned(), count)), "{chart:?}");
    assert_eq!(chart.iter().map(|(_, n)| n).sum::<usize>(), 402, "the chart counts every status of the types chosen");
    browser.screenshot("narrowed-to-pending").await;

    let from = browser.client.find(Locator::Css(".dates input")).await.unwrap();
    from.send_keys("01012026").await.unwrap();
    browser.evaluate("document.querySelector('.dates input').dispatchEvent(new Event('change'));").await;
    browser
        .wait_until(&format!("return !document.querySelector('.summary').textContent.startsWith('{count} of');"))
        .await;
    let dates = browser.column("Submitted").await;
    assert!(dates.iter().all(|d| d.as_str() >= "2026-01-01"), "{dates:?}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn shift_click_sorts_by_a_second_column() {
    let (_server, browser) = open_with_requests(300).await;
    let click = |label: &str, shift: bool| {
        format!(
            "const button = Array.from(document.querySelectorAll('th button')).find(b => b.textContent.startsWith('{label}'));\
             button.dispatchEvent(new MouseEvent('click', {{bubbles: true, shiftKey: {shift}}}));"
        )
    };
    browser.evaluate(&click("Status", false)).await;
    browser.evaluate(&click("Type", true)).await;
    browser.wait_until("return document.querySelector('th[aria-sort]').textContent.startsWith('Status');").await;
    browser.wait_until("return Array.from(document.querySelectorAll('th')).some(th => th.textContent.startsWith('Type') && th.textContent.endsWith(', sort key 2, ascending'));").await;
    let mut rows = browser.table_cells().await;
    browser.scroll_table_to_end().await;
    rows.extend(browser.table_cells().await);
    let (status, kind) = (browser.column_at("Status").await, browser.column_at("Type").await);
    let keys: Vec<(String, String)> = rows.iter().map(|row| (row[status].clone(), row[kind].clone())).collect();
    assert!(keys.is_sorted(), "rows at the top, then at the end, are ordered by status, then type");
    let statuses: Vec<&String> = keys.iter().map(|(status, _)| status).collect();
    assert!(statuses.first() != statuses.last());
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn exports_hold_the_rows_shown_in_the_order_shown() {
    let (_server, browser) = open_with_requests(200).await;
    search(&browser, "unblock").await;
    browser.wait_until("return !document.querySelector('.summary').textContent.startsWith('202 of');").await;
    let shown = browser.column("Request ID").await;

    browser.client.find(Locator::XPath("//button[.='Export CSV']")).await.unwrap().click().await.unwrap();
    let csv = browser.downloaded("cm-requests.csv").await;
    assert!(csv.starts_with("\u{feff}Request ID,Type,Type code,Status,Status code,"), "{}", &csv[..80]);
    let ids: Vec<&str> = csv.lines().skip(1).map(|line| line.split(',').next().unwrap()).collect();
    assert_eq!(ids.len(), browser.row_count().await, "every row, not only those in view");
    assert_eq!(ids[..shown.len()], shown);
    assert!(csv.lines().skip(1).all(|line| line.split(',').nth(1) == Some("Unblock")));

    browser.client.find(Locator::XPath("//button[.='Export JSON']")).await.unwrap().click().await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&browser.downloaded("cm-requests.json").await).unwrap();
    let json_ids: Vec<&str> = json.as_array().unwrap().iter().map(|r| r["Uuid"].as_str().unwrap()).collect();
    assert_eq!(json_ids, ids);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hidden_columns_stay_hidden_after_a_reload_until_reset() {
    let (server, browser) = open_with_requests(20).await;
    let headers = "return Array.from(document.querySelectorAll('table.requests th')).map(th => th.querySelector('button').firstChild.textContent);";
    browser.client.find(Locator::Css(".column-chooser summary")).await.unwrap().click().await.unwrap();
    browser
        .client
        .find(Locator::XPath("//details[contains(@class, 'column-chooser')]//label[contains(., 'Target user')]/input"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_until("return document.querySelectorAll('table.requests th').length === 7;").await;
    let shown: Vec<String> = serde_json::from_value(browser.evaluate(headers).await).unwrap();
    assert_eq!(shown, ["Request ID", "Type", "Status", "Waiting", "Submitted", "Completed", "Profile template"]);
    assert_eq!(browser.table_cells().await[0].len(), 7);

    browser.client.goto(&server.url).await.unwrap();
    browser.wait_for(REQUEST_ROWS).await;
    assert_eq!(browser.evaluate("return document.querySelectorAll('table.requests th').length;").await, 7);
    browser.client.find(Locator::Css(".column-chooser summary")).await.unwrap().click().await.unwrap();
    browser.client.find(Locator::XPath("//button[.='Show all columns']")).await.unwrap().click().await.unwrap();
    browser.wait_until("return document.querySelectorAll('table.requests th').length === 8;").await;
    browser.evaluate("window.copied = null; navigator.clipboard.writeText = text => { window.copied = text; return Promise.resolve(); };").await;
    let first_id = browser.table_cells().await[0][0].clone();
    let copy = browser.client.find(Locator::Css("table.requests tbody button.copy")).await.unwrap();
    assert_eq!(copy.attr("aria-label").await.unwrap().unwrap(), format!("Copy Request ID {first_id}"));
    copy.click().await.unwrap();
    assert_eq!(browser.evaluate("return window.copied;").await, first_id.as_str());
    assert_eq!(
        browser.evaluate("return document.querySelector('.detail');").await,
        serde_json::Value::Null,
        "copying does not open the row"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn narrowing_while_requests_still_arrive_counts_them_as_they_come() {
    let server = MockServer::start(&built_app(), &["--requests", "1500", "--body-chunk-delay-ms", "150"]);
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.expect("the app opens");
    browser.wait_for(REQUEST_ROWS).await;
    search(&browser, "lost").await;
    assert!(browser.text_of(".summary").await.ends_with("more are arriving"), "typed while the list still loads");
    browser.wait_until("return document.querySelector('.message.loading') === null;").await;
    assert_eq!(browser.evaluate("return document.querySelectorAll('.crash').length;").await, 0, "the app still runs");
    let shown = shown_of(&browser, 1502).await;
    assert!(0 < shown && shown < 1502, "{shown} of 1502 mention a lost card");
    assert_eq!(browser.row_count().await, shown);
    browser.close().await;
}
