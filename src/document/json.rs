//! A strict JSON parser that builds [`Tree`] nodes with the reference linter's ranges.
//!
//! Hand-written because no JSON crate reports node positions without a second pass, and this is
//! the hot path for large documents: one pass, no intermediate `serde_json::Value`.
//! The same text gets different ranges depending on which parser the reference would have used
//! ([`Syntax::Yaml`] for root documents, [`Syntax::Json`] for referenced `.json` files).

use super::limits::Limits;
use super::tree::{FileId, NodeId, Syntax, Tree, Value};
use super::{LoadError, ParseDiagnostic};

/// Parses `tree.file(file).text` as JSON and returns the root node.
pub fn parse(
    tree: &mut Tree,
    file: FileId,
    limits: &Limits,
    diagnostics: &mut Vec<ParseDiagnostic>,
) -> Result<NodeId, LoadError> {
    let text = std::mem::take(&mut tree.file_mut(file).text);
    let syntax = tree.file(file).syntax;
    let result = {
        let mut p = Parser {
            text: &text,
            bytes: text.as_bytes(),
            key_spans: Vec::new(),
            open_entries: Vec::new(),
            open_items: Vec::new(),
            pos: 0,
            tree,
            file,
            syntax,
            limits,
            diagnostics,
            depth: 0,
        };
        p.document()
    };
    tree.file_mut(file).text = text;
    result
}

struct Parser<'a> {
    /// The text (valid UTF-8 already: a string run between ASCII delimiters is a `str` slice).
    text: &'a str,
    bytes: &'a [u8],
    /// The key spans of the objects being parsed, innermost last (one buffer for all).
    key_spans: Vec<(u32, u32)>,
    /// The entries and items of the containers being parsed, innermost last: one buffer each,
    /// so that each container's list is allocated once, at its final size, and not regrown.
    open_entries: Vec<(Box<str>, NodeId)>,
    open_items: Vec<NodeId>,
    pos: usize,
    tree: &'a mut Tree,
    file: FileId,
    syntax: Syntax,
    limits: &'a Limits,
    diagnostics: &'a mut Vec<ParseDiagnostic>,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn document(&mut self) -> Result<NodeId, LoadError> {
        if self.bytes.starts_with(b"\xEF\xBB\xBF") {
            self.pos = 3;
        }
        self.skip_ws();
        let root = self.value(None)?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.syntax_error("unexpected content after the JSON value"));
        }
        Ok(root)
    }

    fn syntax_error(&self, message: &str) -> LoadError {
        LoadError::Syntax {
            message: message.to_string(),
            offset: self.pos as u32,
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// Parses one value. `key_end` is the end offset of the key when the value belongs to an
    /// object entry: the YAML-style range of a container value starts one past it.
    fn value(&mut self, key_end: Option<u32>) -> Result<NodeId, LoadError> {
        let start = self.pos as u32;
        match self.bytes.get(self.pos) {
            Some(b'{') => self.enter(|p| p.object(start, key_end)),
            Some(b'[') => self.enter(|p| p.array(start, key_end)),
            Some(b'"') => {
                let s = self.string()?;
                Ok(self.leaf(Value::String(s), start))
            }
            Some(b't') => self.literal("true", Value::Bool(true), start),
            Some(b'f') => self.literal("false", Value::Bool(false), start),
            Some(b'n') => self.literal("null", Value::Null, start),
            Some(b'-' | b'0'..=b'9') => self.number(start),
            Some(_) => Err(self.syntax_error("expected a JSON value")),
            None => Err(self.syntax_error("unexpected end of input")),
        }
    }

    fn enter(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<NodeId, LoadError>,
    ) -> Result<NodeId, LoadError> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(LoadError::TooDeep {
                limit: self.limits.max_depth,
                offset: self.pos as u32,
            });
        }
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn leaf(&mut self, value: Value, start: u32) -> NodeId {
        self.tree.push(value, self.file, start, self.pos as u32)
    }

    fn literal(&mut self, word: &str, value: Value, start: u32) -> Result<NodeId, LoadError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(self.leaf(value, start))
        } else {
            Err(self.syntax_error("invalid literal"))
        }
    }

    fn number(&mut self, start: u32) -> Result<NodeId, LoadError> {
        let begin = self.pos;
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while let Some(b'0'..=b'9') = p.bytes.get(p.pos) {
                p.pos += 1;
            }
            p.pos > s
        };
        if !digits(self) {
            return Err(self.syntax_error("invalid number"));
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.syntax_error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.syntax_error("invalid number"));
            }
        }
        let text = std::str::from_utf8(&self.bytes[begin..self.pos]).unwrap_or("0");
        let n: f64 = text.parse().unwrap_or(f64::NAN);
        Ok(self.leaf(Value::Number(n), start))
    }

    fn string(&mut self) -> Result<Box<str>, LoadError> {
        self.pos += 1; // opening quote
        let run_start = self.pos;
        let run = self.run();
        if self.bytes.get(self.pos) == Some(&b'"') && run.len() <= self.limits.max_string_bytes {
            // No escape: one allocation of the right size.
            self.pos += 1;
            return Ok(run.into());
        }
        self.escaped_string(run, run_start)
            .map(String::into_boxed_str)
    }

    /// The characters from here to the next `"`, `\\` or control character.
    fn run(&mut self) -> &'a str {
        let run_start = self.pos;
        while let Some(&b) = self.bytes.get(self.pos) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            self.pos += 1;
        }
        // Both ends are at ASCII bytes or the text's end, so char boundaries.
        self.text.get(run_start..self.pos).unwrap_or_default()
    }

    /// The rest of a string whose first run (from `run_start`) stopped at an escape, a control
    /// character, the end of the text or the length limit.
    fn escaped_string(
        &mut self,
        first_run: &str,
        mut run_start: usize,
    ) -> Result<String, LoadError> {
        let mut out = String::from(first_run);
        loop {
            if out.len() > self.limits.max_string_bytes {
                return Err(LoadError::StringTooLong {
                    limit: self.limits.max_string_bytes,
                    offset: run_start as u32,
                });
            }
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let esc = *self
                        .bytes
                        .get(self.pos)
                        .ok_or_else(|| self.syntax_error("unterminated string"))?;
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return Err(self.syntax_error("invalid escape in string")),
                    }
                }
                Some(_) => return Err(self.syntax_error("control character in string")),
                None => return Err(self.syntax_error("unterminated string")),
            }
            run_start = self.pos;
            let run = self.run();
            out.push_str(run);
        }
    }

    fn hex4(&mut self) -> Result<u32, LoadError> {
        let hex = self
            .bytes
            .get(self.pos..self.pos + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.syntax_error("invalid \\u escape"))?;
        self.pos += 4;
        Ok(hex)
    }

    fn unicode_escape(&mut self) -> Result<char, LoadError> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.bytes[self.pos..].starts_with(b"\\u") {
            let save = self.pos;
            self.pos += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.pos = save;
        }
        // Lone surrogates cannot live in a Rust string; JavaScript would keep them.
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }

    /// Start offset of a container per the reference's range rules.
    fn container_start(&self, open: u32, key_end: Option<u32>) -> u32 {
        match (self.syntax, key_end) {
            (Syntax::Yaml, Some(k)) => k + 1,
            _ => open,
        }
    }

    fn object(&mut self, open: u32, key_end: Option<u32>) -> Result<NodeId, LoadError> {
        self.pos += 1;
        let spans_from = self.key_spans.len();
        let entries_from = self.open_entries.len();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                if self.bytes.get(self.pos) != Some(&b'"') {
                    return Err(self.syntax_error("expected a string key"));
                }
                let kstart = self.pos as u32;
                let key = self.string()?;
                let kend = self.pos as u32;
                self.skip_ws();
                if self.bytes.get(self.pos) != Some(&b':') {
                    return Err(self.syntax_error("expected ':' after key"));
                }
                self.pos += 1;
                self.skip_ws();
                let v = self.value(Some(kend))?;
                self.open_entries.push((key, v));
                self.key_spans.push((kstart, kend));
                self.skip_ws();
                match self.bytes.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.syntax_error("expected ',' or '}' in object")),
                }
            }
        }
        let mut entries: Vec<_> = self.open_entries.drain(entries_from..).collect();
        let duplicates = merge_duplicates(&mut entries, &self.key_spans[spans_from..]);
        self.key_spans.truncate(spans_from);
        let close_end = self.pos as u32;
        let end = match (self.syntax, entries.last()) {
            (Syntax::Yaml, Some((_, last))) => self.tree.node(*last).end,
            _ => close_end,
        };
        let start = self.container_start(open, key_end);
        let id = self
            .tree
            .push(Value::Object(entries), self.file, start, end);
        self.tree.adopt(id);
        for (key, (kstart, kend)) in duplicates {
            self.diagnostics.push(ParseDiagnostic {
                file: self.file,
                message: format!("Duplicate key: {key}"),
                object: Some((id, key)),
                start: kstart,
                end: kend,
            });
        }
        Ok(id)
    }

    fn array(&mut self, open: u32, key_end: Option<u32>) -> Result<NodeId, LoadError> {
        self.pos += 1;
        let items_from = self.open_items.len();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                let item = self.value(None)?;
                self.open_items.push(item);
                self.skip_ws();
                match self.bytes.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.syntax_error("expected ',' or ']' in array")),
                }
            }
        }
        let items: Vec<_> = self.open_items.drain(items_from..).collect();
        let end = match (self.syntax, items.last()) {
            (Syntax::Yaml, Some(last)) => self.tree.node(*last).end,
            _ => self.pos as u32,
        };
        let start = self.container_start(open, key_end);
        let id = self.tree.push(Value::Array(items), self.file, start, end);
        self.tree.adopt(id);
        Ok(id)
    }
}

