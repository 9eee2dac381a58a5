//! Document bytes in, findings out, under every ruleset: no panic, no hang.
#![no_main]

use adr_operator::document::LoadOptions;
use adr_operator::lint::lint_bytes;
use adr_operator::ruleset::RulesetId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = LoadOptions::default();
    for id in RulesetId::ALL {
        let _ = lint_bytes("fuzz.yaml", data, id.ruleset(), &options);
    }
});
