//! Compilation of JSON schemas into a [`SchemaSet`]: schema objects of the linted document (once
//! per node), and the vendored schema documents (by `$id` and `$ref` URI; see `vendored`, which
//! only tests and the generator of the baked schemas use).

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::sync::Arc;

use regress::Regex;

use super::ajv::{js_regex, Dep, Dialect, Enum, ErrorMessage, JType, Kw, SIdx, SNode, SchemaSet};
use super::formats::Format;
use super::key_pattern::KeyPattern;
use crate::document::{Document, NodeId, Target, Value};
use crate::rules::pattern::JsRegex;

#[cfg(test)]
pub mod vendored;

/// Why a schema of the document cannot be used, as `ajv.compile` fails.
#[derive(Debug, Clone, PartialEq)]
pub enum Fail {
    /// A `$ref` the reference leaves in place (missing or circular): `ajv` throws a
    /// `MissingRefError`, which the reference ignores for resolved rules.
    Skip,
    /// Any other compile error, reported with its message.
    Error(String),
}

/// Which `required` entries the reference drops before validating a media example
/// (`relaxRequired`): `readOnly` properties in requests, `writeOnly` ones in responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relax {
    None,
    Request,
    Response,
}

/// A schema value read generically.
enum Src<'s, N> {
    Other,
    Bool(bool),
    Num(f64),
    Str(&'s str),
    Arr(Vec<N>),
    Obj(Vec<(&'s str, N)>),
}

/// What keyword compilation needs from a schema source.
trait Compiler<'s> {
    type N: Copy;
    fn read(&self, n: Self::N) -> Src<'s, Self::N>;
    fn json(&self, n: Self::N) -> serde_json::Value;
    fn sub(&mut self, n: Self::N, relax: Relax) -> Result<SIdx, Fail>;
    fn dollar_ref(&mut self, holder: Self::N, reference: &str) -> Result<SIdx, Fail>;
    fn dynamic_ref(
        &mut self,
        holder: Self::N,
        reference: &str,
    ) -> Result<(Box<str>, bool, SIdx), Fail>;
    fn regex(&mut self, source: &str) -> Result<Arc<Regex>, Fail>;
    /// The flags [`Compiler::regex`] compiles with.
    fn regex_flags(&self) -> &'static str;
    /// The keyword semantics of the schema `holder` (the vendored draft-04 meta-schema keeps
    /// its own when an `ajv` 2020 schema refers into it).
    fn dialect(&self, holder: Self::N) -> Dialect;
    /// Whether `format` is checked in this schema (`ajv` compiles the json-schema.org
    /// meta-schemas with `validateFormats: false`).
    fn formats(&self, holder: Self::N) -> bool;
    /// `readOnly === true`, `writeOnly === true` of a property schema.
    fn read_write_only(&self, n: Self::N) -> (bool, bool);
    /// Whether `x-nullable: true` counts as `nullable: true` (the reference's `oasSchema`
    /// rewrites it so in Swagger 2.0 documents).
    fn x_nullable(&self) -> bool {
        false
    }
}

const NUMBER_KEYWORDS: &[&str] = &[
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "multipleOf",
    "format",
];
const STRING_KEYWORDS: &[&str] = &["maxLength", "minLength", "pattern", "format"];
const ARRAY_KEYWORDS: &[&str] = &[
    "maxItems",
    "minItems",
    "uniqueItems",
    "items",
    "additionalItems",
    "contains",
];
const ARRAY_KEYWORDS_2020: &[&str] = &["prefixItems", "minContains", "maxContains"];
const OBJECT_KEYWORDS: &[&str] = &[
    "maxProperties",
    "minProperties",
    "required",
    "propertyNames",
    "additionalProperties",
    "dependencies",
    "properties",
    "patternProperties",
];
const OBJECT_KEYWORDS_2020: &[&str] = &[
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
];

fn num<N>(v: &Src<'_, N>) -> Option<f64> {
    match v {
        Src::Num(n) => Some(*n),
        _ => None,
    }
}

fn strings<'s, C: Compiler<'s>>(c: &C, items: &[C::N]) -> Vec<Box<str>> {
    items
        .iter()
        .filter_map(|&i| match c.read(i) {
            Src::Str(s) => Some(Box::from(s)),
            _ => None,
        })
        .collect()
}

/// The keys of a schema object, looked up by keyword. Compiling a schema asks for ~60 keywords
/// and a schema has a handful: a 64-bit summary of its keys turns most lookups away without
/// comparing a string (compiling the OpenAPI 3.0 schema did ~3,500 instructions per node).
struct Keys<'e, 's, N> {
    entries: &'e [(&'s str, N)],
    summary: u64,
}

