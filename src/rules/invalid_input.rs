//! `nlgov:problem-invalid-input` — `/core/error-handling/invalid-input`: operations that take
//! input can answer 400.

use super::selections::Selections;
use super::walk::Place;
use super::{Check, Sink};
use crate::document::{Document, NodeId, Value};

/// Which of the two official key filters a key passes: `(get)|(delete)` (read/delete) and
/// `(put)|(post)|(patch)` (write), both unanchored and case-sensitive. One pass over the key,
/// since every key below `paths` is tested.
pub(super) fn key_filters(key: &str) -> (bool, bool) {
    let bytes = key.as_bytes();
    let (mut read_or_delete, mut write) = (false, false);
    for (i, b) in bytes.iter().enumerate() {
        let rest = &bytes[i..];
        match b {
            b'g' => read_or_delete |= rest.starts_with(b"get"),
            b'd' => read_or_delete |= rest.starts_with(b"delete"),
            b'p' => {
                write |= rest.starts_with(b"put")
                    || rest.starts_with(b"post")
                    || rest.starts_with(b"patch")
            }
            _ => {}
        }
    }
    (read_or_delete, write)
}

/// GET/DELETE operations with parameters, and all PUT/POST/PATCH operations, must have a `400`
/// response. Official selectors
/// `$.paths..[?( @property.match(/(get)|(delete)/) && @.parameters && @.parameters.length > 0 )]`
/// and `$.paths..[?( @property.match(/(put)|(post)|(patch)/))]` with a `schema` check
/// `{type: object, properties: {responses: {type: object, required: ["400"]}}}`.
///
/// The filters are unanchored key matches at any depth below `paths` of the resolved document,
/// so they select much more than operations (verified quirk, reproduced):
/// - every key containing `put`/`post`/`patch` — schema properties `postcode`, `output`,
///   `input`, example keys, extensions like `x-putter` — whose value is not an object (a string,
///   `null`, an array) fails `type: object`; object values pass unless they have a `responses`
///   that is not an object or lacks `400`;
/// - keys containing `get`/`delete` count only when the value has a non-empty `parameters`
///   (JavaScript `length > 0`); path-item-level `parameters` do not count for the operation.
///
/// Reported at the selected node when it is not an object, otherwise at its `responses`.
#[derive(Debug)]
pub struct ProblemInvalidInput;

/// JavaScript `@.parameters && @.parameters.length > 0`.
fn has_parameters(doc: &Document, node: NodeId) -> bool {
    let Some(params) = doc.get(node, "parameters") else {
        return false;
    };
    match doc.value(params) {
        Value::Array(items) => !items.is_empty(),
        Value::String(s) => !s.is_empty(),
        Value::Object(_) => doc
            .get(params, "length")
            .is_some_and(|len| js_greater_than_zero(doc.value(len))),
        _ => false,
    }
}

/// JavaScript `value > 0` for a `length` property of an object (numbers, numeric strings, `true`).
fn js_greater_than_zero(value: &Value) -> bool {
    match value {
        Value::Number(n) => *n > 0.0,
        Value::Bool(b) => *b,
        Value::String(s) => {
            let t = s.trim();
            !t.is_empty() && t.parse::<f64>().is_ok_and(|n| n > 0.0)
        }
        _ => false,
    }
}

impl ProblemInvalidInput {
    fn inspect(doc: &Document, selected: Place, sink: &mut Sink) {
        if !doc.is_object(selected.node) {
            sink.node(selected.report(doc));
            return;
        }
        let Some(responses) = selected.field(doc, "responses") else {
            return;
        };
        if !doc.is_object(responses.node) || doc.get(responses.node, "400").is_none() {
            sink.node(responses.report(doc));
        }
    }
}

impl Check for ProblemInvalidInput {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        for &((read_or_delete, write), place) in
            &doc.shared(Selections::collect).path_operation_keys
        {
            if write || (read_or_delete && has_parameters(doc, place.node)) {
                Self::inspect(doc, place, sink);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn operations() {
        let doc = r##"{"paths": {
          "/a": {
            "parameters": [{"name": "id", "in": "path"}],
            "get": {"responses": {"200": {}}},
            "delete": {"parameters": [{"name": "q", "in": "query"}], "responses": {"200": {}}},
            "put": {"responses": {"200": {}, "400": {}}},
            "post": {"responses": {"201": {}}},
            "patch": {"responses": []}},
          "/b": {"get": {"parameters": [{"$ref": "#/components/parameters/Q"}],
                         "responses": {"$ref": "#/components/x/Responses"}}}},
          "components": {"parameters": {"Q": {"name": "q", "in": "query"}},
                         "x": {"Responses": {"200": {}}}}}"##;
        assert_eq!(
            run(&ProblemInvalidInput, doc),
            [
                "paths./a.delete.responses",
                "paths./a.post.responses",
                "paths./a.patch.responses",
                "components.x.Responses",
            ]
        );
    }

    #[test]
    fn unanchored_keys_below_paths() {
        let doc = r##"{"paths": {"/output": {"get": {"responses": {"200": {"content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Adres"},
              "example": {"postcode": "1234AB", "output": null, "input": {"responses": []},
                          "list": [{"put": 1}, {"patch": {"responses": {"400": {}}}}],
                          "budget": {"parameters": [1]}, "gets": [1, 2]}}}}}}}},
          "components": {"schemas": {"Adres": {"properties": {"postcode": {"type": "string"}},
            "example": {"postcode": "1234AB"}}}}}"##;
        assert_eq!(
            run(&ProblemInvalidInput, doc),
            [
                "components.schemas.Adres.example.postcode",
                "paths./output.get.responses.200.content.application/json.example.postcode",
                "paths./output.get.responses.200.content.application/json.example.output",
                "paths./output.get.responses.200.content.application/json.example.input.responses",
                "paths./output.get.responses.200.content.application/json.example.list.0.put",
            ]
        );
    }

    #[test]
    fn parameters_length() {
        let doc = r##"{"paths": {"/a": {
            "get": {"parameters": "q", "responses": {}},
            "delete": {"parameters": {"length": 2}, "responses": {}}},
          "/b": {"get": {"parameters": {}, "responses": {}}, "delete": {"parameters": 3, "responses": {}}}}}"##;
        assert_eq!(
            run(&ProblemInvalidInput, doc),
            ["paths./a.get.responses", "paths./a.delete.responses"]
        );
    }

    #[test]
    fn key_filters_are_unanchored_substring_matches() {
        assert_eq!(key_filters("get"), (true, false));
        assert_eq!(key_filters("x-budget"), (true, false));
        assert_eq!(key_filters("undelete"), (true, false));
        assert_eq!(key_filters("postcode"), (false, true));
        assert_eq!(key_filters("output"), (false, true));
        assert_eq!(key_filters("dispatcher"), (false, true));
        assert_eq!(key_filters("getput"), (true, true));
        assert_eq!(key_filters("GET"), (false, false));
        assert_eq!(key_filters("pu"), (false, false));
    }
}
