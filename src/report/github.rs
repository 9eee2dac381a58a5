//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message` per finding.

use std::fmt::Write;

use super::DocumentReport;
use crate::lint::Severity;

pub fn render(reports: &[DocumentReport]) -> String {
    let mut out = String::new();
    for f in reports.iter().flat_map(|r| r.findings.iter()) {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warn => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        let title = match f.adr_rule {
            Some(adr) => format!("{} ({adr})", f.code),
            None => f.code.clone(),
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&f.source),
            f.range.start.line + 1,
            f.range.start.character + 1,
            f.range.end.line + 1,
            f.range.end.character + 1,
            property(&title),
            data(&f.message)
        );
    }
    out
}

/// Escaping of a command's message, as the Actions toolkit does it.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
