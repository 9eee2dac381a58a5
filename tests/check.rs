//! `adr-operator check`: reading manifests, resolving ConfigMaps and namespace labels from
//! them, and — the contract — the same decision, message and warnings as the webhook gives for
//! the same objects over real TLS.

mod webhook_harness;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Arc;

use adr_operator::admission;
use adr_operator::check::{self, Decision, Fetch, Manifest, ManifestSet, Options, Outcome, Stage};
use adr_operator::source::BoxFuture;
use k8s_openapi::api::core::v1::ConfigMap;
use serde_json::{json, Value};
use webhook_harness::*;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");

fn examples() -> ManifestSet {
    let read = check::read_paths(&[EXAMPLES.to_string()]).expect("the examples read");
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    ManifestSet::new(read.items, "default")
}

fn run(set: &ManifestSet) -> Vec<Outcome> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(check::check(set, &Options::default(), None))
}

fn from_text(text: &str) -> ManifestSet {
    ManifestSet::new(
        check::parse_manifests("test.yaml", text).unwrap(),
        "default",
    )
}

fn by_name(outcomes: &[Outcome]) -> BTreeMap<String, &Outcome> {
    outcomes
        .iter()
        .map(|o| (format!("{}/{}", o.namespace, o.name), o))
        .collect()
}

// === the examples ===

#[test]
fn examples_give_the_documented_decisions() {
    let outcomes = run(&examples());
    let got: Vec<(String, Decision)> = outcomes
        .iter()
        .map(|o| (format!("{}/{}", o.namespace, o.name), o.decision))
        .collect();
    let expected = [
        ("logius/adr-baseline", Decision::Allowed),
        ("rvig/haal-centraal-gezag", Decision::AllowedWithWarnings),
        ("developer-overheid/don-tools-api", Decision::Denied),
        ("logius/cor-api", Decision::Allowed),
        ("rvig/brp-referentie-gezag", Decision::Denied),
        (
            "developer-overheid/api-register",
            Decision::AllowedWithWarnings,
        ),
    ];
    assert_eq!(
        got,
        expected.map(|(n, d)| (n.to_string(), d)).to_vec(),
        "{outcomes:#?}"
    );
    let o = by_name(&outcomes);
    // The namespace label decides where the publication sets nothing itself.
    assert_eq!(o["rvig/haal-centraal-gezag"].enforcement.as_str(), "Warn");
    assert_eq!(
        o["rvig/brp-referentie-gezag"].enforcement.as_str(),
        "Enforce"
    );
    // The expired exemption is named, and only its rule is denied.
    let expired = o["rvig/brp-referentie-gezag"];
    assert!(
        expired.warnings[0].contains("expired on 2025-06-30"),
        "{expired:?}"
    );
    let message = expired.message.as_deref().unwrap();
    assert!(message.contains("has 1 error"), "{message}");
    assert!(message.contains("nlgov:paths-kebab-case"), "{message}");
    // The ConfigMap came from the set, and the URL was not fetched.
    assert_eq!(
        o["logius/cor-api"].source,
        "configMapRef logius/cor-api-openapi key openapi.json"
    );
    assert!(
        o["logius/cor-api"].notes.is_empty(),
        "{:?}",
        o["logius/cor-api"].notes
    );
    assert!(
        o["developer-overheid/api-register"].warnings[0].contains("is not fetched at admission")
    );
    for outcome in &outcomes {
        assert!(outcome.file.ends_with(".yaml"), "{outcome:?}");
        assert!(outcome.line > 1, "{outcome:?}");
    }
}

