//! `no-eval-in-markdown` and `no-script-tags-in-markdown`.

use crate::document::Document;
use crate::rules::{Check, Sink};

/// Reports every string written under a `description` or `title` key anywhere in the
/// resolved document (official selector `$..[description,title]`) that contains `needle`
/// (Spectral's `pattern` with a `notMatch` that is a plain string; values that are not strings
/// are skipped). Reported at the string.
fn markdown_check(doc: &Document, needle: &str, sink: &mut Sink) {
    super::descent::each_node(doc, |key, place| {
        if matches!(key, Some("description" | "title"))
            && doc.as_str(place.node).is_some_and(|s| s.contains(needle))
        {
            sink.node(place.report(doc));
        }
        // A `$ref` left as written: its own keys are selected, the target is not entered.
        if place.phys == place.node && super::descent::refers_to_ancestor(doc, place.phys) {
            for (k, v) in doc.tree.entries(place.node) {
                if matches!(&**k, "description" | "title")
                    && doc.tree.as_str(*v).is_some_and(|s| s.contains(needle))
                {
                    sink.node(*v);
                }
            }
        }
    });
}

/// `description`s and `title`s must not contain `eval(` (`notMatch: eval\(`, case-sensitive).
#[derive(Debug)]
pub struct NoEvalInMarkdown;

impl Check for NoEvalInMarkdown {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        markdown_check(doc, "eval(", sink);
    }
}

/// `description`s and `title`s must not contain `<script` (`notMatch: <script`,
/// case-sensitive, so `<SCRIPT>` passes).
#[derive(Debug)]
pub struct NoScriptTagsInMarkdown;

impl Check for NoScriptTagsInMarkdown {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        markdown_check(doc, "<script", sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    const DOC: &str = r##"{"info": {"title": "<script>eval(1)</script>", "description": "eval (x)"},
        "paths": {"/a": {"get": {"description": "<SCRIPT>", "responses": {"200": {
            "$ref": "#/components/responses/R"}}}}},
        "components": {"responses": {"R": {"description": "a eval(b)"}},
          "schemas": {"S": {"properties": {"title": {"description": "<script src=x>"}},
            "example": {"title": ["eval("]}}}}}"##;

    #[test]
    fn no_eval() {
        assert_eq!(
            run(&NoEvalInMarkdown, DOC),
            [
                "info.title",
                "components.responses.R.description",
                "components.responses.R.description"
            ]
        );
    }

    #[test]
    fn no_script() {
        assert_eq!(
            run(&NoScriptTagsInMarkdown, DOC),
            [
                "info.title",
                "components.schemas.S.properties.title.description"
            ]
        );
    }
}
