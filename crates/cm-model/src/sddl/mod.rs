//! A parser for the request's `SecurityDescriptor`, a Windows SDDL string.
//!
//! CM pads the string with NUL characters; those are stripped. A malformed
//! string yields everything that parsed before the problem plus an error saying
//! where and what: the viewer shows both, and never fails because of it.
//!
//! Grammar (MS-DTYP 2.5.1): `O:owner G:group D:flags(ace)(ace)… S:flags(ace)…`,
//! each part optional and at most once, where an ACE is
//! `(type;flags;rights;object_guid;inherit_object_guid;trustee[;extra])`.

mod rights;
mod sid;

pub use rights::{RIGHT_BITS, parse_rights, rights_letters};
pub use sid::Trustee;

use std::fmt;
use uuid::Uuid;

/// Owner, group and access control lists, as far as they parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityDescriptor {
    /// `O:`: the owner.
    pub owner: Option<Trustee>,
    /// `G:`: the primary group.
    pub group: Option<Trustee>,
    /// `D:`: who may do what (discretionary ACL).
    pub dacl: Option<Acl>,
    /// `S:`: what is audited (system ACL).
    pub sacl: Option<Acl>,
}

/// An access control list: its flags and its entries in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acl {
    /// The flags written before the first ACE, in order.
    pub flags: Vec<AclFlag>,
    /// The entries, in order.
    pub aces: Vec<Ace>,
}

/// Flags of a DACL or SACL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AclFlag {
    /// `P`: inheritance from parents is blocked.
    Protected,
    /// `AR`: automatic propagation of inheritable ACEs to children is required.
    AutoInheritRequired,
    /// `AI`: the ACL is set up for automatic propagation of inheritable ACEs to children.
    AutoInherited,
    /// `NO_ACCESS_CONTROL`: a null ACL, which allows everyone everything.
    NoAccessControl,
}

const ACL_FLAGS: &[(&str, AclFlag, &str)] = &[
    ("NO_ACCESS_CONTROL", AclFlag::NoAccessControl, "no access control (everyone may do everything)"),
    ("AR", AclFlag::AutoInheritRequired, "auto-inherit required"),
    ("AI", AclFlag::AutoInherited, "auto-inherited"),
    ("P", AclFlag::Protected, "protected from inheritance"),
];

impl AclFlag {
    /// The SDDL code: `P`, `AR`, `AI` or `NO_ACCESS_CONTROL`.
    pub fn code(self) -> &'static str {
        ACL_FLAGS.iter().find(|(_, flag, _)| *flag == self).map(|(code, _, _)| *code).expect("every flag has a code")
    }

    /// What the flag means, in words.
    pub fn label(self) -> &'static str {
        ACL_FLAGS.iter().find(|(_, flag, _)| *flag == self).map(|(_, _, label)| *label).expect("every flag has a label")
    }
}

/// One access control entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ace {
    /// The ACE type (first field): allow, deny, audit, ...
    pub kind: AceKind,
    /// The ACE flags (second field): inheritance and auditing.
    pub flags: Vec<AceFlag>,
    /// The rights as a mask; see [`rights_letters`] and the name configuration for names.
    pub rights: u32,
    /// The rights field as written.
    pub rights_text: String,
    /// Object GUID (fourth field): the object type, property or right the entry is limited to.
    pub object_type: Option<Uuid>,
    /// Inherit object GUID (fifth field): the type of child object that may inherit the entry.
    pub inherited_object_type: Option<Uuid>,
    /// Who the entry is about (sixth field).
    pub trustee: Trustee,
    /// A conditional expression or resource attribute, as written.
    pub extra: Option<String>,
}

