//! Load client for the admission webhook (used by `bench/webhook-load.sh`).
//!
//! `webhook_load gen-certs DIR` writes a throw-away CA and a certificate for 127.0.0.1;
//! `webhook_load run --addr A --ca F --doc F --rate R --duration S` sends an ApiPublication
//! CREATE review carrying the document inline at a fixed rate (open loop: each request is due at
//! `start + i / rate`, and its latency counts from then, so a slow server is not hidden by a
//! client that waits for it) and prints throughput and latency percentiles.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::sync::mpsc;
use tokio_rustls::rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write ca.crt, tls.crt and tls.key (for 127.0.0.1 and localhost) into DIR.
    GenCerts { dir: PathBuf },
    /// Send reviews at a fixed rate and report latency.
    Run {
        #[arg(long, default_value = "127.0.0.1:8443")]
        addr: SocketAddr,
        /// CA certificate that signed the webhook's certificate.
        #[arg(long)]
        ca: PathBuf,
        /// OpenAPI document sent inline in every review.
        #[arg(long)]
        doc: PathBuf,
        /// Requests per second.
        #[arg(long, default_value_t = 200)]
        rate: u32,
        /// Seconds of load.
        #[arg(long, default_value_t = 10)]
        duration: u64,
        /// Kept-alive HTTP/1.1 connections (the API server also reuses connections).
        #[arg(long, default_value_t = 32)]
        connections: usize,
        /// Requests sent (and not counted) before measuring, to warm up connections.
        #[arg(long, default_value_t = 50)]
        warmup: usize,
    },
}

#[tokio::main]
async fn main() {
    match Cli::parse().command {
        Command::GenCerts { dir } => gen_certs(&dir),
        Command::Run {
            addr,
            ca,
            doc,
            rate,
            duration,
            connections,
            warmup,
        } => {
            let document = std::fs::read_to_string(&doc).expect("document readable as UTF-8");
            let body = Bytes::from(review(&document));
            let connector = connector(&ca);
            let (free_tx, free_rx) = mpsc::channel(connections);
            for _ in 0..connections {
                free_tx.send(connect(addr, &connector).await).await.unwrap();
            }
            let pool = Pool {
                free_rx: Arc::new(tokio::sync::Mutex::new(free_rx)),
                free_tx,
                addr,
                connector,
            };
            for _ in 0..warmup {
                pool.send(body.clone()).await;
            }
            let report = load(&pool, body.clone(), rate, Duration::from_secs(duration)).await;
            report.print(&doc, document.len(), body.len(), rate);
        }
    }
}

fn gen_certs(dir: &std::path::Path) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    std::fs::create_dir_all(dir).unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "adr-operator bench CA");
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let params =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    let cert = params.signed_by(&key, &ca).unwrap();
    std::fs::write(dir.join("ca.crt"), ca.pem()).unwrap();
    std::fs::write(dir.join("tls.crt"), cert.pem()).unwrap();
    std::fs::write(dir.join("tls.key"), key.serialize_pem()).unwrap();
}

/// An AdmissionReview as the API server sends it for `kubectl apply` (with the
/// last-applied annotation, which repeats the document).
fn review(document: &str) -> Vec<u8> {
    let spec = serde_json::json!({"openapi": {"inline": document}});
    let applied = serde_json::json!({
        "apiVersion": "apistrategie.nl/v1alpha1", "kind": "ApiPublication",
        "metadata": {"name": "bench", "namespace": "bench"}, "spec": spec,
    });
    serde_json::to_vec(&serde_json::json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": "5d1f0c3a-0000-4000-8000-000000000001",
            "kind": {"group": "apistrategie.nl", "version": "v1alpha1", "kind": "ApiPublication"},
            "resource": {"group": "apistrategie.nl", "version": "v1alpha1", "resource": "apipublications"},
            "name": "bench", "namespace": "bench", "operation": "CREATE",
            "userInfo": {"username": "bench", "groups": ["system:authenticated"]},
            "object": {
                "apiVersion": "apistrategie.nl/v1alpha1", "kind": "ApiPublication",
                "metadata": {
                    "name": "bench", "namespace": "bench",
                    "annotations": {"kubectl.kubernetes.io/last-applied-configuration": applied.to_string()},
                },
                "spec": spec,
            },
            "oldObject": null, "dryRun": false,
            "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"},
        }
    }))
    .unwrap()
}

