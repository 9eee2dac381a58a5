//! `$ref` resolution across the document and the local files it references.
//!
//! Like the reference linter's resolver, every reference object reachable from the root
//! document is resolved up front; rules then see the resolved view through
//! [`Document::get`](super::Document::get) and friends. Remote references are never fetched by
//! the engine: they become `invalid-ref` findings, as they do when the reference runs offline.

use std::borrow::Cow;
use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};
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
    targets: FxHashMap<NodeId, Target>,
    /// The keys of `targets`: every rule asks about every node it passes, and almost none is a
    /// reference object.
    is_ref: NodeSet,
}

/// A set of node ids, one bit each (ids are dense).
#[derive(Debug, Default)]
struct NodeSet(Vec<u64>);

impl NodeSet {
    fn contains(&self, id: NodeId) -> bool {
        self.0
            .get(id as usize / 64)
            .is_some_and(|word| word & (1 << (id % 64)) != 0)
    }

    /// Adds `id`; false if it was there.
    fn insert(&mut self, id: NodeId) -> bool {
        let word = id as usize / 64;
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        let bit = 1 << (id % 64);
        let new = self.0[word] & bit == 0;
        self.0[word] |= bit;
        new
    }
}

impl Refs {
    /// The target of `id` if it is a reference object.
    pub fn target(&self, id: NodeId) -> Option<Target> {
        if !self.is_ref.contains(id) {
            return None;
        }
        self.targets.get(&id).copied()
    }

    fn insert(&mut self, id: NodeId, target: Target) {
        self.is_ref.insert(id);
        self.targets.insert(id, target);
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
    /// The file the reference linter names as the finding's source (`None`: the root document).
    pub source: Option<FileId>,
    /// The finding's path (the reference linter appends `$ref`).
    pub path: Vec<Segment>,
    pub message: String,
}

struct Resolver<'a> {
    doc: &'a mut Document,
    root_dir: PathBuf,
    limits: &'a Limits,
    files_by_path: HashMap<PathBuf, Result<FileId, String>>,
    /// For each referenced file, the file the reference linter's resolver names as the source of
    /// errors found in it: the file that first referenced it, unless that was the root.
    stack_top: HashMap<FileId, Option<FileId>>,
    crawled: NodeSet,
    in_progress: FxHashSet<NodeId>,
    /// Where pointers looked up from outside any other lookup lead, by file and pointer: an API
    /// refers to each of its components from many places, and a step scans an object's keys.
    looked_up: FxHashMap<FileId, FxHashMap<Box<str>, Result<NodeId, NodeId>>>,
    /// The keys of objects with many entries that pointers step through, indexed at the first
    /// step: thousands of schemas referring to each other would otherwise each be looked up
    /// among all of `components/schemas`, entry by entry.
    /// Keyed (`std`'s hasher): the keys are the document's.
    wide_objects: FxHashMap<NodeId, HashMap<Box<str>, NodeId>>,
}

/// Objects with more entries than this are indexed for pointer steps.
const WIDE_OBJECT_ENTRIES: usize = 32;

/// Resolves every reference reachable from the root of `doc`, recording unresolvable ones in
/// the order the reference linter's resolver reports them (it keeps only the first error of each
/// message, so the order decides which reference a finding points at).
pub fn resolve_all(doc: &mut Document, base_dir: &Path, limits: &Limits) {
    let Some(root) = doc.root else { return };
    let root_file = doc.root_file;
    let mut r = Resolver {
        doc,
        root_dir: normalize(&super::absolute(base_dir)),
        limits,
        files_by_path: HashMap::new(),
        stack_top: HashMap::new(),
        crawled: NodeSet::default(),
        in_progress: FxHashSet::default(),
        looked_up: FxHashMap::default(),
        wide_objects: FxHashMap::default(),
    };
    let mut errors = r.crawl(root_file, root, 0);
    errors.extend(r.collapse_chains());
    r.doc.ref_errors = errors;
}

/// The `$ref` string of a reference object, if `id` is one.
pub fn ref_string(tree: &Tree, id: NodeId) -> Option<(NodeId, &str)> {
    let r = tree.raw_get(id, "$ref")?;
    tree.as_str(r).map(|s| (r, s))
}