/// The ACE types of SDDL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AceKind {
    /// `A`: allows rights.
    Allow,
    /// `D`: denies rights.
    Deny,
    /// `OA`: allows rights on one object type or property.
    ObjectAllow,
    /// `OD`: denies rights on one object type or property.
    ObjectDeny,
    /// `AU`: audits uses of rights.
    Audit,
    /// `AL`: raises an alarm on uses of rights (not used by Windows).
    Alarm,
    /// `OU`: audits uses of rights on one object type or property.
    ObjectAudit,
    /// `OL`: raises an alarm on uses of rights on one object type (not used by Windows).
    ObjectAlarm,
    /// `ML`: the mandatory integrity label of the object.
    MandatoryLabel,
    /// `XA`: allows rights when its conditional expression holds.
    CallbackAllow,
    /// `XD`: denies rights when its conditional expression holds.
    CallbackDeny,
    /// `ZA`: allows rights on one object type when its conditional expression holds.
    CallbackObjectAllow,
    /// `XU`: audits uses of rights when its conditional expression holds.
    CallbackAudit,
    /// `RA`: a resource attribute (claim) of the object.
    ResourceAttribute,
    /// `SP`: names the central access policy that applies to the object.
    ScopedPolicy,
}

const ACE_KINDS: &[(&str, AceKind, &str)] = &[
    ("A", AceKind::Allow, "Allow"),
    ("D", AceKind::Deny, "Deny"),
    ("OA", AceKind::ObjectAllow, "Allow (object)"),
    ("OD", AceKind::ObjectDeny, "Deny (object)"),
    ("AU", AceKind::Audit, "Audit"),
    ("AL", AceKind::Alarm, "Alarm"),
    ("OU", AceKind::ObjectAudit, "Audit (object)"),
    ("OL", AceKind::ObjectAlarm, "Alarm (object)"),
    ("ML", AceKind::MandatoryLabel, "Mandatory label"),
    ("XA", AceKind::CallbackAllow, "Allow (conditional)"),
    ("XD", AceKind::CallbackDeny, "Deny (conditional)"),
    ("ZA", AceKind::CallbackObjectAllow, "Allow (conditional, object)"),
    ("XU", AceKind::CallbackAudit, "Audit (conditional)"),
    ("RA", AceKind::ResourceAttribute, "Resource attribute"),
    ("SP", AceKind::ScopedPolicy, "Scoped policy"),
];

impl AceKind {
    /// The SDDL code: `A`, `D`, `OA`, ...
    pub fn code(self) -> &'static str {
        ACE_KINDS.iter().find(|(_, kind, _)| *kind == self).map(|(code, _, _)| *code).expect("every kind has a code")
    }

    /// What the entry does, in words: `Allow`, `Deny (object)`, ...
    pub fn label(self) -> &'static str {
        ACE_KINDS.iter().find(|(_, kind, _)| *kind == self).map(|(_, _, label)| *label).expect("every kind has a label")
    }

    /// Whether the entry grants rights.
    pub fn allows(self) -> bool {
        matches!(self, AceKind::Allow | AceKind::ObjectAllow | AceKind::CallbackAllow | AceKind::CallbackObjectAllow)
    }
}

/// Inheritance and audit flags of an ACE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AceFlag {
    /// `CI`: child containers inherit the entry.
    ContainerInherit,
    /// `OI`: child objects that are not containers inherit the entry.
    ObjectInherit,
    /// `NP`: inherited by direct children only, not passed on further.
    NoPropagateInherit,
    /// `IO`: applies only to children that inherit it, not to this object.
    InheritOnly,
    /// `ID`: the entry was inherited from a parent.
    Inherited,
    /// `SA`: audits successful uses of the rights.
    AuditSuccess,
    /// `FA`: audits failed attempts to use the rights.
    AuditFailure,
    /// `TP`: a trust protected filter entry (`TRUST_PROTECTED_FILTER_ACE_FLAG`).
    TrustProtectedFilter,
    /// `CR`: a critical entry (`CRITICAL_ACE_FLAG`).
    Critical,
}

