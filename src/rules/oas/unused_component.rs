//! `oas3-unused-component` and `oas2-unused-definition`.
//!
//! Both rest on Spectral's `unreferencedReusableObject`: a reusable object is "used" when the
//! reference's `$ref` resolver added its exact pointer to the dependency graph while crawling.
//! [`referenced_pointers`] rebuilds that set from the document as written.

use std::collections::HashSet;
use std::path::Path;

use crate::document::refs::{normalize, percent_decode, ref_string};
use crate::document::{Document, FileId, NodeId, Segment, Value};
use crate::rules::{Check, Report, Sink};

/// The component types `oasUnusedComponent` checks, in its order.
const COMPONENT_TYPES: [&str; 8] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
];

/// Components of OpenAPI 3 that no `$ref` points at. Official: `resolved: false`, given `$`,
/// function `oasUnusedComponent` (`unreferencedReusableObject` on each of
/// `components.{schemas, responses, parameters, examples, requestBodies, headers, links,
/// callbacks}` that is an object). Reported at each unused component's value, as written.
/// What counts as a reference is the resolver's crawl (see [`referenced_pointers`]).
#[derive(Debug)]
pub struct UnusedComponent;

/// Swagger 2.0 `definitions` that no `$ref` points at. Official: `resolved: false`, given
/// `$.definitions`, `unreferencedReusableObject` with `reusableObjectsLocation: #/definitions`.
#[derive(Debug)]
pub struct UnusedDefinition;

impl Check for UnusedComponent {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root.filter(|&r| doc.tree.is_object(r)) else {
            return;
        };
        let Some(components) = doc.tree.raw_get(root, "components") else {
            return;
        };
        if !doc.tree.is_object(components) {
            return;
        }
        let used = referenced_pointers(doc);
        for kind in COMPONENT_TYPES {
            if let Some(objects) = doc.tree.raw_get(components, kind) {
                orphans(doc, root, objects, &["components", kind], &used, sink);
            }
        }
    }
}

impl Check for UnusedDefinition {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root.filter(|&r| doc.tree.is_object(r)) else {
            return;
        };
        if let Some(definitions) = doc.tree.raw_get(root, "definitions") {
            let used = referenced_pointers(doc);
            orphans(doc, root, definitions, &["definitions"], &used, sink);
        }
    }
}

/// `unreferencedReusableObject` on the object written at `location` (skipped unless an
/// object): each key whose pointer `#/<location>/<key>` (the key not escaped) is not in `used`.
/// The finding's path is that pointer parsed back (so a key holding `/`, `~1` or a `%`
/// escape names another path), cut to its longest prefix that exists in the document.
fn orphans(
    doc: &Document,
    root: NodeId,
    objects: NodeId,
    location: &[&str],
    used: &HashSet<String>,
    sink: &mut Sink,
) {
    let tree = &doc.tree;
    if !tree.is_object(objects) {
        return;
    }
    for (name, _) in tree.entries(objects) {
        let pointer = format!("#/{}/{name}", location.join("/"));
        if used.contains(&pointer) {
            continue;
        }
        let mut subpath = Vec::new();
        let mut cur = root;
        for seg in pointer_to_path(&pointer).unwrap_or_default() {
            let next = match tree.value(cur) {
                Value::Object(_) => tree
                    .raw_get(cur, &seg)
                    .map(|n| (n, Segment::Key(seg.into()))),
                Value::Array(items) => seg
                    .parse::<usize>()
                    .ok()
                    .filter(|i| i.to_string() == seg)
                    .and_then(|i| items.get(i).map(|&n| (n, Segment::Index(i as u32)))),
                _ => None,
            };
            let Some((node, segment)) = next else { break };
            subpath.push(segment);
            cur = node;
        }
        sink.push(Report {
            node: root,
            subpath,
            ..Report::default()
        });
    }
}

/// The pointers into the root document that the reference's resolver (`json-ref-resolver`)
/// records in its dependency graph, decoded as `unreferencedReusableObject` decodes them
/// (`decodeURIComponent`, then `~1` → `/`, `~0` → `~`).
///
/// The resolver crawls the whole root document as written: every object with a string `$ref`
/// counts (its other keys are not looked into), except a local reference to the object itself
/// or one of its ancestors (`Self: {properties: {me: {$ref: '#/…/Self'}}}` does not use
/// `Self`). A reference to a deeper pointer (`#/components/schemas/A/properties/b`) does not use
/// `A`, but a reference from another component (even an unused one) does use its target.
/// References to other files are followed: there the referenced subtree is crawled, following
/// local references too, and a reference back into the root document uses its target.
pub(crate) fn referenced_pointers(doc: &Document) -> HashSet<String> {
    let mut crawl = Crawl {
        doc,
        root_path: normalize(Path::new(doc.root_name())),
        used: HashSet::new(),
        followed: HashSet::new(),
    };
    if let Some(root) = doc.root {
        crawl.node(doc.root_file, root, &mut Vec::new(), false, &mut Vec::new());
    }
    crawl.used
}

