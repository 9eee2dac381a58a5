//! `patternProperties` patterns, tested on every key of every object a schema with them meets.
//!
//! A literal prefix (`^x-`, `^\/`) is compared, and so are whole literal keys (`^\$ref$`,
//! `^(get|put|…|trace)$`: the OpenAPI schemas test every key of every schema object and path
//! item against these, ~600 instructions a key on the automaton); a key of one simple ASCII
//! class (`^[a-zA-Z0-9\.\-_]+$`) is checked against a bit set. Other patterns are a
//! [`JsRegex`], on the automaton for all the vendored schemas' ones (`^[1-5](?:\d{2}|XX)$`, …),
//! since `regress` allocated its backtracking stack on each of the ~2,000 keys a 0.5 MB document
//! has them tested on.

use std::sync::Arc;

use regress::Regex;

use crate::rules::pattern::JsRegex;

/// A `patternProperties` pattern.
#[derive(Debug, Clone)]
pub struct KeyPattern {
    /// The source, which only the generator of the baked schemas reads.
    #[allow(dead_code)]
    pub source: Box<str>,
    shape: Shape,
}

/// How a [`KeyPattern`] tests a key.
#[derive(Debug, Clone)]
// Inline for the reason `JsRegex` is (see there).
#[allow(clippy::large_enum_variant)]
enum Shape {
    Prefix(Box<str>),
    /// The keys it matches.
    Exact(Box<[Box<str>]>),
    /// `^[…]+$` or `^[…]*$` over ASCII (`^[a-zA-Z0-9\.\-_]+$`, the components' names): the
    /// class's characters and whether the empty key matches.
    Class(u128, bool),
    Pattern(JsRegex),
}

impl KeyPattern {
    /// The pattern of `source` with `flags` (`u` for the vendored schemas, none for the
    /// documents'), compiled by `compile` unless it is matched here.
    pub fn new<E>(
        source: &str,
        flags: &str,
        compile: impl FnOnce(&str) -> Result<Arc<Regex>, E>,
    ) -> Result<Self, E> {
        // The literal shapes compare case by case; no schema asks otherwise today.
        let literal = if flags.contains('i') {
            None
        } else {
            literal_shape(source)
        };
        let shape = match literal {
            Some(shape) => shape,
            None => Shape::Pattern(JsRegex::with(source, flags, compile)?),
        };
        Ok(KeyPattern {
            source: source.into(),
            shape,
        })
    }

    pub fn matches(&self, key: &str) -> bool {
        match &self.shape {
            Shape::Prefix(prefix) => key.starts_with(&**prefix),
            Shape::Exact(keys) => keys.iter().any(|k| **k == *key),
            Shape::Class(class, empty) => {
                (*empty || !key.is_empty()) && key.bytes().all(|b| b < 128 && class & (1 << b) != 0)
            }
            Shape::Pattern(regex) => regex.test(key),
        }
    }
}

/// The shape of `source` when it needs no regular expression.
fn literal_shape(source: &str) -> Option<Shape> {
    literal_prefix(source)
        .map(Shape::Prefix)
        .or_else(|| literal_keys(source).map(Shape::Exact))
        .or_else(|| class_keys(source).map(|(class, empty)| Shape::Class(class, empty)))
}

/// The text `source` matches at the start of a string when it is `^` and literal characters
/// only; `None` for any other pattern.
fn literal_prefix(source: &str) -> Option<Box<str>> {
    literal(source.strip_prefix('^')?).map(String::into_boxed_str)
}

/// The strings `source` matches whole when it is `^…$` around literal characters, or around
/// one group (`(…)`, `(?:…)`) of literal alternatives; `None` for any other pattern.
fn literal_keys(source: &str) -> Option<Box<[Box<str>]>> {
    let body = source.strip_prefix('^')?.strip_suffix('$')?;
    let alternatives = match body
        .strip_prefix("(?:")
        .or_else(|| body.strip_prefix('('))
        .and_then(|group| group.strip_suffix(')'))
    {
        Some(group) => group.split('|').map(literal).collect::<Option<Vec<_>>>()?,
        None => vec![literal(body)?],
    };
    Some(
        alternatives
            .into_iter()
            .map(String::into_boxed_str)
            .collect(),
    )
}

