//! AdmissionReview in, AdmissionReview out: reads the request, gets the document through
//! [`source`], lints it, asks [`policy`] for the verdict and writes the response.
//!
//! The API server always gets a well-formed answer: a malformed review becomes an `invalid`
//! response (with the request's uid when it can be found), and every answer comes back within
//! the configured budget.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::core::admission::{AdmissionRequest, AdmissionResponse, AdmissionReview, Operation};
use kube::core::{DynamicObject, Status};
use tokio::sync::Semaphore;
use tracing::{debug, info, warn};

use crate::api::{ApiPublication, Enforcement, Exemption, ENFORCEMENT_LABEL, OPENAPI_LABEL};
use crate::document::{LoadError, LoadOptions};
use crate::lint::{lint_bytes, Finding};
use crate::metrics::{self, Decision, Metrics, RequestLabels, ResourceLabels};
use crate::policy::{self, Verdict};
use crate::ruleset::{Ruleset, RulesetId};
use crate::source::{self, Cluster, ClusterError, Resolved};

/// Operator-wide admission settings (from `adr-operator run` flags).
#[derive(Debug, Clone)]
pub struct Config {
    /// Enforcement for publications that set none and whose namespace has no label.
    pub default_enforcement: Enforcement,
    /// Ruleset for publications that set none.
    pub default_ruleset: RulesetId,
    /// Longest a review may take. The API server's webhook timeout is 10 s by default (30 s at
    /// most); the budget must stay well inside it so the answer is ours, not its
    /// `failurePolicy`'s.
    pub budget: Duration,
    /// Largest document the webhook lints.
    pub max_document_bytes: usize,
    /// How much a verdict may say.
    pub limits: policy::Limits,
    /// Fetch `url` sources during admission (`--admission-fetch-urls`), with this fetcher's
    /// guards and its total timeout, which must leave room in the budget. `None`: URL sources
    /// are left to the controller.
    pub url_fetcher: Option<Arc<crate::fetch::Fetcher>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            default_enforcement: Enforcement::Enforce,
            default_ruleset: RulesetId::LATEST,
            budget: Duration::from_secs(3),
            max_document_bytes: 3 * 1024 * 1024,
            limits: policy::Limits::default(),
            url_fetcher: None,
        }
    }
}

/// The admission side of the operator: shared by every request.
pub struct Admission {
    config: Config,
    /// Kubernetes API reads (ConfigMaps, namespace labels, publications).
    cluster: Arc<dyn Cluster>,
    metrics: Arc<Metrics>,
    load_options: LoadOptions,
    /// One permit per core: more lints at once only slice the same CPUs thinner, so that every
    /// review gets slow together; waiting for a permit counts against the budget instead.
    lint_slots: Arc<Semaphore>,
}

