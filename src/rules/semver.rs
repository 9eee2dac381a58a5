//! `nlgov:semver` — `/core/semver`: `info.version` follows Semantic Versioning 2.0.

use std::sync::LazyLock;

use super::pattern::JsPattern;
use super::{Check, Report, Sink};
use crate::document::Document;

static SEMVER: LazyLock<JsPattern> = LazyLock::new(|| {
    JsPattern::new(
        r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$",
    )
});

/// `info.version` must match the official SemVer 2.0 regular expression. A non-string version
/// (YAML `version: 1.0` is a number) is skipped, as the reference's `pattern` does.
#[derive(Debug)]
pub struct Semver;

impl Check for Semver {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(version) = doc.root.and_then(|r| doc.get_path(r, &["info", "version"])) else {
            return;
        };
        let Some(text) = doc.as_str(version) else {
            return;
        };
        if !SEMVER.test(text) {
            sink.push(Report {
                node: version,
                error: Some(SEMVER.must_match(text)),
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
    fn semver() {
        for ok in ["1.0.0", "0.1.2-rc.1", "2.3.4+build.5", "1.0.0-alpha-1"] {
            let doc = format!(r#"{{"info": {{"version": "{ok}"}}}}"#);
            assert!(run(&Semver, &doc).is_empty(), "{ok}");
        }
        for bad in ["1.0", "v1.0.0", "01.0.0", "1.0.0-", ""] {
            let doc = format!(r#"{{"info": {{"version": "{bad}"}}}}"#);
            assert_eq!(run(&Semver, &doc), ["info.version"], "{bad}");
        }
        assert!(run(&Semver, r#"{"info": {"version": 1.0}}"#).is_empty());
    }
}
