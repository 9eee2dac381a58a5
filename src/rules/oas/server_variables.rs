//! `oas3-server-variables` — `/core/publish-openapi`.

use super::js;
use super::operation_id_unique::OPERATION_KEYS;
use crate::document::{Document, NodeId, Value};
use crate::rules::{Check, Report, Sink};

/// Server variables must be defined, valid and used, as Spectral's `serverVariables` function
/// (with `checkSubstitutions` and `requireDefault`) checks the Server Objects at `servers[*]`,
/// `paths.*.servers[*]`, `paths.*.<operation>.servers[*]` and the `server` of Link Objects
/// (`components.links`, and the `links` of `components.responses` and operation responses).
/// A server that is not an object with a string `url` and well-formed `variables` (only `enum`
/// string arrays, string `default`/`description`/`examples` and `x-` keys) is `Invalid Server
/// Object`. Otherwise: defined variables the URL does not use, URL variables not defined,
/// defaults missing or not in the `enum`, and URLs that WHATWG `new URL()` rejects after
/// substituting every combination of the variables' values (the first five are listed), up to
/// [`MAX_SUBSTITUTIONS`] of them (a deliberate deviation: the reference tries them all).
#[derive(Debug)]
pub struct ServerVariables;

fn is_object(doc: &Document, id: NodeId) -> bool {
    matches!(doc.value(id), Value::Object(_))
}

/// The servers the rule's `given` selects, in the order Spectral visits them.
fn targets(doc: &Document, root: NodeId) -> Vec<NodeId> {
    let mut out = Vec::new();
    let each = |out: &mut Vec<NodeId>, holder: NodeId| {
        if let Some(servers) = doc.get(holder, "servers") {
            out.extend(doc.items(servers));
            if is_object(doc, servers) {
                out.extend(doc.entries(servers).map(|(_, v)| v));
            }
        }
    };
    let children = |id: NodeId| -> Vec<NodeId> {
        match doc.value(id) {
            Value::Object(_) => doc.entries(id).map(|(_, v)| v).collect(),
            Value::Array(_) => doc.items(id).collect(),
            _ => Vec::new(),
        }
    };
    each(&mut out, root);
    let mut responses = Vec::new();
    if let Some(paths) = doc.get(root, "paths") {
        for item in children(paths) {
            each(&mut out, item);
            if !is_object(doc, item) {
                continue;
            }
            for (key, op) in doc.entries(item) {
                if OPERATION_KEYS.contains(&key) {
                    each(&mut out, op);
                    if let Some(rs) = doc.get(op, "responses") {
                        responses.extend(children(rs));
                    }
                }
            }
        }
    }
    if doc.formats.oas3 {
        if let Some(links) = doc.get_path(root, &["components", "links"]) {
            for link in children(links) {
                out.extend(doc.get(link, "server"));
            }
        }
        if let Some(rs) = doc.get_path(root, &["components", "responses"]) {
            responses.extend(children(rs));
        }
        for response in responses {
            if let Some(links) = doc.get(response, "links") {
                for link in children(links) {
                    out.extend(doc.get(link, "server"));
                }
            }
        }
    }
    out
}

/// The reference's input schema for the function (failing it gives `Invalid Server Object`).
fn valid_input(doc: &Document, server: NodeId) -> bool {
    if !is_object(doc, server) {
        return false;
    }
    match doc.get(server, "url") {
        Some(url) if doc.as_str(url).is_some() => {}
        _ => return false,
    }
    let Some(variables) = doc.get(server, "variables") else {
        return true;
    };
    if !is_object(doc, variables) {
        return false;
    }
    doc.entries(variables).all(|(_, var)| {
        is_object(doc, var)
            && doc.entries(var).all(|(k, v)| match k {
                "enum" => match doc.value(v) {
                    Value::Array(_) => doc.items(v).all(|i| doc.as_str(i).is_some()),
                    _ => false,
                },
                "default" | "description" | "examples" => doc.as_str(v).is_some(),
                k => k.starts_with("x-"),
            })
    })
}

