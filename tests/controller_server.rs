//! The plain server as `adr-operator run` starts it with the controller: `/readyz` waits for the
//! controller's cache gate besides TLS, and `/metrics` carries the controller's series.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use adr_operator::admission::{self, Admission};
use adr_operator::controller::READINESS_GATE;
use adr_operator::metrics::Metrics;
use adr_operator::server::{self, Readiness};
use adr_operator::source::NoCluster;
use rcgen::{CertificateParams, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let status = raw[9..12].parse().unwrap();
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn readyz_waits_for_the_controller_cache_and_metrics_list_controller_series() {
    let dir = std::env::temp_dir().join(format!("adr-ctl-server-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".into()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    std::fs::write(dir.join("tls.crt"), cert.pem()).unwrap();
    std::fs::write(dir.join("tls.key"), key.serialize_pem()).unwrap();

    let metrics = Arc::new(Metrics::default());
    let readiness = Readiness::default();
    readiness.set(READINESS_GATE, false);
    let admission = Arc::new(Admission::new(
        admission::Config::default(),
        Arc::new(NoCluster),
        metrics.clone(),
    ));
    let running = server::start_with_readiness(
        server::Config {
            webhook_addr: "127.0.0.1:0".parse().unwrap(),
            metrics_addr: "127.0.0.1:0".parse().unwrap(),
            tls_cert_file: dir.join("tls.crt"),
            tls_key_file: dir.join("tls.key"),
            cert_reload_interval: Duration::from_secs(10),
            max_review_bytes: 1 << 20,
        },
        admission,
        metrics.clone(),
        readiness.clone(),
    )
    .await
    .unwrap();
    let addr = running.metrics_addr;

    let (status, body) = get(addr, "/readyz").await;
    assert_eq!(
        (status, body.as_str()),
        (503, "waiting for: controller-cache")
    );
    readiness.set(READINESS_GATE, true);
    let (status, body) = get(addr, "/readyz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    // Losing the lease and leading again closes it until the cache syncs anew.
    readiness.set(READINESS_GATE, false);
    assert_eq!(get(addr, "/readyz").await.0, 503);
    assert_eq!(get(addr, "/livez").await.0, 200);

    // Families without series are left out of the exposition (prometheus-client), so give the
    // gauges and labelled counters one each.
    metrics.controller.reconciles.inc();
    metrics
        .controller
        .publications
        .get_or_create(&adr_operator::metrics::PublicationLabels {
            namespace: "brp".into(),
            ruleset: "adr-2.2.1".into(),
            state: "compliant".into(),
        })
        .set(2);
    metrics
        .controller
        .reconcile_errors
        .get_or_create(&adr_operator::metrics::ReasonLabels {
            reason: "api".into(),
        })
        .inc();
    let (status, text) = get(addr, "/metrics").await;
    assert_eq!(status, 200);
    for line in [
        "# TYPE adr_publications gauge",
        "adr_publications{namespace=\"brp\",ruleset=\"adr-2.2.1\",state=\"compliant\"} 2",
        "# TYPE adr_reconcile counter",
        "adr_reconcile_total 1",
        "adr_reconcile_errors_total{reason=\"api\"} 1",
        "# TYPE adr_reconcile_duration_seconds histogram",
        "# UNIT adr_reconcile_duration_seconds seconds",
        "# EOF",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no line {line:?} in\n{text}"
        );
    }
    running.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