struct Crawl<'a> {
    doc: &'a Document,
    root_path: std::path::PathBuf,
    used: HashSet<String>,
    /// (file, pointer) subtrees of files other than the root already crawled.
    followed: HashSet<(FileId, String)>,
}

impl Crawl<'_> {
    /// `computeGraph`: `node` (at `path` in `file`) and what is below it. `following`: the crawl
    /// started at a referenced pointer (then local references are followed too).
    fn node(
        &mut self,
        file: FileId,
        node: NodeId,
        path: &mut Vec<String>,
        following: bool,
        stack: &mut Vec<String>,
    ) {
        let tree = &self.doc.tree;
        if let Some((_, reference)) = ref_string(tree, node) {
            self.reference(file, reference, path, following, stack);
            return;
        }
        let children: Vec<(String, NodeId)> = match tree.value(node) {
            Value::Object(entries) => entries.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), *v))
                .collect(),
            _ => return,
        };
        for (key, child) in children {
            path.push(key);
            if let Some((_, reference)) = ref_string(tree, child) {
                self.reference(file, reference, path, following, stack);
            } else if matches!(tree.value(child), Value::Object(_) | Value::Array(_)) {
                self.node(file, child, path, following, stack);
            }
            path.pop();
        }
    }

    /// `_resolveRef` for the reference `reference` written at `path` in `file`.
    fn reference(
        &mut self,
        file: FileId,
        reference: &str,
        path: &[String],
        following: bool,
        stack: &mut Vec<String>,
    ) {
        let (source, fragment) = match reference.split_once('#') {
            Some((s, f)) => (s, Some(f)),
            None => (reference, None),
        };
        if source.is_empty() {
            self.local(file, fragment.unwrap_or_default(), path, following, stack);
        } else {
            self.remote(file, source, fragment);
        }
    }

    fn local(
        &mut self,
        file: FileId,
        fragment: &str,
        path: &[String],
        following: bool,
        stack: &mut Vec<String>,
    ) {
        if fragment.is_empty() {
            return; // `#`: the pointer `''` does not parse.
        }
        let pointer = format!("#{fragment}");
        let Some(target_path) = pointer_to_path(&pointer) else {
            return;
        };
        // A reference to the object itself or one of its ancestors is skipped.
        let references_parent = !target_path.is_empty()
            && target_path.len() <= path.len()
            && target_path.iter().zip(path).all(|(t, p)| t == p);
        if references_parent {
            return;
        }
        if file == self.doc.root_file {
            self.used.insert(decode_pointer(&pointer));
            // The root is crawled whole: following adds nothing.
            return;
        }
        // The reference re-crawls a target each time it meets it (its pointer stack only
        // stops cycles); what is found below a target does not depend on the way there, so
        // each target is crawled once here.
        if following
            && (stack.len() < 2 || !stack.contains(&pointer))
            && self.followed.insert((file, pointer.clone()))
        {
            let Some(target) = self.lookup(file, &target_path) else {
                return;
            };
            stack.push(pointer);
            let mut path = target_path;
            self.node(file, target, &mut path, true, stack);
            stack.pop();
        }
    }

    /// A reference into another file (or into the root by its file name).
    fn remote(&mut self, file: FileId, source: &str, fragment: Option<&str>) {
        if source.contains("://") {
            return; // Not fetched.
        }
        let tree = &self.doc.tree;
        let dir = Path::new(&tree.file(file).name)
            .parent()
            .unwrap_or(Path::new(""));
        let target_path = normalize(&dir.join(percent_decode(source)));
        let target_file = if target_path == self.root_path {
            Some(self.doc.root_file)
        } else {
            let name = target_path.to_string_lossy();
            (0..tree.file_count())
                .map(|i| i as FileId)
                .find(|&f| f != self.doc.root_file && *tree.file(f).name == *name)
        };
        let Some(target_file) = target_file else {
            return;
        };
        let pointer = match fragment {
            Some(f) if !f.is_empty() => format!("#{f}"),
            _ => "#".to_string(),
        };
        if target_file == self.doc.root_file {
            if pointer != "#" {
                self.used.insert(decode_pointer(&pointer));
            }
            return;
        }
        if !self.followed.insert((target_file, pointer.clone())) {
            return;
        }
        let Some(target_path) = pointer_to_path(&pointer) else {
            return;
        };
        let Some(target) = self.lookup(target_file, &target_path) else {
            return;
        };
        let mut path = target_path;
        self.node(target_file, target, &mut path, true, &mut Vec::new());
    }

    /// lodash `get(source, path)` on the file as written.
    fn lookup(&self, file: FileId, path: &[String]) -> Option<NodeId> {
        let tree = &self.doc.tree;
        let mut cur = tree.file(file).root?;
        for seg in path {
            cur = match tree.value(cur) {
                Value::Object(_) => tree.raw_get(cur, seg)?,
                Value::Array(items) => *items.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }
}

/// `pointerToPath`: `#` is the root, `#/a/b` its decoded segments; anything else is invalid.
fn pointer_to_path(pointer: &str) -> Option<Vec<String>> {
    let rest = pointer.strip_prefix('#')?;
    if rest.is_empty() {
        return Some(Vec::new());
    }
    let rest = rest.strip_prefix('/')?;
    Some(rest.split('/').map(decode_pointer).collect())
}

/// `@stoplight/json`'s `decodePointer`: `decodeURIComponent` (where that fails, each
/// `%[0-9a-f]+` run that decodes on its own), then `~1` → `/` and `~0` → `~`.
fn decode_pointer(s: &str) -> String {
    let decoded = decode_uri_component(s).unwrap_or_else(|| {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('%') {
            out.push_str(&rest[..i]);
            let run = &rest[i..];
            let len = 1 + run[1..]
                .bytes()
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            if len == 1 {
                out.push('%');
            } else {
                let part = &run[..len];
                out.push_str(&decode_uri_component(part).unwrap_or_else(|| part.to_string()));
            }
            rest = &run[len..];
        }
        out.push_str(rest);
        out
    });
    decoded.replace("~1", "/").replace("~0", "~")
}

/// JavaScript's `decodeURIComponent`: `None` where it throws (a malformed escape or bytes that
/// are not UTF-8).
fn decode_uri_component(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn what_counts_as_a_reference() {
        let doc = r##"{"openapi": "3.0.3",
          "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/R"}}}}},
          "components": {
            "responses": {"R": {"description": "x", "content": {"a/b": {"schema": {
              "$ref": "#/components/schemas/Used"}}}}, "Other": {"description": "y"}},
            "schemas": {
              "Used": {"properties": {
                "x": {"$ref": "#/components/schemas/Deep/properties/y"},
                "s": {"$ref": "#/components/schemas/Sib", "description": "hi"},
                "r": {"$ref": "#/components/schemas/Used"}}},
              "Deep": {"properties": {"y": {}}},
              "Sib": {},
              "Self": {"properties": {"me": {"$ref": "#/components/schemas/Self"}}},
              "Unused": {"properties": {"z": {"$ref": "#/components/schemas/ByUnused"}}},
              "ByUnused": {},
              "Hidden": {},
              "Wrap": {"$ref": "#/components/schemas/Sib", "x": {"$ref": "#/components/schemas/Hidden"}},
              "a/b": {}, "c~d": {}, "e f": {},
              "R1": {"$ref": "#/components/schemas/a~1b"},
              "R2": {"$ref": "#/components/schemas/c~0d"},
              "R3": {"$ref": "#/components/schemas/e%20f"}},
            "parameters": [],
            "examples": {"E": {}}}}"##;
        assert_eq!(
            run(&UnusedComponent, doc),
            [
                "components.schemas.Deep",
                "components.schemas.Self",
                "components.schemas.Unused",
                "components.schemas.Hidden",
                "components.schemas.Wrap",
                "components.schemas.R1",
                "components.schemas.R2",
                "components.schemas.R3",
                "components.responses.Other",
                "components.examples.E",
            ]
        );
    }

    #[test]
    fn definitions() {
        let doc = r##"{"swagger": "2.0",
          "paths": {"/a": {"get": {"responses": {"200": {"schema": {"$ref": "#/definitions/A"}}}}}},
          "definitions": {"A": {}, "B": {}}}"##;
        assert_eq!(run(&UnusedDefinition, doc), ["definitions.B"]);
    }

    #[test]
    fn pointer_decoding() {
        assert_eq!(decode_pointer("#/a~1b/c~0d/e%20f"), "#/a/b/c~d/e f");
        assert_eq!(decode_pointer("#/a%zz/%41"), "#/a%zz/A");
        assert_eq!(decode_pointer("#/%E9"), "#/%E9");
    }
}
