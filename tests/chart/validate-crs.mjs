// Validates cert-manager and Prometheus Operator custom resources against their published
// schemas (the @kubernetes-models packages are generated from the projects' Go API types).
// Reads a JSON array of objects on stdin; writes a JSON array of {kind, name, ok, error}.
import { readFileSync } from "node:fs";
import * as certManager from "@kubernetes-models/cert-manager/cert-manager.io/v1";
import * as monitoring from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

const models = {
  "cert-manager.io/v1": certManager,
  "monitoring.coreos.com/v1": monitoring,
};

const objects = JSON.parse(readFileSync(0, "utf8"));
const results = objects.map((object) => {
  const name = object?.metadata?.name ?? "";
  const Model = models[object.apiVersion]?.[object.kind];
  if (!Model) {
    return { kind: object.kind, name, ok: false, error: `no schema for ${object.apiVersion} ${object.kind}` };
  }
  try {
    new Model(object).validate();
    return { kind: object.kind, name, ok: true, error: null };
  } catch (e) {
    return { kind: object.kind, name, ok: false, error: String(e.message ?? e) };
  }
});
process.stdout.write(JSON.stringify(results));
