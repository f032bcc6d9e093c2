//! Narrowing what was fetched, in the page: free text, types, statuses and a
//! range of submission dates. Counts beside each type and status say how many
//! rows choosing it would show.

use crate::date_search::{DateWord, NO_DIGITS, day_of};
use crate::guid_search::{GuidWord, guid_key};
use crate::time::{LocalClock, local_seconds, local_text};
use cm_model::{CmDate, NameBook, Request, RequestStatus, RequestType, datetime_digits, wall_seconds};
use hashbrown::{DefaultHashBuilder, HashTable};
/// The day type of the date range.
pub use jiff::civil::Date;
use std::borrow::Cow;
use std::hash::BuildHasher;
use uuid::Uuid;

/// What the user narrowed the fetched requests to. Empty parts narrow nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narrowing {
    /// Words that must all appear, in any field, in any case.
    pub text: String,
    /// Only these types; empty for all.
    pub types: Vec<RequestType>,
    /// Only these statuses; empty for all.
    pub statuses: Vec<RequestStatus>,
    /// Submitted on or after this day, in the user's time zone.
    pub submitted_from: Option<Date>,
    /// Submitted on or before this day, in the user's time zone.
    pub submitted_to: Option<Date>,
}

/// What the free-text search looks in, built as requests arrive so that each
/// keystroke only searches. The texts many requests share (users, templates,
/// comments, data items), lowercased, are stored once, whatever the number of
/// requests that carry them; each request keeps the numbers of its texts. A word is looked
/// for once in the distinct texts, then each request checks its own numbers.
/// Type, status and template names are matched by name, not stored per request.
#[derive(Default)]
pub struct SearchIndex {
    /// The distinct texts, each followed by a newline, which no search word holds.
    texts: String,
    /// Where each distinct text starts in `texts`.
    text_starts: Vec<u32>,
    /// Text numbers by their text, for storing each text once; with each
    /// text's hash, so that growing the table never hashes the texts again.
    text_numbers: HashTable<(u64, u32)>,
    hasher: DefaultHashBuilder,
    /// Text numbers of the GUIDs many requests hold (users, templates), by [`guid_key`]; the GUID
    /// kept as its bytes, a slot 20 bytes where a `u128`'s alignment made it 32: fewer cache misses.
    guid_numbers: HashTable<(Uuid, u32)>,
    /// The text numbers of every request, one request after the other.
    request_texts: Vec<u32>,
    /// Where each request's numbers end in `request_texts`.
    request_ends: Vec<u32>,
    /// The GUIDs of every request that no other request holds (see [`own_guids`]), one
    /// request after the other, as numbers: a keystroke reads them here, in order,
    /// not from the requests, scattered over memory (at a million requests, twice
    /// as slow in the browser for a word of hex digits).
    own_guids: Vec<Uuid>,
    /// Where each request's GUIDs end in `own_guids`.
    own_guid_ends: Vec<u32>,
    /// The digits of each request's submission and completion times as the
    /// table shows them, two a request (`date_search`); [`NO_DIGITS`] for a
    /// date not set or unreadable, which is a text like any other. They need
    /// no text numbers, and a word with a letter skips them all. The date range
    /// reads the submitted day from them.
    dates: Vec<u64>,
    /// The distinct pairs of type and status, in the order met: a few dozen, at most 255.
    kinds: Vec<(RequestType, RequestStatus)>,
    /// Each request's pair, as its place in `kinds` (`u8::MAX` past 255 pairs): narrowing
    /// by type and status, and counting, then read one byte a request, not the request.
    request_kinds: Vec<u8>,
    /// The types and statuses present, in order, which are searched by name.
    types: Vec<RequestType>,
    statuses: Vec<RequestStatus>,
}

impl SearchIndex {
    /// Indexes `requests`, in order after those already indexed, with dates in
    /// the time of `clock`, as the table shows them.
    #[cfg_attr(speed_hints, optimize(speed))]
    pub fn add(&mut self, requests: &[Request], clock: &dyn LocalClock) {
        let mut guid_text = Uuid::encode_buffer();
        // "not set" is common: every pending request has it. Written once.
        let not_set = local_text(&CmDate::NotSet, clock).to_lowercase();
        for request in requests {
            for date in [&request.submitted, &request.completed] {
                let digits = date.instant().and_then(|instant| datetime_digits(local_seconds(instant, clock)));
                match (digits, date) {
                    (Some(_), _) => {}
                    (None, CmDate::NotSet) => self.add_text(&not_set),
                    // Text that is not a date is shown as received, so it needs lowering like any text.
                    (None, _) => self.add_text(&local_text(date, clock).to_lowercase()),
                }
                self.dates.push(digits.unwrap_or(NO_DIGITS));
            }
            // Most users ask for their own cards: such a user is looked up once.
            let target = request.target_user_uuid.filter(|&target| Some(target) != request.originator_user_uuid);
            let shared = [request.originator_user_uuid, target, request.profile_template_uuid];
            for guid in shared.into_iter().flatten() {
                self.add_shared_guid(guid, &mut guid_text);
            }
            if !request.comment.is_empty() {
                self.add_text(&request.comment.to_lowercase());
            }
            for item in &request.data_collection {
                self.add_text(&item.name.to_lowercase());
                if let Some(value) = &item.value {
                    self.add_text(&value.to_lowercase());
                }
            }
            self.request_ends.push(self.request_texts.len() as u32);
            self.own_guids.extend(own_guids(request));
            self.own_guid_ends.push(self.own_guids.len() as u32);
            let kind = self.kind_of(request.request_type, request.status);
            self.request_kinds.push(kind);
        }
    }

