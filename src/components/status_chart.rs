//! Counts by status of the rows shown, as labelled bars.

use super::icon::{CHART, icon};
use super::menu::menu;
use cm_model::NameBook;
use leptos::prelude::*;
use std::sync::Arc;
use viewer_core::columns::status_badge_class;
use viewer_core::narrowing::Narrowed;

/// One bar per status, its length the share of the rows shown; each bar is
/// labelled with the status name and count, so colour is never the only sign.
/// It opens over the page from a button: the counts are also in the status
/// choices, and the table needs the room more.
#[component]
pub fn StatusChart(narrowed: Memo<Narrowed>, names: Arc<NameBook>) -> impl IntoView {
    let bars = move || {
        narrowed.with(|narrowed| {
            let total = narrowed.status_counts.total().max(1);
            narrowed
                .status_counts
                .iter()
                .map(|(status, count)| {
                    // In thousandths, written with integers: float formatting is large in wasm.
                    let thousandths = count * 1000 / total;
                    let width = format!("{}.{}%", thousandths / 10, thousandths % 10);
                    let class = format!("bar {}", status_badge_class(status));
                    view! {
                        <li>
                            <span class="label">{names.status(status).text}</span>
                            <span class="track">
                                <span class=class style:width=width></span>
                            </span>
                            <span class="count">{count}</span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let chart = view! {
        <figure class="status-chart">
            <figcaption>{"Requests by status"}</figcaption>
            <ul>{bars}</ul>
        </figure>
    };
    menu!("chart", (icon(CHART), "Chart"), chart)
}
