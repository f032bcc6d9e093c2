//! What the detail view shows beside a request: its smart cards and profiles
//! (their fields, certificates and the operations the user may run), and
//! for a request still waiting, its template's policy and why it waits.

use crate::columns::guid_text;
use crate::detail::{Field, SecurityView, card_field, descriptor_view, field, template, yes_no};
use cm_model::{
    CardCertificate, CardStatus, NameBook, Policy, PolicyMatch, Profile, Request, RequestStatus, RequestType,
    ResponseError, SmartCard, policy_type,
};
use serde_json::{Map, Value};
use uuid::Uuid;

/// What a related object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    SmartCard,
    Profile,
}

impl Holder {
    /// The object in a sentence: `this smart card`.
    pub fn this(self) -> &'static str {
        match self {
            Holder::SmartCard => "this smart card",
            Holder::Profile => "this profile",
        }
    }
}

/// A smart card or profile a request names, as the detail view asks for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelatedObject {
    /// `New smart card`, or `Smart card` when the request names the same card as new and old.
    pub title: &'static str,
    pub holder: Holder,
    pub id: Uuid,
    /// Whether it is the card or profile the request makes (rather than the one it starts from).
    pub is_new: bool,
}

/// The cards and profiles `request` names, each once, new before old.
pub fn related_objects(request: &Request) -> Vec<RelatedObject> {
    let mut objects = Vec::new();
    let mut add = |holder, new: Option<Uuid>, old: Option<Uuid>, titles: [&'static str; 3]| {
        let [same, new_title, old_title] = titles;
        match (new, old) {
            (Some(new), Some(old)) if new == old => {
                objects.push(RelatedObject { title: same, holder, id: new, is_new: true })
            }
            _ => {
                objects.extend(new.map(|id| RelatedObject { title: new_title, holder, id, is_new: true }));
                objects.extend(old.map(|id| RelatedObject { title: old_title, holder, id, is_new: false }));
            }
        }
    };
    add(
        Holder::SmartCard,
        request.new_smartcard_uuid,
        request.old_smartcard_uuid,
        ["Smart card", "New smart card", "Old smart card"],
    );
    add(Holder::Profile, request.new_profile_uuid, request.old_profile_uuid, ["Profile", "New profile", "Old profile"]);
    objects
}

fn not_given<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "not given".to_owned(), |value| value.to_string())
}

fn status_text(status: Option<CardStatus>, names: &NameBook) -> String {
    status.map_or_else(|| "not given".to_owned(), |status| format!("{} ({})", names.card_status(status), status.code()))
}

/// A smart card's fields; the cards it names link to their lookup.
pub fn card_fields(card: &SmartCard, names: &NameBook) -> Vec<Field> {
    let itself = |other: Option<Uuid>| other.filter(|&other| Some(other) != card.uuid);
    let primary = match card.primary_smartcard_uuid {
        Some(primary) if Some(primary) == card.uuid => field("Primary card", "this card"),
        primary => card_field("Primary card", primary),
    };
    vec![
        field("Serial number", not_given(card.serial_number.as_deref())),
        field("Status", status_text(card.status, names)),
        field("Assigned user", guid_text(card.assigned_user_uuid)),
        field("Profile template", template(card.profile_template_uuid, names)),
        field("Template version", not_given(card.profile_template_version)),
        field("Middleware", not_given(card.middleware.as_deref())),
        field("ATR", not_given(card.atr.as_deref())),
        card_field("Parent card", itself(card.parent_smartcard_uuid)),
        primary,
        card_field("Permanent card", itself(card.permanent_smartcard_uuid)),
        field("Card ID", guid_text(card.uuid)),
        field("Flags", not_given(card.flags)),
        field("Comment", card.comment.clone().filter(|c| !c.is_empty()).unwrap_or_else(|| "none".to_owned())),
    ]
}

/// A profile's fields.
pub fn profile_fields(profile: &Profile, names: &NameBook) -> Vec<Field> {
    vec![
        field("Status", status_text(profile.status, names)),
        field("Assigned user", guid_text(profile.assigned_user_uuid)),
        field("Profile template", template(profile.profile_template_uuid, names)),
        field("Template version", not_given(profile.profile_template_version)),
        field("Parent profile", guid_text(profile.parent_profile_uuid)),
        field("Primary profile", guid_text(profile.primary_profile_uuid)),
        field("Profile ID", guid_text(profile.uuid)),
        field("Flags", not_given(profile.flags)),
        field("Comment", profile.comment.clone().filter(|c| !c.is_empty()).unwrap_or_else(|| "none".to_owned())),
    ]
}

