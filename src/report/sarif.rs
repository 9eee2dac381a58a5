//! SARIF 2.1.0: one run, the ruleset's rules as `tool.driver.rules` (with ADR rule and help link),
//! one result per finding with its physical location (1-based lines and UTF-16 columns, as
//! SARIF's default `columnKind` says).

use serde_json::{json, Value};

use super::{DocumentReport, RulesetInfo};
use crate::lint::Severity;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

pub fn render(info: RulesetInfo<'_>, reports: &[DocumentReport]) -> String {
    let mut rules: Vec<Value> = Vec::new();
    let mut index_of = std::collections::HashMap::new();
    let mut add_rule =
        |code: &str, severity: Severity, adr: Option<&str>, help: Option<&str>, text: &str| {
            if let Some(&i) = index_of.get(code) {
                return i;
            }
            let mut rule = json!({
                "id": code,
                "name": code,
                "shortDescription": { "text": text },
                "defaultConfiguration": { "level": level(severity) },
                "properties": { "tags": ["api-design-rules"] },
            });
            if let Some(url) = help {
                rule["helpUri"] = json!(url);
            }
            if let Some(adr) = adr {
                rule["properties"]["adrRule"] = json!(adr);
                rule["fullDescription"] = json!({ "text": format!("{text} (ADR {adr})") });
            }
            rules.push(rule);
            index_of.insert(code.to_string(), rules.len() - 1);
            rules.len() - 1
        };
    for e in info.ruleset.entries() {
        add_rule(
            e.code,
            e.severity,
            e.adr_rule,
            e.documentation_url,
            e.message,
        );
    }
    let mut results = Vec::new();
    for report in reports {
        for f in &report.findings {
            let i = add_rule(
                &f.code,
                f.severity,
                f.adr_rule,
                f.documentation_url,
                &f.code,
            );
            let path = super::dot_path(&f.path);
            let mut result = json!({
                "ruleId": f.code,
                "ruleIndex": i,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.source) },
                        "region": {
                            "startLine": f.range.start.line + 1,
                            "startColumn": f.range.start.character + 1,
                            "endLine": f.range.end.line + 1,
                            "endColumn": f.range.end.character + 1,
                        }
                    }
                }],
            });
            if !path.is_empty() {
                result["locations"][0]["logicalLocations"] =
                    json!([{ "fullyQualifiedName": path, "kind": "member" }]);
            }
            results.push(result);
        }
    }
    let sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "adr-operator",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/Logius-standaarden/API-Design-Rules",
                    "rules": rules,
                }
            },
            "properties": { "ruleset": info.id },
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&sarif).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}

/// A relative URI for a file path (SARIF wants URIs; spaces and the like percent-encoded).
fn uri(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for b in source.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
