//! `path-params` — `/core/publish-openapi`.

use std::collections::{HashMap, HashSet};

use super::js;
use super::operation_id_unique::OPERATION_KEYS;
use crate::document::{Document, NodeId, Value};
use crate::rules::{Check, Report, Sink};

/// Path parameters must be defined and valid, as Spectral's `oasPathParam` checks them on the
/// resolved `paths`: equivalent paths (`/a/{x}` and `/a/{y}`) are reported at the later path,
/// a template parameter used twice in one path at the path, a path parameter (`in: path` with
/// a `name`) without `required: true` or defined twice at the same level at the parameter,
/// a defined path parameter the path does not use at the parameter (once per operation that
/// sees it), and a template parameter no parameter defines at the operation.
#[derive(Debug)]
pub struct PathParams;

/// A plain JavaScript object used as a map (insertion order, `in` sees the prototype).
#[derive(Default, Clone)]
struct JsMap<T> {
    entries: Vec<(String, T)>,
    /// Where each key is in `entries`: an operation may define thousands of parameters.
    /// Keyed (`std`'s hasher), so that a document cannot pick names that collide.
    positions: HashMap<String, usize>,
}

impl<T: Clone> JsMap<T> {
    fn has(&self, key: &str) -> bool {
        self.positions.contains_key(key) || super::js::OBJECT_PROTOTYPE_KEYS.contains(&key)
    }

