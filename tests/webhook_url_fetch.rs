//! `run --admission-fetch-urls`: the webhook fetches a `url` source within its own timeout and
//! checks it like an inline document; a fetch that fails or takes too long is no denial but the
//! usual "checked later by the controller" warning, saying why. The documents come from a local
//! HTTP server on 127.0.0.1 (plain http and the loopback network are let through for the test
//! only); the webhook is served over real TLS with real AdmissionReview JSON.

mod webhook_harness;

use std::sync::Arc;
use std::time::{Duration, Instant};

use adr_operator::admission;
use adr_operator::fetch::{Config, Fetcher};
use adr_operator::source::NoCluster;
use axum::http::header;
use axum::routing::get;
use axum::Router;
use serde_json::json;
use webhook_harness::*;

/// `/baseline.json` (compliant), `/broken.json` (three ADR errors), `/slow.json` (answers after
/// 3 s). Returns the base URL.
async fn origin() -> String {
    const JSON: [(header::HeaderName, &str); 1] = [(header::CONTENT_TYPE, "application/json")];
    let app = Router::new()
        .route(
            "/baseline.json",
            get(|| async { (JSON, example("compliant-baseline.json")) }),
        )
        .route("/broken.json", get(|| async { (JSON, broken_baseline()) }))
        .route(
            "/slow.json",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                (JSON, example("compliant-baseline.json"))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn webhook(allowed_host: &str) -> TestServer {
    let fetcher = Fetcher::new(Config {
        allow_http: true,
        allowed_hosts: vec![allowed_host.into()],
        allowed_networks: vec!["127.0.0.1/32".parse().unwrap()],
        total_timeout: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(1),
        read_timeout: Duration::from_secs(1),
        system_roots: false,
        ..Config::default()
    });
    start(
        admission::Config {
            url_fetcher: Some(Arc::new(fetcher)),
            ..admission::Config::default()
        },
        Arc::new(NoCluster),
    )
    .await
}

async fn create(server: &TestServer, url: &str) -> serde_json::Value {
    let spec = json!({"openapi": {"url": url}, "enforcement": "Enforce"});
    server
        .publication(&review(
            "CREATE",
            Some(publication("brp", spec)),
            None,
            false,
        ))
        .await
}

#[tokio::test]
async fn fetched_document_is_checked_like_an_inline_one() {
    let base = origin().await;
    let server = webhook("127.0.0.1").await;

    let response = create(&server, &format!("{base}/baseline.json")).await;
    assert_eq!(response["allowed"], true, "{response}");
    assert!(warnings(&response).is_empty(), "{response}");

    let response = create(&server, &format!("{base}/broken.json")).await;
    assert_eq!(response["allowed"], false, "{response}");
    let message = message(&response);
    assert!(
        message.starts_with("the OpenAPI document has 3 errors"),
        "{message}"
    );
    assert!(message.contains("nlgov:semver"), "{message}");
}

#[tokio::test]
async fn slow_source_is_not_a_denial_and_the_answer_stays_in_budget() {
    let base = origin().await;
    let server = webhook("127.0.0.1").await;
    let started = Instant::now();
    let response = create(&server, &format!("{base}/slow.json")).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(response["allowed"], true, "{response}");
    let warnings = warnings(&response);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("could not be fetched at admission (127.0.0.1 did not answer"),
        "{}",
        warnings[0]
    );
}

#[tokio::test]
async fn host_outside_the_allow_list_is_not_fetched() {
    let base = origin().await;
    let server = webhook("api.example.nl").await;
    let response = create(&server, &format!("{base}/broken.json")).await;
    assert_eq!(response["allowed"], true, "{response}");
    assert!(
        warnings(&response)[0].contains("host 127.0.0.1 is not on the operator's allow-list"),
        "{response}"
    );
}
