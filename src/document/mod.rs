//! Bytes in, one resolved [`Document`] out: parsing (JSON/YAML with positions), OpenAPI format
//! detection and `$ref` resolution across files, each within [`Limits`].

pub mod json;
pub mod limits;
mod memo;
pub mod refs;
pub mod tree;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use limits::Limits;
pub use refs::{RefError, Refs, Target};
pub use tree::{FileId, NodeId, Range, Segment, Slot, SourceFile, Syntax, Tree, Value};

/// Why a document could not be loaded at all.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum LoadError {
    #[error("{message}")]
    Syntax { message: String, offset: u32 },
    #[error("nesting deeper than {limit} levels")]
    TooDeep { limit: usize, offset: u32 },
    #[error("a string longer than {limit} bytes")]
    StringTooLong { limit: usize, offset: u32 },
    #[error("document of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("YAML aliases expand to more than {limit} nodes")]
    AliasExpansion { limit: usize, offset: u32 },
    #[error("input is not valid UTF-8 (first invalid byte at offset {offset})")]
    NotUtf8 { offset: u32 },
}

impl LoadError {
    /// Byte offset the error points at, where it has one.
    pub fn offset(&self) -> u32 {
        match self {
            LoadError::Syntax { offset, .. }
            | LoadError::TooDeep { offset, .. }
            | LoadError::StringTooLong { offset, .. }
            | LoadError::AliasExpansion { offset, .. }
            | LoadError::NotUtf8 { offset } => *offset,
            LoadError::TooLarge { .. } => 0,
        }
    }
}

/// A problem the parser found but could continue past (reported as a `parser` finding).
#[derive(Debug, Clone, PartialEq)]
pub struct ParseDiagnostic {
    pub file: FileId,
    pub message: String,
    /// The object holding the offending key, and the key: the finding's path.
    pub object: Option<(NodeId, Box<str>)>,
    pub start: u32,
    pub end: u32,
}

/// The document formats the reference linter's `spectral:oas` detection recognises; a document
/// can match several (`openapi: 3.0.3` is both `oas3` and `oas3_0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Formats {
    pub oas2: bool,
    pub oas3: bool,
    pub oas3_0: bool,
    pub oas3_1: bool,
    pub oas3_2: bool,
}

impl Formats {
    /// No registered format matched: the reference warns `unrecognized-format`.
    pub fn is_unrecognized(self) -> bool {
        !(self.oas2 || self.oas3 || self.oas3_0 || self.oas3_1 || self.oas3_2)
    }
}

/// Options for loading a document.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub limits: Limits,
}

/// A loaded document: every file's nodes, the resolved `$ref`s and what went wrong on the way.
#[derive(Debug)]
pub struct Document {
    pub tree: Tree,
    pub root_file: FileId,
    pub root: Option<NodeId>,
    pub refs: Refs,
    pub formats: Formats,
    pub diagnostics: Vec<ParseDiagnostic>,
    pub ref_errors: Vec<RefError>,
    /// Values several rules derive alike ([`Document::shared`]).
    memo: memo::Memo,
}

impl Document {
    /// Loads `text` (the content of `name`) and the local files it references.
    /// `name` is what findings carry as source; relative `$ref`s resolve against its directory.
    pub fn load(name: &str, text: &[u8], options: &LoadOptions) -> Result<Document, LoadError> {
        let text = decode(text, &options.limits)?;
        let mut tree = Tree::new();
        let root_file = tree.add_file(SourceFile::new(name.to_string(), text, Syntax::Yaml));
        let mut diagnostics = Vec::new();
        let root = parse_file(&mut tree, root_file, &options.limits, &mut diagnostics)?;
        tree.file_mut(root_file).root = root;
        let base_dir = Path::new(name)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut doc = Document {
            tree,
            root_file,
            root,
            refs: Refs::default(),
            formats: Formats::default(),
            diagnostics,
            ref_errors: Vec::new(),
            memo: memo::Memo::default(),
        };
        doc.formats = detect_formats(&doc);
        refs::resolve_all(&mut doc, &base_dir, &options.limits);
        Ok(doc)
    }

