//! saphyr-parser's events, produced fast for the block-style YAML that OpenAPI documents use.
//!
//! [`FastEvents`] reads bytes and yields exactly the `(Event, Span)` sequence that
//! `saphyr_parser::Parser::new_from_str` yields: the same scalar values and styles and the same
//! markers (character index, 1-based line, character column), quirks included (a quoted scalar's
//! span runs on over blanks and a comment after it; a block scalar's span starts at its first
//! content line). It covers a subset: one document whose root is a block collection; block mappings
//! and sequences (also `- key: value` and `- - a`, and sequences at their key's indentation);
//! plain, single- and double-quoted scalars (also over several lines); literal and folded block
//! scalars with chomping indicators; single-line flow sequences of scalars; `{}`; comments; a
//! leading `---`; CRLF line breaks.
//!
//! Anything else, anything it is not sure of and every syntax error make it give up: the
//! iterator ends early and [`FastEvents::unsupported`] says why. The caller then runs saphyr from
//! the start, so errors and their messages always come from saphyr, and correctness comes down
//! to: when the producer finishes, its stream equals saphyr's (`tests/yaml_fast.rs` compares
//! them on the corpus, and a fuzz target on arbitrary input).

use std::borrow::Cow;
use std::collections::VecDeque;

use saphyr_parser::{Event, Marker, ScalarStyle, Span};

use super::split::Split;

/// Why the fast producer gave up, and near which byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported {
    pub reason: &'static str,
    pub offset: usize,
}

type Step<T> = Result<T, Unsupported>;

fn give_up<T>(reason: &'static str, offset: usize) -> Step<T> {
    Err(Unsupported { reason, offset })
}

/// Deeper nesting is left to saphyr (the loader's limit is lower by default).
const MAX_DEPTH: usize = 1000;

/// Keys longer than this may go stale in saphyr (it allows 1024 characters); leave them to it.
const MAX_KEY_BYTES: usize = 1000;

#[derive(Debug, Clone, Copy)]
struct Block {
    /// Column of the first key or `-`: saphyr's indentation level for the block.
    col: usize,
    map: bool,
    /// A sequence at the indentation of its key (`key:` / `- item`): it has no indentation
    /// level of its own in saphyr and ends without a block end token of its own.
    indentless: bool,
}

impl Block {
    fn end(&self) -> Kind {
        if self.map {
            Kind::MappingEnd
        } else {
            Kind::SequenceEnd
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Body,
    Done,
    Failed,
}

/// A mapping key read ahead: its scalar and where its `:` is.
struct Key<'a> {
    value: Cow<'a, str>,
    style: ScalarStyle,
    start: usize,
    /// End of saphyr's span of the key.
    end: usize,
    colon: usize,
}

/// An event waiting in the queue, with byte offsets for its span: markers are computed when
/// it is handed out (an event is large; the queue keeps it small).
struct Pending<'a> {
    kind: Kind,
    value: Cow<'a, str>,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    StreamStart,
    DocumentStart(bool),
    DocumentEnd,
    StreamEnd,
    MappingStart,
    MappingEnd,
    SequenceStart,
    SequenceEnd,
    Scalar(ScalarStyle),
}

/// Offset standing for saphyr's marker at the end of the text after it ended the last line.
const END_OF_LAST_LINE: usize = usize::MAX;

/// Chomping indicator of a block scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chomping {
    Strip,
    Clip,
    Keep,
}

/// The event producer; see the module docs.
pub struct FastEvents<'a> {
    text: &'a str,
    b: &'a [u8],
    state: State,
    unsupported: Option<Unsupported>,
    /// Start of the line where reading goes on.
    pos: usize,
    stack: Vec<Block>,
    /// Events produced but not yet handed out (one line can produce several).
    queue: VecDeque<Pending<'a>>,
    /// The first key of a mapping just opened, read to tell it from a scalar.
    key_ahead: Option<Key<'a>>,
    /// Start of every line after the first (found once, by memchr).
    line_starts: Vec<usize>,
    /// Marker cursor: markers are computed in order, counting lines and multi-byte characters
    /// only once. `m_line` is 1-based, as saphyr's; `m_line_start` starts it.
    m_pos: usize,
    m_line: usize,
    m_line_start: usize,
    /// UTF-8 continuation bytes before `m_pos`, and before `m_line_start`.
    m_extra: usize,
    m_line_extra: usize,
    /// No multi-byte characters: character offsets are byte offsets.
    ascii: bool,
    /// Markers carry byte offsets and no line or column ([`FastEvents::with_byte_offsets`]).
    byte_offsets: bool,
    /// With [`FastEvents::only`]: the split whose lines alone are read.
    only: Option<Split>,
    /// With [`FastEvents::all_but`]: the splits not yet passed, the next one last.
    holes: Vec<Split>,
}

impl<'a> FastEvents<'a> {
    /// saphyr's exact events and markers.
    pub fn new(text: &'a str) -> Self {
        let mut events = Self::with_byte_offsets(text);
        events.byte_offsets = false;
        events.line_starts = memchr::memchr_iter(b'\n', text.as_bytes())
            .map(|i| i + 1)
            .collect();
        events.ascii = text.is_ascii();
        events
    }

    /// saphyr's events, and markers whose index is the byte offset where saphyr's counts
    /// characters, with line and column 0: what the loader needs, without counting lines and
    /// characters (a tenth of the events' cost) for it to convert back.
    pub fn with_byte_offsets(text: &'a str) -> Self {
        FastEvents {
            text,
            b: text.as_bytes(),
            state: State::Start,
            unsupported: None,
            pos: 0,
            stack: Vec::new(),
            queue: VecDeque::new(),
            key_ahead: None,
            line_starts: Vec::new(),
            m_pos: 0,
            m_line: 1,
            m_line_start: 0,
            m_extra: 0,
            m_line_extra: 0,
            ascii: true,
            byte_offsets: true,
            only: None,
            holes: Vec::new(),
        }
    }

    /// [`FastEvents::with_byte_offsets`] for all of `text` but the lines of `splits` (in the
    /// order of the text, none inside another): exactly the events of the whole text, less
    /// those of the splits' entries. The producer gives up unless each split's first line is an
    /// entry of an open mapping.
    pub fn all_but(text: &'a str, splits: &[Split]) -> Self {
        let mut events = Self::with_byte_offsets(text);
        events.holes = splits.iter().rev().copied().collect();
        events
    }

