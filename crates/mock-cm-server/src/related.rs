//! Smart cards, profiles, their certificates and operations, and the profile
//! templates' policies, consistent with the requests that name them.
//!
//! At start only an index is made: each card and profile GUID with the request
//! that names it and whether as its old or its new one (20 bytes each, about
//! two per request). An object is made when asked for, from that request and
//! from randomness seeded with GUIDs, so that it is the same at every call and
//! costs nothing until then. A card's serial number is its place in the index,
//! scrambled reversibly, so that the `cardid` lookup needs no map of its own.
//!
//! A card and the profile on it are made from the same request and slot, so
//! they share their status, template version, certificates and operations.

use crate::dataset::{DOMAIN_SID, HOSTILE_COMMENT, PROFILE_TEMPLATES, TemplateSpec};
use cm_model::{CardCertificate, CardStatus, Policy, Profile, Request, RequestStatus, RequestType, SmartCard};
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};
use uuid::{Uuid, uuid};

/// The card of the documented unblock, which Microsoft's smart card example shows.
pub const DOCUMENTED_CARD: Uuid = uuid!("17cf063d-e337-4aa9-a822-346554ddd3c9");

/// The documented card's serial number, in the braces form of the reference's `cardid` example.
pub const DOCUMENTED_CARD_SERIAL: &str = "{d1ef5b8a-3c2e-4f51-9a07-6b2d0c9e4f13}";

/// One in this many completed requests that replace a card or profile leave
/// it out of step, as administrators report: the old one Disabled, the new one
/// Assigned and never Active. That is about 1 % of all completed requests.
const OUT_OF_STEP_EVERY: u128 = 20;

/// The middleware Microsoft's examples name, and the minidriver's own name.
const MIDDLEWARE: [&str; 2] = ["MSBaseCSP", "Microsoft Base Smart Card Crypto Provider"];

/// The Answer To Reset of Windows' TPM virtual smart cards, as Microsoft's example writes it.
const VIRTUAL_CARD_ATR: &str = "3b8d0180fba000000397425446590301c8";

/// Answers To Reset of physical cards: a Gemalto IDPrime and a YubiKey.
const PHYSICAL_CARD_ATRS: [&str; 2] =
    ["3bff9600008131fe4380318065b0846566fb12017882900085", "3bf81300008131fe15597562696b657934d4"];

/// What help desks write on cards; one is markup, which the viewer must show as text.
const CARD_COMMENTS: [&str; 3] = ["Spare card kept at reception", "Reader issued with the card", HOSTILE_COMMENT];

/// The certificate template of encryption certificates, whose keys the CA archives.
const ENCRYPTION_TEMPLATE: &str = "CMEncryption";

/// What requests name and the API serves: a smart card or a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    SmartCard,
    Profile,
}

impl Holder {
    /// The GUIDs of this kind that `request` names: its old one, then its new one.
    fn named_by(self, request: &Request) -> [Option<Uuid>; 2] {
        match self {
            Holder::SmartCard => [request.old_smartcard_uuid, request.new_smartcard_uuid],
            Holder::Profile => [request.old_profile_uuid, request.new_profile_uuid],
        }
    }
}

/// Which of a request's two GUIDs of a kind names a holder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Old = 0,
    New = 1,
}

/// Where a holder is named: a request's position in the list and the slot,
/// packed in 32 bits (position × 2 + slot) to keep the index small.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Naming(u32);

impl Naming {
    fn new(position: usize, slot: Slot) -> Naming {
        let position = u32::try_from(position).ok().filter(|position| *position < 1 << 31);
        Naming(position.expect("fewer than 2^31 requests") << 1 | slot as u32)
    }

    fn position(self) -> usize {
        (self.0 >> 1) as usize
    }

    fn slot(self) -> Slot {
        if self.0 & 1 == 0 { Slot::Old } else { Slot::New }
    }

