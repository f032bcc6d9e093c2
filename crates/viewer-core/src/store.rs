//! The requests of one answer, kept as they arrive, indexed for search, with
//! sort keys made on demand.

use crate::narrowing::{Narrowed, Narrowing, SearchIndex};
use crate::sorting::{SortNumbers, SortOrder, SortedRows};
use crate::time::LocalClock;
use cm_model::{NameBook, Request, RequestStatus, RequestType, SharedTexts};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;

/// How many requests a body of `total_bytes` is expected to hold, when its
/// first `taken_bytes` held `stored`: a little more than in proportion, as
/// requests vary in length.
pub fn expected_requests(total_bytes: u64, taken_bytes: u64, stored: usize) -> usize {
    const MARGIN: f64 = 1.03;
    if taken_bytes == 0 {
        return stored;
    }
    (total_bytes as f64 / taken_bytes as f64 * stored as f64 * MARGIN).ceil() as usize
}

/// The requests of a store let go of, dropped a part at a time, each part
/// in a task of its own: dropping a million requests at once (a reference
/// count to lower for each, in memory far apart) held the main thread for over
/// a tenth of a second.
pub struct Retiring {
    requests: Vec<Request>,
}

impl Retiring {
    /// Drops up to `count` requests, the last first; whether any is left.
    pub fn release(&mut self, count: usize) -> bool {
        self.requests.truncate(self.requests.len().saturating_sub(count));
        !self.requests.is_empty()
    }
}

/// The requests of one answer, in the order the server sent them.
pub struct RequestStore {
    requests: Vec<Request>,
    /// Every distinct security descriptor, as the decoder shared them, once
    /// the answer is whole: the next answer's decoder starts from them.
    descriptors: SharedTexts,
    index: SearchIndex,
    sort_numbers: SortNumbers,
    names: Arc<NameBook>,
    /// Whether room was made for the whole answer (or a refresh's made with room of another).
    room_made: bool,
    /// Tells this store from every other, so that rows narrowed in another are never taken for its.
    number: u64,
}

fn next_store_number() -> u64 {
    static STORES: AtomicU64 = AtomicU64::new(0);
    STORES.fetch_add(1, Ordering::Relaxed)
}

impl RequestStore {
    /// An empty store whose requests are named by `names`.
    pub fn new(names: Arc<NameBook>) -> RequestStore {
        RequestStore {
            requests: Vec::new(),
            descriptors: SharedTexts::default(),
            index: SearchIndex::default(),
            sort_numbers: SortNumbers::default(),
            names,
            room_made: false,
            number: next_store_number(),
        }
    }

    /// An empty store named by `names`, with room for as much as `like` holds:
    /// a refresh's answer is most often the size of the one it replaces, and
    /// growing by doubling would hold up to three times that beside it for a while.
    pub fn with_room_of(names: Arc<NameBook>, like: &RequestStore) -> RequestStore {
        RequestStore {
            requests: Vec::with_capacity(like.requests.len()),
            descriptors: SharedTexts::default(),
            index: SearchIndex::with_room_of(&like.index),
            sort_numbers: SortNumbers::default(),
            names,
            room_made: true,
            number: next_store_number(),
        }
    }

    /// Makes room for `total` requests in all, as many as the answer is
    /// expected to hold: the store then never grows by doubling, which would
    /// for a while hold the old half beside the new whole (and WebAssembly
    /// memory, once grown, stays so).
    /// Room is made once: a store made with room of another (a refresh's) is
    /// left as it is, as moving it to a room a few percent larger would leave
    /// its old room as a hole that WebAssembly memory keeps.
    pub fn make_room_for(&mut self, total: usize) {
        if std::mem::replace(&mut self.room_made, true) {
            return;
        }
        self.requests.reserve_exact(total.saturating_sub(self.requests.len()));
        self.index.make_room_for(total);
    }

    /// Gives back the room kept for requests that are not coming: the answer is whole.
    pub fn shrink_to_fit(&mut self) {
        self.requests.shrink_to_fit();
        self.index.shrink_to_fit();
    }

