//! Parity with the reference linter on real Dutch government APIs: for every document in
//! `../shared/corpus/nl-gov/` (and the 5 multi-file entry points) and each ruleset (adr-2.0,
//! adr-2.1, adr-2.2.0, adr-2.2.1 and adr-draft), the set of (source, code, path, severity) must equal what Spectral
//! 6.16.3 with the official ruleset reported (`../shared/adr-reference/generated-spectral-6.16.3/`).
//! Prints the per-document parity table (`cargo test --test parity -- --nocapture`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use adr_operator::document::LoadOptions;
use adr_operator::lint::lint_bytes;
use adr_operator::ruleset::RulesetId;

/// Codes whose rules are still being ported: their differences are tolerated (and counted in the
/// table); the test fails once a listed code no longer differs anywhere, so the list only shrinks.
const CODES_BEING_PORTED: &[&str] = &[];

/// Known, explained deviations: (document name fragment, code). Differences of that code in that
/// document are tolerated; the test fails when one no longer occurs, so the list stays true.
///
/// BRK multi-file: when the reference maps a finding's resolved path back to a file and crosses a
/// remote `$ref` it could not fetch, it applies the whole root-relative path to the file it is in
/// and reports that path's closest existing prefix (e.g. `paths` in `domain.yaml`). We report the
/// physical location of the node (e.g. `components.schemas.Geboorte.properties.datum`). Same
/// number of findings, other places.
const KNOWN_DEVIATIONS: &[(&str, &str)] = &[
    (
        "multifile--VNG-Realisatie__Haal-Centraal-BRK-bevragen",
        "nlgov:specify-format-for-date-and-time",
    ),
    (
        "multifile--VNG-Realisatie__Haal-Centraal-BRK-bevragen",
        "nlgov:problem-invalid-input",
    ),
];

type Key = (String, String, String, u8);

fn reference_folder(id: RulesetId) -> &'static str {
    match id {
        RulesetId::Adr20 => "adr-2.0_don-static",
        RulesetId::Adr21 => "adr-2.1.0",
        RulesetId::Adr220 => "adr-2.2.0",
        RulesetId::Adr221 => "adr-2.2.1",
        RulesetId::AdrDraft => "draft_develop-6edd13c",
    }
}

/// Corpus documents: (display name = reference file stem, path relative to `shared/`).
fn documents(shared: &Path) -> Vec<(String, String)> {
    let mut docs = Vec::new();
    for entry in std::fs::read_dir(shared.join("corpus/nl-gov"))
        .unwrap()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_file() && (name.ends_with(".json") || name.ends_with(".yaml")) {
            docs.push((name.clone(), format!("corpus/nl-gov/{name}")));
        }
    }
    for entry in std::fs::read_dir(shared.join("corpus/nl-gov/multifile"))
        .unwrap()
        .flatten()
    {
        let project = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("corpus/nl-gov/multifile/{project}/specificatie/openapi.yaml");
        if shared.join(&rel).is_file() {
            docs.push((
                format!("multifile--{project}--specificatie--openapi.yaml"),
                rel,
            ));
        }
    }
    docs.sort();
    docs
}

fn reference(shared: &Path, id: RulesetId, name: &str) -> BTreeSet<Key> {
    let file = shared
        .join("adr-reference/generated-spectral-6.16.3")
        .join(reference_folder(id))
        .join(format!("{name}.json"));
    let results: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    results
        .iter()
        .map(|r| {
            let path: Vec<String> = r["path"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    s.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| s.to_string())
                })
                .collect();
            (
                r["source"].as_str().unwrap().to_string(),
                r["code"].as_str().unwrap().to_string(),
                path.join("\u{1f}"),
                r["severity"].as_u64().unwrap() as u8,
            )
        })
        .collect()
}

fn ours(shared: &Path, id: RulesetId, rel: &str) -> BTreeSet<Key> {
    let full = shared.join(rel);
    let bytes = std::fs::read(&full).unwrap();
    let prefix = format!("{}/", shared.display());
    let findings = lint_bytes(
        &full.to_string_lossy(),
        &bytes,
        id.ruleset(),
        &LoadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{rel}: {e}"));
    findings
        .iter()
        .map(|f| {
            let path: Vec<String> = f.path.iter().map(|s| s.to_string()).collect();
            (
                f.source
                    .strip_prefix(&prefix)
                    .unwrap_or(&f.source)
                    .to_string(),
                f.code.clone(),
                path.join("\u{1f}"),
                f.severity as u8,
            )
        })
        .collect()
}

#[test]
fn nl_gov_corpus_matches_reference_linter() {
    let shared = common::shared_dir();
    let docs = documents(&shared);
    assert_eq!(
        docs.len(),
        28,
        "23 single-file documents + 5 multi-file entry points"
    );
    let mut failures = Vec::new();
    let mut differing_ported: BTreeSet<String> = BTreeSet::new();
    let mut occurring_deviations: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut totals: BTreeMap<RulesetId, (usize, usize, usize, usize)> = BTreeMap::new();
    println!(
        "{:<92} {:<10} {:>5} {:>5} {:>7} {:>5}",
        "document", "ruleset", "ref", "ours", "missing", "extra"
    );
    for (name, rel) in &docs {
        for id in RulesetId::ALL {
            let want = reference(&shared, id, name);
            let got = ours(&shared, id, rel);
            let missing: Vec<&Key> = want.difference(&got).collect();
            let extra: Vec<&Key> = got.difference(&want).collect();
            let t = totals.entry(id).or_default();
            t.0 += want.len();
            t.1 += got.len();
            t.2 += missing.len();
            t.3 += extra.len();
            println!(
                "{:<92} {:<10} {:>5} {:>5} {:>7} {:>5}",
                name,
                id.as_str(),
                want.len(),
                got.len(),
                missing.len(),
                extra.len()
            );
            let unexplained: Vec<_> = missing
                .iter()
                .map(|k| ("missing", k))
                .chain(extra.iter().map(|k| ("extra", k)))
                .filter(|(_, k)| {
                    if let Some(known) = KNOWN_DEVIATIONS
                        .iter()
                        .find(|(doc, code)| name.contains(doc) && *code == k.1)
                    {
                        occurring_deviations.insert(*known);
                        false
                    } else if CODES_BEING_PORTED.contains(&k.1.as_str()) {
                        differing_ported.insert(k.1.clone());
                        false
                    } else {
                        true
                    }
                })
                .collect();
            if !unexplained.is_empty() {
                let lines: Vec<String> = unexplained
                    .iter()
                    .take(12)
                    .map(|(what, k)| {
                        format!(
                            "    {what} {} {} [{}] sev {}",
                            k.0,
                            k.1,
                            k.2.replace('\u{1f}', " / "),
                            k.3
                        )
                    })
                    .collect();
                failures.push(format!(
                    "{name} ({}): {} differences\n{}",
                    id.as_str(),
                    unexplained.len(),
                    lines.join("\n")
                ));
            }
        }
    }
    for (id, (want, got, missing, extra)) in &totals {
        println!(
            "total {:<10} reference {want}, ours {got}, missing {missing}, extra {extra}",
            id.as_str()
        );
    }
    assert!(
        failures.is_empty(),
        "{} document/ruleset pairs differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let done: Vec<_> = CODES_BEING_PORTED
        .iter()
        .filter(|c| !differing_ported.contains(**c))
        .collect();
    assert!(
        done.is_empty(),
        "these codes now match everywhere; remove them from CODES_BEING_PORTED: {done:?}"
    );
}
