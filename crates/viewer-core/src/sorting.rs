//! The order of the table's rows: one or more columns, each ascending or descending.

use crate::columns::{Column, waiting_since};
use cm_model::{CmDate, NameBook, Request};
use hashbrown::HashMap;
use std::collections::BTreeSet;
use std::sync::OnceLock;

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

    /// Sorts `positions` (indexes into `requests`) in this order, comparing
    /// the sort `numbers` of `requests`, with type, status and template ordered
    /// by their names in `names`. The sort is stable: rows that compare equal keep their order.
    pub fn arrange(
        &self,
        requests: &[Request],
        names: &NameBook,
        numbers: &SortNumbers,
        positions: Vec<usize>,
    ) -> Vec<usize> {
        // Descending flips a number's bits; for the waiting time all but the
        // top one, so that requests not waiting stay last either way.
        let by_criterion: Vec<(&[u128], u128)> = self
            .criteria
            .iter()
            .map(|criterion| {
                let flip = match criterion.direction {
                    Direction::Ascending => 0,
                    Direction::Descending if criterion.column == Column::Waiting => NOT_WAITING - 1,
                    Direction::Descending => u128::MAX,
                };
                (numbers.of(criterion.column, requests, names), flip)
            })
            .collect();
        // A stable sort by each criterion, the last first, orders by the first,
        // then the next among equals, and so on; rows equal in all keep their place.
        let mut order: Vec<u32> = positions.into_iter().map(|position| position as u32).collect();
        for &(numbers, flip) in by_criterion.iter().rev() {
            let oriented = |position: u32| numbers[position as usize] ^ flip;
            order = radix_sorted(order, |position| oriented(position) as u64);
            order = radix_sorted(order, |position| (oriented(position) >> 64) as u64);
        }
        order.into_iter().map(|position| position as usize).collect()
    }
}

/// `order` sorted stably by `key`: a radix sort, a byte at a time from the
/// lowest, which skips the bytes all keys share (most of a date's, all but one
/// of a type's). Linear in the rows, where comparing sorts take 20 comparisons
/// a row at a million rows: a sort of a million requests then takes tens of
/// milliseconds, not hundreds. The keys sit beside the rows, so each pass reads
/// memory in order.
fn radix_sorted(order: Vec<u32>, key: impl Fn(u32) -> u64) -> Vec<u32> {
    let mut rows: Vec<(u64, u32)> = order.into_iter().map(|position| (key(position), position)).collect();
    let mut spare = vec![(0, 0); rows.len()];
    for shift in (0..64).step_by(8) {
        let digit = |key: u64| (key >> shift) as usize & 0xff;
        let mut starts = [0usize; 256];
        for &(key, _) in &rows {
            starts[digit(key)] += 1;
        }
        if starts.contains(&rows.len()) {
            continue;
        }
        let mut next = 0;
        for start in &mut starts {
            (*start, next) = (next, next + *start);
        }
        for &row in &rows {
            let place = &mut starts[digit(row.0)];
            spare[*place] = row;
            *place += 1;
        }
        std::mem::swap(&mut rows, &mut spare);
    }
    rows.into_iter().map(|(_, position)| position).collect()
}

/// Each column's sort number for every request, computed once, on first use: a
/// number whose order is the column's order, so that a sort compares numbers,
/// never text. Belongs to one list of requests and one set of names.
#[derive(Default)]
pub struct SortNumbers {
    by_column: [OnceLock<Vec<u128>>; Column::ALL.len()],
}

impl SortNumbers {
    fn of(&self, column: Column, requests: &[Request], names: &NameBook) -> &[u128] {
        self.by_column[column as usize].get_or_init(|| column_numbers(column, requests, names))
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
            assert_eq!(radix_sorted(order, |position| keys[position as usize]), expected, "{rows} rows");
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
        order.arrange(&requests(), &NameBook::default(), &SortNumbers::default(), (0..5).collect())
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
                let by_numbers = numbers.of(column, &requests, &names);
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
    fn only_the_given_positions_are_arranged() {
        let arranged =
            SortOrder::default().arrange(&requests(), &NameBook::default(), &SortNumbers::default(), vec![4, 1]);
        assert_eq!(arranged, [1, 4]);
    }
}
