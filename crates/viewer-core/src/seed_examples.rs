//! The API reference's two documented requests, parsed once, for the tests of
//! every module.

use cm_model::Request;
use std::sync::LazyLock;

static ENROLL: LazyLock<Request> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../tests/fixtures/seed-enroll.json")).expect("the enroll example")
});

static UNBLOCK: LazyLock<Request> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../tests/fixtures/seed-unblock.json")).expect("the unblock example")
});

/// The documented enroll request (approved, a smart card).
pub fn enroll() -> Request {
    ENROLL.clone()
}

/// The documented unblock request (approved, an old smart card).
pub fn unblock() -> Request {
    UNBLOCK.clone()
}
