//! The admission webhook over real TLS on 127.0.0.1, with real AdmissionReview JSON and real
//! OpenAPI documents. No API server runs here: namespace labels and ConfigMaps come from a
//! trait fake or a mocked API server (see `webhook_configmap.rs`).

mod webhook_harness;

use std::sync::Arc;
use std::time::{Duration, Instant};

use adr_operator::admission;
use adr_operator::api::{ApiPublication, Enforcement, ENFORCEMENT_LABEL};
use serde_json::json;
use webhook_harness::*;

fn spec_with(document: &str, extra: serde_json::Value) -> serde_json::Value {
    let mut spec = inline_spec(document);
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    spec
}

#[tokio::test]
async fn create_compliant_inline_document_is_allowed() {
    let server = start_default().await;
    let review = review(
        "CREATE",
        Some(publication(
            "baseline",
            inline_spec(&example("compliant-baseline.json")),
        )),
        None,
        false,
    );
    let response = server.publication(&review).await;
    assert_eq!(response["uid"], review["request"]["uid"]);
    assert_eq!(response["allowed"], true);
    assert!(warnings(&response).is_empty());
}

#[tokio::test]
async fn enforce_denies_cor_api_naming_rule_path_and_line() {
    let server = start_default().await;
    let review = review(
        "CREATE",
        Some(publication("cor", inline_spec(&example("cor-api.json")))),
        None,
        false,
    );
    let response = server.publication(&review).await;
    assert_eq!(response["uid"], review["request"]["uid"]);
    assert_eq!(response["allowed"], false);
    assert_eq!(response["status"]["code"], 403);
    assert_eq!(response["status"]["reason"], "Forbidden");
    let message = message(&response);
    assert!(
        message.contains(
            "nlgov:paths-kebab-case [ADR /core/path-segments-kebab-case] at paths./laatsteWijziging (line 181): /laatsteWijziging is not kebab-case."
        ),
        "{message}"
    );
}

#[tokio::test]
async fn enforce_denial_lists_each_error() {
    let server = start_default().await;
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication("broken", inline_spec(&broken_baseline()))),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], false);
    let message = message(&response);
    for code in [
        "info-contact",
        "nlgov:semver",
        "nlgov:include-major-version-in-uri",
    ] {
        assert!(message.contains(code), "{code} missing from {message}");
    }
    assert!(message.contains("at info.version (line 6)"), "{message}");
}

#[tokio::test]
async fn update_with_changed_spec_is_checked() {
    let server = start_default().await;
    let old = publication("cor", inline_spec(&example("compliant-baseline.json")));
    let new = publication("cor", inline_spec(&example("cor-api.json")));
    let response = server
        .publication(&review("UPDATE", Some(new), Some(old), false))
        .await;
    assert_eq!(response["allowed"], false);
    assert!(message(&response).contains("nlgov:paths-kebab-case"));
}

#[tokio::test]
async fn update_with_unchanged_spec_is_allowed_without_linting() {
    let server = start_default().await;
    // Already non-compliant (say, admitted before the webhook existed): a label change must
    // not be blocked on the document.
    let old = publication("cor", inline_spec(&example("cor-api.json")));
    let mut new = old.clone();
    new["metadata"]["labels"] = json!({"team": "cor"});
    let response = server
        .publication(&review("UPDATE", Some(new), Some(old), false))
        .await;
    assert_eq!(response["allowed"], true);
    assert!(warnings(&response).is_empty());
    assert!(
        server
            .metrics
            .encode()
            .contains("adr_lint_duration_seconds_count 0"),
        "the document was linted"
    );
}

#[tokio::test]
async fn delete_is_allowed() {
    let server = start_default().await;
    let old = publication("cor", inline_spec(&example("cor-api.json")));
    let response = server
        .publication(&review("DELETE", None, Some(old), false))
        .await;
    assert_eq!(response["allowed"], true);
}

#[tokio::test]
async fn dry_run_gets_the_same_verdict() {
    let server = start_default().await;
    for dry_run in [false, true] {
        let response = server
            .publication(&review(
                "CREATE",
                Some(publication("cor", inline_spec(&example("cor-api.json")))),
                None,
                dry_run,
            ))
            .await;
        assert_eq!(response["allowed"], false, "dryRun={dry_run}");
        assert!(message(&response).contains("nlgov:paths-kebab-case"));
        // A validating webhook with sideEffects: None never patches.
        assert!(response.get("patch").is_none());
    }
}

