//! From "what the controller found" to the `ApiPublication` status it writes, and to the Events
//! that the change from the previous status deserves. Pure: no I/O, the clock is an argument.
//!
//! Three conditions, so Flux and Argo CD can read health from `Ready` + `observedGeneration`:
//! - `Resolved`: the document could be read from its source.
//! - `Compliant`: it has no ADR error that a valid exemption does not cover.
//! - `Ready`: the publication is in a state its enforcement accepts. A non-compliant document
//!   (or one that cannot be checked) is Ready under `Warn` and `Audit` (the team chose not to
//!   block on it), not under `Enforce`; a document that cannot be read is never Ready.

use std::fmt::Write;

use jiff::civil::Date;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::jiff::Timestamp;

use crate::api::{ApiPublicationStatus, Enforcement, Exemption, FindingStatus, Summary};
use crate::lint::{Finding, Severity};
use crate::policy::{self, Assessment, Notice};
use crate::report::dot_path;

/// Findings listed in the status; `summary` counts all of them.
pub const MAX_FINDINGS: usize = 50;
/// Longest finding message kept in the status (schema-validation messages can be long).
const MAX_FINDING_MESSAGE: usize = 512;

pub const RESOLVED: &str = "Resolved";
pub const COMPLIANT: &str = "Compliant";
pub const READY: &str = "Ready";

/// Condition reasons (the README lists them with their meaning).
pub mod reason {
    pub const RESOLVED: &str = "Resolved";
    pub const CONFIG_MAP_NOT_FOUND: &str = "ConfigMapNotFound";
    pub const KEY_NOT_FOUND: &str = "KeyNotFound";
    pub const FETCH_FAILED: &str = "FetchFailed";
    pub const URL_NOT_ALLOWED: &str = "UrlNotAllowed";
    pub const UNSUPPORTED_CONTENT_TYPE: &str = "UnsupportedContentType";
    pub const TOO_LARGE: &str = "TooLarge";
    pub const INVALID_SOURCE: &str = "InvalidSource";
    pub const NO_VIOLATIONS: &str = "NoViolations";
    pub const EXEMPTED: &str = "Exempted";
    pub const RULE_VIOLATIONS: &str = "RuleViolations";
    pub const PARSE_ERROR: &str = "ParseError";
    pub const UNKNOWN_RULESET: &str = "UnknownRuleset";
    pub const SOURCE_UNRESOLVED: &str = "SourceUnresolved";
    /// `Ready=True` of a compliant document.
    pub const COMPLIANT: &str = "Compliant";
    /// `Ready=True` of a non-compliant document under `Warn` or `Audit`.
    pub const NOT_ENFORCED: &str = "NotEnforced";
}

/// What reconciling found.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The document could not be had (`reason` is one of the `Resolved=False` reasons).
    Unresolved {
        reason: &'static str,
        message: String,
    },
    /// The document was had but could not be checked: not loadable (too deep, not UTF-8) or
    /// an unknown ruleset.
    Unchecked {
        digest: String,
        reason: &'static str,
        message: String,
    },
    /// Checked and weighed against the exemptions.
    Checked {
        digest: String,
        assessment: Assessment,
        /// Errors the next ADR version would add (`RulesetId::next`; 0 for the draft).
        future_errors: i32,
    },
}

/// Everything besides the outcome that goes into the status.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub generation: Option<i64>,
    pub enforcement: Enforcement,
    /// The exact ruleset (`adr-2.2.1`), when the spec names a known one.
    pub ruleset: Option<&'static str>,
    /// Where the document came from, for messages (`ConfigMap brp-openapi, key openapi.yaml`).
    pub source: &'a str,
    pub next_exemption_expiry: Option<Date>,
    pub now: Timestamp,
}

