//! Fetches `spec.openapi.url` documents for the controller without becoming an SSRF tool:
//! https only (unless allowed), an optional host allow-list, no private, loopback or link-local
//! addresses (checked after our own DNS resolution, and again for every redirect hop), connect
//! and read timeouts, a size cap, and conditional requests (ETag / If-Modified-Since).
//!
//! Built directly on hyper's HTTP/1 client connection and tokio-rustls (both already in the tree
//! through kube) rather than on a pooled client: the guard has to choose the address the socket
//! connects to. We resolve the name, drop every address the guard refuses, and connect to one
//! that passed, so a second resolution (DNS rebinding) cannot swap in an internal address.
//! Redirects are followed by hand for the same reason.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::header::{self, HeaderValue};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tracing::debug;
use url::Url;

/// How a fetch may go.
#[derive(Debug, Clone)]
pub struct Config {
    /// Also fetch `http://` URLs (the CRD's CEL rule only admits `https://`; this is for tests
    /// and mirrors inside the cluster network).
    pub allow_http: bool,
    /// Hosts that may be fetched from: `api.example.nl`, or `*.example.nl` for any subdomain.
    /// Empty allows every host.
    pub allowed_hosts: Vec<String>,
    /// Networks exempt from the private-address guard (`10.1.0.0/16`, `127.0.0.1/32`); every
    /// other loopback, private, link-local, shared, multicast or reserved address is refused.
    pub allowed_networks: Vec<IpNet>,
    /// Per address: TCP connect plus TLS handshake.
    pub connect_timeout: Duration,
    /// Longest wait for the response head, and between two chunks of the body.
    pub read_timeout: Duration,
    /// Longest a whole fetch may take, redirects included.
    pub total_timeout: Duration,
    /// Largest body accepted, in bytes.
    pub max_bytes: usize,
    pub max_redirects: usize,
    /// Trust the platform's root certificates (the container's CA bundle).
    pub system_roots: bool,
    /// More trusted roots (a private CA; the tests' own).
    pub extra_roots: Vec<CertificateDer<'static>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            allow_http: false,
            allowed_hosts: Vec::new(),
            allowed_networks: Vec::new(),
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_bytes: 3 * 1024 * 1024,
            max_redirects: 5,
            system_roots: true,
            extra_roots: Vec::new(),
        }
    }
}

/// Validators of a copy we already have, sent so the server can answer 304.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// A (new) copy of the document.
    Document {
        bytes: Vec<u8>,
        validators: Validators,
        content_type: Option<String>,
    },
    /// 304: the copy the validators describe is still current.
    NotModified,
}

/// Why a fetch failed. [`Error::kind`] is the metric label, [`Error::reason`] the status
/// condition's reason.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("'{url}' is not a valid URL: {detail}")]
    InvalidUrl { url: String, detail: String },
    #[error("{scheme}:// URLs are not fetched (only https://)")]
    Scheme { scheme: String },
    #[error("host {host} is not on the operator's allow-list (--fetch-allowed-host)")]
    HostNotAllowed { host: String },
    #[error("host {host} resolves only to private or reserved addresses ({addresses}); these are never fetched")]
    PrivateAddress { host: String, addresses: String },
    #[error("cannot resolve {host}: {detail}")]
    Dns { host: String, detail: String },
    #[error("cannot connect to {host}: {detail}")]
    Connect { host: String, detail: String },
    #[error("TLS with {host} failed: {detail}")]
    Tls { host: String, detail: String },
    #[error("{host} did not answer within {seconds} s ({phase})")]
    Timeout {
        host: String,
        phase: &'static str,
        seconds: u64,
    },
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("the document is larger than the limit of {limit} bytes")]
    TooLarge { limit: usize },
    #[error("{url} has content type '{content_type}', not JSON or YAML")]
    ContentType { url: String, content_type: String },
    #[error("more than {limit} redirects")]
    TooManyRedirects { limit: usize },
    #[error("HTTP exchange with {host} failed: {detail}")]
    Protocol { host: String, detail: String },
}

impl Error {
    /// Label of `adr_source_fetch_errors_total{kind}`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidUrl { .. } => "invalid_url",
            Error::Scheme { .. } => "scheme",
            Error::HostNotAllowed { .. } => "host_not_allowed",
            Error::PrivateAddress { .. } => "private_address",
            Error::Dns { .. } => "dns",
            Error::Connect { .. } => "connect",
            Error::Tls { .. } => "tls",
            Error::Timeout { .. } => "timeout",
            Error::Status { .. } => "http_status",
            Error::TooLarge { .. } => "too_large",
            Error::ContentType { .. } => "content_type",
            Error::TooManyRedirects { .. } => "redirects",
            Error::Protocol { .. } => "protocol",
        }
    }

    /// Reason of the `Resolved=False` condition.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::TooLarge { .. } => "TooLarge",
            Error::ContentType { .. } => "UnsupportedContentType",
            Error::InvalidUrl { .. }
            | Error::Scheme { .. }
            | Error::HostNotAllowed { .. }
            | Error::PrivateAddress { .. } => "UrlNotAllowed",
            _ => "FetchFailed",
        }
    }
}