    /// The naming a serial number was made from, if it was made by [`Naming::serial_code`].
    fn of_serial(serial: &str) -> Option<Naming> {
        let bare = without_braces(serial);
        let code = if bare.len() == 16 && bare.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            u64::from_str_radix(bare, 16).ok()?
        } else {
            Uuid::try_parse(bare).ok()?.as_u64_pair().0
        };
        u32::try_from(unscramble(code)).ok().map(Naming)
    }

    /// The number a card's serial number is written from: unique, and looking random.
    fn serial_code(self) -> u64 {
        scramble(u64::from(self.0))
    }
}

/// A serial number without the braces it may be written in.
fn without_braces(serial: &str) -> &str {
    serial.strip_prefix('{').and_then(|inner| inner.strip_suffix('}')).unwrap_or(serial)
}

/// Whether two serial numbers are the same, as a lookup by `cardid` compares them.
fn same_serial(one: &str, other: &str) -> bool {
    without_braces(one).eq_ignore_ascii_case(without_braces(other))
}

const SCRAMBLE_FIRST: u64 = 0x9e37_79b9_7f4a_7c15;
const SCRAMBLE_SECOND: u64 = 0xbf58_476d_1ce4_e5b9;

/// The inverse of an odd number modulo 2^64, by Newton's iteration: the
/// number itself is right in its lowest 3 bits, and each step doubles that.
const fn inverse(odd: u64) -> u64 {
    let mut inverse = odd;
    let mut step = 0;
    while step < 5 {
        inverse = inverse.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(inverse)));
        step += 1;
    }
    inverse
}

/// A bijection of 64-bit numbers that makes consecutive ones look unrelated.
fn scramble(number: u64) -> u64 {
    let number = (number ^ number >> 32).wrapping_mul(SCRAMBLE_FIRST);
    let number = (number ^ number >> 32).wrapping_mul(SCRAMBLE_SECOND);
    number ^ number >> 32
}

/// The inverse of [`scramble`] (a shift by half the width undoes itself).
fn unscramble(number: u64) -> u64 {
    let number = (number ^ number >> 32).wrapping_mul(const { inverse(SCRAMBLE_SECOND) });
    let number = (number ^ number >> 32).wrapping_mul(const { inverse(SCRAMBLE_FIRST) });
    number ^ number >> 32
}

/// The GUIDs of one kind of holder, sorted, each with where it is first named.
struct Namings(Box<[(Uuid, Naming)]>);

impl Namings {
    fn new(requests: &[Request], holder: Holder) -> Namings {
        let mut entries = Vec::new();
        for (position, request) in requests.iter().enumerate() {
            let [old, new] = holder.named_by(request);
            entries.extend(old.map(|id| (id, Naming::new(position, Slot::Old))));
            // A holder acted on in place is named once, as the old one.
            entries.extend(new.filter(|new| Some(*new) != old).map(|id| (id, Naming::new(position, Slot::New))));
        }
        entries.sort_unstable();
        // A GUID named by several requests is the holder of the first.
        entries.dedup_by_key(|(id, _)| *id);
        Namings(entries.into_boxed_slice())
    }

    fn find(&self, id: Uuid) -> Option<Naming> {
        let index = self.0.binary_search_by_key(&id, |(id, _)| *id).ok()?;
        Some(self.0[index].1)
    }
}

/// The cards and profiles that requests name, ready to be made on demand.
pub struct Related {
    cards: Namings,
    profiles: Namings,
}

impl Related {
    /// The index of the holders `requests` name.
    pub fn new(requests: &[Request]) -> Related {
        Related { cards: Namings::new(requests, Holder::SmartCard), profiles: Namings::new(requests, Holder::Profile) }
    }

