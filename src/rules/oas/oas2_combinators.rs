//! `oas2-anyOf` and `oas2-oneOf`.

use crate::document::Document;
use crate::rules::walk::{walk, Place};
use crate::rules::{Check, Sink};

/// A keyword that Swagger 2.0 does not have must not be used. Official selectors `$..anyOf`
/// and `$..oneOf` (recursive descent on the resolved document) with `undefined`: every member
/// so named is reported, wherever it is (also a schema property or an example key named so),
/// at the member's value.
#[derive(Debug)]
pub struct Oas2Keyword(pub &'static str);

impl Check for Oas2Keyword {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        walk(doc, root, None, true, |v| {
            let place = Place::visited(v, *v.state);
            if v.parent.is_some() && v.key == Some(self.0) {
                sink.node(place.report(doc));
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
    fn anywhere() {
        let doc = r##"{"swagger": "2.0", "anyOf": 1,
          "definitions": {"A": {"anyOf": [{"$ref": "#/definitions/B"}]},
            "B": {"properties": {"anyOf": {"oneOf": []}}}},
          "x": [{"anyOf": null}]}"##;
        assert_eq!(
            run(&Oas2Keyword("anyOf"), doc),
            [
                "anyOf",
                "definitions.A.anyOf",
                "definitions.B.properties.anyOf",
                // B again, through the reference (the runner de-duplicates).
                "definitions.B.properties.anyOf",
                "x.0.anyOf"
            ]
        );
        assert_eq!(
            run(&Oas2Keyword("oneOf"), doc),
            [
                "definitions.B.properties.anyOf.oneOf",
                "definitions.B.properties.anyOf.oneOf"
            ]
        );
    }
}
