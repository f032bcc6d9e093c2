//! A profile template's policy for one kind of request
//! (`GET .../profiletemplates/{id}/policies/{type}`): how many approvals a
//! request needs, who may approve it, which data it collects. Microsoft's
//! reference lists the fields but its example bodies are "coming soon", so
//! it is read leniently and every field it does not name is kept.

use crate::lenient::{Fields, read_leniently};
use crate::{RequestType, ShortenedText};
use serde::Serialize;
use serde_json::{Map, Value};

/// `ProfileTemplatePolicy`, and what the policy of one request type adds to it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Policy {
    /// `ApprovalsNeeded`: approvals a request needs before it can be executed.
    pub approvals_needed: Option<i64>,
    /// `AuthorizedApprover`: SDDL of who may approve.
    pub authorized_approver: Option<String>,
    /// `AuthorizedInitiator`: SDDL of who may start such a request.
    pub authorized_initiator: Option<String>,
    /// `AuthorizedEnrollmentAgent`: SDDL of who may act as enrollment agent.
    pub authorized_enrollment_agent: Option<String>,
    /// `Enabled`: whether the template allows this kind of request at all.
    pub enabled: Option<bool>,
    /// `EnrollAgentRequired`: whether an enrollment agent must run the request.
    pub enroll_agent_required: Option<bool>,
    /// `SelfServiceEnabled`: whether users may start such a request themselves.
    pub self_service_enabled: Option<bool>,
    /// `PolicyDataCollection`: the data items collected; their shape is not documented.
    pub policy_data_collection: Option<Vec<Value>>,
    /// Every other field (`CollectComments`, `OneTimePasswordPolicy`,
    /// `Personalization`, a type's own fields…), as received.
    #[serde(flatten)]
    pub other_fields: Map<String, Value>,
    /// Texts cut because the policy's JSON was too long to keep whole.
    #[serde(skip)]
    pub shortened: Vec<ShortenedText>,
}

impl Policy {
    fn from_fields(mut fields: Fields) -> Policy {
        Policy {
            approvals_needed: fields.number("ApprovalsNeeded"),
            authorized_approver: fields.text("AuthorizedApprover"),
            authorized_initiator: fields.text("AuthorizedInitiator"),
            authorized_enrollment_agent: fields.text("AuthorizedEnrollmentAgent"),
            enabled: fields.flag("Enabled"),
            enroll_agent_required: fields.flag("EnrollAgentRequired"),
            self_service_enabled: fields.flag("SelfServiceEnabled"),
            policy_data_collection: fields.list("PolicyDataCollection"),
            other_fields: fields.rest(),
            shortened: Vec::new(),
        }
    }
}

read_leniently!(Policy);

/// The `{type}` of the policy URL for requests of `request_type`, and whether
/// that match is inferred: the API's policy types (Enroll, Duplicate,
/// OfflineUnblock, OnlineUpdate, Renew, Recover, RecoverOnBehalf, Reinstate,
/// Retire, Revoke, TemporaryEnroll, Unblock) are not the request types' names.
pub fn policy_type(request_type: RequestType) -> Option<(&'static str, PolicyMatch)> {
    use PolicyMatch::{Inferred, SameName};
    Some(match request_type {
        RequestType::Enroll => ("enroll", SameName),
        RequestType::Recover => ("recover", SameName),
        RequestType::Renew => ("renew", SameName),
        RequestType::Unblock => ("unblock", SameName),
        RequestType::Duplicate => ("duplicate", SameName),
        RequestType::Retire => ("retire", SameName),
        RequestType::RecoverOnBehalf => ("recoveronbehalf", SameName),
        RequestType::OnlineUpdate => ("onlineupdate", SameName),
        RequestType::TemporaryCardEnroll => ("temporaryenroll", SameName),
        RequestType::Disable => ("revoke", Inferred),
        RequestType::SuspendOrReinstate => ("reinstate", Inferred),
        RequestType::Unknown(_) => return None,
    })
}

/// How a request type is matched to a policy type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyMatch {
    /// The names are the same, up to case (`TemporaryCardEnroll`: `TemporaryEnroll`).
    SameName,
    /// The names differ, and the match is this viewer's reading (Disable: Revoke).
    Inferred,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_fields_are_read_and_the_rest_kept() {
        let policy: Policy = serde_json::from_str(
            r#"{"ApprovalsNeeded":2,"AuthorizedApprover":"O:SYD:(A;;CCRP;;;DA)","Enabled":true,
            "PolicyDataCollection":[{"Name":"Badge"}],"CollectComments":true,"OneTimePasswordPolicy":{"x":1}}"#,
        )
        .unwrap();
        assert_eq!(policy.approvals_needed, Some(2));
        assert_eq!(policy.authorized_approver.as_deref(), Some("O:SYD:(A;;CCRP;;;DA)"));
        assert_eq!(policy.enabled, Some(true));
        assert_eq!(policy.policy_data_collection.map(|items| items.len()), Some(1));
        assert_eq!(policy.other_fields.keys().collect::<Vec<_>>(), ["CollectComments", "OneTimePasswordPolicy"]);
    }

    #[test]
    fn every_known_request_type_has_a_policy_type() {
        for &request_type in RequestType::KNOWN {
            assert!(policy_type(request_type).is_some(), "{request_type}");
        }
        assert_eq!(policy_type(RequestType::Disable), Some(("revoke", PolicyMatch::Inferred)));
        assert_eq!(policy_type(RequestType::Unknown(12)), None);
    }
}
