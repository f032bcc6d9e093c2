//! How old the rows on screen are: when they arrived, and, after a refresh
//! that failed, that they are from then and when the viewer tries again.

use crate::asking::Asking;
use crate::browser_clock::BrowserClock;
use cm_model::Timestamp;
use leptos::prelude::*;
use viewer_core::time::clock_text;

/// "Updated at 10:37": when the rows on screen arrived whole.
#[component]
pub fn UpdatedAt(asking: Asking) -> impl IntoView {
    move || {
        let at = asking.on_screen.updated_at_ms()?;
        Some(view! { <span class="updated">{format!("Updated at {}", time_of_day(at))}</span> })
    }
}

/// After a failed refresh: why, that the rows shown are from the last
/// answer that arrived whole, and when the next automatic try is (`next_try_ms`).
#[component]
pub fn FailedRefresh(asking: Asking, next_try_ms: RwSignal<Option<f64>>) -> impl IntoView {
    move || {
        let failed = asking.failed_refresh.get()?;
        let since = asking.on_screen.updated_at_ms().map(time_of_day).unwrap_or_default();
        let next = match next_try_ms.get() {
            Some(at) => format!("The viewer tries again at {}.", time_of_day(at)),
            None => "Refresh asks again.".to_owned(),
        };
        let failed_at = time_of_day(failed.at_ms);
        Some(view! {
            <div class="message warning refresh-failed" role="alert">
                <p>{format!("Refreshing failed at {failed_at}. The rows shown are from {since}. {next}")}</p>
                <p>{failed.error.to_string()}</p>
            </div>
        })
    }
}

/// `10:37` in the user's time, from milliseconds since 1970.
fn time_of_day(at_ms: f64) -> String {
    Timestamp::from_millisecond(at_ms as i64).map(|at| clock_text(at, &BrowserClock)).unwrap_or_default()
}
