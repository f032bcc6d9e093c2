//! One answer of the CM server, shared by the load that fills it and the page
//! that shows it.
//!
//! Its reactive parts are reference-counted (`Arc…`), not owned by a reactive
//! scope: an answer lives exactly as long as something holds it, the load
//! that is filling it or the page that shows it. An answer created inside a
//! load therefore cannot be disposed while it is still on screen, which is
//! what broke the page when a refresh ran while the user worked in it.

use crate::api::LoadError;
use crate::timing::{Slices, yield_to_browser};
use cm_model::{ListEnd, NameBook, Request, SharedTexts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use uuid::Uuid;
use viewer_core::narrowing::{Narrowed, Narrowing};
use viewer_core::query::ServerQuery;
use viewer_core::sorting::{SortOrder, SortedRows};
use viewer_core::store::RequestStore;
use viewer_core::time::LocalClock;

/// Requests dropped between looks at the clock when an answer is let go of:
/// about half a millisecond's work.
const RELEASED_AT_ONCE: usize = 4096;

/// How a load ended, beyond the requests it stored.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// The elements that could not be read, and what is wrong with the list itself.
    pub list_end: ListEnd,
    /// Why the body stopped before its end, after some requests had arrived.
    pub interrupted: Option<LoadError>,
    /// When the body ended, in milliseconds since 1970: how old the rows are.
    pub ended_at_ms: f64,
}

/// The requests of one answer, as they arrive. The store grows ahead of what
/// the page shows: `shown` is the count everything on the page agrees on.
#[derive(Clone)]
pub struct LiveAnswer {
    /// Held only here (by each clone), so that the last holder can take it whole ([`LiveAnswer::retire`]).
    store: Arc<RwLock<RequestStore>>,
    /// Its rows sorted while it loads unseen (a refresh's answer), for the
    /// page to take when it shows them.
    sorted_ahead: Arc<Mutex<Option<SortedRows>>>,
    /// Its rows narrowed while it loads unseen, for the page likewise.
    narrowed_ahead: Arc<Mutex<Option<Narrowed>>>,
    shown: ArcRwSignal<usize>,
    outcome: ArcRwSignal<Option<Outcome>>,
    question: ServerQuery,
    /// Tells this answer's rows from another answer's rows at the same positions.
    generation: u64,
}

