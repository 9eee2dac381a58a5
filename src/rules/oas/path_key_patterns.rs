//! `path-declarations-must-exist` and `path-not-include-query`: Spectral's `pattern` with a
//! `notMatch` on the keys of `paths` (`field: "@key"`).

use crate::document::Document;
use crate::rules::walk::Place;
use crate::rules::{Check, Sink};

/// Reports the path items whose key contains `needle`.
fn path_keys_containing(doc: &Document, needle: &str, sink: &mut Sink) {
    let Some(root) = doc.root else { return };
    let Some(paths) = Place::new(doc, root, true).field(doc, "paths") else {
        return;
    };
    if !doc.is_object(paths.node) {
        return;
    }
    for (key, item) in paths.children(doc) {
        if key.is_some_and(|k| k.contains(needle)) {
            sink.node(item.report(doc));
        }
    }
}

/// Path templates must not have empty parameters: `notMatch: "{}"` (a literal `{}` in a
/// JavaScript regex) on the keys of `paths`. Reported at the path item.
#[derive(Debug)]
pub struct PathDeclarationsMustExist;

impl Check for PathDeclarationsMustExist {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        path_keys_containing(doc, "{}", sink);
    }
}

/// Paths must not include a query string: `notMatch: "\?"` on the keys of `paths`. Reported
/// at the path item.
#[derive(Debug)]
pub struct PathNotIncludeQuery;

impl Check for PathNotIncludeQuery {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        path_keys_containing(doc, "?", sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    const DOC: &str = r##"{"paths": {"/a/{}": {}, "/b?c={}": {"$ref": "#/x/B"}, "/{c}": {}},
        "x": {"B": {}}}"##;

    #[test]
    fn empty_declarations() {
        assert_eq!(run(&PathDeclarationsMustExist, DOC), ["paths./a/{}", "x.B"]);
    }

    #[test]
    fn query() {
        assert_eq!(run(&PathNotIncludeQuery, DOC), ["x.B"]);
    }
}
