#!/usr/bin/env python3
"""Whole `adr-lint` runs on generated documents that grow one list or map, at two sizes: a
lint must cost time in proportion to its document, so 4x the items should cost about 4x the
time (quadratic work shows as 16x). The shapes are those hostile input would use against the
webhook: parameters, tags, enums (of strings checked by a long example, of objects), examples
with uniqueItems, paths, servers, security schemes and scopes, required lists, allOf members,
$ref chains and webs, path templates.

    bench/long-lists.py [N ...]        (default: 2000 8000; needs target/release/adr-lint)
    RULESETS="adr-2.2.1 adr-2.0"
"""
import json
import os
import subprocess
import sys
import tempfile
import time


def base():
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1.0.0",
                 "contact": {"name": "a", "url": "https://a.nl", "email": "a@a.nl"}},
        "servers": [{"url": "https://api.example.nl/v1"}],
        "paths": {},
    }


def ok():
    return {"200": {"description": "ok", "headers": {"API-Version": {"schema": {"type": "string"}}}}}


def params(n):
    d = base()
    d["paths"]["/a"] = {"get": {"operationId": "a", "responses": ok(), "parameters": [
        {"name": f"p{i}", "in": "query", "schema": {"type": "string"}} for i in range(n)]}}
    return d


def tags(n):
    d = base()
    d["tags"] = [{"name": f"t{i}", "description": "x"} for i in range(n)]
    d["paths"]["/a"] = {"get": {"operationId": "a", "tags": [f"t{i}" for i in range(n)], "responses": ok()}}
    return d


def enum_examples(n):
    d = base()
    d["components"] = {"schemas": {
        "E": {"type": "string", "enum": [f"v{i}" for i in range(n)]},
        "A": {"type": "array", "items": {"$ref": "#/components/schemas/E"},
              "example": [f"v{n - 1 - i}" for i in range(n)]}}}
    return d


def enum_objects(n):
    d = base()
    d["components"] = {"schemas": {"E": {"type": "object", "enum": [{"k": i} for i in range(n)],
                                         "example": {"k": n - 1}}}}
    return d


def unique_example(n):
    d = base()
    d["components"] = {"schemas": {"A": {"type": "array", "uniqueItems": True, "items": {"type": "object"},
                                         "example": [{"k": i} for i in range(n)]}}}
    return d


def paths(n):
    d = base()
    for i in range(n):
        d["paths"][f"/p{i}/{{id}}"] = {"get": {"operationId": f"o{i}", "responses": ok(), "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]}}
    return d


def servers(n):
    d = base()
    d["servers"] = [{"url": f"https://s{i}.example.nl/v1"} for i in range(n)]
    return d


def security(n):
    d = base()
    d["components"] = {"securitySchemes": {f"s{i}": {"type": "http", "scheme": "bearer"} for i in range(n)}}
    d["security"] = [{f"s{i}": []} for i in range(n)]
    return d


def scopes(n):
    d = base()
    d["components"] = {"securitySchemes": {"o": {"type": "oauth2", "flows": {"clientCredentials": {
        "tokenUrl": "https://a.nl/t", "scopes": {f"s{i}": "x" for i in range(n)}}}}}}
    d["paths"]["/a"] = {"get": {"operationId": "a", "responses": ok(),
                                "security": [{"o": [f"s{i}"]} for i in range(n)]}}
    return d


def required(n):
    d = base()
    d["components"] = {"schemas": {"A": {"type": "object", "required": [f"p{i}" for i in range(n)],
                                         "properties": {f"p{i}": {"type": "string"} for i in range(n)}}}}
    return d


def long_example(n):
    d = base()
    d["components"] = {"schemas": {"A": {
        "type": "object", "required": [f"p{i}" for i in range(n)],
        "properties": {f"p{i}": {"type": "string", "enum": [f"v{j}" for j in range(40)]} for i in range(n)},
        "example": {f"p{i}": "v1" for i in range(n)}}}}
    return d


def allof(n):
    d = base()
    d["components"] = {"schemas": {"A": {
        "allOf": [{"type": "object", "properties": {f"p{i}": {"type": "string"}}} for i in range(n)],
        "example": {f"p{i}": "x" for i in range(n)}}}}
    return d


def refs_chain(n):
    d = base()
    d["components"] = {"schemas": {f"S{i}": {"$ref": f"#/components/schemas/S{i + 1}"} for i in range(n)}}
    d["components"]["schemas"][f"S{n}"] = {"type": "string"}
    return d


def wide_refs(n):
    d = base()
    d["components"] = {"schemas": {f"S{i}": {"type": "object", "properties": {
        "x": {"$ref": f"#/components/schemas/S{(i * 7 + 1) % n}"}}} for i in range(n)}}
    return d


def path_template(n):
    d = base()
    d["paths"]["/" + "/".join(f"{{p{i}}}" for i in range(n))] = {"get": {
        "operationId": "a", "responses": ok(), "parameters": [
            {"name": f"p{i}", "in": "path", "required": True, "schema": {"type": "string"}} for i in range(n)]}}
    return d


SHAPES = [params, tags, enum_examples, enum_objects, unique_example, paths, servers, security,
          scopes, required, long_example, allof, refs_chain, wide_refs, path_template]


def run(binary, ruleset, path):
    start = time.perf_counter()
    subprocess.run([binary, "--ruleset", ruleset, "--format", "json", path],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    return time.perf_counter() - start


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [2000, 8000]
    rulesets = os.environ.get("RULESETS", "adr-2.2.1 adr-2.0").split()
    binary = os.path.join(os.path.dirname(__file__), "..", "target", "release", "adr-lint")
    header = " | ".join(f"{r} n={n}" for r in rulesets for n in sizes)
    print(f"{'shape':<16} {'MB at n=' + str(sizes[-1]):>12} | {header}")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in SHAPES:
            files = {}
            for n in sizes:
                files[n] = os.path.join(tmp, f"{shape.__name__}-{n}.json")
                with open(files[n], "w") as f:
                    json.dump(shape(n), f)
            times = [f"{run(binary, r, files[n]):>{len(r) + len(str(n)) + 3}.3f}"
                     for r in rulesets for n in sizes]
            mb = os.path.getsize(files[sizes[-1]]) / 1e6
            print(f"{shape.__name__:<16} {mb:>12.2f} | " + " | ".join(times))


if __name__ == "__main__":
    main()
