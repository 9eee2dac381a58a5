//! The `$..` recursive descent of the resolved document as the reference's resolver leaves it
//! for the `spectral:oas` rules with `$..[…]` selectors (`no-eval-in-markdown`,
//! `no-script-tags-in-markdown`, `duplicated-entry-in-enum`, `typed-enum`).

use crate::document::{Document, NodeId, Target};
use crate::rules::walk::{walk, Place};

/// Whether the reference's resolver leaves the `$ref` object `phys` as written: a local
/// reference to one of its own ancestors (`Pet.properties.parent: {$ref: '#/…/Pet'}`) is not
/// dereferenced, so selectors see the object with its sibling keys and do not enter the
/// target. (Longer cycles, which the resolver also leaves as written, are followed here.)
pub(super) fn refers_to_ancestor(doc: &Document, phys: NodeId) -> bool {
    let Some(Target::Node(target)) = doc.refs.target(phys) else {
        return false;
    };
    let mut cur = doc.tree.node(phys).parent;
    while let Some(p) = cur {
        if p == target {
            return true;
        }
        cur = doc.tree.node(p).parent;
    }
    false
}

/// Calls `f` with every node a `$..[…]` selector considers (each node below the root, with
/// its key in its parent object) and where it is reported. A `$ref` left as written (see
/// [`refers_to_ancestor`]) is passed as written and not descended into.
pub(super) fn each_node(doc: &Document, mut f: impl FnMut(Option<&str>, Place)) {
    let Some(root) = doc.root else { return };
    walk(doc, root, None, Some(root), |v| {
        let place = Place::visited_at(doc, v, *v.state);
        if v.parent.is_some() && v.phys != v.node && refers_to_ancestor(doc, v.phys) {
            let written = Place {
                phys: v.phys,
                node: v.phys,
                parent_physical: true,
                loc: Some(v.phys),
            };
            f(v.key, written);
            return None;
        }
        if v.parent.is_some() {
            f(v.key, place);
        }
        Some(place.loc)
    });
}
