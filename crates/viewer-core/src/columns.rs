//! The columns of the requests table.

use crate::time::{LocalClock, local_text};
use cm_model::{NameBook, NameOrigin, Request};
use uuid::Uuid;

/// A column of the requests table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    RequestId,
    Type,
    Status,
    Submitted,
    Completed,
    TargetUser,
    ProfileTemplate,
}

impl Column {
    /// The columns in the order the table shows them.
    pub const ALL: [Column; 7] = [
        Column::RequestId,
        Column::Type,
        Column::Status,
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
            Column::Submitted => "Submitted",
            Column::Completed => "Completed",
            Column::TargetUser => "Target user",
            Column::ProfileTemplate => "Profile template",
        }
    }

    /// What the cell of this column shows for `request`, as plain text, with
    /// numbers named by `names`.
    pub fn cell_text(self, request: &Request, names: &NameBook) -> String {
        match self {
            Column::RequestId => request.uuid.to_string(),
            Column::Type => names.request_type(request.request_type).text,
            Column::Status => names.status(request.status).text,
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
    /// time of `clock`, GUIDs shortened.
    pub fn cell(self, request: &Request, names: &NameBook, clock: &dyn LocalClock) -> Cell {
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
            Column::Type | Column::Status => Cell::plain(self.cell_text(request, names)),
        }
    }
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

/// The columns a user chose to see, as remembered in the browser: column keys
/// separated by commas. Unknown keys are ignored; nothing valid means all.
/// The request id is always shown: its link is how a row opens from the keyboard.
pub fn columns_from_storage(text: &str) -> Vec<Column> {
    let chosen: Vec<Column> = text.split(',').filter_map(Column::from_url_name).collect();
    if chosen.is_empty() {
        return Column::ALL.to_vec();
    }
    Column::ALL.into_iter().filter(|column| *column == Column::RequestId || chosen.contains(column)).collect()
}

/// `columns` as [`columns_from_storage`] reads them.
pub fn columns_to_storage(columns: &[Column]) -> String {
    columns.iter().map(|column| column.url_name()).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed_examples;
    use cm_model::{CmDate, RequestStatus, RequestType};

    fn request() -> Request {
        seed_examples::enroll()
    }

    #[test]
    fn cells_show_decoded_names_and_dates() {
        let request = request();
        let cells: Vec<String> = Column::ALL.iter().map(|c| c.cell_text(&request, &NameBook::default())).collect();
        assert_eq!(
            cells,
            [
                "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099",
                "Enroll",
                "Approved",
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
        let cell = |column: Column| column.cell(&request, &names, &new_york_summer);
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
        let cell = Column::ProfileTemplate.cell(&request(), &names, &crate::time::FixedOffset(0));
        assert_eq!(cell.text, "Smart Card User");
        assert_eq!(cell.copy.as_deref(), Some("a039b4d0-5ce8-4eff-8651-181c6576fda3"));
    }

    #[test]
    fn chosen_columns_are_remembered_in_table_order() {
        assert_eq!(columns_from_storage("status,id,bogus"), [Column::RequestId, Column::Status]);
        assert_eq!(columns_from_storage("status"), [Column::RequestId, Column::Status], "the id always shows");
        assert_eq!(columns_from_storage(""), Column::ALL);
        assert_eq!(columns_from_storage("bogus"), Column::ALL);
        assert_eq!(columns_to_storage(&[Column::RequestId, Column::Submitted]), "id,submitted");
        assert_eq!(columns_from_storage(&columns_to_storage(&Column::ALL)), Column::ALL);
    }

    #[test]
    fn configured_names_replace_unknown_numbers() {
        let mut request = request();
        request.request_type = RequestType::from(12);
        let names =
            crate::config::ViewerConfig::read(r#"{"names": {"requestType": {"12": "OfflineUnblock"}}}"#).config.names;
        assert_eq!(Column::Type.cell_text(&request, &names), "OfflineUnblock");
    }

    #[test]
    fn unknown_codes_and_empty_guids_are_shown_for_what_they_are() {
        let mut request = request();
        request.status = RequestStatus::from(42);
        request.request_type = RequestType::from(12);
        request.target_user_uuid = None;
        request.completed = CmDate::parse("soon");
        let names = NameBook::default();
        assert_eq!(Column::Status.cell_text(&request, &names), "Unknown (42)");
        assert_eq!(Column::Type.cell_text(&request, &names), "Unknown (12)");
        assert_eq!(Column::TargetUser.cell_text(&request, &names), "none");
        assert_eq!(Column::Completed.cell_text(&request, &names), "soon (not a date)");
        assert_eq!(status_badge_class(request.status), "status-unknown");
        assert_eq!(status_badge_class(RequestStatus::Approved), "status-approved");
    }
}
