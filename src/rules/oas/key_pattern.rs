//! `patternProperties` patterns, tested on every key of every object a schema with them meets.
//!
//! Most are of a few shapes: a literal prefix (`^x-`, `^\/`), or an anchored expression over
//! ASCII classes and literals (`^\$ref$`, `^[1-5](?:\d{2}|XX)$`, `^[a-zA-Z0-9\.\-_]+$`,
//! `^(get|put|post|…)$`). Those are matched here without the regex engine, which allocated its
//! backtracking stack on every one of the ~2,000 keys a 0.5 MB document has them tested on: a
//! prefix by comparison, the others by a small NFA simulated over the key's bytes (linear in
//! the key, whatever the pattern). Any other pattern goes to `regress`.
//!
//! The NFA's subset of JavaScript's syntax: `^`, then alternatives of sequences of atoms, then
//! `$` or nothing. An atom is a literal (ASCII letters, digits, a few punctuation characters,
//! or an escaped syntax character), `\d` or `\w`, a class `[…]` of those and ASCII ranges (not
//! negated), or a group `(…)` / `(?:…)` of alternatives; a literal, class or escape may carry a
//! quantifier (`?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`), a group only `?`. Everything in it means
//! the same with and without the `u` flag, and only ASCII can match, so matching bytes is
//! matching characters (or UTF-16 units).

use std::sync::Arc;

use regress::Regex;

