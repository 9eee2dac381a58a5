//! The rule catalogue (`adr-operator rules`): every rule of a ruleset with its ADR rule,
//! severity, message and documentation link, as a terminal table or Markdown for the README.

use std::fmt::Write;

use crate::ruleset::RulesetId;

pub fn render(id: RulesetId, markdown: bool) -> String {
    let ruleset = id.ruleset();
    let mut out = String::new();
    if markdown {
        let _ = writeln!(out, "| code | severity | ADR rule | message |");
        let _ = writeln!(out, "|---|---|---|---|");
        for e in ruleset.entries() {
            let code = match e.documentation_url {
                Some(url) => format!("[`{}`]({url})", e.code),
                None => format!("`{}`", e.code),
            };
            let adr = e.adr_rule.map_or("–".into(), |rule| format!("`{rule}`"));
            let message = e.message.replace('|', "\\|");
            let _ = writeln!(
                out,
                "| {code} | {} | {adr} | {message} |",
                e.severity.as_str()
            );
        }
    } else {
        let _ = writeln!(
            out,
            "{} ({} rules; {})",
            id,
            ruleset.entries().len(),
            id.origin()
        );
        for e in ruleset.entries() {
            let _ = writeln!(
                out,
                "  {:<42} {:<5}  {:<40} {}",
                e.code,
                e.severity.as_str(),
                e.adr_rule.unwrap_or("-"),
                e.documentation_url.unwrap_or("")
            );
        }
    }
    out
}
