//! The order of the table's rows: one or more columns, each ascending or descending.

use crate::columns::{Column, waiting_since};
use cm_model::{CmDate, NameBook, Request};
use hashbrown::HashMap;
use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Ascending or descending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

impl Direction {
    /// The value of the `aria-sort` attribute for a column sorted this way.
    pub fn aria_sort(self) -> &'static str {
        match self {
            Direction::Ascending => "ascending",
            Direction::Descending => "descending",
        }
    }

    fn reversed(self) -> Direction {
        match self {
            Direction::Ascending => Direction::Descending,
            Direction::Descending => Direction::Ascending,
        }
    }
}

/// One criterion of the sort order: a column and its direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortCriterion {
    pub column: Column,
    pub direction: Direction,
}

/// The columns the table is sorted by, most significant first; never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortOrder {
    criteria: Vec<SortCriterion>,
}

impl Default for SortOrder {
    /// Newest first: what someone looking for a recent request wants.
    fn default() -> Self {
        SortOrder { criteria: vec![SortCriterion { column: Column::Submitted, direction: Direction::Descending }] }
    }
}

impl SortOrder {
    /// The criteria, most significant first.
    pub fn criteria(&self) -> &[SortCriterion] {
        &self.criteria
    }

    /// An order of `criteria`; `None` if there are none or a column appears twice.
    pub fn from_criteria(criteria: Vec<SortCriterion>) -> Option<SortOrder> {
        let unique = criteria
            .iter()
            .enumerate()
            .all(|(at, criterion)| criteria[..at].iter().all(|earlier| earlier.column != criterion.column));
        (!criteria.is_empty() && unique).then_some(SortOrder { criteria })
    }

    /// The order after a click on `column`'s header. A plain click sorts by that
    /// column alone (reversing it if it already was the first criterion); with
    /// Shift it adds the column as the next criterion, or reverses it if it is one already.
    /// A column new to the order comes ascending, except [`Column::Waiting`]:
    /// longest waiting first, what a help desk looks for.
    pub fn after_click(&self, column: Column, adding: bool) -> SortOrder {
        let existing = self.criteria.iter().position(|criterion| criterion.column == column);
        let mut criteria = self.criteria.clone();
        let first = if column == Column::Waiting { Direction::Descending } else { Direction::Ascending };
        match (adding, existing) {
            (true, Some(at)) => criteria[at].direction = criteria[at].direction.reversed(),
            (true, None) => criteria.push(SortCriterion { column, direction: first }),
            (false, Some(0)) => criteria = vec![SortCriterion { column, direction: criteria[0].direction.reversed() }],
            (false, _) => criteria = vec![SortCriterion { column, direction: first }],
        }
        SortOrder { criteria }
    }

