//! A YAML load split in two against the whole load on arbitrary text: every split of it that
//! lines up must give the same nodes and diagnostics (`document::yaml::split`).
#![no_main]

use adr_operator::document::yaml::split::check_split_loads;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(diff) = check_split_loads(text, usize::MAX) {
            panic!("{diff}\non {text:?}");
        }
    }
});