impl Admission {
    pub fn new(config: Config, cluster: Arc<dyn Cluster>, metrics: Arc<Metrics>) -> Self {
        let mut load_options = LoadOptions::default();
        load_options.limits.max_input_bytes = config.max_document_bytes;
        // NOTE: a document that comes from the cluster must never make the webhook read its own
        // file system: with one file allowed (the document), every relative `$ref` becomes an
        // `invalid-ref` finding instead of a read.
        load_options.limits.max_files = 1;
        Admission {
            config,
            cluster,
            metrics,
            load_options,
            lint_slots: Arc::new(Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Answers a review sent to `/validate/apipublications`.
    pub async fn review_publication(&self, body: &[u8]) -> AdmissionReview<DynamicObject> {
        let start = Instant::now();
        let (response, operation) = match parse(body) {
            Ok(req) => {
                let op = operation(&req.operation);
                (self.publication(req).await, op)
            }
            Err(response) => (*response, metrics::Operation::unknown),
        };
        self.finish(
            metrics::Resource::apipublications,
            operation,
            response,
            start,
        )
    }

    /// Answers a review sent to `/validate/configmaps`.
    pub async fn review_config_map(&self, body: &[u8]) -> AdmissionReview<DynamicObject> {
        let start = Instant::now();
        let (response, operation) = match parse(body) {
            Ok(req) => {
                let op = operation(&req.operation);
                (self.config_map(req).await, op)
            }
            Err(response) => (*response, metrics::Operation::unknown),
        };
        self.finish(metrics::Resource::configmaps, operation, response, start)
    }

    fn finish(
        &self,
        resource: metrics::Resource,
        operation: metrics::Operation,
        response: AdmissionResponse,
        start: Instant,
    ) -> AdmissionReview<DynamicObject> {
        let decision = if response.result.reason == "InvalidRequest" {
            Decision::invalid
        } else if !response.allowed {
            Decision::deny
        } else if response.warnings.as_ref().is_some_and(|w| !w.is_empty()) {
            Decision::warn
        } else {
            Decision::allow
        };
        self.metrics
            .admission_requests
            .get_or_create(&RequestLabels {
                resource,
                operation,
                decision,
            })
            .inc();
        self.metrics
            .admission_duration
            .get_or_create(&ResourceLabels { resource })
            .observe(start.elapsed().as_secs_f64());
        response.into_review()
    }

    // === ApiPublication ===

    async fn publication(&self, mut req: AdmissionRequest<DynamicObject>) -> AdmissionResponse {
        if req.kind.group != crate::api::GROUP || req.kind.kind != "ApiPublication" {
            return wrong_kind(&req, "apistrategie.nl ApiPublication");
        }
        let response = AdmissionResponse::from(&req);
        if matches!(req.operation, Operation::Delete | Operation::Connect)
            || req.sub_resource.is_some()
        {
            return response;
        }
        let Some(object) = req.object.take() else {
            return invalid(&req, "the request has no object");
        };
        if req.operation == Operation::Update
            && req.old_object.as_ref().map(|o| o.data.get("spec")) == Some(object.data.get("spec"))
        {
            // Metadata or status changes: the document was checked when the spec last changed.
            debug!(uid = %req.uid, "spec unchanged; allowed");
            return response;
        }
        let publication = match publication_from(object) {
            Ok(p) => p,
            Err(e) => return respond(response, deny(format!("not a valid ApiPublication: {e}"))),
        };
        let namespace = req
            .namespace
            .clone()
            .or_else(|| publication.metadata.namespace.clone())
            .unwrap_or_default();
        let fallback = publication
            .spec
            .enforcement
            .unwrap_or(self.config.default_enforcement);
        let verdict = match tokio::time::timeout(
            self.config.budget,
            self.check_publication(&publication, &namespace),
        )
        .await
        {
            Ok(v) => v,
            Err(_) => self.out_of_time(fallback),
        };
        if !verdict.allowed {
            info!(uid = %req.uid, %namespace, name = %req.name, dry_run = req.dry_run, "denied");
        }
        respond(response, verdict)
    }

    async fn check_publication(&self, p: &ApiPublication, namespace: &str) -> Verdict {
        let mut notes = Vec::new();
        let mut labels = NamespaceLabels::default();
        let enforcement = self
            .enforcement(p.spec.enforcement, namespace, &mut labels, &mut notes)
            .await;
        let ruleset = match self.ruleset(p.spec.ruleset.as_deref()) {
            Ok(r) => r,
            Err(e) => return with_notes(self.unverifiable(enforcement, &e), notes),
        };
        let verdict = match source::resolve(
            &p.spec.openapi,
            namespace,
            &*self.cluster,
            self.config.max_document_bytes,
        )
        .await
        {
            Ok(Resolved::Document { name, bytes }) => {
                self.lint_verdict(name, bytes, ruleset, &p.spec.exemptions, enforcement)
                    .await
            }
            Ok(Resolved::Deferred { url }) => match &self.config.url_fetcher {
                Some(fetcher) => {
                    self.fetched_verdict(fetcher, url, ruleset, p, enforcement)
                        .await
                }
                None => deferred(enforcement, &url, None),
            },
            Err(e) => self.unverifiable(enforcement, &e.to_string()),
        };
        with_notes(verdict, notes)
    }

    /// A URL source fetched at admission is checked like an inline one. When the fetch fails
    /// (refused by the guards, too slow, too large) the publication is not denied for it: the
    /// answer is the one without fetching, saying why, and the controller keeps trying.
    async fn fetched_verdict(
        &self,
        fetcher: &crate::fetch::Fetcher,
        url: String,
        ruleset: &'static Ruleset,
        p: &ApiPublication,
        enforcement: Enforcement,
    ) -> Verdict {
        use crate::fetch::{Fetched, Validators};
        match fetcher.fetch(&url, &Validators::default()).await {
            Ok(Fetched::Document { bytes, .. }) => {
                self.lint_verdict(url, bytes, ruleset, &p.spec.exemptions, enforcement)
                    .await
            }
            // Not asked conditionally, so a 304 is the server's confusion.
            Ok(Fetched::NotModified) => {
                deferred(enforcement, &url, Some("HTTP 304 without a condition"))
            }
            Err(e) => {
                self.metrics.controller.source_fetch_failed(e.kind());
                deferred(enforcement, &url, Some(&e.to_string()))
            }
        }
    }

    // === ConfigMap ===

    /// A change to a ConfigMap labelled `apistrategie.nl/openapi=true` is checked against every
    /// publication in its namespace that reads it, so a GitOps change to the document alone
    /// cannot slip a non-compliant API past an Enforce publication.
    async fn config_map(&self, mut req: AdmissionRequest<DynamicObject>) -> AdmissionResponse {
        if !req.kind.group.is_empty() || req.kind.kind != "ConfigMap" {
            return wrong_kind(&req, "core/v1 ConfigMap");
        }
        let response = AdmissionResponse::from(&req);
        if matches!(req.operation, Operation::Delete | Operation::Connect) {
            // Deleting the document leaves the publication unresolved; the controller reports
            // that in its status. Refusing deletes would block namespace clean-up.
            return response;
        }
        let Some(object) = req.object.take() else {
            return invalid(&req, "the request has no object");
        };
        let labelled = object
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(OPENAPI_LABEL))
            .is_some_and(|v| v == "true");
        if !labelled {
            return response;
        }
        if req.operation == Operation::Update
            && req.old_object.as_ref().is_some_and(|old| {
                old.data.get("data") == object.data.get("data")
                    && old.data.get("binaryData") == object.data.get("binaryData")
            })
        {
            return response;
        }
        let cm = match config_map_from(object) {
            Ok(cm) => cm,
            Err(e) => return respond(response, deny(format!("not a valid ConfigMap: {e}"))),
        };
        let namespace = req
            .namespace
            .clone()
            .or_else(|| cm.metadata.namespace.clone())
            .unwrap_or_default();
        let verdict =
            match tokio::time::timeout(self.config.budget, self.check_config_map(&cm, &namespace))
                .await
            {
                Ok(v) => v,
                Err(_) => self.out_of_time(self.config.default_enforcement),
            };
        respond(response, verdict)
    }

    async fn check_config_map(&self, cm: &ConfigMap, namespace: &str) -> Verdict {
        let name = cm.metadata.name.clone().unwrap_or_default();
        let publications = match self.cluster.publications(namespace).await {
            Ok(p) => p,
            Err(e) => {
                warn!(%namespace, %name, error = %e, "cannot list ApiPublications");
                return allow_with(vec![format!(
                    "this OpenAPI ConfigMap was not checked: cannot list the ApiPublications of namespace {namespace} ({e})"
                )]);
            }
        };
        let mut labels = NamespaceLabels::default();
        let mut combined = Verdict {
            enforcement: self.config.default_enforcement,
            allowed: true,
            message: None,
            warnings: Vec::new(),
        };
        let mut denials = Vec::new();
        for p in &publications {
            let Some(r) = p
                .spec
                .openapi
                .config_map_ref
                .as_ref()
                .filter(|r| r.name == name)
            else {
                continue;
            };
            let pub_name = p.metadata.name.clone().unwrap_or_default();
            let mut notes = Vec::new();
            let enforcement = self
                .enforcement(p.spec.enforcement, namespace, &mut labels, &mut notes)
                .await;
            let verdict = match (
                self.ruleset(p.spec.ruleset.as_deref()),
                source::config_map_key(cm, &r.key),
            ) {
                (Err(e), _) => self.unverifiable(enforcement, &e),
                (Ok(_), None) => self.unverifiable(
                    enforcement,
                    &format!(
                        "the ConfigMap would no longer have the key '{}' it reads",
                        r.key
                    ),
                ),
                (Ok(_), Some(bytes)) if bytes.len() > self.config.max_document_bytes => self
                    .unverifiable(
                        enforcement,
                        &LoadError::TooLarge {
                            size: bytes.len(),
                            limit: self.config.max_document_bytes,
                        }
                        .to_string(),
                    ),
                (Ok(ruleset), Some(bytes)) => {
                    self.lint_verdict(
                        format!("configmap/{name}/{}", r.key),
                        bytes,
                        ruleset,
                        &p.spec.exemptions,
                        enforcement,
                    )
                    .await
                }
            };
            let verdict = with_notes(verdict, notes);
            combined.allowed &= verdict.allowed;
            if let Some(m) = verdict.message {
                denials.push(format!("ApiPublication {pub_name}: {m}"));
            }
            combined.warnings.extend(
                verdict
                    .warnings
                    .iter()
                    .map(|w| format!("ApiPublication {pub_name}: {w}")),
            );
        }
        if !denials.is_empty() {
            combined.message = Some(denials.join("\n"));
        }
        combined.warnings = policy::cap_warnings(combined.warnings, &self.config.limits);
        combined
    }

    // === shared steps ===

    /// The resource's enforcement, else the namespace label's, else the operator default.
    async fn enforcement(
        &self,
        resource: Option<Enforcement>,
        namespace: &str,
        labels: &mut NamespaceLabels,
        notes: &mut Vec<String>,
    ) -> Enforcement {
        if resource.is_some() {
            return policy::resolve_enforcement(resource, None, self.config.default_enforcement).0;
        }
        let label = match labels.load(&*self.cluster, namespace).await {
            NamespaceLabels::Read(labels) => labels.get(ENFORCEMENT_LABEL).cloned(),
            NamespaceLabels::Unread | NamespaceLabels::NoCluster => None,
            NamespaceLabels::Failed(e) => {
                notes.push(format!(
                    "cannot read the labels of namespace {namespace} ({e}); using the operator default enforcement {}",
                    self.config.default_enforcement
                ));
                None
            }
        };
        let (enforcement, note) =
            policy::resolve_enforcement(None, label.as_deref(), self.config.default_enforcement);
        notes.extend(note);
        enforcement
    }

    fn ruleset(&self, id: Option<&str>) -> Result<&'static Ruleset, String> {
        Ruleset::named(id, self.config.default_ruleset)
    }

    async fn lint_verdict(
        &self,
        name: String,
        bytes: Vec<u8>,
        ruleset: &'static Ruleset,
        exemptions: &[Exemption],
        enforcement: Enforcement,
    ) -> Verdict {
        match self.lint(name, bytes, ruleset).await {
            Ok(findings) => policy::verdict(
                &findings,
                exemptions,
                ruleset,
                today(),
                enforcement,
                &self.config.limits,
            ),
            Err(e) => self.unverifiable(enforcement, &e),
        }
    }

    /// Lints on the blocking pool: a large document takes milliseconds of CPU, which must not
    /// stall the tasks answering other reviews (or the budget's timer).
    async fn lint(
        &self,
        name: String,
        bytes: Vec<u8>,
        ruleset: &'static Ruleset,
    ) -> Result<Vec<Finding>, String> {
        let options = self.load_options.clone();
        let metrics = self.metrics.clone();
        let permit = self
            .lint_slots
            .clone()
            .acquire_owned()
            .await
            .expect("the lint semaphore is never closed");
        let task = tokio::task::spawn_blocking(move || {
            let start = Instant::now();
            let result = lint_bytes(&name, &bytes, ruleset, &options);
            metrics.lint_duration.observe(start.elapsed().as_secs_f64());
            drop(permit);
            result
        });
        match task.await {
            Ok(Ok(findings)) => Ok(findings),
            // Too large, too deep: not a finding, the document cannot be checked at all.
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => {
                warn!(error = %e, "lint task failed");
                Err(
                    "the linter failed on this document (an adr-operator bug; please report it)"
                        .into(),
                )
            }
        }
    }

    fn unverifiable(&self, enforcement: Enforcement, reason: &str) -> Verdict {
        policy::unverifiable(enforcement, reason, &self.config.limits)
    }

    fn out_of_time(&self, enforcement: Enforcement) -> Verdict {
        warn!(budget = ?self.config.budget, "admission budget exhausted");
        self.unverifiable(
            enforcement,
            &format!(
                "not finished within the webhook's budget of {} ms; try again, or ask the platform team to raise --admission-budget",
                self.config.budget.as_millis()
            ),
        )
    }
}

/// A namespace's labels, read at most once per review.
#[derive(Default)]
enum NamespaceLabels {
    #[default]
    Unread,
    Read(BTreeMap<String, String>),
    /// No API server (a local trial): there are no namespace defaults to miss.
    NoCluster,
    Failed(String),
}

impl NamespaceLabels {
    async fn load(&mut self, cluster: &dyn Cluster, namespace: &str) -> &NamespaceLabels {
        if matches!(self, NamespaceLabels::Unread) {
            *self = match cluster.namespace_labels(namespace).await {
                Ok(labels) => NamespaceLabels::Read(labels.unwrap_or_default()),
                Err(ClusterError::Unavailable) => NamespaceLabels::NoCluster,
                Err(e) => {
                    warn!(%namespace, error = %e, "cannot read namespace labels");
                    NamespaceLabels::Failed(e.to_string())
                }
            };
        }
        self
    }
}

/// The typed publication, moving the spec out of the object (`DynamicObject::try_parse` would
/// copy the whole object, inline document included, through a second JSON tree).
fn publication_from(object: DynamicObject) -> Result<ApiPublication, serde_json::Error> {
    let DynamicObject {
        metadata, mut data, ..
    } = object;
    let spec = take_field(&mut data, "spec");
    let mut publication = ApiPublication::new("", serde_json::from_value(spec)?);
    publication.metadata = metadata;
    Ok(publication)
}

/// The typed ConfigMap, moving `data` and `binaryData` out of the object.
fn config_map_from(object: DynamicObject) -> Result<ConfigMap, serde_json::Error> {
    let DynamicObject {
        metadata, mut data, ..
    } = object;
    Ok(ConfigMap {
        metadata,
        data: serde_json::from_value(take_field(&mut data, "data"))?,
        binary_data: serde_json::from_value(take_field(&mut data, "binaryData"))?,
        ..ConfigMap::default()
    })
}

fn take_field(object: &mut serde_json::Value, key: &str) -> serde_json::Value {
    object.get_mut(key).map(std::mem::take).unwrap_or_default()
}

fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// A URL source not checked at admission (not fetched, or the fetch failed: `failure`): the
/// controller validates it and reports in the status. Audit stays silent, as always.
fn deferred(enforcement: Enforcement, url: &str, failure: Option<&str>) -> Verdict {
    let text = match failure {
        None => format!(
            "OpenAPI document at {url} is not fetched at admission; the controller checks it and reports in the status (kubectl get apipub)"
        ),
        Some(why) => format!(
            "OpenAPI document at {url} could not be fetched at admission ({why}); the controller checks it and reports in the status (kubectl get apipub)"
        ),
    };
    let warnings = if enforcement == Enforcement::Audit {
        Vec::new()
    } else {
        vec![policy::truncate(&text, 256)]
    };
    Verdict {
        enforcement,
        allowed: true,
        message: None,
        warnings,
    }
}

fn with_notes(mut verdict: Verdict, notes: Vec<String>) -> Verdict {
    if verdict.enforcement != Enforcement::Audit && !notes.is_empty() {
        let mut warnings: Vec<String> = notes.iter().map(|n| policy::truncate(n, 256)).collect();
        warnings.append(&mut verdict.warnings);
        verdict.warnings = warnings;
    }
    verdict
}

fn allow_with(warnings: Vec<String>) -> Verdict {
    Verdict {
        enforcement: Enforcement::Warn,
        allowed: true,
        message: None,
        warnings: warnings.iter().map(|w| policy::truncate(w, 256)).collect(),
    }
}

fn deny(message: String) -> Verdict {
    Verdict {
        enforcement: Enforcement::Enforce,
        allowed: false,
        message: Some(message),
        warnings: Vec::new(),
    }
}

fn respond(mut response: AdmissionResponse, verdict: Verdict) -> AdmissionResponse {
    if !verdict.warnings.is_empty() {
        response.warnings = Some(verdict.warnings);
    }
    if !verdict.allowed {
        let message = verdict.message.unwrap_or_default();
        response = response.deny(&message);
        response.result = Status::failure(&message, "Forbidden").with_code(403);
    }
    response
}

fn invalid<T: kube::Resource>(req: &AdmissionRequest<T>, reason: &str) -> AdmissionResponse {
    let mut response = AdmissionResponse::invalid(reason);
    response.uid = req.uid.clone();
    response
}

/// A review of another kind than the endpoint handles: the webhook configuration routes the
/// wrong resources here, which only the platform team can fix; say so rather than guess.
fn wrong_kind<T: kube::Resource>(req: &AdmissionRequest<T>, expected: &str) -> AdmissionResponse {
    invalid(
        req,
        &format!(
            "this endpoint reviews {expected} objects, not {}/{} {}; check the ValidatingWebhookConfiguration's rules",
            req.kind.group, req.kind.version, req.kind.kind
        ),
    )
}

/// The request of a review, or the `invalid` response to send instead. The response keeps the
/// request's uid whenever the body has one, so the API server can match it.
fn parse(body: &[u8]) -> Result<AdmissionRequest<DynamicObject>, Box<AdmissionResponse>> {
    let review: AdmissionReview<DynamicObject> = serde_json::from_slice(body).map_err(|e| {
        let mut response = AdmissionResponse::invalid(format!("malformed AdmissionReview: {e}"));
        response.uid = probe_uid(body).unwrap_or_default();
        Box::new(response)
    })?;
    review.try_into().map_err(|_| {
        Box::new(AdmissionResponse::invalid(
            "the AdmissionReview has no request",
        ))
    })
}

#[derive(serde::Deserialize)]
struct Probe {
    request: Option<ProbeRequest>,
}

#[derive(serde::Deserialize)]
struct ProbeRequest {
    uid: Option<String>,
}

fn probe_uid(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<Probe>(body).ok()?.request?.uid
}

fn operation(op: &Operation) -> metrics::Operation {
    match op {
        Operation::Create => metrics::Operation::create,
        Operation::Update => metrics::Operation::update,
        Operation::Delete => metrics::Operation::delete,
        Operation::Connect => metrics::Operation::connect,
    }
}