    /// `aria-sort` for `column`'s header: only the first criterion carries it.
    pub fn aria_sort_of(&self, column: Column) -> Option<&'static str> {
        let first = self.criteria[0];
        (first.column == column).then(|| first.direction.aria_sort())
    }

    /// Where `column` stands in the order (1 for the first criterion) and its direction.
    pub fn rank_of(&self, column: Column) -> Option<(usize, Direction)> {
        let at = self.criteria.iter().position(|criterion| criterion.column == column)?;
        Some((at + 1, self.criteria[at].direction))
    }

    /// The first `count` of `requests` in this order, comparing their sort
    /// `numbers`, with type, status and template ordered by their names in
    /// `names`. The sort is stable: rows that compare equal keep their order.
    /// Rows `earlier` sorted in this order on numbers that still hold (while a
    /// load goes on, say) are not sorted again: the rows after them are sorted
    /// alone and merged in, so that showing more rows costs little more than
    /// the new rows.
    pub fn arrange(
        &self,
        requests: &[Request],
        names: &NameBook,
        numbers: &SortNumbers,
        earlier: SortedRows,
        count: usize,
    ) -> SortedRows {
        // Descending flips a number's bits; for the waiting time all but the
        // top one, so that requests not waiting stay last either way.
        let (by_criterion, numberings): (Vec<(&[u128], u128)>, Vec<u64>) = self
            .criteria
            .iter()
            .map(|criterion| {
                let flip = match criterion.direction {
                    Direction::Ascending => 0,
                    Direction::Descending if criterion.column == Column::Waiting => NOT_WAITING - 1,
                    Direction::Descending => u128::MAX,
                };
                let numbering = numbers.of(criterion.column, requests, names);
                ((&numbering.numbers[..], flip), numbering.id)
            })
            .unzip();
        let basis = Some((self.clone(), numberings));
        let merging = earlier.basis == basis && earlier.positions.len() <= count;
        let from = if merging { earlier.positions.len() } else { 0 };
        // A stable sort by each criterion, the last first, orders by the first,
        // then the next among equals, and so on; rows equal in all keep their place.
        let mut order: Vec<u32> = (from as u32..count as u32).collect();
        for &(numbers, flip) in by_criterion.iter().rev() {
            let oriented = |position: u32| numbers[position as usize] ^ flip;
            // The bits that vary among the rows, found in one pass over the numbers
            // in their order (flipping them changes none): a half in which none
            // varies (the top of a date's, or of a type's rank) is not sorted at all.
            let numbers = &numbers[from..count];
            let varying = numbers.iter().fold(0, |varying, number| varying | (number ^ numbers[0]));
            order = radix_sorted(order, |position| oriented(position) as u64, varying as u64);
            order = radix_sorted(order, |position| (oriented(position) >> 64) as u64, (varying >> 64) as u64);
        }
        let later = order.into_iter().map(|position| position as usize);
        if !merging {
            // Leads are made when rows are first merged in: a sort asked for
            // once every row is in needs none, and costs no more for them.
            return SortedRows { positions: later.collect(), leads: Vec::new(), leading: None, basis };
        }
        // An order has a criterion at least (`SortOrder::from_criteria`).
        let (numbers, flip) = by_criterion[0];
        let first = |position: usize| numbers[position] ^ flip;
        let (leading, earlier_leads) = match earlier.leading {
            Some(leading) => (leading, earlier.leads),
            None => {
                let leading = Leading::spanning(numbers[..count].iter().map(|number| number ^ flip));
                (leading, earlier.positions.iter().map(|&position| leading.of(first(position))).collect())
            }
        };
        let later = later.map(|position| (position, leading.of(first(position))));
        let (positions, leads) = merged((earlier.positions, earlier_leads), later, &by_criterion);
        SortedRows { positions, leads, leading: Some(leading), basis }
    }
}

/// A map of the numbers of the first criterion to 32 bits that keeps their
/// order (equal numbers have equal leads, a smaller number a lead no larger):
/// those of the rows there when rows are first merged in are told apart by up
/// to 32 bits of their span, and later rows' outside it take the lead at its end.
#[derive(Clone, Copy, Debug)]
struct Leading {
    lowest: u128,
    shift: u32,
}

impl Leading {
    fn spanning(numbers: impl Iterator<Item = u128>) -> Leading {
        let (lowest, highest) =
            numbers.fold((u128::MAX, 0), |(lowest, highest), number| (lowest.min(number), highest.max(number)));
        let span = highest.saturating_sub(lowest);
        Leading { lowest, shift: (128 - span.leading_zeros()).saturating_sub(32) }
    }

    fn of(self, number: u128) -> usize {
        (number.saturating_sub(self.lowest) >> self.shift).min(u128::from(u32::MAX)) as usize
    }
}

/// Rows in a sort order, and what they were sorted on.
#[derive(Clone, Debug, Default)]
pub struct SortedRows {
    /// The positions of the first `positions.len()` requests, in order.
    pub positions: Vec<usize>,
    /// The lead of each row's first number, in the rows' order: merging rows
    /// in compares these, which lie in order in memory, and reads a row's
    /// numbers, scattered in memory, only when leads are equal.
    /// Kept as `usize`, 32 bits in WebAssembly, so that the app carries no
    /// second copy of the vector code that positions already bring.
    leads: Vec<usize>,
    leading: Option<Leading>,
    /// The order, and the numberings of its columns' numbers, the rows were sorted on.
    basis: Option<(SortOrder, Vec<u64>)>,
}