/// The acceptance test of issue #7: for every publication in examples/, the decision `check`
/// prints is the one the running webhook (real TLS, real AdmissionReview) gives when the
/// cluster holds the examples' ConfigMaps and Namespaces.
#[tokio::test]
async fn check_examples_agrees_with_the_webhook() {
    let set = examples();
    let outcomes = check::check(&set, &Options::default(), None).await;
    assert_eq!(outcomes.len(), 6);

    // The cluster as it would be after `kubectl apply -f examples/`, built here from the
    // parsed objects (not through check's own stand-in).
    let cluster = FakeCluster::default();
    for m in &set.publications {
        cluster
            .publications
            .lock()
            .unwrap()
            .push(serde_json::from_value(m.object.clone()).unwrap());
    }
    for ((namespace, name), (cm, _)) in &set.config_maps {
        cluster
            .config_maps
            .lock()
            .unwrap()
            .insert((namespace.clone(), name.clone()), cm.clone());
    }
    for (namespace, labels) in &set.namespaces {
        cluster
            .namespace_labels
            .lock()
            .unwrap()
            .insert(namespace.clone(), labels.clone());
    }
    let server = start(admission::Config::default(), Arc::new(cluster)).await;

    for (m, outcome) in set.publications.iter().zip(&outcomes) {
        let namespace = m.object["metadata"]["namespace"].as_str().unwrap();
        let name = m.object["metadata"]["name"].as_str().unwrap();
        let review = json!({
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "request": {
                "uid": uid(),
                "kind": {"group": "apistrategie.nl", "version": "v1alpha1", "kind": "ApiPublication"},
                "resource": {"group": "apistrategie.nl", "version": "v1alpha1", "resource": "apipublications"},
                "name": name,
                "namespace": namespace,
                "operation": "CREATE",
                "userInfo": {"username": "system:serviceaccount:argocd:argocd-application-controller"},
                "object": m.object,
                "dryRun": false,
            }
        });
        let response = server.publication(&review).await;
        let allowed = response["allowed"].as_bool().unwrap();
        let webhook_warnings = warnings(&response);
        let webhook_decision = match (allowed, webhook_warnings.is_empty()) {
            (false, _) => Decision::Denied,
            (true, false) => Decision::AllowedWithWarnings,
            (true, true) => Decision::Allowed,
        };
        let what = format!("{namespace}/{name}");
        assert_eq!(outcome.decision, webhook_decision, "{what}");
        assert_eq!(outcome.warnings, webhook_warnings, "{what}");
        assert_eq!(
            outcome.message.clone().unwrap_or_default(),
            message(&response),
            "{what}"
        );
    }
}

#[test]
fn examples_embed_the_openapi_files() {
    // The manifests carry the documents of examples/openapi/ (trailing blanks aside, which a
    // YAML block scalar cannot keep); a change to one must reach the other.
    let set = examples();
    let embedded = |ns: &str, name: &str| -> String {
        let m = set
            .publications
            .iter()
            .find(|m| {
                m.object["metadata"]["name"] == name && m.object["metadata"]["namespace"] == ns
            })
            .unwrap();
        if let Some(text) = m.object["spec"]["openapi"]["inline"].as_str() {
            return text.to_string();
        }
        let r = &m.object["spec"]["openapi"]["configMapRef"];
        let (cm, _) = &set.config_maps[&(ns.to_string(), r["name"].as_str().unwrap().to_string())];
        cm.data.as_ref().unwrap()[r["key"].as_str().unwrap()].clone()
    };
    for (ns, name, file) in [
        ("logius", "adr-baseline", "compliant-baseline.json"),
        ("rvig", "haal-centraal-gezag", "brp-api-gezag.yaml"),
        ("developer-overheid", "don-tools-api", "don-tools-api.json"),
        ("logius", "cor-api", "cor-api.json"),
        (
            "rvig",
            "brp-referentie-gezag",
            "brp-referentie-gezag-api-v2.yaml",
        ),
    ] {
        let original = std::fs::read_to_string(format!("{EXAMPLES}/openapi/{file}")).unwrap();
        assert_eq!(
            embedded(ns, name).trim_end(),
            original.trim_end(),
            "examples: {ns}/{name} no longer embeds examples/openapi/{file}"
        );
    }
    let sources = std::fs::read_to_string(format!("{EXAMPLES}/openapi/SOURCES.md")).unwrap();
    for file in std::fs::read_dir(format!("{EXAMPLES}/openapi")).unwrap() {
        let name = file.unwrap().file_name().to_string_lossy().into_owned();
        if name != "SOURCES.md" {
            assert!(
                sources.contains(&format!("`{name}`")),
                "{name} has no entry in SOURCES.md"
            );
        }
    }
}

// === resolution from the set ===

const INLINE_BROKEN: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

#[test]
fn namespace_label_in_the_set_sets_the_enforcement() {
    let text = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    apistrategie.nl/enforcement: Audit\n---\n\
         apiVersion: apistrategie.nl/v1alpha1\nkind: ApiPublication\nmetadata:\n  name: a\n  namespace: team\nspec:\n  openapi:\n    inline: {:?}\n",
        INLINE_BROKEN
    );
    let outcomes = run(&from_text(&text));
    assert_eq!(outcomes[0].decision, Decision::Allowed, "{outcomes:?}");
    assert_eq!(outcomes[0].enforcement.as_str(), "Audit");
    assert!(outcomes[0].notes.is_empty(), "{:?}", outcomes[0].notes);
}

