//! Reconcile tests against a mocked API server (tower-test, as kube-rs's controller-rs does):
//! each test scripts the exact conversation (ConfigMap and namespace reads, the server-side
//! apply of the status, the Events) and fails on any request out of script. No API server runs
//! here; none of these tests claims a cluster.
//!
//! The clock is pinned to 2026-12-01T10:00:00Z so expiries and timestamps are reproducible.

mod mock_api;

use std::sync::Arc;
use std::time::Duration;

use adr_operator::api::{
    ApiPublication, ApiPublicationSpec, ApiPublicationStatus, ConfigMapSource, Enforcement,
    Exemption, OpenApiSource,
};
use adr_operator::controller::{self, Context, FIELD_MANAGER};
use adr_operator::metrics::Metrics;
use adr_operator::ruleset::RulesetId;
use futures::StreamExt;
use http::{Request, Response};
use k8s_openapi::jiff::Timestamp;
use kube::client::Body;
use kube::runtime::controller::Action;
use kube::runtime::events::Reporter;
use serde_json::{json, Value};
use tower_test::mock::{Handle, SendResponse};

use mock_api::json_response;

const NOW: &str = "2026-12-01T10:00:00Z";
const NS: &str = "brp";

fn example(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/examples/openapi/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("example documents are in the repository")
}

/// The official baseline with one ADR error put in: `info.version` "1" (`nlgov:semver`).
fn baseline_with_semver_error() -> String {
    example("compliant-baseline.json").replace("\"version\": \"1.0.0\"", "\"version\": \"1\"")
}

// === fixtures (controller-rs style builders) ===

trait Fixture: Sized {
    fn test(name: &str) -> Self;
    fn inline(self, document: &str) -> Self;
    fn config_map(self, name: &str, key: &str) -> Self;
    fn enforcement(self, e: Option<Enforcement>) -> Self;
    fn exempt(self, rule: &str, expires: &str) -> Self;
    fn with_status(self, status: ApiPublicationStatus) -> Self;
}

impl Fixture for ApiPublication {
    fn test(name: &str) -> Self {
        let mut p = ApiPublication::new(
            name,
            ApiPublicationSpec {
                openapi: OpenApiSource::default(),
                ruleset: Some("adr-2.2".into()),
                enforcement: Some(Enforcement::Enforce),
                exemptions: Vec::new(),
            },
        );
        p.metadata.namespace = Some(NS.into());
        p.metadata.generation = Some(3);
        p.metadata.uid = Some(format!("uid-{name}"));
        p
    }

    fn inline(mut self, document: &str) -> Self {
        self.spec.openapi = OpenApiSource {
            inline: Some(document.into()),
            ..OpenApiSource::default()
        };
        self
    }

    fn config_map(mut self, name: &str, key: &str) -> Self {
        self.spec.openapi = OpenApiSource {
            config_map_ref: Some(ConfigMapSource {
                name: name.into(),
                key: key.into(),
            }),
            ..OpenApiSource::default()
        };
        self
    }

    fn enforcement(mut self, e: Option<Enforcement>) -> Self {
        self.spec.enforcement = e;
        self
    }

    fn exempt(mut self, rule: &str, expires: &str) -> Self {
        self.spec.exemptions.push(Exemption {
            rule: rule.into(),
            reason: "legacy clients; fixed in v2".into(),
            expires: expires.into(),
        });
        self
    }

    fn with_status(mut self, status: ApiPublicationStatus) -> Self {
        self.status = Some(status);
        self
    }
}

fn config_map(name: &str, data: &[(&str, &str)]) -> Value {
    let data: serde_json::Map<String, Value> = data
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": name, "namespace": NS, "resourceVersion": "7"},
           "data": data})
}

fn not_found(what: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": format!("{what} not found"), "reason": "NotFound", "code": 404})
}

fn context_at(now: &'static str) -> (Context, ApiServer) {
    context_with(now, controller::Config::default())
}

