//! The two HTTP servers of `adr-operator run`: the admission webhook over TLS, and `/metrics`,
//! `/livez`, `/readyz` in plain HTTP for the kubelet and Prometheus.
//!
//! The TLS certificate is re-read when its files change (cert-manager rotates the mounted
//! Secret in place), so a rotation needs no restart.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_server::tls_rustls::RustlsConfig;
use axum_server::Handle;
use tokio::task::JoinHandle;
use tracing::{info, warn};

use crate::admission::Admission;
use crate::metrics::Metrics;

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct Config {
    /// TLS address of the webhook (`0.0.0.0:8443`).
    pub webhook_addr: SocketAddr,
    /// Plain address of `/metrics`, `/livez`, `/readyz` (`0.0.0.0:8080`).
    pub metrics_addr: SocketAddr,
    /// PEM certificate chain and private key of the webhook.
    pub tls_cert_file: PathBuf,
    pub tls_key_file: PathBuf,
    /// How often the certificate files are checked for a change.
    pub cert_reload_interval: Duration,
    /// Largest AdmissionReview body accepted. A review carries the object, on UPDATE also the
    /// old one, and kubectl's last-applied annotation repeats the spec: about three copies of
    /// an inline document, JSON-escaped.
    pub max_review_bytes: usize,
}

/// Why the servers could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot load the TLS certificate ({cert}, {key}): {source}")]
    Tls {
        cert: String,
        key: String,
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the {server} server failed: {source}")]
    Serve {
        server: &'static str,
        source: std::io::Error,
    },
}

/// The running servers.
pub struct Running {
    /// The webhook's bound address (the real port when the configured one was 0).
    pub webhook_addr: SocketAddr,
    pub metrics_addr: SocketAddr,
    handle: Handle<SocketAddr>,
    shutdown: Arc<tokio::sync::Notify>,
    webhook: JoinHandle<Result<(), Error>>,
    plain: JoinHandle<Result<(), Error>>,
    reload: JoinHandle<()>,
}

impl Running {
    /// Serves until `signal` completes, then shuts down gracefully; returns early with the
    /// error if a server fails first.
    pub async fn serve_until(
        mut self,
        signal: impl std::future::Future<Output = ()>,
    ) -> Result<(), Error> {
        tokio::select! {
            result = &mut self.webhook => {
                self.abort();
                return result.expect("the webhook server task does not panic");
            }
            result = &mut self.plain => {
                self.abort();
                return result.expect("the plain server task does not panic");
            }
            () = signal => {}
        }
        self.shutdown().await
    }

    /// Stops accepting, lets reviews in flight finish (up to 10 s), and waits for both servers.
    pub async fn shutdown(self) -> Result<(), Error> {
        self.handle.graceful_shutdown(Some(Duration::from_secs(10)));
        self.shutdown.notify_waiters();
        self.reload.abort();
        self.webhook
            .await
            .expect("the webhook server task does not panic")?;
        self.plain
            .await
            .expect("the plain server task does not panic")
    }

    fn abort(&self) {
        self.handle.shutdown();
        self.webhook.abort();
        self.plain.abort();
        self.reload.abort();
    }
}

#[derive(Clone)]
struct AppState {
    admission: Arc<Admission>,
    metrics: Arc<Metrics>,
    readiness: Readiness,
}

/// What `/readyz` waits for: named gates, each closed until its owner opens it. The servers
/// hold `tls` (closed until the certificate is loaded and the listener accepts); the
/// controller holds its cache gate.
#[derive(Clone, Default)]
pub struct Readiness(Arc<Mutex<BTreeMap<&'static str, bool>>>);

impl Readiness {
    /// The gate the servers hold.
    pub const TLS: &'static str = "tls";

    /// Opens (`true`) or closes a gate, creating it if needed.
    pub fn set(&self, gate: &'static str, open: bool) {
        self.0.lock().expect("poisoned").insert(gate, open);
    }

    /// The gates still closed.
    pub fn pending(&self) -> Vec<&'static str> {
        self.0
            .lock()
            .expect("poisoned")
            .iter()
            .filter(|(_, open)| !**open)
            .map(|(gate, _)| *gate)
            .collect()
    }

    pub fn is_ready(&self) -> bool {
        self.pending().is_empty()
    }
}

/// Installs rustls' ring provider as the process default, once. kube's client and
/// axum-server both use ring; a default must be set before the first TLS config is built.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // An error means another part of the process installed one first; that one is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Binds both servers and starts serving.
pub async fn start(
    config: Config,
    admission: Arc<Admission>,
    metrics: Arc<Metrics>,
) -> Result<Running, Error> {
    start_with_readiness(config, admission, metrics, Readiness::default()).await
}