#[test]
fn unknown_namespace_uses_the_default_and_says_so() {
    let text = format!(
        "apiVersion: apistrategie.nl/v1alpha1\nkind: ApiPublication\nmetadata:\n  name: a\nspec:\n  openapi:\n    inline: {:?}\n",
        INLINE_BROKEN
    );
    let set = from_text(&text);
    let options = Options {
        default_namespace: "brp".into(),
        admission: admission::Config {
            default_enforcement: adr_operator::api::Enforcement::Warn,
            ..Options::default().admission
        },
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // The set was built with "default"; rebuild it with the run's namespace.
    let set = ManifestSet::new(set.publications, &options.default_namespace);
    let outcomes = runtime.block_on(check::check(&set, &options, None));
    let o = &outcomes[0];
    assert_eq!(o.namespace, "brp");
    assert_eq!(o.decision, Decision::AllowedWithWarnings, "{o:?}");
    assert!(
        o.notes[0].contains("namespace brp is not among the manifests"),
        "{:?}",
        o.notes
    );
}

#[test]
fn config_map_outside_the_set_is_denied_as_the_webhook_would_and_noted() {
    let text = "apiVersion: apistrategie.nl/v1alpha1\nkind: ApiPublication\nmetadata:\n  name: a\n  namespace: brp\nspec:\n  enforcement: Enforce\n  openapi:\n    configMapRef: {name: brp-openapi, key: openapi.yaml}\n";
    let outcomes = run(&from_text(text));
    let o = &outcomes[0];
    assert_eq!(o.decision, Decision::Denied);
    assert_eq!(
        o.message.as_deref(),
        Some("the OpenAPI document could not be checked against the ADR rules: ConfigMap brp/brp-openapi does not exist")
    );
    assert!(
        o.notes
            .iter()
            .any(|n| n.contains("not among the manifests")),
        "{:?}",
        o.notes
    );
}

#[test]
fn unlabelled_config_map_is_noted() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: doc, namespace: brp}}\ndata:\n  openapi.json: {:?}\n---\n\
         apiVersion: apistrategie.nl/v1alpha1\nkind: ApiPublication\nmetadata: {{name: a, namespace: brp}}\nspec:\n  enforcement: Enforce\n  openapi:\n    configMapRef: {{name: doc, key: openapi.json}}\n",
        example("compliant-baseline.json")
    );
    let outcomes = run(&from_text(&text));
    let o = &outcomes[0];
    assert_eq!(o.decision, Decision::Allowed, "{o:?}");
    assert!(
        o.notes[0].contains("is not labelled apistrategie.nl/openapi"),
        "{:?}",
        o.notes
    );
}

#[test]
fn objects_the_crd_refuses_never_reach_the_webhook() {
    let text = "apiVersion: apistrategie.nl/v1alpha1\nkind: ApiPublication\nmetadata: {name: a, namespace: brp}\nspec:\n  openapi:\n    url: http://api.example.nl/openapi.json\n";
    let outcomes = run(&from_text(text));
    let o = &outcomes[0];
    assert_eq!(o.decision, Decision::Denied);
    assert_eq!(o.stage, Stage::Crd);
    assert!(
        o.message
            .as_deref()
            .unwrap()
            .contains("openapi.url must be an https:// URL"),
        "{o:?}"
    );

    let two = "apiVersion: apistrategie.nl/v1alpha1\nkind: ApiPublication\nmetadata: {name: b}\nspec:\n  enforcement: Sometimes\n  openapi: {inline: x}\n";
    let o = &run(&from_text(two))[0];
    assert_eq!(o.stage, Stage::Crd);
    assert!(o.message.as_deref().unwrap().contains("schema"), "{o:?}");
}

#[test]
fn lists_multi_document_files_and_duplicates() {
    let text = format!(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apistrategie.nl/v1alpha1\n  kind: ApiPublication\n  metadata: {{name: a, namespace: x}}\n  spec: {{enforcement: Audit, openapi: {{inline: {:?}}}}}\n\
         - apiVersion: apps/v1\n  kind: Deployment\n  metadata: {{name: d}}\n---\n---\n\
         apiVersion: apistrategie.nl/v1alpha1\nkind: ApiPublication\nmetadata: {{name: a, namespace: x}}\nspec: {{enforcement: Warn, openapi: {{inline: {:?}}}}}\n",
        INLINE_BROKEN, INLINE_BROKEN
    );
    let set = from_text(&text);
    assert_eq!(set.publications.len(), 1);
    assert_eq!(set.other_objects, 1);
    assert!(
        set.notes[0].contains("defined at test.yaml:1 and again at test.yaml:13"),
        "{:?}",
        set.notes
    );
    let outcomes = run(&set);
    assert_eq!(outcomes[0].enforcement.as_str(), "Warn");
}

// === URL sources ===

struct FakeFetch(Result<String, String>);