fn context_with(now: &'static str, config: controller::Config) -> (Context, ApiServer) {
    let (service, handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let client = kube::Client::new(service, "default");
    let reporter = Reporter {
        controller: FIELD_MANAGER.into(),
        instance: Some("adr-operator-0".into()),
    };
    let ctx = Context::new(client, reporter, Arc::new(Metrics::default()), config)
        .with_clock(move || now.parse::<Timestamp>().unwrap());
    (ctx, ApiServer(handle))
}

fn context() -> (Context, ApiServer) {
    context_at(NOW)
}

// === the mocked API server (controller-rs's ApiServerVerifier) ===

struct ApiServer(Handle<Request<Body>, Response<Body>>);

impl ApiServer {
    /// The next request; it must be `method path` (query aside).
    async fn expect(
        &mut self,
        method: &str,
        path: &str,
    ) -> (Request<Body>, SendResponse<Response<Body>>) {
        let (request, send) = tokio::time::timeout(Duration::from_secs(10), self.0.next_request())
            .await
            .unwrap_or_else(|_| panic!("no request came; expected {method} {path}"))
            .expect("the client is alive");
        assert_eq!(
            format!("{} {}", request.method(), request.uri().path()),
            format!("{method} {path}"),
            "unexpected request {}",
            request.uri()
        );
        (request, send)
    }

    async fn get(&mut self, path: &str, code: u16, body: Value) {
        let (_, send) = self.expect("GET", path).await;
        send.send_response(json_response(code, &body));
    }

    async fn get_config_map(&mut self, name: &str, code: u16, body: Value) {
        self.get(
            &format!("/api/v1/namespaces/{NS}/configmaps/{name}"),
            code,
            body,
        )
        .await;
    }

    /// The status apply: PATCH on the status subresource, server-side apply with our field
    /// manager and force. Answers with the object carrying that status; returns the body.
    async fn apply_status(&mut self, p: &ApiPublication) -> Value {
        let name = p.metadata.name.as_deref().unwrap();
        let (request, send) = self
            .expect(
                "PATCH",
                &format!(
                    "/apis/apistrategie.nl/v1alpha1/namespaces/{NS}/apipublications/{name}/status"
                ),
            )
            .await;
        let query = request.uri().query().unwrap_or_default().to_string();
        assert!(
            query.contains(&format!("fieldManager={FIELD_MANAGER}")),
            "{query}"
        );
        assert!(query.contains("force=true"), "{query}");
        assert_eq!(
            request.headers().get("content-type").unwrap(),
            "application/apply-patch+yaml"
        );
        let body: Value =
            serde_json::from_slice(&request.into_body().collect_bytes().await.unwrap()).unwrap();
        let mut object = serde_json::to_value(p).unwrap();
        object["status"] = body["status"].clone();
        send.send_response(json_response(200, &object));
        body
    }

    /// An Event (events.k8s.io/v1) created in the publication's namespace; returns it.
    async fn event(&mut self) -> Value {
        let (request, send) = self
            .expect(
                "POST",
                &format!("/apis/events.k8s.io/v1/namespaces/{NS}/events"),
            )
            .await;
        let body: Value =
            serde_json::from_slice(&request.into_body().collect_bytes().await.unwrap()).unwrap();
        send.send_response(json_response(201, &body));
        body
    }

    /// Nothing else was asked.
    async fn done(&mut self) {
        if let Ok(Some((request, _))) =
            tokio::time::timeout(Duration::from_millis(100), self.0.next_request()).await
        {
            panic!("unexpected request {} {}", request.method(), request.uri());
        }
    }
}

/// Runs one reconcile beside a script of the API server's side; returns the reconcile's
/// result and what the script returned.
async fn reconcile_with<T: Send + 'static>(
    p: &ApiPublication,
    ctx: &Context,
    api: ApiServer,
    script: impl FnOnce(ApiServer) -> futures::future::BoxFuture<'static, (ApiServer, T)>,
) -> (Result<Action, controller::Error>, T) {
    let (result, out, _) = reconcile_keeping(p, ctx, api, script).await;
    (result, out)
}

