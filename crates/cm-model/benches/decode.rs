//! Decoding a 10,000-request response, beside parsing the same bytes into an
//! untyped `serde_json::Value` as the baseline.
//!
//! `cargo bench -p cm-model --bench decode` prints the throughput of each.

use cm_model::decode_response;
use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use mock_cm_server::api::{list_json, request_json};
use std::sync::LazyLock;

const REQUESTS: usize = 10_000;

/// The mock server's answer to `GET .../requests` with 10,000 generated requests.
static BODY: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let written: Vec<String> = mock_cm_server::dataset::build(REQUESTS - 2, 1).iter().map(request_json).collect();
    list_json(&written.iter().map(String::as_str).collect::<Vec<_>>()).into_bytes()
});

fn main() {
    println!("response body: {} requests, {:.1} MB", REQUESTS, BODY.len() as f64 / 1e6);
    divan::main();
}

#[divan::bench(sample_count = 20)]
fn typed_requests(bencher: Bencher) {
    bencher.counter(BytesCount::of_slice(&*BODY)).bench(|| {
        let decoded = decode_response(200, Some("application/json"), black_box(&BODY)).unwrap();
        assert_eq!(decoded.items.len(), REQUESTS);
        decoded
    });
}

#[divan::bench(sample_count = 20)]
fn untyped_value_baseline(bencher: Bencher) {
    bencher
        .counter(BytesCount::of_slice(&*BODY))
        .bench(|| serde_json::from_slice::<serde_json::Value>(black_box(&BODY)).unwrap());
}
