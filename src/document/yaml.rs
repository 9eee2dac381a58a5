//! YAML into [`Tree`] nodes with the reference linter's ranges.
//!
//! saphyr-parser checks the syntax and delivers the events ([`fast`] delivers the same events
//! faster for the YAML most documents are written in, and leaves everything else to saphyr);
//! everything the reference linter can observe follows what `@stoplight/yaml` computes on top of
//! `@stoplight/yaml-ast-parser`:
//!
//! * a map, sequence or alias that is the value of a mapping entry starts one past the end of
//!   its key; a missing value (`key:`) is a null at one past the key, also as its end;
//! * other nodes start where their token starts (a quote, the `|`/`>` of a block scalar, the
//!   first key of a block map, after the `*` of an alias, after any anchor or tag);
//! * a map ends where the value of its physically last entry ends, a sequence where its last
//!   item ends; scalars end after their text (quoted: after the closing quote; block scalars at
//!   the line break before the line that ends them, as yaml-ast-parser computes it);
//! * the root starts at 0 when it starts at the beginning of the second line, and ends at the
//!   end of the text when it is a scalar or has no (last) child;
//! * a null item of a sequence, everything inside an alias expansion, and the value of a key
//!   written differently from its string form (`1.50:` is key `1.5`) have no range in the
//!   reference (`getLocationForJsonPath` gives up), so they get the default range 0:0–0:0;
//! * merged (`<<`) entries keep the ranges of the entries they were merged from.
//!
//! Values follow yaml-ast-parser's core schema (`determineScalarType`); keys are the JavaScript
//! string of the value (`200`, `1.5`, `null`). Parser diagnostics as the reference reports them:
//! non-string keys, duplicate keys (`<<` merges never count), more than one document. Keys that
//! are not scalars are skipped without a diagnostic (the reference warns about them).
//!
//! Offsets are bytes into the UTF-8 text; saphyr's markers count characters and are converted.
//! With a byte order mark the reference strips it before parsing but measures against the text
//! that still has it, so its offsets are one character early; that is reproduced too.
//! Block scalars are read again with yaml-ast-parser's algorithm, whose values and extents
//! differ from the specification in corner cases (keep chomping, trailing blank lines).
//!
//! A document of 32 KB or more is loaded by two threads where two cores are available: one or
//! two runs of entries of a mapping on the helper, the rest here ([`split`]); the result is the
//! same to the node ids, and where the parts do not line up the load starts over on one thread.

pub mod fast;
pub mod split;

use std::borrow::Cow;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span};

use self::split::Split;
use super::json::merge_duplicates;
use super::limits::Limits;
use super::tree::{FileId, NodeId, Tree, Value};
use super::{js_number, LoadError, ParseDiagnostic};
use crate::helper::{self, Forked};

/// `Number.MAX_SAFE_INTEGER`: larger integers become a `BigInt` in the reference.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Parses `tree.file(file).text` as YAML (its first document); `Ok(None)` for an empty document.
///
/// The fast producer ([`fast`]) reads the common subset first; where it gives up (or the load
/// fails, so that errors always come from saphyr), the load starts over on saphyr's events.
/// Larger documents are first loaded by two threads ([`split`]), with the same result; where
/// the two parts do not line up, or the load fails, it starts over on one.
pub fn parse(
    tree: &mut Tree,
    file: FileId,
    limits: &Limits,
    diagnostics: &mut Vec<ParseDiagnostic>,
) -> Result<Option<NodeId>, LoadError> {
    // Shared with the helper thread for a split load, and given back after.
    let text = Arc::new(std::mem::take(&mut tree.file_mut(file).text));
    let node_mark = tree.node_count();
    let diag_mark = diagnostics.len();
    let body = body_of(&text);
    let split_load = (helper::cores() > 1)
        .then(|| split::plan(body))
        .filter(|splits| !splits.is_empty())
        .and_then(|splits| load_split(&text, &splits, tree, file, limits, diagnostics).ok());
    let result = match split_load {
        Some(root) => Ok(root),
        None => {
            tree.truncate(node_mark);
            diagnostics.truncate(diag_mark);
            load_whole(&text, tree, file, limits, diagnostics)
        }
    };
    match &result {
        Ok(_) => diagnostics[diag_mark..].sort_by_key(|d| d.start),
        Err(_) => {
            tree.truncate(node_mark);
            diagnostics.truncate(diag_mark);
        }
    }
    // A helper still busy with a split that did not line up holds the text: then a copy.
    tree.file_mut(file).text = Arc::unwrap_or_clone(text);
    result
}

/// Loads `text` on this thread: on the fast producer's events, or saphyr's where it gives up.
fn load_whole(
    text: &str,
    tree: &mut Tree,
    file: FileId,
    limits: &Limits,
    diagnostics: &mut Vec<ParseDiagnostic>,
) -> Result<Option<NodeId>, LoadError> {
    let node_mark = tree.node_count();
    let diag_mark = diagnostics.len();
    let body = body_of(text);
    let mut events = fast::FastEvents::with_byte_offsets(body);
    let result = Loader::new(text, Markers::Bytes, tree, file, limits, diagnostics)
        .run(events.by_ref().map(Ok));
    if result.is_ok() && events.finished() {
        return result;
    }
    tree.truncate(node_mark);
    diagnostics.truncate(diag_mark);
    Loader::new(text, Markers::Chars, tree, file, limits, diagnostics)
        .run(Parser::new_from_str(body))
}

