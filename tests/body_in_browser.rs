//! Reading a body as a download reads the answer: a byte stream (a fetch
//! body) into one buffer, used again for each read; any other stream in the
//! chunks it makes. Both give every byte, in order.
#![cfg(target_arch = "wasm32")]

use cm_request_viewer::api::BodyReader;
use js_sys::{Function, Object, Reflect, Uint8Array};
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{ReadableStream, Response};

wasm_bindgen_test_configure!(run_in_browser);

/// A body of several buffers and a bit, no byte in the same place of two of them.
fn body() -> Vec<u8> {
    (0..1_000_003u32).map(|at| (at % 251) as u8).collect()
}

/// Everything `reader` reads, and in how many reads.
async fn read_whole(mut reader: BodyReader) -> (Vec<u8>, usize) {
    let (mut read, mut reads) = (Vec::new(), 0);
    while reader.read_into(&mut read).await.expect("a readable stream").is_some() {
        reads += 1;
    }
    (read, reads)
}

#[wasm_bindgen_test]
async fn a_byte_stream_is_read_into_one_buffer_whole() {
    let mut bytes = body();
    let stream = Response::new_with_opt_u8_array(Some(&mut bytes)).unwrap().body().unwrap();
    let reader = BodyReader::of(stream);
    assert!(matches!(reader, BodyReader::IntoBuffer { .. }), "a fetch body is a byte stream");
    let (read, reads) = read_whole(reader).await;
    assert_eq!(read, body());
    assert!(reads >= 4, "a read fills at most a quarter of a megabyte: {reads} reads");
}

#[wasm_bindgen_test]
async fn another_stream_is_read_in_its_own_chunks_whole() {
    let mut chunks: VecDeque<Uint8Array> = body().chunks(300_000).map(Uint8Array::from).collect();
    // A source that gives one chunk each time it is asked, then ends.
    let pull = Closure::<dyn FnMut(JsValue)>::new(move |controller: JsValue| {
        let call = |method: &str| Reflect::get(&controller, &method.into()).unwrap().unchecked_into::<Function>();
        match chunks.pop_front() {
            Some(chunk) => call("enqueue").call1(&controller, &chunk).unwrap(),
            None => call("close").call0(&controller).unwrap(),
        };
    });
    let source = Object::new();
    Reflect::set(&source, &"pull".into(), pull.as_ref()).unwrap();
    let reader = BodyReader::of(ReadableStream::new_with_underlying_source(&source).unwrap());
    assert!(matches!(reader, BodyReader::Chunks(_)), "a stream of chunks is not a byte stream");
    let (read, reads) = read_whole(reader).await;
    assert_eq!(read, body());
    assert_eq!(reads, 4, "one read for each chunk");
}
