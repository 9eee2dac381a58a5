//! `operation-success-response`.

use super::js::js_to_number;
use super::operation_fields::operation_objects;
use crate::document::Document;
use crate::rules::{Check, Sink};

/// Operations must have a `2xx` or `3xx` response. Official selector `#OperationObject`,
/// `field: responses`, `oasOpSuccessResponse`: only a `responses` object is checked (a missing
/// or non-object one passes silently); it passes when a key's JavaScript `Number(key)` is in
/// `[200, 400)` (so `' 2e2 '` and `0x100` pass too) or, for OpenAPI 3.x, a key is `2XX` or
/// `3XX` (upper case only). Reported at `responses`.
#[derive(Debug)]
pub struct OperationSuccessResponse;

impl Check for OperationSuccessResponse {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let oas3 = doc.formats.oas3;
        for op in operation_objects(doc) {
            if !doc.is_object(op.node) {
                continue;
            }
            let Some(responses) = op.field(doc, "responses") else {
                continue;
            };
            if !doc.is_object(responses.node) {
                continue;
            }
            let success = doc.tree.entries(responses.node).iter().any(|(key, _)| {
                (oas3 && matches!(&**key, "2XX" | "3XX"))
                    || (200.0..400.0).contains(&js_to_number(key))
            });
            if !success {
                sink.node(responses.report(doc));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn success_responses() {
        let doc = r##"{"openapi": "3.0.3", "paths": {"/a": {
            "get": {"responses": {"400": {}, "default": {}}},
            "put": {"responses": {"2XX": {}}},
            "post": {"responses": {" 2e2 ": {}}},
            "patch": {"responses": {"0x100": {}}},
            "delete": {"responses": {"2xx": {}, "199.9": {}, "400": {}}},
            "head": {"responses": []},
            "options": {},
            "trace": {"responses": {"399.5": {}}}}}}"##;
        assert_eq!(
            run(&OperationSuccessResponse, doc),
            ["paths./a.get.responses", "paths./a.delete.responses"]
        );
        let swagger =
            r##"{"swagger": "2.0", "paths": {"/a": {"get": {"responses": {"2XX": {}}}}}}"##;
        assert_eq!(
            run(&OperationSuccessResponse, swagger),
            ["paths./a.get.responses"]
        );
    }
}
