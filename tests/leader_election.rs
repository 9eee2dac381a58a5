//! Leader election end to end against a mocked API server (tower-test): `controller::run` with
//! an election config takes the Lease through kube-lease-manager, starts the controller only
//! while it holds it, and releases it on shutdown; a replica that finds another holder's fresh
//! Lease serves the webhook alone (ready, no controller) and leaves that Lease alone; a Lease
//! lost at runtime stops the controller until the Lease is taken back.
//!
//! The mock routes requests by path: Lease requests and ApiPublication requests go to the
//! test, which answers them one by one and asserts them exactly; the ConfigMap and Namespace
//! watches of a running controller are answered with empty lists (their watches held open).
//! Anything else is answered 404 and reported to the test, where the election tests fail on it.

mod mock_api;

use std::sync::Arc;
use std::time::Duration;

use adr_operator::api::{
    ApiPublication, ApiPublicationSpec, ConfigMapSource, Enforcement, OpenApiSource,
};
use adr_operator::controller::{self, Context, Election, FIELD_MANAGER, READINESS_GATE};
use adr_operator::metrics::Metrics;
use adr_operator::server::Readiness;
use http::{Request, Response};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use k8s_openapi::jiff::Timestamp;
use kube::client::Body;
use kube::runtime::events::Reporter;
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};
use tower_test::mock::{Handle, SendResponse};

use mock_api::json_response;

const IDENTITY: &str = "adr-operator-0";
const OTHER: &str = "adr-operator-1";
const LEASE: &str = "adr-operator";
const LEASE_NS: &str = "adr-system";
const LEASES: &str = "/apis/coordination.k8s.io/v1/namespaces/adr-system/leases";
const LEASE_PATH: &str = "/apis/coordination.k8s.io/v1/namespaces/adr-system/leases/adr-operator";
const PUBLICATIONS: &str = "/apis/apistrategie.nl/v1alpha1/apipublications";
/// kube-lease-manager's defaults, which `run` keeps.
const LEASE_DURATION_SECONDS: u64 = 30;
/// How long any awaited request or state may take before the test fails.
const WAIT: Duration = Duration::from_secs(10);

type Exchange = (Request<Body>, SendResponse<Response<Body>>);

/// The test's side of the mocked API server.
struct Api {
    leases: mpsc::UnboundedReceiver<Exchange>,
    publications: mpsc::UnboundedReceiver<Exchange>,
    /// Every other request (`METHOD uri`), answered 404.
    others: mpsc::UnboundedReceiver<String>,
}

/// A request, with its body read.
struct Seen {
    method: String,
    path: String,
    query: String,
    content_type: String,
    body: Value,
}

impl Api {
    async fn lease_request(&mut self, expecting: &str) -> (Seen, SendResponse<Response<Body>>) {
        let (request, send) = tokio::time::timeout(WAIT, self.leases.recv())
            .await
            .unwrap_or_else(|_| panic!("no Lease request came; expected {expecting}"))
            .expect("the mock is alive");
        (seen(request).await, send)
    }

    /// The next Lease request must be `method path`; answers it with `code` and `body`, and
    /// returns what was asked.
    async fn lease(&mut self, method: &str, path: &str, code: u16, body: &Value) -> Seen {
        let (request, send) = self.lease_request(&format!("{method} {path}")).await;
        assert_eq!(
            format!("{} {}", request.method, request.path),
            format!("{method} {path}"),
            "unexpected Lease request (query {:?}, body {})",
            request.query,
            request.body
        );
        send.send_response(json_response(code, body));
        request
    }

    /// No Lease request is waiting and no unexpected request came.
    fn quiet_leases(&mut self) {
        if let Ok((request, _)) = self.leases.try_recv() {
            panic!(
                "unexpected Lease request {} {}",
                request.method(),
                request.uri()
            );
        }
        self.no_unexpected();
    }

    fn no_unexpected(&mut self) {
        if let Ok(request) = self.others.try_recv() {
            panic!("unexpected request {request}");
        }
    }
}

async fn seen(request: Request<Body>) -> Seen {
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let query = request.uri().query().unwrap_or_default().to_string();
    let content_type = request
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = request.into_body().collect_bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("a JSON body")
    };
    Seen {
        method,
        path,
        query,
        content_type,
        body,
    }
}

