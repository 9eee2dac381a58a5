//! The controller: keeps every `ApiPublication`'s status, Events and metrics current.
//!
//! Each reconcile reads the document ([`source`] for inline and ConfigMap sources, [`fetch`]
//! for URLs), lints it with the publication's ruleset, weighs the findings against the
//! exemptions ([`policy`], as admission does), and builds the status ([`status`]). The status is
//! written by server-side apply on the status subresource with one field manager, and only when
//! it differs from the stored one: a reconcile triggered by our own write finds nothing to do,
//! so the controller cannot loop on itself.
//!
//! Triggers besides the publication itself: changes to a ConfigMap a publication reads (through
//! [`ConfigMapIndex`]), changes to a namespace's labels (the default enforcement), a change of
//! the operator's default ruleset (everything), the next exemption expiry, and the re-fetch
//! interval of URL sources (with jitter, so publications do not all fetch at once).
//!
//! Only the holder of the Lease reconciles ([`run`]); every replica serves the webhook.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use jiff::civil::Date;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::runtime::reflector::{ObjectRef, Store};
use kube::runtime::watcher;
use kube::{Client, Resource, ResourceExt};
use tokio::sync::watch;
use tracing::{debug, info, warn};

use crate::api::{ApiPublication, Enforcement, Exemption, ENFORCEMENT_LABEL};
use crate::document::{LoadError, LoadOptions};
use crate::fetch::{self, Fetched, Fetcher, Validators};
use crate::lint::{lint_bytes_with_future, Linted};
use crate::metrics::{ExemptionLabels, FindingLabels, Metrics, PublicationLabels};
use crate::policy::{self, Notice};
use crate::ruleset::{Ruleset, RulesetId};
use crate::server::Readiness;
use crate::source::{self, FetchError, KubeCluster, Resolved};
use crate::status::{self, reason, Outcome, Transition};

/// The field manager of the status (server-side apply) and the Events' reporting controller.
pub const FIELD_MANAGER: &str = "adr-operator";

/// The `/readyz` gate the controller holds closed until its caches are synced.
pub const READINESS_GATE: &str = "controller-cache";

/// An exemption with at most this many days left counts as `expiring` in `adr_exemptions`.
const EXPIRING_DAYS: i32 = 30;

