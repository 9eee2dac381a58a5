//! A JSON Schema validator that reports what `ajv` 8 (the validator inside the reference)
//! reports: the same keywords in the same evaluation order, the same error objects (keyword,
//! instance path, message, params), `allErrors` on or off, `ajv-errors` `errorMessage`
//! replacement, OpenAPI 3.0 `nullable`, and the formats of `ajv-formats`.
//!
//! Schemas are compiled once into an arena ([`SchemaSet`]) by [`compile`]: from the vendored
//! JSON schema documents (resolved by `$id`/`$ref` URI) or from schema objects inside the linted
//! document (whose `$ref`s the document loader has already resolved). Instances are nodes of the
//! loaded [`Document`], read either physically (`resolve: false`, as `oas3-schema` sees the
//! unresolved document) or through resolved `$ref`s.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashSet;

use regress::Regex;

use super::formats::Format;
use super::js;
use super::key_pattern::KeyPattern;
use super::unique::{self, DeepHasher};
use crate::document::{Document, NodeId, Segment, Value};
use crate::rules::pattern::JsRegex;

/// Index of a compiled schema in a [`SchemaSet`].
pub type SIdx = u32;

/// Which `ajv` class compiled the schema: keyword semantics that differ between drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `ajv-draft-04`: `exclusiveMaximum`/`exclusiveMinimum` are booleans modifying
    /// `maximum`/`minimum`; array `items` with `additionalItems`.
    Draft4,
    /// `ajv` (draft-07): numeric exclusive limits, array `items` with `additionalItems`.
    Draft7,
    /// `ajv/dist/2020`: `prefixItems`, `$dynamicRef`, `unevaluatedProperties`,
    /// `dependentRequired`/`dependentSchemas`, `minContains`/`maxContains`.
    Draft2020,
}

/// A JSON type as JSON Schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JType {
    Null,
    Boolean,
    Object,
    Array,
    Number,
    Integer,
    String,
}

impl JType {
    pub fn from_name(name: &str) -> Option<JType> {
        Some(match name {
            "null" => JType::Null,
            "boolean" => JType::Boolean,
            "object" => JType::Object,
            "array" => JType::Array,
            "number" => JType::Number,
            "integer" => JType::Integer,
            "string" => JType::String,
            _ => return None,
        })
    }
}

/// `ajv`'s keyword groups: untyped keywords run first, then the groups for numbers, strings,
/// arrays and objects (each only when the data has that type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Number,
    String,
    Array,
    Object,
}

impl JType {
    fn group(self) -> Option<Group> {
        match self {
            JType::Number => Some(Group::Number),
            JType::String => Some(Group::String),
            JType::Array => Some(Group::Array),
            JType::Object => Some(Group::Object),
            _ => None,
        }
    }
}

/// A compiled schema.
#[derive(Debug)]
pub enum SNode {
    Bool(bool),
    Obj(Box<Kw>),
}

/// Property names (`required`-like keyword values).
pub type Names = Vec<Box<str>>;

/// `dependencies` entry: required property names or a schema.
#[derive(Debug)]
pub enum Dep {
    Props(Vec<Box<str>>),
    Schema(SIdx),
}

/// `enum`: the allowed values, and of a long list its strings and numbers as sets, so that an
/// instance is not compared with every value (a document's example array checked against its
/// own enum of 20,000 values would otherwise cost seconds).
#[derive(Debug)]
pub struct Enum {
    pub values: Vec<serde_json::Value>,
    index: Option<EnumIndex>,
}

#[derive(Debug, Default)]
/// Keyed hash sets (`std`'s), as every index of the document's own strings and numbers:
/// a document must not be able to pick values that collide.
struct EnumIndex {
    strings: HashSet<Box<str>>,
    /// Bits of the values as `f64` (what `ajv`'s comparison sees), `-0` as `0`.
    numbers: HashSet<u64>,
}

/// Lists longer than this get an [`EnumIndex`].
const ENUM_INDEX_MIN_VALUES: usize = 128;

impl Enum {
    pub fn new(values: Vec<serde_json::Value>) -> Self {
        let index = (values.len() > ENUM_INDEX_MIN_VALUES).then(|| {
            let mut index = EnumIndex::default();
            for value in &values {
                match value {
                    serde_json::Value::String(s) => {
                        index.strings.insert(s.as_str().into());
                    }
                    serde_json::Value::Number(n) => {
                        index.numbers.extend(n.as_f64().map(number_bits));
                    }
                    _ => {}
                }
            }
            index
        });
        Enum { values, index }
    }

    /// Whether a string or number instance is one of the values, when the list is indexed
    /// (no value of another kind can equal it).
    fn indexed(&self, instance: &View<'_>) -> Option<bool> {
        let index = self.index.as_ref()?;
        match *instance {
            View::Str(s) => Some(index.strings.contains(s)),
            // NaN equals nothing.
            View::Num(n) => Some(!n.is_nan() && index.numbers.contains(&number_bits(n))),
            _ => None,
        }
    }
}

/// `n`'s bits, `-0` as `0` (so that equal numbers have equal bits).
fn number_bits(n: f64) -> u64 {
    (n + 0.0).to_bits()
}

/// Names looked up in a list of keyed entries (an instance's keys, a schema's `properties`):
/// scanned, unless both the list and the number of names to look up are long, when hashing the
/// list first keeps an object of thousands of entries checked against as many names from being
/// quadratic (and scanning spares the many objects of some entries checked against a few
/// names the hashing). The last of a repeated name wins.
struct Lookup<'a, T> {
    entries: &'a [(Box<str>, T)],
    /// Keyed (`std`'s hasher), so that a document cannot pick keys that collide.
    index: Option<HashMap<&'a str, usize>>,
}

/// [`Lookup`] hashes lists longer than this when more names than this are looked up in them.
const LOOKUP_INDEX_MIN: usize = 32;

impl<'a, T> Lookup<'a, T> {
    /// `lookups`: how many names will be looked up, at most (asked of long lists only).
    #[inline(always)]
    fn new(entries: &'a [(Box<str>, T)], lookups: impl FnOnce() -> usize) -> Self {
        let index = (entries.len() > LOOKUP_INDEX_MIN && lookups() > LOOKUP_INDEX_MIN).then(|| {
            entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (&**k, i))
                .collect()
        });
        Lookup { entries, index }
    }

    #[inline(always)]
    fn get(&self, name: &str) -> Option<&'a T> {
        let entries = self.entries;
        match &self.index {
            Some(index) => index.get(name).map(|&i| &entries[i].1),
            None => entries
                .iter()
                .rev()
                .find(|(k, _)| &**k == name)
                .map(|(_, v)| v),
        }
    }
}

/// `ajv-errors` `errorMessage`.
#[derive(Debug, Default)]
pub struct ErrorMessage {
    /// Messages replacing the errors of single keywords of this schema.
    pub keywords: Vec<(Box<str>, Box<str>)>,
    /// `properties`: messages replacing every error under one property of the instance
    /// (reported at that property, in this list's order).
    pub properties: Vec<(Box<str>, Box<str>)>,
    /// Message replacing every error of this schema and its subschemas (string form or `_`).
    pub all: Option<Box<str>>,
}

