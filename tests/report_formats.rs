//! The machine-readable output formats on a real document (the Logius COR API test case):
//! SARIF validates against the SARIF 2.1.0 schema, JUnit parses as JUnit XML with one test case
//! per rule, GitHub annotations carry file and position, spectral-json has Spectral's shape.

use adr_operator::document::LoadOptions;
use adr_operator::lint::lint_bytes;
use adr_operator::report::{render, DocumentReport, Format, RulesetInfo};
use adr_operator::ruleset::RulesetId;

fn reports() -> (&'static adr_operator::ruleset::Ruleset, Vec<DocumentReport>) {
    let ruleset = RulesetId::Adr221.ruleset();
    let mut reports = Vec::new();
    for name in [
        "examples/openapi/cor-api.json",
        "examples/openapi/compliant-baseline.json",
    ] {
        let path = format!("{}/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap();
        let findings = lint_bytes(name, &bytes, ruleset, &LoadOptions::default()).unwrap();
        reports.push(DocumentReport {
            source: name.to_string(),
            findings,
            future: Vec::new(),
        });
    }
    (ruleset, reports)
}

fn output(format: Format) -> (String, usize) {
    let (ruleset, reports) = reports();
    let info = RulesetInfo {
        id: "adr-2.2.1",
        ruleset,
        future: None,
    };
    let n = reports.iter().map(|r| r.findings.len()).sum();
    assert!(n > 10, "the COR API breaks several ADR rules");
    (render(format, info, &reports, false), n)
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let (text, findings) = output(Format::Sarif);
    let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/sarif/sarif-2.1.0-rtm.5.json")).unwrap();
    // The schema's `language` patterns (`…[a-zA-Z]{2}]?$`) are JavaScript regexes that Rust's
    // regex engine rejects; they constrain a field we never write, so they are dropped here.
    drop_language_patterns(&mut schema);
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &sarif["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), findings);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let kebab = rules
        .iter()
        .find(|r| r["id"] == "nlgov:paths-kebab-case")
        .unwrap();
    assert_eq!(
        kebab["properties"]["adrRule"],
        "/core/path-segments-kebab-case"
    );
    // Every result points at its rule and a 1-based region.
    for result in run["results"].as_array().unwrap() {
        let i = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], result["ruleId"]);
        assert!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                >= 1
        );
    }
}

#[test]
fn junit_parses_with_one_testcase_per_rule_per_document() {
    let (text, _) = output(Format::Junit);
    let xml = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = xml.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 2);
    let rules = RulesetId::Adr221.ruleset().entries().len();
    for suite in &suites {
        let cases = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .count();
        assert!(cases >= rules);
        assert_eq!(
            suite.attribute("tests").unwrap().parse::<usize>().unwrap(),
            cases
        );
        let failed = suite
            .children()
            .filter(|n| {
                n.has_tag_name("testcase") && n.children().any(|c| c.has_tag_name("failure"))
            })
            .count();
        assert_eq!(
            suite
                .attribute("failures")
                .unwrap()
                .parse::<usize>()
                .unwrap(),
            failed
        );
    }
    let cor = suites
        .iter()
        .find(|s| s.attribute("name") == Some("examples/openapi/cor-api.json"))
        .unwrap();
    let kebab = cor
        .children()
        .find(|n| {
            n.has_tag_name("testcase") && n.attribute("name") == Some("nlgov:paths-kebab-case")
        })
        .unwrap();
    assert!(kebab.children().any(|c| c.has_tag_name("failure")));
    let baseline = suites
        .iter()
        .find(|s| s.attribute("name") == Some("examples/openapi/compliant-baseline.json"))
        .unwrap();
    assert_eq!(baseline.attribute("failures"), Some("0"));
}

#[test]
fn github_annotations_carry_file_and_position() {
    let (text, findings) = output(Format::Github);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), findings);
    assert!(lines.contains(&"::error file=examples/openapi/cor-api.json,line=181,col=29,endLine=292,endColumn=38,title=nlgov%3Apaths-kebab-case (/core/path-segments-kebab-case)::/laatsteWijziging is not kebab-case."), "{text}");
}