/// A `patternProperties` pattern.
#[derive(Debug, Clone)]
pub enum KeyPattern {
    Prefix(Box<str>),
    /// The source, which only the generator of the baked schemas reads, and its automaton.
    Anchored(#[allow(dead_code)] Box<str>, Nfa),
    /// The source, which only the generator of the baked schemas reads, and its regex.
    Regex(#[allow(dead_code)] Box<str>, Arc<Regex>),
}

impl KeyPattern {
    /// The pattern of `source`, compiled by `compile` unless it is of a shape matched here.
    pub fn new<E>(
        source: &str,
        compile: impl FnOnce(&str) -> Result<Arc<Regex>, E>,
    ) -> Result<Self, E> {
        if let Some(prefix) = literal_prefix(source) {
            return Ok(KeyPattern::Prefix(prefix));
        }
        if let Some(nfa) = Nfa::new(source) {
            return Ok(KeyPattern::Anchored(source.into(), nfa));
        }
        Ok(KeyPattern::Regex(source.into(), compile(source)?))
    }

    pub fn matches(&self, key: &str) -> bool {
        match self {
            KeyPattern::Prefix(prefix) => key.starts_with(&**prefix),
            KeyPattern::Anchored(_, nfa) => nfa.matches(key.as_bytes()),
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

/// A set of ASCII bytes.
type Set = u128;

/// The most instructions an automaton has: its states are the bits of a `u64`.
const MAX_INSTRUCTIONS: usize = 64;

#[derive(Debug, Clone, Copy)]
enum Inst {
    /// Consume a byte of the set, go on to the next instruction.
    Byte(Set),
    /// Go on at both.
    Split(usize, usize),
    Jump(usize),
    Match,
}

/// Thompson's construction of an anchored pattern; `closure[pc]` is the set of consuming or
/// matching instructions reached from `pc` without consuming.
#[derive(Debug, Clone)]
pub struct Nfa {
    sets: Box<[Set]>,
    closure: Box<[u64]>,
    matching: u64,
    /// `$` ends the pattern: the whole key must match, not a prefix of it.
    to_end: bool,
}

impl Nfa {
    /// The automaton of `source`, when it is of the subset (see the module docs).
    pub fn new(source: &str) -> Option<Nfa> {
        let rest = source.strip_prefix('^')?;
        let (body, to_end) = match rest.strip_suffix('$') {
            Some(body) if !body.ends_with('\\') => (body, true),
            _ => (rest, false),
        };
        let mut parser = Parser {
            bytes: body.as_bytes(),
            at: 0,
        };
        let alternatives = parser.alternatives()?;
        // At the top, `^a|b` is `(?:^a)|b`: the anchor is the first alternative's alone.
        if parser.at != parser.bytes.len() || alternatives.len() > 1 {
            return None;
        }
        let mut program = Vec::new();
        compile_alternatives(&alternatives, &mut program)?;
        program.push(Inst::Match);
        if program.len() > MAX_INSTRUCTIONS {
            return None;
        }
        let closure = (0..program.len())
            .map(|pc| closure_of(&program, pc))
            .collect();
        let mut matching = 0;
        let mut sets = Vec::with_capacity(program.len());
        for (pc, inst) in program.iter().enumerate() {
            sets.push(match inst {
                Inst::Byte(set) => *set,
                _ => 0,
            });
            if matches!(inst, Inst::Match) {
                matching |= 1 << pc;
            }
        }
        Some(Nfa {
            sets: sets.into(),
            closure,
            matching,
            to_end,
        })
    }

    pub fn matches(&self, key: &[u8]) -> bool {
        let mut states = self.closure[0];
        for &byte in key {
            if !self.to_end && states & self.matching != 0 {
                return true;
            }
            let mut next = 0;
            if byte < 128 {
                let bit = 1u128 << byte;
                let mut rest = states & !self.matching;
                while rest != 0 {
                    let pc = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    if self.sets[pc] & bit != 0 {
                        next |= self.closure[pc + 1];
                    }
                }
            }
            if next == 0 {
                return false;
            }
            states = next;
        }
        states & self.matching != 0
    }
}

/// The consuming and matching instructions reached from `pc` through splits and jumps.
fn closure_of(program: &[Inst], pc: usize) -> u64 {
    let mut seen = 0u64;
    let mut found = 0u64;
    let mut stack = vec![pc];
    while let Some(pc) = stack.pop() {
        if seen & (1 << pc) != 0 {
            continue;
        }
        seen |= 1 << pc;
        match program[pc] {
            Inst::Split(a, b) => stack.extend([b, a]),
            Inst::Jump(a) => stack.push(a),
            Inst::Byte(_) | Inst::Match => found |= 1 << pc,
        }
    }
    found
}

type Alternatives = Vec<Vec<Piece>>;

struct Piece {
    atom: Atom,
    min: u32,
    /// `None`: unbounded.
    max: Option<u32>,
}

enum Atom {
    Set(Set),
    Group(Alternatives),
}

struct Parser<'s> {
    bytes: &'s [u8],
    at: usize,
}

/// Characters that stand for themselves outside a class in both of JavaScript's modes.
fn plain_literal(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-_/:@,='!%&~<>;# \"".contains(&c)
}

/// JavaScript's syntax characters and `/`: the escapes the `u` flag allows.
fn syntax_character(c: u8) -> bool {
    b"^$\\.*+?()[]{}|/".contains(&c)
}

fn byte(c: u8) -> Set {
    1 << c
}

fn range(from: u8, to: u8) -> Set {
    (from..=to).fold(0, |set, c| set | byte(c))
}

fn digits() -> Set {
    range(b'0', b'9')
}

fn word() -> Set {
    range(b'a', b'z') | range(b'A', b'Z') | digits() | byte(b'_')
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn alternatives(&mut self) -> Option<Alternatives> {
        let mut alternatives = vec![self.sequence()?];
        while self.eat(b'|') {
            alternatives.push(self.sequence()?);
        }
        Some(alternatives)
    }

    fn sequence(&mut self) -> Option<Vec<Piece>> {
        let mut pieces = Vec::new();
        while let Some(c) = self.peek() {
            if c == b'|' || c == b')' {
                break;
            }
            let atom = self.atom()?;
            let (min, max) = self.quantifier()?;
            if matches!(atom, Atom::Group(_))
                && !(min == 1 && max == Some(1) || min == 0 && max == Some(1))
            {
                return None;
            }
            pieces.push(Piece { atom, min, max });
        }
        Some(pieces)
    }

    fn atom(&mut self) -> Option<Atom> {
        let c = self.peek()?;
        self.at += 1;
        Some(match c {
            b'(' => {
                if self.eat(b'?') && !self.eat(b':') {
                    return None;
                }
                let group = self.alternatives()?;
                if !self.eat(b')') {
                    return None;
                }
                Atom::Group(group)
            }
            b'[' => Atom::Set(self.class()?),
            b'\\' => Atom::Set(self.escape(false)?),
            c if plain_literal(c) => Atom::Set(byte(c)),
            _ => return None,
        })
    }

    /// After a `\`: the set it stands for.
    fn escape(&mut self, in_class: bool) -> Option<Set> {
        let c = self.peek()?;
        self.at += 1;
        match c {
            b'd' => Some(digits()),
            b'w' => Some(word()),
            b'-' if in_class => Some(byte(b'-')),
            c if syntax_character(c) => Some(byte(c)),
            _ => None,
        }
    }

    /// After a `[`: the class up to its `]`.
    fn class(&mut self) -> Option<Set> {
        if self.peek() == Some(b'^') {
            return None;
        }
        let mut set = 0;
        let mut first = true;
        loop {
            let c = self.peek()?;
            self.at += 1;
            let single = match c {
                b']' if !first => return Some(set),
                b'\\' => {
                    let escaped = self.escape(true)?;
                    if escaped.count_ones() > 1 {
                        // `\d` or `\w`: a `-` after it would be a range in neither mode alike.
                        if self.peek() == Some(b'-') && self.bytes.get(self.at + 1) != Some(&b']') {
                            return None;
                        }
                        set |= escaped;
                        first = false;
                        continue;
                    }
                    escaped.trailing_zeros() as u8
                }
                b'[' | b']' => return None,
                c if c.is_ascii() && !c.is_ascii_control() => c,
                _ => return None,
            };
            first = false;
            // `a-z`: a range; a `-` first, last or after a range is itself.
            if self.peek() == Some(b'-') && self.bytes.get(self.at + 1).is_some_and(|&n| n != b']')
            {
                self.at += 1;
                let to = match self.peek()? {
                    b'\\' => {
                        self.at += 1;
                        let escaped = self.escape(true)?;
                        if escaped.count_ones() > 1 {
                            return None;
                        }
                        escaped.trailing_zeros() as u8
                    }
                    b'[' => return None,
                    c if c.is_ascii() && !c.is_ascii_control() => {
                        self.at += 1;
                        c
                    }
                    _ => return None,
                };
                if to < single {
                    return None;
                }
                set |= range(single, to);
            } else {
                set |= byte(single);
            }
        }
    }

    /// A quantifier after an atom: `(min, max)`, `(1, Some(1))` without one.
    fn quantifier(&mut self) -> Option<(u32, Option<u32>)> {
        let bounds = match self.peek() {
            Some(b'?') => (0, Some(1)),
            Some(b'*') => (0, None),
            Some(b'+') => (1, None),
            Some(b'{') => {
                self.at += 1;
                let min = self.number()?;
                let max = if self.eat(b',') {
                    if self.peek() == Some(b'}') {
                        None
                    } else {
                        Some(self.number()?)
                    }
                } else {
                    Some(min)
                };
                if self.peek() != Some(b'}') || max.is_some_and(|max| max < min) {
                    return None;
                }
                (min, max)
            }
            _ => return Some((1, Some(1))),
        };
        self.at += 1;
        // A lazy quantifier matches the same keys; a second quantifier is a syntax error.
        self.eat(b'?');
        if matches!(self.peek(), Some(b'?' | b'*' | b'+' | b'{')) {
            return None;
        }
        Some(bounds)
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        std::str::from_utf8(&self.bytes[start..self.at])
            .ok()?
            .parse()
            .ok()
            .filter(|&n| n <= MAX_INSTRUCTIONS as u32)
    }
}

fn compile_alternatives(alternatives: &Alternatives, program: &mut Vec<Inst>) -> Option<()> {
    // Split(first, next split) … the last alternative; each ends with a jump past the others.
    let mut jumps = Vec::new();
    for (i, sequence) in alternatives.iter().enumerate() {
        let last = i + 1 == alternatives.len();
        let split = program.len();
        if !last {
            program.push(Inst::Split(split + 1, 0));
        }
        for piece in sequence {
            compile_piece(piece, program)?;
            if program.len() > MAX_INSTRUCTIONS {
                return None;
            }
        }
        if !last {
            jumps.push(program.len());
            program.push(Inst::Jump(0));
            let next = program.len();
            program[split] = Inst::Split(split + 1, next);
        }
    }
    let end = program.len();
    for at in jumps {
        program[at] = Inst::Jump(end);
    }
    Some(())
}

fn compile_piece(piece: &Piece, program: &mut Vec<Inst>) -> Option<()> {
    let emit = |program: &mut Vec<Inst>| match &piece.atom {
        Atom::Set(set) => {
            program.push(Inst::Byte(*set));
            Some(())
        }
        Atom::Group(alternatives) => compile_alternatives(alternatives, program),
    };
    for _ in 0..piece.min {
        emit(program)?;
        if program.len() > MAX_INSTRUCTIONS {
            return None;
        }
    }
    match piece.max {
        // `x*` after the required copies: Split(x, out); x; Jump(split).
        None => {
            let split = program.len();
            program.push(Inst::Split(split + 1, 0));
            emit(program)?;
            program.push(Inst::Jump(split));
            let out = program.len();
            program[split] = Inst::Split(split + 1, out);
        }
        // Each optional copy: Split(x, end); x.
        Some(max) => {
            let mut splits = Vec::new();
            for _ in piece.min..max {
                splits.push(program.len());
                program.push(Inst::Split(program.len() + 1, 0));
                emit(program)?;
                if program.len() > MAX_INSTRUCTIONS {
                    return None;
                }
            }
            let end = program.len();
            for at in splits {
                program[at] = Inst::Split(at + 1, end);
            }
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::oas::ajv::js_regex;

    /// Keys near and far from what the patterns accept.
    fn keys() -> Vec<String> {
        let mut keys: Vec<String> = [
            "", "$ref", "$re", "$refs", "x-a", "X-a", "x", "x-", "ax-", "/pets", "pets", "200",
            "2XX", "2xx", "600", "20", "2000", "1XX", "5X", "get", "GET", "gets", "patch", "trace",
            "a.b-c_d", "a b", "a/b", "é", "aé", "-", "_", ".", "a", "ab", "abc", "aaab", "0", "09",
            "a1", "1a", "\n", "a\n", "200\n", "get\n",
        ]
        .map(String::from)
        .to_vec();
        // Every string of up to three characters over a small alphabet.
        let alphabet = ["a", "Z", "1", "5", "X", "-", ".", "$", "_", "é"];
        let mut layer = vec![String::new()];
        for _ in 0..3 {
            layer = layer
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            keys.extend(layer.iter().cloned());
        }
        keys
    }

    #[test]
    fn patterns_matched_here_match_as_their_regex() {
        let patterns = [
            "^x-",
            "^\\/",
            "^/",
            "^",
            "^\\$ref$",
            "^[1-5]",
            "x-",
            "^x-$",
            "^[1-5](?:\\d{2}|XX)$",
            "^[a-zA-Z0-9\\.\\-_]+$",
            "^[a-zA-Z0-9._-]+$",
            "^(get|put|post|delete|options|head|patch|trace)$",
            "^[a-z]*$",
            "^a?b?$",
            "^(a|ab)(c|bcd)?$",
            "^\\d{1,3}$",
            "^\\w+$",
            "^[\\d]{2,}",
            "^a{2}$",
            "^[-a]$",
            "^[a-]$",
            "^x-[a-z]+",
            "^(?:1|2)?X$",
            "^[$]",
            "^a+?$",
            "^$",
        ];
        for source in patterns {
            let regex = Arc::new(js_regex(source, "u").expect("compiles"));
            let pattern = KeyPattern::new(source, |_| Ok::<_, ()>(Arc::clone(&regex))).unwrap();
            for key in keys() {
                assert_eq!(
                    pattern.matches(&key),
                    regex.find(&key).is_some(),
                    "{source} on {key:?}"
                );
            }
        }
    }

    #[test]
    fn the_patterns_of_the_vendored_schemas_are_matched_here() {
        for source in [
            "^x-",
            "^\\$ref$",
            "^[1-5](?:\\d{2}|XX)$",
            "^[a-zA-Z0-9\\.\\-_]+$",
            "^(get|put|post|delete|options|head|patch|trace)$",
        ] {
            let pattern = KeyPattern::new(source, |_| Err(())).expect("needs no regex");
            assert!(!matches!(pattern, KeyPattern::Regex(..)), "{source}");
        }
    }

    #[test]
    fn other_patterns_are_left_to_the_regex_engine() {
        for source in [
            "x-",
            "^[^a]$",
            "^.$",
            "^a|b",
            "^(?=a)",
            "^(a)+$",
            "^\\s$",
            "^\\_$",
            "^[\\d-z]$",
            "^a{1,2",
            "^a**$",
            "^[z-a]$",
            "^a{100}$",
            "^\\1$",
            "^(a$",
            "^a)$",
        ] {
            let pattern = KeyPattern::new(source, |_| Err(()));
            assert!(pattern.is_err(), "{source} is matched here");
        }
    }

    #[test]
    fn matching_is_linear_in_the_key() {
        // Nested repetition backtracks exponentially in a regex engine; the automaton keeps a set.
        let nfa = Nfa::new("^[a]*[a]*[a]*[a]*[a]*[a]*b$").expect("in the subset");
        assert!(!nfa.matches("a".repeat(100_000).as_bytes()));
        assert!(nfa.matches(format!("{}b", "a".repeat(100_000)).as_bytes()));
    }

    #[test]
    fn literal_prefixes() {
        assert_eq!(literal_prefix("^x-").as_deref(), Some("x-"));
        assert_eq!(literal_prefix("^\\/").as_deref(), Some("/"));
        assert_eq!(literal_prefix("^\\$ref$"), None);
        assert_eq!(literal_prefix("x-"), None);
    }
}
