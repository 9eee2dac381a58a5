//! `nlgov:paths-kebab-case` — `/core/path-segments-kebab-case`.

use super::pattern::JsPattern;
use super::{Check, Report, Sink};
use crate::document::Document;

/// Every path key (except the excluded ones) must match the version's kebab-case pattern.
#[derive(Debug)]
pub struct PathsKebabCase {
    excluded: Option<JsPattern>,
    kebab: JsPattern,
}

impl PathsKebabCase {
    /// ADR 2.2 and later. The exclusion `/\/openapi\.(json)|(yaml)/`: by JavaScript precedence
    /// it excludes any path containing `/openapi.json` *or* containing `yaml` anywhere
    /// (reproduced).
    pub fn adr22() -> Self {
        Self::new(Some(r"/\/openapi\.(json)|(yaml)/"), ADR21_KEBAB)
    }

    /// ADR 2.1.0: the same pattern; only paths containing `/openapi.json` are excluded.
    pub fn adr21() -> Self {
        Self::new(Some(r"/\/openapi\.json/"), ADR21_KEBAB)
    }

    /// ADR 2.0 (developer.overheid.nl): every path, an older pattern that rejects `/` itself
    /// and `_zoek` segments.
    pub fn adr20() -> Self {
        Self::new(None, r"^(\/[a-z0-9-.]+|\/{[a-zA-Z0-9_]+})+$")
    }

    fn new(excluded: Option<&'static str>, kebab: &'static str) -> Self {
        PathsKebabCase {
            excluded: excluded.map(JsPattern::new),
            kebab: JsPattern::new(kebab),
        }
    }
}

const ADR21_KEBAB: &str =
    r"^(\/|(\/_[a-z0-9]+|\/(([a-z0-9\-]+|{[^}]+})(\/([a-z0-9\-\.]+|{[^}]+}))*)(\/_[a-z]+)?)\/?)$";

impl Check for PathsKebabCase {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(paths) = doc.root.and_then(|r| doc.get(r, "paths")) else {
            return;
        };
        for (path, item) in doc.entries(paths) {
            let excluded = self.excluded.as_ref().is_some_and(|e| e.test(path));
            if path.is_empty() || excluded || self.kebab.test(path) {
                continue;
            }
            sink.push(Report {
                node: item,
                value: Some(path.to_string()),
                error: Some(self.kebab.must_match(path)),
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
            run(&PathsKebabCase::adr22(), doc),
            [
                "paths./laatsteWijziging",
                "paths./snake_case",
                "paths./a.json"
            ]
        );
    }

    #[test]
    fn older_versions() {
        let doc = r#"{"paths": {
            "/": {}, "/gebouwen/{gebouwId}": {}, "/gebouwen/_zoek": {}, "/a/b.json": {},
            "/openapi.json": {}, "/x/openapi.yaml": {}, "/{snake_id}/{camelId}": {}, "/{a.b}": {},
            "/Upper": {}, "/openapi.json/Upper": {}}}"#;
        assert_eq!(run(&PathsKebabCase::adr21(), doc), ["paths./Upper"]);
        assert_eq!(
            run(&PathsKebabCase::adr20(), doc),
            [
                "paths./",
                "paths./gebouwen/_zoek",
                "paths./{a.b}",
                "paths./Upper",
                "paths./openapi.json/Upper"
            ]
        );
    }
}