/// The characters of `source` and whether it matches the empty key, when it is `^[…]+$` or
/// `^[…]*$` around ASCII letters, digits, `_`, `.`, the escapes `\.`, `\-` and `\/`, and ranges
/// of letters or digits; `None` for any other pattern.
fn class_keys(source: &str) -> Option<(u128, bool)> {
    let body = source.strip_prefix("^[")?;
    let (items, empty) = match body.strip_suffix("]+$") {
        Some(items) => (items, false),
        None => (body.strip_suffix("]*$")?, true),
    };
    let mut class = 0u128;
    let mut chars = items.chars().peekable();
    while let Some(c) = chars.next() {
        let first = match c {
            '\\' => match chars.next()? {
                c @ ('.' | '-' | '/') => c,
                _ => return None,
            },
            c if c.is_ascii_alphanumeric() || c == '_' || c == '.' => c,
            _ => return None,
        };
        let last = if chars.peek() == Some(&'-') {
            chars.next();
            let last = chars.next()?;
            let same_kind = (first.is_ascii_lowercase() && last.is_ascii_lowercase())
                || (first.is_ascii_uppercase() && last.is_ascii_uppercase())
                || (first.is_ascii_digit() && last.is_ascii_digit());
            if !same_kind || last < first {
                return None;
            }
            last
        } else {
            first
        };
        for b in first as u8..=last as u8 {
            class |= 1 << b;
        }
    }
    Some((class, empty))
}

/// `text` when it is literal characters only: ASCII letters, digits, `-`, `_` and `/`, and the
/// escapes `\/`, `\$` and `\.` (syntax characters, so escaped alike with and without the `u`
/// flag); `None` for anything else, `$`, `)` and `|` among it.
fn literal(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                c @ ('/' | '$' | '.') => out.push(c),
                _ => return None,
            },
            c if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '/' => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::oas::ajv::js_regex;

    #[test]
    fn key_patterns_match_as_their_regex() {
        let keys = [
            "x-a", "X-a", "x", "/pets", "pets", "$ref", "", "x-", "ax-", "200", "2XX", "get", "é",
            "put", "getput", "get|put", "$", "a.b", "aXb", "a", "b", "ab", "$refs", "(get)",
            "a.b-c_D9", "a b", "a/b", "ü", "abc", "abd", "09", "-", ".",
        ];
        for source in [
            "^x-",
            "^\\/",
            "^/",
            "^",
            "^\\$ref$",
            "^[1-5]",
            "x-",
            "^x-$",
            "^[^a]",
            "^(get|put)$",
            "^(?:get|put)$",
            "^(get|)$",
            "^()$",
            "^$",
            "^\\$$",
            "^a\\.b$",
            "^a.b$",
            "^(a|b)c$",
            "^(a)|(b)$",
            "^get|put$",
            "^(get|put)",
            "get$",
            "^(?:a|b)(?:c|d)$",
            "^[a-zA-Z0-9\\.\\-_]+$",
            "^[a-c]*$",
            "^[.\\/]+$",
            "^[a-]+$",
            "^[]+$",
            "^[a-z]+",
            "^[0-9]+$",
            "^[\\d]+$",
        ] {
            // With `i` too, which none of the shapes above may take.
            for flags in ["u", "iu"] {
                let regex = Arc::new(js_regex(source, flags).expect("compiles"));
                let pattern =
                    KeyPattern::new(source, flags, |_| Ok::<_, ()>(Arc::clone(&regex))).unwrap();
                for key in keys {
                    assert_eq!(
                        pattern.matches(key),
                        regex.find(key).is_some(),
                        "{source} /{flags} on {key:?}"
                    );
                }
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
            let on_regress = matches!(pattern.shape, Shape::Pattern(JsRegex::Regex(_)));
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

    #[test]
    fn class_keys_take_simple_ascii_classes_only() {
        assert!(class_keys("^[a-zA-Z0-9\\.\\-_]+$").is_some());
        assert_eq!(class_keys("^[a-c]*$"), Some((0b111 << b'a', true)));
        // `[]` is JavaScript's empty class: `^[]+$` matches no key.
        assert_eq!(class_keys("^[]+$"), Some((0, false)));
        for source in [
            "^[a-]+$",
            "^[a-z]+",
            "^[\\d]+$",
            "^[z-a]+$",
            "^[a-Z]+$",
            "^[a-z]]+$",
        ] {
            assert_eq!(class_keys(source), None, "{source}");
        }
    }

    #[test]
    fn literal_keys_are_whole_keys_only() {
        let keys = |source| {
            literal_keys(source).map(|k| k.iter().map(|k| k.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(keys("^\\$ref$"), Some(vec!["$ref".to_string()]));
        assert_eq!(
            keys("^(get|put)$"),
            Some(vec!["get".to_string(), "put".to_string()])
        );
        assert_eq!(keys("^(?:a|)$"), Some(vec!["a".to_string(), String::new()]));
        // `^(a)|(b)$` is `^(a)` or `(b)$`, not a whole key.
        for source in [
            "^(a)|(b)$",
            "^get|put$",
            "^(a|b)c$",
            "^a.b$",
            "^(get|put)",
            "get$",
        ] {
            assert_eq!(keys(source), None, "{source}");
        }
    }
}
