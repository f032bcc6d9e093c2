//! The app stays small enough to start fast on a help desk's connection. The
//! budget is 250 kB brotli, the reason the date and CSV text forms are written
//! by hand rather than taken from crates (ARCHITECTURE.md).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::built_app;
use support::bundle::Bundle;

/// What a browser downloads to run the app (wasm, JavaScript, CSS), brotli-compressed.
const MOST_BROTLI_BYTES: usize = 250_000;

#[test]
fn the_bundle_stays_within_its_budget() {
    let bundle = Bundle::of(&built_app());
    let total = bundle.total();
    println!("the app's files: {} bytes brotli of {MOST_BROTLI_BYTES} ({})", total.brotli, total.describe());
    assert!(
        total.brotli < MOST_BROTLI_BYTES,
        "the app's files are {} brotli, over {MOST_BROTLI_BYTES} bytes (raw / gzip / brotli: {}; wasm {})",
        total.brotli,
        total.describe(),
        bundle.wasm.describe()
    );
}
