//! Trustees: SIDs and SDDL's two-letter aliases, with the names people know them by.

use std::fmt;

/// Who an ACE, the owner or the group refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trustee {
    /// As written in the SDDL: a SID (`S-1-5-32-544`) or an alias (`BA`).
    pub text: String,
    /// The SID, when it is known: written as one, or the alias of a machine-independent SID.
    pub sid: Option<String>,
    /// The well-known name, or the class of a domain account (`Domain Admins`).
    pub name: Option<&'static str>,
}

impl Trustee {
    /// Reads an SDDL trustee; `None` if it is neither a valid SID nor a known alias.
    pub fn parse(text: &str) -> Option<Trustee> {
        if let Some(&(_, sid, name)) = ALIASES.iter().find(|(alias, _, _)| *alias == text) {
            return Some(Trustee { text: text.to_owned(), sid: sid.map(str::to_owned), name: Some(name) });
        }
        let sid = canonical_sid(text)?;
        let name = well_known_sid_name(&sid);
        Some(Trustee { text: text.to_owned(), sid: Some(sid), name })
    }
}

/// `Everyone (WD)`, `Domain Admins (S-1-5-21-…-512)`, or the SID alone.
impl fmt::Display for Trustee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name {
            Some(name) => write!(f, "{name} ({})", self.text),
            None => f.write_str(&self.text),
        }
    }
}

/// A SID in its canonical text form (`S-1-…`, decimal), or `None` if `text` is not one.
fn canonical_sid(text: &str) -> Option<String> {
    let rest = text.strip_prefix("S-").or_else(|| text.strip_prefix("s-"))?;
    let mut parts = rest.split('-');
    let revision: u8 = parts.next()?.parse().ok()?;
    let authority = parse_authority(parts.next()?)?;
    let sub_authorities: Vec<u32> = parts.map(parse_decimal).collect::<Option<_>>()?;
    if revision != 1 || sub_authorities.len() > 15 {
        return None;
    }
    let mut sid = format!("S-1-{authority}");
    for sub in sub_authorities {
        sid.push_str(&format!("-{sub}"));
    }
    Some(sid)
}

/// The identifier authority: decimal, or hex with `0x` (48 bits at most).
fn parse_authority(text: &str) -> Option<u64> {
    let value = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() && hex.len() <= 12 => u64::from_str_radix(hex, 16).ok()?,
        Some(_) => return None,
        None => u64::from(parse_decimal(text)?),
    };
    (value < 1 << 48).then_some(value)
}

fn parse_decimal(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The name of a well-known SID, or of the well-known account class of a domain SID.
fn well_known_sid_name(sid: &str) -> Option<&'static str> {
    if let Some(&(_, _, name)) = ALIASES.iter().find(|(_, known, _)| *known == Some(sid)) {
        return Some(name);
    }
    if let Some(&(_, name)) = OTHER_WELL_KNOWN_SIDS.iter().find(|(known, _)| *known == sid) {
        return Some(name);
    }
    let domain_rid = sid.strip_prefix("S-1-5-21-")?;
    let parts: Vec<&str> = domain_rid.split('-').collect();
    // A domain SID is S-1-5-21-a-b-c followed by the account's RID.
    if parts.len() != 4 {
        return None;
    }
    let rid: u32 = parts[3].parse().ok()?;
    DOMAIN_RIDS.iter().find(|(known, _)| *known == rid).map(|&(_, name)| name)
}

