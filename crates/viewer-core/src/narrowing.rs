//! Narrowing what was fetched, in the page: free text, types, statuses and a
//! range of submission dates. Counts beside each type and status say how many
//! rows choosing it would show.

use crate::time::{LocalClock, local_day, local_text};
use cm_model::{NameBook, Request, RequestStatus, RequestType};
/// The day type of the date range.
pub use jiff::civil::Date;
use std::collections::BTreeMap;

/// What the user narrowed the fetched requests to. Empty parts narrow nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narrowing {
    /// Words that must all appear, in any field, in any case.
    pub text: String,
    /// Only these types; empty for all.
    pub types: Vec<RequestType>,
    /// Only these statuses; empty for all.
    pub statuses: Vec<RequestStatus>,
    /// Submitted on or after this day, in the user's time zone.
    pub submitted_from: Option<Date>,
    /// Submitted on or before this day, in the user's time zone.
    pub submitted_to: Option<Date>,
}

/// The lowercased text of every decoded field of each request, built once per
/// answer so that each keystroke only searches.
pub struct SearchIndex {
    texts: Vec<String>,
    /// The day each request was submitted, in the user's time zone, as the table shows it.
    submitted_days: Vec<Option<Date>>,
}

impl SearchIndex {
    /// Indexes `requests` as they are shown: with `names`, and dates both in
    /// UTC and in the time of `clock`.
    pub fn new(requests: &[Request], names: &NameBook, clock: &dyn LocalClock) -> SearchIndex {
        SearchIndex {
            texts: requests.iter().map(|request| searchable_text(request, names, clock)).collect(),
            submitted_days: requests.iter().map(|request| local_day(&request.submitted, clock)).collect(),
        }
    }
}

fn searchable_text(request: &Request, names: &NameBook, clock: &dyn LocalClock) -> String {
    let guids = [
        Some(request.uuid),
        request.originator_user_uuid,
        request.target_user_uuid,
        request.new_profile_uuid,
        request.old_profile_uuid,
        request.new_smartcard_uuid,
        request.old_smartcard_uuid,
        request.profile_template_uuid,
    ];
    let mut text = String::new();
    for guid in guids.into_iter().flatten() {
        text.push_str(&guid.to_string());
        text.push('\n');
    }
    for part in [
        names.request_type(request.request_type).text,
        names.status(request.status).text,
        names.profile_template(request.profile_template_uuid),
        request.submitted.to_string(),
        request.completed.to_string(),
        local_text(&request.submitted, clock),
        local_text(&request.completed, clock),
        request.comment.clone(),
    ] {
        text.push_str(&part);
        text.push('\n');
    }
    for item in &request.data_collection {
        text.push_str(&item.name);
        text.push('\n');
        text.push_str(item.value.as_deref().unwrap_or_default());
        text.push('\n');
    }
    text.to_lowercase()
}

/// The result of narrowing: which rows remain, and the counts for the choices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Narrowed {
    /// Positions of the requests that remain, in their original order.
    pub positions: Vec<usize>,
    /// For each type present: how many rows remain if only the type choice changes.
    pub type_counts: BTreeMap<RequestType, usize>,
    /// For each status present: how many rows remain if only the status choice changes.
    pub status_counts: BTreeMap<RequestStatus, usize>,
}

impl Narrowing {
    /// Applies this narrowing to `requests`, indexed by `index`.
    pub fn apply(&self, requests: &[Request], index: &SearchIndex) -> Narrowed {
        let words: Vec<String> = self.text.split_whitespace().map(str::to_lowercase).collect();
        let mut narrowed =
            Narrowed { positions: Vec::new(), type_counts: BTreeMap::new(), status_counts: BTreeMap::new() };
        for (position, request) in requests.iter().enumerate() {
            let haystack = &index.texts[position];
            if !words.iter().all(|word| haystack.contains(word.as_str()))
                || !self.submitted_in_range(index.submitted_days[position])
            {
                continue;
            }
            let type_chosen = self.types.is_empty() || self.types.contains(&request.request_type);
            let status_chosen = self.statuses.is_empty() || self.statuses.contains(&request.status);
            if status_chosen {
                *narrowed.type_counts.entry(request.request_type).or_default() += 1;
            }
            if type_chosen {
                *narrowed.status_counts.entry(request.status).or_default() += 1;
            }
            if type_chosen && status_chosen {
                narrowed.positions.push(position);
            }
        }
        narrowed
    }

