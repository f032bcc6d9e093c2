//! Loading one answer as it arrives: each chunk of the body is decoded into
//! the answer's store at once, the page can show the first rows long before
//! the last byte, and the browser gets the main thread back between slices of work.

use crate::api::{Download, LoadError, request_list};
use crate::browser_clock::BrowserClock;
use crate::live_answer::{LiveAnswer, Outcome};
use crate::settings::Settings;
use crate::timing::{LoadCost, Slices, mark, mark_loaded, now, yield_to_browser};
use cm_model::{Decoded, NameBook, Request, ResponseDecoder, ResponseError};
use std::sync::Arc;
use viewer_core::progress::Progress;
use viewer_core::query::ServerQuery;
use viewer_core::store::expected_requests;
use viewer_core::time::OncePerDay;

/// How long the page may go without showing newly decoded rows: often
/// enough to look alive. Showing them (narrowing and sorting the whole list
/// again) may take at most a tenth of the load's time, so the wait grows with
/// the cost of showing.
const SHOW_EVERY_MS: f64 = 400.0;
const SHOWING_SHARE: f64 = 10.0;

/// How much of the body tells how long its requests are, to make room for
/// all of them at once: about 800 requests.
const ROOM_AFTER_BYTES: u64 = 1 << 20;

/// How much of a chunk is decoded between looks at the clock: the browser
/// hands over a megabyte at once when the network is fast.
const PIECE_BYTES: usize = 64 * 1024;

/// What a load tells the page that asked for it, and asks of it.
pub trait LoadWatcher {
    /// Whether the page still wants this load: it stops at once when not.
    fn still_wanted(&self) -> bool;
    /// More of the body has arrived.
    fn received(&self, progress: Progress);
    /// The answer has its first rows, not shown yet: the page may show the
    /// answer's frame (its controls and empty table) in a task of its own.
    fn frame(&self, answer: &LiveAnswer);
    /// The answer has its first rows, shown; the rest is still arriving.
    fn first_rows(&self, answer: &LiveAnswer);
    /// The answer has grown: one not on screen yet is sorted and narrowed as the
    /// page would show it. Called only right after [`LoadWatcher::still_wanted`] said yes.
    fn grew(&self, answer: &LiveAnswer);
    /// The answer this load's answer is to replace, if any: the new one is
    /// made with room for as much, so that it never grows by doubling beside it.
    fn replacing(&self) -> Option<LiveAnswer>;
}

/// How a load ended.
pub enum Loaded {
    /// The body has ended (perhaps early: see the answer's outcome).
    Answer(LiveAnswer),
    /// No request could be read, and why.
    Failed(LoadError),
    /// The page stopped wanting it; nothing of it may reach the page.
    Stopped,
}

