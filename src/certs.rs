//! Self-managed webhook TLS, for clusters without cert-manager.
//!
//! The operator keeps its own CA and serving certificate in a Secret of its namespace, writes the
//! serving pair to the files the webhook server reads (which it re-reads when they change, see
//! [`crate::server`]), and keeps the `caBundle` of every webhook in its
//! ValidatingWebhookConfiguration current. Nothing is generated at `helm template` time: a
//! chart-generated CA (`genCA`) changes on every render, which GitOps tools report as drift.
//!
//! Every replica runs the same loop; they agree through the Secret. Whoever finds something due
//! writes a new Secret with the `resourceVersion` it read; a replica that loses that race reads
//! again and adopts the winner's certificates. Rotation without an outage:
//!
//! * the serving certificate is re-issued (same CA) when a third of its validity is left, or when
//!   its DNS names, key or issuer no longer fit;
//! * the CA is replaced when a third of its validity is left; the old CA certificate stays in the
//!   Secret (`ca-previous.crt`) and in the `caBundle` until it expires, so a replica still serving
//!   a certificate of the old CA stays trusted until it has loaded the new one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use k8s_openapi::api::admissionregistration::v1::ValidatingWebhookConfiguration;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::ByteString;
use kube::api::{Api, ObjectMeta, PostParams};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use time::OffsetDateTime;
use tracing::{info, warn};

/// Secret keys.
pub const CA_CERT_KEY: &str = "ca.crt";
pub const CA_KEY_KEY: &str = "ca.key";
pub const PREVIOUS_CA_KEY: &str = "ca-previous.crt";
pub const TLS_CERT_KEY: &str = "tls.crt";
pub const TLS_KEY_KEY: &str = "tls.key";

/// The field manager and label the operator puts on what it writes.
const MANAGED_BY: &str = "adr-operator";

/// Certificates issued this long before "now", for clocks that lag a little.
const BACKDATE: Duration = Duration::from_secs(5 * 60);

/// `adr-operator run` flags of self-managed TLS.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Manage the webhook's TLS without cert-manager: keep a CA and serving certificate in
    /// --cert-secret (created and rotated here), write the serving pair to --tls-cert-file and
    /// --tls-key-file, and keep the caBundle of --webhook-configuration current.
    #[arg(long)]
    pub self_managed_tls: bool,
    /// Secret in the operator's namespace holding the CA and the serving certificate.
    #[arg(long, default_value = "adr-operator-webhook-tls")]
    pub cert_secret: String,
    /// ValidatingWebhookConfiguration whose webhooks get the CA bundle.
    #[arg(long, default_value = "adr-operator")]
    pub webhook_configuration: String,
    /// The webhook's Service: the certificate is for SERVICE, SERVICE.NAMESPACE,
    /// SERVICE.NAMESPACE.svc and SERVICE.NAMESPACE.svc.cluster.local.
    #[arg(long, default_value = "adr-operator-webhook")]
    pub webhook_service: String,
    /// Namespace of the Secret and the Service; defaults to $POD_NAMESPACE, then to the
    /// service account's namespace.
    #[arg(long)]
    pub cert_namespace: Option<String>,
    /// Validity of the serving certificate (re-issued when a third is left): e.g. 2160h, 90d.
    #[arg(long, default_value = "90d", value_parser = parse_period)]
    pub cert_validity: Duration,
    /// Validity of the CA (replaced when a third is left).
    #[arg(long, default_value = "3650d", value_parser = parse_period)]
    pub ca_validity: Duration,
    /// How often the Secret and the caBundle are checked (and repaired if someone changed them).
    #[arg(long, default_value = "1h", value_parser = parse_period)]
    pub cert_check_interval: Duration,
}