    /// An empty index with room for as much as `like` holds, so that building
    /// it never doubles a buffer (for a while holding both halves) beside `like`.
    /// The table of common texts is left to grow: it is small, and its code is not.
    pub fn with_room_of(like: &SearchIndex) -> SearchIndex {
        SearchIndex {
            texts: String::with_capacity(like.texts.len()),
            text_starts: Vec::with_capacity(like.text_starts.len()),
            dates: Vec::with_capacity(like.dates.len()),
            request_texts: Vec::with_capacity(like.request_texts.len()),
            request_ends: Vec::with_capacity(like.request_ends.len()),
            own_guids: Vec::with_capacity(like.own_guids.len()),
            own_guid_ends: Vec::with_capacity(like.own_guid_ends.len()),
            request_kinds: Vec::with_capacity(like.request_kinds.len()),
            ..SearchIndex::default()
        }
    }

    /// Makes room for `total` requests in all, each part as large as the
    /// requests indexed so far make it per request.
    pub fn make_room_for(&mut self, total: usize) {
        let indexed = self.request_ends.len();
        if indexed == 0 || total <= indexed {
            return;
        }
        // In 64 bits: a text's length times a million requests does not fit in WebAssembly's 32.
        let grown = |length: usize| ((length as u64 * total as u64).div_ceil(indexed as u64)) as usize - length;
        self.texts.reserve_exact(grown(self.texts.len()));
        self.text_starts.reserve_exact(grown(self.text_starts.len()));
        self.dates.reserve_exact(2 * (total - indexed));
        self.request_texts.reserve_exact(grown(self.request_texts.len()));
        self.request_ends.reserve_exact(total - indexed);
        self.own_guids.reserve_exact(grown(self.own_guids.len()));
        self.own_guid_ends.reserve_exact(total - indexed);
        self.request_kinds.reserve_exact(total - indexed);
    }

    /// Gives back the room kept for requests that are not coming.
    pub fn shrink_to_fit(&mut self) {
        self.texts.shrink_to_fit();
        self.text_starts.shrink_to_fit();
        self.dates.shrink_to_fit();
        self.request_texts.shrink_to_fit();
        self.request_ends.shrink_to_fit();
        self.own_guids.shrink_to_fit();
        self.own_guid_ends.shrink_to_fit();
        self.request_kinds.shrink_to_fit();
    }

    /// The place of the pair of `kind` and `status` in `kinds`, added if new.
    #[cfg_attr(speed_hints, optimize(speed))]
    fn kind_of(&mut self, kind: RequestType, status: RequestStatus) -> u8 {
        if let Some(at) = self.kinds.iter().position(|&pair| pair == (kind, status)) {
            return at as u8;
        }
        add_if_new(&mut self.types, kind);
        add_if_new(&mut self.statuses, status);
        if self.kinds.len() == usize::from(u8::MAX) {
            return u8::MAX;
        }
        self.kinds.push((kind, status));
        (self.kinds.len() - 1) as u8
    }

    /// Records that the request being indexed holds `text`, already lowercase,
    /// which other requests may hold too: it is stored once.
    #[cfg_attr(speed_hints, optimize(speed))]
    fn add_text(&mut self, text: &str) {
        // Newlines separate the texts; a word never holds one, so a space stands in.
        let text: Cow<str> = if text.contains('\n') { text.replace('\n', " ").into() } else { text.into() };
        let hash = self.hasher.hash_one(&*text);
        let (texts, starts) = (&self.texts, &self.text_starts);
        let stored =
            |&(stored_hash, number): &(u64, u32)| stored_hash == hash && text_of(texts, starts, number) == &*text;
        let number = match self.text_numbers.find(hash, stored) {
            Some(&(_, number)) => number,
            None => {
                let number = self.store_text(|texts| texts.push_str(&text));
                self.text_numbers.insert_unique(hash, (hash, number), |&(hash, _)| hash);
                number
            }
        };
        self.request_texts.push(number);
    }