    /// The holder `id` of `requests`, as the request naming it shows it.
    fn named<'a>(&self, requests: &'a [Request], holder: Holder, id: Uuid) -> Option<Named<'a>> {
        let namings = match holder {
            Holder::SmartCard => &self.cards,
            Holder::Profile => &self.profiles,
        };
        let naming = namings.find(id)?;
        let request = requests.get(naming.position())?;
        let [old, new] = holder.named_by(request);
        let part = match naming.slot() {
            _ if old.is_some() && old == new => Part::InPlace,
            Slot::New => Part::Issued,
            Slot::Old => Part::Replaced,
        };
        let template = PROFILE_TEMPLATES.iter().find(|spec| request.profile_template_uuid == Some(spec.uuid));
        Some(Named { id, naming, request, part, template })
    }

    /// The smart card `id`.
    pub fn smart_card(&self, requests: &[Request], id: Uuid) -> Option<SmartCard> {
        Some(self.named(requests, Holder::SmartCard, id)?.smart_card(requests))
    }

    /// The smart card whose serial number is `serial`, compared without
    /// regard to case and with or without braces.
    pub fn smart_card_with_serial(&self, requests: &[Request], serial: &str) -> Option<SmartCard> {
        let id = if same_serial(serial, DOCUMENTED_CARD_SERIAL) {
            DOCUMENTED_CARD
        } else {
            let naming = Naming::of_serial(serial)?;
            Holder::SmartCard.named_by(requests.get(naming.position())?)[naming.slot() as usize]?
        };
        // The card's own serial is made from where it is first named, and is
        // the documented one for the documented card: any other way to it is no match.
        self.smart_card(requests, id)
            .filter(|card| card.serial_number.as_deref().is_some_and(|own| same_serial(own, serial)))
    }

    /// The profile `id`.
    pub fn profile(&self, requests: &[Request], id: Uuid) -> Option<Profile> {
        Some(self.named(requests, Holder::Profile, id)?.profile())
    }

    /// The certificates of the card or profile `id`.
    pub fn certificates(&self, requests: &[Request], holder: Holder, id: Uuid) -> Option<Vec<CardCertificate>> {
        Some(self.named(requests, holder, id)?.certificates())
    }

    /// What may be done with the card or profile `id`, as lower-case words.
    pub fn operations(&self, requests: &[Request], holder: Holder, id: Uuid) -> Option<Vec<&'static str>> {
        Some(self.named(requests, holder, id)?.operations())
    }
}

/// What a request does to a holder it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// Makes it: the new one of an enrollment, a renewal or a duplicate.
    Issued,
    /// Replaces it: the old one of a renewal or a duplicate.
    Replaced,
    /// Acts on it where it is (unblock, update, disable…), naming it as both old and new.
    InPlace,
}

/// What the randomness of a holder is for, so that each use has its own.
#[derive(Clone, Copy)]
enum Purpose {
    CardLook,
    TemplateVersion,
    Certificates,
    Operations,
}

/// A generator seeded with `key`, `purpose` and `detail`: the same every time.
fn seeded(key: Uuid, purpose: Purpose, detail: u8) -> ChaCha8Rng {
    let mut seed = [0; 32];
    seed[..16].copy_from_slice(key.as_bytes());
    seed[16] = purpose as u8;
    seed[17] = detail;
    ChaCha8Rng::from_seed(seed)
}

/// A holder as the request naming it shows it.
struct Named<'a> {
    id: Uuid,
    naming: Naming,
    request: &'a Request,
    part: Part,
    template: Option<&'static TemplateSpec>,
}