/// Merges duplicate keys as JavaScript object construction does (first position, last value)
/// and returns each repeated key with the span of its repetition, for the `parser` finding.
pub(crate) fn merge_duplicates(
    entries: &mut Vec<(Box<str>, NodeId)>,
    spans: &[(u32, u32)],
) -> Vec<(Box<str>, (u32, u32))> {
    if !has_duplicates(entries) {
        return Vec::new();
    }
    let mut first: std::collections::HashMap<Box<str>, usize> =
        std::collections::HashMap::with_capacity(entries.len());
    let mut duplicates = Vec::new();
    let mut keep = vec![true; entries.len()];
    for i in 0..entries.len() {
        match first.get(&entries[i].0) {
            Some(&j) => {
                entries[j].1 = entries[i].1;
                keep[i] = false;
                duplicates.push((entries[i].0.clone(), spans[i]));
            }
            None => {
                first.insert(entries[i].0.clone(), i);
            }
        }
    }
    let mut k = keep.iter();
    entries.retain(|_| *k.next().unwrap_or(&true));
    duplicates
}

/// Cheap check first: objects are small and almost never have duplicate keys.
fn has_duplicates(entries: &[(Box<str>, NodeId)]) -> bool {
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .any(|(i, (k, _))| entries[..i].iter().any(|(k2, _)| k2 == k));
    }
    // Sorted rather than hashed: no hashing of every key of every large object, and no hash
    // flooding either (keys are the document's).
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| &**k).collect();
    keys.sort_unstable();
    keys.windows(2).any(|pair| pair[0] == pair[1])
}