/// An IP network in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for IpNet {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("'{s}' is not a network such as 10.1.0.0/16 or fd00::/8");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(IpNet { addr, prefix })
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// Whether `ip` is outside the public unicast internet: loopback, private (RFC 1918, ULA),
/// link-local (cloud metadata services live at 169.254.169.254), shared (CGNAT), multicast,
/// documentation, benchmarking or otherwise reserved.
pub fn is_private(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => is_private_v6(v6),
    }
}

fn is_private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

fn is_private_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let embedded_v4 =
        || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x0064 && s[1] == 0xff9b && is_private_v4(embedded_v4())) // NAT64
        || (s[..6] == [0, 0, 0, 0, 0, 0] && is_private_v4(embedded_v4())) // IPv4-compatible
}

/// The URL fetcher. Cheap to share; every fetch opens its own connection.
#[derive(Clone)]
pub struct Fetcher {
    config: Arc<Config>,
    tls: TlsConnector,
}

impl fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.config)
            .finish()
    }
}

impl Fetcher {
    /// Builds the TLS configuration once (loading the platform's roots when asked).
    pub fn new(config: Config) -> Self {
        let mut roots = rustls::RootCertStore::empty();
        if config.system_roots {
            let native = rustls_native_certs::load_native_certs();
            for e in &native.errors {
                debug!(error = %e, "skipping a platform root certificate");
            }
            let (added, ignored) = roots.add_parsable_certificates(native.certs);
            debug!(added, ignored, "platform root certificates");
        }
        for cert in &config.extra_roots {
            if let Err(e) = roots.add(cert.clone()) {
                tracing::warn!(error = %e, "ignoring an extra root certificate");
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        Fetcher {
            config: Arc::new(config),
            tls: TlsConnector::from(Arc::new(tls)),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Fetches `url`, conditionally when `known` has validators.
    pub async fn fetch(&self, url: &str, known: &Validators) -> Result<Fetched, Error> {
        let parsed = Url::parse(url).map_err(|e| Error::InvalidUrl {
            url: url.to_string(),
            detail: e.to_string(),
        })?;
        let host = parsed.host_str().unwrap_or_default().to_string();
        match tokio::time::timeout(self.config.total_timeout, self.follow(parsed, known)).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                host,
                phase: "whole fetch",
                seconds: self.config.total_timeout.as_secs(),
            }),
        }
    }

    async fn follow(&self, mut url: Url, known: &Validators) -> Result<Fetched, Error> {
        for _ in 0..=self.config.max_redirects {
            match self.fetch_once(&url, known).await? {
                Hop::Done(fetched) => return Ok(fetched),
                Hop::Redirect(location) => {
                    let next = url.join(&location).map_err(|e| Error::InvalidUrl {
                        url: location.clone(),
                        detail: e.to_string(),
                    })?;
                    debug!(from = %url, to = %next, "following redirect");
                    url = next;
                }
            }
        }
        Err(Error::TooManyRedirects {
            limit: self.config.max_redirects,
        })
    }

    /// One request: the URL is checked, resolved and connected to here, so every redirect
    /// hop passes the same guard.
    async fn fetch_once(&self, url: &Url, known: &Validators) -> Result<Hop, Error> {
        let https = match url.scheme() {
            "https" => true,
            "http" if self.config.allow_http => false,
            other => {
                return Err(Error::Scheme {
                    scheme: other.to_string(),
                })
            }
        };
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => {
                return Err(Error::InvalidUrl {
                    url: url.to_string(),
                    detail: "no host".into(),
                })
            }
        };
        if !self.host_allowed(&host) {
            return Err(Error::HostNotAllowed { host });
        }
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs = self.resolve(url, &host, port).await?;

        let stream = self.connect(&host, &addrs).await?;
        if https {
            let name = ServerName::try_from(host.clone()).map_err(|e| Error::InvalidUrl {
                url: url.to_string(),
                detail: e.to_string(),
            })?;
            let tls =
                tokio::time::timeout(self.config.connect_timeout, self.tls.connect(name, stream))
                    .await
                    .map_err(|_| self.timeout(&host, "TLS handshake", self.config.connect_timeout))?
                    .map_err(|e| Error::Tls {
                        host: host.clone(),
                        detail: e.to_string(),
                    })?;
            self.exchange(tls, url, &host, known).await
        } else {
            self.exchange(stream, url, &host, known).await
        }
    }