/// [`reconcile_with`], handing the API server back for the next round.
async fn reconcile_keeping<T: Send + 'static>(
    p: &ApiPublication,
    ctx: &Context,
    api: ApiServer,
    script: impl FnOnce(ApiServer) -> futures::future::BoxFuture<'static, (ApiServer, T)>,
) -> (Result<Action, controller::Error>, T, ApiServer) {
    let verifier = tokio::spawn(script(api));
    let result = tokio::time::timeout(Duration::from_secs(20), controller::reconcile_once(p, ctx))
        .await
        .expect("the reconcile finishes (a request out of script would hang it)");
    let (mut api, out) = verifier.await.expect("the API script ran as expected");
    api.done().await;
    (result, out, api)
}

fn condition<'a>(status: &'a Value, type_: &str) -> &'a Value {
    status["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == type_)
        .unwrap_or_else(|| panic!("no {type_} condition in {status}"))
}

fn status_of(apply: &Value) -> ApiPublicationStatus {
    serde_json::from_value(apply["status"].clone()).unwrap()
}

fn requeue_after(action: &Action) -> Duration {
    // Action keeps its duration private; its Debug output shows it.
    let text = format!("{action:?}");
    for secs in 0..=100_000u64 {
        if *action == Action::requeue(Duration::from_secs(secs)) {
            return Duration::from_secs(secs);
        }
    }
    panic!("not a whole-second requeue: {text}")
}

// === the tests ===

#[tokio::test]
async fn compliant_document_gets_ready_status_and_one_event() {
    let (ctx, api) = context();
    let doc = example("compliant-baseline.json");
    let p = ApiPublication::test("baseline").inline(&doc);
    let p2 = p.clone();
    let (result, (apply, event)) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            let apply = api.apply_status(&p2).await;
            let event = api.event().await;
            (api, (apply, event))
        })
    })
    .await;
    let action = result.unwrap();

    assert_eq!(
        apply,
        json!({
            "apiVersion": "apistrategie.nl/v1alpha1",
            "kind": "ApiPublication",
            "status": {
                "observedGeneration": 3,
                "conditions": [
                    {"type": "Ready", "status": "True", "reason": "Compliant",
                     "message": "compliant with adr-2.2.1", "observedGeneration": 3,
                     "lastTransitionTime": NOW},
                    {"type": "Resolved", "status": "True", "reason": "Resolved",
                     "message": "read from spec.openapi.inline", "observedGeneration": 3,
                     "lastTransitionTime": NOW},
                    {"type": "Compliant", "status": "True", "reason": "NoViolations",
                     "message": "no errors under adr-2.2.1; 0 warnings", "observedGeneration": 3,
                     "lastTransitionTime": NOW},
                ],
                "ruleset": "adr-2.2.1",
                "enforcement": "Enforce",
                "documentDigest": controller::digest(doc.as_bytes()),
                "summary": {"errors": 0, "warnings": 0, "exempted": 0, "futureErrors": 0},
                "lastValidated": NOW,
            }
        })
    );
    assert_eq!(event["type"], "Normal");
    assert_eq!(event["reason"], "Compliant");
    assert_eq!(event["action"], "Validate");
    assert_eq!(event["reportingController"], FIELD_MANAGER);
    assert_eq!(event["reportingInstance"], "adr-operator-0");
    assert_eq!(event["regarding"]["kind"], "ApiPublication");
    assert_eq!(event["regarding"]["apiVersion"], "apistrategie.nl/v1alpha1");
    assert_eq!(event["regarding"]["name"], "baseline");
    assert_eq!(event["regarding"]["namespace"], NS);
    assert_eq!(event["note"], "no errors under adr-2.2.1; 0 warnings");
    // Re-validated within the hour plus at most 10 % jitter.
    let after = requeue_after(&action);
    assert!(
        after >= Duration::from_secs(3600) && after <= Duration::from_secs(3960),
        "{after:?}"
    );
}

