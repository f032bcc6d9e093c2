//! The columns of the requests table.

use cm_model::{NameBook, Request};

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

    /// The column's name in links (`?sort=submitted-desc`).
    pub fn key(self) -> &'static str {
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

    /// The column whose [`Column::key`] is `key`.
    pub fn from_key(key: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|column| column.key() == key)
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
            Column::ProfileTemplate => names.profile_template(request.profile_template_uuid),
        }
    }
}

/// The CSS class of a status badge. The badge always shows the status name as
/// text too: colour is never the only sign.
pub fn status_badge_class(status: cm_model::RequestStatus) -> String {
    format!("status-{}", status.known_name().unwrap_or("unknown").to_ascii_lowercase())
}

/// The all-zero GUID is how the API says "none".
fn guid_text(guid: Option<uuid::Uuid>) -> String {
    guid.map_or_else(|| "none".to_owned(), |guid| guid.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cm_model::{CmDate, RequestStatus, RequestType};

    fn request() -> Request {
        serde_json::from_str(include_str!("../../../tests/fixtures/seed-enroll.json")).unwrap()
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
    fn configured_names_replace_unknown_numbers() {
        let mut request = request();
        request.request_type = RequestType::from(12);
        let config = serde_json::from_str(r#"{"requestType": {"12": "OfflineUnblock"}}"#).unwrap();
        let names = NameBook::from_config(&config).unwrap();
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
