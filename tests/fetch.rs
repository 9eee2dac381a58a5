//! URL fetching against a real HTTPS server on 127.0.0.1 (axum + rustls, with a CA made in the
//! test): conditional requests, timeouts, size and content-type limits, and the
//! private-address guard, also after a redirect. Loopback is itself "private", so each test
//! lets exactly 127.0.0.1/32 through (`allowed_networks`) and shows what stays refused.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use adr_operator::fetch::{self, Config, Error, Fetched, Fetcher, Validators};
use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::CertificateDer;

const DOC_ETAG: &str = "\"baseline-v1\"";
const DOC_DATE: &str = "Tue, 01 Dec 2026 08:00:00 GMT";

fn baseline() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/openapi/compliant-baseline.json"
    ))
    .unwrap()
}

/// What the site saw: path and the conditional headers of each request.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    path: String,
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
}

struct Site {
    addr: SocketAddr,
    ca: CertificateDer<'static>,
    seen: Arc<Mutex<Vec<Seen>>>,
    _handle: axum_server::Handle<SocketAddr>,
}

impl Site {
    fn url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.addr.port())
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// A fetcher that trusts the site's CA and lets 127.0.0.1 (only) through the guard.
    fn fetcher(&self, tweak: impl FnOnce(&mut Config)) -> Fetcher {
        let mut config = Config {
            allowed_networks: vec!["127.0.0.1/32".parse().unwrap()],
            system_roots: false,
            extra_roots: vec![self.ca.clone()],
            ..Config::default()
        };
        tweak(&mut config);
        Fetcher::new(config)
    }
}

fn record(seen: &Arc<Mutex<Vec<Seen>>>, path: &str, headers: &HeaderMap) {
    let h = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    seen.lock().unwrap().push(Seen {
        path: path.to_string(),
        if_none_match: h(header::IF_NONE_MATCH),
        if_modified_since: h(header::IF_MODIFIED_SINCE),
    });
}

async fn site() -> Site {
    adr_operator::server::install_crypto_provider();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "fetch test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let tls = RustlsConfig::from_pem(leaf.pem().into_bytes(), key.serialize_pem().into_bytes())
        .await
        .unwrap();

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let port = addr.port();
    let seen = Arc::new(Mutex::new(Vec::new()));

    let s = seen.clone();
    let router = Router::new()
        .route(
            "/openapi.json",
            get(move |headers: HeaderMap| {
                let s = s.clone();
                async move {
                    record(&s, "/openapi.json", &headers);
                    let matches = headers
                        .get(header::IF_NONE_MATCH)
                        .is_some_and(|v| v == DOC_ETAG);
                    if matches {
                        return StatusCode::NOT_MODIFIED.into_response();
                    }
                    (
                        [
                            (header::CONTENT_TYPE, "application/json"),
                            (header::ETAG, DOC_ETAG),
                            (header::LAST_MODIFIED, DOC_DATE),
                        ],
                        baseline(),
                    )
                        .into_response()
                }
            }),
        )
        .route(
            "/slow-head",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        .route(
            "/slow-body",
            get(|| async {
                let chunks = futures::stream::unfold(0, |i| async move {
                    match i {
                        0 => Some((Ok::<_, std::io::Error>(b"{\"openapi\":".to_vec()), 1)),
                        1 => {
                            tokio::time::sleep(Duration::from_secs(5)).await;
                            Some((Ok(b"\"3.0.3\"}".to_vec()), 2))
                        }
                        _ => None,
                    }
                });
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    Body::from_stream(chunks),
                )
            }),
        )
        .route(
            "/big",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    vec![b' '; 4096],
                )
            }),
        )
        .route(
            "/big-chunked",
            get(|| async {
                let chunks = futures::stream::iter(
                    (0..8).map(|_| Ok::<_, std::io::Error>(vec![b' '; 1024])),
                );
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    Body::from_stream(chunks),
                )
            }),
        )
        .route(
            "/login",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    "<html>sign in</html>",
                )
            }),
        )
        .route(
            "/gone",
            get(|| async { StatusCode::NOT_FOUND.into_response() }),
        )
        .route("/moved", get(|| async { redirect("/openapi.json") }))
        .route(
            "/to-metadata",
            get(|| async { redirect("http://169.254.169.254/latest/meta-data/") }),
        )
        .route(
            "/to-other-loopback",
            get(move || async move { redirect(&format!("https://127.0.0.2:{port}/openapi.json")) }),
        )
        .route(
            "/to-localhost-name",
            get(move || async move { redirect(&format!("https://localhost:{port}/openapi.json")) }),
        )
        .route("/loop", get(|| async { redirect("/loop") }));

    let handle = axum_server::Handle::new();
    let server = axum_server::from_tcp_rustls(listener, tls)
        .unwrap()
        .handle(handle.clone());
    tokio::spawn(async move {
        let _ = server.serve(router.into_make_service()).await;
    });
    handle.listening().await;
    Site {
        addr,
        ca: CertificateDer::from(ca.der().to_vec()),
        seen,
        _handle: handle,
    }
}