#[tokio::test]
async fn unchanged_status_is_not_written_again() {
    let (ctx, api) = context();
    let doc = example("compliant-baseline.json");
    let p = ApiPublication::test("baseline").inline(&doc);
    let p2 = p.clone();
    let (_, apply) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            let apply = api.apply_status(&p2).await;
            api.event().await;
            (api, apply)
        })
    })
    .await;

    // The watch brings the object back with the status we wrote; a day later nothing changed,
    // so the reconcile makes no request at all (no churn, no self-triggered loop).
    let (ctx, api) = context_at("2026-12-02T10:00:00Z");
    let stored = p.with_status(status_of(&apply));
    let (result, ()) =
        reconcile_with(&stored, &ctx, api, |api| Box::pin(async { (api, ()) })).await;
    result.unwrap();
}

#[tokio::test]
async fn config_map_document_with_violations_is_non_compliant() {
    let (ctx, api) = context();
    let cor = example("cor-api.json");
    let p = ApiPublication::test("cor").config_map("cor-openapi", "openapi.json");
    let p2 = p.clone();
    let cm = config_map("cor-openapi", &[("openapi.json", &cor)]);
    let (result, (apply, event)) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            api.get_config_map("cor-openapi", 200, cm).await;
            let apply = api.apply_status(&p2).await;
            let event = api.event().await;
            (api, (apply, event))
        })
    })
    .await;
    result.unwrap();
    let status = &apply["status"];
    assert_eq!(status["observedGeneration"], 3);
    let compliant = condition(status, "Compliant");
    assert_eq!(compliant["status"], "False");
    assert_eq!(compliant["reason"], "RuleViolations");
    let message = compliant["message"].as_str().unwrap();
    assert!(
        message.starts_with("25 errors under adr-2.2.1: "),
        "{message}"
    );
    assert!(
        message.contains("nlgov:paths-kebab-case at paths./laatsteWijziging (line 181)"),
        "{message}"
    );
    // Enforce: not Ready, for the same reason.
    let ready = condition(status, "Ready");
    assert_eq!(ready["status"], "False");
    assert_eq!(ready["reason"], "RuleViolations");
    let resolved = condition(status, "Resolved");
    assert_eq!(resolved["status"], "True");
    assert_eq!(
        resolved["message"],
        "read from ConfigMap cor-openapi, key openapi.json"
    );
    assert_eq!(status["documentDigest"], controller::digest(cor.as_bytes()));
    assert_eq!(
        status["summary"],
        json!({"errors": 25, "warnings": 0, "exempted": 0, "futureErrors": 0})
    );
    let findings = status["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 25);
    assert!(findings.contains(&json!({
        "code": "nlgov:paths-kebab-case",
        "adrRule": "/core/path-segments-kebab-case",
        "severity": "error",
        "path": "paths./laatsteWijziging",
        "line": 181,
        "message": "/laatsteWijziging is not kebab-case."
    })));
    // Stable order: the order `adr-operator lint` prints (by line here, all errors).
    let lines: Vec<i64> = findings
        .iter()
        .map(|f| f["line"].as_i64().unwrap())
        .collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);

    assert_eq!(event["type"], "Warning");
    assert_eq!(event["reason"], "NonCompliant");
    assert!(event["note"]
        .as_str()
        .unwrap()
        .starts_with("RuleViolations: 25 errors under adr-2.2.1"));
    assert_eq!(
        ctx.config_maps.readers(NS, "cor-openapi"),
        vec![kube::runtime::reflector::ObjectRef::from_obj(&p)],
        "the ConfigMap index knows who reads it"
    );
}

/// A publication held to ADR 2.1 learns how many errors moving to 2.2.1 would bring.
#[tokio::test]
async fn future_errors_count_what_the_next_version_adds() {
    let (ctx, api) = context();
    let mut p = ApiPublication::test("cor").inline(&example("cor-api.json"));
    p.spec.ruleset = Some("adr-2.1".into());
    let p2 = p.clone();
    let (result, apply) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            let apply = api.apply_status(&p2).await;
            api.event().await;
            (api, apply)
        })
    })
    .await;
    result.unwrap();
    let status = &apply["status"];
    assert_eq!(status["ruleset"], "adr-2.1");
    // Same numbers as `adr-operator lint -r adr-2.1 --future examples/openapi/cor-api.json`.
    assert_eq!(
        status["summary"],
        json!({"errors": 1, "warnings": 24, "exempted": 0, "futureErrors": 25})
    );
}

