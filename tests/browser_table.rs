//! The requests table, rendered in a real browser from given data.
#![cfg(target_arch = "wasm32")]

use cm_model::{CmDate, NameBook, Request, RequestType};
use cm_request_viewer::components::RequestTable;
use cm_request_viewer::live_answer::{LiveAnswer, OnScreen};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlElement, window};
use std::sync::Arc;
use viewer_core::columns::Column;
use viewer_core::query::ServerQuery;
use viewer_core::sorting::{SortOrder, SortedRows};
use viewer_core::time::FixedOffset;
use viewer_core::virtual_rows::ROW_PIXELS;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn requests() -> Vec<Request> {
    let enroll: Request = serde_json::from_str(include_str!("fixtures/seed-enroll.json")).unwrap();
    let unblock: Request = serde_json::from_str(include_str!("fixtures/seed-unblock.json")).unwrap();
    let renew = Request {
        request_type: RequestType::Renew,
        submitted: CmDate::parse("2016-01-02T03:04:05Z"),
        uuid: uuid::uuid!("11111111-2222-4333-8444-555555555555"),
        ..enroll.clone()
    };
    vec![enroll, unblock, renew]
}

/// `count` copies of the examples, each with its own id.
fn many_requests(count: usize) -> Vec<Request> {
    let examples = requests();
    (0..count)
        .map(|i| Request { uuid: uuid::Uuid::from_u128(i as u128 + 1), ..examples[i % examples.len()].clone() })
        .collect()
}

/// The page's own rules for the table's scroll area and rows, which this test page lacks.
const TABLE_STYLE: &str = ".table-scroll { overflow: auto; max-height: 400px } \
    table.requests tbody tr { height: 36px } td { white-space: nowrap; padding: 0 }";

fn mount_table(requests: Vec<Request>) -> Element {
    let sort = RwSignal::new(SortOrder::default());
    mount_table_at(requests, sort, move |on_screen: OnScreen| {
        // As the page does: the table shows the rows in the order `sort` gives them.
        Signal::derive(move || {
            sort.with(|order| {
                on_screen.read(|store, shown| store.sorted(order, shown, SortedRows::default()).positions)
            })
        })
    })
}

/// The table of `requests` at the positions `positions_of` gives, in this test's page.
fn mount_table_at(
    requests: Vec<Request>,
    sort: RwSignal<SortOrder>,
    positions_of: impl FnOnce(OnScreen) -> Signal<Vec<usize>>,
) -> Element {
    let document = window().unwrap().document().unwrap();
    let style = document.create_element("style").unwrap();
    style.set_text_content(Some(TABLE_STYLE));
    document.head().unwrap().append_child(&style).unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let answer = LiveAnswer::new(Arc::new(NameBook::default()), ServerQuery::default(), None);
    answer.extend(requests, &FixedOffset(0));
    answer.show_all();
    let on_screen = OnScreen::default();
    on_screen.show(answer);
    let positions = positions_of(on_screen);
    let handle = leptos::mount::mount_to(host.clone().unchecked_into(), move || {
        view! {
            <RequestTable
                on_screen
                positions
                columns=Column::ALL.to_vec()
                sort
                open=RwSignal::new(None)
            />
        }
    });
    // The table lives as long as the page of this test.
    handle.forget();
    host
}

fn body_rows(table: &Element) -> Vec<Element> {
    let rows = table.query_selector_all("tbody tr[aria-rowindex]").unwrap();
    (0..rows.length()).map(|i| rows.item(i).unwrap().unchecked_into()).collect()
}

/// The text of column `column` (0-based) in each body row, top to bottom.
fn column_texts(table: &Element, column: usize) -> Vec<String> {
    let rows = table.query_selector_all("tbody tr[aria-rowindex]").unwrap();
    (0..rows.length())
        .map(|i| {
            let row: Element = rows.item(i).unwrap().unchecked_into();
            row.children().item(column as u32).unwrap().text_content().unwrap()
        })
        .collect()
}

fn header_button(table: &Element, label: &str) -> HtmlElement {
    let buttons = table.query_selector_all("thead th button").unwrap();
    (0..buttons.length())
        .map(|i| buttons.item(i).unwrap().unchecked_into::<HtmlElement>())
        .find(|button| button.text_content().unwrap().starts_with(label))
        .unwrap_or_else(|| panic!("no header button {label}"))
}

fn sorted_header(table: &Element) -> (String, String) {
    let header = table.query_selector("th[aria-sort]").unwrap().expect("one header has aria-sort");
    (header.text_content().unwrap(), header.get_attribute("aria-sort").unwrap())
}

#[wasm_bindgen_test]
async fn rows_show_decoded_names_newest_first() {
    let table = mount_table(requests());
    assert_eq!(column_texts(&table, 1), ["Renew", "Unblock", "Enroll"]);
    assert_eq!(column_texts(&table, 2), ["Approved", "Approved", "Approved"]);
    assert_eq!(table.query_selector_all("th[aria-sort]").unwrap().length(), 1);
    assert_eq!(sorted_header(&table), ("Submitted".into(), "descending".into()));
}

