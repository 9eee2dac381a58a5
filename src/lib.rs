//! adr-operator: checks OpenAPI documents against the NL GOV API Design Rules (ADR), as a CLI,
//! an admission webhook and a Kubernetes controller that share one lint engine.
//!
//! The engine (`document`, `rules`, `ruleset`, `lint`, `report`, `catalogue`) and the `lint`
//! command line (`cli`) need no Kubernetes; the rest is the `operator` feature (on by default).

pub mod catalogue;
pub mod cli;
pub mod document;
mod helper;
pub mod lint;
pub mod report;
pub mod rules;
pub mod ruleset;

#[cfg(feature = "operator")]
pub mod admission;
#[cfg(feature = "operator")]
pub mod api;
/// Self-managed webhook TLS: a CA and serving certificate in a Secret, rotated, and the caBundle.
#[cfg(feature = "operator")]
pub mod certs;
/// `adr-operator check`: the webhook's decisions for the ApiPublications in a set of manifests.
#[cfg(feature = "operator")]
pub mod check;
/// Reconciles `ApiPublication` status, Events and metrics (leader only).
#[cfg(feature = "operator")]
pub mod controller;
/// Guarded fetching of `spec.openapi.url` documents (https, no private addresses, limits).
#[cfg(feature = "operator")]
pub mod fetch;
#[cfg(feature = "operator")]
pub mod metrics;
#[cfg(feature = "operator")]
pub mod policy;
#[cfg(feature = "operator")]
pub mod server;
#[cfg(feature = "operator")]
pub mod source;
/// The status an assessment leads to: conditions, findings, what changed (pure).
#[cfg(feature = "operator")]
pub mod status;
