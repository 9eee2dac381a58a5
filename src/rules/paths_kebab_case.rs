//! `nlgov:paths-kebab-case` — `/core/path-segments-kebab-case`.

use std::sync::LazyLock;

use super::pattern::JsPattern;
use super::{Check, Report, Sink};
use crate::document::Document;

/// The official exclusion `/\/openapi\.(json)|(yaml)/`: by JavaScript precedence this excludes
/// any path containing `/openapi.json` *or* containing `yaml` anywhere (reproduced).
static EXCLUDED: LazyLock<JsPattern> =
    LazyLock::new(|| JsPattern::new(r"/\/openapi\.(json)|(yaml)/"));
static KEBAB: LazyLock<JsPattern> = LazyLock::new(|| {
    JsPattern::new(
        r"^(\/|(\/_[a-z0-9]+|\/(([a-z0-9\-]+|{[^}]+})(\/([a-z0-9\-\.]+|{[^}]+}))*)(\/_[a-z]+)?)\/?)$",
    )
});

/// Every path key (except the excluded ones) must match the official kebab-case pattern.
#[derive(Debug)]
pub struct PathsKebabCase;

impl Check for PathsKebabCase {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(paths) = doc.root.and_then(|r| doc.get(r, "paths")) else {
            return;
        };
        for (path, item) in doc.entries(paths) {
            if path.is_empty() || EXCLUDED.test(path) || KEBAB.test(path) {
                continue;
            }
            sink.push(Report {
                node: item,
                value: Some(path.to_string()),
                error: Some(KEBAB.must_match(path)),
                ..Report::default()
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn kebab_case_paths() {
        let doc = r#"{"paths": {
            "/": {}, "/gebouwen": {}, "/gebouwen/{gebouwId}": {}, "/gebouwen/_zoek": {},
            "/_zoek": {}, "/a/b.json": {}, "/laatsteWijziging": {}, "/snake_case": {},
            "/a.json": {}, "/openapi.json": {}, "/x/openapi.yaml": {}, "/Upper/yaml-thing": {}}}"#;
        assert_eq!(
            run(&PathsKebabCase, doc),
            [
                "paths./laatsteWijziging",
                "paths./snake_case",
                "paths./a.json"
            ]
        );
    }
}