#[tokio::test]
async fn warn_mode_allows_with_one_warning_per_finding() {
    let server = start_default().await;
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication(
                "broken",
                spec_with(&broken_baseline(), json!({"enforcement": "Warn"})),
            )),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], true);
    let warnings = warnings(&response);
    assert_eq!(
        warnings,
        [
            "error info-contact [ADR /core/doc-openapi-contact] at info (line 3): Info object must have \"contact\" object.",
            "error nlgov:semver [ADR /core/semver] at info.version (line 6): Version 1 is not in semver format.",
            "error nlgov:include-major-version-in-uri [ADR /core/uri-version] at servers[0].url (line 10): Include the major version number in the URI.",
        ]
    );
}

#[tokio::test]
async fn warn_mode_caps_warnings() {
    let server = start_default().await;
    // 40 paths that break nlgov:paths-kebab-case.
    let mut doc: serde_json::Value =
        serde_json::from_str(&example("compliant-baseline.json")).unwrap();
    for i in 0..40 {
        doc["paths"][format!("/zaakType{i}")] = doc["paths"]["/openapi.json"].clone();
        doc["paths"][format!("/zaakType{i}")]["get"]["operationId"] = format!("op{i}").into();
    }
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication(
                "many",
                spec_with(&doc.to_string(), json!({"enforcement": "Warn"})),
            )),
            None,
            false,
        ))
        .await;
    let warnings = warnings(&response);
    assert_eq!(warnings.len(), 25);
    assert!(warnings.iter().all(|w| w.len() <= 256));
    assert!(warnings[24].starts_with("... and "), "{}", warnings[24]);
}

#[tokio::test]
async fn audit_mode_allows_silently() {
    let server = start_default().await;
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication(
                "cor",
                spec_with(&example("cor-api.json"), json!({"enforcement": "Audit"})),
            )),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], true);
    assert!(response.get("warnings").is_none());
}

#[tokio::test]
async fn valid_exemption_admits_the_document() {
    let server = start_default().await;
    let spec = spec_with(
        &example("cor-api.json"),
        // Every rule the COR API breaks under ADR 2.2.
        json!({"exemptions": [{
            "rule": "nlgov:paths-kebab-case",
            "reason": "/laatsteWijziging is part of the published COR contract; renamed in v2",
            "expires": "2099-12-31",
        }, {
            "rule": "nlgov:use-problem-schema",
            "reason": "problem+json error responses arrive with the v2 contract",
            "expires": "2099-12-31",
        }, {
            "rule": "nlgov:use-date-instead-of-datetime",
            "reason": "LocalDateTime is a shared type; split in v2",
            "expires": "2099-12-31",
        }]}),
    );
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication("cor", spec)),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], true, "{}", message(&response));
    assert!(warnings(&response).is_empty());
}

#[tokio::test]
async fn expired_exemption_denies_and_warns() {
    let server = start_default().await;
    let spec = spec_with(
        &example("cor-api.json"),
        json!({"exemptions": [{
            "rule": "nlgov:paths-kebab-case",
            "reason": "/laatsteWijziging is part of the published COR contract; renamed in v2",
            "expires": "2024-06-30",
        }]}),
    );
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication("cor", spec)),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], false);
    assert!(message(&response).contains("nlgov:paths-kebab-case"));
    assert_eq!(
        warnings(&response),
        ["exemption for nlgov:paths-kebab-case expired on 2024-06-30 and no longer applies: fix the document or renew the exemption with a new reason and date"]
    );
}

#[tokio::test]
async fn exemption_of_unknown_rule_warns() {
    let server = start_default().await;
    let spec = spec_with(
        &example("compliant-baseline.json"),
        json!({"exemptions": [{"rule": "paths-kebab-case", "reason": "typo", "expires": "2099-01-01"}]}),
    );
    let response = server
        .publication(&review("CREATE", Some(publication("b", spec)), None, false))
        .await;
    assert_eq!(response["allowed"], true);
    assert_eq!(
        warnings(&response),
        ["exemption for 'paths-kebab-case' has no effect: ruleset adr-2.2.1 has no rule with that code"]
    );
}

#[tokio::test]
async fn namespace_label_sets_the_default_enforcement() {
    let cluster = FakeCluster::default().with_namespace_label("brp", ENFORCEMENT_LABEL, "Warn");
    let server = start(admission::Config::default(), Arc::new(cluster)).await;
    let cor = || publication("cor", inline_spec(&example("cor-api.json")));
    let response = server
        .publication(&review("CREATE", Some(cor()), None, false))
        .await;
    assert_eq!(response["allowed"], true);
    assert!(warnings(&response)
        .iter()
        .any(|w| w.starts_with("error nlgov:paths-kebab-case")));

    // The resource's own field wins over the namespace label.
    let mut enforced = cor();
    enforced["spec"]["enforcement"] = "Enforce".into();
    let response = server
        .publication(&review("CREATE", Some(enforced), None, false))
        .await;
    assert_eq!(response["allowed"], false);
}

