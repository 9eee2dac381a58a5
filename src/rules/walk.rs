//! Recursive descent over the `$ref`-resolved document, for rules whose official selector
//! starts with `$..` (JSONPath recursive descent on the resolved document).
//!
//! The resolved document is a graph: a component referenced from ten places is seen ten times,
//! and recursive schemas are cycles. Reports are reduced to physical locations afterwards, so
//! the target of a reference is visited once per reference (its key differs), but its subtree
//! only once per state the target's visit hands down: below the target, every visit would be
//! the same. The walk remembers those (target, state) pairs, which also ends every cycle.

use rustc_hash::FxHashSet;
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
    let mut entered: FxHashSet<(NodeId, S)> = FxHashSet::default();
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
        if node != phys && !entered.insert((node, child_state.clone())) {
            continue;
        }
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
/// linter does.
///
/// The reference maps a finding's path (a path in the resolved document) back to the document
/// by walking the same path through the root document as written: while every segment exists
/// there it stays physical — also into the sibling keys of a `$ref` object (`{$ref: …,
/// description: …}`: the resolved value is the target's `description`, the location the
/// sibling's) — and a path ending at a `$ref` object with no other keys, or needing a key
/// the written node lacks where that node is a `$ref`, goes where the references lead (the
/// resolved node). `loc` is that physical node while the path exists as written.
///
/// Not reproduced: a path that leaves the written document at a node that is not a `$ref`
/// (below a sibling of a `$ref`, a key only the target has) makes the reference report the
/// resolved path without a source at 0:0; it is reported at the resolved node here.
#[derive(Clone, Copy)]
pub struct Place {
    pub phys: NodeId,
    pub node: NodeId,
    /// Whether the parent was reached without following a `$ref`.
    pub parent_physical: bool,
    /// The node at this place's path in the root document as written, while the path exists
    /// there (see above).
    pub loc: Option<NodeId>,
}

/// A `$ref` object with no other keys (`@stoplight/json`'s `hasRef` and one key).
fn is_ref_only(doc: &Document, id: NodeId) -> bool {
    let entries = doc.tree.entries(id);
    entries.len() == 1
        && &*entries[0].0 == "$ref"
        && matches!(doc.tree.value(entries[0].1), Value::String(_))
}

/// The child of the written node `loc` at `key` (objects) or `index` (arrays).
fn written_child(
    doc: &Document,
    loc: NodeId,
    key: Option<&str>,
    index: Option<usize>,
) -> Option<NodeId> {
    match (doc.tree.value(loc), key, index) {
        (Value::Object(_), Some(k), _) => doc.tree.raw_get(loc, k),
        (Value::Array(items), _, Some(i)) => items.get(i).copied(),
        _ => None,
    }
}

impl Place {
    /// The node `visit` is at; `parent_physical` as the rule's walk state tracks it.
    pub fn visited<S>(visit: &Visit<'_, S>, parent_physical: bool) -> Place {
        Place {
            phys: visit.phys,
            node: visit.node,
            parent_physical,
            loc: parent_physical.then_some(visit.phys),
        }
    }

    /// The node `visit` is at, for a walk whose state is the parent's [`Place::loc`] (the
    /// walk's `start` is visited with the state it is given as its own `loc`).
    pub fn visited_at<S>(
        doc: &Document,
        visit: &Visit<'_, S>,
        parent_loc: Option<NodeId>,
    ) -> Place {
        let loc = match (visit.parent, parent_loc) {
            // The parent read where it is written: see `Place::child`.
            (Some(parent), Some(l)) if l == parent => Some(visit.phys),
            (Some(_), l) => l.and_then(|l| written_child(doc, l, visit.key, visit.index)),
            (None, l) => l,
        };
        Place {
            phys: visit.phys,
            node: visit.node,
            parent_physical: parent_loc.is_some(),
            loc,
        }
    }

    pub fn new(doc: &Document, phys: NodeId, parent_physical: bool) -> Place {
        Place {
            phys,
            node: doc.resolve(phys),
            parent_physical,
            loc: parent_physical.then_some(phys),
        }
    }

    /// Whether this node was reached without following a `$ref` (and is not one).
    pub fn physical(&self) -> bool {
        self.parent_physical && self.phys == self.node && self.loc == Some(self.phys)
    }

    /// Where a finding on this node is reported.
    pub fn report(&self, doc: &Document) -> NodeId {
        match self.loc {
            Some(l) if !is_ref_only(doc, l) => l,
            _ => self.node,
        }
    }

    /// Where a finding on this node's missing child `key` is reported: the closest existing
    /// node of its path — the written child when the path is physical and it exists there
    /// (a sibling of a `$ref`), else this node.
    pub fn report_missing(&self, doc: &Document, key: &str) -> NodeId {
        match self.loc {
            Some(l) if !is_ref_only(doc, l) => written_child(doc, l, Some(key), None).unwrap_or(l),
            _ => self.node,
        }
    }

    /// The place of `phys`, the child of this node under `key` or at `index`.
    fn child(
        &self,
        doc: &Document,
        phys: NodeId,
        key: Option<&str>,
        index: Option<usize>,
    ) -> Place {
        // Read where it is written, this node's child is its own written child: looking it up
        // by key again would make walking an object's children quadratic in their number.
        let loc = match self.loc {
            Some(l) if l == self.node => Some(phys),
            l => l.and_then(|l| written_child(doc, l, key, index)),
        };
        Place {
            phys,
            node: doc.resolve(phys),
            parent_physical: self.physical(),
            loc,
        }
    }

    /// The child `key` of this (object) node.
    pub fn field(&self, doc: &Document, key: &str) -> Option<Place> {
        let phys = doc.tree.raw_get(self.node, key)?;
        Some(self.child(doc, phys, Some(key), None))
    }

    /// Spectral's `field: key` + `truthy` on this node: where it reports, if it does. A missing
    /// field is reported at the closest existing node (see [`Place::report_missing`]), a false-y
    /// field at itself; on an array the field is never found, and a scalar is tested itself.
    pub fn falsy_field(&self, doc: &Document, key: &str) -> Option<NodeId> {
        use super::openapi_version::truthy;
        match doc.value(self.node) {
            Value::Object(_) => match self.field(doc, key) {
                Some(f) if truthy(doc.value(f.node)) => None,
                Some(f) => Some(f.report(doc)),
                None => Some(self.report_missing(doc, key)),
            },
            Value::Array(_) => Some(self.report_missing(doc, key)),
            scalar => (!truthy(scalar)).then(|| self.report(doc)),
        }
    }

    /// The children of this node as JSONPath `[*]` sees them (object values or array items),
    /// with their keys for objects.
    pub fn children<'d>(
        &self,
        doc: &'d Document,
    ) -> impl Iterator<Item = (Option<&'d str>, Place)> + 'd {
        let this = *self;
        let entries = doc
            .tree
            .entries(self.node)
            .iter()
            .map(move |(k, v)| (Some(&**k), this.child(doc, *v, Some(k), None)));
        let items = doc
            .tree
            .items(self.node)
            .iter()
            .enumerate()
            .map(move |(i, v)| (None, this.child(doc, *v, None, Some(i))));
        entries.chain(items)
    }
}