/// Why a reconcile failed (and will be retried by [`error_policy`]). Problems with the
/// document or its source are not errors: they are the status.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Kubernetes API: {0}")]
    Kube(#[source] kube::Error),
    #[error("cannot read ConfigMap {namespace}/{name}: {source}")]
    ConfigMap {
        namespace: String,
        name: String,
        source: source::ClusterError,
    },
    #[error("cannot write the status: {0}")]
    Status(#[source] kube::Error),
    #[error("the linter failed: {0}")]
    Lint(String),
    #[error("cannot take part in leader election: {0}")]
    Lease(#[from] kube_lease_manager::LeaseManagerError),
}

impl Error {
    /// Label of `adr_reconcile_errors_total{reason}`: a fixed word, never an object name.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::Kube(_) => "api",
            Error::ConfigMap { .. } => "configmap_read",
            Error::Status(_) => "status_write",
            Error::Lint(_) => "lint",
            Error::Lease(_) => "lease",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Operator-wide controller settings (from `adr-operator run` flags).
#[derive(Debug, Clone)]
pub struct Config {
    /// Ruleset of publications that set none (changeable at run time:
    /// [`Context::set_default_ruleset`]).
    pub default_ruleset: RulesetId,
    /// Enforcement of publications that set none, in namespaces without the label.
    pub default_enforcement: Enforcement,
    /// How often every publication is re-validated and URL sources are re-fetched (a
    /// conditional request); each publication adds up to 10 % jitter.
    pub refetch_interval: Duration,
    /// How soon a publication whose source could not be read is tried again.
    pub retry_interval: Duration,
    /// Largest document checked, in bytes (ConfigMap values and URL bodies alike).
    pub max_document_bytes: usize,
    /// How URL sources are fetched.
    pub fetch: fetch::Config,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            default_ruleset: RulesetId::LATEST,
            default_enforcement: Enforcement::Enforce,
            refetch_interval: Duration::from_secs(3600),
            retry_interval: Duration::from_secs(300),
            max_document_bytes: 3 * 1024 * 1024,
            fetch: fetch::Config::default(),
        }
    }
}

/// Shared by every reconcile.
pub struct Context {
    /// Kubernetes API client (reads ConfigMaps and namespaces, writes status).
    pub client: Client,
    /// Publishes Events (events.k8s.io) on transitions.
    pub recorder: Recorder,
    /// Where the controller's series live (`adr_publications`, `adr_reconcile_total`, …).
    pub metrics: Arc<Metrics>,
    /// Operator settings.
    pub config: Config,
    /// Which publications read which ConfigMap.
    pub config_maps: Arc<ConfigMapIndex>,
    /// The default ruleset; a change re-validates every publication.
    default_ruleset: watch::Sender<RulesetId>,
    /// Guarded URL fetching.
    fetcher: Fetcher,
    load_options: LoadOptions,
    /// The last copy of each URL source, with its validators for conditional requests.
    url_cache: Mutex<HashMap<String, CachedDocument>>,
    /// Each publication's share of the gauges, so a reconcile can move it.
    shares: Mutex<HashMap<ObjectRef<ApiPublication>, Share>>,
    /// The clock (fixed in tests).
    clock: Box<dyn Fn() -> Timestamp + Send + Sync>,
}

#[derive(Clone)]
struct CachedDocument {
    bytes: Arc<Vec<u8>>,
    validators: Validators,
    checked: Instant,
}

impl Context {
    pub fn new(client: Client, reporter: Reporter, metrics: Arc<Metrics>, config: Config) -> Self {
        let mut load_options = LoadOptions::default();
        load_options.limits.max_input_bytes = config.max_document_bytes;
        // NOTE: a document from the cluster or the network must never make the operator read
        // its own file system: with one file allowed, relative `$ref`s become findings.
        load_options.limits.max_files = 1;
        let mut fetch_config = config.fetch.clone();
        fetch_config.max_bytes = config.max_document_bytes;
        Context {
            recorder: Recorder::new(client.clone(), reporter),
            client,
            metrics,
            config_maps: Arc::new(ConfigMapIndex::default()),
            default_ruleset: watch::Sender::new(config.default_ruleset),
            fetcher: Fetcher::new(fetch_config),
            load_options,
            url_cache: Mutex::new(HashMap::new()),
            shares: Mutex::new(HashMap::new()),
            clock: Box::new(Timestamp::now),
            config,
        }
    }

    /// Replaces the clock (tests pin "now" so statuses and expiries are reproducible).
    pub fn with_clock(mut self, clock: impl Fn() -> Timestamp + Send + Sync + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    pub fn default_ruleset(&self) -> RulesetId {
        *self.default_ruleset.borrow()
    }

    /// Changes the default ruleset; a running controller then re-validates every publication.
    pub fn set_default_ruleset(&self, id: RulesetId) {
        self.default_ruleset.send_if_modified(|current| {
            let changed = *current != id;
            *current = id;
            changed
        });
    }

    /// A stream that yields once per change of the default ruleset.
    pub fn default_ruleset_changes(&self) -> impl futures::Stream<Item = ()> + Send + 'static {
        let mut rx = self.default_ruleset.subscribe();
        rx.mark_unchanged();
        futures::stream::unfold(rx, |mut rx| async move {
            rx.changed().await.ok()?;
            Some(((), rx))
        })
    }

    /// "Now", truncated to whole seconds as the API stores times, so a status read back
    /// compares equal to the one written.
    fn now(&self) -> Timestamp {
        let now = (self.clock)();
        Timestamp::from_second(now.as_second()).unwrap_or(now)
    }

    // === reconcile ===

    async fn reconcile(&self, p: &ApiPublication) -> Result<Action> {
        let namespace = p.namespace().unwrap_or_default();
        let name = p.name_any();
        let key = ObjectRef::from_obj(p);
        self.config_maps.track(
            &key,
            p.spec
                .openapi
                .config_map_ref
                .as_ref()
                .map(|r| r.name.as_str()),
        );
        let now = self.now();
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();

        let enforcement = self.enforcement(p, &namespace).await?;
        let ruleset = self.ruleset(p.spec.ruleset.as_deref());
        let (document, source_name) = self.resolve(p, &namespace).await?;

        let exemption_notices = match &ruleset {
            Ok(rs) => policy::assess(&[], &p.spec.exemptions, rs, today).notices,
            Err(_) => Vec::new(),
        };
        let outcome = match (document, &ruleset) {
            (Err(failure), _) => {
                self.metrics.controller.source_fetch_failed(failure.kind);
                Outcome::Unresolved {
                    reason: failure.reason,
                    message: failure.message,
                }
            }
            (Ok(bytes), Err(message)) => Outcome::Unchecked {
                digest: digest(&bytes),
                reason: reason::UNKNOWN_RULESET,
                message: message.clone(),
            },
            (Ok(bytes), Ok(rs)) => {
                let digest = digest(&bytes);
                match self.lint(&source_name, bytes, rs).await? {
                    Ok(linted) => Outcome::Checked {
                        digest,
                        assessment: policy::assess(&linted.findings, &p.spec.exemptions, rs, today),
                        future_errors: i32::try_from(linted.future.len()).unwrap_or(i32::MAX),
                    },
                    Err(e) => Outcome::Unchecked {
                        digest,
                        reason: match e {
                            LoadError::TooLarge { .. } => reason::TOO_LARGE,
                            _ => reason::PARSE_ERROR,
                        },
                        message: format!("the document cannot be checked: {e}"),
                    },
                }
            }
        };

        let next_expiry =
            status::next_exemption_expiry(&p.spec.exemptions, &exemption_notices, today);
        let cx = status::Context {
            generation: p.metadata.generation,
            enforcement,
            ruleset: ruleset.as_ref().ok().map(|r| r.id.as_str()),
            source: &source_name,
            next_exemption_expiry: next_expiry,
            now,
        };
        let previous = p.status.as_ref();
        let next = status::build(previous, &cx, &outcome);
        let changed = previous.is_none_or(|prev| !status::unchanged(prev, &next));
        if changed {
            let api: Api<ApiPublication> = Api::namespaced(self.client.clone(), &namespace);
            let patch = serde_json::json!({
                "apiVersion": "apistrategie.nl/v1alpha1",
                "kind": "ApiPublication",
                "status": next,
            });
            api.patch_status(
                &name,
                &PatchParams::apply(FIELD_MANAGER).force(),
                &Patch::Apply(&patch),
            )
            .await
            .map_err(Error::Status)?;
            debug!(%namespace, %name, "status written");
            for t in status::transitions(previous, &next, &p.spec.exemptions, today) {
                self.publish(p, t).await;
            }
        } else {
            debug!(%namespace, %name, "status unchanged");
        }

        self.set_share(
            key,
            Some(share(
                &namespace,
                cx.ruleset,
                &outcome,
                &p.spec.exemptions,
                &exemption_notices,
                today,
            )),
        );
        Ok(Action::requeue(self.next_check(
            p,
            &outcome,
            next_expiry,
            now,
        )))
    }

    /// The resource's enforcement, else its namespace's label, else the operator default.
    async fn enforcement(&self, p: &ApiPublication, namespace: &str) -> Result<Enforcement> {
        if let Some(e) = p.spec.enforcement {
            return Ok(e);
        }
        let api: Api<Namespace> = Api::all(self.client.clone());
        let labels = api
            .get_opt(namespace)
            .await
            .map_err(Error::Kube)?
            .and_then(|ns| ns.metadata.labels)
            .unwrap_or_default();
        let (enforcement, note) = policy::resolve_enforcement(
            None,
            labels.get(ENFORCEMENT_LABEL).map(String::as_str),
            self.config.default_enforcement,
        );
        if let Some(note) = note {
            warn!(%namespace, "{note}");
        }
        Ok(enforcement)
    }

    fn ruleset(&self, id: Option<&str>) -> Result<&'static Ruleset, String> {
        Ruleset::named(id, self.default_ruleset())
    }

    /// The document's bytes and a name for it, or why they could not be had. `Err` only for
    /// failures worth a retry with backoff (the API itself).
    async fn resolve(
        &self,
        p: &ApiPublication,
        namespace: &str,
    ) -> Result<(Result<Vec<u8>, SourceFailure>, String)> {
        let cluster = KubeCluster::new(self.client.clone());
        let max = self.config.max_document_bytes;
        let described = describe_source(p);
        match source::resolve(&p.spec.openapi, namespace, &cluster, max).await {
            Ok(Resolved::Document { bytes, .. }) => Ok((Ok(bytes), described)),
            Ok(Resolved::Deferred { url }) => Ok((
                self.fetch_url(&url).await.map(|b| b.to_vec()).map_err(|e| {
                    warn!(%namespace, name = %p.name_any(), %url, error = %e, "fetch failed");
                    SourceFailure {
                        reason: e.reason(),
                        kind: e.kind(),
                        message: e.to_string(),
                    }
                }),
                described,
            )),
            Err(FetchError::Cluster {
                namespace,
                name,
                source,
            }) => Err(Error::ConfigMap {
                namespace,
                name,
                source,
            }),
            Err(e) => {
                let reason = match &e {
                    FetchError::ConfigMapNotFound { .. } => reason::CONFIG_MAP_NOT_FOUND,
                    FetchError::KeyNotFound { .. } => reason::KEY_NOT_FOUND,
                    FetchError::TooLarge { .. } => reason::TOO_LARGE,
                    _ => reason::INVALID_SOURCE,
                };
                Ok((
                    Err(SourceFailure {
                        reason,
                        kind: e.reason(),
                        message: e.to_string().replace("the webhook's limit", "the limit"),
                    }),
                    described,
                ))
            }
        }
    }

    /// A URL source: reused from the cache while younger than the re-fetch interval (a spec
    /// edit needs no network), else fetched conditionally with the cached validators.
    async fn fetch_url(&self, url: &str) -> Result<Arc<Vec<u8>>, fetch::Error> {
        let cached = self.url_cache.lock().expect("poisoned").get(url).cloned();
        if let Some(c) = &cached {
            if c.checked.elapsed() < self.config.refetch_interval {
                return Ok(c.bytes.clone());
            }
        }
        let known = cached
            .as_ref()
            .map(|c| c.validators.clone())
            .unwrap_or_default();
        let (bytes, validators) = match self.fetcher.fetch(url, &known).await? {
            Fetched::NotModified => match cached {
                Some(c) => (c.bytes, c.validators),
                // Validators are only sent with a cached copy; a 304 without one is the
                // server's mistake.
                None => {
                    return Err(fetch::Error::Status {
                        url: url.to_string(),
                        status: 304,
                    })
                }
            },
            Fetched::Document {
                bytes, validators, ..
            } => (Arc::new(bytes), validators),
        };
        self.url_cache.lock().expect("poisoned").insert(
            url.to_string(),
            CachedDocument {
                bytes: bytes.clone(),
                validators,
                checked: Instant::now(),
            },
        );
        Ok(bytes)
    }

    /// Lints on the blocking pool (a large document is milliseconds of CPU).
    async fn lint(
        &self,
        name: &str,
        bytes: Vec<u8>,
        ruleset: &'static Ruleset,
    ) -> Result<Result<Linted, LoadError>> {
        let options = self.load_options.clone();
        let metrics = self.metrics.clone();
        let name = name.to_string();
        // The next version's errors become the status's futureErrors.
        let next = ruleset.id.next().map(RulesetId::ruleset);
        tokio::task::spawn_blocking(move || {
            let start = Instant::now();
            let result = lint_bytes_with_future(&name, &bytes, ruleset, next, &options);
            metrics.lint_duration.observe(start.elapsed().as_secs_f64());
            result
        })
        .await
        .map_err(|e| Error::Lint(e.to_string()))
    }

    /// When to look again: the re-fetch interval (sooner after a source failure), but never
    /// later than the moment the next exemption stops applying.
    fn next_check(
        &self,
        p: &ApiPublication,
        outcome: &Outcome,
        next_expiry: Option<Date>,
        now: Timestamp,
    ) -> Duration {
        let base = match outcome {
            Outcome::Unresolved { .. } => self.config.retry_interval,
            _ => self.config.refetch_interval,
        };
        let mut after = jittered(base, p);
        if let Some(until) = next_expiry.and_then(|d| until_expired(d, now)) {
            after = after.min(until);
        }
        after
    }

    async fn publish(&self, p: &ApiPublication, t: Transition) {
        let (type_, reason, action, note) = match t {
            Transition::BecameCompliant { message } => {
                (EventType::Normal, "Compliant", "Validate", message)
            }
            Transition::BecameNonCompliant { reason, message } => (
                EventType::Warning,
                "NonCompliant",
                "Validate",
                format!("{reason}: {message}"),
            ),
            Transition::SourceFailed { reason, message } => (
                EventType::Warning,
                "SourceFailed",
                "Resolve",
                format!("{reason}: {message}"),
            ),
            Transition::ExemptionExpired { rules } => (
                EventType::Warning,
                "ExemptionExpired",
                "Validate",
                format!(
                    "exemption for {} expired and no longer applies",
                    rules.join(", ")
                ),
            ),
        };
        let event = Event {
            type_,
            reason: reason.into(),
            note: Some(policy::truncate(&note, 1000)),
            action: action.into(),
            secondary: None,
        };
        // Events are best effort: a failure is logged, never retried (a retry would find no
        // transition left and the status is already written).
        if let Err(e) = self.recorder.publish(&event, &p.object_ref(&())).await {
            warn!(name = %p.name_any(), error = %e, reason, "cannot publish Event");
        }
    }

    // === metrics ===

    fn set_share(&self, key: ObjectRef<ApiPublication>, share: Option<Share>) {
        let mut shares = self.shares.lock().expect("poisoned");
        let m = &self.metrics.controller;
        if let Some(old) = shares.remove(&key) {
            old.apply(m, -1);
        }
        if let Some(new) = share {
            new.apply(m, 1);
            shares.insert(key, new);
        }
    }

    /// Drops what belongs to publications that no longer exist: their share of the gauges,
    /// their ConfigMap index entries, and URL copies no publication used for two intervals.
    pub fn forget_missing(&self, store: &Store<ApiPublication>) {
        let existing: HashSet<ObjectRef<ApiPublication>> = store
            .state()
            .iter()
            .map(|p| ObjectRef::from_obj(&**p))
            .collect();
        let gone: Vec<_> = self
            .shares
            .lock()
            .expect("poisoned")
            .keys()
            .filter(|k| !existing.contains(*k))
            .cloned()
            .collect();
        for key in gone {
            self.set_share(key.clone(), None);
            self.config_maps.forget(&key);
        }
        let keep = self.config.refetch_interval * 2;
        self.url_cache
            .lock()
            .expect("poisoned")
            .retain(|_, c| c.checked.elapsed() < keep);
    }

    /// Zeroes the gauges (on losing the lease: only the leader reports).
    pub fn forget_all(&self) {
        let keys: Vec<_> = self
            .shares
            .lock()
            .expect("poisoned")
            .keys()
            .cloned()
            .collect();
        for key in keys {
            self.set_share(key.clone(), None);
            self.config_maps.forget(&key);
        }
    }
}

