//! The vendored schemas, compiled ahead of time: `baked/*.rs` hold each compiled schema as a
//! table of keyword records, turned into a [`Compiled`] at first use, so a process neither
//! parses the 54 KB of the OpenAPI 3.0 schema nor compiles its 503 nodes (~3 M instructions,
//! most of a small document's `adr-operator lint`). Data rather than code that builds the
//! values: a function building 500 schema literals took a release build over 12 minutes.
//!
//! The tables are generated from `schemas/` by the test in `baked/tests.rs`, which also checks
//! that they build exactly what compiling the vendored documents builds (`compile::vendored`).
//! After changing a vendored document, the compiler or the compiled types:
//! `BAKE_SCHEMAS=1 cargo test --lib baked`, then the same without the variable.

use std::collections::HashMap;
use std::sync::Arc;

use regress::Regex;

use super::ajv::{js_regex, Dep, Dialect, Enum, ErrorMessage, JType, Kw, SIdx, SNode, SchemaSet};
use super::formats::Format;
use super::key_pattern::KeyPattern;
use super::spec::Compiled;
use crate::rules::pattern::JsRegex;

#[rustfmt::skip]
pub mod meta_2020;
#[rustfmt::skip]
pub mod meta_draft4;
#[rustfmt::skip]
pub mod oas_2_0;
#[rustfmt::skip]
pub mod oas_3_0;
#[rustfmt::skip]
pub mod oas_3_1;
#[rustfmt::skip]
pub mod oas_3_2;