#[tokio::test]
async fn namespace_label_warn_makes_a_non_compliant_publication_ready() {
    let (ctx, api) = context();
    let p = ApiPublication::test("semver")
        .inline(&baseline_with_semver_error())
        .enforcement(None);
    let p2 = p.clone();
    let (result, apply) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            api.get(
                &format!("/api/v1/namespaces/{NS}"),
                200,
                json!({"apiVersion": "v1", "kind": "Namespace",
                       "metadata": {"name": NS, "labels": {"apistrategie.nl/enforcement": "Warn"}}}),
            )
            .await;
            let apply = api.apply_status(&p2).await;
            api.event().await;
            (api, apply)
        })
    })
    .await;
    result.unwrap();
    let status = &apply["status"];
    assert_eq!(status["enforcement"], "Warn");
    assert_eq!(condition(status, "Compliant")["status"], "False");
    let ready = condition(status, "Ready");
    assert_eq!(ready["status"], "True");
    assert_eq!(ready["reason"], "NotEnforced");
}

#[tokio::test]
async fn exempted_error_is_compliant_and_requeued_at_expiry() {
    // Re-validated daily here, but the exemption runs only through today: it stops applying
    // at midnight UTC, 14 h from now, and that is when the controller looks again.
    let (ctx, api) = context_with(
        NOW,
        controller::Config {
            refetch_interval: Duration::from_secs(24 * 3600),
            ..controller::Config::default()
        },
    );
    let p = ApiPublication::test("semver")
        .inline(&baseline_with_semver_error())
        .exempt("nlgov:semver", "2026-12-01");
    let p2 = p.clone();
    let (result, (apply, event)) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            let apply = api.apply_status(&p2).await;
            let event = api.event().await;
            (api, (apply, event))
        })
    })
    .await;
    let status = &apply["status"];
    let compliant = condition(status, "Compliant");
    assert_eq!(compliant["status"], "True");
    assert_eq!(compliant["reason"], "Exempted");
    assert_eq!(
        compliant["message"],
        "no errors under adr-2.2.1 besides 1 exempted (nlgov:semver)"
    );
    assert_eq!(condition(status, "Ready")["status"], "True");
    assert_eq!(
        status["summary"],
        json!({"errors": 0, "warnings": 0, "exempted": 1, "futureErrors": 0})
    );
    assert_eq!(status["nextExemptionExpiry"], "2026-12-01");
    assert!(
        status.get("findings").is_none(),
        "exempted findings are not listed"
    );
    assert_eq!(event["reason"], "Compliant");
    assert_eq!(
        requeue_after(&result.unwrap()),
        Duration::from_secs(14 * 3600 + 1)
    );
}

