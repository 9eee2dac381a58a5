//! `operation-description`, `operation-operationId`, `operation-operationId-valid-in-url` and
//! `operation-tags`: one field of every operation (the ruleset's `#OperationObject` alias,
//! `$.paths[*][get,put,post,delete,options,head,patch,trace]`), as Spectral's `truthy`,
//! `pattern` and `schema` functions test it.

use std::sync::LazyLock;

use crate::document::{Document, Value};
use crate::rules::pattern::JsPattern;
use crate::rules::walk::Place;
use crate::rules::{Check, Sink};

/// The keys `#OperationObject` selects below a path item.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The nodes `#OperationObject` selects in the resolved document: the method keys of each
/// child of `paths` (path items reached through `$ref`s resolved), whatever their values.
pub(super) fn operation_objects(doc: &Document) -> Vec<Place> {
    let Some(root) = doc.root else {
        return Vec::new();
    };
    let Some(paths) = Place::new(doc, root, true).field(doc, "paths") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, item) in paths.children(doc) {
        if !doc.is_object(item.node) {
            continue;
        }
        for method in METHODS {
            if let Some(op) = item.field(doc, method) {
                out.push(op);
            }
        }
    }
    out
}

/// `field: <key>` + `truthy` on every operation: see [`Place::falsy_field`].
fn truthy_field(doc: &Document, key: &str, sink: &mut Sink) {
    for op in operation_objects(doc) {
        if let Some(node) = op.falsy_field(doc, key) {
            sink.node(node);
        }
    }
}

/// Operations must have a truthy `description`. Official selector `#OperationObject`,
/// `field: description`, `truthy`: a missing description is reported at the operation, an
/// empty (false-y) one at itself; an operation that is not an object is reported when it is
/// false-y itself (`get: null`) or an array.
#[derive(Debug)]
pub struct OperationDescription;

impl Check for OperationDescription {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        truthy_field(doc, "description", sink);
    }
}

/// Operations must have a truthy `operationId`: `#OperationObject`, `field: operationId`,
/// `truthy`, reported as [`OperationDescription`].
#[derive(Debug)]
pub struct OperationOperationId;

impl Check for OperationOperationId {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        truthy_field(doc, "operationId", sink);
    }
}

static URL_SAFE: LazyLock<JsPattern> =
    LazyLock::new(|| JsPattern::new(r"^[A-Za-z0-9-._~:/?#\[\]@!\$&'()*+,;=]*$"));

/// `operationId`s must only use characters valid in a URL. Official selector
/// `#OperationObject`, `field: operationId`, `pattern` with
/// `match: ^[A-Za-z0-9-._~:/?#\[\]@!\$&'()*+,;=]*$`: only string values are tested (the empty
/// string passes); an operation that is a string itself (`get: "a b"`) is tested itself, since
/// the reference ignores `field` on a non-object.
#[derive(Debug)]
pub struct OperationIdValidInUrl;

impl Check for OperationIdValidInUrl {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        for op in operation_objects(doc) {
            let target = match doc.value(op.node) {
                Value::Object(_) => op.field(doc, "operationId"),
                Value::String(_) => Some(op),
                _ => None,
            };
            let Some(target) = target else { continue };
            if doc.as_str(target.node).is_some_and(|id| !URL_SAFE.test(id)) {
                sink.node(target.report(doc));
            }
        }
    }
}

/// Operations must have a non-empty `tags` array. Official selector `#OperationObject`,
/// `field: tags`, `schema` `{type: array, minItems: 1}`: missing `tags` is reported at the
/// operation (`must exist`), tags that are not an array or empty at themselves; an operation
/// that is not an object fails (it is validated itself, or for an array its missing field).
#[derive(Debug)]
pub struct OperationTags;

impl Check for OperationTags {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        for op in operation_objects(doc) {
            match doc.value(op.node) {
                Value::Object(_) => {}
                Value::Array(_) => {
                    sink.node(op.report_missing(doc, "tags"));
                    continue;
                }
                _ => {
                    sink.node(op.report(doc));
                    continue;
                }
            }
            match op.field(doc, "tags") {
                None => sink.node(op.report_missing(doc, "tags")),
                Some(tags) => match doc.value(tags.node) {
                    Value::Array(items) if !items.is_empty() => {}
                    _ => sink.node(tags.report(doc)),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    const DOC: &str = r##"{"openapi": "3.0.3", "paths": {
      "/a": {"get": {"description": "d", "operationId": "a-b_c~:/?#[]@!$&'()*+,;=", "tags": ["x"]},
             "put": {"description": "", "operationId": "a b", "tags": []},
             "post": {"operationId": "", "tags": "x"},
             "patch": "a b", "delete": null, "head": [], "x-get": {}, "parameters": []},
      "/b": {"$ref": "#/components/x/B"},
      "/c": "nothing"},
      "components": {"x": {"B": {"options": {"operationId": 5}}}}}"##;

    #[test]
    fn description() {
        assert_eq!(
            run(&OperationDescription, DOC),
            [
                "paths./a.put.description",
                "paths./a.post",
                "paths./a.delete",
                "paths./a.head",
                "components.x.B.options"
            ]
        );
    }

    #[test]
    fn operation_id() {
        assert_eq!(
            run(&OperationOperationId, DOC),
            [
                "paths./a.post.operationId",
                "paths./a.delete",
                "paths./a.head"
            ]
        );
    }

    #[test]
    fn operation_id_valid_in_url() {
        assert_eq!(
            run(&OperationIdValidInUrl, DOC),
            ["paths./a.put.operationId", "paths./a.patch"]
        );
    }

    #[test]
    fn tags() {
        assert_eq!(
            run(&OperationTags, DOC),
            [
                "paths./a.put.tags",
                "paths./a.post.tags",
                "paths./a.delete",
                "paths./a.head",
                "paths./a.patch",
                "components.x.B.options"
            ]
        );
    }
}
