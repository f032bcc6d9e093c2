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
/// quoted, its quotes doubled. So is a cell with a semicolon, the list
/// separator of Excel in German or French locales, so that a reader splitting
/// on it too keeps the cell whole. Written here rather than with the `csv`
/// crate, whose writer carries a float parser into the app for a quoting style
/// the viewer never uses.
fn write_record(csv: &mut String, cells: &[String]) {
    for (at, cell) in cells.iter().enumerate() {
        if at > 0 {
            csv.push(',');
        }
        let cell = neutralise(cell);
        if cell.contains([',', ';', '"', '\r', '\n']) {
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
        names.profile_template(request.profile_template_uuid).text,
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
/// Spreadsheets skip leading spaces and control characters (`\0` among them)
/// before they look for a formula sign, so the check does too. A whole number
/// such as a priority of `-1` is a number, not a formula, and stays one.
fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let formula_start = cell.trim_start_matches(|c: char| c.is_whitespace() || c.is_control());
    let formula = cell.starts_with(['\t', '\r']) || formula_start.starts_with(['=', '+', '-', '@']);
    if formula && !is_whole_number(cell) { format!("'{cell}").into() } else { cell.into() }
}

/// `-12`, `7`: what a spreadsheet reads as a number, whatever its sign.
fn is_whole_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit())
}

/// `requests` at `positions`, in that order, as a JSON array of the records.
pub fn to_json(requests: &[Request], positions: &[usize]) -> String {
    let shown: Vec<&Request> = positions.iter().map(|&position| &requests[position]).collect();
    serde_json::to_string_pretty(&shown).expect("requests always serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed_examples;

    fn requests() -> Vec<Request> {
        let (enroll, unblock) = (seed_examples::enroll(), seed_examples::unblock());
        let hostile = Request {
            comment: "=HYPERLINK(\"http://evil\",\"click\"), then \"quote\"\nnew line".into(),
            uuid: uuid::uuid!("11111111-2222-4333-8444-555555555555"),
            ..enroll.clone()
        };
        vec![enroll, unblock, hostile]
    }

    fn parse(csv_text: &str) -> Vec<Vec<String>> {
        let text = csv_text.strip_prefix('\u{feff}').expect("a byte-order mark");
        read_with(b',', text)
    }

    /// The records of `text` (without a header), split at `delimiter` as a spreadsheet would.
    fn read_with(delimiter: u8, text: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
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
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][..3], HEADER[..3]);
        let rows = &rows[1..];
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
        assert_eq!(rows[1][12], "'=HYPERLINK(\"http://evil\",\"click\"), then \"quote\"\nnew line");
        for start in ["+1", "-2+1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(start).starts_with('\''), "{start:?}");
        }
        assert_eq!(neutralise("plain"), "plain");
        assert_eq!(neutralise("a=b"), "a=b");
    }

    #[test]
    fn formulas_behind_spaces_or_control_characters_are_neutralised() {
        for hidden in [" =1+1", "   @SUM(A1)", "\0=cmd|' /C calc'!A0", "\0\0+1", "\u{1}-2+3", "\n=1", "\u{a0}=1"] {
            assert_eq!(neutralise(hidden), format!("'{hidden}"), "{hidden:?}");
        }
        assert_eq!(neutralise(" plain"), " plain");
        assert_eq!(neutralise("\0plain"), "\0plain");
    }

    #[test]
    fn numbers_stay_numbers() {
        let mut negative = requests().remove(0);
        negative.priority = -1;
        negative.request_type = cm_model::RequestType::from(-3);
        let rows = parse(&to_csv(&[negative], &[0], &NameBook::default()));
        assert_eq!((rows[1][2].as_str(), rows[1][11].as_str()), ("-3", "-1"));
        assert_eq!(rows[1][1], "Unknown (-3)");
        for number in ["0", "42", "-1", "-2147483648"] {
            assert_eq!(neutralise(number), number);
        }
        for not_a_number in ["-", "--1", "-1+1", "-1 ", " -1", "-0x20", "-1e5"] {
            assert_eq!(neutralise(not_a_number), format!("'{not_a_number}"), "{not_a_number:?}");
        }
    }

    #[test]
    fn cells_with_semicolons_come_back_whole() {
        let mut listed = requests().remove(0);
        listed.comment = "lost card; reissue".into();
        let rows = parse(&to_csv(&[listed], &[0], &NameBook::default()));
        assert_eq!(rows[1][12], "lost card; reissue");
        // Excel in German or French locales splits at semicolons: one there
        // must not cut the cell it is in.
        let mut line = String::new();
        write_record(&mut line, &["a; b".to_owned(), "-1".to_owned(), "=1".to_owned()]);
        assert_eq!(line, "\"a; b\",-1,'=1\r\n");
        assert_eq!(read_with(b';', &line), [["a; b,-1,'=1"]]);
    }

    #[test]
    fn json_holds_the_records_shown() {
        let json: serde_json::Value = serde_json::from_str(&to_json(&requests(), &[1])).unwrap();
        assert_eq!(json.as_array().unwrap().len(), 1);
        assert_eq!(json[0]["Uuid"], "0c96d73f-967b-420e-854a-43ad2a1504bc");
        assert_eq!(json[0]["RequestType"], 5);
    }
}
