//! Recursive descent over the `$ref`-resolved document, for rules whose official selector
//! starts with `$..` (JSONPath recursive descent on the resolved document).
//!
//! The resolved document is a graph: a component referenced from ten places is seen ten times,
//! and recursive schemas are cycles. Reports are reduced to physical locations afterwards, so a
//! subtree entered through a reference needs visiting only once per (target, referencing key,
//! rule state): the walk remembers those entries, which also ends every cycle.

use std::collections::HashSet;
use std::hash::Hash;

use crate::document::{Document, NodeId, Slot, Value};

/// One visited node of the resolved document.
#[derive(Debug, Clone, Copy)]
pub struct Visit<'a, S> {
    /// The node, after `$ref` resolution.
    pub node: NodeId,
    /// The node as it is written in the parent: the `$ref` object when `node` was reached
    /// through a reference, `node` itself otherwise.
    pub phys: NodeId,
    /// The key under which the node appears in its (resolved) parent object.
    pub key: Option<&'a str>,
    /// The index under which the node appears in its (resolved) parent array.
    pub index: Option<usize>,
    /// The (resolved) parent.
    pub parent: Option<NodeId>,
    /// The state the parent's visit handed down.
    pub state: &'a S,
}

/// Walks the resolved subtree below `start` (visiting `start` itself with `key`), calling
/// `visit` for each node. `visit` returns the state for the node's children, or `None` to skip
/// them.
pub fn walk<S, F>(doc: &Document, start: NodeId, key: Option<&str>, init: S, mut visit: F)
where
    S: Clone + Hash + Eq,
    F: FnMut(&Visit<'_, S>) -> Option<S>,
{
    struct Item<S> {
        phys: NodeId,
        parent: Option<NodeId>,
        state: S,
    }
    let mut entered: HashSet<(NodeId, NodeId, S)> = HashSet::new();
    let mut stack = vec![Item {
        phys: start,
        parent: None,
        state: init,
    }];
    let tree = &doc.tree;
    while let Some(Item {
        phys,
        parent,
        state,
    }) = stack.pop()
    {
        let node = doc.resolve(phys);
        if node != phys && !entered.insert((node, phys, state.clone())) {
            continue;
        }
        // The key/index under which `phys` hangs in the (resolved) parent.
        let (k, index) = match (parent, tree.node(phys).slot) {
            (Some(p), Slot::Index(i)) => match tree.value(p) {
                Value::Object(entries) => (Some(&*entries[i as usize].0), None),
                _ => (None, Some(i as usize)),
            },
            _ => (key, None),
        };
        let Some(child_state) = visit(&Visit {
            node,
            phys,
            key: k,
            index,
            parent,
            state: &state,
        }) else {
            continue;
        };
        match tree.value(node) {
            Value::Object(entries) => {
                for (_, child) in entries.iter().rev() {
                    stack.push(Item {
                        phys: *child,
                        parent: Some(node),
                        state: child_state.clone(),
                    });
                }
            }
            Value::Array(items) => {
                for child in items.iter().rev() {
                    stack.push(Item {
                        phys: *child,
                        parent: Some(node),
                        state: child_state.clone(),
                    });
                }
            }
            _ => {}
        }
    }
}

/// The node a finding on the value written at `phys` is reported at, as the reference linter
/// maps result paths back to the documents. Normally that is the resolved node (so a problem in
/// a shared component is reported once, where the component is defined). But a `$ref` object
/// with sibling keys (`{$ref: …, description: …}`) reached by a path that follows no other
/// reference (`parent_is_physical`) keeps its own location: the reference linter only maps a
/// path through the reference map when the path crosses a reference, or ends at a reference
/// object that has no other keys.
pub fn report_node(doc: &Document, phys: NodeId, parent_is_physical: bool) -> NodeId {
    let node = doc.resolve(phys);
    if node != phys && parent_is_physical && doc.tree.entries(phys).len() > 1 {
        phys
    } else {
        node
    }
}

/// A node as written in its parent (`phys`, possibly a `$ref` object) and resolved (`node`),
/// for rules that look below the nodes the walk visits and must report where the reference
/// linter does (see [`report_node`]).
#[derive(Clone, Copy)]
pub struct Place {
    pub phys: NodeId,
    pub node: NodeId,
    /// Whether the parent was reached without following a `$ref`.
    pub parent_physical: bool,
}

impl Place {
    /// The node `visit` is at; `parent_physical` as the rule's walk state tracks it.
    pub fn visited<S>(visit: &Visit<'_, S>, parent_physical: bool) -> Place {
        Place {
            phys: visit.phys,
            node: visit.node,
            parent_physical,
        }
    }

    pub fn new(doc: &Document, phys: NodeId, parent_physical: bool) -> Place {
        Place {
            phys,
            node: doc.resolve(phys),
            parent_physical,
        }
    }

    /// Whether this node was reached without following a `$ref`.
    pub fn physical(&self) -> bool {
        self.parent_physical && self.phys == self.node
    }

    /// Where a finding on this node is reported.
    pub fn report(&self, doc: &Document) -> NodeId {
        report_node(doc, self.phys, self.parent_physical)
    }

    /// The child `key` of this (object) node.
    pub fn field(&self, doc: &Document, key: &str) -> Option<Place> {
        let phys = doc.tree.raw_get(self.node, key)?;
        Some(Place::new(doc, phys, self.physical()))
    }

    /// Spectral's `field: key` + `truthy` on this node: where it reports, if it does. A missing
    /// field is reported at this node (the closest existing one), a false-y field at itself;
    /// on an array the field is never found, and a scalar is tested itself.
    pub fn falsy_field(&self, doc: &Document, key: &str) -> Option<NodeId> {
        use super::openapi_version::truthy;
        match doc.value(self.node) {
            Value::Object(_) => match self.field(doc, key) {
                Some(f) if truthy(doc.value(f.node)) => None,
                Some(f) => Some(f.report(doc)),
                None => Some(self.report(doc)),
            },
            Value::Array(_) => Some(self.report(doc)),
            scalar => (!truthy(scalar)).then(|| self.report(doc)),
        }
    }

    /// The children of this node as JSONPath `[*]` sees them (object values or array items),
    /// with their keys for objects.
    pub fn children<'d>(
        &self,
        doc: &'d Document,
    ) -> impl Iterator<Item = (Option<&'d str>, Place)> + 'd {
        let physical = self.physical();
        let entries = doc
            .tree
            .entries(self.node)
            .iter()
            .map(|(k, v)| (Some(&**k), *v));
        let items = doc.tree.items(self.node).iter().map(|v| (None, *v));
        entries
            .chain(items)
            .map(move |(k, phys)| (k, Place::new(doc, phys, physical)))
    }
}
