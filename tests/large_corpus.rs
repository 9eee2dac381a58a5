//! Every large public specification in `../shared/corpus/large/` (up to Microsoft Graph's 20 MB)
//! lints without an error or a crash, and gives the findings every one of them must give (none
//! of them follows the Dutch ADR). One ruleset: the three share their engine and nearly all rules,
//! and a debug build takes minutes per ruleset on the 20 MB documents.

mod common;

use adr_operator::document::LoadOptions;
use adr_operator::lint::lint_bytes;
use adr_operator::ruleset::RulesetId;

#[test]
fn large_documents_lint_without_errors() {
    let dir = common::shared_dir().join("corpus/large");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "yaml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 10);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let name = path.to_string_lossy();
        let id = RulesetId::LATEST;
        let findings = lint_bytes(&name, &bytes, id.ruleset(), &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{name} ({id}): {e}"));
        assert!(
            findings.iter().all(|f| f.code != "parser"),
            "{name} ({id}) is valid JSON/YAML: {:?}",
            findings.iter().find(|f| f.code == "parser")
        );
        // None of these public APIs sends the Dutch API-Version header on every response.
        let tiny = name.contains("tiny-adr-baseline");
        assert_eq!(
            findings.iter().any(|f| f.code.ends_with("missing-header")
                || f.code.ends_with("missing-version-header")),
            !tiny,
            "{name} ({id})"
        );
    }
}