    /// [`FastEvents::with_byte_offsets`] for the lines of `split` alone: the stream and
    /// document events, a mapping start, then exactly the events the whole text has for the
    /// split's entries, then the block ends that the line after them (or the end of the text)
    /// brings. The producer gives up where that is not so (a scalar that runs on past the
    /// split, say).
    pub fn only(text: &'a str, split: Split) -> Self {
        let mut events = Self::with_byte_offsets(text);
        events.only = Some(split);
        events
    }

    /// Why the producer gave up, once it has.
    pub fn unsupported(&self) -> Option<Unsupported> {
        self.unsupported
    }

    /// Whether the whole text was read and every event produced.
    pub fn finished(&self) -> bool {
        self.state == State::Done
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        self.queue.push_back(Pending {
            kind,
            value: Cow::Borrowed(""),
            start,
            end,
        });
    }

    fn scalar(&mut self, value: Cow<'a, str>, style: ScalarStyle, start: usize, end: usize) {
        self.queue.push_back(Pending {
            kind: Kind::Scalar(style),
            value,
            start,
            end,
        });
    }

    fn empty_scalar(&mut self, at: usize) {
        self.scalar(Cow::Borrowed(""), ScalarStyle::Plain, at, at);
    }

    /// The event and span of `p`, its markers computed now.
    fn event(&mut self, p: Pending<'a>) -> Step<(Event<'a>, Span)> {
        let start = self.mark(p.start)?;
        let end = if p.end == p.start {
            start
        } else {
            self.mark(p.end)?
        };
        let event = match p.kind {
            Kind::StreamStart => Event::StreamStart,
            Kind::DocumentStart(explicit) => Event::DocumentStart(explicit),
            Kind::DocumentEnd => Event::DocumentEnd,
            Kind::StreamEnd => Event::StreamEnd,
            Kind::MappingStart => Event::MappingStart(0, None),
            Kind::MappingEnd => Event::MappingEnd,
            Kind::SequenceStart => Event::SequenceStart(0, None),
            Kind::SequenceEnd => Event::SequenceEnd,
            Kind::Scalar(style) => Event::Scalar(p.value, style, 0, None),
        };
        Ok((event, Span::new(start, end)))
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    /// saphyr's marker for byte offset `p` (or [`END_OF_LAST_LINE`]). Offsets must come in
    /// order.
    fn mark(&mut self, p: usize) -> Step<Marker> {
        if self.byte_offsets {
            let p = if p == END_OF_LAST_LINE {
                self.b.len()
            } else {
                p
            };
            if p < self.m_pos || p > self.b.len() {
                return give_up("marker out of order", p);
            }
            self.m_pos = p;
            return Ok(Marker::new(p, 0, 0));
        }
        if p == END_OF_LAST_LINE {
            let m = self.mark(self.b.len())?;
            return Ok(Marker::new(m.index(), m.line() + 1, 0));
        }
        if p < self.m_pos || p > self.b.len() {
            return give_up("marker out of order", p);
        }
        let line_start = self.m_line_start;
        // Markers are mostly on the same line or the next.
        while let Some(&next) = self.line_starts.get(self.m_line - 1) {
            if next > p {
                break;
            }
            self.m_line += 1;
            self.m_line_start = next;
        }
        if !self.ascii {
            if self.m_line_start != line_start {
                self.m_extra += continuation_bytes(&self.b[self.m_pos..self.m_line_start]);
                self.m_line_extra = self.m_extra;
                self.m_pos = self.m_line_start;
            }
            self.m_extra += continuation_bytes(&self.b[self.m_pos..p]);
        }
        self.m_pos = p;
        let col = (p - self.m_line_start) - (self.m_extra - self.m_line_extra);
        Ok(Marker::new(p - self.m_extra, self.m_line, col))
    }

    /// Offset of the line break (`\r` or `\n`) ending the line of `i`, or the end of the text.
    fn eol(&self, i: usize) -> usize {
        memchr::memchr2(b'\n', b'\r', &self.b[i..]).map_or(self.b.len(), |k| i + k)
    }

    /// Start of the line after the break at `i` (the end of the text at the end).
    fn after_break(&self, i: usize) -> usize {
        match self.at(i) {
            b'\r' => i + 2, // the prescan made sure a `\n` follows
            b'\n' => i + 1,
            _ => self.b.len(),
        }
    }

    fn line_start(&self, i: usize) -> usize {
        memchr::memrchr(b'\n', &self.b[..i]).map_or(0, |k| k + 1)
    }

    /// saphyr's `skip_ws_to_eol`: blanks and a comment (which needs a blank before it).
    fn ws_to_eol(&self, mut i: usize) -> Step<usize> {
        let start = i;
        while self.at(i) == b' ' {
            i += 1;
        }
        if self.at(i) == b'#' {
            if i == start {
                return give_up("comment without a blank before it", i);
            }
            i = self.eol(i);
        }
        Ok(i)
    }

    /// The next line with content from line start `from`: the offset of its first non-blank
    /// character and its indentation; `None` at the end of the text. Comment lines are skipped.
    fn next_content(&self, mut from: usize) -> Option<(usize, usize)> {
        loop {
            let mut i = from;
            while self.at(i) == b' ' {
                i += 1;
            }
            match self.at(i) {
                0 if i >= self.b.len() => return None,
                b'\n' | b'\r' => from = self.after_break(i),
                b'#' => from = self.after_break(self.eol(i)),
                _ => return Some((i, i - from)),
            }
        }
    }

    /// A `-` that is a block sequence entry.
    fn is_dash(&self, i: usize) -> bool {
        self.at(i) == b'-' && is_blankz(self.at(i + 1))
    }

    fn is_document_marker(&self, i: usize) -> bool {
        let rest = &self.b[i..];
        (rest.starts_with(b"---") || rest.starts_with(b"...")) && is_blankz(self.at(i + 3))
    }

    fn fail(&mut self, why: Unsupported) {
        self.state = State::Failed;
        self.unsupported = Some(why);
        self.queue.clear();
    }

    fn step(&mut self) -> Step<()> {
        match self.state {
            State::Start => self.start(),
            State::Body => self.body(),
            State::Done | State::Failed => Ok(()),
        }
    }

    fn start(&mut self) -> Step<()> {
        if let Some(split) = self.only {
            return self.start_split(split);
        }
        prescan(self.b)?;
        self.push(Kind::StreamStart, 0, 0);
        let Some((mut p, mut ind)) = self.next_content(0) else {
            return give_up("no content", 0);
        };
        let mut explicit = false;
        if ind == 0 && self.b[p..].starts_with(b"---") && is_blankz(self.at(p + 3)) {
            let end = self.ws_to_eol(p + 3)?;
            if !is_breakz(self.at(end)) {
                return give_up("content after ---", end);
            }
            self.push(Kind::DocumentStart(true), p, p + 3);
            explicit = true;
            let Some(next) = self.next_content(self.after_break(end)) else {
                return give_up("no content", end);
            };
            (p, ind) = next;
        }
        if ind == 0 && self.is_document_marker(p) {
            return give_up("document marker", p);
        }
        let map = !self.is_dash(p);
        if map && self.key_at(p)?.is_none() {
            return give_up("the root is not a block collection", p);
        }
        if !explicit {
            self.push(Kind::DocumentStart(false), p, p);
        }
        self.state = State::Body;
        self.pos = p - ind;
        self.open_block(p, ind)
    }

    /// The start of [`FastEvents::only`]: the split's first line is the first entry of a root
    /// mapping at its indentation.
    fn start_split(&mut self, split: Split) -> Step<()> {
        let Some(lines) = self.b.get(split.from..split.to) else {
            return give_up("the split is outside the text", split.from);
        };
        prescan(lines)?;
        self.push(Kind::StreamStart, split.from, split.from);
        let p = split.from + split.col;
        if self.next_content(split.from) != Some((p, split.col)) || self.key_at(p)?.is_none() {
            return give_up("the split does not start with a mapping entry", p);
        }
        self.push(Kind::DocumentStart(false), p, p);
        self.state = State::Body;
        self.pos = split.from;
        self.open_block(p, split.col)
    }

    /// The next line with content: close the blocks it ends, then read its entry.
    fn body(&mut self) -> Step<()> {
        let Some((mut p, mut ind)) = self.next_content(self.pos) else {
            return self.finish();
        };
        while let Some(&split) = self.holes.last().filter(|split| p >= split.from) {
            // The split's entries are read elsewhere: close what its first line closes (the
            // mapping they belong to stays open), then go on after them.
            if p != split.from + split.col {
                return give_up("the split's first line is part of a value", p);
            }
            self.close_blocks(p, ind);
            if !matches!(self.stack.last(), Some(top) if top.map && top.col == ind) {
                return give_up("the split's first line is not a mapping entry", p);
            }
            self.holes.pop();
            match self.next_content(split.to) {
                Some(next) => (p, ind) = next,
                None => return self.finish(),
            }
        }
        if let Some(split) = self.only.filter(|split| p >= split.to) {
            // The line after the split closes the split's blocks, as in the whole text.
            if self.line_start(p) != split.to || ind >= split.col {
                return give_up("a value runs on past the split", p);
            }
            self.close_blocks(p, ind);
            self.push(Kind::DocumentEnd, p, p);
            self.push(Kind::StreamEnd, p, p);
            self.state = State::Done;
            return Ok(());
        }
        if ind == 0 && self.is_document_marker(p) {
            return give_up("document marker", p);
        }
        self.close_blocks(p, ind);
        let Some(top) = self.stack.last().copied() else {
            return give_up("content after the root node", p);
        };
        if top.col != ind {
            return give_up("indentation of no open block", p);
        }
        if top.map {
            self.map_entry(p)
        } else if self.is_dash(p) {
            self.seq_entry(p, top.col)
        } else {
            give_up("sequence without '-'", p)
        }
    }

    /// Closes the blocks that a line with content at `p`, indented to `ind`, ends.
    fn close_blocks(&mut self, p: usize, ind: usize) {
        while let Some(top) = self.stack.last().copied() {
            let ends = top.col > ind || (top.indentless && top.col == ind && !self.is_dash(p));
            if !ends {
                break;
            }
            // Block end tokens sit at the next token.
            self.stack.pop();
            self.push(top.end(), p, p);
        }
    }

    /// End of the text: close everything as saphyr's stream end does.
    fn finish(&mut self) -> Step<()> {
        let len = self.b.len();
        let col = self.text[self.line_start(len)..].chars().count();
        // saphyr ends the last line before the stream end; blocks indented deeper than the
        // column the text ends at were closed just before, at the end of the text itself.
        let adjusted = if col != 0 { END_OF_LAST_LINE } else { len };
        while let Some(top) = self.stack.pop() {
            let at = if top.col > col { len } else { adjusted };
            self.push(top.end(), at, at);
        }
        self.push(Kind::DocumentEnd, adjusted, adjusted);
        self.push(Kind::StreamEnd, adjusted, adjusted);
        self.state = State::Done;
        Ok(())
    }

    /// A mapping key at `p` (plain or quoted, on one line, followed by `:` and a blank), or
    /// `None` when the line at `p` is not a mapping entry.
    fn key_at(&self, p: usize) -> Step<Option<Key<'a>>> {
        let c = self.at(p);
        let key = if c == b'"' || c == b'\'' {
            let Some((value, close)) = self.quoted_line(p)? else {
                return Ok(None);
            };
            let end = self.ws_to_eol(close)?;
            if self.at(end) != b':' || !is_blankz(self.at(end + 1)) {
                return Ok(None);
            }
            Key {
                value,
                style: quoted_style(c),
                start: p,
                end,
                colon: end,
            }
        } else {
            if !plain_start(c, self.at(p + 1)) {
                return Ok(None);
            }
            let eol = self.eol(p);
            let mut i = p;
            let colon = loop {
                let Some(k) = memchr::memchr2(b':', b'#', &self.b[i..eol]) else {
                    return Ok(None);
                };
                let j = i + k;
                if self.b[j] == b':' {
                    if j + 1 == eol || self.b[j + 1] == b' ' {
                        break j;
                    }
                } else if self.b[j - 1] == b' ' {
                    return Ok(None); // a comment
                }
                i = j + 1;
            };
            let end = trim_blanks(self.b, p, colon);
            Key {
                value: Cow::Borrowed(&self.text[p..end]),
                style: ScalarStyle::Plain,
                start: p,
                end,
                colon,
            }
        };
        if key.colon - p > MAX_KEY_BYTES {
            return give_up("long key", p);
        }
        Ok(Some(key))
    }