impl<'e, 's, N: Copy> Keys<'e, 's, N> {
    fn new(entries: &'e [(&'s str, N)]) -> Self {
        let summary = entries.iter().fold(0, |s, (key, _)| s | summary_bit(key));
        Keys { entries, summary }
    }

    fn has(&self, key: &str) -> bool {
        self.summary & summary_bit(key) != 0 && self.entries.iter().any(|(k, _)| *k == key)
    }

    /// The value of `key` (the last one of duplicates, as in JavaScript).
    fn get(&self, key: &str) -> Option<N> {
        if self.summary & summary_bit(key) == 0 {
            return None;
        }
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }
}

/// One of 64 bits for a key, from its length and its first and last bytes.
fn summary_bit(key: &str) -> u64 {
    let b = key.as_bytes();
    let first = b.first().copied().map_or(0, u32::from);
    let last = b.last().copied().map_or(0, u32::from);
    1 << ((b.len() as u32 * 7 + first * 3 + last) % 64)
}

/// Compiles the keywords of a schema object.
#[allow(clippy::too_many_lines)]
fn compile_object<'s, C: Compiler<'s>>(
    c: &mut C,
    holder: C::N,
    entries: &[(&'s str, C::N)],
    relax: Relax,
) -> Result<Kw, Fail> {
    let dialect = c.dialect(holder);
    let d2020 = dialect == Dialect::Draft2020;
    let mut kw = Kw::default();
    let keys = Keys::new(entries);
    let has = |k: &str| keys.has(k);
    let get = |k: &str| keys.get(k);
    let group_has = |list: &[&str]| list.iter().any(|k| has(k));
    kw.groups = [
        group_has(NUMBER_KEYWORDS),
        group_has(STRING_KEYWORDS),
        group_has(ARRAY_KEYWORDS) || (d2020 && group_has(ARRAY_KEYWORDS_2020)),
        group_has(OBJECT_KEYWORDS) || (d2020 && group_has(OBJECT_KEYWORDS_2020)),
    ];

    // Types (with `nullable`, as `ajv`'s getSchemaTypes).
    let mut declared = 0;
    if let Some(t) = get("type") {
        kw.has_type = true;
        match c.read(t) {
            Src::Str(name) => {
                kw.types.extend(JType::from_name(name));
                kw.type_text = name.into();
                declared = usize::from(!name.is_empty());
            }
            Src::Arr(items) => {
                let names = strings(c, &items);
                kw.types
                    .extend(names.iter().filter_map(|n| JType::from_name(n)));
                kw.type_text = names.join(",").into();
                declared = items.len();
            }
            _ => {}
        }
    }
    let x_nullable =
        c.x_nullable() && get("x-nullable").is_some_and(|v| matches!(c.read(v), Src::Bool(true)));
    let nullable = if x_nullable {
        Some(true)
    } else {
        get("nullable").map(|n| matches!(c.read(n), Src::Bool(true)))
    };
    if let Some(nullable) = nullable {
        if declared == 0 {
            return Err(Fail::Error(
                "\"nullable\" cannot be used without \"type\"".into(),
            ));
        }
        if nullable {
            kw.nullable = true;
            if !kw.types.contains(&JType::Null) {
                kw.types.push(JType::Null);
            }
        }
    }

    if d2020 {
        if let Some(Src::Str(a)) = get("$dynamicAnchor").map(|v| c.read(v)) {
            kw.rare_mut().dynamic_anchor = Some(a.into());
        }
        if let Some(Src::Str(r)) = get("$dynamicRef").map(|v| c.read(v)) {
            kw.rare_mut().dynamic_ref = Some(c.dynamic_ref(holder, r)?);
        }
    }
    if let Some(Src::Str(r)) = get("$ref").map(|v| c.read(v)) {
        kw.r#ref = Some(c.dollar_ref(holder, r)?);
    }
    if let Some(v) = get("const") {
        kw.rare_mut().r#const = Some(c.json(v));
    }
    if let Some(v) = get("enum") {
        if let serde_json::Value::Array(values) = c.json(v) {
            kw.r#enum = Some(Box::new(Enum::new(values)));
        }
    }
    if let Some(v) = get("not") {
        kw.not = Some(c.sub(v, Relax::None)?);
    }
    for (key, slot) in [("anyOf", 0), ("oneOf", 1), ("allOf", 2)] {
        if let Some(Src::Arr(items)) = get(key).map(|v| c.read(v)) {
            let mut subs = Vec::with_capacity(items.len());
            for i in items {
                subs.push(c.sub(i, relax)?);
            }
            match slot {
                0 => kw.any_of = Some(subs),
                1 => kw.one_of = Some(subs),
                _ => kw.all_of = Some(subs),
            }
        }
    }
    if let Some(v) = get("if") {
        kw.rare_mut().r#if = Some(c.sub(v, relax)?);
        if let Some(t) = get("then") {
            kw.rare_mut().then = Some(c.sub(t, relax)?);
        }
        if let Some(e) = get("else") {
            kw.rare_mut().r#else = Some(c.sub(e, relax)?);
        }
    }

    // Numbers.
    let flag = |c: &C, k: &str| get(k).is_some_and(|v| matches!(c.read(v), Src::Bool(true)));
    let number = |c: &C, k: &str| get(k).and_then(|v| num(&c.read(v)));
    if let Some(m) = number(c, "maximum") {
        let excl = dialect == Dialect::Draft4 && flag(c, "exclusiveMaximum");
        kw.maximum = Some((m, excl));
    }
    if let Some(m) = number(c, "minimum") {
        let excl = dialect == Dialect::Draft4 && flag(c, "exclusiveMinimum");
        kw.minimum = Some((m, excl));
    }
    if dialect != Dialect::Draft4 {
        if let Some(n) = number(c, "exclusiveMaximum") {
            kw.rare_mut().exclusive_maximum = Some(n);
        }
        if let Some(n) = number(c, "exclusiveMinimum") {
            kw.rare_mut().exclusive_minimum = Some(n);
        }
    }
    if let Some(n) = number(c, "multipleOf") {
        kw.rare_mut().multiple_of = Some(n);
    }

    // Strings.
    kw.max_length = number(c, "maxLength");
    kw.min_length = number(c, "minLength");
    if let Some(Src::Str(p)) = get("pattern").map(|v| c.read(v)) {
        let flags = c.regex_flags();
        kw.pattern = Some(Box::new((
            p.into(),
            JsRegex::with(p, flags, |p| c.regex(p))?,
        )));
    }
    if let Some(Src::Str(f)) = get("format")
        .map(|v| c.read(v))
        .filter(|_| c.formats(holder))
    {
        if let Some(format) = Format::from_name(f) {
            kw.format = Some((f.into(), format));
        }
    }

    // Arrays.
    kw.max_items = number(c, "maxItems");
    kw.min_items = number(c, "minItems");
    kw.unique_items = flag(c, "uniqueItems");
    if let Some(items) = get("items") {
        match c.read(items) {
            Src::Arr(list) if !d2020 => {
                let mut subs = Vec::with_capacity(list.len());
                for i in list {
                    subs.push(c.sub(i, relax)?);
                }
                kw.rare_mut().items_tuple = Some(subs);
            }
            Src::Obj(item_entries) => {
                kw.item_types = item_types(c, &item_entries);
                kw.items = Some(c.sub(items, relax)?);
            }
            Src::Bool(_) => kw.items = Some(c.sub(items, relax)?),
            _ => {}
        }
    }
    if !d2020 {
        if let Some(v) = get("additionalItems") {
            kw.rare_mut().additional_items = Some(c.sub(v, relax)?);
        }
    } else if let Some(Src::Arr(list)) = get("prefixItems").map(|v| c.read(v)) {
        let mut subs = Vec::with_capacity(list.len());
        for i in list {
            subs.push(c.sub(i, Relax::None)?);
        }
        kw.rare_mut().prefix_items = Some(subs);
    }
    if let Some(v) = get("contains") {
        kw.rare_mut().contains = Some(c.sub(v, relax)?);
    }
    if d2020 {
        if let Some(n) = number(c, "minContains") {
            kw.rare_mut().min_contains = Some(n);
        }
        if let Some(n) = number(c, "maxContains") {
            kw.rare_mut().max_contains = Some(n);
        }
    }

    // Objects.
    if let Some(n) = number(c, "maxProperties") {
        kw.rare_mut().max_properties = Some(n);
    }
    if let Some(n) = number(c, "minProperties") {
        kw.rare_mut().min_properties = Some(n);
    }
    let properties = match get("properties").map(|v| c.read(v)) {
        Some(Src::Obj(props)) => Some(props),
        _ => None,
    };
    if let Some(Src::Arr(items)) = get("required").map(|v| c.read(v)) {
        let mut required = strings(c, &items);
        if relax != Relax::None {
            if let Some(props) = &properties {
                for (name, prop) in props {
                    let (read_only, write_only) = c.read_write_only(*prop);
                    let drop = match relax {
                        Relax::Request => read_only,
                        Relax::Response => write_only,
                        Relax::None => false,
                    };
                    if drop {
                        required.retain(|r| &**r != *name);
                    }
                }
            }
        }
        if !(relax != Relax::None && required.is_empty() && !items.is_empty()) {
            kw.required = Some(required);
        }
    }
    if let Some(v) = get("propertyNames") {
        kw.rare_mut().property_names = Some(c.sub(v, relax)?);
    }
    if let Some(v) = get("additionalProperties") {
        kw.additional_properties = Some(c.sub(v, relax)?);
    }
    if let Some(Src::Obj(deps)) = get("dependencies").map(|v| c.read(v)) {
        let mut list = Vec::with_capacity(deps.len());
        for (name, dep) in deps {
            match c.read(dep) {
                Src::Arr(items) => list.push((name.into(), Dep::Props(strings(c, &items)))),
                _ => list.push((name.into(), Dep::Schema(c.sub(dep, relax)?))),
            }
        }
        kw.rare_mut().dependencies = Some(list);
    }
    if let Some(props) = properties {
        let mut list = Vec::with_capacity(props.len());
        for (name, sub) in props {
            list.push((name.into(), c.sub(sub, relax)?));
        }
        kw.properties = Some(list);
    }
    if let Some(Src::Obj(patterns)) = get("patternProperties").map(|v| c.read(v)) {
        let mut list = Vec::with_capacity(patterns.len());
        for (pattern, sub) in patterns {
            let key_pattern = KeyPattern::new(pattern, c.regex_flags(), |p| c.regex(p))?;
            list.push((key_pattern, c.sub(sub, relax)?));
        }
        kw.pattern_properties = Some(list);
    }
    if d2020 {
        if let Some(Src::Obj(deps)) = get("dependentRequired").map(|v| c.read(v)) {
            let mut list = Vec::with_capacity(deps.len());
            for (name, dep) in deps {
                if let Src::Arr(items) = c.read(dep) {
                    list.push((name.into(), strings(c, &items)));
                }
            }
            kw.rare_mut().dependent_required = Some(list);
        }
        if let Some(Src::Obj(deps)) = get("dependentSchemas").map(|v| c.read(v)) {
            let mut list = Vec::with_capacity(deps.len());
            for (name, dep) in deps {
                list.push((name.into(), c.sub(dep, Relax::None)?));
            }
            kw.rare_mut().dependent_schemas = Some(list);
        }
        if let Some(v) = get("unevaluatedProperties") {
            kw.rare_mut().unevaluated_properties = Some(c.sub(v, Relax::None)?);
        }
    }

    if let Some(em) = get("errorMessage") {
        match c.read(em) {
            Src::Str(s) => {
                kw.rare_mut().error_message = Some(ErrorMessage {
                    keywords: Vec::new(),
                    properties: Vec::new(),
                    all: Some(s.into()),
                })
            }
            Src::Obj(map) => {
                let mut message = ErrorMessage::default();
                for (k, v) in map {
                    match c.read(v) {
                        Src::Str(s) if k == "_" => message.all = Some(s.into()),
                        Src::Str(s) if k != "properties" && k != "items" => {
                            message.keywords.push((k.into(), s.into()));
                        }
                        Src::Obj(children) if k == "properties" => {
                            for (child, m) in children {
                                if let Src::Str(m) = c.read(m) {
                                    message.properties.push((child.into(), m.into()));
                                }
                            }
                        }
                        _ => {}
                    }
                }
                kw.rare_mut().error_message = Some(message);
            }
            _ => {}
        }
    }
    kw.empty = kw.is_empty_schema();
    Ok(kw)
}

/// The types of an `items` schema object (`ajv`'s getSchemaTypes, for `uniqueItems`).
fn item_types<'s, C: Compiler<'s>>(c: &C, entries: &[(&'s str, C::N)]) -> Vec<JType> {
    let get = |k: &str| {
        entries
            .iter()
            .rev()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| *v)
    };
    let mut types = Vec::new();
    match get("type").map(|t| c.read(t)) {
        Some(Src::Str(name)) => types.extend(JType::from_name(name)),
        Some(Src::Arr(items)) => types.extend(
            strings(c, &items)
                .iter()
                .filter_map(|n| JType::from_name(n)),
        ),
        _ => {}
    }
    if !types.is_empty()
        && get("nullable").is_some_and(|n| matches!(c.read(n), Src::Bool(true)))
        && !types.contains(&JType::Null)
    {
        types.push(JType::Null);
    }
    types
}

// ---------------------------------------------------------------------------------------------
// Schemas of the linted document.

/// Compiles schema objects of a document, as `ajv` compiles the (resolved, cloned) schema the
/// reference hands it: once per (node, relaxation), failing on circular or missing `$ref`s.
pub struct DocCompiler<'d> {
    doc: &'d Document,
    pub set: SchemaSet,
    dialect: Dialect,
    memo: FxHashMap<(NodeId, Relax), Result<SIdx, Fail>>,
    stack: Vec<NodeId>,
    regexes: HashMap<Box<str>, Result<Arc<Regex>, Fail>>,
    /// `x-nullable: true` means `nullable: true` (Swagger 2.0).
    pub x_nullable: bool,
}

impl<'d> DocCompiler<'d> {
    pub fn new(doc: &'d Document, dialect: Dialect) -> Self {
        DocCompiler {
            doc,
            set: SchemaSet::default(),
            dialect,
            memo: FxHashMap::default(),
            stack: Vec::new(),
            regexes: HashMap::new(),
            x_nullable: false,
        }
    }

    /// Compiles the schema at (resolved) `node`.
    pub fn compile(&mut self, node: NodeId, relax: Relax) -> Result<SIdx, Fail> {
        self.sub(node, relax)
    }
}

impl<'d> Compiler<'d> for DocCompiler<'d> {
    type N = NodeId;

    fn read(&self, n: NodeId) -> Src<'d, NodeId> {
        let doc = self.doc;
        let id = match doc.refs.target(n) {
            Some(Target::Node(t)) => t,
            _ => n,
        };
        match doc.tree.value(id) {
            Value::Bool(b) => Src::Bool(*b),
            Value::Number(x) => Src::Num(*x),
            Value::String(s) => Src::Str(s),
            Value::Array(items) => Src::Arr(items.clone()),
            Value::Object(entries) => Src::Obj(entries.iter().map(|(k, v)| (&**k, *v)).collect()),
            Value::Null => Src::Other,
        }
    }

    fn json(&self, n: NodeId) -> serde_json::Value {
        crate::document::tree::to_json(&self.doc.tree, self.doc.resolve(n))
    }

    fn sub(&mut self, raw: NodeId, relax: Relax) -> Result<SIdx, Fail> {
        let node = match self.doc.refs.target(raw) {
            Some(Target::Node(t)) => t,
            Some(_) => return Err(Fail::Skip),
            None => raw,
        };
        if let Some(r) = self.memo.get(&(node, relax)) {
            return r.clone();
        }
        if self.stack.contains(&node) {
            return Err(Fail::Skip);
        }
        self.stack.push(node);
        let result = match self.doc.tree.value(node) {
            Value::Bool(b) => Ok(SNode::Bool(*b)),
            Value::Object(entries) => {
                let entries: Vec<(&'d str, NodeId)> =
                    entries.iter().map(|(k, v)| (&**k, *v)).collect();
                compile_object(self, node, &entries, relax).map(|kw| SNode::Obj(Box::new(kw)))
            }
            _ => Ok(SNode::Bool(true)),
        };
        self.stack.pop();
        let result = result.map(|n| self.set.push(n));
        self.memo.insert((node, relax), result.clone());
        result
    }

    fn dollar_ref(&mut self, _holder: NodeId, _reference: &str) -> Result<SIdx, Fail> {
        // A `$ref` the loader could not resolve (or one nested in a resolved target).
        Err(Fail::Skip)
    }

    fn dynamic_ref(&mut self, _: NodeId, _: &str) -> Result<(Box<str>, bool, SIdx), Fail> {
        Err(Fail::Skip)
    }

    fn regex_flags(&self) -> &'static str {
        ""
    }

    fn regex(&mut self, source: &str) -> Result<Arc<Regex>, Fail> {
        if let Some(r) = self.regexes.get(source) {
            return r.clone();
        }
        let r = js_regex(source, self.regex_flags())
            .map(Arc::new)
            .map_err(Fail::Error);
        self.regexes.insert(source.into(), r.clone());
        r
    }

    fn dialect(&self, _: NodeId) -> Dialect {
        self.dialect
    }

    fn x_nullable(&self) -> bool {
        self.x_nullable
    }

    fn formats(&self, _: NodeId) -> bool {
        true
    }

    fn read_write_only(&self, n: NodeId) -> (bool, bool) {
        let flag = |k: &str| {
            self.doc
                .get(n, k)
                .is_some_and(|v| matches!(self.doc.tree.value(v), Value::Bool(true)))
        };
        (flag("readOnly"), flag("writeOnly"))
    }
}
