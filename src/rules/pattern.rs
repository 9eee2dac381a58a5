//! Spectral's `pattern` function: JavaScript regular expressions (via `regress`, which
//! implements ECMAScript semantics) and the messages Spectral gives when they fail.

use regress::Regex;

/// A pattern as the official rulesets write it: `/source/flags` is a regex literal, anything
/// else is the source of a regex without flags.
#[derive(Debug)]
pub struct JsPattern {
    /// The text as written in the ruleset (Spectral quotes it in messages).
    pub text: &'static str,
    regex: Regex,
}

impl JsPattern {
    /// Compiles a pattern from a ruleset. Patterns are constants of this crate, so a pattern
    /// that does not compile is a programming error caught by every rule's tests.
    pub fn new(text: &'static str) -> JsPattern {
        let literal = text
            .strip_prefix('/')
            .and_then(|rest| rest.rfind('/').map(|end| (&rest[..end], &rest[end + 1..])))
            .filter(|(_, flags)| flags.chars().all(|c| c.is_ascii_lowercase()));
        let regex = match literal {
            Some((source, flags)) => Regex::with_flags(source, flags),
            None => Regex::new(text),
        };
        JsPattern {
            text,
            regex: regex
                .unwrap_or_else(|e| panic!("ruleset pattern {text:?} does not compile: {e}")),
        }
    }

    /// JavaScript `RegExp.prototype.test`.
    pub fn test(&self, value: &str) -> bool {
        self.regex.find(value).is_some()
    }

    /// `{{error}}` when a `match` pattern fails.
    pub fn must_match(&self, value: &str) -> String {
        format!("\"{value}\" must match the pattern \"{}\"", self.text)
    }

    /// `{{error}}` when a `notMatch` pattern matches.
    pub fn must_not_match(&self, value: &str) -> String {
        format!("\"{value}\" must not match the pattern \"{}\"", self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::JsPattern;

    #[test]
    fn plain_and_literal_patterns() {
        assert!(JsPattern::new(r"\/v[\d+]").test("https://x.nl/api/v1"));
        assert!(!JsPattern::new(r"\/v[\d+]").test("https://x.nl/api/version1"));
        let literal = JsPattern::new("/^date-time$/");
        assert!(literal.test("date-time"));
        assert!(!literal.test("date-time-local"));
        assert!(JsPattern::new("/abc/i").test("xABCx"));
    }
}
