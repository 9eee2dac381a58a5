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