/// The keywords of a compiled schema object. The validator looks at every keyword of every
/// schema it evaluates, so the ones few schemas have live apart ([`RareKw`]): the rest, read
/// on every evaluation, then take half the cache lines.
#[derive(Debug, Default)]
pub struct Kw {
    pub r#ref: Option<SIdx>,
    /// Declared types, with `null` added for `nullable: true`.
    pub types: Vec<JType>,
    /// `String(schema.type)` for the type error message.
    pub type_text: Box<str>,
    /// Whether the types were declared (an empty `type: []` still counts).
    pub has_type: bool,
    pub nullable: bool,
    pub r#enum: Option<Box<Enum>>,
    pub not: Option<SIdx>,
    pub any_of: Option<Vec<SIdx>>,
    pub one_of: Option<Vec<SIdx>>,
    pub all_of: Option<Vec<SIdx>>,
    /// `maximum` and whether it is exclusive (draft-04 `exclusiveMaximum: true`).
    pub maximum: Option<(f64, bool)>,
    pub minimum: Option<(f64, bool)>,
    pub max_length: Option<f64>,
    pub min_length: Option<f64>,
    /// Linear on the automaton when the pattern is of its subset: a document's own pattern
    /// (`^(a+)+$`) must not make validating its examples take exponential time.
    /// Boxed: a regex is 256 bytes, and few schemas have one.
    pub pattern: Option<Box<(Box<str>, JsRegex)>>,
    pub format: Option<(Box<str>, Format)>,
    pub max_items: Option<f64>,
    pub min_items: Option<f64>,
    pub unique_items: bool,
    /// Types of a single `items` schema (for `uniqueItems`).
    pub item_types: Vec<JType>,
    pub items: Option<SIdx>,
    pub required: Option<Vec<Box<str>>>,
    pub additional_properties: Option<SIdx>,
    pub properties: Option<Vec<(Box<str>, SIdx)>>,
    pub pattern_properties: Option<Vec<(KeyPattern, SIdx)>>,
    /// Which keyword groups have keywords in this schema (`ajv`'s `shouldUseGroup`).
    pub groups: [bool; 4],
    /// Whether results for this schema may be memoised per instance node (targets of `$ref`).
    pub memo: bool,
    /// Whether `ajv` compiles this schema into a function of its own (the root schema and the
    /// `$ref` targets it does not inline because they contain a `$ref`): its `errorMessage`
    /// then takes the errors of the functions it calls too (their schema paths start at `#/`).
    pub fn_root: bool,
    /// No keyword that can fail: `{}` (`ajv`'s `alwaysValidSchema`), set once compiled.
    pub empty: bool,
    /// Every `allOf` branch is a [property branch](SchemaSet::is_property_branch), set by
    /// [`SchemaSet::mark_property_branches`].
    pub property_branches: bool,
    /// The keywords few schemas have; `None` when this one has none of them.
    pub rare: Option<Box<RareKw>>,
}

/// Keywords of a compiled schema that few schemas have (see [`Kw`]).
#[derive(Debug, Default)]
pub struct RareKw {
    pub dynamic_anchor: Option<Box<str>>,
    /// `$dynamicRef` anchor, whether it is looked up at run time, and its static target.
    pub dynamic_ref: Option<(Box<str>, bool, SIdx)>,
    pub r#const: Option<serde_json::Value>,
    pub r#if: Option<SIdx>,
    pub then: Option<SIdx>,
    pub r#else: Option<SIdx>,
    pub exclusive_maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub multiple_of: Option<f64>,
    pub items_tuple: Option<Vec<SIdx>>,
    pub additional_items: Option<SIdx>,
    pub prefix_items: Option<Vec<SIdx>>,
    pub contains: Option<SIdx>,
    pub min_contains: Option<f64>,
    pub max_contains: Option<f64>,
    pub max_properties: Option<f64>,
    pub min_properties: Option<f64>,
    pub property_names: Option<SIdx>,
    pub dependencies: Option<Vec<(Box<str>, Dep)>>,
    pub dependent_required: Option<Vec<(Box<str>, Names)>>,
    pub dependent_schemas: Option<Vec<(Box<str>, SIdx)>>,
    pub unevaluated_properties: Option<SIdx>,
    pub error_message: Option<ErrorMessage>,
}

impl RareKw {
    const NONE: RareKw = RareKw {
        dynamic_anchor: None,
        dynamic_ref: None,
        r#const: None,
        r#if: None,
        then: None,
        r#else: None,
        exclusive_maximum: None,
        exclusive_minimum: None,
        multiple_of: None,
        items_tuple: None,
        additional_items: None,
        prefix_items: None,
        contains: None,
        min_contains: None,
        max_contains: None,
        max_properties: None,
        min_properties: None,
        property_names: None,
        dependencies: None,
        dependent_required: None,
        dependent_schemas: None,
        unevaluated_properties: None,
        error_message: None,
    };
}

/// What [`Kw::rare`] gives for a schema without rare keywords.
static NO_RARE_KEYWORDS: RareKw = RareKw::NONE;

/// An arena of compiled schemas.
#[derive(Debug, Default)]
pub struct SchemaSet {
    pub nodes: Vec<SNode>,
}

impl SchemaSet {
    pub fn push(&mut self, node: SNode) -> SIdx {
        self.nodes.push(node);
        (self.nodes.len() - 1) as SIdx
    }

    /// Marks the schemas whose `allOf` branches are all property branches. The JSON Schema
    /// 2020-12 meta-schema is one: every schema object of an OpenAPI 3.1 document goes through
    /// its seven vocabularies, each `{"$ref": …}` to an object schema with `properties` and
    /// nothing else that applies to an object, and evaluating them as seven schemas cost more
    /// than their properties. Marked schemas evaluate them in place (`Validator::eval_obj`).
    pub fn mark_property_branches(&mut self) {
        let marked: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| match &self.nodes[i] {
                SNode::Obj(kw) => kw.all_of.as_ref().is_some_and(|branches| {
                    branches.iter().all(|&b| {
                        self.only_ref(b)
                            .is_some_and(|target| self.is_property_branch(target))
                    })
                }),
                SNode::Bool(_) => false,
            })
            .collect();
        for i in marked {
            if let SNode::Obj(kw) = &mut self.nodes[i] {
                kw.property_branches = true;
            }
        }
    }

    fn only_ref(&self, s: SIdx) -> Option<SIdx> {
        match &self.nodes[s as usize] {
            SNode::Obj(kw) => kw.only_ref(),
            SNode::Bool(_) => None,
        }
    }

    /// Whether evaluating schema `s` on an object comes down to pushing its `$dynamicAnchor`
    /// and evaluating its `properties`: it accepts objects and has no other keyword that
    /// applies to them (the number, string and array keywords do not).
    fn is_property_branch(&self, s: SIdx) -> bool {
        let SNode::Obj(kw) = &self.nodes[s as usize] else {
            return false;
        };
        // Every field named, so that a new keyword must be considered here.
        let Kw {
            r#ref,
            types,
            type_text: _,
            has_type: _,
            nullable: _,
            r#enum,
            not,
            any_of,
            one_of,
            all_of,
            maximum: _,
            minimum: _,
            max_length: _,
            min_length: _,
            pattern: _,
            format: _,
            max_items: _,
            min_items: _,
            unique_items: _,
            item_types: _,
            items: _,
            required,
            additional_properties,
            properties,
            pattern_properties,
            groups,
            memo: _,
            fn_root: _,
            empty: _,
            property_branches: _,
            rare,
        } = &**kw;
        let rare_applies = rare.as_deref().is_some_and(|rare| {
            let RareKw {
                dynamic_anchor: _,
                dynamic_ref,
                r#const,
                r#if,
                then,
                r#else,
                exclusive_maximum: _,
                exclusive_minimum: _,
                multiple_of: _,
                items_tuple: _,
                additional_items: _,
                prefix_items: _,
                contains: _,
                min_contains: _,
                max_contains: _,
                max_properties,
                min_properties,
                property_names,
                dependencies,
                dependent_required,
                dependent_schemas,
                unevaluated_properties,
                error_message,
            } = rare;
            dynamic_ref.is_some()
                || r#const.is_some()
                || r#if.is_some()
                || then.is_some()
                || r#else.is_some()
                || max_properties.is_some()
                || min_properties.is_some()
                || property_names.is_some()
                || dependencies.is_some()
                || dependent_required.is_some()
                || dependent_schemas.is_some()
                || unevaluated_properties.is_some()
                || error_message.is_some()
        });
        r#ref.is_none()
            && types.contains(&JType::Object)
            && r#enum.is_none()
            && not.is_none()
            && any_of.is_none()
            && one_of.is_none()
            && all_of.is_none()
            && required.is_none()
            && additional_properties.is_none()
            && properties.is_some()
            && pattern_properties.is_none()
            && groups[Group::Object as usize]
            && !rare_applies
    }

    /// `ajv`'s `alwaysValidSchema`: `true` or `{}`.
    fn always_valid(&self, s: SIdx) -> bool {
        match &self.nodes[s as usize] {
            SNode::Bool(b) => *b,
            SNode::Obj(kw) => kw.empty,
        }
    }
}

impl Kw {
    /// The rare keywords (all `None` when the schema has none).
    pub fn rare(&self) -> &RareKw {
        self.rare.as_deref().unwrap_or(&NO_RARE_KEYWORDS)
    }

    /// The rare keywords, to set one.
    pub fn rare_mut(&mut self) -> &mut RareKw {
        self.rare.get_or_insert_with(Box::default)
    }

