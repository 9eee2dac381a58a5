//! Prometheus metrics (OpenMetrics text on the plain port's `/metrics`). Label values are fixed
//! words, never object names, so the series count stays bounded.

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};

/// Which webhook answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum Resource {
    apipublications,
    configmaps,
}

/// The AdmissionRequest operation (`unknown` when the review could not be read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum Operation {
    create,
    update,
    delete,
    connect,
    unknown,
}

/// What the webhook answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum Decision {
    /// Allowed without warnings.
    allow,
    /// Allowed with warnings.
    warn,
    deny,
    /// The review itself was malformed.
    invalid,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RequestLabels {
    pub resource: Resource,
    pub operation: Operation,
    pub decision: Decision,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct ResourceLabels {
    pub resource: Resource,
}

/// The operator's metrics and the registry that exposes them.
pub struct Metrics {
    registry: Registry,
    /// `adr_admission_requests_total{resource,operation,decision}`.
    pub admission_requests: Family<RequestLabels, Counter>,
    /// `adr_admission_duration_seconds{resource}`: from body read to response.
    pub admission_duration: Family<ResourceLabels, Histogram>,
    /// `adr_lint_duration_seconds`: one document through the engine.
    pub lint_duration: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("adr");
        let admission_requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "admission_requests",
            "Admission reviews answered, by resource, operation and decision",
            admission_requests.clone(),
        );
        // 0.5 ms .. ~4 s: a small inline document lints in well under a millisecond, and the
        // API server's webhook timeout is at most 30 s.
        let admission_duration = Family::<ResourceLabels, Histogram>::new_with_constructor(
            duration_histogram as fn() -> _,
        );
        registry.register_with_unit(
            "admission_duration",
            "Time to answer an admission review",
            Unit::Seconds,
            admission_duration.clone(),
        );
        let lint_duration = duration_histogram();
        registry.register_with_unit(
            "lint_duration",
            "Time to lint one OpenAPI document",
            Unit::Seconds,
            lint_duration.clone(),
        );
        Metrics {
            registry,
            admission_requests,
            admission_duration,
            lint_duration,
        }
    }
}

impl Metrics {
    /// The OpenMetrics text exposition of every metric.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}

fn duration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 14))
}
