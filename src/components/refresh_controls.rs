//! Asking again: now, or by itself every few minutes, with brakes: the next
//! refresh is counted from the end of the previous one, none runs while
//! another load does or while the tab is hidden, and failures back off.

use crate::asking::Asking;
use crate::components::UpdatedAt;
use crate::components::icon::{REFRESH, icon};
use crate::preferences::{remember_auto_refresh, remembered_auto_refresh};
use crate::timing::mark;
use leptos::prelude::*;
use std::time::Duration;
use viewer_core::auto_refresh::{RefreshPolicy, wait_after_load_ms};

/// A Refresh button and an automatic refresh: the one the user chose
/// (remembered in this browser) within what `policy` allows, else the
/// configured one. Both call `refresh`, which keeps everything the user chose.
/// `next_try_ms` is when the next automatic refresh is due, for the page to say.
#[component]
pub fn RefreshControls(
    asking: Asking,
    refresh: Callback<()>,
    policy: RefreshPolicy,
    next_try_ms: RwSignal<Option<f64>>,
) -> impl IntoView {
    let minutes = RwSignal::new(policy.in_force(remembered_auto_refresh()));
    schedule_automatic_refresh(asking, refresh, minutes.into(), next_try_ms);
    let choices = (policy.offered().len() > 1).then(|| {
        let options = policy
            .offered()
            .into_iter()
            .map(|value| {
                let label = match value {
                    0 => "Off".to_owned(),
                    1 => "Every minute".to_owned(),
                    minutes => format!("Every {minutes} minutes"),
                };
                view! { <option value=value.to_string()>{label}</option> }
            })
            .collect_view();
        view! {
            <label>
                "Auto-refresh "
                <select
                    prop:value=move || minutes.get().to_string()
                    on:change=move |event| {
                        let chosen = policy.in_force(event_target_value(&event).parse().ok());
                        remember_auto_refresh(chosen);
                        minutes.set(chosen);
                    }
                >
                    {options}
                </select>
            </label>
        }
    });
    view! {
        <div class="refresh">
            <button
                type="button"
                class:busy=move || asking.is_loading()
                disabled=move || asking.is_loading()
                on:click=move |_| refresh.run(())
            >
                {icon(REFRESH)}
                {move || if asking.is_loading() { "Refreshing\u{2026}" } else { "Refresh" }}
            </button>
            {choices}
            <UpdatedAt asking />
        </div>
    }
}

/// Calls `refresh` every `minutes` (none while 0), counted from the end of
/// each load, backing off after failures; a refresh that falls due while the
/// tab is hidden runs when it is shown again.
fn schedule_automatic_refresh(
    asking: Asking,
    refresh: Callback<()>,
    minutes: Signal<u32>,
    next_try_ms: RwSignal<Option<f64>>,
) {
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let due_while_hidden = StoredValue::new(false);
    // Failed loads in a row, and the last load counted.
    let failures = StoredValue::new((0u32, None::<u64>));
    let stop = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
        next_try_ms.try_set(None);
    };
    let fire = move || {
        timer.set_value(None);
        next_try_ms.set(None);
        if asking.is_loading() {
            // The end of that load schedules the next.
            return;
        }
        if tab_hidden() {
            due_while_hidden.set_value(true);
        } else {
            refresh_by_itself(refresh);
        }
    };
    Effect::new(move |_| {
        let ended = asking.last_end.get();
        let chosen = minutes.get();
        stop();
        due_while_hidden.set_value(false);
        let Some(ended) = ended else { return };
        let in_a_row = failures.with_value(|&(count, counted)| match (counted == Some(ended.number), ended.worked) {
            (true, _) => count,
            (false, true) => 0,
            (false, false) => count.saturating_add(1),
        });
        failures.set_value((in_a_row, Some(ended.number)));
        if chosen == 0 {
            return;
        }
        let wait = wait_after_load_ms(chosen, in_a_row, js_sys::Math::random());
        timer.set_value(set_timeout_with_handle(fire, Duration::from_millis(wait)).ok());
        next_try_ms.set(Some(js_sys::Date::now() + wait as f64));
    });
    let shown_again = window_event_listener_untyped("visibilitychange", move |_| {
        if !tab_hidden() && due_while_hidden.get_value() {
            due_while_hidden.set_value(false);
            refresh_by_itself(refresh);
        }
    });
    // The page that owns `refresh` may go (for a new host, say): its timer goes with it.
    on_cleanup(move || {
        stop();
        shown_again.remove();
    });
}

/// Refreshes, marking the moment on the page's timeline (`cm:auto-refresh`),
/// where tools and tests can count automatic refreshes.
fn refresh_by_itself(refresh: Callback<()>) {
    mark("cm:auto-refresh");
    refresh.run(());
}

fn tab_hidden() -> bool {
    document().hidden()
}
