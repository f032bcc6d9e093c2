//! The user's time zone, from the browser.

use cm_model::Timestamp;
use viewer_core::time::LocalClock;

/// The browser's own time zone, daylight saving time included.
pub struct BrowserClock;

thread_local! {
    /// One `Date` set to each instant asked about (each new day of a load's
    /// dates): a new one each time makes a number value and a `Date` and drops
    /// both, more calls out of WebAssembly than setting this one and reading
    /// its offset, and garbage for the collector.
    static DATE: js_sys::Date = js_sys::Date::new_0();
}

impl LocalClock for BrowserClock {
    fn offset_seconds(&self, instant: Timestamp) -> i32 {
        DATE.with(|date| {
            date.set_time(instant.as_millisecond() as f64);
            // JavaScript counts minutes west of UTC.
            (-date.get_timezone_offset() * 60.0) as i32
        })
    }
}
