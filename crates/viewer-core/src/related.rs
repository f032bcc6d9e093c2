//! What the detail view shows beside a request: its smart cards and profiles
//! (their fields, certificates and the operations the user may run), and
//! for a request still waiting, its template's policy and why it waits.

use crate::blocks::Block;
use crate::columns::guid_text;
use crate::detail::{Field, card_field, descriptor_view, field, template, yes_no};
use cm_model::{
    CardCertificate, CardStatus, NameBook, Policy, PolicyMatch, Profile, Request, RequestStatus, RequestType,
    ResponseError, SmartCard, json_text, policy_type,
};
use serde_json::{Map, Value};
use uuid::Uuid;

/// What a related object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RelatedObject {
    /// `New smart card`, or `Smart card` when the request names the same card as new and old.
    pub title: &'static str,
    pub holder: Holder,
    pub id: Uuid,
    /// Whether it is the card or profile the request makes (rather than the one it starts from).
    pub is_new: bool,
    /// Whether the request has completed: its card is then expected to be in use, and
    /// a request that completes while shown has its cards asked for again.
    pub completed: bool,
}

/// The cards and profiles `request` names, each once, new before old.
pub fn related_objects(request: &Request) -> Vec<RelatedObject> {
    let completed = request.status == RequestStatus::Completed;
    let mut objects = Vec::new();
    let mut add = |holder, new: Option<Uuid>, old: Option<Uuid>, titles: [&'static str; 3]| {
        let [same, new_title, old_title] = titles;
        match (new, old) {
            (Some(new), Some(old)) if new == old => {
                objects.push(RelatedObject { title: same, holder, id: new, is_new: true, completed })
            }
            _ => {
                objects.extend(new.map(|id| RelatedObject { title: new_title, holder, id, is_new: true, completed }));
                objects.extend(old.map(|id| RelatedObject { title: old_title, holder, id, is_new: false, completed }));
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

/// A smart card as the detail view shows it; `None` when the server has no such card.
pub fn card_blocks(card: Option<&SmartCard>, object: &RelatedObject, names: &NameBook) -> Vec<Block> {
    match card {
        None => vec![not_found(object)],
        Some(card) => holder_blocks(object, card.status, card_fields(card, names), &card.other_fields),
    }
}

/// A profile as the detail view shows it; `None` when the server has no such profile.
pub fn profile_blocks(profile: Option<&Profile>, object: &RelatedObject, names: &NameBook) -> Vec<Block> {
    match profile {
        None => vec![not_found(object)],
        Some(profile) => holder_blocks(object, profile.status, profile_fields(profile, names), &profile.other_fields),
    }
}

fn not_found(object: &RelatedObject) -> Block {
    Block::Text(format!("The CM server has no record of {} ({}).", object.holder.this(), object.id))
}

fn holder_blocks(
    object: &RelatedObject,
    status: Option<CardStatus>,
    fields: Vec<Field>,
    other: &Map<String, Value>,
) -> Vec<Block> {
    let mut blocks: Vec<Block> = out_of_step(object, status).map(Block::Warning).into_iter().collect();
    blocks.push(Block::Fields(fields));
    blocks.extend(other_fields(other));
    blocks
}

/// A smart card's fields; the cards it names link to their lookup.
fn card_fields(card: &SmartCard, names: &NameBook) -> Vec<Field> {
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
fn profile_fields(profile: &Profile, names: &NameBook) -> Vec<Field> {
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
fn out_of_step(object: &RelatedObject, status: Option<CardStatus>) -> Option<String> {
    let status = status.filter(|status| matches!(status, CardStatus::New | CardStatus::Assigned))?;
    (object.completed && object.is_new).then(|| {
        format!(
            "Out of step: the request completed, but its {} is still {status}; it was never made active.",
            object.title.to_lowercase()
        )
    })
}

/// The headers of the certificates table.
const CERTIFICATE_HEADERS: &[&str] =
    &["Template", "Serial number", "Thumbprint", "Archived on CA", "Key history", "Type"];

/// The certificates of a card or profile that could be read, and how many could not.
pub fn certificate_blocks(certificates: &[CardCertificate], unreadable: usize) -> Vec<Block> {
    let mut blocks = Vec::new();
    if unreadable > 0 {
        blocks.push(Block::Warning(format!("{unreadable} of its certificates could not be read and are not shown.")));
    }
    blocks.push(match certificates {
        [] => Block::Text("No certificates.".to_owned()),
        _ => Block::Table { headers: CERTIFICATE_HEADERS, rows: certificates.iter().map(certificate_row).collect() },
    });
    blocks
}

fn maybe_yes_no(value: Option<bool>) -> &'static str {
    value.map_or("not given", yes_no)
}

fn certificate_row(certificate: &CardCertificate) -> Vec<String> {
    vec![
        not_given(certificate.template_common_name.as_deref()),
        not_given(certificate.serial_number.as_deref()),
        not_given(certificate.thumbprint.as_deref()),
        maybe_yes_no(certificate.archived_on_ca).to_owned(),
        maybe_yes_no(certificate.is_key_history).to_owned(),
        not_given(certificate.certificate_type),
    ]
}

/// What the signed-in user may do with a card or profile: shown, never done.
pub fn operation_blocks(holder: Holder, operations: &[String]) -> Vec<Block> {
    let allowed = match operations {
        [] => format!("Your CM permissions allow no operation on {}.", holder.this()),
        _ => format!("Your CM permissions allow: {}.", operations.join(", ")),
    };
    vec![Block::Text(format!("{allowed} The viewer only shows this; it changes nothing."))]
}

/// Every field of an object that is not shown above, with its JSON.
fn other_fields(fields: &Map<String, Value>) -> Option<Block> {
    (!fields.is_empty())
        .then(|| Block::Other(fields.iter().map(|(key, value)| (key.clone(), json_text(value))).collect()))
}

/// What is asked to explain why a request waits: its template's policy for
/// its type, and what of the request the explanation depends on. The page
/// asks again only when this changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyQuestion {
    pub template: Uuid,
    /// The `{type}` of the policy URL.
    pub policy_type: &'static str,
    pub matched: PolicyMatch,
    pub request_type: RequestType,
    pub status: RequestStatus,
    pub enrollment_agent: bool,
    pub data_collection_complete: bool,
}

/// The question that explains why `request` waits: `None` for a request not
/// waiting for what a policy decides (approvals, an enrollment agent); an
/// error when no policy can be asked for.
pub fn policy_question(request: &Request, names: &NameBook) -> Option<Result<PolicyQuestion, String>> {
    if !matches!(request.status, RequestStatus::Pending | RequestStatus::Approved) {
        return None;
    }
    let Some(template) = request.profile_template_uuid else {
        return Some(Err("The request names no profile template, so its policy cannot be looked up.".to_owned()));
    };
    let Some((policy_type, matched)) = policy_type(request.request_type) else {
        return Some(Err(format!(
            "The API has no policy for {} requests, so why it waits cannot be looked up.",
            names.request_type(request.request_type)
        )));
    };
    Some(Ok(PolicyQuestion {
        template,
        policy_type,
        matched,
        request_type: request.request_type,
        status: request.status,
        enrollment_agent: request.is_enrollment_agent,
        data_collection_complete: request.is_data_collection_complete,
    }))
}

/// The policy that answers `question`, in words; `None` when the server has none.
pub fn policy_blocks(question: &PolicyQuestion, policy: Option<&Policy>, names: &NameBook) -> Vec<Block> {
    let Some(policy) = policy else {
        return vec![Block::Text("The CM server has no policy for this template and request type.".to_owned())];
    };
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
    let data_items: Vec<String> = policy
        .policy_data_collection
        .iter()
        .flatten()
        .map(|item| match item.get("Name").and_then(Value::as_str) {
            Some(name) => name.to_owned(),
            None => json_text(item),
        })
        .collect();
    let mut blocks = vec![Block::Lead(waiting_reason(question, policy))];
    if question.matched == PolicyMatch::Inferred {
        blocks.push(Block::Text(format!(
            "The API has no policy named after {} requests; this is its {} policy, the nearest match.",
            names.request_type(question.request_type),
            question.policy_type
        )));
    }
    blocks.push(Block::Fields(vec![
        field("Approvals needed", not_given(policy.approvals_needed)),
        field("Who may approve", who(&policy.authorized_approver)),
        field("Who may start it", who(&policy.authorized_initiator)),
        field("Enrollment agents", who(&policy.authorized_enrollment_agent)),
        field("Enrollment agent required", maybe_yes_no(policy.enroll_agent_required)),
        field("Self-service", maybe_yes_no(policy.self_service_enabled)),
        field("Policy enabled", maybe_yes_no(policy.enabled)),
        field("Data collected", if data_items.is_empty() { "none".to_owned() } else { data_items.join(", ") }),
    ]));
    blocks.extend(other_fields(&policy.other_fields));
    blocks
}

/// Why a pending or approved request waits, from what its policy says.
fn waiting_reason(question: &PolicyQuestion, policy: &Policy) -> String {
    let agent = policy.enroll_agent_required == Some(true) || question.enrollment_agent;
    match (question.status, policy.approvals_needed) {
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
        _ if !question.data_collection_complete => {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed_examples;

    fn fields(blocks: &[Block]) -> &[Field] {
        blocks
            .iter()
            .find_map(|block| if let Block::Fields(fields) = block { Some(&fields[..]) } else { None })
            .unwrap()
    }

    fn value<'a>(blocks: &'a [Block], label: &str) -> &'a Field {
        fields(blocks).iter().find(|field| field.label == label).unwrap_or_else(|| panic!("{label}"))
    }

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
            other_fields: serde_json::from_str(r#"{"Color":"blue"}"#).unwrap(),
            ..SmartCard::default()
        };
        let object = related_objects(&seed_examples::unblock())[0];
        let blocks = card_blocks(Some(&card), &object, &NameBook::default());
        assert_eq!(value(&blocks, "Serial number").value, "4D2A00F3");
        assert_eq!(value(&blocks, "Status").value, "Unknown (4) (4)");
        assert_eq!(value(&blocks, "Primary card").value, "this card");
        assert_eq!(value(&blocks, "Primary card").card, None);
        assert_eq!(value(&blocks, "Parent card").card, Some(Uuid::from_u128(2)));
        assert_eq!(value(&blocks, "Middleware").value, "not given");
        assert_eq!(value(&blocks, "Permanent card").value, "none");
        assert_eq!(blocks.last(), Some(&Block::Other(vec![("Color".into(), "\"blue\"".into())])));
        let missing = card_blocks(None, &object, &NameBook::default());
        assert!(
            matches!(&missing[..], [Block::Text(text)] if text.starts_with("The CM server has no record of this smart card"))
        );
        let profile = Profile { status: Some(CardStatus::Retired), ..Profile::default() };
        assert_eq!(
            value(&profile_blocks(Some(&profile), &object, &NameBook::default()), "Status").value,
            "Retired (6)"
        );
    }

    #[test]
    fn a_completed_request_whose_new_card_never_became_active_is_out_of_step() {
        let mut request = seed_examples::unblock();
        request.status = RequestStatus::Completed;
        let object = related_objects(&request)[0];
        let assigned = SmartCard { status: Some(CardStatus::Assigned), ..SmartCard::default() };
        let blocks = card_blocks(Some(&assigned), &object, &NameBook::default());
        assert!(matches!(&blocks[0], Block::Warning(text) if text.contains("its smart card is still Assigned")));
        let active = SmartCard { status: Some(CardStatus::Active), ..SmartCard::default() };
        assert!(matches!(card_blocks(Some(&active), &object, &NameBook::default())[0], Block::Fields(_)));
        request.status = RequestStatus::Pending;
        let waiting = related_objects(&request)[0];
        assert_ne!(waiting, object, "a request completing asks for its cards again");
        assert!(matches!(card_blocks(Some(&assigned), &waiting, &NameBook::default())[0], Block::Fields(_)));
    }

    #[test]
    fn certificates_and_operations_read_as_words() {
        let certificate = CardCertificate {
            template_common_name: Some("CMSmartcardLogon".into()),
            archived_on_ca: Some(false),
            ..CardCertificate::default()
        };
        let blocks = certificate_blocks(&[certificate], 2);
        assert_eq!(blocks[0], Block::Warning("2 of its certificates could not be read and are not shown.".into()));
        let Block::Table { headers, rows } = &blocks[1] else { panic!("{blocks:?}") };
        assert_eq!((headers.len(), rows[0].len()), (6, 6));
        assert_eq!(rows[0][..5], ["CMSmartcardLogon", "not given", "not given", "no", "not given"]);
        assert_eq!(certificate_blocks(&[], 0), [Block::Text("No certificates.".into())]);
        assert_eq!(
            operation_blocks(Holder::SmartCard, &["renew".into(), "unblock".into()]),
            [Block::Text(
                "Your CM permissions allow: renew, unblock. The viewer only shows this; it changes nothing.".into()
            )]
        );
        assert!(
            matches!(&operation_blocks(Holder::Profile, &[])[0], Block::Text(text) if text.contains("no operation on this profile"))
        );
    }

    #[test]
    fn a_pending_request_says_why_it_waits() {
        let names = NameBook::default();
        let mut request = seed_examples::unblock();
        request.status = RequestStatus::Pending;
        request.is_data_collection_complete = true;
        let policy = Policy {
            approvals_needed: Some(2),
            authorized_approver: Some("O:SYD:(A;;CCRP;;;DA)(D;;CC;;;WD)".into()),
            policy_data_collection: Some(vec![serde_json::json!({"Name": "Badge"}), serde_json::json!(7)]),
            ..Policy::default()
        };
        let question = policy_question(&request, &names).unwrap().unwrap();
        assert_eq!(question.policy_type, "unblock");
        let blocks = policy_blocks(&question, Some(&policy), &names);
        assert!(matches!(&blocks[0], Block::Lead(text) if text.starts_with("Pending: the policy needs 2 approvals")));
        assert_eq!(value(&blocks, "Who may approve").value, "Domain Admins (DA)");
        assert_eq!(value(&blocks, "Data collected").value, "Badge, 7");
        assert_eq!(blocks.len(), 2);

        request.request_type = RequestType::Disable;
        let question = policy_question(&request, &names).unwrap().unwrap();
        let blocks = policy_blocks(&question, Some(&Policy::default()), &names);
        assert_eq!(blocks[0], Block::Lead("Pending: the policy does not say how many approvals it needs.".into()));
        assert!(matches!(&blocks[1], Block::Text(text) if text.contains("its revoke policy")));
        request.status = RequestStatus::Approved;
        let question = policy_question(&request, &names).unwrap().unwrap();
        assert!(
            matches!(&policy_blocks(&question, Some(&Policy::default()), &names)[0], Block::Lead(text) if text.contains("the user"))
        );

        request.request_type = RequestType::from(12);
        assert!(policy_question(&request, &names).unwrap().unwrap_err().contains("no policy for Unknown (12)"));
        request.status = RequestStatus::Completed;
        assert_eq!(policy_question(&request, &names), None);
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
