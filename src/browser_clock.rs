//! The user's time zone, from the browser.

use cm_model::Timestamp;
use viewer_core::time::LocalClock;

/// The browser's own time zone, daylight saving time included.
pub struct BrowserClock;

impl LocalClock for BrowserClock {
    fn offset_seconds(&self, instant: Timestamp) -> i32 {
        let date = js_sys::Date::new(&(instant.as_millisecond() as f64).into());
        // JavaScript counts minutes west of UTC.
        (-date.get_timezone_offset() * 60.0) as i32
    }
}
