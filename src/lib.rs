//! adr-operator: checks OpenAPI documents against the NL GOV API Design Rules (ADR), as a CLI,
//! an admission webhook and a Kubernetes controller that share one lint engine.

pub mod admission;
pub mod api;
pub mod catalogue;
/// Self-managed webhook TLS: a CA and serving certificate in a Secret, rotated, and the caBundle.
pub mod certs;
/// `adr-operator check`: the webhook's decisions for the ApiPublications in a set of manifests.
pub mod check;
/// Reconciles `ApiPublication` status, Events and metrics (leader only).
pub mod controller;
pub mod document;
/// Guarded fetching of `spec.openapi.url` documents (https, no private addresses, limits).
pub mod fetch;
pub mod lint;
pub mod metrics;
pub mod policy;
pub mod report;
pub mod rules;
pub mod ruleset;
pub mod server;
pub mod source;
/// The status an assessment leads to: conditions, findings, what changed (pure).
pub mod status;
