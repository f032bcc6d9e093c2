//! The columns of the requests table.

use crate::time::{LocalClock, local_text};
use cm_model::{DAY_SECONDS as DAY, NameBook, NameOrigin, Request, RequestStatus, Timestamp};
use uuid::Uuid;

/// A column of the requests table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    RequestId,
    Type,
    Status,
    /// How long a request still open has waited: "waiting 3 days".
    Waiting,
    Submitted,
    Completed,
    TargetUser,
    ProfileTemplate,
}

impl Column {
    /// The columns in the order the table shows them.
    pub const ALL: [Column; 8] = [
        Column::RequestId,
        Column::Type,
        Column::Status,
        Column::Waiting,
        Column::Submitted,
        Column::Completed,
        Column::TargetUser,
        Column::ProfileTemplate,
    ];

    /// The column's name in links (`?sort=submitted-desc`) and in the stored column choice.
    pub fn url_name(self) -> &'static str {
        match self {
            Column::RequestId => "id",
            Column::Type => "type",
            Column::Status => "status",
            Column::Waiting => "waiting",
            Column::Submitted => "submitted",
            Column::Completed => "completed",
            Column::TargetUser => "target",
            Column::ProfileTemplate => "template",
        }
    }

    /// The column whose [`Column::url_name`] is `name`.
    pub fn from_url_name(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|column| column.url_name() == name)
    }

    /// The header text.
    pub fn label(self) -> &'static str {
        match self {
            Column::RequestId => "Request ID",
            Column::Type => "Type",
            Column::Status => "Status",
            Column::Waiting => "Waiting",
            Column::Submitted => "Submitted",
            Column::Completed => "Completed",
            Column::TargetUser => "Target user",
            Column::ProfileTemplate => "Profile template",
        }
    }

    /// What the cell of this column shows for `request`, as plain text, with
    /// numbers named by `names` and how long it has waited at `now`.
    pub fn cell_text(self, request: &Request, names: &NameBook, now: Timestamp) -> String {
        match self {
            Column::RequestId => request.uuid.to_string(),
            Column::Type => names.request_type(request.request_type).text,
            Column::Status => names.status(request.status).text,
            Column::Waiting => waiting_since(request).map_or_else(String::new, |since| waiting_text(since, now)),
            Column::Submitted => request.submitted.to_string(),
            Column::Completed => request.completed.to_string(),
            Column::TargetUser => guid_text(request.target_user_uuid),
            Column::ProfileTemplate => names.profile_template(request.profile_template_uuid).text,
        }
    }
}

/// What a table cell shows: short text, with the full value for a hover, and
/// what its copy button copies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    /// The exact value, when `text` is shortened or converted.
    pub full: Option<String>,
    /// The value to copy, for identifiers.
    pub copy: Option<String>,
}

impl Cell {
    fn plain(text: String) -> Cell {
        Cell { text, full: None, copy: None }
    }

    /// A GUID shortened to its first group: enough to tell requests apart at a glance.
    fn guid(guid: Option<Uuid>) -> Cell {
        match guid {
            None => Cell::plain("none".to_owned()),
            Some(guid) => {
                let full = guid.to_string();
                Cell { text: format!("{}\u{2026}", &full[..8]), full: Some(full.clone()), copy: Some(full) }
            }
        }
    }
}

impl Column {
    /// The cell of this column for `request`: names from `names`, dates in the
    /// time of `clock`, how long it has waited at `now`, GUIDs shortened.
    pub fn cell(self, request: &Request, names: &NameBook, clock: &dyn LocalClock, now: Timestamp) -> Cell {
        match self {
            Column::RequestId => Cell::guid(Some(request.uuid)),
            Column::TargetUser => Cell::guid(request.target_user_uuid),
            Column::ProfileTemplate => {
                let named = names.profile_template(request.profile_template_uuid);
                match request.profile_template_uuid {
                    Some(guid) if named.origin == NameOrigin::Server => {
                        Cell { text: named.text, full: Some(guid.to_string()), copy: Some(guid.to_string()) }
                    }
                    guid => Cell::guid(guid),
                }
            }
            Column::Submitted | Column::Completed => {
                let date = if self == Column::Submitted { &request.submitted } else { &request.completed };
                let full = date.instant().is_some().then(|| date.to_string());
                Cell { text: local_text(date, clock), full, copy: None }
            }
            // The exact submitted instant on hover; nothing for a request not waiting.
            Column::Waiting => Cell {
                text: self.cell_text(request, names, now),
                full: waiting_since(request).map(|_| format!("since {}", request.submitted)),
                copy: None,
            },
            Column::Type | Column::Status => Cell::plain(self.cell_text(request, names, now)),
        }
    }
}