/// `30s`, `15m`, `12h`, `90d`.
pub fn parse_period(s: &str) -> Result<Duration, String> {
    let bad = || format!("'{s}' is not a period such as 30s, 15m, 12h or 90d");
    let split = s.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let n: u64 = s[..split].parse().map_err(|_| bad())?;
    let unit = match &s[split..] {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    Ok(Duration::from_secs(n.saturating_mul(unit)))
}

/// Everything the certificate manager needs to know.
#[derive(Debug, Clone)]
pub struct Settings {
    pub namespace: String,
    pub secret: String,
    pub service: String,
    pub webhook_configuration: String,
    pub cert_validity: Duration,
    pub ca_validity: Duration,
    /// Where the webhook server reads its certificate and key.
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
}

impl Settings {
    /// From the flags; `default_namespace` is the client's (service account's) namespace.
    pub fn from_args(
        args: &Args,
        default_namespace: &str,
        cert_file: PathBuf,
        key_file: PathBuf,
    ) -> Self {
        let namespace = args
            .cert_namespace
            .clone()
            .or_else(|| {
                std::env::var("POD_NAMESPACE")
                    .ok()
                    .filter(|n| !n.is_empty())
            })
            .unwrap_or_else(|| default_namespace.to_string());
        Settings {
            namespace,
            secret: args.cert_secret.clone(),
            service: args.webhook_service.clone(),
            webhook_configuration: args.webhook_configuration.clone(),
            cert_validity: args.cert_validity,
            ca_validity: args.ca_validity,
            cert_file,
            key_file,
        }
    }

    /// The serving certificate's DNS names: how the API server reaches the Service.
    pub fn dns_names(&self) -> Vec<String> {
        let (s, ns) = (&self.service, &self.namespace);
        vec![
            s.clone(),
            format!("{s}.{ns}"),
            format!("{s}.{ns}.svc"),
            format!("{s}.{ns}.svc.cluster.local"),
        ]
    }
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Kubernetes API: {0}")]
    Api(#[from] kube::Error),
    #[error("cannot make a certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("Secret {0} kept changing under us; giving up this round")]
    Contended(String),
}

// === the PEM material ===

/// The contents of the Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub ca_cert: String,
    pub ca_key: String,
    /// The CA this one replaced, trusted until it expires.
    pub previous_ca_cert: Option<String>,
    pub tls_cert: String,
    pub tls_key: String,
}

impl Bundle {
    /// From a Secret's data; `None` when a key is missing or not UTF-8.
    pub fn from_secret(secret: &Secret) -> Option<Bundle> {
        let data = secret.data.as_ref()?;
        let get = |k: &str| {
            data.get(k)
                .and_then(|b| String::from_utf8(b.0.clone()).ok())
                .filter(|s| !s.trim().is_empty())
        };
        Some(Bundle {
            ca_cert: get(CA_CERT_KEY)?,
            ca_key: get(CA_KEY_KEY)?,
            previous_ca_cert: get(PREVIOUS_CA_KEY),
            tls_cert: get(TLS_CERT_KEY)?,
            tls_key: get(TLS_KEY_KEY)?,
        })
    }

    /// The Secret's data.
    pub fn to_data(&self) -> BTreeMap<String, ByteString> {
        let mut data = BTreeMap::new();
        let mut put = |k: &str, v: &str| {
            data.insert(k.to_string(), ByteString(v.as_bytes().to_vec()));
        };
        put(CA_CERT_KEY, &self.ca_cert);
        put(CA_KEY_KEY, &self.ca_key);
        put(TLS_CERT_KEY, &self.tls_cert);
        put(TLS_KEY_KEY, &self.tls_key);
        if let Some(previous) = &self.previous_ca_cert {
            put(PREVIOUS_CA_KEY, previous);
        }
        data
    }

    /// What the API server must trust: the current CA, and the previous one while it is valid.
    pub fn ca_bundle(&self, now: OffsetDateTime) -> String {
        let mut out = self.ca_cert.trim_end().to_string();
        out.push('\n');
        if let Some(previous) = &self.previous_ca_cert {
            if inspect(previous).is_some_and(|c| c.not_after > now) {
                out.push_str(previous.trim_end());
                out.push('\n');
            }
        }
        out
    }
}

/// What matters of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub dns_names: Vec<String>,
    pub is_ca: bool,
    /// The subject public key (raw bits), to match a key against.
    pub public_key: Vec<u8>,
}

/// Reads the first certificate of a PEM text; `None` when there is none or it does not parse.
pub fn inspect(pem: &str) -> Option<CertInfo> {
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).ok()?;
    let cert = pem.parse_x509().ok()?;
    let time =
        |t: x509_parser::time::ASN1Time| OffsetDateTime::from_unix_timestamp(t.timestamp()).ok();
    let dns_names = match cert.subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                x509_parser::extensions::GeneralName::DNSName(d) => Some(d.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some(CertInfo {
        not_before: time(cert.validity().not_before)?,
        not_after: time(cert.validity().not_after)?,
        dns_names,
        is_ca: cert.is_ca(),
        public_key: cert.public_key().subject_public_key.data.to_vec(),
    })
}