    fn submitted_in_range(&self, submitted: Option<Date>) -> bool {
        if self.submitted_from.is_none() && self.submitted_to.is_none() {
            return true;
        }
        let Some(day) = submitted else { return false };
        self.submitted_from.is_none_or(|from| day >= from) && self.submitted_to.is_none_or(|to| day <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cm_model::CmDate;

    fn requests() -> Vec<Request> {
        let enroll: Request = serde_json::from_str(include_str!("../../../tests/fixtures/seed-enroll.json")).unwrap();
        let unblock: Request = serde_json::from_str(include_str!("../../../tests/fixtures/seed-unblock.json")).unwrap();
        let denied_renewal = Request {
            request_type: RequestType::Renew,
            status: RequestStatus::Denied,
            comment: "Card LOST on the train".into(),
            submitted: CmDate::parse("2020-03-04T23:59:59Z"),
            uuid: uuid::uuid!("11111111-2222-4333-8444-555555555555"),
            ..enroll.clone()
        };
        vec![enroll, unblock, denied_renewal]
    }

    fn narrowed(narrowing: Narrowing) -> Narrowed {
        let requests = requests();
        narrowing.apply(&requests, &SearchIndex::new(&requests, &NameBook::default(), &crate::time::FixedOffset(0)))
    }

    #[test]
    fn nothing_narrowed_keeps_everything_with_counts() {
        let all = narrowed(Narrowing::default());
        assert_eq!(all.positions, [0, 1, 2]);
        assert_eq!(
            all.type_counts,
            BTreeMap::from([(RequestType::Enroll, 1), (RequestType::Unblock, 1), (RequestType::Renew, 1)])
        );
        assert_eq!(all.status_counts, BTreeMap::from([(RequestStatus::Approved, 2), (RequestStatus::Denied, 1)]));
    }

    #[test]
    fn every_word_must_appear_in_some_decoded_field() {
        let search = |text: &str| narrowed(Narrowing { text: text.into(), ..Narrowing::default() }).positions;
        assert_eq!(search("lost card"), [2], "comment, any case, any order");
        assert_eq!(search("unblock"), [1], "type names");
        assert_eq!(search("DENIED"), [2], "status names");
        assert_eq!(search("sample data item"), [1], "data collection names");
        assert_eq!(search("0c96d73f"), [1], "request ids");
        assert_eq!(search("17cf063d-e337"), [1], "smart card ids");
        assert_eq!(search("2015-07-07"), [0, 1], "dates as shown");
        assert_eq!(search("2020-03-04 23:59"), [2], "local dates (UTC in this test)");
        assert_eq!(search("lost unblock"), Vec::<usize>::new());
    }

    #[test]
    fn type_and_status_choices_count_each_other() {
        let approved = narrowed(Narrowing { statuses: vec![RequestStatus::Approved], ..Narrowing::default() });
        assert_eq!(approved.positions, [0, 1]);
        // Types counted among approved requests; statuses counted among all types.
        assert_eq!(approved.type_counts, BTreeMap::from([(RequestType::Enroll, 1), (RequestType::Unblock, 1)]));
        assert_eq!(approved.status_counts[&RequestStatus::Denied], 1);

        let both = Narrowing {
            types: vec![RequestType::Renew, RequestType::Enroll],
            statuses: vec![RequestStatus::Approved],
            ..Narrowing::default()
        };
        assert_eq!(narrowed(both).positions, [0]);
    }

    #[test]
    fn the_date_range_counts_days_in_the_users_time_zone() {
        let requests = requests();
        // 2020-03-04T23:59:59Z is already 5 March two hours east of UTC.
        let index = SearchIndex::new(&requests, &NameBook::default(), &crate::time::FixedOffset(2 * 3600));
        let day = |text: &str| Some(text.parse::<Date>().unwrap());
        let on_the_fifth =
            Narrowing { submitted_from: day("2020-03-05"), submitted_to: day("2020-03-05"), ..Narrowing::default() };
        assert_eq!(on_the_fifth.apply(&requests, &index).positions, [2]);
    }

    #[test]
    fn the_date_range_includes_both_days() {
        let day = |text: &str| Some(text.parse::<Date>().unwrap());
        let in_2020 =
            Narrowing { submitted_from: day("2020-03-04"), submitted_to: day("2020-03-04"), ..Narrowing::default() };
        assert_eq!(narrowed(in_2020).positions, [2]);
        let before_2016 = Narrowing { submitted_to: day("2015-12-31"), ..Narrowing::default() };
        assert_eq!(narrowed(before_2016).positions, [0, 1]);
    }

    #[test]
    fn requests_without_a_submission_date_leave_any_date_range() {
        let mut requests = requests();
        requests[0].submitted = CmDate::NotSet;
        let index = SearchIndex::new(&requests, &NameBook::default(), &crate::time::FixedOffset(0));
        let any_range = Narrowing { submitted_from: Some("2000-01-01".parse().unwrap()), ..Narrowing::default() };
        assert_eq!(any_range.apply(&requests, &index).positions, [1, 2]);
    }
}
