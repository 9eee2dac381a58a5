//! The YAML loader against the reference linter's positions (Spectral 6.16.3: `@stoplight/yaml`
//! on `@stoplight/yaml-ast-parser`), plus hostile YAML.
//!
//! `tests/fixtures/yaml/*.expected.json` were generated from the reference itself:
//! `parseWithPointers(text, {ignoreDuplicateKeys: false, mergeKeys: true, preserveKeyOrder: true,
//! attachComments: false})`, then `getLocationForJsonPath` for every path of the data (`null`
//! where the reference has no location: Spectral then reports 0:0–0:0), and the parser
//! diagnostics as Spectral prints them.

mod common;

use std::collections::HashMap;
use std::path::Path;

use adr_operator::document::{
    Document, LoadError, LoadOptions, NodeId, Range, Segment, Tree, Value,
};

fn load(name: &str, text: &[u8]) -> Document {
    Document::load(name, text, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{name} does not load: {e}"))
}

fn range_vec(r: Range) -> Vec<u32> {
    vec![r.start.line, r.start.character, r.end.line, r.end.character]
}

/// The node at a physical path (no `$ref` following).
fn node_at(tree: &Tree, root: NodeId, path: &[String]) -> Option<NodeId> {
    let mut cur = root;
    for seg in path {
        cur = match tree.value(cur) {
            Value::Object(_) => tree.raw_get(cur, seg)?,
            Value::Array(items) => *items.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn path_strings(tree: &Tree, id: NodeId) -> Vec<String> {
    tree.path(id).iter().map(Segment::to_string).collect()
}

fn all_nodes(tree: &Tree, root: NodeId) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut todo = vec![root];
    while let Some(id) = todo.pop() {
        out.push(id);
        match tree.value(id) {
            Value::Array(items) => todo.extend(items),
            Value::Object(entries) => todo.extend(entries.iter().map(|(_, v)| *v)),
            _ => {}
        }
    }
    out
}

fn same_value(value: &Value, ty: &str, expected: &serde_json::Value) -> bool {
    match (value, ty) {
        (Value::Null, "null") => true,
        (Value::Bool(b), "boolean") => expected.as_bool() == Some(*b),
        (Value::Number(n), "number") => {
            let e: f64 = expected
                .as_str()
                .and_then(|s| s.parse().ok())
                .unwrap_or(f64::NAN);
            (n.is_nan() && e.is_nan()) || *n == e
        }
        (Value::String(s), "string") => expected.as_str() == Some(&**s),
        (Value::Array(_), "array") | (Value::Object(_), "object") => true,
        _ => false,
    }
}

/// Every node of every fixture has the reference's range and value, and the parser diagnostics
/// are the reference's.
#[test]
fn fixtures_match_the_reference_ranges() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yaml");
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    fixtures.sort();
    assert!(
        fixtures.len() >= 30,
        "fixtures missing in {}",
        dir.display()
    );
    let mut problems = Vec::new();
    let mut compared = 0;
    for yaml in &fixtures {
        let name = yaml
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let expected_path = yaml.with_extension("expected.json");
        let expected: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&expected_path).expect("expected file"))
                .expect("expected JSON");
        let text = std::fs::read(yaml).expect("fixture");
        let doc = load(&name, &text);
        let nodes = expected["nodes"].as_array().cloned().unwrap_or_default();
        let Some(root) = doc.root else {
            if !nodes.is_empty() {
                problems.push(format!("{name}: no root"));
            }
            continue;
        };
        for node in &nodes {
            let path: Vec<String> = serde_json::from_value(node[0].clone()).expect("path");
            let want: Vec<u32> =
                serde_json::from_value(node[1].clone()).unwrap_or(vec![0, 0, 0, 0]);
            let Some(id) = node_at(&doc.tree, root, &path) else {
                problems.push(format!("{name}: {path:?} missing"));
                continue;
            };
            compared += 1;
            let got = range_vec(doc.tree.range(id));
            if got != want {
                problems.push(format!(
                    "{name}: {path:?} range {got:?}, reference {want:?}"
                ));
            }
            let ty = node[2].as_str().unwrap_or_default();
            if !same_value(doc.tree.value(id), ty, &node[3]) {
                problems.push(format!(
                    "{name}: {path:?} value {:?}, reference {ty} {}",
                    doc.tree.value(id),
                    node[3]
                ));
            }
        }
        let ours = all_nodes(&doc.tree, root).len();
        if ours != nodes.len() {
            problems.push(format!("{name}: {ours} nodes, reference {}", nodes.len()));
        }
        let mut want_diags: Vec<String> = expected["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|d| d.to_string())
            .collect();
        let mut got_diags: Vec<String> = doc
            .diagnostics
            .iter()
            .map(|d| {
                let mut path = Vec::new();
                if let Some((obj, key)) = &d.object {
                    path = path_strings(&doc.tree, *obj);
                    path.push(key.to_string());
                }
                let range = doc.tree.file(d.file).range(d.start, d.end);
                serde_json::json!([d.message, path, range_vec(range)]).to_string()
            })
            .collect();
        want_diags.sort();
        got_diags.sort();
        if want_diags != got_diags {
            problems.push(format!(
                "{name}: diagnostics {got_diags:?}, reference {want_diags:?}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(compared > 250, "only {compared} nodes compared");
}

/// The 20 `parser` findings of fsc-core's manager.yaml (`200:` keys), exactly as the reference
/// reports them.
#[test]
fn fsc_core_manager_key_diagnostics_match_the_reference() {
    let shared = common::shared_dir();
    let name = "corpus/nl-gov/Logius-standaarden__fsc-core__media--specs--manager.yaml";
    let doc = load(
        name,
        &std::fs::read(shared.join(name)).expect("corpus file"),
    );
    let reference: Vec<serde_json::Value> = serde_json::from_slice(
        &std::fs::read(shared.join(
            "adr-reference/generated-spectral-6.16.3/adr-2.2.1/\
             Logius-standaarden__fsc-core__media--specs--manager.yaml.json",
        ))
        .expect("reference output"),
    )
    .expect("reference JSON");
    let mut want: Vec<String> = reference
        .iter()
        .filter(|r| r["code"] == "parser")
        .map(|r| {
            let range = &r["range"];
            serde_json::json!([
                r["message"],
                r["path"],
                [
                    range["start"]["line"],
                    range["start"]["character"],
                    range["end"]["line"],
                    range["end"]["character"]
                ]
            ])
            .to_string()
        })
        .collect();
    let mut got: Vec<String> = doc
        .diagnostics
        .iter()
        .map(|d| {
            let (obj, key) = d.object.clone().expect("a key diagnostic has an object");
            let mut path = path_strings(&doc.tree, obj);
            path.push(key.to_string());
            let range = doc.tree.file(d.file).range(d.start, d.end);
            serde_json::json!([d.message, path, range_vec(range)]).to_string()
        })
        .collect();
    want.sort();
    got.sort();
    assert_eq!(want.len(), 20);
    assert_eq!(got, want);
    // The first one, spelled out.
    let first = doc
        .diagnostics
        .iter()
        .find(|d| {
            d.object
                .as_ref()
                .is_some_and(|(o, _)| path_strings(&doc.tree, *o)[1] == "/announce")
        })
        .expect("the /announce diagnostic");
    assert_eq!(
        first.message,
        "Mapping key must be a string scalar rather than number"
    );
    assert_eq!(
        range_vec(doc.tree.file(first.file).range(first.start, first.end)),
        [20, 8, 20, 11]
    );
}

/// Every finding of the reference runs (all rulesets) on a YAML file whose path exists
/// physically in that file has that node's range.
#[test]
fn reference_findings_on_yaml_documents_have_our_node_ranges() {
    let shared = common::shared_dir();
    let runs = shared.join("adr-reference/generated-spectral-6.16.3");
    let mut docs: HashMap<String, Option<Document>> = HashMap::new();
    let (mut compared, mut problems) = (0, Vec::new());
    let mut outputs: Vec<_> = std::fs::read_dir(&runs)
        .expect("reference runs")
        .filter_map(|e| e.ok())
        .flat_map(|ruleset| std::fs::read_dir(ruleset.path()).into_iter().flatten())
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    outputs.sort();
    for output in outputs {
        let Ok(results) = serde_json::from_slice::<Vec<serde_json::Value>>(
            &std::fs::read(&output).unwrap_or_default(),
        ) else {
            continue;
        };
        for r in results {
            let source = r["source"].as_str().unwrap_or_default().to_string();
            // `invalid-ref` findings are placed by a path lookup in the root document (0:0 for
            // a reference inside another file), not by the node's range.
            if !source.ends_with(".yaml") || r["code"] == "parser" || r["code"] == "invalid-ref" {
                continue;
            }
            let doc = docs.entry(source.clone()).or_insert_with(|| {
                let text = std::fs::read(shared.join(&source)).ok()?;
                Document::load(&source, &text, &LoadOptions::default()).ok()
            });
            let Some(doc) = doc.as_ref() else {
                problems.push(format!("{source} does not load"));
                continue;
            };
            let path: Vec<String> = serde_json::from_value(r["path"].clone()).unwrap_or_default();
            let Some(id) = doc.root.and_then(|root| node_at(&doc.tree, root, &path)) else {
                continue;
            };
            let range = &r["range"];
            let want: Vec<u32> = [
                &range["start"]["line"],
                &range["start"]["character"],
                &range["end"]["line"],
                &range["end"]["character"],
            ]
            .iter()
            .map(|v| v.as_u64().unwrap_or(u64::MAX) as u32)
            .collect();
            compared += 1;
            let got = range_vec(doc.tree.range(id));
            if got != want {
                problems.push(format!(
                    "{source} {path:?} ({}): {got:?}, reference {want:?}",
                    r["code"]
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(compared > 1000, "only {compared} findings compared");
    eprintln!("{compared} reference findings compared");
}

#[test]
fn some_real_ranges_spelled_out() {
    let shared = common::shared_dir();
    let name = "corpus/nl-gov/Logius-standaarden__fsc-core__media--specs--manager.yaml";
    let doc = load(
        name,
        &std::fs::read(shared.join(name)).expect("corpus file"),
    );
    let root = doc.root.expect("root");
    let at = |path: &[&str]| {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        range_vec(
            doc.tree
                .range(node_at(&doc.tree, root, &path).expect("path exists")),
        )
    };
    // From the reference: info-contact on `info`, problem-invalid-input on the responses.
    assert_eq!(at(&["info"]), [1, 5, 4, 31]);
    assert_eq!(
        at(&["paths", "/announce", "put", "responses"]),
        [19, 16, 21, 49]
    );
    // The root starts at 0 and ends where its last value ends.
    assert_eq!(at(&[])[..2], [0, 0]);
}

#[test]
fn duplicate_keys_keep_the_first_position_and_the_last_value() {
    let doc = load("dup.yaml", b"a: 1\nb: 2\na:\n  x: 3\n");
    let root = doc.root.expect("root");
    let keys: Vec<&str> = doc.tree.entries(root).iter().map(|(k, _)| &**k).collect();
    assert_eq!(keys, ["a", "b"]);
    let a = doc.tree.raw_get(root, "a").expect("a");
    assert!(doc.tree.is_object(a));
    assert_eq!(range_vec(doc.tree.range(a)), [2, 2, 3, 6]);
    assert_eq!(doc.diagnostics.len(), 1);
    let d = &doc.diagnostics[0];
    assert_eq!(d.message, "Duplicate key: a");
    assert_eq!(d.object, Some((root, "a".into())));
    assert_eq!(
        range_vec(doc.tree.file(d.file).range(d.start, d.end)),
        [2, 0, 2, 1]
    );
}

#[test]
fn empty_documents_have_no_root() {
    for text in [
        "",
        "\n",
        "# just a comment\n",
        "---\n",
        "--- # c\n...\n",
        "   \n\n",
    ] {
        let doc = load("empty.yaml", text.as_bytes());
        assert_eq!(doc.root, None, "{text:?}");
        assert!(doc.diagnostics.is_empty(), "{text:?}");
    }
}

#[test]
fn only_the_first_document_is_used() {
    let doc = load("multi.yaml", b"a: 1\n---\nb: 2\n");
    let root = doc.root.expect("root");
    assert_eq!(doc.tree.entries(root).len(), 1);
    assert_eq!(doc.diagnostics.len(), 1);
    assert_eq!(
        doc.diagnostics[0].message,
        "Expected a single document in the stream, but found more"
    );
    assert_eq!(doc.diagnostics[0].object, None);
}

#[test]
fn alias_bombs_are_refused() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let prev = (b'a' + level - 1) as char;
        let name = (b'a' + level) as char;
        bomb.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let started = std::time::Instant::now();
    let err = Document::load("bomb.yaml", bomb.as_bytes(), &LoadOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::AliasExpansion {
                limit: 1_000_000,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(started.elapsed().as_secs() < 10);

    // Long strings repeated through aliases are bounded as well.
    let long = format!(
        "s: &s \"{}\"\nl1: &l1 [*s, *s, *s, *s, *s, *s, *s, *s]\nl2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\nl3: [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]\n",
        "x".repeat(1 << 20)
    );
    let options = LoadOptions {
        limits: adr_operator::document::Limits {
            max_input_bytes: 16 << 20,
            ..Default::default()
        },
    };
    let err = Document::load("long.yaml", long.as_bytes(), &options).unwrap_err();
    assert!(matches!(err, LoadError::AliasExpansion { .. }), "{err:?}");

    // Ordinary aliases are fine, and their content has no range (as in the reference).
    let doc = load(
        "ok.yaml",
        b"base: &b {x: 1}\nuse: *b\nmerged:\n  <<: *b\n  y: 2\n",
    );
    let root = doc.root.expect("root");
    let used = doc.tree.raw_get(root, "use").expect("use");
    assert_eq!(range_vec(doc.tree.range(used)), [1, 4, 1, 7]);
    let x = doc.tree.raw_get(used, "x").expect("x");
    assert_eq!(range_vec(doc.tree.range(x)), [0, 0, 0, 0]);
    let merged = doc.tree.raw_get(root, "merged").expect("merged");
    let keys: Vec<&str> = doc.tree.entries(merged).iter().map(|(k, _)| &**k).collect();
    assert_eq!(keys, ["x", "y"]);
    let mx = doc.tree.raw_get(merged, "x").expect("merged x");
    assert_eq!(range_vec(doc.tree.range(mx)), [0, 13, 0, 14]);
}

#[test]
fn deep_nesting_is_a_clear_error() {
    // Flow nesting (not JSON-looking, so the YAML parser gets it).
    let deep = format!("a: {}", "[".repeat(100_000));
    let err = Document::load("deep.yaml", deep.as_bytes(), &LoadOptions::default()).unwrap_err();
    assert!(
        matches!(err, LoadError::TooDeep { limit: 256, .. }),
        "{err:?}"
    );
    // Block nesting: compact sequences on one line.
    let deep = format!("{}x\n", "- ".repeat(5_000));
    let err = Document::load("deep.yaml", deep.as_bytes(), &LoadOptions::default()).unwrap_err();
    assert!(
        matches!(err, LoadError::TooDeep { limit: 256, .. }),
        "{err:?}"
    );
    // Nesting through an alias counts too.
    let options = LoadOptions {
        limits: adr_operator::document::Limits {
            max_depth: 4,
            ..Default::default()
        },
    };
    let err = Document::load("alias.yaml", b"a: &a [[[1]]]\nb: [[*a]]\n", &options).unwrap_err();
    assert!(
        matches!(err, LoadError::TooDeep { limit: 4, .. }),
        "{err:?}"
    );
}

#[test]
fn long_strings_are_refused() {
    let options = LoadOptions {
        limits: adr_operator::document::Limits {
            max_string_bytes: 1000,
            ..Default::default()
        },
    };
    for text in [
        format!("a: {}\n", "x".repeat(2000)),
        format!("a: |\n  {}\n", "x".repeat(2000)),
        format!("{}: 1\n", "k".repeat(2000)),
    ] {
        let err = Document::load("long.yaml", text.as_bytes(), &options).unwrap_err();
        assert!(
            matches!(err, LoadError::StringTooLong { limit: 1000, .. }),
            "{err:?}"
        );
    }
}

#[test]
fn non_utf8_is_refused() {
    let err = Document::load("bad.yaml", b"a: \xff\xfe\n", &LoadOptions::default()).unwrap_err();
    assert_eq!(err, LoadError::NotUtf8 { offset: 3 });
}

#[test]
fn syntax_errors_have_a_message_and_a_byte_offset() {
    let err = Document::load(
        "bad.yaml",
        "é: ok\nb: \"unterminated\n".as_bytes(),
        &LoadOptions::default(),
    )
    .unwrap_err();
    let LoadError::Syntax { message, offset } = err else {
        panic!("{err:?}");
    };
    assert!(message.contains("line"), "{message}");
    assert!(offset as usize <= "é: ok\nb: \"unterminated\n".len());
}

/// Garbage of all kinds loads or fails cleanly, never panics, and quickly.
#[test]
fn garbage_never_panics() {
    let samples: &[&str] = &[
        "\t",
        "a:\tb",
        "a:\n\t- b",
        "'unterminated",
        "\"unterminated",
        "a: 'x\n",
        ": : :",
        "- - -",
        "? ? ?",
        "&a *a",
        "*unknown",
        "a: *unknown",
        "!!binary x",
        "a: !<tag> x",
        "[",
        "]",
        "{",
        "}",
        "{a: [}",
        "a: |",
        "a: >-\n",
        "a: |0\n x",
        "a: |9\n x",
        "a: |-+\n x",
        "- |\n  x\n -",
        "\0",
        "a: \0",
        "a: b: c",
        "a:\n  - b\n  c: d",
        "---\n---\n...\n",
        "%YAML 1.2\n%YAML 1.2\n---\n",
        "%TAG ! !foo\n---\n!x a",
        "a: &a\n  b: *a",
        "<<: *x",
        "<<: [1, 2]",
        "a:\n  <<: 3\n",
        "? [a]\n: b",
        "? {a: b}: c",
        "[a: 1, b]",
        "{? a}",
        "a: [b, c,]",
        "a: {b: c,}",
        "\u{feff}",
        "\u{feff}a: 1",
        "é: ë\n– : 😀",
        "a: \"\\u00\"",
        "a: \"\\uD800\"",
        "a: \"\\x\"",
        "\r\n\r\n",
        "a: 1\r",
        "a:\r  b: 1\r",
        "- a\n-b",
        "a: -",
        "a: - b",
        "a: [1, 2]]",
        "#",
        "a: #",
        "a:#b",
        "a: 'it''s'",
        "...",
        "--- |\n  text",
        "--- >\n",
        "- &a x\n- *a\n- *a",
    ];
    let started = std::time::Instant::now();
    for s in samples {
        let _ = Document::load("garbage.yaml", s.as_bytes(), &LoadOptions::default());
    }
    // Random strings over YAML's significant characters.
    let alphabet: Vec<char> = " \t\n\r-?:,[]{}#&*!|>'\"%@`\\<ab1.~é😀\u{feff}0x"
        .chars()
        .collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..3000 {
        let mut s = String::new();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = (seed >> 33) % 60;
        for _ in 0..len {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push(alphabet[((seed >> 33) % alphabet.len() as u64) as usize]);
        }
        if let Ok(doc) = Document::load("fuzz.yaml", s.as_bytes(), &LoadOptions::default()) {
            // Every range is inside the text and ordered.
            for id in doc
                .root
                .map(|r| all_nodes(&doc.tree, r))
                .unwrap_or_default()
            {
                let node = doc.tree.node(id);
                assert!(
                    node.start as usize <= s.len() && node.end as usize <= s.len(),
                    "{s:?}"
                );
            }
        }
    }
    assert!(started.elapsed().as_secs() < 30);
}