    /// The target of a schema that is `{"$ref": …}` alone: evaluating it is evaluating the
    /// target (no keyword of its own can fail, report or track anything).
    pub fn only_ref(&self) -> Option<SIdx> {
        let alone = self.types.is_empty()
            && !self.has_type
            && self.rare.is_none()
            && self.r#enum.is_none()
            && self.not.is_none()
            && self.any_of.is_none()
            && self.one_of.is_none()
            && self.all_of.is_none()
            && self.groups == [false; 4];
        self.r#ref.filter(|_| alone)
    }

    pub fn is_empty_schema(&self) -> bool {
        !self.has_type
            && self.r#ref.is_none()
            && self.rare().dynamic_ref.is_none()
            && self.rare().r#const.is_none()
            && self.r#enum.is_none()
            && self.not.is_none()
            && self.any_of.is_none()
            && self.one_of.is_none()
            && self.all_of.is_none()
            && self.rare().r#if.is_none()
            && self.rare().error_message.is_none()
            && self.groups == [false; 4]
    }
}

/// Compiles JavaScript regular-expression source with `flags` (`u` for the vendored schemas,
/// none for `pattern`s in the linted document, as `ajv` with `unicodeRegExp: false`).
pub fn js_regex(source: &str, flags: &str) -> Result<Regex, String> {
    Regex::with_flags(source, flags).map_err(|e| v8_regex_error(source, &e.to_string()))
}

/// The V8 `SyntaxError` message for a pattern `regress` rejects (best effort on the reason).
fn v8_regex_error(source: &str, regress_error: &str) -> String {
    let e = regress_error.to_ascii_lowercase();
    let reason = if e.contains("unbalanced")
        && source.matches('(').count() > source.matches(')').count()
        || e.contains("unterminated group")
        || e.contains("missing )")
    {
        "Unterminated group"
    } else if e.contains("unbalanced") || e.contains("unmatched") {
        "Unmatched ')'"
    } else if e.contains("nothing to repeat") || e.contains("quantifier") {
        "Nothing to repeat"
    } else if e.contains("bracket") || e.contains("class") {
        "Unterminated character class"
    } else if e.contains("escape") {
        "Invalid escape"
    } else if e.contains("group") {
        "Invalid group"
    } else {
        "Invalid regular expression"
    };
    format!("Invalid regular expression: /{source}/: {reason}")
}

/// An error as `ajv` reports it.
#[derive(Debug, Clone)]
pub struct AjvError {
    /// `ajv`'s keyword (`type`, `required`, …, `errorMessage`, `false schema`).
    pub keyword: &'static str,
    /// The instance path, as segments.
    pub path: Vec<Segment>,
    /// The instance node the path leads to.
    pub node: NodeId,
    pub message: String,
    pub params: Params,
    /// The schema whose keyword failed.
    pub schema: SIdx,
    /// Number of `$ref`s crossed when the error was made (for `errorMessage` matching).
    ref_depth: u32,
    used: bool,
}

/// The error params the reference's message formatting reads.
#[derive(Debug, Clone, Default)]
pub struct Params {
    /// `additionalProperties`: the key and its value node.
    pub additional_property: Option<(Box<str>, NodeId)>,
    /// `enum`: the allowed values.
    pub allowed_values: Option<Vec<serde_json::Value>>,
    /// `oneOf`/`anyOf`: no branch matched (`passingSchemas` is not an array).
    pub none_passing: bool,
}

/// What a subschema evaluation has evaluated of an object (for `unevaluatedProperties`).
#[derive(Debug, Default)]
struct Evaluated<'a> {
    all: bool,
    keys: Vec<&'a str>,
}

impl<'a> Evaluated<'a> {
    #[inline]
    fn merge(&mut self, other: Evaluated<'a>) {
        // Most evaluations track nothing (only `unevaluatedProperties` asks).
        if self.all || (!other.all && other.keys.is_empty()) {
            return;
        }
        if other.all {
            self.all = true;
            self.keys.clear();
            return;
        }
        self.keys.extend(other.keys);
    }

    fn has(&self, key: &str) -> bool {
        self.all || self.keys.contains(&key)
    }
}

/// An instance: a document node, or a property name (the data of `propertyNames`).
#[derive(Debug, Clone, Copy)]
enum Inst<'a> {
    Node(NodeId),
    Key(&'a str),
}

/// A segment of the instance path while validating, borrowed from the document; an error
/// copies the path out only when it is made.
#[derive(Clone, Copy, PartialEq)]
enum Step<'a> {
    Key(&'a str),
    Index(u32),
}

impl Step<'_> {
    fn to_segment(self) -> Segment {
        match self {
            Step::Key(k) => Segment::Key(k.into()),
            Step::Index(i) => Segment::Index(i),
        }
    }
}

/// Whether a recorded error path equals the path being validated.
fn same_path(recorded: &[Segment], steps: &[Step<'_>]) -> bool {
    recorded.len() == steps.len()
        && recorded.iter().zip(steps).all(|(r, s)| match (r, s) {
            (Segment::Key(a), Step::Key(b)) => **a == **b,
            (Segment::Index(a), Step::Index(b)) => a == b,
            _ => false,
        })
}

/// A view of an instance's value.
#[derive(Clone, Copy)]
enum View<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    Arr(&'a [NodeId]),
    Obj(&'a [(Box<str>, NodeId)]),
}

impl View<'_> {
    fn is(&self, t: JType) -> bool {
        match (t, self) {
            (JType::Null, View::Null)
            | (JType::Boolean, View::Bool(_))
            | (JType::String, View::Str(_))
            | (JType::Array, View::Arr(_))
            | (JType::Object, View::Obj(_)) => true,
            // `ajv` with `strict: false` (no `strictNumbers`): `typeof x == "number"`, and for
            // integers `!(x % 1) && !isNaN(x)`, which ±Infinity passes.
            (JType::Number, View::Num(_)) => true,
            (JType::Integer, View::Num(n)) => n.is_infinite() || n.fract() == 0.0,
            _ => false,
        }
    }

    fn group(&self) -> Option<Group> {
        match self {
            View::Num(_) => Some(Group::Number),
            View::Str(_) => Some(Group::String),
            View::Arr(_) => Some(Group::Array),
            View::Obj(_) => Some(Group::Object),
            _ => None,
        }
    }
}

/// Validation options.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// `ajv`'s `allErrors`.
    pub all_errors: bool,
    /// Read instances through resolved `$ref`s.
    pub resolve: bool,
    /// Check `format` (off when validating a schema against its meta-schema, as the reference
    /// does).
    pub formats: bool,
    pub dialect: Dialect,
}

/// Errors one validation records at most: real documents have a few hundred at most.
const MAX_ERRORS: usize = 100_000;

