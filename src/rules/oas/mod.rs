//! The `spectral:oas` rules the ADR rulesets switch on (`/core/publish-openapi` validity,
//! `/core/uri-version`, `/core/no-trailing-slash`), reimplemented finding for finding.
//!
//! `oas3-schema` and the example rules rest on [`ajv`], a JSON Schema validator that reports
//! what the reference's `ajv` 8 reports, on the vendored schema documents in `schemas/`.

pub(crate) mod ajv;
mod api_servers;
mod baked;
mod callbacks_webhooks;
mod compile;
mod descent;
mod discriminator;
mod enums;
mod examples_value_or_external;
mod form_data_consume;
mod formats;
mod host_servers;
mod info_description;
mod js;
mod key_pattern;
mod markdown;
mod messages;
mod oas2_combinators;
mod oas2_schema;
mod oas3_schema;
mod operation_fields;
mod operation_id_unique;
mod operation_parameters;
mod operation_success_response;
mod operation_tag_defined;
mod path_key_patterns;
mod path_keys_no_trailing_slash;
mod path_params;
mod security_defined;
mod server_variables;
mod spec;
mod tags_uniqueness;
mod unique;
mod unresolved;
mod unused_component;
mod valid_example;
mod xml_attribute;

pub use api_servers::ApiServers;
pub use callbacks_webhooks::{CallbacksInCallbacks, CallbacksInWebhook, ServersInWebhook};
pub use discriminator::Oas2Discriminator;
pub use enums::{DuplicatedEntryInEnum, TypedEnum};
pub use examples_value_or_external::ExamplesValueOrExternalValue;
pub use form_data_consume::FormDataConsumeCheck;
pub use host_servers::{ApiHost, ApiSchemes, HostTrailingSlash, ServerTrailingSlash};
pub use info_description::InfoDescription;
pub use markdown::{NoEvalInMarkdown, NoScriptTagsInMarkdown};
pub use oas2_combinators::Oas2Keyword;
pub use oas2_schema::Oas2Schema;
pub use oas3_schema::Oas3Schema;
pub use operation_fields::{
    OperationDescription, OperationIdValidInUrl, OperationOperationId, OperationTags,
};
pub use operation_id_unique::OperationIdUnique;
pub use operation_parameters::OperationParameters;
pub use operation_success_response::OperationSuccessResponse;
pub use operation_tag_defined::OperationTagDefined;
pub use path_key_patterns::{PathDeclarationsMustExist, PathNotIncludeQuery};
pub use path_keys_no_trailing_slash::PathKeysNoTrailingSlash;
pub use path_params::PathParams;
pub use security_defined::OperationSecurityDefined;
pub use server_variables::ServerVariables;
pub use tags_uniqueness::TagsUniqueness;
pub use unresolved::{ArrayItems, NoRefSiblings};
pub use unused_component::{UnusedComponent, UnusedDefinition};
pub use valid_example::{
    Oas2ValidMediaExample, Oas2ValidSchemaExample, ValidMediaExample, ValidSchemaExample,
};
pub use xml_attribute::NoDeprecatedXmlAttribute;

use crate::document::{Document, NodeId};
use crate::rules::Sink;

/// Where the reference reports a finding on the value written at `raw` (a child of a node
/// reached without following a `$ref`): at the resolved node, except for a `$ref` object with
/// sibling keys, which keeps its own location (the reference maps a result path through a
/// reference only when the path crosses it or ends at a reference object with no other keys).
fn report_node(doc: &Document, raw: NodeId) -> NodeId {
    let node = doc.resolve(raw);
    if node != raw && doc.tree.entries(raw).len() > 1 {
        raw
    } else {
        node
    }
}

/// `oasDocumentSchema`: the unresolved document from `root` validated against `schema` with every
/// error reported, each error turned into the reference's message at its physical path.
fn validate_document(doc: &Document, root: NodeId, schema: &spec::Compiled, sink: &mut Sink) {
    let messages = crate::lint::with_lint_stack(|| {
        let mut v = ajv::Validator::new(
            &schema.set,
            doc,
            ajv::Options {
                all_errors: true,
                resolve: false,
                formats: true,
                dialect: schema.dialect,
            },
        );
        if v.is_valid(schema.root, root) || v.validate(schema.root, root) {
            return Vec::new();
        }
        messages::document_schema_messages(doc, &v.errors)
    });
    for m in messages {
        sink.push(unresolved_report(doc, m.node, m.text));
    }
}

/// A report on `node` for a rule the reference runs on the unresolved document
/// (`resolved: false`): its findings keep their physical path even at a `$ref` whose target
/// does not exist (which resolved rules report at the closest existing node of the pointer).
fn unresolved_report(doc: &Document, node: NodeId, error: String) -> crate::rules::Report {
    let parent = doc.tree.node(node).parent;
    match (parent, doc.tree.segment(node)) {
        (Some(parent), Some(seg)) if doc.location(node) != node => crate::rules::Report {
            node: parent,
            error: Some(error),
            subpath: vec![seg],
            ..crate::rules::Report::default()
        },
        _ => crate::rules::Report {
            node,
            error: Some(error),
            ..crate::rules::Report::default()
        },
    }
}

#[cfg(test)]
mod reference_tests;
