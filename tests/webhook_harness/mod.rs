//! Shared by the webhook tests: certificates made in the test (rcgen), the real server started
//! on 127.0.0.1 with TLS, an HTTPS client, AdmissionReview builders, and two stand-ins for the
//! Kubernetes API: a trait fake and a mocked API server behind a real kube client.
#![allow(dead_code)] // each test file uses part of it

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use adr_operator::admission::{self, Admission};
use adr_operator::api::ApiPublication;
use adr_operator::metrics::Metrics;
use adr_operator::server::{self, Running};
use adr_operator::source::{BoxFuture, Cluster, ClusterError, NoCluster};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use k8s_openapi::api::core::v1::ConfigMap;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use serde_json::{json, Value};
use tokio_rustls::rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

pub fn example(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/examples/openapi/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("example documents are in the repository")
}

/// The official baseline with three ADR errors put in, layout kept (so lines stay 3, 6, 10):
/// no contact (`info-contact`), version `1` (`nlgov:semver`), a server URL without the major
/// version (`nlgov:include-major-version-in-uri`).
pub fn broken_baseline() -> String {
    let text = example("compliant-baseline.json");
    let start = text.find("\"contact\"").unwrap();
    let end = start + text[start..].find("},").unwrap() + 2;
    format!("{}{}", &text[..start], text[end..].trim_start())
        .replace("\"version\": \"1.0.0\"", "\"version\": \"1\"")
        .replace("https://example.com/api/v1", "https://example.com/api")
}

// === certificates ===

/// A throw-away CA and the leaf certificates it signs for `localhost` / `127.0.0.1`.
pub struct Pki {
    ca: CertifiedIssuer<'static, KeyPair>,
}

impl Pki {
    pub fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "adr-operator test CA");
        Pki {
            ca: CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap(),
        }
    }

    pub fn ca_pem(&self) -> String {
        self.ca.pem()
    }

    /// A PEM certificate and key for the webhook, with `cn` as its common name.
    pub fn leaf(&self, cn: &str) -> (String, String) {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        let cert = params.signed_by(&key, &self.ca).unwrap();
        (cert.pem(), key.serialize_pem())
    }
}

// === the server ===

static NEXT_DIR: AtomicUsize = AtomicUsize::new(0);

