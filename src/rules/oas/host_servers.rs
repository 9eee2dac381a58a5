//! `oas3-server-trailing-slash`, `oas2-host-trailing-slash`, `oas2-api-host` and
//! `oas2-api-schemes`: where the API is served.

use crate::document::{Document, Value};
use crate::rules::walk::Place;
use crate::rules::{Check, Sink};

/// Whether `s` ends with a slash that has a character other than a line terminator before it:
/// JavaScript's `/.\/$/` (no `m` flag: `$` is the end of the string).
fn slash_after_something(s: &str) -> bool {
    s.strip_suffix('/').is_some_and(|rest| {
        rest.chars()
            .last()
            .is_some_and(|c| !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
    })
}

/// The root, if it is an object, as a [`Place`].
fn root(doc: &Document) -> Option<Place> {
    let root = doc.root?;
    let place = Place::new(doc, root, true);
    matches!(doc.value(place.node), Value::Object(_)).then_some(place)
}

/// Server URLs must not end with a slash. Official selector `$.servers[*].url` (resolved)
/// with `pattern` `notMatch: "./$"`: a URL of just `/` passes, URLs that are not strings are
/// skipped, and only `url` members of object servers are selected. Reported at the URL.
#[derive(Debug)]
pub struct ServerTrailingSlash;

impl Check for ServerTrailingSlash {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = root(doc) else { return };
        let Some(servers) = root.field(doc, "servers") else {
            return;
        };
        for (_, server) in servers.children(doc) {
            if !matches!(doc.value(server.node), Value::Object(_)) {
                continue;
            }
            let Some(url) = server.field(doc, "url") else {
                continue;
            };
            if doc.as_str(url.node).is_some_and(slash_after_something) {
                sink.node(url.report(doc));
            }
        }
    }
}

/// `host` must not end with a slash. Official: given `$`, `field: host`, `pattern`
/// `notMatch: "/$"` (a `host` that is not a string is skipped). Reported at `host`.
#[derive(Debug)]
pub struct HostTrailingSlash;

impl Check for HostTrailingSlash {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = root(doc) else { return };
        let Some(host) = root.field(doc, "host") else {
            return;
        };
        if doc.as_str(host.node).is_some_and(|h| h.ends_with('/')) {
            sink.node(host.report(doc));
        }
    }
}

/// `host` must be present and truthy. Official: given `$`, `field: host`, `truthy`: a
/// missing `host` is reported at the document root, a false-y one at itself.
#[derive(Debug)]
pub struct ApiHost;

impl Check for ApiHost {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = root(doc) else { return };
        if let Some(node) = root.falsy_field(doc, "host") {
            sink.node(node);
        }
    }
}

/// `schemes` must be a non-empty array of strings. Official: given `$`, `field: schemes`,
/// `schema` `{type: array, minItems: 1, items: {type: string}}` (first error only): a missing
/// `schemes` is reported at the document root, a non-array or empty one at itself, else the
/// first item that is not a string.
#[derive(Debug)]
pub struct ApiSchemes;

impl Check for ApiSchemes {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = root(doc) else { return };
        let Some(schemes) = root.field(doc, "schemes") else {
            sink.node(root.report(doc));
            return;
        };
        let Value::Array(items) = doc.value(schemes.node) else {
            sink.node(schemes.report(doc));
            return;
        };
        if items.is_empty() {
            sink.node(schemes.report(doc));
            return;
        }
        if let Some((_, item)) = schemes
            .children(doc)
            .find(|(_, i)| !matches!(doc.value(i.node), Value::String(_)))
        {
            sink.node(item.report(doc));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn server_urls() {
        let doc = r#"{"openapi": "3.0.3", "servers": [{"url": "/"}, {"url": "https://a/"},
            {"url": "https://b"}, {"url": 5}, "https://c/", {"url": "\n/"}]}"#;
        assert_eq!(run(&ServerTrailingSlash, doc), ["servers.1.url"]);
    }

    #[test]
    fn host() {
        let doc = r#"{"swagger": "2.0", "host": "example.com/"}"#;
        assert_eq!(run(&HostTrailingSlash, doc), ["host"]);
        assert!(run(&ApiHost, doc).is_empty());
        assert_eq!(run(&ApiHost, r#"{"swagger": "2.0"}"#), [""]);
        assert_eq!(run(&ApiHost, r#"{"host": ""}"#), ["host"]);
        assert_eq!(run(&HostTrailingSlash, r#"{"host": "/"}"#), ["host"]);
    }

    #[test]
    fn schemes() {
        assert_eq!(run(&ApiSchemes, r#"{"swagger": "2.0"}"#), [""]);
        assert_eq!(run(&ApiSchemes, r#"{"schemes": []}"#), ["schemes"]);
        assert_eq!(run(&ApiSchemes, r#"{"schemes": "https"}"#), ["schemes"]);
        assert_eq!(
            run(&ApiSchemes, r#"{"schemes": ["https", 1, 2]}"#),
            ["schemes.1"]
        );
        assert!(run(&ApiSchemes, r#"{"schemes": ["https"]}"#).is_empty());
    }
}