/// A source that could not be read: the condition reason, the metric kind, the message.
#[derive(Debug)]
struct SourceFailure {
    reason: &'static str,
    kind: &'static str,
    message: String,
}

fn describe_source(p: &ApiPublication) -> String {
    let s = &p.spec.openapi;
    if let Some(r) = &s.config_map_ref {
        format!("ConfigMap {}, key {}", r.name, r.key)
    } else if let Some(url) = &s.url {
        url.clone()
    } else {
        "spec.openapi.inline".to_string()
    }
}

/// `sha256:<hex>`.
pub fn digest(bytes: &[u8]) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in d.as_ref() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// `base` plus up to 10 %, fixed per object (its uid, else its name), so publications created
/// together spread out and each keeps a steady rhythm.
fn jittered(base: Duration, p: &ApiPublication) -> Duration {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    p.metadata
        .uid
        .as_deref()
        .unwrap_or(&p.name_any())
        .hash(&mut h);
    // Whole seconds: the API's clock and our requeues need no finer grain.
    let permille = h.finish() % 101;
    base + Duration::from_secs(base.as_secs() * permille / 1000)
}

/// Time from `now` until the exemption that runs through `expires` (a UTC day) stops
/// applying, plus a second so the re-check lands on the far side of midnight.
fn until_expired(expires: Date, now: Timestamp) -> Option<Duration> {
    let end = expires
        .tomorrow()
        .ok()?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()?
        .timestamp();
    let seconds = end.as_second() - now.as_second() + 1;
    Some(Duration::from_secs(seconds.max(1) as u64))
}