/// Whether `leaf_pem` carries a signature of the CA in `ca_pem`.
pub fn signed_by(leaf_pem: &str, ca_pem: &str) -> bool {
    let parse = |pem: &str| {
        x509_parser::pem::parse_x509_pem(pem.as_bytes())
            .ok()
            .map(|(_, p)| p)
    };
    let (Some(leaf), Some(ca)) = (parse(leaf_pem), parse(ca_pem)) else {
        return false;
    };
    let (Ok(leaf), Ok(ca)) = (leaf.parse_x509(), ca.parse_x509()) else {
        return false;
    };
    leaf.verify_signature(Some(ca.public_key())).is_ok()
}

fn key_matches(key_pem: &str, cert: &CertInfo) -> bool {
    KeyPair::from_pem(key_pem).is_ok_and(|k| k.public_key_raw() == cert.public_key.as_slice())
}

/// A new self-signed CA valid from `now` for `validity`: (certificate PEM, key PEM).
pub fn issue_ca(now: OffsetDateTime, validity: Duration) -> Result<(String, String), Error> {
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(
        DnType::CommonName,
        format!("adr-operator webhook CA {}", now.unix_timestamp()),
    );
    params
        .distinguished_name
        .push(DnType::OrganizationName, "adr-operator");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = now - BACKDATE;
    params.not_after = now + validity;
    let cert = params.self_signed(&key)?;
    Ok((cert.pem(), key.serialize_pem()))
}

/// A serving certificate for `dns_names`, signed by the CA, valid for `validity` but never past
/// the CA: (certificate PEM, key PEM).
pub fn issue_serving(
    ca_cert: &str,
    ca_key: &str,
    dns_names: &[String],
    now: OffsetDateTime,
    validity: Duration,
) -> Result<(String, String), Error> {
    let ca_not_after = inspect(ca_cert)
        .map(|c| c.not_after)
        .ok_or(rcgen::Error::CouldNotParseCertificate)?;
    let issuer = Issuer::from_ca_cert_pem(ca_cert, KeyPair::from_pem(ca_key)?)?;
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(dns_names.to_vec())?;
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(
        DnType::CommonName,
        dns_names.get(2).cloned().unwrap_or_default(),
    );
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    params.not_before = now - BACKDATE;
    params.not_after = (now + validity).min(ca_not_after);
    let cert = params.signed_by(&key, &issuer)?;
    Ok((cert.pem(), key.serialize_pem()))
}

// === deciding what is due (pure) ===

/// Why the Secret is (re)written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No usable Secret: a new CA and serving certificate.
    Created,
    /// The CA is past two thirds of its validity (or unusable): new CA, new serving cert.
    CaRotated,
    /// The serving certificate is due, names other hosts, or does not fit its key or CA.
    ServingRenewed,
    /// The previous CA expired and leaves the bundle.
    PreviousCaDropped,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Reason::Created => "created a CA and serving certificate",
            Reason::CaRotated => "rotated the CA and re-issued the serving certificate",
            Reason::ServingRenewed => "re-issued the serving certificate",
            Reason::PreviousCaDropped => "dropped the expired previous CA",
        })
    }
}

/// What [`plan`] decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The Secret is fine as it is.
    Keep,
    /// Write this bundle.
    Write(Bundle, Reason),
}

/// Whether less than a third of `[not_before, not_after]` is left at `now`.
fn due(info: &CertInfo, now: OffsetDateTime) -> bool {
    let lifetime = info.not_after - info.not_before;
    info.not_after - now < lifetime / 3
}

