//! The duplicate pair `ajv`'s `uniqueItems` reports, found without comparing every pair.
//!
//! `ajv` (and `fast-deep-equal`) search from the end: the last item `i` that deeply equals an
//! earlier one, and the closest such `j < i`. Comparing every pair makes an array of 20,000
//! parameters or enum values cost seconds, which a document in an admission request must not
//! be able to ask for. [`last_duplicate`] compares only items whose [`DeepHasher`] hashes are
//! equal, and finds the same pair.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use crate::document::{Document, NodeId, Value};

/// Arrays up to this long are searched pair by pair, as `ajv` does: cheaper than hashing them.
const PAIRWISE_MAX_ITEMS: usize = 32;

/// Deep equality compares nodes this deep at most; below, a node only equals itself
/// (`fast-deep-equal` has no limit, but without one a `$ref` cycle would not end).
pub const MAX_DEPTH: usize = 256;

/// `(j, i)`: the last item `i` of `len` items equal to an earlier one, and the closest such
/// `j`. `equal(i, j)` compares two items; `hash(i)` must be the same for items it says are
/// equal ([`DeepHasher`]).
#[inline]
pub fn last_duplicate(
    len: usize,
    mut hash: impl FnMut(usize) -> u64,
    mut equal: impl FnMut(usize, usize) -> bool,
) -> Option<(usize, usize)> {
    if len <= PAIRWISE_MAX_ITEMS {
        return (0..len)
            .rev()
            .find_map(|i| (0..i).rev().find(|&j| equal(i, j)).map(|j| (j, i)));
    }
    let hashes: Vec<u64> = (0..len).map(&mut hash).collect();
    // Each hash's items, ascending.
    let mut by_hash: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
    for (i, &h) in hashes.iter().enumerate() {
        by_hash.entry(h).or_default().push(i);
    }
    (0..len).rev().find_map(|i| {
        let same_hash = by_hash.get(&hashes[i])?;
        let before = same_hash.partition_point(|&j| j < i);
        same_hash[..before]
            .iter()
            .rev()
            .find(|&&j| equal(i, j))
            .map(|&j| (j, i))
    })
}

/// Hashes of document nodes, equal for nodes that are deeply equal: object entries in any
/// order, `-0` as `0`, every `NaN` alike; deeper than [`MAX_DEPTH`], a node's identity.
/// `child` maps a child as the comparison reads it (through `$ref`s or not). Keyed per
/// process, so that a document cannot be written to make its items collide, and memoised per
/// (node, depth), so that items referring to one shared subtree hash it once.
pub struct DeepHasher<'d, C> {
    doc: &'d Document,
    child: C,
    memo: FxHashMap<(NodeId, usize), u64>,
}

static KEYS: LazyLock<RandomState> = LazyLock::new(RandomState::new);

impl<'d, C: Fn(NodeId) -> NodeId> DeepHasher<'d, C> {
    pub fn new(doc: &'d Document, child: C) -> Self {
        DeepHasher {
            doc,
            child,
            memo: FxHashMap::default(),
        }
    }

