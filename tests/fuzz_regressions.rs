//! Inputs kept from fuzzing (`make fuzz`; `tests/fuzz-regressions/README.md`): every one is linted
//! with every ruleset without a panic, and twice with the same result (no order that depends on
//! hashing or timing).

use adr_operator::document::LoadOptions;
use adr_operator::lint::lint_bytes;
use adr_operator::ruleset::RulesetId;

#[test]
fn fuzz_inputs_lint_without_panic_and_deterministically() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 60, "the kept inputs are there");
    let rulesets: Vec<_> = RulesetId::ALL.iter().map(|id| id.ruleset()).collect();
    let options = LoadOptions::default();
    for input in &inputs {
        let bytes = std::fs::read(input).unwrap();
        let name = input.to_string_lossy();
        for ruleset in &rulesets {
            let first = lint_bytes(&name, &bytes, ruleset, &options);
            let second = lint_bytes(&name, &bytes, ruleset, &options);
            match (first, second) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{name} under {}", ruleset.id),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{name}"),
                _ => panic!("{name}: loads once and not the other time"),
            }
        }
    }
}
