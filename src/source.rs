//! Resolves `spec.openapi` to the document's bytes: `inline` directly, `configMapRef` through the
//! Kubernetes API (behind the [`Cluster`] trait, so tests use a fake or a mocked API server),
//! `url` not at admission (the controller fetches it).

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, ListParams};

use crate::api::{ApiPublication, OpenApiSource};

/// A boxed future, so [`Cluster`] can be used as `dyn Cluster`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The reads admission needs from the Kubernetes API.
pub trait Cluster: Send + Sync {
    /// A ConfigMap, or `None` when it does not exist.
    fn config_map<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<ConfigMap>, ClusterError>>;

    /// A namespace's labels, or `None` when the namespace does not exist.
    fn namespace_labels<'a>(
        &'a self,
        namespace: &'a str,
    ) -> BoxFuture<'a, Result<Option<BTreeMap<String, String>>, ClusterError>>;

    /// The publications in a namespace.
    fn publications<'a>(
        &'a self,
        namespace: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ApiPublication>, ClusterError>>;
}

/// Why a read from the API failed.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// Started without a reachable cluster (`--no-controller` and no kubeconfig or in-cluster
    /// service account).
    #[error("the webhook runs without access to a Kubernetes API server")]
    Unavailable,
    #[error("Kubernetes API: {0}")]
    Api(#[from] kube::Error),
}

/// Why a document could not be had.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("ConfigMap {namespace}/{name} does not exist")]
    ConfigMapNotFound { namespace: String, name: String },
    #[error("ConfigMap {namespace}/{name} has no key '{key}' in data or binaryData")]
    KeyNotFound {
        namespace: String,
        name: String,
        key: String,
    },
    #[error("cannot read ConfigMap {namespace}/{name}: {source}")]
    Cluster {
        namespace: String,
        name: String,
        source: ClusterError,
    },
    #[error("document of {size} bytes exceeds the webhook's limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("spec.openapi must set exactly one of inline, configMapRef or url")]
    NoSingleSource,
}

impl FetchError {
    /// Metric label (`adr_source_fetch_errors_total{kind}`).
    pub fn reason(&self) -> &'static str {
        match self {
            FetchError::ConfigMapNotFound { .. } => "configmap_not_found",
            FetchError::KeyNotFound { .. } => "key_not_found",
            FetchError::Cluster { .. } => "api",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::NoSingleSource => "no_single_source",
        }
    }
}

/// A resolved source.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// The document, and a name for it in findings (`inline`, `configmap/brp-openapi/openapi.yaml`).
    Document { name: String, bytes: Vec<u8> },
    /// A URL source: not fetched at admission; the controller validates it.
    Deferred { url: String },
}

/// Resolves `source` for a publication in `namespace`, refusing documents over `max_bytes`.
pub async fn resolve(
    source: &OpenApiSource,
    namespace: &str,
    cluster: &dyn Cluster,
    max_bytes: usize,
) -> Result<Resolved, FetchError> {
    let check_size = |size: usize| {
        if size > max_bytes {
            Err(FetchError::TooLarge {
                size,
                limit: max_bytes,
            })
        } else {
            Ok(())
        }
    };
    match (&source.inline, &source.config_map_ref, &source.url) {
        (Some(text), None, None) => {
            check_size(text.len())?;
            Ok(Resolved::Document {
                name: "inline".into(),
                bytes: text.as_bytes().to_vec(),
            })
        }
        (None, Some(r), None) => {
            let cm = cluster
                .config_map(namespace, &r.name)
                .await
                .map_err(|source| FetchError::Cluster {
                    namespace: namespace.into(),
                    name: r.name.clone(),
                    source,
                })?
                .ok_or_else(|| FetchError::ConfigMapNotFound {
                    namespace: namespace.into(),
                    name: r.name.clone(),
                })?;
            let bytes = config_map_key(&cm, &r.key).ok_or_else(|| FetchError::KeyNotFound {
                namespace: namespace.into(),
                name: r.name.clone(),
                key: r.key.clone(),
            })?;
            check_size(bytes.len())?;
            Ok(Resolved::Document {
                name: format!("configmap/{}/{}", r.name, r.key),
                bytes,
            })
        }
        (None, None, Some(url)) => Ok(Resolved::Deferred { url: url.clone() }),
        _ => Err(FetchError::NoSingleSource),
    }
}

/// The bytes under `key` in a ConfigMap's `data` or `binaryData`.
pub fn config_map_key(cm: &ConfigMap, key: &str) -> Option<Vec<u8>> {
    if let Some(text) = cm.data.as_ref().and_then(|d| d.get(key)) {
        return Some(text.as_bytes().to_vec());
    }
    cm.binary_data
        .as_ref()
        .and_then(|d| d.get(key))
        .map(|b| b.0.clone())
}

// === impl Cluster ===

/// The real API, through a kube client (the service account needs get on namespaces and
/// configmaps, list on apipublications).
#[derive(Clone)]
pub struct KubeCluster {
    client: kube::Client,
}

impl KubeCluster {
    pub fn new(client: kube::Client) -> Self {
        KubeCluster { client }
    }
}

impl Cluster for KubeCluster {
    fn config_map<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<ConfigMap>, ClusterError>> {
        Box::pin(async move {
            let api: Api<ConfigMap> = Api::namespaced(self.client.clone(), namespace);
            Ok(api.get_opt(name).await?)
        })
    }

    fn namespace_labels<'a>(
        &'a self,
        namespace: &'a str,
    ) -> BoxFuture<'a, Result<Option<BTreeMap<String, String>>, ClusterError>> {
        Box::pin(async move {
            let api: Api<Namespace> = Api::all(self.client.clone());
            Ok(api
                .get_opt(namespace)
                .await?
                .map(|ns| ns.metadata.labels.unwrap_or_default()))
        })
    }

    fn publications<'a>(
        &'a self,
        namespace: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ApiPublication>, ClusterError>> {
        Box::pin(async move {
            let api: Api<ApiPublication> = Api::namespaced(self.client.clone(), namespace);
            Ok(api.list(&ListParams::default()).await?.items)
        })
    }
}

/// No API server: inline documents still work; everything that needs the API says why not.
pub struct NoCluster;

impl Cluster for NoCluster {
    fn config_map<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
    ) -> BoxFuture<'a, Result<Option<ConfigMap>, ClusterError>> {
        Box::pin(async { Err(ClusterError::Unavailable) })
    }

    fn namespace_labels<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, Result<Option<BTreeMap<String, String>>, ClusterError>> {
        Box::pin(async { Err(ClusterError::Unavailable) })
    }

    fn publications<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ApiPublication>, ClusterError>> {
        Box::pin(async { Err(ClusterError::Unavailable) })
    }
}
