//! Spectral's `pattern` function: JavaScript regular expressions (via `regress`, which
//! implements ECMAScript semantics, or [`Nfa`] for the common subset it covers) and the messages
//! Spectral gives when they fail.

use std::sync::Arc;

use regress::Regex;

use super::nfa::Nfa;

/// A pattern as the official rulesets write it: `/source/flags` is a regex literal, anything
/// else is the source of a regex without flags.
#[derive(Debug)]
pub struct JsPattern {
    /// The text as written in the ruleset (Spectral quotes it in messages).
    pub text: &'static str,
    regex: JsRegex,
}

/// A JavaScript regular expression: on [`Nfa`] when it is of the subset the automaton covers
/// (linear, and faster to compile; see its module), else on `regress`.
#[derive(Debug, Clone)]
// The automaton inline (240 bytes): boxing it cost 0.15–0.2 M instructions a lint of VNG zaken
// or intellifi (a pointer followed on every test), and few patterns are held.
#[allow(clippy::large_enum_variant)]
pub enum JsRegex {
    Nfa(Nfa),
    Regex(Arc<Regex>),
}

impl JsRegex {
    pub fn new(source: &str, flags: &str) -> Result<JsRegex, regress::Error> {
        Self::with(source, flags, |source| {
            match leading_dot_plus(source, flags) {
                Some(faster) => Regex::with_flags(&faster, flags),
                None => Regex::with_flags(source, flags),
            }
            .map(Arc::new)
        })
    }

    /// The automaton of `source` when it is of its subset, else what `compile` makes of it (a
    /// regex shared with others of the same source, say).
    pub fn with<E>(
        source: &str,
        flags: &str,
        compile: impl FnOnce(&str) -> Result<Arc<Regex>, E>,
    ) -> Result<JsRegex, E> {
        match Nfa::new(source, flags) {
            Some(nfa) => Ok(JsRegex::Nfa(nfa)),
            None => compile(source).map(JsRegex::Regex),
        }
    }

    /// JavaScript `RegExp.prototype.test`.
    pub fn test(&self, value: &str) -> bool {
        match self {
            JsRegex::Nfa(nfa) => nfa.test(value),
            JsRegex::Regex(regex) => regex.find(value).is_some(),
        }
    }
}

/// Whether `regress` tests `input` as V8 (and so Spectral) does under `flags`. Without `u` it
/// reads a character beyond U+FFFF as one unit, where JavaScript reads two; with `i` (without
/// `u`) it folds `ſ` (U+017F) and the Kelvin sign (U+212A) to ASCII letters, which JavaScript
/// never does there. The automaton follows V8 (`nfa.rs` tests what V8 answers).
#[doc(hidden)]
pub fn regress_reads_as_v8(flags: &str, input: &str) -> bool {
    flags == "u"
        || !input
            .chars()
            .any(|c| c > '\u{FFFF}' || flags.contains('i') && matches!(c, 'ſ' | '\u{212A}'))
}

/// For the `nfa` fuzz target: `Err` when the automaton takes `source` with `flags` and tests
/// `input` otherwise than `regress` does, where `regress` reads the input as V8 does.
#[doc(hidden)]
pub fn check_automaton_against_regress(
    source: &str,
    flags: &str,
    input: &str,
) -> Result<(), String> {
    let Some(nfa) = Nfa::new(source, flags) else {
        return Ok(());
    };
    if !regress_reads_as_v8(flags, input) {
        return Ok(());
    }
    let regex = Regex::with_flags(source, flags)
        .map_err(|e| format!("/{source}/{flags} is taken by the automaton, regress: {e}"))?;
    let (ours, theirs) = (nfa.test(input), regex.find(input).is_some());
    if nfa.test_list(input) != ours {
        return Err(format!(
            "/{source}/{flags} on {input:?}: the two simulations differ"
        ));
    }
    if ours == theirs {
        Ok(())
    } else {
        Err(format!(
            "/{source}/{flags} on {input:?}: automaton {ours}, regress {theirs}"
        ))
    }
}

impl JsPattern {
    /// Compiles a pattern from a ruleset. Patterns are constants of this crate, so a pattern
    /// that does not compile is a programming error caught by every rule's tests.
    pub fn new(text: &'static str) -> JsPattern {
        let literal = text
            .strip_prefix('/')
            .and_then(|rest| rest.rfind('/').map(|end| (&rest[..end], &rest[end + 1..])))
            .filter(|(_, flags)| flags.chars().all(|c| c.is_ascii_lowercase()));
        let (source, flags) = literal.unwrap_or((text, ""));
        JsPattern {
            text,
            regex: JsRegex::new(source, flags)
                .unwrap_or_else(|e| panic!("ruleset pattern {text:?} does not compile: {e}")),
        }
    }

    /// JavaScript `RegExp.prototype.test`.
    pub fn test(&self, value: &str) -> bool {
        self.regex.test(value)
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

/// `.+R` (unanchored) finds a match exactly when `R` matches right after one character that `.`
/// accepts, so a pattern left to `regress` is compiled that way: the backtracking engine
/// otherwise runs `.+` to the end and back from every start, quadratic in the length (12 % of a
/// lint of MS Graph's 5,000 long path keys, for `.+ \/$`, before that went to the automaton).
/// `None` when the source does not start so.
fn leading_dot_plus(source: &str, flags: &str) -> Option<String> {
    let rest = source.strip_prefix(".+")?;
    if flags.contains('s') || rest.starts_with(['?', '*', '+', '{']) {
        return None;
    }
    Some(format!("[^\\n\\r\\u2028\\u2029]{rest}"))
}

#[cfg(test)]
mod tests {
    use super::{leading_dot_plus, JsPattern};
    use regress::Regex;

    #[test]
    fn leading_dot_plus_finds_what_the_pattern_finds() {
        let inputs = [
            "/a /", "/a/", " /", "/", "a\n /", "\n /", "/x /y /", "", "ab",
        ];
        for source in [r".+ \/$", r".+\/$", r".+b|^a", r".+"] {
            let plain = Regex::new(source).expect("compiles");
            let rewritten = leading_dot_plus(source, "").expect("rewritten");
            let fast = Regex::new(&rewritten).expect("compiles");
            for input in inputs {
                assert_eq!(
                    fast.find(input).is_some(),
                    plain.find(input).is_some(),
                    "{source} on {input:?}"
                );
            }
        }
        assert_eq!(leading_dot_plus(".+?x", ""), None);
        assert_eq!(leading_dot_plus(".+x", "s"), None);
        assert_eq!(leading_dot_plus("^.+x", ""), None);
    }

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