/// A compiled schema: `true`/`false`, or the keywords of a schema object.
pub enum Node {
    Bool(bool),
    Obj(&'static [K]),
}

/// One keyword of a compiled schema object, as [`Kw`] and [`super::ajv::RareKw`] hold it
/// (JSON values as their text). Every keyword the compiler sets has one, whether or not a
/// vendored schema uses it today.
#[allow(dead_code)]
pub enum K {
    Ref(SIdx),
    Types(&'static [JType]),
    TypeText(&'static str),
    HasType,
    Nullable,
    Enum(&'static [&'static str]),
    Not(SIdx),
    AnyOf(&'static [SIdx]),
    OneOf(&'static [SIdx]),
    AllOf(&'static [SIdx]),
    Maximum(f64, bool),
    Minimum(f64, bool),
    MaxLength(f64),
    MinLength(f64),
    Pattern(&'static str),
    Format(&'static str, Format),
    MaxItems(f64),
    MinItems(f64),
    UniqueItems,
    ItemTypes(&'static [JType]),
    Items(SIdx),
    Required(&'static [&'static str]),
    AdditionalProperties(SIdx),
    Properties(&'static [(&'static str, SIdx)]),
    PatternProperties(&'static [(&'static str, SIdx)]),
    Groups([bool; 4]),
    Memo,
    FnRoot,
    Empty,
    DynamicAnchor(&'static str),
    DynamicRef(&'static str, bool, SIdx),
    Const(&'static str),
    If(SIdx),
    Then(SIdx),
    Else(SIdx),
    ExclusiveMaximum(f64),
    ExclusiveMinimum(f64),
    MultipleOf(f64),
    ItemsTuple(&'static [SIdx]),
    AdditionalItems(SIdx),
    PrefixItems(&'static [SIdx]),
    Contains(SIdx),
    MinContains(f64),
    MaxContains(f64),
    MaxProperties(f64),
    MinProperties(f64),
    PropertyNames(SIdx),
    DependencyProps(&'static str, &'static [&'static str]),
    DependencySchema(&'static str, SIdx),
    DependentRequired(&'static [(&'static str, &'static [&'static str])]),
    DependentSchemas(&'static [(&'static str, SIdx)]),
    UnevaluatedProperties(SIdx),
    ErrorMessage {
        keywords: &'static [(&'static str, &'static str)],
        properties: &'static [(&'static str, &'static str)],
        all: Option<&'static str>,
    },
}

/// The compiled schema of a baked table.
pub(crate) fn compiled(nodes: &[Node], root: SIdx, dialect: Dialect) -> Compiled {
    let mut regexes = HashMap::new();
    let nodes = nodes
        .iter()
        .map(|node| match node {
            Node::Bool(b) => SNode::Bool(*b),
            Node::Obj(keywords) => {
                let mut kw = Kw::default();
                for k in *keywords {
                    apply(&mut kw, k, &mut regexes);
                }
                SNode::Obj(Box::new(kw))
            }
        })
        .collect();
    let mut set = SchemaSet { nodes };
    set.mark_property_branches();
    Compiled { set, root, dialect }
}

/// A vendored pattern, compiled once per schema with the vendored schemas' flag.
fn regex(source: &'static str, regexes: &mut HashMap<&'static str, Arc<Regex>>) -> Arc<Regex> {
    let regex = regexes.entry(source).or_insert_with(|| {
        Arc::new(js_regex(source, "u").unwrap_or_else(|e| panic!("baked pattern: {e}")))
    });
    Arc::clone(regex)
}

fn names(list: &[&str]) -> Vec<Box<str>> {
    list.iter().map(|&n| n.into()).collect()
}

fn named(list: &[(&str, SIdx)]) -> Vec<(Box<str>, SIdx)> {
    list.iter().map(|&(n, i)| (n.into(), i)).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(Box<str>, Box<str>)> {
    list.iter().map(|&(a, b)| (a.into(), b.into())).collect()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("baked JSON value: {e}"))
}

fn apply(kw: &mut Kw, k: &K, regexes: &mut HashMap<&'static str, Arc<Regex>>) {
    match *k {
        K::Ref(i) => kw.r#ref = Some(i),
        K::Types(types) => kw.types = types.to_vec(),
        K::TypeText(text) => kw.type_text = text.into(),
        K::HasType => kw.has_type = true,
        K::Nullable => kw.nullable = true,
        K::Enum(values) => {
            kw.r#enum = Some(Box::new(Enum::new(
                values.iter().map(|v| json(v)).collect(),
            )))
        }
        K::Not(i) => kw.not = Some(i),
        K::AnyOf(list) => kw.any_of = Some(list.to_vec()),
        K::OneOf(list) => kw.one_of = Some(list.to_vec()),
        K::AllOf(list) => kw.all_of = Some(list.to_vec()),
        K::Maximum(n, exclusive) => kw.maximum = Some((n, exclusive)),
        K::Minimum(n, exclusive) => kw.minimum = Some((n, exclusive)),
        K::MaxLength(n) => kw.max_length = Some(n),
        K::MinLength(n) => kw.min_length = Some(n),
        K::Pattern(source) => {
            let pattern = JsRegex::with(source, "u", |_| Ok::<_, ()>(regex(source, regexes)));
            kw.pattern = Some(Box::new((
                source.into(),
                pattern.unwrap_or_else(|()| unreachable!("baked patterns compile")),
            )));
        }
        K::Format(name, format) => kw.format = Some((name.into(), format)),
        K::MaxItems(n) => kw.max_items = Some(n),
        K::MinItems(n) => kw.min_items = Some(n),
        K::UniqueItems => kw.unique_items = true,
        K::ItemTypes(types) => kw.item_types = types.to_vec(),
        K::Items(i) => kw.items = Some(i),
        K::Required(list) => kw.required = Some(names(list)),
        K::AdditionalProperties(i) => kw.additional_properties = Some(i),
        K::Properties(list) => kw.properties = Some(named(list)),
        K::PatternProperties(list) => {
            let list = list.iter().map(|&(source, i)| {
                let pattern = KeyPattern::new(source, "u", |_| Ok::<_, ()>(regex(source, regexes)));
                (
                    pattern.unwrap_or_else(|()| unreachable!("baked patterns compile")),
                    i,
                )
            });
            kw.pattern_properties = Some(list.collect());
        }
        K::Groups(groups) => kw.groups = groups,
        K::Memo => kw.memo = true,
        K::FnRoot => kw.fn_root = true,
        K::Empty => kw.empty = true,
        K::DynamicAnchor(a) => kw.rare_mut().dynamic_anchor = Some(a.into()),
        K::DynamicRef(a, runtime, i) => kw.rare_mut().dynamic_ref = Some((a.into(), runtime, i)),
        K::Const(value) => kw.rare_mut().r#const = Some(json(value)),
        K::If(i) => kw.rare_mut().r#if = Some(i),
        K::Then(i) => kw.rare_mut().then = Some(i),
        K::Else(i) => kw.rare_mut().r#else = Some(i),
        K::ExclusiveMaximum(n) => kw.rare_mut().exclusive_maximum = Some(n),
        K::ExclusiveMinimum(n) => kw.rare_mut().exclusive_minimum = Some(n),
        K::MultipleOf(n) => kw.rare_mut().multiple_of = Some(n),
        K::ItemsTuple(list) => kw.rare_mut().items_tuple = Some(list.to_vec()),
        K::AdditionalItems(i) => kw.rare_mut().additional_items = Some(i),
        K::PrefixItems(list) => kw.rare_mut().prefix_items = Some(list.to_vec()),
        K::Contains(i) => kw.rare_mut().contains = Some(i),
        K::MinContains(n) => kw.rare_mut().min_contains = Some(n),
        K::MaxContains(n) => kw.rare_mut().max_contains = Some(n),
        K::MaxProperties(n) => kw.rare_mut().max_properties = Some(n),
        K::MinProperties(n) => kw.rare_mut().min_properties = Some(n),
        K::PropertyNames(i) => kw.rare_mut().property_names = Some(i),
        K::DependencyProps(name, props) => {
            let deps = kw.rare_mut().dependencies.get_or_insert_with(Vec::new);
            deps.push((name.into(), Dep::Props(names(props))));
        }
        K::DependencySchema(name, i) => {
            let deps = kw.rare_mut().dependencies.get_or_insert_with(Vec::new);
            deps.push((name.into(), Dep::Schema(i)));
        }
        K::DependentRequired(list) => {
            let list = list.iter().map(|&(n, props)| (n.into(), names(props)));
            kw.rare_mut().dependent_required = Some(list.collect());
        }
        K::DependentSchemas(list) => kw.rare_mut().dependent_schemas = Some(named(list)),
        K::UnevaluatedProperties(i) => kw.rare_mut().unevaluated_properties = Some(i),
        K::ErrorMessage {
            keywords,
            properties,
            all,
        } => {
            kw.rare_mut().error_message = Some(ErrorMessage {
                keywords: pairs(keywords),
                properties: pairs(properties),
                all: all.map(Box::from),
            });
        }
    }
}

#[cfg(test)]
mod tests;
