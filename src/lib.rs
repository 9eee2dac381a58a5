//! adr-operator: checks OpenAPI documents against the NL GOV API Design Rules (ADR), as a CLI,
//! an admission webhook and a Kubernetes controller that share one lint engine.

pub mod catalogue;
pub mod document;
pub mod lint;
pub mod report;
pub mod rules;
pub mod ruleset;
