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
            "operation-success-response",
            Warn,
            "Operation must have at least one \"2xx\" or \"3xx\" response.",
            Oas2Or3,
            OperationSuccessResponse,
        ),
        rule(
            "oas2-operation-formData-consume-check",
            Warn,
            "Operations with \"in: formData\" parameter must include \"application/x-www-form-urlencoded\" or \"multipart/form-data\" in their \"consumes\" property.",
            Oas2,
            FormDataConsumeCheck,
        ),
        rule(
            "operation-operationId-unique",
            Error,
            "Every operation must have unique \"operationId\".",
            Oas2Or3,
            OperationIdUnique,
        ),
        rule(
            "operation-parameters",
            Warn,
            "{{error}}",
            Oas2Or3,
            OperationParameters,
        ),
        rule(
            "operation-tag-defined",
            Warn,
            "Operation tags must be defined in global tags.",
            Oas2Or3,
            OperationTagDefined,
        ),
        rule("path-params", Error, "{{error}}", Oas2Or3, PathParams),
        rule(
            "duplicated-entry-in-enum",
            Warn,
            "{{error}}",
            Oas2Or3,
            DuplicatedEntryInEnum,
        ),
        rule(
            "info-contact",
            Warn,
            "Info object must have \"contact\" object.",
            Oas2Or3,
            InfoContact,
        ),
        rule(
            "info-description",
            Warn,
            "Info \"description\" must be present and non-empty string.",
            Oas2Or3,
            InfoDescription,
        ),
        rule(
            "no-eval-in-markdown",
            Warn,
            "Markdown descriptions must not have \"eval(\".",
            Oas2Or3,
            NoEvalInMarkdown,
        ),
        rule(
            "no-script-tags-in-markdown",
            Warn,
            "Markdown descriptions must not have \"<script>\" tags.",
            Oas2Or3,
            NoScriptTagsInMarkdown,
        ),
        rule(
            "openapi-tags-uniqueness",
            Error,
            "{{error}}",
            Oas2Or3,
            TagsUniqueness,
        ),
        rule(
            "operation-description",
            Warn,
            "Operation \"description\" must be present and non-empty string.",
            Oas2Or3,
            OperationDescription,
        ),
        rule(
            "operation-operationId",
            Warn,
            "Operation must have \"operationId\".",
            Oas2Or3,
            OperationOperationId,
        ),
        rule(
            "operation-operationId-valid-in-url",
            Warn,
            "operationId must not contain characters that are invalid when used in URL.",
            Oas2Or3,
            OperationIdValidInUrl,
        ),
        rule(
            "operation-tags",
            Warn,
            "Operation must have non-empty \"tags\" array.",
            Oas2Or3,
            OperationTags,
        ),
        rule(
            "path-declarations-must-exist",
            Warn,
            "Path parameter declarations must not be empty, ex.\"/given/{}\" is invalid.",
            Oas2Or3,
            PathDeclarationsMustExist,
        ),
        rule(
            "path-keys-no-trailing-slash",
            Warn,
            "Path must not end with slash.",
            Oas2Or3,
            PathKeysNoTrailingSlash,
        ),
        rule(
            "path-not-include-query",
            Warn,
            "Path must not include query string.",
            Oas2Or3,
            PathNotIncludeQuery,
        ),
        rule(
            "no-$ref-siblings",
            Error,
            "{{error}}",
            Oas2Or3_0,
            NoRefSiblings,
        ),
        rule(
            "array-items",
            Error,
            "Schemas with \"type: array\", require a sibling \"items\" field",
            Oas2Or3,
            ArrayItems,
        ),
        rule("typed-enum", Warn, "{{error}}", Oas2Or3, TypedEnum),
        rule(
            "oas2-api-host",
            Warn,
            "OpenAPI \"host\" must be present and non-empty string.",
            Oas2,
            ApiHost,
        ),
        rule(
            "oas2-api-schemes",
            Warn,
            "OpenAPI host \"schemes\" must be present and non-empty array.",
            Oas2,
            ApiSchemes,
        ),
        rule(
            "oas2-discriminator",
            Error,
            "{{error}}",
            Oas2,
            Oas2Discriminator,
        ),
        rule(
            "oas2-host-trailing-slash",
            Warn,
            "Server URL must not have trailing slash.",
            Oas2,
            HostTrailingSlash,
        ),
        rule(
            "oas2-operation-security-defined",
            Warn,
            "{{error}}",
            Oas2,
            OperationSecurityDefined { oas2: true },
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
        rule(
            "oas2-anyOf",
            Warn,
            "\"anyOf\" keyword must not be used in OpenAPI v2 document.",
            Oas2,
            Oas2Keyword("anyOf"),
        ),
        rule(
            "oas2-oneOf",
            Warn,
            "\"oneOf\" keyword must not be used in OpenAPI v2 document.",
            Oas2,
            Oas2Keyword("oneOf"),
        ),
        rule("oas2-schema", Error, "{{error}}.", Oas2, Oas2Schema),
        rule(
            "oas2-unused-definition",
            Warn,
            "Potentially unused definition has been detected.",
            Oas2,
            UnusedDefinition,
        ),
        rule(
            "oas3-api-servers",
            Warn,
            "OpenAPI \"servers\" must be present and non-empty array.",
            Oas3,
            ApiServers,
        ),
        rule(
            "oas3-examples-value-or-externalValue",
            Warn,
            "Examples must have either \"value\" or \"externalValue\" field.",
            Oas3,
            ExamplesValueOrExternalValue,
        ),
        rule(
            "oas3-operation-security-defined",
            Warn,
            "{{error}}",
            Oas3,
            OperationSecurityDefined { oas2: false },
        ),
        rule(
            "oas3-server-trailing-slash",
            Warn,
            "Server URL must not have trailing slash.",
            Oas3,
            ServerTrailingSlash,
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
            "oas3-unused-component",
            Warn,
            "Potentially unused component has been detected.",
            Oas3,
            UnusedComponent,
        ),
        rule(
            "oas3-server-variables",
            Error,
            "{{error}}",
            Oas2Or3,
            ServerVariables,
        ),
        rule(
            "oas3-callbacks-in-callbacks",
            Warn,
            "Callbacks should not be defined within a callback",
            Oas3,
            CallbacksInCallbacks,
        ),
        rule(
            "oas3_1-servers-in-webhook",
            Warn,
            "Servers should not be defined in a webhook.",
            Oas3_1Or3_2,
            ServersInWebhook,
        ),
        rule(
            "oas3_1-callbacks-in-webhook",
            Warn,
            "Callbacks should not be defined in a webhook.",
            Oas3_1Or3_2,
            CallbacksInWebhook,
        ),
        rule(
            "oas3_2-no-deprecated-xml-attribute",
            Warn,
            "\"xml.attribute\" is deprecated in OAS 3.2; use \"xml.nodeType: attribute\" instead.",
            Oas3_2,
            NoDeprecatedXmlAttribute,
        ),
    ]
}
