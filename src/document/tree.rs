//! The parsed documents as one arena of nodes that remember where they came from.
//!
//! Every file of a (multi-file) OpenAPI description is parsed into the same [`Tree`], so a
//! `NodeId` is unique across files and a `$ref` into another file is just another node id.
//! Byte offsets are stored; line/character positions are computed only for findings.

use std::fmt;
use std::sync::OnceLock;

/// Index of a node in the [`Tree`] arena.
pub type NodeId = u32;

/// Index of a source file in the [`Tree`].
pub type FileId = u16;

/// The JSON data model of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(Box<str>),
    Array(Vec<NodeId>),
    /// Entries in document order, each key once: the loaders merge a repeated key as JavaScript
    /// object construction does (first place, last value) and report it. Lookups take the last
    /// entry of a key all the same.
    Object(Vec<(Box<str>, NodeId)>),
}

/// How a node hangs under its physical parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Root,
    /// Index into the parent's entries (for objects) or items (for arrays).
    Index(u32),
}

/// One node: its value plus its place in the source text.
#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub file: FileId,
    pub parent: Option<NodeId>,
    pub slot: Slot,
    /// Byte offset where the reference linter's range for this node starts.
    pub start: u32,
    /// Byte offset where the reference linter's range for this node ends.
    pub end: u32,
}

/// How a file was parsed; the reference linter computes ranges differently for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Parsed with the YAML parser (every root document, and referenced non-`.json` files).
    Yaml,
    /// Parsed with the JSON parser (referenced `.json` files).
    Json,
}

/// A source file that contributed nodes to the tree.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name findings carry as `source`: the path as given (root) or as resolved (refs).
    pub name: String,
    pub text: String,
    pub syntax: Syntax,
    pub root: Option<NodeId>,
    /// Built at the first position asked for: only findings need positions, and most
    /// documents have few (on a clean one, building it was 2–3 % of the load).
    index: OnceLock<LineIndex>,
}

/// Where a [`SourceFile`]'s lines start, and its UTF-16 checkpoints.
#[derive(Debug, Clone)]
struct LineIndex {
    /// Byte offset of the start of every line.
    line_starts: Vec<u32>,
    /// UTF-16 length of the text before every `CHECKPOINT`-th byte (empty for ASCII text,
    /// where bytes and UTF-16 units coincide), so a position costs O(1), even on a minified
    /// document that is one long line.
    utf16_checkpoints: Vec<u32>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut line_starts = vec![0u32];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| (i + 1) as u32));
        let utf16_checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            // Checkpoint k: the UTF-16 units of the chars that start before byte k * CHECKPOINT.
            let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT + 1);
            let mut units = 0u32;
            checkpoints.push(0);
            for chunk in text.as_bytes().chunks(CHECKPOINT) {
                units += utf16_units(chunk) as u32;
                checkpoints.push(units);
            }
            checkpoints
        };
        LineIndex {
            line_starts,
            utf16_checkpoints,
        }
    }
}

/// Spacing of the UTF-16 checkpoints, in bytes: a position counts up to this many bytes, and
/// the checkpoints take 4 bytes per this many of text (1.6 %). At 1,024 the positions of the
/// findings of a 97 KB minified document cost a tenth of its whole lint.
const CHECKPOINT: usize = 256;