/// Since when `request` has waited, if it is still open (pending, approved or
/// executing): its submitted date, when set and readable. The API has no date
/// of approval, so an approved request has waited since it was submitted too.
pub fn waiting_since(request: &Request) -> Option<Timestamp> {
    let open = matches!(request.status, RequestStatus::Pending | RequestStatus::Approved | RequestStatus::Executing);
    request.submitted.instant().filter(|_| open)
}

/// `waiting 3 days`: the time from `since` to `now` in whole units, rounded
/// down: minutes under an hour, hours under two days, days under 60 days,
/// months of 30 days under two years, then years of 365 days. Under a minute
/// (or a `since` after `now`, when the browser's clock is behind the server's)
/// is "waiting under a minute". Whole seconds, integers only.
pub fn waiting_text(since: Timestamp, now: Timestamp) -> String {
    let seconds = now.as_second() - since.as_second();
    // Each unit's length in seconds, for the waits it is used for.
    let (length, unit) = match seconds {
        ..60 => return "waiting under a minute".to_owned(),
        60..3600 => (60, "minute"),
        3600..172_800 => (3600, "hour"),              // under two days
        172_800..5_184_000 => (DAY, "day"),           // under 60 days
        5_184_000..63_072_000 => (30 * DAY, "month"), // under 730 days
        _ => (365 * DAY, "year"),
    };
    let count = seconds / length;
    format!("waiting {count} {unit}{}", if count == 1 { "" } else { "s" })
}

/// The CSS class of a status badge. The badge always shows the status name as
/// text too: colour is never the only sign.
pub fn status_badge_class(status: cm_model::RequestStatus) -> String {
    format!("status-{}", status.known_name().unwrap_or("unknown").to_ascii_lowercase())
}

/// The all-zero GUID is how the API says "none".
pub(crate) fn guid_text(guid: Option<Uuid>) -> String {
    guid.map_or_else(|| "none".to_owned(), |guid| guid.to_string())
}

impl Column {
    /// Whether a stored column choice that does not name this column hides it.
    /// Choices once named only the columns shown, when the table had these
    /// seven; a column such a choice does not name was added since, and is shown.
    fn hidden_unless_named(self) -> bool {
        use Column::*;
        matches!(self, RequestId | Type | Status | Submitted | Completed | TargetUser | ProfileTemplate)
    }
}

/// The columns a user chose to see, as remembered in the browser: column keys
/// separated by commas, `-` before the key of a column hidden. A column not
/// named at all was added after the choice was stored and is shown (unless the
/// choice is one that named only the columns shown: see `hidden_unless_named`).
/// Unknown keys are ignored; nothing valid means all. The request id is always
/// shown: its link is how a row opens from the keyboard.
pub fn columns_from_storage(text: &str) -> Vec<Column> {
    // Whether the choice shows `column`, if it names it.
    let shows = |column: Column| {
        text.split(',')
            .find(|part| part.strip_prefix('-').unwrap_or(part) == column.url_name())
            .map(|part| !part.starts_with('-'))
    };
    if Column::ALL.into_iter().all(|column| shows(column).is_none()) {
        return Column::ALL.to_vec();
    }
    Column::ALL
        .into_iter()
        .filter(|&column| column == Column::RequestId || shows(column).unwrap_or(!column.hidden_unless_named()))
        .collect()
}

