//! Self-managed webhook TLS (`run --self-managed-tls`): the Secret, the certificate files and
//! the caBundle against a mocked API server that keeps state and enforces resourceVersions
//! (no API server runs here), and the certificate it serves checked by a real TLS handshake.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use adr_operator::admission::{self, Admission};
use adr_operator::certs::{self, Bundle, Manager, Plan, Reason, Settings};
use adr_operator::metrics::Metrics;
use adr_operator::server;
use adr_operator::source::NoCluster;
use http_body_util::BodyExt;
use k8s_openapi::api::admissionregistration::v1::ValidatingWebhookConfiguration;
use serde_json::{json, Value};
use time::OffsetDateTime;
use tokio_rustls::rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

const NS: &str = "adr-system";
const SECRET_PATH: &str = "/api/v1/namespaces/adr-system/secrets/adr-operator-webhook-tls";
const VWC_PATH: &str =
    "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/adr-operator";
const DAY: Duration = Duration::from_secs(86_400);

// === a stateful mocked API server ===

#[derive(Default)]
struct State {
    objects: BTreeMap<String, Value>,
    version: u64,
    /// On the next create, another writer's object appears first (a lost race).
    race_on_create: Option<Value>,
    log: Vec<String>,
}

impl State {
    fn store(&mut self, path: &str, mut object: Value) -> Value {
        self.version += 1;
        object["metadata"]["resourceVersion"] = json!(self.version.to_string());
        self.objects.insert(path.to_string(), object.clone());
        object
    }

    fn writes(&self) -> Vec<&String> {
        self.log.iter().filter(|l| !l.starts_with("GET")).collect()
    }
}

fn status(code: u16, reason: &str) -> (u16, Value) {
    (
        code,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": reason, "reason": reason, "code": code}),
    )
}

fn mock_api(state: Arc<Mutex<State>>) -> kube::Client {
    let (service, mut handle) = tower_test::mock::pair::<
        http::Request<kube::client::Body>,
        http::Response<kube::client::Body>,
    >();
    tokio::spawn(async move {
        while let Some((request, send)) = handle.next_request().await {
            let method = request.method().clone();
            let path = request.uri().path().to_string();
            let body = request.into_body().collect().await.unwrap().to_bytes();
            let (code, answer) = {
                let mut s = state.lock().unwrap();
                s.log.push(format!("{method} {path}"));
                match method.as_str() {
                    "GET" => match s.objects.get(&path) {
                        Some(o) => (200, o.clone()),
                        None => status(404, "NotFound"),
                    },
                    "POST" => {
                        let object: Value = serde_json::from_slice(&body).unwrap();
                        let name = object["metadata"]["name"].as_str().unwrap().to_string();
                        let target = format!("{path}/{name}");
                        if let Some(winner) = s.race_on_create.take() {
                            s.store(&target, winner);
                        }
                        if s.objects.contains_key(&target) {
                            status(409, "AlreadyExists")
                        } else {
                            (201, s.store(&target, object))
                        }
                    }
                    "PUT" => {
                        let object: Value = serde_json::from_slice(&body).unwrap();
                        match s.objects.get(&path) {
                            None => status(404, "NotFound"),
                            Some(current)
                                if current["metadata"]["resourceVersion"]
                                    != object["metadata"]["resourceVersion"] =>
                            {
                                status(409, "Conflict")
                            }
                            Some(_) => (200, s.store(&path, object)),
                        }
                    }
                    _ => status(405, "MethodNotAllowed"),
                }
            };
            send.send_response(
                http::Response::builder()
                    .status(code)
                    .header("content-type", "application/json")
                    .body(kube::client::Body::from(
                        serde_json::to_vec(&answer).unwrap(),
                    ))
                    .unwrap(),
            );
        }
    });
    kube::Client::new(service, NS)
}