    fn map_entry(&mut self, p: usize) -> Step<()> {
        let key = match self.key_ahead.take() {
            Some(key) if key.start == p => Some(key),
            _ => self.key_at(p)?,
        };
        let Some(key) = key else {
            return give_up("not a mapping entry", p);
        };
        self.emit_key(key)
    }

    fn emit_key(&mut self, key: Key<'a>) -> Step<()> {
        let col = self.stack.last().map_or(0, |b| b.col);
        self.scalar(key.value, key.style, key.start, key.end);
        self.map_value(key.colon, col)
    }

    /// The value after the `:` at `colon` of a key in the mapping at column `col`.
    fn map_value(&mut self, colon: usize, col: usize) -> Step<()> {
        let q = self.ws_to_eol(colon + 1)?;
        let c = self.at(q);
        if is_breakz(c) {
            let next = self.after_break(q);
            self.pos = next;
            match self.next_content(next) {
                Some((p2, ind2)) if ind2 > col => self.open_block(p2, ind2),
                Some((p2, ind2)) if ind2 == col && self.is_dash(p2) => {
                    // A sequence at its key's indentation starts at its first entry token.
                    let entry = self.ws_to_eol(p2 + 1)?;
                    let block = Block {
                        col,
                        map: false,
                        indentless: true,
                    };
                    self.open(block, entry)
                }
                _ => {
                    // `key:` alone: a null at the `:`.
                    self.empty_scalar(colon);
                    Ok(())
                }
            }
        } else {
            self.inline_value(q, col)
        }
    }