#[tokio::test]
async fn operator_flag_sets_the_default_without_a_label() {
    let config = admission::Config {
        default_enforcement: Enforcement::Audit,
        ..Default::default()
    };
    let server = start(config, Arc::new(FakeCluster::default())).await;
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication("cor", inline_spec(&example("cor-api.json")))),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], true);
    assert!(response.get("warnings").is_none());
}

#[tokio::test]
async fn malformed_review_gets_a_well_formed_invalid_response() {
    let server = start_default().await;
    for (body, uid) in [
        (b"this is not JSON".to_vec(), ""),
        (br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.to_vec(), ""),
        (
            br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"abc-123","operation":"CREATE"}}"#.to_vec(),
            "abc-123",
        ),
    ] {
        let (status, answer) = server
            .client
            .post("/validate/apipublications", body)
            .await;
        assert_eq!(status, 200);
        let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap();
        assert_eq!(answer["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(answer["kind"], "AdmissionReview");
        let response = &answer["response"];
        assert_eq!(response["uid"], uid);
        assert_eq!(response["allowed"], false);
        assert_eq!(response["status"]["reason"], "InvalidRequest");
        assert!(!message(response).is_empty());
    }
    assert!(server
        .metrics
        .encode()
        .contains(r#"adr_admission_requests_total{resource="apipublications",operation="unknown",decision="invalid"} 3"#));
}

#[tokio::test]
async fn review_of_another_kind_is_invalid() {
    let server = start_default().await;
    let review = config_map_review(
        "CREATE",
        Some(config_map_object(
            "cor-openapi",
            true,
            &[("openapi.json", "{}")],
        )),
        None,
    );
    let response = server.publication(&review).await;
    assert_eq!(response["uid"], review["request"]["uid"]);
    assert_eq!(response["allowed"], false);
    assert_eq!(response["status"]["reason"], "InvalidRequest");
    assert_eq!(
        message(&response),
        "this endpoint reviews apistrategie.nl ApiPublication objects, not /v1 ConfigMap; check the ValidatingWebhookConfiguration's rules"
    );
}

#[tokio::test]
async fn oversized_document_is_refused_in_enforce_and_warned_in_warn() {
    let config = admission::Config {
        max_document_bytes: 16 * 1024,
        ..Default::default()
    };
    let server = start(config, Arc::new(FakeCluster::default())).await;
    let cor = example("cor-api.json"); // 46 KB
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication("cor", inline_spec(&cor))),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], false);
    assert_eq!(
        message(&response),
        format!(
            "the OpenAPI document could not be checked against the ADR rules: document of {} bytes exceeds the webhook's limit of 16384 bytes",
            cor.len()
        )
    );
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication(
                "cor",
                spec_with(&cor, json!({"enforcement": "Warn"})),
            )),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], true);
    assert!(warnings(&response)[0].starts_with("OpenAPI document not checked: document of"));
}

#[tokio::test]
async fn url_source_is_allowed_with_a_warning() {
    let server = start_default().await;
    let spec = json!({"openapi": {"url": "https://api.example.nl/brp/v1/openapi.json"}});
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication("brp", spec)),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], true);
    assert_eq!(
        warnings(&response),
        ["OpenAPI document at https://api.example.nl/brp/v1/openapi.json is not fetched at admission; the controller checks it and reports in the status (kubectl get apipub)"]
    );
}

#[tokio::test]
async fn without_a_cluster_config_map_source_gets_a_clear_error() {
    let server = start_default().await;
    let spec = json!({"openapi": {"configMapRef": {"name": "brp-openapi", "key": "openapi.yaml"}}});
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication("brp", spec)),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], false);
    assert_eq!(
        message(&response),
        "the OpenAPI document could not be checked against the ADR rules: cannot read ConfigMap brp/brp-openapi: the webhook runs without access to a Kubernetes API server"
    );
}

