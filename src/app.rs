//! The page: loads the requests once and shows them, or says why it cannot.

use crate::api::{LoadedRequests, load_requests};
use crate::components::RequestTable;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn App() -> impl IntoView {
    let loaded = LocalResource::new(|| async { load_requests().await.map(Arc::new) });
    view! {
        <header class="page-header">
            <h1>"CM Request Viewer"</h1>
        </header>
        <main>
            <Suspense fallback=|| {
                view! { <p class="message loading" role="status">"Loading requests\u{2026}"</p> }
            }>
                {move || {
                    loaded
                        .get()
                        .map(|result| match result {
                            Ok(loaded) => view! { <LoadedView loaded /> }.into_any(),
                            Err(error) => {
                                view! {
                                    <p class="message error" role="alert">
                                        {error.to_string()}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </main>
    }
}

/// The requests of one load, with a note about any that could not be read.
#[component]
fn LoadedView(loaded: Arc<LoadedRequests>) -> impl IntoView {
    let failures = &loaded.decoded.failures;
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
    let requests: Arc<[cm_model::Request]> = loaded.decoded.requests.clone().into();
    let names = Arc::new(loaded.names.clone());
    view! {
        <p class="summary">{format!("{} requests from {}", requests.len(), loaded.host)}</p>
        {failure_note}
        <RequestTable requests names />
    }
}