    /// A value on the lines after its key or `-`, starting at `p` indented to `ind`: a block
    /// collection (its first entry is read by the next step) or a scalar.
    fn open_block(&mut self, p: usize, ind: usize) -> Step<()> {
        let map = !self.is_dash(p);
        if map {
            match self.key_at(p)? {
                // A scalar or flow collection on the line after its key or `-`.
                None => return self.inline_value(p, self.stack.last().map_or(0, |b| b.col)),
                Some(key) => self.key_ahead = Some(key),
            }
        }
        let block = Block {
            col: ind,
            map,
            indentless: false,
        };
        self.open(block, p)
    }

    /// Opens `block` with its start event at `at` (where it also ends: a block's start has an
    /// empty span).
    fn open(&mut self, block: Block, at: usize) -> Step<()> {
        if self.stack.len() >= MAX_DEPTH {
            return give_up("deep nesting", at);
        }
        self.stack.push(block);
        let kind = if block.map {
            Kind::MappingStart
        } else {
            Kind::SequenceStart
        };
        self.push(kind, at, at);
        Ok(())
    }

    /// A sequence entry whose `-` is at `dash`, in the sequence at column `col`.
    fn seq_entry(&mut self, dash: usize, col: usize) -> Step<()> {
        let mut q = self.ws_to_eol(dash + 1)?;
        let mut col = col;
        // `- - a`: one sequence in another, read in a loop (there may be thousands).
        while self.is_dash(q) {
            col = q - self.line_start(q);
            self.open(
                Block {
                    col,
                    map: false,
                    indentless: false,
                },
                q,
            )?;
            q = self.ws_to_eol(q + 1)?;
        }
        if is_breakz(self.at(q)) {
            // saphyr's entry token (where an empty entry's null sits) is after the blanks and
            // any comment.
            let next = self.after_break(q);
            self.pos = next;
            match self.next_content(next) {
                Some((p2, ind2)) if ind2 > col => self.open_block(p2, ind2),
                _ => {
                    self.empty_scalar(q);
                    Ok(())
                }
            }
        } else if let Some(key) = self.key_at(q)? {
            // `- key: value`: a mapping at the key's column.
            let block = Block {
                col: q - self.line_start(q),
                map: true,
                indentless: false,
            };
            self.open(block, q)?;
            self.emit_key(key)
        } else {
            self.inline_value(q, col)
        }
    }

    /// A value starting at `q` on the line of its key or `-`; `col` is the column of the
    /// innermost block.
    fn inline_value(&mut self, q: usize, col: usize) -> Step<()> {
        match self.at(q) {
            b'|' | b'>' => self.block_scalar(q, col),
            b'"' | b'\'' => self.quoted_value(q, col),
            b'[' | b'{' => self.flow(q),
            c if plain_start(c, self.at(q + 1)) => self.plain_value(q, col),
            _ => give_up("indicator", q),
        }
    }

    /// A plain scalar value at `p`, continued on more indented lines.
    fn plain_value(&mut self, p: usize, col: usize) -> Step<()> {
        let eol = self.eol(p);
        let (first_end, commented) = self.plain_line(p, eol)?;
        let mut owned: Option<String> = None;
        let mut last_end = first_end;
        let mut pos = self.after_break(eol);
        if !commented {
            // Line breaks since the last content line.
            let mut breaks = 1;
            while pos < self.b.len() {
                let ls = pos;
                let mut i = pos;
                while self.at(i) == b' ' {
                    i += 1;
                }
                match self.at(i) {
                    b'\n' | b'\r' => {
                        breaks += 1;
                        pos = self.after_break(i);
                        continue;
                    }
                    0 if i >= self.b.len() => break,
                    b'#' => break,
                    _ if i - ls <= col => break,
                    _ => {}
                }
                let leol = self.eol(i);
                let (end, commented) = self.plain_line(i, leol)?;
                let s = owned.get_or_insert_with(|| self.text[p..first_end].to_owned());
                if breaks == 1 {
                    s.push(' ');
                } else {
                    s.extend(std::iter::repeat_n('\n', breaks - 1));
                }
                s.push_str(&self.text[i..end]);
                last_end = end;
                breaks = 1;
                pos = self.after_break(leol);
                if commented {
                    break;
                }
            }
        }
        self.pos = pos;
        let value = match owned {
            Some(s) => Cow::Owned(s),
            None => Cow::Borrowed(&self.text[p..first_end]),
        };
        self.scalar(value, ScalarStyle::Plain, p, last_end);
        Ok(())
    }

    /// One line of a plain scalar from `p` to `eol`: where its text ends and whether a comment
    /// ends it. Gives up on a `: ` (a mapping where saphyr reports an error).
    fn plain_line(&self, p: usize, eol: usize) -> Step<(usize, bool)> {
        let mut i = p;
        while let Some(k) = memchr::memchr2(b':', b'#', &self.b[i..eol]) {
            let j = i + k;
            if self.b[j] == b':' {
                if j + 1 == eol || self.b[j + 1] == b' ' {
                    return give_up("': ' in a plain scalar", j);
                }
            } else if j > p && self.b[j - 1] == b' ' {
                return Ok((trim_blanks(self.b, p, j), true));
            }
            i = j + 1;
        }
        Ok((trim_blanks(self.b, p, eol), false))
    }

    /// A quoted scalar value at `p`; `col` is the column of the innermost block.
    fn quoted_value(&mut self, p: usize, col: usize) -> Step<()> {
        let (value, close) = match self.quoted_line(p)? {
            Some(v) => v,
            None => {
                let (value, close, _) = self.quoted_scan(p, Some(col))?;
                (Cow::Owned(value), close)
            }
        };
        let end = self.ws_to_eol(close)?;
        if !is_breakz(self.at(end)) {
            return give_up("content after a quoted scalar", end);
        }
        self.pos = self.after_break(end);
        self.scalar(value, quoted_style(self.at(p)), p, end);
        Ok(())
    }

