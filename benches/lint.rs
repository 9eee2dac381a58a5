//! In-process lint time per document size class, next to the floor (a bare `serde_json` parse
//! of the same bytes). `cargo bench --bench lint`; bench/README.md has the results.
//!
//! The benchmarks run on a thread with the lint stack, marked as such, as the webhook's and the
//! CLI's threads are; on an unmarked thread each lint would also pay for starting one.

use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput};

use adr_operator::document::LoadOptions;
use adr_operator::lint::{lint_bytes, with_lint_stack};
use adr_operator::ruleset::RulesetId;

fn corpus(rel: &str) -> (String, Vec<u8>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (path.to_string_lossy().into_owned(), bytes)
}

fn bench(c: &mut Criterion) {
    let ruleset = RulesetId::Adr221.ruleset();
    let options = LoadOptions::default();
    let documents = [
        ("tiny 2 KB", "large/tiny-adr-baseline.oas30.json"),
        ("typical 27 KB", "nl-gov/BRP-API__Haal-Centraal-Reisdocumenten-bevragen__specificatie--gba-genereervariant--openapi.json"),
        ("medium 97 KB", "large/medium-intellifi-nl.oas30.json"),
        ("nl-gov 256 KB", "nl-gov/VNG-Realisatie__Haal-Centraal-BRK-bevragen__specificatie--genereervariant--openapi.json"),
        ("large 1 MB", "large/large-digitalocean.oas30.json"),
        ("large 2.5 MB", "large/large-stripe.oas30.json"),
    ];
    let mut group = c.benchmark_group("lint adr-2.2.1");
    group.sample_size(20);
    for (label, rel) in documents {
        let (name, bytes) = corpus(rel);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("adr-operator", label),
            &bytes,
            |b, bytes| b.iter(|| lint_bytes(&name, bytes, ruleset, &options).expect("lints")),
        );
        group.bench_with_input(
            BenchmarkId::new("serde_json floor", label),
            &bytes,
            |b, bytes| b.iter(|| serde_json::from_slice::<serde_json::Value>(bytes).expect("JSON")),
        );
    }
    group.finish();
}

fn main() {
    with_lint_stack(|| {
        let mut c = Criterion::default().configure_from_args();
        bench(&mut c);
        c.final_summary();
    });
}