/// What the detail view warns of when a request and its card disagree, as
/// administrators see after a failed switch to a new card: the request
/// completed, yet its new card never became active.
pub fn out_of_step(request: &Request, object: &RelatedObject, status: Option<CardStatus>) -> Option<String> {
    let waiting = matches!(status, Some(CardStatus::New | CardStatus::Assigned));
    (request.status == RequestStatus::Completed && object.is_new && waiting).then(|| {
        let what = object.title.to_lowercase();
        format!(
            "Out of step: the request completed, but its {what} is still {}; it was never made active.",
            status.map(|status| status.to_string()).unwrap_or_default()
        )
    })
}

/// The headers of the certificates table, in the order of [`certificate_row`].
pub const CERTIFICATE_HEADERS: [&str; 6] =
    ["Certificate template", "Serial number", "Thumbprint", "Key archived on CA", "Key history", "Type"];

fn maybe_yes_no(value: Option<bool>) -> &'static str {
    value.map_or("not given", yes_no)
}

/// A certificate as a row of [`CERTIFICATE_HEADERS`].
pub fn certificate_row(certificate: &CardCertificate) -> [String; 6] {
    [
        not_given(certificate.template_common_name.as_deref()),
        not_given(certificate.serial_number.as_deref()),
        not_given(certificate.thumbprint.as_deref()),
        maybe_yes_no(certificate.archived_on_ca).to_owned(),
        maybe_yes_no(certificate.is_key_history).to_owned(),
        not_given(certificate.certificate_type),
    ]
}

/// What the signed-in user may do with a card or profile, in a sentence.
pub fn operations_text(holder: Holder, operations: &[String]) -> String {
    match operations {
        [] => format!("Your CM permissions allow no operation on {}.", holder.this()),
        _ => format!("Your CM permissions allow: {}.", operations.join(", ")),
    }
}

/// Every field of an object that is not shown above, with its JSON.
pub fn other_fields(fields: &Map<String, Value>) -> Vec<(String, String)> {
    fields.iter().map(|(key, value)| (key.clone(), value.to_string())).collect()
}

/// Whether the detail view shows a request's policy: only while the request
/// waits for something the policy decides (approvals, an enrollment agent).
pub fn shows_policy(request: &Request) -> bool {
    matches!(request.status, RequestStatus::Pending | RequestStatus::Approved)
}

/// Where `request`'s policy is asked for: its template, and the policy type.
pub fn policy_address(request: &Request) -> Option<(Uuid, &'static str)> {
    Some((request.profile_template_uuid?, policy_type(request.request_type)?.0))
}

/// A template's policy for one request type, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyView {
    /// Why the request waits, in a sentence.
    pub waiting: String,
    pub fields: Vec<Field>,
    /// Who may approve; `None` when the policy does not say.
    pub approvers: Option<SecurityView>,
    /// The names of the data items the policy collects.
    pub data_items: Vec<String>,
    /// A sentence when the policy type was matched to the request type by inference.
    pub inferred: Option<String>,
}