/// A `$ref` split into its file part (empty for a local pointer) and its fragment (`#…`).
fn split_ref(reference: &str) -> (&str, &str) {
    match reference.find('#') {
        Some(hash) => reference.split_at(hash),
        None => (reference, "#"),
    }
}

impl Resolver<'_> {
    /// Visits the subtree of `start` (in `file`) once, resolving its references; returns the
    /// errors in the reference's order: first those of references to other files (each followed
    /// by the errors inside what it points at), then missing local pointers.
    fn crawl(&mut self, file: FileId, start: NodeId, depth: usize) -> Vec<RefError> {
        let mut external = Vec::new();
        let mut local_missing = Vec::new();
        let mut stack = vec![start];
        while let Some(id) = stack.pop() {
            if !self.crawled.insert(id) {
                continue;
            }
            if let Some((_, reference)) = ref_string(&self.doc.tree, id) {
                if self.doc.refs.targets.len() >= self.limits.max_refs {
                    self.doc.refs.insert(id, Target::Unreachable);
                    continue;
                }
                let (source, fragment) = split_ref(reference);
                if !source.is_empty() {
                    external.push(id);
                    continue;
                }
                // Owned: the lookup may load files into the tree the reference borrows from.
                let fragment = fragment.to_owned();
                match self.lookup(file, &fragment) {
                    Ok(target) => {
                        self.doc.refs.insert(id, Target::Node(target));
                        // The root is crawled whole, in document order; in other files only
                        // what is referenced is crawled, following local pointers as found.
                        if file != self.doc.root_file {
                            stack.push(target);
                        }
                    }
                    Err(closest) => {
                        self.doc.refs.insert(id, Target::Missing { closest });
                        local_missing.push(RefError {
                            source: self.stack_top.get(&file).copied().flatten(),
                            path: self.doc.tree.path(id),
                            message: format!("'{fragment}' does not exist"),
                        });
                    }
                }
                continue;
            }
            match self.doc.tree.value(id) {
                Value::Object(entries) => stack.extend(entries.iter().rev().map(|(_, v)| *v)),
                Value::Array(items) => stack.extend(items.iter().rev()),
                _ => {}
            }
        }
        let mut errors = Vec::new();
        for id in external {
            self.resolve_external(file, id, depth, &mut errors);
        }
        errors.extend(local_missing);
        errors
    }

    fn resolve_external(
        &mut self,
        file: FileId,
        id: NodeId,
        depth: usize,
        errors: &mut Vec<RefError>,
    ) {
        let Some((_, reference)) = ref_string(&self.doc.tree, id) else {
            return;
        };
        let (source, fragment) = split_ref(reference);
        let (source, fragment) = (source.to_owned(), fragment.to_owned());
        let target_file = match self.file_for(file, &source) {
            Ok(f) => f,
            Err(message) => {
                self.doc.refs.insert(id, Target::Unreachable);
                errors.push(RefError {
                    source: (file != self.doc.root_file).then_some(file),
                    path: self.doc.tree.path(id),
                    message,
                });
                return;
            }
        };
        match self.lookup(target_file, &fragment) {
            Ok(target) => {
                self.doc.refs.insert(id, Target::Node(target));
                if depth < self.limits.max_files && !self.crawled.contains(target) {
                    let nested = self.crawl(target_file, target, depth + 1);
                    errors.extend(nested);
                }
            }
            Err(closest) => {
                self.doc.refs.insert(id, Target::Missing { closest });
                let path = Path::new(&self.doc.tree.file(target_file).name);
                errors.push(RefError {
                    source: self.stack_top.get(&target_file).copied().flatten(),
                    path: pointer_segments(&fragment)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|s| Segment::Key(s.into()))
                        .collect(),
                    message: format!(
                        "'{fragment}' does not exist @ '{}'",
                        super::absolute(path).display()
                    ),
                });
            }
        }
    }

    /// The node a pointer names in `file`, or the closest existing node on its path.
    fn lookup(&mut self, file: FileId, fragment: &str) -> Result<NodeId, NodeId> {
        // Inside another lookup the references being followed change where a pointer leads
        // (a loop ends early), so only outermost lookups are remembered.
        if !self.in_progress.is_empty() {
            return self.follow(file, fragment);
        }
        if let Some(found) = self.looked_up.get(&file).and_then(|f| f.get(fragment)) {
            return *found;
        }
        let found = self.follow(file, fragment);
        self.looked_up
            .entry(file)
            .or_default()
            .insert(fragment.into(), found);
        found
    }

    /// [`Resolver::lookup`], step by step.
    fn follow(&mut self, file: FileId, fragment: &str) -> Result<NodeId, NodeId> {
        let root = self.doc.tree.file(file).root;
        let Some(mut cur) = root else {
            return Err(self.doc.root.unwrap_or_default());
        };
        let Some(segments) = pointer_segments(fragment) else {
            return Err(cur);
        };
        for seg in &segments {
            match self.step(file, cur, seg) {
                Some(n) => cur = n,
                None => return Err(cur),
            }
        }
        Ok(cur)
    }

    /// One pointer step from `cur`, looking through a reference object on the way.
    fn step(&mut self, file: FileId, cur: NodeId, seg: &str) -> Option<NodeId> {
        let tree = &self.doc.tree;
        let direct = match tree.value(cur) {
            Value::Object(entries) if entries.len() > WIDE_OBJECT_ENTRIES => self
                .wide_objects
                .entry(cur)
                // Later entries win, as in `raw_get`.
                .or_insert_with(|| entries.iter().map(|(k, v)| (k.clone(), *v)).collect())
                .get(seg)
                .copied(),
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
        let (_, reference) = ref_string(tree, cur)?;
        let (source, fragment) = split_ref(reference);
        let fragment = fragment.to_owned();
        if !source.is_empty() || !self.in_progress.insert(cur) || self.in_progress.len() > MAX_CHAIN
        {
            return None;
        }
        let through = self.lookup(file, &fragment).ok();
        self.in_progress.remove(&cur);
        self.step(file, through?, seg)
    }

    /// Points every reference to a reference at the final target (bounded: a longer chain or a
    /// loop stays at its last reference object, which rules then see as an unresolved `$ref`).
    fn collapse_chains(&mut self) -> Vec<RefError> {
        let mut errors = Vec::new();
        let mut ids: Vec<NodeId> = self.doc.refs.targets.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            let Some(Target::Node(mut t)) = self.doc.refs.targets.get(&id).copied() else {
                continue;
            };
            let mut hops = 0;
            while let Some(Target::Node(next)) = self.doc.refs.targets.get(&t).copied() {
                hops += 1;
                if hops > MAX_CHAIN || next == t {
                    break;
                }
                t = next;
            }
            if hops > MAX_CHAIN {
                errors.push(RefError {
                    source: None,
                    path: self.doc.tree.path(id),
                    message: format!("reference chain longer than {MAX_CHAIN} hops"),
                });
            }
            self.doc.refs.insert(id, Target::Node(t));
        }
        errors
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
        if let Ok(f) = result {
            let top = (from != self.doc.root_file).then_some(from);
            self.stack_top.insert(f, top);
        }
        self.files_by_path.insert(path, result.clone());
        result
    }
}

/// Splits a `#/a/b~1c` fragment into decoded segments.
fn pointer_segments(fragment: &str) -> Option<Vec<Cow<'_, str>>> {
    let rest = fragment.strip_prefix('#')?;
    if rest.is_empty() {
        return Some(Vec::new());
    }
    let rest = rest.strip_prefix('/')?;
    Some(rest.split('/').map(pointer_segment).collect())
}

/// One segment of a JSON pointer in a URI fragment, percent-decoded and unescaped (`~1` is
/// `/`, `~0` is `~`); borrowed when there is nothing to decode, as nearly always.
pub(crate) fn pointer_segment(segment: &str) -> Cow<'_, str> {
    if segment.contains(['%', '~']) {
        Cow::Owned(
            percent_decode(segment)
                .replace("~1", "/")
                .replace("~0", "~"),
        )
    } else {
        Cow::Borrowed(segment)
    }
}

pub(crate) fn percent_decode(s: &str) -> String {
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
pub(crate) fn normalize(path: &Path) -> PathBuf {
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
