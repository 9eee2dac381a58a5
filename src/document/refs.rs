//! `$ref` resolution across the document and the local files it references.
//!
//! Like the reference linter's resolver, every reference object reachable from the root
//! document is resolved up front; rules then see the resolved view through
//! [`Document::get`](super::Document::get) and friends. Remote references are never fetched by
//! the engine: they become `invalid-ref` findings, as they do when the reference runs offline.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use super::tree::{FileId, NodeId, Segment, Tree, Value};
use super::{load_referenced_file, Document, Limits};

/// Longest chain of references to references that is followed (each hop recurses).
const MAX_CHAIN: usize = 64;

/// What a reference object resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The node the pointer names (reference chains already followed).
    Node(NodeId),
    /// The file exists but the pointer does not: findings on the reference object are reported
    /// at the closest existing node on the pointer's path, as the reference does.
    Missing { closest: NodeId },
    /// The file could not be read or fetched, or the references form a loop.
    Unreachable,
}

/// The resolved target of every reference object.
#[derive(Debug, Default)]
pub struct Refs {
    targets: HashMap<NodeId, Target>,
}

impl Refs {
    /// The target of `id` if it is a reference object.
    pub fn target(&self, id: NodeId) -> Option<Target> {
        if self.targets.is_empty() {
            return None;
        }
        self.targets.get(&id).copied()
    }

    pub fn len(&self) -> usize {
        self.targets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
}

/// A reference that could not be resolved: an `invalid-ref` finding.
#[derive(Debug, Clone, PartialEq)]
pub struct RefError {
    /// The `$ref` string node.
    pub at: NodeId,
    pub message: String,
}

struct Resolver<'a> {
    doc: &'a mut Document,
    root_dir: PathBuf,
    limits: &'a Limits,
    files_by_path: HashMap<PathBuf, Result<FileId, String>>,
    in_progress: HashSet<NodeId>,
    crawled: HashSet<NodeId>,
    pending: Vec<NodeId>,
}

/// Resolves every reference reachable from the root of `doc`.
pub fn resolve_all(doc: &mut Document, base_dir: &Path, limits: &Limits) {
    let Some(root) = doc.root else { return };
    let root_dir = normalize(&super::absolute(base_dir));
    let mut r = Resolver {
        doc,
        root_dir,
        limits,
        files_by_path: HashMap::new(),
        in_progress: HashSet::new(),
        crawled: HashSet::new(),
        pending: vec![root],
    };
    while let Some(subtree) = r.pending.pop() {
        r.crawl(subtree);
    }
}

/// The `$ref` string of a reference object, if `id` is one.
pub fn ref_string(tree: &Tree, id: NodeId) -> Option<(NodeId, &str)> {
    let r = tree.raw_get(id, "$ref")?;
    tree.as_str(r).map(|s| (r, s))
}