/// `policy` (the policy of `request`'s template for its type) in words.
pub fn policy_view(request: &Request, policy: &Policy, names: &NameBook) -> PolicyView {
    let who = |sddl: &Option<String>| {
        sddl.as_deref().map_or_else(
            || "not given".to_owned(),
            |sddl| {
                let trustees: Vec<String> = descriptor_view(sddl, names)
                    .dacl
                    .into_iter()
                    .filter(|row| row.tone == "allow")
                    .map(|row| row.trustee)
                    .collect();
                if trustees.is_empty() { "nobody".to_owned() } else { trustees.join("; ") }
            },
        )
    };
    let data_items = policy
        .policy_data_collection
        .iter()
        .flatten()
        .map(|item| match item.get("Name").and_then(Value::as_str) {
            Some(name) => name.to_owned(),
            None => item.to_string(),
        })
        .collect();
    let inferred =
        policy_type(request.request_type).filter(|(_, matched)| *matched == PolicyMatch::Inferred).map(|(name, _)| {
            format!(
                "The API has no policy named after {} requests; this is its {name} policy, the nearest match.",
                names.request_type(request.request_type)
            )
        });
    PolicyView {
        waiting: waiting_reason(request, policy),
        fields: vec![
            field("Approvals needed", not_given(policy.approvals_needed)),
            field("Who may approve", who(&policy.authorized_approver)),
            field("Who may start it", who(&policy.authorized_initiator)),
            field("Enrollment agents", who(&policy.authorized_enrollment_agent)),
            field("Enrollment agent required", maybe_yes_no(policy.enroll_agent_required)),
            field("Self-service", maybe_yes_no(policy.self_service_enabled)),
            field("Policy enabled", maybe_yes_no(policy.enabled)),
        ],
        approvers: policy.authorized_approver.as_deref().map(|sddl| descriptor_view(sddl, names)),
        data_items,
        inferred,
    }
}

/// Why a pending or approved request waits, from what its policy says.
fn waiting_reason(request: &Request, policy: &Policy) -> String {
    let agent = policy.enroll_agent_required == Some(true) || request.is_enrollment_agent;
    match (request.status, policy.approvals_needed) {
        (RequestStatus::Approved, _) if agent => {
            "Approved: it waits for an enrollment agent to carry it out.".to_owned()
        }
        (RequestStatus::Approved, _) => {
            "Approved: it waits for the user to carry it out (for example, to insert the card).".to_owned()
        }
        (_, Some(needed)) if needed > 0 => format!(
            "Pending: the policy needs {needed} approval{} before it can go on; one of those who may \
             approve (below) must approve it in the CM portal.",
            if needed == 1 { "" } else { "s" }
        ),
        _ if !request.is_data_collection_complete => {
            "Pending: the policy needs no approval, but its data collection is not complete.".to_owned()
        }
        (_, Some(_)) => "Pending: the policy needs no approval; the request waits for the user.".to_owned(),
        (_, None) => "Pending: the policy does not say how many approvals it needs.".to_owned(),
    }
}

/// Why a card, profile, certificates, operations or policy (`subject`: `this
/// smart card`, `its certificates`) could not be read, in words: every
/// endpoint can refuse alone, so a help desk learns what it may not see.
pub fn refusal_text(subject: &str, error: &ResponseError) -> String {
    match error {
        ResponseError::Forbidden => format!(
            "You are not allowed to see {subject} (403): your CM permissions do not include it. A CM \
             administrator can grant it."
        ),
        ResponseError::ApiNotEnabled => format!(
            "The CM server does not know {subject} (404): it may have been deleted, or this CM server \
             does not offer it."
        ),
        ResponseError::NotJson { received } => format!(
            "Could not read {subject}: the server sent {received} instead of JSON, as a sign-in page or a \
             proxy's error page does. Open the CM host in this browser, sign in, then open this request again."
        ),
        ResponseError::NotRequests { reason } => {
            format!("Could not read {subject}: the server's answer is not what the API documents ({reason}).")
        }
        other => format!("Could not read {subject}. {other}"),
    }
}

