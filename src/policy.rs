//! Findings + exemptions + enforcement + today's date to a verdict: allow or deny, the message a
//! user reads, the warnings kubectl prints. Pure (no I/O, no clock): the webhook and the
//! controller both call it, so admission and status cannot disagree.

use std::fmt::Write;

use jiff::civil::Date;

use crate::api::{Enforcement, Exemption, Summary};
use crate::lint::{Finding, Severity};
use crate::report::dot_path;
use crate::ruleset::Ruleset;

/// Codes the engine itself reports besides the rules of a ruleset.
const ENGINE_CODES: [&str; 3] = ["parser", "invalid-ref", "unrecognized-format"];

/// How much a verdict may say.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Findings listed in a deny message before "and N more".
    pub max_listed: usize,
    /// Warnings in one response, the "and N more" line included. The API server passes them
    /// all, but kubectl prints every one: past a screenful they stop helping.
    pub max_warnings: usize,
    /// Bytes per warning. The API server truncates longer ones; cutting them ourselves keeps
    /// the code and path (which come first) readable.
    pub max_warning_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_listed: 20,
            max_warnings: 25,
            max_warning_bytes: 256,
        }
    }
}

/// Why an exemption does not apply (or is suspicious); each becomes a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// `expires` is in the past: the exemption no longer applies.
    Expired { rule: String, expires: Date },
    /// `expires` is not a `YYYY-MM-DD` date (the CRD's CEL rule normally prevents this).
    InvalidExpiry { rule: String, expires: String },
    /// The rule names no code of the ruleset: it exempts nothing.
    UnknownRule { rule: String, ruleset: &'static str },
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::Expired { rule, expires } => write!(
                f,
                "exemption for {rule} expired on {expires} and no longer applies: fix the document or renew the exemption with a new reason and date"
            ),
            Notice::InvalidExpiry { rule, expires } => write!(
                f,
                "exemption for {rule} does not apply: expires '{expires}' is not a YYYY-MM-DD date"
            ),
            Notice::UnknownRule { rule, ruleset } => write!(
                f,
                "exemption for '{rule}' has no effect: ruleset {ruleset} has no rule with that code"
            ),
        }
    }
}

/// One finding with what the exemptions say about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub finding: Finding,
    /// A valid exemption covers it.
    pub exempted: bool,
}

/// Findings weighed against the exemptions: independent of the enforcement mode, so the
/// controller can write it to the status as is.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The ruleset the findings come from (`adr-2.2.1`).
    pub ruleset: &'static str,
    pub findings: Vec<Assessed>,
    pub notices: Vec<Notice>,
    pub summary: Summary,
}

impl Assessment {
    /// Error findings that no valid exemption covers: what Enforce denies on.
    pub fn blocking(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|a| !a.exempted && a.finding.severity == Severity::Error)
            .map(|a| &a.finding)
    }

    pub fn is_compliant(&self) -> bool {
        self.blocking().next().is_none()
    }
}

/// What admission answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub enforcement: Enforcement,
    pub allowed: bool,
    /// Set when denied: the text the user sees after "denied the request:".
    pub message: Option<String>,
    /// AdmissionReview `warnings`, already capped in number and length.
    pub warnings: Vec<String>,
}

/// Weighs `findings` (from `ruleset`) against `exemptions` on `today`.
///
/// An exemption covers every finding with its `rule` code while `today <= expires`.
pub fn assess(
    findings: &[Finding],
    exemptions: &[Exemption],
    ruleset: &Ruleset,
    today: Date,
) -> Assessment {
    let ruleset_id = ruleset.id.as_str();
    let mut notices = Vec::new();
    let mut active: Vec<&str> = Vec::new();
    for e in exemptions {
        if ruleset.entry(&e.rule).is_none() && !ENGINE_CODES.contains(&e.rule.as_str()) {
            notices.push(Notice::UnknownRule {
                rule: e.rule.clone(),
                ruleset: ruleset_id,
            });
            continue;
        }
        match e.expires.parse::<Date>() {
            Ok(expires) if today <= expires => active.push(&e.rule),
            Ok(expires) => notices.push(Notice::Expired {
                rule: e.rule.clone(),
                expires,
            }),
            Err(_) => notices.push(Notice::InvalidExpiry {
                rule: e.rule.clone(),
                expires: e.expires.clone(),
            }),
        }
    }
    let mut summary = Summary::default();
    let findings = findings
        .iter()
        .map(|f| {
            let exempted = active.contains(&f.code.as_str());
            match (exempted, f.severity) {
                (true, _) => summary.exempted += 1,
                (false, Severity::Error) => summary.errors += 1,
                (false, Severity::Warn) => summary.warnings += 1,
                (false, _) => {}
            }
            Assessed {
                finding: f.clone(),
                exempted,
            }
        })
        .collect();
    Assessment {
        ruleset: ruleset_id,
        findings,
        notices,
        summary,
    }
}

