//! `openapi-tags-uniqueness` — `/core/publish-openapi`.

use std::collections::HashSet;

use crate::document::{Document, Value};
use crate::rules::{Check, Report, Sink};

/// Tag names must be unique. As Spectral's `uniquenessTags`: `tags` must be an array of
/// objects each with a string `name` (otherwise nothing is checked); every tag whose name
/// occurred earlier is reported at its `name` with `"tags" object contains duplicate tag name
/// "<name>".`
#[derive(Debug)]
pub struct TagsUniqueness;

impl Check for TagsUniqueness {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let Some(tags) = doc.get(root, "tags") else {
            return;
        };
        if !matches!(doc.value(tags), Value::Array(_)) {
            return;
        }
        let mut names = Vec::new();
        for tag in doc.items(tags) {
            if !matches!(doc.value(tag), Value::Object(_)) {
                return;
            }
            let Some(name) = doc.get(tag, "name") else {
                return;
            };
            let Some(text) = doc.as_str(name) else { return };
            names.push((name, text));
        }
        let mut seen = HashSet::new();
        for (node, text) in names {
            if !seen.insert(text) {
                sink.push(Report {
                    node,
                    error: Some(format!(
                        "\"tags\" object contains duplicate tag name \"{text}\"."
                    )),
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
    fn duplicate_tags() {
        let doc = r#"{"tags": [{"name": "a"}, {"name": "b"}, {"name": "a"}, {"name": "a"}]}"#;
        assert_eq!(run(&TagsUniqueness, doc), ["tags.2.name", "tags.3.name"]);
        let invalid = r#"{"tags": [{"name": "a"}, {"name": "a"}, {"description": "x"}]}"#;
        assert!(run(&TagsUniqueness, invalid).is_empty());
    }
}