/// The text without its byte order mark: what is parsed.
fn body_of(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Loads `text` with the entries of each of `splits` loaded by the helper thread meanwhile, in
/// turn (or by this thread, if the helper has not started them when they are needed). Any
/// error means the load starts over on one thread, whose errors are the ones reported.
fn load_split(
    text: &Arc<String>,
    splits: &[Split],
    tree: &mut Tree,
    file: FileId,
    limits: &Limits,
    diagnostics: &mut Vec<ParseDiagnostic>,
) -> Result<Option<NodeId>, LoadError> {
    let pending = splits
        .iter()
        .map(|&split| {
            let text = Arc::clone(text);
            let limits = limits.clone();
            PendingSplit {
                split,
                part: helper::fork(move || load_split_part(&text, split, file, &limits)),
            }
        })
        .collect();
    let mut events = fast::FastEvents::all_but(body_of(text), splits);
    let mut loader = Loader::new(text, Markers::Bytes, tree, file, limits, diagnostics);
    loader.split = pending;
    let root = loader.run(events.by_ref().map(Ok))?;
    if !events.finished() {
        return Err(unaligned());
    }
    Ok(root)
}

/// The entries of `split`, loaded apart: their nodes in a tree of their own.
fn load_split_part(
    text: &str,
    split: Split,
    file: FileId,
    limits: &Limits,
) -> Result<SplitPart, LoadError> {
    let mut tree = Tree::new();
    let mut diagnostics = Vec::new();
    let events = fast::FastEvents::only(body_of(text), split);
    let entries = Loader::new(
        text,
        Markers::Bytes,
        &mut tree,
        file,
        limits,
        &mut diagnostics,
    )
    .run_split(events.map(Ok))?;
    Ok(SplitPart {
        tree,
        diagnostics,
        entries,
    })
}

/// The error that makes a split load start over on one thread; never reported.
fn unaligned() -> LoadError {
    LoadError::Syntax {
        message: "the parts of a split load do not line up".into(),
        offset: 0,
    }
}

/// A split's entries, being loaded by another thread. The first event at or after the
/// split's end comes after them.
struct PendingSplit {
    split: Split,
    part: Forked<Result<SplitPart, LoadError>>,
}

/// A split's entries, loaded apart ([`Loader::run_split`]).
struct SplitPart {
    /// Their nodes, numbered from 0.
    tree: Tree,
    /// Diagnostics on maps inside the entries.
    diagnostics: Vec<ParseDiagnostic>,
    entries: OpenEntries,
}

/// The state of the mapping whose entries a split holds, when they end: what the whole load's
/// [`MapFrame`] would have gained from them.
struct OpenEntries {
    entries: Entries,
    spans: Vec<(u32, u32)>,
    raw_keys: Vec<(u32, Box<str>)>,
    diags: Vec<PendingDiagnostic>,
    last_end: Option<u32>,
    /// The loader's `last_end` after them.
    events_end: usize,
    /// Deepest nesting among them, their mapping counted as 1.
    depth: usize,
}

/// What the index of the events' markers counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markers {
    /// Characters, as saphyr counts them.
    Chars,
    /// Bytes ([`fast::FastEvents::with_byte_offsets`]).
    Bytes,
}

/// Where a node being parsed goes.
#[derive(Debug, Clone, Copy)]
enum Place {
    Root,
    Item,
    Key,
    /// Value of a mapping entry whose key ends at `key_end` (body byte offset).
    Value {
        key_end: usize,
    },
}

/// The key of the mapping entry whose value is being parsed.
enum KeySlot {
    /// No key yet: the next node is a key.
    Empty,
    Key {
        key: Box<str>,
        key_end: usize,
        /// The key is written differently (`1.50:` is key `1.5`): the reference looks entries
        /// up by the written form, finds none, and gives the value no range.
        unfindable: bool,
    },
    /// `<<`: the value is merged into the map.
    Merge { key_end: usize },
    /// A key the reference skips (not a scalar, or missing): the value is dropped.
    Skip { key_end: usize },
}

impl KeySlot {
    fn key_end(&self) -> Option<usize> {
        match self {
            KeySlot::Empty => None,
            KeySlot::Key { key_end, .. }
            | KeySlot::Merge { key_end }
            | KeySlot::Skip { key_end } => Some(*key_end),
        }
    }
}

/// A diagnostic on a key of a map still being built: message, key as written, reported span.
type PendingDiagnostic = (String, Box<str>, u32, u32);

type Entries = Vec<(Box<str>, NodeId)>;

/// A map being built. Its entries, and its keys' spans, are the tops of the loader's shared
/// stacks from where they were when it opened: one exact allocation per map when it closes,
/// instead of a vector growing in each open map.
struct MapFrame {
    /// Where its entries start in `Loader::open_entries`.
    entries_from: usize,
    /// Where the reported spans of its keys start in `Loader::open_spans`.
    spans_from: usize,
    /// `<<` values, with the index among the entries where they are merged.
    merges: Vec<(usize, NodeId)>,
    key: KeySlot,
    /// Reported end of the physically last mapping entry.
    last_end: Option<u32>,
    /// Non-string keys: reported key start and the key as written.
    raw_keys: Vec<(u32, Box<str>)>,
    diags: Vec<PendingDiagnostic>,
}

struct SeqFrame {
    /// Where its items start in `Loader::open_items`.
    items_from: usize,
    last_absent: bool,
}

struct Frame {
    place: Place,
    anchor: usize,
    flow: bool,
    /// Own start position (body byte offset).
    start: usize,
    /// Column of the own start: the indentation yaml-ast-parser reads children with.
    indent: usize,
    kind: FrameKind,
}

enum FrameKind {
    Map(MapFrame),
    Seq(SeqFrame),
}

struct Loader<'a> {
    /// The whole text (the reference's offsets are measured against it).
    text: &'a str,
    /// The text without a byte order mark: what gets parsed.
    body: &'a str,
    /// Length of the byte order mark (0 or 3).
    bom: usize,
    tree: &'a mut Tree,
    file: FileId,
    limits: &'a Limits,
    diagnostics: &'a mut Vec<ParseDiagnostic>,
    /// For each non-ASCII character: its character index and the extra bytes (beyond one per
    /// character) up to and including it (empty when the markers count bytes).
    wide: Vec<(usize, usize)>,
    stack: Vec<Frame>,
    /// The entries, keys' spans and items of the open collections (see [`MapFrame`]).
    open_entries: Entries,
    open_spans: Vec<(u32, u32)>,
    open_items: Vec<NodeId>,
    /// Nesting depth inside a skipped (complex) key.
    skip: usize,
    root: Option<NodeId>,
    /// Node of each anchor id (saphyr numbers anchors from 1), once complete.
    anchors: Vec<Option<NodeId>>,
    /// Root of each alias expansion → the anchored node it copies.
    alias_origin: FxHashMap<NodeId, NodeId>,
    alias_nodes: usize,
    alias_bytes: usize,
    /// End (body byte offset) of the latest event: block scalar headers are searched after it.
    last_end: usize,
    /// Byte offset of the start of the second line (the reference's `lineMap[0]`).
    second_line: u32,
    /// Deepest nesting so far.
    deepest: usize,
    /// Entries loaded elsewhere, until they are put in place ([`Loader::splice`]), in the
    /// order of the text.
    split: VecDeque<PendingSplit>,
}

