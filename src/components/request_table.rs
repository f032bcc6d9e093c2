//! The sortable table of requests.

use cm_model::{NameBook, Request};
use leptos::prelude::*;
use std::sync::Arc;
use uuid::Uuid;
use viewer_core::columns::{Column, status_badge_class};
use viewer_core::sorting::{Direction, SortOrder};

/// A `<table>` of the `requests` at `positions`, in that order, with numbers
/// named by `names`. A click on a column header changes `order` (the order the
/// positions come in): by that column, a second click reverses; with Shift the
/// column becomes the next sort key. A click on a row, or Enter on its id,
/// sets `open` to that request.
#[component]
pub fn RequestTable(
    requests: Arc<[Request]>,
    names: Arc<NameBook>,
    #[prop(into)] positions: Signal<Vec<usize>>,
    #[prop(name = "sort")] order: RwSignal<SortOrder>,
    open: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let rows = move || {
        positions.with(|positions| {
            positions.iter().map(|&position| request_row(&requests[position], &names, open)).collect_view()
        })
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

/// One request as a row: plain text cells, the status as a badge with its
/// name, the id as a link that opens the request.
fn request_row(request: &Request, names: &NameBook, open: RwSignal<Option<Uuid>>) -> impl IntoView + use<> {
    let id = request.uuid;
    let cells = Column::ALL
        .into_iter()
        .map(|column| {
            let text = column.cell_text(request, names);
            match column {
                Column::RequestId => {
                    let href = format!("?open={id}");
                    view! {
                        <td>
                            <a href=href on:click=move |event| event.prevent_default()>
                                {text}
                            </a>
                        </td>
                    }
                    .into_any()
                }
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
    let selected = move || open.get() == Some(id);
    view! {
        <tr class:selected=selected aria-current=move || selected().then_some("true") on:click=move |_| open.set(Some(id))>
            {cells}
        </tr>
    }
}