/// Asks `settings`' host the question `query` and loads the answer, telling
/// `watcher` as it goes. The list is asked for while `names` (which may wait
/// for the server's template names) are still coming.
pub async fn load_requests(
    settings: &Settings,
    query: &ServerQuery,
    names: impl Future<Output = Arc<NameBook>>,
    watcher: &impl LoadWatcher,
) -> Loaded {
    let started = async {
        let download = request_list(settings, query).await;
        mark("cm:response-start");
        download
    };
    let (download, names) = futures::future::join(started, names).await;
    if !watcher.still_wanted() {
        return Loaded::Stopped;
    }
    let mut download = match download {
        Ok(download) => download,
        Err(error) => return Loaded::Failed(error),
    };
    let replacing = watcher.replacing();
    // The answer replaced and this one share the security descriptors both
    // hold. Should this load not replace it, the next starts without them:
    // its answer then keeps its own copies.
    let descriptors = replacing.as_ref().map(LiveAnswer::take_descriptors).unwrap_or_default();
    let mut intake = Intake {
        decoder: ResponseDecoder::sharing(download.status, download.content_type.as_deref(), descriptors),
        answer: LiveAnswer::new(names, *query, replacing.as_ref()),
        clock: OncePerDay::new(BrowserClock),
        decoding_ms: 0.0,
        storing_ms: 0.0,
        body_bytes: download.progress().total,
        taken_bytes: 0,
    };
    let mut chunk = Vec::new();
    let mut pace = Pace::new();
    let interrupted = loop {
        chunk.clear();
        let read = download.next_chunk(&mut chunk).await;
        if !watcher.still_wanted() {
            // Dropping the download stops it.
            return Loaded::Stopped;
        }
        match read {
            Ok(true) => watcher.received(download.progress()),
            Ok(false) => break None,
            Err(error) => break Some(error),
        }
        for piece in chunk.chunks(PIECE_BYTES) {
            intake.take(piece);
            if !pace.after_piece(&intake.answer, watcher).await {
                return Loaded::Stopped;
            }
        }
    };
    mark("cm:last-byte");
    // What arrived since the last showing is sorted and narrowed now (a
    // refresh's answer, not on screen yet), in a task before the one that
    // puts the answer on screen, which then has little left to do but draw.
    watcher.grew(&intake.answer);
    if !given_back_and_wanted(watcher).await {
        return Loaded::Stopped;
    }
    let host = download.host().to_owned();
    match interrupted {
        Some(error) if intake.answer.stored() == 0 => Loaded::Failed(error),
        interrupted => match intake.finish(interrupted, &download) {
            Ok(answer) => Loaded::Answer(answer),
            Err(error) => Loaded::Failed(LoadError::Response { host, error }),
        },
    }
}

/// Gives the browser the main thread, then tells whether `watcher` still wants the load.
async fn given_back_and_wanted(watcher: &impl LoadWatcher) -> bool {
    yield_to_browser().await;
    watcher.still_wanted()
}

/// When a load shows what it decoded and gives the main thread back.
struct Pace {
    revealed: bool,
    slices: Slices,
    last_shown: f64,
    show_every: f64,
}

impl Pace {
    fn new() -> Pace {
        Pace { revealed: false, slices: Slices::new(), last_shown: now(), show_every: SHOW_EVERY_MS }
    }

    /// Shows the first rows as soon as there are any, then more rows every so
    /// often (sorting and narrowing them, when the answer is not on screen yet), and yields
    /// to the browser after each slice; `false` once the watcher no longer wants the load.
    async fn after_piece(&mut self, answer: &LiveAnswer, watcher: &impl LoadWatcher) -> bool {
        if !self.revealed {
            if answer.stored() == 0 {
                return true;
            }
            self.revealed = true;
            // The page's frame, then the rows, each get a task of their own:
            // together with the decoding before, they would be a long task.
            if !given_back_and_wanted(watcher).await {
                return false;
            }
            watcher.frame(answer);
            if !given_back_and_wanted(watcher).await {
                return false;
            }
            answer.show_all();
            watcher.first_rows(answer);
            yield_to_browser().await;
            self.slices.restart();
            self.last_shown = now();
        } else if now() - self.last_shown > self.show_every {
            // In a task of its own, after the browser has had the main thread back.
            if !given_back_and_wanted(watcher).await {
                return false;
            }
            let started = now();
            answer.show_all();
            watcher.grew(answer);
            yield_to_browser().await;
            self.show_every = SHOW_EVERY_MS.max((now() - started) * SHOWING_SHARE);
            self.slices.restart();
            self.last_shown = now();
        } else {
            self.slices.yield_if_over().await;
        }
        watcher.still_wanted()
    }
}

/// The decoding side of a load: chunks in, requests into the answer's store,
/// and the main-thread time each part took.
struct Intake {
    decoder: ResponseDecoder<Request>,
    answer: LiveAnswer,
    clock: OncePerDay<BrowserClock>,
    decoding_ms: f64,
    storing_ms: f64,
    /// The body's length, when the server said it; `None` once room is made for its requests.
    body_bytes: Option<u64>,
    taken_bytes: u64,
}