/// What the page says when a request of `request_type` has no policy type.
pub fn no_policy_text(request_type: RequestType, names: &NameBook) -> String {
    format!(
        "The API has no policy for {} requests, so why it waits cannot be looked up.",
        names.request_type(request_type)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed_examples;
    use cm_model::RequestType;

    #[test]
    fn the_same_card_as_new_and_old_is_shown_once() {
        let objects = related_objects(&seed_examples::unblock());
        let titles: Vec<_> = objects.iter().map(|object| (object.title, object.holder)).collect();
        assert_eq!(titles, [("Smart card", Holder::SmartCard), ("Profile", Holder::Profile)]);
        assert!(related_objects(&seed_examples::enroll()).is_empty());

        let mut renewal = seed_examples::unblock();
        renewal.new_smartcard_uuid = Some(Uuid::from_u128(7));
        renewal.old_profile_uuid = None;
        let titles: Vec<_> = related_objects(&renewal).iter().map(|object| object.title).collect();
        assert_eq!(titles, ["New smart card", "Old smart card", "New profile"]);
    }

    #[test]
    fn a_card_reads_as_a_help_desk_needs_it() {
        let own = Uuid::from_u128(1);
        let card = SmartCard {
            uuid: Some(own),
            status: Some(CardStatus::Unknown(4)),
            primary_smartcard_uuid: Some(own),
            parent_smartcard_uuid: Some(Uuid::from_u128(2)),
            serial_number: Some("4D2A00F3".into()),
            ..SmartCard::default()
        };
        let fields = card_fields(&card, &NameBook::default());
        let value = |label: &str| fields.iter().find(|field| field.label == label).unwrap();
        assert_eq!(value("Serial number").value, "4D2A00F3");
        assert_eq!(value("Status").value, "Unknown (4) (4)");
        assert_eq!(value("Primary card").value, "this card");
        assert_eq!(value("Primary card").card, None);
        assert_eq!(value("Parent card").card, Some(Uuid::from_u128(2)));
        assert_eq!(value("Middleware").value, "not given");
        assert_eq!(value("Permanent card").value, "none");
    }

    #[test]
    fn a_completed_request_whose_new_card_never_became_active_is_out_of_step() {
        let mut request = seed_examples::unblock();
        request.status = RequestStatus::Completed;
        let object = related_objects(&request)[0];
        assert!(out_of_step(&request, &object, Some(CardStatus::Assigned)).unwrap().contains("still Assigned"));
        assert_eq!(out_of_step(&request, &object, Some(CardStatus::Active)), None);
        request.status = RequestStatus::Pending;
        assert_eq!(out_of_step(&request, &object, Some(CardStatus::Assigned)), None);
    }

    #[test]
    fn certificates_and_operations_read_as_words() {
        let certificate = CardCertificate {
            template_common_name: Some("CMSmartcardLogon".into()),
            archived_on_ca: Some(false),
            ..CardCertificate::default()
        };
        assert_eq!(certificate_row(&certificate)[0], "CMSmartcardLogon");
        assert_eq!(certificate_row(&certificate)[3], "no");
        assert_eq!(certificate_row(&certificate)[4], "not given");
        assert_eq!(
            operations_text(Holder::SmartCard, &["renew".into(), "unblock".into()]),
            "Your CM permissions allow: renew, unblock."
        );
        assert!(operations_text(Holder::Profile, &[]).ends_with("on this profile."));
    }

    #[test]
    fn a_pending_request_says_why_it_waits() {
        let mut request = seed_examples::unblock();
        request.status = RequestStatus::Pending;
        request.is_data_collection_complete = true;
        let policy = Policy {
            approvals_needed: Some(2),
            authorized_approver: Some("O:SYD:(A;;CCRP;;;DA)(D;;CC;;;WD)".into()),
            policy_data_collection: Some(vec![serde_json::json!({"Name": "Badge"}), serde_json::json!(7)]),
            ..Policy::default()
        };
        let view = policy_view(&request, &policy, &NameBook::default());
        assert!(view.waiting.starts_with("Pending: the policy needs 2 approvals"), "{}", view.waiting);
        let who = view.fields.iter().find(|field| field.label == "Who may approve").unwrap();
        assert_eq!(who.value, "Domain Admins (DA)");
        assert_eq!(view.data_items, ["Badge", "7"]);
        assert_eq!(view.inferred, None);
        assert!(shows_policy(&request));

        request.request_type = RequestType::Disable;
        let view = policy_view(&request, &Policy::default(), &NameBook::default());
        assert_eq!(view.waiting, "Pending: the policy does not say how many approvals it needs.");
        assert!(view.inferred.unwrap().contains("its revoke policy"));
        request.status = RequestStatus::Approved;
        assert!(policy_view(&request, &Policy::default(), &NameBook::default()).waiting.contains("the user"));
    }

    #[test]
    fn refusals_name_what_could_not_be_read() {
        assert!(
            refusal_text("this smart card", &ResponseError::Forbidden)
                .starts_with("You are not allowed to see this smart card (403)")
        );
        let html = ResponseError::NotJson { received: "an HTML page".into() };
        assert!(
            refusal_text("its certificates", &html)
                .contains("Could not read its certificates: the server sent an HTML page")
        );
    }
}
