//! The page: reads the settings, then shows what the CM server answers to the
//! user's question, or says why it cannot.

use crate::api::{HostSource, LoadError, Settings, fetch_profile_templates, load_settings};
use crate::choices::Choices;
use crate::components::{
    ColumnChooser, ConfigProblems, NarrowingPanel, QueryForm, RefreshControls, RequestDetail, RequestTable,
    SettingsPanel, StatusChart,
};
use crate::download::save_file;
use crate::history::view_in_url;
use crate::loading::{Loading, Outcome, Reveal, load_requests};
use crate::preferences::remembered_host;
use crate::timing::mark;
use cm_model::{ElementFailure, ProfileTemplate};
use leptos::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use viewer_core::export::{to_csv, to_json};
use viewer_core::progress::Progress;
use viewer_core::query::ServerQuery;
use viewer_core::store::{RequestStore, keep_narrowed};

#[component]
pub fn App() -> impl IntoView {
    let chosen_host = RwSignal::new(remembered_host());
    let settings = LocalResource::new(move || {
        let chosen = chosen_host.get();
        async move { Arc::new(load_settings(chosen).await) }
    });
    let settings_panel = move || settings.get().map(|settings| view! { <SettingsPanel settings chosen_host /> });
    view! {
        <header class="page-header">
            <h1>"CM Request Viewer"</h1>
            {settings_panel}
        </header>
        <main>
            <Suspense fallback=|| loading_message(None)>
                {move || {
                    settings
                        .get()
                        .map(|settings| {
                            let problems = view! { <ConfigProblems problems=settings.config_problems.clone() /> };
                            let page = match settings.host_source {
                                HostSource::Unusable => no_host_message().into_any(),
                                _ => view! { <RequestsPage settings /> }.into_any(),
                            };
                            view! {
                                {problems}
                                {page}
                            }
                        })
                }}
            </Suspense>
        </main>
        <footer class="page-footer">
            {concat!("CM Request Viewer ", env!("CARGO_PKG_VERSION"))}
        </footer>
    }
}

fn loading_message(progress: Option<Progress>) -> impl IntoView {
    let text = match progress {
        Some(progress) if progress != Progress::default() => format!("Loading requests\u{2026} {progress} received"),
        _ => "Loading requests\u{2026}".to_owned(),
    };
    view! { <p class="message loading" role="status">{text}</p> }
}

/// Why nothing is asked while `config.json` names no usable host, and what a user can do meanwhile.
fn no_host_message() -> impl IntoView {
    const NO_HOST: &str = "The viewer does not know which CM server to ask until config.json is corrected (see \
                           above). Meanwhile, you can set the CM host for this browser under Settings.";
    view! {
        <div class="message error" role="alert">
            <p>
                {NO_HOST}
            </p>
        </div>
    }
}