impl Intake {
    /// Decodes `chunk` into the store.
    fn take(&mut self, chunk: &[u8]) {
        let started = now();
        let mut decoded = started;
        let decoder = &mut self.decoder;
        let decode = |stored: &mut Vec<Request>| {
            decoder.push_into(chunk, stored);
            decoded = now();
        };
        self.answer.extend_in_place(decode, &self.clock);
        self.taken_bytes += chunk.len() as u64;
        if self.taken_bytes >= ROOM_AFTER_BYTES
            && let Some(body_bytes) = self.body_bytes.take()
        {
            self.answer.make_room_for(expected_requests(body_bytes, self.taken_bytes, self.answer.stored()));
        }
        self.decoding_ms += decoded - started;
        self.storing_ms += now() - decoded;
    }

    /// Stores what the body's end completed, shows everything and marks the load's cost.
    fn finish(self, interrupted: Option<LoadError>, download: &Download) -> Result<LiveAnswer, ResponseError> {
        let (Decoded { items, end }, descriptors) = self.decoder.finish_sharing()?;
        let answer = self.answer;
        answer.extend(items, &self.clock);
        answer.keep_descriptors(descriptors);
        answer.finish(Outcome { list_end: end, interrupted, ended_at_ms: js_sys::Date::now() });
        mark_loaded(LoadCost {
            decoding_ms: self.decoding_ms,
            storing_ms: self.storing_ms,
            body_bytes: download.progress().received,
            requests: answer.stored(),
        });
        Ok(answer)
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use viewer_core::time::FixedOffset;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    /// What a load told its page, in order: what, the rows then shown, and
    /// whether the browser ran a task since the load's work before.
    struct Recording {
        told: RefCell<Vec<(&'static str, usize, bool)>>,
        task_ran: Rc<Cell<bool>>,
    }

    impl Recording {
        /// Starts recording: from now on, each timer the browser runs is a task between two of the load's.
        fn new() -> Recording {
            let recording = Recording { told: RefCell::default(), task_ran: Rc::default() };
            recording.start_timer();
            recording
        }

        fn start_timer(&self) {
            let task_ran = self.task_ran.clone();
            let timer = Closure::once_into_js(move || task_ran.set(true));
            web_sys::window().unwrap().set_timeout_with_callback(timer.unchecked_ref()).unwrap();
        }

        fn record(&self, what: &'static str, answer: &LiveAnswer) {
            self.told.borrow_mut().push((what, answer.with(|_, shown| shown), self.task_ran.replace(false)));
            self.start_timer();
        }
    }

    impl LoadWatcher for Recording {
        fn still_wanted(&self) -> bool {
            true
        }

        fn received(&self, _: Progress) {}

        fn frame(&self, answer: &LiveAnswer) {
            self.record("frame", answer);
        }

        fn first_rows(&self, answer: &LiveAnswer) {
            self.record("first rows", answer);
        }

        fn grew(&self, answer: &LiveAnswer) {
            self.record("grew", answer);
        }

        fn replacing(&self) -> Option<LiveAnswer> {
            None
        }
    }

    #[wasm_bindgen_test]
    async fn the_frame_and_the_first_rows_are_shown_each_in_a_task_of_its_own() {
        let answer = LiveAnswer::new(Arc::default(), ServerQuery::default(), None);
        let (watcher, mut pace) = (Recording::new(), Pace::new());
        assert!(pace.after_piece(&answer, &watcher).await);
        assert!(watcher.told.borrow().is_empty(), "nothing to show before the first rows");

        answer.extend(vec![Request::default(); 3], &FixedOffset(0));
        assert!(pace.after_piece(&answer, &watcher).await);
        assert_eq!(*watcher.told.borrow(), [("frame", 0, true), ("first rows", 3, true)]);
    }
}
