//! ADR 2.0 and 2.1.0. Both extend `spectral:oas` (every recommended rule at its default
//! severity) with their own rules: 2.0 as developer.overheid.nl hosted it until 2026-04-29
//! (`static/adr/ruleset.yaml`, the register's "ADR 2.0"), 2.1.0 as Logius published it
//! (`api/adr/2.1.0/media/linter.yaml`, the national API register's default).

use super::{Applies, Entries, RulesetId};
use crate::lint::Severity;
use crate::rules::*;

const DOC_OPENAPI: Option<&str> = Some("/core/doc-openapi");
const VERSION_HEADER: Option<&str> = Some("/core/version-header");
const URI_VERSION: Option<&str> = Some("/core/uri-version");
const NO_TRAILING_SLASH: Option<&str> = Some("/core/no-trailing-slash");
const HTTP_METHODS: Option<&str> = Some("/core/http-methods");
const PUBLISH_OPENAPI: Option<&str> = Some("/core/publish-openapi");
const CONTACT: Option<&str> = Some("/core/doc-openapi-contact");

/// Both configurations link their messages to the ADR 2.0 publication.
const VERSION_HEADER_MESSAGE: &str = "/core/version-header: Return the full version number in a response header: https://logius-standaarden.github.io/API-Design-Rules/#/core/version-header";

pub(super) fn build(id: RulesetId, e: &mut Entries) {
    use Applies::All;
    use Severity::{Error, Warn};
    let adr20 = id == RulesetId::Adr20;
    e.extend_oas();
    if !adr20 {
        // Raised from warn; the 2.1.0 configuration notes which ADR rule each one serves.
        e.get_mut("oas3-api-servers").severity = Error;
        e.get_mut("oas3-api-servers").adr_rule = URI_VERSION;
        e.get_mut("info-contact").severity = Error;
        e.get_mut("info-contact").adr_rule = CONTACT;
    }
    e.get_mut("path-keys-no-trailing-slash").adr_rule = NO_TRAILING_SLASH;

    if adr20 {
        e.add("openapi3", Error, "/core/doc-openapi: Use OpenAPI Specification for documentation: https://logius-standaarden.github.io/API-Design-Rules/#/core/doc-openapi", DOC_OPENAPI, None, All, Box::new(OpenApiVersion::new("^3.0.*$")));
        e.add(
            "missing-version-header",
            Error,
            VERSION_HEADER_MESSAGE,
            VERSION_HEADER,
            None,
            All,
            Box::new(MissingVersionHeader::ExactCase),
        );
    } else {
        e.add(
            "openapi3",
            Error,
            "Use OpenAPI Specification for documentation",
            DOC_OPENAPI,
            None,
            All,
            Box::new(OpenApiVersion::new("^3.0.*$")),
        );
        e.add(
            "missing-version-header",
            Error,
            "Return the full version number in a response header",
            VERSION_HEADER,
            None,
            All,
            Box::new(MissingVersionHeader::AnyOfFiveCasings),
        );
    }
    e.add(
        "missing-header",
        Error,
        VERSION_HEADER_MESSAGE,
        VERSION_HEADER,
        None,
        All,
        Box::new(MissingHeader),
    );
    e.add("include-major-version-in-uri", Error, "/core/uri-version: Include the major version number in the URI: https://logius-standaarden.github.io/API-Design-Rules/#/core/uri-version", URI_VERSION, None, All, Box::new(MajorVersionInUri));
    // 2.1.0's pattern has a stray space, so it practically never fires (verified quirk).
    let trailing_slash = if adr20 { r"\/$" } else { r".+ \/$" };
    e.add("paths-no-trailing-slash", Error, "/core/no-trailing-slash: Leave off trailing slashes from URIs: https://logius-standaarden.github.io/API-Design-Rules/#/core/no-trailing-slash", NO_TRAILING_SLASH, None, All, Box::new(PathsNoTrailingSlash::new(trailing_slash)));
    if !adr20 {
        e.add("paths-open-api-json-resource-exists", Error, "There does not exist a resource `/openapi.json` that returns the OpenAPI specification document", PUBLISH_OPENAPI, None, All, Box::new(OpenApiJsonExists));
        e.add("paths-open-api-json-resource-has-get", Error, "There does not exist a GET method (and no other methods) for the `/openapi.json` resource", PUBLISH_OPENAPI, None, All, Box::new(OpenApiJsonHasGet));
        e.add("paths-open-api-json-specify-cors-header", Error, "The response of the `/openapi.json` resource should set the `access-control-allow-origin` header with value `*`", PUBLISH_OPENAPI, None, All, Box::new(OpenApiJsonCorsHeader));
        e.add(
            "info-contact-fields-exist",
            Error,
            "Missing fields in `info.contact` field. Must specify email, name and url.",
            CONTACT,
            None,
            All,
            Box::new(InfoContactFields),
        );
    }
    e.add("http-methods", Error, "/core/http-methods: Only apply standard HTTP methods: https://logius-standaarden.github.io/API-Design-Rules/#http-methods", HTTP_METHODS, None, All, Box::new(HttpMethods));

    // Warnings without an ADR rule, inherited from the developer.overheid.nl linter.
    let kebab = if adr20 {
        PathsKebabCase::adr20()
    } else {
        PathsKebabCase::adr21()
    };
    e.add(
        "paths-kebab-case",
        Warn,
        "{{property}} is not kebab-case.",
        None,
        None,
        All,
        Box::new(kebab),
    );
    e.add(
        "schema-camel-case",
        Warn,
        "Schema name should be CamelCase in {{path}}",
        None,
        None,
        All,
        Box::new(SchemaCamelCase),
    );
    e.add(
        "servers-use-https",
        Warn,
        "Server URL {{value}} {{error}}.",
        None,
        None,
        All,
        Box::new(ServersUseHttps::HttpsOnly),
    );
    if adr20 {
        e.add(
            "use-problem-schema",
            Warn,
            "Your schema doesn't seem to match RFC7807. Are you sure it is ok? {{path}}",
            None,
            None,
            All,
            Box::new(Rfc7807ProblemSchema),
        );
    } else {
        e.add("use-problem-schema", Warn, "The content type of an error response should be application/problem+json or application/problem+xml to match RFC 9457.", None, None, All, Box::new(UseProblemSchema));
    }
    e.add(
        "property-casing",
        Warn,
        "Properties must be lowerCamelCase.",
        None,
        None,
        All,
        Box::new(PropertyCasing),
    );
}
