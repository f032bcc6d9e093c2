//! The addresses this page's Content-Security-Policy stopped it from reaching.
//!
//! A fetch the policy blocks fails like one the network drops; only the
//! `securitypolicyviolation` event tells them apart, so the page listens for
//! it from the start and the API client asks afterwards.

use std::cell::RefCell;
use viewer_core::config::origin_of;
use wasm_bindgen::prelude::*;
use web_sys::SecurityPolicyViolationEvent;

/// Enough to tell the hosts of one session apart; older ones are forgotten.
const REMEMBERED: usize = 16;

thread_local! {
    static BLOCKED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Starts listening for violations, for the page's lifetime.
pub fn start_recording() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    let record = Closure::<dyn FnMut(SecurityPolicyViolationEvent)>::new(|event: SecurityPolicyViolationEvent| {
        BLOCKED.with_borrow_mut(|blocked| {
            if blocked.len() == REMEMBERED {
                blocked.remove(0);
            }
            blocked.push(event.blocked_uri());
        });
    });
    if document.add_event_listener_with_callback("securitypolicyviolation", record.as_ref().unchecked_ref()).is_ok() {
        record.forget();
    }
}

/// Whether the policy has blocked a connection to `host` (an origin, perhaps with a path).
pub fn blocked(host: &str) -> bool {
    let origin = origin_of(host);
    BLOCKED.with_borrow(|blocked| blocked.iter().any(|uri| origin_of(uri).eq_ignore_ascii_case(origin)))
}
