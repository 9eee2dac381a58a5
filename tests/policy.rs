//! `policy`: findings + exemptions + enforcement + today's date to a verdict, driven directly
//! with findings the engine reports on real documents.

use adr_operator::api::{Enforcement, Exemption};
use adr_operator::document::tree::Position;
use adr_operator::document::{LoadOptions, Range, Segment};
use adr_operator::lint::{lint_bytes, Finding, Severity};
use adr_operator::policy::{self, Limits, Notice};
use adr_operator::ruleset::{Ruleset, RulesetId};
use jiff::civil::{date, Date};

const TODAY: Date = date(2026, 11, 28);

fn ruleset() -> &'static Ruleset {
    RulesetId::Adr221.ruleset()
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/examples/openapi/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("example documents are in the repository")
}

/// The official baseline with three ADR errors put in: no contact (`info-contact`), version
/// `1` (`nlgov:semver`) and a server URL without the major version
/// (`nlgov:include-major-version-in-uri`).
fn broken_baseline() -> Vec<u8> {
    let text = String::from_utf8(example("compliant-baseline.json")).unwrap();
    let start = text.find("\"contact\"").unwrap();
    let end = start + text[start..].find("},").unwrap() + 2;
    let text = format!("{}{}", &text[..start], text[end..].trim_start())
        .replace("\"version\": \"1.0.0\"", "\"version\": \"1\"")
        .replace("https://example.com/api/v1", "https://example.com/api");
    text.into_bytes()
}

fn lint(bytes: &[u8]) -> Vec<Finding> {
    lint_bytes("openapi.json", bytes, ruleset(), &LoadOptions::default()).unwrap()
}

fn exemption(rule: &str, expires: &str) -> Exemption {
    Exemption {
        rule: rule.into(),
        reason: "fixed in v2".into(),
        expires: expires.into(),
    }
}

fn decide(findings: &[Finding], exemptions: &[Exemption], mode: Enforcement) -> policy::Verdict {
    policy::verdict(
        findings,
        exemptions,
        ruleset(),
        TODAY,
        mode,
        &Limits::default(),
    )
}

fn synthetic(n: usize, severity: Severity) -> Vec<Finding> {
    (0..n)
        .map(|i| Finding {
            code: "nlgov:paths-kebab-case".into(),
            message: format!("/pathNumber{i} is not kebab-case."),
            severity,
            path: vec![
                Segment::Key("paths".into()),
                Segment::Key(format!("/pathNumber{i}").into()),
            ],
            source: "openapi.json".into(),
            range: Range {
                start: Position {
                    line: i as u32,
                    character: 2,
                },
                end: Position {
                    line: i as u32,
                    character: 10,
                },
            },
            adr_rule: Some("/core/path-segments-kebab-case"),
            documentation_url: None,
        })
        .collect()
}

#[test]
fn enforce_allows_compliant_document() {
    let findings = lint(&example("compliant-baseline.json"));
    let v = decide(&findings, &[], Enforcement::Enforce);
    assert!(v.allowed);
    assert_eq!(v.message, None);
    assert!(v.warnings.is_empty());
}

#[test]
fn enforce_denies_unexempted_error() {
    let findings = lint(&example("cor-api.json"));
    let v = decide(&findings, &[], Enforcement::Enforce);
    assert!(!v.allowed);
    let message = v.message.unwrap();
    assert!(
        message.contains(
            "nlgov:paths-kebab-case [ADR /core/path-segments-kebab-case] at paths./laatsteWijziging (line 181): /laatsteWijziging is not kebab-case."
        ),
        "{message}"
    );
    assert!(message.contains("ruleset adr-2.2.1"), "{message}");
    assert!(message.contains("spec.exemptions"), "{message}");
}

