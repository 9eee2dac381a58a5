//! `info-contact` and `nlgov:info-contact-fields-exist` — `/core/doc-openapi-contact`.

use super::openapi_version::truthy;
use super::{Check, Report, Sink};
use crate::document::Document;

/// `info.contact` must be present (truthy). Reported at the deepest existing node of
/// `info.contact` (the root when `info` is missing, as the reference's closest path does).
#[derive(Debug)]
pub struct InfoContact;

impl Check for InfoContact {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root.filter(|&r| doc.is_object(r)) else {
            return;
        };
        let Some(info) = doc.get(root, "info") else {
            sink.node(root);
            return;
        };
        match doc.get(info, "contact") {
            Some(c) if truthy(doc.value(c)) => {}
            Some(c) => sink.node(c),
            None => sink.node(info),
        }
    }
}

/// `info.contact` must have `email`, `name` and `url` (a JSON Schema `required` check, so a
/// non-object contact passes and each missing field is one report at the contact).
#[derive(Debug)]
pub struct InfoContactFields;

impl Check for InfoContactFields {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(contact) = doc.root.and_then(|r| doc.get_path(r, &["info", "contact"])) else {
            return;
        };
        if !doc.is_object(contact) {
            return;
        }
        for field in ["email", "name", "url"] {
            if doc.get(contact, field).is_none() {
                sink.push(Report {
                    node: contact,
                    error: Some(format!(
                        "\"contact\" property must have required property \"{field}\""
                    )),
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
    fn info_contact() {
        assert!(run(&InfoContact, r#"{"info": {"contact": {"name": "x"}}}"#).is_empty());
        assert_eq!(run(&InfoContact, r#"{"info": {"title": "x"}}"#), ["info"]);
        assert_eq!(run(&InfoContact, r#"{"openapi": "3.0.0"}"#), [""]);
    }

    #[test]
    fn info_contact_fields() {
        let ok =
            r#"{"info": {"contact": {"name": "a", "email": "a@b.nl", "url": "https://b.nl"}}}"#;
        assert!(run(&InfoContactFields, ok).is_empty());
        let missing = r#"{"info": {"contact": {"name": "a"}}}"#;
        assert_eq!(
            run(&InfoContactFields, missing),
            ["info.contact", "info.contact"]
        );
        assert!(run(&InfoContactFields, r#"{"info": {}}"#).is_empty());
    }
}