#[tokio::test]
async fn local_file_references_are_never_read() {
    let server = start_default().await;
    let dir = server.dir.display().to_string();
    let doc = example("compliant-baseline.json").replace(
        "\"schemas\": {\n        },",
        &format!("\"schemas\": {{\"Key\": {{\"$ref\": \"{dir}/tls.key\"}}, \"Up\": {{\"$ref\": \"../../../../../../etc/hostname\"}}}},"),
    );
    assert!(doc.contains("tls.key"), "the replacement applied");
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication(
                "refs",
                spec_with(&doc, json!({"enforcement": "Warn"})),
            )),
            None,
            false,
        ))
        .await;
    let warnings = warnings(&response);
    assert!(
        warnings.iter().any(|w| w.contains("invalid-ref")),
        "{warnings:?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("PRIVATE KEY")),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn every_answer_comes_within_the_budget() {
    let cluster = FakeCluster {
        delay: Some(Duration::from_secs(5)),
        ..Default::default()
    };
    let config = admission::Config {
        budget: Duration::from_millis(300),
        ..Default::default()
    };
    let server = start(config, Arc::new(cluster)).await;
    let start = Instant::now();
    // No enforcement on the resource: the namespace lookup hangs.
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication("cor", inline_spec(&example("cor-api.json")))),
            None,
            false,
        ))
        .await;
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert_eq!(response["allowed"], false);
    assert!(
        message(&response).contains("not finished within the webhook's budget of 300 ms"),
        "{}",
        message(&response)
    );
}

#[tokio::test]
async fn status_subresource_updates_are_allowed() {
    let server = start_default().await;
    let old = publication("cor", inline_spec(&example("cor-api.json")));
    let mut review = review("UPDATE", Some(old.clone()), Some(old), false);
    review["request"]["subResource"] = "status".into();
    let response = server.publication(&review).await;
    assert_eq!(response["allowed"], true);
}

#[tokio::test]
async fn typed_round_trip_of_a_publication() {
    // What the builders send is what the CRD types read.
    let object = publication("cor", inline_spec("openapi: 3.0.3"));
    let p: ApiPublication = serde_json::from_value(object).unwrap();
    assert_eq!(p.spec.openapi.inline.as_deref(), Some("openapi: 3.0.3"));
}

#[tokio::test]
async fn health_and_metrics_on_the_plain_port() {
    let server = start_default().await;
    assert_eq!(server.plain_get("/livez").await, (200, "ok".to_string()));
    assert_eq!(server.plain_get("/readyz").await, (200, "ok".to_string()));
    server
        .publication(&review(
            "CREATE",
            Some(publication("cor", inline_spec(&example("cor-api.json")))),
            None,
            false,
        ))
        .await;
    server
        .publication(&review(
            "DELETE",
            None,
            Some(publication("cor", inline_spec("x"))),
            false,
        ))
        .await;
    let (status, text) = server.plain_get("/metrics").await;
    assert_eq!(status, 200);
    for line in [
        r#"adr_admission_requests_total{resource="apipublications",operation="create",decision="deny"} 1"#,
        r#"adr_admission_requests_total{resource="apipublications",operation="delete",decision="allow"} 1"#,
        r#"adr_admission_duration_seconds_count{resource="apipublications"} 2"#,
        "adr_lint_duration_seconds_count 1",
        "# EOF",
    ] {
        assert!(text.contains(line), "{line} missing from\n{text}");
    }
}

#[tokio::test]
async fn rotated_certificate_is_served_without_restart() {
    let server = start_with(
        admission::Config::default(),
        Arc::new(adr_operator::source::NoCluster),
        Duration::from_millis(50),
    )
    .await;
    let first = server.client.peer_certificate().await;
    let (cert, key) = server.pki.leaf("webhook-2");
    // Key first, then certificate: the half-written pair in between must not be taken.
    std::fs::write(server.dir.join("tls.key"), key).unwrap();
    std::fs::write(server.dir.join("tls.crt"), &cert).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now = server.client.peer_certificate().await;
        if now != first {
            let expected = rustls_pki_der(&cert);
            assert_eq!(now, expected);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new certificate was not picked up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // And the webhook still answers with it.
    let response = server
        .publication(&review(
            "CREATE",
            Some(publication(
                "b",
                inline_spec(&example("compliant-baseline.json")),
            )),
            None,
            false,
        ))
        .await;
    assert_eq!(response["allowed"], true);
}

fn rustls_pki_der(pem: &str) -> Vec<u8> {
    use tokio_rustls::rustls::pki_types::{pem::PemObject, CertificateDer};
    CertificateDer::from_pem_slice(pem.as_bytes())
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn shutdown_is_graceful() {
    let mut server = start_default().await;
    let running = server.running.take().unwrap();
    running.shutdown().await.expect("clean shutdown");
}