#[wasm_bindgen_test]
async fn clicking_a_header_sorts_and_clicking_again_reverses() {
    let table = mount_table(requests());
    header_button(&table, "Type").click();
    leptos::task::tick().await;
    assert_eq!(column_texts(&table, 1), ["Enroll", "Renew", "Unblock"]);
    assert_eq!(sorted_header(&table), ("Type".into(), "ascending".into()));

    header_button(&table, "Type").click();
    leptos::task::tick().await;
    assert_eq!(column_texts(&table, 1), ["Unblock", "Renew", "Enroll"]);
    assert_eq!(sorted_header(&table).1, "descending");
}

#[wasm_bindgen_test]
async fn only_the_rows_in_view_are_in_the_page_and_they_say_where_they_stand() {
    let table = mount_table(many_requests(10_000));
    leptos::task::tick().await;
    let rows = body_rows(&table);
    assert!((10..60).contains(&rows.len()), "{} rows rendered of 10,000", rows.len());
    let requests_table = table.query_selector("table").unwrap().unwrap();
    assert_eq!(requests_table.get_attribute("aria-rowcount").as_deref(), Some("10001"));
    assert_eq!(rows[0].get_attribute("aria-rowindex").as_deref(), Some("2"));

    let scroller: HtmlElement = table.query_selector(".table-scroll").unwrap().unwrap().unchecked_into();
    scroller.set_scroll_top(180_000);
    scroller.dispatch_event(&leptos::web_sys::Event::new("scroll").unwrap()).unwrap();
    leptos::task::tick().await;
    let rows = body_rows(&table);
    let first: usize = rows[0].get_attribute("aria-rowindex").unwrap().parse().unwrap();
    assert!((4_980..5_001).contains(&first), "row {first} first after scrolling to row 5,000");
    assert!(rows.len() < 60);
}

#[wasm_bindgen_test]
async fn a_row_still_in_view_keeps_the_focus_when_the_table_scrolls() {
    let table = mount_table(many_requests(2_000));
    leptos::task::tick().await;
    let link: HtmlElement = table.query_selector("tbody tr[aria-rowindex='12'] a").unwrap().unwrap().unchecked_into();
    link.focus().unwrap();
    let scroller: HtmlElement = table.query_selector(".table-scroll").unwrap().unwrap().unchecked_into();
    scroller.set_scroll_top(ROW_PIXELS as i32 * 3);
    scroller.dispatch_event(&leptos::web_sys::Event::new("scroll").unwrap()).unwrap();
    leptos::task::tick().await;
    let focused = window().unwrap().document().unwrap().active_element().unwrap();
    assert_eq!(focused.closest("tr").unwrap().unwrap().get_attribute("aria-rowindex").as_deref(), Some("12"));
    assert!(focused.is_connected(), "the same link, not one removed from the page");
}

#[wasm_bindgen_test]
async fn a_row_keeps_the_focus_when_rows_arrive_above_it() {
    let requests = many_requests(10);
    let link_of = |position: usize| format!("a[href='?open={}']", requests[position].uuid);
    let positions = RwSignal::new(vec![0, 1, 2, 3, 4, 5]);
    let table = mount_table_at(requests.clone(), RwSignal::new(SortOrder::default()), move |_| positions.into());
    leptos::task::tick().await;
    let link: HtmlElement = table.query_selector(&link_of(2)).unwrap().unwrap().unchecked_into();
    link.focus().unwrap();
    // Two rows arrive above the focused one, and one between them: the list moves its row.
    positions.set(vec![0, 6, 1, 7, 2, 3, 4, 5]);
    leptos::task::tick().await;
    let focused = window().unwrap().document().unwrap().active_element().unwrap();
    assert_eq!(focused, table.query_selector(&link_of(2)).unwrap().unwrap(), "the focus stays on the request's link");
    assert_eq!(focused.closest("tr").unwrap().unwrap().get_attribute("aria-rowindex").as_deref(), Some("6"));
}

#[wasm_bindgen_test]
async fn arrow_keys_and_end_move_between_rows_scrolling_as_needed() {
    let table = mount_table(many_requests(2_000));
    leptos::task::tick().await;
    let first_link: HtmlElement =
        table.query_selector("tbody tr[aria-rowindex='2'] a").unwrap().unwrap().unchecked_into();
    first_link.focus().unwrap();
    let press = |key: &str| {
        let init = leptos::web_sys::KeyboardEventInit::new();
        init.set_key(key);
        init.set_bubbles(true);
        let event = leptos::web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        let focused = window().unwrap().document().unwrap().active_element().unwrap();
        focused.dispatch_event(&event).unwrap();
    };
    let focused_row = || {
        let focused = window().unwrap().document().unwrap().active_element().unwrap();
        focused.closest("tr").unwrap().unwrap().get_attribute("aria-rowindex").unwrap()
    };
    press("ArrowDown");
    leptos::task::tick().await;
    assert_eq!(focused_row(), "3");
    press("End");
    leptos::task::tick().await;
    leptos::task::tick().await;
    assert_eq!(focused_row(), "2001", "the last row, rendered and focused");
    press("ArrowUp");
    leptos::task::tick().await;
    assert_eq!(focused_row(), "2000");
    press("Home");
    leptos::task::tick().await;
    leptos::task::tick().await;
    assert_eq!(focused_row(), "2");
}
