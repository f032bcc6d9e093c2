//! The requests the mock server holds: the two examples of Microsoft's
//! documentation, exactly, followed by a deterministic generated set.
//!
//! The generated requests are shaped like real ones: a realistic mix of types
//! and statuses, completion dates only on finished requests, data-collection
//! items on some enrollments, and security descriptors like the examples'
//! (owner SID, deny and allow ACEs, NUL padding). As on a real server, a
//! request's security descriptor comes from its profile template's permissions
//! with its target user as owner, so it repeats across that user's requests
//! for that template; and most of a user's requests use one template.

use cm_model::{
    CmDate, DataCollectionFlags, DataItem, ProfileTemplate, Request, RequestFlags, RequestStatus, RequestType,
};
use rand::distr::weighted::WeightedIndex;
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use uuid::{Uuid, uuid};

/// The user the examples belong to; the mock answers `targetuser=current` as this user.
pub const CURRENT_USER: Uuid = uuid!("8f1590dc-d932-4b66-8e68-2e91c5880780");

const SEED_EXAMPLES: [&str; 2] = [
    include_str!("../../../tests/fixtures/seed-enroll.json"),
    include_str!("../../../tests/fixtures/seed-unblock.json"),
];

/// The domain SID of the examples' users and groups.
pub(crate) const DOMAIN_SID: &str = "S-1-5-21-2127521184-1604012920-1887927527";
/// The RID of [`CURRENT_USER`] in the examples' security descriptors.
const CURRENT_USER_RID: u32 = 14134865;
/// Group RIDs that appear in the examples' ACEs.
const DENIED_GROUP_RID: u32 = 14995557;
const HELPDESK_GROUP_RIDS: [u32; 3] = [5094533, 5094534, 5219125];
/// Real servers end security descriptors with up to nine NULs, as the examples do.
const LONGEST_NUL_PADDING: &str = "\0\0\0\0\0\0\0\0\0";

/// A profile template of the mock: its id, its name, whether it issues smart
/// cards, and who its permissions let act on its requests.
pub struct TemplateSpec {
    pub uuid: Uuid,
    pub name: &'static str,
    pub is_smartcard: bool,
    /// The helpdesk groups that may act on the template's requests (an ACE each
    /// in their security descriptors); the first may also read them.
    pub helpdesk_group_rids: &'static [u32],
}

/// The templates requests refer to; the first is the examples' template.
pub const PROFILE_TEMPLATES: [TemplateSpec; 6] = [
    TemplateSpec {
        uuid: uuid!("a039b4d0-5ce8-4eff-8651-181c6576fda3"),
        name: "Smart Card User",
        is_smartcard: true,
        // As in the enrollment example.
        helpdesk_group_rids: &HELPDESK_GROUP_RIDS,
    },
    TemplateSpec {
        uuid: uuid!("5d1c2a77-0f0e-4c1b-9e43-8b8f4a6c2d10"),
        name: "Smart Card Administrator",
        is_smartcard: true,
        helpdesk_group_rids: &[HELPDESK_GROUP_RIDS[2]],
    },
    TemplateSpec {
        uuid: uuid!("9b7e3f21-6a4d-4e8b-a1c5-3f2e7d9c0b44"),
        name: "Virtual Smart Card",
        is_smartcard: true,
        helpdesk_group_rids: &[HELPDESK_GROUP_RIDS[0], HELPDESK_GROUP_RIDS[1]],
    },
    TemplateSpec {
        uuid: uuid!("c4a8e6f2-1b3d-4f5a-8c7e-9d0b2a4f6e81"),
        name: "Temporary Smart Card",
        is_smartcard: true,
        helpdesk_group_rids: &[HELPDESK_GROUP_RIDS[1]],
    },
    TemplateSpec {
        uuid: uuid!("e2f4a6c8-3d5b-4a7c-9e1f-0b2d4c6a8e13"),
        name: "Software Certificate User",
        is_smartcard: false,
        helpdesk_group_rids: &[HELPDESK_GROUP_RIDS[0]],
    },
    TemplateSpec {
        uuid: uuid!("7f3e1d5c-9b2a-4c8e-a6f4-2d0e8c6b4a97"),
        name: "VPN Software Profile",
        is_smartcard: false,
        helpdesk_group_rids: &[HELPDESK_GROUP_RIDS[1], HELPDESK_GROUP_RIDS[2]],
    },
];