    /// Records that the request being indexed holds `guid`, which other
    /// requests may hold too: its text is stored once, and found again by the
    /// GUID itself, without writing it as text first.
    #[cfg_attr(speed_hints, optimize(speed))]
    fn add_shared_guid(&mut self, guid: Uuid, text: &mut [u8; 45]) {
        let (key, hash) = self.guid_key_and_hash(guid);
        let number = match self.guid_numbers.find(hash, |&(stored, _)| guid_key(stored) == key) {
            Some(&(_, number)) => number,
            None => {
                let number = self.store_text(|texts| texts.push_str(guid.hyphenated().encode_lower(text)));
                self.guid_numbers
                    .insert_unique(hash, (guid, number), |&(stored, _)| self.hasher.hash_one(guid_key(stored)));
                number
            }
        };
        self.request_texts.push(number);
    }

    /// The number of the text of `guid`, one of those many requests hold, if a request holds it.
    fn guid_text_number(&self, guid: Uuid) -> Option<u32> {
        let (key, hash) = self.guid_key_and_hash(guid);
        self.guid_numbers.find(hash, |&(stored, _)| guid_key(stored) == key).map(|&(_, number)| number)
    }

    /// `guid`'s key in the table of shared GUIDs, and the key's hash.
    fn guid_key_and_hash(&self, guid: Uuid) -> (u128, u64) {
        let key = guid_key(guid);
        (key, self.hasher.hash_one(key))
    }

    /// Adds the text `write` writes to the distinct texts; its number.
    #[cfg_attr(speed_hints, optimize(speed))]
    fn store_text(&mut self, write: impl FnOnce(&mut String)) -> u32 {
        let number = self.text_starts.len() as u32;
        self.text_starts.push(self.texts.len() as u32);
        write(&mut self.texts);
        self.texts.push('\n');
        number
    }

    /// The types present, in code order.
    pub fn types_present(&self) -> Vec<RequestType> {
        self.types.clone()
    }

    /// The statuses present, in code order.
    pub fn statuses_present(&self) -> Vec<RequestStatus> {
        self.statuses.clone()
    }

    /// Which distinct texts hold `word`, as a bit per text number.
    fn texts_holding(&self, word: &str) -> Vec<u64> {
        let mut holding = vec![0u64; self.text_starts.len().div_ceil(64)];
        let finder = memchr::memmem::Finder::new(word.as_bytes());
        let bytes = self.texts.as_bytes();
        let (mut from, mut number) = (0, 0);
        while let Some(found) = finder.find(&bytes[from..]) {
            // Hits come in order, and a common word hits nearly every text: walking
            // to the text that holds the hit costs less than a binary search each time.
            while self.text_starts.get(number + 1).is_some_and(|&next| next as usize <= from + found) {
                number += 1;
            }
            set(&mut holding, number);
            // One hit is enough: go on from the next text.
            number += 1;
            from = self.text_starts.get(number).map_or(bytes.len(), |&next| next as usize);
        }
        holding
    }

    /// The room of each part, for tests that it never grows.
    #[cfg(test)]
    pub(crate) fn room(&self) -> [usize; 8] {
        let Self {
            texts,
            text_starts,
            dates,
            request_texts,
            request_ends,
            own_guids,
            own_guid_ends,
            request_kinds,
            ..
        } = self;
        [
            texts.capacity(),
            text_starts.capacity(),
            dates.capacity(),
            request_texts.capacity(),
            request_ends.capacity(),
            own_guids.capacity(),
            own_guid_ends.capacity(),
            request_kinds.capacity(),
        ]
    }

    /// The text numbers of the request at `position`.
    fn texts_of(&self, position: usize) -> &[u32] {
        &self.request_texts[span_of(&self.request_ends, position)]
    }

    /// The GUIDs of the request at `position` that no other request holds.
    fn own_guids_of(&self, position: usize) -> &[Uuid] {
        &self.own_guids[span_of(&self.own_guid_ends, position)]
    }
}

/// Where the part of the request at `position` lies, in a list of every
/// request's parts one after the other that ends at `ends`.
fn span_of(ends: &[u32], position: usize) -> std::ops::Range<usize> {
    let start = position.checked_sub(1).map_or(0, |before| ends[before] as usize);
    start..ends[position] as usize
}

/// Adds `value` to the few `values` present, unless it is there already. They
/// are kept in order: that spares a sort, whose code the app's bundle would
/// carry once per type.
fn add_if_new<T: Ord>(values: &mut Vec<T>, value: T) {
    if let Err(at) = values.binary_search(&value) {
        values.insert(at, value);
    }
}

fn set(bits: &mut [u64], number: usize) {
    bits[number / 64] |= 1 << (number % 64);
}

fn is_set(bits: &[u64], number: usize) -> bool {
    bits.get(number / 64).is_some_and(|bits| bits & (1 << (number % 64)) != 0)
}

fn text_of<'a>(texts: &'a str, starts: &[u32], number: u32) -> &'a str {
    let start = starts[number as usize] as usize;
    let end = starts.get(number as usize + 1).map_or(texts.len(), |&next| next as usize) - 1;
    &texts[start..end]
}