    /// `id` itself, or the node its `$ref` points at when `id` is a resolvable reference object.
    pub fn resolve(&self, id: NodeId) -> NodeId {
        match self.refs.target(id) {
            Some(Target::Node(t)) => t,
            _ => id,
        }
    }

    /// The value of `id` after `$ref` resolution.
    pub fn value(&self, id: NodeId) -> &Value {
        self.tree.value(self.resolve(id))
    }

    /// Child `key` of (resolved) `id`, itself resolved.
    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.tree
            .raw_get(self.resolve(id), key)
            .map(|c| self.resolve(c))
    }

    /// Follows a chain of keys through resolved nodes.
    pub fn get_path(&self, id: NodeId, keys: &[&str]) -> Option<NodeId> {
        keys.iter().try_fold(id, |cur, k| self.get(cur, k))
    }

    /// Entries of (resolved) object `id`, values resolved (duplicate keys were merged by the parser).
    pub fn entries(&self, id: NodeId) -> impl Iterator<Item = (&str, NodeId)> + '_ {
        let entries = self.tree.entries(self.resolve(id));
        entries.iter().map(move |(k, v)| (&**k, self.resolve(*v)))
    }

    /// Items of (resolved) array `id`, resolved.
    pub fn items(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.tree
            .items(self.resolve(id))
            .iter()
            .map(|&i| self.resolve(i))
    }

    pub fn as_str(&self, id: NodeId) -> Option<&str> {
        self.tree.as_str(self.resolve(id))
    }

    pub fn is_object(&self, id: NodeId) -> bool {
        matches!(self.value(id), Value::Object(_))
    }

    /// Where a finding on (resolved) node `id` is reported: the node itself, or for a `$ref`
    /// whose pointer does not exist, the closest existing node on that pointer's path.
    pub fn location(&self, id: NodeId) -> NodeId {
        match self.refs.target(id) {
            Some(Target::Missing { closest }) => closest,
            _ => id,
        }
    }

    pub fn root_name(&self) -> &str {
        &self.tree.file(self.root_file).name
    }
}

fn decode(bytes: &[u8], limits: &Limits) -> Result<String, LoadError> {
    if bytes.len() > limits.max_input_bytes {
        return Err(LoadError::TooLarge {
            size: bytes.len(),
            limit: limits.max_input_bytes,
        });
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| LoadError::NotUtf8 {
        offset: e.utf8_error().valid_up_to() as u32,
    })
}

/// Parses one file of the tree with the parser its syntax calls for. JSON-looking text in a
/// YAML-syntax file goes through the fast JSON parser (with YAML-style ranges) and falls back to
/// the YAML parser when it is not strict JSON.
fn parse_file(
    tree: &mut Tree,
    file: FileId,
    limits: &Limits,
    diagnostics: &mut Vec<ParseDiagnostic>,
) -> Result<Option<NodeId>, LoadError> {
    let looks_like_json = tree
        .file(file)
        .text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '[']);
    if !looks_like_json {
        return yaml::parse(tree, file, limits, diagnostics);
    }
    let mark = tree.node_count();
    let mut json_diags = Vec::new();
    let json_error = match json::parse(tree, file, limits, &mut json_diags) {
        Ok(root) => {
            diagnostics.extend(json_diags);
            return Ok(Some(root));
        }
        Err(e @ (LoadError::TooDeep { .. } | LoadError::StringTooLong { .. })) => return Err(e),
        Err(e) if tree.file(file).syntax == Syntax::Json => return Err(e),
        Err(e) => e,
    };
    // Not strict JSON: it may still be YAML (flow style, comments). If it is not, the JSON
    // parser's error points closer to the mistake.
    tree.truncate(mark);
    yaml::parse(tree, file, limits, diagnostics).map_err(|_| json_error)
}

/// Loads a referenced file into the tree (used by `$ref` resolution).
pub(crate) fn load_referenced_file(
    tree: &mut Tree,
    path: &Path,
    name: String,
    limits: &Limits,
    diagnostics: &mut Vec<ParseDiagnostic>,
) -> Result<FileId, String> {
    let bytes = std::fs::read(path).map_err(|e| io_message(&e, path))?;
    let text = decode(&bytes, limits).map_err(|e| e.to_string())?;
    let syntax = if path.extension().is_some_and(|e| e == "json") {
        Syntax::Json
    } else {
        Syntax::Yaml
    };
    let file = tree.add_file(SourceFile::new(name, text, syntax));
    let root = parse_file(tree, file, limits, diagnostics).map_err(|e| e.to_string())?;
    tree.file_mut(file).root = root;
    Ok(file)
}

