//! Spectral 6.16.3's built-in `spectral:oas` ruleset: its recommended rules at their default
//! severity and message, for the formats each declares. ADR 2.0 and 2.1.0 switch all of them on
//! (`extends: spectral:oas`); ADR 2.2 and later pick nine of them and raise them to error.

use super::{Applies, RuleEntry};
use crate::lint::Severity::{self, Error, Warn};
use crate::rules::*;

/// Where Spectral documents these rules (the ruleset's `documentationUrl`).
const DOCS: &str = "https://meta.stoplight.io/docs/spectral/docs/reference/openapi-rules.md";

fn rule(
    code: &'static str,
    severity: Severity,
    message: &'static str,
    applies: Applies,
    check: impl Check + 'static,
) -> RuleEntry {
    RuleEntry {
        code,
        severity,
        message,
        adr_rule: None,
        documentation_url: Some(DOCS),
        applies,
        check: Box::new(check),
    }
}

/// The recommended rules, in the ruleset's order. Rules without `formats` of their own inherit
/// the ruleset's (Swagger 2.0 and OpenAPI 3.x).
pub(super) fn recommended() -> Vec<RuleEntry> {
    use Applies::*;
    vec![
        rule(
            "operation-operationId-unique",
            Error,
            "Every operation must have unique \"operationId\".",
            Oas2Or3,
            OperationIdUnique,
        ),
        rule("path-params", Error, "{{error}}", Oas2Or3, PathParams),
        rule(
            "info-contact",
            Warn,
            "Info object must have \"contact\" object.",
            Oas2Or3,
            InfoContact,
        ),
        rule(
            "openapi-tags-uniqueness",
            Error,
            "{{error}}",
            Oas2Or3,
            TagsUniqueness,
        ),
        rule(
            "path-keys-no-trailing-slash",
            Warn,
            "Path must not end with slash.",
            Oas2Or3,
            PathKeysNoTrailingSlash,
        ),
        rule(
            "oas2-valid-schema-example",
            Error,
            "{{error}}",
            Oas2,
            Oas2ValidSchemaExample,
        ),
        rule(
            "oas2-valid-media-example",
            Error,
            "{{error}}",
            Oas2,
            Oas2ValidMediaExample,
        ),
        rule("oas2-schema", Error, "{{error}}.", Oas2, Oas2Schema),
        rule(
            "oas3-api-servers",
            Warn,
            "OpenAPI \"servers\" must be present and non-empty array.",
            Oas3,
            ApiServers,
        ),
        rule(
            "oas3-valid-media-example",
            Error,
            "{{error}}",
            Oas3,
            ValidMediaExample,
        ),
        rule(
            "oas3-valid-schema-example",
            Error,
            "{{error}}",
            Oas3,
            ValidSchemaExample,
        ),
        rule("oas3-schema", Error, "{{error}}.", Oas3, Oas3Schema),
        rule(
            "oas3-server-variables",
            Error,
            "{{error}}",
            Oas2Or3,
            ServerVariables,
        ),
    ]
}

/// The recommended rule `code`, for a configuration that switches it on by name.
pub(super) fn recommended_rule(code: &str) -> RuleEntry {
    recommended()
        .into_iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("{code} is not a recommended spectral:oas rule"))
}
