"""charts/adr-operator: rendered offline for every value variant, linted, and every manifest
validated against the Kubernetes API schemas (1.33 and 1.37, strict: unknown fields fail) or,
for cert-manager and Prometheus Operator objects, against those projects' schemas. Then the
properties the chart promises: secure pods, HA, a webhook that cannot lock out the cluster,
least-privilege RBAC, consistent TLS wiring, no render-time randomness (GitOps drift)."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path

import helm_python as helm
import jsonschema
import kubernetes_validate
import pytest
import yaml

from conftest import (
    CHART,
    KUBE_VERSIONS,
    NAMESPACE,
    RELEASE,
    ROOT,
    VARIANTS,
    crds,
    find,
    manifests,
    node_validate,
    one,
    operator_binary,
    render,
)

CUSTOM_GROUPS = ("cert-manager.io/", "monitoring.coreos.com/")


# === lint and render ===


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
def test_helm_lint_strict(variant, kube_version):
    report = helm.lint(
        CHART,
        copy.deepcopy(VARIANTS[variant]),
        strict=True,
        namespace=NAMESPACE,
        kube_version=f"v{kube_version}",
    )
    assert report["errors"] == [], report
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert problems == [], problems


def test_renders_the_same_twice(variant):
    # Nothing random or time-dependent at render time (no genCA, no randAlphaNum): a GitOps
    # tool rendering the chart again sees no drift.
    with helm.Chart.load(CHART) as chart:
        first = chart.render(values=copy.deepcopy(VARIANTS[variant]), name=RELEASE, namespace=NAMESPACE)
        second = chart.render(values=copy.deepcopy(VARIANTS[variant]), name=RELEASE, namespace=NAMESPACE)
    assert first == second
    for path, text in first.items():
        assert "BEGIN CERTIFICATE" not in text and "caBundle:" not in text, path


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
def test_every_manifest_validates_against_the_kubernetes_schemas(variant, kube_version):
    objects = manifests(variant)
    assert objects
    failures = []
    for o in objects:
        if o["apiVersion"].startswith(CUSTOM_GROUPS):
            continue
        try:
            kubernetes_validate.validate(o, kube_version, strict=True)
        except kubernetes_validate.ValidationError as e:
            failures.append(f"{o['kind']}/{o['metadata']['name']}: {e.message} at {list(e.path)}")
        except kubernetes_validate.SchemaNotFoundError as e:
            failures.append(f"{o['kind']}/{o['metadata']['name']}: no schema ({e})")
    assert failures == []


def test_custom_resources_validate_against_their_projects_schemas():
    objects = [
        o
        for v in VARIANTS
        for o in manifests(v)
        if o["apiVersion"].startswith(CUSTOM_GROUPS)
    ]
    kinds = {o["kind"] for o in objects}
    assert kinds == {"Certificate", "Issuer", "ServiceMonitor", "PrometheusRule"}, kinds
    results = node_validate(objects)
    assert [r for r in results if not r["ok"]] == []
    # The validator does reject a broken object.
    broken = copy.deepcopy(one(manifests("cert-manager"), "Certificate", "adr-operator-webhook"))
    del broken["spec"]["secretName"]
    assert not node_validate([broken])[0]["ok"]


def test_values_schema_refuses_unsafe_or_unknown_values():
    with helm.Chart.load(CHART) as chart:
        chart.validate_schema({})
        for bad in [
            {"webhook": {"failurePolicy": "Maybe"}},
            {"webhook": {"timeoutSeconds": 31}},
            {"tls": {"mode": "genCA"}},
            {"securityContext": {"allowPrivilegeEscalation": True, "readOnlyRootFilesystem": True, "runAsNonRoot": True}},
            {"securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": False, "runAsNonRoot": True}},
            {"podSecurityContext": {"runAsNonRoot": False}},
            {"operator": {"defaultEnforcement": "enforce"}},
            {"operator": {"defaultRuleset": "adr-1.0"}},
            {"replicaCount": 0},
            {"unknownKey": 1},
        ]:
            with pytest.raises(helm.HelmValuesError):
                chart.validate_schema(bad)


# === CRDs and custom resources ===


def test_chart_crds_equal_the_top_level_crds():
    for crd in (ROOT / "crds").glob("*.yaml"):
        assert (CHART / "crds" / crd.name).read_text() == crd.read_text(), crd.name
    assert sorted(p.name for p in (CHART / "crds").iterdir()) == sorted(p.name for p in (ROOT / "crds").iterdir())
    # And the CRD is itself a valid CustomResourceDefinition.
    for crd in crds():
        for version in KUBE_VERSIONS:
            kubernetes_validate.validate(crd, version, strict=True)


def structural_to_json_schema(schema: dict) -> dict:
    """A CRD's structural OpenAPI schema as JSON Schema: `nullable` becomes a null type, and an
    object with properties accepts no other fields (the API server prunes them; kubectl's strict
    field validation refuses them)."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if node.pop("nullable", False) and "type" in node:
                node["type"] = [node["type"], "null"]
            if "properties" in node and "additionalProperties" not in node and not node.get(
                "x-kubernetes-preserve-unknown-fields"
            ):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    # What every object has besides its schema's fields.
    schema["properties"].update(
        {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"}}
    )
    return schema


def example_objects() -> list[dict]:
    objects = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                objects.append(doc)
    return objects


def test_examples_validate_against_the_crd_and_kubernetes_schemas():
    (crd,) = crds()
    version = crd["spec"]["versions"][0]
    schema = structural_to_json_schema(version["schema"]["openAPIV3Schema"])
    publications = []
    for o in example_objects():
        if o["kind"] == "ApiPublication":
            assert o["apiVersion"] == f"{crd['spec']['group']}/{version['name']}"
            jsonschema.validate(o, schema)
            publications.append(o)
        else:
            for kube_version in KUBE_VERSIONS:
                kubernetes_validate.validate(o, kube_version, strict=True)
    assert len(publications) == 6
    # The schema conversion does catch a typo.
    broken = copy.deepcopy(publications[0])
    broken["spec"]["enforcment"] = "Warn"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_examples_pass_the_crds_cel_rules_in_check():
    # `adr-operator check` runs the CRD's CEL rules client-side before the webhook's decision;
    # no example may be refused there.
    out = subprocess.run(
        [operator_binary(), "check", "--format", "json", str(ROOT / "examples")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1, out.stderr  # two examples are denied by design
    report = json.loads(out.stdout)
    assert [p["stage"] for p in report["publications"]].count("crd") == 0
    assert report["summary"] == {"publications": 6, "denied": 2, "allowed_with_warnings": 2, "allowed": 2}


# === what the chart promises ===


def test_default_pods_are_hardened_and_highly_available():
    objects = manifests("default")
    deployment = one(objects, "Deployment", RELEASE)
    spec = deployment["spec"]
    assert spec["replicas"] == 2
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pod = spec["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    term = pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]
    assert term["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
    (container,) = pod["containers"]
    sc = container["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert sc["seccompProfile"]["type"] == "RuntimeDefault"
    assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["startupProbe"]["httpGet"]["path"] == "/livez"
    assert {p["name"] for p in container["ports"]} == {"webhook", "metrics"}
    env = {e["name"] for e in container["env"]}
    assert {"POD_NAME", "POD_NAMESPACE"} <= env
    pdb = one(objects, "PodDisruptionBudget", RELEASE)
    assert pdb["spec"]["minAvailable"] == 1
    assert pdb["spec"]["selector"]["matchLabels"] == spec["selector"]["matchLabels"]
    service = one(objects, "Service", "adr-operator-webhook")
    assert {p["name"]: p["targetPort"] for p in service["spec"]["ports"]} == {"webhook": "webhook", "metrics": "metrics"}
    assert service["spec"]["selector"] == spec["selector"]["matchLabels"]


def test_ha_variant_requires_spreading():
    objects = manifests("ha")
    pod = one(objects, "Deployment")["spec"]["template"]["spec"]
    assert pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert pod["topologySpreadConstraints"][0]["topologyKey"] == "topology.kubernetes.io/zone"
    assert pod["containers"][0]["image"] == "adr-operator@sha256:" + "ab" * 32
    assert one(objects, "NetworkPolicy")["spec"]["policyTypes"] == ["Ingress", "Egress"]
    # One replica: no PDB that would block every node drain.
    assert find(manifests("webhook-only"), "PodDisruptionBudget") == []


def test_webhooks_cannot_lock_out_the_cluster():
    vwc = one(manifests("default"), "ValidatingWebhookConfiguration", RELEASE)
    hooks = {w["name"]: w for w in vwc["webhooks"]}
    assert set(hooks) == {"apipublications.apistrategie.nl", "configmaps.apistrategie.nl"}
    for w in hooks.values():
        assert w["admissionReviewVersions"] == ["v1"]
        assert w["sideEffects"] == "None"
        assert w["failurePolicy"] == "Fail"
        assert 1 <= w["timeoutSeconds"] <= 30
        (expr,) = w["namespaceSelector"]["matchExpressions"]
        assert expr["key"] == "kubernetes.io/metadata.name"
        assert expr["operator"] == "NotIn"
        assert {"kube-system", NAMESPACE} <= set(expr["values"])
        assert w["clientConfig"]["service"]["name"] == "adr-operator-webhook"
        assert w["clientConfig"]["service"]["namespace"] == NAMESPACE
        assert all(set(r["operations"]) == {"CREATE", "UPDATE"} for r in w["rules"])
    assert hooks["apipublications.apistrategie.nl"]["clientConfig"]["service"]["path"] == "/validate/apipublications"
    cm = hooks["configmaps.apistrategie.nl"]
    assert cm["clientConfig"]["service"]["path"] == "/validate/configmaps"
    assert cm["objectSelector"] == {"matchLabels": {"apistrategie.nl/openapi": "true"}}
    # The variant that loosens it.
    loose = one(manifests("webhook-only"), "ValidatingWebhookConfiguration")
    assert [w["name"] for w in loose["webhooks"]] == ["apipublications.apistrategie.nl"]
    assert loose["webhooks"][0]["failurePolicy"] == "Ignore"


def rules_of(objects, kind):
    return [(o["metadata"].get("namespace"), r) for o in find(objects, kind) for r in o["rules"]]


def test_rbac_is_least_privilege(variant):
    objects = manifests(variant)
    cluster = rules_of(objects, "ClusterRole")
    namespaced = rules_of(objects, "Role")
    for _, r in cluster + namespaced:
        for field in ("apiGroups", "resources", "verbs"):
            assert "*" not in r[field], r
        assert not {"escalate", "bind", "impersonate", "deletecollection"} & set(r["verbs"]), r
    granted = {(g, res, v) for _, r in cluster for g in r["apiGroups"] for res in r["resources"] for v in r["verbs"]}
    # Read-only on what the webhook and controller read; no writes to user objects.
    for res in ("apipublications", "configmaps", "namespaces"):
        assert not {v for g, rr, v in granted if rr == res} - {"get", "list", "watch"}, res
    # Secrets never cluster-wide.
    assert not [r for _, r in cluster if "secrets" in r["resources"]]
    for ns, r in namespaced:
        assert ns == NAMESPACE
        if "secrets" in r["resources"] and set(r["verbs"]) != {"create"}:
            assert r["resourceNames"] == ["adr-operator-webhook-tls"]
        if "leases" in r["resources"] and set(r["verbs"]) != {"create"}:
            assert r["resourceNames"] == [RELEASE]
    for _, r in cluster:
        if "validatingwebhookconfigurations" in r["resources"]:
            assert r["resourceNames"] == [RELEASE]
            assert set(r["verbs"]) == {"get", "update"}
    controller = VARIANTS[variant].get("operator", {}).get("controller", True)
    assert (("apistrategie.nl", "apipublications/status", "patch") in granted) == controller
    assert (("events.k8s.io", "events", "create") in granted) == controller
    binding = one(objects, "ClusterRoleBinding")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": RELEASE, "namespace": NAMESPACE}]


def args_of(objects) -> dict[str, list[str]]:
    args = one(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[0] == "run"
    out: dict[str, list[str]] = {}
    for a in args[1:]:
        key, _, value = a.partition("=")
        out.setdefault(key, []).append(value)
    return out


def test_self_managed_tls_is_wired_consistently():
    objects = manifests("default")
    args = args_of(objects)
    assert "--self-managed-tls" in args
    assert args["--webhook-configuration"] == [RELEASE]
    assert args["--webhook-service"] == ["adr-operator-webhook"]
    assert args["--cert-secret"] == ["adr-operator-webhook-tls"]
    assert find(objects, "Certificate") == [] and find(objects, "Issuer") == []
    pod = one(objects, "Deployment")["spec"]["template"]["spec"]
    volume = next(v for v in pod["volumes"] if v["name"] == "tls")
    assert "emptyDir" in volume
    mount = next(m for m in pod["containers"][0]["volumeMounts"] if m["name"] == "tls")
    assert args["--tls-cert-file"] == [mount["mountPath"] + "/tls.crt"]
    vwc = one(objects, "ValidatingWebhookConfiguration")
    assert "cert-manager.io/inject-ca-from" not in vwc["metadata"]["annotations"]


def test_cert_manager_tls_is_wired_consistently():
    objects = manifests("cert-manager")
    args = args_of(objects)
    assert "--self-managed-tls" not in args
    cert = one(objects, "Certificate", "adr-operator-webhook")
    svc = "adr-operator-webhook"
    assert cert["spec"]["dnsNames"] == [svc, f"{svc}.{NAMESPACE}", f"{svc}.{NAMESPACE}.svc", f"{svc}.{NAMESPACE}.svc.cluster.local"]
    assert cert["spec"]["issuerRef"] == {"name": "adr-operator-ca", "kind": "Issuer", "group": "cert-manager.io"}
    ca = one(objects, "Certificate", "adr-operator-ca")
    assert ca["spec"]["isCA"] is True
    assert one(objects, "Issuer", "adr-operator-ca")["spec"]["ca"]["secretName"] == ca["spec"]["secretName"]
    vwc = one(objects, "ValidatingWebhookConfiguration")
    assert vwc["metadata"]["annotations"]["cert-manager.io/inject-ca-from"] == f"{NAMESPACE}/{cert['metadata']['name']}"
    pod = one(objects, "Deployment")["spec"]["template"]["spec"]
    volume = next(v for v in pod["volumes"] if v["name"] == "tls")
    assert volume["secret"]["secretName"] == cert["spec"]["secretName"]
    # No Secret rights without self-managed TLS.
    assert not [r for _, r in rules_of(objects, "Role") if "secrets" in r["resources"]]
    # An existing ClusterIssuer: no chart-made CA.
    objects = manifests("cert-manager-cluster-issuer")
    assert [c["metadata"]["name"] for c in find(objects, "Certificate")] == ["adr-operator-webhook"]
    assert find(objects, "Issuer") == []
    assert one(objects, "Certificate")["spec"]["issuerRef"]["kind"] == "ClusterIssuer"


def test_every_flag_the_chart_passes_exists(variant):
    # The chart and `adr-operator run` must not drift apart: every flag it renders is one the
    # binary accepts.
    help_text = subprocess.run(
        [operator_binary(), "run", "--help"], capture_output=True, text=True, check=True
    ).stdout
    known = set(re.findall(r"--[a-z][a-z0-9-]*", help_text))
    for flag in args_of(manifests(variant)):
        assert flag in known, f"{flag} is not a flag of `adr-operator run`"


def registered_metrics() -> set[str]:
    source = (ROOT / "src" / "metrics.rs").read_text()
    return {f"adr_{m}" for m in re.findall(r'register(?:_with_unit)?\(\s*"(\w+)"', source)}


def metric_names(text: str) -> set[str]:
    names = set()
    for m in re.findall(r"\badr_[a-z_]+", text):
        names.add(re.sub(r"_(total|bucket|sum|count)$", "", m))
    return names


def test_alerts_and_dashboard_use_metrics_the_operator_exports():
    known = registered_metrics() | {f"{m}_seconds" for m in registered_metrics()}
    assert {"adr_publications", "adr_admission_requests", "adr_exemptions"} <= known
    objects = manifests("monitoring")
    rule = one(objects, "PrometheusRule")
    alerts = {r["alert"]: r for g in rule["spec"]["groups"] for r in g["rules"]}
    assert {"AdrWebhookDown", "AdrPublicationNonCompliant", "AdrExemptionExpiring", "AdrWebhookInvalidReviews"} <= set(alerts)
    used = metric_names(json.dumps(rule["spec"]))
    assert used and used <= known, used - known
    dashboard = one(objects, "ConfigMap", "adr-operator-dashboard")
    assert dashboard["metadata"]["namespace"] == "monitoring"
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    board = json.loads(dashboard["data"]["adr-adoption.json"])
    assert board["title"] == "ADR adoption"
    used = metric_names(json.dumps(board))
    assert used and used <= known, used - known
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    monitor = one(objects, "ServiceMonitor")
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics"
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    # The webhook-down alert watches the job the ServiceMonitor produces (the Service's name).
    assert 'job="adr-operator-webhook"' in alerts["AdrWebhookDown"]["expr"]


def test_notes_name_the_tls_mode():
    assert "TLS is self-managed" in render("default")["adr-operator/templates/NOTES.txt"]
    assert "TLS comes from cert-manager" in render("cert-manager")["adr-operator/templates/NOTES.txt"]


def test_chart_metadata_follows_the_crate_and_the_tested_kubernetes():
    import tomllib

    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    crate = tomllib.loads((ROOT / "Cargo.toml").read_text())["package"]
    assert chart["appVersion"] == crate["version"]
    # The oldest Kubernetes the chart claims is the oldest it is validated against.
    assert chart["kubeVersion"] == f">={KUBE_VERSIONS[0]}-0"


def test_url_fetch_at_admission_is_opt_in_and_needs_an_allow_list():
    assert "--admission-fetch-urls" not in args_of(manifests("default"))
    args = args_of(manifests("everything"))
    assert "--admission-fetch-urls" in args
    assert args["--admission-fetch-timeout"] == ["2s"]
    assert args["--fetch-allowed-host"] == ["*.overheid.nl"]
    # Without an allow-list the binary would refuse to start; the chart says why instead.
    with helm.Chart.load(CHART) as chart, pytest.raises(Exception, match="needs operator.fetch.allowedHosts"):
        chart.render(values={"operator": {"fetch": {"atAdmission": True}}}, name=RELEASE, namespace=NAMESPACE)
