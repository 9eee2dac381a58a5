//! How the reference turns `ajv` errors into result messages: `oasDocumentSchema`'s
//! `processError` (for `oas3-schema`) and `@stoplight/better-ajv-errors` plus the `schema`
//! function's post-processing (for the example rules and `oas3-api-servers`).

use super::ajv::AjvError;
use super::js;
use crate::document::{Document, NodeId, Segment, Value};

/// One message for a result, and the node it is reported on.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub node: NodeId,
    pub text: String,
}

/// `cleanAjvMessage`: quotes normalised to `"`, `NOT` to `not`, prefixed with the property.
fn clean(property: Option<&str>, message: &str) -> String {
    let cleaned = message.replace('\'', "\"").replace("NOT", "not");
    match property {
        Some(p) => format!("\"{p}\" property {cleaned}"),
        None => cleaned,
    }
}

fn segment_text(seg: &Segment) -> String {
    seg.to_string()
}

/// A path segment as it appears in an `ajv` instance path (`~` and `/` escaped).
fn escaped(seg: &Segment) -> String {
    seg.to_string().replace('~', "~0").replace('/', "~1")
}

/// The printed `allowedValues` of an `enum` error (`JSON.stringify` of each).
fn printed_values(values: &[serde_json::Value], strings_plain: bool) -> String {
    values
        .iter()
        .map(|v| match v {
            serde_json::Value::String(s) if strings_plain => format!("\"{s}\""),
            v => json_stringify_value(v),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `JSON.stringify` of a schema constant.
fn json_stringify_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => js::json_number(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => js::json_string(s),
        serde_json::Value::Array(a) => format!(
            "[{}]",
            a.iter()
                .map(json_stringify_value)
                .collect::<Vec<_>>()
                .join(",")
        ),
        serde_json::Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}:{}", js::json_string(k), json_stringify_value(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// The "Did you mean" suggestion for an `enum` error on `node`.
fn suggestion(doc: &Document, node: NodeId, values: &[serde_json::Value]) -> Option<String> {
    let Value::String(current) = doc.tree.value(node) else {
        return None;
    };
    let strings: Vec<&str> = values.iter().filter_map(|v| v.as_str()).collect();
    js::best_match(current, &strings, values.len()).map(str::to_string)
}

/// `oasDocumentSchema`'s `processError` for every error but `if` ones: the messages of
/// `oas3-schema` before the rule's `{{error}}.` template, with `{{property}}` filled in.
pub fn document_schema_messages(doc: &Document, errors: &[AjvError]) -> Vec<Message> {
    let mut out = Vec::new();
    for e in errors {
        if e.keyword == "if" {
            continue;
        }
        // The property is the raw (pointer-escaped) last segment of the instance path; the
        // `{{property}}` template variable is the decoded one.
        let property = e.path.last().map(escaped);
        let decoded = e.path.last().map(segment_text);
        let (node, text, last) = match e.keyword {
            "additionalProperties" => {
                let (key, value) = e
                    .params
                    .additional_property
                    .clone()
                    .expect("additionalProperties errors name the property");
                let text = format!("Property \"{key}\" is not expected to be here");
                (value, text, Some(key.to_string()))
            }
            "enum" => {
                let values = e.params.allowed_values.as_deref().unwrap_or_default();
                let mut text = format!(
                    "{}: {}",
                    clean(property.as_deref(), &e.message),
                    printed_values(values, false)
                );
                if let Some(best) = suggestion(doc, e.node, values) {
                    text.push_str(&format!(". Did you mean \"{best}\"?"));
                }
                (e.node, text, decoded)
            }
            "errorMessage" => (e.node, e.message.clone(), decoded),
            _ => (e.node, clean(property.as_deref(), &e.message), decoded),
        };
        out.push(Message {
            node,
            text: fill_property(&text, last.as_deref().unwrap_or("")),
        });
    }
    out
}

/// Spectral's message templating of a result message: `{{property}}` is the last path segment.
pub fn fill_property(text: &str, property: &str) -> String {
    if text.contains("{{property}}") {
        text.replace("{{property}}", property)
    } else {
        text.to_string()
    }
}

/// The instance path of an error as `ajv` prints it (`/a/b~1c/0`).
fn pointer(path: &[Segment]) -> String {
    path.iter().map(|s| format!("/{}", escaped(s))).collect()
}

/// `better-ajv-errors`' grouping: the pieces `/\/[\w$_-]+(\/\d+)?/g` finds in an instance path.
fn pointer_chunks(path: &str) -> Vec<String> {
    if path.is_empty() {
        return vec![String::new()];
    }
    let b = path.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c == b'-';
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && i + 1 < b.len() && word(b[i + 1]) {
            let mut j = i + 1;
            while j < b.len() && word(b[j]) {
                j += 1;
            }
            if j + 1 < b.len() && b[j] == b'/' && b[j + 1].is_ascii_digit() {
                let mut k = j + 1;
                while k < b.len() && b[k].is_ascii_digit() {
                    k += 1;
                }
                j = k;
            }
            out.push(path[i..j].to_string());
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

#[derive(Default)]
struct TreeNode {
    children: Vec<(String, TreeNode)>,
    errors: Option<Vec<usize>>,
}

/// `@stoplight/better-ajv-errors` followed by the reference `schema` function's message
/// decoration (`Item at index …`, combinator hints). `prop_path` is the path of the validated
/// value (its last segment names it); `data` is the validated value.
pub fn schema_function_messages(
    doc: &Document,
    errors: &[AjvError],
    prop_path: &[Segment],
    data: Option<NodeId>,
) -> Vec<Message> {
    // makeTree
    let mut root = TreeNode::default();
    for (i, e) in errors.iter().enumerate() {
        let chunks = pointer_chunks(&pointer(&e.path));
        if chunks.is_empty() {
            continue;
        }
        let mut cur = &mut root;
        let last = chunks.len() - 1;
        for (n, chunk) in chunks.into_iter().enumerate() {
            let pos = match cur.children.iter().position(|(k, _)| *k == chunk) {
                Some(p) => p,
                None => {
                    cur.children.push((
                        chunk,
                        TreeNode {
                            children: Vec::new(),
                            errors: Some(Vec::new()),
                        },
                    ));
                    cur.children.len() - 1
                }
            };
            cur = &mut cur.children[pos].1;
            if n == last {
                cur.errors.get_or_insert_with(Vec::new).push(i);
            }
        }
    }
    filter_redundant(&mut root, errors);
    let mut ordered = Vec::new();
    create_instances(&root, errors, &mut ordered);

    let unmatched: Vec<(String, &str)> = errors
        .iter()
        .filter(|e| matches!(e.keyword, "oneOf" | "anyOf") && e.params.none_passing)
        .map(|e| (pointer(&e.path), e.keyword))
        .collect();

    let mut out = Vec::new();
    for item in ordered {
        let e = &errors[item.error];
        let instance_path = pointer(&e.path);
        let text = match &item.kind {
            Kind::Enum(values) => {
                let mut text = format!(
                    "{} {}: {}",
                    pretty_property(doc, &e.path, prop_path, data, e.node),
                    e.message,
                    printed_values(values, true)
                );
                if let Some(best) = suggestion(doc, e.node, values) {
                    text.push_str(&format!(". Did you mean \"{best}\"?"));
                }
                text
            }
            Kind::Plain => match e.keyword {
                "additionalProperties" => {
                    let key = e
                        .params
                        .additional_property
                        .as_ref()
                        .map(|(k, _)| k.to_string())
                        .unwrap_or_default();
                    format!("Property \"{key}\" is not expected to be here")
                }
                "type" => match property_name(&e.path, prop_path) {
                    Some(name) => format!("\"{name}\" property type {}", e.message),
                    None => format!("Value type {}", e.message),
                },
                "errorMessage" => e.message.clone(),
                _ => format!(
                    "{} {}",
                    pretty_property(doc, &e.path, prop_path, data, e.node),
                    clean(None, &e.message)
                ),
            },
        };
        let text = describe_array_item(&text, &instance_path);
        let text = match unmatched.iter().find(|(p, _)| *p == instance_path) {
            Some((_, keyword)) if text.ends_with(&format!(" in {keyword}")) => format!(
                "{text}. None of the schemas matched, see the other errors reported for this value"
            ),
            _ => text,
        };
        let last = e
            .path
            .last()
            .or(prop_path.last())
            .map(segment_text)
            .unwrap_or_default();
        out.push(Message {
            node: e.node,
            text: fill_property(&text, &last),
        });
    }
    out
}

enum Kind {
    Plain,
    Enum(Vec<serde_json::Value>),
}

struct Instance {
    error: usize,
    kind: Kind,
}

fn filter_redundant(node: &mut TreeNode, errors: &[AjvError]) {
    if node
        .errors
        .as_ref()
        .is_some_and(|es| es.iter().any(|&i| errors[i].keyword == "anyOf"))
        && !node.children.is_empty()
    {
        node.errors = None;
    }
    // Children that hold only `enum` errors are dropped when they have siblings.
    let mut i = 0;
    while i < node.children.len() {
        let only_enum =
            node.children[i].1.errors.as_ref().is_some_and(|es| {
                !es.is_empty() && es.iter().all(|&k| errors[k].keyword == "enum")
            });
        if only_enum && node.children.len() > 1 {
            node.children.remove(i);
            continue;
        }
        filter_redundant(&mut node.children[i].1, errors);
        i += 1;
    }
}

fn create_instances(node: &TreeNode, errors: &[AjvError], out: &mut Vec<Instance>) {
    let list = node.errors.as_deref().unwrap_or_default();
    if !list.is_empty() && list.iter().all(|&i| errors[i].keyword == "enum") {
        let mut values: Vec<serde_json::Value> = Vec::new();
        for &i in list {
            for v in errors[i]
                .params
                .allowed_values
                .as_deref()
                .unwrap_or_default()
            {
                let duplicate = values.iter().any(|w| {
                    w == v
                        && !matches!(
                            v,
                            serde_json::Value::Array(_) | serde_json::Value::Object(_)
                        )
                });
                if !duplicate {
                    values.push(v.clone());
                }
            }
        }
        out.push(Instance {
            error: list[0],
            kind: Kind::Enum(values),
        });
        return;
    }
    for &i in list {
        // Outside an all-`enum` node an `enum` error gets the default message.
        out.push(Instance {
            error: i,
            kind: Kind::Plain,
        });
    }
    for (_, child) in &node.children {
        create_instances(child, errors, out);
    }
}

/// `getPropertyName`: the last instance path segment, else the last segment of the validated
/// value's own path.
fn property_name(path: &[Segment], prop_path: &[Segment]) -> Option<String> {
    match path.last() {
        Some(seg) => Some(escaped(seg)),
        None => prop_path.last().map(segment_text),
    }
}

/// `getPrettyPropertyName`: `"name" property`, or the capitalised `typeof` of the value.
fn pretty_property(
    doc: &Document,
    path: &[Segment],
    prop_path: &[Segment],
    data: Option<NodeId>,
    node: NodeId,
) -> String {
    match property_name(path, prop_path) {
        Some(name) => format!("\"{name}\" property"),
        None => {
            let at = if path.is_empty() { data } else { Some(node) };
            let kind = match at.map(|n| doc.tree.value(n)) {
                None => "Undefined",
                Some(Value::Null | Value::Array(_) | Value::Object(_)) => "Object",
                Some(Value::Bool(_)) => "Boolean",
                Some(Value::Number(_)) => "Number",
                Some(Value::String(_)) => "String",
            };
            kind.to_string()
        }
    }
}

/// The reference `schema` function's `describeArrayItem`.
fn describe_array_item(message: &str, instance_path: &str) -> String {
    let index = instance_path.rsplit('/').next().unwrap_or("");
    if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
        return message.to_string();
    }
    let type_prefix = format!("\"{index}\" property type");
    if let Some(rest) = message.strip_prefix(&type_prefix) {
        return format!("Item at index {index}{rest}");
    }
    let prefix = format!("\"{index}\" property");
    match message.strip_prefix(&prefix) {
        Some(rest) => format!("Item at index {index}{rest}"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_as_better_ajv_errors() {
        assert_eq!(pointer_chunks(""), vec![""]);
        assert_eq!(pointer_chunks("/a/0/b"), vec!["/a/0", "/b"]);
        assert_eq!(pointer_chunks("/a.b/c"), vec!["/a", "/c"]);
        assert_eq!(
            describe_array_item("\"0\" property type must be string", "/0"),
            "Item at index 0 must be string"
        );
    }
}
