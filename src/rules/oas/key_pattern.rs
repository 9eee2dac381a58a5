//! `patternProperties` patterns, tested on every key of every object a schema with them meets.
//!
//! A literal prefix (`^x-`, `^\/`) is compared; other patterns are a [`JsRegex`], on the
//! automaton for all the vendored schemas' ones (`^\$ref$`, `^[1-5](?:\d{2}|XX)$`, …), since
//! `regress` allocated its backtracking stack on each of the ~2,000 keys a 0.5 MB document has
//! them tested on.

use std::sync::Arc;

use regress::Regex;

use crate::rules::pattern::JsRegex;

/// A `patternProperties` pattern.
#[derive(Debug, Clone)]
// Inline for the reason `JsRegex` is (see there).
#[allow(clippy::large_enum_variant)]
pub enum KeyPattern {
    Prefix(Box<str>),
    /// The source, which only the generator of the baked schemas reads, and its expression.
    Pattern(#[allow(dead_code)] Box<str>, JsRegex),
}

impl KeyPattern {
    /// The pattern of `source` with `flags` (`u` for the vendored schemas, none for the
    /// documents'), compiled by `compile` unless it is matched here.
    pub fn new<E>(
        source: &str,
        flags: &str,
        compile: impl FnOnce(&str) -> Result<Arc<Regex>, E>,
    ) -> Result<Self, E> {
        if let Some(prefix) = literal_prefix(source) {
            return Ok(KeyPattern::Prefix(prefix));
        }
        let regex = JsRegex::with(source, flags, compile)?;
        Ok(KeyPattern::Pattern(source.into(), regex))
    }

    pub fn matches(&self, key: &str) -> bool {
        match self {
            KeyPattern::Prefix(prefix) => key.starts_with(&**prefix),
            KeyPattern::Pattern(_, regex) => regex.test(key),
        }
    }
}

/// The text `source` matches at the start of a string when it is `^` and literal characters
/// only (a `\/` is a literal `/`); `None` for any other pattern.
fn literal_prefix(source: &str) -> Option<Box<str>> {
    let rest = source.strip_prefix('^')?;
    let mut prefix = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                '/' => prefix.push('/'),
                _ => return None,
            },
            c if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '/' => prefix.push(c),
            _ => return None,
        }
    }
    Some(prefix.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::oas::ajv::js_regex;

    #[test]
    fn key_patterns_match_as_their_regex() {
        let keys = [
            "x-a", "X-a", "x", "/pets", "pets", "$ref", "", "x-", "ax-", "200", "2XX", "get", "é",
        ];
        for source in [
            "^x-", "^\\/", "^/", "^", "^\\$ref$", "^[1-5]", "x-", "^x-$", "^[^a]",
        ] {
            let regex = Arc::new(js_regex(source, "u").expect("compiles"));
            let pattern =
                KeyPattern::new(source, "u", |_| Ok::<_, ()>(Arc::clone(&regex))).unwrap();
            for key in keys {
                assert_eq!(
                    pattern.matches(key),
                    regex.find(key).is_some(),
                    "{source} on {key:?}"
                );
            }
        }
    }

    #[test]
    fn the_vendored_schemas_patterns_need_no_regex() {
        for source in [
            "^x-",
            "^\\$ref$",
            "^[1-5](?:\\d{2}|XX)$",
            "^[a-zA-Z0-9\\.\\-_]+$",
            "^(get|put|post|delete|options|head|patch|trace)$",
        ] {
            let pattern = KeyPattern::new(source, "u", |_| Err(())).expect("needs no regex");
            let on_regress = matches!(pattern, KeyPattern::Pattern(_, JsRegex::Regex(_)));
            assert!(!on_regress, "{source}");
        }
        assert!(KeyPattern::new("a(?=b)", "u", |_| Err(())).is_err());
    }

    #[test]
    fn literal_prefixes() {
        assert_eq!(literal_prefix("^x-").as_deref(), Some("x-"));
        assert_eq!(literal_prefix("^\\/").as_deref(), Some("/"));
        assert_eq!(literal_prefix("^\\$ref$"), None);
        assert_eq!(literal_prefix("x-"), None);
    }
}
