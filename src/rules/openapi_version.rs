//! `nlgov:openapi3` and `nlgov:openapi-root-exists` — `/core/doc-openapi`: the documentation is an
//! OpenAPI 3 document.

use super::pattern::JsPattern;
use super::{Check, Report, Sink};
use crate::document::{Document, Value};

/// The `openapi` field must match the version pattern of the ADR version (2.1: `^3.0.*$`,
/// 2.2: `^3(.\d+){1,2}$` — note the unescaped dot). A missing or non-string `openapi` is not
/// this rule's business (the reference's `pattern` skips non-strings).
#[derive(Debug)]
pub struct OpenApiVersion {
    pattern: JsPattern,
}

impl OpenApiVersion {
    pub fn new(pattern: &'static str) -> Self {
        OpenApiVersion {
            pattern: JsPattern::new(pattern),
        }
    }
}

impl Check for OpenApiVersion {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let Some(field) = doc.get(root, "openapi") else {
            return;
        };
        let Some(version) = doc.as_str(field) else {
            return;
        };
        if !self.pattern.test(version) {
            sink.push(Report {
                node: field,
                error: Some(self.pattern.must_match(version)),
                ..Report::default()
            });
        }
    }
}

/// The root must have a truthy `openapi` property (fires on Swagger 2.0 and non-OAS documents).
#[derive(Debug)]
pub struct OpenApiRootExists;

impl Check for OpenApiRootExists {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        if !doc.is_object(root) {
            return;
        }
        if !doc
            .get(root, "openapi")
            .is_some_and(|v| truthy(doc.value(v)))
        {
            sink.node(root);
        }
    }
}

/// JavaScript truthiness of a value (Spectral's `truthy` function).
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0 && !n.is_nan(),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn openapi3() {
        let rule = OpenApiVersion::new(r"^3(.\d+){1,2}$");
        assert!(run(&rule, r#"{"openapi": "3.0.3"}"#).is_empty());
        assert!(run(&rule, r#"{"openapi": "3.1"}"#).is_empty());
        assert_eq!(run(&rule, r#"{"openapi": "2.0"}"#), ["openapi"]);
        assert_eq!(run(&rule, r#"{"openapi": "3"}"#), ["openapi"]);
        // Not a string: skipped, as the reference's `pattern` does.
        assert!(run(&rule, r#"{"openapi": 3.0}"#).is_empty());
    }

    #[test]
    fn openapi_root_exists() {
        assert!(run(&OpenApiRootExists, r#"{"openapi": "3.0.3"}"#).is_empty());
        assert_eq!(run(&OpenApiRootExists, r#"{"swagger": "2.0"}"#), [""]);
        assert_eq!(run(&OpenApiRootExists, r#"{"openapi": ""}"#), [""]);
    }
}
