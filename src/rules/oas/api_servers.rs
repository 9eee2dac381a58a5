//! `oas3-api-servers` — `/core/uri-version`.

use crate::document::{Document, Value};
use crate::rules::{Check, Sink};

/// The document must have a non-empty `servers` array of objects. As Spectral's `schema`
/// function with `{type: array, minItems: 1, items: {type: object}}` (first error only): a
/// missing `servers` is reported at the document root, a non-array or empty `servers` at
/// `servers`, and the first item that is not an object at that item.
#[derive(Debug)]
pub struct ApiServers;

impl Check for ApiServers {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        if !matches!(doc.value(root), Value::Object(_)) {
            return;
        }
        let Some(servers) = doc.get(root, "servers") else {
            sink.node(root);
            return;
        };
        let Value::Array(items) = doc.value(servers) else {
            sink.node(servers);
            return;
        };
        if items.is_empty() {
            sink.node(servers);
            return;
        }
        if let Some(item) = doc
            .items(servers)
            .find(|&i| !matches!(doc.value(i), Value::Object(_)))
        {
            sink.node(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn servers_present_and_non_empty() {
        assert_eq!(run(&ApiServers, r#"{"openapi": "3.0.3"}"#), [""]);
        assert_eq!(run(&ApiServers, r#"{"servers": []}"#), ["servers"]);
        assert_eq!(run(&ApiServers, r#"{"servers": {}}"#), ["servers"]);
        assert_eq!(
            run(&ApiServers, r#"{"servers": [{"url": "/"}, "x", 1]}"#),
            ["servers.1"]
        );
        assert!(run(&ApiServers, r#"{"servers": [{"url": "/"}]}"#).is_empty());
    }
}
