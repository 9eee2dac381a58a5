//! `oas3-schema` — the document must be a valid OpenAPI 3.x description (`/core/publish-openapi`).

use super::spec;
use crate::document::Document;
use crate::rules::{Check, Sink};

/// The unresolved root document is validated against Spectral's OpenAPI document schema for
/// its version (3.2 for `3.2.x`, 3.1 for `3.1.x`, 3.0 otherwise) with every error reported, as
/// the reference's precompiled `ajv` validators do. Messages are the reference's: `"info"
/// property must have required property "title"`, `Property "x" is not expected to be here`
/// (reported at the unexpected property), enum errors with the allowed values and a "Did you
/// mean" suggestion, the schemas' own `errorMessage`s (`"schema" or "content" must be
/// present`), and `if`-keyword errors dropped. The rule's template appends the final `.`.
#[derive(Debug)]
pub struct Oas3Schema;

impl Check for Oas3Schema {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let f = doc.formats;
        let schema = if f.oas3_2 {
            &*spec::OAS_3_2
        } else if f.oas3_1 {
            &*spec::OAS_3_1
        } else {
            &*spec::OAS_3_0
        };
        super::validate_document(doc, root, schema, sink);
    }

    fn validates_whole_document(&self) -> bool {
        true
    }
}
