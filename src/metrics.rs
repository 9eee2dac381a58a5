//! Prometheus metrics (OpenMetrics text on the plain port's `/metrics`). Label values are fixed
//! words, never object names, so the series count stays bounded.

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
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
    /// The controller's series (all zero on a replica that does not hold the lease).
    pub controller: ControllerMetrics,
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
        let controller = ControllerMetrics::register(&mut registry);
        Metrics {
            registry,
            admission_requests,
            admission_duration,
            lint_duration,
            controller,
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

// === controller ===

/// `adr_publications{namespace,ruleset,state}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, EncodeLabelSet)]
pub struct PublicationLabels {
    pub namespace: String,
    /// The exact ruleset checked (`adr-2.2.1`), or `unknown` when none could be chosen.
    pub ruleset: String,
    /// `compliant`, `noncompliant` or `unresolved` (the document could not be had).
    pub state: String,
}

/// `adr_findings{namespace,rule,severity}`: findings no valid exemption covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, EncodeLabelSet)]
pub struct FindingLabels {
    pub namespace: String,
    /// The finding code (the engine's own codes: a bounded set).
    pub rule: String,
    pub severity: String,
}

/// `adr_exemptions{namespace,rule,state}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, EncodeLabelSet)]
pub struct ExemptionLabels {
    pub namespace: String,
    /// The exempted code, or `unknown` when the ruleset has no such rule (user text must not
    /// become a label value).
    pub rule: String,
    /// `active`, `expiring` (active, at most 30 days left), `expired`, `invalid` (expiry not a
    /// date) or `unknown_rule`.
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct ReasonLabels {
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct KindLabels {
    pub kind: String,
}

/// What the controller reports. The gauges are totals over the publications this replica
/// reconciled; the controller keeps each publication's share and moves it on every reconcile.
#[derive(Clone)]
pub struct ControllerMetrics {
    pub publications: Family<PublicationLabels, Gauge>,
    pub findings: Family<FindingLabels, Gauge>,
    pub exemptions: Family<ExemptionLabels, Gauge>,
    /// `adr_reconcile_total`.
    pub reconciles: Counter,
    /// `adr_reconcile_errors_total{reason}` (`api`, `fetch`, …: see `controller::Error::reason`).
    pub reconcile_errors: Family<ReasonLabels, Counter>,
    /// `adr_reconcile_duration_seconds`.
    pub reconcile_duration: Histogram,
    /// `adr_source_fetch_errors_total{kind}`: ConfigMap and URL sources that could not be read.
    pub source_fetch_errors: Family<KindLabels, Counter>,
}

impl ControllerMetrics {
    /// One more source that could not be read (`kind` as [`crate::fetch::Error::kind`] names it).
    pub fn source_fetch_failed(&self, kind: &str) {
        self.source_fetch_errors
            .get_or_create(&KindLabels {
                kind: kind.to_string(),
            })
            .inc();
    }

    fn register(registry: &mut Registry) -> Self {
        let m = ControllerMetrics {
            publications: Family::default(),
            findings: Family::default(),
            exemptions: Family::default(),
            reconciles: Counter::default(),
            reconcile_errors: Family::default(),
            // 1 ms .. ~16 s: an inline document is milliseconds, a slow URL up to the fetch
            // timeout.
            reconcile_duration: Histogram::new(exponential_buckets(0.001, 2.0, 15)),
            source_fetch_errors: Family::default(),
        };
        registry.register(
            "publications",
            "ApiPublications by namespace, ruleset and state (compliant, noncompliant, unresolved)",
            m.publications.clone(),
        );
        registry.register(
            "findings",
            "Findings no valid exemption covers, by namespace, rule and severity",
            m.findings.clone(),
        );
        registry.register(
            "exemptions",
            "Exemptions by namespace, rule and state (active, expiring, expired, invalid, unknown_rule)",
            m.exemptions.clone(),
        );
        registry.register("reconcile", "Reconciles run", m.reconciles.clone());
        registry.register(
            "reconcile_errors",
            "Reconciles that failed and will be retried, by reason",
            m.reconcile_errors.clone(),
        );
        registry.register_with_unit(
            "reconcile_duration",
            "Time to reconcile one ApiPublication",
            Unit::Seconds,
            m.reconcile_duration.clone(),
        );
        registry.register(
            "source_fetch_errors",
            "OpenAPI documents that could not be read from their source, by kind of failure",
            m.source_fetch_errors.clone(),
        );
        m
    }
}