/// How often a request is for its target user's own template rather than any template.
const OWN_TEMPLATE_SHARE: f64 = 0.85;

const TYPE_WEIGHTS: [(RequestType, u32); 11] = [
    (RequestType::Enroll, 35),
    (RequestType::Renew, 20),
    (RequestType::Unblock, 15),
    (RequestType::OnlineUpdate, 5),
    (RequestType::Disable, 5),
    (RequestType::Retire, 5),
    (RequestType::Recover, 4),
    (RequestType::TemporaryCardEnroll, 4),
    (RequestType::Duplicate, 3),
    (RequestType::RecoverOnBehalf, 2),
    (RequestType::SuspendOrReinstate, 2),
];

const STATUS_WEIGHTS: [(RequestStatus, u32); 8] = [
    (RequestStatus::Completed, 55),
    (RequestStatus::Canceled, 10),
    (RequestStatus::Pending, 10),
    (RequestStatus::Approved, 8),
    (RequestStatus::Denied, 5),
    (RequestStatus::Failed, 5),
    (RequestStatus::Executing, 2),
    (RequestStatus::None, 1),
];

const COMMENTS: [&str; 7] = [
    "Card lost on the train, replacement needed",
    "PIN locked after travel",
    "New starter, badge issued by reception",
    "Renewal before certificate expiry",
    "User left the company",
    "Approved by manager by phone",
    // People paste anything into a comment: the viewer must show this as text.
    HOSTILE_COMMENT,
];

/// A comment written as markup, which a page that rendered it as HTML would run.
pub const HOSTILE_COMMENT: &str = "<img src=x onerror=\"document.title='pwned'\"> <b>urgent</b>, call back";

/// Seconds since the Unix epoch of 2018-01-01 and 2026-11-01: the span of generated submissions.
const FIRST_SUBMISSION: i64 = 1_514_764_800;
const LAST_SUBMISSION: i64 = 1_793_491_200;

/// The templates as `GET .../profiletemplates` lists them.
pub fn profile_templates() -> Vec<ProfileTemplate> {
    PROFILE_TEMPLATES
        .iter()
        .map(|spec| ProfileTemplate {
            name: spec.name.to_owned(),
            description: Some(format!(
                "Issues {}",
                if spec.is_smartcard { "smart cards" } else { "software certificates" }
            )),
            uuid: spec.uuid,
            is_smartcard_profile_template: spec.is_smartcard,
            is_virtual_smartcard_profile_template: spec.is_virtual_smartcard(),
        })
        .collect()
}

/// The seed examples, decoded with the shared types.
pub fn seed_requests() -> Vec<Request> {
    SEED_EXAMPLES.iter().map(|text| serde_json::from_str(text).expect("the seed examples decode")).collect()
}

/// The seed examples followed by `generated` generated requests. The same
/// `seed` always gives the same requests.
pub fn build(generated: usize, seed: u64) -> Vec<Request> {
    let mut requests = Vec::with_capacity(SEED_EXAMPLES.len() + generated);
    requests.extend(seed_requests());
    requests.extend(Generator::new(generated, seed).take(generated));
    requests
}

struct User {
    uuid: Uuid,
    rid: u32,
    /// The user's SID, as security descriptors name the owner.
    sid: String,
    /// The index in [`PROFILE_TEMPLATES`] of the template the user's role gives them.
    own_template: usize,
}

