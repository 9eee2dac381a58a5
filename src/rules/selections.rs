//! What several `$..` rules select from the resolved document, collected in one walk per
//! document (`Document::shared`) instead of one walk per rule: on a large document each walk of
//! the resolved document costs about as much as parsing it.

use super::invalid_input::key_filters;
use super::pattern::JsPattern;
use super::walk::{walk, Place};
use crate::document::Document;

/// The walk's state: whether the node was reached without following a `$ref` (as every rule's
/// own walk tracked it, see [`Place`]), and whether it lies strictly below the root's `paths`
/// (for the `$.paths..` selectors). A target reached both below `paths` and elsewhere is walked
/// once for each, so what is below `paths` is exactly what a walk from `paths` would see.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct State {
    physical: bool,
    below_paths: bool,
}

#[derive(Default)]
pub struct Selections {
    /// `$..properties`: every node under a key `properties`, schema keyword or not.
    pub properties: Vec<Place>,
    /// `$..[responses]`: every object under a key `responses`.
    pub responses: Vec<Place>,
    /// `$.paths..servers`: every node under a key `servers` below `paths`.
    pub path_servers: Vec<Place>,
    /// `$.paths..[?(@property.match(…))]` of `nlgov:problem-invalid-input`: every node below
    /// `paths` (not `paths` itself, the start of `..`) whose key passes one of its two filters,
    /// with the filters' verdicts (`(read_or_delete, write)`). Array items have no key here.
    pub path_operation_keys: Vec<((bool, bool), Place)>,
}

impl Selections {
    /// All of them, in walk order.
    pub fn collect(doc: &Document) -> Self {
        let mut found = Selections::default();
        let Some(root) = doc.root else { return found };
        let resolved_root = doc.resolve(root);
        let init = State {
            physical: true,
            below_paths: false,
        };
        walk(doc, root, None, init, |v| {
            let place = Place::visited(v, v.state.physical);
            match v.key {
                Some("properties") => found.properties.push(place),
                Some("responses") if doc.is_object(v.node) => found.responses.push(place),
                _ => {}
            }
            if let (true, Some(key)) = (v.state.below_paths, v.key) {
                if key == "servers" {
                    found.path_servers.push(place);
                }
                let filters = key_filters(key);
                if filters != (false, false) {
                    found.path_operation_keys.push((filters, place));
                }
            }
            Some(State {
                physical: place.physical(),
                below_paths: v.state.below_paths
                    || (v.parent == Some(resolved_root) && v.key == Some("paths")),
            })
        });
        found
    }

    /// `$..[responses][?(@property && @property.match(code))]`: the children of every
    /// `responses` object whose key passes the status-code filter `code`, in walk order.
    pub fn responses_with_code(&self, doc: &Document, code: &JsPattern) -> Vec<Place> {
        self.responses
            .iter()
            .flat_map(|responses| responses.children(doc))
            .filter(|(key, _)| key.is_some_and(|k| code.test(k)))
            .map(|(_, response)| response)
            .collect()
    }
}