    /// A quoted scalar at `p` that ends on its line: its value and the offset after the closing
    /// quote; `None` if it goes on to another line.
    fn quoted_line(&self, p: usize) -> Step<Option<(Cow<'a, str>, usize)>> {
        let quote = self.at(p);
        let start = p + 1;
        // Common case: no escapes, so the value is a slice of the text.
        let stop = if quote == b'"' {
            memchr::memchr3(b'"', b'\\', b'\n', &self.b[start..])
        } else {
            memchr::memchr2(b'\'', b'\n', &self.b[start..])
        };
        let Some(k) = stop else {
            return give_up("unterminated quoted scalar", p);
        };
        let j = start + k;
        if self.b[j] == quote && !(quote == b'\'' && self.at(j + 1) == b'\'') {
            if memchr::memchr(b'\r', &self.b[start..j]).is_some() {
                return Ok(None);
            }
            return Ok(Some((Cow::Borrowed(&self.text[start..j]), j + 1)));
        }
        if self.b[j] == b'\n' {
            return Ok(None);
        }
        let (value, close, lines) = self.quoted_scan(p, None)?;
        Ok((!lines).then_some((Cow::Owned(value), close)))
    }

    /// saphyr's `scan_flow_scalar` from the quote at `p`: the value, the offset after the
    /// closing quote, and whether it went over a line break. Continuation lines must be
    /// indented deeper than `col` (`None`: stop at the first line break instead).
    fn quoted_scan(&self, p: usize, col: Option<usize>) -> Step<(String, usize, bool)> {
        let quote = self.at(p);
        let single = quote == b'\'';
        let mut string = String::new();
        let mut leading_break = String::new();
        let mut trailing_breaks = String::new();
        let mut whitespaces = String::new();
        let mut i = p + 1;
        let mut crossed = false;
        let mut line_start = 0;
        loop {
            if crossed {
                // saphyr requires continuation lines inside the node's indentation (and none
                // at column 0, where a document marker could be); ask no more.
                let Some(col) = col else {
                    return Ok((string, i, true));
                };
                if i - line_start <= col {
                    return give_up("quoted scalar continuation indentation", i);
                }
            }
            if i >= self.b.len() {
                return give_up("unterminated quoted scalar", p);
            }
            let mut leading_blanks = false;
            loop {
                let c = self.at(i);
                if c == b' ' || is_breakz(c) {
                    break;
                }
                if single && c == b'\'' {
                    if self.at(i + 1) == b'\'' {
                        string.push('\'');
                        i += 2;
                        continue;
                    }
                    break;
                }
                if !single && c == b'"' {
                    break;
                }
                if !single && c == b'\\' {
                    if is_break(self.at(i + 1)) {
                        i = self.after_break(i + 1);
                        line_start = i;
                        crossed = true;
                        leading_blanks = true;
                        break;
                    }
                    let (ch, n) = escape(&self.b[i..]).ok_or(Unsupported {
                        reason: "escape",
                        offset: i,
                    })?;
                    string.push(ch);
                    i += n;
                    continue;
                }
                // Up to the next quote, escape or line break at once; blanks before a line break
                // are left to the blank handling below, which drops them.
                let rest = &self.b[i + 1..];
                let found = if single {
                    memchr::memchr2(b'\'', b'\n', rest)
                } else {
                    memchr::memchr3(b'"', b'\\', b'\n', rest)
                };
                let mut stop = found.map_or(self.b.len(), |k| i + 1 + k);
                if self.at(stop) == b'\n' {
                    if self.b[stop - 1] == b'\r' {
                        stop -= 1;
                    }
                    stop = trim_blanks(self.b, i, stop);
                }
                string.push_str(&self.text[i..stop]);
                i = stop;
            }
            if self.at(i) == quote {
                break;
            }
            while self.at(i) == b' ' || is_break(self.at(i)) {
                if self.at(i) == b' ' {
                    if !leading_blanks {
                        whitespaces.push(' ');
                    }
                    i += 1;
                } else {
                    if leading_blanks {
                        trailing_breaks.push('\n');
                    } else {
                        whitespaces.clear();
                        leading_break.push('\n');
                        leading_blanks = true;
                    }
                    i = self.after_break(i);
                    line_start = i;
                    crossed = true;
                }
            }
            if leading_blanks {
                if leading_break.is_empty() {
                    string.push_str(&trailing_breaks);
                    trailing_breaks.clear();
                } else {
                    if trailing_breaks.is_empty() {
                        string.push(' ');
                    } else {
                        string.push_str(&trailing_breaks);
                        trailing_breaks.clear();
                    }
                    leading_break.clear();
                }
            } else {
                string.push_str(&whitespaces);
                whitespaces.clear();
            }
        }
        Ok((string, i + 1, crossed))
    }

