//! `nlgov:http-methods` — `/core/http-methods`: only standard HTTP methods.

use std::sync::LazyLock;

use super::pattern::JsPattern;
use super::{Check, Report, Sink};
use crate::document::Document;

static PATH_FILTER: LazyLock<JsPattern> =
    LazyLock::new(|| JsPattern::new("/(description|summary)/i"));
static ALLOWED: LazyLock<JsPattern> =
    LazyLock::new(|| JsPattern::new("post|put|get|delete|patch|parameters"));

/// The official selector `$.paths[?(@property.match(/(description|summary)/i))]` filters on the
/// *path string*, so only path items like `/summary-items` are inspected; for those, every key
/// that contains none of the standard method names fails (verified quirk, reproduced).
#[derive(Debug)]
pub struct HttpMethods;

impl Check for HttpMethods {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(paths) = doc.root.and_then(|r| doc.get(r, "paths")) else {
            return;
        };
        for (path, item) in doc.entries(paths) {
            if !PATH_FILTER.test(path) {
                continue;
            }
            for (key, value) in doc.entries(item) {
                if !ALLOWED.test(key) {
                    sink.push(Report {
                        node: value,
                        value: Some(key.to_string()),
                        error: Some(ALLOWED.must_match(key)),
                        ..Report::default()
                    });
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
    fn only_paths_named_like_summary_or_description_are_inspected() {
        let doc = r#"{"paths": {
            "/gebouwen": {"head": {}, "trace": {}},
            "/summary-items": {"get": {}, "summary": "x", "options": {}},
            "/Descriptions": {"parameters": [], "head": {}}}}"#;
        assert_eq!(
            run(&HttpMethods, doc),
            [
                "paths./summary-items.summary",
                "paths./summary-items.options",
                "paths./Descriptions.head"
            ]
        );
    }
}
