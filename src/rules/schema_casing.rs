//! `nlgov:schema-camel-case` and `nlgov:property-casing` (ADR 2.2.0 and the draft; dropped in
//! 2.2.1): naming warnings without an ADR rule of their own.

use std::sync::LazyLock;

use super::pattern::JsPattern;
use super::walk::Place;
use super::{Check, Sink};
use crate::document::{Document, Value};

/// Spectral's `casing` `pascal` with `separator.char: ""`: the separator class `[]` matches
/// nothing, so only the plain pattern is left. Digits are allowed.
static PASCAL: LazyLock<JsPattern> =
    LazyLock::new(|| JsPattern::new(r"^[A-Z][a-z0-9]*(?:[A-Z0-9](?:[a-z0-9]+|$))*$"));

/// Spectral's `casing` `camel`.
static CAMEL: LazyLock<JsPattern> =
    LazyLock::new(|| JsPattern::new(r"^[a-z][a-z0-9]*(?:[A-Z0-9](?:[a-z0-9]+|$))*$"));

static LINKS: LazyLock<JsPattern> = LazyLock::new(|| JsPattern::new("/_links/i"));

/// Spectral's `casing` skips values that are not non-empty strings.
fn breaks_casing(pattern: &JsPattern, name: &str) -> bool {
    !name.is_empty() && !pattern.test(name)
}

/// Schema names (the keys of `components.schemas`) must be PascalCase: a capital, then lower
/// case letters and digits, each further capital or digit starting a new word — so acronyms
/// (`ABC`, `HTTPServer`) fail while a single trailing capital (`AbC`) passes. Official selector
/// `$.components.schemas[*]~`. Reported at the schema (for a schema that is a `$ref`, where the
/// reference leads, as the reference linter maps it), whose JSON pointer is the `{{path}}`.
#[derive(Debug)]
pub struct SchemaCamelCase;

impl Check for SchemaCamelCase {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let Some(schemas) = Place::new(doc, root, true)
            .field(doc, "components")
            .and_then(|c| c.field(doc, "schemas"))
        else {
            return;
        };
        if !doc.is_object(schemas.node) {
            return;
        }
        for (name, schema) in schemas.children(doc) {
            if name.is_some_and(|n| breaks_casing(&PASCAL, n)) {
                sink.node(schema.report(doc));
            }
        }
    }
}

/// Official selector `$.*.schemas[*].properties.[?(@property && @property.match(/_links/i))]`
/// with `field: "@key"` and `casing` `camel`. Despite the message ("Properties must be
/// lowerCamelCase.") it only looks at schema properties whose *name* contains `_links` (any
/// case), and then checks the keys of that property's schema object (`type`, `properties`,
/// `x-…`, …), not property names; a property value that is not an object is checked itself
/// when it is a string (the reference ignores `field` then), and an array's indices fail.
/// Reported at the offending key's value (or the property itself for a string).
#[derive(Debug)]
pub struct PropertyCasing;

impl Check for PropertyCasing {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        for (_, top) in Place::new(doc, root, true).children(doc) {
            let Some(schemas) = top.field(doc, "schemas") else {
                continue;
            };
            for (_, schema) in schemas.children(doc) {
                let Some(properties) = schema.field(doc, "properties") else {
                    continue;
                };
                for (name, property) in properties.children(doc) {
                    if !name.is_some_and(|n| LINKS.test(n)) {
                        continue;
                    }
                    match doc.value(property.node) {
                        Value::Object(_) => {
                            for (key, value) in property.children(doc) {
                                if key.is_some_and(|k| breaks_casing(&CAMEL, k)) {
                                    sink.node(value.report(doc));
                                }
                            }
                        }
                        // Indices "0", "1", … are never camelCase.
                        Value::Array(_) => {
                            for (_, item) in property.children(doc) {
                                sink.node(item.report(doc));
                            }
                        }
                        Value::String(s) if breaks_casing(&CAMEL, s) => {
                            sink.node(property.report(doc));
                        }
                        _ => {}
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
    fn schema_camel_case() {
        let doc = r##"{"components": {"schemas": {
            "Persoon": {}, "Abc1": {}, "AbC": {}, "A1b": {}, "": {},
            "ABC": {}, "HTTPServer": {}, "persoon": {}, "Ingeschreven_Persoon": {},
            "foo_bar": {"$ref": "#/components/schemas/Persoon"}}}}"##;
        assert_eq!(
            run(&SchemaCamelCase, doc),
            [
                "components.schemas.ABC",
                "components.schemas.HTTPServer",
                "components.schemas.persoon",
                "components.schemas.Ingeschreven_Persoon",
                "components.schemas.Persoon",
            ]
        );
    }

    #[test]
    fn property_casing() {
        let doc = r##"{"components": {"schemas": {
            "A": {"properties": {
              "_links": {"type": "object", "x-extra": 1, "properties": {"self_link": {}}},
              "self_links": "snake_x",
              "_LINKS": {"$ref": "#/components/schemas/L"},
              "name_x": {"x-y": 1},
              "other_Links": [1]}},
            "L": {"type": "object", "additionalProperties": false, "Bad": 1}}}}"##;
        assert_eq!(
            run(&PropertyCasing, doc),
            [
                "components.schemas.A.properties._links.x-extra",
                "components.schemas.A.properties.self_links",
                "components.schemas.L.Bad",
                "components.schemas.A.properties.other_Links.0",
            ]
        );
    }
}
