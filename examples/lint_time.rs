//! In-process time of a whole lint (load and lint, as the webhook does per request): for each
//! file, the mean over `RUNS` runs (default 20) after one warm-up run, in milliseconds.
//! With `--load-only`, the load alone (the finding count is then the node count).
//!   cargo run --release --example lint_time -- [--ruleset ID] [--runs N] [--load-only] FILE...

use std::sync::Arc;
use std::time::Instant;

use adr_operator::document::{Document, LoadOptions};
use adr_operator::lint::lint;
use adr_operator::ruleset::RulesetId;

// The allocator of the `adr-operator` binary, so that the time is the webhook's.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> Result<(), String> {
    // On a thread with the lint stack, as the webhook and the CLI lint.
    adr_operator::lint::with_lint_stack(run)
}

fn run() -> Result<(), String> {
    let mut id = RulesetId::LATEST;
    let mut runs: u32 = 20;
    let mut load_only = false;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--ruleset" => id = args.next().ok_or("--ruleset ID")?.parse()?,
            "--runs" => {
                runs = args
                    .next()
                    .ok_or("--runs N")?
                    .parse()
                    .map_err(|e| format!("--runs: {e}"))?;
            }
            "--load-only" => load_only = true,
            _ => files.push(arg),
        }
    }
    let ruleset = id.ruleset();
    let options = LoadOptions::default();
    for path in &files {
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let lint_once = || {
            let doc = Arc::new(
                Document::load(path, &bytes, &options).map_err(|e| format!("{path}: {e}"))?,
            );
            Ok::<_, String>(if load_only {
                doc.tree.node_count()
            } else {
                lint(&doc, ruleset).len()
            })
        };
        let findings = lint_once()?;
        let start = Instant::now();
        for _ in 0..runs {
            lint_once()?;
        }
        let ms = start.elapsed().as_secs_f64() * 1e3 / f64::from(runs.max(1));
        println!("{path}\t{ms:.3}\t{findings}");
    }
    Ok(())
}