fn webhook_configuration() -> Value {
    let webhook = |name: &str, path: &str| {
        json!({
            "name": name,
            "admissionReviewVersions": ["v1"],
            "sideEffects": "None",
            "clientConfig": {"service": {"name": "adr-operator-webhook", "namespace": NS, "path": path}},
        })
    };
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": "adr-operator"},
        "webhooks": [
            webhook("apipublications.apistrategie.nl", "/validate/apipublications"),
            webhook("configmaps.apistrategie.nl", "/validate/configmaps"),
        ],
    })
}

static NEXT_DIR: AtomicUsize = AtomicUsize::new(0);

struct Fixture {
    state: Arc<Mutex<State>>,
    manager: Manager,
    dir: PathBuf,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn settings(dir: &std::path::Path) -> Settings {
    Settings {
        namespace: NS.into(),
        secret: "adr-operator-webhook-tls".into(),
        service: "adr-operator-webhook".into(),
        webhook_configuration: "adr-operator".into(),
        cert_validity: 90 * DAY,
        ca_validity: 3650 * DAY,
        cert_file: dir.join("tls/tls.crt"),
        key_file: dir.join("tls/tls.key"),
    }
}

fn fixture(with_vwc: bool) -> Fixture {
    let dir = std::env::temp_dir().join(format!(
        "adr-certs-test-{}-{}",
        std::process::id(),
        NEXT_DIR.fetch_add(1, Ordering::Relaxed)
    ));
    let state = Arc::new(Mutex::new(State::default()));
    if with_vwc {
        state
            .lock()
            .unwrap()
            .store(VWC_PATH, webhook_configuration());
    }
    let manager = Manager::new(mock_api(state.clone()), settings(&dir));
    Fixture {
        state,
        manager,
        dir,
    }
}

impl Fixture {
    fn secret(&self) -> Bundle {
        let secret = self.state.lock().unwrap().objects[SECRET_PATH].clone();
        assert_eq!(secret["type"], "kubernetes.io/tls");
        Bundle::from_secret(&serde_json::from_value(secret).unwrap()).expect("a full bundle")
    }

    fn ca_bundles(&self) -> Vec<String> {
        let vwc = self.state.lock().unwrap().objects[VWC_PATH].clone();
        let vwc: ValidatingWebhookConfiguration = serde_json::from_value(vwc).unwrap();
        vwc.webhooks
            .unwrap()
            .into_iter()
            .map(|w| String::from_utf8(w.client_config.ca_bundle.unwrap_or_default().0).unwrap())
            .collect()
    }

    fn files(&self) -> (String, String) {
        let s = self.manager.settings();
        (
            std::fs::read_to_string(&s.cert_file).unwrap(),
            std::fs::read_to_string(&s.key_file).unwrap(),
        )
    }

