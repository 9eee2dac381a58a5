//! `oas2-schema` — the document must be a valid Swagger 2.0 description.
//!
//! Official rule: `given: $`, `resolved: false`, function `oasDocumentSchema`, message
//! `{{error}}.`, formats `oas2`.

use super::spec;
use crate::document::Document;
use crate::rules::{Check, Sink};

/// The unresolved root document is validated against Spectral's Swagger 2.0 schema
/// (`http://swagger.io/v2/schema.json`, an `ajv` 2020 schema) with every error reported, and
/// the errors turned into messages by `oasDocumentSchema`'s `processError`, as for
/// `oas3-schema`. Quirks reproduced:
///
/// - the schema refers into the draft-04 meta-schema for the keywords of Schema Objects; those
///   parts are validated with draft-04 semantics (`multipleOf` must be `> 0`) and with formats
///   (`pattern` must be a valid regular expression);
/// - the `securityDefinitions` `errorMessage` replaces every error under a definition by
///   `Invalid security securityDefinitions` at `securityDefinitions`, except under a definition
///   named `basic`, `apiKey` or `oauth2`, whose errors become `Invalid basic authentication
///   security definition` (…) at that definition;
/// - header objects with a `schema` (an OpenAPI 3 habit) give `"X" property must have required
///   property "type"` and `Property "schema" is not expected to be here`;
/// - `if` errors (of `$ref`-or-object alternatives) are dropped.
#[derive(Debug)]
pub struct Oas2Schema;

impl Check for Oas2Schema {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let schema = &*spec::OAS_2_0;
        super::validate_document(doc, root, schema, sink);
    }

    fn validates_whole_document(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::LoadOptions;
    use crate::rules::testing::run;

    /// (path, message) of every report.
    fn messages(text: &str) -> Vec<(String, String)> {
        let doc = Document::load("fixture.yaml", text.as_bytes(), &LoadOptions::default())
            .expect("fixture parses");
        let mut sink = Sink::default();
        Oas2Schema.check(&doc, &mut sink);
        sink.reports
            .iter()
            .map(|r| {
                let mut path = doc.tree.path(doc.location(r.node));
                path.extend(r.subpath.iter().cloned());
                let path = path.iter().map(ToString::to_string).collect::<Vec<_>>();
                (path.join("."), r.error.clone().unwrap_or_default())
            })
            .collect()
    }

    #[test]
    fn valid_document_has_no_findings() {
        let doc = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok, schema: {type: string, multipleOf: 2, pattern: '^a'}}\n";
        assert!(run(&Oas2Schema, doc).is_empty());
    }

    #[test]
    fn header_with_schema_and_security_definitions() {
        let doc = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          headers:\n            API-version: {schema: {type: string}}\nsecurityDefinitions:\n  JWT: {type: http, scheme: bearer}\n  basic: {type: basic, extra: 1}\n";
        assert_eq!(
            messages(doc),
            [
                (
                    "paths./a.get.responses.200.headers.API-version".to_string(),
                    "\"API-version\" property must have required property \"type\"".to_string()
                ),
                (
                    "paths./a.get.responses.200.headers.API-version.schema".to_string(),
                    "Property \"schema\" is not expected to be here".to_string()
                ),
                (
                    "securityDefinitions.basic".to_string(),
                    "Invalid basic authentication security definition".to_string()
                ),
                (
                    "securityDefinitions".to_string(),
                    "Invalid security securityDefinitions".to_string()
                ),
            ]
        );
    }

    #[test]
    fn draft04_parts_of_schema_objects() {
        let doc = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  A: {type: string, multipleOf: 0, pattern: '(', exclusiveMaximum: 3}\n";
        assert_eq!(
            messages(doc)
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>(),
            [
                "\"multipleOf\" property must be > 0",
                "\"exclusiveMaximum\" property must be boolean",
                "\"pattern\" property must match format \"regex\"",
            ]
        );
    }

    #[test]
    fn missing_ref_target_keeps_the_physical_path() {
        let doc = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\nresponses:\n  R: {description: r, bogus: {$ref: '#/definitions/Missing'}}\ndefinitions: {}\n";
        assert_eq!(run(&Oas2Schema, doc), ["responses.R.bogus"]);
    }
}
