//! adr-operator's own JSON: per document, its findings (with ADR rule, docs URL and 1-based
//! line/column for people-facing tools) and a summary; with `--future`, apart from them, what the
//! next ADR version would add.

use serde::Serialize;

use super::{DocumentReport, RulesetInfo, Summary};
use crate::lint::Finding;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Output<'a> {
    ruleset: &'a str,
    /// The version the `future` findings preview.
    #[serde(skip_serializing_if = "Option::is_none")]
    future_ruleset: Option<&'a str>,
    documents: Vec<Document<'a>>,
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    future_summary: Option<Summary>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    source: &'a str,
    summary: Summary,
    findings: Vec<Entry<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    future: Option<Vec<Entry<'a>>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    line: u32,
    column: u32,
}

fn entries(findings: &[Finding]) -> Vec<Entry<'_>> {
    findings
        .iter()
        .map(|f| Entry {
            finding: f,
            line: f.range.start.line + 1,
            column: f.range.start.character + 1,
        })
        .collect()
}

pub fn render(info: RulesetInfo<'_>, reports: &[DocumentReport]) -> String {
    let future = info.future.is_some();
    let output = Output {
        ruleset: info.id,
        future_ruleset: info.future.map(|id| id.as_str()),
        documents: reports
            .iter()
            .map(|r| Document {
                source: &r.source,
                summary: Summary::of(&r.findings),
                findings: entries(&r.findings),
                future: future.then(|| entries(&r.future)),
            })
            .collect(),
        summary: Summary::of(reports.iter().flat_map(|r| r.findings.iter())),
        future_summary: future.then(|| Summary::of(reports.iter().flat_map(|r| r.future.iter()))),
    };
    let mut out = serde_json::to_string_pretty(&output).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}
