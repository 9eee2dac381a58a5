//! `oas3-callbacks-in-callbacks`, `oas3_1-servers-in-webhook` and `oas3_1-callbacks-in-webhook`.

use crate::document::{Document, Value};
use crate::rules::walk::Place;
use crate::rules::{Check, Sink};

use super::security_defined::OPERATION_METHODS;

/// A member that must not be there (Spectral's `undefined` function): reported at its value.
fn report_field(doc: &Document, holder: Place, key: &str, sink: &mut Sink) {
    if !matches!(doc.value(holder.node), Value::Object(_)) {
        return;
    }
    if let Some(field) = holder.field(doc, key) {
        sink.node(field.report(doc));
    }
}

/// Callbacks must not define callbacks. Official selector
/// `#OperationObject.callbacks[*][*][*].callbacks` (resolved): below each operation's
/// callbacks, any member of any path item (not only operations) with `callbacks`.
#[derive(Debug)]
pub struct CallbacksInCallbacks;

impl Check for CallbacksInCallbacks {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        let root = Place::new(doc, root, true);
        if !matches!(doc.value(root.node), Value::Object(_)) {
            return;
        }
        let Some(paths) = root.field(doc, "paths") else {
            return;
        };
        for (_, item) in paths.children(doc) {
            if !matches!(doc.value(item.node), Value::Object(_)) {
                continue;
            }
            for method in OPERATION_METHODS {
                let Some(callbacks) = item
                    .field(doc, method)
                    .filter(|op| matches!(doc.value(op.node), Value::Object(_)))
                    .and_then(|op| op.field(doc, "callbacks"))
                else {
                    continue;
                };
                for (_, callback) in callbacks.children(doc) {
                    for (_, path_item) in callback.children(doc) {
                        for (_, member) in path_item.children(doc) {
                            report_field(doc, member, "callbacks", sink);
                        }
                    }
                }
            }
        }
    }
}

/// Webhooks must not define servers (OpenAPI 3.1, 3.2). Official selectors `$.webhooks.servers`
/// and `$.webhooks[*][*].servers` (resolved), `undefined`.
#[derive(Debug)]
pub struct ServersInWebhook;

/// Webhooks must not define callbacks (OpenAPI 3.1, 3.2). Official selector
/// `$.webhooks[*][*].callbacks` (resolved), `undefined`.
#[derive(Debug)]
pub struct CallbacksInWebhook;

/// `key` below each `$.webhooks[*][*]`.
fn in_webhook_members(doc: &Document, key: &str, sink: &mut Sink, top: bool) {
    let Some(root) = doc.root else { return };
    let root = Place::new(doc, root, true);
    if !matches!(doc.value(root.node), Value::Object(_)) {
        return;
    }
    let Some(webhooks) = root.field(doc, "webhooks") else {
        return;
    };
    if top {
        report_field(doc, webhooks, key, sink);
    }
    for (_, webhook) in webhooks.children(doc) {
        for (_, member) in webhook.children(doc) {
            report_field(doc, member, key, sink);
        }
    }
}

impl Check for ServersInWebhook {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        in_webhook_members(doc, "servers", sink, true);
    }
}

impl Check for CallbacksInWebhook {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        in_webhook_members(doc, "callbacks", sink, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn callbacks_in_callbacks() {
        let doc = r##"{"openapi": "3.0.3", "paths": {"/a": {"post": {"callbacks": {"cb": {
          "{$request.body#/url}": {"post": {"callbacks": {}}, "x-y": {"callbacks": null},
            "get": {"responses": {}}}}}}}}}"##;
        assert_eq!(
            run(&CallbacksInCallbacks, doc),
            [
                "paths./a.post.callbacks.cb.{$request.body#/url}.post.callbacks",
                "paths./a.post.callbacks.cb.{$request.body#/url}.x-y.callbacks"
            ]
        );
    }

    #[test]
    fn webhooks() {
        let doc = r##"{"openapi": "3.1.0", "webhooks": {"servers": [],
          "w": {"servers": [], "post": {"servers": [], "callbacks": {}}}}}"##;
        assert_eq!(
            run(&ServersInWebhook, doc),
            ["webhooks.servers", "webhooks.w.post.servers"]
        );
        assert_eq!(run(&CallbacksInWebhook, doc), ["webhooks.w.post.callbacks"]);
    }
}