    /// A literal or folded block scalar whose indicator is at `p`, in the block at column
    /// `parent` (saphyr's `scan_block_scalar`).
    fn block_scalar(&mut self, p: usize, parent: usize) -> Step<()> {
        let literal = self.at(p) == b'|';
        let mut i = p + 1;
        let chomping = match self.at(i) {
            b'+' => Chomping::Keep,
            b'-' => Chomping::Strip,
            _ => Chomping::Clip,
        };
        if chomping != Chomping::Clip {
            i += 1;
        }
        if self.at(i).is_ascii_digit() {
            return give_up("block scalar indentation indicator", i);
        }
        let header_end = self.ws_to_eol(i)?;
        if !is_break(self.at(header_end)) {
            return give_up("block scalar header", header_end);
        }
        let mut pos = self.after_break(header_end);
        let mut trailing_breaks = String::new();
        // Leading empty lines; the first content line sets the indentation.
        let mut max_indent = 0;
        let mut col;
        loop {
            let ls = pos;
            while self.at(pos) == b' ' {
                pos += 1;
            }
            col = pos - ls;
            max_indent = max_indent.max(col);
            if is_break(self.at(pos)) {
                trailing_breaks.push('\n');
                pos = self.after_break(pos);
            } else {
                break;
            }
        }
        let indent = max_indent.max(parent + 1);
        if pos >= self.b.len() {
            return give_up("block scalar at the end of the text", pos);
        }
        if col < indent && col > parent {
            return give_up("wrongly indented block scalar", pos);
        }
        let start = pos;
        let mut string = String::new();
        let mut leading_break = String::new();
        let mut leading_blank = false;
        let mut ended_in_line = false;
        while col == indent && !is_breakz(self.at(pos)) {
            let trailing_blank = self.at(pos) == b' ';
            if !literal && !leading_break.is_empty() && !leading_blank && !trailing_blank {
                string.push_str(&trailing_breaks);
                if trailing_breaks.is_empty() {
                    string.push(' ');
                }
            } else {
                string.push_str(&leading_break);
                string.push_str(&trailing_breaks);
            }
            leading_break.clear();
            trailing_breaks.clear();
            leading_blank = trailing_blank;
            let e = self.eol(pos);
            string.push_str(&self.text[pos..e]);
            pos = e;
            if !is_break(self.at(pos)) {
                ended_in_line = true;
                break;
            }
            leading_break.push('\n');
            pos = self.after_break(pos);
            loop {
                let ls = pos;
                while pos - ls < indent && self.at(pos) == b' ' {
                    pos += 1;
                }
                col = pos - ls;
                if is_break(self.at(pos)) {
                    trailing_breaks.push('\n');
                    pos = self.after_break(pos);
                } else {
                    break;
                }
            }
        }
        if chomping != Chomping::Strip {
            string.push_str(&leading_break);
            let at_end = pos >= self.b.len();
            let end_col = if ended_in_line {
                self.text[self.line_start(pos)..pos].chars().count()
            } else {
                col
            };
            if at_end && end_col >= indent.max(1) {
                string.push('\n');
            }
        }
        if chomping == Chomping::Keep {
            string.push_str(&trailing_breaks);
        }
        self.pos = if ended_in_line { pos } else { pos - col };
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.scalar(Cow::Owned(string), style, start, pos);
        Ok(())
    }

    /// A flow sequence of scalars or an empty flow mapping at `p`, all on one line.
    fn flow(&mut self, p: usize) -> Step<()> {
        let open_end = self.ws_to_eol(p + 1)?;
        if is_breakz(self.at(open_end)) {
            return give_up("flow collection over several lines", open_end);
        }
        if self.at(p) == b'{' {
            if self.at(open_end) != b'}' {
                return give_up("flow mapping", open_end);
            }
            self.push(Kind::MappingStart, p, open_end);
            return self.flow_end(open_end, Kind::MappingEnd);
        }
        self.push(Kind::SequenceStart, p, open_end);
        let mut i = open_end;
        let mut first = true;
        loop {
            if self.at(i) == b']' {
                return self.flow_end(i, Kind::SequenceEnd);
            }
            if !first {
                if self.at(i) != b',' {
                    return give_up("flow sequence", i);
                }
                i = self.ws_to_eol(i + 1)?;
                if is_breakz(self.at(i)) {
                    return give_up("flow collection over several lines", i);
                }
                if self.at(i) == b']' {
                    continue;
                }
            }
            first = false;
            let c = self.at(i);
            if c == b'"' || c == b'\'' {
                let Some((value, close)) = self.quoted_line(i)? else {
                    return give_up("flow collection over several lines", i);
                };
                let end = self.ws_to_eol(close)?;
                if !matches!(self.at(end), b',' | b']') {
                    return give_up("flow sequence", end);
                }
                self.scalar(value, quoted_style(c), i, end);
                i = end;
            } else if c.is_ascii_alphanumeric()
                || c >= 0x80
                || matches!(c, b'_' | b'.' | b'/' | b'$')
                || (c == b'-' && self.at(i + 1).is_ascii_alphanumeric())
            {
                let mut j = i;
                let mut end = i;
                loop {
                    match self.at(j) {
                        b' ' => j += 1,
                        b',' | b']' | b'\n' | b'\r' | 0 => break,
                        b':' | b'#' | b'[' | b'{' | b'}' => return give_up("flow scalar", j),
                        // saphyr rejects `-` before a flow indicator
                        b'-' if matches!(self.at(j + 1), b',' | b'[' | b']' | b'{' | b'}') => {
                            return give_up("flow scalar", j)
                        }
                        _ => {
                            j += 1;
                            end = j;
                        }
                    }
                }
                if is_breakz(self.at(j)) {
                    return give_up("flow collection over several lines", j);
                }
                self.scalar(
                    Cow::Borrowed(&self.text[i..end]),
                    ScalarStyle::Plain,
                    i,
                    end,
                );
                i = j;
            } else {
                return give_up("flow scalar", i);
            }
        }
    }

    /// The closing bracket at `p` of a flow collection that is a block value.
    fn flow_end(&mut self, p: usize, kind: Kind) -> Step<()> {
        let end = self.ws_to_eol(p + 1)?;
        if !is_breakz(self.at(end)) {
            return give_up("content after a flow collection", end);
        }
        self.push(kind, p, end);
        self.pos = self.after_break(end);
        Ok(())
    }
}

impl<'a> Iterator for FastEvents<'a> {
    type Item = (Event<'a>, Span);

    /// The next event; `None` at the end or once the producer gave up (see
    /// [`FastEvents::unsupported`]).
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.state == State::Failed {
                return None;
            }
            if let Some(p) = self.queue.pop_front() {
                match self.event(p) {
                    Ok(event) => return Some(event),
                    Err(u) => self.fail(u),
                }
                continue;
            }
            if self.state == State::Done {
                return None;
            }
            if let Err(u) = self.step() {
                self.fail(u);
            }
        }
    }
}

/// Characters the producer leaves to saphyr wherever they are: tabs and other control
/// characters, a `\r` not followed by `\n`, and byte order marks.
fn prescan(b: &[u8]) -> Step<()> {
    let control = |c: u8| c < 0x20 && c != b'\n' && c != b'\r';
    // In blocks without an early exit, which the compiler turns into vector instructions.
    for (k, block) in b.chunks(64).enumerate() {
        if block.iter().fold(false, |any, &c| any | control(c)) {
            let i = block.iter().position(|&c| control(c)).unwrap_or(0);
            return give_up("tab or control character", k * 64 + i);
        }
    }
    for i in memchr::memchr_iter(b'\r', b) {
        if b.get(i + 1) != Some(&b'\n') {
            return give_up("line break \\r without \\n", i);
        }
    }
    if let Some(i) = memchr::memmem::find(b, "\u{feff}".as_bytes()) {
        return give_up("byte order mark", i);
    }
    Ok(())
}

fn continuation_bytes(b: &[u8]) -> usize {
    // Counted in bytes per block of 255, which the compiler turns into vector instructions.
    b.chunks(255)
        .map(|block| {
            let n = block
                .iter()
                .fold(0u8, |n, &c| n + u8::from(c & 0xC0 == 0x80));
            usize::from(n)
        })
        .sum()
}

