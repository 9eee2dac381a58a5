//! The `ApiPublication` CRD: the committed YAML matches the code, the names and columns are the
//! contract's, and the CEL rules (run client-side with kube's `cel` feature, as the API server
//! would) accept and refuse what they should.

use adr_operator::api::{
    self, ApiPublication, ApiPublicationSpec, ConfigMapSource, Enforcement, Exemption,
    OpenApiSource,
};
use kube::CustomResourceExt;

const CRD_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/crds/apipublications.apistrategie.nl.yaml"
);

#[test]
fn committed_crd_matches_the_code() {
    let committed = std::fs::read_to_string(CRD_FILE).unwrap_or_default();
    let generated = api::crd_yaml();
    if std::env::var_os("UPDATE_CRDS").is_some() {
        std::fs::write(CRD_FILE, &generated).unwrap();
        return;
    }
    assert!(
        committed == generated,
        "crds/apipublications.apistrategie.nl.yaml is out of date: run\n  cargo run -- crd > crds/apipublications.apistrategie.nl.yaml\n(or UPDATE_CRDS=1 cargo test --test crd)"
    );
}

#[test]
fn crd_names_scope_and_subresources() {
    let crd = ApiPublication::crd();
    assert_eq!(
        crd.metadata.name.as_deref(),
        Some("apipublications.apistrategie.nl")
    );
    assert_eq!(crd.spec.group, "apistrategie.nl");
    assert_eq!(crd.spec.scope, "Namespaced");
    assert_eq!(crd.spec.names.kind, "ApiPublication");
    assert_eq!(crd.spec.names.short_names, Some(vec!["apipub".to_string()]));
    assert_eq!(
        crd.spec.names.categories,
        Some(vec!["api-governance".to_string()])
    );
    let version = &crd.spec.versions[0];
    assert_eq!(version.name, "v1alpha1");
    assert!(version.served && version.storage);
    assert!(version.subresources.as_ref().unwrap().status.is_some());
}

#[test]
fn printer_columns() {
    let crd = ApiPublication::crd();
    let columns: Vec<(String, String)> = crd.spec.versions[0]
        .additional_printer_columns
        .as_ref()
        .unwrap()
        .iter()
        .map(|c| (c.name.clone(), c.json_path.clone()))
        .collect();
    let expected = [
        ("Ruleset", ".status.ruleset"),
        ("Enforcement", ".status.enforcement"),
        (
            "Compliant",
            ".status.conditions[?(@.type==\"Compliant\")].status",
        ),
        ("Errors", ".status.summary.errors"),
        ("Warnings", ".status.summary.warnings"),
        ("Age", ".metadata.creationTimestamp"),
    ];
    assert_eq!(
        columns,
        expected.map(|(n, p)| (n.to_string(), p.to_string()))
    );
}

#[test]
fn conditions_and_exemptions_are_list_maps() {
    let schema = serde_json::to_value(&ApiPublication::crd().spec.versions[0].schema).unwrap();
    let root = &schema["openAPIV3Schema"]["properties"];
    let conditions = &root["status"]["properties"]["conditions"];
    assert_eq!(conditions["x-kubernetes-list-type"], "map");
    assert_eq!(
        conditions["x-kubernetes-list-map-keys"],
        serde_json::json!(["type"])
    );
    let exemptions = &root["spec"]["properties"]["exemptions"];
    assert_eq!(exemptions["x-kubernetes-list-type"], "map");
    assert_eq!(
        exemptions["x-kubernetes-list-map-keys"],
        serde_json::json!(["rule"])
    );
    // CEL cost estimation needs bounds on everything a rule iterates over.
    assert_eq!(exemptions["maxItems"], 100);
}

#[test]
fn ruleset_rule_lists_the_engine_rulesets() {
    let known = api::v1alpha1::known_rulesets();
    for id in ["adr-2.2", "adr-2.2.0", "adr-2.2.1", "adr-draft"] {
        assert!(known.contains(&id), "{id} missing from {known:?}");
    }
    assert!(known
        .iter()
        .all(|id| id.parse::<adr_operator::ruleset::RulesetId>().is_ok()));
}

