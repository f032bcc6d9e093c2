//! The page: reads the settings, then shows what the CM server answers to the
//! user's question, or says why it cannot.

use crate::api::{LoadError, Settings, fetch_requests, load_settings};
use crate::components::{NarrowingPanel, QueryForm, RequestTable, StatusChart};
use cm_model::{DecodedRequests, Request, RequestStatus, RequestType};
use leptos::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;
use viewer_core::narrowing::{Narrowing, SearchIndex};
use viewer_core::query::ServerQuery;

#[component]
pub fn App() -> impl IntoView {
    let settings = LocalResource::new(|| async { load_settings().await.map(Arc::new) });
    view! {
        <header class="page-header">
            <h1>"CM Request Viewer"</h1>
        </header>
        <main>
            <Suspense fallback=loading_message>
                {move || {
                    settings
                        .get()
                        .map(|result| match result {
                            Ok(settings) => view! { <RequestsPage settings /> }.into_any(),
                            Err(error) => error_message(&error).into_any(),
                        })
                }}
            </Suspense>
        </main>
    }
}

fn loading_message() -> impl IntoView {
    view! { <p class="message loading" role="status">"Loading requests\u{2026}"</p> }
}

fn error_message(error: &LoadError) -> impl IntoView + use<> {
    view! {
        <p class="message error" role="alert">
            {error.to_string()}
        </p>
    }
}

/// The question to the server and its answer. A new question keeps the old
/// answer on screen until the new one arrives.
#[component]
fn RequestsPage(settings: Arc<Settings>) -> impl IntoView {
    let query = RwSignal::new(ServerQuery::default());
    let host = settings.host.clone();
    let answer = LocalResource::new(move || {
        let host = host.clone();
        let query = query.get();
        async move { fetch_requests(&host, &query).await.map(Arc::new) }
    });
    view! {
        <QueryForm query />
        <Transition fallback=loading_message>
            {move || {
                let settings = settings.clone();
                answer
                    .get()
                    .map(|result| match result {
                        Ok(decoded) => view! { <Answer decoded settings /> }.into_any(),
                        Err(error) => error_message(&error).into_any(),
                    })
            }}
        </Transition>
    }
}

/// The requests of one answer: a note about any that could not be read, the
/// narrowing controls, the counts and the table.
#[component]
fn Answer(decoded: Arc<DecodedRequests>, settings: Arc<Settings>) -> impl IntoView {
    let failures = &decoded.failures;
    let failure_note = (!failures.is_empty()).then(|| {
        let first = &failures[0];
        view! {
            <p class="message warning" role="alert">
                {format!(
                    "{} of the server's requests could not be read and are not shown. First problem: element {}: {}",
                    failures.len(),
                    first.index,
                    first.reason,
                )}
            </p>
        }
    });
    if decoded.requests.is_empty() {
        return view! {
            {failure_note}
            <p class="message">"No requests match."</p>
        }
        .into_any();
    }
    let requests: Arc<[Request]> = decoded.requests.clone().into();
    let names = settings.names.clone();
    let index = Arc::new(SearchIndex::new(&requests, &names));
    let narrowing = RwSignal::new(Narrowing::default());
    let narrowed = {
        let requests = requests.clone();
        Memo::new(move |_| narrowing.with(|narrowing| narrowing.apply(&requests, &index)))
    };
    let types: Vec<RequestType> =
        requests.iter().map(|r| r.request_type).collect::<BTreeSet<_>>().into_iter().collect();
    let statuses: Vec<RequestStatus> = requests.iter().map(|r| r.status).collect::<BTreeSet<_>>().into_iter().collect();
    let total = requests.len();
    let host = settings.host.clone();
    let summary = move || format!("{} of {total} requests from {host}", narrowed.with(|n| n.positions.len()));
    let positions = Signal::derive(move || narrowed.with(|narrowed| narrowed.positions.clone()));
    view! {
        {failure_note}
        <NarrowingPanel narrowing narrowed types statuses names=names.clone() />
        <StatusChart narrowed names=names.clone() />
        <p class="summary" aria-live="polite">
            {summary}
        </p>
        <RequestTable requests names positions />
    }
    .into_any()
}
