//! Everything the user chose, as the query string of the page's own URL, so
//! that a link shows a colleague the same view and back and forward work.
//!
//! Only the query string is used, never the path: the viewer is plain static
//! files, and a static server without rewrite rules answers any path with a
//! 404 but ignores the query string. It therefore works at the web root and
//! under any sub-path.
//!
//! `?status=Pending&mine=1&q=lost+card&type=Enroll,5&from=2024-01-01&sort=status-asc,type-desc&open=<guid>`

use crate::card_lookup::CardLookup;
use crate::columns::Column;
use crate::narrowing::Narrowing;
use crate::narrowing::{date_input_text, parse_date_input};
use crate::query::ServerQuery;
use crate::sorting::{Direction, SortCriterion, SortOrder};
use cm_model::{RequestStatus, RequestType};
use uuid::Uuid;

/// The longest query string read; what lies past it is ignored. A link the
/// viewer writes takes a few hundred bytes, a few thousand with a long search
/// (IIS refuses query strings past 2048 bytes by default): a longer one was
/// not written by the viewer, and reading it whole would only cost memory.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

/// The search words read from a link; later ones are ignored. More than
/// anybody types into the search box, and each word is one more pass over the
/// search index on every change, so a link must not bring thousands.
pub const MAX_SEARCH_WORDS: usize = 32;

/// The types, and the statuses, read from a link; later ones are ignored.
/// CM documents about a dozen of each; the rest of the room is for numbers an
/// administrator named in config.json. Each code is compared with the others
/// already read, so their number must stay small.
pub const MAX_CODES: usize = 64;

/// What the page shows: the question to the server, the narrowing, the order
/// and the open request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewState {
    pub query: ServerQuery,
    pub narrowing: Narrowing,
    pub sort: SortOrder,
    /// The request whose details are open.
    pub open: Option<Uuid>,
    /// The smart card looked up, whose requests are shown.
    pub card: Option<CardLookup>,
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
            out.append_pair("from", &date_input_text(from));
        }
        if let Some(to) = narrowing.submitted_to {
            out.append_pair("to", &date_input_text(to));
        }
        if self.sort != SortOrder::default() {
            let criteria: Vec<String> = self
                .sort
                .criteria()
                .iter()
                .map(|criterion| format!("{}-{}", criterion.column.url_name(), direction_url_name(criterion.direction)))
                .collect();
            out.append_pair("sort", &criteria.join(","));
        }
        if let Some(open) = self.open {
            out.append_pair("open", &open.to_string());
        }
        if let Some(card) = &self.card {
            out.append_pair("card", card.text());
        }
        let query = out.finish();
        if query.is_empty() { query } else { format!("?{query}") }
    }

    /// Reads a query string (with or without its `?`). Parts that do not make
    /// sense are ignored: an old or mistyped link still opens the viewer. So is
    /// what lies past [`MAX_QUERY_BYTES`], [`MAX_SEARCH_WORDS`] or [`MAX_CODES`].
    pub fn from_query_string(text: &str) -> ViewState {
        let mut state = ViewState::default();
        for (key, value) in form_urlencoded::parse(within_length(text.trim_start_matches('?')).as_bytes()) {
            match key.as_ref() {
                "status" => {
                    state.query.status = RequestStatus::KNOWN.iter().copied().find(|s| s.known_name() == Some(&*value))
                }
                "mine" => state.query.only_mine = value == "1",
                "id" => state.query.request_id = Uuid::try_parse(&value).ok(),
                "q" => state.narrowing.text = first_words(&value, MAX_SEARCH_WORDS).to_owned(),
                "type" => state.narrowing.types = parse_codes(&value, RequestType::KNOWN, RequestType::known_name),
                "state" => {
                    state.narrowing.statuses = parse_codes(&value, RequestStatus::KNOWN, RequestStatus::known_name)
                }
                "from" => state.narrowing.submitted_from = parse_date_input(&value),
                "to" => state.narrowing.submitted_to = parse_date_input(&value),
                "sort" => state.sort = parse_sort(&value).unwrap_or_default(),
                "open" => state.open = Uuid::try_parse(&value).ok(),
                "card" => state.card = CardLookup::parse(&value).ok(),
                _ => {}
            }
        }
        state
    }
}

/// `query` up to its last separator (between pairs, words or codes) within
/// its first [`MAX_QUERY_BYTES`]: the word, code or value the length cuts
/// would be read wrong (`1234` as `12`), so it is dropped with the rest.
fn within_length(query: &str) -> &str {
    const SEPARATORS: [&str; 6] = ["&", "+", ",", "%20", "%2C", "%2c"];
    if query.len() <= MAX_QUERY_BYTES {
        return query;
    }
    let mut cut = (0..=MAX_QUERY_BYTES).rev().find(|&at| query.is_char_boundary(at)).unwrap_or(0);
    while cut > 0 && !SEPARATORS.iter().any(|separator| query[cut..].starts_with(separator)) {
        cut = query[..cut].char_indices().next_back().map_or(0, |(at, _)| at);
    }
    &query[..cut]
}

