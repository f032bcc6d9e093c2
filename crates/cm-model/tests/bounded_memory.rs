//! Decoding holds bounded memory whatever the body, measured by an allocator
//! that counts what is held: millions of broken elements cost a count, and an
//! element of any length costs at most about twice the element limit.

use cm_model::{Decoded, ElementFailures, MAX_ELEMENT_BYTES, Request, ResponseDecoder};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting the bytes held and the most held at once.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static MOST_HELD: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only counts are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let held = HELD.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        MOST_HELD.fetch_max(held, Ordering::SeqCst);
        // SAFETY: the caller's layout, as `GlobalAlloc::alloc` requires.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What decoding `chunks` chunk by chunk ends with, and the most memory it
/// held at once beyond what was held before it.
fn decode_measured<'a>(chunks: impl Iterator<Item = &'a [u8]>) -> (Decoded<Request>, usize, usize) {
    let before = HELD.load(Ordering::SeqCst);
    MOST_HELD.store(before, Ordering::SeqCst);
    let mut decoder = ResponseDecoder::<Request>::new(200, Some("application/json"));
    let mut decoded = 0;
    for chunk in chunks {
        decoded += decoder.push(chunk).len();
    }
    let finished = decoder.finish().unwrap();
    (finished, decoded, MOST_HELD.load(Ordering::SeqCst) - before)
}

/// A body of `[`, `middle` as often as fits in `bytes`, and `end`, as 64 KB chunks.
fn body<'a>(start: &'a [u8], middle: &'a [u8], repeats: usize, end: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    std::iter::once(start).chain(std::iter::repeat_n(middle, repeats)).chain(std::iter::once(end))
}

const MINIMAL: &str = r#""Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099","RequestType":1,"Status":3"#;

// One test, so that nothing else allocates while it measures.
#[test]
fn memory_stays_bounded_whatever_the_body() {
    // 10 MB of `0,`: five million elements that are not requests. (100 MB holds
    // the same memory, in ten times the time.)
    let zeros = "0,".repeat(32 * 1024);
    let (finished, decoded, most_held) = decode_measured(body(b"[", zeros.as_bytes(), 160, b"0]"));
    let failures = finished.end.failures;
    assert_eq!(decoded + finished.items.len(), 0);
    assert_eq!(failures.count(), 160 * 32 * 1024 + 1);
    assert_eq!(failures.listed().len(), ElementFailures::LISTED);
    assert_eq!(failures.listed()[19].index, 19);
    assert_eq!(failures.unlisted(), failures.count() - ElementFailures::LISTED);
    assert!(most_held < 64 * 1024, "{most_held} bytes held for broken elements");

    // A request with a 20 MB comment: kept, with the comment's start.
    let comment = "x".repeat(64 * 1024);
    let start = format!(r#"[{{{MINIMAL},"Comment":""#);
    let (finished, decoded, most_held) = decode_measured(body(start.as_bytes(), comment.as_bytes(), 320, br#""}]"#));
    assert_eq!(decoded + finished.items.len(), 1);
    assert!(finished.end.failures.is_empty());
    assert!(most_held < 3 * MAX_ELEMENT_BYTES, "{most_held} bytes held for a long comment");

    // 20 MB of list items in one element: refused without being kept.
    let start = format!(r#"[{{{MINIMAL},"X":["#);
    let (finished, decoded, most_held) = decode_measured(body(start.as_bytes(), zeros.as_bytes(), 320, b"0]}]"));
    assert_eq!((decoded, finished.end.failures.count()), (0, 1));
    assert!(most_held < 3 * MAX_ELEMENT_BYTES, "{most_held} bytes held for a long element");
}
