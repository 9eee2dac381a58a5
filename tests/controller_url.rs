//! A URL source through the controller: fetched from a local HTTP server on 127.0.0.1 (plain
//! http and the loopback network are let through for the test only), re-fetched with its ETag,
//! and a 304 leads to no status write. The API server is mocked (tower-test).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use adr_operator::api::{ApiPublication, ApiPublicationSpec, Enforcement, OpenApiSource};
use adr_operator::controller::{self, Context, FIELD_MANAGER};
use adr_operator::metrics::Metrics;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use http::{Request, Response};
use k8s_openapi::jiff::Timestamp;
use kube::client::Body;
use kube::runtime::events::Reporter;
use serde_json::Value;
use tower_test::mock::Handle;

const ETAG: &str = "\"rev-1\"";

/// Serves the baseline at `/openapi.json` with an ETag; answers 304 to that ETag. Records the
/// If-None-Match of every request.
async fn origin() -> (String, Arc<Mutex<Vec<Option<String>>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let doc = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/openapi/compliant-baseline.json"
    ))
    .unwrap();
    let app = Router::new().route(
        "/openapi.json",
        get(move |headers: HeaderMap| {
            let s = s.clone();
            let doc = doc.clone();
            async move {
                let inm = headers
                    .get(header::IF_NONE_MATCH)
                    .map(|v| v.to_str().unwrap().to_string());
                s.lock().unwrap().push(inm.clone());
                if inm.as_deref() == Some(ETAG) {
                    return StatusCode::NOT_MODIFIED.into_response();
                }
                (
                    [
                        (header::CONTENT_TYPE, "application/json"),
                        (header::ETAG, ETAG),
                    ],
                    doc,
                )
                    .into_response()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/openapi.json"), seen)
}

fn context(handle_out: &mut Option<Handle<Request<Body>, Response<Body>>>) -> Context {
    let (service, handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    *handle_out = Some(handle);
    Context::new(
        kube::Client::new(service, "default"),
        Reporter {
            controller: FIELD_MANAGER.into(),
            instance: Some("adr-operator-0".into()),
        },
        Arc::new(Metrics::default()),
        controller::Config {
            // Every reconcile revalidates the URL (no reuse window) for the test.
            refetch_interval: Duration::ZERO,
            fetch: adr_operator::fetch::Config {
                allow_http: true,
                allowed_networks: vec!["127.0.0.1/32".parse().unwrap()],
                system_roots: false,
                ..adr_operator::fetch::Config::default()
            },
            ..controller::Config::default()
        },
    )
    .with_clock(|| "2026-12-01T10:00:00Z".parse::<Timestamp>().unwrap())
}

fn publication(url: &str) -> ApiPublication {
    let mut p = ApiPublication::new(
        "register",
        ApiPublicationSpec {
            openapi: OpenApiSource {
                url: Some(url.into()),
                ..OpenApiSource::default()
            },
            ruleset: Some("adr-2.2.1".into()),
            enforcement: Some(Enforcement::Enforce),
            exemptions: Vec::new(),
        },
    );
    p.metadata.namespace = Some("brp".into());
    p.metadata.generation = Some(1);
    p
}

#[tokio::test]
async fn url_source_is_revalidated_with_its_etag_and_a_304_writes_nothing() {
    let (url, seen) = origin().await;
    let mut handle = None;
    let ctx = context(&mut handle);
    let mut handle = handle.unwrap();
    let p = publication(&url);

    // First reconcile: full fetch, status applied, one Event.
    let p2 = p.clone();
    let api = tokio::spawn(async move {
        let (request, send) = handle.next_request().await.unwrap();
        assert_eq!(request.method(), "PATCH");
        assert!(request
            .uri()
            .path()
            .ends_with("/apipublications/register/status"));
        let body: Value =
            serde_json::from_slice(&request.into_body().collect_bytes().await.unwrap()).unwrap();
        let mut object = serde_json::to_value(&p2).unwrap();
        object["status"] = body["status"].clone();
        send.send_response(
            Response::builder()
                .status(200)
                .body(Body::from(serde_json::to_vec(&object).unwrap()))
                .unwrap(),
        );
        let (request, send) = handle.next_request().await.unwrap();
        assert_eq!(
            request.uri().path(),
            "/apis/events.k8s.io/v1/namespaces/brp/events"
        );
        send.send_response(
            Response::builder()
                .status(201)
                .body(Body::from(b"{}".to_vec()))
                .unwrap(),
        );
        (handle, body)
    });
    tokio::time::timeout(
        Duration::from_secs(20),
        controller::reconcile_once(&p, &ctx),
    )
    .await
    .unwrap()
    .unwrap();
    let (mut handle, body) = api.await.unwrap();
    let status = &body["status"];
    assert_eq!(status["conditions"][1]["type"], "Resolved");
    assert_eq!(status["conditions"][1]["status"], "True");
    assert_eq!(
        status["conditions"][1]["message"],
        format!("read from {url}")
    );
    assert_eq!(status["conditions"][2]["reason"], "NoViolations");

    // Second reconcile (the watch brought our status back): a conditional GET, 304, the cached
    // copy is checked again, nothing changed, so no request reaches the API server.
    let stored = {
        let mut s = p.clone();
        s.status = Some(serde_json::from_value(status.clone()).unwrap());
        s
    };
    tokio::time::timeout(
        Duration::from_secs(20),
        controller::reconcile_once(&stored, &ctx),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(
        tokio::time::timeout(Duration::from_millis(100), handle.next_request())
            .await
            .is_err(),
        "no status write after a 304"
    );
    assert_eq!(*seen.lock().unwrap(), vec![None, Some(ETAG.to_string())]);
}

#[tokio::test]
async fn refused_url_is_unresolved_with_url_not_allowed() {
    let (url, seen) = origin().await;
    let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    // Default fetch settings: https only, no private networks.
    let ctx = Context::new(
        kube::Client::new(service, "default"),
        Reporter::from("adr-operator"),
        Arc::new(Metrics::default()),
        controller::Config::default(),
    );
    let p = publication(&url.replace("http://", "https://"));
    let object = serde_json::to_vec(&p).unwrap();
    let api = tokio::spawn(async move {
        let (request, send) = handle.next_request().await.unwrap();
        let body: Value =
            serde_json::from_slice(&request.into_body().collect_bytes().await.unwrap()).unwrap();
        send.send_response(
            Response::builder()
                .status(200)
                .body(Body::from(object))
                .unwrap(),
        );
        let (_, send) = handle.next_request().await.unwrap();
        send.send_response(
            Response::builder()
                .status(201)
                .body(Body::from(b"{}".to_vec()))
                .unwrap(),
        );
        body
    });
    controller::reconcile_once(&p, &ctx)
        .await
        .expect("a refused source is a status, not a reconcile error");
    let body = api.await.unwrap();
    let resolved = &body["status"]["conditions"][1];
    assert_eq!(resolved["status"], "False");
    assert_eq!(resolved["reason"], "UrlNotAllowed");
    assert!(seen.lock().unwrap().is_empty());
    assert!(ctx
        .metrics
        .encode()
        .contains("adr_source_fetch_errors_total{kind=\"private_address\"} 1"));
}
