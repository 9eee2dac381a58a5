//! `oas3-valid-media-example` and `oas3-valid-schema-example` — examples must be valid against
//! their schema (`/core/publish-openapi`).

use std::collections::HashSet;

use super::ajv::{Dialect, Options, SIdx, SNode, Validator};
use super::compile::{DocCompiler, Fail, Relax};
use super::messages::{schema_function_messages, Message};
use super::spec;
use crate::document::{Document, NodeId, Segment, Value};
use crate::rules::walk::walk;
use crate::rules::{Check, Report, Sink};

/// Media type, header and parameter objects with a `schema` and an `example` (or `examples`)
/// must have examples valid against the schema. As `spectral:oas` does: the targets are the
/// objects below any `content`, `headers` or `parameters` key of the resolved document (at any
/// depth, so also inside schemas and example values) that have a truthy `schema` and an
/// `example` key or truthy `examples`; `example` wins over `examples`; keyed `examples` entries
/// that are not objects or have an `externalValue` are skipped, and one without `value` is
/// reported as `"<name>.value" property must exist`. Before validating, `required` drops
/// `readOnly` properties in request bodies (`paths.*.*.requestBody`,
/// `components.requestBodies`) and `writeOnly` properties in responses. Validation is the
/// reference's `ajv` run (draft-04 with OpenAPI 3.0 `nullable` for 3.0 documents, 2020-12 for
/// 3.1/3.2): the schema is first checked against the dialect's meta-schema (`schema is
/// invalid: …`), schemas with circular or unresolvable `$ref`s are skipped as the reference's
/// compile fails, and only the first error (per `oneOf`/`anyOf` branch) is reported, with the
/// reference's wording (`"example" property must match format "uri"`).
#[derive(Debug)]
pub struct ValidMediaExample;

/// Schema objects with an `example` or `default` must have them valid against the schema
/// itself. The targets are, as `spectral:oas` selects them, the objects below
/// `components.schemas` and below any `content`, `headers` or `parameters` key of the resolved
/// document that are not held by a key named `properties`, have an `example` or `default` key
/// and a truthy `enum`, `type`, `format`, `$ref`, `properties` or `items`. Validation as for
/// [`ValidMediaExample`], without the `readOnly`/`writeOnly` relaxation.
#[derive(Debug)]
pub struct ValidSchemaExample;

/// `oas2-valid-media-example`: the `examples` of responses must be valid against their
/// `schema`. Official rule: `given: $..responses..[?(@ && @.schema && @.examples)]`, function
/// `oasExample` (`schemaField: schema`, `oasVersion: 2`, `type: media`), message `{{error}}`.
/// As the reference does: the targets are the objects strictly below any `responses` key of
/// the resolved document (at any depth) with a truthy `schema` and truthy `examples`; every
/// entry of `examples` (an object, or an array by index) is validated, named by its key
/// (`"application/json" property type must be object`); below `responses` and
/// `paths.*.*.responses`, `required` drops `writeOnly` properties. Validation is draft-04 as
/// for OpenAPI 3.0, with Swagger's `x-nullable: true` read as `nullable: true` (type messages
/// get `,null`) and a boolean `required` of the schema itself deleted before the meta-schema
/// check (a nested one makes the schema invalid: `schema is invalid: data/properties/a/required
/// must be array`).
#[derive(Debug)]
pub struct Oas2ValidMediaExample;