/// [`start`], with `/readyz` also waiting for the gates others hold in `readiness`.
pub async fn start_with_readiness(
    config: Config,
    admission: Arc<Admission>,
    metrics: Arc<Metrics>,
    readiness: Readiness,
) -> Result<Running, Error> {
    install_crypto_provider();
    readiness.set(Readiness::TLS, false);
    let (cert, key) = read_pair(&config).await?;
    let tls = RustlsConfig::from_pem(cert.clone(), key.clone())
        .await
        .map_err(|source| tls_error(&config, source))?;

    let state = AppState {
        admission,
        metrics,
        readiness,
    };

    let plain_listener = tokio::net::TcpListener::bind(config.metrics_addr)
        .await
        .map_err(|source| Error::Bind {
            addr: config.metrics_addr,
            source,
        })?;
    let metrics_addr = plain_listener.local_addr().map_err(|source| Error::Bind {
        addr: config.metrics_addr,
        source,
    })?;

    let webhook_listener =
        std::net::TcpListener::bind(config.webhook_addr).map_err(|source| Error::Bind {
            addr: config.webhook_addr,
            source,
        })?;
    webhook_listener
        .set_nonblocking(true)
        .map_err(|source| Error::Bind {
            addr: config.webhook_addr,
            source,
        })?;
    let webhook_addr = webhook_listener
        .local_addr()
        .map_err(|source| Error::Bind {
            addr: config.webhook_addr,
            source,
        })?;

    let handle = Handle::new();
    let webhook_app = Router::new()
        .route("/validate/apipublications", post(validate_publication))
        .route("/validate/configmaps", post(validate_config_map))
        .layer(DefaultBodyLimit::max(config.max_review_bytes))
        .with_state(state.clone());
    let server = axum_server::from_tcp_rustls(webhook_listener, tls.clone())
        .map_err(|source| Error::Bind {
            addr: webhook_addr,
            source,
        })?
        .handle(handle.clone());
    let webhook = tokio::spawn(async move {
        server
            .serve(webhook_app.into_make_service())
            .await
            .map_err(|source| Error::Serve {
                server: "webhook",
                source,
            })
    });

    let shutdown = Arc::new(tokio::sync::Notify::new());
    let plain_app = Router::new()
        .route("/metrics", get(metrics_text))
        .route("/livez", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(state.clone());
    let stop = shutdown.clone();
    let plain = tokio::spawn(async move {
        axum::serve(plain_listener, plain_app)
            .with_graceful_shutdown(async move { stop.notified().await })
            .await
            .map_err(|source| Error::Serve {
                server: "metrics",
                source,
            })
    });

    let reload = tokio::spawn(reload_certificates(config.clone(), tls, (cert, key)));

    // Ready once the TLS listener accepts: the socket is bound and the certificate loaded.
    handle.listening().await;
    state.readiness.set(Readiness::TLS, true);
    info!(%webhook_addr, %metrics_addr, "serving");
    Ok(Running {
        webhook_addr,
        metrics_addr,
        handle,
        shutdown,
        webhook,
        plain,
        reload,
    })
}

async fn validate_publication(State(state): State<AppState>, body: Bytes) -> Response {
    Json(state.admission.review_publication(&body).await).into_response()
}

async fn validate_config_map(State(state): State<AppState>, body: Bytes) -> Response {
    Json(state.admission.review_config_map(&body).await).into_response()
}

async fn metrics_text(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response()
}

async fn readyz(State(state): State<AppState>) -> Response {
    let pending = state.readiness.pending();
    if pending.is_empty() {
        (StatusCode::OK, "ok").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("waiting for: {}", pending.join(", ")),
        )
            .into_response()
    }
}

/// Re-reads the certificate and key every `cert_reload_interval` and swaps them in when either
/// changed. Comparing contents (not modification times) also catches a Secret volume's
/// symlink swap. A pair that does not load (half-written, mismatched) keeps the old one.
async fn reload_certificates(config: Config, tls: RustlsConfig, mut current: (Vec<u8>, Vec<u8>)) {
    let mut rejected = None;
    let mut tick = tokio::time::interval(config.cert_reload_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let pair = match read_pair(&config).await {
            Ok(pair) => pair,
            Err(e) => {
                warn!(error = %e, "cannot read the TLS certificate; keeping the current one");
                continue;
            }
        };
        if pair == current || rejected.as_ref() == Some(&pair) {
            continue;
        }
        match tls.reload_from_pem(pair.0.clone(), pair.1.clone()).await {
            Ok(()) => {
                info!(cert = %config.tls_cert_file.display(), "TLS certificate reloaded");
                current = pair;
                rejected = None;
            }
            Err(e) => {
                warn!(error = %e, "new TLS certificate does not load; keeping the current one");
                rejected = Some(pair);
            }
        }
    }
}

async fn read_pair(config: &Config) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let cert = tokio::fs::read(&config.tls_cert_file)
        .await
        .map_err(|e| tls_error(config, e))?;
    let key = tokio::fs::read(&config.tls_key_file)
        .await
        .map_err(|e| tls_error(config, e))?;
    Ok((cert, key))
}

fn tls_error(config: &Config, source: std::io::Error) -> Error {
    Error::Tls {
        cert: config.tls_cert_file.display().to_string(),
        key: config.tls_key_file.display().to_string(),
        source,
    }
}
