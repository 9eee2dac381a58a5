//! `oas2-schema` — the document must be a valid Swagger 2.0 description.
//!
//! Official rule: `given: $`, `resolved: false`, function `oasDocumentSchema`, message
//! `{{error}}.`, formats `oas2`.

use super::ajv::{Options, Validator};
use super::messages::document_schema_messages;
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
        let reports = super::with_stack(|| {
            let mut v = Validator::new(
                &schema.set,
                doc,
                Options {
                    all_errors: true,
                    resolve: false,
                    formats: true,
                    dialect: schema.dialect,
                },
            );
            if v.validate(schema.root, root) {
                return Vec::new();
            }
            document_schema_messages(doc, &v.errors)
        });
        for m in reports {
            sink.push(super::unresolved_report(doc, m.node, m.text));
        }
    }
}