impl Named<'_> {
    /// Randomness shared by a card and the profile on it: both are named by
    /// the same request in the same slot.
    fn shared_randomness(&self, purpose: Purpose) -> ChaCha8Rng {
        seeded(self.request.uuid, purpose, self.naming.slot() as u8)
    }

    /// The holder this one was made from: the old one of the renewal or duplicate that issued it.
    fn parent(&self, holder: Holder) -> Option<Uuid> {
        if self.part == Part::Issued { holder.named_by(self.request)[Slot::Old as usize] } else { None }
    }

    fn is_on_card(&self) -> bool {
        self.template.is_some_and(|template| template.is_smartcard)
    }

    fn status(&self) -> CardStatus {
        let request = self.request;
        let completed = request.status == RequestStatus::Completed;
        let out_of_step = completed && is_out_of_step(request);
        match (request.status, self.part) {
            (RequestStatus::Completed, Part::Issued) if out_of_step => CardStatus::Assigned,
            (RequestStatus::Completed, Part::Issued) => CardStatus::Active,
            (RequestStatus::Completed, Part::Replaced) if out_of_step => CardStatus::Disabled,
            // A duplicate is a second card: the first stays in use.
            (RequestStatus::Completed, Part::Replaced) if request.request_type == RequestType::Duplicate => {
                CardStatus::Active
            }
            (RequestStatus::Completed, Part::Replaced) => CardStatus::Retired,
            (RequestStatus::Completed, Part::InPlace) => match request.request_type {
                RequestType::Disable => CardStatus::Disabled,
                RequestType::Retire => CardStatus::Retired,
                RequestType::SuspendOrReinstate if suspends(request) => CardStatus::Disabled,
                _ => CardStatus::Active,
            },
            // Being written, or left half-written.
            (RequestStatus::Executing | RequestStatus::Failed, Part::Issued) => CardStatus::Assigned,
            // Never to be used.
            (RequestStatus::Denied | RequestStatus::Canceled, Part::Issued) => CardStatus::Retired,
            // Waiting for approval or for its user.
            (_, Part::Issued) => CardStatus::New,
            // Still in use until the request completes.
            (_, Part::Replaced | Part::InPlace) => CardStatus::Active,
        }
    }

    fn template_version(&self) -> i64 {
        self.shared_randomness(Purpose::TemplateVersion).random_range(1..=6)
    }

    fn operations(&self) -> Vec<&'static str> {
        let open = matches!(
            self.request.status,
            RequestStatus::Pending | RequestStatus::Approved | RequestStatus::Executing | RequestStatus::None
        );
        match self.status() {
            CardStatus::Active => {
                let mut varying = self.shared_randomness(Purpose::Operations);
                let on_card = self.is_on_card();
                let mut words = vec!["renew", if on_card { "unblock" } else { "recover" }];
                if varying.random_bool(0.3) {
                    words.push("onlineupdate");
                }
                words.extend(["retire", "disable"]);
                if on_card && varying.random_bool(0.7) {
                    words.push("duplicate");
                }
                words
            }
            CardStatus::New | CardStatus::Assigned if open => vec!["cancel"],
            _ => Vec::new(),
        }
    }

    /// One to three certificates: the card's logon (or the profile's signing)
    /// certificate, then an encryption one, then an older encryption key kept
    /// to read old mail.
    fn certificates(&self) -> Vec<CardCertificate> {
        let mut randomness = self.shared_randomness(Purpose::Certificates);
        let first = match self.template {
            Some(template) if template.is_virtual_smartcard() => "CMVirtualSmartcardLogon-KSP",
            Some(template) if template.is_smartcard => "CMSmartcardLogon",
            _ => "CMUserSignature",
        };
        let kinds = [(first, false), (ENCRYPTION_TEMPLATE, false), (ENCRYPTION_TEMPLATE, true)];
        let count = randomness.random_range(1..=kinds.len());
        kinds[..count]
            .iter()
            .map(|&(template, is_key_history)| certificate(&mut randomness, template, is_key_history))
            .collect()
    }

    fn smart_card(&self, requests: &[Request]) -> SmartCard {
        let request = self.request;
        let is_temporary = self.part == Part::Issued && request.request_type == RequestType::TemporaryCardEnroll;
        let permanent = if is_temporary { permanent_card(requests, request.target_user_uuid) } else { None };
        let parent = self.parent(Holder::SmartCard);
        let primary = if request.request_type == RequestType::Duplicate { parent } else { permanent };
        let mut look = seeded(self.id, Purpose::CardLook, 0);
        let is_virtual = self.template.is_some_and(TemplateSpec::is_virtual_smartcard);
        let serial_code = self.naming.serial_code();
        let serial_number = if self.id == DOCUMENTED_CARD {
            DOCUMENTED_CARD_SERIAL.to_owned()
        } else if is_virtual {
            // A virtual card is known by a GUID, which Windows writes in braces.
            Uuid::from_u64_pair(serial_code, look.random()).braced().to_string()
        } else {
            // As printed on the card.
            format!("{serial_code:016X}")
        };
        let atr = if is_virtual { VIRTUAL_CARD_ATR } else { *PHYSICAL_CARD_ATRS.choose(&mut look).expect("ATRs") };
        let comment = if look.random_bool(0.08) { *CARD_COMMENTS.choose(&mut look).expect("comments") } else { "" };
        SmartCard {
            uuid: Some(self.id),
            status: Some(self.status()),
            // Every documented card has 1 (probably Primary).
            flags: Some(1),
            parent_smartcard_uuid: parent,
            primary_smartcard_uuid: Some(primary.unwrap_or(self.id)),
            permanent_smartcard_uuid: permanent,
            assigned_user_uuid: request.target_user_uuid,
            profile_template_uuid: request.profile_template_uuid,
            profile_template_version: Some(self.template_version()),
            comment: Some(comment.to_owned()),
            serial_number: Some(serial_number),
            middleware: Some(MIDDLEWARE.choose(&mut look).expect("middleware").to_string()),
            atr: Some(atr.to_owned()),
            ..SmartCard::default()
        }
    }

    fn profile(&self) -> Profile {
        let parent = self.parent(Holder::Profile);
        let primary = if self.request.request_type == RequestType::Duplicate { parent } else { None };
        // Microsoft's example lists the operations in the profile too.
        let other_fields = Map::from_iter([("ProfileOperations".to_owned(), json!(self.operations()))]);
        Profile {
            uuid: Some(self.id),
            status: Some(self.status()),
            flags: Some(1),
            parent_profile_uuid: parent,
            primary_profile_uuid: Some(primary.unwrap_or(self.id)),
            assigned_user_uuid: self.request.target_user_uuid,
            profile_template_uuid: self.request.profile_template_uuid,
            profile_template_version: Some(self.template_version()),
            comment: Some(String::new()),
            other_fields,
            ..Profile::default()
        }
    }
}