impl<'a> Loader<'a> {
    fn new(
        text: &'a str,
        markers: Markers,
        tree: &'a mut Tree,
        file: FileId,
        limits: &'a Limits,
        diagnostics: &'a mut Vec<ParseDiagnostic>,
    ) -> Self {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let second_line = text
            .find('\n')
            .map_or(text.len() + 1, |i| i + 1)
            .min(u32::MAX as usize) as u32;
        Loader {
            text,
            body,
            bom: text.len() - body.len(),
            tree,
            file,
            limits,
            diagnostics,
            wide: match markers {
                Markers::Chars => wide_chars(body),
                Markers::Bytes => Vec::new(),
            },
            stack: Vec::new(),
            open_entries: Vec::new(),
            open_spans: Vec::new(),
            open_items: Vec::new(),
            skip: 0,
            root: None,
            anchors: Vec::new(),
            alias_origin: FxHashMap::default(),
            alias_nodes: 0,
            alias_bytes: 0,
            last_end: 0,
            second_line,
            deepest: 0,
            split: VecDeque::new(),
        }
    }

    /// Builds the tree from `events` (saphyr's, or the fast producer's until it gives up).
    fn run(
        mut self,
        mut events: impl Iterator<Item = Result<(Event<'a>, Span), ScanError>>,
    ) -> Result<Option<NodeId>, LoadError> {
        while let Some(next) = events.next() {
            let (event, span) = next.map_err(|e| self.scan_error(&e))?;
            if !self.split.is_empty() {
                let start = self.byte(span.start.index());
                while self
                    .split
                    .front()
                    .is_some_and(|pending| start >= pending.split.to)
                {
                    self.splice()?;
                }
            }
            match event {
                Event::DocumentEnd => {
                    // Only the first document is used; the reference reports that there are more
                    // (at 0:0, without a path).
                    if let Some(Ok((Event::DocumentStart(_), _))) = events.next() {
                        self.diagnostics.push(ParseDiagnostic {
                            file: self.file,
                            message: "Expected a single document in the stream, but found more"
                                .into(),
                            object: None,
                            start: 0,
                            end: 0,
                        });
                    }
                    break;
                }
                Event::StreamEnd => break,
                event => self.event(event, span)?,
            }
        }
        if !self.split.is_empty() {
            return Err(unaligned());
        }
        Ok(self.root)
    }

    /// Loads the entries of a split ([`fast::FastEvents::only`]): everything up to the end of
    /// their mapping, which stays open.
    fn run_split(
        mut self,
        events: impl Iterator<Item = Result<(Event<'a>, Span), ScanError>>,
    ) -> Result<OpenEntries, LoadError> {
        for next in events {
            let (event, span) = next.map_err(|e| self.scan_error(&e))?;
            let ends_root = self.stack.len() == 1 && self.skip == 0;
            if ends_root && matches!(event, Event::MappingEnd | Event::SequenceEnd) {
                let Some(Frame {
                    kind: FrameKind::Map(m),
                    flow: false,
                    ..
                }) = self.stack.pop()
                else {
                    return Err(unaligned());
                };
                if !m.merges.is_empty() || !matches!(m.key, KeySlot::Empty) {
                    return Err(unaligned());
                }
                return Ok(OpenEntries {
                    entries: self.open_entries.split_off(m.entries_from),
                    spans: self.open_spans.split_off(m.spans_from),
                    raw_keys: m.raw_keys,
                    diags: m.diags,
                    last_end: m.last_end,
                    events_end: self.last_end,
                    depth: self.deepest,
                });
            }
            self.event(event, span)?;
        }
        Err(unaligned())
    }

    /// One event of a node (not of the stream or a document).
    fn event(&mut self, event: Event<'a>, span: Span) -> Result<(), LoadError> {
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(value, style, anchor, tag.is_some(), span)?
            }
            Event::SequenceStart(anchor, _) => self.start(false, anchor, span)?,
            Event::MappingStart(anchor, _) => self.start(true, anchor, span)?,
            Event::SequenceEnd | Event::MappingEnd => self.end(span)?,
            Event::Alias(id) => self.alias(id, span)?,
            Event::StreamStart
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::StreamEnd
            | Event::Nothing => {}
        }
        let end = self.byte(span.end.index());
        self.last_end = self.last_end.max(end);
        Ok(())
    }

    /// Puts the split's entries in place, at the end of the open mapping they belong to: the
    /// loader is then where loading them here would have left it, down to the node ids.
    fn splice(&mut self) -> Result<(), LoadError> {
        let Some(pending) = self.split.pop_front() else {
            return Ok(());
        };
        let depth = self.stack.len();
        match self.stack.last() {
            Some(Frame {
                kind: FrameKind::Map(m),
                flow: false,
                indent,
                ..
            }) if *indent == pending.split.col
                && matches!(m.key, KeySlot::Empty)
                && self.open_entries.len() > m.entries_from => {}
            _ => return Err(unaligned()),
        }
        let SplitPart {
            tree,
            diagnostics,
            entries: part,
        } = pending.part.join()?;
        if depth + part.depth - 1 > self.limits.max_depth {
            return Err(unaligned()); // loaded on one thread, for the error it reports
        }
        let shift = self.tree.append(tree);
        self.open_entries
            .extend(part.entries.into_iter().map(|(key, id)| (key, id + shift)));
        self.open_spans.extend(part.spans);
        self.diagnostics
            .extend(diagnostics.into_iter().map(|mut d| {
                if let Some((id, _)) = &mut d.object {
                    *id += shift;
                }
                d
            }));
        self.last_end = self.last_end.max(part.events_end);
        if let Some(m) = top_map(&mut self.stack) {
            m.raw_keys.extend(part.raw_keys);
            m.diags.extend(part.diags);
            m.last_end = part.last_end.or(m.last_end);
        }
        Ok(())
    }

