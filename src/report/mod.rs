//! Output formats for lint results: one module per format.

mod github;
mod json;
mod junit;
mod sarif;
mod spectral_json;
mod text;

use serde::Serialize;

use crate::document::Segment;
use crate::lint::{Finding, Severity};

/// Text escaped for XML content and attributes (JUnit reports of `lint` and `check`); characters
/// XML 1.0 cannot carry at all become U+FFFD, so that something visibly stood there.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A path as Spectral's stylish output prints it: `paths./pets.get.responses[200]`.
pub fn dot_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for (i, seg) in path.iter().enumerate() {
        let text = seg.to_string();
        let numeric = matches!(seg, Segment::Index(_))
            || (!text.trim().is_empty() && text.trim().parse::<f64>().is_ok());
        if text.is_empty() {
            out.push_str("['']");
        } else if text.chars().any(char::is_whitespace) {
            out.push_str(&format!("['{text}']"));
        } else if numeric {
            out.push_str(&format!("[{text}]"));
        } else {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&text);
        }
    }
    out
}

/// The findings of one linted input.
#[derive(Debug, Clone)]
pub struct DocumentReport {
    /// The input as the user named it (`-` for standard input).
    pub source: String,
    pub findings: Vec<Finding>,
    /// With `--future`: what the next ADR version would add as errors (as warnings).
    pub future: Vec<Finding>,
}

/// Counts per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
}

impl Summary {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warn => s.warnings += 1,
                Severity::Info => s.infos += 1,
                Severity::Hint => s.hints += 1,
            }
        }
        s
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos + self.hints
    }
}

/// The output formats of `adr-operator lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: file:line:col, severity, code, ADR rule, message, path and docs link.
    Text,
    /// adr-operator's own JSON: findings with ADR rule and docs URL, per document, with a summary.
    Json,
    /// Exactly the shape of Spectral's `-f json`, for existing tooling and comparisons.
    SpectralJson,
    /// SARIF 2.1.0 with rule metadata and help links (GitHub code scanning and other tools).
    Sarif,
    /// JUnit XML: one test suite per document, one test case per rule.
    Junit,
    /// GitHub Actions workflow commands: one annotation per finding.
    Github,
}

/// What a report needs to know of the ruleset: its id and its rules.
#[derive(Debug, Clone, Copy)]
pub struct RulesetInfo<'a> {
    pub id: &'a str,
    pub ruleset: &'a crate::ruleset::Ruleset,
    /// The version `--future` previewed, if asked.
    pub future: Option<crate::ruleset::RulesetId>,
}

/// Renders `reports` in `format`. `color` applies to text only.
pub fn render(
    format: Format,
    ruleset: RulesetInfo<'_>,
    reports: &[DocumentReport],
    color: bool,
) -> String {
    // Text and JSON keep future findings apart; the formats made for other tools list them
    // among the findings, as the warnings they are.
    let merged = || -> Vec<DocumentReport> {
        reports
            .iter()
            .map(|r| DocumentReport {
                source: r.source.clone(),
                findings: r.findings.iter().chain(&r.future).cloned().collect(),
                future: Vec::new(),
            })
            .collect()
    };
    match format {
        Format::Text => text::render(ruleset.future, reports, color),
        Format::Json => json::render(ruleset, reports),
        Format::SpectralJson => spectral_json::render(&merged()),
        Format::Sarif => sarif::render(ruleset, &merged()),
        Format::Junit => junit::render(ruleset, &merged()),
        Format::Github => github::render(&merged()),
    }
}

#[cfg(test)]
mod tests {
    use super::xml_escape;

    #[test]
    fn xml_escapes_markup_and_replaces_what_xml_cannot_carry() {
        assert_eq!(
            xml_escape("a<b & \"c\" 'd'>\u{1}\n\t"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}\n\t"
        );
    }
}