    /// The hash of `node` met at `depth` (an item: 0).
    pub fn hash(&mut self, node: NodeId, depth: usize) -> u64 {
        if depth > MAX_DEPTH {
            return KEYS.hash_one(("node", node));
        }
        let doc = self.doc;
        let value = doc.tree.value(node);
        let container = matches!(value, Value::Array(_) | Value::Object(_));
        if container {
            if let Some(&h) = self.memo.get(&(node, depth)) {
                return h;
            }
        }
        let mut state = KEYS.build_hasher();
        match value {
            Value::Null => 0u8.hash(&mut state),
            Value::Bool(b) => (1u8, b).hash(&mut state),
            Value::Number(x) => {
                let bits = if x.is_nan() {
                    f64::NAN.to_bits()
                } else {
                    (x + 0.0).to_bits() // `-0 + 0` is `0`
                };
                (2u8, bits).hash(&mut state);
            }
            Value::String(s) => (3u8, s).hash(&mut state),
            Value::Array(items) => {
                (4u8, items.len()).hash(&mut state);
                for &item in items {
                    let item = (self.child)(item);
                    self.hash(item, depth + 1).hash(&mut state);
                }
            }
            Value::Object(entries) => {
                // Summed, so that the order of the entries does not count.
                let sum = entries.iter().fold(0u64, |sum, (key, value)| {
                    let value = (self.child)(*value);
                    let value = self.hash(value, depth + 1);
                    sum.wrapping_add(KEYS.hash_one((&**key, value)))
                });
                (5u8, entries.len(), sum).hash(&mut state);
            }
        }
        let h = state.finish();
        if container {
            self.memo.insert((node, depth), h);
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::LoadOptions;

    /// `ajv`'s search, pair by pair: what [`last_duplicate`] must find.
    fn pairwise(len: usize, equal: impl Fn(usize, usize) -> bool) -> Option<(usize, usize)> {
        (0..len)
            .rev()
            .find_map(|i| (0..i).rev().find(|&j| equal(i, j)).map(|j| (j, i)))
    }

    fn items_of(doc: &Document) -> Vec<NodeId> {
        let root = doc.root.unwrap();
        doc.tree.items(root).to_vec()
    }

    /// Structural equality as the rules define it (resolved, unique keys in any order).
    fn equal(doc: &Document, a: NodeId, b: NodeId) -> bool {
        let (a, b) = (doc.resolve(a), doc.resolve(b));
        match (doc.tree.value(a), doc.tree.value(b)) {
            (Value::Number(x), Value::Number(y)) => x == y || (x.is_nan() && y.is_nan()),
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(doc, *p, *q))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len()
                    && x.iter().all(|(k, v)| {
                        y.iter()
                            .find(|(k2, _)| k2 == k)
                            .is_some_and(|(_, w)| equal(doc, *v, *w))
                    })
            }
            (x, y) => x == y,
        }
    }

    #[test]
    fn finds_the_pair_ajv_reports_in_long_arrays() {
        // Long arrays of distinct items with duplicates placed at either end, in the middle,
        // more than once, as objects with their keys in another order, as -0 and 0.
        let distinct = |n: usize| -> Vec<String> {
            (0..n)
                .map(|i| match i % 4 {
                    0 => format!("{{\"name\": \"p{i}\", \"in\": \"query\"}}"),
                    1 => format!("[{i}, \"x\", {{\"a\": [{i}]}}]"),
                    2 => format!("\"s{i}\""),
                    _ => format!("{i}.5"),
                })
                .collect()
        };
        let cases: Vec<Vec<String>> = vec![
            distinct(100),
            {
                let mut v = distinct(100);
                v[99] = "{\"in\": \"query\", \"name\": \"p0\"}".into();
                v
            },
            {
                let mut v = distinct(200);
                v[50] = "[1, \"x\", {\"a\": [1]}]".into();
                v[120] = "\"s2\"".into();
                v[150] = "-0".into();
                v[160] = "0".into();
                v
            },
            {
                let mut v = distinct(64);
                v[1] = "{\"name\": \"p0\", \"in\": \"query\"}".into();
                v
            },
            (0..80)
                .map(|_| "{\"a\": {\"b\": [null, true]}}".to_string())
                .collect(),
        ];
        for items in cases {
            let text = format!("[{}]", items.join(", "));
            let doc = Document::load("t.json", text.as_bytes(), &LoadOptions::default()).unwrap();
            let nodes = items_of(&doc);
            let expected = pairwise(nodes.len(), |i, j| equal(&doc, nodes[i], nodes[j]));
            let mut hasher = DeepHasher::new(&doc, |n| doc.resolve(n));
            let found = last_duplicate(
                nodes.len(),
                |i| hasher.hash(doc.resolve(nodes[i]), 0),
                |i, j| equal(&doc, nodes[i], nodes[j]),
            );
            assert_eq!(found, expected, "{text}");
        }
    }

    #[test]
    fn equal_nodes_hash_alike() {
        let text =
            r#"[{"a": 1, "b": [0, "x"]}, {"b": [-0, "x"], "a": 1}, {"a": 1, "b": [0, "y"]}]"#;
        let doc = Document::load("t.json", text.as_bytes(), &LoadOptions::default()).unwrap();
        let nodes = items_of(&doc);
        let mut hasher = DeepHasher::new(&doc, |n| n);
        let h: Vec<u64> = nodes.iter().map(|&n| hasher.hash(n, 0)).collect();
        assert_eq!(h[0], h[1]);
        assert_ne!(h[0], h[2]);
    }
}
