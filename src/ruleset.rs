//! ADR versions: which rules run, under which code, severity and message — transcribed from the
//! official Logius linter configuration of each version (`media/linter.yaml`).

use std::fmt;
use std::str::FromStr;

use crate::lint::Severity;
use crate::rules::*;

/// Which documents a rule runs on (the reference's `formats`; rules without are run on all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    All,
    Oas2,
    Oas3,
    Oas2Or3,
    Oas3_0,
    Oas3_1,
}

/// One rule as a ruleset switches it on.
#[derive(Debug)]
pub struct RuleEntry {
    /// The code findings carry (`nlgov:missing-header`, `oas3-schema`, …).
    pub code: &'static str,
    pub severity: Severity,
    /// Message template (`{{value}}`, `{{property}}`, `{{error}}`, `{{path}}`).
    pub message: &'static str,
    /// The ADR rule it enforces, where the official configuration says so.
    pub adr_rule: Option<&'static str>,
    pub documentation_url: Option<&'static str>,
    pub applies: Applies,
    pub check: Box<dyn Check>,
}

/// The ADR versions the engine knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RulesetId {
    Adr220,
    Adr221,
    AdrDraft,
}

impl RulesetId {
    pub const ALL: [RulesetId; 3] = [RulesetId::Adr220, RulesetId::Adr221, RulesetId::AdrDraft];

    /// The current final version, used when none is asked for.
    pub const LATEST: RulesetId = RulesetId::Adr221;

    pub fn as_str(self) -> &'static str {
        match self {
            RulesetId::Adr220 => "adr-2.2.0",
            RulesetId::Adr221 => "adr-2.2.1",
            RulesetId::AdrDraft => "adr-draft",
        }
    }

    /// Where the official configuration this ruleset transcribes is published.
    pub fn origin(self) -> &'static str {
        match self {
            RulesetId::Adr220 => {
                "https://gitdocumentatie.logius.nl/publicatie/api/adr/2.2.0/media/linter.yaml"
            }
            RulesetId::Adr221 => {
                "https://gitdocumentatie.logius.nl/publicatie/api/adr/2.2.1/media/linter.yaml"
            }
            RulesetId::AdrDraft => {
                "Logius-standaarden/API-Design-Rules develop@6edd13c (2026-05-18) media/linter.yaml"
            }
        }
    }

    pub fn ruleset(self) -> Ruleset {
        Ruleset::build(self)
    }
}

impl fmt::Display for RulesetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RulesetId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "adr-2.2.0" => Ok(RulesetId::Adr220),
            "adr-2.2.1" | "adr-2.2" => Ok(RulesetId::Adr221),
            "adr-draft" => Ok(RulesetId::AdrDraft),
            other => Err(format!(
                "unknown ruleset '{other}' (known: adr-2.2.0, adr-2.2.1, adr-2.2 = adr-2.2.1, adr-draft)"
            )),
        }
    }
}

/// The rules of one ADR version.
#[derive(Debug)]
pub struct Ruleset {
    pub id: RulesetId,
    entries: Vec<RuleEntry>,
}

macro_rules! docs {
    ($slug:literal) => {
        Some(concat!(
            "https://developer.overheid.nl/kennisbank/apis/api-design-rules/hoe-te-voldoen/",
            $slug
        ))
    };
}

impl Ruleset {
    pub fn entries(&self) -> &[RuleEntry] {
        &self.entries
    }

    pub fn entry(&self, code: &str) -> Option<&RuleEntry> {
        self.entries.iter().find(|e| e.code == code)
    }

