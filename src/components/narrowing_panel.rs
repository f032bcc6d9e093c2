//! Narrowing the fetched requests in the page: search, types, statuses, dates.

use super::icon::{SEARCH, icon};
use super::menu::menu;
use cm_model::{NameBook, RequestStatus, RequestType};
use leptos::prelude::*;
use std::sync::Arc;
use viewer_core::narrowing::{Date, Narrowed, Narrowing, date_input_text, parse_date_input};

/// The controls that change `narrowing`; `types` and `statuses` are the values
/// present in the requests fetched so far, shown with their counts from `narrowed`.
#[component]
pub fn NarrowingPanel(
    narrowing: RwSignal<Narrowing>,
    narrowed: Memo<Narrowed>,
    types: Memo<Vec<RequestType>>,
    statuses: Memo<Vec<RequestStatus>>,
    names: Arc<NameBook>,
) -> impl IntoView {
    let type_names = names.clone();
    let type_choices = choices(
        move || types.get().into_iter().map(|kind| (kind, type_names.request_type(kind).text)).collect(),
        move |kind| narrowed.with(|narrowed| narrowed.type_counts.of(kind)),
        narrowing,
        Chosen { read: |narrowing| &narrowing.types, write: |narrowing| &mut narrowing.types },
    );
    let status_choices = choices(
        move || statuses.get().into_iter().map(|status| (status, names.status(status).text)).collect(),
        move |status| narrowed.with(|narrowed| narrowed.status_counts.of(status)),
        narrowing,
        Chosen { read: |narrowing| &narrowing.statuses, write: |narrowing| &mut narrowing.statuses },
    );
    let chosen_types = move || narrowing.with(|narrowing| narrowing.types.len());
    let chosen_statuses = move || narrowing.with(|narrowing| narrowing.statuses.len());
    let type_menu = menu!(
        "type-choices",
        ("Type", move || chosen_badge(chosen_types())),
        view! { <fieldset><legend>{"Type"}</legend>{type_choices}</fieldset> }
    );
    let status_menu = menu!(
        "status-choices",
        ("Status", move || chosen_badge(chosen_statuses())),
        view! { <fieldset><legend>{"Status"}</legend>{status_choices}</fieldset> }
    );
    view! {
        <section class="narrowing" aria-label="Narrow the list">
            <label class="search">
                {icon(SEARCH)}
                <span class="visually-hidden">{"Search"}</span>
                <input
                    type="search"
                    placeholder="Search id, user, comment, data item\u{2026}"
                    prop:value=move || narrowing.with(|narrowing| narrowing.text.clone())
                    on:input=move |event| narrowing.update(|narrowing| narrowing.text = event_target_value(&event))
                />
            </label>
            {type_menu}
            {status_menu}
            <fieldset class="dates">
                <legend>{"Submitted"}</legend>
                <DayInput label="from " narrowing day=Day { read: |n| n.submitted_from, write: |n| &mut n.submitted_from } />
                <DayInput label="to " narrowing day=Day { read: |n| n.submitted_to, write: |n| &mut n.submitted_to } />
            </fieldset>
        </section>
    }
}

/// How many values of a choice are chosen, on its button; nothing when none is.
fn chosen_badge(chosen: usize) -> Option<impl IntoView> {
    (chosen > 0)
        .then(|| view! { <span class="chosen">{chosen} <span class="visually-hidden">{" chosen"}</span></span> })
}

/// Which list of a [`Narrowing`] a set of checkboxes fills.
struct Chosen<T: 'static> {
    read: fn(&Narrowing) -> &Vec<T>,
    write: fn(&mut Narrowing) -> &mut Vec<T>,
}

impl<T> Clone for Chosen<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Chosen<T> {}

/// A checkbox for each of the `labelled` values, with its `count`; checking
/// one adds it to the `chosen` list of `narrowing`. Values present grow as
/// requests arrive.
fn choices<T, Count>(
    labelled: impl Fn() -> Vec<(T, String)> + Send + Sync + 'static,
    count: Count,
    narrowing: RwSignal<Narrowing>,
    chosen: Chosen<T>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
    Count: Fn(T) -> usize + Copy + Send + Sync + 'static,
{
    move || {
        labelled()
            .into_iter()
            .map(|(value, label)| {
                let checked = move || narrowing.with(|narrowing| (chosen.read)(narrowing).contains(&value));
                let toggle = move |_| narrowing.update(|narrowing| toggle((chosen.write)(narrowing), value));
                view! { <Choice label count=move || count(value) checked toggle /> }
            })
            .collect_view()
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

/// Which day of a [`Narrowing`] a date input sets.
#[derive(Clone, Copy)]
struct Day {
    read: fn(&Narrowing) -> Option<Date>,
    write: fn(&mut Narrowing) -> &mut Option<Date>,
}

/// A date input bound to one `day` of `narrowing`; clearing it clears the day.
#[component]
fn DayInput(label: &'static str, narrowing: RwSignal<Narrowing>, day: Day) -> impl IntoView {
    view! {
        <label>
            {label}
            <input
                type="date"
                prop:value=move || narrowing.with(|narrowing| (day.read)(narrowing).map(date_input_text).unwrap_or_default())
                on:change=move |event| {
                    narrowing.update(|narrowing| *(day.write)(narrowing) = parse_date_input(&event_target_value(&event)))
                }
            />
        </label>
    }
}
