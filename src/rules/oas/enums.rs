//! `duplicated-entry-in-enum` and `typed-enum`: the `enum`s of the resolved document.

use super::descent::each_node;
use super::js;
use super::unique::{self, DeepHasher};
use crate::document::{Document, NodeId, Value};
use crate::rules::openapi_version::truthy;
use crate::rules::{Check, Report, Sink};

/// `fast-deep-equal` of two resolved nodes (`NaN` equals `NaN`).
fn deep_equal(doc: &Document, a: NodeId, b: NodeId, depth: usize) -> bool {
    let (a, b) = (doc.resolve(a), doc.resolve(b));
    if a == b {
        return true;
    }
    if depth > unique::MAX_DEPTH {
        return false;
    }
    match (doc.tree.value(a), doc.tree.value(b)) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(p, q)| deep_equal(doc, *p, *q, depth + 1))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .find(|(k2, _)| k2 == k)
                        .is_some_and(|(_, w)| deep_equal(doc, *v, *w, depth + 1))
                })
        }
        _ => false,
    }
}

/// `enum` values must be unique. Official selector
/// `$..[?(@property !== 'properties' && @ != null && @.enum && @.enum.constructor.name === 'Array')]`,
/// `field: enum`, `oasSchema` `{type: array, uniqueItems: true}`: every object (not under a
/// `properties` key) whose `enum` is an array, in the resolved document. As `ajv`, only the
/// first duplicate pair found is reported, searching from the end: the last item `i` that
/// equals (deeply) an earlier one, and the closest such `j < i`, as
/// `"enum" property must not have duplicate items (items ## j and i are identical)`, at `enum`.
#[derive(Debug)]
pub struct DuplicatedEntryInEnum;

impl Check for DuplicatedEntryInEnum {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        each_node(doc, |key, place| {
            if key == Some("properties") || !doc.is_object(place.node) {
                return;
            }
            let Some(enum_) = place.field(doc, "enum") else {
                return;
            };
            let Value::Array(items) = doc.value(enum_.node) else {
                return;
            };
            let mut hasher = DeepHasher::new(doc, |node| doc.resolve(node));
            let pair = unique::last_duplicate(
                items.len(),
                |i| hasher.hash(doc.resolve(items[i]), 0),
                |i, j| deep_equal(doc, items[i], items[j], 0),
            );
            if let Some((j, i)) = pair {
                sink.push(Report {
                    node: enum_.report(doc),
                    error: Some(format!(
                        "\"enum\" property must not have duplicate items (items ## {j} and {i} are identical)"
                    )),
                    ..Report::default()
                });
            }
        });
    }
}

/// `enum` values must be of the schema's `type`. Official selector
/// `$..[?(@ && @.enum && @.type)]`, `typedEnum`, on every object of the resolved document with
/// a truthy `enum` and `type`, if `enum` is an array and `type` a string or an array of
/// strings (anything else is skipped). `nullable: true` (OpenAPI 3.0) and `x-nullable: true`
/// (Swagger 2.0) add `null` to the types. Each value whose JSON type (`integer` for whole
/// numbers only when `integer` is among the types) is not a type is reported at itself as
/// `Enum value <printValue> must be "<String(type)>".`.
#[derive(Debug)]
pub struct TypedEnum;

impl Check for TypedEnum {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        each_node(doc, |_, place| {
            if !doc.is_object(place.node) {
                return;
            }
            let (Some(enum_), Some(type_)) =
                (place.field(doc, "enum"), doc.get(place.node, "type"))
            else {
                return;
            };
            if !truthy(doc.value(enum_.node)) || !truthy(doc.value(type_)) {
                return;
            }
            if !matches!(doc.value(enum_.node), Value::Array(_)) {
                return;
            }
            let mut types: Vec<&str> = Vec::new();
            let is_array = match doc.value(type_) {
                Value::String(s) => {
                    types.push(s);
                    false
                }
                Value::Array(_) => {
                    for t in doc.items(type_) {
                        let Some(s) = doc.as_str(t) else { return };
                        types.push(s);
                    }
                    true
                }
                _ => return,
            };
            let flag = |key: &str| {
                doc.get(place.node, key)
                    .is_some_and(|v| matches!(doc.value(v), Value::Bool(true)))
            };
            let nullable = (flag("nullable") && doc.formats.oas3_0)
                || (flag("x-nullable") && doc.formats.oas2);
            let is_array = is_array || nullable;
            if nullable {
                types.push("null");
            }
            let check_integer = types.contains(&"integer");
            let printed = types.join(",");
            for (_, value) in enum_.children(doc) {
                let value_type = match doc.value(value.node) {
                    Value::String(_) => "string",
                    Value::Bool(_) => "boolean",
                    Value::Number(n) if check_integer && n.fract() == 0.0 && n.is_finite() => {
                        "integer"
                    }
                    Value::Number(_) => "number",
                    Value::Null => "null",
                    Value::Array(_) => "array",
                    Value::Object(_) => "object",
                };
                let ok = if is_array {
                    types.contains(&value_type)
                } else {
                    types[0] == value_type
                };
                if !ok {
                    let shown = match doc.value(value.node) {
                        Value::Array(_) => "Array[]".to_string(),
                        Value::Object(_) => "Object{}".to_string(),
                        Value::String(s) => js::json_string(s),
                        Value::Number(n) => js::json_number(*n),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => "null".to_string(),
                    };
                    sink.push(Report {
                        node: value.report(doc),
                        error: Some(format!("Enum value {shown} must be \"{printed}\".")),
                        ..Report::default()
                    });
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    const DOC: &str = r##"{"openapi": "3.0.3", "components": {"schemas": {
        "A": {"type": "string", "enum": ["a", "a", "b", 1, null, 1]},
        "B": {"type": "integer", "nullable": true, "enum": [1, 1.5, null, "x", [1], {"a": 1}, {"a": 1}]},
        "C": {"type": ["string", "integer"], "enum": [1, "a", true]},
        "D": {"type": "number", "enum": [1, 2.5, "1"]},
        "F": {"properties": {"enum": {"type": "string", "enum": ["x", "x"]}}},
        "G": {"properties": {"enum": ["x", "x"]}},
        "H": {"type": "string", "enum": {"a": 1}},
        "I": {"type": ["string", 1], "enum": [1, 1]},
        "J": {"$ref": "#/components/schemas/A"}}}}"##;

    #[test]
    fn duplicates() {
        assert_eq!(
            run(&DuplicatedEntryInEnum, DOC),
            [
                "components.schemas.A.enum",
                "components.schemas.B.enum",
                "components.schemas.F.properties.enum.enum",
                "components.schemas.I.enum",
                "components.schemas.A.enum",
            ]
        );
    }

    #[test]
    fn typed() {
        assert_eq!(
            run(&TypedEnum, DOC),
            [
                "components.schemas.A.enum.3",
                "components.schemas.A.enum.4",
                "components.schemas.A.enum.5",
                "components.schemas.B.enum.1",
                "components.schemas.B.enum.3",
                "components.schemas.B.enum.4",
                "components.schemas.B.enum.5",
                "components.schemas.B.enum.6",
                "components.schemas.C.enum.2",
                "components.schemas.D.enum.2",
                "components.schemas.A.enum.3",
                "components.schemas.A.enum.4",
                "components.schemas.A.enum.5",
            ]
        );
    }
}
