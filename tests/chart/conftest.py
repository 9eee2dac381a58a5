"""Shared by the chart tests: render charts/adr-operator offline with Helm's Go SDK
(helm-python-sdk: no helm binary, no cluster, no network) for a set of value variants."""

from __future__ import annotations

import copy
import functools
import json
import os
import shutil
import subprocess
from pathlib import Path

import helm_python as helm
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "adr-operator"
HERE = Path(__file__).resolve().parent
RELEASE = "adr-operator"
NAMESPACE = "adr-system"
# Oldest and newest Kubernetes the chart is validated for.
KUBE_VERSIONS = ["1.33.0", "1.37.0"]

# Value variants: the defaults and what platform teams change.
VARIANTS: dict[str, dict] = {
    "default": {},
    "cert-manager": {"tls": {"mode": "cert-manager"}},
    "cert-manager-cluster-issuer": {
        "tls": {
            "mode": "cert-manager",
            "certManager": {"issuerRef": {"name": "platform-ca", "kind": "ClusterIssuer", "group": "cert-manager.io"}},
        }
    },
    "monitoring": {
        "monitoring": {
            "serviceMonitor": {"enabled": True, "labels": {"release": "kube-prometheus-stack"}},
            "prometheusRule": {"enabled": True},
            "dashboard": {"enabled": True, "namespace": "monitoring"},
        }
    },
    "ha": {
        "replicaCount": 3,
        "podAntiAffinity": "hard",
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "adr-operator"}},
            }
        ],
        "priorityClassName": "system-cluster-critical",
        "networkPolicy": {"enabled": True},
        "image": {"digest": "sha256:" + "ab" * 32},
    },
    "webhook-only": {
        "replicaCount": 1,
        "operator": {"controller": False},
        "webhook": {"failurePolicy": "Ignore", "configMaps": False, "timeoutSeconds": 5},
    },
    "everything": {
        "tls": {"mode": "cert-manager"},
        "monitoring": {
            "serviceMonitor": {"enabled": True},
            "prometheusRule": {"enabled": True},
            "dashboard": {"enabled": True},
        },
        "networkPolicy": {"enabled": True, "allowUrlFetch": False},
        "operator": {
            "defaultEnforcement": "Warn",
            "fetch": {
                "allowedHosts": ["*.overheid.nl"],
                "allowedNetworks": ["10.20.0.0/16"],
                "atAdmission": True,
            },
            "extraArgs": ["--max-document-bytes=1048576"],
        },
        "webhook": {"namespaceSelectorExpressions": [{"key": "apistrategie.nl/enforcement", "operator": "Exists"}]},
    },
}


@functools.lru_cache(maxsize=None)
def _render(variant: str) -> tuple[tuple[str, str], ...]:
    with helm.Chart.load(CHART) as chart:
        out = chart.render(
            values=copy.deepcopy(VARIANTS[variant]),
            name=RELEASE,
            namespace=NAMESPACE,
            is_install=True,
        )
    return tuple(sorted(out.items()))


def render(variant: str) -> dict[str, str]:
    """Template path -> rendered text."""
    return dict(_render(variant))


def manifests(variant: str) -> list[dict]:
    """Every object the chart renders for a variant (NOTES.txt left out)."""
    objects = []
    for path, text in render(variant).items():
        if path.endswith("NOTES.txt"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                objects.append(doc)
    return objects


def find(objects: list[dict], kind: str, name: str | None = None) -> list[dict]:
    return [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]


def one(objects: list[dict], kind: str, name: str | None = None) -> dict:
    found = find(objects, kind, name)
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def crds() -> list[dict]:
    return [yaml.safe_load(c["data"]) for c in helm.Chart.load(CHART).crds]


@functools.lru_cache(maxsize=None)
def operator_binary() -> str:
    """The adr-operator binary of this checkout, to check the chart's flags and the examples
    against the real command line. `cargo build` is a no-op after `make test`, and keeps a
    stale binary from being tested."""
    subprocess.run(["cargo", "build", "--quiet", "--bin", "adr-operator"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if not target.is_absolute():
        target = ROOT / target
    return str(target / "debug" / "adr-operator")


def node_validate(objects: list[dict]) -> list[dict]:
    """Validates cert-manager / Prometheus Operator objects with validate-crs.mjs."""
    node = shutil.which("node")
    assert node, "node is needed for the custom resource schemas (see .ci/run)"
    assert (HERE / "node_modules" / "@kubernetes-models").exists(), (
        "run `npm ci` in tests/chart first (make chart-test does)"
    )
    result = subprocess.run(
        [node, str(HERE / "validate-crs.mjs")],
        input=json.dumps(objects),
        capture_output=True,
        text=True,
        cwd=HERE,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture(params=sorted(VARIANTS))
def variant(request) -> str:
    return request.param
