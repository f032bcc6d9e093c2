//! The page: reads the settings, then shows what the CM server answers to the
//! user's question, or says why it cannot.

use crate::api::LoadError;
use crate::asking::Asking;
use crate::choices::Choices;
use crate::components::icon::{DOWNLOAD, INBOX, WARNING, icon};
use crate::components::{
    CardLookupForm, CardsFound, ColumnChooser, ConfigProblems, FailedRefresh, FoundCards, NarrowingPanel, QueryForm,
    RefreshControls, RequestDetail, RequestTable, SettingsPanel, StatusChart, find_cards, menus_close_like_menus,
};
use crate::download::save_file;
use crate::history::view_in_url;
use crate::live_answer::{LiveAnswer, OnScreen, Outcome};
use crate::preferences::remembered_host;
use crate::settings::{HostSource, Settings, load_settings};
use crate::timing::mark;
use cm_model::{ElementFailures, ListProblem};
use leptos::prelude::*;
use std::sync::Arc;
use viewer_core::card_lookup::CardLookup;
use viewer_core::export::{to_csv, to_json};
use viewer_core::narrowing::{Narrowed, Narrowing};
use viewer_core::progress::Progress;
use viewer_core::sorting::SortedRows;
use viewer_core::store::keep_narrowed;

#[component]
pub fn App() -> impl IntoView {
    let chosen_host = RwSignal::new(remembered_host());
    let settings = LocalResource::new(move || {
        let chosen = chosen_host.get();
        async move { Arc::new(load_settings(chosen).await) }
    });
    let settings_panel = move || settings.get().map(|settings| view! { <SettingsPanel settings chosen_host /> });
    menus_close_like_menus();
    view! {
        <header class="app-bar">
            <h1>{"CM Request Viewer"}</h1>
            {settings_panel}
        </header>
        <main>
            {move || match settings.get() {
                None => loading_message(None).into_any(),
                Some(settings) => {
                    let problems = view! {
                        <crate::components::HostNotice settings=settings.clone() chosen_host />
                        <ConfigProblems problems=settings.config_problems.clone() />
                    };
                    let page = match settings.host_source {
                        HostSource::Unusable => no_host_message().into_any(),
                        _ => view! { <RequestsPage settings /> }.into_any(),
                    };
                    view! {
                        {problems}
                        {page}
                    }
                    .into_any()
                }
            }}
        </main>
    }
}

fn loading_message(progress: Option<Progress>) -> impl IntoView {
    let text = match progress {
        Some(progress) if progress != Progress::default() => format!("Loading requests\u{2026} {progress} received"),
        _ => "Loading requests\u{2026}".to_owned(),
    };
    view! {
        <p class="message loading" role="status">
            <span class="spinner" aria-hidden={"true"}></span>
            {text}
        </p>
    }
}

/// Why nothing is asked while `config.json` names no usable host, and what a user can do meanwhile.
fn no_host_message() -> impl IntoView {
    const NO_HOST: &str = "The viewer does not know which CM server to ask until config.json is corrected (see \
                           above). Meanwhile, you can set the CM host for this browser under Settings.";
    view! {
        <div class="message error" role="alert">
            {icon(WARNING)}
            <p>{NO_HOST}</p>
        </div>
    }
}

/// A failure in words, with a way to try again.
fn error_message<Retry: Fn() + 'static>(error: &LoadError, retry: Retry) -> impl IntoView + use<Retry> {
    view! {
        <div class="message error" role="alert">
            {icon(WARNING)}
            <p>{error.to_string()}</p>
            <button type="button" class="primary" on:click=move |_| retry()>
                "Try again"
            </button>
        </div>
    }
}