// === CEL ===

fn inline() -> OpenApiSource {
    OpenApiSource {
        inline: Some("openapi: 3.0.3".into()),
        ..Default::default()
    }
}

fn config_map() -> OpenApiSource {
    OpenApiSource {
        config_map_ref: Some(ConfigMapSource {
            name: "brp-openapi".into(),
            key: "openapi.yaml".into(),
        }),
        ..Default::default()
    }
}

fn url(u: &str) -> OpenApiSource {
    OpenApiSource {
        url: Some(u.into()),
        ..Default::default()
    }
}

fn publication(spec: ApiPublicationSpec) -> ApiPublication {
    ApiPublication::new("brp", spec)
}

fn with_source(openapi: OpenApiSource) -> ApiPublication {
    publication(ApiPublicationSpec {
        openapi,
        ..Default::default()
    })
}

fn errors(p: &ApiPublication) -> Vec<String> {
    match p.validate_cel() {
        Ok(()) => Vec::new(),
        Err(e) => e.as_slice().iter().map(|e| e.to_string()).collect(),
    }
}

fn assert_rejected(p: &ApiPublication, message: &str) {
    let errors = errors(p);
    assert!(
        errors.iter().any(|e| e.contains(message)),
        "expected {message:?}, got {errors:?}"
    );
}

#[test]
fn accepts_each_single_source() {
    for source in [
        inline(),
        config_map(),
        url("https://api.example.nl/brp/v1/openapi.json"),
    ] {
        assert_eq!(
            errors(&with_source(source.clone())),
            Vec::<String>::new(),
            "{source:?}"
        );
    }
}

#[test]
fn rejects_no_source() {
    assert_rejected(
        &with_source(OpenApiSource::default()),
        "exactly one of openapi.inline, openapi.configMapRef or openapi.url must be set",
    );
}

#[test]
fn rejects_two_sources() {
    let source = OpenApiSource {
        url: Some("https://api.example.nl/openapi.json".into()),
        ..inline()
    };
    assert_rejected(
        &with_source(source),
        "exactly one of openapi.inline, openapi.configMapRef or openapi.url must be set",
    );
}

#[test]
fn rejects_plain_http_url() {
    assert_rejected(
        &with_source(url("http://api.example.nl/openapi.json")),
        "openapi.url must be an https:// URL",
    );
    assert_rejected(
        &with_source(url("https://")),
        "openapi.url must be an https:// URL",
    );
}

#[test]
fn full_example_is_valid() {
    let p = publication(ApiPublicationSpec {
        openapi: config_map(),
        ruleset: Some("adr-2.2".into()),
        enforcement: Some(Enforcement::Warn),
        exemptions: vec![Exemption {
            rule: "nlgov:query-keys-camel-case".into(),
            reason: "ZGW query keys use double underscores; fixed in v2".into(),
            expires: "2027-06-30".into(),
        }],
    });
    assert_eq!(errors(&p), Vec::<String>::new());
}

#[test]
fn rejects_unknown_ruleset() {
    let p = publication(ApiPublicationSpec {
        openapi: inline(),
        ruleset: Some("adr-9.9".into()),
        ..Default::default()
    });
    assert_rejected(&p, "ruleset must be one of");
}

fn with_exemption(reason: &str, expires: &str) -> ApiPublication {
    publication(ApiPublicationSpec {
        openapi: inline(),
        exemptions: vec![Exemption {
            rule: "nlgov:semver".into(),
            reason: reason.into(),
            expires: expires.into(),
        }],
        ..Default::default()
    })
}

#[test]
fn rejects_blank_exemption_reason() {
    assert_rejected(
        &with_exemption("   ", "2027-06-30"),
        "exemptions[].reason must explain the exemption",
    );
}

#[test]
fn rejects_invalid_exemption_dates() {
    for expires in ["2027-02-30", "30-06-2027", "2027-13-01"] {
        assert_rejected(
            &with_exemption("legacy clients", expires),
            "exemptions[].expires must be a date, YYYY-MM-DD",
        );
    }
}
