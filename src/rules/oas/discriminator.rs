//! `oas2-discriminator`.

use crate::document::{Document, Value};
use crate::rules::openapi_version::truthy;
use crate::rules::walk::Place;
use crate::rules::{Check, Report, Sink};

/// A Swagger 2.0 discriminator must name a property that the schema defines and requires.
/// Official selector `$.definitions[?(@ && @.discriminator)]` (resolved) with
/// `oasDiscriminator`, which skips schemas whose `discriminator` is not a string. Two findings
/// at most: "must be defined" at `properties` (any object or array whose keys do not include
/// the name; the schema itself when there is none) and "must be in the required property
/// list" at `required` (likewise).
#[derive(Debug)]
pub struct Oas2Discriminator;

impl Check for Oas2Discriminator {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let root = Place::new(doc, root, true);
        if !matches!(doc.value(root.node), Value::Object(_)) {
            return;
        }
        let Some(definitions) = root.field(doc, "definitions") else {
            return;
        };
        for (_, schema) in definitions.children(doc) {
            if !matches!(doc.value(schema.node), Value::Object(_)) {
                continue;
            }
            let Some(disc) = schema.field(doc, "discriminator") else {
                continue;
            };
            if !truthy(doc.value(disc.node)) {
                continue;
            }
            let Some(name) = doc.as_str(disc.node) else {
                continue;
            };
            let properties = schema.field(doc, "properties");
            let defined = properties.is_some_and(|p| match doc.value(p.node) {
                Value::Object(_) => doc.tree.raw_get(p.node, name).is_some(),
                Value::Array(items) => name
                    .parse::<usize>()
                    .is_ok_and(|i| i < items.len() && i.to_string() == name),
                _ => false,
            });
            if !defined {
                sink.push(Report {
                    node: properties.unwrap_or(schema).report(doc),
                    error: Some(
                        "The discriminator property must be defined in this schema.".into(),
                    ),
                    ..Report::default()
                });
            }
            let required = schema.field(doc, "required");
            let listed = required.is_some_and(|r| {
                matches!(doc.value(r.node), Value::Array(_))
                    && doc.items(r.node).any(|i| doc.as_str(i) == Some(name))
            });
            if !listed {
                sink.push(Report {
                    node: required.unwrap_or(schema).report(doc),
                    error: Some(
                        "The discriminator property must be in the required property list.".into(),
                    ),
                    ..Report::default()
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn defined_and_required() {
        let doc = r##"{"swagger": "2.0", "definitions": {
          "Ok": {"discriminator": "t", "properties": {"t": {}}, "required": ["t"]},
          "None": {"discriminator": "t"},
          "Wrong": {"discriminator": "t", "properties": {"u": {}}, "required": ["u"]},
          "Empty": {"discriminator": ""},
          "Num": {"discriminator": 5}}}"##;
        assert_eq!(
            run(&Oas2Discriminator, doc),
            [
                "definitions.None",
                "definitions.None",
                "definitions.Wrong.properties",
                "definitions.Wrong.required"
            ]
        );
    }
}
