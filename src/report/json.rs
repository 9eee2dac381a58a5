//! adr-operator's own JSON: per document, its findings (with ADR rule, docs URL and 1-based
//! line/column for people-facing tools) and a summary.

use serde::Serialize;

use super::{DocumentReport, Summary};
use crate::lint::Finding;

#[derive(Serialize)]
struct Output<'a> {
    ruleset: &'a str,
    documents: Vec<Document<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Document<'a> {
    source: &'a str,
    summary: Summary,
    findings: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    line: u32,
    column: u32,
}

pub fn render(ruleset: &str, reports: &[DocumentReport]) -> String {
    let output = Output {
        ruleset,
        documents: reports
            .iter()
            .map(|r| Document {
                source: &r.source,
                summary: Summary::of(&r.findings),
                findings: r
                    .findings
                    .iter()
                    .map(|f| Entry {
                        finding: f,
                        line: f.range.start.line + 1,
                        column: f.range.start.character + 1,
                    })
                    .collect(),
            })
            .collect(),
        summary: Summary::of(reports.iter().flat_map(|r| r.findings.iter())),
    };
    let mut out = serde_json::to_string_pretty(&output).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}
