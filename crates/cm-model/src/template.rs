//! Profile templates, the only documented way to name a request's
//! `ProfileTemplateUuid` (`GET .../profiletemplates`).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A profile template visible to the current user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProfileTemplate {
    /// `Name`: what people call the template.
    pub name: String,
    /// `Description`: free text; may be null.
    #[serde(default)]
    pub description: Option<String>,
    /// `Uuid`: the id that requests refer to.
    pub uuid: Uuid,
    /// `IsSmartcardProfileTemplate`: issues smart cards.
    #[serde(default)]
    pub is_smartcard_profile_template: bool,
    /// `IsVirtualSmartcardProfileTemplate`: issues virtual smart cards.
    #[serde(default)]
    pub is_virtual_smartcard_profile_template: bool,
}

#[cfg(test)]
mod tests {
    use crate::decode_profile_templates;

    #[test]
    fn templates_decode_and_unreadable_ones_are_left_out() {
        let body = br#"[{"Name":"Smart Card User","Description":null,"Uuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3",
            "IsSmartcardProfileTemplate":true,"IsVirtualSmartcardProfileTemplate":false},{"Name":"broken"}]"#;
        let templates = decode_profile_templates(200, Some("application/json"), body).unwrap();
        assert_eq!(templates.len(), 1);
        assert_eq!(templates[0].name, "Smart Card User");
        assert!(templates[0].is_smartcard_profile_template);
        assert_eq!(decode_profile_templates(204, None, b"").unwrap(), []);
        assert!(decode_profile_templates(500, None, b"boom").is_err());
    }
}
