//! `path-keys-no-trailing-slash` — `/core/no-trailing-slash`.

use crate::document::{Document, Value};
use crate::rules::{Check, Sink};

/// Path keys must not end with a slash: Spectral's `pattern` with `notMatch: ".+\/$"` on the
/// keys of `paths` (so `/` alone passes, and the character before the final slash must not be
/// a line terminator). Reported at the path item.
#[derive(Debug)]
pub struct PathKeysNoTrailingSlash;

fn ends_with_slash_after_something(key: &str) -> bool {
    let Some(rest) = key.strip_suffix('/') else {
        return false;
    };
    rest.chars()
        .last()
        .is_some_and(|c| !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
}

impl Check for PathKeysNoTrailingSlash {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let Some(paths) = doc.get(root, "paths") else {
            return;
        };
        if !matches!(doc.value(paths), Value::Object(_)) {
            return;
        }
        for (key, item) in doc.tree.entries(paths) {
            if ends_with_slash_after_something(key) {
                sink.node(super::report_node(doc, *item));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn trailing_slashes() {
        let doc = r#"{"openapi": "3.0.3", "paths": {"/": {}, "/a/": {}, "/b": {}, "//": {}}}"#;
        assert_eq!(
            run(&PathKeysNoTrailingSlash, doc),
            ["paths./a/", "paths.//"]
        );
    }
}
