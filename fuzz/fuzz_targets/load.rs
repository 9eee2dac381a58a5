//! The loader on arbitrary bytes, as JSON-looking and as YAML input: must return a document or
//! a clear error, never panic or hang.
#![no_main]

use adr_operator::document::{Document, LoadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = LoadOptions::default();
    let _ = Document::load("fuzz.yaml", data, &options);
    let _ = Document::load("fuzz.json", data, &options);
});