// === gauges ===

/// One publication's contribution to the gauges.
#[derive(Debug, Clone, PartialEq)]
struct Share {
    publication: PublicationLabels,
    findings: BTreeMap<FindingLabels, i64>,
    exemptions: BTreeMap<ExemptionLabels, i64>,
}

impl Share {
    fn apply(&self, m: &crate::metrics::ControllerMetrics, sign: i64) {
        adjust(&m.publications, &self.publication, sign);
        for (labels, n) in &self.findings {
            adjust(&m.findings, labels, sign * n);
        }
        for (labels, n) in &self.exemptions {
            adjust(&m.exemptions, labels, sign * n);
        }
    }
}

/// Moves a gauge and drops the series when it reaches zero (a namespace that empties leaves
/// no stale series behind).
fn adjust<L>(
    family: &prometheus_client::metrics::family::Family<
        L,
        prometheus_client::metrics::gauge::Gauge,
    >,
    labels: &L,
    by: i64,
) where
    L: Clone + Hash + Eq + prometheus_client::encoding::EncodeLabelSet + std::fmt::Debug,
{
    let value = family.get_or_create(labels).inc_by(by) + by;
    if value == 0 {
        family.remove(labels);
    }
}

fn share(
    namespace: &str,
    ruleset: Option<&str>,
    outcome: &Outcome,
    exemptions: &[Exemption],
    notices: &[Notice],
    today: Date,
) -> Share {
    let state = match outcome {
        Outcome::Unresolved { .. } => "unresolved",
        Outcome::Unchecked { .. } => "noncompliant",
        Outcome::Checked { assessment, .. } if assessment.is_compliant() => "compliant",
        Outcome::Checked { .. } => "noncompliant",
    };
    let mut findings = BTreeMap::new();
    if let Outcome::Checked { assessment, .. } = outcome {
        for a in assessment.findings.iter().filter(|a| !a.exempted) {
            *findings
                .entry(FindingLabels {
                    namespace: namespace.to_string(),
                    rule: a.finding.code.clone(),
                    severity: a.finding.severity.as_str().to_string(),
                })
                .or_insert(0) += 1;
        }
    }
    let mut by_exemption = BTreeMap::new();
    for e in exemptions {
        let unknown = notices
            .iter()
            .any(|n| matches!(n, Notice::UnknownRule { rule, .. } if *rule == e.rule));
        let (rule, state) = if unknown {
            ("unknown".to_string(), "unknown_rule")
        } else {
            let state = match e.expires.parse::<Date>() {
                Err(_) => "invalid",
                Ok(d) if d < today => "expired",
                Ok(d) if (d - today).get_days() <= EXPIRING_DAYS => "expiring",
                Ok(_) => "active",
            };
            (e.rule.clone(), state)
        };
        *by_exemption
            .entry(ExemptionLabels {
                namespace: namespace.to_string(),
                rule,
                state: state.to_string(),
            })
            .or_insert(0) += 1;
    }
    Share {
        publication: PublicationLabels {
            namespace: namespace.to_string(),
            ruleset: ruleset.unwrap_or("unknown").to_string(),
            state: state.to_string(),
        },
        findings,
        exemptions: by_exemption,
    }
}

