"""The Dockerfile, read statically (no container runtime runs here or in CI): a multi-stage build
of the static binary onto an empty base, run as the non-root user the chart expects, with a
build context that holds everything Cargo needs."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import CHART, ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
IGNORE = (ROOT / ".dockerignore").read_text()


def instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def stages() -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for word, rest in instructions():
        if word == "FROM":
            result.append([])
        if result:
            result[-1].append((word, rest))
    return result


def test_multi_stage_onto_an_empty_base():
    all_stages = stages()
    assert len(all_stages) >= 2
    final = all_stages[-1]
    assert final[0] == ("FROM", "scratch")
    user = [rest for word, rest in final if word == "USER"]
    assert user == ["65532:65532"]
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert values["podSecurityContext"]["runAsUser"] == 65532
    assert values["podSecurityContext"]["runAsGroup"] == 65532
    assert ("ENTRYPOINT", '["/adr-operator"]') in final
    copies = [rest for word, rest in final if word == "COPY"]
    assert any(c.startswith("--from=build /adr-operator") for c in copies)


def test_build_stage_makes_a_static_release_binary_with_the_lockfile():
    build = next(s for s in stages() if "AS build" in s[0][1])
    assert "alpine" in build[0][1], "musl target: a static binary"
    run = " ".join(rest for word, rest in build if word == "RUN")
    assert "cargo build --release --locked --bin adr-operator" in run
    assert 'grep -q "=>"' in run, "the build refuses a dynamically linked binary"


def test_the_rust_image_is_new_enough():
    manifest = tomllib.loads((ROOT / "Cargo.toml").read_text())
    needed = tuple(int(x) for x in manifest["package"]["rust-version"].split("."))
    (arg,) = re.findall(r"^ARG RUST_VERSION=([0-9.]+)$", DOCKERFILE, re.M)
    assert tuple(int(x) for x in arg.split(".")) >= needed[:2]


def test_the_build_context_holds_what_cargo_needs():
    manifest = tomllib.loads((ROOT / "Cargo.toml").read_text())
    copied = [
        source.rstrip("/")
        for word, rest in instructions()
        if word == "COPY" and "--from" not in rest
        for source in rest.split()[:-1]
    ]
    needed = {"Cargo.toml", "Cargo.lock", "src"}
    # Targets declared explicitly must exist for Cargo to read the manifest.
    default_dir = {"bin": "src/bin", "bench": "benches", "example": "examples", "test": "tests"}
    for kind, directory in default_dir.items():
        for target in manifest.get(kind, []):
            path = target.get("path") or f"{directory}/{target['name']}.rs"
            needed.add(path.split("/")[0])
    assert needed <= set(copied), needed - set(copied)
    allowed = {line[1:].rstrip("/") for line in IGNORE.splitlines() if line.startswith("!")}
    assert "*" in IGNORE.splitlines(), "the context is a whitelist"
    assert needed <= allowed, needed - allowed