/// `oas2-valid-schema-example`: `example`, `x-example` and `default` of schema, parameter and
/// header objects must be valid against the object itself. Official rule: `given:
/// $..definitions..[?(…)]`, `$..parameters..[?(…)]`, `$..responses..[?(…)]` with the filter
/// `@property !== 'properties' && @ && (@.example !== void 0 || @['x-example'] !== void 0 ||
/// @.default !== void 0) && (@.enum || @.type || @.format || @.$ref || @.properties ||
/// @.items)`, function `oasExample` (`schemaField: $`, `oasVersion: 2`, `type: schema`),
/// message `{{error}}`. The targets are the objects strictly below any `definitions`,
/// `parameters` or `responses` key of the resolved document, not held by a key named
/// `properties`; the three fields are validated in that order. A parameter's own `required:
/// true` is deleted (it is not JSON Schema's), `x-nullable` is honoured, and validation is as
/// for [`Oas2ValidMediaExample`] without the `writeOnly` relaxation.
#[derive(Debug)]
pub struct Oas2ValidSchemaExample;

/// Where a node's resolved path starts, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
enum Prefix {
    #[default]
    Root,
    Components,
    Schemas,
    Paths,
    PathItem,
    Operation,
    Request,
    Response,
    Other,
}

impl Prefix {
    /// The prefix of a child under `key`. Swagger 2.0 (`oas2`) has its reusable responses at
    /// `responses` and no `components`.
    fn step(self, key: Option<&str>, oas2: bool) -> Prefix {
        match (self, key) {
            (Prefix::Root, Some("responses")) if oas2 => Prefix::Response,
            (Prefix::Root, Some("components")) if !oas2 => Prefix::Components,
            (Prefix::Root, Some("paths")) => Prefix::Paths,
            (Prefix::Components, Some("schemas")) => Prefix::Schemas,
            (Prefix::Components, Some("requestBodies")) => Prefix::Request,
            (Prefix::Components, Some("responses")) => Prefix::Response,
            (Prefix::Paths, _) => Prefix::PathItem,
            (Prefix::PathItem, _) => Prefix::Operation,
            (Prefix::Operation, Some("requestBody")) => Prefix::Request,
            (Prefix::Operation, Some("responses")) => Prefix::Response,
            (Prefix::Request, _) => Prefix::Request,
            (Prefix::Response, _) => Prefix::Response,
            _ => Prefix::Other,
        }
    }

    fn relax(self) -> Relax {
        match self {
            Prefix::Request => Relax::Request,
            Prefix::Response => Relax::Response,
            _ => Relax::None,
        }
    }
}

/// A visited node's place in the resolved document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
struct State {
    prefix: Prefix,
    /// Strictly below `components.schemas`.
    in_schemas: bool,
    /// Strictly below a `content`, `headers` or `parameters` key.
    under: bool,
    /// The node's own key is `content`, `headers` or `parameters`.
    container: bool,
}

/// Calls `each(node, state, key)` for every node of the resolved document. The containers are
/// the keys the rules' `$..key..[?(…)]` selectors name: `content`, `headers` and `parameters`
/// for OpenAPI 3, `definitions`, `parameters` and `responses` for Swagger 2.0 (`oas2`).
fn visit_all(doc: &Document, oas2: bool, mut each: impl FnMut(NodeId, &State, Option<&str>)) {
    let Some(root) = doc.root else { return };
    let containers: &[&str] = if oas2 {
        &["definitions", "parameters", "responses"]
    } else {
        &["content", "headers", "parameters"]
    };
    walk(doc, root, None, None::<State>, |v| {
        let own = match v.state {
            None => State::default(),
            Some(parent) => State {
                prefix: parent.prefix.step(v.key, oas2),
                in_schemas: parent.in_schemas || parent.prefix == Prefix::Schemas,
                under: parent.under || parent.container,
                container: v.key.is_some_and(|k| containers.contains(&k)),
            },
        };
        each(v.node, &own, v.key);
        Some(Some(own))
    });
}

/// The object nodes the example rules of one OpenAPI generation (`OAS2`: Swagger 2.0) may
/// check, in walk order, with their [`State`] and whether their key is `properties`: those below
/// a container or `components.schemas` holding a value to check (`example`, `examples`,
/// `default`, `x-example`). Both rules of a generation start from them, so the resolved document
/// is walked once for the two.
struct Candidates<const OAS2: bool>(Vec<(NodeId, State, bool)>);

