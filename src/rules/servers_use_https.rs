//! `nlgov:servers-use-https` — no ADR rule of its own (a proxy for `/core/transport/tls`):
//! server URLs use HTTPS.

use std::sync::LazyLock;

use super::pattern::JsPattern;
use super::selections::Selections;
use super::walk::Place;
use super::{Check, Report, Sink};
use crate::document::{Document, Value};

static HTTPS: LazyLock<JsPattern> = LazyLock::new(|| JsPattern::new("^https://.*"));
static HTTP: LazyLock<JsPattern> = LazyLock::new(|| JsPattern::new("^http://.*"));

/// Server URLs must use HTTPS. Official selectors `$.servers[*]` and `$.paths..servers[*]`
/// with `field: url` and `pattern`:
/// - [`HttpsOnly`](ServersUseHttps::HttpsOnly) (ADR 2.2.0, 2.2.1): `match: ^https://.*` — a
///   relative URL fails too;
/// - [`NotHttp`](ServersUseHttps::NotHttp) (draft): `notMatch: ^http://.*` — relative URLs pass.
///
/// `..servers` descends through the whole resolved document below `paths`, so a schema
/// property (or example key) named `servers` is selected as well (verified quirk, reproduced):
/// its children that are not objects are tested themselves, because the reference ignores
/// `field` for them, which gives findings like `Server URL array "array" must match the pattern
/// "^https://.*".` for `servers: {type: array}`. Values that are not strings are skipped.
/// Reported at the `url` value (or the string tested).
#[derive(Debug)]
pub enum ServersUseHttps {
    HttpsOnly,
    NotHttp,
}

impl ServersUseHttps {
    /// `{{error}}` when `url` breaks the rule.
    fn error(&self, url: &str) -> Option<String> {
        match self {
            ServersUseHttps::HttpsOnly => (!HTTPS.test(url)).then(|| HTTPS.must_match(url)),
            ServersUseHttps::NotHttp => HTTP.test(url).then(|| HTTP.must_not_match(url)),
        }
    }

    /// Lints each child of a `servers` node (`servers[*]`).
    fn servers(&self, doc: &Document, servers: Place, sink: &mut Sink) {
        for (_, server) in servers.children(doc) {
            let target = match doc.value(server.node) {
                Value::Object(_) => server.field(doc, "url"),
                // lodash `get(array, "url")` is undefined.
                Value::Array(_) => None,
                _ => Some(server),
            };
            let Some(url) = target else { continue };
            let Some(text) = doc.as_str(url.node) else {
                continue;
            };
            if let Some(error) = self.error(text) {
                sink.push(Report {
                    node: url.report(doc),
                    value: Some(text.to_string()),
                    error: Some(error),
                    ..Report::default()
                });
            }
        }
    }
}

impl Check for ServersUseHttps {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let root = Place::new(doc, root, true);
        if let Some(servers) = root.field(doc, "servers") {
            self.servers(doc, servers, sink);
        }
        for &servers in &doc.shared(Selections::collect).path_servers {
            self.servers(doc, servers, sink);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    const DOC: &str = r##"{
      "servers": [{"url": "https://api.example.nl/v1"}, {"url": "http://localhost/v1"},
                  {"url": "/api/v1"}, {"description": "no url"}],
      "paths": {"/a": {
        "servers": [{"url": "http://a.example.nl"}],
        "get": {"servers": [{"url": "https://b.example.nl"}],
          "responses": {"200": {"content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/Api"}}}}}}}},
      "components": {"schemas": {
        "Api": {"type": "object", "properties": {"servers": {"type": "array", "items": {
          "type": "object", "properties": {"url": {"type": "string"}}}}}},
        "Unused": {"properties": {"servers": {"type": "array"}}}}}}"##;

    #[test]
    fn https_only() {
        assert_eq!(
            run(&ServersUseHttps::HttpsOnly, DOC),
            [
                "servers.1.url",
                "servers.2.url",
                "paths./a.servers.0.url",
                "components.schemas.Api.properties.servers.type",
            ]
        );
    }

    #[test]
    fn not_http() {
        assert_eq!(
            run(&ServersUseHttps::NotHttp, DOC),
            ["servers.1.url", "paths./a.servers.0.url"]
        );
    }

    #[test]
    fn messages() {
        let doc = Document::load("x.json", DOC.as_bytes(), &Default::default()).unwrap();
        let mut sink = Sink::default();
        ServersUseHttps::HttpsOnly.check(&doc, &mut sink);
        let last = sink.reports.last().unwrap();
        assert_eq!(last.value.as_deref(), Some("array"));
        assert_eq!(
            last.error.as_deref(),
            Some("\"array\" must match the pattern \"^https://.*\"")
        );
    }
}
