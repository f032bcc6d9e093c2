//! Showing and hiding the table's columns.

use leptos::prelude::*;
use viewer_core::columns::Column;

/// Checkboxes for the columns shown, and a reset. The last column shown
/// cannot be hidden: a table without columns shows nothing.
#[component]
pub fn ColumnChooser(columns: RwSignal<Vec<Column>>) -> impl IntoView {
    let choices = Column::ALL
        .into_iter()
        .map(|column| {
            let shown = move || columns.with(|columns| columns.contains(&column));
            let only_one = move || columns.with(|columns| columns.len() == 1 && columns.contains(&column));
            let toggle = move |_| {
                columns.update(|columns| {
                    let mut chosen: Vec<Column> = Column::ALL
                        .into_iter()
                        .filter(|candidate| columns.contains(candidate) != (*candidate == column))
                        .collect();
                    if chosen.is_empty() {
                        chosen.push(column);
                    }
                    *columns = chosen;
                })
            };
            view! {
                <label>
                    <input type="checkbox" prop:checked=shown prop:disabled=only_one on:change=toggle />
                    {column.label()}
                </label>
            }
        })
        .collect_view();
    view! {
        <details class="column-chooser">
            <summary>"Columns"</summary>
            <div class="choices">
                {choices}
                <button type="button" on:click=move |_| columns.set(Column::ALL.to_vec())>
                    "Show all columns"
                </button>
            </div>
        </details>
    }
}