/// `earlier` and `later` rows with their leads, each in order by
/// `by_criterion` (numbers and the bits that orient them), as one list in
/// order. Rows equal in all keep `earlier`'s first: they come before
/// `later`'s in the list, as a stable sort keeps them.
fn merged(
    (earlier, earlier_leads): (Vec<usize>, Vec<usize>),
    later: impl Iterator<Item = (usize, usize)>,
    by_criterion: &[(&[u128], u128)],
) -> (Vec<usize>, Vec<usize>) {
    let before = |(row, lead): (usize, usize), (other, other_lead): (usize, usize)| match lead.cmp(&other_lead) {
        std::cmp::Ordering::Equal => by_criterion
            .iter()
            .map(|&(numbers, flip)| (numbers[row] ^ flip).cmp(&(numbers[other] ^ flip)))
            .find(|ordering| ordering.is_ne())
            .is_some_and(std::cmp::Ordering::is_lt),
        ordering => ordering.is_lt(),
    };
    let room = earlier.len() + later.size_hint().0;
    let (mut rows, mut leads) = (Vec::with_capacity(room), Vec::with_capacity(room));
    let (mut rest, mut rest_leads) = (&earlier[..], &earlier_leads[..]);
    for next in later {
        // Galloping, not walking: the earlier rows are most of a million. Steps
        // double while rows stay before `next`, then halve to find the last
        // one: twice the logarithm of their number of comparisons.
        let (mut staying, mut step, mut growing) = (0, 1, true);
        while step > 0 {
            let at = staying + step - 1;
            if at < rest.len() && !before(next, (rest[at], rest_leads[at])) {
                staying += step;
                step <<= usize::from(growing);
            } else {
                (growing, step) = (false, step / 2);
            }
        }
        rows.extend_from_slice(&rest[..staying]);
        leads.extend_from_slice(&rest_leads[..staying]);
        rows.push(next.0);
        leads.push(next.1);
        (rest, rest_leads) = (&rest[staying..], &rest_leads[staying..]);
    }
    rows.extend_from_slice(rest);
    leads.extend_from_slice(rest_leads);
    (rows, leads)
}

/// `order` sorted stably by `key`: a radix sort, 13 bits at a time from the
/// lowest, which skips the digits in which no bit of `varying` (the bits some
/// keys differ in) is set: most of a date's, all but one of a type's. Linear
/// in the rows, where comparing sorts take 20 comparisons a row at a million
/// rows: a sort of a million requests then takes tens of milliseconds, not
/// hundreds. The keys sit beside the rows, so each pass reads
/// memory in order.
fn radix_sorted(order: Vec<u32>, key: impl Fn(u32) -> u64, varying: u64) -> Vec<u32> {
    // Digits of 13 bits: five passes at most, where bytes take eight. A date's
    // nanoseconds vary in 61 bits over a decade: six passes of 11 or 12 bits,
    // five of 13. The 8,192 places to count and fill cost less than the pass
    // they save: natively, a sixth faster at a million rows.
    const BITS: usize = 13;
    const PLACES: usize = 1 << BITS;
    let digit = |key: u64, at: usize| (key >> (BITS * at)) as usize & (PLACES - 1);
    let digits: Vec<usize> = (0..64usize.div_ceil(BITS)).filter(|&at| digit(varying, at) != 0).collect();
    if digits.is_empty() {
        return order;
    }
    let mut rows: Vec<(u64, u32)> = order.into_iter().map(|position| (key(position), position)).collect();
    // How many keys have each value of each digit, all digits in one pass: a
    // digit's counts do not depend on the order the other digits leave.
    let mut counts = vec![[0usize; PLACES]; digits.len()];
    for &(key, _) in &rows {
        for (counts, &at) in counts.iter_mut().zip(&digits) {
            counts[digit(key, at)] += 1;
        }
    }
    let mut spare = vec![(0, 0); rows.len()];
    for (starts, &at) in counts.iter_mut().zip(&digits) {
        let mut next = 0;
        for start in starts.iter_mut() {
            (*start, next) = (next, next + *start);
        }
        for &row in &rows {
            let place = &mut starts[digit(row.0, at)];
            spare[*place] = row;
            *place += 1;
        }
        std::mem::swap(&mut rows, &mut spare);
    }
    rows.into_iter().map(|(_, position)| position).collect()
}

/// Each column's sort number for every request, computed on first use and
/// extended as requests are added: a number whose order is the column's order,
/// so that a sort compares numbers, never text. Belongs to one list of
/// requests and one set of names.
#[derive(Default)]
pub struct SortNumbers {
    by_column: [OnceLock<Numbering>; Column::ALL.len()],
}

