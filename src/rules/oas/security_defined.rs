//! `oas2-operation-security-defined` and `oas3-operation-security-defined`.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::document::{Document, NodeId, Value};
use crate::rules::walk::Place;
use crate::rules::{Check, Report, Sink};

/// The HTTP methods of `#OperationObject` (`#PathItem[get,put,post,delete,options,head,patch,trace]`).
pub(crate) const OPERATION_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A plain object parsed from the document, as JavaScript's `name in object` sees it. Its keys
/// are hashed once: a document may define thousands of schemes or scopes and name them all.
struct JsObject<'d> {
    /// Each key's value (the last, for a key written twice); keyed (`std`'s hasher), so that
    /// a document cannot pick names that collide.
    keys: HashMap<&'d str, NodeId>,
}

impl<'d> JsObject<'d> {
    fn of(doc: &'d Document, object: NodeId) -> Self {
        JsObject {
            keys: doc
                .tree
                .entries(object)
                .iter()
                .map(|(k, v)| (&**k, *v))
                .collect(),
        }
    }

    fn has(&self, name: &str) -> bool {
        self.keys.contains_key(name) || super::js::OBJECT_PROTOTYPE_KEYS.contains(&name)
    }

    fn get(&self, name: &str) -> Option<NodeId> {
        self.keys.get(name).copied()
    }
}

/// Security requirements must name a defined security scheme, and their scopes must be defined
/// by it. Official selector `#SecurityRequirementObject` (`$.security[*]` and
/// `#OperationObject.security[*]`, on the resolved document) with the `oasSecurityDefined`
/// function (`oasVersion` 2: `securityDefinitions`, 3: `components.securitySchemes`).
///
/// Quirks reproduced:
/// - a requirement that is not an object of string arrays (`[]`, `{x: [1]}`) is skipped whole
///   (the function's input schema);
/// - the schemes and their scopes are looked up in the document as written, not resolved: a
///   scheme that is a `$ref` object has no scopes;
/// - membership is JavaScript's `in`, so a scheme or scope named like an `Object.prototype`
///   member (`toString`, `constructor`, …) is always defined (a scheme so named has no scopes);
/// - the message says "API" for `$.security[*]` and "Operation" for every deeper requirement.
///
/// A missing scheme is reported at the requirement's value for that name, an undefined scope at
/// the scope string.
#[derive(Debug)]
pub struct OperationSecurityDefined {
    /// Swagger 2.0 (`securityDefinitions`, `scopes` per scheme) rather than OpenAPI 3.
    pub oas2: bool,
}

impl OperationSecurityDefined {
    /// The definitions object as written (`None` when it is not a plain object).
    fn definitions(&self, doc: &Document, root: NodeId) -> Option<NodeId> {
        let tree = &doc.tree;
        let defs = if self.oas2 {
            tree.raw_get(root, "securityDefinitions")?
        } else {
            let components = tree.raw_get(root, "components")?;
            if !tree.is_object(components) {
                return None;
            }
            tree.raw_get(components, "securitySchemes")?
        };
        tree.is_object(defs).then_some(defs)
    }