impl<const OAS2: bool> Candidates<OAS2> {
    fn collect(doc: &Document) -> Self {
        const VALUES: [&str; 4] = ["example", "examples", "default", "x-example"];
        let mut found = Vec::new();
        visit_all(doc, OAS2, |node, state, key| {
            // One pass over the entries: most objects have none of the keys.
            if (state.under || state.in_schemas)
                && doc
                    .tree
                    .entries(node)
                    .iter()
                    .any(|(k, _)| VALUES.contains(&&**k))
            {
                found.push((node, *state, key == Some("properties")));
            }
        });
        Candidates(found)
    }
}

/// JavaScript truthiness of a node's value.
fn truthy(doc: &Document, id: NodeId) -> bool {
    match doc.value(id) {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0 && !n.is_nan(),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

fn has_key(doc: &Document, id: NodeId, key: &str) -> bool {
    doc.tree.raw_get(id, key).is_some()
}

/// The schema dialect of the document's examples, as the reference's `oasSchema` picks it.
fn dialect(doc: &Document) -> (Dialect, bool) {
    let f = doc.formats;
    if f.oas3_2 || f.oas3_1 {
        let declared = doc
            .root
            .and_then(|r| doc.get(r, "jsonSchemaDialect"))
            .and_then(|d| doc.as_str(d).map(str::to_string));
        let d = match declared.as_deref().and_then(draft_version) {
            Some("draft4") => Dialect::Draft4,
            Some("draft6" | "draft7") => Dialect::Draft7,
            _ => Dialect::Draft2020,
        };
        (d, false)
    } else {
        // OpenAPI 3.0 (and other 3.x): draft-04, with `nullable` type messages rewritten; so
        // for Swagger 2.0, whose `x-nullable: true` becomes `nullable: true`.
        (Dialect::Draft4, f.oas3_0 || f.oas2)
    }
}

/// `extractDraftVersion`.
fn draft_version(schema: &str) -> Option<&'static str> {
    let rest = schema
        .strip_prefix("https://json-schema.org/")
        .or_else(|| schema.strip_prefix("http://json-schema.org/"))?;
    let (version, tail) = if let Some(r) = rest.strip_prefix("draft-0") {
        let v = match r.chars().next()? {
            '4' => "draft4",
            '6' => "draft6",
            '7' => "draft7",
            _ => return None,
        };
        (v, &r[1..])
    } else if let Some(r) = rest.strip_prefix("draft/2019-09") {
        ("draft2019-09", r)
    } else if let Some(r) = rest.strip_prefix("draft/2020-12") {
        ("draft2020-12", r)
    } else {
        return None;
    };
    let tail = tail.strip_prefix('/')?;
    let tail = tail.strip_prefix("hyper-").unwrap_or(tail);
    matches!(tail, "schema" | "schema#").then_some(version)
}

/// One rule run: the compiled schemas of the document and the meta-schema checks.
struct Examples<'d> {
    doc: &'d Document,
    dialect: Dialect,
    rewrite_nullable: bool,
    compiler: DocCompiler<'d>,
    meta: Option<Validator<'d>>,
    meta_root: SIdx,
    /// Swagger 2.0: a schema's boolean `required` is deleted before validation.
    oas2: bool,
    /// Evaluations left for the document's examples ([`Validator::with_steps`]); an example
    /// whose validation runs out of them is not reported (a deliberate deviation: the
    /// reference would take as long as the schema asks, 2^levels for some).
    steps_left: usize,
    sink: &'d mut Sink,
}

/// Evaluations the examples of a document may take, at least and per node of the document: a
/// real document's take a few per node.
const EXAMPLE_STEPS_MIN: usize = 2_000_000;
const EXAMPLE_STEPS_PER_NODE: usize = 200;