/// SDDL aliases (MS-DTYP 2.4.2.4 and Microsoft's SID strings list): the
/// alias, the SID for machine-independent ones, and the name.
const ALIASES: &[(&str, Option<&str>, &str)] = &[
    ("AA", Some("S-1-5-32-579"), "Access Control Assistance Operators"),
    ("AC", Some("S-1-15-2-1"), "All App Packages"),
    ("AN", Some("S-1-5-7"), "Anonymous Logon"),
    ("AO", Some("S-1-5-32-548"), "Account Operators"),
    ("AP", None, "Protected Users"),
    ("AS", Some("S-1-18-1"), "Authentication Authority Asserted Identity"),
    ("AU", Some("S-1-5-11"), "Authenticated Users"),
    ("BA", Some("S-1-5-32-544"), "Builtin Administrators"),
    ("BG", Some("S-1-5-32-546"), "Builtin Guests"),
    ("BO", Some("S-1-5-32-551"), "Backup Operators"),
    ("BU", Some("S-1-5-32-545"), "Builtin Users"),
    ("CA", None, "Cert Publishers"),
    ("CD", Some("S-1-5-32-574"), "Certificate Service DCOM Access"),
    ("CG", Some("S-1-3-1"), "Creator Group"),
    ("CN", None, "Cloneable Domain Controllers"),
    ("CO", Some("S-1-3-0"), "Creator Owner"),
    ("CY", Some("S-1-5-32-569"), "Cryptographic Operators"),
    ("DA", None, "Domain Admins"),
    ("DC", None, "Domain Computers"),
    ("DD", None, "Domain Controllers"),
    ("DG", None, "Domain Guests"),
    ("DU", None, "Domain Users"),
    ("EA", None, "Enterprise Admins"),
    ("ED", Some("S-1-5-9"), "Enterprise Domain Controllers"),
    ("EK", None, "Enterprise Key Admins"),
    ("ER", Some("S-1-5-32-573"), "Event Log Readers"),
    ("ES", Some("S-1-5-32-576"), "RDS Endpoint Servers"),
    ("HA", Some("S-1-5-32-578"), "Hyper-V Administrators"),
    ("HI", Some("S-1-16-12288"), "High Integrity Level"),
    ("IS", Some("S-1-5-32-568"), "IIS Users"),
    ("IU", Some("S-1-5-4"), "Interactive"),
    ("KA", None, "Key Admins"),
    ("LA", None, "Local Administrator"),
    ("LG", None, "Local Guest"),
    ("LS", Some("S-1-5-19"), "Local Service"),
    ("LU", Some("S-1-5-32-559"), "Performance Log Users"),
    ("LW", Some("S-1-16-4096"), "Low Integrity Level"),
    ("ME", Some("S-1-16-8192"), "Medium Integrity Level"),
    ("MP", Some("S-1-16-8448"), "Medium Plus Integrity Level"),
    ("MS", Some("S-1-5-32-577"), "RDS Management Servers"),
    ("MU", Some("S-1-5-32-558"), "Performance Monitor Users"),
    ("NO", Some("S-1-5-32-556"), "Network Configuration Operators"),
    ("NS", Some("S-1-5-20"), "Network Service"),
    ("NU", Some("S-1-5-2"), "Network"),
    ("OW", Some("S-1-3-4"), "Owner Rights"),
    ("PA", None, "Group Policy Creator Owners"),
    ("PO", Some("S-1-5-32-550"), "Print Operators"),
    ("PS", Some("S-1-5-10"), "Principal Self"),
    ("PU", Some("S-1-5-32-547"), "Power Users"),
    ("RA", Some("S-1-5-32-575"), "RDS Remote Access Servers"),
    ("RC", Some("S-1-5-12"), "Restricted Code"),
    ("RD", Some("S-1-5-32-555"), "Remote Desktop Users"),
    ("RE", Some("S-1-5-32-552"), "Replicator"),
    ("RM", Some("S-1-5-32-580"), "Remote Management Users"),
    ("RO", None, "Enterprise Read-only Domain Controllers"),
    ("RS", None, "RAS and IAS Servers"),
    ("RU", Some("S-1-5-32-554"), "Pre-Windows 2000 Compatible Access"),
    ("SA", None, "Schema Admins"),
    ("SI", Some("S-1-16-16384"), "System Integrity Level"),
    ("SO", Some("S-1-5-32-549"), "Server Operators"),
    ("SS", Some("S-1-18-2"), "Service Asserted Identity"),
    ("SU", Some("S-1-5-6"), "Service"),
    ("SY", Some("S-1-5-18"), "Local System"),
    ("UD", Some("S-1-5-84-0-0-0-0-0"), "User-Mode Drivers"),
    ("WD", Some("S-1-1-0"), "Everyone"),
    ("WR", Some("S-1-5-33"), "Write Restricted Code"),
];