    fn clear_log(&self) {
        self.state.lock().unwrap().log.clear();
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn pem_count(text: &str) -> usize {
    text.matches("-----BEGIN CERTIFICATE-----").count()
}

// === tests ===

#[tokio::test]
async fn first_round_creates_the_secret_writes_the_files_and_sets_the_ca_bundle() {
    let f = fixture(true);
    let round = f.manager.reconcile().await.unwrap();
    assert_eq!(round.wrote_secret, Some(Reason::Created));
    assert!(round.wrote_files);
    assert_eq!(
        round.patched_webhooks,
        [
            "apipublications.apistrategie.nl",
            "configmaps.apistrategie.nl"
        ]
    );
    let bundle = f.secret();
    assert_eq!(f.files(), (bundle.tls_cert.clone(), bundle.tls_key.clone()));
    for ca in f.ca_bundles() {
        assert_eq!(ca.trim_end(), bundle.ca_cert.trim_end());
    }
    let leaf = certs::inspect(&bundle.tls_cert).unwrap();
    assert_eq!(
        leaf.dns_names,
        [
            "adr-operator-webhook",
            "adr-operator-webhook.adr-system",
            "adr-operator-webhook.adr-system.svc",
            "adr-operator-webhook.adr-system.svc.cluster.local"
        ]
    );
    assert!(!leaf.is_ca);
    assert!(certs::signed_by(&bundle.tls_cert, &bundle.ca_cert));
    let ca = certs::inspect(&bundle.ca_cert).unwrap();
    assert!(ca.is_ca);
    let days = |d: time::Duration| d.whole_days();
    assert_eq!(days(leaf.not_after - now()), 89);
    assert_eq!(days(ca.not_after - now()), 3649);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&f.manager.settings().key_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key file is private");
    }
}

#[tokio::test]
async fn a_second_round_writes_nothing() {
    let f = fixture(true);
    f.manager.reconcile().await.unwrap();
    f.clear_log();
    let round = f.manager.reconcile().await.unwrap();
    assert_eq!(round.wrote_secret, None);
    assert!(!round.wrote_files);
    assert!(round.patched_webhooks.is_empty());
    assert!(
        f.state.lock().unwrap().writes().is_empty(),
        "{:?}",
        f.state.lock().unwrap().log
    );
}

#[tokio::test]
async fn served_certificate_is_trusted_through_the_ca_bundle() {
    let f = fixture(true);
    f.manager.reconcile().await.unwrap();
    let settings = f.manager.settings().clone();
    let metrics = Arc::new(Metrics::default());
    let running = server::start(
        server::Config {
            webhook_addr: "127.0.0.1:0".parse().unwrap(),
            metrics_addr: "127.0.0.1:0".parse().unwrap(),
            tls_cert_file: settings.cert_file.clone(),
            tls_key_file: settings.key_file.clone(),
            cert_reload_interval: Duration::from_millis(100),
            max_review_bytes: 1024 * 1024,
        },
        Arc::new(Admission::new(
            admission::Config::default(),
            Arc::new(NoCluster),
            metrics.clone(),
        )),
        metrics,
    )
    .await
    .unwrap();
    let ca_bundle = f.ca_bundles().remove(0);
    let served = handshake(running.webhook_addr, &ca_bundle).await;
    assert_eq!(served, der(&f.secret().tls_cert));

    // A renewal reaches the running server through the files, without a restart. (Renewed
    // now, by spoiling the Secret's certificate: a renewal "in 61 days" would not be valid yet
    // for a client living today.)
    {
        let mut s = f.state.lock().unwrap();
        let mut secret = s.objects[SECRET_PATH].clone();
        secret["data"]["tls.crt"] = secret["data"]["ca.crt"].clone();
        s.store(SECRET_PATH, secret);
    }
    let round = f.manager.reconcile().await.unwrap();
    assert_eq!(round.wrote_secret, Some(Reason::ServingRenewed));
    let renewed = der(&f.secret().tls_cert);
    assert_ne!(renewed, served);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if handshake(running.webhook_addr, &ca_bundle).await == renewed {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "renewed certificate not served"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    running.shutdown().await.unwrap();
}

fn der(pem: &str) -> Vec<u8> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .next()
        .unwrap()
        .unwrap()
        .to_vec()
}

/// The leaf certificate the server presents to a client that trusts only `ca_bundle` and
/// connects by the Service's DNS name, as the API server does.
async fn handshake(addr: std::net::SocketAddr, ca_bundle: &str) -> Vec<u8> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_bundle.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(
            ServerName::try_from("adr-operator-webhook.adr-system.svc").unwrap(),
            tcp,
        )
        .await
        .expect("the API server would trust the webhook");
    tls.get_ref().1.peer_certificates().unwrap()[0].to_vec()
}

#[tokio::test]
async fn serving_certificate_is_renewed_with_a_third_left_and_the_ca_stays() {
    let f = fixture(true);
    f.manager.reconcile().await.unwrap();
    let before = f.secret();
    let round = f.manager.reconcile_at(now() + 59 * DAY).await.unwrap();
    assert_eq!(round.wrote_secret, None, "31 days of 90 left: not due yet");
    f.clear_log();
    let round = f.manager.reconcile_at(now() + 61 * DAY).await.unwrap();
    assert_eq!(round.wrote_secret, Some(Reason::ServingRenewed));
    assert!(round.wrote_files);
    assert!(round.patched_webhooks.is_empty(), "same CA, same caBundle");
    let after = f.secret();
    assert_eq!(after.ca_cert, before.ca_cert);
    assert_ne!(after.tls_cert, before.tls_cert);
    assert!(certs::signed_by(&after.tls_cert, &after.ca_cert));
    assert_eq!(f.files().0, after.tls_cert);
    // Written with the resourceVersion read (an update, not a re-create).
    assert_eq!(
        f.state.lock().unwrap().writes(),
        [&format!("PUT {SECRET_PATH}")]
    );
}

#[tokio::test]
async fn ca_rotation_keeps_the_old_ca_trusted_until_it_expires() {
    let f = fixture(true);
    f.manager.reconcile().await.unwrap();
    let first = f.secret();

    // A third of ten years left: a new CA, the old one still in the bundle.
    let rotated_at = now() + 2500 * DAY;
    let round = f.manager.reconcile_at(rotated_at).await.unwrap();
    assert_eq!(round.wrote_secret, Some(Reason::CaRotated));
    assert_eq!(round.patched_webhooks.len(), 2);
    let second = f.secret();
    assert_ne!(second.ca_cert, first.ca_cert);
    assert_eq!(
        second.previous_ca_cert.as_deref(),
        Some(first.ca_cert.as_str())
    );
    assert!(certs::signed_by(&second.tls_cert, &second.ca_cert));
    for bundle in f.ca_bundles() {
        assert_eq!(pem_count(&bundle), 2);
        assert!(bundle.contains(second.ca_cert.trim_end()));
        assert!(bundle.contains(first.ca_cert.trim_end()));
    }

    // Once the old CA has expired it leaves the Secret and the bundle.
    let round = f.manager.reconcile_at(now() + 3651 * DAY).await.unwrap();
    assert_eq!(round.wrote_secret, Some(Reason::ServingRenewed));
    let third = f.secret();
    assert_eq!(third.ca_cert, second.ca_cert);
    assert_eq!(third.previous_ca_cert, None);
    for bundle in f.ca_bundles() {
        assert_eq!(pem_count(&bundle), 1);
    }
}

#[tokio::test]
async fn a_replica_that_loses_the_race_adopts_the_winners_certificate() {
    let f = fixture(true);
    let Plan::Write(winner, _) = certs::plan(None, f.manager.settings(), now()).unwrap() else {
        panic!("a first plan writes");
    };
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
        "metadata": {"name": "adr-operator-webhook-tls", "namespace": NS},
        "data": winner.to_data(),
    });
    f.state.lock().unwrap().race_on_create = Some(secret);
    let round = f.manager.reconcile().await.unwrap();
    assert_eq!(round.wrote_secret, None, "adopted, not written");
    assert_eq!(f.secret(), winner);
    assert_eq!(f.files(), (winner.tls_cert.clone(), winner.tls_key.clone()));
    assert!(f.ca_bundles()[0].contains(winner.ca_cert.trim_end()));
}

