//! One CM request, field by field, as the REST API sends it.

use crate::{CmDate, RequestStatus, RequestType};
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

/// A CM request (`Microsoft.Clm.Shared.Requests.Request`).
///
/// GUID fields use [`Uuid::nil`] for "none", as the API does. Fields other than
/// the id, type and status may be missing or null in a response; they then take
/// their empty value rather than losing the whole request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    pub uuid: Uuid,
    pub request_type: RequestType,
    pub status: RequestStatus,
    #[serde(default)]
    pub flags: u32,
    #[serde(default, deserialize_with = "null_as_default")]
    pub data_collection: Vec<DataItem>,
    #[serde(default)]
    pub data_collection_flags: u32,
    #[serde(default)]
    pub originator_user_uuid: Uuid,
    #[serde(default)]
    pub target_user_uuid: Uuid,
    #[serde(default)]
    pub submitted: CmDate,
    #[serde(default)]
    pub completed: CmDate,
    #[serde(default)]
    pub new_profile_uuid: Uuid,
    #[serde(default)]
    pub old_profile_uuid: Uuid,
    #[serde(default)]
    pub new_smartcard_uuid: Uuid,
    #[serde(default)]
    pub old_smartcard_uuid: Uuid,
    #[serde(default)]
    pub priority: i32,
    /// Free text typed by people: show it as text, never as markup.
    #[serde(default, deserialize_with = "null_as_default")]
    pub comment: String,
    #[serde(default)]
    pub profile_template_uuid: Uuid,
    /// SDDL, as received: CM pads it with a variable number of NUL characters.
    #[serde(default, deserialize_with = "null_as_default")]
    pub security_descriptor: String,
    #[serde(default)]
    pub is_smartcard: bool,
    #[serde(default)]
    pub is_enrollment_agent: bool,
    #[serde(default)]
    pub is_data_collection_complete: bool,
}

/// One item of a request's data collection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DataItem {
    pub name: String,
    /// `None` when the item has not been collected (JSON null).
    pub value: Option<String>,
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
