//! ConfigMap sources and the ConfigMap webhook, over real TLS, with the Kubernetes API played by
//! a mocked API server (tower-test) behind a real kube client, or by a trait fake.

mod webhook_harness;

use std::sync::Arc;

use adr_operator::admission;
use adr_operator::api::{
    ApiPublication, ApiPublicationSpec, ConfigMapSource, Enforcement, OpenApiSource,
};
use adr_operator::source::KubeCluster;
use serde_json::json;
use webhook_harness::*;

fn config_map_spec(name: &str, key: &str) -> serde_json::Value {
    json!({"openapi": {"configMapRef": {"name": name, "key": key}}})
}

#[tokio::test]
async fn config_map_source_is_read_through_the_api() {
    let cm = serde_json::to_value(config_map(
        "cor-openapi",
        &[("openapi.json", &example("cor-api.json"))],
    ))
    .unwrap();
    let (client, seen) = mock_api(vec![
        (
            "/api/v1/namespaces/brp",
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "brp"}}),
        ),
        ("/api/v1/namespaces/brp/configmaps/cor-openapi", cm),
    ]);
    let server = start(
        admission::Config::default(),
        Arc::new(KubeCluster::new(client)),
    )
    .await;
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication(
                "cor",
                config_map_spec("cor-openapi", "openapi.json"),
            )),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], false);
    let message = message(&response);
    assert!(message.contains("nlgov:paths-kebab-case"), "{message}");
    assert!(message.contains("(line 181)"), "{message}");
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "GET /api/v1/namespaces/brp",
            "GET /api/v1/namespaces/brp/configmaps/cor-openapi"
        ]
    );
}

#[tokio::test]
async fn namespace_label_is_read_through_the_api() {
    let cm = serde_json::to_value(config_map(
        "cor-openapi",
        &[("openapi.json", &example("cor-api.json"))],
    ))
    .unwrap();
    let (client, _) = mock_api(vec![
        (
            "/api/v1/namespaces/brp",
            json!({"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": "brp", "labels": {"apistrategie.nl/enforcement": "Warn"}}}),
        ),
        ("/api/v1/namespaces/brp/configmaps/cor-openapi", cm),
    ]);
    let server = start(
        admission::Config::default(),
        Arc::new(KubeCluster::new(client)),
    )
    .await;
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication(
                "cor",
                config_map_spec("cor-openapi", "openapi.json"),
            )),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], true);
    assert!(warnings(&response)
        .iter()
        .any(|w| w.starts_with("error nlgov:paths-kebab-case")));
}

#[tokio::test]
async fn missing_config_map_denies_in_enforce_and_warns_in_warn() {
    let (client, _) = mock_api(vec![]);
    let server = start(
        admission::Config::default(),
        Arc::new(KubeCluster::new(client)),
    )
    .await;
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication(
                "cor",
                config_map_spec("cor-openapi", "openapi.json"),
            )),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], false);
    assert_eq!(
        message(&response),
        "the OpenAPI document could not be checked against the ADR rules: ConfigMap brp/cor-openapi does not exist"
    );

    let mut spec = config_map_spec("cor-openapi", "openapi.json");
    spec["enforcement"] = "Warn".into();
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication("cor", spec)),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], true);
    assert_eq!(
        warnings(&response),
        ["OpenAPI document not checked: ConfigMap brp/cor-openapi does not exist"]
    );
}

#[tokio::test]
async fn missing_key_is_named() {
    let cm = serde_json::to_value(config_map("cor-openapi", &[("other.yaml", "x: 1")])).unwrap();
    let (client, _) = mock_api(vec![("/api/v1/namespaces/brp/configmaps/cor-openapi", cm)]);
    let server = start(
        admission::Config::default(),
        Arc::new(KubeCluster::new(client)),
    )
    .await;
    let mut spec = config_map_spec("cor-openapi", "openapi.json");
    spec["enforcement"] = "Enforce".into();
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication("cor", spec)),
            None,
            false,
        ))
        .await;
    assert_eq!(
        message(&response),
        "the OpenAPI document could not be checked against the ADR rules: ConfigMap brp/cor-openapi has no key 'openapi.json' in data or binaryData"
    );
}

// === /validate/configmaps ===

fn enforced_publication(name: &str, cm: &str, enforcement: Option<Enforcement>) -> ApiPublication {
    let mut p = ApiPublication::new(
        name,
        ApiPublicationSpec {
            openapi: OpenApiSource {
                config_map_ref: Some(ConfigMapSource {
                    name: cm.into(),
                    key: "openapi.json".into(),
                }),
                ..Default::default()
            },
            enforcement,
            ..Default::default()
        },
    );
    p.metadata.namespace = Some("brp".into());
    p
}

async fn config_map_server(cluster: FakeCluster) -> TestServer {
    start(admission::Config::default(), Arc::new(cluster)).await
}

