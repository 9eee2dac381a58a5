//! `nlgov:include-major-version-in-uri` — `/core/uri-version`: server URLs carry the major version.

use std::sync::LazyLock;

use super::pattern::JsPattern;
use super::{Check, Report, Sink};
use crate::document::Document;

/// The official pattern `\/v[\d+]`: unanchored, and `[\d+]` is "a digit or a literal plus", so
/// `/v1.2` and `/vooraf/v1` pass while `/version1` fails.
static MAJOR_VERSION: LazyLock<JsPattern> = LazyLock::new(|| JsPattern::new(r"\/v[\d+]"));

/// Every top-level `servers[*].url` must match `\/v[\d+]` (path and operation servers are not
/// inspected by the official rule; an absent `servers` is `oas3-api-servers`' business).
#[derive(Debug)]
pub struct MajorVersionInUri;

impl Check for MajorVersionInUri {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(servers) = doc.root.and_then(|r| doc.get(r, "servers")) else {
            return;
        };
        let servers: Vec<_> = match doc.value(servers) {
            crate::document::Value::Array(_) => doc.items(servers).collect(),
            crate::document::Value::Object(_) => doc.entries(servers).map(|(_, v)| v).collect(),
            _ => return,
        };
        for server in servers {
            let Some(url) = doc.get(server, "url") else {
                continue;
            };
            let Some(text) = doc.as_str(url) else {
                continue;
            };
            if !MAJOR_VERSION.test(text) {
                sink.push(Report {
                    node: url,
                    error: Some(MAJOR_VERSION.must_match(text)),
                    ..Report::default()
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn include_major_version_in_uri() {
        let doc = r#"{"servers": [{"url": "https://x.nl/api/v1"}, {"url": "/v2"},
            {"url": "https://x.nl/api/version1"}, {"url": "https://x.nl/api"}, {"description": "no url"}]}"#;
        assert_eq!(
            run(&MajorVersionInUri, doc),
            ["servers.2.url", "servers.3.url"]
        );
        assert!(run(&MajorVersionInUri, r#"{"servers": []}"#).is_empty());
    }
}