#[tokio::test]
async fn expired_exemption_turns_non_compliant_with_events() {
    // Yesterday the exemption applied; this is the status the controller wrote then.
    let p = ApiPublication::test("semver")
        .inline(&baseline_with_semver_error())
        .exempt("nlgov:semver", "2026-11-30");
    let (ctx, api) = context_at("2026-11-30T10:00:00Z");
    let p2 = p.clone();
    let (_, apply) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            let apply = api.apply_status(&p2).await;
            api.event().await;
            (api, apply)
        })
    })
    .await;
    let yesterday = status_of(&apply);
    assert_eq!(
        yesterday.next_exemption_expiry.as_deref(),
        Some("2026-11-30")
    );

    // Today it has expired.
    let (ctx, api) = context();
    let p = p.with_status(yesterday);
    let p2 = p.clone();
    let (result, (apply, expired, non_compliant)) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            let apply = api.apply_status(&p2).await;
            let expired = api.event().await;
            let non_compliant = api.event().await;
            (api, (apply, expired, non_compliant))
        })
    })
    .await;
    result.unwrap();
    let status = &apply["status"];
    let compliant = condition(status, "Compliant");
    assert_eq!(compliant["status"], "False");
    assert_eq!(compliant["reason"], "RuleViolations");
    assert_eq!(compliant["lastTransitionTime"], NOW);
    // Resolved did not change: its transition time is yesterday's.
    assert_eq!(
        condition(status, "Resolved")["lastTransitionTime"],
        "2026-11-30T10:00:00Z"
    );
    assert!(status.get("nextExemptionExpiry").is_none());
    assert_eq!(
        status["summary"],
        json!({"errors": 1, "warnings": 0, "exempted": 0, "futureErrors": 0})
    );
    assert_eq!(status["findings"][0]["code"], "nlgov:semver");
    assert_eq!(expired["type"], "Warning");
    assert_eq!(expired["reason"], "ExemptionExpired");
    assert_eq!(
        expired["note"],
        "exemption for nlgov:semver expired and no longer applies"
    );
    assert_eq!(non_compliant["reason"], "NonCompliant");
}

#[tokio::test]
async fn missing_config_map_is_unresolved_and_retried_sooner() {
    let (ctx, api) = context();
    let p = ApiPublication::test("cor").config_map("cor-openapi", "openapi.json");
    let p2 = p.clone();
    let (result, (apply, event)) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            api.get_config_map("cor-openapi", 404, not_found("configmaps \"cor-openapi\""))
                .await;
            let apply = api.apply_status(&p2).await;
            let event = api.event().await;
            (api, (apply, event))
        })
    })
    .await;
    let status = &apply["status"];
    let resolved = condition(status, "Resolved");
    assert_eq!(resolved["status"], "False");
    assert_eq!(resolved["reason"], "ConfigMapNotFound");
    assert_eq!(
        resolved["message"],
        "ConfigMap brp/cor-openapi does not exist"
    );
    let compliant = condition(status, "Compliant");
    assert_eq!(compliant["status"], "Unknown");
    assert_eq!(compliant["reason"], "SourceUnresolved");
    let ready = condition(status, "Ready");
    assert_eq!(ready["status"], "False");
    assert_eq!(ready["reason"], "ConfigMapNotFound");
    assert!(status.get("documentDigest").is_none());
    assert!(status.get("summary").is_none());
    assert_eq!(status["ruleset"], "adr-2.2.1");
    assert_eq!(event["type"], "Warning");
    assert_eq!(event["reason"], "SourceFailed");
    assert_eq!(event["action"], "Resolve");
    assert_eq!(
        event["note"],
        "ConfigMapNotFound: ConfigMap brp/cor-openapi does not exist"
    );
    let after = requeue_after(&result.unwrap());
    assert!(
        after >= Duration::from_secs(300) && after <= Duration::from_secs(330),
        "{after:?}"
    );
    let text = ctx.metrics.encode();
    assert!(
        text.contains("adr_source_fetch_errors_total{kind=\"configmap_not_found\"} 1"),
        "{text}"
    );
}

#[tokio::test]
async fn missing_key_is_unresolved() {
    let (ctx, api) = context();
    let p = ApiPublication::test("cor").config_map("cor-openapi", "openapi.yaml");
    let p2 = p.clone();
    let cm = config_map("cor-openapi", &[("openapi.json", "{}")]);
    let (result, (apply, event)) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            api.get_config_map("cor-openapi", 200, cm).await;
            let apply = api.apply_status(&p2).await;
            let event = api.event().await;
            (api, (apply, event))
        })
    })
    .await;
    result.unwrap();
    let resolved = condition(&apply["status"], "Resolved");
    assert_eq!(resolved["status"], "False");
    assert_eq!(resolved["reason"], "KeyNotFound");
    assert_eq!(
        resolved["message"],
        "ConfigMap brp/cor-openapi has no key 'openapi.yaml' in data or binaryData"
    );
    assert_eq!(event["reason"], "SourceFailed");
}