fn is_break(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

/// A line break or the end of the text (there are no NULs: the prescan gives up on them).
fn is_breakz(c: u8) -> bool {
    is_break(c) || c == 0
}

fn is_blankz(c: u8) -> bool {
    c == b' ' || is_breakz(c)
}

/// Whether a plain scalar may start with `c` (then `next`) in block context; indicators the
/// producer does not handle count as not.
fn plain_start(c: u8, next: u8) -> bool {
    match c {
        b'-' | b'?' | b':' => !is_blankz(next),
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' | b' ' => false,
        _ => !is_breakz(c),
    }
}

fn quoted_style(quote: u8) -> ScalarStyle {
    if quote == b'\'' {
        ScalarStyle::SingleQuoted
    } else {
        ScalarStyle::DoubleQuoted
    }
}

/// End of `b[from..to]` without trailing blanks.
fn trim_blanks(b: &[u8], from: usize, mut to: usize) -> usize {
    while to > from && b[to - 1] == b' ' {
        to -= 1;
    }
    to
}

/// The character of the double-quoted escape at the start of `b` (a `\`) and its length;
/// `None` where saphyr reports an error.
fn escape(b: &[u8]) -> Option<(char, usize)> {
    let simple = match *b.get(1)? {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\x0d',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' => return hex_escape(b, 2),
        b'u' => return hex_escape(b, 4),
        b'U' => return hex_escape(b, 8),
        _ => return None,
    };
    Some((simple, 2))
}

fn hex_escape(b: &[u8], digits: usize) -> Option<(char, usize)> {
    let hex = b.get(2..2 + digits)?;
    let mut value = 0u32;
    for &h in hex {
        value = (value << 4) + char::from(h).to_digit(16)?;
    }
    Some((char::from_u32(value)?, 2 + digits))
}

/// Differential check for tests and fuzzing: runs the fast producer and saphyr on `text`.
/// `Ok(None)`: the producer finished with saphyr's exact stream; `Ok(Some(why))`: it gave up;
/// `Err`: it finished with a different stream (a bug), described.
#[doc(hidden)]
pub fn check_against_saphyr(text: &str) -> Result<Option<Unsupported>, String> {
    let mut fast = FastEvents::new(text);
    let ours: Vec<_> = fast.by_ref().collect();
    if !fast.finished() {
        return Ok(fast.unsupported());
    }
    let mut theirs = Vec::new();
    for next in saphyr_parser::Parser::new_from_str(text) {
        match next {
            Ok(event) => theirs.push(event),
            Err(e) => {
                return Err(format!(
                    "saphyr fails ({e}) after {} events where the fast producer finished",
                    theirs.len()
                ))
            }
        }
    }
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        if a != b {
            return Err(format!("event {i}: fast {a:?}, saphyr {b:?}"));
        }
    }
    if ours.len() != theirs.len() {
        return Err(format!(
            "fast gives {} events, saphyr {}",
            ours.len(),
            theirs.len()
        ));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offset_markers_are_saphyrs_converted_to_bytes() {
        let text =
            "# café\r\ninfo:\r\n  title: 'Zaakgegevens — één API'\r\n  x-€: |\r\n    naïef\r\n\r\n\
                    paths:\r\n  /zaken/{uuid}: {}\r\ntags: [één, twee]\r\n";
        let byte_of = |chars: usize| {
            text.char_indices()
                .nth(chars)
                .map_or(text.len(), |(b, _)| b)
        };
        let chars: Vec<_> = FastEvents::new(text).collect();
        let mut fast = FastEvents::with_byte_offsets(text);
        let bytes: Vec<_> = fast.by_ref().collect();
        assert!(fast.finished());
        assert_eq!(chars.len(), bytes.len());
        for ((event, span), (b_event, b_span)) in chars.iter().zip(&bytes) {
            assert_eq!(event, b_event);
            for (m, b) in [(span.start, b_span.start), (span.end, b_span.end)] {
                assert_eq!(byte_of(m.index()), b.index(), "{event:?}");
                assert_eq!((b.line(), b.col()), (0, 0));
            }
        }
    }

    /// The producer finishes on `src` with exactly saphyr's events.
    #[track_caller]
    fn same(src: &str) {
        match check_against_saphyr(src) {
            Ok(None) => {}
            Ok(Some(why)) => panic!("gave up on {src:?}: {why:?}"),
            Err(diff) => panic!("differs on {src:?}: {diff}"),
        }
    }

    /// The producer gives up on `src` for `reason`.
    #[track_caller]
    fn gives_up(src: &str, reason: &str) {
        match check_against_saphyr(src) {
            Ok(Some(why)) => assert_eq!(why.reason, reason, "on {src:?}"),
            other => panic!("expected giving up ({reason}) on {src:?}, got {other:?}"),
        }
    }

    /// saphyr rejects `src`, and the producer leaves it to saphyr.
    #[track_caller]
    fn syntax_error(src: &str) {
        assert!(
            saphyr_parser::Parser::new_from_str(src).any(|e| e.is_err()),
            "saphyr accepts {src:?}"
        );
        assert!(
            matches!(check_against_saphyr(src), Ok(Some(_))),
            "did not give up on {src:?}"
        );
    }

    #[test]
    fn block_mappings_and_sequences() {
        same("a: 1\nb:\n  c: 2\n  d:\n    e: f\ng: h\n");
        same("a:\n  - x\n  - y\n  -\n    z: 1\nb: 2\n");
        same("- a\n- b\n");
        same("a:\n  - k: 1\n    l: 2\n  -   m: 3\n  - n: 4\n    o:\n      - p\n");
        same("a:\n  - - x\n    - y\n  - - - z\n");
        // sequences at their key's indentation
        same("a:\n- x\n- y: 1\n  z: 2\nb: 3\n");
        same("a:\n  b:\n  - x\n  -\nc: 1\n");
        same("a:\n- x\n");
        same("a:\n- x");
        same("  a: 1\n  b:\n    c: 2\n");
    }

    #[test]
    fn empty_values_and_entries() {
        same("a:\nb:\n  c:\nd: 1\n");
        same("a: # comment\nb:   \n");
        same("a:");
        same("- \n-\n- # c\n- x\n-");
        same("a:\n  -\n  - \nb: 1\n");
        same("a:\n  - k:\n  - l:\n    m:\n");
    }

    #[test]
    fn plain_scalars() {
        same("a: b c  d  \nurl: http://x.y:80/z?q=1#f\ntime: 12:30\nk: a#b\n");
        same("a: -1\nb: -x\nc: ?x\nd: :x\ne: x]{,}\n");
        same("a: one\n  two\n\n  three\n\n\n    four  \nb: 1\n");
        same("- one\n  two\n- three\n   four\n");
        same("a: one\n  - two\n  [three]\n");
        same("a: one # comment\nb: two\n");
        same("a: one\n  # comment\nb: two\n");
        same("a: x\n\n\n");
        same("a: x   ");
        same("a: x  # c");
    }

    #[test]
    fn quoted_scalars() {
        same("a: 'it''s'\nb: \"q \\\" \\\\ \\n \\t \\x41 \\u00e9 \\U0001F600 \\/ \\N \\_ \\L \\P \\0 \\a \\b \\e \\f \\r \\v \\ \"\n");
        same("'a': 1\n\"b c\" : 2\n'': 3\n\"\": 4\n");
        same("a: \"x\" # comment\nb: 'y'   # comment\nc: \"z\"   \n");
        same("a: \"one\n  two\n\n  three  \n    four\"\nb: 'x\n   y'\n");
        same("a: \"one \\\n  two\\\n\n  three\"\n");
        same("a: \"x # not a comment\"\nb: 'y: z'\n");
        same("- \"x\"\n- 'y' # c\n- \"a\": 1\n  'b': 2\n");
        same("a: \"\"\nb: ''\nc: \"  \"\n");
        same("a:\n  \"value on the next line\"\nb:\n  'x\n  y'\n");
        same("a: 'x\n\n  '\n");
    }

    #[test]
    fn block_scalars() {
        for header in ["|", "|-", "|+", ">", ">-", ">+"] {
            same(&format!("a: {header}\n  one\n  two\n\n  three\nb: 1\n"));
            same(&format!("a: {header}\n  one\n\n\nb: 1\n"));
            same(&format!(
                "a: {header}\n  one\n    more\n  two\n   \n  three\n\n"
            ));
            same(&format!("a: {header}\n\n  one\n  two"));
            same(&format!("- {header}\n  x\n- {header} # c\n   y\n\n- z\n"));
            same(&format!(
                "a:\n  b: {header}\n    x\n    # not a comment\n  c: 1\n"
            ));
            same(&format!("a: {header}\nb: 1\n"));
            same(&format!("a: {header}\n  x\n  "));
            same(&format!("a: {header}\n  x\n   "));
            same(&format!("a: {header}\n  x\n \nb: 1\n"));
        }
        same("a: >\n  folded\n  lines\n\n   indented\n  back\n");
    }

    #[test]
    fn flow_collections() {
        same("a: []\nb: [ ]\nc: {}\nd: { }\ne: [x, y]\nf: [ x , 'y', \"z\" ]\n");
        same("a: [x y, z,]\nb: [1, -1, 1.5, a/b, $x, é] # c\n");
        same("- [a, b]\n- []\n- {}\n");
    }

    #[test]
    fn comments_documents_and_line_ends() {
        same(
            "# head\n\n  # odd indent\na: 1 # c\n    # deeper\n# col 0\nb:\n # c\n  c: 1\n   # c\n",
        );
        same("---\na: 1\n");
        same("--- # c\na: 1\n");
        same("a: 1\r\nb:\r\n  - 'x'\r\n  - \"y\r\n    z\"\r\nc: |\r\n  l1\r\n  l2\r\nd: e\r\n  f\r\n");
        same("a: 1\n# trailing comment");
        same("a:\n  b: 1\n ");
        same("a:\n  b:\n    c: 1\n   ");
        same("a:\n  - x\n  ");
    }

    #[test]
    fn unicode() {
        same("é: ü\n😀: \"😀 é\"\nk: 'ß'\nl:\n  - ÿ\n  - 中文: 值\nm: |\n  ünïcode\n  😀\nn: [é, 😀]\n");
        same("a: é\n  ü\nb: 1 # é\n");
    }

    #[test]
    fn gives_up_outside_the_subset() {
        gives_up("a: &x 1\nb: *x\n", "indicator");
        gives_up("a: !!str 1\n", "indicator");
        gives_up("a: *x\n", "indicator");
        gives_up(
            "%YAML 1.2\n---\na: 1\n",
            "the root is not a block collection",
        );
        gives_up("a: 1\n---\nb: 2\n", "document marker");
        gives_up("a: 1\n...\n", "document marker");
        gives_up("? a\n: b\n", "the root is not a block collection");
        gives_up("a: 1\n? b\n: c\n", "not a mapping entry");
        gives_up("a:\tb\n", "tab or control character");
        gives_up("a: b\rc: d\n", "line break \\r without \\n");
        gives_up("a: \u{feff}\n", "byte order mark");
        gives_up("a: {b: c}\n", "flow mapping");
        gives_up("a: [b, [c]]\n", "flow scalar");
        gives_up("a: [b: c]\n", "flow scalar");
        gives_up("a: [b,\n  c]\n", "flow collection over several lines");
        gives_up("a: |2\n   x\n", "block scalar indentation indicator");
        gives_up("just a scalar\n", "the root is not a block collection");
        gives_up("", "no content");
        gives_up("# only a comment\n", "no content");
        gives_up(&format!("{}: 1\n", "k".repeat(1001)), "long key");
        gives_up("a: |\n", "block scalar at the end of the text");
        gives_up(&format!("{}x\n", "- ".repeat(5_000)), "deep nesting");
        same(&format!("{}x\n", "- ".repeat(900)));
        // Stricter than saphyr: a quoted scalar going on at its sequence's indentation.
        gives_up(
            "a:\n  - \"x\n  y\"\n",
            "quoted scalar continuation indentation",
        );
    }

    #[test]
    fn gives_up_on_syntax_errors() {
        syntax_error("a: b: c\n");
        syntax_error("a:\n    b: 1\n  c: 2\n");
        syntax_error("a:\n  - x\n  b: 1\n");
        syntax_error("a: 'unterminated\n");
        syntax_error("a: \"bad \\q escape\"\n");
        syntax_error("a: - x\n");
        syntax_error("a: \"x\" y\n");
        syntax_error("a: \"x\"# c\n");
        syntax_error("a: b # c\n  d\n");
        syntax_error("a:\n  b: \"x\ny\"\n");
        syntax_error("a: 1\nb\n");
        syntax_error("a: [x,\n");
        syntax_error("a: [-, x]\n");
        syntax_error("a: |\n    x\n  y\n");
        syntax_error("- a\nb: 1\n");
        syntax_error("a: 1\n  b: 2\n");
        syntax_error("a: @x\n");
        syntax_error("a: \"\\ud800\"\n");
    }
}