/// Whether a completed request that replaced a card or profile left both out of step.
fn is_out_of_step(request: &Request) -> bool {
    let replaces = request.old_profile_uuid.is_some()
        && request.new_profile_uuid.is_some()
        && request.old_profile_uuid != request.new_profile_uuid;
    replaces && request.uuid.as_u128().is_multiple_of(OUT_OF_STEP_EVERY)
}

/// Whether a SuspendOrReinstate request suspends (rather than reinstates): half of them, by their id.
fn suspends(request: &Request) -> bool {
    request.uuid.as_u128() >> 64 & 1 == 0
}

/// The card a user's temporary card stands in for: the first one a request
/// other than a temporary enrollment names for them. Looked for when asked,
/// in all requests, rather than kept for every user: few cards are temporary.
fn permanent_card(requests: &[Request], user: Option<Uuid>) -> Option<Uuid> {
    requests
        .iter()
        .filter(|request| request.target_user_uuid == user && request.request_type != RequestType::TemporaryCardEnroll)
        .find_map(|request| request.old_smartcard_uuid.or(request.new_smartcard_uuid))
}

/// A certificate of `template`, numbered as AD CS numbers them: the CA's
/// prefix, the request id, random bytes, the request id again.
fn certificate(randomness: &mut ChaCha8Rng, template: &str, is_key_history: bool) -> CardCertificate {
    let encrypts = template == ENCRYPTION_TEMPLATE;
    let request_id: u32 = randomness.random_range(0x1000..0x10_0000);
    let unique = randomness.random::<u128>() >> 48;
    let thumbprint: [u8; 20] = randomness.random();
    CardCertificate {
        template_common_name: Some(template.to_owned()),
        serial_number: Some(format!("1B{request_id:08X}{unique:020X}{request_id:08X}")),
        thumbprint: Some(thumbprint.iter().map(|byte| format!("{byte:02X}")).collect()),
        archived_on_ca: Some(encrypts),
        is_key_history: Some(is_key_history),
        certificate_type: Some(if encrypts { 2 } else { 1 }),
        ..CardCertificate::default()
    }
}