impl<'d> Examples<'d> {
    fn new(doc: &'d Document, sink: &'d mut Sink) -> Self {
        let (dialect, rewrite_nullable) = dialect(doc);
        let meta_schema = match dialect {
            Dialect::Draft4 => Some(&*spec::META_DRAFT4),
            Dialect::Draft2020 => Some(&*spec::META_2020),
            Dialect::Draft7 => None,
        };
        let meta = meta_schema.map(|m| {
            Validator::new(
                &m.set,
                doc,
                Options {
                    all_errors: false,
                    resolve: true,
                    formats: false,
                    dialect: m.dialect,
                },
            )
        });
        let oas2 = doc.formats.oas2;
        let mut compiler = DocCompiler::new(doc, dialect);
        compiler.x_nullable = oas2;
        Examples {
            doc,
            dialect,
            rewrite_nullable,
            compiler,
            oas2,
            meta,
            meta_root: meta_schema.map_or(0, |m| m.root),
            steps_left: EXAMPLE_STEPS_MIN
                .saturating_add(EXAMPLE_STEPS_PER_NODE.saturating_mul(doc.tree.node_count())),
            sink,
        }
    }

    fn report(&mut self, node: NodeId, text: String) {
        self.sink.push(Report {
            node,
            error: Some(text),
            ..Report::default()
        });
    }

    /// Validates `value` (named `name` in its path) against the schema at `schema`.
    fn check_value(&mut self, schema: NodeId, relax: Relax, value: NodeId, name: Segment) {
        let bool_required = self.oas2
            && self
                .doc
                .tree
                .raw_get(schema, "required")
                .is_some_and(|r| matches!(self.doc.value(r), Value::Bool(_)));
        if let Some(meta) = &mut self.meta {
            meta.hide = bool_required.then_some((schema, "required"));
            if !meta.validate(self.meta_root, schema) {
                let text = meta
                    .errors
                    .iter()
                    .map(|e| format!("data{} {}", instance_pointer(&e.path), e.message))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.report(value, format!("schema is invalid: {text}"));
                return;
            }
        }
        let root = match self.compiler.compile(schema, relax) {
            Ok(root) => root,
            Err(Fail::Skip) => return,
            Err(Fail::Error(message)) => {
                self.report(value, message);
                return;
            }
        };
        let mut v = Validator::new(
            &self.compiler.set,
            self.doc,
            Options {
                all_errors: false,
                resolve: true,
                formats: true,
                dialect: self.dialect,
            },
        )
        .with_steps(self.steps_left);
        let valid = v.is_valid(root, value) || v.validate(root, value);
        self.steps_left = v.steps_left();
        if valid || self.steps_left == 0 {
            return;
        }
        let mut errors = std::mem::take(&mut v.errors);
        if self.rewrite_nullable {
            for e in &mut errors {
                if e.keyword == "type" {
                    if let SNode::Obj(kw) = &self.compiler.set.nodes[e.schema as usize] {
                        if kw.nullable {
                            e.message.push_str(",null");
                        }
                    }
                }
            }
        }
        let messages: Vec<Message> =
            schema_function_messages(self.doc, &errors, &[name], Some(value));
        for m in messages {
            self.report(m.node, m.text);
        }
    }

