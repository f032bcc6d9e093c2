//! Showing and hiding the table's columns.

use super::icon::{COLUMNS, icon};
use super::menu::menu;
use leptos::prelude::*;
use viewer_core::columns::Column;

/// Checkboxes for the columns shown, and a reset. The request id cannot be
/// hidden: its link is how a row opens from the keyboard.
#[component]
pub fn ColumnChooser(columns: RwSignal<Vec<Column>>) -> impl IntoView {
    let choices = Column::ALL
        .into_iter()
        .map(|column| {
            let shown = move || columns.with(|columns| columns.contains(&column));
            let always = column == Column::RequestId;
            let toggle = move |_| {
                columns.update(|columns| {
                    *columns = Column::ALL
                        .into_iter()
                        .filter(|candidate| columns.contains(candidate) != (*candidate == column))
                        .collect();
                })
            };
            view! {
                <label>
                    <input type="checkbox" prop:checked=shown prop:disabled=always on:change=toggle />
                    {column.label()}
                </label>
            }
        })
        .collect_view();
    let panel = view! {
        <fieldset class="choices">
            <legend>{"Columns shown"}</legend>
            {choices}
        </fieldset>
        <button type="button" on:click=move |_| columns.set(Column::ALL.to_vec())>
            "Show all columns"
        </button>
    };
    menu!("column-chooser", (icon(COLUMNS), "Columns"), panel)
}