/// One validation run.
pub struct Validator<'a> {
    set: &'a SchemaSet,
    doc: &'a Document,
    opts: Options,
    pub errors: Vec<AjvError>,
    path: Vec<Step<'a>>,
    nodes: Vec<NodeId>,
    ref_depth: u32,
    dyn_anchors: Vec<(&'a str, SIdx)>,
    memo: FxHashSet<(SIdx, NodeId)>,
    /// Memoised pairs found invalid while quiet: with no errors to record, the verdict is all
    /// there is, and a schema that refers to another from two branches (`anyOf: [{$ref: B},
    /// {$ref: B}]`, B alike, 26 levels deep) would otherwise be evaluated 2^26 times.
    invalid: FxHashSet<(SIdx, NodeId)>,
    /// Evaluations left ([`Validator::with_steps`]); at none, the validation ends.
    steps_left: usize,
    /// Inside `anyOf`/`oneOf` branches, `not`, `if`, `contains` or `propertyNames`: an error
    /// does not end the validation (`ajv`'s `compositeRule`).
    composite: bool,
    /// Without `allErrors`, an error outside composite keywords ends the whole validation.
    halted: bool,
    /// Only the verdict is wanted ([`Validator::is_valid`]): no error is recorded.
    quiet: bool,
    /// A property of one object instance that validation treats as absent (the reference
    /// deletes a Swagger 2.0 schema's boolean `required` before `ajv` sees it). Only the
    /// keywords that look properties up by name (`properties`, `required`, `dependencies`)
    /// honour it, which is all the draft-04 meta-schema's root uses.
    pub hide: Option<(NodeId, &'static str)>,
}

impl<'a> Validator<'a> {
    pub fn new(set: &'a SchemaSet, doc: &'a Document, opts: Options) -> Self {
        Validator {
            set,
            doc,
            opts,
            errors: Vec::new(),
            path: Vec::new(),
            nodes: Vec::new(),
            ref_depth: 0,
            dyn_anchors: Vec::new(),
            memo: FxHashSet::default(),
            invalid: FxHashSet::default(),
            steps_left: usize::MAX,
            composite: false,
            halted: false,
            quiet: false,
            hide: None,
        }
    }

    /// At most `steps` evaluations of a schema on an instance, over every validation of this
    /// validator. A document's own schemas are not memoised, and one that refers to another
    /// from two branches, level after level, asks for 2^levels evaluations.
    pub fn with_steps(mut self, steps: usize) -> Self {
        self.steps_left = steps;
        self
    }

    /// The evaluations left of [`Validator::with_steps`].
    pub fn steps_left(&self) -> usize {
        self.steps_left
    }

    /// Whether `node` is valid against schema `root`, without recording errors and stopping at
    /// the first failure whatever `allErrors` says: most documents and examples are valid, and
    /// on those this is all the work there is. Valid (schema, instance) pairs it memoised stay
    /// valid for a later [`Validator::validate`].
    pub fn is_valid(&mut self, root: SIdx, node: NodeId) -> bool {
        let all_errors = self.opts.all_errors;
        self.opts.all_errors = false;
        self.quiet = true;
        let valid = self.validate(root, node);
        self.quiet = false;
        self.opts.all_errors = all_errors;
        valid
    }

    /// Validates `node` against schema `root`; the errors are in `self.errors`.
    pub fn validate(&mut self, root: SIdx, node: NodeId) -> bool {
        self.errors.clear();
        self.path.clear();
        self.nodes.clear();
        self.dyn_anchors.clear();
        self.composite = false;
        self.halted = false;
        self.nodes.push(node);
        let (valid, _) = self.eval(root, Inst::Node(node), false);
        self.nodes.pop();
        valid
    }

    fn view(&self, inst: Inst<'a>) -> View<'a> {
        match inst {
            Inst::Key(k) => View::Str(k),
            Inst::Node(n) => match self.doc.tree.value(n) {
                Value::Null => View::Null,
                Value::Bool(b) => View::Bool(*b),
                Value::Number(x) => View::Num(*x),
                Value::String(s) => View::Str(s),
                Value::Array(items) => View::Arr(items),
                Value::Object(entries) => View::Obj(entries),
            },
        }
    }

    /// A child as the instance sees it: resolved when reading resolved, except a reference back
    /// to an ancestor, which stays the `$ref` object (the reference leaves circular references
    /// unresolved).
    fn child(&self, raw: NodeId) -> NodeId {
        if !self.opts.resolve {
            return raw;
        }
        let target = self.doc.resolve(raw);
        if target != raw && self.nodes.contains(&target) {
            raw
        } else {
            target
        }
    }

    /// The key [`Validator::hide`] hides on `node`, if any.
    fn hidden_key(&self, node: NodeId) -> Option<&'static str> {
        self.hide
            .and_then(|(hidden_on, key)| (hidden_on == node).then_some(key))
    }

    fn current_node(&self) -> NodeId {
        *self.nodes.last().expect("an instance is being validated")
    }

    /// Records an error; its message and parameters are built only when errors are reported
    /// (not while `is_valid` or a silent subschema runs, where most schemas that fail do).
    fn error(
        &mut self,
        schema: SIdx,
        keyword: &'static str,
        message: impl FnOnce() -> String,
        params: impl FnOnce() -> Params,
    ) {
        if self.halted || self.quiet {
            return;
        }
        if self.errors.len() >= MAX_ERRORS {
            // What a schema built to multiply errors asks for (2^26 of them from a 2 KB
            // document); the validation ends with those it has.
            self.halted = true;
            return;
        }
        if !self.opts.all_errors && !self.composite {
            self.halted = true;
        }
        let node = self.current_node();
        self.errors.push(AjvError {
            keyword,
            path: self.path.iter().map(|s| s.to_segment()).collect(),
            node,
            message: message(),
            params: params(),
            schema,
            ref_depth: self.ref_depth,
            used: false,
        });
    }

    /// Evaluates a subschema on a child instance (property or item).
    fn eval_child(
        &mut self,
        s: SIdx,
        seg: Step<'a>,
        child: NodeId,
        track: bool,
    ) -> (bool, Evaluated<'a>) {
        let node = self.child(child);
        self.path.push(seg);
        self.nodes.push(node);
        let r = self.eval(s, Inst::Node(node), track);
        self.nodes.pop();
        self.path.pop();
        r
    }

    /// Evaluates without creating errors and stopping at the first failure (`not`, `if`).
    fn eval_silent(&mut self, s: SIdx, inst: Inst<'a>, track: bool) -> (bool, Evaluated<'a>) {
        let saved = (self.opts.all_errors, self.quiet);
        let n = self.errors.len();
        self.opts.all_errors = false;
        // Its errors are dropped below, so none is built.
        self.quiet = true;
        let r = self.eval_composite(s, inst, track);
        (self.opts.all_errors, self.quiet) = saved;
        self.errors.truncate(n);
        r
    }

    /// Evaluates a subschema of a composite keyword.
    fn eval_composite(&mut self, s: SIdx, inst: Inst<'a>, track: bool) -> (bool, Evaluated<'a>) {
        let saved = self.composite;
        self.composite = true;
        let r = self.eval(s, inst, track);
        self.composite = saved;
        r
    }

    fn eval_ref(&mut self, s: SIdx, inst: Inst<'a>, track: bool) -> (bool, Evaluated<'a>) {
        self.ref_depth += 1;
        let r = self.eval(s, inst, track);
        self.ref_depth -= 1;
        r
    }

    fn eval(&mut self, s: SIdx, inst: Inst<'a>, track: bool) -> (bool, Evaluated<'a>) {
        if self.halted || self.steps_left == 0 {
            return (false, Evaluated::default());
        }
        self.steps_left -= 1;
        let set = self.set;
        match &set.nodes[s as usize] {
            SNode::Bool(true) => (true, Evaluated::default()),
            SNode::Bool(false) => {
                self.error(
                    s,
                    "false schema",
                    || "boolean schema is false".into(),
                    Params::default,
                );
                (false, Evaluated::default())
            }
            SNode::Obj(kw) => {
                let memo_key = match inst {
                    Inst::Node(n) if kw.memo && self.opts.resolve && !track => Some((s, n)),
                    _ => None,
                };
                if let Some(key) = memo_key {
                    if self.memo.contains(&key) {
                        return (true, Evaluated::default());
                    }
                    if self.quiet && self.invalid.contains(&key) {
                        return (false, Evaluated::default());
                    }
                }
                let r = self.eval_obj(s, kw, inst, track);
                match (memo_key, r.0) {
                    (Some(key), true) => {
                        self.memo.insert(key);
                    }
                    (Some(key), false) if self.quiet && !self.halted => {
                        self.invalid.insert(key);
                    }
                    _ => {}
                }
                r
            }
        }
    }

    fn type_error(&mut self, s: SIdx, kw: &Kw) {
        self.error(
            s,
            "type",
            || format!("must be {}", kw.type_text),
            Params::default,
        );
    }

    #[allow(clippy::too_many_lines)]
    fn eval_obj(
        &mut self,
        s: SIdx,
        kw: &'a Kw,
        inst: Inst<'a>,
        track: bool,
    ) -> (bool, Evaluated<'a>) {
        if let Some(target) = kw.only_ref() {
            return self.eval_ref(target, inst, track);
        }
        let start = self.errors.len();
        let all = self.opts.all_errors;
        let mut valid = true;
        let mut ev = Evaluated::default();
        let view = self.view(inst);
        let track_here = track || kw.rare().unevaluated_properties.is_some();

        // Types: checked up front unless the schema has a single type whose group has keywords
        // here, in which case the group reports the type error in its place.
        let single_group = if kw.types.len() == 1 {
            kw.types[0].group().filter(|g| kw.groups[*g as usize])
        } else {
            None
        };
        if !kw.types.is_empty() && single_group.is_none() && !kw.types.iter().any(|t| view.is(*t)) {
            self.type_error(s, kw);
            valid = false;
        }

        'body: {
            macro_rules! gate {
                () => {
                    if !valid && !all {
                        break 'body;
                    }
                };
            }
            gate!();

            // Untyped keywords.
            if let Some(anchor) = &kw.rare().dynamic_anchor {
                if !self.dyn_anchors.iter().any(|(a, _)| *a == &**anchor) {
                    self.dyn_anchors.push((anchor, s));
                }
            }
            if let Some((anchor, runtime, fallback)) = &kw.rare().dynamic_ref {
                let target = if *runtime {
                    self.dyn_anchors
                        .iter()
                        .find(|(a, _)| *a == &**anchor)
                        .map_or(*fallback, |(_, t)| *t)
                } else {
                    *fallback
                };
                let (v, e) = self.eval_ref(target, inst, track_here);
                ev.merge(e);
                valid &= v;
                gate!();
            }
            if let Some(target) = kw.r#ref {
                let (v, e) = self.eval_ref(target, inst, track_here);
                ev.merge(e);
                valid &= v;
                gate!();
            }
            if let Some(c) = &kw.rare().r#const {
                if !self.equals_json(inst, c, 0) {
                    self.error(
                        s,
                        "const",
                        || "must be equal to constant".into(),
                        Params::default,
                    );
                    valid = false;
                    gate!();
                }
            }
            if let Some(allowed) = &kw.r#enum {
                let found = allowed
                    .indexed(&view)
                    .unwrap_or_else(|| allowed.values.iter().any(|v| self.equals_json(inst, v, 0)));
                if !found {
                    self.error(
                        s,
                        "enum",
                        || "must be equal to one of the allowed values".into(),
                        || Params {
                            allowed_values: Some(allowed.values.clone()),
                            ..Params::default()
                        },
                    );
                    valid = false;
                    gate!();
                }
            }
            if let Some(not) = kw.not {
                let (v, _) = self.eval_silent(not, inst, false);
                if v {
                    self.error(s, "not", || "must NOT be valid".into(), Params::default);
                    valid = false;
                    gate!();
                }
            }
            if let Some(branches) = &kw.any_of {
                let mark = self.errors.len();
                let mut any = false;
                for &b in branches {
                    let (v, e) = self.eval_composite(b, inst, track_here);
                    if v {
                        any = true;
                        ev.merge(e);
                        if !track_here {
                            break;
                        }
                    }
                }
                if any {
                    self.errors.truncate(mark);
                } else {
                    self.error(
                        s,
                        "anyOf",
                        || "must match a schema in anyOf".into(),
                        || Params {
                            none_passing: true,
                            ..Params::default()
                        },
                    );
                    valid = false;
                    gate!();
                }
            }
            if let Some(branches) = &kw.one_of {
                let mark = self.errors.len();
                let mut ok = false;
                let mut passing: Option<bool> = None; // Some(true): several passed
                for (i, &b) in branches.iter().enumerate() {
                    let (v, e) = self.eval_composite(b, inst, track_here);
                    if i > 0 && v && ok {
                        ok = false;
                        passing = Some(true);
                    } else if v {
                        ok = true;
                        passing = Some(false);
                        ev.merge(e);
                    }
                }
                if ok {
                    self.errors.truncate(mark);
                } else {
                    self.error(
                        s,
                        "oneOf",
                        || "must match exactly one schema in oneOf".into(),
                        || Params {
                            none_passing: passing.is_none(),
                            ..Params::default()
                        },
                    );
                    valid = false;
                    gate!();
                }
            }
            if let Some(branches) = &kw.all_of {
                match view {
                    // What `eval` of each branch would do, less its keyword checks.
                    View::Obj(entries) if kw.property_branches && !track_here => {
                        for &b in branches {
                            let v = !self.halted && self.eval_property_branch(b, entries);
                            valid &= v;
                            gate!();
                        }
                    }
                    _ => {
                        for &b in branches {
                            let (v, e) = self.eval(b, inst, track_here);
                            ev.merge(e);
                            valid &= v;
                            gate!();
                        }
                    }
                }
            }
            if let Some(cond) = kw.rare().r#if {
                let then = kw.rare().then.filter(|&t| !self.set.always_valid(t));
                let els = kw.rare().r#else.filter(|&t| !self.set.always_valid(t));
                if then.is_some() || els.is_some() {
                    let (if_valid, e) = self.eval_silent(cond, inst, track_here);
                    ev.merge(e);
                    let (clause, name) = if if_valid {
                        (then, "then")
                    } else {
                        (els, "else")
                    };
                    if let Some(c) = clause {
                        let (v, e) = self.eval(c, inst, track_here);
                        if v {
                            ev.merge(e);
                        } else {
                            self.error(
                                s,
                                "if",
                                || format!("must match \"{name}\" schema"),
                                Params::default,
                            );
                            valid = false;
                            gate!();
                        }
                    }
                }
            }

            // Typed groups.
            match view.group() {
                Some(Group::Number) if kw.groups[Group::Number as usize] => {
                    let View::Num(n) = view else { unreachable!() };
                    valid &= self.number_keywords(s, kw, n);
                    gate!();
                }
                Some(Group::String) if kw.groups[Group::String as usize] => {
                    let View::Str(text) = view else {
                        unreachable!()
                    };
                    valid &= self.string_keywords(s, kw, text);
                    gate!();
                }
                Some(Group::Array) if kw.groups[Group::Array as usize] => {
                    let View::Arr(items) = view else {
                        unreachable!()
                    };
                    valid &= self.array_keywords(s, kw, items);
                    gate!();
                }
                Some(Group::Object) if kw.groups[Group::Object as usize] => {
                    let View::Obj(entries) = view else {
                        unreachable!()
                    };
                    let (v, e) = self.object_keywords(s, kw, entries, ev, track_here);
                    ev = e;
                    valid &= v;
                    gate!();
                }
                _ => {}
            }
            if let Some(g) = single_group {
                if view.group() != Some(g) {
                    self.type_error(s, kw);
                    valid = false;
                    gate!();
                }
            }
        }

        if let Some(em) = &kw.rare().error_message {
            if self.errors.len() > start && !self.halted {
                self.apply_error_message(s, em, start);
            }
        }
        (valid, ev)
    }

    fn number_keywords(&mut self, s: SIdx, kw: &Kw, n: f64) -> bool {
        let all = self.opts.all_errors;
        let mut valid = true;
        let limits = [
            kw.maximum
                .map(|(m, excl)| ("maximum", if excl { "<" } else { "<=" }, m)),
            kw.minimum
                .map(|(m, excl)| ("minimum", if excl { ">" } else { ">=" }, m)),
            kw.rare()
                .exclusive_maximum
                .map(|m| ("exclusiveMaximum", "<", m)),
            kw.rare()
                .exclusive_minimum
                .map(|m| ("exclusiveMinimum", ">", m)),
        ];
        for (keyword, cmp, lim) in limits.into_iter().flatten() {
            let ok = match cmp {
                "<" => n < lim,
                "<=" => n <= lim,
                ">" => n > lim,
                _ => n >= lim,
            };
            if !ok {
                self.error(
                    s,
                    keyword,
                    || format!("must be {cmp} {}", crate::document::js_number(lim)),
                    Params::default,
                );
                valid = false;
                if !all {
                    return false;
                }
            }
        }
        if let Some(m) = kw.rare().multiple_of {
            let q = n / m;
            if !(q.is_finite() && q.fract() == 0.0) {
                self.error(
                    s,
                    "multipleOf",
                    || format!("must be multiple of {}", crate::document::js_number(m)),
                    Params::default,
                );
                valid = false;
                if !all {
                    return false;
                }
            }
        }
        if let Some((name, f)) = &kw.format {
            if self.opts.formats && f.is_numeric() && !f.check_number(n) {
                self.error(
                    s,
                    "format",
                    || format!("must match format \"{name}\""),
                    Params::default,
                );
                valid = false;
            }
        }
        valid
    }

    fn string_keywords(&mut self, s: SIdx, kw: &Kw, text: &str) -> bool {
        let all = self.opts.all_errors;
        let mut valid = true;
        if kw.max_length.is_some() || kw.min_length.is_some() {
            let len = text.chars().count() as f64;
            let (max, min) = ((kw.max_length, "maxLength"), (kw.min_length, "minLength"));
            if !self.size_limits(s, len, max, min, "characters") {
                valid = false;
                if !all {
                    return false;
                }
            }
        }
        if let Some((source, regex)) = kw.pattern.as_deref() {
            if !regex.test(text) {
                self.error(
                    s,
                    "pattern",
                    || format!("must match pattern \"{source}\""),
                    Params::default,
                );
                valid = false;
                if !all {
                    return false;
                }
            }
        }
        if let Some((name, f)) = &kw.format {
            if self.opts.formats && !f.is_numeric() && !f.check_str(text) {
                self.error(
                    s,
                    "format",
                    || format!("must match format \"{name}\""),
                    Params::default,
                );
                valid = false;
            }
        }
        valid
    }

    /// `maxLength`/`minLength`, `maxItems`/`minItems`, `maxProperties`/`minProperties`: one check
    /// and message on another count of another `noun`. `max` and `min` are each a limit with its
    /// keyword. Whether `size` is within them; without `allErrors` it stops at the first one
    /// broken, as `ajv` does.
    fn size_limits(
        &mut self,
        s: SIdx,
        size: f64,
        max: (Option<f64>, &'static str),
        min: (Option<f64>, &'static str),
        noun: &str,
    ) -> bool {
        let mut within = true;
        for ((limit, keyword), bound, broken) in [
            (max, "more", max.0.is_some_and(|m| size > m)),
            (min, "fewer", min.0.is_some_and(|m| size < m)),
        ] {
            let Some(m) = limit.filter(|_| broken) else {
                continue;
            };
            let message = format!(
                "must NOT have {bound} than {} {noun}",
                crate::document::js_number(m)
            );
            self.error(s, keyword, || message, Params::default);
            within = false;
            if !self.opts.all_errors {
                break;
            }
        }
        within
    }

    fn array_keywords(&mut self, s: SIdx, kw: &Kw, items: &'a [NodeId]) -> bool {
        let all = self.opts.all_errors;
        let mut valid = true;
        let len = items.len() as f64;
        let (max, min) = ((kw.max_items, "maxItems"), (kw.min_items, "minItems"));
        if !self.size_limits(s, len, max, min, "items") {
            valid = false;
            if !all {
                return false;
            }
        }
        // Items: `prefixItems`/`items` (2020) or `additionalItems`/`items` (draft-04/07).
        let tuple = match self.opts.dialect {
            Dialect::Draft2020 => kw.rare().prefix_items.as_ref(),
            _ => kw.rare().items_tuple.as_ref(),
        };
        if let Some(tuple) = tuple {
            for (i, &sub) in tuple.iter().enumerate() {
                if i < items.len() {
                    let (v, _) = self.eval_child(sub, Step::Index(i as u32), items[i], false);
                    valid &= v;
                    if !valid && !all {
                        return false;
                    }
                }
            }
        }
        let (rest_schema, rest_keyword) = match self.opts.dialect {
            Dialect::Draft2020 => (kw.items, "items"),
            _ if kw.rare().items_tuple.is_some() => (kw.rare().additional_items, "additionalItems"),
            _ => (kw.items, "items"),
        };
        if let Some(rest) = rest_schema {
            let from = tuple.map_or(0, Vec::len);
            if tuple.is_some() && matches!(self.set.nodes[rest as usize], SNode::Bool(false)) {
                if items.len() > from {
                    self.error(
                        s,
                        rest_keyword,
                        || format!("must NOT have more than {from} items"),
                        Params::default,
                    );
                    valid = false;
                    if !all {
                        return false;
                    }
                }
            } else if !self.set.always_valid(rest) {
                for (i, &item) in items.iter().enumerate().skip(from) {
                    let (v, _) = self.eval_child(rest, Step::Index(i as u32), item, false);
                    valid &= v;
                    if !valid && !all {
                        return false;
                    }
                }
            }
        }
        if let Some(contains) = kw.rare().contains {
            let (min, max) = if self.opts.dialect == Dialect::Draft2020 {
                (
                    kw.rare().min_contains.unwrap_or(1.0),
                    kw.rare().max_contains,
                )
            } else {
                (1.0, None)
            };
            if !(max.is_none() && min == 0.0) {
                let mark = self.errors.len();
                let mut count = 0.0;
                let mut ok = min == 0.0;
                for (i, &item) in items.iter().enumerate() {
                    let saved = self.composite;
                    self.composite = true;
                    let (v, _) = self.eval_child(contains, Step::Index(i as u32), item, false);
                    self.composite = saved;
                    if v {
                        count += 1.0;
                        if let Some(max) = max {
                            if count > max {
                                ok = false;
                                break;
                            }
                        }
                        if count >= min {
                            ok = true;
                            if max.is_none() {
                                break;
                            }
                        }
                    }
                }
                if ok {
                    self.errors.truncate(mark);
                } else {
                    let message = match max {
                        None => format!(
                            "must contain at least {} valid item(s)",
                            crate::document::js_number(min)
                        ),
                        Some(max) => format!(
                            "must contain at least {} and no more than {} valid item(s)",
                            crate::document::js_number(min),
                            crate::document::js_number(max)
                        ),
                    };
                    self.error(s, "contains", || message, Params::default);
                    valid = false;
                    if !all {
                        return false;
                    }
                }
            }
        }
        if kw.unique_items && items.len() > 1 {
            if let Some((j, i)) = self.duplicate_items(kw, items) {
                self.error(
                    s,
                    "uniqueItems",
                    || {
                        format!(
                            "must NOT have duplicate items (items ## {j} and {i} are identical)"
                        )
                    },
                    Params::default,
                );
                valid = false;
            }
        }
        valid
    }

    /// `ajv`'s `uniqueItems` search: the pair it reports as `(j, i)`.
    fn duplicate_items(&self, kw: &Kw, items: &[NodeId]) -> Option<(usize, usize)> {
        let types = &kw.item_types;
        let can_optimize = !types.is_empty()
            && !types
                .iter()
                .any(|t| matches!(t, JType::Object | JType::Array));
        if can_optimize {
            let mut indices: HashMap<String, usize> = HashMap::new();
            for i in (0..items.len()).rev() {
                let node = self.child(items[i]);
                let view = self.view(Inst::Node(node));
                if !types.iter().any(|t| view.is(*t)) {
                    continue;
                }
                let mut key = match view {
                    View::Null => "null".to_string(),
                    View::Bool(b) => b.to_string(),
                    View::Num(n) => crate::document::js_number(n),
                    View::Str(s) => s.to_string(),
                    _ => continue,
                };
                if types.len() > 1 && matches!(view, View::Str(_)) {
                    key.push('_');
                }
                if let Some(&j) = indices.get(&key) {
                    return Some((j, i));
                }
                indices.insert(key, i);
            }
            None
        } else {
            let mut hasher = DeepHasher::new(self.doc, |node| self.child(node));
            unique::last_duplicate(
                items.len(),
                |i| hasher.hash(self.child(items[i]), 0),
                |i, j| self.equals_nodes(self.child(items[i]), self.child(items[j]), 0),
            )
        }
    }

    #[allow(clippy::too_many_lines)]
    fn object_keywords(
        &mut self,
        s: SIdx,
        kw: &'a Kw,
        raw_entries: &'a [(Box<str>, NodeId)],
        mut ev: Evaluated<'a>,
        track: bool,
    ) -> (bool, Evaluated<'a>) {
        let all = self.opts.all_errors;
        let mut valid = true;
        // The entries in JavaScript's key order, borrowed from the document.
        let order = js::key_order(raw_entries);
        let entries = || {
            (0..raw_entries.len())
                .map(|i| order.as_ref().map_or(i, |o| o[i]))
                .map(|i| &raw_entries[i])
        };
        let count = raw_entries.len() as f64;
        let hidden = self.hidden_key(self.current_node());
        let keys = Lookup::new(raw_entries, || {
            let rare = kw.rare();
            kw.properties.as_ref().map_or(0, Vec::len)
                + kw.required.as_ref().map_or(0, Vec::len)
                + rare.dependencies.as_ref().map_or(0, Vec::len)
                + rare.dependent_required.as_ref().map_or(0, Vec::len)
        });
        let has = |key: &str| hidden != Some(key) && keys.get(key).is_some();
        macro_rules! fail {
            () => {
                valid = false;
                if !all {
                    return (false, ev);
                }
            };
        }
        let max = (kw.rare().max_properties, "maxProperties");
        let min = (kw.rare().min_properties, "minProperties");
        if !self.size_limits(s, count, max, min, "properties") {
            fail!();
        }
        if let Some(required) = &kw.required {
            for name in required {
                if !has(name) {
                    self.error(
                        s,
                        "required",
                        || format!("must have required property '{name}'"),
                        Params::default,
                    );
                    fail!();
                }
            }
        }
        if let Some(names) = kw.rare().property_names {
            if !self.set.always_valid(names) {
                for (key, _) in entries() {
                    let (v, _) = self.eval_composite(names, Inst::Key(key), false);
                    if !v {
                        self.error(
                            s,
                            "propertyNames",
                            || "property name must be valid".into(),
                            Params::default,
                        );
                        fail!();
                    }
                }
            }
        }
        if let Some(additional) = kw.additional_properties {
            ev.all = true;
            if !self.set.always_valid(additional) {
                let is_false = matches!(self.set.nodes[additional as usize], SNode::Bool(false));
                let properties = Lookup::new(kw.properties.as_deref().unwrap_or_default(), || {
                    raw_entries.len()
                });
                for (key, child) in entries() {
                    let defined = properties.get(key).is_some()
                        || kw
                            .pattern_properties
                            .as_ref()
                            .is_some_and(|p| p.iter().any(|(r, _)| r.matches(key)));
                    if defined {
                        continue;
                    }
                    if is_false {
                        let node = self.child(*child);
                        self.error(
                            s,
                            "additionalProperties",
                            || "must NOT have additional properties".into(),
                            || Params {
                                additional_property: Some((key.clone(), node)),
                                ..Params::default()
                            },
                        );
                        fail!();
                    } else {
                        let (v, _) = self.eval_child(additional, Step::Key(key), *child, false);
                        if !v {
                            fail!();
                        }
                    }
                }
            }
        }
        if let Some(deps) = &kw.rare().dependencies {
            for (prop, dep) in deps {
                if !has(prop) {
                    continue;
                }
                match dep {
                    Dep::Props(names) => {
                        let list = names.iter().map(|n| &**n).collect::<Vec<_>>().join(", ");
                        let word = if names.len() == 1 {
                            "property"
                        } else {
                            "properties"
                        };
                        for name in names {
                            if !has(name) {
                                self.error(
                                    s,
                                    "dependencies",
                                    || {
                                        format!(
                                        "must have {word} {list} when property {prop} is present"
                                    )
                                    },
                                    Params::default,
                                );
                                fail!();
                                break;
                            }
                        }
                    }
                    Dep::Schema(sub) => {
                        let node = self.current_node();
                        let (v, e) = self.eval(*sub, Inst::Node(node), track);
                        if v {
                            ev.merge(e);
                        } else {
                            fail!();
                        }
                    }
                }
            }
        }
        if let Some(props) = &kw.properties {
            // Evaluated keys matter only to an `unevaluatedProperties` that tracks them.
            if track && !ev.all {
                ev.keys.extend(props.iter().map(|(n, _)| &**n));
            }
            if !self.eval_properties(props, &keys, hidden) {
                fail!();
            }
        }
        if let Some(patterns) = &kw.pattern_properties {
            let break_on_fail = !(all
                || self.opts.dialect == Dialect::Draft2020 && kw.additional_properties.is_none());
            for (regex, sub) in patterns {
                let mut pattern_valid = true;
                for (key, child) in entries() {
                    if !regex.matches(key) {
                        continue;
                    }
                    if track && !ev.all {
                        ev.keys.push(key);
                    }
                    if self.set.always_valid(*sub) {
                        continue;
                    }
                    let (v, _) = self.eval_child(*sub, Step::Key(key), *child, false);
                    if !v {
                        pattern_valid = false;
                        if break_on_fail {
                            break;
                        }
                    }
                }
                if !pattern_valid {
                    fail!();
                }
            }
        }
        if self.opts.dialect == Dialect::Draft2020 {
            if let Some(deps) = &kw.rare().dependent_required {
                for (prop, names) in deps {
                    if !has(prop) {
                        continue;
                    }
                    let list = names.iter().map(|n| &**n).collect::<Vec<_>>().join(", ");
                    let word = if names.len() == 1 {
                        "property"
                    } else {
                        "properties"
                    };
                    for name in names {
                        if !has(name) {
                            self.error(
                                s,
                                "dependentRequired",
                                || {
                                    format!(
                                        "must have {word} {list} when property {prop} is present"
                                    )
                                },
                                Params::default,
                            );
                            fail!();
                            break;
                        }
                    }
                }
            }
            if let Some(deps) = &kw.rare().dependent_schemas {
                for (prop, sub) in deps {
                    if !has(prop) {
                        continue;
                    }
                    let node = self.current_node();
                    let (v, e) = self.eval(*sub, Inst::Node(node), track);
                    if v {
                        ev.merge(e);
                    } else {
                        fail!();
                    }
                }
            }
            if let Some(uneval) = kw.rare().unevaluated_properties {
                let is_false = matches!(self.set.nodes[uneval as usize], SNode::Bool(false));
                if !ev.all && !self.set.always_valid(uneval) {
                    for (key, child) in entries() {
                        if ev.has(key) {
                            continue;
                        }
                        if is_false {
                            self.error(
                                s,
                                "unevaluatedProperties",
                                || "must NOT have unevaluated properties".into(),
                                Params::default,
                            );
                            fail!();
                        } else {
                            let (v, _) = self.eval_child(uneval, Step::Key(key), *child, false);
                            if !v {
                                fail!();
                            }
                        }
                    }
                }
                ev.all = true;
                ev.keys.clear();
            }
        }
        (valid, ev)
    }

    /// `properties` on an object's entries (`hidden`: a key to treat as absent): whether each
    /// present property is valid; without `all_errors`, up to the first that is not. Always in
    /// line: as a call from `object_keywords` it cost 0.4–0.7 M instructions a lint.
    #[inline(always)]
    fn eval_properties(
        &mut self,
        props: &'a [(Box<str>, SIdx)],
        keys: &Lookup<'a, NodeId>,
        hidden: Option<&str>,
    ) -> bool {
        let mut valid = true;
        for (name, sub) in props {
            // The instance's keys first: they are few and at hand, the schema is not.
            if hidden == Some(&**name) {
                continue;
            }
            let Some(&child) = keys.get(name) else {
                continue;
            };
            if !self.set.always_valid(*sub) {
                let (v, _) = self.eval_child(*sub, Step::Key(name), child, false);
                if !v {
                    valid = false;
                    if !self.opts.all_errors {
                        return false;
                    }
                }
            }
        }
        valid
    }

    /// `eval` of `allOf` branch `b` (`{"$ref": target}`, a property branch) on an object, not
    /// tracking evaluated keys: the target's memo consulted, the reference taken, its
    /// `$dynamicAnchor` pushed, its `properties` evaluated ([`SchemaSet::is_property_branch`]
    /// says why that is all).
    fn eval_property_branch(&mut self, b: SIdx, raw_entries: &'a [(Box<str>, NodeId)]) -> bool {
        let set = self.set;
        let Some(target) = set.only_ref(b) else {
            unreachable!("marked branches are references")
        };
        let SNode::Obj(kw) = &set.nodes[target as usize] else {
            unreachable!("property branches are schema objects")
        };
        let current = self.current_node();
        // As `eval` memoises the branch and the target (on a resolved document).
        let memo_key = |s: SIdx| match &set.nodes[s as usize] {
            SNode::Obj(kw) if kw.memo && self.opts.resolve => Some((s, current)),
            _ => None,
        };
        let (branch_key, target_key) = (memo_key(b), memo_key(target));
        if branch_key.is_some_and(|key| self.memo.contains(&key)) {
            return true;
        }
        if target_key.is_some_and(|key| self.memo.contains(&key)) {
            self.memo.extend(branch_key);
            return true;
        }
        let hidden = self.hidden_key(current);
        self.ref_depth += 1;
        if let Some(anchor) = &kw.rare().dynamic_anchor {
            if !self.dyn_anchors.iter().any(|(a, _)| *a == &**anchor) {
                self.dyn_anchors.push((anchor, target));
            }
        }
        let props = kw.properties.as_deref().unwrap_or_default();
        let keys = Lookup::new(raw_entries, || props.len());
        let valid = self.eval_properties(props, &keys, hidden);
        self.ref_depth -= 1;
        if valid {
            self.memo.extend(branch_key.into_iter().chain(target_key));
        }
        valid
    }

    /// `ajv-errors`: replaces this schema's errors (collected since `start`) by its messages.
    fn apply_error_message(&mut self, s: SIdx, em: &ErrorMessage, start: usize) {
        let depth = self.ref_depth;
        let fn_root = matches!(&self.set.nodes[s as usize], SNode::Obj(kw) if kw.fn_root);
        let mut new_errors = Vec::new();
        for (keyword, message) in &em.keywords {
            let mut matched = false;
            for e in &mut self.errors[start..] {
                if !e.used
                    && e.keyword != "errorMessage"
                    && e.keyword == &**keyword
                    && e.schema == s
                    && e.ref_depth == depth
                    && same_path(&e.path, &self.path)
                {
                    e.used = true;
                    matched = true;
                }
            }
            if matched {
                new_errors.push(message.clone());
            }
        }
        let mut child_errors = Vec::new();
        if !em.properties.is_empty() {
            let object = self.current_node();
            if let Value::Object(entries) = self.doc.tree.value(object) {
                let n = self.path.len();
                for (name, message) in &em.properties {
                    let mut matched = false;
                    for e in &mut self.errors[start..] {
                        if !e.used
                            && e.keyword != "errorMessage"
                            && e.path.len() > n
                            && same_path(&e.path[..n], &self.path)
                            && matches!(&e.path[n], Segment::Key(k) if **k == **name)
                        {
                            e.used = true;
                            matched = true;
                        }
                    }
                    let child = entries.iter().find(|(k, _)| **k == **name).map(|e| e.1);
                    if let (true, Some(child)) = (matched, child) {
                        child_errors.push((name.clone(), self.child(child), message.clone()));
                    }
                }
            }
        }
        let mut all = None;
        if let Some(message) = &em.all {
            let mut matched = false;
            let path = &self.path;
            for e in &mut self.errors[start..] {
                if !e.used
                    && e.keyword != "errorMessage"
                    && (fn_root || e.ref_depth == depth)
                    && e.path.len() >= path.len()
                    && same_path(&e.path[..path.len()], path)
                {
                    e.used = true;
                    matched = true;
                }
            }
            if matched {
                all = Some(message.clone());
            }
        }
        for message in new_errors {
            self.error(s, "errorMessage", || message.to_string(), Params::default);
        }
        for (name, child, message) in child_errors {
            let before = self.errors.len();
            self.error(s, "errorMessage", || message.to_string(), Params::default);
            if let Some(e) = self.errors.get_mut(before) {
                e.path.push(Segment::Key(name));
                e.node = child;
            }
        }
        if let Some(message) = all {
            self.error(s, "errorMessage", || message.to_string(), Params::default);
        }
        let mut i = start;
        while i < self.errors.len() {
            if self.errors[i].used {
                self.errors.remove(i);
            } else {
                i += 1;
            }
        }
    }

    /// `fast-deep-equal` between an instance and a schema constant.
    fn equals_json(&self, inst: Inst<'a>, value: &serde_json::Value, depth: usize) -> bool {
        use serde_json::Value as J;
        match (self.view(inst), value) {
            (View::Null, J::Null) => true,
            (View::Bool(a), J::Bool(b)) => a == *b,
            (View::Num(a), J::Number(b)) => b.as_f64() == Some(a),
            (View::Str(a), J::String(b)) => a == b,
            (View::Arr(items), J::Array(values)) => {
                depth < 256
                    && items.len() == values.len()
                    && items
                        .iter()
                        .zip(values)
                        .all(|(i, v)| self.equals_json(Inst::Node(self.child(*i)), v, depth + 1))
            }
            (View::Obj(entries), J::Object(map)) => {
                depth < 256
                    && entries.len() == map.len()
                    && entries.iter().all(|(k, v)| {
                        map.get(&**k).is_some_and(|mv| {
                            self.equals_json(Inst::Node(self.child(*v)), mv, depth + 1)
                        })
                    })
            }
            _ => false,
        }
    }

    /// `fast-deep-equal` between two instance nodes.
    fn equals_nodes(&self, a: NodeId, b: NodeId, depth: usize) -> bool {
        if a == b {
            return true;
        }
        if depth > unique::MAX_DEPTH {
            return false;
        }
        match (self.view(Inst::Node(a)), self.view(Inst::Node(b))) {
            (View::Null, View::Null) => true,
            (View::Bool(x), View::Bool(y)) => x == y,
            (View::Num(x), View::Num(y)) => x == y,
            (View::Str(x), View::Str(y)) => x == y,
            (View::Arr(x), View::Arr(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|(p, q)| self.equals_nodes(self.child(*p), self.child(*q), depth + 1))
            }
            (View::Obj(x), View::Obj(y)) => {
                x.len() == y.len()
                    && x.iter().zip(y).all(|((k, v), (k_at, w_at))| {
                        // Keys are unique, and equal objects mostly list them in one order: the
                        // entry at the same place first, a search (quadratic) only if not.
                        let w = if k == k_at {
                            Some(w_at)
                        } else {
                            y.iter().rev().find(|(k2, _)| k2 == k).map(|(_, w)| w)
                        };
                        w.is_some_and(|w| {
                            self.equals_nodes(self.child(*v), self.child(*w), depth + 1)
                        })
                    })
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::LoadOptions;
    use crate::rules::oas::{baked, spec};

    /// An OpenAPI 3.1 document whose schema objects break keywords of every vocabulary of the
    /// JSON Schema 2020-12 meta-schema, nested and side by side.
    const BROKEN_3_1: &str = r#"
openapi: 3.1.0
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    A: {type: strin, minLength: -1, $anchor: '1bad', $id: 'a#b#c', maxItems: x, deprecated: 'yes', format: 5, contentEncoding: 7}
    B: {properties: [], items: 3, allOf: [], anyOf: {}, if: 1, unevaluatedProperties: x}
    C: {type: [string, bogus], enum: 1, required: [1], $defs: {D: {type: 7}}, dependentRequired: {a: [1]}}
    E: {$vocabulary: {x: 1}, $comment: 3, examples: 4, title: 5, description: [x]}
    F: true
    G: {properties: {p: {type: object, properties: {q: {minimum: 'a', multipleOf: 0}}}}, prefixItems: [{type: 3}]}
    H: {$ref: '#/components/schemas/A', $dynamicRef: 4, contentSchema: {type: 1}, readOnly: 2}
    I: {properties: {a: {$ref: '#/components/schemas/A'}, b: {$ref: '#/components/schemas/A'}, c: {$ref: '#/components/schemas/G'}}}
"#;

    /// The errors (and validity) of a validation of `doc` against `schema`.
    fn validation(
        schema: &spec::Compiled,
        doc: &Document,
        all_errors: bool,
        resolve: bool,
    ) -> String {
        let root = doc.root.expect("a root");
        let options = Options {
            all_errors,
            resolve,
            formats: true,
            dialect: schema.dialect,
        };
        let mut v = Validator::new(&schema.set, doc, options);
        let quiet = v.is_valid(schema.root, root);
        let valid = v.validate(schema.root, root);
        format!("{quiet} {valid} {:?}", v.errors)
    }

    #[test]
    fn property_branches_evaluate_as_the_branches_do() {
        let marked = baked::oas_3_1::compiled();
        assert!(marked
            .set
            .nodes
            .iter()
            .any(|n| matches!(n, SNode::Obj(kw) if kw.property_branches)));
        let mut unmarked = baked::oas_3_1::compiled();
        for node in &mut unmarked.set.nodes {
            if let SNode::Obj(kw) = node {
                kw.property_branches = false;
            }
        }
        let corpus = |file: &str| {
            let path = format!("{}/../shared/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
            (
                file.to_string(),
                std::fs::read(&path).expect("the shared corpus"),
            )
        };
        let documents = [
            ("broken.yaml".to_string(), BROKEN_3_1.as_bytes().to_vec()),
            corpus("large/medium-readme.oas31.yaml"),
            corpus("large/small-petstore.oas31.yaml"),
            corpus(
                "nl-gov/BRP-API__Haal-Centraal-BRP-bevragen__specificatie--resolved--openapi.json",
            ),
        ];
        for (name, bytes) in &documents {
            let doc = Document::load(name, bytes, &LoadOptions::default()).expect("loads");
            // Resolved, the memo of `$ref`'d schema objects comes into play.
            for (all_errors, resolve) in
                [(true, false), (false, false), (true, true), (false, true)]
            {
                let ours = validation(&marked, &doc, all_errors, resolve);
                let theirs = validation(&unmarked, &doc, all_errors, resolve);
                assert_eq!(
                    ours, theirs,
                    "{name}, all errors {all_errors}, resolved {resolve}"
                );
                if name == "broken.yaml" {
                    assert!(
                        ours.matches("AjvError").count() > usize::from(all_errors) * 20,
                        "{ours}"
                    );
                }
            }
        }
    }
}
