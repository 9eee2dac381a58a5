//! The rules: one file per rule (or small family), each with its metadata beside its check.
//!
//! A rule's check finds the nodes that break it and reports them to a [`Sink`]; the ruleset
//! (see [`crate::ruleset`]) decides each rule's code, severity and message per ADR version, and
//! the runner ([`crate::lint`]) turns reports into findings with paths and ranges.
//!
//! Adding a rule: write `rules/<name>.rs` with a `pub struct` implementing [`Check`] and its
//! fixture tests, add a `mod` line below, and list it in the rulesets that switch it on.

pub(crate) mod nfa;
pub mod pattern;
pub mod walk;

mod date_time;
mod http_methods;
mod info_contact;
mod invalid_input;
mod major_version_in_uri;
mod oas;
mod openapi_version;
mod paths_kebab_case;
mod paths_no_trailing_slash;
mod problem_details;
mod publish_openapi;
mod query_keys_camel_case;
mod schema_casing;
mod selections;
mod semver;
mod servers_use_https;
mod version_header;

pub use date_time::{DateFieldFormat, DateTimeFormat, DateTimeInsteadOfDate};
pub use http_methods::HttpMethods;
pub use info_contact::{InfoContact, InfoContactFields};
pub use invalid_input::ProblemInvalidInput;
pub use major_version_in_uri::MajorVersionInUri;
pub use oas::*;
pub use openapi_version::{OpenApiRootExists, OpenApiVersion};
pub use paths_kebab_case::PathsKebabCase;
pub use paths_no_trailing_slash::PathsNoTrailingSlash;
pub use problem_details::{ProblemSchemaMembers, Rfc7807ProblemSchema, UseProblemSchema};
pub use publish_openapi::{OpenApiJsonCorsHeader, OpenApiJsonExists, OpenApiJsonHasGet};
pub use query_keys_camel_case::QueryKeysCamelCase;
pub use schema_casing::{PropertyCasing, SchemaCamelCase};
pub use semver::Semver;
pub use servers_use_https::ServersUseHttps;
pub use version_header::{MissingHeader, MissingVersionHeader};

use crate::document::{Document, NodeId};

/// What a rule reports: the node at fault and the values its message template may use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Report {
    pub node: NodeId,
    /// `{{value}}`: the offending value, printed as the reference prints it.
    pub value: Option<String>,
    /// `{{property}}`: overrides the last path segment (used when the message names a key).
    pub property: Option<String>,
    /// `{{error}}`: the function's own explanation (e.g. which pattern failed).
    pub error: Option<String>,
    /// Extra path segments below `node` that the reference keeps in the finding's path
    /// (e.g. a schema validation error deeper than the target), already known to exist.
    pub subpath: Vec<crate::document::Segment>,
}

/// Collects a rule's reports.
#[derive(Debug, Default)]
pub struct Sink {
    pub reports: Vec<Report>,
}

impl Sink {
    /// Reports `node` with no message variables.
    pub fn node(&mut self, node: NodeId) {
        self.reports.push(Report {
            node,
            ..Report::default()
        });
    }

    pub fn push(&mut self, report: Report) {
        self.reports.push(report);
    }
}

/// A rule's check: finds the nodes of `doc` that break the rule.
pub trait Check: Send + Sync + std::fmt::Debug {
    fn check(&self, doc: &Document, sink: &mut Sink);

    /// Whether the check validates the whole document against a schema: by far the dearest
    /// checks, which a lint on two threads starts first so that the rest fill the other thread.
    fn validates_whole_document(&self) -> bool {
        false
    }
}

/// JavaScript `String(value)`-style printing of a node for `{{value}}`.
pub fn print_value(doc: &Document, node: NodeId) -> String {
    use crate::document::Value;
    match doc.value(node) {
        Value::Array(_) => "Array[]".into(),
        Value::Object(_) => "Object{}".into(),
        v => crate::document::js_string(v),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Fixture helpers: lint a snippet with one check and list the reported paths; strings to
    //! test expressions on.
    use super::{Check, Sink};
    use crate::document::{Document, LoadOptions};

    /// Every string of one to `longest` pieces of `alphabet`, shortest first.
    pub fn every_string(alphabet: &[&str], longest: usize) -> Vec<String> {
        let mut strings = Vec::new();
        let mut layer = vec![String::new()];
        for _ in 0..longest {
            layer = layer
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(layer.iter().cloned());
        }
        strings
    }

    /// Runs `check` on a YAML or JSON snippet and returns the reported node paths as
    /// dot-joined strings, in report order.
    pub fn run(check: &dyn Check, text: &str) -> Vec<String> {
        let doc = Document::load("fixture.yaml", text.as_bytes(), &LoadOptions::default())
            .expect("fixture parses");
        let mut sink = Sink::default();
        check.check(&doc, &mut sink);
        sink.reports
            .iter()
            .map(|r| {
                let mut path = doc.tree.path(doc.location(r.node));
                path.extend(r.subpath.iter().cloned());
                path.iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(".")
            })
            .collect()
    }
}
