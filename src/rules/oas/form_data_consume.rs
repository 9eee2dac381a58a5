//! `oas2-operation-formData-consume-check`.

use crate::document::{js_string, Document, NodeId, Value};
use crate::rules::walk::Place;
use crate::rules::{Check, Sink};

use super::security_defined::OPERATION_METHODS;

/// An operation with a `formData` parameter must consume a form media type. Official selector
/// `#OperationObject` (resolved) with `oasOpFormDataConsumeCheck`: only operations that have
/// both a `consumes` array and a `parameters` array of their own are checked (the function's
/// input schema), and `consumes.join(',')` must contain
/// `application/x-www-form-urlencoded` or `multipart/form-data` when some (resolved) parameter
/// object has `in: formData`. Reported at the operation.
#[derive(Debug)]
pub struct FormDataConsumeCheck;

/// JavaScript's `array.join(',')` (`null` items join as empty strings).
fn js_join(doc: &Document, array: NodeId) -> String {
    doc.items(array)
        .map(|i| match doc.value(i) {
            Value::Null => String::new(),
            Value::Array(_) => js_join(doc, i),
            v => js_string(v),
        })
        .collect::<Vec<_>>()
        .join(",")
}

impl Check for FormDataConsumeCheck {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let root = Place::new(doc, root, true);
        let Some(paths) = root.field(doc, "paths") else {
            return;
        };
        for (_, item) in paths.children(doc) {
            if !matches!(doc.value(item.node), Value::Object(_)) {
                continue;
            }
            for method in OPERATION_METHODS {
                let Some(op) = item.field(doc, method) else {
                    continue;
                };
                if !matches!(doc.value(op.node), Value::Object(_)) {
                    continue;
                }
                let (Some(consumes), Some(parameters)) =
                    (doc.get(op.node, "consumes"), doc.get(op.node, "parameters"))
                else {
                    continue;
                };
                if !matches!(doc.value(consumes), Value::Array(_))
                    || !matches!(doc.value(parameters), Value::Array(_))
                {
                    continue;
                }
                let form_data = doc.items(parameters).any(|p| {
                    doc.is_object(p)
                        && doc.get(p, "in").and_then(|i| doc.as_str(i)) == Some("formData")
                });
                let joined = js_join(doc, consumes);
                let accepted = joined.contains("application/x-www-form-urlencoded")
                    || joined.contains("multipart/form-data");
                if form_data && !accepted {
                    sink.node(op.report(doc));
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
    fn form_data_needs_form_media_type() {
        let doc = r##"{"swagger": "2.0", "paths": {"/a": {
          "post": {"consumes": ["application/json"], "parameters": [{"in": "formData"}]},
          "put": {"consumes": ["x", "multipart/form-data; boundary=x"], "parameters": [{"in": "formData"}]},
          "patch": {"parameters": [{"in": "formData"}]},
          "delete": {"consumes": [], "parameters": [{"$ref": "#/parameters/f"}]},
          "get": {"consumes": ["application/json"], "parameters": [{"in": "query"}]}}},
          "parameters": {"f": {"in": "formData"}}}"##;
        assert_eq!(
            run(&FormDataConsumeCheck, doc),
            ["paths./a.post", "paths./a.delete"]
        );
    }
}
