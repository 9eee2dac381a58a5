//! `nlgov:paths-no-trailing-slash` — `/core/no-trailing-slash`.

use super::pattern::JsPattern;
use super::{Check, Report, Sink};
use crate::document::Document;

/// Every path key must not match the version's pattern. The ADR 2.1–2.2.x pattern `.+ \/$`
/// has a stray space, so it only fires on paths ending in " /" (verified quirk, reproduced);
/// trailing slashes are really caught by `path-keys-no-trailing-slash`.
#[derive(Debug)]
pub struct PathsNoTrailingSlash {
    not_match: JsPattern,
}

impl PathsNoTrailingSlash {
    pub fn new(not_match: &'static str) -> Self {
        PathsNoTrailingSlash {
            not_match: JsPattern::new(not_match),
        }
    }
}

impl Check for PathsNoTrailingSlash {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(paths) = doc.root.and_then(|r| doc.get(r, "paths")) else {
            return;
        };
        for (key, item) in doc.entries(paths) {
            if self.not_match.test(key) {
                sink.push(Report {
                    node: item,
                    value: Some(key.to_string()),
                    error: Some(self.not_match.must_not_match(key)),
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
    fn official_pattern_only_fires_with_a_space() {
        let rule = PathsNoTrailingSlash::new(r".+ \/$");
        assert!(run(&rule, r#"{"paths": {"/gebouwen/": {}, "/": {}}}"#).is_empty());
        assert_eq!(
            run(&rule, r#"{"paths": {"/gebouwen /": {}}}"#),
            ["paths./gebouwen /"]
        );
    }

    #[test]
    fn corrected_pattern() {
        let rule = PathsNoTrailingSlash::new(r".+\/$");
        assert_eq!(
            run(&rule, r#"{"paths": {"/gebouwen/": {}, "/": {}}}"#),
            ["paths./gebouwen/"]
        );
    }
}