/// The `{type}`s of `GET .../profiletemplates/{id}/policies/{type}`, as the API's examples write them.
pub const POLICY_TYPES: [&str; 12] = [
    "enroll",
    "duplicate",
    "offlineunblock",
    "onlineupdate",
    "renew",
    "recover",
    "recoveronbehalf",
    "reinstate",
    "retire",
    "revoke",
    "temporaryenroll",
    "unblock",
];

/// The policy types users may start themselves, where their template allows it.
const SELF_SERVICE_TYPES: [&str; 5] = ["enroll", "renew", "onlineupdate", "unblock", "offlineunblock"];

/// The policy types that put a new card or profile in a user's hands.
const ISSUING_TYPES: [&str; 3] = ["enroll", "duplicate", "temporaryenroll"];

/// The RID of the group of CM managers, who approve requests of every template.
const CM_MANAGERS_RID: u32 = 1108;

/// How a profile template is administered.
struct TemplatePolicy {
    /// Approvals each policy needs, in the order of [`POLICY_TYPES`]: enroll,
    /// duplicate, offlineunblock, onlineupdate, renew, recover, recoveronbehalf,
    /// reinstate, retire, revoke, temporaryenroll, unblock.
    approvals_needed: [i64; POLICY_TYPES.len()],
    initiators: Initiators,
}

/// Who starts a template's requests.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Initiators {
    /// Its users themselves, where the policy type allows it ([`SELF_SERVICE_TYPES`]).
    Users,
    /// The help desk only, as enrollment agents when a card is issued: an
    /// administrator's card, or a temporary one.
    HelpDesk,
}

/// The policies of [`PROFILE_TEMPLATES`], in their order. Smart card
/// enrollments need approvals (the documented enrollment waits Approved),
/// duplicates and recoveries on another's behalf need two.
const TEMPLATE_POLICIES: [TemplatePolicy; PROFILE_TEMPLATES.len()] = [
    // Smart Card User
    TemplatePolicy { approvals_needed: [1, 2, 0, 0, 0, 1, 2, 1, 0, 0, 1, 0], initiators: Initiators::Users },
    // Smart Card Administrator
    TemplatePolicy { approvals_needed: [2, 2, 1, 0, 1, 2, 2, 1, 0, 0, 2, 1], initiators: Initiators::HelpDesk },
    // Virtual Smart Card
    TemplatePolicy { approvals_needed: [1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0], initiators: Initiators::Users },
    // Temporary Smart Card
    TemplatePolicy { approvals_needed: [1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0], initiators: Initiators::HelpDesk },
    // Software Certificate User
    TemplatePolicy { approvals_needed: [0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0], initiators: Initiators::Users },
    // VPN Software Profile
    TemplatePolicy { approvals_needed: [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], initiators: Initiators::Users },
];

/// One of [`POLICY_TYPES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyType(usize);

impl PolicyType {
    /// The policy type `name`, matched without regard to case as IIS matches paths.
    pub fn named(name: &str) -> Option<PolicyType> {
        POLICY_TYPES.iter().position(|known| known.eq_ignore_ascii_case(name)).map(PolicyType)
    }
}