#[tokio::test]
async fn config_map_change_that_breaks_an_enforced_publication_is_denied() {
    let server = config_map_server(
        FakeCluster::default().with_publication(enforced_publication(
            "cor",
            "cor-openapi",
            Some(Enforcement::Enforce),
        )),
    )
    .await;
    let old = config_map_object(
        "cor-openapi",
        true,
        &[("openapi.json", &example("compliant-baseline.json"))],
    );
    let new = config_map_object(
        "cor-openapi",
        true,
        &[("openapi.json", &example("cor-api.json"))],
    );
    let response = server
        .review(
            "/validate/configmaps",
            &config_map_review("UPDATE", Some(new), Some(old)),
        )
        .await;
    assert_eq!(response["allowed"], false);
    let message = message(&response);
    assert!(
        message.starts_with("ApiPublication cor: the OpenAPI document has 25 error"),
        "{message}"
    );
    assert!(message.contains("nlgov:paths-kebab-case"), "{message}");
}

#[tokio::test]
async fn config_map_change_for_a_warn_publication_is_allowed_with_warnings() {
    let server = config_map_server(
        FakeCluster::default()
            .with_publication(enforced_publication(
                "cor",
                "cor-openapi",
                Some(Enforcement::Warn),
            ))
            // Another publication, another ConfigMap: not concerned.
            .with_publication(enforced_publication(
                "other",
                "other-openapi",
                Some(Enforcement::Enforce),
            )),
    )
    .await;
    let new = config_map_object(
        "cor-openapi",
        true,
        &[("openapi.json", &example("cor-api.json"))],
    );
    let response = server
        .review(
            "/validate/configmaps",
            &config_map_review("CREATE", Some(new), None),
        )
        .await;
    assert_eq!(response["allowed"], true);
    let warnings = warnings(&response);
    assert!(!warnings.is_empty());
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("ApiPublication cor: error nlgov:paths-kebab-case")),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn config_map_change_that_removes_the_key_is_denied_for_enforce() {
    let server = config_map_server(
        FakeCluster::default().with_publication(enforced_publication("cor", "cor-openapi", None)),
    )
    .await;
    let new = config_map_object("cor-openapi", true, &[("renamed.json", "{}")]);
    let response = server
        .review(
            "/validate/configmaps",
            &config_map_review("CREATE", Some(new), None),
        )
        .await;
    assert_eq!(response["allowed"], false);
    assert_eq!(
        message(&response),
        "ApiPublication cor: the OpenAPI document could not be checked against the ADR rules: the ConfigMap would no longer have the key 'openapi.json' it reads"
    );
}

#[tokio::test]
async fn unlabelled_config_maps_and_deletes_are_allowed() {
    let server = config_map_server(
        FakeCluster::default().with_publication(enforced_publication(
            "cor",
            "cor-openapi",
            Some(Enforcement::Enforce),
        )),
    )
    .await;
    let unlabelled = config_map_object(
        "cor-openapi",
        false,
        &[("openapi.json", &example("cor-api.json"))],
    );
    let response = server
        .review(
            "/validate/configmaps",
            &config_map_review("CREATE", Some(unlabelled), None),
        )
        .await;
    assert_eq!(response["allowed"], true);

    let old = config_map_object(
        "cor-openapi",
        true,
        &[("openapi.json", &example("compliant-baseline.json"))],
    );
    let response = server
        .review(
            "/validate/configmaps",
            &config_map_review("DELETE", None, Some(old)),
        )
        .await;
    assert_eq!(response["allowed"], true);
}

#[tokio::test]
async fn config_map_compliant_change_is_allowed() {
    let server = config_map_server(
        FakeCluster::default().with_publication(enforced_publication(
            "cor",
            "cor-openapi",
            Some(Enforcement::Enforce),
        )),
    )
    .await;
    let new = config_map_object(
        "cor-openapi",
        true,
        &[("openapi.json", &example("compliant-baseline.json"))],
    );
    let response = server
        .review(
            "/validate/configmaps",
            &config_map_review("CREATE", Some(new), None),
        )
        .await;
    assert_eq!(response["allowed"], true);
    assert!(warnings(&response).is_empty());
}

#[tokio::test]
async fn config_map_webhook_without_a_cluster_allows_with_a_warning() {
    let server = start_default().await;
    let new = config_map_object(
        "cor-openapi",
        true,
        &[("openapi.json", &example("cor-api.json"))],
    );
    let response = server
        .review(
            "/validate/configmaps",
            &config_map_review("CREATE", Some(new), None),
        )
        .await;
    assert_eq!(response["allowed"], true);
    assert_eq!(
        warnings(&response),
        ["this OpenAPI ConfigMap was not checked: cannot list the ApiPublications of namespace brp (the webhook runs without access to a Kubernetes API server)"]
    );
}