    fn set(&mut self, key: String, value: T) {
        match self.positions.get(&key) {
            Some(&at) => self.entries[at].1 = value,
            None => {
                self.positions.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    /// `Object.keys` order: array-index keys ascending first.
    fn keys_in_order(&self) -> Vec<(String, T)> {
        let mut index: Vec<(String, T)> = self
            .entries
            .iter()
            .filter(|(k, _)| js::is_array_index(k))
            .cloned()
            .collect();
        index.sort_by_key(|(k, _)| k.parse::<u64>().unwrap_or(0));
        index.extend(
            self.entries
                .iter()
                .filter(|(k, _)| !js::is_array_index(k))
                .cloned(),
        );
        index
    }
}

/// The template parameters `/(\{;?\??[a-zA-Z0-9_-]+\*?\})/g` finds, with their spans.
fn template_params(path: &str) -> Vec<(usize, usize)> {
    let b = path.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'{' {
            let mut j = i + 1;
            if j < b.len() && b[j] == b';' {
                j += 1;
            }
            if j < b.len() && b[j] == b'?' {
                j += 1;
            }
            let name_start = j;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'-') {
                j += 1;
            }
            if j > name_start {
                if j < b.len() && b[j] == b'*' {
                    j += 1;
                }
                if j < b.len() && b[j] == b'}' {
                    out.push((i, j + 1));
                    i = j + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// Where a finding on the value written at `raw` below a physically reached parent is reported.
fn place(doc: &Document, raw: NodeId, parent_physical: bool) -> (NodeId, bool) {
    let node = doc.resolve(raw);
    if node == raw {
        (node, parent_physical)
    } else if parent_physical && doc.tree.entries(raw).len() > 1 {
        (raw, false)
    } else {
        (node, false)
    }
}

struct Run<'a> {
    doc: &'a Document,
    sink: &'a mut Sink,
}

impl Run<'_> {
    fn report(&mut self, node: NodeId, text: String) {
        self.sink.push(Report {
            node,
            error: Some(text),
            ..Report::default()
        });
    }

    /// `isUnknownNamedPathParam`: reports and returns whether `param` should be recorded.
    fn named_path_param(
        &mut self,
        param: NodeId,
        at: NodeId,
        seen: &JsMap<NodeId>,
    ) -> Option<String> {
        let doc = self.doc;
        let is_path = doc
            .get(param, "in")
            .is_some_and(|i| doc.as_str(i) == Some("path"));
        let name = doc.get(param, "name")?;
        if !is_path {
            return None;
        }
        let name = js::js_string(&doc.tree, name);
        let required = doc
            .get(param, "required")
            .is_some_and(|r| matches!(doc.value(r), Value::Bool(true)));
        if !required {
            self.report(
                at,
                format!("Path parameter \"{name}\" must have \"required\" property that is set to \"true\"."),
            );
        }
        if seen.has(&name) {
            self.report(
                at,
                format!("Path parameter \"{name}\" must not be defined multiple times."),
            );
            return None;
        }
        Some(name)
    }

    /// The path parameters of a `parameters` array, as `{name: node to report at}`.
    fn parameters(&mut self, holder: NodeId, holder_physical: bool) -> JsMap<NodeId> {
        let doc = self.doc;
        let mut params = JsMap::default();
        let Some(raw) = doc.tree.raw_get(holder, "parameters") else {
            return params;
        };
        let (list, list_physical) = place(doc, raw, holder_physical);
        let list = doc.resolve(list);
        if !matches!(doc.value(list), Value::Array(_)) {
            return params;
        }
        for &raw_param in doc.tree.items(list) {
            let param = doc.resolve(raw_param);
            if !matches!(doc.value(param), Value::Object(_) | Value::Array(_)) {
                continue;
            }
            let (at, _) = place(doc, raw_param, list_physical);
            if let Some(name) = self.named_path_param(param, at, &params) {
                params.set(name, at);
            }
        }
        params
    }
}

impl Check for PathParams {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let Some(paths_raw) = doc.tree.raw_get(root, "paths") else {
            return;
        };
        let (_, paths_physical) = place(doc, paths_raw, true);
        let paths = doc.resolve(paths_raw);
        if !matches!(doc.value(paths), Value::Object(_)) {
            return;
        }
        let mut run = Run { doc, sink };
        let mut unique: HashMap<String, String> = HashMap::new();
        for (path, raw_item) in js::ordered(doc.tree.entries(paths)).iter() {
            let item = doc.resolve(*raw_item);
            if !matches!(doc.value(item), Value::Object(_) | Value::Array(_)) {
                continue;
            }
            let (item_at, item_physical) = place(doc, *raw_item, paths_physical);
            let spans = template_params(path);
            let mut normalized = String::new();
            let mut last = 0;
            for &(s, e) in &spans {
                normalized.push_str(&path[last..s]);
                normalized.push('%');
                last = e;
            }
            normalized.push_str(&path[last..]);
            if let Some(first) = unique.get(&normalized) {
                let text = format!("Paths \"{first}\" and \"{path}\" must not be equivalent.");
                run.report(item_at, text);
            } else {
                unique.insert(normalized, path.to_string());
            }
            // In the path's order, and as a set: a path may have thousands.
            let mut elements: Vec<String> = Vec::new();
            let mut element_set: HashSet<String> = HashSet::new();
            for &(s, e) in &spans {
                let p: String = path[s..e]
                    .chars()
                    .filter(|c| !matches!(c, '{' | '}' | '?' | '*' | ';'))
                    .collect();
                if !element_set.insert(p.clone()) {
                    run.report(
                        item_at,
                        format!(
                            "Path \"{path}\" must not use parameter \"{{{p}}}\" multiple times."
                        ),
                    );
                } else {
                    elements.push(p);
                }
            }
            let top = run.parameters(item, item_physical);
            for (op, raw_op) in js::ordered(doc.tree.entries(item)).iter() {
                let operation = doc.resolve(*raw_op);
                if !matches!(doc.value(operation), Value::Object(_) | Value::Array(_)) {
                    continue;
                }
                if &**op == "parameters" || !OPERATION_KEYS.contains(&&**op) {
                    continue;
                }
                let (op_at, op_physical) = place(doc, *raw_op, item_physical);
                let own = run.parameters(operation, op_physical);
                let mut defined = top.clone();
                for (k, v) in own.entries {
                    defined.set(k, v);
                }
                for (name, at) in defined.keys_in_order() {
                    if !element_set.contains(&name) {
                        run.report(
                            at,
                            format!("Parameter \"{name}\" must be used in path \"{path}\"."),
                        );
                    }
                }
                for p in &elements {
                    if !defined.has(p) {
                        run.report(
                            op_at,
                            format!("Operation must define parameter \"{{{p}}}\" as expected by path \"{path}\"."),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(
            template_params("/a/{id}/{x*}/{;y}/{}"),
            vec![(3, 7), (8, 12), (13, 17)]
        );
    }
}