fn redirect(location: &str) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

fn document(fetched: Fetched) -> (Vec<u8>, Validators) {
    match fetched {
        Fetched::Document {
            bytes, validators, ..
        } => (bytes, validators),
        other => panic!("expected a document, got {other:?}"),
    }
}

#[tokio::test]
async fn fetches_over_https_with_validators() {
    let site = site().await;
    let fetched = site
        .fetcher(|_| {})
        .fetch(&site.url("/openapi.json"), &Validators::default())
        .await
        .unwrap();
    let (bytes, validators) = document(fetched);
    assert_eq!(bytes, baseline());
    assert_eq!(validators.etag.as_deref(), Some(DOC_ETAG));
    assert_eq!(validators.last_modified.as_deref(), Some(DOC_DATE));
}

#[tokio::test]
async fn etag_is_sent_back_and_304_reuses_the_copy() {
    let site = site().await;
    let fetcher = site.fetcher(|_| {});
    let url = site.url("/openapi.json");
    let (_, validators) = document(fetcher.fetch(&url, &Validators::default()).await.unwrap());
    let again = fetcher.fetch(&url, &validators).await.unwrap();
    assert_eq!(again, Fetched::NotModified);
    assert_eq!(
        site.seen(),
        [
            Seen {
                path: "/openapi.json".into(),
                if_none_match: None,
                if_modified_since: None,
            },
            Seen {
                path: "/openapi.json".into(),
                if_none_match: Some(DOC_ETAG.into()),
                if_modified_since: Some(DOC_DATE.into()),
            },
        ]
    );
    // A stale ETag gets the full document again.
    let stale = Validators {
        etag: Some("\"old\"".into()),
        last_modified: None,
    };
    let (bytes, _) = document(fetcher.fetch(&url, &stale).await.unwrap());
    assert_eq!(bytes, baseline());
}

#[tokio::test]
async fn loopback_is_refused_without_an_allowed_network() {
    let site = site().await;
    let fetcher = site.fetcher(|c| c.allowed_networks.clear());
    let err = fetcher
        .fetch(&site.url("/openapi.json"), &Validators::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PrivateAddress { .. }), "{err}");
    assert_eq!(err.reason(), "UrlNotAllowed");
    assert_eq!(err.kind(), "private_address");
    // By name too: `localhost` is resolved by us and every address it gives is refused.
    let by_name = format!("https://localhost:{}/openapi.json", site.addr.port());
    let err = fetcher
        .fetch(&by_name, &Validators::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PrivateAddress { .. }), "{err}");
    assert!(site.seen().is_empty(), "no request may reach the site");
}

#[tokio::test]
async fn redirect_to_a_metadata_address_is_refused() {
    let site = site().await;
    let fetcher = site.fetcher(|c| c.allow_http = true);
    let started = Instant::now();
    let err = fetcher
        .fetch(&site.url("/to-metadata"), &Validators::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::PrivateAddress { host, addresses } if host == "169.254.169.254" && addresses == "169.254.169.254"),
        "{err}"
    );
    // Refused before any connection attempt (a connect to 169.254/16 here would hang).
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn redirect_to_another_loopback_address_or_name_is_refused() {
    let site = site().await;
    let fetcher = site.fetcher(|_| {});
    let err = fetcher
        .fetch(&site.url("/to-other-loopback"), &Validators::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::PrivateAddress { addresses, .. } if addresses == "127.0.0.2"),
        "{err}"
    );
    // A name is judged by what it resolves to: localhost's ::1 is refused, its 127.0.0.1 is
    // the one allowed network, so this hop goes through, to 127.0.0.1 only.
    let (bytes, _) = document(
        fetcher
            .fetch(&site.url("/to-localhost-name"), &Validators::default())
            .await
            .unwrap(),
    );
    assert_eq!(bytes, baseline());
}

