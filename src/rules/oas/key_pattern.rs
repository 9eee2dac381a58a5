//! `patternProperties` patterns, tested on every key of every object a schema with them meets.
//!
//! A literal prefix (`^x-`, `^\/`) is compared; other patterns of the subset [`Nfa`] covers
//! (all the vendored schemas' ones: `^\$ref$`, `^[1-5](?:\d{2}|XX)$`, …) run on it, since
//! `regress` allocated its backtracking stack on each of the ~2,000 keys a 0.5 MB document has
//! them tested on; anything else goes to `regress`.

use std::sync::Arc;

use regress::Regex;

use crate::rules::nfa::Nfa;

/// A `patternProperties` pattern.
#[derive(Debug, Clone)]
pub enum KeyPattern {
    Prefix(Box<str>),
    /// The source, which only the generator of the baked schemas reads, and its automaton.
    Nfa(#[allow(dead_code)] Box<str>, Nfa),
    /// The source, which only the generator of the baked schemas reads, and its regex.
    Regex(#[allow(dead_code)] Box<str>, Arc<Regex>),
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
        if let Some(nfa) = Nfa::new(source, flags) {
            return Ok(KeyPattern::Nfa(source.into(), nfa));
        }
        Ok(KeyPattern::Regex(source.into(), compile(source)?))
    }

    pub fn matches(&self, key: &str) -> bool {
        match self {
            KeyPattern::Prefix(prefix) => key.starts_with(&**prefix),
            KeyPattern::Nfa(_, nfa) => nfa.test(key),
            KeyPattern::Regex(_, regex) => regex.find(key).is_some(),
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
            assert!(!matches!(pattern, KeyPattern::Regex(..)), "{source}");
        }
        assert!(KeyPattern::new("^\\s", "u", |_| Err(())).is_err());
    }

    #[test]
    fn literal_prefixes() {
        assert_eq!(literal_prefix("^x-").as_deref(), Some("x-"));
        assert_eq!(literal_prefix("^\\/").as_deref(), Some("/"));
        assert_eq!(literal_prefix("^\\$ref$"), None);
        assert_eq!(literal_prefix("x-"), None);
    }
}
