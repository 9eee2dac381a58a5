//! The fast YAML event producer against saphyr-parser: on every YAML file of the corpus, the
//! reference data and the fixtures, and on mutations of them, it either gives up or yields
//! exactly saphyr's events; on the documents the speed-up is for, it must not give up.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use adr_operator::document::yaml::fast::check_against_saphyr;
use adr_operator::document::yaml::split::{self, check_split_loads};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

fn all_files() -> Vec<PathBuf> {
    let shared = common::shared_dir();
    let mut files = Vec::new();
    yaml_files(&shared.join("corpus"), &mut files);
    yaml_files(&shared.join("adr-reference"), &mut files);
    yaml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut files,
    );
    files.sort();
    files
}

/// The documents whose load time the fast producer is for (and the files they refer to).
fn must_take_fast_path(path: &Path) -> bool {
    let s = path.to_string_lossy();
    s.contains("/corpus/nl-gov/") || s.contains("/corpus/large/")
}

#[test]
fn fast_events_equal_saphyrs_on_every_yaml_file() {
    let files = all_files();
    assert!(files.len() > 100, "found only {} YAML files", files.len());
    let mut fast = 0;
    let mut reasons: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue; // not UTF-8: never reaches the YAML loader
        };
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        match check_against_saphyr(body) {
            Ok(None) => fast += 1,
            Ok(Some(why)) => {
                if must_take_fast_path(path) {
                    failures.push(format!("{}: gave up: {why:?}", path.display()));
                }
                reasons
                    .entry(why.reason)
                    .or_default()
                    .push(path.display().to_string());
            }
            Err(diff) => failures.push(format!("{}: {diff}", path.display())),
        }
    }
    eprintln!("{} YAML files, {fast} on the fast path", files.len());
    for (reason, paths) in &reasons {
        eprintln!(
            "gave up ({reason}): {} files, e.g. {}",
            paths.len(),
            paths[0]
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A small deterministic generator (xorshift), so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A window of up to 40 lines of `doc` with one to three mutations: a line deleted, duplicated
/// or swapped, or a character that matters to YAML inserted or one deleted.
fn mutation(doc: &str, rng: &mut Rng) -> String {
    const INSERTS: &[char] = &[
        '\'', '"', '#', ':', '-', '[', ']', '{', '}', '|', '>', '&', '*', '!', ' ', ' ', '\\', ',',
        '?', 'x', 'é', '\n', '\r', '\t',
    ];
    let lines: Vec<&str> = doc.lines().collect();
    let from = rng.below(lines.len());
    let to = (from + 1 + rng.below(40)).min(lines.len());
    let mut window: Vec<String> = lines[from..to].iter().map(|l| l.to_string()).collect();
    for _ in 0..1 + rng.below(3) {
        if window.is_empty() {
            break;
        }
        let l = rng.below(window.len());
        match rng.below(6) {
            0 => {
                window.remove(l);
            }
            1 => window.insert(l, window[l].clone()),
            2 => {
                let m = rng.below(window.len());
                window.swap(l, m);
            }
            _ => {
                let line = &mut window[l];
                let mut at = rng.below(line.len() + 1);
                while !line.is_char_boundary(at) {
                    at -= 1;
                }
                if rng.below(3) == 0 && at < line.len() {
                    let len = line[at..].chars().next().map_or(1, char::len_utf8);
                    line.replace_range(at..at + len, "");
                } else {
                    line.insert(at, INSERTS[rng.below(INSERTS.len())]);
                }
            }
        }
    }
    let mut text = window.join("\n");
    if rng.below(2) == 0 {
        text.push('\n');
    }
    text
}

#[test]
fn fast_events_equal_saphyrs_on_mutated_documents() {
    let docs: Vec<String> = all_files()
        .iter()
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() < 1_000_000))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|d| !d.is_empty())
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut fast, runs) = (0, 20_000);
    for run in 0..runs {
        let text = mutation(&docs[rng.below(docs.len())], &mut rng);
        match check_against_saphyr(&text) {
            Ok(None) => fast += 1,
            Ok(Some(_)) => {}
            Err(diff) => panic!("mutation {run}: {diff}\non {text:?}"),
        }
    }
    eprintln!("{runs} mutations, {fast} on the fast path");
    // Most mutations keep a valid document; if few take the fast path, the test says little.
    assert!(
        fast > runs / 5,
        "only {fast} of {runs} mutations on the fast path"
    );
}

/// A YAML document loaded in two parts, on two threads, gives exactly the tree and diagnostics
/// of loading it whole: at the split the loader chooses and at others spread over every file.
#[test]
fn split_loads_equal_whole_loads_on_every_yaml_file() {
    let (mut tried, mut lined_up) = (0, 0);
    let mut failures = Vec::new();
    for path in all_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // Fewer samples of the large files, which take long in a debug build.
        let samples = if text.len() > 200_000 { 3 } else { 12 };
        match check_split_loads(&text, samples) {
            Ok(check) => {
                tried += check.tried;
                lined_up += check.lined_up;
                let planned = split::plan(text.strip_prefix('\u{feff}').unwrap_or(&text));
                if must_take_fast_path(&path) && !planned.is_empty() && !check.planned_lined_up {
                    failures.push(format!("{}: the planned split fell back", path.display()));
                }
            }
            Err(diff) => failures.push(format!("{}: {diff}", path.display())),
        }
    }
    eprintln!("{tried} splits tried, {lined_up} lined up");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        lined_up * 2 > tried,
        "{lined_up} of {tried} splits lined up"
    );
}