    fn build(id: RulesetId) -> Ruleset {
        use Applies::*;
        use Severity::*;
        let mut e: Vec<RuleEntry> = Vec::new();
        let mut add = |code,
                       severity,
                       message,
                       adr_rule,
                       documentation_url,
                       applies,
                       check: Box<dyn Check>| {
            e.push(RuleEntry {
                code,
                severity,
                message,
                adr_rule,
                documentation_url,
                applies,
                check,
            })
        };
        let publish = Some("/core/publish-openapi");

        // spectral:oas rules the configuration switches on (#/core/publish-openapi: validity).
        add(
            "oas3-schema",
            Error,
            "{{error}}.",
            publish,
            None,
            Oas3,
            Box::new(Oas3Schema),
        );
        add(
            "operation-operationId-unique",
            Error,
            "Every operation must have unique \"operationId\".",
            publish,
            None,
            Oas2Or3,
            Box::new(OperationIdUnique),
        );
        add(
            "path-params",
            Error,
            "{{error}}",
            publish,
            None,
            Oas2Or3,
            Box::new(PathParams),
        );
        add(
            "openapi-tags-uniqueness",
            Error,
            "{{error}}",
            publish,
            None,
            Oas2Or3,
            Box::new(TagsUniqueness),
        );
        add(
            "oas3-valid-media-example",
            Error,
            "{{error}}",
            publish,
            None,
            Oas3,
            Box::new(ValidMediaExample),
        );
        add(
            "oas3-valid-schema-example",
            Error,
            "{{error}}",
            publish,
            None,
            Oas3,
            Box::new(ValidSchemaExample),
        );
        add(
            "oas3-server-variables",
            Error,
            "{{error}}",
            publish,
            None,
            Oas2Or3,
            Box::new(ServerVariables),
        );
        add(
            "oas3-api-servers",
            Error,
            "OpenAPI \"servers\" must be present and non-empty array.",
            Some("/core/uri-version"),
            None,
            Oas3,
            Box::new(ApiServers),
        );
        add(
            "path-keys-no-trailing-slash",
            Error,
            "Path must not end with slash.",
            Some("/core/no-trailing-slash"),
            None,
            Oas2Or3,
            Box::new(PathKeysNoTrailingSlash),
        );

        add("nlgov:openapi3", Error, "The OpenAPI Specification is versioned using a `major.minor.patch` versioning scheme. Use a version 3 OpenAPI Specification for documentation.", Some("/core/doc-openapi"), None, All, Box::new(OpenApiVersion::new(r"^3(.\d+){1,2}$")));
        add(
            "nlgov:openapi-root-exists",
            Error,
            "The root of the document must contain the `openapi` property.",
            Some("/core/doc-openapi"),
            None,
            All,
            Box::new(OpenApiRootExists),
        );
        add(
            "nlgov:missing-version-header",
            Error,
            "Return the full version number in a response header.",
            Some("/core/version-header"),
            docs!("version-header"),
            All,
            Box::new(MissingVersionHeader),
        );
        add(
            "nlgov:missing-header",
            Error,
            "Return the full version number in a response header.",
            Some("/core/version-header"),
            docs!("version-header"),
            All,
            Box::new(MissingHeader),
        );
        add(
            "nlgov:include-major-version-in-uri",
            Error,
            "Include the major version number in the URI.",
            Some("/core/uri-version"),
            docs!("uri-version"),
            All,
            Box::new(MajorVersionInUri),
        );
        add(
            "nlgov:paths-no-trailing-slash",
            Error,
            "Leave off trailing slashes from URIs.",
            Some("/core/no-trailing-slash"),
            docs!("no-trailing-slash"),
            All,
            Box::new(PathsNoTrailingSlash::new(r".+ \/$")),
        );
        add(
            "info-contact",
            Error,
            "Info object must have \"contact\" object.",
            Some("/core/doc-openapi-contact"),
            docs!("doc-openapi-contact"),
            All,
            Box::new(InfoContact),
        );
        add(
            "nlgov:info-contact-fields-exist",
            Error,
            "Missing fields in `info.contact` field. Must specify email, name and url.",
            Some("/core/doc-openapi-contact"),
            docs!("doc-openapi-contact"),
            All,
            Box::new(InfoContactFields),
        );
        add(
            "nlgov:http-methods",
            Error,
            "Only apply standard HTTP methods.",
            Some("/core/http-methods"),
            docs!("http-methods"),
            All,
            Box::new(HttpMethods),
        );
        add(
            "nlgov:paths-kebab-case",
            Error,
            "{{property}} is not kebab-case.",
            Some("/core/path-segments-kebab-case"),
            None,
            All,
            Box::new(PathsKebabCase),
        );
        add(
            "nlgov:query-keys-camel-case",
            Error,
            "{{value}} is not lower camelCase.",
            Some("/core/query-keys-camel-case"),
            None,
            All,
            Box::new(QueryKeysCamelCase),
        );
        if id != RulesetId::Adr221 {
            add(
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
        add(
            "nlgov:servers-use-https",
            https_severity,
            "Server URL {{value}} {{error}}.",
            None,
            None,
            All,
            Box::new(https),
        );
        add("nlgov:use-problem-schema", Error, "The content type of an error response should be application/problem+json or application/problem+xml to match RFC 9457.", Some("/core/error-handling/problem-details"), None, All, Box::new(UseProblemSchema));
        add(
            "nlgov:problem-schema-members",
            Error,
            "{{error}}. These fields are required: status, title and detail.",
            Some("/core/error-handling/problem-details"),
            None,
            All,
            Box::new(ProblemSchemaMembers),
        );
        add("nlgov:problem-invalid-input", Error, "GET and DELETE endpoints that have parameters, and all other endpoints must be able to return a 400 response", Some("/core/error-handling/invalid-input"), None, All, Box::new(ProblemInvalidInput));
        if id != RulesetId::Adr221 {
            add(
                "nlgov:property-casing",
                Warn,
                "Properties must be lowerCamelCase.",
                None,
                None,
                All,
                Box::new(PropertyCasing),
            );
        }
        add(
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
        add(
            "nlgov:time-without-timezone",
            Error,
            "Use time-local format without a timezone",
            Some("/core/date-time/timezone"),
            None,
            All,
            Box::new(DateTimeFormat { forbidden: "time" }),
        );
        add(
            "nlgov:specify-format-for-date-and-time",
            Error,
            "Any date field must set 'format' to 'date'",
            Some("/core/date-time/date-omit-time-portion"),
            None,
            All,
            Box::new(DateFieldFormat),
        );
        add(
            "nlgov:use-date-instead-of-datetime",
            Error,
            "Field represents a date and therefore must set 'format' to 'date'",
            Some("/core/date-time/date-omit-time-portion"),
            None,
            All,
            Box::new(DateTimeInsteadOfDate),
        );
        add(
            "nlgov:semver",
            Error,
            "Version {{value}} is not in semver format.",
            Some("/core/semver"),
            None,
            All,
            Box::new(Semver),
        );
        Ruleset { id, entries: e }
    }
}