impl TemplateSpec {
    /// Whether the template issues virtual smart cards (a TPM's), which are known by a GUID.
    pub fn is_virtual_smartcard(&self) -> bool {
        self.name.starts_with("Virtual")
    }
}

impl User {
    fn new(uuid: Uuid, rid: u32, own_template: usize) -> User {
        User { uuid, rid, sid: format!("{DOMAIN_SID}-{rid}"), own_template }
    }
}

/// An endless, deterministic stream of plausible requests.
struct Generator {
    rng: ChaCha8Rng,
    users: Vec<User>,
    descriptors: DescriptorPieces,
    types: WeightedIndex<u32>,
    statuses: WeightedIndex<u32>,
}

impl Generator {
    fn new(expected: usize, seed: u64) -> Generator {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // About four requests per user over the years, as in a real deployment.
        let user_count = (expected / 4).max(1);
        // The examples' user has the examples' template.
        let mut users = vec![User::new(CURRENT_USER, CURRENT_USER_RID, 0)];
        users.extend((1..user_count).map(|i| {
            User::new(random_uuid(&mut rng), 1_000_000 + i as u32, rng.random_range(0..PROFILE_TEMPLATES.len()))
        }));
        Generator {
            rng,
            users,
            descriptors: DescriptorPieces::new(),
            types: WeightedIndex::new(TYPE_WEIGHTS.map(|(_, w)| w)).expect("weights are positive"),
            statuses: WeightedIndex::new(STATUS_WEIGHTS.map(|(_, w)| w)).expect("weights are positive"),
        }
    }

    fn date_between(&mut self, first: i64, last: i64) -> CmDate {
        let seconds = self.rng.random_range(first..last);
        // .NET writes 0 to 7 fractional digits, in 100 ns ticks.
        let digits = self.rng.random_range(0..=7u32);
        let fraction = self.rng.random_range(0..10u32.pow(digits)) * 10u32.pow(9 - digits);
        CmDate::At(jiff_timestamp(seconds, fraction))
    }

    fn data_collection(&mut self, request_type: RequestType) -> Vec<DataItem> {
        let enrolls = matches!(request_type, RequestType::Enroll | RequestType::TemporaryCardEnroll);
        if !enrolls || !self.rng.random_bool(0.3) {
            return Vec::new();
        }
        let employee_id = format!("E{:06}", self.rng.random_range(0..1_000_000));
        let mut items = vec![DataItem { name: "Employee ID".into(), value: Some(employee_id) }];
        if self.rng.random_bool(0.5) {
            items.push(DataItem { name: "Badge photo checked".into(), value: None });
        }
        items
    }
}

impl Iterator for Generator {
    type Item = Request;