    fn scan_error(&self, e: &ScanError) -> LoadError {
        let offset = self.rep(self.byte(e.marker().index()));
        if e.info().contains("recursion limit exceeded") {
            return LoadError::TooDeep {
                limit: self.limits.max_depth,
                offset,
            };
        }
        LoadError::Syntax {
            message: format!(
                "{} at line {} column {}",
                e.info(),
                e.marker().line(),
                e.marker().col() + 1
            ),
            offset,
        }
    }

    /// Body byte offset of a marker's index `ci`: saphyr's character index, converted through
    /// `wide`, or already a byte offset (`wide` is then empty).
    fn byte(&self, ci: usize) -> usize {
        let k = self.wide.partition_point(|&(c, _)| c < ci);
        let extra = match k {
            0 => 0,
            _ => self.wide[k - 1].1,
        };
        ci.saturating_add(extra).min(self.body.len())
    }

    /// The offset the reference reports for body byte offset `b` (see the module docs on BOMs).
    fn rep(&self, b: usize) -> u32 {
        let b = b.min(self.body.len());
        if self.bom == 0 || b == 0 {
            return b as u32;
        }
        let mut p = b - 1;
        while p > 0 && !self.body.is_char_boundary(p) {
            p -= 1;
        }
        (p + self.bom) as u32
    }

    fn place(&self) -> Place {
        match self.stack.last() {
            None => Place::Root,
            Some(Frame {
                kind: FrameKind::Seq(_),
                ..
            }) => Place::Item,
            Some(Frame {
                kind: FrameKind::Map(m),
                ..
            }) => match m.key.key_end() {
                None => Place::Key,
                Some(key_end) => Place::Value { key_end },
            },
        }
    }

    fn in_flow(&self) -> bool {
        self.stack.last().is_some_and(|f| f.flow)
    }

    /// Whether a `:` follows (after blanks) the key that ends at `key_end`.
    fn colon_after(&self, key_end: usize) -> bool {
        let bytes = self.body.as_bytes();
        let i = skip_properties(bytes, key_end, bytes.len());
        bytes.get(i) == Some(&b':')
    }

    fn check_string(&self, s: &str, at: usize) -> Result<(), LoadError> {
        if s.len() > self.limits.max_string_bytes {
            return Err(LoadError::StringTooLong {
                limit: self.limits.max_string_bytes,
                offset: self.rep(at),
            });
        }
        Ok(())
    }

