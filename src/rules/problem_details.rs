//! `nlgov:use-problem-schema` and `nlgov:problem-schema-members` —
//! `/core/error-handling/problem-details`: 4xx/5xx responses use RFC 9457 problem details.

use std::sync::LazyLock;

use super::pattern::JsPattern;
use super::selections::Selections;
use super::walk::{walk, Place};
use super::{Check, Report, Sink};
use crate::document::Document;

/// The official filter `@property.match(/(4|5)\d\d/)`: unanchored, so `400`, `x-503` and
/// `1404` are error responses; `4XX` and `default` are not.
static ERROR_CODE: LazyLock<JsPattern> = LazyLock::new(|| JsPattern::new(r"(4|5)\d\d"));

const PROBLEM_TYPES: [&str; 2] = ["application/problem+json", "application/problem+xml"];

/// The `content` of every 4xx/5xx response must offer `application/problem+json` or
/// `application/problem+xml`. Official selector
/// `$..[responses][?(@property && @property.match(/(4|5)\d\d/))].content` (any `responses`
/// object at any depth of the resolved document) with a `schema` check
/// `anyOf: [{required: [application/problem+json]}, {required: [application/problem+xml]}]`:
/// responses without `content` are not checked, and a `content` that is not an object (an
/// array, a string) passes, as JSON Schema's `required` ignores non-objects. Reported at the
/// `content` map.
#[derive(Debug)]
pub struct UseProblemSchema;

impl Check for UseProblemSchema {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        for response in &doc.shared(ErrorResponses::collect).0 {
            let Some(content) = response.field(doc, "content") else {
                continue;
            };
            if doc.is_object(content.node)
                && !PROBLEM_TYPES
                    .iter()
                    .any(|t| doc.get(content.node, t).is_some())
            {
                sink.node(content.report(doc));
            }
        }
    }
}

/// `$..[responses][?(@property && @property.match(/(4|5)\d\d/))]`: the 4xx/5xx children of every
/// `responses` object at any depth of the resolved document, in walk order. Both problem-details
/// rules of ADR 2.2 start there, so they are collected once per document.
struct ErrorResponses(Vec<Place>);

impl ErrorResponses {
    fn collect(doc: &Document) -> Self {
        ErrorResponses(
            doc.shared(Selections::collect)
                .responses_with_code(doc, &ERROR_CODE),
        )
    }
}

/// ADR 2.0 (developer.overheid.nl): the `properties` of every `schema` found at any depth
/// below an error response must look like RFC 7807 problem details — an object with `title`
/// and `status`, `title` and `type`, `type` and `status`, or `title` and `detail`. Official
/// selector `$..[responses][?(@property && @property.match(/^(4|5|default)/))][[schema]].properties`,
/// whose `[[schema]]` the reference evaluates as every descendant named `schema` (so also
/// `schema` keys inside examples); a `properties` value that is not an object fails.
/// Reported at the `properties` value.
#[derive(Debug)]
pub struct Rfc7807ProblemSchema;

static ERROR_RESPONSE: LazyLock<JsPattern> = LazyLock::new(|| JsPattern::new(r"^(4|5|default)"));

const RFC7807_MEMBER_PAIRS: [[&str; 2]; 4] = [
    ["title", "status"],
    ["title", "type"],
    ["type", "status"],
    ["title", "detail"],
];

/// Where the walk of [`Rfc7807ProblemSchema`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Below {
    Elsewhere,
    /// A `responses` object: its children may be error responses.
    Responses,
    /// Somewhere below an error response.
    ErrorResponse,
}

impl Check for Rfc7807ProblemSchema {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        walk(doc, root, None, (Below::Elsewhere, true), |v| {
            let (below, parent_physical) = *v.state;
            let here = Place::visited(v, parent_physical);
            let below = match below {
                Below::ErrorResponse => Below::ErrorResponse,
                Below::Responses if v.key.is_some_and(|k| ERROR_RESPONSE.test(k)) => {
                    Below::ErrorResponse
                }
                _ => Below::Elsewhere,
            };
            if below == Below::ErrorResponse && v.key == Some("schema") {
                if let Some(properties) = here.field(doc, "properties") {
                    let is_problem = doc.is_object(properties.node)
                        && RFC7807_MEMBER_PAIRS
                            .iter()
                            .any(|pair| pair.iter().all(|m| doc.get(properties.node, m).is_some()));
                    if !is_problem {
                        sink.node(properties.report(doc));
                    }
                }
            }
            let children = if below == Below::ErrorResponse {
                Below::ErrorResponse
            } else if v.key == Some("responses") && doc.is_object(v.node) {
                Below::Responses
            } else {
                Below::Elsewhere
            };
            Some((children, here.physical()))
        });
    }
}