const ACE_FLAGS: &[(&str, AceFlag, &str)] = &[
    ("CI", AceFlag::ContainerInherit, "container inherit"),
    ("OI", AceFlag::ObjectInherit, "object inherit"),
    ("NP", AceFlag::NoPropagateInherit, "no propagate"),
    ("IO", AceFlag::InheritOnly, "inherit only"),
    ("ID", AceFlag::Inherited, "inherited"),
    ("SA", AceFlag::AuditSuccess, "audit success"),
    ("FA", AceFlag::AuditFailure, "audit failure"),
    ("TP", AceFlag::TrustProtectedFilter, "trust protected filter"),
    ("CR", AceFlag::Critical, "critical"),
];

impl AceFlag {
    /// The SDDL code: `CI`, `OI`, `ID`, ...
    pub fn code(self) -> &'static str {
        ACE_FLAGS.iter().find(|(_, flag, _)| *flag == self).map(|(code, _, _)| *code).expect("every flag has a code")
    }

    /// What the flag means, in words: `container inherit`, `inherited`, ...
    pub fn label(self) -> &'static str {
        ACE_FLAGS.iter().find(|(_, flag, _)| *flag == self).map(|(_, _, label)| *label).expect("every flag has a label")
    }
}

/// Where an SDDL string stopped making sense, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SddlError {
    /// Character position in the string (after the NUL padding is removed).
    pub position: usize,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for SddlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at character {}: {}", self.position, self.message)
    }
}

/// The result of parsing: what parsed, and the first problem, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedSddl {
    /// Everything that parsed before the first problem.
    pub descriptor: SecurityDescriptor,
    /// The first problem; `None` when the whole string parsed.
    pub error: Option<SddlError>,
}

/// Parses an SDDL security descriptor. Never fails: problems are reported in
/// [`ParsedSddl::error`] beside the parts that parsed.
pub fn parse_sddl(text: &str) -> ParsedSddl {
    let text = text.trim_end_matches('\0');
    let mut parser = Parser { text, position: 0, descriptor: SecurityDescriptor::default() };
    let error = parser.parse_all().err();
    ParsedSddl { descriptor: parser.descriptor, error }
}

struct Parser<'a> {
    text: &'a str,
    /// Byte offset of what is still to parse; always on a character boundary.
    position: usize,
    descriptor: SecurityDescriptor,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.position..]
    }

    fn error(&self, at: usize, message: impl Into<String>) -> SddlError {
        SddlError { position: self.text[..at].chars().count(), message: message.into() }
    }

    fn parse_all(&mut self) -> Result<(), SddlError> {
        while !self.rest().is_empty() {
            let start = self.position;
            let part = self.rest().get(..2).unwrap_or_default();
            self.position += part.len();
            match part {
                "O:" if self.descriptor.owner.is_none() => self.descriptor.owner = Some(self.trustee_part(start)?),
                "G:" if self.descriptor.group.is_none() => self.descriptor.group = Some(self.trustee_part(start)?),
                "D:" if self.descriptor.dacl.is_none() => {
                    let dacl = self.descriptor.dacl.insert(Acl::default());
                    Self::acl(self.text, &mut self.position, dacl)?;
                }
                "S:" if self.descriptor.sacl.is_none() => {
                    let sacl = self.descriptor.sacl.insert(Acl::default());
                    Self::acl(self.text, &mut self.position, sacl)?;
                }
                "O:" | "G:" | "D:" | "S:" => {
                    return Err(self.error(start, format!("\u{201c}{part}\u{201d} appears twice")));
                }
                _ => {
                    return Err(self
                        .error(start, "expected the start of a part: O: (owner), G: (group), D: (DACL) or S: (SACL)"));
                }
            }
        }
        Ok(())
    }

    /// The owner or group: everything up to the letter before the next `:`.
    fn trustee_part(&mut self, start: usize) -> Result<Trustee, SddlError> {
        let rest = self.rest();
        let before_next_part =
            |colon: usize| rest[..colon].char_indices().next_back().map_or(0, |(last_char, _)| last_char);
        let end = rest.find(':').map_or(rest.len(), before_next_part);
        let text = &rest[..end];
        let trustee = Trustee::parse(text)
            .ok_or_else(|| self.error(start, format!("\u{201c}{text}\u{201d} is not a SID or a known alias")))?;
        self.position += end;
        Ok(trustee)
    }

    /// ACL flags then ACEs, filling `acl` as they parse so that a later error keeps them.
    fn acl(text: &str, position: &mut usize, acl: &mut Acl) -> Result<(), SddlError> {
        let at = |offset: usize, message: String| SddlError { position: text[..offset].chars().count(), message };
        'flags: loop {
            for &(code, flag, _) in ACL_FLAGS {
                if text[*position..].starts_with(code) {
                    acl.flags.push(flag);
                    *position += code.len();
                    continue 'flags;
                }
            }
            break;
        }
        while text[*position..].starts_with('(') {
            let start = *position;
            let length = ace_length(&text[start..])
                .ok_or_else(|| at(start, "an ACE that starts here has no closing parenthesis".into()))?;
            let ace = parse_ace(&text[start + 1..start + length - 1]).map_err(|message| at(start, message))?;
            acl.aces.push(ace);
            *position = start + length;
        }
        Ok(())
    }
}

