//! `nlgov:query-keys-camel-case` — `/core/query-keys-camel-case`.

use std::sync::LazyLock;

use super::pattern::JsPattern;
use super::{Check, Report, Sink};
use crate::document::{Document, NodeId};

static CAMEL: LazyLock<JsPattern> =
    LazyLock::new(|| JsPattern::new(r"^\$?[a-z][a-z\d]*([A-Z][a-z\d]*)*$"));

/// Query parameter names must be lower camelCase. As the official selectors
/// (`$.paths.*.*.parameters[?(@.in=='query')]` and `$.components.securitySchemes[?(@.in=='query')]`)
/// do, only operation-level parameters and query API keys are inspected; path-item-level
/// `parameters` are not.
#[derive(Debug)]
pub struct QueryKeysCamelCase;

impl QueryKeysCamelCase {
    fn inspect(doc: &Document, candidate: NodeId, sink: &mut Sink) {
        let in_query = doc
            .get(candidate, "in")
            .and_then(|v| doc.as_str(v))
            .is_some_and(|v| v == "query");
        if !in_query {
            return;
        }
        let Some(name) = doc.get(candidate, "name") else {
            return;
        };
        let Some(text) = doc.as_str(name) else { return };
        if !CAMEL.test(text) {
            sink.push(Report {
                node: name,
                error: Some(CAMEL.must_match(text)),
                ..Report::default()
            });
        }
    }
}

/// Children of an object (values) or array (items), as JSONPath `*` / filters see them.
fn children(doc: &Document, id: NodeId) -> Vec<NodeId> {
    match doc.value(id) {
        crate::document::Value::Object(_) => doc.entries(id).map(|(_, v)| v).collect(),
        crate::document::Value::Array(_) => doc.items(id).collect(),
        _ => Vec::new(),
    }
}

impl Check for QueryKeysCamelCase {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        if let Some(paths) = doc.get(root, "paths") {
            for item in children(doc, paths) {
                for operation in children(doc, item) {
                    let Some(params) = doc.get(operation, "parameters") else {
                        continue;
                    };
                    for param in children(doc, params) {
                        Self::inspect(doc, param, sink);
                    }
                }
            }
        }
        if let Some(schemes) = doc.get_path(root, &["components", "securitySchemes"]) {
            for scheme in children(doc, schemes) {
                Self::inspect(doc, scheme, sink);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn query_keys() {
        let doc = r#"{"paths": {"/a": {
              "parameters": [{"in": "query", "name": "path_level"}],
              "get": {"parameters": [
                {"in": "query", "name": "pageSize"}, {"in": "query", "name": "$filter"},
                {"in": "query", "name": "zaaktype__omschrijving"}, {"in": "header", "name": "X_Y"},
                {"in": "query", "name": "1st"}]}}},
            "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "query", "name": "api_key"}}}}"#;
        assert_eq!(
            run(&QueryKeysCamelCase, doc),
            [
                "paths./a.get.parameters.2.name",
                "paths./a.get.parameters.4.name",
                "components.securitySchemes.key.name"
            ]
        );
    }
}