// === ConfigMap index ===

/// (namespace, ConfigMap name) → the publications that read it, so a ConfigMap change
/// re-validates exactly those. Filled by reconciles, pruned by [`Context::forget_missing`].
#[derive(Default)]
pub struct ConfigMapIndex {
    inner: Mutex<IndexInner>,
}

#[derive(Default)]
struct IndexInner {
    readers: HashMap<(String, String), HashSet<ObjectRef<ApiPublication>>>,
    reads: HashMap<ObjectRef<ApiPublication>, (String, String)>,
}

impl ConfigMapIndex {
    /// Records that `publication` reads `config_map` (in its own namespace), or nothing.
    pub fn track(&self, publication: &ObjectRef<ApiPublication>, config_map: Option<&str>) {
        let mut inner = self.inner.lock().expect("poisoned");
        let namespace = publication.namespace.clone().unwrap_or_default();
        let wanted = config_map.map(|n| (namespace, n.to_string()));
        if inner.reads.get(publication) == wanted.as_ref() {
            return;
        }
        inner.remove(publication);
        if let Some(key) = wanted {
            inner
                .readers
                .entry(key.clone())
                .or_default()
                .insert(publication.clone());
            inner.reads.insert(publication.clone(), key);
        }
    }

    pub fn forget(&self, publication: &ObjectRef<ApiPublication>) {
        self.inner.lock().expect("poisoned").remove(publication);
    }

