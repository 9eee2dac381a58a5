//! The vendored schema documents (`schemas/`), parsed and compiled. Only tests and the
//! generator of `baked/` use this: the binary builds the compiled schemas from `baked/`.

use std::collections::HashMap;
use std::sync::Arc;

use regress::Regex;
use rustc_hash::FxHashMap;

use super::{compile_object, Compiler, Fail, Relax, Src};
use crate::document::refs::pointer_segment;
use crate::document::{Limits, NodeId, SourceFile, Syntax, Tree, Value};
use crate::rules::oas::ajv::{js_regex, Dialect, SIdx, SNode, SchemaSet};

/// The vendored schema documents, parsed (in document order, which decides the order of
/// `ajv`'s checks) into one tree.
pub struct Vendored {
    pub tree: Tree,
    /// Each document's `$id` (or draft-04 `id`) without fragment, and its root node.
    pub roots: Vec<(String, NodeId)>,
}

impl Vendored {
    pub fn parse(files: &[(&str, &str)]) -> Vendored {
        let mut tree = Tree::new();
        let mut roots = Vec::new();
        for (name, text) in files {
            let file = tree.add_file(SourceFile::new(
                (*name).to_string(),
                (*text).to_string(),
                Syntax::Json,
            ));
            let root =
                crate::document::json::parse(&mut tree, file, &Limits::default(), &mut Vec::new())
                    .unwrap_or_else(|e| panic!("vendored schema {name} parses: {e}"));
            tree.file_mut(file).root = Some(root);
            let id = ["$id", "id"]
                .iter()
                .find_map(|k| tree.raw_get(root, k).and_then(|v| tree.as_str(v)))
                .unwrap_or_default();
            roots.push((strip_fragment(id).to_string(), root));
        }
        Vendored { tree, roots }
    }
}

/// Compiles vendored schema documents (all `ajv` 2020 or draft-04 semantics).
pub struct StaticCompiler {
    vendored: &'static Vendored,
    memo: FxHashMap<NodeId, SIdx>,
    ref_targets: Vec<SIdx>,
    /// `$ref` targets `ajv` compiles into functions of their own (see [`has_ref`]).
    fn_roots: Vec<SIdx>,
    /// Each pattern compiled once: the OpenAPI 3.0 schema repeats 7 patterns 46 times.
    regexes: HashMap<Box<str>, Arc<Regex>>,
    pub set: SchemaSet,
    dialect: Dialect,
    /// Check `format` in the json-schema.org meta-schemas too (as the reference's precompiled
    /// Swagger 2.0 validator does for the draft-04 parts it refers to).
    pub meta_formats: bool,
}

/// The draft-04 meta-schema's `id` (without fragment).
const DRAFT4_URI: &str = "http://json-schema.org/draft-04/schema";

/// A vendored schema node and the index of the document (resource) it belongs to.
type StaticNode = (NodeId, usize);

impl StaticCompiler {
    pub fn new(dialect: Dialect, vendored: &'static Vendored) -> Self {
        StaticCompiler {
            vendored,
            memo: FxHashMap::default(),
            ref_targets: Vec::new(),
            fn_roots: Vec::new(),
            regexes: HashMap::new(),
            set: SchemaSet::default(),
            dialect,
            meta_formats: false,
        }
    }

    fn tree(&self) -> &'static Tree {
        &self.vendored.tree
    }

    /// Compiles the document registered as `uri` (its root schema).
    pub fn root(&mut self, uri: &str) -> SIdx {
        let r = self
            .resource_of(strip_fragment(uri))
            .unwrap_or_else(|| panic!("vendored schema {uri} is registered"));
        let root = self.vendored.roots[r].1;
        let idx = self
            .sub((root, r), Relax::None)
            .unwrap_or_else(|e| panic!("vendored schema {uri} compiles: {e:?}"));
        for &t in &self.ref_targets {
            if let SNode::Obj(kw) = &mut self.set.nodes[t as usize] {
                kw.memo = true;
            }
        }
        for &t in self.fn_roots.iter().chain([&idx]) {
            if let SNode::Obj(kw) = &mut self.set.nodes[t as usize] {
                kw.fn_root = true;
            }
        }
        idx
    }

    fn resource_of(&self, uri: &str) -> Option<usize> {
        self.vendored.roots.iter().position(|(u, _)| u == uri)
    }

    fn resolve(&self, holder_resource: usize, reference: &str) -> Option<StaticNode> {
        let tree = self.tree();
        let base = &self.vendored.roots[holder_resource].0;
        let (doc_part, fragment) = match reference.split_once('#') {
            Some((d, f)) => (d, f),
            None => (reference, ""),
        };
        let uri = if doc_part.is_empty() {
            base.clone()
        } else if doc_part.contains("://") {
            doc_part.to_string()
        } else {
            match base.rfind('/') {
                Some(i) => format!("{}{}", &base[..=i], doc_part),
                None => doc_part.to_string(),
            }
        };
        let r = self.resource_of(&uri)?;
        let mut cur = self.vendored.roots[r].1;
        if fragment.is_empty() {
            return Some((cur, r));
        }
        if let Some(pointer) = fragment.strip_prefix('/') {
            for seg in pointer.split('/') {
                let seg = pointer_segment(seg);
                cur = match tree.value(cur) {
                    Value::Object(_) => tree.raw_get(cur, &seg)?,
                    Value::Array(items) => *items.get(seg.parse::<usize>().ok()?)?,
                    _ => return None,
                };
            }
            return Some((cur, r));
        }
        find_anchor(tree, cur, fragment).map(|v| (v, r))
    }
}

