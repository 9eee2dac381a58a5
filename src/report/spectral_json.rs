//! Spectral's `-f json` shape: an array of `{code, path, message, severity, range, source}` with
//! numeric severities and absolute source paths, as `spectral lint -f json` prints them.

use serde::Serialize;

use super::DocumentReport;
use crate::document::{Range, Segment};

#[derive(Serialize)]
struct SpectralResult<'a> {
    code: &'a str,
    path: &'a [Segment],
    message: &'a str,
    severity: u8,
    range: Range,
    source: String,
}

pub fn render(reports: &[DocumentReport]) -> String {
    let results: Vec<SpectralResult> = reports
        .iter()
        .flat_map(|r| r.findings.iter())
        .map(|f| SpectralResult {
            code: &f.code,
            path: &f.path,
            message: &f.message,
            severity: f.severity as u8,
            range: f.range,
            source: absolute_source(&f.source),
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&results).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// Spectral prints absolute file paths; standard input stays as named.
fn absolute_source(source: &str) -> String {
    if source == "-" || source.contains("://") {
        return source.to_string();
    }
    crate::document::absolute(std::path::Path::new(source))
        .to_string_lossy()
        .into_owned()
}
