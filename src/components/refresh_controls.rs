//! Asking again: now, or every few minutes.

use crate::preferences::{remember_auto_refresh, remembered_auto_refresh};
use leptos::prelude::*;
use std::time::Duration;
use viewer_core::auto_refresh::RefreshPolicy;

/// A Refresh button and an automatic refresh: the one the user chose
/// (remembered in this browser), else `configured_minutes` from `config.json`.
/// Both call `refresh`, which keeps everything the user chose.
#[component]
pub fn RefreshControls(refresh: Callback<()>, policy: RefreshPolicy) -> impl IntoView {
    let minutes = RwSignal::new(policy.in_force(remembered_auto_refresh()));
    let timer = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    Effect::new(move |_| {
        stop();
        let chosen = minutes.get();
        if chosen > 0 {
            let every = Duration::from_secs(u64::from(chosen) * 60);
            timer.set_value(set_interval_with_handle(move || refresh.run(()), every).ok());
        }
    });
    // The page that owns `refresh` may go (for a new host, say): its timer goes with it.
    on_cleanup(stop);
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
        <div class="refresh">
            <button type="button" on:click=move |_| refresh.run(())>
                "Refresh"
            </button>
            <label>
                "Auto-refresh "
                <select
                    prop:value=move || minutes.get().to_string()
                    on:change=move |event| {
                        let chosen = event_target_value(&event).parse().unwrap_or(0);
                        remember_auto_refresh(chosen);
                        minutes.set(chosen);
                    }
                >
                    {options}
                </select>
            </label>
        </div>
    }
}
