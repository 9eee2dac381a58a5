//! `operation-operationId-unique` — `/core/publish-openapi`.

use std::collections::HashSet;

use super::js;
use crate::document::{Document, NodeId, Value};
use crate::rules::{Check, Sink};

/// Every operation must have a unique `operationId`. As Spectral's `oasOpIdUnique`: the
/// operations (`get`, `head`, `post`, `put`, `patch`, `delete`, `options`, `trace` objects of the
/// path items, in JavaScript key order) that have an `operationId` key are compared with
/// SameValueZero (strings and numbers by value, objects by identity); every repeat is reported
/// at its `operationId`.
#[derive(Debug)]
pub struct OperationIdUnique;

/// An `operationId` as JavaScript's SameValueZero compares it.
#[derive(Debug, PartialEq)]
enum Id<'a> {
    Null,
    Bool(bool),
    Number(f64),
    String(&'a str),
    Object(NodeId),
}

impl Id<'_> {
    fn same(&self, other: &Id<'_>) -> bool {
        match (self, other) {
            (Id::Number(a), Id::Number(b)) => a == b || (a.is_nan() && b.is_nan()),
            (a, b) => a == b,
        }
    }
}

pub(super) const OPERATION_KEYS: [&str; 8] = [
    "get", "head", "post", "put", "patch", "delete", "options", "trace",
];

impl Check for OperationIdUnique {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let Some(paths) = doc.get(root, "paths") else {
            return;
        };
        if !matches!(doc.value(paths), Value::Object(_)) {
            return;
        }
        let mut seen: Vec<Id<'_>> = Vec::new();
        let mut seen_strings: HashSet<&str> = HashSet::new();
        for (_, item) in js::ordered(doc.tree.entries(paths)).iter() {
            let item = doc.resolve(*item);
            if !matches!(doc.value(item), Value::Object(_)) {
                continue;
            }
            for (key, op) in js::ordered(doc.tree.entries(item)).iter() {
                let op = doc.resolve(*op);
                if !OPERATION_KEYS.contains(&&**key) || !matches!(doc.value(op), Value::Object(_)) {
                    continue;
                }
                let Some(id_node) = doc.get(op, "operationId") else {
                    continue;
                };
                let id = match doc.value(id_node) {
                    Value::Null => Id::Null,
                    Value::Bool(b) => Id::Bool(*b),
                    Value::Number(n) => Id::Number(*n),
                    Value::String(s) => Id::String(s),
                    Value::Array(_) | Value::Object(_) => Id::Object(id_node),
                };
                let repeated = match id {
                    Id::String(text) => !seen_strings.insert(text),
                    _ => {
                        let repeated = seen.iter().any(|s| s.same(&id));
                        if !repeated {
                            seen.push(id);
                        }
                        repeated
                    }
                };
                if repeated {
                    sink.node(id_node);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn duplicate_operation_ids() {
        let doc = r#"{"paths": {
            "/a": {"get": {"operationId": "x"}, "post": {"operationId": "y"}, "x-get": {"operationId": "x"}},
            "/b": {"get": {"operationId": "x"}, "put": {"operationId": 1}, "patch": {"operationId": "1"}}}}"#;
        assert_eq!(run(&OperationIdUnique, doc), ["paths./b.get.operationId"]);
    }
}