/// Every `schema` below a problem media type of a 4xx/5xx response must be an object whose
/// `properties`, if present, is an object with `status`, `title` and `detail`. Official
/// selector `$..[responses][?(@property && @property.match(/(4|5)\d\d/))].content[?(@property=="application/problem+json" || @property=="application/problem+xml")]..schema`
/// with a `schema` check `{type: object, properties: {properties: {type: object, required:
/// [status, title, detail]}}}`, whose first error (the reference validates without
/// `allErrors`) becomes `{{error}}`:
/// - a schema composed with `allOf`/`oneOf` without a direct `properties` passes;
/// - `..schema` is a recursive descent, so any key `schema` below the media type (also inside
///   examples, or a property named `schema`) is checked too, and a non-object there fails with
///   `"schema" property type must be object`;
/// - a missing member is reported at the `properties` map, naming the first one missing.
#[derive(Debug)]
pub struct ProblemSchemaMembers;

impl ProblemSchemaMembers {
    fn inspect(doc: &Document, schema: Place, sink: &mut Sink) {
        if !doc.is_object(schema.node) {
            sink.push(Report {
                node: schema.report(doc),
                error: Some("\"schema\" property type must be object".into()),
                ..Report::default()
            });
            return;
        }
        let Some(properties) = schema.field(doc, "properties") else {
            return;
        };
        let error = if !doc.is_object(properties.node) {
            "\"properties\" property type must be object".to_string()
        } else if let Some(missing) = ["status", "title", "detail"]
            .into_iter()
            .find(|m| doc.get(properties.node, m).is_none())
        {
            format!("\"properties\" property must have required property \"{missing}\"")
        } else {
            return;
        };
        sink.push(Report {
            node: properties.report(doc),
            error: Some(error),
            ..Report::default()
        });
    }
}

