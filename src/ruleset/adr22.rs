//! ADR 2.2.0, 2.2.1 and the draft: Logius `media/linter.yaml` of each, which switches the
//! `spectral:oas` set off except nine rules it raises to error.

use super::{docs, Applies, Entries, RulesetId};
use crate::lint::Severity;
use crate::rules::*;

pub(super) fn build(id: RulesetId, e: &mut Entries) {
    use Applies::*;
    use Severity::*;
    let publish = Some("/core/publish-openapi");

    // spectral:oas rules the configuration switches on, all raised to error: the document's
    // validity (#/core/publish-openapi), servers (#/core/uri-version), trailing slashes.
    e.enable_oas(
        Error,
        &[
            ("oas3-schema", publish),
            ("operation-operationId-unique", publish),
            ("path-params", publish),
            ("openapi-tags-uniqueness", publish),
            ("oas3-valid-media-example", publish),
            ("oas3-valid-schema-example", publish),
            ("oas3-server-variables", publish),
            ("oas3-api-servers", Some("/core/uri-version")),
            (
                "path-keys-no-trailing-slash",
                Some("/core/no-trailing-slash"),
            ),
        ],
    );

    e.add("nlgov:openapi3", Error, "The OpenAPI Specification is versioned using a `major.minor.patch` versioning scheme. Use a version 3 OpenAPI Specification for documentation.", Some("/core/doc-openapi"), None, All, Box::new(OpenApiVersion::new(r"^3(.\d+){1,2}$")));
    e.add(
        "nlgov:openapi-root-exists",
        Error,
        "The root of the document must contain the `openapi` property.",
        Some("/core/doc-openapi"),
        None,
        All,
        Box::new(OpenApiRootExists),
    );
    e.add(
        "nlgov:missing-version-header",
        Error,
        "Return the full version number in a response header.",
        Some("/core/version-header"),
        docs!("version-header"),
        All,
        Box::new(MissingVersionHeader::AnyOfFiveCasings),
    );
    e.add(
        "nlgov:missing-header",
        Error,
        "Return the full version number in a response header.",
        Some("/core/version-header"),
        docs!("version-header"),
        All,
        Box::new(MissingHeader),
    );
    e.add(
        "nlgov:include-major-version-in-uri",
        Error,
        "Include the major version number in the URI.",
        Some("/core/uri-version"),
        docs!("uri-version"),
        All,
        Box::new(MajorVersionInUri),
    );
    e.add(
        "nlgov:paths-no-trailing-slash",
        Error,
        "Leave off trailing slashes from URIs.",
        Some("/core/no-trailing-slash"),
        docs!("no-trailing-slash"),
        All,
        Box::new(PathsNoTrailingSlash::new(r".+ \/$")),
    );
    e.add(
        "info-contact",
        Error,
        "Info object must have \"contact\" object.",
        Some("/core/doc-openapi-contact"),
        docs!("doc-openapi-contact"),
        All,
        Box::new(InfoContact),
    );
    e.add(
        "nlgov:info-contact-fields-exist",
        Error,
        "Missing fields in `info.contact` field. Must specify email, name and url.",
        Some("/core/doc-openapi-contact"),
        docs!("doc-openapi-contact"),
        All,
        Box::new(InfoContactFields),
    );
    e.add(
        "nlgov:http-methods",
        Error,
        "Only apply standard HTTP methods.",
        Some("/core/http-methods"),
        docs!("http-methods"),
        All,
        Box::new(HttpMethods),
    );
    e.add(
        "nlgov:paths-kebab-case",
        Error,
        "{{property}} is not kebab-case.",
        Some("/core/path-segments-kebab-case"),
        None,
        All,
        Box::new(PathsKebabCase::adr22()),
    );
    e.add(
        "nlgov:query-keys-camel-case",
        Error,
        "{{value}} is not lower camelCase.",
        Some("/core/query-keys-camel-case"),
        None,
        All,
        Box::new(QueryKeysCamelCase),
    );
    if id != RulesetId::Adr221 {
        e.add(
            "nlgov:schema-camel-case",
            Warn,
            "Schema name should be UpperCamelCase in {{path}}",
            None,
            None,
            All,
            Box::new(SchemaCamelCase),
        );
    }
    let https = match id {
        RulesetId::AdrDraft => ServersUseHttps::NotHttp,
        _ => ServersUseHttps::HttpsOnly,
    };
    let https_severity = if id == RulesetId::Adr221 { Error } else { Warn };
    e.add(
        "nlgov:servers-use-https",
        https_severity,
        "Server URL {{value}} {{error}}.",
        None,
        None,
        All,
        Box::new(https),
    );
    e.add("nlgov:use-problem-schema", Error, "The content type of an error response should be application/problem+json or application/problem+xml to match RFC 9457.", Some("/core/error-handling/problem-details"), None, All, Box::new(UseProblemSchema));
    e.add(
        "nlgov:problem-schema-members",
        Error,
        "{{error}}. These fields are required: status, title and detail.",
        Some("/core/error-handling/problem-details"),
        None,
        All,
        Box::new(ProblemSchemaMembers),
    );
    e.add("nlgov:problem-invalid-input", Error, "GET and DELETE endpoints that have parameters, and all other endpoints must be able to return a 400 response", Some("/core/error-handling/invalid-input"), None, All, Box::new(ProblemInvalidInput));
    if id != RulesetId::Adr221 {
        e.add(
            "nlgov:property-casing",
            Warn,
            "Properties must be lowerCamelCase.",
            None,
            None,
            All,
            Box::new(PropertyCasing),
        );
    }
    e.add(
        "nlgov:date-time-ensure-timezone",
        Error,
        "Use date-time format which includes a timezone",
        Some("/core/date-time/timezone"),
        None,
        All,
        Box::new(DateTimeFormat {
            forbidden: "date-time-local",
        }),
    );
    e.add(
        "nlgov:time-without-timezone",
        Error,
        "Use time-local format without a timezone",
        Some("/core/date-time/timezone"),
        None,
        All,
        Box::new(DateTimeFormat { forbidden: "time" }),
    );
    e.add(
        "nlgov:specify-format-for-date-and-time",
        Error,
        "Any date field must set 'format' to 'date'",
        Some("/core/date-time/date-omit-time-portion"),
        None,
        All,
        Box::new(DateFieldFormat),
    );
    e.add(
        "nlgov:use-date-instead-of-datetime",
        Error,
        "Field represents a date and therefore must set 'format' to 'date'",
        Some("/core/date-time/date-omit-time-portion"),
        None,
        All,
        Box::new(DateTimeInsteadOfDate),
    );
    e.add(
        "nlgov:semver",
        Error,
        "Version {{value}} is not in semver format.",
        Some("/core/semver"),
        None,
        All,
        Box::new(Semver),
    );
}