/// The status for `outcome`. Conditions whose status did not change keep their
/// `lastTransitionTime` from `previous`.
pub fn build(
    previous: Option<&ApiPublicationStatus>,
    cx: &Context<'_>,
    outcome: &Outcome,
) -> ApiPublicationStatus {
    let ruleset = cx.ruleset.unwrap_or("the ruleset");
    let (resolved, compliant, ready) = match outcome {
        Outcome::Unresolved { reason, message } => (
            (false_(), *reason, message.clone()),
            (
                "Unknown",
                reason::SOURCE_UNRESOLVED,
                "the document could not be read, so it was not checked".to_string(),
            ),
            (false_(), *reason, message.clone()),
        ),
        Outcome::Unchecked {
            reason, message, ..
        } => (
            (
                true_(),
                reason::RESOLVED,
                format!("read from {}", cx.source),
            ),
            (false_(), *reason, message.clone()),
            ready_when_not_compliant(cx.enforcement, reason, message),
        ),
        Outcome::Checked { assessment, .. } => {
            let (status, why, message) = compliance(assessment, ruleset);
            let ready = if status == true_() {
                (
                    true_(),
                    reason::COMPLIANT,
                    format!("compliant with {ruleset}"),
                )
            } else {
                ready_when_not_compliant(cx.enforcement, why, &message)
            };
            (
                (
                    true_(),
                    reason::RESOLVED,
                    format!("read from {}", cx.source),
                ),
                (status, why, message),
                ready,
            )
        }
    };
    let conditions = vec![
        condition(previous, cx, READY, ready),
        condition(previous, cx, RESOLVED, resolved),
        condition(previous, cx, COMPLIANT, compliant),
    ];
    let mut status = ApiPublicationStatus {
        observed_generation: cx.generation,
        conditions,
        ruleset: cx.ruleset.map(str::to_string),
        enforcement: Some(cx.enforcement),
        next_exemption_expiry: cx.next_exemption_expiry.map(|d| d.to_string()),
        last_validated: Some(Time(cx.now)),
        ..ApiPublicationStatus::default()
    };
    match outcome {
        Outcome::Unresolved { .. } => {}
        Outcome::Unchecked { digest, .. } => status.document_digest = Some(digest.clone()),
        Outcome::Checked {
            digest,
            assessment,
            future_errors,
        } => {
            status.document_digest = Some(digest.clone());
            status.summary = Some(Summary {
                future_errors: *future_errors,
                ..assessment.summary.clone()
            });
            status.findings = listed_findings(assessment);
        }
    }
    status
}

fn true_() -> &'static str {
    "True"
}

fn false_() -> &'static str {
    "False"
}

fn ready_when_not_compliant(
    enforcement: Enforcement,
    why: &'static str,
    message: &str,
) -> (&'static str, &'static str, String) {
    match enforcement {
        Enforcement::Enforce => (false_(), why, format!("{message} (enforcement Enforce)")),
        Enforcement::Warn | Enforcement::Audit => (
            true_(),
            reason::NOT_ENFORCED,
            format!("not compliant, accepted under enforcement {enforcement}: {message}"),
        ),
    }
}

/// `Compliant`'s status, reason and message.
fn compliance(a: &Assessment, ruleset: &str) -> (&'static str, &'static str, String) {
    let blocking: Vec<&Finding> = a.blocking().collect();
    if let Some(parser) = blocking.iter().find(|f| f.code == "parser") {
        return (
            false_(),
            reason::PARSE_ERROR,
            format!(
                "the document is not valid JSON/YAML (line {}): {}",
                parser.range.start.line + 1,
                one_line(&parser.message)
            ),
        );
    }
    if !blocking.is_empty() {
        let n = blocking.len();
        let mut message = format!(
            "{n} error{} under {ruleset}: ",
            if n == 1 { "" } else { "s" }
        );
        for (i, f) in blocking.iter().take(3).enumerate() {
            if i > 0 {
                message.push_str("; ");
            }
            let _ = write!(
                message,
                "{} at {} (line {})",
                f.code,
                dot_path(&f.path),
                f.range.start.line + 1
            );
        }
        if n > 3 {
            let _ = write!(message, "; and {} more", n - 3);
        }
        return (false_(), reason::RULE_VIOLATIONS, message);
    }
    let exempted_errors: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| f.exempted && f.finding.severity == Severity::Error)
        .map(|f| f.finding.code.as_str())
        .collect();
    if !exempted_errors.is_empty() {
        let mut rules = exempted_errors.clone();
        rules.dedup();
        return (
            true_(),
            reason::EXEMPTED,
            format!(
                "no errors under {ruleset} besides {} exempted ({})",
                exempted_errors.len(),
                rules.join(", ")
            ),
        );
    }
    let w = a.summary.warnings;
    (
        true_(),
        reason::NO_VIOLATIONS,
        format!(
            "no errors under {ruleset}; {w} warning{}",
            if w == 1 { "" } else { "s" }
        ),
    )
}