    fn next(&mut self) -> Option<Request> {
        let rng = &mut self.rng;
        let request_type = TYPE_WEIGHTS[self.types.sample(rng)].0;
        let status = STATUS_WEIGHTS[self.statuses.sample(rng)].0;
        let target = &self.users[rng.random_range(0..self.users.len())];
        let template_index = if rng.random_bool(OWN_TEMPLATE_SHARE) {
            target.own_template
        } else {
            rng.random_range(0..PROFILE_TEMPLATES.len())
        };
        let template = &PROFILE_TEMPLATES[template_index];
        let security_descriptor = self.descriptors.descriptor(target, template_index);
        let target_uuid = target.uuid;
        let originator_user_uuid =
            if rng.random_bool(0.7) { target_uuid } else { self.users[rng.random_range(0..self.users.len())].uuid };
        let is_enrollment = matches!(request_type, RequestType::Enroll | RequestType::TemporaryCardEnroll);
        let finished = matches!(
            status,
            RequestStatus::Completed | RequestStatus::Denied | RequestStatus::Failed | RequestStatus::Canceled
        );
        let old_profile = (!is_enrollment).then(|| random_uuid(rng));
        let new_profile = match request_type {
            _ if !finished && is_enrollment => None,
            RequestType::Enroll | RequestType::TemporaryCardEnroll | RequestType::Renew | RequestType::Duplicate => {
                Some(random_uuid(rng))
            }
            _ => old_profile,
        };
        let (old_smartcard, new_smartcard) = if template.is_smartcard {
            let old_smartcard = old_profile.map(|_| random_uuid(rng));
            // Drawn even when unused, so that the requests after this one stay as they were.
            let another_smartcard = new_profile.map(|_| random_uuid(rng));
            // A request on a card in place (unblock, update, disable…) names it as both old and
            // new, as the documented unblock does.
            let in_place = new_profile.is_some() && new_profile == old_profile;
            (old_smartcard, if in_place { old_smartcard } else { another_smartcard })
        } else {
            (None, None)
        };
        let uuid = random_uuid(rng);
        let priority = if rng.random_bool(0.9) { 0 } else { rng.random_range(1..=5) };
        let comment = if rng.random_bool(0.15) {
            COMMENTS[rng.random_range(0..COMMENTS.len())].to_owned()
        } else {
            String::new()
        };
        let is_enrollment_agent = rng.random_bool(0.05);
        let submitted = self.date_between(FIRST_SUBMISSION, LAST_SUBMISSION);
        let completed = match (&submitted, finished) {
            (CmDate::At(at), true) => {
                let start = at.as_second() + 60;
                self.date_between(start, start + 14 * 86_400)
            }
            _ => CmDate::NotSet,
        };
        Some(Request {
            uuid,
            request_type,
            status,
            flags: RequestFlags(if template.is_smartcard { 2 } else { 0 }),
            data_collection: self.data_collection(request_type),
            data_collection_flags: DataCollectionFlags(32),
            originator_user_uuid: Some(originator_user_uuid),
            target_user_uuid: Some(target_uuid),
            submitted,
            completed,
            new_profile_uuid: new_profile,
            old_profile_uuid: old_profile,
            new_smartcard_uuid: new_smartcard,
            old_smartcard_uuid: old_smartcard,
            priority,
            comment,
            profile_template_uuid: Some(template.uuid),
            security_descriptor: security_descriptor.into(),
            is_smartcard: template.is_smartcard,
            is_enrollment_agent,
            is_data_collection_complete: finished,
            unusual: None,
        })
    }
}

/// What the generated security descriptors are made of, written once: a
/// descriptor is its template's ACEs around its owner's, then NUL padding.
struct DescriptorPieces {
    /// For each of [`PROFILE_TEMPLATES`], the ACEs before the owner's: the
    /// denied group's deny ACE, the helpdesk groups' ACEs and Everyone's.
    before_owner: Vec<String>,
    /// The ACEs after the owner's: the denied group's allow ACEs.
    after_owner: String,
}

impl DescriptorPieces {
    fn new() -> DescriptorPieces {
        let denied = format!("{DOMAIN_SID}-{DENIED_GROUP_RID}");
        let before_owner = PROFILE_TEMPLATES
            .iter()
            .map(|template| {
                let helpdesk = template.helpdesk_group_rids;
                let may_act: String =
                    helpdesk.iter().map(|group| format!("(A;;DCSW;;;{DOMAIN_SID}-{group})")).collect();
                format!("(D;;LC;;;{denied}){may_act}(A;;SWRC;;;{DOMAIN_SID}-{})(A;;RC;;;WD)", helpdesk[0])
            })
            .collect();
        DescriptorPieces { before_owner, after_owner: format!("(A;;DCSW;;;{denied})(A;;CCDCSW;;;{denied})") }
    }

