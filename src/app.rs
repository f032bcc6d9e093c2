//! The page: reads the settings, then shows what the CM server answers to the
//! user's question, or says why it cannot.

use crate::api::{LoadError, Settings, fetch_profile_templates, fetch_requests, load_settings};
use crate::browser_clock::BrowserClock;
use crate::choices::Choices;
use crate::components::{
    ColumnChooser, NarrowingPanel, QueryForm, RefreshControls, RequestDetail, RequestTable, SettingsPanel, StatusChart,
};
use crate::download::save_file;
use crate::history::view_in_url;
use crate::preferences::remembered_host;
use cm_model::{DecodedRequests, ElementFailure, NameBook, Request, RequestStatus, RequestType};
use leptos::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;
use viewer_core::export::{to_csv, to_json};
use viewer_core::narrowing::SearchIndex;
use viewer_core::progress::Progress;

#[component]
pub fn App() -> impl IntoView {
    let chosen_host = RwSignal::new(remembered_host());
    let settings = LocalResource::new(move || {
        let chosen = chosen_host.get();
        async move { load_settings(chosen).await.map(Arc::new) }
    });
    let settings_panel =
        move || settings.get().and_then(Result::ok).map(|settings| view! { <SettingsPanel settings chosen_host /> });
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
                        .map(|result| match result {
                            Ok(settings) => view! { <RequestsPage settings /> }.into_any(),
                            Err(error) => error_message(&error, move || settings.refetch()).into_any(),
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
/// one arrives.
#[component]
fn RequestsPage(settings: Arc<Settings>) -> impl IntoView {
    let choices = Choices::from_view(view_in_url());
    choices.mirror_in_url();
    let query = choices.query;
    let progress = RwSignal::new(None::<Progress>);
    // Asked at the same time as the list, and once per host: names only, so a
    // failure shows GUIDs rather than an error.
    let templates = {
        let (host, timeout) = (settings.host.clone(), settings.timeout_seconds);
        LocalResource::new(move || {
            let host = host.clone();
            async move { Arc::new(fetch_profile_templates(&host, timeout).await) }
        })
    };
    let answer = {
        let settings = settings.clone();
        LocalResource::new(move || {
            let settings = settings.clone();
            let query = query.get();
            async move {
                progress.set(Some(Progress::default()));
                let answer = fetch_requests(&settings, &query, |received| progress.set(Some(received))).await;
                progress.set(None);
                answer.map(Arc::new)
            }
        })
    };
    view! {
        <div class="toolbar">
            <QueryForm query />
            <RefreshControls refresh=Callback::new(move |_| answer.refetch()) />
        </div>
        <Show when=move || progress.get().is_some()>{move || loading_message(progress.get())}</Show>
        // Awaiting the resource (not reading it) is what lets Transition keep the
        // previous answer, and the scroll position, until the new one is ready.
        <Transition fallback=|| ()>
            {move || {
                let settings = settings.clone();
                Suspend::new(async move {
                    let templates = templates.await;
                    match answer.await {
                        Ok(decoded) => {
                            let names = Arc::new(settings.names.as_ref().clone().with_profile_templates(&templates));
                            view! { <Answer decoded host=settings.host.clone() names choices /> }.into_any()
                        }
                        Err(error) => error_message(&error, move || answer.refetch()).into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The requests of one answer: a note about any that could not be read, the
/// narrowing controls, the counts, the open request and the table.
#[component]
fn Answer(decoded: Arc<DecodedRequests>, host: String, names: Arc<NameBook>, choices: Choices) -> impl IntoView {
    let failure_note = (!decoded.failures.is_empty()).then(|| failure_note(&decoded.failures));
    let list_problem = decoded.list_problem.clone().map(|problem| {
        view! {
            <p class="message warning" role="alert">
                {format!("The server's answer is damaged ({problem}); the requests that arrived whole are shown.")}
            </p>
        }
    });
    if decoded.requests.is_empty() {
        return view! {
            {list_problem}
            {failure_note}
            <p class="message">"No requests match."</p>
        }
        .into_any();
    }
    let Choices { narrowing, sort, open, columns, .. } = choices;
    let requests: Arc<[Request]> = decoded.requests.clone().into();
    let index = Arc::new(SearchIndex::new(&requests, &names, &BrowserClock));
    let narrowed = {
        let requests = requests.clone();
        Memo::new(move |_| narrowing.with(|narrowing| narrowing.apply(&requests, &index)))
    };
    let types: Vec<RequestType> =
        requests.iter().map(|r| r.request_type).collect::<BTreeSet<_>>().into_iter().collect();
    let statuses: Vec<RequestStatus> = requests.iter().map(|r| r.status).collect::<BTreeSet<_>>().into_iter().collect();
    let total = requests.len();
    let summary = move || format!("{} of {total} requests from {host}", narrowed.with(|n| n.positions.len()));
    let arranged = {
        let (requests, names) = (requests.clone(), names.clone());
        Memo::new(move |_| {
            let positions = narrowed.with(|narrowed| narrowed.positions.clone());
            sort.with(|order| order.arrange(&requests, positions, &names))
        })
    };
    let export_csv = {
        let (requests, names) = (requests.clone(), names.clone());
        move |_| arranged.with(|shown| save_file("cm-requests.csv", "text/csv", &to_csv(&requests, shown, &names)))
    };
    let export_json = {
        let requests = requests.clone();
        move |_| arranged.with(|shown| save_file("cm-requests.json", "application/json", &to_json(&requests, shown)))
    };
    let detail = {
        let (requests, names) = (requests.clone(), names.clone());
        move || {
            let id = open.get()?;
            let request = requests.iter().find(|request| request.uuid == id).cloned();
            Some(view! { <RequestDetail id request names=names.clone() open /> })
        }
    };
    view! {
        {list_problem}
        {failure_note}
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
        <div class="table-scroll" role="region" aria-label="Requests" tabindex="0">
            <RequestTable requests names positions=arranged columns sort open />
        </div>
    }
    .into_any()
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
