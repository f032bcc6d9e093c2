//! The order of the table's rows: one or more columns, each ascending or descending.

use crate::columns::Column;
use cm_model::{NameBook, Request};
use std::cmp::Ordering;

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

/// One column of the sort order and its direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortKey {
    pub column: Column,
    pub direction: Direction,
}

/// The columns the table is sorted by, most significant first; never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortOrder {
    keys: Vec<SortKey>,
}

impl Default for SortOrder {
    /// Newest first: what someone looking for a recent request wants.
    fn default() -> Self {
        SortOrder { keys: vec![SortKey { column: Column::Submitted, direction: Direction::Descending }] }
    }
}

impl SortOrder {
    /// The keys, most significant first.
    pub fn keys(&self) -> &[SortKey] {
        &self.keys
    }

    /// An order of `keys`; `None` if there are none or a column appears twice.
    pub fn from_keys(keys: Vec<SortKey>) -> Option<SortOrder> {
        let unique = keys.iter().enumerate().all(|(at, key)| keys[..at].iter().all(|k| k.column != key.column));
        (!keys.is_empty() && unique).then_some(SortOrder { keys })
    }

    /// The order after a click on `column`'s header. A plain click sorts by that
    /// column alone (reversing it if it already was the first key); with Shift
    /// it adds the column as the next key, or reverses it if it is one already.
    pub fn after_click(&self, column: Column, adding: bool) -> SortOrder {
        let existing = self.keys.iter().position(|key| key.column == column);
        let mut keys = self.keys.clone();
        match (adding, existing) {
            (true, Some(at)) => keys[at].direction = keys[at].direction.reversed(),
            (true, None) => keys.push(SortKey { column, direction: Direction::Ascending }),
            (false, Some(0)) => keys = vec![SortKey { column, direction: keys[0].direction.reversed() }],
            (false, _) => keys = vec![SortKey { column, direction: Direction::Ascending }],
        }
        SortOrder { keys }
    }

    /// `aria-sort` for `column`'s header: only the first key carries it.
    pub fn aria_sort_of(&self, column: Column) -> Option<&'static str> {
        let first = self.keys[0];
        (first.column == column).then(|| first.direction.aria_sort())
    }

    /// Where `column` stands in the order (1 for the first key) and its direction.
    pub fn rank_of(&self, column: Column) -> Option<(usize, Direction)> {
        self.keys.iter().position(|key| key.column == column).map(|at| (at + 1, self.keys[at].direction))
    }

    /// Sorts `positions` (indexes into `requests`) in this order, with type and
    /// status ordered by their names in `names`. The sort is stable: rows that
    /// compare equal keep their order.
    pub fn arrange(&self, requests: &[Request], mut positions: Vec<usize>, names: &NameBook) -> Vec<usize> {
        positions.sort_by(|&a, &b| {
            self.keys
                .iter()
                .map(|key| {
                    let ordering = compare(key.column, &requests[a], &requests[b], names);
                    if key.direction == Direction::Ascending { ordering } else { ordering.reverse() }
                })
                .find(|ordering| ordering.is_ne())
                .unwrap_or(Ordering::Equal)
        });
        positions
    }
}

fn compare(column: Column, a: &Request, b: &Request, names: &NameBook) -> Ordering {
    match column {
        Column::RequestId => a.uuid.cmp(&b.uuid),
        Column::Submitted => a.submitted.cmp(&b.submitted),
        Column::Completed => a.completed.cmp(&b.completed),
        Column::TargetUser => a.target_user_uuid.cmp(&b.target_user_uuid),
        // Names, not numbers: the user sees names and expects them alphabetical.
        Column::Type | Column::Status | Column::ProfileTemplate => {
            column.cell_text(a, names).cmp(&column.cell_text(b, names))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cm_model::{CmDate, RequestStatus, RequestType};

    fn requests() -> Vec<Request> {
        let enroll: Request = serde_json::from_str(include_str!("../../../tests/fixtures/seed-enroll.json")).unwrap();
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
        order.arrange(&requests(), (0..5).collect(), &NameBook::default())
    }

    #[test]
    fn default_order_is_newest_first() {
        assert_eq!(arranged(&SortOrder::default()), [2, 0, 1, 4, 3]);
    }

    #[test]
    fn clicking_a_new_column_sorts_ascending_and_again_reverses() {
        let by_status = SortOrder::default().after_click(Column::Status, false);
        assert_eq!(by_status.keys(), [SortKey { column: Column::Status, direction: Direction::Ascending }]);
        // Approved ×3 in their original order, Completed, Pending: the sort is stable.
        assert_eq!(arranged(&by_status), [1, 3, 4, 0, 2]);
        let reversed = by_status.after_click(Column::Status, false);
        assert_eq!(reversed.keys()[0].direction, Direction::Descending);
        assert_eq!(arranged(&reversed), [2, 0, 1, 3, 4]);
    }

    #[test]
    fn shift_click_adds_and_reverses_secondary_keys() {
        let by_status = SortOrder::default().after_click(Column::Status, false);
        let then_type = by_status.after_click(Column::Type, true);
        assert_eq!(then_type.rank_of(Column::Type), Some((2, Direction::Ascending)));
        // Approved: Enroll (1), Enroll (3), Renew (4); then Completed, Pending.
        assert_eq!(arranged(&then_type), [1, 3, 4, 0, 2]);
        let type_reversed = then_type.after_click(Column::Type, true);
        assert_eq!(arranged(&type_reversed), [4, 1, 3, 0, 2]);
        let plain = type_reversed.after_click(Column::Type, false);
        assert_eq!(plain.keys(), [SortKey { column: Column::Type, direction: Direction::Ascending }]);
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
    fn only_the_given_positions_are_arranged() {
        assert_eq!(SortOrder::default().arrange(&requests(), vec![4, 1], &NameBook::default()), [1, 4]);
    }
}