/// `ajv`'s `hasRef`: whether a reference keyword occurs as a key anywhere in the value (`ajv`
/// inlines `$ref` targets without one and compiles the others into functions).
fn has_ref(tree: &Tree, id: NodeId) -> bool {
    const REF_KEYWORDS: [&str; 5] = [
        "$ref",
        "$recursiveRef",
        "$recursiveAnchor",
        "$dynamicRef",
        "$dynamicAnchor",
    ];
    match tree.value(id) {
        Value::Object(entries) => entries
            .iter()
            .any(|(k, v)| REF_KEYWORDS.contains(&&**k) || has_ref(tree, *v)),
        Value::Array(items) => items.iter().any(|v| has_ref(tree, *v)),
        _ => false,
    }
}

fn find_anchor(tree: &Tree, id: NodeId, anchor: &str) -> Option<NodeId> {
    match tree.value(id) {
        Value::Object(entries) => {
            let named = |k: &str| tree.raw_get(id, k).and_then(|v| tree.as_str(v)) == Some(anchor);
            if named("$anchor") || named("$dynamicAnchor") {
                return Some(id);
            }
            entries
                .iter()
                .find_map(|(_, v)| find_anchor(tree, *v, anchor))
        }
        Value::Array(items) => items.iter().find_map(|v| find_anchor(tree, *v, anchor)),
        _ => None,
    }
}

fn strip_fragment(uri: &str) -> &str {
    uri.split('#').next().unwrap_or(uri)
}

impl Compiler<'static> for StaticCompiler {
    type N = StaticNode;

    fn read(&self, (id, r): StaticNode) -> Src<'static, StaticNode> {
        let tree = self.tree();
        match tree.value(id) {
            Value::Bool(b) => Src::Bool(*b),
            Value::Number(n) => Src::Num(*n),
            Value::String(s) => Src::Str(s),
            Value::Array(items) => Src::Arr(items.iter().map(|x| (*x, r)).collect()),
            Value::Object(entries) => {
                Src::Obj(entries.iter().map(|(k, x)| (&**k, (*x, r))).collect())
            }
            Value::Null => Src::Other,
        }
    }

    fn json(&self, (id, _): StaticNode) -> serde_json::Value {
        crate::document::tree::to_json(self.tree(), id)
    }

    fn sub(&mut self, (id, r): StaticNode, _relax: Relax) -> Result<SIdx, Fail> {
        if let Some(&idx) = self.memo.get(&id) {
            return Ok(idx);
        }
        let idx = self.set.push(SNode::Bool(true));
        self.memo.insert(id, idx);
        let tree = self.tree();
        let node = match tree.value(id) {
            Value::Bool(b) => SNode::Bool(*b),
            Value::Object(entries) => {
                // An embedded `$id` starts another resource.
                let r = tree
                    .raw_get(id, "$id")
                    .and_then(|v| tree.as_str(v))
                    .and_then(|u| self.resource_of(strip_fragment(u)))
                    .unwrap_or(r);
                let entries: Vec<(&'static str, StaticNode)> =
                    entries.iter().map(|(k, x)| (&**k, (*x, r))).collect();
                SNode::Obj(Box::new(compile_object(
                    self,
                    (id, r),
                    &entries,
                    Relax::None,
                )?))
            }
            _ => SNode::Bool(true),
        };
        self.set.nodes[idx as usize] = node;
        Ok(idx)
    }

    fn dollar_ref(&mut self, (_, r): StaticNode, reference: &str) -> Result<SIdx, Fail> {
        let target = self
            .resolve(r, reference)
            .unwrap_or_else(|| panic!("vendored $ref {reference} resolves"));
        let idx = self.sub(target, Relax::None)?;
        self.ref_targets.push(idx);
        if has_ref(self.tree(), target.0) {
            self.fn_roots.push(idx);
        }
        Ok(idx)
    }

    fn dynamic_ref(
        &mut self,
        (_, r): StaticNode,
        reference: &str,
    ) -> Result<(Box<str>, bool, SIdx), Fail> {
        let tree = self.tree();
        let anchor = reference.trim_start_matches('#');
        let root = self.vendored.roots[r].1;
        let runtime = tree
            .raw_get(root, "$dynamicAnchor")
            .and_then(|a| tree.as_str(a))
            == Some(anchor);
        let target = find_anchor(tree, root, anchor).unwrap_or(root);
        let idx = self.sub((target, r), Relax::None)?;
        self.ref_targets.push(idx);
        Ok((anchor.into(), runtime, idx))
    }

    fn regex_flags(&self) -> &'static str {
        "u"
    }

    fn regex(&mut self, source: &str) -> Result<Arc<Regex>, Fail> {
        let regex =
            self.regexes
                .entry(source.into())
                .or_insert_with(|| match js_regex(source, "u") {
                    Ok(r) => Arc::new(r),
                    Err(e) => panic!("vendored pattern {source} compiles: {e}"),
                });
        Ok(Arc::clone(regex))
    }

    fn dialect(&self, (_, r): StaticNode) -> Dialect {
        if self.vendored.roots[r].0 == DRAFT4_URI {
            Dialect::Draft4
        } else {
            self.dialect
        }
    }

    fn formats(&self, (_, r): StaticNode) -> bool {
        let uri = &self.vendored.roots[r].0;
        self.meta_formats
            || !(uri.starts_with("https://json-schema.org/")
                || uri.starts_with("http://json-schema.org/"))
    }

    fn read_write_only(&self, _: StaticNode) -> (bool, bool) {
        (false, false)
    }
}
