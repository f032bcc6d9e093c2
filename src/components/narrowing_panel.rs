//! Narrowing the fetched requests in the page: search, types, statuses, dates.

use cm_model::{NameBook, RequestStatus, RequestType};
use leptos::prelude::*;
use std::sync::Arc;
use viewer_core::narrowing::{Narrowed, Narrowing};

/// The controls that change `narrowing`; `types` and `statuses` are the values
/// present in the fetched requests, shown with their counts from `narrowed`.
#[component]
pub fn NarrowingPanel(
    narrowing: RwSignal<Narrowing>,
    narrowed: Memo<Narrowed>,
    types: Vec<RequestType>,
    statuses: Vec<RequestStatus>,
    names: Arc<NameBook>,
) -> impl IntoView {
    let type_choices = types
        .into_iter()
        .map(|kind| {
            let label = names.request_type(kind).text;
            let count = move || narrowed.with(|narrowed| narrowed.type_counts.get(&kind).copied().unwrap_or(0));
            let checked = move || narrowing.with(|narrowing| narrowing.types.contains(&kind));
            let toggle = move |_| narrowing.update(|narrowing| toggle(&mut narrowing.types, kind));
            view! { <Choice label count checked toggle /> }
        })
        .collect_view();
    let status_choices = statuses
        .into_iter()
        .map(|status| {
            let label = names.status(status).text;
            let count = move || narrowed.with(|narrowed| narrowed.status_counts.get(&status).copied().unwrap_or(0));
            let checked = move || narrowing.with(|narrowing| narrowing.statuses.contains(&status));
            let toggle = move |_| narrowing.update(|narrowing| toggle(&mut narrowing.statuses, status));
            view! { <Choice label count checked toggle /> }
        })
        .collect_view();
    view! {
        <section class="narrowing" aria-label="Narrow the list">
            <label class="search">
                "Search "
                <input
                    type="search"
                    placeholder="id, name, comment, data item\u{2026}"
                    prop:value=move || narrowing.with(|narrowing| narrowing.text.clone())
                    on:input=move |event| narrowing.update(|narrowing| narrowing.text = event_target_value(&event))
                />
            </label>
            <fieldset>
                <legend>"Type"</legend>
                {type_choices}
            </fieldset>
            <fieldset>
                <legend>"Status"</legend>
                {status_choices}
            </fieldset>
            <fieldset class="dates">
                <legend>"Submitted (UTC days)"</legend>
                <label>
                    "from "
                    <input
                        type="date"
                        prop:value=move || narrowing.with(|narrowing| day_text(narrowing.submitted_from))
                        on:change=move |event| {
                            narrowing.update(|narrowing| narrowing.submitted_from = event_target_value(&event).parse().ok())
                        }
                    />
                </label>
                <label>
                    "to "
                    <input
                        type="date"
                        prop:value=move || narrowing.with(|narrowing| day_text(narrowing.submitted_to))
                        on:change=move |event| {
                            narrowing.update(|narrowing| narrowing.submitted_to = event_target_value(&event).parse().ok())
                        }
                    />
                </label>
            </fieldset>
        </section>
    }
}

/// One checkbox with its name and count.
#[component]
fn Choice(
    label: String,
    count: impl Fn() -> usize + Send + Sync + 'static,
    checked: impl Fn() -> bool + Send + Sync + 'static,
    toggle: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    view! {
        <label class="choice">
            <input type="checkbox" prop:checked=checked on:change=toggle />
            {label}
            " "
            <span class="count">{move || format!("({})", count())}</span>
        </label>
    }
}

fn toggle<T: PartialEq>(chosen: &mut Vec<T>, value: T) {
    match chosen.iter().position(|existing| *existing == value) {
        Some(at) => {
            chosen.remove(at);
        }
        None => chosen.push(value),
    }
}

/// A day as a date input holds it: `2024-01-31`, or empty.
fn day_text(day: Option<impl ToString>) -> String {
    day.map(|day| day.to_string()).unwrap_or_default()
}