    fn host_allowed(&self, host: &str) -> bool {
        let allowed = &self.config.allowed_hosts;
        allowed.is_empty()
            || allowed.iter().any(|pattern| {
                let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
                match pattern.strip_prefix("*.") {
                    Some(suffix) => host
                        .strip_suffix(suffix)
                        .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1),
                    None => host == pattern,
                }
            })
    }

    fn address_allowed(&self, ip: IpAddr) -> bool {
        !is_private(ip) || self.config.allowed_networks.iter().any(|n| n.contains(ip))
    }

    /// Our own resolution: the addresses the guard lets through, in resolver order.
    async fn resolve(&self, url: &Url, host: &str, port: u16) -> Result<Vec<SocketAddr>, Error> {
        let all: Vec<SocketAddr> = match url.host() {
            Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
            Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
            _ => tokio::time::timeout(
                self.config.connect_timeout,
                tokio::net::lookup_host((host, port)),
            )
            .await
            .map_err(|_| self.timeout(host, "DNS", self.config.connect_timeout))?
            .map_err(|e| Error::Dns {
                host: host.to_string(),
                detail: e.to_string(),
            })?
            .collect(),
        };
        let allowed: Vec<SocketAddr> = all
            .iter()
            .copied()
            .filter(|a| self.address_allowed(a.ip()))
            .collect();
        if allowed.is_empty() {
            if all.is_empty() {
                return Err(Error::Dns {
                    host: host.to_string(),
                    detail: "no addresses".into(),
                });
            }
            let addresses = all
                .iter()
                .map(|a| a.ip().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Error::PrivateAddress {
                host: host.to_string(),
                addresses,
            });
        }
        Ok(allowed)
    }

    async fn connect(&self, host: &str, addrs: &[SocketAddr]) -> Result<TcpStream, Error> {
        let mut failures = Vec::new();
        let mut all_timed_out = true;
        for addr in addrs {
            match tokio::time::timeout(self.config.connect_timeout, TcpStream::connect(addr)).await
            {
                Ok(Ok(stream)) => return Ok(stream),
                Ok(Err(e)) => {
                    all_timed_out = false;
                    failures.push(format!("{addr}: {e}"));
                }
                Err(_) => failures.push(format!("{addr}: no answer")),
            }
        }
        if all_timed_out {
            return Err(self.timeout(host, "connect", self.config.connect_timeout));
        }
        Err(Error::Connect {
            host: host.to_string(),
            detail: failures.join("; "),
        })
    }

    async fn exchange<S>(
        &self,
        stream: S,
        url: &Url,
        host: &str,
        known: &Validators,
    ) -> Result<Hop, Error>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let protocol = |e: hyper::Error| Error::Protocol {
            host: host.to_string(),
            detail: e.to_string(),
        };
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(protocol)?;
        // Ends when the response is read or the sender dropped; a failure shows in the response.
        let conn = tokio::spawn(async move {
            let _ = conn.await;
        });
        let authority = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or(host)),
            None => url.host_str().unwrap_or(host).to_string(),
        };
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let mut request = Request::get(path)
            .header(header::HOST, authority)
            .header(
                header::USER_AGENT,
                concat!("adr-operator/", env!("CARGO_PKG_VERSION")),
            )
            .header(
                header::ACCEPT,
                "application/vnd.oai.openapi+json, application/json, application/yaml, text/yaml;q=0.9, */*;q=0.1",
            );
        if let Some(etag) = known.etag.as_deref() {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(date) = known.last_modified.as_deref() {
            request = request.header(header::IF_MODIFIED_SINCE, date);
        }
        let request = request
            .body(Empty::<Bytes>::new())
            .map_err(|e| Error::InvalidUrl {
                url: url.to_string(),
                detail: e.to_string(),
            })?;
        let response = tokio::time::timeout(self.config.read_timeout, sender.send_request(request))
            .await
            .map_err(|_| self.timeout(host, "waiting for the response", self.config.read_timeout))?
            .map_err(protocol)?;
        let status = response.status();
        let result = self.interpret(response, url, host, status).await;
        conn.abort();
        result
    }

    async fn interpret(
        &self,
        response: hyper::Response<hyper::body::Incoming>,
        url: &Url,
        host: &str,
        status: StatusCode,
    ) -> Result<Hop, Error> {
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Hop::Done(Fetched::NotModified));
        }
        if status.is_redirection() {
            if let Some(location) = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
            {
                return Ok(Hop::Redirect(location.to_string()));
            }
        }
        if status != StatusCode::OK {
            return Err(Error::Status {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        let headers = response.headers();
        let text = |v: Option<&HeaderValue>| v.and_then(|v| v.to_str().ok()).map(str::to_string);
        let content_type = text(headers.get(header::CONTENT_TYPE));
        if let Some(ct) = &content_type {
            if !acceptable_content_type(ct) {
                return Err(Error::ContentType {
                    url: url.to_string(),
                    content_type: ct.clone(),
                });
            }
        }
        let validators = Validators {
            etag: text(headers.get(header::ETAG)),
            last_modified: text(headers.get(header::LAST_MODIFIED)),
        };
        let limit = self.config.max_bytes;
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(Error::TooLarge { limit });
        }
        let mut body = response.into_body();
        let mut bytes = Vec::with_capacity(declared.map_or(0, |n| n as usize));
        loop {
            let frame = tokio::time::timeout(self.config.read_timeout, body.frame())
                .await
                .map_err(|_| self.timeout(host, "reading the body", self.config.read_timeout))?;
            match frame {
                None => break,
                Some(Err(e)) => {
                    return Err(Error::Protocol {
                        host: host.to_string(),
                        detail: e.to_string(),
                    })
                }
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        if bytes.len() + data.len() > limit {
                            return Err(Error::TooLarge { limit });
                        }
                        bytes.extend_from_slice(&data);
                    }
                }
            }
        }
        Ok(Hop::Done(Fetched::Document {
            bytes,
            validators,
            content_type,
        }))
    }

    fn timeout(&self, host: &str, phase: &'static str, after: Duration) -> Error {
        Error::Timeout {
            host: host.to_string(),
            phase,
            seconds: after.as_secs().max(1),
        }
    }
}