fn io_message(e: &std::io::Error, path: &Path) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => format!(
            "ENOENT: no such file or directory, open '{}'",
            absolute(path).display()
        ),
        _ => format!("{e}: '{}'", path.display()),
    }
}

pub(crate) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Format detection as `@stoplight/spectral-formats` does it: `parseInt(String(x))` on the
/// version field, then a regex on its string form for the minor versions.
fn detect_formats(doc: &Document) -> Formats {
    let mut formats = Formats::default();
    let Some(root) = doc.root.filter(|&r| doc.tree.is_object(r)) else {
        return formats;
    };
    let field = |key: &str| {
        doc.tree
            .raw_get(root, key)
            .map(|v| js_string(doc.tree.value(v)))
    };
    if let Some(swagger) = field("swagger") {
        formats.oas2 = js_parse_int(&swagger) == Some(2);
    }
    if let Some(openapi) = field("openapi") {
        formats.oas3 = js_parse_int(&openapi) == Some(3);
        let minor = |m: char| {
            let mut chars = openapi.chars();
            let head =
                chars.next() == Some('3') && chars.next() == Some('.') && chars.next() == Some(m);
            let rest = chars.as_str();
            head && (rest.is_empty()
                || rest
                    .strip_prefix('.')
                    .is_some_and(|r| r.chars().all(|c| c.is_ascii_digit())))
        };
        formats.oas3_0 = formats.oas3 && minor('0');
        formats.oas3_1 = formats.oas3 && minor('1');
        formats.oas3_2 = formats.oas3 && minor('2');
    }
    formats
}

/// JavaScript's `String(value)` for the scalars a version field can hold.
pub fn js_string(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => js_number(*n),
        Value::String(s) => s.to_string(),
        Value::Array(_) => String::new(),
        Value::Object(_) => "[object Object]".into(),
    }
}

/// JavaScript's `Number.prototype.toString()` (and `String(n)`): integers below 2^53 as their
/// digits, otherwise the shortest round-trip digits, in exponent form below 1e-6 and from 1e21.
pub fn js_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    // The common case (status codes, limits, enum values) without formatting twice.
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        return (n as i64).to_string();
    }
    // Shortest round-trip digits and exponent, e.g. "1.2345e22".
    let sci = format!("{:e}", n.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let point = exp + 1;
    let mut out = String::new();
    if n < 0.0 {
        out.push('-');
    }
    if k <= point && point <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (point - k) as usize));
    } else if 0 < point && point <= 21 {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = point - 1;
        out.push('e');
        out.push(if e >= 0 { '+' } else { '-' });
        out.push_str(&e.abs().to_string());
    }
    out
}

/// JavaScript's `parseInt(s)`: optional sign and leading digits after leading white space.
fn js_parse_int(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let n: i64 = digits.parse().ok()?;
    Some(if neg { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_javascript() {
        assert_eq!(js_number(200.0), "200");
        assert_eq!(js_number(1.5), "1.5");
        assert_eq!(js_number(-0.0), "0");
        assert_eq!(js_number(1e21), "1e+21");
        assert_eq!(js_number(1.2345678901234567e19), "12345678901234567000");
        assert_eq!(js_number(0.000001), "0.000001");
        assert_eq!(js_number(1e-7), "1e-7");
        assert_eq!(js_number(-1.5e-9), "-1.5e-9");
        // Beyond i64 and between 1e-7 and 1e-6, where shortcuts go wrong.
        assert_eq!(js_number(1e19), "10000000000000000000");
        assert_eq!(js_number(9_007_199_254_740_993.0), "9007199254740992");
        assert_eq!(js_number(5e-7), "5e-7");
        assert_eq!(js_number(1.5e300), "1.5e+300");
        assert_eq!(js_number(-42.0), "-42");
    }
}