pub struct TestServer {
    pub running: Option<Running>,
    pub webhook_addr: SocketAddr,
    pub metrics_addr: SocketAddr,
    pub pki: Pki,
    pub dir: PathBuf,
    pub client: TlsClient,
    pub metrics: Arc<Metrics>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub async fn start(config: admission::Config, cluster: Arc<dyn Cluster>) -> TestServer {
    start_with(config, cluster, Duration::from_secs(10)).await
}

pub async fn start_with(
    config: admission::Config,
    cluster: Arc<dyn Cluster>,
    cert_reload_interval: Duration,
) -> TestServer {
    let pki = Pki::new();
    let dir = std::env::temp_dir().join(format!(
        "adr-webhook-test-{}-{}",
        std::process::id(),
        NEXT_DIR.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = pki.leaf("webhook-1");
    std::fs::write(dir.join("tls.crt"), cert).unwrap();
    std::fs::write(dir.join("tls.key"), key).unwrap();
    let metrics = Arc::new(Metrics::default());
    let max_review_bytes = 4 * config.max_document_bytes + 1024 * 1024;
    let admission = Arc::new(Admission::new(config, cluster, metrics.clone()));
    let running = server::start(
        server::Config {
            webhook_addr: "127.0.0.1:0".parse().unwrap(),
            metrics_addr: "127.0.0.1:0".parse().unwrap(),
            tls_cert_file: dir.join("tls.crt"),
            tls_key_file: dir.join("tls.key"),
            cert_reload_interval,
            max_review_bytes,
        },
        admission,
        metrics.clone(),
    )
    .await
    .expect("the server starts");
    let client = TlsClient::new(running.webhook_addr, &pki.ca_pem());
    TestServer {
        webhook_addr: running.webhook_addr,
        metrics_addr: running.metrics_addr,
        running: Some(running),
        pki,
        dir,
        client,
        metrics,
    }
}

/// A server with the default settings and no cluster (as `run --no-controller` off-cluster).
pub async fn start_default() -> TestServer {
    start(admission::Config::default(), Arc::new(NoCluster)).await
}

impl TestServer {
    /// POSTs a review to `path` over TLS and returns the parsed `response` of the answer.
    pub async fn review(&self, path: &str, review: &Value) -> Value {
        let (status, body) = self
            .client
            .post(path, serde_json::to_vec(review).unwrap())
            .await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let answer: Value = serde_json::from_slice(&body).expect("the answer is JSON");
        assert_eq!(answer["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(answer["kind"], "AdmissionReview");
        answer["response"].clone()
    }

    pub async fn publication(&self, review: &Value) -> Value {
        self.review("/validate/apipublications", review).await
    }

    /// GETs a path of the plain (metrics/health) server.
    pub async fn plain_get(&self, path: &str) -> (u16, String) {
        let stream = tokio::net::TcpStream::connect(self.metrics_addr)
            .await
            .unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(conn);
        let req = hyper::Request::get(path)
            .header(hyper::header::HOST, "localhost")
            .body(Full::new(Bytes::new()))
            .unwrap();
        let resp = sender.send_request(req).await.unwrap();
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }
}

// === the client ===

pub struct TlsClient {
    addr: SocketAddr,
    connector: TlsConnector,
}

impl TlsClient {
    pub fn new(addr: SocketAddr, ca_pem: &str) -> Self {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
        let config = ClientConfig::builder_with_provider(Arc::new(
            tokio_rustls::rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        TlsClient {
            addr,
            connector: TlsConnector::from(Arc::new(config)),
        }
    }

    /// The server's leaf certificate as seen in a fresh handshake.
    pub async fn peer_certificate(&self) -> Vec<u8> {
        let tcp = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let tls = self
            .connector
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
            .unwrap();
        tls.get_ref().1.peer_certificates().unwrap()[0].to_vec()
    }

    pub async fn post(&self, path: &str, body: Vec<u8>) -> (u16, Vec<u8>) {
        let tcp = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let tls = self
            .connector
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
            .expect("TLS handshake with the webhook");
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .unwrap();
        tokio::spawn(conn);
        let req = hyper::Request::post(path)
            .header(hyper::header::HOST, "localhost")
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        let resp = sender.send_request(req).await.unwrap();
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        (status, body.to_vec())
    }
}

// === AdmissionReviews, as the API server sends them ===

static NEXT_UID: AtomicUsize = AtomicUsize::new(1);

pub fn uid() -> String {
    format!(
        "7f1c2a9e-0000-4000-8000-{:012}",
        NEXT_UID.fetch_add(1, Ordering::Relaxed)
    )
}

/// An ApiPublication as `kubectl apply` sends it (last-applied annotation included).
pub fn publication(name: &str, spec: Value) -> Value {
    let applied = json!({
        "apiVersion": "apistrategie.nl/v1alpha1",
        "kind": "ApiPublication",
        "metadata": {"name": name, "namespace": "brp"},
        "spec": spec,
    });
    json!({
        "apiVersion": "apistrategie.nl/v1alpha1",
        "kind": "ApiPublication",
        "metadata": {
            "name": name,
            "namespace": "brp",
            "uid": "3b0d4c1e-5f9a-4e21-9d57-2c6f0f3a8b11",
            "generation": 1,
            "creationTimestamp": "2026-11-28T10:00:00Z",
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration":
                    format!("{}\n", serde_json::to_string(&applied).unwrap()),
            },
            "managedFields": [{
                "manager": "kubectl-client-side-apply",
                "operation": "Update",
                "apiVersion": "apistrategie.nl/v1alpha1",
                "time": "2026-11-28T10:00:00Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:spec": {".": {}, "f:openapi": {}}},
            }],
        },
        "spec": spec,
    })
}

pub fn inline_spec(document: &str) -> Value {
    json!({"openapi": {"inline": document}})
}

fn options(operation: &str) -> Value {
    let kind = match operation {
        "CREATE" => "CreateOptions",
        "UPDATE" => "UpdateOptions",
        _ => "DeleteOptions",
    };
    json!({"kind": kind, "apiVersion": "meta.k8s.io/v1", "fieldManager": "kubectl-client-side-apply"})
}

/// A v1 AdmissionReview for an ApiPublication in namespace `brp`.
pub fn review(operation: &str, object: Option<Value>, old: Option<Value>, dry_run: bool) -> Value {
    review_of(
        json!({"group": "apistrategie.nl", "version": "v1alpha1", "kind": "ApiPublication"}),
        json!({"group": "apistrategie.nl", "version": "v1alpha1", "resource": "apipublications"}),
        operation,
        object,
        old,
        dry_run,
    )
}

/// A v1 AdmissionReview for a ConfigMap in namespace `brp`.
pub fn config_map_review(operation: &str, object: Option<Value>, old: Option<Value>) -> Value {
    review_of(
        json!({"group": "", "version": "v1", "kind": "ConfigMap"}),
        json!({"group": "", "version": "v1", "resource": "configmaps"}),
        operation,
        object,
        old,
        false,
    )
}

fn review_of(
    kind: Value,
    resource: Value,
    operation: &str,
    object: Option<Value>,
    old: Option<Value>,
    dry_run: bool,
) -> Value {
    let name = object
        .as_ref()
        .or(old.as_ref())
        .and_then(|o| o["metadata"]["name"].as_str())
        .unwrap_or_default()
        .to_string();
    json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid(),
            "kind": kind,
            "resource": resource,
            "requestKind": kind,
            "requestResource": resource,
            "name": name,
            "namespace": "brp",
            "operation": operation,
            "userInfo": {
                "username": "system:serviceaccount:argocd:argocd-application-controller",
                "uid": "1d0e6f2a-8c1b-4d0e-9a41-5b7c2e6d9f00",
                "groups": ["system:serviceaccounts", "system:serviceaccounts:argocd", "system:authenticated"],
            },
            "object": object,
            "oldObject": old,
            "dryRun": dry_run,
            "options": options(operation),
        }
    })
}

pub fn config_map_object(name: &str, labelled: bool, data: &[(&str, &str)]) -> Value {
    let labels = if labelled {
        json!({"apistrategie.nl/openapi": "true"})
    } else {
        json!({})
    };
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "brp", "labels": labels},
        "data": data.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect::<serde_json::Map<_, _>>(),
    })
}