/// The GUIDs of `request` no other request holds (its id, cards, profiles):
/// searched from their numbers, as no text of theirs is kept. A card or
/// profile named as both old and new (as an unblock names its card) is one
/// GUID to look in, kept once.
fn own_guids(request: &Request) -> impl Iterator<Item = Uuid> {
    let (new_profile, new_card) = (request.new_profile_uuid, request.new_smartcard_uuid);
    let old_profile = request.old_profile_uuid.filter(|&old| Some(old) != new_profile);
    let old_card = request.old_smartcard_uuid.filter(|&old| Some(old) != new_card);
    [Some(request.uuid), new_profile, old_profile, new_card, old_card].into_iter().flatten()
}

/// One search word, and which texts and named values hold it. A request is
/// read only rarely (for its type, status or template): the rest is in the
/// index, which a keystroke reads in order.
struct Word {
    /// The distinct texts that hold the word, as a bit per text; the texts of the
    /// templates whose names hold it among them, as each request holds its template's.
    texts: Vec<u64>,
    /// The word as it may appear in dates; `None` when it cannot.
    dates: Option<DateWord>,
    /// The word as it may appear in a request's own GUIDs; `None` when it cannot.
    guids: Option<GuidWord>,
    /// Whether each pair of type and status the index tells apart has a name that holds the word.
    kinds: Vec<bool>,
    /// The types and statuses present whose names hold the word, for the
    /// requests past the pairs the index tells apart.
    types: Vec<RequestType>,
    statuses: Vec<RequestStatus>,
    /// Whether the name of no template ("none") holds the word.
    without_template: bool,
}

impl Word {
    fn new(word: &str, index: &SearchIndex, names: &NameBook) -> Word {
        let holding = |name: &str| name.to_lowercase().contains(word);
        let mut texts = index.texts_holding(word);
        // Each request holds the number of its template's GUID as a text: that
        // text stands for the name the server gave the template. (A template
        // the server did not name is shown as its GUID, which the text holds
        // itself.) The index keeps no list of the templates present: keeping
        // one cost an eighth of indexing.
        for (template, name) in names.profile_templates() {
            if let Some(number) = index.guid_text_number(template).filter(|_| holding(name)) {
                set(&mut texts, number as usize);
            }
        }
        let types: Vec<RequestType> =
            index.types.iter().copied().filter(|&kind| holding(&names.request_type(kind).text)).collect();
        let statuses: Vec<RequestStatus> =
            index.statuses.iter().copied().filter(|&status| holding(&names.status(status).text)).collect();
        Word {
            texts,
            dates: DateWord::new(word),
            guids: GuidWord::new(word),
            kinds: index.kinds.iter().map(|(kind, status)| types.contains(kind) || statuses.contains(status)).collect(),
            types,
            statuses,
            without_template: holding(&names.profile_template(None).text),
        }
    }

    #[cfg_attr(speed_hints, optimize(speed))]
    fn in_request(&self, index: &SearchIndex, position: usize, request: &Request) -> bool {
        index.texts_of(position).iter().any(|&number| is_set(&self.texts, number as usize))
            || self
                .dates
                .as_ref()
                .is_some_and(|dates| index.dates[2 * position..][..2].iter().any(|&digits| dates.in_date(digits)))
            || match self.kinds.get(usize::from(index.request_kinds[position])) {
                Some(&holds) => holds,
                None => self.types.contains(&request.request_type) || self.statuses.contains(&request.status),
            }
            || (self.without_template && request.profile_template_uuid.is_none())
            || self
                .guids
                .as_ref()
                .is_some_and(|guids| index.own_guids_of(position).iter().any(|&guid| guids.in_guid(guid)))
    }
}

/// The result of narrowing: which rows remain, and the counts for the choices.
/// Nothing remains of no requests (the default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narrowed {
    /// Positions of the requests that remain, in their original order.
    pub positions: Vec<usize>,
    /// For each type present: how many rows remain if only the type choice changes.
    pub type_counts: Counts<RequestType>,
    /// For each status present: how many rows remain if only the status choice changes.
    pub status_counts: Counts<RequestStatus>,
    /// How many requests were narrowed: more are narrowed from there on.
    pub(crate) rows: usize,
    /// What they were narrowed by (see [`crate::store::RequestStore::narrow`]).
    pub(crate) basis: Option<NarrowedBasis>,
}

/// What rows were narrowed by: the store (its number), the narrowing, and
/// the cards they had to name.
pub(crate) type NarrowedBasis = (u64, Narrowing, Option<Vec<Uuid>>);

/// How many rows each of a few values has, in the values' order: a short
/// sorted list, which beats a map for a dozen values and, unlike a map of
/// each value type, adds little to the app's bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts<T>(Vec<(T, usize)>);

