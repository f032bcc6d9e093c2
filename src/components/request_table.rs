//! The sortable table of requests.

use cm_model::{NameBook, Request};
use leptos::prelude::*;
use std::sync::Arc;
use viewer_core::columns::{Column, status_badge_class};
use viewer_core::sorting::{Direction, SortOrder};

/// A `<table>` of `requests`, with numbers named by `names`; a click on a
/// column header sorts by it, a second click reverses.
#[component]
pub fn RequestTable(requests: Arc<[Request]>, names: Arc<NameBook>) -> impl IntoView {
    let order = RwSignal::new(SortOrder::default());
    let rows = move || {
        let arranged = order.get().arrange(&requests, &names);
        arranged.into_iter().map(|position| request_row(&requests[position], &names)).collect_view()
    };
    view! {
        <table class="requests">
            <thead>
                <tr>
                    {Column::ALL
                        .into_iter()
                        .map(|column| view! { <SortableHeader column order /> })
                        .collect_view()}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn SortableHeader(column: Column, order: RwSignal<SortOrder>) -> impl IntoView {
    let indicator = move || match order.get().aria_sort_of(column) {
        Some(_) if order.get().direction == Direction::Ascending => "\u{25b2}",
        Some(_) => "\u{25bc}",
        None => "",
    };
    view! {
        <th scope="col" aria-sort=move || order.get().aria_sort_of(column)>
            <button type="button" on:click=move |_| order.update(|order| *order = order.after_click(column))>
                {column.label()}
                <span class="sort-indicator" aria-hidden="true">
                    {indicator}
                </span>
            </button>
        </th>
    }
}

/// One request as a row: plain text cells, the status as a badge with its name.
fn request_row(request: &Request, names: &NameBook) -> impl IntoView + use<> {
    let cells = Column::ALL
        .into_iter()
        .map(|column| {
            let text = column.cell_text(request, names);
            match column {
                Column::Status => {
                    let class = format!("badge {}", status_badge_class(request.status));
                    view! {
                        <td>
                            <span class=class>{text}</span>
                        </td>
                    }
                    .into_any()
                }
                _ => view! { <td>{text}</td> }.into_any(),
            }
        })
        .collect_view();
    view! { <tr>{cells}</tr> }
}
