//! `operation-parameters`.

use std::collections::HashSet;

use super::operation_fields::operation_objects;
use crate::document::{Document, Value};
use crate::rules::walk::Place;
use crate::rules::{Check, Report, Sink};

const DUPLICATE: &str =
    "A parameter in this operation already exposes the same combination of \"name\" and \"in\" values.";
const BODY_AND_FORM_DATA: &str =
    "Operation must not have both \"in:body\" and \"in:formData\" parameters.";
const SECOND_BODY: &str =
    "Operation must not have more than a single instance of the \"in:body\" parameter.";

/// An operation's parameters must be unique. Official selector `#OperationObject.parameters`,
/// `oasOpParams` on the resolved parameters array (path-level parameters are not looked at):
/// with at least two entries, each object parameter that is not an unresolved `$ref` gets the
/// fingerprint `String(in)-String(name)`; a repeated fingerprint is reported at the repeating
/// parameter, `in: body` next to `in: formData` at `parameters`, and every `in: body` after
/// the first at itself.
#[derive(Debug)]
pub struct OperationParameters;

fn report(sink: &mut Sink, node: crate::document::NodeId, message: &str) {
    sink.push(Report {
        node,
        error: Some(message.to_string()),
        ..Report::default()
    });
}

/// JavaScript `String(param[key])` of a parameter field (`undefined` when missing).
fn fingerprint_part(doc: &Document, param: &Place, key: &str) -> String {
    match param.field(doc, key) {
        None => "undefined".into(),
        Some(f) => super::js::js_string(&doc.tree, f.node),
    }
}

impl Check for OperationParameters {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        for op in operation_objects(doc) {
            if !doc.is_object(op.node) {
                continue;
            }
            let Some(params) = op.field(doc, "parameters") else {
                continue;
            };
            let Value::Array(items) = doc.value(params.node) else {
                continue;
            };
            if items.len() < 2 {
                continue;
            }
            let mut seen: HashSet<String> = HashSet::new();
            let mut duplicates = Vec::new();
            let (mut bodies, mut form_data) = (Vec::new(), 0usize);
            for (_, param) in params.children(doc) {
                if !doc.is_object(param.node) || doc.tree.raw_get(param.node, "$ref").is_some() {
                    continue;
                }
                let fingerprint = format!(
                    "{}-{}",
                    fingerprint_part(doc, &param, "in"),
                    fingerprint_part(doc, &param, "name")
                );
                if !seen.insert(fingerprint) {
                    duplicates.push(param);
                }
                match param.field(doc, "in").and_then(|i| doc.as_str(i.node)) {
                    Some("body") => bodies.push(param),
                    Some("formData") => form_data += 1,
                    _ => {}
                }
            }
            for param in duplicates {
                report(sink, param.report(doc), DUPLICATE);
            }
            if !bodies.is_empty() && form_data > 0 {
                report(sink, params.report(doc), BODY_AND_FORM_DATA);
            }
            for body in bodies.iter().skip(1) {
                report(sink, body.report(doc), SECOND_BODY);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn parameters() {
        let doc = r##"{"swagger": "2.0", "paths": {"/a": {
            "parameters": [{"name": "x", "in": "query"}, {"name": "x", "in": "query"}],
            "get": {"parameters": [
                {"name": "x", "in": "query"}, {"$ref": "#/parameters/X"}, {"name": "x", "in": "query"},
                {"in": "body"}, {"in": "body", "name": "undefined"}, {"name": "b", "in": "body"},
                {"name": "f", "in": "formData"}, "x", {"$ref": "#/missing"}, {"$ref": "#/missing"}]},
            "put": {"parameters": [{"$ref": "#/parameters/X"}]}}},
            "parameters": {"X": {"name": "x", "in": "query"}}}"##;
        assert_eq!(
            run(&OperationParameters, doc),
            [
                "parameters.X",
                "paths./a.get.parameters.2",
                "paths./a.get.parameters.4",
                "paths./a.get.parameters",
                "paths./a.get.parameters.4",
                "paths./a.get.parameters.5",
            ]
        );
    }
}