/// `str.match(/{(.+?)}/g)` without the braces.
fn url_variables(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = url.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '{' {
            let mut j = i + 1;
            let line_break = |c: char| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
            // At least one character, lazily up to the first `}`, none a line terminator.
            if j < chars.len() && !line_break(chars[j]) {
                j += 1;
                while j < chars.len() && chars[j] != '}' && !line_break(chars[j]) {
                    j += 1;
                }
                if j < chars.len() && chars[j] == '}' {
                    out.push(chars[i + 1..j].iter().collect());
                    i = j + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

struct Run<'a> {
    doc: &'a Document,
    sink: &'a mut Sink,
}

impl Run<'_> {
    fn report(&mut self, node: NodeId, text: String) {
        self.sink.push(Report {
            node,
            error: Some(text),
            ..Report::default()
        });
    }

    fn server(&mut self, server: NodeId) {
        let doc = self.doc;
        if !valid_input(doc, server) {
            self.report(server, "Invalid Server Object".into());
            return;
        }
        let url = doc
            .get(server, "url")
            .and_then(|u| doc.as_str(u))
            .unwrap_or_default()
            .to_string();
        let found = url_variables(&url);
        let variables = doc.get(server, "variables");
        let defined: Vec<(String, NodeId)> = variables
            .map(|v| {
                js::ordered(doc.tree.entries(v))
                    .iter()
                    .map(|(k, n)| (k.to_string(), doc.resolve(*n)))
                    .collect()
            })
            .unwrap_or_default();
        for (name, var) in &defined {
            if !found.contains(name) {
                self.report(
                    *var,
                    format!(
                        "Server's \"variables\" object has unused defined \"{name}\" url variable."
                    ),
                );
            }
        }
        if found.is_empty() {
            return;
        }
        let variables_at = variables.unwrap_or(server);
        let missing: Vec<&String> = found
            .iter()
            .filter(|v| !defined.iter().any(|(k, _)| k == *v))
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            self.report(
                variables_at,
                format!("Not all server's variables are described with \"variables\" object. Missed: {list}."),
            );
        }
        if variables.is_none() {
            return;
        }
        let mut pairs: Vec<(String, Vec<String>)> = Vec::new();
        for (name, var) in &defined {
            if !found.contains(name) {
                continue;
            }
            let default = doc.get(*var, "default");
            let default_text = default.and_then(|d| doc.as_str(d)).map(str::to_string);
            if let Some(values) = doc.get(*var, "enum") {
                let values: Vec<String> = doc
                    .items(values)
                    .filter_map(|i| doc.as_str(i).map(str::to_string))
                    .collect();
                if let (Some(d), Some(text)) = (default, &default_text) {
                    if !values.contains(text) {
                        self.report(
                            d,
                            format!(
                                "Server Variable \"{name}\" has a default not listed in the enum."
                            ),
                        );
                    }
                }
                pairs.push((name.clone(), values));
            } else if let Some(text) = default_text {
                pairs.push((name.clone(), vec![text]));
            } else {
                pairs.push((name.clone(), Vec::new()));
            }
            if default.is_none() {
                self.report(
                    *var,
                    format!("Server Variable \"{name}\" has a missing default."),
                );
            }
        }
        if pairs.is_empty() {
            return;
        }
        let mut invalid = Vec::new();
        let mut budget = MAX_SUBSTITUTIONS;
        substitute(&url, &pairs, &mut invalid, &mut budget);
        if invalid.len() == 5 {
            self.report(
                variables_at,
                format!(
                    "At least 5 substitutions of server variables resulted in invalid URLs: {} and more",
                    invalid.join(", ")
                ),
            );
        } else if !invalid.is_empty() {
            self.report(
                variables_at,
                format!(
                    "A few substitutions of server variables resulted in invalid URLs: {}",
                    invalid.join(", ")
                ),
            );
        }
    }
}

/// Substituted URLs checked at most, in the reference's order. It checks every combination of
/// the variables' values: a 1 KB document whose URL has 30 variables of two values each asks
/// for a billion (0.8 s for 20 of them; minutes of a webhook's time for 30). Real servers
/// have a few variables of a few values.
const MAX_SUBSTITUTIONS: usize = 10_000;

/// `applyUrlVariables` + `new URL()`: collects up to five invalid substituted URLs, checking
/// at most `budget` more.
fn substitute(
    url: &str,
    pairs: &[(String, Vec<String>)],
    invalid: &mut Vec<String>,
    budget: &mut usize,
) {
    let Some(((name, values), rest)) = pairs.split_first() else {
        return;
    };
    let needle = format!("{{{name}}}");
    for value in values {
        if invalid.len() == 5 || *budget == 0 {
            return;
        }
        let substituted = js::replace_all_js(url, &needle, &js::encode_uri(value));
        if rest.is_empty() {
            *budget -= 1;
            if !js::is_valid_url(&substituted) {
                invalid.push(substituted);
            }
        } else {
            substitute(&substituted, rest, invalid, budget);
        }
    }
}

impl Check for ServerVariables {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        let Some(root) = doc.root else { return };
        if !is_object(doc, root) {
            return;
        }
        let mut run = Run { doc, sink };
        for server in targets(doc, root) {
            run.server(server);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Combinations past the budget are not checked: 2^30 here, 10,000 checked, and the one
    /// invalid value (`[`, which `new URL()` rejects in a host) comes after them; within the
    /// budget it is found.
    #[test]
    fn substitutions_stop_at_the_budget() {
        let mut pairs: Vec<(String, Vec<String>)> = (0..30)
            .map(|i| (format!("v{i}"), vec!["a".into(), "b".into()]))
            .collect();
        pairs[0].1.push("[".into());
        let url: String = (0..30).map(|i| format!("{{v{i}}}")).collect();
        let url = format!("https://{url}.example.nl/");
        let mut invalid = Vec::new();
        let mut budget = MAX_SUBSTITUTIONS;
        substitute(&url, &pairs, &mut invalid, &mut budget);
        assert_eq!((invalid.len(), budget), (0, 0));
        pairs.truncate(3);
        let url = "https://{v0}{v1}{v2}.example.nl/";
        let mut budget = MAX_SUBSTITUTIONS;
        substitute(url, &pairs, &mut invalid, &mut budget);
        assert_eq!(invalid.len(), 4, "{invalid:?}");
        assert_eq!(budget, MAX_SUBSTITUTIONS - 12);
    }

    #[test]
    fn variables_in_urls() {
        assert_eq!(url_variables("https://{a}.x/{b}/{}"), ["a", "b"]);
        assert_eq!(url_variables("{}}"), ["}"]);
    }
}