/// Routes the mock's requests (see the module doc).
fn serve(mut handle: Handle<Request<Body>, Response<Body>>) -> Api {
    let (leases, leases_rx) = mpsc::unbounded_channel();
    let (publications, publications_rx) = mpsc::unbounded_channel();
    let (others, others_rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        // Open watches: their responses never come, as with a quiet cluster.
        let mut held = Vec::new();
        while let Some((request, send)) = handle.next_request().await {
            let path = request.uri().path().to_string();
            let query = request.uri().query().unwrap_or_default().to_string();
            if path.starts_with(LEASES) {
                let _ = leases.send((request, send));
            } else if path == PUBLICATIONS {
                let _ = publications.send((request, send));
            } else if request.method() == "GET"
                && (path == "/api/v1/configmaps" || path == "/api/v1/namespaces")
            {
                if query.contains("watch=true") {
                    held.push(send);
                } else {
                    let kind = if path.ends_with("configmaps") {
                        "ConfigMapList"
                    } else {
                        "NamespaceList"
                    };
                    send.send_response(json_response(200, &empty_list("v1", kind)));
                }
            } else {
                let _ = others.send(format!("{} {}", request.method(), request.uri()));
                send.send_response(json_response(404, &not_found(&path)));
            }
        }
    });
    Api {
        leases: leases_rx,
        publications: publications_rx,
        others: others_rx,
    }
}

fn not_found(what: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": format!("{what} not found"), "reason": "NotFound", "code": 404})
}

fn empty_list(api_version: &str, kind: &str) -> Value {
    json!({"apiVersion": api_version, "kind": kind, "metadata": {"resourceVersion": "1"}, "items": []})
}

fn lease(resource_version: u32, spec: Value) -> Value {
    json!({
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": LEASE, "namespace": LEASE_NS, "resourceVersion": resource_version.to_string()},
        "spec": spec,
    })
}