impl SourceFile {
    pub fn new(name: String, text: String, syntax: Syntax) -> Self {
        SourceFile {
            name,
            text,
            syntax,
            root: None,
            index: OnceLock::new(),
        }
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// UTF-16 units before byte `offset` (a char boundary).
    fn utf16_offset(&self, offset: usize) -> usize {
        let checkpoints = &self.index().utf16_checkpoints;
        if checkpoints.is_empty() {
            return offset;
        }
        let k = (offset / CHECKPOINT).min(checkpoints.len() - 1);
        // Checkpoint k counts the units of every char that starts before byte k * CHECKPOINT; a
        // char straddling that byte is then counted whole, so continue from its end.
        let mut start = k * CHECKPOINT;
        let mut units = checkpoints[k] as usize;
        if !self.text.is_char_boundary(start) {
            let boundary = floor_char_boundary(&self.text, start);
            start = boundary
                + self.text[boundary..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8);
        }
        if start < offset {
            units += utf16_units(&self.text.as_bytes()[start..offset]);
        }
        units
    }

    /// 0-based line and UTF-16 character (as the reference, which runs on JavaScript strings).
    pub fn position(&self, offset: u32) -> Position {
        let offset = offset.min(self.text.len() as u32);
        let line_starts = &self.index().line_starts;
        let line = line_starts.partition_point(|&s| s <= offset) - 1;
        let line_start = line_starts[line] as usize;
        let end = floor_char_boundary(&self.text, offset as usize).max(line_start);
        let character = self.utf16_offset(end) - self.utf16_offset(line_start);
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    pub fn range(&self, start: u32, end: u32) -> Range {
        Range {
            start: self.position(start),
            end: self.position(end),
        }
    }
}

/// The UTF-16 units of the chars that start in `bytes` (UTF-8): one per leading byte, two when
/// the char takes four bytes. Counted on bytes, which the compiler vectorises; char by char this
/// was a third of a lint. Most stretches of a document are ASCII, which `is_ascii` tells a word
/// at a time.
fn utf16_units(bytes: &[u8]) -> usize {
    if bytes.is_ascii() {
        return bytes.len();
    }
    bytes
        .iter()
        .map(|&b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 0-based line and character, as in Spectral's JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

/// One segment of a JSON path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    Key(Box<str>),
    Index(u32),
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Key(k) => f.write_str(k),
            Segment::Index(i) => write!(f, "{i}"),
        }
    }
}

impl serde::Serialize for Segment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Spectral prints every segment as a string, array indices included.
        s.collect_str(self)
    }
}

/// All parsed files and their nodes.
#[derive(Debug, Default)]
pub struct Tree {
    nodes: Vec<Node>,
    files: Vec<SourceFile>,
}

impl Tree {
    pub fn new() -> Self {
        Tree::default()
    }