impl<T> Default for Counts<T> {
    fn default() -> Self {
        Counts(Vec::new())
    }
}

impl<T: Ord + Copy> Counts<T> {
    /// Where `value` is in the list, or where it would go.
    fn place_of(&self, value: T) -> Result<usize, usize> {
        self.0.binary_search_by(|(counted, _)| counted.cmp(&value))
    }

    /// Counts one row of `value`. Found by equality, which is cheap, rather
    /// than by order, which for the codes is a call per comparison; order is
    /// only looked at for a value new to the list.
    fn add(&mut self, value: T, rows: usize) {
        match self.place_of(value) {
            Ok(at) => self.0[at].1 += rows,
            Err(at) => self.0.insert(at, (value, rows)),
        }
    }

    /// How many rows `value` has; 0 for a value none has.
    pub fn of(&self, value: T) -> usize {
        self.place_of(value).map_or(0, |at| self.0[at].1)
    }

    /// Every value with rows, and how many, in the values' order.
    pub fn iter(&self) -> impl Iterator<Item = (T, usize)> + '_ {
        self.0.iter().copied()
    }

    /// How many rows all values have together.
    pub fn total(&self) -> usize {
        self.0.iter().map(|&(_, count)| count).sum()
    }
}

impl Narrowed {
    /// Counts `rows` of `kind` and `status`: a type's count is of rows whose
    /// status is chosen, a status's of rows whose type is, so that each
    /// count says how many rows choosing it would show.
    fn count(
        &mut self,
        kind: RequestType,
        status: RequestStatus,
        (type_chosen, status_chosen): (bool, bool),
        rows: usize,
    ) {
        if status_chosen {
            self.type_counts.add(kind, rows);
        }
        if type_chosen {
            self.status_counts.add(status, rows);
        }
    }
}

impl Narrowing {
    /// Applies this narrowing to `requests`, indexed by `index`, with type,
    /// status and template names from `names`.
    pub fn apply(&self, requests: &[Request], index: &SearchIndex, names: &NameBook) -> Narrowed {
        self.apply_where(requests, index, names, |_| true, Vec::new(), Narrowed::default())
    }

    /// Applies this narrowing to the requests that `also` keeps as well: the
    /// counts of the choices are then those of the requests it keeps. The
    /// rows `earlier` narrowed (by this narrowing, and `also`) are kept as
    /// they are; of the rows before `earlier.rows` only the `candidates` are
    /// looked at, and then every row after them.
    pub fn apply_where(
        &self,
        requests: &[Request],
        index: &SearchIndex,
        names: &NameBook,
        also: impl Fn(&Request) -> bool,
        candidates: Vec<usize>,
        earlier: Narrowed,
    ) -> Narrowed {
        let words: Vec<Word> =
            self.text.split_whitespace().map(|word| Word::new(&word.to_lowercase(), index, names)).collect();
        // Rows are counted by their pair of type and status, and the choices'
        // counts made from those at the end: each row then costs an increment.
        let chosen: Vec<(bool, bool)> =
            index.kinds.iter().map(|&(kind, status)| (self.type_chosen(kind), self.status_chosen(status))).collect();
        let mut rows_of_kind = vec![0; chosen.len()];
        let mut narrowed = earlier;
        for position in candidates.into_iter().chain(narrowed.rows..requests.len()) {
            let request = &requests[position];
            if !also(request)
                || !words.iter().all(|word| word.in_request(index, position, request))
                || !self.submitted_in_range(index.dates[2 * position])
            {
                continue;
            }
            let kind = usize::from(index.request_kinds[position]);
            let (type_chosen, status_chosen) = match chosen.get(kind) {
                Some(&chosen) => {
                    rows_of_kind[kind] += 1;
                    chosen
                }
                // Past the pairs the index tells apart: counted one by one.
                None => {
                    let chosen = (self.type_chosen(request.request_type), self.status_chosen(request.status));
                    narrowed.count(request.request_type, request.status, chosen, 1);
                    chosen
                }
            };
            if type_chosen && status_chosen {
                narrowed.positions.push(position);
            }
        }
        for ((&(kind, status), &chosen), &rows) in index.kinds.iter().zip(&chosen).zip(&rows_of_kind) {
            if rows > 0 {
                narrowed.count(kind, status, chosen, rows);
            }
        }
        narrowed.rows = requests.len();
        narrowed
    }

    /// Whether this narrowing keeps only requests that `earlier` kept, and
    /// `earlier` kept every request it found whatever its type and status:
    /// then only those need looking at. Typing a word on, or adding one, does
    /// that: each of `earlier`'s words is part of one of this narrowing's,
    /// and every word is looked for as a part of a text.
    pub(crate) fn keeps_only_what_is_kept_by(&self, earlier: &Narrowing) -> bool {
        let words = |narrowing: &Narrowing| narrowing.text.to_lowercase();
        let (words, earlier_words) = (words(self), words(earlier));
        earlier.types.is_empty()
            && earlier.statuses.is_empty()
            && (self.submitted_from, self.submitted_to) == (earlier.submitted_from, earlier.submitted_to)
            && earlier_words.split_whitespace().all(|before| words.split_whitespace().any(|word| word.contains(before)))
    }