/// Decides, from what the Secret holds, what to keep and what to issue at `now`.
pub fn plan(
    existing: Option<&Bundle>,
    settings: &Settings,
    now: OffsetDateTime,
) -> Result<Plan, Error> {
    let names = settings.dns_names();
    let fresh_ca = |previous: Option<String>, reason| -> Result<Plan, Error> {
        let (ca_cert, ca_key) = issue_ca(now, settings.ca_validity)?;
        let (tls_cert, tls_key) =
            issue_serving(&ca_cert, &ca_key, &names, now, settings.cert_validity)?;
        Ok(Plan::Write(
            Bundle {
                ca_cert,
                ca_key,
                previous_ca_cert: previous,
                tls_cert,
                tls_key,
            },
            reason,
        ))
    };
    let Some(b) = existing else {
        return fresh_ca(None, Reason::Created);
    };
    let ca = inspect(&b.ca_cert).filter(|c| c.is_ca && key_matches(&b.ca_key, c));
    let Some(ca) = ca else {
        return fresh_ca(None, Reason::Created);
    };
    if ca.not_after <= now || due(&ca, now) {
        let keep_old = (ca.not_after > now).then(|| b.ca_cert.clone());
        return fresh_ca(keep_old, Reason::CaRotated);
    }
    let leaf_ok = inspect(&b.tls_cert).is_some_and(|leaf| {
        !due(&leaf, now)
            && leaf.not_after > now
            && leaf.not_before <= now
            && sorted(&leaf.dns_names) == sorted(&names)
            && key_matches(&b.tls_key, &leaf)
            && signed_by(&b.tls_cert, &b.ca_cert)
    });
    if !leaf_ok {
        let (tls_cert, tls_key) =
            issue_serving(&b.ca_cert, &b.ca_key, &names, now, settings.cert_validity)?;
        let previous_ca_cert = b
            .previous_ca_cert
            .clone()
            .filter(|p| inspect(p).is_some_and(|c| c.not_after > now));
        return Ok(Plan::Write(
            Bundle {
                tls_cert,
                tls_key,
                previous_ca_cert,
                ..b.clone()
            },
            Reason::ServingRenewed,
        ));
    }
    if let Some(previous) = &b.previous_ca_cert {
        if inspect(previous).is_none_or(|c| c.not_after <= now) {
            return Ok(Plan::Write(
                Bundle {
                    previous_ca_cert: None,
                    ..b.clone()
                },
                Reason::PreviousCaDropped,
            ));
        }
    }
    Ok(Plan::Keep)
}

fn sorted(names: &[String]) -> Vec<String> {
    let mut v = names.to_vec();
    v.sort();
    v
}

// === doing it ===

/// What one round did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    /// Why the Secret was written, if it was.
    pub wrote_secret: Option<Reason>,
    /// The certificate files changed.
    pub wrote_files: bool,
    /// Webhooks whose caBundle was updated.
    pub patched_webhooks: Vec<String>,
    /// The ValidatingWebhookConfiguration does not exist (yet).
    pub webhook_configuration_missing: bool,
}

/// Keeps the Secret, the files and the caBundle in step.
pub struct Manager {
    client: kube::Client,
    settings: Settings,
}

