//! `oas3_2-no-deprecated-xml-attribute`.

use crate::document::{Document, Value};
use crate::rules::openapi_version::truthy;
use crate::rules::walk::{walk, Place};
use crate::rules::{Check, Sink};

/// `xml.attribute: true` is deprecated in OpenAPI 3.2. Official selector
/// `$..[?(@ && @.xml)].xml` (resolved: the truthy `xml` member of any object below the root,
/// so also a schema property named `xml`) with `schema`
/// `{not: {properties: {attribute: {const: true}}, required: [attribute]}}`: an object with
/// `attribute: true` fails, and so does any value that is not an object (the inner schema
/// ignores non-objects, so `not` rejects them). Reported at the `xml` value.
#[derive(Debug)]
pub struct NoDeprecatedXmlAttribute;

impl Check for NoDeprecatedXmlAttribute {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        walk(doc, root, None, true, |v| {
            let place = Place::visited(v, *v.state);
            if v.parent.is_some() && matches!(doc.value(place.node), Value::Object(_)) {
                if let Some(xml) = place.field(doc, "xml") {
                    let fails = match doc.value(xml.node) {
                        Value::Object(_) => doc
                            .get(xml.node, "attribute")
                            .is_some_and(|a| matches!(doc.value(a), Value::Bool(true))),
                        v => truthy(v),
                    };
                    if fails {
                        sink.node(xml.report(doc));
                    }
                }
            }
            Some(place.physical())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn attribute_true() {
        let doc = r##"{"openapi": "3.2.0", "xml": {"attribute": true}, "components": {"schemas": {
          "A": {"xml": {"attribute": true}}, "B": {"xml": {"attribute": false}},
          "C": {"xml": "x"}, "D": {"xml": 0},
          "E": {"properties": {"xml": {"attribute": true}}}}}}"##;
        assert_eq!(
            run(&NoDeprecatedXmlAttribute, doc),
            [
                "components.schemas.A.xml",
                "components.schemas.C.xml",
                "components.schemas.E.properties.xml"
            ]
        );
    }
}
