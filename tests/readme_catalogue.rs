//! The README's rule catalogue is generated from the code (`make rules-doc`); this test fails
//! when the two drift apart.

#[test]
fn readme_rule_catalogue_matches_the_code() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let generated = adr_operator::catalogue::render(adr_operator::ruleset::RulesetId::Adr221, true);
    assert!(
        readme.contains(generated.trim()),
        "README.md's rule catalogue differs from `adr-operator rules --ruleset adr-2.2.1 --format markdown`:\n{generated}"
    );
}
