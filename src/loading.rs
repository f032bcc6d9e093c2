//! Loading one answer as it arrives: each chunk of the body is decoded into
//! the answer's store at once, the page shows the first rows long before the
//! last byte, and the browser gets the main thread back between slices of work.

use crate::api::{Download, LoadError, Settings, request_list};
use crate::browser_clock::BrowserClock;
use crate::timing::{LoadCost, mark, mark_loaded, now, yield_to_browser};
use cm_model::{ElementFailure, Finished, NameBook, Request, ResponseDecoder, ResponseError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use viewer_core::progress::Progress;
use viewer_core::query::ServerQuery;
use viewer_core::store::RequestStore;
use viewer_core::time::OncePerDay;

/// How long the page may go without showing newly decoded rows: often
/// enough to look alive. Showing them (narrowing and sorting the whole list
/// again) may take at most a tenth of the load's time, so the wait grows with
/// the cost of showing.
const SHOW_EVERY_MS: f64 = 400.0;
const SHOWING_SHARE: f64 = 10.0;

/// How long decoding may hold the main thread before it lets the browser
/// paint and handle input: well under the 50 ms of a long task.
const SLICE_MS: f64 = 12.0;

/// How much of a chunk is decoded between looks at the clock: the browser
/// hands over a megabyte at once when the network is fast.
const PIECE_BYTES: usize = 64 * 1024;

/// An answer under way or complete. `shown` is how many of the requests in
/// `store` the page shows: the store grows ahead of it while the load goes on,
/// and everything on the page must agree on one count. `outcome` is set once
/// the body has ended.
#[derive(Clone, Copy)]
pub struct Loading {
    pub store: StoredValue<RequestStore>,
    pub shown: RwSignal<usize>,
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
    let loading = Loading {
        store: StoredValue::new(RequestStore::new(names)),
        shown: RwSignal::new(0),
        outcome: RwSignal::new(None),
    };
    let mut intake = Intake {
        decoder: ResponseDecoder::new(download.status, download.content_type.as_deref()),
        loading,
        clock: OncePerDay::new(BrowserClock),
        decoding_ms: 0.0,
        storing_ms: 0.0,
    };
    let mut chunk = Vec::new();
    // Decode only until there are rows: showing them comes first.
    let unread = 'first_rows: loop {
        let more = download.next_chunk(&mut chunk).await?;
        if !still_wanted() {
            // Another question was asked meanwhile; dropping the download stops it.
            return Err(LoadError::Network { host: download.host().to_owned(), detail: "replaced".into() });
        }
        if !more {
            let host = download.host().to_owned();
            intake.finish(None, &download).map_err(|error| LoadError::Response { host, error })?;
            progress.set(None);
            return Ok(loading);
        }
        progress.set(Some(download.progress()));
        for (at, piece) in chunk.chunks(PIECE_BYTES).enumerate() {
            if intake.take(piece) {
                break 'first_rows chunk[((at + 1) * PIECE_BYTES).min(chunk.len())..].to_vec();
            }
        }
    };
    intake.show_all();
    let rest = load_the_rest(download, intake, unread, progress, still_wanted);
    match reveal {
        Reveal::FirstRows => spawn_local(rest),
        Reveal::Complete => rest.await,
    }
    Ok(loading)
}

/// Loads the rest of the body, starting with the `unread` part of the chunk
/// the first rows came from.
async fn load_the_rest(
    mut download: Download,
    mut intake: Intake,
    mut chunk: Vec<u8>,
    progress: RwSignal<Option<Progress>>,
    still_wanted: impl Fn() -> bool,
) {
    // The first rows are shown in the task that decoded them; go on in a new one.
    yield_to_browser().await;
    let (mut slice_start, mut last_shown, mut show_every) = (now(), now(), SHOW_EVERY_MS);
    let interrupted = loop {
        for piece in chunk.chunks(PIECE_BYTES) {
            if !still_wanted() {
                // Dropping the download stops it.
                return;
            }
            intake.take(piece);
            if now() - last_shown > show_every {
                // In a task of its own, after the browser has had the main thread back.
                yield_to_browser().await;
                let started = now();
                intake.show_all();
                yield_to_browser().await;
                show_every = SHOW_EVERY_MS.max((now() - started) * SHOWING_SHARE);
                (last_shown, slice_start) = (now(), now());
            } else if now() - slice_start > SLICE_MS {
                yield_to_browser().await;
                slice_start = now();
            }
        }
        let read = download.next_chunk(&mut chunk).await;
        if !still_wanted() {
            // Only the latest load may speak of progress; dropping the download stops it.
            return;
        }
        match read {
            Ok(true) => progress.set(Some(download.progress())),
            Ok(false) => break None,
            Err(error) => break Some(error),
        }
    };
    mark("cm:last-byte");
    // A list's end never fails, and only a list gets here.
    let _ = intake.finish(interrupted, &download);
    progress.set(None);
}

/// The decoding side of a load: chunks in, requests into the answer's store,
/// and the main-thread time each part took.
struct Intake {
    decoder: ResponseDecoder<Request>,
    loading: Loading,
    clock: OncePerDay<BrowserClock>,
    decoding_ms: f64,
    storing_ms: f64,
}

impl Intake {
    /// Decodes `chunk` into the store; whether it completed any request.
    fn take(&mut self, chunk: &[u8]) -> bool {
        let started = now();
        let requests = self.decoder.push(chunk);
        let decoded = now();
        let any = !requests.is_empty();
        self.loading.store.update_value(|store| store.extend(requests, &self.clock));
        self.decoding_ms += decoded - started;
        self.storing_ms += now() - decoded;
        any
    }

    /// Lets the page show every request stored so far.
    fn show_all(&self) {
        self.loading.shown.set(self.loading.store.with_value(RequestStore::len));
    }

    /// Stores what the body's end completed, shows everything and marks the load's cost.
    fn finish(self, interrupted: Option<LoadError>, download: &Download) -> Result<(), ResponseError> {
        let Finished { items, failures, list_problem } = self.decoder.finish()?;
        let loading = self.loading;
        loading.store.update_value(|store| store.extend(items, &self.clock));
        loading.outcome.set(Some(Outcome { failures, list_problem, interrupted }));
        loading.shown.set(loading.store.with_value(RequestStore::len));
        mark_loaded(LoadCost {
            decoding_ms: self.decoding_ms,
            storing_ms: self.storing_ms,
            body_bytes: download.progress().received,
            requests: loading.store.with_value(RequestStore::len),
        });
        Ok(())
    }
}