impl Check for ProblemSchemaMembers {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        for response in &doc.shared(ErrorResponses::collect).0 {
            let Some(content) = response.field(doc, "content") else {
                continue;
            };
            for (media_type, media) in content.children(doc) {
                let Some(media_type) = media_type.filter(|t| PROBLEM_TYPES.contains(t)) else {
                    continue;
                };
                // `..schema`: every node under a key `schema` below the media type object.
                walk(
                    doc,
                    media.phys,
                    Some(media_type),
                    media.parent_physical,
                    |v| {
                        if v.key == Some("schema") {
                            Self::inspect(doc, Place::visited(v, *v.state), sink);
                        }
                        Some(*v.state && v.phys == v.node)
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn use_problem_schema() {
        let doc = r##"{"paths": {"/a": {"get": {"responses": {
            "200": {"content": {"application/json": {}}},
            "400": {"content": {"application/problem+json": {}}},
            "404": {"content": {"application/json": {}}},
            "422": {"description": "no content"},
            "4XX": {"content": {"application/json": {}}},
            "500": {"$ref": "#/components/responses/Error"},
            "503": {"$ref": "#/components/responses/Error"},
            "x-504": {"content": {"application/problem+xml": {}, "text/plain": {}}},
            "505": {"content": []}}}}},
          "components": {"responses": {"Error": {"content": {"text/html": {}}}}}}"##;
        assert_eq!(
            run(&UseProblemSchema, doc),
            [
                "paths./a.get.responses.404.content",
                "components.responses.Error.content",
                "components.responses.Error.content",
            ]
        );
    }

    #[test]
    fn problem_schema_members() {
        let doc = r##"{"paths": {"/a": {"get": {"responses": {
            "400": {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
            "404": {"content": {"application/problem+json": {"schema": {"allOf": [{"$ref": "#/components/schemas/Problem"}]}}}},
            "409": {"content": {"application/problem+xml": {"schema": {"properties": {"title": {}, "status": {}}}}}},
            "410": {"content": {"application/problem+json": {"schema": {"properties": []}}}},
            "500": {"content": {"application/problem+json": {"schema": "Problem",
                 "examples": {"x": {"value": {"schema": {"properties": {"a": 1}}}}}}}},
            "200": {"content": {"application/problem+json": {"schema": {"properties": {}}}}},
            "503": {"content": {"application/json": {"schema": {"properties": {}}}}}}}}},
          "components": {"schemas": {"Problem": {"type": "object", "properties": {
            "type": {}, "title": {}, "status": {}, "detail": {}}}}}}"##;
        assert_eq!(
            run(&ProblemSchemaMembers, doc),
            [
                "paths./a.get.responses.409.content.application/problem+xml.schema.properties",
                "paths./a.get.responses.410.content.application/problem+json.schema.properties",
                "paths./a.get.responses.500.content.application/problem+json.schema",
                "paths./a.get.responses.500.content.application/problem+json.examples.x.value.schema.properties",
            ]
        );
    }

    #[test]
    fn problem_schema_members_errors() {
        let doc = r##"{"paths": {"/a": {"get": {"responses": {
            "409": {"content": {"application/problem+xml": {"schema": {"properties": {"title": {}, "status": {}}}}}},
            "410": {"content": {"application/problem+json": {"schema": {"properties": []}}}},
            "500": {"content": {"application/problem+json": {"schema": 3}}}}}}}}"##;
        let parsed = Document::load("x.json", doc.as_bytes(), &Default::default()).expect("parses");
        let mut sink = Sink::default();
        ProblemSchemaMembers.check(&parsed, &mut sink);
        let errors: Vec<_> = sink
            .reports
            .iter()
            .map(|r| r.error.clone().unwrap())
            .collect();
        assert_eq!(
            errors,
            [
                "\"properties\" property must have required property \"detail\"",
                "\"properties\" property type must be object",
                "\"schema\" property type must be object",
            ]
        );
    }

    /// Paths as Spectral 6.16.3 reports them with the developer.overheid.nl 2.0 ruleset.
    #[test]
    fn rfc7807_problem_schema() {
        let doc = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1.0.0"},
 "paths":{"/a":{"get":{"responses":{
   "400":{"description":"x","content":{"application/json":{"schema":{"properties":{"foo":{"type":"string"}}}}}},
   "401":{"description":"x","schema":{"properties":{"foo":{}}}},
   "402":{"description":"x","content":{"application/json":{"schema":{"$ref":"#/components/schemas/E"}}}},
   "403":{"description":"x","content":{"application/json":{"schema":{"properties":{"title":{},"status":{}}}}}},
   "default":{"description":"x","content":{"application/json":{"schema":{"allOf":[{"properties":{"a":{}}}]}}}},
   "500":{"description":"x","content":{"application/json":{"schema":{"type":"object","properties":{"x":{"properties":{"y":1}}}}}}},
   "200":{"description":"ok","content":{"application/json":{"schema":{"properties":{"foo":{}}}}}}
 }}}},
 "components":{"schemas":{"E":{"properties":{"bar":{}}}},"responses":{"4xx":{"description":"r","content":{"a/b":{"schema":{"properties":{"q":{}}}}}}}}}"##;
        let mut found = run(&Rfc7807ProblemSchema, doc);
        found.sort();
        assert_eq!(
            found,
            [
                "components.responses.4xx.content.a/b.schema.properties",
                "components.schemas.E.properties",
                "paths./a.get.responses.400.content.application/json.schema.properties",
                "paths./a.get.responses.401.schema.properties",
                "paths./a.get.responses.500.content.application/json.schema.properties",
            ]
        );
        let nested = r#"{"paths": {"/a": {"get": {"responses": {
            "400": {"content": {"application/json": {"schema": {"properties": {"schema": {"properties": {"z": {}}}}}}}},
            "404": {"content": {"application/json": {"schema": {"type": "object"}, "examples": {"e": {"value": {"schema": {"properties": 3}}}}}}},
            "4041": {"content": {"application/json": {"schema": {"properties": [1]}}}},
            "503": {"content": {"application/json": {"schema": {"properties": {"title": 1, "detail": 2}}}}}}}}}}"#;
        assert_eq!(
            run(&Rfc7807ProblemSchema, nested),
            [
                "paths./a.get.responses.400.content.application/json.schema.properties",
                "paths./a.get.responses.400.content.application/json.schema.properties.schema.properties",
                "paths./a.get.responses.404.content.application/json.examples.e.value.schema.properties",
                "paths./a.get.responses.4041.content.application/json.schema.properties",
            ]
        );
    }
}