    fn register_anchor(&mut self, anchor: usize, id: NodeId) {
        if anchor == 0 {
            return;
        }
        if self.anchors.len() <= anchor {
            self.anchors.resize(anchor + 1, None);
        }
        self.anchors[anchor] = Some(id);
    }

    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tagged: bool,
        span: Span,
    ) -> Result<(), LoadError> {
        if self.skip > 0 {
            return Ok(());
        }
        let place = self.place();
        let span_start = self.byte(span.start.index());
        let span_end = self.byte(span.end.index());
        let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
        let (start, end, block_value) = if block {
            let indicator = find_indicator(self.body.as_bytes(), self.last_end, span_end);
            let node_indent = match (place, self.stack.last()) {
                (Place::Root, _) | (_, None) => line_indent(self.body.as_bytes(), indicator),
                (_, Some(frame)) => frame.indent + 1,
            };
            let (v, end) = block_scalar(self.body, indicator, node_indent);
            (indicator, end, Some(v))
        } else {
            let bytes = self.body.as_bytes();
            let start = if anchor != 0 || tagged {
                skip_properties(bytes, span_start, span_end)
            } else {
                span_start
            };
            // saphyr's span of a quoted scalar runs on over blanks and comments after it.
            let end = match style {
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                    quoted_end(bytes, start).unwrap_or(span_end)
                }
                _ => span_end,
            };
            (start, end, None)
        };
        let text: &str = block_value.as_deref().unwrap_or(&value);
        self.check_string(text, start)?;
        let plain = style == ScalarStyle::Plain;
        let absent = plain && text.is_empty();

        if let Place::Key = place {
            let (rs, re) = (self.rep(start), self.rep(end));
            let anchored = if anchor != 0 {
                let v = if plain {
                    resolve_plain(text)
                } else {
                    Value::String(text.into())
                };
                Some(self.tree.push(v, self.file, rs, re))
            } else {
                None
            };
            let Some(m) = top_map(&mut self.stack) else {
                return Ok(());
            };
            if absent {
                m.key = KeySlot::Skip { key_end: end };
            } else {
                let (key, non_string) = if plain {
                    plain_key(text)
                } else {
                    (text.into(), None)
                };
                if let Some(kind) = non_string {
                    m.diags.push((
                        format!("Mapping key must be a string scalar rather than {kind}"),
                        text.into(),
                        rs,
                        re,
                    ));
                    m.raw_keys.push((rs, text.into()));
                }
                if &*key == "<<" {
                    m.key = KeySlot::Merge { key_end: end };
                } else {
                    self.open_spans.push((rs, re));
                    let unfindable = *key != *text;
                    m.key = KeySlot::Key {
                        key,
                        key_end: end,
                        unfindable,
                    };
                }
            }
            if let Some(id) = anchored {
                self.register_anchor(anchor, id);
            }
            return Ok(());
        }

        let (value, s, e) = if absent {
            match place {
                // `{key: }`: yaml-ast-parser keeps an empty scalar without a position (-1),
                // which cannot be represented; 0:0 is the nearest.
                Place::Value { key_end } if self.in_flow() && self.colon_after(key_end) => {
                    (Value::Null, 0, 0)
                }
                Place::Value { key_end } => {
                    let at = self.rep(key_end + 1);
                    (Value::Null, at, at)
                }
                Place::Root => return Ok(()),
                _ => (Value::Null, 0, 0),
            }
        } else {
            let v = if plain {
                resolve_plain(text)
            } else {
                Value::String(text.into())
            };
            (v, self.rep(start), self.rep(end))
        };
        let e = match place {
            Place::Root => self.text.len() as u32,
            _ => e,
        };
        let id = self.tree.push(value, self.file, s, e);
        self.register_anchor(anchor, id);
        self.attach(id, place, absent);
        Ok(())
    }

    fn start(&mut self, map: bool, anchor: usize, span: Span) -> Result<(), LoadError> {
        if self.skip > 0 {
            self.skip += 1;
            return Ok(());
        }
        let place = self.place();
        if let Place::Key = place {
            self.skip = 1;
            return Ok(());
        }
        let span_start = self.byte(span.start.index());
        let span_end = self.byte(span.end.index());
        if self.stack.len() >= self.limits.max_depth {
            return Err(LoadError::TooDeep {
                limit: self.limits.max_depth,
                offset: self.rep(span_start),
            });
        }
        let open = if map { b'{' } else { b'[' };
        let bytes = self.body.as_bytes();
        // A flow collection's span runs from its properties over the bracket and the blanks
        // after it; a block collection's from its properties to its first key or `-`.
        let bracket = skip_properties(bytes, span_start, span_end);
        let flow = bracket < span_end && bytes.get(bracket) == Some(&open);
        let start = if flow { bracket } else { span_end };
        let indent = start - line_start(bytes, start);
        let kind = if map {
            FrameKind::Map(MapFrame {
                entries_from: self.open_entries.len(),
                spans_from: self.open_spans.len(),
                merges: Vec::new(),
                key: KeySlot::Empty,
                last_end: None,
                raw_keys: Vec::new(),
                diags: Vec::new(),
            })
        } else {
            FrameKind::Seq(SeqFrame {
                items_from: self.open_items.len(),
                last_absent: false,
            })
        };
        self.stack.push(Frame {
            place,
            anchor,
            flow,
            start,
            indent,
            kind,
        });
        self.deepest = self.deepest.max(self.stack.len());
        Ok(())
    }

    fn end(&mut self, span: Span) -> Result<(), LoadError> {
        if self.skip > 0 {
            self.skip -= 1;
            if self.skip == 0 {
                let key_end = self.byte(span.end.index());
                if let Some(m) = top_map(&mut self.stack) {
                    m.key = KeySlot::Skip { key_end };
                }
            }
            return Ok(());
        }
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let span_start = self.byte(span.start.index());
        let span_end = self.byte(span.end.index());
        // yaml-ast-parser's own endPosition: after the closing bracket of a flow collection,
        // at the next token for a block one.
        let own_end = if frame.flow {
            let bytes = self.body.as_bytes();
            let close = skip_properties(bytes, frame.start + 1, bytes.len());
            if matches!(bytes.get(close), Some(b']' | b'}')) {
                close + 1
            } else {
                span_end
            }
        } else {
            span_start
        };
        let (value, child_end, diags) = match frame.kind {
            FrameKind::Seq(s) => {
                let items: Vec<NodeId> = self.open_items.drain(s.items_from..).collect();
                let child_end = match (items.last(), s.last_absent) {
                    (Some(&last), false) => Some(self.tree.node(last).end),
                    _ => None,
                };
                (Value::Array(items), child_end, Vec::new())
            }
            FrameKind::Map(m) => {
                let child_end = m.last_end;
                let (entries, diags) = self.assemble(m)?;
                (Value::Object(entries), child_end, diags)
            }
        };
        let start = match frame.place {
            Place::Value { key_end } => self.rep(key_end + 1),
            _ => self.rep(frame.start),
        };
        let end = child_end.unwrap_or_else(|| match frame.place {
            Place::Root => self.text.len() as u32,
            _ => self.rep(own_end),
        });
        let id = self.tree.push(value, self.file, start, end);
        self.tree.adopt(id);
        for (message, key, start, end) in diags {
            self.diagnostics.push(ParseDiagnostic {
                file: self.file,
                message,
                object: Some((id, key)),
                start,
                end,
            });
        }
        self.register_anchor(frame.anchor, id);
        self.attach(id, frame.place, false);
        Ok(())
    }

    /// The entries of a finished map (duplicates merged, `<<` applied) and its diagnostics.
    fn assemble(&mut self, m: MapFrame) -> Result<(Entries, Vec<PendingDiagnostic>), LoadError> {
        let MapFrame {
            entries_from,
            spans_from,
            merges,
            raw_keys,
            mut diags,
            ..
        } = m;
        let mut entries: Entries = self.open_entries.drain(entries_from..).collect();
        let raw = |start: u32, key: Box<str>| {
            raw_keys
                .iter()
                .find(|(s, _)| *s == start)
                .map_or(key, |(_, r)| r.clone())
        };
        if merges.is_empty() {
            let duplicates = merge_duplicates(&mut entries, &self.open_spans[spans_from..]);
            self.open_spans.truncate(spans_from);
            for (key, (start, end)) in duplicates {
                let key = raw(start, key);
                diags.push((format!("Duplicate key: {key}"), key, start, end));
            }
            return Ok((entries, diags));
        }
        let spans = self.open_spans.split_off(spans_from);
        // Duplicates among the keys written in this map; merged keys never count.
        let mut seen: HashSet<&str> = HashSet::with_capacity(entries.len());
        let mut duplicates = Vec::new();
        for ((key, _), &(start, end)) in entries.iter().zip(&spans) {
            if !seen.insert(key) {
                let key = raw(start, key.clone());
                duplicates.push((format!("Duplicate key: {key}"), key, start, end));
            }
        }
        diags.extend(duplicates);
        // Merged entries go where the `<<` was: later entries win, as `Object.assign` does.
        let mut combined = Vec::with_capacity(entries.len());
        let mut pending = merges.into_iter().peekable();
        for (i, entry) in entries.into_iter().enumerate() {
            while let Some((_, v)) = pending.next_if(|(at, _)| *at <= i) {
                combined.extend(self.merge_source(v)?);
            }
            combined.push(entry);
        }
        for (_, v) in pending {
            combined.extend(self.merge_source(v)?);
        }
        let spans = vec![(0, 0); combined.len()];
        merge_duplicates(&mut combined, &spans);
        Ok((combined, diags))
    }

    /// The entries a `<<` value merges: a map's entries, or those of a list of maps (earlier
    /// maps win). Entries reached through an alias are copied with their original ranges.
    fn merge_source(&mut self, v: NodeId) -> Result<Entries, LoadError> {
        let (node, via_alias) = match self.alias_origin.get(&v) {
            Some(&o) => (o, true),
            None => (v, false),
        };
        let mut out = Vec::new();
        match self.tree.value(node) {
            Value::Object(_) => self.map_entries(node, via_alias, &mut out)?,
            Value::Array(items) => {
                let items = items.clone();
                let mut all = Vec::new();
                for item in items {
                    self.map_entries(item, via_alias, &mut all)?;
                }
                let mut seen = HashSet::new();
                for (k, c) in all {
                    if seen.insert(k.clone()) {
                        out.push((k, c));
                    }
                }
            }
            _ => {}
        }
        Ok(out)
    }

    fn map_entries(
        &mut self,
        node: NodeId,
        via_alias: bool,
        out: &mut Entries,
    ) -> Result<(), LoadError> {
        let (node, copy) = match self.alias_origin.get(&node) {
            Some(&o) => (o, true),
            None => (node, via_alias),
        };
        let entries = self.tree.entries(node).to_vec();
        let at = self.tree.node(node).start;
        for (k, c) in entries {
            let c = if copy { self.copy(c, true, at)? } else { c };
            out.push((k, c));
        }
        Ok(())
    }

    fn alias(&mut self, anchor: usize, span: Span) -> Result<(), LoadError> {
        if self.skip > 0 {
            return Ok(());
        }
        let place = self.place();
        let span_end = self.byte(span.end.index());
        if let Place::Key = place {
            if let Some(m) = top_map(&mut self.stack) {
                m.key = KeySlot::Skip { key_end: span_end };
            }
            return Ok(());
        }
        // The reference's alias node starts after the `*`.
        let name_start = self.byte(span.start.index()) + 1;
        let start = match place {
            Place::Value { key_end } => self.rep(key_end + 1),
            _ => self.rep(name_start),
        };
        let end = self.rep(span_end);
        let id = match self.anchors.get(anchor).copied().flatten() {
            Some(orig) => {
                let copy = self.copy(orig, false, self.rep(name_start))?;
                let node = self.tree.node_mut(copy);
                node.start = start;
                node.end = end;
                self.alias_origin.insert(copy, orig);
                copy
            }
            // An alias inside its own anchor: the reference dereferences it to null.
            None => self.tree.push(Value::Null, self.file, start, end),
        };
        self.attach(id, place, false);
        Ok(())
    }

    /// Copies the subtree at `src` for an alias. `preserve` keeps the ranges (merged entries);
    /// otherwise the copy has no range (0:0), as paths through an alias have none in the
    /// reference. Every copied node counts against `max_alias_nodes`.
    fn copy(&mut self, src: NodeId, preserve: bool, at: u32) -> Result<NodeId, LoadError> {
        enum Step {
            Enter(NodeId, usize),
            Exit(NodeId, usize),
        }
        let base_depth = self.stack.len();
        let mut steps = vec![Step::Enter(src, 0)];
        let mut done: Vec<NodeId> = Vec::new();
        while let Some(step) = steps.pop() {
            match step {
                Step::Enter(n, depth) => {
                    self.alias_nodes += 1;
                    if self.alias_nodes > self.limits.max_alias_nodes {
                        return Err(LoadError::AliasExpansion {
                            limit: self.limits.max_alias_nodes,
                            offset: at,
                        });
                    }
                    let node = self.tree.node(n);
                    let children: Vec<NodeId> = match &node.value {
                        Value::Array(items) => items.clone(),
                        Value::Object(entries) => {
                            self.alias_bytes += entries.iter().map(|(k, _)| k.len()).sum::<usize>();
                            entries.iter().map(|(_, v)| *v).collect()
                        }
                        leaf => {
                            if let Value::String(s) = leaf {
                                self.alias_bytes += s.len();
                            }
                            if self.alias_bytes > self.limits.max_input_bytes {
                                return Err(LoadError::AliasExpansion {
                                    limit: self.limits.max_alias_nodes,
                                    offset: at,
                                });
                            }
                            let (s, e) = if preserve {
                                (node.start, node.end)
                            } else {
                                (0, 0)
                            };
                            let leaf = leaf.clone();
                            done.push(self.tree.push(leaf, self.file, s, e));
                            continue;
                        }
                    };
                    if base_depth + depth >= self.limits.max_depth {
                        return Err(LoadError::TooDeep {
                            limit: self.limits.max_depth,
                            offset: at,
                        });
                    }
                    steps.push(Step::Exit(n, children.len()));
                    steps.extend(
                        children
                            .into_iter()
                            .rev()
                            .map(|c| Step::Enter(c, depth + 1)),
                    );
                }
                Step::Exit(n, count) => {
                    let children = done.split_off(done.len().saturating_sub(count));
                    let node = self.tree.node(n);
                    let value = match &node.value {
                        Value::Object(entries) => Value::Object(
                            entries
                                .iter()
                                .map(|(k, _)| k.clone())
                                .zip(children)
                                .collect(),
                        ),
                        _ => Value::Array(children),
                    };
                    let (s, e) = if preserve {
                        (node.start, node.end)
                    } else {
                        (0, 0)
                    };
                    let id = self.tree.push(value, self.file, s, e);
                    self.tree.adopt(id);
                    done.push(id);
                }
            }
        }
        Ok(done.pop().unwrap_or(src))
    }

    /// Gives `id` and everything under it the default range 0:0.
    fn clear_ranges(&mut self, id: NodeId) {
        let mut todo = vec![id];
        while let Some(n) = todo.pop() {
            let node = self.tree.node_mut(n);
            node.start = 0;
            node.end = 0;
            match &node.value {
                Value::Array(items) => todo.extend(items),
                Value::Object(entries) => todo.extend(entries.iter().map(|(_, v)| *v)),
                _ => {}
            }
        }
    }

    fn attach(&mut self, id: NodeId, place: Place, absent: bool) {
        let end = self.tree.node(id).end;
        match place {
            Place::Root => {
                let node = self.tree.node_mut(id);
                if node.start == self.second_line {
                    node.start = 0;
                }
                node.start = node.start.min(node.end);
                self.root = Some(id);
            }
            Place::Item => {
                if let Some(Frame {
                    kind: FrameKind::Seq(s),
                    ..
                }) = self.stack.last_mut()
                {
                    self.open_items.push(id);
                    s.last_absent = absent;
                }
            }
            Place::Value { .. } | Place::Key => {
                let mut unfindable = false;
                if let Some(m) = top_map(&mut self.stack) {
                    match std::mem::replace(&mut m.key, KeySlot::Empty) {
                        KeySlot::Key {
                            key, unfindable: u, ..
                        } => {
                            self.open_entries.push((key, id));
                            unfindable = u;
                        }
                        KeySlot::Merge { .. } => {
                            let at = self.open_entries.len() - m.entries_from;
                            m.merges.push((at, id));
                        }
                        KeySlot::Skip { .. } | KeySlot::Empty => {}
                    }
                    m.last_end = Some(end);
                }
                if unfindable {
                    self.clear_ranges(id);
                }
            }
        }
    }
}

