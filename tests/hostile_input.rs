//! Hostile and broken input: every case gets a clear error or a correct result, quickly, and
//! never a panic or a hang.

use adr_operator::document::{Document, LoadError, LoadOptions};
use adr_operator::lint::{lint_bytes, Finding};
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

/// Lints `document` under `ruleset` on a thread given a minute, so that a regression to
/// quadratic work fails instead of hanging.
fn lint_within_a_minute(document: &serde_json::Value, ruleset: RulesetId) -> Vec<Finding> {
    let text = document.to_string();
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        done.send(lint_bytes(
            "long.json",
            text.as_bytes(),
            ruleset.ruleset(),
            &LoadOptions::default(),
        ))
    });
    result
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the lint ends within a minute")
        .expect("the document loads")
}

fn messages<'a>(findings: &'a [Finding], code: &str) -> Vec<(String, &'a str)> {
    findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| (path_of(f), f.message.as_str()))
        .collect()
}

fn path_of(finding: &Finding) -> String {
    let segments: Vec<String> = finding.path.iter().map(ToString::to_string).collect();
    segments.join(".")
}

/// Long lists cost time in proportion to their length. `ajv`'s `uniqueItems`, the rules'
/// duplicate checks and lookups by name compare every pair when done the obvious way: 20,000
/// parameters then took 4.8 s of a release build, which one admission request must not be able
/// to ask of the webhook. Each list here has 30,000 items, with a duplicate planted at its end
/// where the reference finds one: it is still found, at the same place. (A debug build lints
/// this in seconds; pair by pair it did not finish within the minute.)
#[test]
fn long_lists_cost_linear_time() {
    use serde_json::json;
    const N: usize = 30_000;
    let mut parameters: Vec<_> = (0..N)
        .map(|i| json!({"name": format!("p{i}"), "in": "query", "schema": {"type": "string"}}))
        .collect();
    // Equal to parameter 7, its keys in another order.
    parameters.push(json!({"in": "query", "schema": {"type": "string"}, "name": "p7"}));
    let mut tags: Vec<_> = (0..N).map(|i| json!({"name": format!("t{i}")})).collect();
    tags.push(json!({"name": "t5"}));
    let mut objects: Vec<_> = (0..N).map(|i| json!({"k": i})).collect();
    objects.push(json!({"k": 9}));
    let strings: Vec<_> = (0..N).map(|i| format!("v{i}")).collect();
    let mut example: Vec<_> = strings.iter().rev().cloned().collect();
    example.push("not allowed".into());
    let properties: serde_json::Map<_, _> = (0..N)
        .map(|i| (format!("p{i}"), json!({"type": "string"})))
        .collect();
    let required: Vec<_> = (0..N).map(|i| format!("p{i}")).collect();
    let mut instance: serde_json::Map<_, _> =
        (0..N).map(|i| (format!("p{i}"), json!("x"))).collect();
    instance.remove("p4321");
    let mut schemas: serde_json::Map<_, _> = (0..N)
        .map(|i| {
            let next = format!("#/components/schemas/S{}", (i * 7 + 1) % N);
            (
                format!("S{i}"),
                json!({"type": "object", "properties": {"next": {"$ref": next}}}),
            )
        })
        .collect();
    schemas.insert("Codes".into(), json!({"type": "string", "enum": strings}));
    schemas.insert(
        "CodeList".into(),
        json!({"type": "array", "items": {"$ref": "#/components/schemas/Codes"}, "example": example}),
    );
    schemas.insert("Objects".into(), json!({"type": "object", "enum": objects}));
    schemas.insert(
        "Wide".into(),
        json!({"type": "object", "required": required, "properties": properties, "example": instance}),
    );
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1.0.0"},
        "tags": tags,
        "paths": {"/things": {"get": {"parameters": parameters, "responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": schemas},
    });

    let findings = lint_within_a_minute(&document, RulesetId::Adr20);
    assert_eq!(
        messages(&findings, "oas3-schema"),
        [
            (
                "paths./things.get.parameters".to_string(),
                "\"parameters\" property must not have duplicate items (items ## 7 and 30000 are identical)."
            ),
            (
                "tags".to_string(),
                "\"tags\" property must not have duplicate items (items ## 5 and 30000 are identical)."
            ),
        ]
    );
    assert_eq!(
        messages(&findings, "operation-parameters"),
        [(
            "paths./things.get.parameters.30000".to_string(),
            "A parameter in this operation already exposes the same combination of \"name\" and \"in\" values."
        )]
    );
    assert_eq!(
        messages(&findings, "openapi-tags-uniqueness"),
        [(
            "tags.30000.name".to_string(),
            "\"tags\" object contains duplicate tag name \"t5\"."
        )]
    );
    assert_eq!(
        messages(&findings, "duplicated-entry-in-enum"),
        [(
            "components.schemas.Objects.enum".to_string(),
            "\"enum\" property must not have duplicate items (items ## 9 and 30000 are identical)"
        )]
    );
    let examples: Vec<String> = messages(&findings, "oas3-valid-schema-example")
        .into_iter()
        .map(|(path, message)| format!("{path}: {message}"))
        .collect();
    assert_eq!(examples.len(), 2, "{examples:?}");
    assert!(
        examples
            .iter()
            .any(|e| e.starts_with("components.schemas.CodeList.example")
                && e.contains("must be equal to one of the allowed values")),
        "{examples:?}"
    );
    assert!(
        examples
            .iter()
            .any(|e| e.starts_with("components.schemas.Wide.example") && e.contains("p4321")),
        "{examples:?}"
    );
}

