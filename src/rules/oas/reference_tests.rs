//! The module's findings equal the reference's on the probe documents in `fixtures/`
//! (`fixtures/README.md` says how the expected outputs were made).

use crate::lint::{lint_bytes, Severity};
use crate::ruleset::RulesetId;

const CODES: [&str; 9] = [
    "oas3-schema",
    "operation-operationId-unique",
    "path-params",
    "openapi-tags-uniqueness",
    "oas3-valid-media-example",
    "oas3-valid-schema-example",
    "oas3-server-variables",
    "oas3-api-servers",
    "path-keys-no-trailing-slash",
];

type Row = (String, Vec<String>, String, u64, u64, u64);

/// The nine rules as ADR 2.2.1 switches them on (at error).
fn check(name: &str, document: &str, expected: &str) {
    check_codes(RulesetId::Adr221, &CODES, name, document, expected);
}

/// `codes` at their default severity: ADR 2.0 switches every recommended rule on unchanged.
fn check_recommended(codes: &[&str], name: &str, document: &str, expected: &str) {
    check_codes(RulesetId::Adr20, codes, name, document, expected);
}

fn check_codes(ruleset: RulesetId, codes: &[&str], name: &str, document: &str, expected: &str) {
    let ruleset = ruleset.ruleset();
    let findings =
        lint_bytes(name, document.as_bytes(), ruleset, &Default::default()).expect("fixture loads");
    let mut ours: Vec<Row> = findings
        .iter()
        .filter(|f| codes.contains(&f.code.as_str()))
        .map(|f| {
            (
                f.code.clone(),
                f.path.iter().map(ToString::to_string).collect(),
                f.message.clone(),
                match f.severity {
                    Severity::Error => 0,
                    Severity::Warn => 1,
                    Severity::Info => 2,
                    Severity::Hint => 3,
                },
                u64::from(f.range.start.line),
                u64::from(f.range.start.character),
            )
        })
        .collect();
    let mut reference: Vec<Row> = serde_json::from_str(expected).expect("expected output parses");
    ours.sort();
    reference.sort();
    let missing: Vec<&Row> = reference.iter().filter(|r| !ours.contains(r)).collect();
    let extra: Vec<&Row> = ours.iter().filter(|r| !reference.contains(r)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{name}: missing {missing:#?}\nextra {extra:#?}"
    );
}

macro_rules! fixtures {
    ($($test:ident => $file:literal . $ext:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                check(
                    concat!($file, ".", $ext),
                    include_str!(concat!("fixtures/", $file, ".", $ext)),
                    include_str!(concat!("fixtures/", $file, ".expected.json")),
                );
            }
        )*
    };
}

fixtures! {
    oas3_schema_30 => "oas3-schema-30"."json",
    oas3_schema_30_types => "oas3-schema-30-types"."json",
    oas3_schema_31 => "oas3-schema-31"."json",
    oas3_schema_31_minimal => "oas3-schema-31-minimal"."json",
    oas3_schema_31_more => "oas3-schema-31-more"."json",
    oas3_schema_31_keywords => "oas3-schema-31-keywords"."json",
    oas3_schema_32 => "oas3-schema-32"."json",
    mixed_30 => "mixed-30"."json",
    mixed_31 => "mixed-31"."json",
    schema_examples_30 => "schema-examples-30"."json",
    schema_examples_30_more => "schema-examples-30-more"."json",
    media_examples_30 => "media-examples-30"."json",
    examples_30_combinators => "examples-30-combinators"."json",
    examples_31 => "examples-31"."json",
    servers_params_tags => "servers-params-tags"."json",
    server_variables_path_params => "server-variables-path-params"."json",
    valid_30 => "valid-30"."json",
    valid_31 => "valid-31"."json",
    refs_cycles_30 => "refs-cycles-30"."json",
    yaml_values_30 => "yaml-values-30"."yaml",
    oas3_schema_30_more => "oas3-schema-30-more"."yaml",
}

/// Fixtures of rules at their default severity: `name => "file"."ext" [codes the expected output
/// was made with]`.
macro_rules! recommended_fixtures {
    ($($test:ident => $file:literal . $ext:literal [$($code:literal),+ $(,)?]),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                check_recommended(
                    &[$($code),+],
                    concat!($file, ".", $ext),
                    include_str!(concat!("fixtures/", $file, ".", $ext)),
                    include_str!(concat!("fixtures/", $file, ".expected.json")),
                );
            }
        )*
    };
}