/// The innermost open collection, when it is a map (a function of the stack alone, so that the
/// loader's other fields stay free to borrow).
fn top_map(stack: &mut [Frame]) -> Option<&mut MapFrame> {
    match stack.last_mut() {
        Some(Frame {
            kind: FrameKind::Map(m),
            ..
        }) => Some(m),
        _ => None,
    }
}

fn wide_chars(body: &str) -> Vec<(usize, usize)> {
    if body.is_ascii() {
        return Vec::new();
    }
    let bytes = body.as_bytes();
    let mut wide = Vec::new();
    let mut extra = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i..].iter().position(|&b| b >= 0x80) {
            None => break,
            Some(skip) => i += skip,
        }
        let len = match bytes[i] {
            0xF0..=0xFF => 4,
            0xE0..=0xEF => 3,
            _ => 2,
        };
        wide.push((i - extra, extra + len - 1));
        extra += len - 1;
        i += len;
    }
    wide
}

fn line_start(bytes: &[u8], pos: usize) -> usize {
    let pos = pos.min(bytes.len());
    bytes[..pos]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1)
}

/// Number of spaces that start the line holding `pos`.
fn line_indent(bytes: &[u8], pos: usize) -> usize {
    let start = line_start(bytes, pos);
    bytes[start..].iter().take_while(|&&b| b == b' ').count()
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Skips anchors, tags, white space and comments before a node's content.
fn skip_properties(bytes: &[u8], mut i: usize, to: usize) -> usize {
    let to = to.min(bytes.len());
    while i < to {
        match bytes[i] {
            b if is_ws(b) => i += 1,
            b'#' => {
                while i < to && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'&' | b'!' => {
                while i < to && !is_ws(bytes[i]) {
                    i += 1;
                }
            }
            _ => break,
        }
    }
    i
}

/// End of the quoted scalar that starts at `start`: after its closing quote.
fn quoted_end(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = *bytes.get(start).filter(|&&q| q == b'\'' || q == b'"')?;
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        if b == quote {
            if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += if quote == b'"' && b == b'\\' { 2 } else { 1 };
    }
    None
}

/// The `|` or `>` of a block scalar, searched from the end of the previous token.
fn find_indicator(bytes: &[u8], from: usize, to: usize) -> usize {
    let to = to.min(bytes.len());
    let mut i = from;
    while i < to {
        match bytes[i] {
            b'|' | b'>' => return i,
            b'#' => {
                while i < to && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'&' | b'!' => {
                while i < to && !is_ws(bytes[i]) {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    to
}

/// yaml-ast-parser's `readBlockScalar` from the indicator at `pos`: the value and the end
/// position. `node_indent` is the indentation the parser reads the scalar with (its parent's
/// indentation plus one). The parser sees the text with a line break appended when it does not
/// end with one, and a NUL character ends the input.
fn block_scalar(body: &str, mut pos: usize, node_indent: usize) -> (String, usize) {
    const CLIP: u8 = 0;
    const STRIP: u8 = 1;
    const KEEP: u8 = 2;
    let bytes = body.as_bytes();
    let len = bytes.len();
    let appended = !matches!(bytes.last(), Some(b'\n' | b'\r'));
    let at = |i: usize| -> u8 {
        if i < len {
            bytes[i]
        } else if i == len && appended && len > 0 {
            b'\n'
        } else {
            0
        }
    };
    let is_eol = |c: u8| c == b'\n' || c == b'\r';
    let is_white = |c: u8| c == b' ' || c == b'\t';
    let newlines = |value: &mut String, n: usize| value.extend(std::iter::repeat_n('\n', n));

    let folding = at(pos) == b'>';
    let mut chomping = CLIP;
    let mut detected = false;
    let mut text_indent = node_indent;
    let mut empty_lines = 0usize;
    let mut more_indented = false;
    let mut value = String::new();
    let mut ch = at(pos);
    while ch != 0 {
        pos += 1;
        ch = at(pos);
        if ch == b'+' || ch == b'-' {
            if chomping == CLIP {
                chomping = if ch == b'+' { KEEP } else { STRIP };
            }
        } else if ch.is_ascii_digit() {
            let n = usize::from(ch - b'0');
            if n > 0 && !detected {
                text_indent = node_indent + n - 1;
                detected = true;
            }
        } else {
            break;
        }
    }
    if is_white(ch) {
        while is_white(ch) {
            pos += 1;
            ch = at(pos);
        }
        if ch == b'#' {
            while ch != 0 && !is_eol(ch) {
                pos += 1;
                ch = at(pos);
            }
        }
    }
    while ch != 0 {
        // readLineBreak
        if ch == b'\n' {
            pos += 1;
        } else if ch == b'\r' {
            pos += 1;
            if at(pos) == b'\n' {
                pos += 1;
            }
        } else {
            // Not reachable for input saphyr accepted; skip the rest of the line.
            while ch != 0 && !is_eol(ch) {
                pos += 1;
                ch = at(pos);
            }
            continue;
        }
        let mut line_indent = 0;
        ch = at(pos);
        while (!detected || line_indent < text_indent) && ch == b' ' {
            line_indent += 1;
            pos += 1;
            ch = at(pos);
        }
        if !detected && line_indent > text_indent {
            text_indent = line_indent;
        }
        if is_eol(ch) {
            empty_lines += 1;
            continue;
        }
        if line_indent < text_indent {
            if chomping == KEEP {
                newlines(&mut value, empty_lines);
            } else if chomping == CLIP && detected {
                value.push('\n');
            }
            break;
        }
        if folding {
            if is_white(ch) {
                more_indented = true;
                newlines(&mut value, empty_lines + 1);
            } else if more_indented {
                more_indented = false;
                newlines(&mut value, empty_lines + 1);
            } else if empty_lines == 0 {
                if detected {
                    value.push(' ');
                }
            } else {
                newlines(&mut value, empty_lines);
            }
        } else if detected {
            newlines(&mut value, empty_lines + 1);
        }
        detected = true;
        empty_lines = 0;
        let capture = pos;
        while !is_eol(ch) && ch != 0 {
            pos += 1;
            ch = at(pos);
        }
        value.push_str(body.get(capture..pos.min(len)).unwrap_or(""));
    }
    // The end: back from the stop position over blanks to the line break before it.
    let mut i = pos;
    while i > 0 {
        let c = at(i - 1);
        if is_eol(c) || !is_white(c) {
            break;
        }
        i -= 1;
    }
    (value, i.saturating_sub(1))
}

/// What yaml-ast-parser's `determineScalarType` makes of a plain scalar.
enum Plain {
    Null,
    Bool(bool),
    Number(f64),
    /// An integer beyond `Number.MAX_SAFE_INTEGER`: a `BigInt` (exact digits as a key).
    BigInt(f64, String),
    String,
}

fn infer(s: &str) -> Plain {
    // Most plain scalars of a document (keys, descriptions, paths) are words: only a start of
    // `n`/`t`/`f` (any case), a digit, a sign, `.` or `~` can make one anything else.
    if let Some(first) = s.bytes().next() {
        if (first.is_ascii_alphabetic() && !b"nNtTfF".contains(&first)) || first == b'/' {
            return Plain::String;
        }
    }
    match s {
        "null" | "Null" | "NULL" | "~" | "" => return Plain::Null,
        "true" | "True" | "TRUE" => return Plain::Bool(true),
        "false" | "False" | "FALSE" => return Plain::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Plain::Number(f64::NAN),
        _ => {}
    }
    let bytes = s.as_bytes();
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        let n: f64 = s.parse().unwrap_or(f64::NAN);
        if n > MAX_SAFE_INTEGER {
            let digits = unsigned.trim_start_matches('0');
            return Plain::BigInt(
                n,
                if digits.is_empty() {
                    "0".into()
                } else {
                    digits.into()
                },
            );
        }
        return Plain::Number(n);
    }
    if let Some(oct) = s.strip_prefix("0o") {
        if !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return Plain::Number(radix_value(oct, 8));
        }
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let n = radix_value(hex, 16);
            if n > MAX_SAFE_INTEGER {
                return Plain::BigInt(n, hex_to_decimal(hex));
            }
            return Plain::Number(n);
        }
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        let negative = bytes.first() == Some(&b'-');
        return Plain::Number(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if is_float(unsigned) {
        return Plain::Number(s.parse().unwrap_or(f64::NAN));
    }
    Plain::String
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (the sign is already stripped).
fn is_float(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = digits(0);
    if i == 0 {
        if b.first() != Some(&b'.') {
            return false;
        }
        let j = digits(1);
        if j == 1 {
            return false;
        }
        i = j;
    } else if b.get(i) == Some(&b'.') {
        i = digits(i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'-' | b'+')) {
            j += 1;
        }
        let k = digits(j);
        if k == j {
            return false;
        }
        i = k;
    }
    i == b.len()
}

fn radix_value(digits: &str, radix: u32) -> f64 {
    match u128::from_str_radix(digits, radix) {
        Ok(n) => n as f64,
        Err(_) => digits
            .chars()
            .filter_map(|c| c.to_digit(radix))
            .fold(0.0, |acc, d| acc * f64::from(radix) + f64::from(d)),
    }
}

fn hex_to_decimal(hex: &str) -> String {
    const BASE: u64 = 1_000_000_000;
    let mut limbs: Vec<u64> = vec![0];
    for d in hex.chars().filter_map(|c| c.to_digit(16)) {
        let mut carry = u64::from(d);
        for limb in limbs.iter_mut() {
            let v = *limb * 16 + carry;
            *limb = v % BASE;
            carry = v / BASE;
        }
        while carry > 0 {
            limbs.push(carry % BASE);
            carry /= BASE;
        }
    }
    let mut out = String::new();
    for (i, limb) in limbs.iter().rev().enumerate() {
        if i == 0 {
            out.push_str(&limb.to_string());
        } else {
            out.push_str(&format!("{limb:09}"));
        }
    }
    out
}

fn resolve_plain(s: &str) -> Value {
    match infer(s) {
        Plain::Null => Value::Null,
        Plain::Bool(b) => Value::Bool(b),
        Plain::Number(n) | Plain::BigInt(n, _) => Value::Number(n),
        Plain::String => Value::String(s.into()),
    }
}

/// The key a plain scalar gives (`String(value)` in JavaScript) and, when it is not a string,
/// the type the reference names in its diagnostic.
fn plain_key(s: &str) -> (Box<str>, Option<&'static str>) {
    match infer(s) {
        Plain::Null => ("null".into(), Some("null")),
        Plain::Bool(b) => (if b { "true" } else { "false" }.into(), Some("boolean")),
        Plain::Number(n) => (js_number(n).into(), Some("number")),
        Plain::BigInt(_, digits) => (digits.into(), Some("bigint")),
        Plain::String => (s.into(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_resolve_like_the_core_schema() {
        assert_eq!(plain_key("0x1F"), ("31".into(), Some("number")));
        assert_eq!(plain_key("0o17"), ("15".into(), Some("number")));
        assert_eq!(plain_key("1e3"), ("1000".into(), Some("number")));
        assert_eq!(plain_key("1.50"), ("1.5".into(), Some("number")));
        assert_eq!(plain_key(".inf"), ("Infinity".into(), Some("number")));
        assert_eq!(plain_key("~"), ("null".into(), Some("null")));
        assert_eq!(plain_key("True"), ("true".into(), Some("boolean")));
        assert_eq!(
            plain_key("12345678901234567890"),
            ("12345678901234567890".into(), Some("bigint"))
        );
        assert_eq!(
            plain_key("-12345678901234567890"),
            ("-12345678901234567000".into(), Some("number"))
        );
        assert_eq!(plain_key("1.2.3"), ("1.2.3".into(), None));
        assert_eq!(plain_key("2020-01-01"), ("2020-01-01".into(), None));
        assert_eq!(
            plain_key("0x100000000000000000000"),
            ("1208925819614629174706176".into(), Some("bigint"))
        );
        assert_eq!(
            hex_to_decimal(&"F".repeat(34)),
            "87112285931760246646623899502532662132735"
        );
    }
}
