//! `no-$ref-siblings` and `array-items`: the two recommended rules that run on the unresolved
//! document (`resolved: false`): their selectors see the root file as written, `$ref`s
//! not followed (other files are not looked at), and findings are reported where the node is
//! written.

use super::js;
use crate::document::{Document, NodeId, Value};
use crate::rules::openapi_version::truthy;
use crate::rules::{Check, Report, Sink};

/// Calls `f` with every node of the root file below its root (the candidates of a
/// `$..[?(…)]` filter on the unresolved document) and its key in its parent object.
fn each_raw_node(doc: &Document, mut f: impl FnMut(Option<&str>, NodeId)) {
    let Some(root) = doc.tree.file(doc.root_file).root else {
        return;
    };
    let tree = &doc.tree;
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match tree.value(node) {
            Value::Object(entries) => {
                for (key, child) in entries.iter() {
                    f(Some(key), *child);
                }
                stack.extend(entries.iter().rev().map(|(_, c)| *c));
            }
            Value::Array(items) => {
                for child in items.iter() {
                    f(None, *child);
                }
                stack.extend(items.iter().rev());
            }
            _ => {}
        }
    }
}

/// `$ref` must not have sibling keys (Swagger 2.0 and OpenAPI 3.0). Official selector
/// `$..[?(@property === '$ref')]` on the unresolved document, `refSiblings`: for every `$ref`
/// key (whatever its value, wherever it is — a schema property named `$ref` counts too) each
/// other key of its object is reported at its value, with
/// `$ref must not be placed next to any other properties`.
#[derive(Debug)]
pub struct NoRefSiblings;

impl Check for NoRefSiblings {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.tree.file(doc.root_file).root else {
            return;
        };
        let mut objects = Vec::new();
        if doc.tree.raw_get(root, "$ref").is_some() {
            objects.push(root);
        }
        each_raw_node(doc, |_, node| {
            if doc.tree.raw_get(node, "$ref").is_some() {
                objects.push(node);
            }
        });
        for object in objects {
            for (key, value) in js::ordered(doc.tree.entries(object)).iter() {
                if &**key != "$ref" {
                    sink.push(Report {
                        node: *value,
                        error: Some("$ref must not be placed next to any other properties".into()),
                        ..Report::default()
                    });
                }
            }
        }
    }
}

/// Schemas of `type: array` must have a truthy `items`. Official selector (alias
/// `#ArrayProperties`) on the unresolved document: `$..[?(@ && @.type=="array")]` — JavaScript
/// `==`, so `type: [array]` matches too — and for OpenAPI 3.1/3.2 also objects whose `type` is
/// an array containing `"array"`; `field: items`, `truthy`. A missing `items` is reported at
/// the object, a false-y one at itself. Any object counts (examples, extensions, …).
#[derive(Debug)]
pub struct ArrayItems;

impl Check for ArrayItems {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let f = doc.formats;
        if !(f.oas2 || f.oas3_0 || f.oas3_1 || f.oas3_2) {
            return;
        }
        let type_arrays = f.oas3_1 || f.oas3_2;
        let tree = &doc.tree;
        each_raw_node(doc, |_, node| {
            let Some(type_) = tree.raw_get(node, "type") else {
                return;
            };
            let selected = match tree.value(type_) {
                Value::String(s) => &**s == "array",
                Value::Array(items) => {
                    js::js_string(tree, type_) == "array"
                        || (type_arrays && items.iter().any(|&i| tree.as_str(i) == Some("array")))
                }
                _ => false,
            };
            if !selected {
                return;
            }
            match tree.raw_get(node, "items") {
                None => sink.node(node),
                Some(items) if !truthy(tree.value(items)) => sink.node(items),
                Some(_) => {}
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn ref_siblings() {
        let doc = r##"{"openapi": "3.0.3", "components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B", "description": "x", "nullable": true},
            "B": {"type": "object", "properties": {"$ref": {"type": "string"}, "name": {}}},
            "C": {"$ref": "#/components/schemas/B"}}}}"##;
        assert_eq!(
            run(&NoRefSiblings, doc),
            [
                "components.schemas.A.description",
                "components.schemas.A.nullable",
                "components.schemas.B.properties.name",
            ]
        );
    }

    #[test]
    fn array_items() {
        let doc = r##"{"openapi": "3.0.3", "components": {"schemas": {
            "A": {"type": "array"},
            "B": {"type": ["array"], "items": null},
            "C": {"type": ["array", "null"]},
            "D": {"type": "array", "items": {"$ref": "#/components/schemas/A"}},
            "E": {"$ref": "#/components/schemas/A"}}}}"##;
        assert_eq!(
            run(&ArrayItems, doc),
            ["components.schemas.A", "components.schemas.B.items"]
        );
        let doc31 = doc.replace("3.0.3", "3.1.0");
        assert_eq!(
            run(&ArrayItems, &doc31),
            [
                "components.schemas.A",
                "components.schemas.B.items",
                "components.schemas.C"
            ]
        );
    }
}
