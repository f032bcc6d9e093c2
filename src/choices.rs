//! What the user chose, held as signals, mirrored in the URL and the browser.

use crate::history::{on_back_or_forward, record_in_url};
use crate::preferences::{remember_columns, remembered_columns};
use leptos::prelude::*;
use uuid::Uuid;
use viewer_core::card_lookup::CardLookup;
use viewer_core::columns::Column;
use viewer_core::link::ViewState;
use viewer_core::narrowing::Narrowing;
use viewer_core::query::ServerQuery;
use viewer_core::sorting::SortOrder;

/// What the user chose, each part a signal so that only what depends on a
/// part is redone when it changes. The page's URL mirrors it.
#[derive(Clone, Copy)]
pub struct Choices {
    pub query: RwSignal<ServerQuery>,
    pub narrowing: RwSignal<Narrowing>,
    pub sort: RwSignal<SortOrder>,
    pub open: RwSignal<Option<Uuid>>,
    /// The smart card looked up, whose requests are shown.
    pub card: RwSignal<Option<CardLookup>>,
    /// Remembered in the browser rather than in the URL: a preference, not a view.
    pub columns: RwSignal<Vec<Column>>,
}

impl Choices {
    pub fn from_view(view: ViewState) -> Choices {
        Choices {
            query: RwSignal::new(view.query),
            narrowing: RwSignal::new(view.narrowing),
            sort: RwSignal::new(view.sort),
            open: RwSignal::new(view.open),
            card: RwSignal::new(view.card),
            columns: RwSignal::new(remembered_columns()),
        }
    }

    fn view(&self) -> ViewState {
        ViewState {
            query: self.query.get(),
            narrowing: self.narrowing.get(),
            sort: self.sort.get(),
            open: self.open.get(),
            card: self.card.get(),
        }
    }

    /// Sets the parts of `view` that differ, so that nothing is redone for nothing.
    fn restore(&self, view: ViewState) {
        set_if_changed(self.query, view.query);
        set_if_changed(self.narrowing, view.narrowing);
        set_if_changed(self.sort, view.sort);
        set_if_changed(self.open, view.open);
        set_if_changed(self.card, view.card);
    }

    /// Keeps the URL in step: typing in the search box replaces the current
    /// history entry; every other change adds one, so Back undoes it.
    pub fn mirror_in_url(self) {
        Effect::new(move |previous: Option<ViewState>| {
            let view = self.view();
            if let Some(previous) = previous {
                let only_text = ViewState {
                    narrowing: Narrowing { text: view.narrowing.text.clone(), ..previous.narrowing.clone() },
                    ..previous.clone()
                } == view;
                record_in_url(&view, !only_text);
            }
            view
        });
        on_back_or_forward(move |view| self.restore(view));
        Effect::new(move |_| self.columns.with(|columns| remember_columns(columns)));
    }
}

fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.with_untracked(|current| *current != value) {
        signal.set(value);
    }
}