    /// The security descriptor of `owner`'s requests for the template at `template_index`.
    fn descriptor(&self, owner: &User, template_index: usize) -> String {
        // The padding follows owner and template, like the rest, so that the
        // whole descriptor repeats.
        let padding = (owner.rid as usize + template_index) % (LONGEST_NUL_PADDING.len() + 1);
        [
            "O:",
            &owner.sid,
            "D:",
            &self.before_owner[template_index],
            "(A;;CCDCLCSWSDRC;;;",
            &owner.sid,
            ")",
            &self.after_owner,
            &LONGEST_NUL_PADDING[..padding],
        ]
        .concat()
    }
}

fn random_uuid(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

fn jiff_timestamp(seconds: i64, nanoseconds: u32) -> cm_model::Timestamp {
    cm_model::Timestamp::new(seconds, nanoseconds as i32).expect("generated dates are in range")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn starts_with_the_seed_examples_exactly() {
        let requests = build(10, 1);
        assert_eq!(requests.len(), 12);
        assert_eq!(requests[..2], seed_requests()[..]);
        assert_eq!(requests[0].uuid, uuid!("a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"));
    }

    #[test]
    fn the_same_seed_gives_the_same_requests() {
        assert_eq!(build(200, 7), build(200, 7));
        assert_ne!(build(200, 7), build(200, 8));
    }

    #[test]
    fn generated_data_is_a_realistic_mix() {
        let requests = build(2000, 1);
        let types: HashSet<_> = requests.iter().map(|r| r.request_type).collect();
        let statuses: HashSet<_> = requests.iter().map(|r| r.status).collect();
        assert!(types.len() >= 10, "{types:?}");
        assert_eq!(statuses.len(), 8, "{statuses:?}");
        let ids: HashSet<_> = requests.iter().map(|r| r.uuid).collect();
        assert_eq!(ids.len(), requests.len(), "request ids are unique");
        assert!(requests.iter().any(|r| !r.data_collection.is_empty()));
        assert!(requests.iter().any(|r| r.target_user_uuid == Some(CURRENT_USER) && r.uuid != requests[0].uuid));
        for request in &requests {
            assert!(request.security_descriptor.text().starts_with("O:S-1-5-21-"));
            let open = matches!(request.status, RequestStatus::Pending | RequestStatus::Approved);
            if open {
                assert_eq!(request.completed, CmDate::NotSet, "open requests are not completed");
            }
            if let (CmDate::At(submitted), CmDate::At(completed)) = (&request.submitted, &request.completed) {
                assert!(completed > submitted);
            }
        }
    }

    #[test]
    fn security_descriptors_repeat_per_user_and_template() {
        let requests = build(10_000, 1);
        let descriptors: HashSet<_> = requests.iter().map(|r| &r.security_descriptor).collect();
        assert!(descriptors.len() < requests.len() / 2, "{} distinct descriptors", descriptors.len());
        let mut by_user_and_template = HashMap::new();
        for request in &requests[2..] {
            let key = (request.target_user_uuid, request.profile_template_uuid);
            let first = by_user_and_template.entry(key).or_insert(&request.security_descriptor);
            assert_eq!(*first, &request.security_descriptor, "one descriptor for {key:?}");
        }
    }

    #[test]
    fn security_descriptors_are_shaped_like_the_examples() {
        let requests = build(10_000, 1);
        let without_padding = |request: &Request| request.security_descriptor.text().trim_end_matches('\0').to_owned();
        let examples_user_and_template = requests[2..]
            .iter()
            .find(|r| {
                r.target_user_uuid == Some(CURRENT_USER) && r.profile_template_uuid == requests[0].profile_template_uuid
            })
            .expect("a generated request of the examples' user and template");
        assert_eq!(without_padding(examples_user_and_template), without_padding(&requests[0]));
        for request in &requests {
            let padding = request.security_descriptor.text().len() - without_padding(request).len();
            assert!(padding <= LONGEST_NUL_PADDING.len(), "{padding} NULs");
        }
    }

    #[test]
    fn generated_requests_survive_the_wire() {
        for request in build(300, 3) {
            let text = serde_json::to_string(&request).unwrap();
            assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), request);
        }
    }
}
