//! Access rights in SDDL: two-letter codes or a number, and the mask they make.

/// Single-bit rights: SDDL letters, bit, and the Windows name of the bit. CM's
/// own meaning of these bits (Approve, Read, ...) is not published; an
/// administrator may add it through the name configuration.
pub const RIGHT_BITS: &[(&str, u32, &str)] = &[
    ("CC", 0x1, "Create child"),
    ("DC", 0x2, "Delete child"),
    ("LC", 0x4, "List children"),
    ("SW", 0x8, "Self write"),
    ("RP", 0x10, "Read property"),
    ("WP", 0x20, "Write property"),
    ("DT", 0x40, "Delete tree"),
    ("LO", 0x80, "List object"),
    ("CR", 0x100, "Control access"),
    ("SD", 0x1_0000, "Delete"),
    ("RC", 0x2_0000, "Read control"),
    ("WD", 0x4_0000, "Write DAC"),
    ("WO", 0x8_0000, "Write owner"),
    ("GA", 0x1000_0000, "Generic all"),
    ("GX", 0x2000_0000, "Generic execute"),
    ("GW", 0x4000_0000, "Generic write"),
    ("GR", 0x8000_0000, "Generic read"),
];

/// Letters that stand for several bits at once (file and registry rights).
const RIGHT_COMBINATIONS: &[(&str, u32)] = &[
    ("FA", 0x1F_01FF),
    ("FR", 0x12_0089),
    ("FW", 0x12_0116),
    ("FX", 0x12_00A0),
    ("KA", 0xF_003F),
    ("KR", 0x2_0019),
    ("KW", 0x2_0006),
    ("KX", 0x2_0019),
];

/// The mask of an SDDL rights field: letter pairs (`CCDCLC`), `0x` hex, or decimal.
pub fn parse_rights(text: &str) -> Result<u32, String> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16).map_err(|_| format!("\u{201c}{text}\u{201d} is not a 32-bit hex mask"));
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().map_err(|_| format!("\u{201c}{text}\u{201d} is not a 32-bit mask"));
    }
    let mut mask = 0;
    for letters in super::letter_pairs(text, "rights")? {
        let bits = RIGHT_BITS
            .iter()
            .map(|&(code, bit, _)| (code, bit))
            .chain(RIGHT_COMBINATIONS.iter().copied())
            .find(|(code, _)| *code == letters)
            .map(|(_, bits)| bits)
            .ok_or_else(|| format!("\u{201c}{letters}\u{201d} is not an SDDL right"))?;
        mask |= bits;
    }
    Ok(mask)
}

/// The mask as letters, one pair per known bit, with any other bits as hex:
/// `CCDCSW`, `RC 0x100000`.
pub fn rights_letters(mask: u32) -> String {
    let letters: String = RIGHT_BITS.iter().filter(|(_, bit, _)| mask & bit != 0).map(|(code, _, _)| *code).collect();
    let rest = mask & !RIGHT_BITS.iter().fold(0, |all, (_, bit, _)| all | bit);
    match (letters.is_empty(), rest) {
        (_, 0) => letters,
        (true, rest) => format!("{rest:#x}"),
        (false, rest) => format!("{letters} {rest:#x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_make_masks() {
        assert_eq!(parse_rights("CCDCLCSWSDRC"), Ok(0x1 | 0x2 | 0x4 | 0x8 | 0x1_0000 | 0x2_0000));
        assert_eq!(parse_rights("LC"), Ok(0x4));
        assert_eq!(parse_rights("FA"), Ok(0x1F_01FF));
        assert_eq!(parse_rights("0x20019"), Ok(0x2_0019));
        assert_eq!(parse_rights("131072"), Ok(0x2_0000));
        assert_eq!(parse_rights(""), Ok(0));
    }

    #[test]
    fn bad_rights_are_explained() {
        assert!(parse_rights("XX").unwrap_err().contains("XX"));
        assert!(parse_rights("CCD").is_err());
        assert!(parse_rights("0x1FFFFFFFF").is_err());
        assert!(parse_rights("99999999999").is_err());
        assert!(parse_rights("0x").is_err());
        assert!(parse_rights("Éé").is_err());
    }

    #[test]
    fn masks_become_letters_again() {
        assert_eq!(rights_letters(0x1 | 0x2 | 0x8), "CCDCSW");
        assert_eq!(rights_letters(0x2_0000 | 0x10_0000), "RC 0x100000");
        assert_eq!(rights_letters(0x10_0000), "0x100000");
        assert_eq!(rights_letters(0), "");
        for &(code, bit, _) in RIGHT_BITS {
            assert_eq!(parse_rights(code), Ok(bit));
            assert_eq!(rights_letters(bit), code);
        }
    }
}