pub fn config_map(name: &str, data: &[(&str, &str)]) -> ConfigMap {
    serde_json::from_value(config_map_object(name, true, data)).unwrap()
}

/// Warnings of a response (empty when there are none).
pub fn warnings(response: &Value) -> Vec<String> {
    response["warnings"]
        .as_array()
        .map(|w| w.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

pub fn message(response: &Value) -> String {
    response["status"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

// === stand-ins for the Kubernetes API ===

/// A trait fake of the API: what it holds, it returns; `delay` slows every call.
#[derive(Default)]
pub struct FakeCluster {
    pub namespace_labels: Mutex<BTreeMap<String, BTreeMap<String, String>>>,
    pub config_maps: Mutex<BTreeMap<(String, String), ConfigMap>>,
    pub publications: Mutex<Vec<ApiPublication>>,
    pub delay: Option<Duration>,
}

impl FakeCluster {
    pub fn with_namespace_label(self, namespace: &str, key: &str, value: &str) -> Self {
        self.namespace_labels
            .lock()
            .unwrap()
            .entry(namespace.into())
            .or_default()
            .insert(key.into(), value.into());
        self
    }

    pub fn with_publication(self, p: ApiPublication) -> Self {
        self.publications.lock().unwrap().push(p);
        self
    }

    async fn pause(&self) {
        if let Some(d) = self.delay {
            tokio::time::sleep(d).await;
        }
    }
}

impl Cluster for FakeCluster {
    fn config_map<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<ConfigMap>, ClusterError>> {
        Box::pin(async move {
            self.pause().await;
            Ok(self
                .config_maps
                .lock()
                .unwrap()
                .get(&(namespace.to_string(), name.to_string()))
                .cloned())
        })
    }

    fn namespace_labels<'a>(
        &'a self,
        namespace: &'a str,
    ) -> BoxFuture<'a, Result<Option<BTreeMap<String, String>>, ClusterError>> {
        Box::pin(async move {
            self.pause().await;
            Ok(Some(
                self.namespace_labels
                    .lock()
                    .unwrap()
                    .get(namespace)
                    .cloned()
                    .unwrap_or_default(),
            ))
        })
    }

    fn publications<'a>(
        &'a self,
        namespace: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ApiPublication>, ClusterError>> {
        Box::pin(async move {
            self.pause().await;
            Ok(self
                .publications
                .lock()
                .unwrap()
                .iter()
                .filter(|p| p.metadata.namespace.as_deref() == Some(namespace))
                .cloned()
                .collect())
        })
    }
}

/// A mocked API server (tower-test) behind a real `kube::Client`: it answers GETs of the paths
/// in `objects` with their JSON and everything else with a 404 Status, and records every
/// request's method and path.
pub fn mock_api(objects: Vec<(&str, Value)>) -> (kube::Client, Arc<Mutex<Vec<String>>>) {
    let (service, mut handle) = tower_test::mock::pair::<
        http::Request<kube::client::Body>,
        http::Response<kube::client::Body>,
    >();
    let objects: BTreeMap<String, Value> = objects
        .into_iter()
        .map(|(p, v)| (p.to_string(), v))
        .collect();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Some((request, send)) = handle.next_request().await {
            let path = request.uri().path().to_string();
            log.lock()
                .unwrap()
                .push(format!("{} {}", request.method(), path));
            let (status, body) = match objects.get(&path) {
                Some(object) if request.method() == http::Method::GET => (200, object.clone()),
                _ => (
                    404,
                    json!({
                        "kind": "Status", "apiVersion": "v1", "metadata": {},
                        "status": "Failure", "message": format!("{path} not found"),
                        "reason": "NotFound", "code": 404,
                    }),
                ),
            };
            send.send_response(
                http::Response::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(kube::client::Body::from(serde_json::to_vec(&body).unwrap()))
                    .unwrap(),
            );
        }
    });
    (kube::Client::new(service, "default"), seen)
}