impl LiveAnswer {
    /// An empty answer to `question`, its requests named by `names`, with
    /// room for as many as the answer it is to replace holds, if any.
    pub fn new(names: Arc<NameBook>, question: ServerQuery, replacing: Option<&LiveAnswer>) -> LiveAnswer {
        static GENERATIONS: AtomicU64 = AtomicU64::new(0);
        let store = match replacing {
            Some(old) => old.read_store(|old| RequestStore::with_room_of(names, old)),
            None => RequestStore::new(names),
        };
        LiveAnswer {
            store: Arc::new(RwLock::new(store)),
            sorted_ahead: Arc::default(),
            narrowed_ahead: Arc::default(),
            shown: ArcRwSignal::new(0),
            outcome: ArcRwSignal::new(None),
            question,
            generation: GENERATIONS.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Stores `requests`, not shown yet; dates are searched in the time of `clock`.
    pub fn extend(&self, requests: Vec<Request>, clock: &dyn LocalClock) {
        self.write_store(|store| store.extend(requests, clock));
    }

    /// Stores the requests `add` puts in the store's list, not shown yet.
    pub fn extend_in_place(&self, add: impl FnOnce(&mut Vec<Request>), clock: &dyn LocalClock) {
        self.write_store(|store| store.extend_in_place(add, clock));
    }

    /// Makes room for `total` requests in all, as many as the answer is expected to hold.
    pub fn make_room_for(&self, total: usize) {
        self.write_store(|store| store.make_room_for(total));
    }

    /// Keeps the security descriptors the answer's requests share, for the next answer to share.
    pub fn keep_descriptors(&self, descriptors: SharedTexts) {
        self.write_store(|store| store.keep_descriptors(descriptors));
    }

    /// The security descriptors the answer's requests share, taken for a
    /// new answer (a refresh) to start from.
    pub fn take_descriptors(&self) -> SharedTexts {
        self.write_store(RequestStore::take_descriptors)
    }

    /// How many requests are stored, shown or not.
    pub fn stored(&self) -> usize {
        self.read_store(RequestStore::len)
    }

    /// Lets the page show every request stored so far.
    pub fn show_all(&self) {
        self.shown.set(self.stored());
    }

    /// Records how the load ended, and shows everything.
    pub fn finish(&self, outcome: Outcome) {
        self.write_store(RequestStore::shrink_to_fit);
        self.outcome.set(Some(outcome));
        self.show_all();
    }

    /// Reads the store and the count shown, and subscribes the caller to both.
    pub fn with<R>(&self, read: impl FnOnce(&RequestStore, usize) -> R) -> R {
        let shown = self.shown.get();
        self.read_store(|store| read(store, shown))
    }

    /// Sorts every request stored in `order`, from where the last call left
    /// off: the page then shows them without sorting a million at once.
    pub fn sort_ahead(&self, order: &SortOrder) {
        let sorted = self.sorted_up_to(self.stored(), order, None);
        *locked(&self.sorted_ahead) = Some(sorted);
    }

    /// The requests shown, in `order`, from those `earlier` or sorting ahead
    /// sorted; subscribes the caller to the count shown.
    pub fn sorted(&self, order: &SortOrder, earlier: Option<SortedRows>) -> SortedRows {
        self.sorted_up_to(self.shown.get(), order, earlier)
    }

    /// Narrows every request stored by `narrowing`, from where the last call
    /// left off: the page then shows them without narrowing a million at once.
    pub fn narrow_ahead(&self, narrowing: &Narrowing) {
        let earlier = locked(&self.narrowed_ahead).take().unwrap_or_default();
        let narrowed = self.read_store(|store| store.narrow(narrowing, None, store.len(), earlier));
        *locked(&self.narrowed_ahead) = Some(narrowed);
    }

    /// The requests shown that `narrowing` keeps (those naming one of `cards`,
    /// if given), from those narrowed ahead if any, else from `earlier`;
    /// subscribes the caller to the count shown.
    pub fn narrowed(&self, narrowing: &Narrowing, cards: Option<&[Uuid]>, earlier: Narrowed) -> Narrowed {
        let shown = self.shown.get();
        let earlier = locked(&self.narrowed_ahead).take().unwrap_or(earlier);
        self.read_store(|store| store.narrow(narrowing, cards, shown, earlier))
    }

    /// The first `count` requests in `order`, from those sorted ahead if any, else `earlier`.
    fn sorted_up_to(&self, count: usize, order: &SortOrder, earlier: Option<SortedRows>) -> SortedRows {
        let earlier = locked(&self.sorted_ahead).take().or(earlier).unwrap_or_default();
        self.read_store(|store| store.sorted(order, count, earlier))
    }

    /// Reads how the load ended (`None` while it goes on), subscribing the caller.
    pub fn with_outcome<R>(&self, read: impl FnOnce(Option<&Outcome>) -> R) -> R {
        self.outcome.with(|outcome| read(outcome.as_ref()))
    }

    /// Whether the load has ended, subscribing the caller.
    pub fn is_complete(&self) -> bool {
        self.outcome.with(Option::is_some)
    }

    /// The question this answers.
    pub fn question(&self) -> ServerQuery {
        self.question
    }

    fn read_store<R>(&self, read: impl FnOnce(&RequestStore) -> R) -> R {
        read(&self.store.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn write_store<R>(&self, write: impl FnOnce(&mut RequestStore) -> R) -> R {
        write(&mut self.store.write().unwrap_or_else(PoisonError::into_inner))
    }

    /// Lets go of this answer, which another replaced on screen. Once the
    /// page's parts have let go of it too (they show the new one by then), its
    /// requests are dropped a part at a time, the browser painting and
    /// handling input between parts; whatever still holds it drops it otherwise.
    fn retire(self) {
        spawn_local(async move {
            yield_to_browser().await;
            let Ok(store) = Arc::try_unwrap(self.store) else { return };
            let mut retiring = store.into_inner().unwrap_or_else(PoisonError::into_inner).retire();
            let mut slices = Slices::new();
            while retiring.release(RELEASED_AT_ONCE) {
                slices.yield_if_over().await;
            }
        });
    }

    /// Tells answers apart, even two to the same question.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

/// What was done ahead, even if a panic poisoned its lock: a whole value is there either way.
fn locked<T>(ahead: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    ahead.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The answer the page shows, if any: what the page's parts read. Reading
/// through it subscribes to the answer being replaced as well as to it growing.
/// It starts with nothing on screen, owned by the page that creates it.
#[derive(Clone, Copy, Default)]
pub struct OnScreen(RwSignal<Option<LiveAnswer>>);

impl OnScreen {
    /// Puts `answer` on screen in place of what was there.
    pub fn show(self, answer: LiveAnswer) {
        self.replace_with(Some(answer));
    }

    /// Takes what is on screen away (its question failed).
    pub fn clear(self) {
        self.replace_with(None);
    }

    fn replace_with(self, answer: Option<LiveAnswer>) {
        if let Some(replaced) = self.0.try_update(|shown| std::mem::replace(shown, answer)).flatten() {
            replaced.retire();
        }
    }

    /// Whether an answer is on screen.
    pub fn is_some(self) -> bool {
        self.0.with(Option::is_some)
    }

    /// Whether the answer on screen is the one numbered `generation`, without subscribing.
    pub fn shows(self, generation: u64) -> bool {
        self.0.with_untracked(|answer| answer.as_ref().is_some_and(|answer| answer.generation == generation))
    }

    /// The answer on screen, without subscribing.
    pub fn get_untracked(self) -> Option<LiveAnswer> {
        self.0.get_untracked()
    }

    /// The question the answer on screen answers, without subscribing.
    pub fn question_untracked(self) -> Option<ServerQuery> {
        self.0.with_untracked(|answer| answer.as_ref().map(|answer| answer.question))
    }

    /// Reads the answer on screen, if any.
    pub fn with<R>(self, read: impl FnOnce(&LiveAnswer) -> R) -> Option<R> {
        self.0.with(|answer| answer.as_ref().map(read))
    }

    /// When the answer on screen arrived whole, in milliseconds since 1970.
    pub fn updated_at_ms(self) -> Option<f64> {
        self.with(|answer| answer.with_outcome(|outcome| outcome.map(|outcome| outcome.ended_at_ms))).flatten()
    }

    /// Reads the store and the count shown of the answer on screen; `R`'s
    /// default when there is none.
    pub fn read<R: Default>(self, read: impl FnOnce(&RequestStore, usize) -> R) -> R {
        self.with(|answer| answer.with(read)).unwrap_or_default()
    }

    /// Reads the store of the answer on screen without subscribing; `R`'s
    /// default when there is none.
    pub fn read_untracked<R: Default>(self, read: impl FnOnce(&RequestStore) -> R) -> R {
        self.0.with_untracked(|answer| answer.as_ref().map(|answer| answer.read_store(read))).unwrap_or_default()
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use cm_model::{RequestStatus, RequestType};
    use viewer_core::time::FixedOffset;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// `count` requests of three types and three statuses, in turn.
    fn requests(count: usize) -> Vec<Request> {
        let types = [RequestType::Enroll, RequestType::Unblock, RequestType::Renew];
        let statuses = [RequestStatus::Pending, RequestStatus::Completed, RequestStatus::Denied];
        let request =
            |at: usize| Request { request_type: types[at % 3], status: statuses[at % 5 % 3], ..Request::default() };
        (0..count).map(request).collect()
    }

    fn pending() -> Narrowing {
        Narrowing { statuses: vec![RequestStatus::Pending], ..Narrowing::default() }
    }

    /// What the page would narrow without help: every row shown, at once.
    fn narrowed_at_once(answer: &LiveAnswer, narrowing: &Narrowing) -> Narrowed {
        answer.with(|store, shown| store.narrow(narrowing, None, shown, Narrowed::default()))
    }

    #[wasm_bindgen_test]
    fn rows_narrowed_ahead_are_what_the_page_would_narrow() {
        let answer = LiveAnswer::new(Arc::default(), ServerQuery::default(), None);
        let all = requests(100);
        answer.extend(all[..40].to_vec(), &FixedOffset(0));
        answer.narrow_ahead(&pending());
        answer.extend(all[40..70].to_vec(), &FixedOffset(0));
        answer.narrow_ahead(&pending());
        // Stored after the last narrowing ahead, as the body's end completes some.
        answer.extend(all[70..].to_vec(), &FixedOffset(0));
        answer.show_all();

        let narrowed = answer.narrowed(&pending(), None, Narrowed::default());
        assert_eq!(narrowed, narrowed_at_once(&answer, &pending()));
        assert_eq!(narrowed.positions.len(), 40, "two in five are pending");
    }

    #[wasm_bindgen_test]
    fn rows_narrowed_ahead_another_way_are_narrowed_again() {
        let answer = LiveAnswer::new(Arc::default(), ServerQuery::default(), None);
        answer.extend(requests(50), &FixedOffset(0));
        answer.narrow_ahead(&pending());
        answer.show_all();
        // The user chose other statuses while the answer loaded.
        let denied = Narrowing { statuses: vec![RequestStatus::Denied], ..Narrowing::default() };
        assert_eq!(answer.narrowed(&denied, None, Narrowed::default()), narrowed_at_once(&answer, &denied));
        let card = [Uuid::from_u128(7)];
        let of_card = answer.narrowed(&pending(), Some(&card), Narrowed::default());
        assert!(of_card.positions.is_empty(), "no request names the card");
    }
}