/// A column's numbers, and which numbering they are: numbers compare only
/// within one numbering (ranks change when a name is new, say).
struct Numbering {
    id: u64,
    numbers: Vec<u128>,
}

impl SortNumbers {
    fn of(&self, column: Column, requests: &[Request], names: &NameBook) -> &Numbering {
        static NUMBERINGS: AtomicU64 = AtomicU64::new(0);
        self.by_column[column as usize].get_or_init(|| Numbering {
            id: NUMBERINGS.fetch_add(1, Ordering::Relaxed),
            numbers: column_numbers(column, requests, names),
        })
    }

    /// Numbers `requests` from `from` on, added after those numbered, in room
    /// for `room` requests (the store's): the numbers never grow by doubling,
    /// which for a while holds the old half beside the new whole. A column
    /// whose numbers rank the values present (names, text that is not a date)
    /// is numbered afresh when next used, unless the new requests leave its
    /// ranks as they were.
    pub fn extend(&mut self, requests: &[Request], from: usize, names: &NameBook, room: usize) {
        let added = &requests[from..];
        for column in Column::ALL {
            let slot = &mut self.by_column[column as usize];
            let Some(numbering) = slot.get_mut() else { continue };
            let ranks_stay = match column {
                Column::Type | Column::Status | Column::ProfileTemplate => false,
                Column::Submitted => !added.iter().any(|request| matches!(request.submitted, CmDate::Unreadable(_))),
                Column::Completed => !added.iter().any(|request| matches!(request.completed, CmDate::Unreadable(_))),
                Column::RequestId | Column::TargetUser | Column::Waiting => true,
            };
            match ranks_stay {
                true => {
                    numbering.numbers.reserve_exact(room.saturating_sub(numbering.numbers.len()));
                    numbering.numbers.extend(column_numbers(column, added, names));
                }
                false => drop(slot.take()),
            }
        }
    }

    /// The room of the columns numbered, for tests that it never grows.
    #[cfg(test)]
    pub(crate) fn room(&self) -> Vec<usize> {
        self.by_column.iter().filter_map(OnceLock::get).map(|numbering| numbering.numbers.capacity()).collect()
    }
}

/// The waiting time's number of a request not waiting (closed, or without a
/// readable submitted date): after every wait, in either direction (see `arrange`).
const NOT_WAITING: u128 = 1 << 127;

fn column_numbers(column: Column, requests: &[Request], names: &NameBook) -> Vec<u128> {
    match column {
        // A GUID's bytes in order are its number; "none" (never a nil GUID) comes first.
        Column::RequestId => requests.iter().map(|request| request.uuid.as_u128()).collect(),
        Column::TargetUser => {
            requests.iter().map(|request| request.target_user_uuid.map_or(0, |user| user.as_u128())).collect()
        }
        // Shortest wait first: the later a request was submitted, the smaller its
        // number. Nothing here depends on the time now: the order of waits does not change.
        Column::Waiting => requests
            .iter()
            .map(|request| {
                waiting_since(request).map_or(NOT_WAITING, |since| ((1 << 100) - since.as_nanosecond()) as u128)
            })
            .collect(),
        Column::Submitted => date_numbers(requests, |request| &request.submitted),
        Column::Completed => date_numbers(requests, |request| &request.completed),
        // Names, not numbers: the user sees names and expects them alphabetical.
        Column::Type => name_ranks(requests, &|request| Some(request.request_type.code() as u128), &|request| {
            names.request_type(request.request_type).text
        }),
        Column::Status => name_ranks(requests, &|request| Some(request.status.code() as u128), &|request| {
            names.status(request.status).text
        }),
        Column::ProfileTemplate => name_ranks(
            requests,
            &|request| request.profile_template_uuid.map(|template| template.as_u128()),
            &|request| names.profile_template(request.profile_template_uuid).text,
        ),
    }
}

