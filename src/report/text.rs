//! Human-readable output: one block per file, one line per finding (1-based line:column like
//! Spectral's stylish format), then the ADR rule, path and documentation link, and a summary.

use std::fmt::Write;

use super::{DocumentReport, Summary};
use crate::lint::{Finding, Severity};
use crate::ruleset::RulesetId;

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BLUE: &str = "\x1b[34m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

pub fn render(future: Option<RulesetId>, reports: &[DocumentReport], color: bool) -> String {
    let paint = |code: &'static str| if color { code } else { "" };
    let mut out = String::new();
    for report in reports
        .iter()
        .filter(|r| !r.findings.is_empty() || !r.future.is_empty())
    {
        let _ = writeln!(out, "{}{}{}", paint(BOLD), report.source, paint(RESET));
        for f in &report.findings {
            finding(&mut out, report, f, color);
        }
        if let (Some(next), false) = (future, report.future.is_empty()) {
            let _ = writeln!(
                out,
                "  {}errors in {} that this version does not report (--future):{}",
                paint(BOLD),
                next.title(),
                paint(RESET)
            );
            for f in &report.future {
                finding(&mut out, report, f, color);
            }
        }
        out.push('\n');
    }
    let s = Summary::of(reports.iter().flat_map(|r| r.findings.iter()));
    if s.total() == 0 {
        let _ = writeln!(out, "No problems found in {} document(s).", reports.len());
    } else {
        let _ = writeln!(
            out,
            "{}✖ {} problems ({} errors, {} warnings, {} infos, {} hints){}",
            paint(if s.errors > 0 { RED } else { YELLOW }),
            s.total(),
            s.errors,
            s.warnings,
            s.infos,
            s.hints,
            paint(RESET)
        );
    }
    if let Some(next) = future {
        let n = reports.iter().map(|r| r.future.len()).sum::<usize>();
        let _ = writeln!(out, "{n} more errors in {} (--future).", next.title());
    }
    out
}

fn finding(out: &mut String, report: &DocumentReport, f: &Finding, color: bool) {
    let paint = |code: &'static str| if color { code } else { "" };
    let (sev_color, sev) = match f.severity {
        Severity::Error => (RED, "error"),
        Severity::Warn => (YELLOW, "warning"),
        Severity::Info => (BLUE, "info"),
        Severity::Hint => (DIM, "hint"),
    };
    let location = if f.source == report.source {
        String::new()
    } else {
        format!("{} ", f.source)
    };
    let _ = writeln!(
        out,
        "  {location}{}:{}  {}{sev:<7}{}  {}  {}",
        f.range.start.line + 1,
        f.range.start.character + 1,
        paint(sev_color),
        paint(RESET),
        f.code,
        f.message,
    );
    let path = super::dot_path(&f.path);
    let mut details = Vec::new();
    if let Some(adr) = f.adr_rule {
        details.push(format!("ADR {adr}"));
    }
    if !path.is_empty() {
        details.push(format!("at {path}"));
    }
    if let Some(url) = f.documentation_url {
        details.push(url.to_string());
    }
    if !details.is_empty() {
        let _ = writeln!(
            out,
            "      {}{}{}",
            paint(DIM),
            details.join("  "),
            paint(RESET)
        );
    }
}
