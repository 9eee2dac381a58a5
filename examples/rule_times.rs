//! Where a lint's time goes: loads one document and times the load and every rule of a ruleset
//! on it in-process (mean of `N` runs, default 100), slowest first. What rules share
//! (`Document::shared`) is computed once per document, so after the first run a rule's time
//! leaves it out; the total (a fresh load and lint each run) has it.
//!   cargo run --release --example rule_times -- FILE [RULESET] [N]

use std::sync::Arc;
use std::time::Instant;

use adr_operator::document::{Document, LoadOptions};
use adr_operator::lint::lint;
use adr_operator::rules::Sink;
use adr_operator::ruleset::RulesetId;

fn mean_micros(n: u32, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
}

fn main() -> Result<(), String> {
    // On a thread with the lint stack, as the webhook and the CLI lint.
    adr_operator::lint::with_lint_stack(run)
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: rule_times FILE [RULESET] [N]")?;
    let id: RulesetId = args.next().as_deref().unwrap_or("adr-2.2.1").parse()?;
    let n: u32 = args
        .next()
        .map_or(Ok(100), |s| s.parse())
        .map_err(|e| format!("N: {e}"))?;
    let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
    let options = LoadOptions::default();
    let doc = Document::load(&path, &bytes, &options).map_err(|e| e.to_string())?;
    let ruleset = id.ruleset();
    let mut rows = vec![(
        "(load)".to_string(),
        mean_micros(n, || drop(Document::load(&path, &bytes, &options))),
    )];
    for entry in ruleset.entries() {
        let micros = mean_micros(n, || entry.check.check(&doc, &mut Sink::default()));
        rows.push((entry.code.to_string(), micros));
    }
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (what, micros) in &rows {
        println!("{what:<45} {micros:>10.1} µs");
    }
    let total = mean_micros(n, || {
        if let Ok(doc) = Document::load(&path, &bytes, &options) {
            drop(lint(&Arc::new(doc), ruleset));
        }
    });
    println!("{:<45} {total:>10.1} µs (load and lint, {id})", "(total)");
    Ok(())
}