#[test]
fn deny_message_lists_every_error_with_code_rule_path_and_line() {
    let findings = lint(&broken_baseline());
    let v = decide(&findings, &[], Enforcement::Enforce);
    let message = v.message.unwrap();
    for expected in [
        "info-contact [ADR /core/doc-openapi-contact] at info (line 3)",
        "nlgov:semver [ADR /core/semver] at info.version (line 6): Version 1 is not in semver format.",
        "nlgov:include-major-version-in-uri [ADR /core/uri-version] at servers[0].url (line 10)",
    ] {
        assert!(message.contains(expected), "missing {expected:?} in\n{message}");
    }
    assert!(
        message.starts_with("the OpenAPI document has 3 errors"),
        "{message}"
    );
}

#[test]
fn deny_message_is_capped_with_and_n_more() {
    let findings = synthetic(30, Severity::Error);
    let v = decide(&findings, &[], Enforcement::Enforce);
    let message = v.message.unwrap();
    assert_eq!(message.matches("\n  - ").count(), 20);
    assert!(message.contains("\n  ... and 10 more"), "{message}");
}

#[test]
fn enforce_warns_about_findings_below_error() {
    let findings = synthetic(2, Severity::Warn);
    let v = decide(&findings, &[], Enforcement::Enforce);
    assert!(v.allowed);
    assert_eq!(v.warnings.len(), 2);
    assert!(v.warnings[0].starts_with("warn nlgov:paths-kebab-case"));
}

#[test]
fn warn_allows_with_one_warning_per_finding() {
    let findings = lint(&broken_baseline());
    let v = decide(&findings, &[], Enforcement::Warn);
    assert!(v.allowed);
    assert_eq!(v.message, None);
    assert_eq!(v.warnings.len(), 3);
    assert_eq!(
        v.warnings[1],
        "error nlgov:semver [ADR /core/semver] at info.version (line 6): Version 1 is not in semver format."
    );
}

#[test]
fn warnings_are_capped_in_number_and_at_256_bytes() {
    let mut findings = synthetic(40, Severity::Error);
    findings[0].message = "é".repeat(400);
    let v = decide(&findings, &[], Enforcement::Warn);
    assert_eq!(v.warnings.len(), 25);
    assert!(v.warnings.iter().all(|w| w.len() <= 256));
    assert!(v.warnings[0].ends_with('…'));
    assert!(
        v.warnings[24].starts_with("... and 16 more"),
        "{}",
        v.warnings[24]
    );
}

#[test]
fn audit_allows_silently() {
    let findings = lint(&broken_baseline());
    let v = decide(
        &findings,
        &[exemption("nlgov:semver", "2020-01-01")],
        Enforcement::Audit,
    );
    assert!(v.allowed);
    assert_eq!(v.message, None);
    assert!(v.warnings.is_empty());
}

#[test]
fn valid_exemptions_cover_their_rules() {
    let findings = lint(&broken_baseline());
    let exemptions = [
        exemption("info-contact", "2027-06-30"),
        exemption("nlgov:semver", "2027-06-30"),
        exemption("nlgov:include-major-version-in-uri", "2027-06-30"),
    ];
    let v = decide(&findings, &exemptions, Enforcement::Enforce);
    assert!(v.allowed, "{:?}", v.message);
    assert!(v.warnings.is_empty());

    let a = policy::assess(&findings, &exemptions, ruleset(), TODAY);
    assert_eq!(a.summary.errors, 0);
    assert_eq!(a.summary.exempted, 3);
    assert!(a.is_compliant());
}

#[test]
fn exemption_applies_through_its_expiry_day() {
    let findings = lint(&example("cor-api.json"));
    // Exempt every rule the COR API breaks, until today (TODAY is 2026-11-28).
    let mut codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert!(codes.contains(&"nlgov:paths-kebab-case"));
    let exemptions: Vec<_> = codes.iter().map(|c| exemption(c, "2026-11-28")).collect();
    let v = decide(&findings, &exemptions, Enforcement::Enforce);
    assert!(v.allowed, "{:?}", v.message);
}

#[test]
fn expired_exemption_counts_and_warns() {
    let findings = lint(&example("cor-api.json"));
    let v = decide(
        &findings,
        &[exemption("nlgov:paths-kebab-case", "2026-11-27")],
        Enforcement::Enforce,
    );
    assert!(!v.allowed);
    assert!(v.message.unwrap().contains("nlgov:paths-kebab-case"));
    assert_eq!(
        v.warnings,
        ["exemption for nlgov:paths-kebab-case expired on 2026-11-27 and no longer applies: fix the document or renew the exemption with a new reason and date"]
    );
}