fn condition(
    previous: Option<&ApiPublicationStatus>,
    cx: &Context<'_>,
    type_: &str,
    (status, reason, message): (&'static str, &'static str, String),
) -> Condition {
    let since = previous
        .and_then(|p| p.conditions.iter().find(|c| c.type_ == type_))
        .filter(|c| c.status == status)
        .map(|c| c.last_transition_time.clone())
        .unwrap_or(Time(cx.now));
    Condition {
        type_: type_.to_string(),
        status: status.to_string(),
        reason: reason.to_string(),
        message: policy::truncate(&message, 1024),
        observed_generation: cx.generation,
        last_transition_time: since,
    }
}

/// Findings no valid exemption covers: errors first, then warnings, info, hints, each in the
/// order `adr-operator lint` prints them; at most [`MAX_FINDINGS`].
fn listed_findings(a: &Assessment) -> Vec<FindingStatus> {
    let mut open: Vec<&Finding> = a
        .findings
        .iter()
        .filter(|f| !f.exempted)
        .map(|f| &f.finding)
        .collect();
    open.sort_by_key(|f| f.severity); // stable: lint order within a severity
    open.into_iter()
        .take(MAX_FINDINGS)
        .map(|f| FindingStatus {
            code: f.code.clone(),
            adr_rule: f.adr_rule.map(str::to_string),
            severity: f.severity.as_str().to_string(),
            path: dot_path(&f.path),
            line: i32::try_from(f.range.start.line + 1).ok(),
            message: policy::truncate(&one_line(&f.message), MAX_FINDING_MESSAGE),
        })
        .collect()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether writing `next` would change nothing but `lastValidated`.
pub fn unchanged(previous: &ApiPublicationStatus, next: &ApiPublicationStatus) -> bool {
    let strip = |s: &ApiPublicationStatus| ApiPublicationStatus {
        last_validated: None,
        ..s.clone()
    };
    strip(previous) == strip(next)
}

/// The earliest expiry among the exemptions that apply on `today` (valid dates, rules the
/// ruleset knows: those `policy::assess` reported no notice for).
pub fn next_exemption_expiry(
    exemptions: &[Exemption],
    notices: &[Notice],
    today: Date,
) -> Option<Date> {
    exemptions
        .iter()
        .filter(|e| {
            !notices
                .iter()
                .any(|n| matches!(n, Notice::UnknownRule { rule, .. } if *rule == e.rule))
        })
        .filter_map(|e| e.expires.parse::<Date>().ok())
        .filter(|d| today <= *d)
        .min()
}

/// A change worth an Event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    BecameCompliant {
        message: String,
    },
    BecameNonCompliant {
        reason: String,
        message: String,
    },
    SourceFailed {
        reason: String,
        message: String,
    },
    /// Exemptions that applied at the previous check and have expired since.
    ExemptionExpired {
        rules: Vec<String>,
    },
}