#[test]
fn spectral_json_has_spectrals_shape() {
    let (text, findings) = output(Format::SpectralJson);
    let results: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(results.len(), findings);
    let kebab = results
        .iter()
        .find(|r| r["code"] == "nlgov:paths-kebab-case")
        .unwrap();
    assert_eq!(
        kebab["path"],
        serde_json::json!(["paths", "/laatsteWijziging"])
    );
    assert_eq!(kebab["severity"], 0);
    assert_eq!(
        kebab["range"]["start"],
        serde_json::json!({"line": 180, "character": 28})
    );
    assert!(kebab["source"]
        .as_str()
        .unwrap()
        .ends_with("/examples/openapi/cor-api.json"));
    assert!(std::path::Path::new(kebab["source"].as_str().unwrap()).is_absolute());
}

fn drop_language_patterns(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(language) = map.get_mut("language").and_then(|l| l.as_object_mut()) {
                language.remove("pattern");
            }
            map.values_mut().for_each(drop_language_patterns);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_language_patterns),
        _ => {}
    }
}

/// `--future` on ADR 2.1: the COR API's 2.2.1 errors that 2.1 does not report come apart from
/// its own findings in text and json, and among the findings (as warnings) in the other formats.
#[test]
fn future_findings_are_kept_apart_in_text_and_json() {
    use adr_operator::lint::{lint_bytes_with_future, Severity};
    let name = "examples/openapi/cor-api.json";
    let bytes = std::fs::read(format!("{}/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let (current, next) = (RulesetId::Adr21.ruleset(), RulesetId::Adr221.ruleset());
    let linted =
        lint_bytes_with_future(name, &bytes, current, Some(next), &LoadOptions::default()).unwrap();
    assert!(linted
        .future
        .iter()
        .all(|f| f.severity == Severity::Warn && f.message.ends_with("[error in ADR 2.2.1]")));
    let codes: Vec<&str> = linted.future.iter().map(|f| f.code.as_str()).collect();
    // 2.2 makes the problem-details content type an error (2.1: a warning) and adds rules.
    assert!(codes.contains(&"nlgov:use-problem-schema"), "{codes:?}");
    assert!(
        codes.contains(&"nlgov:use-date-instead-of-datetime"),
        "{codes:?}"
    );
    // What 2.1 already reports as an error is not repeated.
    for f in linted
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
    {
        let rule = f.code.trim_start_matches("nlgov:");
        assert!(!linted
            .future
            .iter()
            .any(|g| g.code.trim_start_matches("nlgov:") == rule && g.path == f.path));
    }
    let reports = vec![DocumentReport {
        source: name.into(),
        findings: linted.findings.clone(),
        future: linted.future.clone(),
    }];
    let info = RulesetInfo {
        id: "adr-2.1",
        ruleset: current,
        future: Some(RulesetId::Adr221),
    };
    let text = render(Format::Text, info, &reports, false);
    let heading = "errors in ADR 2.2.1 that this version does not report (--future):";
    let (own, future) = text.split_once(heading).expect("a separate future block");
    assert!(!own.contains("[error in ADR 2.2.1]"));
    assert_eq!(
        future.matches("[error in ADR 2.2.1]").count(),
        linted.future.len()
    );

    let json: serde_json::Value =
        serde_json::from_str(&render(Format::Json, info, &reports, false)).unwrap();
    assert_eq!(json["futureRuleset"], "adr-2.2.1");
    let doc = &json["documents"][0];
    assert_eq!(
        doc["findings"].as_array().unwrap().len(),
        linted.findings.len()
    );
    assert_eq!(doc["future"].as_array().unwrap().len(), linted.future.len());
    assert_eq!(json["futureSummary"]["warnings"], linted.future.len());

    let spectral: Vec<serde_json::Value> =
        serde_json::from_str(&render(Format::SpectralJson, info, &reports, false)).unwrap();
    assert_eq!(spectral.len(), linted.findings.len() + linted.future.len());
}
