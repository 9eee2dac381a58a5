//! The fast YAML event producer against saphyr-parser on arbitrary text: it must give up or
//! yield exactly saphyr's events (`document::yaml::fast`).
#![no_main]

use adr_operator::document::yaml::fast::check_against_saphyr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(diff) = check_against_saphyr(text) {
            panic!("{diff}\non {text:?}");
        }
    }
});