    /// The publications that read ConfigMap `namespace/name`.
    pub fn readers(&self, namespace: &str, name: &str) -> Vec<ObjectRef<ApiPublication>> {
        self.inner
            .lock()
            .expect("poisoned")
            .readers
            .get(&(namespace.to_string(), name.to_string()))
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }
}

impl IndexInner {
    fn remove(&mut self, publication: &ObjectRef<ApiPublication>) {
        if let Some(key) = self.reads.remove(publication) {
            if let Some(set) = self.readers.get_mut(&key) {
                set.remove(publication);
                if set.is_empty() {
                    self.readers.remove(&key);
                }
            }
        }
    }
}

// === controller-rs shape ===

/// Reconciles one publication (the `Controller`'s reconciler).
pub async fn reconcile(p: Arc<ApiPublication>, ctx: Arc<Context>) -> Result<Action> {
    reconcile_once(&p, &ctx).await
}

/// Counts the failure by reason and retries in 30 s.
pub fn error_policy(p: Arc<ApiPublication>, error: &Error, ctx: Arc<Context>) -> Action {
    warn!(namespace = ?p.namespace(), name = %p.name_any(), %error, "reconcile failed");
    ctx.metrics
        .controller
        .reconcile_errors
        .get_or_create(&crate::metrics::ReasonLabels {
            reason: error.reason().to_string(),
        })
        .inc();
    Action::requeue(Duration::from_secs(30))
}