recommended_fixtures! {
    recommended_30 => "recommended-30"."json" ["path-keys-no-trailing-slash", "oas3-api-servers", "info-contact"],
    security_unused_30 => "security-unused-30"."yaml" ["oas3-operation-security-defined", "oas3-unused-component", "oas3-examples-value-or-externalValue", "oas3-server-trailing-slash", "oas3-callbacks-in-callbacks"],
    security_unused_20 => "security-unused-20"."json" ["oas2-operation-security-defined", "oas2-unused-definition", "oas2-api-host", "oas2-api-schemes", "oas2-host-trailing-slash", "oas2-anyOf", "oas2-oneOf", "oas2-discriminator", "oas2-operation-formData-consume-check"],
    webhooks_31 => "webhooks-31"."json" ["oas3_1-servers-in-webhook", "oas3_1-callbacks-in-webhook", "oas3-unused-component", "oas3-server-trailing-slash", "oas3_2-no-deprecated-xml-attribute"],
    xml_32 => "xml-32"."json" ["oas3_2-no-deprecated-xml-attribute", "oas3_1-callbacks-in-webhook", "oas3-unused-component"],
    // (its expected output without the `invalid-ref` findings of three deliberately bad references)
    unused_names_30 => "unused-names-30"."yaml" ["oas3-unused-component"],
    host_schemes_20 => "host-schemes-20"."yaml" ["oas2-api-host", "oas2-api-schemes", "oas2-host-trailing-slash", "oas2-operation-formData-consume-check", "oas2-discriminator", "oas2-unused-definition"],
    security_more_31 => "security-more-31"."yaml" ["oas3-operation-security-defined", "oas3-server-trailing-slash"],
    recommended_general_30 => "recommended-general-30"."yaml" [
        "operation-success-response", "operation-parameters", "operation-tag-defined",
        "duplicated-entry-in-enum", "info-description", "no-eval-in-markdown",
        "no-script-tags-in-markdown", "operation-description", "operation-operationId",
        "operation-operationId-valid-in-url", "operation-tags", "path-declarations-must-exist",
        "path-not-include-query", "array-items", "typed-enum", "no-$ref-siblings"
    ],
    recommended_refs_30 => "recommended-refs-30"."json" [
        "operation-success-response", "operation-parameters", "operation-tag-defined",
        "duplicated-entry-in-enum", "info-description", "no-eval-in-markdown",
        "no-script-tags-in-markdown", "operation-description", "operation-operationId",
        "operation-operationId-valid-in-url", "operation-tags", "path-declarations-must-exist",
        "path-not-include-query", "array-items", "typed-enum", "no-$ref-siblings", "invalid-ref"
    ],
    recommended_swagger => "recommended-swagger"."yaml" [
        "operation-success-response", "operation-parameters", "operation-tag-defined",
        "duplicated-entry-in-enum", "info-description", "no-eval-in-markdown",
        "no-script-tags-in-markdown", "operation-description", "operation-operationId",
        "operation-operationId-valid-in-url", "operation-tags", "path-declarations-must-exist",
        "path-not-include-query", "array-items", "typed-enum", "no-$ref-siblings"
    ],
    recommended_31 => "recommended-31"."yaml" [
        "operation-success-response", "operation-parameters", "operation-tag-defined",
        "duplicated-entry-in-enum", "info-description", "no-eval-in-markdown",
        "no-script-tags-in-markdown", "operation-description", "operation-operationId",
        "operation-operationId-valid-in-url", "operation-tags", "path-declarations-must-exist",
        "path-not-include-query", "array-items", "typed-enum", "no-$ref-siblings"
    ],
    recommended_siblings_30 => "recommended-siblings-30"."yaml" [
        "operation-success-response", "operation-parameters", "operation-tag-defined",
        "duplicated-entry-in-enum", "info-description", "no-eval-in-markdown",
        "no-script-tags-in-markdown", "operation-description", "operation-operationId",
        "operation-operationId-valid-in-url", "operation-tags", "path-declarations-must-exist",
        "path-not-include-query", "array-items", "typed-enum", "no-$ref-siblings"
    ],
    oas2_schema_a => "oas2-schema-a"."json" ["oas2-schema"],
    oas2_schema_b => "oas2-schema-b"."yaml" ["oas2-schema"],
    oas2_examples => "oas2-examples"."json" ["oas2-valid-schema-example", "oas2-valid-media-example"],
    oas2_examples_b => "oas2-examples-b"."yaml" ["oas2-valid-schema-example", "oas2-valid-media-example"],
    oas2_schema_c => "oas2-schema-c"."json" ["oas2-schema"],
    oas2_schema_d => "oas2-schema-d"."yaml" ["oas2-schema", "oas2-valid-schema-example"],
    oas2_schema_e => "oas2-schema-e"."yaml" ["oas2-schema"],
    oas3_schema_missing_ref_30 => "oas3-schema-missing-ref-30"."yaml" ["oas3-schema"],
}

/// References into other files that point back into the root document use their target
/// (`fixtures/unused-multifile/`: `sub/ext.yaml` and `sub/other.yaml` refer to the root).
#[test]
fn unused_component_multifile() {
    check_recommended(
        &["oas3-unused-component"],
        "src/rules/oas/fixtures/unused-multifile/root.yaml",
        include_str!("fixtures/unused-multifile/root.yaml"),
        include_str!("fixtures/unused-multifile/root.expected.json"),
    );
}
