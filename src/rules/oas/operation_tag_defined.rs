//! `operation-tag-defined`.

use std::collections::HashSet;

use super::js;
use crate::document::{Document, Value};
use crate::rules::walk::Place;
use crate::rules::{Check, Sink};

/// The tags of `get`, `head`, `post`, `put`, `patch`, `delete`, `options` and `trace`
/// operations must be declared in the global `tags`. Official selector `$`, `oasTagDefined`:
/// the global tag names are the string `name`s of the object entries of a `tags` array; each
/// entry of an operation's `tags` array that is not one of them (anything but a string never
/// is) is reported at itself. Path items and operations that are not objects are skipped.
#[derive(Debug)]
pub struct OperationTagDefined;

const OPERATION_KEYS: [&str; 8] = [
    "get", "head", "post", "put", "patch", "delete", "options", "trace",
];

impl Check for OperationTagDefined {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root.filter(|&r| doc.is_object(r)) else {
            return;
        };
        let root = Place::new(doc, root, true);
        let mut global: HashSet<&str> = HashSet::new();
        if let Some(tags) = doc.get(root.node, "tags") {
            if let Value::Array(_) = doc.value(tags) {
                for tag in doc.items(tags) {
                    if doc.is_object(tag) {
                        if let Some(name) = doc.get(tag, "name").and_then(|n| doc.as_str(n)) {
                            global.insert(name);
                        }
                    }
                }
            }
        }
        let Some(paths) = root.field(doc, "paths") else {
            return;
        };
        if !doc.is_object(paths.node) {
            return;
        }
        for (_, item) in paths.children(doc) {
            if !doc.is_object(item.node) {
                continue;
            }
            for (key, _) in js::ordered(doc.tree.entries(item.node)).iter() {
                if !OPERATION_KEYS.contains(&&**key) {
                    continue;
                }
                let Some(op) = item.field(doc, key) else {
                    continue;
                };
                if !doc.is_object(op.node) {
                    continue;
                }
                let Some(tags) = op.field(doc, "tags") else {
                    continue;
                };
                if !matches!(doc.value(tags.node), Value::Array(_)) {
                    continue;
                }
                for (_, tag) in tags.children(doc) {
                    if !doc.as_str(tag.node).is_some_and(|t| global.contains(t)) {
                        sink.node(tag.report(doc));
                    }
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
    fn undefined_tags() {
        let doc = r##"{"openapi": "3.0.3",
            "tags": [{"name": "a"}, {"name": 5}, "c", {"$ref": "#/x/D"}],
            "x": {"D": {"name": "d"}},
            "paths": {"/a": {
              "get": {"tags": ["a", "b", 5, "d", "c"]},
              "post": {"tags": "b"},
              "x-put": {"tags": ["b"]}}}}"##;
        assert_eq!(
            run(&OperationTagDefined, doc),
            [
                "paths./a.get.tags.1",
                "paths./a.get.tags.2",
                "paths./a.get.tags.4"
            ]
        );
    }
}