    pub fn add_file(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        (self.files.len() - 1) as FileId
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id as usize]
    }

    pub fn file_mut(&mut self, id: FileId) -> &mut SourceFile {
        &mut self.files[id as usize]
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Adds a node; parsers fix up `parent`/`slot` of children with [`Tree::adopt`].
    pub fn push(&mut self, value: Value, file: FileId, start: u32, end: u32) -> NodeId {
        self.nodes.push(Node {
            value,
            file,
            parent: None,
            slot: Slot::Root,
            start,
            end,
        });
        (self.nodes.len() - 1) as NodeId
    }

    /// Appends the nodes of `other`, a part of one of this tree's files parsed apart (its node
    /// ids from 0), with every id among them shifted past this tree's nodes; returns the shift.
    pub fn append(&mut self, other: Tree) -> NodeId {
        let shift = self.nodes.len() as NodeId;
        self.nodes.reserve(other.nodes.len());
        for mut node in other.nodes {
            node.parent = node.parent.map(|p| p + shift);
            match &mut node.value {
                Value::Array(items) => items.iter_mut().for_each(|c| *c += shift),
                Value::Object(entries) => entries.iter_mut().for_each(|e| e.1 += shift),
                _ => {}
            }
            self.nodes.push(node);
        }
        shift
    }

    /// Drops every node from `len` on (a parse attempt that failed and will be retried).
    pub fn truncate(&mut self, len: usize) {
        self.nodes.truncate(len);
    }

    /// Records `parent` as the physical parent of each of its children.
    pub fn adopt(&mut self, parent: NodeId) {
        // The value is moved out while its children are updated (no copy of the child list).
        let value = std::mem::replace(&mut self.nodes[parent as usize].value, Value::Null);
        let mut set = |i: usize, child: NodeId| {
            let node = &mut self.nodes[child as usize];
            node.parent = Some(parent);
            node.slot = Slot::Index(i as u32);
        };
        match &value {
            Value::Array(items) => items.iter().enumerate().for_each(|(i, c)| set(i, *c)),
            Value::Object(entries) => entries.iter().enumerate().for_each(|(i, e)| set(i, e.1)),
            _ => {}
        }
        self.nodes[parent as usize].value = value;
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    pub fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id as usize]
    }

    pub fn value(&self, id: NodeId) -> &Value {
        &self.nodes[id as usize].value
    }

    pub fn as_str(&self, id: NodeId) -> Option<&str> {
        match self.value(id) {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self, id: NodeId) -> &[(Box<str>, NodeId)] {
        match self.value(id) {
            Value::Object(e) => e,
            _ => &[],
        }
    }

    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match self.value(id) {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    pub fn is_object(&self, id: NodeId) -> bool {
        matches!(self.value(id), Value::Object(_))
    }

    /// Physical child by key (last duplicate wins), without following `$ref`.
    pub fn raw_get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.entries(id)
            .iter()
            .rev()
            .find(|(k, _)| &**k == key)
            .map(|(_, v)| *v)
    }

    /// The key (or index) under which `id` hangs in its physical parent.
    pub fn segment(&self, id: NodeId) -> Option<Segment> {
        let node = self.node(id);
        let (parent, Slot::Index(i)) = (node.parent?, node.slot) else {
            return None;
        };
        match self.value(parent) {
            Value::Object(entries) => Some(Segment::Key(entries[i as usize].0.clone())),
            Value::Array(_) => Some(Segment::Index(i)),
            _ => None,
        }
    }

    /// The physical JSON path of `id` inside its own file.
    pub fn path(&self, id: NodeId) -> Vec<Segment> {
        let mut path = Vec::new();
        let mut cur = id;
        while let Some(seg) = self.segment(cur) {
            path.push(seg);
            cur = self.node(cur).parent.unwrap_or(cur);
        }
        path.reverse();
        path
    }

    /// The reference linter's range of `id`, in its own file.
    pub fn range(&self, id: NodeId) -> Range {
        let node = self.node(id);
        self.file(node.file).range(node.start, node.end)
    }

    /// The source name of the file `id` lives in.
    pub fn source(&self, id: NodeId) -> &str {
        &self.file(self.node(id).file).name
    }
}

/// Conversion of a node (physical, no `$ref` following) into a `serde_json::Value`, for rules that
/// hand a subtree to a JSON Schema validator.
pub fn to_json(tree: &Tree, id: NodeId) -> serde_json::Value {
    match tree.value(id) {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::Number::from_f64(*n)
            .map(|n| {
                // Keep integers integral so JSON Schema `type: integer` behaves as in JavaScript.
                if n.as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                {
                    serde_json::Value::from(n.as_f64().unwrap_or_default() as i64)
                } else {
                    serde_json::Value::Number(n)
                }
            })
            .unwrap_or(serde_json::Value::Null),
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::Array(items) => items.iter().map(|&i| to_json(tree, i)).collect(),
        Value::Object(entries) => {
            let mut map = serde_json::Map::new();
            for (k, v) in entries {
                map.insert(k.to_string(), to_json(tree, *v));
            }
            serde_json::Value::Object(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{SourceFile, Syntax};

    /// Positions agree with a plain count of UTF-16 units, on long non-ASCII lines too.
    #[test]
    fn utf16_positions_with_checkpoints() {
        let line = "ab€d😀é".repeat(700);
        let text = format!("x\n{line}\n{line}");
        let file = SourceFile::new("t".into(), text.clone(), Syntax::Yaml);
        for (offset, _) in text.char_indices().step_by(37) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = text[line_start..offset].encode_utf16().count() as u32;
            assert_eq!(
                file.position(offset as u32).character,
                expected,
                "offset {offset}"
            );
        }
    }
}
