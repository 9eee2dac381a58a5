//! `oas3-examples-value-or-externalValue`.

use crate::document::{Document, Value};
use crate::rules::walk::{walk, Place};
use crate::rules::{Check, Sink};

/// Example objects must have exactly one of `value` and `externalValue`. Official selectors
/// (resolved) `$.components.examples[*]`, `$.components.{parameters,headers}[*].examples[*]`
/// and `$.paths[*][*]..{content,parameters,headers}[*].examples[*]`, with `xor` on
/// `[externalValue, value]` (objects only). `..content` etc. descend through everything below
/// `paths[*][*]`, so a schema property named `content`, `parameters` or `headers` is searched
/// too, while the path item's own `parameters` (`paths[*][*]` itself) is not. Both failures (neither, both) carry the rule's description, at the example.
#[derive(Debug)]
pub struct ExamplesValueOrExternalValue;

/// `xor` on `example`: not exactly one of `value`, `externalValue`.
fn breaks(doc: &Document, example: Place) -> bool {
    if !matches!(doc.value(example.node), Value::Object(_)) {
        return false;
    }
    let count = ["externalValue", "value"]
        .iter()
        .filter(|k| doc.tree.raw_get(example.node, k).is_some())
        .count();
    count != 1
}

/// `[*].examples[*]` below `holder`.
fn examples_below(doc: &Document, holder: Place, sink: &mut Sink) {
    for (_, child) in holder.children(doc) {
        if !matches!(doc.value(child.node), Value::Object(_)) {
            continue;
        }
        let Some(examples) = child.field(doc, "examples") else {
            continue;
        };
        for (_, example) in examples.children(doc) {
            if breaks(doc, example) {
                sink.node(example.report(doc));
            }
        }
    }
}

impl Check for ExamplesValueOrExternalValue {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let root = Place::new(doc, root, true);
        if !matches!(doc.value(root.node), Value::Object(_)) {
            return;
        }
        if let Some(components) = root.field(doc, "components") {
            if matches!(doc.value(components.node), Value::Object(_)) {
                if let Some(examples) = components.field(doc, "examples") {
                    for (_, example) in examples.children(doc) {
                        if breaks(doc, example) {
                            sink.node(example.report(doc));
                        }
                    }
                }
                for kind in ["parameters", "headers"] {
                    if let Some(holder) = components.field(doc, kind) {
                        examples_below(doc, holder, sink);
                    }
                }
            }
        }
        let Some(paths) = root.field(doc, "paths") else {
            return;
        };
        // State: depth below `paths` (capped at 3: below `paths[*][*]`) and whether the
        // parent was reached without a `$ref`.
        walk(
            doc,
            paths.node,
            Some("paths"),
            (0u8, paths.physical()),
            |v| {
                let (depth, physical) = *v.state;
                let place = Place::visited(v, physical);
                if depth >= 3
                    && v.index.is_none()
                    && matches!(v.key, Some("content" | "parameters" | "headers"))
                {
                    examples_below(doc, place, sink);
                }
                Some(((depth + 1).min(3), place.physical()))
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn value_xor_external_value() {
        let doc = r##"{"openapi": "3.0.3",
          "paths": {"/a": {"get": {
            "parameters": [{"examples": {"p1": {"value": 1}, "p2": {}}}],
            "responses": {"200": {"content": {"a/b": {"examples": {
              "m1": {"value": 1, "externalValue": "x"}, "m2": {"$ref": "#/components/examples/E"}}}},
              "headers": {"h": {"examples": {"h1": {"summary": "s"}}}}}}},
            "parameters": [{"examples": {"top": {}}}]}},
          "components": {"examples": {"E": {}, "F": {"externalValue": "y"}, "G": []},
            "parameters": {"P": {"examples": {"cp": {}}}},
            "headers": {"H": {"examples": {"ch": {"value": null}}}}}}"##;
        assert_eq!(
            run(&ExamplesValueOrExternalValue, doc),
            [
                "components.examples.E",
                "components.parameters.P.examples.cp",
                "paths./a.get.parameters.0.examples.p2",
                "paths./a.get.responses.200.content.a/b.examples.m1",
                "components.examples.E",
                "paths./a.get.responses.200.headers.h.examples.h1",
            ]
        );
    }
}