    /// Lets go of the store, its requests to be dropped a part at a time
    /// ([`Retiring`]). The rest is freed at once: its index and sort keys are
    /// plain numbers, and its table of descriptors is empty once a refresh
    /// took it (else it costs a count lowered per distinct descriptor, a
    /// third as many as the requests).
    pub fn retire(self) -> Retiring {
        Retiring { requests: self.requests }
    }

    /// Adds `requests` after those already stored; dates are searched as they
    /// show in the time of `clock`.
    pub fn extend(&mut self, requests: Vec<Request>, clock: &dyn LocalClock) {
        self.extend_in_place(|stored| stored.extend(requests), clock);
    }

    /// Adds the requests `add` puts after those already stored, as
    /// [`RequestStore::extend`] does: a chunk's requests are decoded where
    /// they are kept, rather than moved there (270 bytes each).
    pub fn extend_in_place(&mut self, add: impl FnOnce(&mut Vec<Request>), clock: &dyn LocalClock) {
        let from = self.requests.len();
        add(&mut self.requests);
        if self.requests.len() == from {
            return;
        }
        self.index.add(&self.requests[from..], clock);
        self.sort_numbers.extend(&self.requests, from, &self.names, self.requests.capacity());
    }

    /// Keeps the security descriptors the answer's requests share, for the next answer to share.
    pub fn keep_descriptors(&mut self, descriptors: SharedTexts) {
        self.descriptors = descriptors;
    }

    /// The security descriptors the answer's requests share (none until the
    /// answer is whole), taken for the next answer's decoder to start from,
    /// this answer then the last one it compares its requests with, place by
    /// place: this one's requests hold their own, and copying the table (a
    /// million reference counts to raise) held the main thread as a refresh began.
    pub fn take_descriptors(&mut self) -> SharedTexts {
        let mut descriptors = std::mem::take(&mut self.descriptors);
        descriptors.start_next_answer();
        descriptors
    }

    /// The requests, in the order the server sent them.
    pub fn requests(&self) -> &[Request] {
        &self.requests
    }

    /// How many requests are stored.
    pub fn len(&self) -> usize {
        self.requests.len()
    }

    /// Whether no request is stored.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }

    /// The names the requests are shown with.
    pub fn names(&self) -> &Arc<NameBook> {
        &self.names
    }

    /// The types present, in code order.
    pub fn types(&self) -> Vec<RequestType> {
        self.index.types_present()
    }

    /// The statuses present, in code order.
    pub fn statuses(&self) -> Vec<RequestStatus> {
        self.index.statuses_present()
    }

    /// Which of the first `count` requests `narrowing` keeps, and the counts
    /// of its choices; with `cards`, only requests that name one of them as
    /// their new or old smart card. While a load goes on the store grows ahead
    /// of what the page shows: everything shown must agree on `count`. Rows
    /// `earlier` narrowed the same way in this store are kept, and only the
    /// rest looked at: showing more rows costs what the new rows cost. When
    /// `narrowing` only narrows `earlier`'s further (a word typed on), only
    /// the rows it kept are looked at again: each keystroke costs less.
    pub fn narrow(&self, narrowing: &Narrowing, cards: Option<&[Uuid]>, count: usize, earlier: Narrowed) -> Narrowed {
        let requests = &self.requests[..count.min(self.requests.len())];
        let basis = (self.number, narrowing.clone(), cards.map(<[Uuid]>::to_vec));
        let (candidates, earlier) = match earlier.basis.as_ref().filter(|_| earlier.rows <= requests.len()) {
            Some(before) if *before == basis => (Vec::new(), earlier),
            // A word typed on: only what the shorter word found can be found.
            Some((number, before, before_cards))
                if (*number, before_cards) == (self.number, &basis.2)
                    && narrowing.keeps_only_what_is_kept_by(before) =>
            {
                (earlier.positions, Narrowed { rows: earlier.rows, ..Narrowed::default() })
            }
            _ => (Vec::new(), Narrowed::default()),
        };
        let names_a_card = |request: &Request| {
            cards.is_none_or(|cards| {
                [request.new_smartcard_uuid, request.old_smartcard_uuid]
                    .iter()
                    .flatten()
                    .any(|card| cards.contains(card))
            })
        };
        let narrowed = narrowing.apply_where(requests, &self.index, &self.names, names_a_card, candidates, earlier);
        Narrowed { basis: Some(basis), ..narrowed }
    }