impl Manager {
    pub fn new(client: kube::Client, settings: Settings) -> Self {
        Manager { client, settings }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// One round at the current time.
    pub async fn reconcile(&self) -> Result<Round, Error> {
        self.reconcile_at(OffsetDateTime::now_utc()).await
    }

    /// One round at `now`: settle the Secret (issuing what is due), write the serving pair to
    /// the files, bring every webhook's caBundle up to date.
    pub async fn reconcile_at(&self, now: OffsetDateTime) -> Result<Round, Error> {
        let (bundle, wrote_secret) = self.settle_secret(now).await?;
        let wrote_files = self.write_files(&bundle).await?;
        let ca_bundle = bundle.ca_bundle(now);
        let (patched_webhooks, missing) = self.patch_ca_bundle(&ca_bundle).await?;
        Ok(Round {
            wrote_secret,
            wrote_files,
            patched_webhooks,
            webhook_configuration_missing: missing,
        })
    }

    async fn settle_secret(&self, now: OffsetDateTime) -> Result<(Bundle, Option<Reason>), Error> {
        let s = &self.settings;
        let api: Api<Secret> = Api::namespaced(self.client.clone(), &s.namespace);
        for _ in 0..5 {
            let current = api.get_opt(&s.secret).await?;
            let existing = current.as_ref().and_then(Bundle::from_secret);
            let (bundle, reason) = match plan(existing.as_ref(), s, now)? {
                Plan::Keep => return Ok((existing.expect("Keep needs a bundle"), None)),
                Plan::Write(bundle, reason) => (bundle, reason),
            };
            let result = match current {
                Some(mut secret) => {
                    // Same object, new data: the resourceVersion read makes a concurrent
                    // writer's update fail with a conflict instead of being overwritten.
                    secret.data = Some(bundle.to_data());
                    secret.string_data = None;
                    api.replace(&s.secret, &post_params(), &secret).await
                }
                None => api.create(&post_params(), &self.new_secret(&bundle)).await,
            };
            match result {
                Ok(_) => {
                    info!(secret = %s.secret, namespace = %s.namespace, "{reason}");
                    return Ok((bundle, Some(reason)));
                }
                // Another replica got there first: read its result and judge that.
                Err(kube::Error::Api(e)) if e.code == 409 => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Contended(format!("{}/{}", s.namespace, s.secret)))
    }

    fn new_secret(&self, bundle: &Bundle) -> Secret {
        Secret {
            metadata: ObjectMeta {
                name: Some(self.settings.secret.clone()),
                namespace: Some(self.settings.namespace.clone()),
                labels: Some(BTreeMap::from([(
                    "app.kubernetes.io/managed-by".to_string(),
                    MANAGED_BY.to_string(),
                )])),
                ..ObjectMeta::default()
            },
            type_: Some("kubernetes.io/tls".into()),
            data: Some(bundle.to_data()),
            ..Secret::default()
        }
    }

    /// Writes the serving pair where the server reads it, when it differs; each file is
    /// written whole and renamed into place, so the server never reads half a file.
    async fn write_files(&self, bundle: &Bundle) -> Result<bool, Error> {
        let s = &self.settings;
        let current = (
            tokio::fs::read(&s.cert_file).await.ok(),
            tokio::fs::read(&s.key_file).await.ok(),
        );
        if current.0.as_deref() == Some(bundle.tls_cert.as_bytes())
            && current.1.as_deref() == Some(bundle.tls_key.as_bytes())
        {
            return Ok(false);
        }
        // Key first: a new key with the old certificate does not load, so the server keeps
        // the old pair until the certificate follows a moment later.
        write_atomically(&s.key_file, bundle.tls_key.as_bytes()).await?;
        write_atomically(&s.cert_file, bundle.tls_cert.as_bytes()).await?;
        Ok(true)
    }

    /// Sets `caBundle` on every webhook of the configuration that does not have it yet.
    async fn patch_ca_bundle(&self, ca_bundle: &str) -> Result<(Vec<String>, bool), Error> {
        let api: Api<ValidatingWebhookConfiguration> = Api::all(self.client.clone());
        let name = &self.settings.webhook_configuration;
        for _ in 0..5 {
            let Some(mut config) = api.get_opt(name).await? else {
                return Ok((Vec::new(), true));
            };
            let mut patched = Vec::new();
            for webhook in config.webhooks.iter_mut().flatten() {
                let wanted = ByteString(ca_bundle.as_bytes().to_vec());
                if webhook.client_config.ca_bundle.as_ref() != Some(&wanted) {
                    webhook.client_config.ca_bundle = Some(wanted);
                    patched.push(webhook.name.clone());
                }
            }
            if patched.is_empty() {
                return Ok((patched, false));
            }
            match api.replace(name, &post_params(), &config).await {
                Ok(_) => {
                    info!(configuration = %name, webhooks = ?patched, "caBundle updated");
                    return Ok((patched, false));
                }
                Err(kube::Error::Api(e)) if e.code == 409 => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Contended(name.clone()))
    }

    /// First round before the webhook server starts (it needs the files): retried a few times
    /// with backoff, since the API may not answer the very first call of a new pod.
    pub async fn bootstrap(&self) -> Result<Round, Error> {
        let mut delay = Duration::from_secs(1);
        let mut attempt = 1;
        loop {
            match self.reconcile().await {
                Ok(round) => return Ok(round),
                Err(e) if attempt < 6 => {
                    warn!(error = %e, attempt, "cannot set up the webhook certificate yet; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(16));
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Rounds every `interval` (sooner while the webhook configuration is missing or a round
    /// failed), until the task is dropped.
    pub async fn run(self, interval: Duration) {
        let retry = Duration::from_secs(30).min(interval);
        let mut next = interval;
        loop {
            tokio::time::sleep(next).await;
            next = match self.reconcile().await {
                Ok(round) if round.webhook_configuration_missing => {
                    warn!(configuration = %self.settings.webhook_configuration, "ValidatingWebhookConfiguration not found; its caBundle cannot be set");
                    retry
                }
                Ok(_) => interval,
                Err(e) => {
                    warn!(error = %e, "webhook certificate round failed; retrying");
                    retry
                }
            };
        }
    }
}

fn post_params() -> PostParams {
    PostParams {
        field_manager: Some(MANAGED_BY.into()),
        ..PostParams::default()
    }
}

async fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let err = |source| Error::Write {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(dir).await.map_err(err)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    tokio::fs::write(&tmp, bytes).await.map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tokio::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).await;
    }
    tokio::fs::rename(&tmp, path).await.map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(parse_period("90d"), Ok(Duration::from_secs(90 * 86_400)));
        assert_eq!(parse_period("12h"), Ok(Duration::from_secs(12 * 3600)));
        assert_eq!(parse_period("30s"), Ok(Duration::from_secs(30)));
        assert!(parse_period("1w").is_err());
        assert!(parse_period("d").is_err());
        assert!(parse_period("12").is_err());
    }
}