fn connector(ca: &std::path::Path) -> TlsConnector {
    let pem = std::fs::read(ca).expect("CA file readable");
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr, connector: &TlsConnector) -> Sender {
    let tcp = tokio::net::TcpStream::connect(addr)
        .await
        .expect("webhook reachable");
    tcp.set_nodelay(true).unwrap();
    let tls = connector
        .connect(ServerName::try_from("127.0.0.1").unwrap().to_owned(), tcp)
        .await
        .expect("TLS handshake");
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .unwrap();
    tokio::spawn(conn);
    sender
}

#[derive(Clone)]
struct Pool {
    free_rx: Arc<tokio::sync::Mutex<mpsc::Receiver<Sender>>>,
    free_tx: mpsc::Sender<Sender>,
    addr: SocketAddr,
    connector: TlsConnector,
}

/// What one request got.
enum Outcome {
    Allowed,
    Denied,
    /// Denied because the webhook ran out of its admission budget.
    OutOfTime,
    Failed,
}

impl Pool {
    async fn send(&self, body: Bytes) -> Outcome {
        let mut sender = self.free_rx.lock().await.recv().await.unwrap();
        if sender.ready().await.is_err() {
            sender = connect(self.addr, &self.connector).await;
        }
        let request = hyper::Request::post("/validate/apipublications")
            .header(hyper::header::HOST, "127.0.0.1")
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(body))
            .unwrap();
        let outcome = match sender.send_request(request).await {
            Ok(response) if response.status() == 200 => {
                match response.into_body().collect().await {
                    Ok(body) => {
                        let v: serde_json::Value =
                            serde_json::from_slice(&body.to_bytes()).unwrap_or_default();
                        let message = v["response"]["status"]["message"].as_str().unwrap_or("");
                        match v["response"]["allowed"].as_bool() {
                            Some(true) => Outcome::Allowed,
                            Some(false) if message.contains("within the webhook's budget") => {
                                Outcome::OutOfTime
                            }
                            Some(false) => Outcome::Denied,
                            None => Outcome::Failed,
                        }
                    }
                    Err(_) => Outcome::Failed,
                }
            }
            _ => Outcome::Failed,
        };
        self.free_tx.send(sender).await.unwrap();
        outcome
    }
}

struct Report {
    latencies: Vec<Duration>,
    allowed: usize,
    denied: usize,
    out_of_time: usize,
    failed: usize,
    wall: Duration,
}

async fn load(pool: &Pool, body: Bytes, rate: u32, duration: Duration) -> Report {
    let total = (rate as u64 * duration.as_secs()) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = Instant::now();
    let (tx, mut rx) = mpsc::unbounded_channel();
    for i in 0..total {
        let due = start + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let (pool, body, tx) = (pool.clone(), body.clone(), tx.clone());
        tokio::spawn(async move {
            let outcome = pool.send(body).await;
            let _ = tx.send((due.elapsed(), outcome));
        });
    }
    drop(tx);
    let mut report = Report {
        latencies: Vec::with_capacity(total),
        allowed: 0,
        denied: 0,
        out_of_time: 0,
        failed: 0,
        wall: Duration::ZERO,
    };
    while let Some((latency, outcome)) = rx.recv().await {
        report.latencies.push(latency);
        match outcome {
            Outcome::Allowed => report.allowed += 1,
            Outcome::Denied => report.denied += 1,
            Outcome::OutOfTime => report.out_of_time += 1,
            Outcome::Failed => report.failed += 1,
        }
    }
    report.wall = start.elapsed();
    report
}

impl Report {
    fn print(mut self, doc: &std::path::Path, doc_bytes: usize, review_bytes: usize, rate: u32) {
        self.latencies.sort();
        let pct = |p: f64| {
            let i = ((self.latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
            self.latencies
                .get(i)
                .map(|d| d.as_secs_f64() * 1000.0)
                .unwrap_or(f64::NAN)
        };
        let n = self.latencies.len();
        println!(
            "{}\n  doc {doc_bytes} B, review {review_bytes} B, {rate}/s: sent {n}, linted {} (allowed {}, denied {}), over budget {}, failed {}; throughput {:.1}/s; p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            doc.file_name().unwrap().to_string_lossy(),
            self.allowed + self.denied,
            self.allowed,
            self.denied,
            self.out_of_time,
            self.failed,
            (self.allowed + self.denied) as f64 / self.wall.as_secs_f64(),
            pct(0.50),
            pct(0.90),
            pct(0.99),
            self.latencies.last().map(|d| d.as_secs_f64() * 1000.0).unwrap_or(f64::NAN),
        );
    }
}