    /// The positions of the first `count` requests, in `order`; those
    /// `earlier` sorted are merged with the rest when they can be (see [`SortOrder::arrange`]).
    pub fn sorted(&self, order: &SortOrder, count: usize, earlier: SortedRows) -> SortedRows {
        order.arrange(&self.requests, &self.names, &self.sort_numbers, earlier, count.min(self.requests.len()))
    }
}

/// The positions of `sorted` that `narrowed` keeps, in the order of `sorted`:
/// a narrowing then costs one pass, not a new sort.
pub fn keep_narrowed(sorted: &[usize], narrowed: &Narrowed) -> Vec<usize> {
    if narrowed.positions.len() == sorted.len() {
        return sorted.to_vec();
    }
    let mut kept = vec![false; sorted.len()];
    for &position in &narrowed.positions {
        kept[position] = true;
    }
    // Room for every row kept, made once: collected, the rows would be moved
    // each time their room doubled (half a million take 2 MB in WebAssembly).
    let mut arranged = Vec::with_capacity(narrowed.positions.len());
    arranged.extend(sorted.iter().copied().filter(|&position| kept[position]));
    arranged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed_examples;
    use crate::time::FixedOffset;
    use cm_model::{RequestStatus, RequestType};

    fn examples() -> Vec<Request> {
        vec![seed_examples::enroll(), seed_examples::unblock()]
    }

    #[test]
    fn a_card_keeps_the_requests_that_name_it_new_or_old() {
        let mut store = RequestStore::new(Arc::default());
        let mut renewal = seed_examples::unblock();
        let card = renewal.old_smartcard_uuid.unwrap();
        renewal.old_smartcard_uuid = Some(Uuid::from_u128(9));
        renewal.new_smartcard_uuid = Some(card);
        store.extend(vec![seed_examples::enroll(), seed_examples::unblock(), renewal], &FixedOffset(0));
        let kept = |cards: &[Uuid]| store.narrow(&Narrowing::default(), Some(cards), 3, Narrowed::default()).positions;
        assert_eq!(kept(&[card]), [1, 2]);
        assert_eq!(kept(&[Uuid::from_u128(9)]), [2]);
        assert_eq!(kept(&[]), Vec::<usize>::new());
        let narrowed = store.narrow(&Narrowing::default(), Some(&[Uuid::from_u128(9)]), 3, Narrowed::default());
        assert_eq!(narrowed.status_counts.total(), 1, "the counts are those of the card's requests");
    }

    #[test]
    fn a_retired_store_is_dropped_a_part_at_a_time() {
        let mut store = RequestStore::new(Arc::default());
        for _ in 0..5 {
            store.extend(examples(), &FixedOffset(0));
        }
        let mut retiring = store.retire();
        let mut left = vec![retiring.requests.len()];
        while retiring.release(4) {
            left.push(retiring.requests.len());
        }
        left.push(retiring.requests.len());
        assert_eq!(left, [10, 6, 2, 0]);
    }

    #[test]
    fn the_descriptors_are_taken_once() {
        let mut store = RequestStore::new(Arc::default());
        let mut descriptors = SharedTexts::default();
        descriptors.share("O:BAD:(A;;RC;;;WD)");
        store.keep_descriptors(descriptors);
        assert_eq!(store.take_descriptors().len(), 1);
        assert!(store.take_descriptors().is_empty());
    }

    #[test]
    fn a_store_with_room_of_another_never_grows_to_hold_as_much() {
        let mut first = RequestStore::new(Arc::default());
        for _ in 0..5 {
            first.extend(examples(), &FixedOffset(0));
        }
        first.shrink_to_fit();
        assert_eq!(first.requests.capacity(), first.len(), "a whole answer keeps no room to grow");
        let mut second = RequestStore::with_room_of(first.names().clone(), &first);
        let room = second.requests.capacity();
        assert_eq!(room, 10);
        for _ in 0..5 {
            second.extend(examples(), &FixedOffset(0));
        }
        assert_eq!(second.requests.capacity(), room);
        let everything = Narrowing::default();
        let [second, first] = [second, first].map(|store| store.narrow(&everything, None, 10, Narrowed::default()));
        assert_eq!((second.positions, second.type_counts), (first.positions, first.type_counts));
    }

    #[test]
    fn the_expected_requests_are_in_proportion_to_the_body_with_a_margin() {
        assert_eq!(expected_requests(100_000, 1_000, 10), 1_030);
        assert_eq!(expected_requests(100_000, 0, 0), 0);
        assert_eq!(expected_requests(1_300_000_000, 1 << 20, 830), 1_059_886);
    }

    #[test]
    fn room_made_for_the_expected_requests_is_never_outgrown() {
        let mut store = RequestStore::new(Arc::default());
        store.extend(examples(), &FixedOffset(0));
        store.make_room_for(20);
        store.sorted(&SortOrder::default(), 2, SortedRows::default());
        store.extend(examples(), &FixedOffset(0));
        let room = (store.requests.capacity(), store.index.room(), store.sort_numbers.room());
        assert_eq!(room.2, [20], "the sort numbers have the store's room");
        for _ in 0..8 {
            store.extend(examples(), &FixedOffset(0));
        }
        assert_eq!((store.requests.capacity(), store.index.room(), store.sort_numbers.room()), room);
        assert_eq!(store.len(), 20);
    }

    #[test]
    fn a_store_with_room_of_another_is_left_as_it_is() {
        let mut first = RequestStore::new(Arc::default());
        for _ in 0..50 {
            first.extend(examples(), &FixedOffset(0));
        }
        let mut second = RequestStore::with_room_of(first.names().clone(), &first);
        second.extend(examples(), &FixedOffset(0));
        second.make_room_for(102);
        assert_eq!(second.requests.capacity(), 100);
    }

    #[test]
    fn what_arrives_later_is_searched_sorted_and_counted_too() {
        let mut store = RequestStore::new(Arc::default());
        let [enroll, unblock] = <[Request; 2]>::try_from(examples()).unwrap();
        store.extend(vec![unblock], &FixedOffset(0));
        let newest_first = SortOrder::default();
        assert_eq!(store.sorted(&newest_first, 1, SortedRows::default()).positions, [0]);
        store.extend(vec![enroll], &FixedOffset(0));
        assert_eq!(store.types(), [RequestType::Enroll, RequestType::Unblock]);
        let enrolls = Narrowing { text: "enroll".into(), ..Narrowing::default() };
        assert_eq!(store.narrow(&enrolls, None, 2, Narrowed::default()).positions, [1]);
        let by_type = newest_first.after_click(crate::columns::Column::Type, false);
        assert_eq!(
            store.sorted(&by_type, 2, SortedRows::default()).positions,
            [1, 0],
            "keys made before the second request are not reused"
        );
        assert_eq!(
            keep_narrowed(
                &store.sorted(&by_type, 2, SortedRows::default()).positions,
                &store.narrow(&enrolls, None, 2, Narrowed::default())
            ),
            [1]
        );
    }

    #[test]
    fn rows_narrowed_in_pieces_are_narrowed_as_in_one_go() {
        let (enroll, unblock) = (seed_examples::enroll(), seed_examples::unblock());
        let card = unblock.old_smartcard_uuid.unwrap();
        let lost = Request { status: RequestStatus::Denied, comment: "card lost".into(), ..unblock.clone() };
        let requests = [enroll, unblock, lost];
        let mut store = RequestStore::new(Arc::default());
        for round in 0..4 {
            store.extend(requests.iter().cycle().skip(round).take(5).cloned().collect(), &FixedOffset(0));
        }
        let narrowings = [
            (Narrowing::default(), None),
            (Narrowing { text: "lost".into(), ..Narrowing::default() }, None),
            (Narrowing { statuses: vec![RequestStatus::Approved], ..Narrowing::default() }, None),
            (Narrowing { types: vec![RequestType::Unblock], ..Narrowing::default() }, Some(vec![card])),
        ];
        for (narrowing, cards) in &narrowings {
            let whole = store.narrow(narrowing, cards.as_deref(), 20, Narrowed::default());
            let mut pieces = Narrowed::default();
            for count in [0, 3, 4, 11, 20] {
                pieces = store.narrow(narrowing, cards.as_deref(), count, pieces);
            }
            assert_eq!(pieces, whole, "{narrowing:?}");
            assert!(whole.positions.len() < 20 || cards.is_none() && narrowing.text.is_empty());
        }
        let everything = store.narrow(&Narrowing::default(), None, 20, Narrowed::default());
        let lost = Narrowing { text: "lost".into(), ..Narrowing::default() };
        assert_eq!(
            store.narrow(&lost, None, 20, everything.clone()),
            store.narrow(&lost, None, 20, Narrowed::default()),
            "another narrowing starts over"
        );
        let mut other = RequestStore::new(Arc::default());
        other.extend(requests[2..].to_vec(), &FixedOffset(0));
        let first_of_other = other.narrow(&Narrowing::default(), None, 1, Narrowed::default());
        assert_eq!(store.narrow(&Narrowing::default(), None, 20, first_of_other), everything, "another store too");
    }

    #[test]
    fn a_word_typed_on_looks_only_at_what_the_shorter_word_found() {
        let (enroll, unblock) = (seed_examples::enroll(), seed_examples::unblock());
        let lost =
            Request { status: RequestStatus::Denied, comment: "Card LOST on the train".into(), ..unblock.clone() };
        let mut store = RequestStore::new(Arc::default());
        store.extend([enroll, unblock, lost].iter().cycle().take(12).cloned().collect(), &FixedOffset(0));
        let search = |text: &str| Narrowing { text: text.into(), ..Narrowing::default() };
        // Typed a character at a time, with rows arriving between keystrokes,
        // a second word, and words that do not narrow what came before.
        let typed = [("l", 5), ("lo", 5), ("los", 9), ("lost", 12), ("lost tr", 12), ("lost", 12), ("Lost TRAIN", 12)];
        let mut narrowed = Narrowed::default();
        for (text, count) in typed {
            narrowed = store.narrow(&search(text), None, count, narrowed);
            let afresh = store.narrow(&search(text), None, count, Narrowed::default());
            assert_eq!(
                (&narrowed.positions, &narrowed.type_counts),
                (&afresh.positions, &afresh.type_counts),
                "{text}"
            );
        }
        assert_eq!(narrowed.positions, [2, 5, 8, 11]);
        // Only what the shorter word found is looked at: one it did not find stays out.
        let mut found_by_los = store.narrow(&search("los"), None, 12, Narrowed::default());
        found_by_los.positions.retain(|&position| position != 5);
        assert_eq!(store.narrow(&search("lost"), None, 12, found_by_los).positions, [2, 8, 11]);
        // Not after a choice of type or status, whose rows are not all those the word found.
        let approved = Narrowing { statuses: vec![RequestStatus::Approved], ..search("los") };
        let found_approved = store.narrow(&approved, None, 12, Narrowed::default());
        assert_eq!(store.narrow(&search("lost"), None, 12, found_approved).positions, [2, 5, 8, 11]);
    }

    #[test]
    fn what_the_page_shows_agrees_on_a_count_while_the_store_grows() {
        let mut store = RequestStore::new(Arc::default());
        store.extend(examples(), &FixedOffset(0));
        let sorted = store.sorted(&SortOrder::default(), 1, SortedRows::default()).positions;
        store.extend(examples(), &FixedOffset(0));
        let everything = Narrowing::default();
        assert_eq!(store.narrow(&everything, None, 1, Narrowed::default()).positions, [0], "only the rows shown");
        assert_eq!(keep_narrowed(&sorted, &store.narrow(&everything, None, 1, Narrowed::default())), [0]);
        assert_eq!(
            store.sorted(&SortOrder::default(), 99, SortedRows::default()).positions.len(),
            4,
            "no more than there are"
        );
    }
}