/// The question to the server and its answer. A new question keeps the old
/// answer on screen, with the progress of the new one above it, until the new
/// one has rows to show; the rest of its rows then arrive into the page.
#[component]
fn RequestsPage(settings: Arc<Settings>) -> impl IntoView {
    let choices = Choices::from_view(view_in_url());
    choices.mirror_in_url();
    let query = choices.query;
    let asking = Asking::new(settings.clone(), choices.sort, choices.narrowing);
    // Every question asked, the first one included; Back and Forward too.
    Effect::new(move |_| asking.ask(query.get()));
    on_cleanup(move || asking.stop());
    let refresh = Callback::new(move |_| asking.ask(query.get_untracked()));
    let next_try_ms = RwSignal::new(None);
    let failure = move || asking.failure.get().map(|error| error_message(&error, move || refresh.run(())));
    let found = find_cards(choices.card, settings.clone());
    // Only the answer's arrival or going builds the answer's view again, not its growing.
    let has_answer = Memo::new(move |_| asking.on_screen.is_some());
    view! {
        <div class="command-bar">
            <QueryForm query />
            <RefreshControls asking refresh policy=settings.auto_refresh next_try_ms />
        </div>
        <FailedRefresh asking next_try_ms />
        {move || asking.is_loading().then(|| loading_message(asking.progress.get()))}
        {failure}
        {move || {
            has_answer.get().then(|| view! { <Answer on_screen=asking.on_screen settings=settings.clone() choices found /> })
        }}
    }
}

/// The requests of the answer on screen, growing while it loads, and
/// replaced in place by a refresh: notes about what could not be read, the
/// narrowing controls, the counts, the open request and the table.
#[component]
fn Answer(on_screen: OnScreen, settings: Arc<Settings>, choices: Choices, found: FoundCards) -> impl IntoView {
    let Choices { narrowing, sort, open, columns, card, .. } = choices;
    let host = settings.host.clone();
    // Every answer of a page is named alike (the templates are asked for once per page).
    let names = on_screen.read(|store, _| store.names().clone());
    let outcome_notes = move || on_screen.with(|answer| answer.with_outcome(|outcome| outcome.map(outcome_notes)));
    // Each of these is computed again only when its inputs change: a keystroke
    // narrows again but does not sort again; a sort does not search again.
    let cards = Memo::new(move |_| {
        card.with(|lookup| {
            let lookup = lookup.as_ref()?;
            let answered = found.get().filter(|(answered, _)| answered == lookup);
            Some(lookup.cards_named(&answered.and_then(|(_, found)| found.ok()).unwrap_or_default()))
        })
    });
    // While an answer loads, the rows narrowed and sorted before are kept, and
    // only the new ones narrowed, sorted and merged in.
    let narrowed = Memo::new_owning(move |earlier: Option<Narrowed>| {
        let narrowed = narrowing.with(|narrowing| {
            cards.with(|cards| {
                on_screen.with(|answer| answer.narrowed(narrowing, cards.as_deref(), earlier.unwrap_or_default()))
            })
        });
        (narrowed.unwrap_or_default(), true)
    });
    let card_requests = Signal::derive(move || {
        cards.with(|cards| {
            let Some(cards) = cards.as_deref() else { return 0 };
            on_screen.read(|store, shown| {
                store.narrow(&Narrowing::default(), Some(cards), shown, Narrowed::default()).positions.len()
            })
        })
    });
    let sorted = Memo::new_owning(move |earlier: Option<SortedRows>| {
        let sorted = sort.with(|order| on_screen.with(|answer| answer.sorted(order, earlier)));
        (sorted.unwrap_or_default(), true)
    });
    let arranged =
        Memo::new(move |_| sorted.with(|sorted| narrowed.with(|narrowed| keep_narrowed(&sorted.positions, narrowed))));
    let types = Memo::new(move |_| on_screen.read(|store, _| store.types()));
    let statuses = Memo::new(move |_| on_screen.read(|store, _| store.statuses()));
    let total = move || on_screen.read(|_, shown| shown);
    let complete = move || on_screen.with(LiveAnswer::is_complete).unwrap_or(false);
    // Marked once per answer, when its first rows are on screen.
    Effect::new(move |marked: Option<Option<u64>>| {
        let generation = on_screen.with(LiveAnswer::generation);
        let marked = marked.flatten();
        if generation != marked && total() > 0 {
            mark("cm:first-rows");
            return generation;
        }
        marked
    });
    let summary = move || {
        let kept = narrowed.with(|narrowed| narrowed.positions.len());
        match complete() {
            true => format!("{kept} of {} requests from {host}", total()),
            false => format!("{kept} of {} requests so far from {host}; more are arriving", total()),
        }
    };
    let export_csv = move |_| {
        let csv = arranged.with(|rows| on_screen.read(|store, _| to_csv(store.requests(), rows, store.names())));
        save_file("cm-requests.csv", "text/csv", &csv);
    };
    let export_json = move |_| {
        let json = arranged.with(|rows| on_screen.read(|store, _| to_json(store.requests(), rows)));
        save_file("cm-requests.json", "application/json", &json);
    };
    // The open request as the answer on screen has it: a refresh that changes
    // it redraws the detail, one that does not leaves it alone.
    let open_request = Memo::new(move |_| {
        let id = open.get()?;
        on_screen.read(|store, shown| store.requests()[..shown].iter().find(|request| request.uuid == id).cloned())
    });
    let look_up_card = Callback::new(move |id: uuid::Uuid| {
        open.set(None);
        card.set(CardLookup::parse(&id.to_string()).ok());
    });
    let detail = {
        let names = names.clone();
        move || {
            let id = open.get()?;
            let (names, settings) = (names.clone(), settings.clone());
            Some(view! { <RequestDetail id request=open_request names open settings look_up_card /> })
        }
    };
    // Only an answer turning out empty, or no longer, builds the list's view again.
    let nothing = Memo::new(move |_| complete() && total() == 0);
    let list = move || {
        if nothing.get() {
            return no_requests().into_any();
        }
        view! {
            <div class="filter-bar">
                <NarrowingPanel narrowing narrowed types statuses names=names.clone() />
                <CardLookupForm card />
            </div>
            <CardsFound card found requests=card_requests names=names.clone() />
            <div class="list-header">
                <p class="summary" aria-live="polite">
                    {summary.clone()}
                </p>
                <StatusChart narrowed names=names.clone() />
                <ColumnChooser columns />
                <button type="button" on:click=export_csv>
                    {icon(DOWNLOAD)}
                    "Export CSV"
                </button>
                <button type="button" on:click=export_json>
                    {icon(DOWNLOAD)}
                    "Export JSON"
                </button>
            </div>
            <RequestTable on_screen positions=arranged columns sort open />
            {detail.clone()}
        }
        .into_any()
    };
    view! {
        {outcome_notes}
        {list}
    }
}

