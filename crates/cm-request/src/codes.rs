//! The integer codes of `Status` and `RequestType`, with their names.
//!
//! Values come from `shared/reference/cm-rest-api.md`. A number without a known
//! name is kept as `Unknown(n)` so that the viewer shows it instead of hiding it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares an enum of named integer codes plus `Unknown(i32)`, converting both
/// ways with `i32` and serialising as the bare number, as the API does.
macro_rules! integer_code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = "i32", into = "i32")]
        pub enum $name {
            $(
                #[doc = concat!("`", stringify!($value), "`: ", stringify!($variant), ".")]
                $variant,
            )+
            /// A number that has no known name; kept so it can be shown.
            Unknown(i32),
        }

        impl $name {
            /// Every named value, in the order of their numbers.
            pub const KNOWN: &[$name] = &[$($name::$variant),+];

            /// The number the API uses for this value.
            pub fn code(self) -> i32 {
                i32::from(self)
            }

            /// The name of a known value; `None` for [`Self::Unknown`].
            pub fn known_name(self) -> Option<&'static str> {
                match self {
                    $($name::$variant => Some(stringify!($variant)),)+
                    $name::Unknown(_) => None,
                }
            }
        }

        impl From<i32> for $name {
            fn from(code: i32) -> Self {
                match code {
                    $($value => $name::$variant,)+
                    other => $name::Unknown(other),
                }
            }
        }

        impl From<$name> for i32 {
            fn from(value: $name) -> i32 {
                match value {
                    $($name::$variant => $value,)+
                    $name::Unknown(other) => other,
                }
            }
        }

        /// Ordered by number, as the API numbers them.
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.code().cmp(&other.code())
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        /// The name, or `Unknown (n)` for a number without one.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.known_name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, "Unknown ({})", self.code()),
                }
            }
        }
    };
}

integer_code_enum! {
    /// `Status` of a request (CM's RequestStatus).
    RequestStatus {
        None = 0,
        Approved = 3,
        Denied = 4,
        Completed = 8,
        Failed = 9,
        Pending = 16,
        Canceled = 17,
        Executing = 18,
    }
}

integer_code_enum! {
    /// `RequestType` of a request: what the request asks CM to do.
    RequestType {
        Enroll = 1,
        Recover = 2,
        Renew = 3,
        Disable = 4,
        Unblock = 5,
        Duplicate = 6,
        Retire = 7,
        RecoverOnBehalf = 8,
        SuspendOrReinstate = 9,
        OnlineUpdate = 10,
        TemporaryCardEnroll = 11,
    }
}

integer_code_enum! {
    /// `Status` of a smart card, and of a profile (CM's `sc_status` table
    /// serves both). 0 to 3 are confirmed by the SQL API's reference; Retired
    /// (6) only by one example of the REST API.
    CardStatus {
        New = 0,
        Assigned = 1,
        Active = 2,
        Disabled = 3,
        Retired = 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_status_round_trips_through_its_code() {
        for &status in RequestStatus::KNOWN {
            assert_eq!(RequestStatus::from(status.code()), status);
        }
        assert_eq!(RequestStatus::KNOWN.len(), 8);
    }

    #[test]
    fn every_known_type_round_trips_through_its_code() {
        for &kind in RequestType::KNOWN {
            assert_eq!(RequestType::from(kind.code()), kind);
        }
        assert_eq!(RequestType::KNOWN.len(), 11);
    }

    #[test]
    fn documented_numbers_have_documented_names() {
        let statuses: Vec<(i32, String)> = RequestStatus::KNOWN.iter().map(|s| (s.code(), s.to_string())).collect();
        assert_eq!(
            statuses,
            [
                (0, "None"),
                (3, "Approved"),
                (4, "Denied"),
                (8, "Completed"),
                (9, "Failed"),
                (16, "Pending"),
                (17, "Canceled"),
                (18, "Executing"),
            ]
            .map(|(n, s)| (n, s.to_string()))
        );
        assert_eq!(RequestType::from(1).to_string(), "Enroll");
        assert_eq!(RequestType::from(5).to_string(), "Unblock");
        assert_eq!(RequestType::from(11).to_string(), "TemporaryCardEnroll");
    }

    #[test]
    fn card_statuses_have_the_sc_status_numbers() {
        let statuses: Vec<String> = (0..8).map(|n| CardStatus::from(n).to_string()).collect();
        assert_eq!(
            statuses,
            ["New", "Assigned", "Active", "Disabled", "Unknown (4)", "Unknown (5)", "Retired", "Unknown (7)"]
        );
    }

    #[test]
    fn unknown_numbers_keep_their_value_in_the_name() {
        assert_eq!(RequestStatus::from(42), RequestStatus::Unknown(42));
        assert_eq!(RequestStatus::from(42).to_string(), "Unknown (42)");
        assert_eq!(RequestType::from(-7).to_string(), "Unknown (-7)");
        assert_eq!(RequestType::from(0).known_name(), None);
    }

    #[test]
    fn codes_serialise_as_bare_numbers() {
        assert_eq!(serde_json::to_string(&RequestStatus::Approved).unwrap(), "3");
        assert_eq!(serde_json::to_string(&RequestType::Unknown(99)).unwrap(), "99");
        let parsed: RequestType = serde_json::from_str("5").unwrap();
        assert_eq!(parsed, RequestType::Unblock);
    }
}