/// Keys in [`CmDate`]'s order of each request's `date`: not set, then
/// instants in time order, then unreadable text in text order. `date` is a
/// plain function, so both date columns share one copy of this code.
fn date_numbers(requests: &[Request], date: fn(&Request) -> &CmDate) -> Vec<u128> {
    const INSTANTS: u128 = 1 << 120;
    const UNREADABLE: u128 = 2 << 120;
    // Extended rather than collected: collecting sorts, and every sort is
    // another copy of the sorting code in the app's bundle.
    let mut unreadable = BTreeSet::new();
    unreadable.extend(requests.iter().filter_map(|request| match date(request) {
        CmDate::Unreadable(text) => Some(text.as_str()),
        _ => None,
    }));
    let unreadable: Vec<&str> = unreadable.into_iter().collect();
    requests
        .iter()
        .map(|request| match date(request) {
            CmDate::NotSet => 0,
            // Nanoseconds of any instant jiff holds lie well within ±2^100.
            CmDate::At(instant) => INSTANTS + (instant.as_nanosecond() + (1 << 100)) as u128,
            CmDate::Unreadable(text) => UNREADABLE + unreadable.binary_search(&text.as_str()).unwrap_or(0) as u128,
        })
        .collect()
}

/// Each request's rank by its name; the few distinct values (told apart by
/// `value`) are named once each, not once per request. Not generic, so the
/// three named columns share one copy of this code.
fn name_ranks(
    requests: &[Request],
    value: &dyn Fn(&Request) -> Option<u128>,
    name: &dyn Fn(&Request) -> String,
) -> Vec<u128> {
    // Each distinct value's name, and later its rank.
    let mut ranks: HashMap<Option<u128>, (String, u128)> = HashMap::new();
    for request in requests {
        ranks.entry(value(request)).or_insert_with(|| (name(request), 0));
    }
    // A set of `&str`, as in `date_numbers`: one copy of the set's code serves both.
    let mut by_name = BTreeSet::new();
    by_name.extend(ranks.values().map(|(name, _)| name.as_str()));
    let by_name: Vec<&str> = by_name.into_iter().collect();
    let found: Vec<u128> =
        ranks.values().map(|(name, _)| by_name.partition_point(|earlier| *earlier < name.as_str()) as u128).collect();
    // An unchanged table yields its values in the same order every time.
    for ((_, rank), found) in ranks.values_mut().zip(found) {
        *rank = found;
    }
    requests.iter().map(|request| ranks[&value(request)].1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_radix_sort_orders_as_a_stable_comparing_sort_does() {
        // Each byte of a key one of a few values, so that every byte decides
        // some comparisons and many keys are equal; and keys of any value.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut random = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (rows, values_per_byte) in [(0, 3), (1, 3), (2_000, 2), (5_000, 3), (1_000, 256)] {
            let keys: Vec<u64> =
                (0..rows).map(|_| (0..8).map(|byte| (random() % values_per_byte) << (8 * byte)).sum()).collect();
            let order: Vec<u32> = (0..rows as u32).rev().collect();
            let mut expected = order.clone();
            expected.sort_by_key(|&position| keys[position as usize]);
            let varying = keys.iter().fold(0, |varying, key| varying | (key ^ keys[0]));
            assert_eq!(radix_sorted(order, |position| keys[position as usize], varying), expected, "{rows} rows");
        }
    }
    use crate::seed_examples;
    use cm_model::{CmDate, RequestStatus, RequestType};

    fn requests() -> Vec<Request> {
        let enroll = seed_examples::enroll();
        let make = |status: i32, kind: i32, submitted: &str| Request {
            status: RequestStatus::from(status),
            request_type: RequestType::from(kind),
            submitted: CmDate::parse(submitted),
            ..enroll.clone()
        };
        vec![
            make(8, 3, "2020-05-01T00:00:00Z"),
            make(3, 1, "2019-01-01T00:00:00Z"),
            make(16, 5, "2021-01-01T00:00:00Z"),
            make(3, 1, "0001-01-01T00:00:00"),
            make(3, 3, "2018-01-01T00:00:00Z"),
        ]
    }

    fn arranged(order: &SortOrder) -> Vec<usize> {
        order.arrange(&requests(), &NameBook::default(), &SortNumbers::default(), SortedRows::default(), 5).positions
    }

    #[test]
    fn default_order_is_newest_first() {
        assert_eq!(arranged(&SortOrder::default()), [2, 0, 1, 4, 3]);
    }

    #[test]
    fn clicking_a_new_column_sorts_ascending_and_again_reverses() {
        let by_status = SortOrder::default().after_click(Column::Status, false);
        assert_eq!(by_status.criteria(), [SortCriterion { column: Column::Status, direction: Direction::Ascending }]);
        // Approved ×3 in their original order, Completed, Pending: the sort is stable.
        assert_eq!(arranged(&by_status), [1, 3, 4, 0, 2]);
        let reversed = by_status.after_click(Column::Status, false);
        assert_eq!(reversed.criteria()[0].direction, Direction::Descending);
        assert_eq!(arranged(&reversed), [2, 0, 1, 3, 4]);
    }

    #[test]
    fn shift_click_adds_and_reverses_secondary_criteria() {
        let by_status = SortOrder::default().after_click(Column::Status, false);
        let then_type = by_status.after_click(Column::Type, true);
        assert_eq!(then_type.rank_of(Column::Type), Some((2, Direction::Ascending)));
        // Approved: Enroll (1), Enroll (3), Renew (4); then Completed, Pending.
        assert_eq!(arranged(&then_type), [1, 3, 4, 0, 2]);
        let type_reversed = then_type.after_click(Column::Type, true);
        assert_eq!(arranged(&type_reversed), [4, 1, 3, 0, 2]);
        let plain = type_reversed.after_click(Column::Type, false);
        assert_eq!(plain.criteria(), [SortCriterion { column: Column::Type, direction: Direction::Ascending }]);
    }

    #[test]
    fn only_the_first_key_has_aria_sort() {
        let order = SortOrder::default().after_click(Column::Type, false).after_click(Column::Status, true);
        assert_eq!(order.aria_sort_of(Column::Type), Some("ascending"));
        assert_eq!(order.aria_sort_of(Column::Status), None);
        assert_eq!(order.rank_of(Column::Status), Some((2, Direction::Ascending)));
        assert_eq!(order.rank_of(Column::RequestId), None);
    }

    #[test]
    fn sort_numbers_order_every_column_as_its_values_do() {
        let mut requests = requests();
        requests[1].submitted = CmDate::Unreadable("yesterday".into());
        requests[3].submitted = CmDate::Unreadable("soon".into());
        requests[2].target_user_uuid = None;
        requests[4].request_type = RequestType::from(77);
        let names = NameBook::default();
        let numbers = SortNumbers::default();
        for column in Column::ALL {
            for (a, b) in (0..5).flat_map(|a| (0..5).map(move |b| (a, b))) {
                let (first, second) = (&requests[a], &requests[b]);
                let expected = match column {
                    Column::RequestId => first.uuid.cmp(&second.uuid),
                    Column::Submitted => first.submitted.cmp(&second.submitted),
                    Column::Completed => first.completed.cmp(&second.completed),
                    Column::TargetUser => first.target_user_uuid.cmp(&second.target_user_uuid),
                    // Shortest wait first, requests not waiting last.
                    Column::Waiting => match (waiting_since(first), waiting_since(second)) {
                        (Some(first), Some(second)) => second.cmp(&first),
                        (first, second) => second.is_some().cmp(&first.is_some()),
                    },
                    _ => {
                        let now = jiff::Timestamp::UNIX_EPOCH;
                        column.cell_text(first, &names, now).cmp(&column.cell_text(second, &names, now))
                    }
                };
                let by_numbers = &numbers.of(column, &requests, &names).numbers;
                assert_eq!(by_numbers[a].cmp(&by_numbers[b]), expected, "{column:?} of rows {a} and {b}");
            }
        }
    }

    #[test]
    fn waits_sort_longest_first_on_a_first_click_and_requests_not_waiting_stay_last_either_way() {
        // Waiting: 1 (approved, 2019), 2 (pending, 2021), 4 (approved, 2018);
        // not waiting: 0 (completed) and 3 (approved, submitted not set).
        let longest_first = SortOrder::default().after_click(Column::Waiting, false);
        assert_eq!(
            longest_first.criteria(),
            [SortCriterion { column: Column::Waiting, direction: Direction::Descending }]
        );
        assert_eq!(longest_first.aria_sort_of(Column::Waiting), Some("descending"));
        assert_eq!(arranged(&longest_first), [4, 1, 2, 0, 3]);
        let shortest_first = longest_first.after_click(Column::Waiting, false);
        assert_eq!(shortest_first.aria_sort_of(Column::Waiting), Some("ascending"));
        assert_eq!(arranged(&shortest_first), [2, 1, 4, 0, 3]);
        // Requests not waiting tie, so a further criterion orders them, in either direction.
        let then_status = shortest_first.after_click(Column::Status, true);
        assert_eq!(arranged(&then_status), [2, 1, 4, 3, 0]);
        assert_eq!(arranged(&then_status.after_click(Column::Waiting, true)), [4, 1, 2, 3, 0]);
        assert_eq!(
            SortOrder::default().after_click(Column::Waiting, true).rank_of(Column::Waiting),
            Some((2, Direction::Descending))
        );
    }

    #[test]
    fn only_the_first_rows_are_arranged() {
        let order = SortOrder::default();
        let arranged =
            order.arrange(&requests(), &NameBook::default(), &SortNumbers::default(), SortedRows::default(), 2);
        assert_eq!(arranged.positions, [0, 1]);
    }

    #[test]
    fn rows_added_and_merged_in_are_in_the_order_a_sort_of_them_all_gives() {
        // Dates, statuses and types of a few values each, so that many rows tie
        // on some criteria; now and then a date that is not one.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut random = move |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % below
        };
        let enroll = seed_examples::enroll();
        let mut make = || Request {
            status: RequestStatus::from(random(3) as i32 + 1),
            request_type: RequestType::from(random(3) as i32 + 1),
            submitted: match random(20) {
                0 => CmDate::Unreadable(format!("day {}", random(3))),
                1 => CmDate::NotSet,
                days => CmDate::parse(&format!("2020-01-{:02}T00:00:00Z", days % 5 + 1)),
            },
            ..enroll.clone()
        };
        let scattered: Vec<Request> = (0..400).map(|_| make()).collect();
        // Each piece later than the first one's span, where leads stop telling rows apart.
        let later_and_later: Vec<Request> = (0..400)
            .map(|at| Request {
                submitted: CmDate::parse(&format!("2020-{:02}-{:02}T00:00:00Z", 1 + at / 56, 1 + at / 2 % 28)),
                ..make()
            })
            .collect();
        let names = NameBook::default();
        let by_date = SortOrder::default();
        let orders = [
            by_date.clone(),
            by_date.after_click(Column::Submitted, false),
            by_date.after_click(Column::Status, false).after_click(Column::Submitted, true),
            by_date.after_click(Column::Waiting, false).after_click(Column::Type, true),
        ];
        for (order, all) in orders.iter().flat_map(|order| [(order, &scattered), (order, &later_and_later)]) {
            let (mut requests, mut numbers, mut sorted) = (Vec::new(), SortNumbers::default(), SortedRows::default());
            for piece in all.chunks(37) {
                let from = requests.len();
                requests.extend_from_slice(piece);
                numbers.extend(&requests, from, &names, requests.len());
                sorted = order.arrange(&requests, &names, &numbers, sorted, requests.len());
                let whole =
                    order.arrange(&requests, &names, &SortNumbers::default(), SortedRows::default(), requests.len());
                assert_eq!(sorted.positions, whole.positions, "{order:?} after {} rows", requests.len());
            }
        }
    }

    #[test]
    fn rows_are_merged_in_while_their_numbers_hold_and_sorted_again_when_not() {
        let names = NameBook::default();
        let order = SortOrder::default();
        let mut requests = requests();
        let mut numbered = SortNumbers::default();
        let first = order.arrange(&requests[..3], &names, &numbered, SortedRows::default(), 3);
        let basis = first.basis.clone();
        numbered.extend(&requests[..4], 3, &names, 4);
        let merged = order.arrange(&requests[..4], &names, &numbered, first.clone(), 4);
        assert_eq!(merged.basis, basis, "dates stay numbered as they were");
        requests[4].submitted = CmDate::Unreadable("soon".into());
        numbered.extend(&requests, 4, &names, requests.len());
        let renumbered = order.arrange(&requests, &names, &numbered, merged, 5);
        assert_ne!(renumbered.basis, basis, "an unreadable date ranks the texts again");
        assert_eq!(renumbered.positions, [4, 2, 0, 1, 3], "descending: text that is not a date, then the newest");
        let another_store = order.arrange(&requests[..3], &names, &SortNumbers::default(), SortedRows::default(), 3);
        assert_ne!(another_store.basis, basis, "numbers of another store never compare");
    }
}