/// The policy of the template `template` for `policy_type`; `None` for a template that does not exist.
pub fn policy(template: Uuid, policy_type: PolicyType) -> Option<Policy> {
    let index = PROFILE_TEMPLATES.iter().position(|spec| spec.uuid == template)?;
    let (spec, administration) = (&PROFILE_TEMPLATES[index], &TEMPLATE_POLICIES[index]);
    let kind = POLICY_TYPES[policy_type.0];
    let approvals_needed = administration.approvals_needed[policy_type.0];
    let self_service = administration.initiators == Initiators::Users && SELF_SERVICE_TYPES.contains(&kind);
    let helpdesk: Vec<String> = spec.helpdesk_group_rids.iter().map(|rid| format!("{DOMAIN_SID}-{rid}")).collect();
    let approvers = [format!("{DOMAIN_SID}-{CM_MANAGERS_RID}"), helpdesk[0].clone()];
    let initiators = if self_service { [&["AU".to_owned()][..], &helpdesk].concat() } else { helpdesk.clone() };
    let uses_one_time_passwords = spec.is_smartcard && matches!(kind, "enroll" | "temporaryenroll" | "unblock");
    let other_fields = Map::from_iter(
        [
            ("CollectComments", json!(true)),
            ("CollectRequestPriority", json!(approvals_needed > 0)),
            ("DefaultRequestPriority", json!(0)),
            ("Documents", json!([])),
            (
                "OneTimePasswordPolicy",
                if uses_one_time_passwords { json!({"Distribution": "Email", "Count": 1}) } else { Value::Null },
            ),
        ]
        .map(|(name, value)| (name.to_owned(), value)),
    );
    Some(Policy {
        approvals_needed: Some(approvals_needed),
        authorized_approver: Some(allowing(&approvers)),
        authorized_initiator: Some(allowing(&initiators)),
        authorized_enrollment_agent: Some(allowing(&helpdesk)),
        enabled: Some(true),
        enroll_agent_required: Some(administration.initiators == Initiators::HelpDesk && ISSUING_TYPES.contains(&kind)),
        self_service_enabled: Some(self_service),
        policy_data_collection: Some(data_collection(index, kind)),
        other_fields,
        ..Policy::default()
    })
}

/// A security descriptor owned by the system that allows `trustees` (SIDs or aliases) to act.
fn allowing(trustees: &[String]) -> String {
    let aces: String = trustees.iter().map(|trustee| format!("(A;;CCRP;;;{trustee})")).collect();
    format!("O:SYG:SYD:{aces}")
}