/// `text` up to the end of its `count`th word.
fn first_words(text: &str, count: usize) -> &str {
    let mut words = 0;
    let mut in_word = false;
    for (at, character) in text.char_indices() {
        if character.is_whitespace() {
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
            if words > count {
                return text[..at].trim_end();
            }
        }
    }
    text
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
        if codes.len() == MAX_CODES {
            break;
        }
        // Read as an i64, then narrowed: the app reads i64 texts anyway, and
        // a reader of i32 texts of its own cost 55 bytes of the brotli bundle.
        let number = || part.parse::<i64>().ok().and_then(|number| i32::try_from(number).ok());
        let code = known.iter().copied().find(|value| name(*value) == Some(part)).or_else(|| number().map(T::from));
        if let Some(code) = code.filter(|code| !codes.contains(code)) {
            codes.push(code);
        }
    }
    codes
}

fn direction_url_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Ascending => "asc",
        Direction::Descending => "desc",
    }
}

fn parse_sort(text: &str) -> Option<SortOrder> {
    let criteria = text
        .split(',')
        .map(|part| {
            let (column, direction) = part.rsplit_once('-')?;
            let direction = match direction {
                "asc" => Direction::Ascending,
                "desc" => Direction::Descending,
                _ => return None,
            };
            Some(SortCriterion { column: Column::from_url_name(column)?, direction })
        })
        .collect::<Option<Vec<_>>>()?;
    SortOrder::from_criteria(criteria)
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
            card: CardLookup::parse("{d1ef 5b8a}").ok(),
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
             &sort=status-asc%2Ctype-desc&open=0c96d73f-967b-420e-854a-43ad2a1504bc&card=%7Bd1ef+5b8a%7D"
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
    fn every_column_sorts_through_a_link() {
        for column in Column::ALL {
            let state = ViewState { sort: SortOrder::default().after_click(column, false), ..ViewState::default() };
            assert_eq!(ViewState::from_query_string(&state.to_query_string()), state, "{column:?}");
        }
        let longest_waiting_first = ViewState::from_query_string("sort=waiting-desc").sort;
        assert_eq!(longest_waiting_first, SortOrder::default().after_click(Column::Waiting, false));
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

    #[test]
    fn a_link_brings_at_most_the_first_search_words() {
        let words: Vec<String> = (0..100_000).map(|number| format!("w{number}")).collect();
        let many = ViewState::from_query_string(&format!("q={}", words.join("+")));
        assert_eq!(many.narrowing.text, words[..MAX_SEARCH_WORDS].join(" "));
        let spaced = ViewState::from_query_string(&format!("q=+lost++card+{}", "x+".repeat(100)));
        assert_eq!(spaced.narrowing.text.split_whitespace().count(), MAX_SEARCH_WORDS);
        assert!(spaced.narrowing.text.starts_with(" lost  card x x"), "the words kept are kept as written");
        assert_eq!(ViewState::from_query_string("q=+lost++card+").narrowing.text, " lost  card ");
    }

    #[test]
    fn a_link_brings_at_most_the_first_codes() {
        let numbers: Vec<i32> = (100..100_100).collect();
        let listed = numbers.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
        let state = ViewState::from_query_string(&format!("state=Denied,{listed}&type={listed}"));
        assert_eq!(state.narrowing.statuses.len(), MAX_CODES);
        assert_eq!(state.narrowing.statuses[..2], [RequestStatus::Denied, RequestStatus::from(100)]);
        assert!(state.narrowing.types.is_empty(), "past the length read");
        let short = numbers[..200].iter().map(i32::to_string).collect::<Vec<_>>().join(",");
        let types = ViewState::from_query_string(&format!("type={short}")).narrowing.types;
        assert_eq!(types, numbers[..MAX_CODES].iter().copied().map(RequestType::from).collect::<Vec<_>>());
    }

    #[test]
    fn what_lies_past_the_longest_link_read_is_ignored() {
        let padding = "x".repeat(MAX_QUERY_BYTES - "mine=1&q=".len());
        let state = ViewState::from_query_string(&format!("mine=1&q={padding}&status=Pending"));
        assert!(state.query.only_mine);
        assert_eq!(state.narrowing.text, padding);
        assert_eq!(state.query.status, None, "the pair past the length is not read, not even in part");
        let cut = format!("mine=1&q={padding}y");
        assert_eq!(ViewState::from_query_string(&cut).narrowing.text, "", "a pair cut by the length is dropped");
        let ten_megabytes = format!("?mine=1&{}", "\u{e9}&q=\u{e9}\u{e9}&".repeat(1024 * 1024));
        let huge = ViewState::from_query_string(&ten_megabytes);
        assert!(huge.query.only_mine);
        assert_eq!(huge.narrowing.text, "\u{e9}\u{e9}");
        let one_value = format!("open=x{}", "\u{e9}".repeat(5 * 1024 * 1024));
        assert_eq!(ViewState::from_query_string(&one_value), ViewState::default(), "cut inside a character");
        let encoded = format!("q={}", "%41".repeat(10 * 1024 * 1024 / 3));
        assert_eq!(ViewState::from_query_string(&encoded), ViewState::default());
        let codes = format!("type=Enroll{}", "%2C1234".repeat(2 * 1024 * 1024));
        let types = ViewState::from_query_string(&codes).narrowing.types;
        assert_eq!(types, [RequestType::Enroll, RequestType::from(1234)], "no code is read cut short");
    }
}
