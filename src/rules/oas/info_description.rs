//! `info-description`.

use crate::document::Document;
use crate::rules::openapi_version::truthy;
use crate::rules::walk::Place;
use crate::rules::{Check, Sink};

/// `info.description` must be present and truthy. Official selector `$`, `field:
/// info.description`, `truthy`: lodash `get` reads a literal root key `info.description` first
/// if there is one; a missing or false-y value is reported at the deepest existing node of
/// `info.description` (the root when `info` is missing or not an object).
#[derive(Debug)]
pub struct InfoDescription;

impl Check for InfoDescription {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root.filter(|&r| doc.is_object(r)) else {
            return;
        };
        let root = Place::new(doc, root, true);
        // The deepest existing node of `info.description`, and the value there if it exists.
        let (closest, value) = match root.field(doc, "info") {
            None => (root.report_missing(doc, "info"), None),
            Some(info) if !doc.is_object(info.node) => {
                (info.report_missing(doc, "description"), None)
            }
            Some(info) => match info.field(doc, "description") {
                None => (info.report_missing(doc, "description"), None),
                Some(d) => (d.report(doc), Some(d.node)),
            },
        };
        let value = match root.field(doc, "info.description") {
            Some(literal) => Some(literal.node),
            None => value,
        };
        if !value.is_some_and(|v| truthy(doc.value(v))) {
            sink.node(closest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn info_description() {
        let check = |doc| run(&InfoDescription, doc);
        assert!(check(r#"{"info": {"description": "x"}}"#).is_empty());
        assert_eq!(
            check(r#"{"info": {"description": ""}}"#),
            ["info.description"]
        );
        assert_eq!(check(r#"{"info": {"title": "x"}}"#), ["info"]);
        assert_eq!(check(r#"{"info": "x"}"#), ["info"]);
        assert_eq!(check(r#"{"openapi": "3.0.0"}"#), [""]);
        assert!(check(r#"{"info.description": "x"}"#).is_empty());
        assert_eq!(
            check(r#"{"info.description": "", "info": {"description": "x"}}"#),
            ["info.description"]
        );
    }
}
