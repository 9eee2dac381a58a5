//! Document bytes in, findings out, under every ruleset: no panic, no hang.
#![no_main]

use std::sync::LazyLock;

use adr_operator::document::LoadOptions;
use adr_operator::lint::lint_bytes;
use adr_operator::ruleset::{Ruleset, RulesetId};
use libfuzzer_sys::fuzz_target;

static RULESETS: LazyLock<Vec<Ruleset>> =
    LazyLock::new(|| RulesetId::ALL.iter().map(|id| id.ruleset()).collect());

fuzz_target!(|data: &[u8]| {
    let options = LoadOptions::default();
    for ruleset in RULESETS.iter() {
        let _ = lint_bytes("fuzz.yaml", data, ruleset, &options);
    }
});
