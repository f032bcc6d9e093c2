//! Everything the user chose, as the query string of the page's own URL, so
//! that a link shows a colleague the same view and back and forward work.
//!
//! Only the query string is used, never the path: the viewer is plain static
//! files, and a static server without rewrite rules answers any path with a
//! 404 but ignores the query string. It therefore works at the web root and
//! under any sub-path.
//!
//! `?status=Pending&mine=1&q=lost+card&type=Enroll,5&from=2024-01-01&sort=status-asc,type-desc&open=<guid>`

use crate::columns::Column;
use crate::narrowing::Narrowing;
use crate::query::ServerQuery;
use crate::sorting::{Direction, SortKey, SortOrder};
use cm_model::{RequestStatus, RequestType, day_text, parse_day};
use uuid::Uuid;

/// What the page shows: the question to the server, the narrowing, the order
/// and the open request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewState {
    pub query: ServerQuery,
    pub narrowing: Narrowing,
    pub sort: SortOrder,
    /// The request whose details are open.
    pub open: Option<Uuid>,
}

impl ViewState {
    /// The query string (with its `?`, or empty for the default view).
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if let Some(status) = self.query.status.and_then(RequestStatus::known_name) {
            out.append_pair("status", status);
        }
        if self.query.only_mine {
            out.append_pair("mine", "1");
        }
        if let Some(id) = self.query.request_id {
            out.append_pair("id", &id.to_string());
        }
        let narrowing = &self.narrowing;
        if !narrowing.text.is_empty() {
            out.append_pair("q", &narrowing.text);
        }
        if !narrowing.types.is_empty() {
            out.append_pair("type", &join_codes(narrowing.types.iter().map(|t| (t.known_name(), t.code()))));
        }
        if !narrowing.statuses.is_empty() {
            out.append_pair("state", &join_codes(narrowing.statuses.iter().map(|s| (s.known_name(), s.code()))));
        }
        if let Some(from) = narrowing.submitted_from {
            out.append_pair("from", &day_text(from));
        }
        if let Some(to) = narrowing.submitted_to {
            out.append_pair("to", &day_text(to));
        }
        if self.sort != SortOrder::default() {
            let keys: Vec<String> = self
                .sort
                .keys()
                .iter()
                .map(|key| format!("{}-{}", key.column.key(), direction_key(key.direction)))
                .collect();
            out.append_pair("sort", &keys.join(","));
        }
        if let Some(open) = self.open {
            out.append_pair("open", &open.to_string());
        }
        let query = out.finish();
        if query.is_empty() { query } else { format!("?{query}") }
    }

    /// Reads a query string (with or without its `?`). Parts that do not make
    /// sense are ignored: an old or mistyped link still opens the viewer.
    pub fn from_query_string(text: &str) -> ViewState {
        let mut state = ViewState::default();
        for (key, value) in form_urlencoded::parse(text.trim_start_matches('?').as_bytes()) {
            match key.as_ref() {
                "status" => {
                    state.query.status = RequestStatus::KNOWN.iter().copied().find(|s| s.known_name() == Some(&*value))
                }
                "mine" => state.query.only_mine = value == "1",
                "id" => state.query.request_id = Uuid::try_parse(&value).ok(),
                "q" => state.narrowing.text = value.into_owned(),
                "type" => state.narrowing.types = parse_codes(&value, RequestType::KNOWN, RequestType::known_name),
                "state" => {
                    state.narrowing.statuses = parse_codes(&value, RequestStatus::KNOWN, RequestStatus::known_name)
                }
                "from" => state.narrowing.submitted_from = parse_day(&value),
                "to" => state.narrowing.submitted_to = parse_day(&value),
                "sort" => state.sort = parse_sort(&value).unwrap_or_default(),
                "open" => state.open = Uuid::try_parse(&value).ok(),
                _ => {}
            }
        }
        state
    }
}