    fn type_chosen(&self, kind: RequestType) -> bool {
        self.types.is_empty() || self.types.contains(&kind)
    }

    fn status_chosen(&self, status: RequestStatus) -> bool {
        self.statuses.is_empty() || self.statuses.contains(&status)
    }

    /// Whether the submitted date whose digits are `submitted` (its day as the
    /// table shows it, in the user's time zone) is in the range; read only when there is one.
    fn submitted_in_range(&self, submitted: u64) -> bool {
        if self.submitted_from.is_none() && self.submitted_to.is_none() {
            return true;
        }
        let Some(day) = day_of(submitted) else { return false };
        self.submitted_from.is_none_or(|from| day >= from) && self.submitted_to.is_none_or(|to| day <= to)
    }
}

/// A day as date inputs hold it and links write it: `2024-01-31`.
pub fn date_input_text(day: Date) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
}

/// The day a date input holds (`2024-01-31`), if the text is one: read as
/// that day's midnight by the reader of the API's dates, which knows which
/// days exist.
pub fn parse_date_input(text: &str) -> Option<Date> {
    let is_a_day_alone = text.len() == 10 && !text.contains('T');
    match CmDate::parse(&format!("{text}T00:00:00")) {
        CmDate::At(midnight) if is_a_day_alone => day_of(datetime_digits(wall_seconds(midnight, 0))?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed_examples;
    use cm_model::CmDate;

    #[test]
    fn days_are_read_and_written_as_date_inputs_hold_them() {
        let day = parse_date_input("2024-02-29").unwrap();
        assert_eq!(date_input_text(day), "2024-02-29");
        assert_eq!(date_input_text(parse_date_input("0999-12-31").unwrap()), "0999-12-31");
        for not_a_day in ["2023-02-29", "2024-02-29T00:00:00", "2024-2-29", "2024-02-2x", "T024-02-29", "", "tomorrow"]
        {
            assert_eq!(parse_date_input(not_a_day), None, "{not_a_day}");
        }
    }

    fn requests() -> Vec<Request> {
        let (enroll, unblock) = (seed_examples::enroll(), seed_examples::unblock());
        let denied_renewal = Request {
            request_type: RequestType::Renew,
            status: RequestStatus::Denied,
            comment: "Card LOST on the train".into(),
            submitted: CmDate::parse("2020-03-04T23:59:59Z"),
            uuid: uuid::uuid!("11111111-2222-4333-8444-555555555555"),
            ..enroll.clone()
        };
        vec![enroll, unblock, denied_renewal]
    }

    fn index(requests: &[Request], offset_seconds: i32) -> SearchIndex {
        let mut index = SearchIndex::default();
        index.add(requests, &crate::time::FixedOffset(offset_seconds));
        index
    }

    fn narrowed(narrowing: Narrowing) -> Narrowed {
        let requests = requests();
        narrowing.apply(&requests, &index(&requests, 0), &NameBook::default())
    }

    #[test]
    fn an_index_with_room_of_another_fills_it_without_growing_and_searches_alike() {
        let requests = requests();
        let mut first = index(&requests, 0);
        first.shrink_to_fit();
        assert_eq!(first.texts.capacity(), first.texts.len(), "a whole index keeps no room to grow");
        let mut second = SearchIndex::with_room_of(&first);
        let room = (second.texts.capacity(), second.request_texts.capacity());
        assert_eq!(room, (first.texts.len(), first.request_texts.len()));
        second.add(&requests, &crate::time::FixedOffset(0));
        assert_eq!((second.texts.capacity(), second.request_texts.capacity()), room);
        let lost = Narrowing { text: "lost".into(), ..Narrowing::default() };
        let names = NameBook::default();
        assert_eq!(lost.apply(&requests, &second, &names), lost.apply(&requests, &first, &names));
    }

    #[test]
    fn nothing_narrowed_keeps_everything_with_counts() {
        let all = narrowed(Narrowing::default());
        assert_eq!(all.positions, [0, 1, 2]);
        assert_eq!(
            all.type_counts.iter().collect::<Vec<_>>(),
            [(RequestType::Enroll, 1), (RequestType::Renew, 1), (RequestType::Unblock, 1)]
        );
        assert_eq!(
            all.status_counts.iter().collect::<Vec<_>>(),
            [(RequestStatus::Approved, 2), (RequestStatus::Denied, 1)]
        );
        assert_eq!((all.status_counts.total(), all.status_counts.of(RequestStatus::Pending)), (3, 0));
    }

    #[test]
    fn every_word_must_appear_in_some_decoded_field() {
        let search = |text: &str| narrowed(Narrowing { text: text.into(), ..Narrowing::default() }).positions;
        assert_eq!(search("lost card"), [2], "comment, any case, any order");
        assert_eq!(search("unblock"), [1], "type names");
        assert_eq!(search("DENIED"), [2], "status names");
        assert_eq!(search("sample data item"), [1], "data collection names");
        assert_eq!(search("0c96d73f"), [1], "request ids");
        assert_eq!(search("17cf063d-e337"), [1], "smart card ids");
        assert_eq!(search("2015-07-07"), [0, 1], "dates as shown");
        assert_eq!(search("2020-03-04 23:59"), [2], "local dates (UTC in this test)");
        assert_eq!(
            search("2015-07-07 23:36"),
            [0],
            "dates as the table shows them, in local time; not the UTC text on hover"
        );
        assert_eq!(search("lost unblock"), Vec::<usize>::new());
    }

    #[test]
    fn texts_many_requests_share_are_stored_once() {
        let requests = requests();
        let twice = index(&[requests[0].clone(), requests[0].clone()], 0);
        for shared in ["8f1590dc-d932-4b66-8e68-2e91c5880780", "a039b4d0-5ce8-4eff-8651-181c6576fda3", "not set"] {
            assert_eq!(twice.texts.matches(shared).count(), 1, "{shared}: the target user, the template, a date");
        }
        assert_eq!(twice.texts.matches("a9b4b42c").count(), 0, "a request's own GUIDs are searched as numbers");
        let search = |text: &str| Narrowing { text: text.into(), ..Narrowing::default() };
        assert_eq!(search("8f1590dc").apply(&requests[..1], &twice, &NameBook::default()).positions, [0]);
        assert_eq!(search("a9b4b42c").apply(&requests[..1], &twice, &NameBook::default()).positions, [0]);
    }

    /// Checks that each piece of `width` bytes of each text `texts_of` gives a
    /// request (as `case` writes it) finds that request.
    fn every_piece_finds_its_request(
        width: usize,
        case: fn(&str) -> String,
        texts_of: fn(&SearchIndex, usize, &Request) -> Vec<String>,
    ) {
        let requests = requests();
        let index = index(&requests, 0);
        for (position, request) in requests.iter().enumerate() {
            for text in texts_of(&index, position, request) {
                for piece in text.as_bytes().windows(width).filter_map(|piece| std::str::from_utf8(piece).ok()) {
                    let found = Narrowing { text: case(piece), ..Narrowing::default() }.apply(
                        &requests,
                        &index,
                        &NameBook::default(),
                    );
                    assert!(found.positions.contains(&position), "{piece:?} of {text:?} misses request {position}");
                }
            }
        }
    }

    #[test]
    fn every_piece_of_a_requests_own_guids_finds_it() {
        every_piece_finds_its_request(5, str::to_uppercase, |_, _, request| {
            own_guids(request).map(|guid| guid.hyphenated().to_string()).collect()
        });
    }

    #[test]
    fn a_card_named_as_old_and_new_is_kept_once_and_found() {
        let mut requests = requests();
        let card = Uuid::from_u128(0xc0ffee);
        (requests[1].old_smartcard_uuid, requests[1].new_smartcard_uuid) = (Some(card), Some(card));
        let index = index(&requests, 0);
        let holding_the_card = index.own_guids_of(1).iter().filter(|&&guid| guid == card).count();
        assert_eq!(holding_the_card, 1);
        let search = Narrowing { text: "c0ffee".into(), ..Narrowing::default() };
        assert_eq!(search.apply(&requests, &index, &NameBook::default()).positions, [1]);
    }

    #[test]
    fn every_piece_of_every_text_finds_the_requests_that_hold_it() {
        every_piece_finds_its_request(3, str::to_owned, |index, position, request| {
            let texts = index.texts_of(position).iter();
            let utc = crate::time::FixedOffset(0);
            let dates = [&request.submitted, &request.completed].map(|date| local_text(date, &utc));
            texts.map(|&number| text_of(&index.texts, &index.text_starts, number).to_owned()).chain(dates).collect()
        });
    }

    #[test]
    fn a_word_is_found_within_one_date_not_across_two() {
        let mut requests = requests();
        requests[2].completed = CmDate::parse("2021-06-01T08:00:00Z");
        let index = index(&requests, 0);
        let search = |text: &str| {
            Narrowing { text: text.into(), ..Narrowing::default() }.apply(&requests, &index, &NameBook::default())
        };
        assert_eq!(search("23:59:59").positions, [2]);
        assert_eq!(search("2021-06-01").positions, [2]);
        assert_eq!(search("592021").positions, Vec::<usize>::new(), "the end of one date and the start of the next");
        assert_eq!(search(":33").positions, [1]);
        assert_eq!(search("332020").positions, Vec::<usize>::new(), "the end of one request's dates and the next's");
    }

    #[test]
    fn template_names_find_the_requests_of_the_template_and_none_those_without_one() {
        let mut requests = requests();
        requests[1].profile_template_uuid = None;
        let index = index(&requests, 0);
        let template = cm_model::ProfileTemplate {
            name: "Smart Card User".into(),
            description: None,
            uuid: requests[0].profile_template_uuid.expect("the example's template"),
            is_smartcard_profile_template: true,
            is_virtual_smartcard_profile_template: false,
        };
        let held_by_none = cm_model::ProfileTemplate {
            name: "Virtual Smart Card".into(),
            uuid: "5b1d4a9e-0c39-4f4e-9d55-7c1f2b3a4d5e".parse().expect("a GUID"),
            ..template.clone()
        };
        let names = NameBook::default().with_profile_templates(&[template, held_by_none]);
        let search = |text: &str| {
            Narrowing { text: text.into(), ..Narrowing::default() }.apply(&requests, &index, &names).positions
        };
        assert_eq!(search("smart card user"), [0, 2]);
        assert_eq!(search("none"), [1]);
        assert_eq!(search("virtual"), [0usize; 0], "a template named but held by no request");
    }

    #[test]
    fn type_and_status_choices_count_each_other() {
        let approved = narrowed(Narrowing { statuses: vec![RequestStatus::Approved], ..Narrowing::default() });
        assert_eq!(approved.positions, [0, 1]);
        // Types counted among approved requests; statuses counted among all types.
        assert_eq!(
            approved.type_counts.iter().collect::<Vec<_>>(),
            [(RequestType::Enroll, 1), (RequestType::Unblock, 1)]
        );
        assert_eq!(approved.status_counts.of(RequestStatus::Denied), 1);

        let both = Narrowing {
            types: vec![RequestType::Renew, RequestType::Enroll],
            statuses: vec![RequestStatus::Approved],
            ..Narrowing::default()
        };
        assert_eq!(narrowed(both).positions, [0]);
    }

    #[test]
    fn past_the_pairs_of_type_and_status_the_index_tells_apart_requests_are_narrowed_and_counted_alike() {
        let enroll = seed_examples::enroll();
        let requests: Vec<Request> = (0..600)
            .map(|number| Request {
                request_type: RequestType::from(1000 + number / 2),
                status: if number % 2 == 0 { RequestStatus::Approved } else { RequestStatus::Denied },
                ..enroll.clone()
            })
            .collect();
        let index = index(&requests, 0);
        assert_eq!(index.kinds.len(), 255);
        let names = NameBook::default();
        let approved = Narrowing { statuses: vec![RequestStatus::Approved], ..Narrowing::default() };
        let narrowed = approved.apply(&requests, &index, &names);
        assert_eq!(narrowed.positions, (0..600).step_by(2).collect::<Vec<_>>());
        assert_eq!(narrowed.type_counts.iter().count(), 300);
        assert!(narrowed.type_counts.iter().all(|(_, rows)| rows == 1));
        assert_eq!(
            narrowed.status_counts.iter().collect::<Vec<_>>(),
            [(RequestStatus::Approved, 300), (RequestStatus::Denied, 300)]
        );
        let last = Narrowing { types: vec![RequestType::from(1299)], ..Narrowing::default() };
        assert_eq!(last.apply(&requests, &index, &names).positions, [598, 599]);
        assert_eq!(index.types_present().len(), 300);
    }

    #[test]
    fn the_date_range_counts_days_in_the_users_time_zone() {
        let requests = requests();
        // 2020-03-04T23:59:59Z is already 5 March two hours east of UTC.
        let index = index(&requests, 2 * 3600);
        let day = |text: &str| Some(text.parse::<Date>().unwrap());
        let on_the_fifth =
            Narrowing { submitted_from: day("2020-03-05"), submitted_to: day("2020-03-05"), ..Narrowing::default() };
        assert_eq!(on_the_fifth.apply(&requests, &index, &NameBook::default()).positions, [2]);
    }

    #[test]
    fn the_date_range_includes_both_days() {
        let day = |text: &str| Some(text.parse::<Date>().unwrap());
        let in_2020 =
            Narrowing { submitted_from: day("2020-03-04"), submitted_to: day("2020-03-04"), ..Narrowing::default() };
        assert_eq!(narrowed(in_2020).positions, [2]);
        let before_2016 = Narrowing { submitted_to: day("2015-12-31"), ..Narrowing::default() };
        assert_eq!(narrowed(before_2016).positions, [0, 1]);
    }

    #[test]
    fn requests_without_a_submission_date_leave_any_date_range() {
        let mut requests = requests();
        requests[0].submitted = CmDate::NotSet;
        let index = index(&requests, 0);
        let any_range = Narrowing { submitted_from: Some("2000-01-01".parse().unwrap()), ..Narrowing::default() };
        assert_eq!(any_range.apply(&requests, &index, &NameBook::default()).positions, [1, 2]);
    }
}