    /// `oas3-valid-media-example` on one media type (or header, parameter) object.
    fn media(&mut self, target: NodeId, relax: Relax) {
        let doc = self.doc;
        let Some(schema) = doc.get(target, "schema") else {
            return;
        };
        if !matches!(doc.value(schema), Value::Object(_)) {
            return;
        }
        if let Some(example) = doc.get(target, "example") {
            self.check_value(schema, relax, example, Segment::Key("example".into()));
            return;
        }
        let Some(examples) = doc.get(target, "examples") else {
            return;
        };
        let entries: Vec<NodeId> = match doc.value(examples) {
            Value::Object(_) => super::js::ordered(doc.tree.entries(examples))
                .iter()
                .map(|(_, v)| *v)
                .collect(),
            Value::Array(items) => items.clone(),
            _ => return,
        };
        for raw in entries {
            let example = doc.resolve(raw);
            if !matches!(doc.value(example), Value::Object(_) | Value::Array(_))
                || has_key(doc, example, "externalValue")
            {
                continue;
            }
            match doc.get(example, "value") {
                Some(value) => self.check_value(schema, relax, value, Segment::Key("value".into())),
                None => {
                    let mut path: Vec<Segment> = doc.tree.segment(example).into_iter().collect();
                    path.push(Segment::Key("value".into()));
                    let name = super::js::print_path_dot(&path);
                    self.report(example, format!("\"{name}\" property must exist"));
                }
            }
        }
    }

    /// `oas2-valid-media-example` on one response (or other object below `responses`): every
    /// entry of its `examples` object (or array) against its `schema`.
    fn media_oas2(&mut self, target: NodeId, relax: Relax) {
        let doc = self.doc;
        let Some(schema) = doc.get(target, "schema") else {
            return;
        };
        if !matches!(doc.value(schema), Value::Object(_)) {
            return;
        }
        let Some(examples) = doc.get(target, "examples") else {
            return;
        };
        let entries: Vec<(Segment, NodeId)> = match doc.value(examples) {
            Value::Object(_) => super::js::ordered(doc.tree.entries(examples))
                .iter()
                .map(|(k, v)| (Segment::Key(k.clone()), *v))
                .collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Segment::Key(i.to_string().into()), *v))
                .collect(),
            _ => return,
        };
        for (name, raw) in entries {
            let value = doc.resolve(raw);
            self.check_value(schema, relax, value, name);
        }
    }

    /// `oas3-valid-schema-example` (`fields`: `example`, `default`) or
    /// `oas2-valid-schema-example` (`example`, `x-example`, `default`) on one schema object.
    fn schema(&mut self, target: NodeId, fields: &[&str]) {
        let doc = self.doc;
        for &field in fields {
            if let Some(value) = doc.get(target, field) {
                self.check_value(target, Relax::None, value, Segment::Key(field.into()));
            }
        }
    }
}

