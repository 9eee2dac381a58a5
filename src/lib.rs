//! adr-operator: checks OpenAPI documents against the NL GOV API Design Rules (ADR), as a CLI,
//! an admission webhook and a Kubernetes controller that share one lint engine.

pub mod admission;
pub mod api;
pub mod catalogue;
pub mod document;
pub mod lint;
pub mod metrics;
pub mod policy;
pub mod report;
pub mod rules;
pub mod ruleset;
pub mod server;
pub mod source;
