//! Asking again: now, or every few minutes.

use crate::preferences::{remember_auto_refresh, remembered_auto_refresh};
use leptos::prelude::*;
use std::time::Duration;

/// The choices of automatic refresh, in minutes; 0 is off.
const INTERVALS: [(u32, &str); 4] = [(0, "Off"), (1, "Every minute"), (5, "Every 5 minutes"), (15, "Every 15 minutes")];

/// A Refresh button and an automatic refresh (off unless the user chose one,
/// remembered in this browser). Both call `refresh`, which keeps everything
/// the user chose.
#[component]
pub fn RefreshControls(refresh: Callback<()>) -> impl IntoView {
    let minutes = RwSignal::new(remembered_auto_refresh());
    let timer = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    Effect::new(move |_| {
        stop();
        let chosen = minutes.get();
        remember_auto_refresh(chosen);
        if chosen > 0 {
            let every = Duration::from_secs(u64::from(chosen) * 60);
            timer.set_value(set_interval_with_handle(move || refresh.run(()), every).ok());
        }
    });
    // The page that owns `refresh` may go (for a new host, say): its timer goes with it.
    on_cleanup(stop);
    let options = INTERVALS
        .iter()
        .map(|&(value, label)| view! { <option value=value.to_string()>{label}</option> })
        .collect_view();
    view! {
        <div class="refresh">
            <button type="button" on:click=move |_| refresh.run(())>
                "Refresh"
            </button>
            <label>
                "Auto-refresh "
                <select
                    prop:value=move || minutes.get().to_string()
                    on:change=move |event| minutes.set(event_target_value(&event).parse().unwrap_or(0))
                >
                    {options}
                </select>
            </label>
        </div>
    }
}