/// A path template of 40,000 parameters, as many security schemes and one scheme's scopes:
/// each name is looked up, not searched for among all the others. (Searched for, a debug
/// build did not finish within the minute.)
#[test]
fn long_templates_and_security_lists_cost_linear_time() {
    use serde_json::json;
    const N: usize = 40_000;
    let template: String = (0..N).map(|i| format!("/{{q{i}}}")).collect();
    // Every template parameter but the last is defined.
    let path_parameters: Vec<_> = (0..N - 1)
        .map(|i| json!({"name": format!("q{i}"), "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    let schemes: serde_json::Map<_, _> = (0..N)
        .map(|i| (format!("s{i}"), json!({"type": "http", "scheme": "bearer"})))
        .collect();
    let scopes: serde_json::Map<_, _> = (0..N).map(|i| (format!("scope{i}"), json!("x"))).collect();
    let mut security: Vec<_> = (0..N).map(|i| json!({format!("s{i}"): []})).collect();
    security.extend((0..N).map(|i| json!({"oauth": [format!("scope{i}")]})));
    security.push(json!({"oauth": ["scope-missing"]}));
    security.push(json!({"undefined": []}));
    let mut schemes = schemes;
    schemes.insert(
        "oauth".into(),
        json!({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://a.nl/t", "scopes": scopes}}}),
    );
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1.0.0"},
        "security": security,
        "paths": {template.clone(): {"get": {"parameters": path_parameters, "responses": {"200": {"description": "ok"}}}}},
        "components": {"securitySchemes": schemes},
    });

    let findings = lint_within_a_minute(&document, RulesetId::Adr20);
    let last = N - 1;
    assert_eq!(
        messages(&findings, "path-params")
            .into_iter()
            .map(|(_, m)| m)
            .collect::<Vec<_>>(),
        [format!(
            "Operation must define parameter \"{{q{last}}}\" as expected by path \"{template}\"."
        )]
    );
    let security_findings: Vec<String> = messages(&findings, "oas3-operation-security-defined")
        .into_iter()
        .map(|(path, message)| format!("{path}: {message}"))
        .collect();
    assert_eq!(
        security_findings,
        [
            format!("security.{}.oauth.0: \"scope-missing\" must be listed among scopes.", 2 * N),
            format!(
                "security.{}.undefined: API \"security\" values must match a scheme defined in the \"components.securitySchemes\" object.",
                2 * N + 1
            ),
        ]
    );
}

/// A server URL of 40 variables of two values each: the reference substitutes every one of
/// the 2^40 combinations; a lint checks the first 10,000 and ends (a 20-variable URL took
/// 0.8 s before the cap, this one would have taken days).
#[test]
fn server_variable_combinations_are_bounded() {
    use serde_json::json;
    let url: String = (0..40).map(|i| format!("{{v{i}}}")).collect();
    let variables: serde_json::Map<_, _> = (0..40)
        .map(|i| (format!("v{i}"), json!({"default": "a", "enum": ["a", "b"]})))
        .collect();
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1.0.0"},
        "servers": [{"url": format!("https://{url}.example.nl/v1"), "variables": variables}],
        "paths": {},
    });
    for ruleset in [RulesetId::Adr20, RulesetId::Adr221] {
        let findings = lint_within_a_minute(&document, ruleset);
        assert!(
            messages(&findings, "oas3-server-variables").is_empty(),
            "{findings:?}"
        );
    }
}

/// Schemas that refer to the next one from two branches, 40 levels deep: validating an example
/// against the first asks for 2^40 evaluations (and, with `anyOf`, as many errors: a 2 KB
/// document of 26 levels had the lint killed for memory). The examples of a document share a
/// budget of evaluations; one that runs out of it is not reported, nor are those after it.
#[test]
fn examples_of_doubling_schemas_are_bounded() {
    use serde_json::json;
    let media = |schema: &str| {
        json!({"get": {"responses": {"200": {"description": "x", "content": {"application/json": {
            "schema": {"$ref": format!("#/components/schemas/{schema}")}, "example": "x"
        }}}}}})
    };
    for combinator in ["anyOf", "oneOf"] {
        let mut schemas: serde_json::Map<_, _> = (0..40)
            .map(|k| {
                let next = json!({"$ref": format!("#/components/schemas/S{}", k + 1)});
                (format!("S{k}"), json!({combinator: [next.clone(), next]}))
            })
            .collect();
        schemas.insert("S40".into(), json!({"type": "integer"}));
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1.0.0"},
            // Six levels (64 leaves), checked first, are within the budget; forty are not.
            "paths": {"/a-six": media("S34"), "/b-forty": media("S0")},
            "components": {"schemas": schemas},
        });
        let findings = lint_within_a_minute(&document, RulesetId::Adr221);
        let reported = messages(&findings, "oas3-valid-media-example");
        assert!(!reported.is_empty(), "{combinator}");
        assert!(
            reported
                .iter()
                .all(|(path, _)| path.starts_with("paths./a-six.")),
            "{combinator}: {reported:?}"
        );
    }
}