#[tokio::test]
async fn unparseable_document_is_a_parse_error() {
    let (ctx, api) = context();
    let p = ApiPublication::test("broken").inline("openapi: 3.0.3\ninfo: [unclosed\n");
    let p2 = p.clone();
    let (result, (apply, event)) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            let apply = api.apply_status(&p2).await;
            let event = api.event().await;
            (api, (apply, event))
        })
    })
    .await;
    result.unwrap();
    let status = &apply["status"];
    assert_eq!(condition(status, "Resolved")["status"], "True");
    let compliant = condition(status, "Compliant");
    assert_eq!(compliant["status"], "False");
    assert_eq!(compliant["reason"], "ParseError");
    assert!(compliant["message"]
        .as_str()
        .unwrap()
        .starts_with("the document is not valid JSON/YAML (line "));
    assert_eq!(condition(status, "Ready")["reason"], "ParseError");
    assert_eq!(status["findings"][0]["code"], "parser");
    assert_eq!(event["reason"], "NonCompliant");
    assert!(event["note"].as_str().unwrap().starts_with("ParseError: "));
}

#[tokio::test]
async fn steady_failure_writes_nothing_and_sends_no_event() {
    let (ctx, api) = context();
    let p = ApiPublication::test("cor").config_map("cor-openapi", "openapi.json");
    let p2 = p.clone();
    let (_, apply) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            api.get_config_map("cor-openapi", 404, not_found("cor-openapi"))
                .await;
            let apply = api.apply_status(&p2).await;
            api.event().await;
            (api, apply)
        })
    })
    .await;
    let (ctx, api) = context_at("2026-12-01T11:00:00Z");
    let p = p.with_status(status_of(&apply));
    let (result, ()) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            api.get_config_map("cor-openapi", 404, not_found("cor-openapi"))
                .await;
            (api, ())
        })
    })
    .await;
    result.unwrap();
}

#[tokio::test]
async fn api_error_reading_the_config_map_is_retried_and_counted() {
    let (ctx, api) = context();
    let p = ApiPublication::test("cor").config_map("cor-openapi", "openapi.json");
    let (result, ()) = reconcile_with(&p, &ctx, api, |mut api| {
        Box::pin(async move {
            api.get_config_map(
                "cor-openapi",
                500,
                json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                       "message": "etcd is sad", "reason": "InternalError", "code": 500}),
            )
            .await;
            (api, ())
        })
    })
    .await;
    let error = result.unwrap_err();
    assert_eq!(error.reason(), "configmap_read");
    let ctx = Arc::new(ctx);
    let action = controller::error_policy(Arc::new(p), &error, ctx.clone());
    assert_eq!(action, Action::requeue(Duration::from_secs(30)));
    let text = ctx.metrics.encode();
    assert!(
        text.contains("adr_reconcile_errors_total{reason=\"configmap_read\"} 1"),
        "{text}"
    );
}

#[tokio::test]
async fn default_ruleset_change_signals_a_full_revalidation() {
    let (ctx, _api) = context();
    let mut changes = Box::pin(ctx.default_ruleset_changes());
    ctx.set_default_ruleset(RulesetId::LATEST); // no change, no signal
    ctx.set_default_ruleset(RulesetId::AdrDraft);
    let next = tokio::time::timeout(Duration::from_secs(1), changes.next()).await;
    assert_eq!(next.unwrap(), Some(()));
    assert_eq!(ctx.default_ruleset(), RulesetId::AdrDraft);
    assert!(
        tokio::time::timeout(Duration::from_millis(50), changes.next())
            .await
            .is_err(),
        "one change, one signal"
    );
}

// === metrics ===