#[tokio::test]
async fn a_damaged_secret_is_replaced_and_a_changed_ca_bundle_repaired() {
    let f = fixture(true);
    f.state.lock().unwrap().store(
        SECRET_PATH,
        json!({
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": "adr-operator-webhook-tls", "namespace": NS},
            "data": {"tls.crt": "Z2FyYmFnZQ==", "tls.key": "Z2FyYmFnZQ==", "ca.crt": "Z2FyYmFnZQ==", "ca.key": "Z2FyYmFnZQ=="},
        }),
    );
    let round = f.manager.reconcile().await.unwrap();
    assert_eq!(round.wrote_secret, Some(Reason::Created));
    let bundle = f.secret();
    assert!(certs::signed_by(&bundle.tls_cert, &bundle.ca_cert));

    // Someone (a GitOps sync of an old manifest) blanks one caBundle: the next round repairs it.
    {
        let mut s = f.state.lock().unwrap();
        let mut vwc = s.objects[VWC_PATH].clone();
        vwc["webhooks"][1]["clientConfig"]
            .as_object_mut()
            .unwrap()
            .remove("caBundle");
        s.store(VWC_PATH, vwc);
    }
    let round = f.manager.reconcile().await.unwrap();
    assert_eq!(round.patched_webhooks, ["configmaps.apistrategie.nl"]);
    assert!(f
        .ca_bundles()
        .iter()
        .all(|b| b.trim_end() == bundle.ca_cert.trim_end()));
}

