//! The requests table, rendered in a real browser from given data.
#![cfg(target_arch = "wasm32")]

use cm_model::{CmDate, NameBook, Request, RequestType};
use cm_request_viewer::components::RequestTable;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlElement, window};
use std::sync::Arc;
use viewer_core::columns::Column;
use viewer_core::sorting::SortOrder;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn requests() -> Arc<[Request]> {
    let enroll: Request = serde_json::from_str(include_str!("fixtures/seed-enroll.json")).unwrap();
    let unblock: Request = serde_json::from_str(include_str!("fixtures/seed-unblock.json")).unwrap();
    let renew = Request {
        request_type: RequestType::Renew,
        submitted: CmDate::parse("2016-01-02T03:04:05Z"),
        uuid: uuid::uuid!("11111111-2222-4333-8444-555555555555"),
        ..enroll.clone()
    };
    vec![enroll, unblock, renew].into()
}

fn mount_table() -> Element {
    let document = window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let data = requests();
    let names = Arc::new(NameBook::default());
    let sort = RwSignal::new(SortOrder::default());
    // As the page does: the table shows the rows in the order `sort` gives them.
    let positions = {
        let (data, names) = (data.clone(), names.clone());
        Signal::derive(move || sort.with(|order| order.arrange(&data, (0..data.len()).collect(), &names)))
    };
    let handle = leptos::mount::mount_to(host.clone().unchecked_into(), move || {
        view! {
            <RequestTable requests=data names positions columns=Column::ALL.to_vec() sort open=RwSignal::new(None) />
        }
    });
    // The table lives as long as the page of this test.
    handle.forget();
    host
}

/// The text of column `column` (0-based) in each body row, top to bottom.
fn column_texts(table: &Element, column: usize) -> Vec<String> {
    let rows = table.query_selector_all("tbody tr").unwrap();
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
    let table = mount_table();
    assert_eq!(column_texts(&table, 1), ["Renew", "Unblock", "Enroll"]);
    assert_eq!(column_texts(&table, 2), ["Approved", "Approved", "Approved"]);
    assert_eq!(table.query_selector_all("th[aria-sort]").unwrap().length(), 1);
    assert_eq!(sorted_header(&table), ("Submitted\u{25bc}".into(), "descending".into()));
}

#[wasm_bindgen_test]
async fn clicking_a_header_sorts_and_clicking_again_reverses() {
    let table = mount_table();
    header_button(&table, "Type").click();
    leptos::task::tick().await;
    assert_eq!(column_texts(&table, 1), ["Enroll", "Renew", "Unblock"]);
    assert_eq!(sorted_header(&table), ("Type\u{25b2}".into(), "ascending".into()));

    header_button(&table, "Type").click();
    leptos::task::tick().await;
    assert_eq!(column_texts(&table, 1), ["Unblock", "Renew", "Enroll"]);
    assert_eq!(sorted_header(&table).1, "descending");
}