/// The admission verdict for an assessment under `enforcement`.
///
/// - Enforce: deny when an error is not exempted, listing each; warnings for the rest.
/// - Warn: allow, one warning per finding that is not exempted.
/// - Audit: allow, silently (the status still records everything).
pub fn decide(assessment: &Assessment, enforcement: Enforcement, limits: &Limits) -> Verdict {
    let mut lines: Vec<String> = assessment.notices.iter().map(|n| n.to_string()).collect();
    match enforcement {
        Enforcement::Audit => Verdict {
            enforcement,
            allowed: true,
            message: None,
            warnings: Vec::new(),
        },
        Enforcement::Warn => {
            lines.extend(advisory(assessment, |_| true).map(warning_line));
            Verdict {
                enforcement,
                allowed: true,
                message: None,
                warnings: cap_warnings(lines, limits),
            }
        }
        Enforcement::Enforce => {
            let blocking: Vec<&Finding> = assessment.blocking().collect();
            // Denied findings are in the message; warnings carry only what does not block.
            lines.extend(advisory(assessment, |f| f.severity != Severity::Error).map(warning_line));
            Verdict {
                enforcement,
                allowed: blocking.is_empty(),
                message: (!blocking.is_empty())
                    .then(|| deny_message(assessment.ruleset, &blocking, limits)),
                warnings: cap_warnings(lines, limits),
            }
        }
    }
}

/// [`assess`] then [`decide`].
pub fn verdict(
    findings: &[Finding],
    exemptions: &[Exemption],
    ruleset: &Ruleset,
    today: Date,
    enforcement: Enforcement,
    limits: &Limits,
) -> Verdict {
    decide(
        &assess(findings, exemptions, ruleset, today),
        enforcement,
        limits,
    )
}

/// The verdict when the document could not be checked at all (missing ConfigMap or key, a
/// document over the size limit, no time left): Enforce denies, Warn allows with a warning,
/// Audit allows silently.
pub fn unverifiable(enforcement: Enforcement, reason: &str, limits: &Limits) -> Verdict {
    match enforcement {
        Enforcement::Enforce => Verdict {
            enforcement,
            allowed: false,
            message: Some(format!(
                "the OpenAPI document could not be checked against the ADR rules: {reason}"
            )),
            warnings: Vec::new(),
        },
        Enforcement::Warn => Verdict {
            enforcement,
            allowed: true,
            message: None,
            warnings: cap_warnings(
                vec![format!("OpenAPI document not checked: {reason}")],
                limits,
            ),
        },
        Enforcement::Audit => Verdict {
            enforcement,
            allowed: true,
            message: None,
            warnings: Vec::new(),
        },
    }
}

/// The enforcement in effect: the resource's own field, else the namespace label
/// `apistrategie.nl/enforcement`, else the operator's default. A label value that is not a
/// mode is ignored, with a warning to say so.
pub fn resolve_enforcement(
    resource: Option<Enforcement>,
    namespace_label: Option<&str>,
    operator_default: Enforcement,
) -> (Enforcement, Option<String>) {
    if let Some(e) = resource {
        return (e, None);
    }
    match namespace_label.map(str::parse::<Enforcement>) {
        Some(Ok(e)) => (e, None),
        Some(Err(_)) => (
            operator_default,
            Some(format!(
                "namespace label {}={} is not Enforce, Warn or Audit; using the operator default {operator_default}",
                crate::api::ENFORCEMENT_LABEL,
                namespace_label.unwrap_or_default(),
            )),
        ),
        None => (operator_default, None),
    }
}

/// Cuts `text` to at most `max` bytes on a character boundary, marking the cut with `…`.
pub fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let ellipsis = "…";
    let mut end = max.saturating_sub(ellipsis.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ellipsis}", &text[..end])
}

fn advisory<'a>(
    assessment: &'a Assessment,
    keep: impl Fn(&Finding) -> bool + 'a,
) -> impl Iterator<Item = &'a Finding> + 'a {
    assessment
        .findings
        .iter()
        .filter(move |a| !a.exempted && a.finding.severity <= Severity::Info && keep(&a.finding))
        .map(|a| &a.finding)
}

/// `nlgov:paths-kebab-case /core/path-segments-kebab-case paths./laatsteWijziging (line 7): …`
fn describe(f: &Finding) -> String {
    let mut out = f.code.clone();
    if let Some(adr) = f.adr_rule {
        let _ = write!(out, " [ADR {adr}]");
    }
    let path = dot_path(&f.path);
    if !path.is_empty() {
        let _ = write!(out, " at {path}");
    }
    let _ = write!(out, " (line {}): ", f.range.start.line + 1);
    // Messages from schema validation can span lines; a deny message line must not.
    out.push_str(&f.message.split_whitespace().collect::<Vec<_>>().join(" "));
    out
}

fn warning_line(f: &Finding) -> String {
    format!("{} {}", f.severity.as_str(), describe(f))
}

/// Caps warnings in number (the last one says how many were left out) and in length.
pub fn cap_warnings(mut lines: Vec<String>, limits: &Limits) -> Vec<String> {
    if lines.len() > limits.max_warnings {
        let keep = limits.max_warnings.saturating_sub(1);
        let more = lines.len() - keep;
        lines.truncate(keep);
        lines.push(format!(
            "... and {more} more (kubectl get apipub -o yaml, or adr-operator lint, lists them all)"
        ));
    }
    lines
        .into_iter()
        .map(|l| truncate(&l, limits.max_warning_bytes))
        .collect()
}

fn deny_message(ruleset: &str, blocking: &[&Finding], limits: &Limits) -> String {
    let n = blocking.len();
    let mut out = format!(
        "the OpenAPI document has {n} error{} under ADR ruleset {ruleset} (enforcement: Enforce):",
        if n == 1 { "" } else { "s" }
    );
    for f in blocking.iter().take(limits.max_listed) {
        let _ = write!(out, "\n  - {}", truncate(&describe(f), 400));
    }
    if n > limits.max_listed {
        let _ = write!(out, "\n  ... and {} more", n - limits.max_listed);
    }
    out.push_str(
        "\nFix the document, or explain each exception in spec.exemptions (rule, reason, expires).",
    );
    out
}