/// The Events `previous` → `next` deserves: transitions only, so a steady state (compliant or
/// not, failing or not) produces none however often it is reconciled.
pub fn transitions(
    previous: Option<&ApiPublicationStatus>,
    next: &ApiPublicationStatus,
    exemptions: &[Exemption],
    today: Date,
) -> Vec<Transition> {
    let find = |s: Option<&ApiPublicationStatus>, t: &str| {
        s.and_then(|s| s.conditions.iter().find(|c| c.type_ == t).cloned())
    };
    let mut out = Vec::new();
    if let Some(resolved) = find(Some(next), RESOLVED) {
        let before = find(previous, RESOLVED);
        let same = before
            .as_ref()
            .is_some_and(|b| b.status == resolved.status && b.reason == resolved.reason);
        if resolved.status == "False" && !same {
            out.push(Transition::SourceFailed {
                reason: resolved.reason.clone(),
                message: resolved.message.clone(),
            });
        }
    }
    if let Some(expired_after) = previous
        .and_then(|p| p.next_exemption_expiry.as_deref())
        .and_then(|d| d.parse::<Date>().ok())
    {
        let rules: Vec<String> = exemptions
            .iter()
            .filter(|e| {
                e.expires
                    .parse::<Date>()
                    .is_ok_and(|d| expired_after <= d && d < today)
            })
            .map(|e| e.rule.clone())
            .collect();
        if !rules.is_empty() {
            out.push(Transition::ExemptionExpired { rules });
        }
    }
    if let Some(compliant) = find(Some(next), COMPLIANT) {
        let before = find(previous, COMPLIANT).map(|c| c.status);
        if before.as_deref() != Some(compliant.status.as_str()) {
            match compliant.status.as_str() {
                "True" => out.push(Transition::BecameCompliant {
                    message: compliant.message.clone(),
                }),
                "False" => out.push(Transition::BecameNonCompliant {
                    reason: compliant.reason.clone(),
                    message: compliant.message.clone(),
                }),
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(now: &str) -> Context<'static> {
        Context {
            generation: Some(2),
            enforcement: Enforcement::Enforce,
            ruleset: Some("adr-2.2.1"),
            source: "spec.openapi.inline",
            next_exemption_expiry: None,
            now: now.parse().unwrap(),
        }
    }

    fn unresolved(reason: &'static str) -> Outcome {
        Outcome::Unresolved {
            reason,
            message: "gone".into(),
        }
    }

    fn today() -> Date {
        "2026-12-01".parse().unwrap()
    }

    #[test]
    fn unchanged_condition_keeps_its_transition_time() {
        let first = build(
            None,
            &cx("2026-12-01T10:00:00Z"),
            &unresolved(reason::KEY_NOT_FOUND),
        );
        let second = build(
            Some(&first),
            &cx("2026-12-02T10:00:00Z"),
            &unresolved(reason::CONFIG_MAP_NOT_FOUND),
        );
        let resolved = second
            .conditions
            .iter()
            .find(|c| c.type_ == RESOLVED)
            .unwrap();
        assert_eq!(resolved.reason, reason::CONFIG_MAP_NOT_FOUND);
        assert_eq!(
            resolved.last_transition_time.0.to_string(),
            "2026-12-01T10:00:00Z",
            "same status, so the transition time stays"
        );
        assert!(!unchanged(&first, &second), "the reason changed");
        // A new failure reason is worth an Event; the same one again is not.
        assert_eq!(
            transitions(Some(&first), &second, &[], today()),
            vec![Transition::SourceFailed {
                reason: reason::CONFIG_MAP_NOT_FOUND.into(),
                message: "gone".into()
            }]
        );
        let third = build(
            Some(&second),
            &cx("2026-12-03T10:00:00Z"),
            &unresolved(reason::CONFIG_MAP_NOT_FOUND),
        );
        assert!(unchanged(&second, &third), "only lastValidated differs");
        assert!(transitions(Some(&second), &third, &[], today()).is_empty());
    }

    #[test]
    fn next_expiry_skips_expired_invalid_and_unknown_rules() {
        let e = |rule: &str, expires: &str| Exemption {
            rule: rule.into(),
            reason: "r".into(),
            expires: expires.into(),
        };
        let exemptions = [
            e("a", "2026-11-30"),
            e("b", "2027-03-01"),
            e("c", "not a date"),
            e("d", "2026-12-05"),
            e("x", "2026-12-02"),
        ];
        let notices = [Notice::UnknownRule {
            rule: "x".into(),
            ruleset: "adr-2.2.1",
        }];
        assert_eq!(
            next_exemption_expiry(&exemptions, &notices, today()),
            Some("2026-12-05".parse().unwrap())
        );
    }

    #[test]
    fn only_exemptions_active_at_the_last_check_are_reported_expired() {
        let previous = ApiPublicationStatus {
            next_exemption_expiry: Some("2026-11-20".into()),
            ..ApiPublicationStatus::default()
        };
        let e = |rule: &str, expires: &str| Exemption {
            rule: rule.into(),
            reason: "r".into(),
            expires: expires.into(),
        };
        let exemptions = [
            e("long-expired", "2026-01-01"),
            e("just-expired", "2026-11-20"),
            e("also", "2026-11-30"),
            e("active", "2026-12-01"),
        ];
        assert_eq!(
            transitions(
                Some(&previous),
                &ApiPublicationStatus::default(),
                &exemptions,
                today()
            ),
            vec![Transition::ExemptionExpired {
                rules: vec!["just-expired".into(), "also".into()]
            }]
        );
    }
}