/// Names where there are names, numbers otherwise: `Enroll,12`.
fn join_codes(codes: impl Iterator<Item = (Option<&'static str>, i32)>) -> String {
    codes.map(|(name, code)| name.map_or_else(|| code.to_string(), str::to_owned)).collect::<Vec<_>>().join(",")
}

fn parse_codes<T: Copy + From<i32> + PartialEq>(
    text: &str,
    known: &[T],
    name: fn(T) -> Option<&'static str>,
) -> Vec<T> {
    let mut codes = Vec::new();
    for part in text.split(',') {
        let code =
            known.iter().copied().find(|value| name(*value) == Some(part)).or_else(|| part.parse().ok().map(T::from));
        if let Some(code) = code.filter(|code| !codes.contains(code)) {
            codes.push(code);
        }
    }
    codes
}

fn direction_key(direction: Direction) -> &'static str {
    match direction {
        Direction::Ascending => "asc",
        Direction::Descending => "desc",
    }
}

fn parse_sort(text: &str) -> Option<SortOrder> {
    let keys = text
        .split(',')
        .map(|part| {
            let (column, direction) = part.rsplit_once('-')?;
            let direction = match direction {
                "asc" => Direction::Ascending,
                "desc" => Direction::Descending,
                _ => return None,
            };
            Some(SortKey { column: Column::from_key(column)?, direction })
        })
        .collect::<Option<Vec<_>>>()?;
    SortOrder::from_keys(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn everything() -> ViewState {
        ViewState {
            query: ServerQuery { status: Some(RequestStatus::Pending), only_mine: true, request_id: None },
            narrowing: Narrowing {
                text: "lost card & more".into(),
                types: vec![RequestType::Enroll, RequestType::from(12)],
                statuses: vec![RequestStatus::Denied],
                submitted_from: Some("2024-01-01".parse().unwrap()),
                submitted_to: Some("2024-12-31".parse().unwrap()),
            },
            sort: SortOrder::default()
                .after_click(Column::Status, false)
                .after_click(Column::Type, true)
                .after_click(Column::Type, true),
            open: Some(uuid::uuid!("0c96d73f-967b-420e-854a-43ad2a1504bc")),
        }
    }

    #[test]
    fn the_default_view_has_a_plain_url() {
        assert_eq!(ViewState::default().to_query_string(), "");
        assert_eq!(ViewState::from_query_string(""), ViewState::default());
        assert_eq!(ViewState::from_query_string("?"), ViewState::default());
    }

    #[test]
    fn every_choice_survives_a_link() {
        let state = everything();
        let link = state.to_query_string();
        assert_eq!(
            link,
            "?status=Pending&mine=1&q=lost+card+%26+more&type=Enroll%2C12&state=Denied&from=2024-01-01&to=2024-12-31\
             &sort=status-asc%2Ctype-desc&open=0c96d73f-967b-420e-854a-43ad2a1504bc"
        );
        assert_eq!(ViewState::from_query_string(&link), state);
    }

    #[test]
    fn a_looked_up_id_survives_a_link() {
        let state = ViewState {
            query: ServerQuery {
                request_id: Some(uuid::uuid!("a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099")),
                ..ServerQuery::default()
            },
            ..ViewState::default()
        };
        assert_eq!(ViewState::from_query_string(&state.to_query_string()), state);
    }

    #[test]
    fn nonsense_in_a_link_is_ignored() {
        let state = ViewState::from_query_string(
            "status=Sideways&mine=yes&id=nope&type=Enroll,Enroll,Bogus&from=2024-13-01&sort=status-up&open=x&utm_source=mail",
        );
        assert_eq!(state.narrowing.types, [RequestType::Enroll]);
        assert_eq!(ViewState { narrowing: Narrowing::default(), ..state }, ViewState::default());
        assert_eq!(ViewState::from_query_string("sort=type-asc,type-desc").sort, SortOrder::default());
    }
}
