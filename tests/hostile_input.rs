//! Hostile and broken input: every case gets a clear error or a correct result, quickly, and
//! never a panic or a hang.

use adr_operator::document::{Document, LoadError, LoadOptions};
use adr_operator::lint::lint_bytes;
use adr_operator::ruleset::RulesetId;

fn lint(text: &[u8]) -> Result<Vec<adr_operator::lint::Finding>, LoadError> {
    lint_bytes(
        "hostile.json",
        text,
        RulesetId::Adr221.ruleset(),
        &LoadOptions::default(),
    )
}

#[test]
fn deep_nesting_is_a_clear_error() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(
        lint(deep.as_bytes()),
        Err(LoadError::TooDeep { limit: 256, .. })
    ));
    let deep_objects = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    assert!(matches!(
        lint(deep_objects.as_bytes()),
        Err(LoadError::TooDeep { .. })
    ));
}

#[test]
fn oversized_input_is_rejected_before_parsing() {
    let options = LoadOptions {
        limits: adr_operator::document::Limits {
            max_input_bytes: 1024,
            ..Default::default()
        },
    };
    let big = format!(
        "{{\"openapi\": \"3.0.3\", \"x\": \"{}\"}}",
        "a".repeat(4096)
    );
    let err = Document::load("big.json", big.as_bytes(), &options).unwrap_err();
    assert_eq!(
        err,
        LoadError::TooLarge {
            size: big.len(),
            limit: 1024
        }
    );
    assert!(err.to_string().contains("exceeds the limit"));
}

#[test]
fn non_utf8_is_a_clear_error() {
    let err = lint(b"{\"openapi\": \"3.0.3\", \"x\": \"\xff\xfe\"}").unwrap_err();
    assert_eq!(err, LoadError::NotUtf8 { offset: 27 });
}

#[test]
fn malformed_json_is_a_parser_finding_with_a_position() {
    let findings = lint(b"{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\n}").unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "parser");
    assert_eq!(findings[0].range.start.line, 3);
}

#[test]
fn reference_cycles_and_long_chains_terminate() {
    // A -> B -> A, and a self reference.
    let cycle = br##"{"openapi": "3.0.3", "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/A"}}}}},
        "components": {"responses": {"A": {"$ref": "#/components/responses/B"}, "B": {"$ref": "#/components/responses/A"},
        "C": {"$ref": "#/components/responses/C"}}}}"##;
    assert!(lint(cycle).is_ok());

    // A chain of 5,000 references, each to the next.
    let mut chain = String::from(r#"{"openapi": "3.0.3", "components": {"schemas": {"#);
    for i in 0..5000 {
        chain.push_str(&format!(
            r##""S{i}": {{"$ref": "#/components/schemas/S{}"}},"##,
            i + 1
        ));
    }
    chain.push_str(r#""S5000": {"type": "string"}}}}"#);
    let findings = lint(chain.as_bytes()).unwrap();
    assert!(findings
        .iter()
        .any(|f| f.code == "invalid-ref" && f.message.contains("chain longer")));

    // Recursive schemas (a tree of nodes) are walked once per entry, not forever.
    let recursive = br##"{"openapi": "3.0.3", "paths": {"/a": {"get": {"responses": {"200": {"description": "x",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}}}}},
        "components": {"schemas": {"Node": {"type": "object", "properties": {"startDate": {"type": "string"},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}}}"##;
    assert!(lint(recursive).is_ok());
}

#[test]
fn huge_numbers_strings_and_many_paths() {
    let numbers = br#"{"openapi": "3.0.3", "x": [1e400, -1e400, 123456789012345678901234567890, 0.0000000000000000000001]}"#;
    assert!(lint(numbers).is_ok());

    let options = LoadOptions {
        limits: adr_operator::document::Limits {
            max_string_bytes: 1000,
            ..Default::default()
        },
    };
    let long = format!("{{\"x\": \"{}\"}}", "a".repeat(5000));
    assert!(matches!(
        Document::load("long.json", long.as_bytes(), &options),
        Err(LoadError::StringTooLong { limit: 1000, .. })
    ));

    let mut paths = String::from(r#"{"openapi": "3.0.3", "paths": {"#);
    for i in 0..20_000 {
        paths.push_str(&format!(
            r#""/resource{i}": {{"get": {{"responses": {{"200": {{"description": "x"}}}}}}}},"#
        ));
    }
    paths.push_str(r#""/last": {}}}"#);
    let findings = lint(paths.as_bytes()).unwrap();
    assert!(findings
        .iter()
        .all(|f| f.code != "parser" && f.code != "nlgov:paths-kebab-case"));
    assert!(findings.iter().any(|f| f.code == "info-contact"));
}

#[test]
fn escaping_the_document_directory_is_refused() {
    let doc = br##"{"openapi": "3.0.3", "components": {"schemas": {"A": {"$ref": "../../../../etc/passwd#/x"}}}}"##;
    let findings = lint_bytes(
        "dir/doc.json",
        doc,
        RulesetId::Adr221.ruleset(),
        &LoadOptions::default(),
    )
    .unwrap();
    let refs: Vec<_> = findings
        .iter()
        .filter(|f| f.code == "invalid-ref")
        .collect();
    assert_eq!(refs.len(), 1);
    assert!(
        refs[0].message.contains("inside the document's directory"),
        "{}",
        refs[0].message
    );
}

/// A document's own patterns that make a backtracking regex engine take exponential time on
/// its examples (`^(a+)+$` against `aaa…ab`): validating the examples still ends, with the
/// finding. Run on a thread and given a minute, so that a regression fails instead of hanging.
/// `C` is of the shape Dutch APIs write (a class beyond ASCII, an Annex B escape, a count
/// that makes a long program), nested.
#[test]
fn catastrophic_patterns_in_a_document_end() {
    let document = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}},
            "components": {{"schemas": {{
              "A": {{"type": "string", "pattern": "^(a+)+$", "example": "{a}b"}},
              "C": {{"type": "string", "pattern": "^([a-zA-Zà-ž\\s\\']{{1,200}})+$", "example": "{a}!"}},
              "B": {{"type": "object", "patternProperties": {{"^([a-z]*)*$": {{"type": "integer"}}}},
                     "example": {{"{a}!": "matches no pattern"}}}}
            }}}}}}"#,
        a = "a".repeat(60)
    );
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(lint(document.as_bytes())));
    let findings = result
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the lint ends")
        .expect("the document loads");
    let examples: Vec<&str> = findings
        .iter()
        .filter(|f| f.code == "oas3-valid-schema-example")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        examples
            .iter()
            .filter(|m| m.contains("must match pattern"))
            .count(),
        2,
        "{examples:?}"
    );
    // B's key, `a…a!`, matches no pattern (the slow way for a backtracking engine), so its
    // example is valid (OpenAPI 3.0 does not allow `patternProperties`: `oas3-schema` says so,
    // and the example is validated with it all the same, as the reference does).
    assert!(
        findings
            .iter()
            .filter(|f| f.code == "oas3-valid-schema-example")
            .all(|f| !f.path.iter().any(|s| s.to_string() == "B")),
        "{findings:?}"
    );
}