/// `columns` as [`columns_from_storage`] reads them: every column named, those
/// hidden with a `-`, so that a column added later is shown.
pub fn columns_to_storage(columns: &[Column]) -> String {
    let named = Column::ALL.map(|column| {
        let hidden = if columns.contains(&column) { "" } else { "-" };
        format!("{hidden}{}", column.url_name())
    });
    named.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed_examples;
    use cm_model::{CmDate, RequestStatus, RequestType};

    fn request() -> Request {
        seed_examples::enroll()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    /// Three days after the seed's enroll request was submitted (2015-07-07T23:36:21.93Z).
    fn three_days_on() -> Timestamp {
        at("2015-07-11T00:00:00Z")
    }

    #[test]
    fn cells_show_decoded_names_and_dates() {
        let request = request();
        let cells: Vec<String> =
            Column::ALL.iter().map(|c| c.cell_text(&request, &NameBook::default(), three_days_on())).collect();
        assert_eq!(
            cells,
            [
                "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099",
                "Enroll",
                "Approved",
                "waiting 3 days",
                "2015-07-07 23:36:21 UTC",
                "not set",
                "8f1590dc-d932-4b66-8e68-2e91c5880780",
                "a039b4d0-5ce8-4eff-8651-181c6576fda3",
            ]
        );
    }

    #[test]
    fn cells_shorten_guids_and_show_local_dates_with_the_exact_value_on_hover() {
        let request = request();
        let names = NameBook::default();
        let new_york_summer = crate::time::FixedOffset(-4 * 3600);
        let cell = |column: Column| column.cell(&request, &names, &new_york_summer, three_days_on());
        let id = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099".to_owned();
        assert_eq!(
            cell(Column::RequestId),
            Cell { text: "a9b4b42c\u{2026}".into(), full: Some(id.clone()), copy: Some(id) }
        );
        assert_eq!(cell(Column::Submitted).text, "2015-07-07 19:36:21");
        assert_eq!(cell(Column::Submitted).full.as_deref(), Some("2015-07-07 23:36:21 UTC"));
        assert_eq!(cell(Column::Completed), Cell { text: "not set".into(), full: None, copy: None });
        assert_eq!(cell(Column::Status), Cell { text: "Approved".into(), full: None, copy: None });
        assert_eq!(cell(Column::ProfileTemplate).text, "a039b4d0\u{2026}");
    }

    #[test]
    fn named_templates_show_their_name_and_keep_the_guid() {
        let template = cm_model::ProfileTemplate {
            name: "Smart Card User".into(),
            description: None,
            uuid: uuid::uuid!("a039b4d0-5ce8-4eff-8651-181c6576fda3"),
            is_smartcard_profile_template: true,
            is_virtual_smartcard_profile_template: false,
        };
        let names = NameBook::default().with_profile_templates(&[template]);
        let cell = Column::ProfileTemplate.cell(&request(), &names, &crate::time::FixedOffset(0), three_days_on());
        assert_eq!(cell.text, "Smart Card User");
        assert_eq!(cell.copy.as_deref(), Some("a039b4d0-5ce8-4eff-8651-181c6576fda3"));
    }

    #[test]
    fn chosen_columns_are_remembered_in_table_order() {
        use Column::*;
        let stored = columns_to_storage(&[RequestId, Submitted]);
        assert_eq!(stored, "id,-type,-status,-waiting,submitted,-completed,-target,-template");
        assert_eq!(columns_from_storage(&stored), [RequestId, Submitted]);
        assert_eq!(columns_from_storage("-id,-type,status,-waiting"), [RequestId, Status], "the id always shows");
        assert_eq!(columns_from_storage(""), Column::ALL);
        assert_eq!(columns_from_storage("bogus,-bogus"), Column::ALL);
        assert_eq!(columns_from_storage(&columns_to_storage(&Column::ALL)), Column::ALL);
        for shown in 0..1u32 << Column::ALL.len() {
            let chosen: Vec<Column> =
                Column::ALL.into_iter().enumerate().filter(|(at, _)| shown & 1 << at != 0).map(|(_, c)| c).collect();
            if chosen.contains(&RequestId) {
                assert_eq!(columns_from_storage(&columns_to_storage(&chosen)), chosen);
            }
        }
    }

    #[test]
    fn choices_stored_before_the_waiting_column_keep_their_meaning_and_show_it() {
        use Column::*;
        // Such a choice named only the columns shown.
        assert_eq!(columns_from_storage("status,id,bogus"), [RequestId, Status, Waiting]);
        assert_eq!(columns_from_storage("status"), [RequestId, Status, Waiting], "the id always shows");
        assert_eq!(
            columns_from_storage("id,type,status,submitted,completed,template"),
            [RequestId, Type, Status, Waiting, Submitted, Completed, ProfileTemplate]
        );
    }

    /// The seed's enroll request with `status`, submitted at `submitted`.
    fn submitted(status: RequestStatus, submitted: &str) -> Request {
        Request { status, submitted: CmDate::parse(submitted), ..request() }
    }

    #[test]
    fn requests_still_open_show_how_long_they_have_waited_with_the_exact_instant_on_hover() {
        let names = NameBook::default();
        let clock = crate::time::FixedOffset(2 * 3600);
        for status in [RequestStatus::Pending, RequestStatus::Approved, RequestStatus::Executing] {
            let cell = Column::Waiting.cell(
                &submitted(status, "2024-03-01T10:00:00.25Z"),
                &names,
                &clock,
                at("2024-03-04T09:00:00Z"),
            );
            assert_eq!(
                cell,
                Cell { text: "waiting 2 days".into(), full: Some("since 2024-03-01 10:00:00 UTC".into()), copy: None }
            );
        }
    }

    #[test]
    fn requests_not_open_or_without_a_readable_submitted_date_show_an_empty_cell() {
        let names = NameBook::default();
        let now = at("2024-03-04T09:00:00Z");
        let empty = Cell { text: String::new(), full: None, copy: None };
        for status in [0, 4, 8, 9, 17, 42] {
            let request = submitted(RequestStatus::from(status), "2024-03-01T10:00:00Z");
            assert_eq!(Column::Waiting.cell(&request, &names, &crate::time::FixedOffset(0), now), empty, "{status}");
        }
        for date in ["0001-01-01T00:00:00", "yesterday"] {
            let request = submitted(RequestStatus::Pending, date);
            assert_eq!(waiting_since(&request), None);
            assert_eq!(Column::Waiting.cell(&request, &names, &crate::time::FixedOffset(0), now), empty, "{date}");
        }
    }

    #[test]
    fn waits_are_told_in_whole_units_rounded_down() {
        const MINUTE: i64 = 60;
        const HOUR: i64 = 3600;
        let since = at("2020-01-01T00:00:00Z");
        let after = |seconds: i64| waiting_text(since, Timestamp::from_second(since.as_second() + seconds).unwrap());
        for (seconds, text) in [
            (-3 * HOUR, "waiting under a minute"),
            (0, "waiting under a minute"),
            (59, "waiting under a minute"),
            (MINUTE, "waiting 1 minute"),
            (2 * MINUTE - 1, "waiting 1 minute"),
            (2 * MINUTE, "waiting 2 minutes"),
            (HOUR - 1, "waiting 59 minutes"),
            (HOUR, "waiting 1 hour"),
            (2 * HOUR, "waiting 2 hours"),
            (DAY, "waiting 24 hours"),
            (47 * HOUR, "waiting 47 hours"),
            (2 * DAY - 1, "waiting 47 hours"),
            (2 * DAY, "waiting 2 days"),
            (60 * DAY - 1, "waiting 59 days"),
            (60 * DAY, "waiting 2 months"),
            (365 * DAY, "waiting 12 months"),
            (730 * DAY - 1, "waiting 24 months"),
            (730 * DAY, "waiting 2 years"),
            (3650 * DAY, "waiting 10 years"),
        ] {
            assert_eq!(after(seconds), text, "{seconds} s");
        }
        // Fractions of a second do not count: the clock reads whole seconds.
        assert_eq!(waiting_text(at("2020-01-01T00:00:00.9Z"), at("2020-01-01T00:01:00Z")), "waiting 1 minute");
    }

    #[test]
    fn every_wait_reads_as_a_count_of_the_unit_it_fills() {
        let since = at("2000-01-01T00:00:00Z");
        let mut previous = (0, String::new());
        // Every second of the first two hours, then every 7 minutes up to three years.
        for seconds in (60..2 * 3600).chain((2 * 3600..3 * 365 * DAY).step_by(420)) {
            let text = waiting_text(since, Timestamp::from_second(since.as_second() + seconds).unwrap());
            let words: Vec<&str> = text.split(' ').collect();
            let count: i64 = words[1].parse().unwrap();
            let length = match words[2].trim_end_matches('s') {
                "minute" => 60,
                "hour" => 3600,
                "day" => DAY,
                "month" => 30 * DAY,
                "year" => 365 * DAY,
                unit => panic!("{unit}"),
            };
            assert!(count * length <= seconds && seconds < (count + 1) * length, "{seconds} s: {text}");
            assert_eq!(words[2].ends_with('s'), count != 1, "{text}");
            assert!(previous.1 != words[2] || previous.0 <= count, "{text} after {previous:?}");
            previous = (count, words[2].to_owned());
        }
    }

    #[test]
    fn configured_names_replace_unknown_numbers() {
        let mut request = request();
        request.request_type = RequestType::from(12);
        let names =
            crate::config::ViewerConfig::read(r#"{"names": {"requestType": {"12": "OfflineUnblock"}}}"#).config.names;
        assert_eq!(Column::Type.cell_text(&request, &names, three_days_on()), "OfflineUnblock");
    }

    #[test]
    fn unknown_codes_and_empty_guids_are_shown_for_what_they_are() {
        let mut request = request();
        request.status = RequestStatus::from(42);
        request.request_type = RequestType::from(12);
        request.target_user_uuid = None;
        request.completed = CmDate::parse("soon");
        let names = NameBook::default();
        let text = |column: Column| column.cell_text(&request, &names, three_days_on());
        assert_eq!(text(Column::Status), "Unknown (42)");
        assert_eq!(text(Column::Type), "Unknown (12)");
        assert_eq!(text(Column::TargetUser), "none");
        assert_eq!(text(Column::Completed), "soon (not a date)");
        assert_eq!(status_badge_class(request.status), "status-unknown");
        assert_eq!(status_badge_class(RequestStatus::Approved), "status-approved");
    }
}
