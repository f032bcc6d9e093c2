//! The sortable table of requests.

use crate::browser_clock::BrowserClock;
use crate::clipboard::copy_text;
use cm_model::{NameBook, Request};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use uuid::Uuid;
use viewer_core::columns::{Column, status_badge_class};
use viewer_core::sorting::{Direction, SortOrder};

/// A `<table>` of the `requests` at `positions`, in that order, with numbers
/// named by `names`. A click on a column header changes `order` (the order the
/// positions come in): by that column, a second click reverses; with Shift the
/// column becomes the next sort key. A click on a row, or Enter on its id,
/// sets `open` to that request.
/// Only the `columns` chosen are shown.
#[component]
pub fn RequestTable(
    requests: Arc<[Request]>,
    names: Arc<NameBook>,
    #[prop(into)] positions: Signal<Vec<usize>>,
    #[prop(into)] columns: Signal<Vec<Column>>,
    #[prop(name = "sort")] order: RwSignal<SortOrder>,
    open: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let rows = move || {
        let columns = columns.get();
        positions.with(|positions| {
            positions.iter().map(|&position| request_row(&requests[position], &names, &columns, open)).collect_view()
        })
    };
    let headers =
        move || columns.get().into_iter().map(|column| view! { <SortableHeader column order /> }).collect_view();
    view! {
        <table class="requests">
            <thead>
                <tr>{headers}</tr>
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

/// One request as a row: plain text cells, GUIDs shortened with the full value
/// on hover and a copy button, dates in local time with UTC on hover, the
/// status as a badge with its name, the id as a link that opens the request.
fn request_row(
    request: &Request,
    names: &NameBook,
    columns: &[Column],
    open: RwSignal<Option<Uuid>>,
) -> impl IntoView + use<> {
    let id = request.uuid;
    let cells = columns
        .iter()
        .map(|&column| {
            let cell = column.cell(request, names, &BrowserClock);
            let copy = cell.copy.clone().map(|value| view! { <CopyButton value what=column.label() /> });
            let value = match column {
                Column::RequestId => view! {
                    <a class="value" href=format!("?open={id}") title=cell.full on:click=|event| event.prevent_default()>
                        {cell.text}
                    </a>
                }
                .into_any(),
                Column::Status => {
                    let class = format!("value badge {}", status_badge_class(request.status));
                    view! { <span class=class>{cell.text}</span> }.into_any()
                }
                _ => view! { <span class="value" title=cell.full>{cell.text}</span> }.into_any(),
            };
            view! { <td>{value} {copy}</td> }
        })
        .collect_view();
    let selected = move || open.get() == Some(id);
    view! {
        <tr class:selected=selected aria-current=move || selected().then_some("true") on:click=move |_| open.set(Some(id))>
            {cells}
        </tr>
    }
}

/// Copies `value` to the clipboard in one click, without opening the row; the
/// button then says whether it worked.
#[component]
fn CopyButton(value: String, what: &'static str) -> impl IntoView {
    let label = format!("Copy {what} {value}");
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let copy = move |event: leptos::ev::MouseEvent| {
        event.stop_propagation();
        let value = value.clone();
        spawn_local(async move { outcome.set(Some(copy_text(&value).await)) });
    };
    let title = move || match outcome.get() {
        None => "Copy".to_owned(),
        Some(Ok(())) => "Copied".to_owned(),
        Some(Err(problem)) => problem,
    };
    let sign = move || match outcome.get() {
        None => "\u{29c9}",
        Some(Ok(())) => "\u{2713}",
        Some(Err(_)) => "\u{2715}",
    };
    view! {
        <button type="button" class="copy" aria-label=label title=title on:click=copy>
            <span aria-hidden="true">{sign}</span>
        </button>
    }
}