/// Runs the controller until `stop` completes; in-flight reconciles finish first. Opens the
/// readiness gate once the publication cache has its first full list.
pub async fn run_controller(
    ctx: Arc<Context>,
    readiness: Readiness,
    stop: impl std::future::Future<Output = ()> + Send + Sync + 'static,
) {
    let client = ctx.client.clone();
    let controller = Controller::new(
        Api::<ApiPublication>::all(client.clone()),
        watcher::Config::default().any_semantic(),
    );
    let store = controller.store();

    // Awaited in this task, beside the controller, not in a task of its own: the store's ready
    // signal wakes one waiter only (kube-runtime's DelayedInit keeps the waker of the last poll)
    // and the controller's runner waits on it too, so a waiter in another task was never woken
    // and the gate stayed closed. In one task both waits share the task's waker.
    let synced = {
        let store = store.clone();
        let readiness = readiness.clone();
        async move {
            if store.wait_until_ready().await.is_ok() {
                info!(publications = store.len(), "ApiPublication cache synced");
                readiness.set(READINESS_GATE, true);
            }
            std::future::pending::<()>().await
        }
    };
    let pruner = {
        let store = store.clone();
        let ctx = ctx.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(30));
            loop {
                tick.tick().await;
                ctx.forget_missing(&store);
            }
        })
    };

    let index = ctx.config_maps.clone();
    let by_namespace = store.clone();
    let controller = controller
        // Every ConfigMap: a publication may read one without the webhook's label. The
        // objects stream through; only the index lookup is kept.
        .watches(
            Api::<ConfigMap>::all(client.clone()),
            watcher::Config::default().any_semantic(),
            move |cm: ConfigMap| index.readers(&cm.namespace().unwrap_or_default(), &cm.name_any()),
        )
        // A namespace's enforcement label is the default of the publications in it.
        .watches(
            Api::<Namespace>::all(client),
            watcher::Config::default().any_semantic(),
            move |ns: Namespace| {
                let namespace = ns.name_any();
                by_namespace
                    .state()
                    .iter()
                    .filter(|p| {
                        p.spec.enforcement.is_none()
                            && p.namespace().as_deref() == Some(namespace.as_str())
                    })
                    .map(|p| ObjectRef::from_obj(&**p))
                    .collect::<Vec<_>>()
            },
        )
        .reconcile_all_on(ctx.default_ruleset_changes())
        .graceful_shutdown_on(stop)
        .run(reconcile, error_policy, ctx.clone())
        .for_each(|result| async move {
            match result {
                Ok((obj, _)) => debug!(name = %obj.name, namespace = ?obj.namespace, "reconciled"),
                Err(e) => debug!(error = %e, "reconcile failed"),
            }
        });
    tokio::select! {
        () = controller => {}
        () = synced => {}
    }
    pruner.abort();
}