/// `ajv`'s instance path text (`/a/b~1c`).
fn instance_pointer(path: &[Segment]) -> String {
    path.iter()
        .map(|s| format!("/{}", s.to_string().replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// A schema whose example is checked has one of these (truthy): the rules' `given` filters.
const TYPING_KEYWORDS: [&str; 6] = ["enum", "type", "format", "$ref", "properties", "items"];

/// Validates every target with `validate`, on one validation stack; without targets no
/// validation thread is started.
fn validate_each<T: Send>(
    doc: &Document,
    sink: &mut Sink,
    targets: Vec<T>,
    validate: impl Fn(&mut Examples<'_>, T) + Sync,
) {
    if targets.is_empty() {
        return;
    }
    crate::lint::with_lint_stack(|| {
        let mut run = Examples::new(doc, sink);
        for target in targets {
            validate(&mut run, target);
        }
    });
}

impl Check for ValidMediaExample {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let mut targets: Vec<(NodeId, Relax)> = Vec::new();
        let mut seen = HashSet::new();
        for &(node, state, _) in &doc.shared(Candidates::<false>::collect).0 {
            if !state.under {
                continue;
            }
            let has_schema = doc
                .tree
                .raw_get(node, "schema")
                .is_some_and(|s| truthy(doc, s));
            let has_example = has_key(doc, node, "example")
                || doc
                    .tree
                    .raw_get(node, "examples")
                    .is_some_and(|e| truthy(doc, e));
            let relax = state.prefix.relax();
            if has_schema && has_example && seen.insert((node, relax)) {
                targets.push((node, relax));
            }
        }
        validate_each(doc, sink, targets, |run, (node, relax)| {
            run.media(node, relax)
        });
    }
}

impl Check for ValidSchemaExample {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let mut targets: Vec<NodeId> = Vec::new();
        let mut seen = HashSet::new();
        for &(node, state, under_properties) in &doc.shared(Candidates::<false>::collect).0 {
            if !(state.under || state.in_schemas) || under_properties {
                continue;
            }
            let has_value = has_key(doc, node, "example") || has_key(doc, node, "default");
            let typed = TYPING_KEYWORDS
                .iter()
                .any(|k| doc.tree.raw_get(node, k).is_some_and(|v| truthy(doc, v)));
            if has_value && typed && seen.insert(node) {
                targets.push(node);
            }
        }
        validate_each(doc, sink, targets, |run, node| {
            run.schema(node, &["example", "default"])
        });
    }
}

impl Check for Oas2ValidMediaExample {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let mut targets: Vec<(NodeId, Relax)> = Vec::new();
        let mut seen = HashSet::new();
        for &(node, state, _) in &doc.shared(Candidates::<true>::collect).0 {
            if !state.under {
                continue;
            }
            let truthy_key = |k| doc.tree.raw_get(node, k).is_some_and(|v| truthy(doc, v));
            let relax = state.prefix.relax();
            if truthy_key("schema") && truthy_key("examples") && seen.insert((node, relax)) {
                targets.push((node, relax));
            }
        }
        validate_each(doc, sink, targets, |run, (node, relax)| {
            run.media_oas2(node, relax)
        });
    }
}

impl Check for Oas2ValidSchemaExample {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        const FIELDS: [&str; 3] = ["example", "x-example", "default"];
        let mut targets: Vec<NodeId> = Vec::new();
        let mut seen = HashSet::new();
        for &(node, state, under_properties) in &doc.shared(Candidates::<true>::collect).0 {
            if !state.under || under_properties {
                continue;
            }
            let has_value = FIELDS.iter().any(|f| has_key(doc, node, f));
            let typed = TYPING_KEYWORDS
                .iter()
                .any(|k| doc.tree.raw_get(node, k).is_some_and(|v| truthy(doc, v)));
            if has_value && typed && seen.insert(node) {
                targets.push(node);
            }
        }
        validate_each(doc, sink, targets, |run, node| run.schema(node, &FIELDS));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_versions() {
        assert_eq!(
            draft_version("http://json-schema.org/draft-07/schema#"),
            Some("draft7")
        );
        assert_eq!(
            draft_version("https://json-schema.org/draft/2020-12/schema"),
            Some("draft2020-12")
        );
        assert_eq!(
            draft_version("https://spec.openapis.org/oas/3.1/dialect/base"),
            None
        );
    }
}

#[cfg(test)]
mod oas2_tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn oas2_schema_examples() {
        let doc = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    parameters:\n      - {name: id, in: path, required: true, type: string, format: uuid, x-example: nope}\n      - {name: n, in: query, type: integer, default: 3}\n    get:\n      responses:\n        '200':\n          description: ok\n          headers:\n            X: {type: integer, default: high}\ndefinitions:\n  A:\n    type: object\n    properties:\n      s: {type: string, x-nullable: true, example: null}\n      t: {type: string, example: 5}\n";
        assert_eq!(
            run(&Oas2ValidSchemaExample, doc),
            [
                "paths./a.parameters.0.x-example",
                "paths./a.get.responses.200.headers.X.default",
                "definitions.A.properties.t.example",
            ]
        );
    }

    #[test]
    fn oas2_media_examples() {
        let doc = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          schema: {type: object, required: [a, w], properties: {a: {type: integer}, w: {type: string, writeOnly: true}}}\n          examples:\n            application/json: {a: x}\n            text/plain: {a: 1}\n";
        assert_eq!(
            run(&Oas2ValidMediaExample, doc),
            ["paths./a.get.responses.200.examples.application/json.a"]
        );
    }
}