/// A failure in words, with a way to try again.
fn error_message<Retry: Fn() + 'static>(error: &LoadError, retry: Retry) -> impl IntoView + use<Retry> {
    view! {
        <div class="message error" role="alert">
            <p>{error.to_string()}</p>
            <button type="button" on:click=move |_| retry()>"Try again"</button>
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
    let progress = RwSignal::new(None::<Progress>);
    // Asked at the same time as the first list, and once per host: names only,
    // so a failure shows GUIDs rather than an error. Kept in a stored value, not
    // a resource: a resource awaited by the list's would ask for the list again.
    let templates = StoredValue::new(None::<Arc<Vec<ProfileTemplate>>>);
    // Each load has a number; a load goes on only while it is the latest and the page is shown.
    let latest_load = Arc::new(AtomicU64::new(0));
    let last_query = StoredValue::new(None::<ServerQuery>);
    on_cleanup({
        let latest_load = latest_load.clone();
        move || {
            latest_load.fetch_add(1, Ordering::Relaxed);
        }
    });
    let answer = {
        let settings = settings.clone();
        LocalResource::new(move || {
            let (settings, latest_load) = (settings.clone(), latest_load.clone());
            let query = query.get();
            let this_load = latest_load.fetch_add(1, Ordering::Relaxed) + 1;
            let reveal = match last_query.get_value() {
                Some(last) if last == query => Reveal::Complete,
                _ => Reveal::FirstRows,
            };
            last_query.set_value(Some(query));
            async move {
                let names = async {
                    let templates = match templates.get_value() {
                        Some(known) => known,
                        None => {
                            let fetched =
                                Arc::new(fetch_profile_templates(&settings.host, settings.timeout_seconds).await);
                            templates.set_value(Some(fetched.clone()));
                            fetched
                        }
                    };
                    Arc::new(settings.names.as_ref().clone().with_profile_templates(&templates))
                };
                let still_wanted = move || latest_load.load(Ordering::Relaxed) == this_load;
                let loading = load_requests(&settings, &query, names, reveal, progress, still_wanted.clone()).await;
                if loading.is_err() && still_wanted() {
                    progress.set(None);
                }
                loading
            }
        })
    };
    view! {
        <div class="toolbar">
            <QueryForm query />
            <RefreshControls
                refresh=Callback::new(move |_| answer.refetch())
                policy=settings.auto_refresh
            />
        </div>
        <Show when=move || progress.get().is_some()>{move || loading_message(progress.get())}</Show>
        // Awaiting the resource (not reading it) is what lets Transition keep the
        // previous answer, and the scroll position, until the new one is ready.
        <Transition fallback=|| ()>
            {move || {
                let host = settings.host.clone();
                Suspend::new(async move {
                    match answer.await {
                        Ok(loading) => view! { <Answer loading host choices /> }.into_any(),
                        Err(error) => error_message(&error, move || answer.refetch()).into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The requests of one answer, growing while it loads: notes about what could
/// not be read, the narrowing controls, the counts, the open request and the table.
#[component]
fn Answer(loading: Loading, host: String, choices: Choices) -> impl IntoView {
    let Loading { store, shown, outcome } = loading;
    let outcome_notes = move || outcome.with(|outcome| outcome.as_ref().map(outcome_notes));
    if store.with_value(RequestStore::is_empty) {
        return view! {
            {outcome_notes}
            <p class="message">"No requests match."</p>
        }
        .into_any();
    }
    Effect::new(|_| mark("cm:first-rows"));
    let Choices { narrowing, sort, open, columns, .. } = choices;
    let names = store.with_value(|store| store.names().clone());
    // Each of these is computed again only when its inputs change: a keystroke
    // narrows again but does not sort again; a sort does not search again.
    let narrowed = Memo::new(move |_| {
        let count = shown.get();
        narrowing.with(|narrowing| store.with_value(|store| store.narrow(narrowing, count)))
    });
    let sorted = Memo::new(move |_| {
        let count = shown.get();
        sort.with(|order| store.with_value(|store| store.sorted(order, count)))
    });
    let arranged = Memo::new(move |_| sorted.with(|sorted| narrowed.with(|narrowed| keep_narrowed(sorted, narrowed))));
    let types = Memo::new(move |_| {
        shown.track();
        store.with_value(RequestStore::types)
    });
    let statuses = Memo::new(move |_| {
        shown.track();
        store.with_value(RequestStore::statuses)
    });
    let total = move || shown.get();
    let summary = move || {
        let shown = narrowed.with(|narrowed| narrowed.positions.len());
        match outcome.with(Option::is_some) {
            true => format!("{shown} of {} requests from {host}", total()),
            false => format!("{shown} of {} requests so far from {host}; more are arriving", total()),
        }
    };
    let export_csv = move |_| {
        let csv = arranged.with(|shown| store.with_value(|store| to_csv(store.requests(), shown, store.names())));
        save_file("cm-requests.csv", "text/csv", &csv);
    };
    let export_json = move |_| {
        let json = arranged.with(|shown| store.with_value(|store| to_json(store.requests(), shown)));
        save_file("cm-requests.json", "application/json", &json);
    };
    let detail = {
        let names = names.clone();
        move || {
            let id = open.get()?;
            shown.track();
            let request = store.with_value(|store| store.requests().iter().find(|request| request.uuid == id).cloned());
            Some(view! { <RequestDetail id request names=names.clone() open /> })
        }
    };
    view! {
        {outcome_notes}
        <NarrowingPanel narrowing narrowed types statuses names=names.clone() />
        <StatusChart narrowed names=names.clone() />
        {detail}
        <div class="list-header">
            <p class="summary" aria-live="polite">
                {summary}
            </p>
            <button type="button" on:click=export_csv>
                "Export CSV"
            </button>
            <button type="button" on:click=export_json>
                "Export JSON"
            </button>
            <ColumnChooser columns />
        </div>
        <RequestTable store positions=arranged columns sort open />
    }
    .into_any()
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
    let list_problem = outcome.list_problem.clone().filter(|_| outcome.interrupted.is_none()).map(|problem| {
        view! {
            <p class="message warning" role="alert">
                {format!("The server's answer is damaged ({problem}); the requests that arrived whole are shown.")}
            </p>
        }
    });
    let failures = (!outcome.failures.is_empty()).then(|| failure_note(&outcome.failures));
    view! {
        {interrupted}
        {list_problem}
        {failures}
    }
}

/// How many elements of a list could not be read, and why, for a partly
/// decodable answer: the rows that did decode are shown below it.
fn failure_note(failures: &[ElementFailure]) -> impl IntoView + use<> {
    const LISTED: usize = 20;
    let summary = match failures.len() {
        1 => "1 request in the server's answer could not be read and is not shown.".to_owned(),
        count => format!("{count} requests in the server's answer could not be read and are not shown."),
    };
    let reasons = failures
        .iter()
        .take(LISTED)
        .map(|failure| view! { <li>{format!("Element {}: {}", failure.index, failure.reason)}</li> })
        .collect_view();
    let more = (failures.len() > LISTED).then(|| format!("\u{2026} and {} more.", failures.len() - LISTED));
    view! {
        <div class="message warning" role="alert">
            <p>{summary}</p>
            <details>
                <summary>"Why"</summary>
                <ul>{reasons}</ul>
                {more}
            </details>
        </div>
    }
}
