//! The clock of the page, and User Timing marks of a load, which the browser's
//! performance tools (and the project's browser benchmark) read:
//! `cm:response-start`, `cm:first-rows`, `cm:last-byte` and `cm:all-rows`.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// `performance.mark(name, { detail })`; web-sys has it only among its unstable APIs.
    #[wasm_bindgen(js_namespace = performance, js_name = mark, catch)]
    fn mark_with_options(name: &str, options: &JsValue) -> Result<JsValue, JsValue>;

    /// Milliseconds since the page started: `performance.now()`, which every
    /// window has, called straight: a load asks about ten thousand times, and
    /// finding the window and its `Performance` first took three more calls
    /// out of WebAssembly each time.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    pub fn now() -> f64;
}

/// Marks this moment as `name` on the page's performance timeline.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        // A timeline entry is a diagnostic: failing to add one changes nothing.
        let _ = performance.mark(name);
    }
}

/// What loading an answer cost the main thread.
pub struct LoadCost {
    /// Turning the body's bytes into requests.
    pub decoding_ms: f64,
    /// Storing them: shared descriptors, the search index.
    pub storing_ms: f64,
    pub body_bytes: u64,
    pub requests: usize,
}

/// Marks `cm:all-rows` once the page has shown every request, with what the
/// load cost and the wasm memory after it.
pub fn mark_loaded(cost: LoadCost) {
    wasm_bindgen_futures::spawn_local(async move {
        yield_to_browser().await;
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        let memory_bytes = memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length();
        let detail = Object::new();
        for (key, value) in [
            ("decodeMilliseconds", cost.decoding_ms),
            ("storeMilliseconds", cost.storing_ms),
            ("bodyBytes", cost.body_bytes as f64),
            ("requests", cost.requests as f64),
            ("wasmMemoryBytes", f64::from(memory_bytes)),
        ] {
            let _ = Reflect::set(&detail, &key.into(), &value.into());
        }
        let options = Object::new();
        let _ = Reflect::set(&options, &"detail".into(), &detail);
        let _ = mark_with_options("cm:all-rows", &options);
    });
}

/// How long work may hold the main thread before it lets the browser paint
/// and handle input: well under the 50 ms of a long task.
const SLICE_MS: f64 = 12.0;

/// Long work cut into slices of [`SLICE_MS`], the browser getting the main
/// thread back between them.
pub struct Slices {
    started: f64,
}

impl Slices {
    /// The first slice, starting now.
    pub fn new() -> Slices {
        Slices { started: now() }
    }

    /// Starts a new slice now: the caller has just given the browser the main thread.
    pub fn restart(&mut self) {
        self.started = now();
    }

    /// Yields to the browser if the slice under way is over, and starts the next.
    pub async fn yield_if_over(&mut self) {
        if now() - self.started > SLICE_MS {
            yield_to_browser().await;
            self.restart();
        }
    }
}

/// Lets the browser paint and handle input before the caller goes on: a
/// timer runs after the rendering and events already queued.
pub async fn yield_to_browser() {
    let Some(window) = web_sys::window() else { return };
    let promise = Promise::new(&mut |resolve, _| {
        let _ = window.set_timeout_with_callback(&resolve);
    });
    let _ = JsFuture::from(promise).await;
}