#[tokio::test]
async fn relative_redirect_is_followed_and_loops_are_cut() {
    let site = site().await;
    let fetcher = site.fetcher(|c| c.max_redirects = 3);
    let (bytes, _) = document(
        fetcher
            .fetch(&site.url("/moved"), &Validators::default())
            .await
            .unwrap(),
    );
    assert_eq!(bytes, baseline());
    let err = fetcher
        .fetch(&site.url("/loop"), &Validators::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TooManyRedirects { limit: 3 }), "{err}");
}

#[tokio::test]
async fn slow_response_head_times_out() {
    let site = site().await;
    let fetcher = site.fetcher(|c| c.read_timeout = Duration::from_millis(300));
    let started = Instant::now();
    let err = fetcher
        .fetch(&site.url("/slow-head"), &Validators::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: "waiting for the response",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(err.reason(), "FetchFailed");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn stalled_body_times_out() {
    let site = site().await;
    let fetcher = site.fetcher(|c| c.read_timeout = Duration::from_millis(300));
    let err = fetcher
        .fetch(&site.url("/slow-body"), &Validators::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: "reading the body",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn whole_fetch_has_a_deadline() {
    let site = site().await;
    let fetcher = site.fetcher(|c| c.total_timeout = Duration::from_millis(300));
    let err = fetcher
        .fetch(&site.url("/slow-head"), &Validators::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: "whole fetch",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    // Accepts the TCP connection and then says nothing (not even the TLS handshake).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let fetcher = Fetcher::new(Config {
        allowed_networks: vec!["127.0.0.1/32".parse().unwrap()],
        system_roots: false,
        connect_timeout: Duration::from_millis(300),
        ..Config::default()
    });
    let err = fetcher
        .fetch(
            &format!("https://127.0.0.1:{port}/openapi.json"),
            &Validators::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: "TLS handshake",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn oversize_documents_are_refused() {
    let site = site().await;
    let fetcher = site.fetcher(|c| c.max_bytes = 2048);
    for path in ["/big", "/big-chunked"] {
        let err = fetcher
            .fetch(&site.url(path), &Validators::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::TooLarge { limit: 2048 }),
            "{path}: {err}"
        );
        assert_eq!(err.reason(), "TooLarge");
        assert_eq!(err.kind(), "too_large");
    }
}

#[tokio::test]
async fn html_and_http_errors_are_reasons() {
    let site = site().await;
    let fetcher = site.fetcher(|_| {});
    let err = fetcher
        .fetch(&site.url("/login"), &Validators::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ContentType { .. }), "{err}");
    assert_eq!(err.reason(), "UnsupportedContentType");
    let err = fetcher
        .fetch(&site.url("/gone"), &Validators::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Status { status: 404, .. }), "{err}");
    assert_eq!(err.reason(), "FetchFailed");
}

#[tokio::test]
async fn untrusted_certificate_is_a_tls_error() {
    let site = site().await;
    let fetcher = site.fetcher(|c| c.extra_roots.clear());
    let err = fetcher
        .fetch(&site.url("/openapi.json"), &Validators::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err}");
}

#[tokio::test]
async fn http_hosts_and_bad_urls_are_refused_before_connecting() {
    let site = site().await;
    let fetcher = site.fetcher(|c| c.allowed_hosts = vec!["*.example.nl".into()]);
    let http = format!("http://127.0.0.1:{}/openapi.json", site.addr.port());
    let err = fetcher
        .fetch(&http, &Validators::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Scheme { .. }), "{err}");
    let err = fetcher
        .fetch(&site.url("/openapi.json"), &Validators::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::HostNotAllowed { .. }), "{err}");
    assert_eq!(err.reason(), "UrlNotAllowed");
    let err = fetcher
        .fetch("not a url", &Validators::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidUrl { .. }), "{err}");
    assert!(site.seen().is_empty());
}

#[tokio::test]
async fn closed_port_is_a_connect_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let fetcher = Fetcher::new(Config {
        allowed_networks: vec!["127.0.0.1/32".parse::<fetch::IpNet>().unwrap()],
        system_roots: false,
        ..Config::default()
    });
    let err = fetcher
        .fetch(
            &format!("https://127.0.0.1:{port}/x"),
            &Validators::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err}");
    assert_eq!(err.kind(), "connect");
}
