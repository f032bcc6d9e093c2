//! Icons drawn as inline SVG in the text's colour: font symbols show as boxes
//! where the system fonts lack them, and a picture needs no download.

use leptos::prelude::*;

// Outlines on a 20 by 20 grid, stroked (see `.icon` in main.css).
pub const COPY: &str = "M7.5 3.5h8v10h-8zM4.5 6.5v10h8";
pub const REFRESH: &str = "M16 10a6 6 0 1 1-1.76-4.24M14.5 2.5V6H11";
pub const SETTINGS: &str = "M16.1 8.6 18.2 8.9 18.2 11.1 16.1 11.4 15.3 13.4 16.6 15.1 15.1 16.6 13.4 15.3 11.4 16.1 11.1 18.2 8.9 18.2 8.6 16.1 6.6 15.3 4.9 16.6 3.4 15.1 4.7 13.4 3.9 11.4 1.8 11.1 1.8 8.9 3.9 8.6 4.7 6.6 3.4 4.9 4.9 3.4 6.6 4.7 8.6 3.9 8.9 1.8 11.1 1.8 11.4 3.9 13.4 4.7 15.1 3.4 16.6 4.9 15.3 6.6ZM12.5 10a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0";
pub const CLOSE: &str = "M5 5l10 10M15 5 5 15";
pub const ARROW_UP: &str = "M10 16V4M5.5 8.5 10 4l4.5 4.5";
pub const ARROW_DOWN: &str = "M10 4v12M5.5 11.5 10 16l4.5-4.5";
pub const SEARCH: &str = "M8.5 3a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11zM12.5 12.5 17 17";
pub const CHEVRON_DOWN: &str = "M6 8l4 4 4-4";
pub const CHECK: &str = "M4 10.5l4 4 8-9";
pub const DOWNLOAD: &str = "M10 3v10M6 9l4 4 4-4M4 16.5h12";
pub const COLUMNS: &str = "M3 4h14v12H3zM8 4v12M12 4v12";
pub const CHART: &str = "M4 16.5V10M10 16.5V3.5M16 16.5V7.5";
pub const WARNING: &str = "M10 3 2 17h16zM10 8v4M10 14.5v.5";
pub const INBOX: &str = "M3 11h4l1 2h4l1-2h4M5 4h10l2 7v5H3v-5z";

/// The icon drawn by `outline` (one of this module's constants). It is
/// decoration: the control it sits in is named by its text or `aria-label`.
pub fn icon(outline: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 20 20" aria-hidden="true">
            <path d=outline />
        </svg>
    }
}
