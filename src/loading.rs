//! Loading one answer as it arrives: each chunk of the body is decoded into
//! the answer's store at once, the page shows the first rows long before the
//! last byte, and the browser gets the main thread back between slices of work.

use crate::api::{Download, LoadError, Settings, request_list};
use crate::browser_clock::BrowserClock;
use crate::timing::{mark, mark_loaded, now, yield_to_browser};
use cm_model::{ElementFailure, Finished, NameBook, Request, ResponseDecoder};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use viewer_core::progress::Progress;
use viewer_core::query::ServerQuery;
use viewer_core::store::RequestStore;

/// How long the page may go without showing newly decoded rows: often
/// enough to look alive, rarely enough that re-sorting a growing list stays
/// a small part of the load.
const SHOW_EVERY_MS: f64 = 400.0;

/// How long decoding may hold the main thread before it lets the browser
/// paint and handle input: well under the 50 ms of a long task.
const SLICE_MS: f64 = 12.0;

/// An answer under way or complete. `shown` counts the updates of `store`
/// that the page should show; `outcome` is set once the body has ended.
#[derive(Clone, Copy)]
pub struct Loading {
    pub store: StoredValue<RequestStore>,
    pub shown: RwSignal<u64>,
    pub outcome: RwSignal<Option<Outcome>>,
}

/// How a load ended, beyond the requests it stored.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Elements that could not be read.
    pub failures: Vec<ElementFailure>,
    /// What is wrong with the list itself.
    pub list_problem: Option<String>,
    /// Why the body stopped before its end, after some requests had arrived.
    pub interrupted: Option<LoadError>,
}

/// When a load's answer is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reveal {
    /// As soon as there are rows: the rest arrives into the page.
    FirstRows,
    /// Once complete: a refresh replaces the rows shown in one step, so the
    /// page neither shrinks nor jumps while it loads.
    Complete,
}

/// Asks for the list and returns when `reveal` says, or with the whole answer
/// when it ends first; the rest of the body goes on loading while
/// `still_wanted` says so, reporting bytes received to `progress`. The list is
/// asked for while `names` (which may wait for the server's template names)
/// are still coming.
pub async fn load_requests(
    settings: &Settings,
    query: &ServerQuery,
    names: impl Future<Output = Arc<NameBook>>,
    reveal: Reveal,
    progress: RwSignal<Option<Progress>>,
    still_wanted: impl Fn() -> bool + 'static,
) -> Result<Loading, LoadError> {
    progress.set(Some(Progress::default()));
    let started = async {
        let download = request_list(settings, query).await;
        mark("cm:response-start");
        download
    };
    let (download, names) = futures::future::join(started, names).await;
    let mut download = download?;
    let mut decoder = ResponseDecoder::<Request>::new(download.status, download.content_type.as_deref());
    let loading = Loading {
        store: StoredValue::new(RequestStore::new(names)),
        shown: RwSignal::new(0),
        outcome: RwSignal::new(None),
    };
    let mut chunk = Vec::new();
    let mut decoding_ms = 0.0;
    loop {
        if !download.next_chunk(&mut chunk).await? {
            let host = download.host().to_owned();
            let finished = decoder.finish().map_err(|error| LoadError::Response { host, error })?;
            finish(&loading, finished, None);
            progress.set(None);
            mark_loaded(decoding_ms, download.progress().received, loading.store.with_value(|store| store.len()));
            return Ok(loading);
        }
        progress.set(Some(download.progress()));
        let started = now();
        let requests = decoder.push(&chunk);
        let any = !requests.is_empty();
        loading.store.update_value(|store| store.extend(requests, &BrowserClock));
        decoding_ms += now() - started;
        if any {
            break;
        }
    }
    let rest = load_the_rest(download, decoder, loading, progress, decoding_ms, still_wanted);
    match reveal {
        Reveal::FirstRows => spawn_local(rest),
        Reveal::Complete => rest.await,
    }
    Ok(loading)
}

async fn load_the_rest(
    mut download: Download,
    mut decoder: ResponseDecoder<Request>,
    loading: Loading,
    progress: RwSignal<Option<Progress>>,
    mut decoding_ms: f64,
    still_wanted: impl Fn() -> bool,
) {
    let mut chunk = Vec::new();
    let (mut slice_start, mut last_shown) = (now(), now());
    let interrupted = loop {
        if !still_wanted() {
            // Dropping the download stops it.
            return;
        }
        match download.next_chunk(&mut chunk).await {
            Ok(true) => {}
            Ok(false) => break None,
            Err(error) => break Some(error),
        }
        progress.set(Some(download.progress()));
        let started = now();
        let requests = decoder.push(&chunk);
        loading.store.update_value(|store| store.extend(requests, &BrowserClock));
        decoding_ms += now() - started;
        if now() - last_shown > SHOW_EVERY_MS {
            loading.shown.update(|shown| *shown += 1);
            last_shown = now();
        }
        if now() - slice_start > SLICE_MS {
            yield_to_browser().await;
            slice_start = now();
        }
    };
    mark("cm:last-byte");
    // Only a list gets here, and a list's end never fails.
    if let Ok(finished) = decoder.finish() {
        finish(&loading, finished, interrupted);
    }
    progress.set(None);
    mark_loaded(decoding_ms, download.progress().received, loading.store.with_value(|store| store.len()));
}

/// Stores what the body's end completed and shows everything.
fn finish(loading: &Loading, finished: Finished<Request>, interrupted: Option<LoadError>) {
    let Finished { items, failures, list_problem } = finished;
    loading.store.update_value(|store| store.extend(items, &BrowserClock));
    loading.outcome.set(Some(Outcome { failures, list_problem, interrupted }));
    loading.shown.update(|shown| *shown += 1);
}