    /// The `scopes` objects `isScopeDefined` looks a scope up in: the scheme's (oas2) or each
    /// flow's (oas3); none when the scheme is not an object.
    fn scopes<'d>(&self, doc: &'d Document, scheme: Option<NodeId>) -> Vec<JsObject<'d>> {
        let tree = &doc.tree;
        let Some(scheme) = scheme.filter(|&s| tree.is_object(s)) else {
            return Vec::new();
        };
        let scopes_of = |holder: NodeId| {
            tree.raw_get(holder, "scopes")
                .filter(|&s| tree.is_object(s))
                .map(|s| JsObject::of(doc, s))
        };
        if self.oas2 {
            return scopes_of(scheme).into_iter().collect();
        }
        let Some(flows) = tree.raw_get(scheme, "flows").filter(|&f| tree.is_object(f)) else {
            return Vec::new();
        };
        tree.entries(flows)
            .iter()
            .filter(|(_, flow)| tree.is_object(*flow))
            .filter_map(|(_, flow)| scopes_of(*flow))
            .collect()
    }

    /// Checks one requirement (`api`: it is one of `$.security[*]`).
    fn requirement<'d>(
        &self,
        doc: &'d Document,
        defs: Option<&JsObject<'d>>,
        scopes_by_scheme: &mut FxHashMap<Option<NodeId>, Vec<JsObject<'d>>>,
        req: Place,
        api: bool,
        sink: &mut Sink,
    ) {
        // Input schema: an object whose values are all arrays of strings.
        let valid = matches!(doc.value(req.node), Value::Object(_))
            && doc.entries(req.node).all(|(_, v)| match doc.value(v) {
                Value::Array(_) => doc
                    .items(v)
                    .all(|i| matches!(doc.value(i), Value::String(_))),
                _ => false,
            });
        if !valid {
            return;
        }
        let location = if self.oas2 {
            "securityDefinitions"
        } else {
            "components.securitySchemes"
        };
        for (name, scopes) in req.children(doc) {
            let name = name.unwrap_or_default();
            let scheme_defined = defs.is_some_and(|d| d.has(name));
            if !scheme_defined {
                let object = if api { "API" } else { "Operation" };
                sink.push(Report {
                    node: scopes.report(doc),
                    error: Some(format!(
                        "{object} \"security\" values must match a scheme defined in the \"{location}\" object."
                    )),
                    ..Report::default()
                });
                continue;
            }
            let scheme = defs.and_then(|d| d.get(name));
            let defined_scopes = scopes_by_scheme
                .entry(scheme)
                .or_insert_with(|| self.scopes(doc, scheme));
            for (_, scope) in scopes.children(doc) {
                let text = doc.as_str(scope.node).unwrap_or_default();
                if !defined_scopes.iter().any(|scopes| scopes.has(text)) {
                    sink.push(Report {
                        node: scope.report(doc),
                        error: Some(format!("\"{text}\" must be listed among scopes.")),
                        ..Report::default()
                    });
                }
            }
        }
    }
}

impl Check for OperationSecurityDefined {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root.filter(|&r| doc.tree.is_object(r)) else {
            return;
        };
        let defs = self.definitions(doc, root).map(|d| JsObject::of(doc, d));
        let defs = defs.as_ref();
        // Each scheme's scopes, hashed once however many requirements name it.
        let mut scopes_by_scheme = FxHashMap::default();
        let root = Place::new(doc, root, true);
        if let Some(security) = root.field(doc, "security") {
            for (_, req) in security.children(doc) {
                self.requirement(doc, defs, &mut scopes_by_scheme, req, true, sink);
            }
        }
        let Some(paths) = root.field(doc, "paths") else {
            return;
        };
        for (_, item) in paths.children(doc) {
            for method in OPERATION_METHODS {
                let Some(op) = item.field(doc, method) else {
                    continue;
                };
                let Some(security) = op.field(doc, "security") else {
                    continue;
                };
                for (_, req) in security.children(doc) {
                    self.requirement(doc, defs, &mut scopes_by_scheme, req, false, sink);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn oas3_schemes_and_scopes() {
        let doc = r##"{"openapi": "3.0.3",
          "security": [{"oauth": ["read", "toString", "nope"]}, {"Undef": []},
                       {"toString": ["a"]}, [], {"bad": [1]}, {}],
          "paths": {"/a": {"get": {"security": [
              {"oauth": ["read"], "apiKey": ["x"], "refd": ["read"]},
              {"$ref": "#/components/x-req"}]},
            "x-security": [{"nope": []}]}},
          "components": {"x-req": {"oauth": ["viaRef"]},
            "securitySchemes": {
              "oauth": {"type": "oauth2", "flows": {
                "implicit": {"scopes": {"read": "r"}}, "password": {"scopes": {"write": "w"}}}},
              "apiKey": {"type": "apiKey"},
              "refd": {"$ref": "#/components/x-scheme"}},
            "x-scheme": {"flows": {"implicit": {"scopes": {"read": "r"}}}}}}"##;
        assert_eq!(
            run(&OperationSecurityDefined { oas2: false }, doc),
            [
                "security.0.oauth.2",
                "security.1.Undef",
                "security.2.toString.0",
                "paths./a.get.security.0.apiKey.0",
                "paths./a.get.security.0.refd.0",
                "components.x-req.oauth.0",
            ]
        );
    }

    #[test]
    fn oas2_scopes_per_scheme() {
        let doc = r##"{"swagger": "2.0",
          "security": [{"oauth": ["read", "write"]}],
          "paths": {"/a": {"post": {"security": [{"key": []}, {"none": []}]}}},
          "securityDefinitions": {"oauth": {"type": "oauth2", "scopes": {"read": ""}},
            "key": {"type": "apiKey"}}}"##;
        assert_eq!(
            run(&OperationSecurityDefined { oas2: true }, doc),
            ["security.0.oauth.1", "paths./a.post.security.1.none"]
        );
    }
}