/// Well-known SIDs that have no SDDL alias.
const OTHER_WELL_KNOWN_SIDS: &[(&str, &str)] = &[
    ("S-1-0-0", "Nobody"),
    ("S-1-2-0", "Local"),
    ("S-1-2-1", "Console Logon"),
    ("S-1-5-1", "Dialup"),
    ("S-1-5-3", "Batch"),
    ("S-1-5-8", "Proxy"),
    ("S-1-5-13", "Terminal Server Users"),
    ("S-1-5-14", "Remote Interactive Logon"),
    ("S-1-5-15", "This Organization"),
    ("S-1-5-17", "IUSR"),
    ("S-1-5-64-10", "NTLM Authentication"),
    ("S-1-5-64-14", "SChannel Authentication"),
    ("S-1-5-64-21", "Digest Authentication"),
    ("S-1-5-113", "Local Account"),
    ("S-1-5-114", "Local Account and Member of Administrators Group"),
    ("S-1-5-1000", "Other Organization"),
];

/// Well-known RIDs of domain accounts and groups (MS-DTYP 2.4.2.4).
const DOMAIN_RIDS: &[(u32, &str)] = &[
    (498, "Enterprise Read-only Domain Controllers"),
    (500, "Administrator"),
    (501, "Guest"),
    (502, "KRBTGT"),
    (512, "Domain Admins"),
    (513, "Domain Users"),
    (514, "Domain Guests"),
    (515, "Domain Computers"),
    (516, "Domain Controllers"),
    (517, "Cert Publishers"),
    (518, "Schema Admins"),
    (519, "Enterprise Admins"),
    (520, "Group Policy Creator Owners"),
    (521, "Read-only Domain Controllers"),
    (522, "Cloneable Domain Controllers"),
    (525, "Protected Users"),
    (526, "Key Admins"),
    (527, "Enterprise Key Admins"),
    (553, "RAS and IAS Servers"),
    (571, "Allowed RODC Password Replication Group"),
    (572, "Denied RODC Password Replication Group"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_have_names_and_sids() {
        let everyone = Trustee::parse("WD").unwrap();
        assert_eq!(everyone.name, Some("Everyone"));
        assert_eq!(everyone.sid.as_deref(), Some("S-1-1-0"));
        assert_eq!(everyone.to_string(), "Everyone (WD)");
        let admins = Trustee::parse("DA").unwrap();
        assert_eq!((admins.name, admins.sid), (Some("Domain Admins"), None));
    }

    #[test]
    fn well_known_sids_are_named() {
        assert_eq!(Trustee::parse("S-1-5-32-544").unwrap().name, Some("Builtin Administrators"));
        assert_eq!(Trustee::parse("S-1-5-18").unwrap().name, Some("Local System"));
        assert_eq!(Trustee::parse("S-1-1-0").unwrap().to_string(), "Everyone (S-1-1-0)");
    }

    #[test]
    fn domain_sids_show_their_rid_class() {
        let admins = Trustee::parse("S-1-5-21-2127521184-1604012920-1887927527-512").unwrap();
        assert_eq!(admins.name, Some("Domain Admins"));
        let person = Trustee::parse("S-1-5-21-2127521184-1604012920-1887927527-14134865").unwrap();
        assert_eq!(person.name, None);
        assert_eq!(person.to_string(), "S-1-5-21-2127521184-1604012920-1887927527-14134865");
    }

    #[test]
    fn sids_are_validated() {
        assert!(Trustee::parse("S-1-0x5-18").is_some());
        for bad in ["S-1", "S-2-5-18", "S-1-5-x", "S-1-5--1", "S-1-5-99999999999", "ZZ", "", "S-1-0x1000000000000-1"] {
            assert_eq!(Trustee::parse(bad), None, "{bad}");
        }
        let too_long = format!("S-1-5{}", "-1".repeat(16));
        assert_eq!(Trustee::parse(&too_long), None);
    }
}