/// Leader election settings.
#[derive(Debug, Clone)]
pub struct Election {
    /// Name of the Lease (`adr-operator`).
    pub lease_name: String,
    /// Namespace of the Lease (the operator's own).
    pub lease_namespace: String,
    /// This replica's identity (its pod name).
    pub identity: String,
}

/// Runs the controller while this replica holds the Lease (or always, without `election`),
/// until `shutdown` turns true. Losing the Lease stops the controller and zeroes its gauges;
/// shutting down releases the Lease so another replica takes over at once.
pub async fn run(
    ctx: Arc<Context>,
    readiness: Readiness,
    election: Option<Election>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    let Some(election) = election else {
        readiness.set(READINESS_GATE, false);
        let stop = async move {
            let _ = shutdown.wait_for(|s| *s).await;
        };
        run_controller(ctx, readiness, stop).await;
        return Ok(());
    };
    let manager = kube_lease_manager::LeaseManagerBuilder::new(
        ctx.client.clone(),
        election.lease_name.clone(),
    )
    .with_namespace(election.lease_namespace.clone())
    .with_identity(election.identity.clone())
    .with_field_manager(FIELD_MANAGER)
    .build()
    .await?;
    let (mut leading, lease_task) = manager.watch().await;
    // Not leading: nothing to sync, the webhook is all this replica serves.
    readiness.set(READINESS_GATE, true);
    info!(lease = %election.lease_name, identity = %election.identity, "waiting for the Lease");
    loop {
        tokio::select! {
            _ = shutdown.wait_for(|s| *s) => break,
            r = leading.wait_for(|l| *l) => if r.is_err() { break },
        }
        info!(identity = %election.identity, "holding the Lease: starting the controller");
        readiness.set(READINESS_GATE, false);
        let (mut lost, mut stopping) = (leading.clone(), shutdown.clone());
        let stop = async move {
            tokio::select! {
                _ = lost.wait_for(|l| !*l) => {}
                _ = stopping.wait_for(|s| *s) => {}
            }
        };
        run_controller(ctx.clone(), readiness.clone(), stop).await;
        ctx.forget_all();
        readiness.set(READINESS_GATE, true);
        if *shutdown.borrow() {
            break;
        }
        warn!(identity = %election.identity, "lost the Lease: controller stopped");
    }
    // Dropping the last receiver makes the manager release the Lease and return.
    drop(leading);
    match lease_task.await {
        Ok(Ok(_)) => info!("Lease released"),
        Ok(Err(e)) => warn!(error = %e, "cannot release the Lease"),
        Err(e) => warn!(error = %e, "the Lease task failed"),
    }
    Ok(())
}

/// Reconciles `p` once, counted and timed (what [`reconcile`] runs; tests call it directly).
pub async fn reconcile_once(p: &ApiPublication, ctx: &Context) -> Result<Action> {
    let start = Instant::now();
    ctx.metrics.controller.reconciles.inc();
    let result = ctx.reconcile(p).await;
    ctx.metrics
        .controller
        .reconcile_duration
        .observe(start.elapsed().as_secs_f64());
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_sha256_hex() {
        assert_eq!(
            digest(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn expiry_lands_after_midnight_utc() {
        let now: Timestamp = "2026-06-30T23:00:00Z".parse().unwrap();
        let d: Date = "2026-06-30".parse().unwrap();
        assert_eq!(until_expired(d, now), Some(Duration::from_secs(3601)));
    }

    #[test]
    fn jitter_stays_within_ten_percent_and_is_stable() {
        let mut p = ApiPublication::new("a", Default::default());
        p.metadata.uid = Some("0b7e0c1e".into());
        let base = Duration::from_secs(3600);
        let a = jittered(base, &p);
        assert!(a >= base && a <= base + base / 10);
        assert_eq!(a, jittered(base, &p));
    }

    #[test]
    fn index_moves_publications_between_config_maps() {
        let index = ConfigMapIndex::default();
        let p = ObjectRef::<ApiPublication>::new("brp").within("ns");
        index.track(&p, Some("a"));
        assert_eq!(index.readers("ns", "a"), vec![p.clone()]);
        index.track(&p, Some("b"));
        assert!(index.readers("ns", "a").is_empty());
        assert_eq!(index.readers("ns", "b"), vec![p.clone()]);
        assert!(index.readers("other", "b").is_empty());
        index.track(&p, None);
        assert!(index.readers("ns", "b").is_empty());
    }
}
