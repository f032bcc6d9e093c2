//! What the viewer asks the CM server: the filters the API itself offers.
//!
//! The API filters by one status (`status=`) and by the signed-in user
//! (`targetuser=current`), or returns one request by id (`/requests/{id}`).
//! Anything else is narrowed in the page.

use crate::related::Holder;
use cm_model::{PROFILE_TEMPLATES_PATH, PROFILES_PATH, REQUESTS_PATH, RequestStatus, SMARTCARDS_PATH, shorten};
use uuid::Uuid;

/// One question to the requests endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerQuery {
    /// Only requests with this status; `None` for every status.
    pub status: Option<RequestStatus>,
    /// Only requests whose target is the signed-in user.
    pub only_mine: bool,
    /// One request by its id; the filters above do not apply to it.
    pub request_id: Option<Uuid>,
}

impl ServerQuery {
    /// A question for a request that cannot exist (the all-zero id): cheap for
    /// a server, which answers it with nothing, so it checks how a host answers.
    pub fn matching_nothing() -> ServerQuery {
        ServerQuery { request_id: Some(Uuid::nil()), ..ServerQuery::default() }
    }

    /// The URL of this question on `host`.
    pub fn url(&self, host: &str) -> String {
        let base = format!("{}{REQUESTS_PATH}", host.trim_end_matches('/'));
        if let Some(id) = self.request_id {
            return format!("{base}/{id}");
        }
        let mut parameters = Vec::new();
        if let Some(name) = self.status.and_then(RequestStatus::known_name) {
            parameters.push(format!("status={name}"));
        }
        if self.only_mine {
            parameters.push("targetuser=current".to_owned());
        }
        if parameters.is_empty() { base } else { format!("{base}?{}", parameters.join("&")) }
    }
}

/// The URL of the profile templates on `host`.
pub fn profile_templates_url(host: &str) -> String {
    format!("{}{PROFILE_TEMPLATES_PATH}", host.trim_end_matches('/'))
}

/// Reads a request id as people paste it: with or without braces, spaces or
/// line breaks, in either case. Anything else is refused with a message.
pub fn parse_request_id(text: &str) -> Result<Uuid, String> {
    if text.trim().is_empty() {
        return Err("Enter a request id.".to_owned());
    }
    pasted_guid(text).ok_or_else(|| {
        format!(
            "\u{201c}{}\u{201d} is not a request id. A request id is a GUID such as \
             a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099.",
            shorten(text, 60)
        )
    })
}

/// A GUID as people paste it: with or without braces, spaces or line breaks, in either case.
pub fn pasted_guid(text: &str) -> Option<Uuid> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bare = compact.strip_prefix('{').and_then(|inner| inner.strip_suffix('}')).unwrap_or(&compact);
    let is_guid_text = bare.len() == 36 || bare.len() == 32;
    Uuid::try_parse(bare).ok().filter(|_| is_guid_text)
}

/// The URL of a smart card or profile on `host`, or of one of its parts
/// (`certificates`, `operations`) when `part` is not empty.
pub fn holder_url(host: &str, holder: Holder, id: Uuid, part: &str) -> String {
    let path = match holder {
        Holder::SmartCard => SMARTCARDS_PATH,
        Holder::Profile => PROFILES_PATH,
    };
    let part = if part.is_empty() { String::new() } else { format!("/{part}") };
    format!("{}{path}/{id}{part}", host.trim_end_matches('/'))
}

/// The URL that finds smart cards by the physical card's id (`cardid`: its serial number).
pub fn card_search_url(host: &str, card_id: &str) -> String {
    let card_id: String = form_urlencoded::byte_serialize(card_id.as_bytes()).collect();
    format!("{}{SMARTCARDS_PATH}?cardid={card_id}", host.trim_end_matches('/'))
}

/// The URL of `template`'s policy for requests of the policy type `policy_type`.
pub fn policy_url(host: &str, template: Uuid, policy_type: &str) -> String {
    format!("{}/{template}/policies/{policy_type}", profile_templates_url(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "https://cm.contoso.com/";
    const ID: Uuid = uuid::uuid!("a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099");

    #[test]
    fn the_question_matching_nothing_asks_for_the_all_zero_id() {
        assert_eq!(
            ServerQuery::matching_nothing().url(HOST),
            "https://cm.contoso.com/CertificateManagement/api/v1.0/requests/00000000-0000-0000-0000-000000000000"
        );
    }

    #[test]
    fn the_list_url_carries_only_the_chosen_filters() {
        assert_eq!(ServerQuery::default().url(HOST), "https://cm.contoso.com/CertificateManagement/api/v1.0/requests");
        let pending_mine = ServerQuery { status: Some(RequestStatus::Pending), only_mine: true, request_id: None };
        assert_eq!(
            pending_mine.url(HOST),
            "https://cm.contoso.com/CertificateManagement/api/v1.0/requests?status=Pending&targetuser=current"
        );
        let mine = ServerQuery { only_mine: true, ..ServerQuery::default() };
        assert!(mine.url(HOST).ends_with("/requests?targetuser=current"));
    }

    #[test]
    fn templates_live_beside_the_requests() {
        assert_eq!(
            profile_templates_url(HOST),
            "https://cm.contoso.com/CertificateManagement/api/v1.0/profiletemplates"
        );
    }

    #[test]
    fn cards_profiles_and_policies_live_beside_the_requests() {
        let api = "https://cm.contoso.com/CertificateManagement/api/v1.0";
        assert_eq!(holder_url(HOST, Holder::SmartCard, ID, ""), format!("{api}/smartcards/{ID}"));
        assert_eq!(holder_url(HOST, Holder::Profile, ID, "operations"), format!("{api}/profiles/{ID}/operations"));
        assert_eq!(
            card_search_url(HOST, "{D1EF 5B8A}&x=1"),
            format!("{api}/smartcards?cardid=%7BD1EF+5B8A%7D%26x%3D1")
        );
        assert_eq!(policy_url(HOST, ID, "enroll"), format!("{api}/profiletemplates/{ID}/policies/enroll"));
    }

    #[test]
    fn a_looked_up_id_replaces_the_filters() {
        let query = ServerQuery { status: Some(RequestStatus::Denied), only_mine: true, request_id: Some(ID) };
        assert_eq!(
            query.url(HOST),
            "https://cm.contoso.com/CertificateManagement/api/v1.0/requests/a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"
        );
    }

    #[test]
    fn pasted_ids_are_accepted_in_their_usual_forms() {
        for pasted in [
            "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099",
            "{A9B4B42C-CC50-4C9B-89D1-BBC0BCD5A099}",
            "  a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099\n",
            "{ a9b4b42c-cc50-4c9b- 89d1-bbc0bcd5a099 }",
            "a9b4b42ccc504c9b89d1bbc0bcd5a099",
        ] {
            assert_eq!(parse_request_id(pasted), Ok(ID), "{pasted:?}");
        }
    }

    #[test]
    fn anything_else_is_refused_with_a_message() {
        assert_eq!(parse_request_id("  "), Err("Enter a request id.".to_owned()));
        for wrong in [
            "a9b4b42c",
            "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a09",
            "urn:uuid:a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099",
            "{a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099",
            "<script>",
        ] {
            let message = parse_request_id(wrong).unwrap_err();
            assert!(message.contains("is not a request id"), "{wrong}: {message}");
        }
    }
}