/// The length of the ACE at the start of `text`, parentheses included; conditional
/// expressions may nest parentheses and quote strings.
fn ace_length(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quoted = false;
    for (offset, character) in text.char_indices() {
        match character {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return Some(offset + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_ace(content: &str) -> Result<Ace, String> {
    let fields: Vec<&str> = content.splitn(7, ';').collect();
    let [kind, flags, rights, object_type, inherited_object_type, trustee, extra @ ..] = fields.as_slice() else {
        return Err(format!("the ACE \u{201c}({content})\u{201d} has {} fields; an ACE has at least 6", fields.len()));
    };
    let kind = ACE_KINDS
        .iter()
        .find(|(code, _, _)| code == kind)
        .map(|&(_, kind, _)| kind)
        .ok_or_else(|| format!("\u{201c}{kind}\u{201d} is not an ACE type"))?;
    Ok(Ace {
        kind,
        flags: parse_ace_flags(flags)?,
        rights: parse_rights(rights)?,
        rights_text: (*rights).to_owned(),
        object_type: parse_guid(object_type)?,
        inherited_object_type: parse_guid(inherited_object_type)?,
        trustee: Trustee::parse(trustee)
            .ok_or_else(|| format!("\u{201c}{trustee}\u{201d} is not a SID or a known alias"))?,
        extra: extra.first().map(|extra| (*extra).to_owned()),
    })
}

fn parse_ace_flags(text: &str) -> Result<Vec<AceFlag>, String> {
    letter_pairs(text, "ACE flags")?
        .map(|letters| {
            ACE_FLAGS
                .iter()
                .find(|(code, _, _)| *code == letters)
                .map(|&(_, flag, _)| flag)
                .ok_or_else(|| format!("\u{201c}{letters}\u{201d} is not an ACE flag"))
        })
        .collect()
}

/// Splits SDDL's concatenated two-letter codes (`CIID`, `CCDCLC`).
fn letter_pairs<'a>(text: &'a str, what: &str) -> Result<impl Iterator<Item = &'a str>, String> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return Err(format!("\u{201c}{text}\u{201d} is not a list of two-letter {what}"));
    }
    Ok(text.as_bytes().chunks(2).map(|pair| std::str::from_utf8(pair).expect("ASCII")))
}

fn parse_guid(text: &str) -> Result<Option<Uuid>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    Uuid::try_parse(text).map(Some).map_err(|_| format!("\u{201c}{text}\u{201d} is not a GUID"))
}

#[cfg(test)]
mod tests;
