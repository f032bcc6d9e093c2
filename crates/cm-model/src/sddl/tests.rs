use super::*;

const DOMAIN: &str = "S-1-5-21-2127521184-1604012920-1887927527";

#[test]
fn the_seed_descriptor_parses_completely() {
    let request: crate::Request =
        serde_json::from_str(include_str!("../../../../tests/fixtures/seed-enroll.json")).unwrap();
    let parsed = parse_sddl(&request.security_descriptor.text());
    assert_eq!(parsed.error, None);
    let descriptor = parsed.descriptor;
    assert_eq!(descriptor.owner.unwrap().sid.unwrap(), format!("{DOMAIN}-14134865"));
    assert_eq!((descriptor.group, descriptor.sacl), (None, None));
    let dacl = descriptor.dacl.unwrap();
    assert!(dacl.flags.is_empty());
    assert_eq!(dacl.aces.len(), 9);
    let deny = &dacl.aces[0];
    assert_eq!((deny.kind, deny.rights, deny.kind.allows()), (AceKind::Deny, 0x4, false));
    assert_eq!(deny.trustee.text, format!("{DOMAIN}-14995557"));
    let everyone = &dacl.aces[5];
    assert_eq!((everyone.kind.label(), everyone.rights_text.as_str()), ("Allow", "RC"));
    assert_eq!(everyone.trustee.to_string(), "Everyone (WD)");
    assert_eq!(rights_letters(dacl.aces[6].rights), "CCDCLCSWSDRC");
}

#[test]
fn every_part_flags_and_object_guids_parse() {
    let parsed = parse_sddl(
        "O:BAG:SYD:PAI(A;CIID;FA;;;BA)(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;bf967aba-0de6-11d0-a285-00aa003049e2;AU)S:AI(AU;SAFA;GA;;;WD)",
    );
    assert_eq!(parsed.error, None);
    let descriptor = parsed.descriptor;
    assert_eq!(descriptor.owner.unwrap().name, Some("Builtin Administrators"));
    assert_eq!(descriptor.group.unwrap().name, Some("Local System"));
    let dacl = descriptor.dacl.unwrap();
    assert_eq!(dacl.flags, [AclFlag::Protected, AclFlag::AutoInherited]);
    assert_eq!(dacl.aces[0].flags, [AceFlag::ContainerInherit, AceFlag::Inherited]);
    assert_eq!(dacl.aces[0].rights, 0x1F_01FF);
    let object = &dacl.aces[1];
    assert_eq!(object.kind, AceKind::ObjectAllow);
    assert_eq!(object.object_type, Some(uuid::uuid!("ab721a53-1e2f-11d0-9819-00aa0040529b")));
    assert_eq!(object.inherited_object_type, Some(uuid::uuid!("bf967aba-0de6-11d0-a285-00aa003049e2")));
    assert_eq!(object.trustee.name, Some("Authenticated Users"));
    let sacl = descriptor.sacl.unwrap();
    assert_eq!(sacl.flags, [AclFlag::AutoInherited]);
    assert_eq!(sacl.aces[0].flags, [AceFlag::AuditSuccess, AceFlag::AuditFailure]);
    assert_eq!(sacl.aces[0].kind.label(), "Audit");
}

#[test]
fn parts_may_come_in_any_order_and_acls_may_be_null() {
    let parsed = parse_sddl("D:NO_ACCESS_CONTROLO:SY");
    assert_eq!(parsed.error, None);
    assert_eq!(parsed.descriptor.dacl.unwrap().flags, [AclFlag::NoAccessControl]);
    assert_eq!(parsed.descriptor.owner.unwrap().text, "SY");
}

#[test]
fn conditional_expressions_keep_their_parentheses() {
    let parsed = parse_sddl(r#"D:(XA;;FX;;;S-1-1-0;(@User.Title == "P(M)" && (Member_of {SID(BA)})))(A;;RC;;;WD)"#);
    assert_eq!(parsed.error, None);
    let aces = parsed.descriptor.dacl.unwrap().aces;
    assert_eq!(aces.len(), 2);
    assert_eq!(aces[0].extra.as_deref(), Some(r#"(@User.Title == "P(M)" && (Member_of {SID(BA)}))"#));
}

#[test]
fn nul_padding_is_stripped_but_inner_nuls_are_errors() {
    assert_eq!(parse_sddl("O:BA\0\0\0").error, None);
    assert_eq!(parse_sddl("").descriptor, SecurityDescriptor::default());
    let parsed = parse_sddl("O:BA\0D:");
    assert!(parsed.error.is_some());
}

#[test]
fn a_bad_ace_keeps_the_ones_before_it() {
    let parsed = parse_sddl("O:BAD:(A;;RC;;;WD)(A;;ZZ;;;WD)(A;;RC;;;SY)");
    assert_eq!(parsed.descriptor.owner.unwrap().text, "BA");
    assert_eq!(parsed.descriptor.dacl.unwrap().aces.len(), 1);
    let error = parsed.error.unwrap();
    assert_eq!(error.position, 18);
    assert_eq!(error.to_string(), "at character 18: \u{201c}ZZ\u{201d} is not an SDDL right");
}

#[test]
fn malformed_descriptors_are_explained() {
    let cases = [
        ("D:(A;;RC;;;WD)(A;;RC", "no closing parenthesis"),
        ("D:(A;;RC;;WD)", "has 5 fields"),
        ("D:(Q;;RC;;;WD)", "not an ACE type"),
        ("D:(A;XY;RC;;;WD)", "not an ACE flag"),
        ("D:(A;;RC;not-a-guid;;WD)", "not a GUID"),
        ("D:(A;;RC;;;S-1-5-x)", "not a SID"),
        ("O:BAO:SY", "appears twice"),
        ("X:BA", "expected the start of a part"),
        ("O:", "not a SID"),
        ("D:(A;;RC;;;WD)garbage", "expected the start of a part"),
        ("O:BAD:(A;;RC;;;WD)é", "expected the start of a part"),
        ("O:é:", "not a SID"),
        ("O:Bé:", "not a SID"),
    ];
    for (text, expected) in cases {
        let error = parse_sddl(text).error.unwrap_or_else(|| panic!("{text} parsed"));
        assert!(error.message.contains(expected), "{text}: {error}");
    }
}
