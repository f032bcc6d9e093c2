//! The page: reads the settings, then shows what the CM server answers to the
//! user's question, or says why it cannot.

use crate::api::{LoadError, Settings, fetch_requests, load_settings};
use crate::components::{QueryForm, RequestTable};
use cm_model::DecodedRequests;
use leptos::prelude::*;
use std::sync::Arc;
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

/// The requests of one answer, with a note about any that could not be read.
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
    let requests: Arc<[cm_model::Request]> = decoded.requests.clone().into();
    let names = settings.names.clone();
    let summary = format!("{} requests from {}", requests.len(), settings.host);
    let table = if requests.is_empty() {
        view! { <p class="message">"No requests match."</p> }.into_any()
    } else {
        view! { <RequestTable requests names /> }.into_any()
    };
    view! {
        <p class="summary">{summary}</p>
        {failure_note}
        {table}
    }
}