#[tokio::test]
async fn a_missing_webhook_configuration_is_reported_not_fatal() {
    let f = fixture(false);
    let round = f.manager.reconcile().await.unwrap();
    assert!(round.webhook_configuration_missing);
    assert_eq!(round.wrote_secret, Some(Reason::Created));
    assert!(round.wrote_files);
}

#[test]
fn plan_reissues_for_new_dns_names_or_a_foreign_key() {
    let dir = std::env::temp_dir();
    let s = settings(&dir);
    let Plan::Write(bundle, Reason::Created) = certs::plan(None, &s, now()).unwrap() else {
        panic!("a first plan creates");
    };
    assert_eq!(certs::plan(Some(&bundle), &s, now()).unwrap(), Plan::Keep);

    // The Service was renamed: same CA, new names.
    let renamed = Settings {
        service: "adr-webhook".into(),
        ..s.clone()
    };
    let Plan::Write(b, Reason::ServingRenewed) =
        certs::plan(Some(&bundle), &renamed, now()).unwrap()
    else {
        panic!("new names need a new certificate");
    };
    assert_eq!(b.ca_cert, bundle.ca_cert);
    assert!(certs::inspect(&b.tls_cert)
        .unwrap()
        .dns_names
        .contains(&"adr-webhook.adr-system.svc".to_string()));

    // A key that does not belong to the certificate.
    let Plan::Write(other, _) = certs::plan(None, &s, now()).unwrap() else {
        unreachable!()
    };
    let mismatched = Bundle {
        tls_key: other.tls_key.clone(),
        ..bundle.clone()
    };
    assert!(matches!(
        certs::plan(Some(&mismatched), &s, now()).unwrap(),
        Plan::Write(_, Reason::ServingRenewed)
    ));
    // A certificate of another CA.
    let foreign = Bundle {
        tls_cert: other.tls_cert.clone(),
        tls_key: other.tls_key.clone(),
        ..bundle.clone()
    };
    assert!(matches!(
        certs::plan(Some(&foreign), &s, now()).unwrap(),
        Plan::Write(_, Reason::ServingRenewed)
    ));
    // A CA key that does not fit the CA: start over.
    let broken_ca = Bundle {
        ca_key: other.ca_key.clone(),
        ..bundle.clone()
    };
    assert!(matches!(
        certs::plan(Some(&broken_ca), &s, now()).unwrap(),
        Plan::Write(_, Reason::Created)
    ));
}

#[test]
fn serving_certificate_never_outlives_its_ca() {
    let n = now();
    let (ca, key) = certs::issue_ca(n, 30 * DAY).unwrap();
    let (leaf, _) = certs::issue_serving(&ca, &key, &["a.b.svc".to_string()], n, 90 * DAY).unwrap();
    let ca_info = certs::inspect(&ca).unwrap();
    let leaf_info = certs::inspect(&leaf).unwrap();
    assert!(leaf_info.not_after <= ca_info.not_after);
}
