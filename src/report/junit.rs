//! JUnit XML: one `<testsuite>` per document and one `<testcase>` per rule of the ruleset (plus
//! one per other code that reported, such as `parser`); a rule's findings are its failures.

use std::fmt::Write;

use super::{xml_escape, DocumentReport, RulesetInfo};

pub fn render(info: RulesetInfo<'_>, reports: &[DocumentReport]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total_cases = reports.len() * info.ruleset.entries().len();
    let failures: usize = reports
        .iter()
        .map(|r| {
            let mut codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            codes.len()
        })
        .sum();
    let _ = writeln!(
        out,
        "<testsuites name=\"adr-operator {}\" tests=\"{total_cases}\" failures=\"{failures}\">",
        xml_escape(info.id)
    );
    for report in reports {
        let mut codes: Vec<&str> = info.ruleset.entries().iter().map(|e| e.code).collect();
        for f in &report.findings {
            if !codes.contains(&f.code.as_str()) {
                codes.push(&f.code);
            }
        }
        let failed = codes
            .iter()
            .filter(|c| report.findings.iter().any(|f| f.code == **c))
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\">",
            xml_escape(&report.source),
            codes.len()
        );
        for code in codes {
            let hits: Vec<_> = report.findings.iter().filter(|f| f.code == code).collect();
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(&report.source),
                xml_escape(code)
            );
            if hits.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            let first = &hits[0];
            let mut details = String::new();
            for f in &hits {
                let _ = writeln!(
                    details,
                    "{}:{}:{} {} {} [{}]",
                    f.source,
                    f.range.start.line + 1,
                    f.range.start.character + 1,
                    f.severity.as_str(),
                    f.message,
                    super::dot_path(&f.path)
                );
            }
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                first.severity.as_str(),
                xml_escape(&format!("{} finding(s): {}", hits.len(), first.message)),
                xml_escape(&details)
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