#[test]
fn exemption_of_unknown_rule_warns() {
    let findings = lint(&example("compliant-baseline.json"));
    let exemptions = [exemption("nlgov:no-such-rule", "2027-01-01")];
    let v = decide(&findings, &exemptions, Enforcement::Warn);
    assert!(v.allowed);
    assert_eq!(
        v.warnings,
        ["exemption for 'nlgov:no-such-rule' has no effect: ruleset adr-2.2.1 has no rule with that code"]
    );
    let a = policy::assess(&findings, &exemptions, ruleset(), TODAY);
    assert_eq!(
        a.notices,
        [Notice::UnknownRule {
            rule: "nlgov:no-such-rule".into(),
            ruleset: "adr-2.2.1"
        }]
    );
}

#[test]
fn exemption_with_invalid_date_does_not_apply() {
    let findings = lint(&example("cor-api.json"));
    let v = decide(
        &findings,
        &[exemption("nlgov:paths-kebab-case", "2027-02-30")],
        Enforcement::Enforce,
    );
    assert!(!v.allowed);
    assert!(v.warnings[0].contains("'2027-02-30' is not a YYYY-MM-DD date"));
}

#[test]
fn engine_codes_can_be_exempted() {
    let findings = lint(b"openapi: 3.0.3\ninfo: {title: x, version: 1.0.0\n");
    assert!(findings.iter().any(|f| f.code == "parser"));
    let a = policy::assess(
        &findings,
        &[exemption("parser", "2027-01-01")],
        ruleset(),
        TODAY,
    );
    assert!(a.notices.is_empty());
}

#[test]
fn resource_field_wins_over_namespace_label_and_operator_default() {
    assert_eq!(
        policy::resolve_enforcement(Some(Enforcement::Audit), Some("Warn"), Enforcement::Enforce),
        (Enforcement::Audit, None)
    );
}

#[test]
fn namespace_label_wins_over_operator_default() {
    assert_eq!(
        policy::resolve_enforcement(None, Some("Warn"), Enforcement::Enforce),
        (Enforcement::Warn, None)
    );
    assert_eq!(
        policy::resolve_enforcement(None, None, Enforcement::Audit),
        (Enforcement::Audit, None)
    );
}

#[test]
fn invalid_namespace_label_falls_back_with_a_warning() {
    let (e, warning) = policy::resolve_enforcement(None, Some("enforce"), Enforcement::Warn);
    assert_eq!(e, Enforcement::Warn);
    assert_eq!(
        warning.unwrap(),
        "namespace label apistrategie.nl/enforcement=enforce is not Enforce, Warn or Audit; using the operator default Warn"
    );
}

#[test]
fn unverifiable_document_denies_only_in_enforce() {
    let limits = Limits::default();
    let enforce = policy::unverifiable(
        Enforcement::Enforce,
        "ConfigMap brp/x does not exist",
        &limits,
    );
    assert!(!enforce.allowed);
    assert_eq!(
        enforce.message.unwrap(),
        "the OpenAPI document could not be checked against the ADR rules: ConfigMap brp/x does not exist"
    );
    let warn = policy::unverifiable(Enforcement::Warn, "ConfigMap brp/x does not exist", &limits);
    assert!(warn.allowed);
    assert_eq!(
        warn.warnings,
        ["OpenAPI document not checked: ConfigMap brp/x does not exist"]
    );
    let audit = policy::unverifiable(
        Enforcement::Audit,
        "ConfigMap brp/x does not exist",
        &limits,
    );
    assert!(audit.allowed && audit.warnings.is_empty());
}

#[test]
fn truncate_cuts_on_a_character_boundary() {
    let text = "ab€€€";
    assert_eq!(policy::truncate(text, 100), text);
    let cut = policy::truncate(text, 7);
    assert!(cut.len() <= 7);
    assert_eq!(cut, "ab…");
}
