//! The order of the table's rows.

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
}

/// The column the table is sorted by, and which way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortOrder {
    pub column: Column,
    pub direction: Direction,
}

impl Default for SortOrder {
    /// Newest first: what someone looking for a recent request wants.
    fn default() -> Self {
        SortOrder { column: Column::Submitted, direction: Direction::Descending }
    }
}

impl SortOrder {
    /// The order after a click on `column`'s header: the same column reverses,
    /// another column sorts ascending by it.
    pub fn after_click(self, column: Column) -> SortOrder {
        if self.column == column {
            let direction = match self.direction {
                Direction::Ascending => Direction::Descending,
                Direction::Descending => Direction::Ascending,
            };
            SortOrder { column, direction }
        } else {
            SortOrder { column, direction: Direction::Ascending }
        }
    }

    /// `aria-sort` for `column`'s header: `None` unless the table is sorted by it.
    pub fn aria_sort_of(self, column: Column) -> Option<&'static str> {
        (self.column == column).then(|| self.direction.aria_sort())
    }

    /// Positions of `requests` in this order, with type and status ordered by
    /// their names in `names`. The sort is stable: rows that compare equal keep
    /// the order the server sent them in.
    pub fn arrange(self, requests: &[Request], names: &NameBook) -> Vec<usize> {
        let mut positions: Vec<usize> = (0..requests.len()).collect();
        positions.sort_by(|&a, &b| {
            let ordering = compare(self.column, &requests[a], &requests[b], names);
            match self.direction {
                Direction::Ascending => ordering,
                Direction::Descending => ordering.reverse(),
            }
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
        Column::ProfileTemplate => a.profile_template_uuid.cmp(&b.profile_template_uuid),
        // Names, not numbers: the user sees names and expects them alphabetical.
        Column::Type | Column::Status => column.cell_text(a, names).cmp(&column.cell_text(b, names)),
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
        ]
    }

    #[test]
    fn default_order_is_newest_first() {
        assert_eq!(SortOrder::default().arrange(&requests(), &NameBook::default()), [2, 0, 1, 3]);
    }

    #[test]
    fn clicking_a_new_column_sorts_ascending_and_again_reverses() {
        let by_status = SortOrder::default().after_click(Column::Status);
        assert_eq!(by_status.direction, Direction::Ascending);
        // Approved, Approved, Completed, Pending; equal rows stay in server order.
        assert_eq!(by_status.arrange(&requests(), &NameBook::default()), [1, 3, 0, 2]);
        let reversed = by_status.after_click(Column::Status);
        assert_eq!(reversed.direction, Direction::Descending);
        assert_eq!(reversed.arrange(&requests(), &NameBook::default()), [2, 0, 1, 3]);
    }

    #[test]
    fn types_sort_by_their_names() {
        let by_type = SortOrder { column: Column::Type, direction: Direction::Ascending };
        // Enroll, Enroll, Renew, Unblock.
        assert_eq!(by_type.arrange(&requests(), &NameBook::default()), [1, 3, 0, 2]);
    }

    #[test]
    fn only_the_sorted_column_has_aria_sort() {
        let order = SortOrder { column: Column::Type, direction: Direction::Descending };
        assert_eq!(order.aria_sort_of(Column::Type), Some("descending"));
        assert_eq!(order.aria_sort_of(Column::Status), None);
    }
}