/// An answer without requests: said as a state of the page, not as a failure.
fn no_requests() -> impl IntoView {
    view! {
        <div class="empty-state" role="status">
            {icon(INBOX)}
            <p>
                <strong>{"No requests match."}</strong>
            </p>
            <p>{"The server has no requests for this question. Choose another status, or show more than your own."}</p>
        </div>
    }
}

/// What the end of a load said beyond its rows: a download that stopped
/// early, a damaged list, elements that could not be read.
fn outcome_notes(outcome: &Outcome) -> impl IntoView + use<> {
    let interrupted = outcome.interrupted.as_ref().map(|error| {
        view! {
            <p class="message warning" role="alert">
                {error.as_interruption()}
            </p>
        }
    });
    // A stopped download leaves the list unclosed: saying so again would only repeat it.
    let repeated = |problem: &ListProblem| *problem == ListProblem::NotClosed && outcome.interrupted.is_some();
    let list_problem = outcome.list_end.problem.clone().filter(|problem| !repeated(problem)).map(|problem| {
        view! {
            <p class="message warning" role="alert">
                {format!("The server's answer is damaged ({problem}); the requests that arrived whole are shown.")}
            </p>
        }
    });
    let failures = (!outcome.list_end.failures.is_empty()).then(|| failure_note(&outcome.list_end.failures));
    view! {
        {interrupted}
        {list_problem}
        {failures}
    }
}

/// How many elements of a list could not be read, and why, for a partly
/// decodable answer: the rows that did decode are shown below it.
fn failure_note(failures: &ElementFailures) -> impl IntoView + use<> {
    let summary = match failures.count() {
        1 => "1 request in the server's answer could not be read and is not shown.".to_owned(),
        count => format!("{count} requests in the server's answer could not be read and are not shown."),
    };
    let reasons = failures
        .listed()
        .iter()
        .map(|failure| view! { <li>{format!("Element {}: {}", failure.index, failure.reason)}</li> })
        .collect_view();
    let more = (failures.unlisted() > 0).then(|| format!("\u{2026} and {} more.", failures.unlisted()));
    view! {
        <div class="message warning" role="alert">
            <p>{summary}</p>
            <details>
                <summary>{"Why"}</summary>
                <ul>{reasons}</ul>
                {more}
            </details>
        </div>
    }
}