fn sample(
    exposition: &openmetrics_parser::MetricsExposition<
        openmetrics_parser::OpenMetricsType,
        openmetrics_parser::OpenMetricsValue,
    >,
    family: &str,
    labels: &[(&str, &str)],
) -> Option<f64> {
    let family = exposition.families.get(family)?;
    family
        .iter_samples()
        .find(|s| {
            let set = s.get_labelset().unwrap();
            labels
                .iter()
                .all(|(k, v)| set.get_label_value(k) == Some(*v))
        })
        .map(|s| match &s.value {
            openmetrics_parser::OpenMetricsValue::Gauge(n) => n.as_f64(),
            openmetrics_parser::OpenMetricsValue::Counter(c) => c.value.as_f64(),
            openmetrics_parser::OpenMetricsValue::Histogram(h) => h.count.map_or(0.0, |c| c as f64),
            other => panic!("unexpected value {other:?}"),
        })
}

/// The exposition without the `# UNIT` lines of histogram families.
// NOTE: openmetrics-parser 0.5 allows UNIT only on counters, gauges and unknowns, but the
// OpenMetrics spec gives units to histograms too (its own `foo_seconds` example); everything
// else in the text is still checked.
fn without_histogram_units(text: &str) -> String {
    let histograms: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.strip_suffix(" histogram"))
        .collect();
    text.lines()
        .filter(|l| {
            !l.strip_prefix("# UNIT ").is_some_and(|rest| {
                histograms
                    .iter()
                    .any(|h| rest.starts_with(&format!("{h} ")))
            })
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

#[tokio::test]
async fn metrics_follow_reconciles_and_parse_as_openmetrics() {
    let (ctx, mut api) = context();
    let cor = example("cor-api.json");
    let publications = [
        ApiPublication::test("baseline").inline(&example("compliant-baseline.json")),
        ApiPublication::test("cor").inline(&cor),
        ApiPublication::test("semver")
            .inline(&baseline_with_semver_error())
            .exempt("nlgov:semver", "2026-12-20")
            .exempt("nlgov:no-such-rule", "2027-01-01"),
        ApiPublication::test("gone").config_map("gone", "openapi.json"),
    ];
    for p in &publications {
        let p2 = p.clone();
        let (result, (), next) = reconcile_keeping(p, &ctx, api, |mut api| {
            Box::pin(async move {
                if p2.spec.openapi.config_map_ref.is_some() {
                    api.get_config_map("gone", 404, not_found("gone")).await;
                }
                api.apply_status(&p2).await;
                api.event().await;
                (api, ())
            })
        })
        .await;
        result.unwrap();
        api = next;
    }

    let text = ctx.metrics.encode();
    let parsed =
        openmetrics_parser::openmetrics::parse_openmetrics(&without_histogram_units(&text))
            .unwrap_or_else(|e| panic!("not OpenMetrics: {e:?}\n{text}"));
    let pubs = |state: &str| {
        sample(
            &parsed,
            "adr_publications",
            &[
                ("namespace", NS),
                ("ruleset", "adr-2.2.1"),
                ("state", state),
            ],
        )
    };
    assert_eq!(pubs("compliant"), Some(2.0));
    assert_eq!(pubs("noncompliant"), Some(1.0));
    assert_eq!(pubs("unresolved"), Some(1.0));
    assert_eq!(
        sample(
            &parsed,
            "adr_findings",
            &[
                ("namespace", NS),
                ("rule", "nlgov:paths-kebab-case"),
                ("severity", "error")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &parsed,
            "adr_exemptions",
            &[
                ("namespace", NS),
                ("rule", "nlgov:semver"),
                ("state", "expiring")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &parsed,
            "adr_exemptions",
            &[
                ("namespace", NS),
                ("rule", "unknown"),
                ("state", "unknown_rule")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(sample(&parsed, "adr_reconcile", &[]), Some(4.0));
    assert_eq!(
        sample(&parsed, "adr_reconcile_duration_seconds", &[]),
        Some(4.0)
    );
    assert_eq!(
        sample(
            &parsed,
            "adr_source_fetch_errors",
            &[("kind", "configmap_not_found")]
        ),
        Some(1.0)
    );
    // No label carries an object name.
    assert!(
        !text.contains("baseline") && !text.contains("\"cor\""),
        "{text}"
    );
}
