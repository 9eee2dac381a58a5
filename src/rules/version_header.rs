//! `nlgov:missing-version-header` and `nlgov:missing-header` — `/core/version-header`: every
//! 2xx/3xx response declares the `API-Version` header.

use std::sync::LazyLock;

use super::pattern::JsPattern;
use super::selections::Selections;
use super::walk::Place;
use super::{Check, Sink};
use crate::document::Document;

/// The official filter `@property.match(/(2|3)\d\d/)`: unanchored, so any key containing a
/// 2 or 3 followed by two digits (`200`, `x-301`, `1234`) counts as a success response;
/// `2XX` and `default` do not.
static SUCCESS_CODE: LazyLock<JsPattern> = LazyLock::new(|| JsPattern::new(r"(2|3)\d\d"));

/// The header names the official `or` accepts (other casings such as `API-VERSION` fail).
const VERSION_HEADERS: [&str; 5] = [
    "API-Version",
    "Api-Version",
    "Api-version",
    "api-version",
    "API-version",
];

/// Calls `each` with every success response of the resolved document: the children of any
/// object found under a key `responses` (at any depth, `$..[responses]`) whose key matches the
/// filter. Children of a `responses` *array* never match: their keys are indices, which the
/// reference's filter does not accept (with two or more items it even aborts the whole lint).
fn success_responses(doc: &Document, mut each: impl FnMut(Place)) {
    for &response in &doc.shared(SuccessResponses::collect).0 {
        each(response);
    }
}

/// The success responses in walk order, collected once per document for both rules.
struct SuccessResponses(Vec<Place>);

impl SuccessResponses {
    fn collect(doc: &Document) -> Self {
        SuccessResponses(
            doc.shared(Selections::collect)
                .responses_with_code(doc, &SUCCESS_CODE),
        )
    }
}

/// The `headers` map of every 2xx/3xx response must name the version header. Official selector:
/// `$..[responses][?(@property && @property.match(/(2|3)\d\d/))][headers]`, so responses
/// without `headers` are left to `missing-header`. Reported at the `headers` map.
#[derive(Debug)]
pub enum MissingVersionHeader {
    /// ADR 2.1 and later: `or` over five casings of `API-Version`; a `headers` value that is
    /// not an object (an array, a string) is skipped, as the reference's `or` skips it.
    AnyOfFiveCasings,
    /// ADR 2.0 (developer.overheid.nl): `field: API-Version` + `truthy`, exact case only.
    ExactCase,
}

impl Check for MissingVersionHeader {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        success_responses(doc, |response| {
            let Some(headers) = response.field(doc, "headers") else {
                return;
            };
            match self {
                MissingVersionHeader::AnyOfFiveCasings => {
                    if doc.is_object(headers.node)
                        && !doc
                            .entries(headers.node)
                            .any(|(name, _)| VERSION_HEADERS.contains(&name))
                    {
                        sink.node(headers.report(doc));
                    }
                }
                MissingVersionHeader::ExactCase => {
                    if let Some(at) = headers.falsy_field(doc, "API-Version") {
                        sink.node(at);
                    }
                }
            }
        });
    }
}

/// Every 2xx/3xx response must have a (truthy) `headers` field. Official selector as above
/// without `[headers]`, then `field: headers` + `truthy`: a response without `headers` is
/// reported at the response (the closest existing node), a false-y `headers` value at itself,
/// and a response that is not an object or array is tested itself (only `""`, `0`, `false`,
/// `null` fail).
#[derive(Debug)]
pub struct MissingHeader;

impl Check for MissingHeader {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        success_responses(doc, |response| {
            if let Some(at) = response.falsy_field(doc, "headers") {
                sink.node(at);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    const DOC: &str = r##"{
      "paths": {"/a": {"get": {"responses": {
        "200": {"description": "ok", "headers": {"API-Version": {}}},
        "201": {"description": "ok", "headers": {"api-version": {}}},
        "202": {"description": "ok", "headers": {"API-VERSION": {}}},
        "x-301": {"description": "ok"},
        "2XX": {"description": "ok"},
        "default": {"description": "ok"},
        "204": {"$ref": "#/components/responses/NoContent"},
        "205": {"$ref": "#/components/responses/NoContent", "description": "sibling"},
        "300": {"headers": []},
        "302": {"headers": null},
        "303": "text",
        "304": "",
        "400": {"description": "bad"}}}}},
      "components": {
        "responses": {"NoContent": {"description": "none"}, "R200": {"description": "r"}},
        "schemas": {"S": {"properties": {"responses": {"type": "object",
          "properties": {"200": {"type": "string"}}}}}}}}"##;

    #[test]
    fn missing_version_header() {
        assert_eq!(
            run(&MissingVersionHeader::AnyOfFiveCasings, DOC),
            ["paths./a.get.responses.202.headers"]
        );
        assert_eq!(
            run(&MissingVersionHeader::ExactCase, DOC),
            [
                "paths./a.get.responses.201.headers",
                "paths./a.get.responses.202.headers",
                "paths./a.get.responses.300.headers",
                "paths./a.get.responses.302.headers",
            ]
        );
    }

    #[test]
    fn missing_header() {
        assert_eq!(
            run(&MissingHeader, DOC),
            [
                "paths./a.get.responses.x-301",
                "components.responses.NoContent",
                "paths./a.get.responses.205",
                "paths./a.get.responses.302.headers",
                "paths./a.get.responses.304",
                "components.responses.R200",
            ]
        );
    }

    #[test]
    fn responses_arrays_are_not_responses_maps() {
        let doc = r##"{"components": {"examples": {"E": {"value": {"responses": [{}, {}]}}}}}"##;
        assert!(run(&MissingHeader, doc).is_empty());
    }
}
