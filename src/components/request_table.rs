//! The sortable table of requests.

use cm_model::{NameBook, Request};
use leptos::prelude::*;
use std::sync::Arc;
use viewer_core::columns::{Column, status_badge_class};
use viewer_core::sorting::{Direction, SortOrder};

/// A `<table>` of the `requests` at `positions`, with numbers named by `names`.
/// A click on a column header sorts by it, a second click reverses; with Shift
/// the column becomes the next sort key.
#[component]
pub fn RequestTable(
    requests: Arc<[Request]>,
    names: Arc<NameBook>,
    #[prop(into)] positions: Signal<Vec<usize>>,
) -> impl IntoView {
    let order = RwSignal::new(SortOrder::default());
    let rows = move || {
        let arranged = order.with(|order| order.arrange(&requests, positions.get(), &names));
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
    let rank = move || order.with(|order| (order.rank_of(column), order.keys().len()));
    let indicator = move || match rank() {
        (Some((rank, direction)), keys) => {
            let arrow = if direction == Direction::Ascending { "\u{25b2}" } else { "\u{25bc}" };
            if keys > 1 { format!("{arrow}{rank}") } else { arrow.to_owned() }
        }
        (None, _) => String::new(),
    };
    // The first key is announced through aria-sort; later keys need words.
    let secondary = move || match rank() {
        (Some((rank, direction)), _) if rank > 1 => format!(", sort key {rank}, {}", direction.aria_sort()),
        _ => String::new(),
    };
    let sort = move |event: leptos::ev::MouseEvent| {
        order.update(|order| *order = order.after_click(column, event.shift_key()));
    };
    view! {
        <th scope="col" aria-sort=move || order.with(|order| order.aria_sort_of(column))>
            <button type="button" on:click=sort title="Click to sort; Shift+click to add as the next sort key">
                {column.label()}
                <span class="sort-indicator" aria-hidden="true">
                    {indicator}
                </span>
                <span class="visually-hidden">{secondary}</span>
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