/// The data a policy collects: what the generated enrollments carry, and the
/// documented unblock's item for the examples' template.
fn data_collection(template_index: usize, kind: &str) -> Vec<Value> {
    let item = |name: &str, required: bool| json!({"Name": name, "Required": required});
    match kind {
        _ if ISSUING_TYPES.contains(&kind) => vec![item("Employee ID", true), item("Badge photo checked", false)],
        "unblock" if template_index == 0 => vec![item("Sample Data Item", false)],
        "recover" | "recoveronbehalf" => vec![item("Reason for recovery", true)],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::build;
    use std::collections::HashSet;

    #[test]
    fn serial_codes_lead_back_to_their_naming() {
        for naming in [Naming::new(0, Slot::Old), Naming::new(1, Slot::New), Naming::new(999_999, Slot::New)] {
            assert_eq!(unscramble(naming.serial_code()), u64::from(naming.0));
            assert_eq!(Naming::of_serial(&format!("{:016x}", naming.serial_code())), Some(naming));
        }
        assert_eq!(Naming::of_serial("not a serial"), None);
    }

    #[test]
    fn every_named_card_and_profile_exists_with_its_requests_template_and_user() {
        let requests = build(3000, 4);
        let related = Related::new(&requests);
        let mut serials = HashSet::new();
        for request in &requests {
            for id in request.old_smartcard_uuid.iter().chain(&request.new_smartcard_uuid) {
                let card = related.smart_card(&requests, *id).expect("a named card exists");
                assert_eq!(card.profile_template_uuid, request.profile_template_uuid);
                assert_eq!(card.assigned_user_uuid, request.target_user_uuid);
                let serial = card.serial_number.clone().unwrap();
                serials.insert(serial.clone());
                let found = related.smart_card_with_serial(&requests, &serial.to_lowercase());
                assert_eq!(found.as_ref(), Some(&card), "{serial}");
            }
            for id in request.old_profile_uuid.iter().chain(&request.new_profile_uuid) {
                let profile = related.profile(&requests, *id).expect("a named profile exists");
                assert_eq!(profile.profile_template_uuid, request.profile_template_uuid);
                let certificates = related.certificates(&requests, Holder::Profile, *id).unwrap();
                assert!((1..=3).contains(&certificates.len()));
            }
        }
        assert_eq!(serials.len(), related.cards.0.len(), "serial numbers are unique");
        assert_eq!(related.smart_card(&requests, Uuid::nil()), None);
    }

    #[test]
    fn a_card_and_the_profile_on_it_agree() {
        let requests = build(500, 2);
        let related = Related::new(&requests);
        for request in requests.iter().filter(|request| request.new_smartcard_uuid.is_some()) {
            let (card, profile) = (request.new_smartcard_uuid.unwrap(), request.new_profile_uuid.unwrap());
            let card = related.smart_card(&requests, card).unwrap();
            let profile = related.profile(&requests, profile).unwrap();
            assert_eq!(card.status, profile.status);
            assert_eq!(card.profile_template_version, profile.profile_template_version);
            assert_eq!(
                related.certificates(&requests, Holder::SmartCard, card.uuid.unwrap()),
                related.certificates(&requests, Holder::Profile, profile.uuid.unwrap())
            );
        }
    }

    #[test]
    fn about_one_completed_request_in_a_hundred_is_out_of_step() {
        let requests = build(100_000, 1);
        let completed: Vec<_> = requests.iter().filter(|request| request.status == RequestStatus::Completed).collect();
        let out_of_step = completed.iter().filter(|request| is_out_of_step(request)).count();
        let share = out_of_step as f64 / completed.len() as f64;
        assert!((0.007..0.015).contains(&share), "{share}");
    }

    #[test]
    fn statuses_follow_the_requests() {
        let requests = build(5000, 1);
        let related = Related::new(&requests);
        let card_status = |id: Option<Uuid>| related.smart_card(&requests, id.unwrap()).unwrap().status.unwrap();
        let with_cards = requests.iter().filter(|request| request.new_smartcard_uuid.is_some());
        for request in with_cards {
            let new = card_status(request.new_smartcard_uuid);
            let replaced =
                request.old_smartcard_uuid.is_some() && request.old_smartcard_uuid != request.new_smartcard_uuid;
            match request.status {
                RequestStatus::Completed if is_out_of_step(request) => {
                    assert_eq!(
                        (card_status(request.old_smartcard_uuid), new),
                        (CardStatus::Disabled, CardStatus::Assigned)
                    );
                }
                RequestStatus::Completed if replaced && request.request_type == RequestType::Renew => {
                    assert_eq!(
                        (card_status(request.old_smartcard_uuid), new),
                        (CardStatus::Retired, CardStatus::Active)
                    );
                }
                RequestStatus::Completed if request.request_type == RequestType::Enroll => {
                    assert_eq!(new, CardStatus::Active);
                }
                RequestStatus::Pending | RequestStatus::Approved if replaced => assert_eq!(new, CardStatus::New),
                _ => {}
            }
        }
    }

    #[test]
    fn every_template_has_every_policy_and_its_descriptors_read() {
        for template in &PROFILE_TEMPLATES {
            for name in POLICY_TYPES {
                let policy = policy(template.uuid, PolicyType::named(&name.to_uppercase()).unwrap()).unwrap();
                for descriptor in
                    [&policy.authorized_approver, &policy.authorized_initiator, &policy.authorized_enrollment_agent]
                {
                    let parsed = cm_model::sddl::parse_sddl(descriptor.as_deref().unwrap());
                    assert!(parsed.error.is_none(), "{descriptor:?}: {:?}", parsed.error);
                }
            }
        }
        assert_eq!(PolicyType::named("sideways"), None);
        assert_eq!(policy(Uuid::nil(), PolicyType::named("enroll").unwrap()), None);
    }
}
