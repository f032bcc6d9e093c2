//! The rows shown, saved as files: CSV for spreadsheets, JSON for tools.

use cm_model::{NameBook, Request};
use uuid::Uuid;

/// The CSV columns: decoded names beside the raw numbers, so that a
/// spreadsheet can filter on either.
const HEADER: [&str; 23] = [
    "Request ID",
    "Type",
    "Type code",
    "Status",
    "Status code",
    "Submitted (UTC)",
    "Completed (UTC)",
    "Target user",
    "Originator",
    "Profile template",
    "Profile template name",
    "Priority",
    "Comment",
    "Flags",
    "Flags value",
    "Data collection flags",
    "Data collection flags value",
    "Smart card",
    "Enrollment agent",
    "Data collection complete",
    "Old profile",
    "New profile",
    "Data collection",
];

/// `requests` at `positions`, in that order, as CSV: UTF-8 with a byte-order
/// mark (so that Excel reads it as UTF-8), CRLF line ends, and every cell that
/// a spreadsheet would take for a formula neutralised.
pub fn to_csv(requests: &[Request], positions: &[usize], names: &NameBook) -> String {
    let mut csv = String::from("\u{feff}");
    write_record(&mut csv, &HEADER.map(str::to_owned));
    for request in positions.iter().map(|&position| &requests[position]) {
        write_record(&mut csv, &row(request, names));
    }
    csv
}

/// One CSV line (RFC 4180): a cell with a comma, a quote or a line break is
/// quoted, its quotes doubled. Written here rather than with the `csv` crate,
/// whose writer carries a float parser into the app for a quoting style the
/// viewer never uses.
fn write_record(csv: &mut String, cells: &[String]) {
    for (at, cell) in cells.iter().enumerate() {
        if at > 0 {
            csv.push(',');
        }
        let cell = neutralise(cell);
        if cell.contains([',', '"', '\r', '\n']) {
            csv.push('"');
            csv.push_str(&cell.replace('"', "\"\""));
            csv.push('"');
        } else {
            csv.push_str(&cell);
        }
    }
    csv.push_str("\r\n");
}

fn row(request: &Request, names: &NameBook) -> Vec<String> {
    let guid = |guid: Option<Uuid>| guid.map(|guid| guid.to_string()).unwrap_or_default();
    let date = |date: &cm_model::CmDate| match date {
        cm_model::CmDate::NotSet => String::new(),
        cm_model::CmDate::At(instant) => cm_model::instant_text(*instant),
        cm_model::CmDate::Unreadable(text) => text.clone(),
    };
    let data_collection: Vec<String> = request
        .data_collection
        .iter()
        .map(|item| format!("{}={}", item.name, item.value.as_deref().unwrap_or("")))
        .collect();
    vec![
        request.uuid.to_string(),
        names.request_type(request.request_type).text,
        request.request_type.code().to_string(),
        names.status(request.status).text,
        request.status.code().to_string(),
        date(&request.submitted),
        date(&request.completed),
        guid(request.target_user_uuid),
        guid(request.originator_user_uuid),
        guid(request.profile_template_uuid),
        names.profile_template(request.profile_template_uuid),
        request.priority.to_string(),
        request.comment.clone(),
        names.request_flags(request.flags.0).to_string(),
        request.flags.0.to_string(),
        names.data_collection_flags(request.data_collection_flags.0).to_string(),
        request.data_collection_flags.0.to_string(),
        request.is_smartcard.to_string(),
        request.is_enrollment_agent.to_string(),
        request.is_data_collection_complete.to_string(),
        guid(request.old_profile_uuid),
        guid(request.new_profile_uuid),
        data_collection.join("; "),
    ]
}

/// A cell a spreadsheet would run as a formula (OWASP "CSV injection") gets a
/// leading apostrophe, which spreadsheets show as text and do not evaluate.
fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}").into() } else { cell.into() }
}

/// `requests` at `positions`, in that order, as a JSON array of the records.
pub fn to_json(requests: &[Request], positions: &[usize]) -> String {
    let shown: Vec<&Request> = positions.iter().map(|&position| &requests[position]).collect();
    serde_json::to_string_pretty(&shown).expect("requests always serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requests() -> Vec<Request> {
        let enroll: Request = serde_json::from_str(include_str!("../../../tests/fixtures/seed-enroll.json")).unwrap();
        let unblock: Request = serde_json::from_str(include_str!("../../../tests/fixtures/seed-unblock.json")).unwrap();
        let hostile = Request {
            comment: "=HYPERLINK(\"http://evil\",\"click\"), then \"quote\"\nnew line".into(),
            uuid: uuid::uuid!("11111111-2222-4333-8444-555555555555"),
            ..enroll.clone()
        };
        vec![enroll, unblock, hostile]
    }

    fn parse(csv_text: &str) -> Vec<Vec<String>> {
        let text = csv_text.strip_prefix('\u{feff}').expect("a byte-order mark");
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|record| record.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn rows_come_in_the_order_shown_with_names_and_numbers() {
        let csv_text = to_csv(&requests(), &[1, 0], &NameBook::default());
        assert!(csv_text.starts_with("\u{feff}Request ID,Type,Type code,Status,Status code,"));
        assert!(csv_text.contains("\r\n"));
        let rows = parse(&csv_text);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0][..7],
            ["0c96d73f-967b-420e-854a-43ad2a1504bc", "Unblock", "5", "Approved", "3", "2015-07-07T23:40:33.133Z", ""]
        );
        assert_eq!(rows[0][9..11], ["a039b4d0-5ce8-4eff-8651-181c6576fda3", "a039b4d0-5ce8-4eff-8651-181c6576fda3"]);
        assert_eq!(rows[0][13..17], ["Smartcard", "2", "0x20", "32"]);
        assert_eq!(rows[0][22], "Sample Data Item=");
        assert_eq!(rows[1][1], "Enroll");
    }

    #[test]
    fn formulas_are_neutralised_and_text_is_quoted() {
        let rows = parse(&to_csv(&requests(), &[2], &NameBook::default()));
        assert_eq!(rows[0][12], "'=HYPERLINK(\"http://evil\",\"click\"), then \"quote\"\nnew line");
        for start in ["+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(start).starts_with('\''), "{start:?}");
        }
        assert_eq!(neutralise("plain"), "plain");
        assert_eq!(neutralise("a=b"), "a=b");
    }

    #[test]
    fn json_holds_the_records_shown() {
        let json: serde_json::Value = serde_json::from_str(&to_json(&requests(), &[1])).unwrap();
        assert_eq!(json.as_array().unwrap().len(), 1);
        assert_eq!(json[0]["Uuid"], "0c96d73f-967b-420e-854a-43ad2a1504bc");
        assert_eq!(json[0]["RequestType"], 5);
    }
}