fn context() -> (Arc<Context>, Api) {
    let (service, handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let ctx = Context::new(
        kube::Client::new(service, "default"),
        Reporter {
            controller: FIELD_MANAGER.into(),
            instance: Some(IDENTITY.into()),
        },
        Arc::new(Metrics::default()),
        controller::Config::default(),
    );
    (Arc::new(ctx), serve(handle))
}

fn election() -> Election {
    Election {
        lease_name: LEASE.into(),
        lease_namespace: LEASE_NS.into(),
        identity: IDENTITY.into(),
    }
}

/// Waits (at most [`WAIT`]) until `cond` holds.
async fn until(what: &str, cond: impl Fn() -> bool) {
    tokio::time::timeout(WAIT, async {
        while !cond() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting until {what}"));
}

/// Starts `run` with election on, the cache gate closed first as `main` does.
fn start(
    ctx: Arc<Context>,
) -> (
    Readiness,
    watch::Sender<bool>,
    tokio::task::JoinHandle<controller::Result<()>>,
) {
    let readiness = Readiness::default();
    readiness.set(READINESS_GATE, false);
    let (stop, stopped) = watch::channel(false);
    let run = tokio::spawn(controller::run(
        ctx,
        readiness.clone(),
        Some(election()),
        stopped,
    ));
    (readiness, stop, run)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn takes_the_lease_runs_the_controller_and_releases_the_lease_on_shutdown() {
    let (ctx, mut api) = context();
    let (readiness, stop, run) = start(ctx);

    // Building the manager: the Lease is looked up, and created (empty) when missing.
    api.lease(
        "GET",
        LEASE_PATH,
        404,
        &not_found("leases \"adr-operator\""),
    )
    .await;
    let create = api.lease("POST", LEASES, 201, &lease(1, json!({}))).await;
    assert_eq!(create.body["metadata"]["name"], LEASE);
    assert_eq!(create.body["spec"], Value::Null, "created without a holder");

    // The watch loop reads the Lease, finds no holder and tries to lock it.
    api.lease("GET", LEASE_PATH, 200, &lease(1, json!({})))
        .await;
    api.lease("GET", LEASE_PATH, 200, &lease(1, json!({})))
        .await;
    let (acquire, send) = api.lease_request("the acquiring apply").await;
    // While it does not lead, the replica serves the webhook alone: ready, no controller.
    until("the cache gate opens for the webhook-only phase", || {
        readiness.is_ready()
    })
    .await;
    assert!(
        api.publications.try_recv().is_err(),
        "the controller started before this replica held the Lease"
    );
    assert_eq!(
        (acquire.method.as_str(), acquire.path.as_str()),
        ("PATCH", LEASE_PATH)
    );
    assert_eq!(acquire.content_type, "application/apply-patch+yaml");
    assert!(
        acquire
            .query
            .contains(&format!("fieldManager={FIELD_MANAGER}")),
        "{}",
        acquire.query
    );
    let spec = &acquire.body["spec"];
    assert_eq!(spec["holderIdentity"], IDENTITY);
    assert_eq!(spec["leaseDurationSeconds"], LEASE_DURATION_SECONDS);
    assert!(spec["renewTime"].is_string() && spec["acquireTime"].is_string());
    let mut held = spec.clone();
    send.send_response(json_response(200, &lease(2, held.clone())));
    // Then the transition is counted.
    held["leaseTransitions"] = json!(1);
    let transitions = api
        .lease("PATCH", LEASE_PATH, 200, &lease(3, held.clone()))
        .await;
    assert_eq!(
        transitions.content_type,
        "application/strategic-merge-patch+json"
    );
    assert_eq!(transitions.body["spec"], json!({"leaseTransitions": 1}));
    // And the lock is read back: this replica holds the Lease.
    api.lease("GET", LEASE_PATH, 200, &lease(3, held.clone()))
        .await;

    // Leading: the controller starts with the list of ApiPublications, the cache gate closed
    // until that list is in.
    let (list, send) = tokio::time::timeout(WAIT, api.publications.recv())
        .await
        .expect("the controller did not start after the Lease was taken")
        .unwrap();
    let list = seen(list).await;
    assert_eq!(list.method, "GET");
    assert!(!list.query.contains("watch=true"), "{}", list.query);
    assert_eq!(readiness.pending(), vec![READINESS_GATE]);
    send.send_response(json_response(
        200,
        &empty_list("apistrategie.nl/v1alpha1", "ApiPublicationList"),
    ));
    until("the cache gate opens after the first list", || {
        readiness.is_ready()
    })
    .await;
    // The list is followed by the watch (kept open).
    let (watching, _open) = tokio::time::timeout(WAIT, api.publications.recv())
        .await
        .expect("no ApiPublication watch after the list")
        .unwrap();
    assert!(
        watching
            .uri()
            .query()
            .unwrap_or_default()
            .contains("watch=true"),
        "{}",
        watching.uri()
    );
    // Holding the Lease (renewal is 25 s away), nothing else is asked of it.
    api.quiet_leases();

    // Shutdown: the controller stops and the Lease is released, holder cleared.
    let release = shut_down_releasing(
        &mut api,
        stop,
        run,
        lease(4, json!({"leaseTransitions": 1})),
    )
    .await;
    assert_eq!(
        release.content_type,
        "application/strategic-merge-patch+json"
    );
    assert!(
        release
            .query
            .contains(&format!("fieldManager={FIELD_MANAGER}")),
        "{}",
        release.query
    );
    assert_eq!(
        release.body["spec"],
        json!({"holderIdentity": null, "acquireTime": null, "renewTime": null,
               "leaseDurationSeconds": null})
    );
    assert!(readiness.is_ready());
    api.quiet_leases();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_holders_fresh_lease_leaves_a_webhook_only_replica() {
    let (ctx, mut api) = context();
    let (readiness, stop, run) = start(ctx);

    let now = serde_json::to_value(MicroTime(Timestamp::now())).unwrap();
    let theirs = lease(
        7,
        json!({"holderIdentity": OTHER, "leaseDurationSeconds": LEASE_DURATION_SECONDS,
               "acquireTime": now, "renewTime": now, "leaseTransitions": 3}),
    );
    // The Lease exists (no create); the watch loop reads it and finds it held and fresh.
    api.lease("GET", LEASE_PATH, 200, &theirs).await;
    api.lease("GET", LEASE_PATH, 200, &theirs).await;

    until("the cache gate opens for a webhook-only replica", || {
        readiness.is_ready()
    })
    .await;
    // No controller and no attempt on the Lease: the manager sleeps until the Lease expires.
    // (If the replica took itself for the leader, the list would come at once.)
    if let Ok(Some((request, _))) =
        tokio::time::timeout(Duration::from_millis(500), api.publications.recv()).await
    {
        panic!(
            "the controller started without the Lease: {}",
            request.uri()
        );
    }
    api.quiet_leases();
    assert!(readiness.is_ready());

    // Shutdown: the Lease is only read back, never patched — it is not ours to release.
    stop.send(true).unwrap();
    api.lease("GET", LEASE_PATH, 200, &theirs).await;
    tokio::time::timeout(WAIT, run)
        .await
        .expect("run did not return after shutdown")
        .unwrap()
        .unwrap();
    api.quiet_leases();
    assert!(api.publications.try_recv().is_err());
}

/// A time `seconds` ago, as a Lease's `renewTime`.
fn seconds_ago(seconds: i64) -> Value {
    let then = Timestamp::now()
        .checked_sub(k8s_openapi::jiff::SignedDuration::from_secs(seconds))
        .unwrap();
    serde_json::to_value(MicroTime(then)).unwrap()
}

/// Stops `run` while it holds the Lease: the release patch and the read-back are answered with
/// `released`, and `run` must return. The release patch is returned for the test to check.
async fn shut_down_releasing(
    api: &mut Api,
    stop: watch::Sender<bool>,
    run: tokio::task::JoinHandle<controller::Result<()>>,
    released: Value,
) -> Seen {
    stop.send(true).unwrap();
    let release = api.lease("PATCH", LEASE_PATH, 200, &released).await;
    api.lease("GET", LEASE_PATH, 200, &released).await;
    tokio::time::timeout(WAIT, run)
        .await
        .expect("run did not return after shutdown")
        .unwrap()
        .unwrap();
    release
}

/// Takes the Lease as the first test shows in detail; the Lease read back afterwards is
/// `read_back` with the taken spec's fields it does not set.
async fn take_the_lease(api: &mut Api, first: bool, read_back: impl FnOnce(&mut Value)) {
    if first {
        api.lease(
            "GET",
            LEASE_PATH,
            404,
            &not_found("leases \"adr-operator\""),
        )
        .await;
        api.lease("POST", LEASES, 201, &lease(1, json!({}))).await;
    }
    let free = lease(5, json!({"leaseTransitions": 1}));
    api.lease("GET", LEASE_PATH, 200, &free).await;
    api.lease("GET", LEASE_PATH, 200, &free).await;
    let (acquire, send) = api.lease_request("the acquiring apply").await;
    assert_eq!(acquire.body["spec"]["holderIdentity"], IDENTITY);
    let mut held = acquire.body["spec"].clone();
    send.send_response(json_response(200, &lease(6, held.clone())));
    held["leaseTransitions"] = json!(2);
    api.lease("PATCH", LEASE_PATH, 200, &lease(7, held.clone()))
        .await;
    read_back(&mut held);
    api.lease("GET", LEASE_PATH, 200, &lease(7, held)).await;
}

/// The controller's first request once it runs: the list of ApiPublications (answered empty),
/// then its watch (kept open).
async fn controller_started(api: &mut Api, what: &str) -> SendResponse<Response<Body>> {
    let (list, send) = tokio::time::timeout(WAIT, api.publications.recv())
        .await
        .unwrap_or_else(|_| panic!("the controller did not start: {what}"))
        .unwrap();
    assert!(!list
        .uri()
        .query()
        .unwrap_or_default()
        .contains("watch=true"));
    send.send_response(json_response(
        200,
        &empty_list("apistrategie.nl/v1alpha1", "ApiPublicationList"),
    ));
    let (watching, open) = tokio::time::timeout(WAIT, api.publications.recv())
        .await
        .expect("no ApiPublication watch after the list")
        .unwrap();
    assert!(watching
        .uri()
        .query()
        .unwrap_or_default()
        .contains("watch=true"));
    open
}

/// A Lease lost while leading (another replica holds it when this one renews) stops the
/// controller; this replica keeps serving the webhook, waits for the other holder's Lease to
/// expire, takes it back and starts the controller afresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_lost_at_runtime_stops_the_controller_until_it_is_taken_back() {
    let (ctx, mut api) = context();
    let (readiness, stop, run) = start(ctx);

    // Taken, but read back as renewed 28 s ago: inside the 5 s grace before it expires, so
    // the manager renews it at once instead of 25 s later.
    take_the_lease(&mut api, true, |held| held["renewTime"] = seconds_ago(28)).await;
    let _first_watch = controller_started(&mut api, "after the Lease was taken").await;
    until("the cache gate opens after the first list", || {
        readiness.is_ready()
    })
    .await;

    // The renewal goes through, but reading the Lease back shows another holder: it was taken
    // over meanwhile. Theirs expires in a second.
    let renew = api
        .lease("PATCH", LEASE_PATH, 200, &lease(8, json!({})))
        .await;
    assert_eq!(renew.content_type, "application/strategic-merge-patch+json");
    assert!(
        renew.body["spec"]["renewTime"].is_string(),
        "{}",
        renew.body
    );
    assert!(
        renew.body["spec"].get("holderIdentity").is_none(),
        "{}",
        renew.body
    );
    let theirs = lease(
        9,
        json!({"holderIdentity": OTHER, "leaseDurationSeconds": LEASE_DURATION_SECONDS,
               "acquireTime": seconds_ago(29), "renewTime": seconds_ago(29),
               "leaseTransitions": 2}),
    );
    api.lease("GET", LEASE_PATH, 200, &theirs).await;

    // Not leading: the webhook is still served (the gate stays open) while the manager waits
    // out the other holder's Lease; then it finds the Lease free, takes it back, and only a
    // stopped controller can start again, with a new list.
    assert!(readiness.is_ready());
    take_the_lease(&mut api, false, |_| {}).await;
    let _second_watch = controller_started(&mut api, "after the Lease was taken back").await;
    until("the cache gate opens after the new list", || {
        readiness.is_ready()
    })
    .await;
    api.quiet_leases();

    // Shutdown releases the Lease, as in the first test.
    let release = shut_down_releasing(
        &mut api,
        stop,
        run,
        lease(10, json!({"leaseTransitions": 2})),
    )
    .await;
    assert_eq!(release.body["spec"]["holderIdentity"], Value::Null);
    api.quiet_leases();
}

/// The same cache gate without election (`--no-leader-election`): no Lease is touched, the
/// controller starts at once, the gate opens once the first list is in, and the listed
/// publication is reconciled (its ConfigMap read), so the runner started too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_election_the_gate_opens_after_the_first_list() {
    let (ctx, mut api) = context();
    let readiness = Readiness::default();
    let (stop, stopped) = watch::channel(false);
    let run = tokio::spawn(controller::run(ctx, readiness.clone(), None, stopped));

    let (list, send) = tokio::time::timeout(WAIT, api.publications.recv())
        .await
        .expect("the controller did not start")
        .unwrap();
    assert!(
        !list
            .uri()
            .query()
            .unwrap_or_default()
            .contains("watch=true"),
        "{}",
        list.uri()
    );
    assert_eq!(readiness.pending(), vec![READINESS_GATE]);
    let mut p = ApiPublication::new(
        "register",
        ApiPublicationSpec {
            openapi: OpenApiSource {
                config_map_ref: Some(ConfigMapSource {
                    name: "register-openapi".into(),
                    key: "openapi.yaml".into(),
                }),
                ..OpenApiSource::default()
            },
            ruleset: None,
            enforcement: Some(Enforcement::Enforce),
            exemptions: Vec::new(),
        },
    );
    p.metadata.namespace = Some("brp".into());
    p.metadata.uid = Some("uid-register".into());
    p.metadata.generation = Some(1);
    p.metadata.resource_version = Some("1".into());
    let mut items = empty_list("apistrategie.nl/v1alpha1", "ApiPublicationList");
    items["items"] = json!([p]);
    send.send_response(json_response(200, &items));
    until("the cache gate opens after the first list", || {
        readiness.is_ready()
    })
    .await;
    let read = tokio::time::timeout(WAIT, api.others.recv())
        .await
        .expect("the listed publication was not reconciled")
        .unwrap();
    assert_eq!(
        read,
        "GET /api/v1/namespaces/brp/configmaps/register-openapi"
    );

    stop.send(true).unwrap();
    tokio::time::timeout(WAIT, run)
        .await
        .expect("run did not return after shutdown")
        .unwrap()
        .unwrap();
    if let Ok((request, _)) = api.leases.try_recv() {
        panic!("a Lease request without election: {}", request.uri());
    }
}
