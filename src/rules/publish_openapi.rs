//! `paths-open-api-json-*` (ADR 2.1.0) — `/core/publish-openapi`: the document itself declares
//! the `/openapi.json` resource that serves it, with a GET whose success responses allow CORS.

use std::sync::LazyLock;

use super::pattern::JsPattern;
use super::walk::Place;
use super::{Check, Sink};
use crate::document::{Document, Value};

const OPENAPI_JSON: &str = "/openapi.json";

/// The path item `paths["/openapi.json"]` of the resolved document.
fn openapi_json_item(doc: &Document) -> Option<Place> {
    let root = doc.root?;
    Place::new(doc, root, true)
        .field(doc, "paths")?
        .field(doc, OPENAPI_JSON)
}

/// `paths` must have a truthy `/openapi.json` entry (`field` + `truthy` on `$.paths`): a
/// document without `paths` is not checked; a missing entry is reported at `paths`.
#[derive(Debug)]
pub struct OpenApiJsonExists;

impl Check for OpenApiJsonExists {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let Some(paths) = Place::new(doc, root, true).field(doc, "paths") else {
            return;
        };
        if let Some(at) = paths.falsy_field(doc, OPENAPI_JSON) {
            sink.node(at);
        }
    }
}

/// Every key of the `/openapi.json` path item must contain `get` (`pattern` `match: get` on
/// `@key`): so a `post`, but also a `summary`, is reported, at its value. A path item that is a
/// string is tested itself, as the reference ignores `field` on non-objects.
#[derive(Debug)]
pub struct OpenApiJsonHasGet;

static GET: LazyLock<JsPattern> = LazyLock::new(|| JsPattern::new("get"));

impl Check for OpenApiJsonHasGet {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(item) = openapi_json_item(doc) else {
            return;
        };
        match doc.value(item.node) {
            Value::String(s) if !GET.test(s) => sink.node(item.report(doc)),
            Value::Object(_) | Value::Array(_) => {
                for (key, value) in item.children(doc) {
                    // Array indices are keys too: "0" does not contain "get".
                    if !key.is_some_and(|k| GET.test(k)) {
                        sink.node(value.report(doc));
                    }
                }
            }
            _ => {}
        }
    }
}

/// The `headers` of every 2xx/3xx response of `GET /openapi.json` must have a truthy
/// `access-control-allow-origin` (exact lower case). Official selector
/// `$.paths[/openapi.json].get.responses[?(@property && @property.match(/(2|3)\d\d/))].headers`:
/// responses without `headers` are not checked.
#[derive(Debug)]
pub struct OpenApiJsonCorsHeader;

static SUCCESS_CODE: LazyLock<JsPattern> = LazyLock::new(|| JsPattern::new(r"(2|3)\d\d"));

impl Check for OpenApiJsonCorsHeader {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(responses) = openapi_json_item(doc)
            .and_then(|item| item.field(doc, "get"))
            .and_then(|get| get.field(doc, "responses"))
        else {
            return;
        };
        if !doc.is_object(responses.node) {
            return;
        }
        for (code, response) in responses.children(doc) {
            if !code.is_some_and(|c| SUCCESS_CODE.test(c)) {
                continue;
            }
            let Some(headers) = response.field(doc, "headers") else {
                continue;
            };
            if let Some(at) = headers.falsy_field(doc, "access-control-allow-origin") {
                sink.node(at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn openapi_json_exists() {
        assert!(run(&OpenApiJsonExists, r#"{"openapi": "3.0.3"}"#).is_empty());
        assert_eq!(
            run(&OpenApiJsonExists, r#"{"paths": {"/a": {}}}"#),
            ["paths"]
        );
        assert!(run(&OpenApiJsonExists, r#"{"paths": {"/openapi.json": {}}}"#).is_empty());
        assert_eq!(
            run(&OpenApiJsonExists, r#"{"paths": {"/openapi.json": null}}"#),
            ["paths./openapi.json"]
        );
    }

    #[test]
    fn openapi_json_has_get() {
        let doc = r#"{"paths": {"/openapi.json": {"get": {}, "post": {}, "summary": "s"}}}"#;
        assert_eq!(
            run(&OpenApiJsonHasGet, doc),
            ["paths./openapi.json.post", "paths./openapi.json.summary"]
        );
    }

    #[test]
    fn openapi_json_cors_header() {
        let doc = r##"{"paths": {"/openapi.json": {"get": {"responses": {
            "200": {"headers": {"Access-Control-Allow-Origin": {}}},
            "201": {"headers": {"access-control-allow-origin": {}}},
            "204": {"description": "no headers"},
            "304": {"$ref": "#/components/responses/R"},
            "400": {"headers": {}}}}}},
            "components": {"responses": {"R": {"headers": {}}}}}"##;
        assert_eq!(
            run(&OpenApiJsonCorsHeader, doc),
            [
                "paths./openapi.json.get.responses.200.headers",
                "components.responses.R.headers"
            ]
        );
    }
}