enum Hop {
    Done(Fetched),
    Redirect(String),
}

/// JSON and YAML under any of their names (`application/vnd.oai.openapi+json`,
/// `application/x-yaml`, …), and the generic types raw file hosts use. HTML is what a login
/// page or an error page sends, never an OpenAPI document.
pub fn acceptable_content_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let Some((kind, sub)) = essence.split_once('/') else {
        return false;
    };
    let sub_ok = matches!(sub, "json" | "yaml" | "x-yaml" | "vnd.yaml")
        || sub.ends_with("+json")
        || sub.ends_with("+yaml");
    match kind {
        "application" => sub_ok || sub == "octet-stream",
        "text" => sub_ok || sub == "plain",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_addresses_are_recognised() {
        for s in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2001:db8::1",
        ] {
            assert!(is_private(ip(s)), "{s} should be private");
        }
        for s in ["145.21.2.3", "8.8.8.8", "2a00:1450::1", "::ffff:8.8.8.8"] {
            assert!(!is_private(ip(s)), "{s} should be public");
        }
    }

    #[test]
    fn networks_parse_and_contain() {
        let net: IpNet = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        let single: IpNet = "127.0.0.1".parse().unwrap();
        assert_eq!(single.to_string(), "127.0.0.1/32");
        assert!(single.contains(ip("::ffff:127.0.0.1")));
        assert!(!single.contains(ip("127.0.0.2")));
        let all: IpNet = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("127.0.0.2")));
        assert!("10.0.0.0/33".parse::<IpNet>().is_err());
        assert!("fd00::/8".parse::<IpNet>().unwrap().contains(ip("fd12::1")));
    }

    #[test]
    fn host_allow_list_matches_exact_and_wildcard() {
        let f = Fetcher::new(Config {
            allowed_hosts: vec!["api.example.nl".into(), "*.overheid.nl".into()],
            system_roots: false,
            ..Config::default()
        });
        assert!(f.host_allowed("api.example.nl"));
        assert!(f.host_allowed("developer.overheid.nl"));
        assert!(!f.host_allowed("overheid.nl"));
        assert!(!f.host_allowed("evil-overheid.nl"));
        assert!(!f.host_allowed("example.nl"));
    }

    #[test]
    fn content_types() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "application/vnd.oai.openapi+json;version=3.0",
            "application/yaml",
            "application/x-yaml",
            "text/yaml",
            "text/plain; charset=utf-8",
            "application/octet-stream",
        ] {
            assert!(acceptable_content_type(ok), "{ok}");
        }
        for bad in [
            "text/html; charset=utf-8",
            "image/png",
            "application/xml",
            "nonsense",
        ] {
            assert!(!acceptable_content_type(bad), "{bad}");
        }
    }
}