impl Resolver<'_> {
    /// Visits a subtree once, resolving each reference object in it.
    fn crawl(&mut self, start: NodeId) {
        let mut stack = vec![start];
        while let Some(id) = stack.pop() {
            if !self.crawled.insert(id) {
                continue;
            }
            if ref_string(&self.doc.tree, id).is_some() {
                self.resolve(id);
                continue;
            }
            match self.doc.tree.value(id) {
                Value::Object(entries) => stack.extend(entries.iter().rev().map(|(_, v)| *v)),
                Value::Array(items) => stack.extend(items.iter().rev()),
                _ => {}
            }
        }
    }

    fn resolve(&mut self, id: NodeId) -> Target {
        if let Some(t) = self.doc.refs.targets.get(&id) {
            return *t;
        }
        if self.in_progress.len() >= MAX_CHAIN {
            if let Some((at, _)) = ref_string(&self.doc.tree, id) {
                self.error(at, format!("reference chain longer than {MAX_CHAIN} hops"));
            }
            return Target::Unreachable;
        }
        if self.doc.refs.targets.len() >= self.limits.max_refs || !self.in_progress.insert(id) {
            return Target::Unreachable;
        }
        let target = self.resolve_uncached(id);
        self.in_progress.remove(&id);
        self.doc.refs.targets.insert(id, target);
        if let Target::Node(t) = target {
            // The target's subtree may hold references of its own (other files are only crawled
            // where they are referenced, as the reference's resolver does).
            if !self.crawled.contains(&t) {
                self.pending.push(t);
            }
        }
        target
    }

    fn resolve_uncached(&mut self, id: NodeId) -> Target {
        let Some((at, reference)) =
            ref_string(&self.doc.tree, id).map(|(at, s)| (at, s.to_string()))
        else {
            return Target::Unreachable;
        };
        let from_file = self.doc.tree.node(id).file;
        let (source, fragment) = match reference.split_once('#') {
            Some((s, f)) => (s.to_string(), format!("#{f}")),
            None => (reference.clone(), "#".to_string()),
        };
        let file = if source.is_empty() {
            from_file
        } else {
            match self.file_for(from_file, &source) {
                Ok(f) => f,
                Err(message) => {
                    self.error(at, message);
                    return Target::Unreachable;
                }
            }
        };
        let Some(file_root) = self.doc.tree.file(file).root else {
            self.error(at, format!("'{fragment}' does not exist"));
            return Target::Unreachable;
        };
        let segments = match pointer_segments(&fragment) {
            Some(s) => s,
            None => {
                self.error(at, format!("Invalid JSON Pointer syntax: '{fragment}'"));
                return Target::Unreachable;
            }
        };
        let mut cur = file_root;
        for seg in &segments {
            let next = self.step(cur, seg);
            match next {
                Some(n) => cur = n,
                None => {
                    let mut message = format!("'{fragment}' does not exist");
                    if file != self.doc.root_file {
                        let path = super::absolute(Path::new(&self.doc.tree.file(file).name));
                        message.push_str(&format!(" @ '{}'", path.display()));
                    }
                    self.error(at, message);
                    return Target::Missing { closest: cur };
                }
            }
        }
        // Follow chains: the target may itself be a reference object.
        if ref_string(&self.doc.tree, cur).is_some() {
            return match self.resolve(cur) {
                Target::Node(t) => Target::Node(t),
                Target::Missing { .. } | Target::Unreachable => Target::Node(cur),
            };
        }
        Target::Node(cur)
    }

    /// One pointer step from `cur`, looking through a reference object on the way.
    fn step(&mut self, cur: NodeId, seg: &str) -> Option<NodeId> {
        let tree = &self.doc.tree;
        let direct = match tree.value(cur) {
            Value::Object(_) => tree.raw_get(cur, seg),
            Value::Array(items) => seg
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i).copied()),
            _ => None,
        };
        if direct.is_some() {
            return direct;
        }
        if ref_string(tree, cur).is_some() {
            if let Target::Node(t) = self.resolve(cur) {
                return self.step(t, seg);
            }
        }
        None
    }

    fn error(&mut self, at: NodeId, message: String) {
        self.doc.ref_errors.push(RefError { at, message });
    }

    /// Loads (once) the file a reference names, relative to the referencing file.
    fn file_for(&mut self, from: FileId, source: &str) -> Result<FileId, String> {
        if source.starts_with("http://") || source.starts_with("https://") {
            return Err(format!(
                "FetchError: request to {source} failed, reason: remote references are not fetched (network access is off)"
            ));
        }
        let from_name = &self.doc.tree.file(from).name;
        let dir = Path::new(from_name).parent().unwrap_or(Path::new(""));
        let decoded = percent_decode(source);
        let path = normalize(&dir.join(decoded));
        if !normalize(&super::absolute(&path)).starts_with(&self.root_dir) {
            return Err(format!(
                "refusing to read '{}': local references must stay inside the document's directory",
                path.display()
            ));
        }
        if let Some(known) = self.files_by_path.get(&path) {
            return known.clone();
        }
        let result = if self.doc.tree.file_count() >= self.limits.max_files {
            Err(format!(
                "more than {} referenced files; not reading '{}'",
                self.limits.max_files,
                path.display()
            ))
        } else {
            let name = path.to_string_lossy().into_owned();
            load_referenced_file(
                &mut self.doc.tree,
                &path,
                name,
                self.limits,
                &mut self.doc.diagnostics,
            )
        };
        self.files_by_path.insert(path, result.clone());
        result
    }
}

/// Splits a `#/a/b~1c` fragment into decoded segments.
fn pointer_segments(fragment: &str) -> Option<Vec<String>> {
    let rest = fragment.strip_prefix('#')?;
    if rest.is_empty() {
        return Some(Vec::new());
    }
    let rest = rest.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|s| percent_decode(s).replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && s.is_char_boundary(i + 3) {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Lexical normalisation (no file system access): drops `.` and folds `..`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The physical path of the `$ref` string node, for the `invalid-ref` finding.
pub fn ref_error_path(tree: &Tree, error: &RefError) -> Vec<Segment> {
    tree.path(error.at)
}