impl Fetch for FakeFetch {
    fn fetch<'a>(&'a self, _url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, String>> {
        let r = self.0.clone().map(String::into_bytes);
        Box::pin(async move { r })
    }
}

const URL_PUBLICATION: &str = "apiVersion: apistrategie.nl/v1alpha1\nkind: ApiPublication\nmetadata: {name: a, namespace: brp}\nspec:\n  enforcement: Enforce\n  openapi:\n    url: https://api.example.nl/brp/v1/openapi.json\n";

#[test]
fn url_sources_are_fetched_only_when_allowed() {
    let set = from_text(URL_PUBLICATION);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let options = Options::default();

    let offline = runtime.block_on(check::check(&set, &options, None));
    assert_eq!(offline[0].decision, Decision::AllowedWithWarnings);
    assert_eq!(offline[0].stage, Stage::Webhook);

    let broken = FakeFetch(Ok(broken_baseline()));
    let fetched = runtime.block_on(check::check(&set, &options, Some(&broken)));
    assert_eq!(fetched[0].decision, Decision::Denied, "{fetched:?}");
    assert_eq!(fetched[0].stage, Stage::Fetched);
    assert!(fetched[0]
        .message
        .as_deref()
        .unwrap()
        .contains("has 3 errors"));
    assert!(fetched[0].notes[0].starts_with("fetched https://api.example.nl/brp/v1/openapi.json"));

    let down = FakeFetch(Err("connection refused".into()));
    let failed = runtime.block_on(check::check(&set, &options, Some(&down)));
    assert_eq!(failed[0].decision, Decision::Denied);
    assert_eq!(
        failed[0].message.as_deref(),
        Some("the OpenAPI document could not be checked against the ADR rules: cannot fetch https://api.example.nl/brp/v1/openapi.json: connection refused")
    );
}

// === the command ===

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_adr-operator"))
}

#[test]
fn command_exit_codes_and_formats() {
    let out = binary().args(["check", EXAMPLES]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("ApiPublication developer-overheid/don-tools-api: denied"),
        "{text}"
    );
    assert!(
        text.ends_with("6 ApiPublications: 2 denied, 2 allowed with warnings, 2 allowed\n"),
        "{text}"
    );

    let compliant = format!("{EXAMPLES}/10-compliant.yaml");
    let namespaces = format!("{EXAMPLES}/00-namespaces.yaml");
    let out = binary()
        .args(["check", &namespaces, &compliant])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));

    let warn = format!("{EXAMPLES}/20-warn-mode.yaml");
    let out = binary()
        .args(["check", "--fail-on", "warning", &namespaces, &warn])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = binary()
        .args(["check", "--fail-on", "none", EXAMPLES])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));

    let out = binary()
        .args(["check", "-f", "json", EXAMPLES])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["denied"], 2);
    assert_eq!(json["publications"][2]["decision"], "denied");
    assert_eq!(json["publications"][1]["decision"], "allowed-with-warnings");

    let out = binary()
        .args(["check", "-f", "sarif", EXAMPLES])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.iter().filter(|r| r["level"] == "error").count(), 2);

    let out = binary()
        .args(["check", "-f", "junit", EXAMPLES])
        .output()
        .unwrap();
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(
        xml.contains("<testsuites name=\"adr-operator check\" tests=\"6\" failures=\"2\">"),
        "{xml}"
    );
    assert_eq!(xml.matches("<failure ").count(), 2);

    // Input errors: a missing path, a named file that is not YAML.
    let out = binary().args(["check", "no/such/dir"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let dir = std::env::temp_dir().join(format!("adr-check-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/x.yaml"),
        "{{- if .Values.x }}\nkind: [\n",
    )
    .unwrap();
    let out = binary()
        .args(["check", dir.join("templates/x.yaml").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // ... but inside a directory it is skipped with a message.
    let out = binary()
        .args(["check", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("skipped"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no ApiPublication found"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn standard_input_is_read() {
    use std::io::Write;
    let mut child = binary()
        .args(["check", "-n", "logius", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read_to_string(format!("{EXAMPLES}/10-compliant.yaml")).unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout)
        .starts_with("-:3: ApiPublication logius/adr-baseline: allowed"));
}

#[test]
fn config_maps_in_the_set_are_typed() {
    let set = examples();
    let (cm, m): &(ConfigMap, Manifest) =
        &set.config_maps[&("logius".to_string(), "cor-api-openapi".to_string())];
    assert_eq!(m.line, 5);
    assert!(cm.data.as_ref().unwrap()["openapi.json"].starts_with('{'));
    assert_eq!(set.namespaces.len(), 3);
    assert_eq!(
        set.namespaces["rvig"]["apistrategie.nl/enforcement"],
        "Warn"
    );
}
