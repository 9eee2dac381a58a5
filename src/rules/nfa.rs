//! JavaScript regular expressions of a common subset, matched by a Thompson NFA.
//!
//! The rulesets' patterns (`(2|3)\d\d`, `/(description|summary)/i`, the semver and casing
//! patterns), the schemas' `patternProperties` (`^\$ref$`, `^[1-5](?:\d{2}|XX)$`) and most
//! patterns documents write (`^[a-zA-Z0-9À-ž \.\-\']{1,200}$`) are of a subset that needs no
//! backtracking: compiling the rulesets' patterns with `regress` was a sixth of a CLI run on a
//! small document, its backtracking allocates on every match, and a document's own
//! `^(a+)+$` made it run for ever. Here `RegExp.prototype.test` is a simulation over the set of
//! live instructions: linear in the input whatever the pattern. A program of at most 128
//! instructions keeps that set in a `u128` with precomputed closures; a longer one (counted
//! repetition, `{1,200}`) in a list, with closures followed as it goes.
//!
//! The subset: alternatives of sequences of atoms; an atom is a literal character, `.`, an
//! escape (`\d \D \w \W \s \S`, `\t \n \v \f \r \0`, `\xHH`, `\uHHHH`, an escaped syntax
//! character, and without `u` an escaped ASCII punctuation character), a class `[…]` or `[^…]`
//! of those and of ranges, a group `(…)` / `(?:…)`, or the assertions `^`, `$`, and without
//! `u` `\b` and `\B` (with it, V8 also tests those inside a surrogate pair); atoms but
//! assertions may be quantified (`?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`, lazy or not).
//! Without the `u` flag, a `{` that starts no quantifier, a `}` and a `]` are literals (Annex
//! B), and the input is UTF-16 units: a character beyond U+FFFF is two (`regress` reads one
//! there; JavaScript, and so the automaton, two). With `u`, those braces are syntax errors and
//! the input is characters. With the `i` flag (without `u`), ASCII letters match either case; a
//! pattern that names a non-ASCII character is then left out, since JavaScript folds those by
//! Unicode's case mapping (it never folds one to an ASCII character, so `.`, `\W`, `\S` and
//! negated classes are the same with `i`). Lookaheads right after a leading `^`
//! (`^(?!0{16})[0-9]{16}$`, ajv's hostname) hold where the input starts, so each is a pattern
//! of its own tested there. Everything else (other lookaround, back-references,
//! named groups, `\p{…}`, `\c`, characters beyond U+FFFF in a pattern without `u`, the other
//! flags) is left to the regex engine.

/// A set of ASCII units.
type Set = u128;
/// A set of instructions of a program of at most [`BITS`] instructions.
type States = u128;

/// The most instructions a program simulated over a [`States`] has.
const BITS: usize = 128;
/// The most instructions a program has: the cost of a test is at most the input's length
/// times this.
const MAX_INSTRUCTIONS: usize = 4096;

/// The units an instruction consumes: ASCII ones as a set, the others as sorted, disjoint,
/// non-adjacent ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Class {
    ascii: Set,
    others: Vec<(u32, u32)>,
}

/// `\s`'s units beyond ASCII (ECMAScript's WhiteSpace and LineTerminator).
const SPACES: &[(u32, u32)] = &[
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
];

impl Class {
    fn contains(&self, unit: u32) -> bool {
        if unit < 128 {
            self.ascii & (1 << unit) != 0
        } else {
            let at = self.others.partition_point(|&(_, to)| to < unit);
            self.others.get(at).is_some_and(|&(from, _)| from <= unit)
        }
    }

    /// Every unit up to `max` not in the class.
    fn complement(&self, max: u32) -> Class {
        let mut others = Vec::new();
        let mut from = 128;
        for &(start, end) in &self.others {
            if start > from {
                others.push((from, start - 1));
            }
            from = end + 1;
        }
        if from <= max {
            others.push((from, max));
        }
        Class {
            ascii: !self.ascii,
            others,
        }
    }

    fn add_range(&mut self, from: u32, to: u32) {
        if from < 128 {
            self.ascii |= (from..=to.min(127)).fold(0, |set, c| set | 1 << c);
        }
        if to >= 128 {
            self.others.push((from.max(128), to));
        }
    }

    fn add(&mut self, other: &Class) {
        self.ascii |= other.ascii;
        self.others.extend_from_slice(&other.others);
    }

    /// Sorts and merges the ranges.
    fn normalized(mut self) -> Class {
        self.others.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(self.others.len());
        for (from, to) in self.others {
            match merged.last_mut() {
                Some(last) if from <= last.1.saturating_add(1) => last.1 = last.1.max(to),
                _ => merged.push((from, to)),
            }
        }
        self.others = merged;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Assertion {
    /// `^`: at the start of the input.
    Start,
    /// `$`: at its end.
    End,
    /// `\b`: between a word unit and another.
    WordBoundary,
    /// `\B`.
    NotWordBoundary,
}

/// Where in the input an assertion is tested.
#[derive(Debug, Clone, Copy)]
struct Place {
    start: bool,
    end: bool,
    /// Exactly one of the units before and after is a word unit.
    boundary: bool,
}

impl Place {
    fn passes(self, assertion: Assertion) -> bool {
        match assertion {
            Assertion::Start => self.start,
            Assertion::End => self.end,
            Assertion::WordBoundary => self.boundary,
            Assertion::NotWordBoundary => !self.boundary,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Inst {
    /// Consume a unit of the class (an index into the program's classes), go on to the next
    /// instruction.
    Unit(u32),
    /// Go on at both.
    Split(u32, u32),
    Jump(u32),
    /// Go on to the next instruction where the assertion holds.
    Assert(Assertion),
    Match,
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Nfa {
    insts: Box<[Inst]>,
    classes: Box<[Class]>,
    /// The `u` flag: the input is characters, not UTF-16 units.
    unicode: bool,
    /// Whether `\b` or `\B` occur: only then does a place's `boundary` matter.
    word_assertions: bool,
    /// A match starts only at the start of the input (`^…`): once no instruction is live, the
    /// test has failed.
    anchored: bool,
    /// For a program of at most [`BITS`] instructions.
    bits: Option<Bits>,
    /// `^(?=X)(?!Y)Z`: lookaheads right after a leading `^` are tested where the input starts,
    /// so each is a pattern of its own, `^(?:X)`, that must match (`false`) or must not
    /// (`true`) for the rest, `^Z`, to count.
    guards: Box<[(bool, Nfa)]>,
}

/// The simulation of a short program over a [`States`].
#[derive(Debug, Clone)]
struct Bits {
    /// The ASCII set of each `Unit` instruction (empty for the others).
    sets: Box<[Set]>,
    units: States,
    /// The `Unit` instructions that take some non-ASCII unit.
    others: States,
    matching: States,
    /// What each instruction reaches without consuming (its `Unit` and `Match` instructions)
    /// past the start of the input, by [`Nfa::place_index`].
    reach: Box<[Box<[States]>]>,
    /// What the first instruction reaches at the start of the input, by the same index.
    first: [States; 4],
    /// Without word assertions, only `$` depends on the place: [`Nfa::test_bits`] keeps a `$`
    /// reached pending in the set, and passes it at the end of the input. What each
    /// instruction reaches inside the input so, and the first at its start.
    pending: Box<[States]>,
    first_pending: States,
    /// The `$` instructions.
    ends: States,
}

/// ASCII word units (`\w`).
const WORD: Set = {
    let mut set = 0;
    let mut c = 0;
    while c < 128 {
        if (c as u8).is_ascii_alphanumeric() || c == b'_' as u32 {
            set |= 1 << c;
        }
        c += 1;
    }
    set
};

fn is_word(unit: Option<u32>) -> bool {
    unit.is_some_and(|unit| unit < 128 && WORD & (1 << unit) != 0)
}

impl Nfa {
    /// The automaton of `source` with `flags` (`""`, `"i"` or `"u"`), when it is of the subset.
    pub fn new(source: &str, flags: &str) -> Option<Nfa> {
        let (ignore_case, unicode) = match flags {
            "" => (false, false),
            "i" => (true, false),
            "u" => (false, true),
            _ => return None,
        };
        let mut parser = Parser {
            source,
            at: 0,
            ignore_case,
            unicode,
            classes: Vec::new(),
            word_assertions: false,
        };
        let mut guards = Vec::new();
        if source.starts_with("^(?=") || source.starts_with("^(?!") {
            parser.at = 1;
            while let Some(negated) = parser.lookahead() {
                let body = parser.alternatives()?;
                // A quantified lookahead (Annex B) is left to the regex engine.
                if !parser.eat(b')') || matches!(parser.peek(), Some(b'?' | b'*' | b'+' | b'{')) {
                    return None;
                }
                guards.push((negated, body));
            }
        }
        let mut alternatives = parser.alternatives()?;
        if parser.at != source.len() {
            return None;
        }
        let start = || Piece {
            atom: Atom::Assert(Assertion::Start),
            min: 1,
            max: Some(1),
        };
        if !guards.is_empty() {
            // The guards hold for the whole pattern only when it has one alternative.
            let [rest] = &mut alternatives[..] else {
                return None;
            };
            rest.insert(0, start());
        }
        let word_assertions = parser.word_assertions;
        let guards = guards
            .into_iter()
            .map(|(negated, body)| {
                let group = Piece {
                    atom: Atom::Group(body),
                    min: 1,
                    max: Some(1),
                };
                let classes = parser.classes.clone();
                let guard = Nfa::build(&[vec![start(), group]], classes, unicode, word_assertions);
                Some((negated, guard?))
            })
            .collect::<Option<_>>()?;
        Some(Nfa {
            guards,
            ..Nfa::build(&alternatives, parser.classes, unicode, word_assertions)?
        })
    }

    /// The automaton of a parsed pattern.
    fn build(
        alternatives: &[Vec<Piece>],
        classes: Vec<Class>,
        unicode: bool,
        word_assertions: bool,
    ) -> Option<Nfa> {
        let mut program = Vec::new();
        compile_alternatives(alternatives, &mut program)?;
        program.push(Inst::Match);
        let mut nfa = Nfa {
            insts: program.into(),
            classes: classes.into(),
            unicode,
            word_assertions,
            anchored: false,
            bits: None,
            guards: Box::default(),
        };
        nfa.anchored = nfa.anchored();
        if nfa.insts.len() <= BITS {
            nfa.bits = Some(nfa.bits());
        }
        Some(nfa)
    }

    /// The place before the first unit of `text`.
    fn start(&self, text: &str) -> Place {
        let first = text.as_bytes().first().map(|&b| u32::from(b));
        Place {
            start: true,
            end: text.is_empty(),
            boundary: self.word_assertions && is_word(first),
        }
    }

    /// The unit at `*at` of `text` (UTF-16 code units, or characters with `u`), `*at` moved
    /// past it; `low` holds the low surrogate of a character beyond U+FFFF (without `u`) whose
    /// high one was the last unit.
    #[inline]
    fn unit_at(&self, text: &str, at: &mut usize, low: &mut Option<u32>) -> Option<u32> {
        if let Some(unit) = low.take() {
            return Some(unit);
        }
        let byte = *text.as_bytes().get(*at)?;
        if byte < 0x80 {
            *at += 1;
            return Some(u32::from(byte));
        }
        let c = text.get(*at..)?.chars().next()?;
        *at += c.len_utf8();
        let c = u32::from(c);
        if c > 0xFFFF && !self.unicode {
            let c = c - 0x10000;
            *low = Some(0xDC00 | (c & 0x3FF));
            return Some(0xD800 | (c >> 10));
        }
        Some(c)
    }

    /// [`Nfa::unit_at`] and the place after the unit.
    #[inline]
    fn next_unit(&self, text: &str, at: &mut usize, low: &mut Option<u32>) -> Option<(u32, Place)> {
        let unit = self.unit_at(text, at, low)?;
        // A non-ASCII byte starts no word unit, so a byte tells whether a word unit is next;
        // between a pair of surrogates, neither is one.
        let next = match low {
            Some(_) => Some(0xDC00),
            None => text.as_bytes().get(*at).map(|&b| u32::from(b)),
        };
        let place = Place {
            start: false,
            end: next.is_none(),
            boundary: self.word_assertions && is_word(Some(unit)) != is_word(next),
        };
        Some((unit, place))
    }

    /// Which of [`Bits`]'s closures hold at a place (its start set apart).
    fn place_index(place: Place) -> usize {
        usize::from(place.end) | usize::from(place.boundary) << 1
    }

    /// Calls `first_visit` with each instruction `from` reaches without consuming at `place`,
    /// `from` included; `first_visit` answers whether the instruction is new to the caller,
    /// which keeps the set (only new ones are followed).
    fn follow(
        &self,
        from: usize,
        place: Place,
        stack: &mut Vec<u32>,
        mut first_visit: impl FnMut(usize) -> bool,
    ) {
        stack.push(from as u32);
        while let Some(pc) = stack.pop() {
            let pc = pc as usize;
            if !first_visit(pc) {
                continue;
            }
            match self.insts[pc] {
                Inst::Split(a, b) => stack.extend([b, a]),
                Inst::Jump(to) => stack.push(to),
                Inst::Assert(assertion) if place.passes(assertion) => stack.push(pc as u32 + 1),
                _ => {}
            }
        }
    }

    /// Whether the first instruction reaches no consuming or matching one past the start.
    fn anchored(&self) -> bool {
        let mut stack = Vec::new();
        let places = [false, true].into_iter().flat_map(|end| {
            [false, true].map(|boundary| Place {
                start: false,
                end,
                boundary,
            })
        });
        let mut starts = false;
        for place in places {
            let mut seen = vec![false; self.insts.len()];
            self.follow(0, place, &mut stack, |pc| {
                starts |= matches!(self.insts[pc], Inst::Unit(_) | Inst::Match);
                !std::mem::replace(&mut seen[pc], true)
            });
        }
        !starts
    }

    /// For each instruction, the `Unit` and `Match` instructions it reaches without consuming
    /// at `place` (and the `$` ones, when `pending_ends`): the least fixpoint of the equations
    /// each instruction gives, reached by sweeping from the last instruction to the first
    /// (jumps mostly go forward, so a sweep or two more settles the loops). For a program of at
    /// most [`BITS`] instructions.
    fn closures(&self, place: Place, pending_ends: bool) -> Box<[States]> {
        let mut reach: Box<[States]> = (0..self.insts.len())
            .map(|pc| match self.insts[pc] {
                Inst::Unit(_) | Inst::Match => 1 << pc,
                Inst::Assert(Assertion::End) if pending_ends && !place.end => 1 << pc,
                _ => 0,
            })
            .collect();
        loop {
            let mut changed = false;
            for pc in (0..self.insts.len()).rev() {
                let next = match self.insts[pc] {
                    Inst::Split(a, b) => reach[a as usize] | reach[b as usize],
                    Inst::Jump(to) => reach[to as usize],
                    Inst::Assert(assertion) if place.passes(assertion) => reach[pc + 1],
                    _ => continue,
                };
                if next != reach[pc] {
                    reach[pc] = next;
                    changed = true;
                }
            }
            if !changed {
                return reach;
            }
        }
    }

    fn bits(&self) -> Bits {
        let mut bits = Bits {
            sets: self.insts.iter().map(|_| 0).collect(),
            units: 0,
            others: 0,
            matching: 0,
            reach: Box::default(),
            first: [0; 4],
            pending: Box::default(),
            first_pending: 0,
            ends: 0,
        };
        for (pc, inst) in self.insts.iter().enumerate() {
            match *inst {
                Inst::Unit(class) => {
                    let class = &self.classes[class as usize];
                    bits.sets[pc] = class.ascii;
                    bits.units |= 1 << pc;
                    if !class.others.is_empty() {
                        bits.others |= 1 << pc;
                    }
                }
                Inst::Match => bits.matching |= 1 << pc,
                Inst::Assert(Assertion::End) => bits.ends |= 1 << pc,
                _ => {}
            }
        }
        let inside = Place {
            start: false,
            end: false,
            boundary: false,
        };
        let mut stack = Vec::new();
        let kept = bits.units | bits.matching;
        let start = Place {
            start: true,
            ..inside
        };
        bits.first_pending = self.closure(0, start, &mut stack) & (kept | bits.ends);
        // Without word assertions, `test_bits` needs the closures inside the input with `$`s
        // pending, and at its end; with them, `test_bits_by_place` needs all four places.
        let boundaries: &[bool] = if self.word_assertions {
            bits.reach = vec![Box::default(); 4].into();
            &[false, true]
        } else {
            bits.pending = self.closures(inside, true);
            bits.reach = vec![Box::default(); 2].into();
            &[false]
        };
        for &boundary in boundaries {
            for end in [false, true] {
                let inside = Place {
                    start: false,
                    end,
                    boundary,
                };
                let index = Self::place_index(inside);
                if end || self.word_assertions {
                    bits.reach[index] = self.closures(inside, false);
                }
                let start = Place {
                    start: true,
                    ..inside
                };
                bits.first[index] = self.closure(0, start, &mut stack) & kept;
            }
        }
        bits
    }

    /// Every instruction `from` reaches at `place`, as a set.
    fn closure(&self, from: usize, place: Place, stack: &mut Vec<u32>) -> States {
        let mut seen: States = 0;
        self.follow(from, place, stack, |pc| {
            let new = seen & (1 << pc) == 0;
            seen |= 1 << pc;
            new
        });
        seen
    }

    /// `RegExp.prototype.test`: whether the pattern matches somewhere in `text`.
    #[inline]
    pub fn test(&self, text: &str) -> bool {
        match &self.bits {
            // The rules' patterns, on every key and value: straight to the simulation (0.15 M
            // instructions a lint of intellifi against going through `test_with`).
            Some(bits) if self.guards.is_empty() => self.test_bits(bits, text),
            _ => self.test_with(text, false),
        }
    }

    /// [`Nfa::test`] on the list simulation, whatever the program's length.
    pub(crate) fn test_list(&self, text: &str) -> bool {
        self.test_with(text, true)
    }

    fn test_with(&self, text: &str, listed: bool) -> bool {
        self.guards
            .iter()
            .all(|(negated, guard)| guard.test_with(text, listed) != *negated)
            && match &self.bits {
                Some(bits) if !listed => self.test_bits(bits, text),
                _ => self.run_list(text),
            }
    }

    fn test_bits(&self, bits: &Bits, text: &str) -> bool {
        if self.word_assertions {
            return self.test_bits_by_place(bits, text);
        }
        if text.is_empty() {
            return bits.first[Self::place_index(self.start(text))] & bits.matching != 0;
        }
        let mut states = bits.first_pending;
        let (mut at, mut low) = (0, None);
        while let Some(unit) = self.unit_at(text, &mut at, &mut low) {
            if states & bits.matching != 0 {
                return true;
            }
            states = self.step(bits, &bits.pending, states, unit);
            if self.anchored && states == 0 {
                return false;
            }
        }
        if states & bits.matching != 0 {
            return true;
        }
        // At the end: pass the pending `$`s.
        let at_end = &bits.reach[1];
        let mut ends = states & bits.ends;
        while ends != 0 {
            let pc = ends.trailing_zeros() as usize;
            ends &= ends - 1;
            if at_end[pc + 1] & bits.matching != 0 {
                return true;
            }
        }
        false
    }

    /// With word assertions: closures chosen by the place after each unit.
    fn test_bits_by_place(&self, bits: &Bits, text: &str) -> bool {
        let mut states = bits.first[Self::place_index(self.start(text))];
        let (mut at, mut low) = (0, None);
        while states & bits.matching == 0 {
            let Some((unit, place)) = self.next_unit(text, &mut at, &mut low) else {
                return false;
            };
            states = self.step(bits, &bits.reach[Self::place_index(place)], states, unit);
            if self.anchored && states == 0 {
                return false;
            }
        }
        true
    }

    /// The states after `unit` is consumed from `states`, closed by `reach`; a match may also
    /// start after it.
    #[inline(always)]
    fn step(&self, bits: &Bits, reach: &[States], states: States, unit: u32) -> States {
        let mut after = reach[0];
        if unit < 128 {
            let mut takers = states & bits.units;
            while takers != 0 {
                let pc = takers.trailing_zeros() as usize;
                takers &= takers - 1;
                if bits.sets[pc] & (1 << unit) != 0 {
                    after |= reach[pc + 1];
                }
            }
        } else {
            let mut takers = states & bits.others;
            while takers != 0 {
                let pc = takers.trailing_zeros() as usize;
                takers &= takers - 1;
                if self.takes(pc, unit) {
                    after |= reach[pc + 1];
                }
            }
        }
        after
    }

    /// Whether the `Unit` instruction at `pc` consumes `unit`.
    fn takes(&self, pc: usize, unit: u32) -> bool {
        match self.insts[pc] {
            Inst::Unit(class) => self.classes[class as usize].contains(unit),
            _ => false,
        }
    }

    /// The simulation of a long program: the live consuming instructions in a list, each
    /// instruction's step stamp telling whether it is already in the next one.
    fn run_list(&self, text: &str) -> bool {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.test_list_in(&mut scratch, text),
            Err(_) => self.test_list_in(&mut Scratch::default(), text),
        })
    }

    fn test_list_in(&self, scratch: &mut Scratch, text: &str) -> bool {
        let Scratch {
            stamps,
            step,
            live,
            after,
            stack,
        } = scratch;
        if stamps.len() < self.insts.len() {
            stamps.resize(self.insts.len(), 0);
        }
        live.clear();
        after.clear();
        // Steps only grow, so a stamp of an earlier test is never the current step.
        *step += 1;
        // Adds the consuming instructions `from` reaches at `place` to `list`, for step
        // `step`; whether it reaches `Match`.
        let mut add = |from: usize, place: Place, step: usize, list: &mut Vec<u32>| {
            let mut matched = false;
            self.follow(from, place, stack, |pc| {
                if stamps[pc] == step {
                    return false;
                }
                stamps[pc] = step;
                match self.insts[pc] {
                    Inst::Unit(_) => list.push(pc as u32),
                    Inst::Match => matched = true,
                    _ => {}
                }
                true
            });
            matched
        };
        if add(0, self.start(text), *step, live) {
            return true;
        }
        let (mut at, mut low) = (0, None);
        while let Some((unit, place)) = self.next_unit(text, &mut at, &mut low) {
            *step += 1;
            let mut matched = false;
            for &pc in live.iter() {
                if self.takes(pc as usize, unit) {
                    matched |= add(pc as usize + 1, place, *step, after);
                }
            }
            // A match may also start here.
            if !self.anchored {
                matched |= add(0, place, *step, after);
            }
            if matched {
                return true;
            }
            std::mem::swap(live, after);
            after.clear();
            if live.is_empty() && self.anchored {
                return false;
            }
        }
        false
    }
}

/// What the list simulation works in, kept per thread so that a test allocates nothing.
#[derive(Default)]
struct Scratch {
    /// The step each instruction was last reached in.
    stamps: Vec<usize>,
    step: usize,
    live: Vec<u32>,
    after: Vec<u32>,
    stack: Vec<u32>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

type Alternatives = Vec<Vec<Piece>>;

struct Piece {
    atom: Atom,
    min: u32,
    /// `None`: unbounded.
    max: Option<u32>,
}

enum Atom {
    /// An index into the program's classes.
    Class(u32),
    Group(Alternatives),
    Assert(Assertion),
}

struct Parser<'s> {
    source: &'s str,
    at: usize,
    ignore_case: bool,
    unicode: bool,
    classes: Vec<Class>,
    word_assertions: bool,
}

/// JavaScript's syntax characters and `/`: the identity escapes the `u` flag allows.
fn syntax_character(c: u8) -> bool {
    b"^$\\.*+?()[]{}|/".contains(&c)
}

fn ascii(c: u8) -> Class {
    Class {
        ascii: 1 << c,
        others: Vec::new(),
    }
}

fn single(unit: u32) -> Class {
    let mut class = Class::default();
    class.add_range(unit, unit);
    class
}

fn digits() -> Class {
    let mut class = Class::default();
    class.add_range(u32::from(b'0'), u32::from(b'9'));
    class
}

fn word() -> Class {
    Class {
        ascii: WORD,
        others: Vec::new(),
    }
}

fn spaces() -> Class {
    Class {
        ascii: [b'\t', b'\n', 0x0B, 0x0C, b'\r', b' ']
            .iter()
            .fold(0, |set, &c| set | 1 << c),
        others: SPACES.to_vec(),
    }
}

/// `set` with the other case of each ASCII letter in it.
fn both_cases(set: Set) -> Set {
    let upper = (set >> b'a') & ((1 << 26) - 1);
    let lower = (set >> b'A') & ((1 << 26) - 1);
    set | (upper << b'A') | (lower << b'a')
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.source.as_bytes().get(self.at).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.source.as_bytes().get(self.at + ahead).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// `(?=` (`Some(false)`) or `(?!` (`Some(true)`), consumed.
    fn lookahead(&mut self) -> Option<bool> {
        let rest = self.source.get(self.at..)?;
        let negated = if rest.starts_with("(?=") {
            false
        } else if rest.starts_with("(?!") {
            true
        } else {
            return None;
        };
        self.at += 3;
        Some(negated)
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.source.get(self.at..)?.chars().next()?;
        self.at += c.len_utf8();
        Some(c)
    }

    /// The largest unit: U+FFFF without `u`, U+10FFFF with it.
    fn max_unit(&self) -> u32 {
        if self.unicode {
            0x10FFFF
        } else {
            0xFFFF
        }
    }

    /// A character the pattern names, as a unit: `None` beyond U+FFFF without `u` (two units
    /// there) and beyond ASCII with `i` (folded by Unicode's case mapping).
    fn named_unit(&self, c: u32) -> Option<u32> {
        let too_wide = !self.unicode && c > 0xFFFF;
        (c < 128 || !(self.ignore_case || too_wide)).then_some(c)
    }

    /// The class's index, the class added if it is new.
    fn class_index(&mut self, class: Class) -> u32 {
        let class = class.normalized();
        let class = Class {
            ascii: if self.ignore_case {
                both_cases(class.ascii)
            } else {
                class.ascii
            },
            ..class
        };
        match self.classes.iter().position(|c| *c == class) {
            Some(at) => at as u32,
            None => {
                self.classes.push(class);
                self.classes.len() as u32 - 1
            }
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
            let before = self.at;
            let (min, max) = self.quantifier()?;
            // "Nothing to repeat", even for `{1}`.
            if matches!(atom, Atom::Assert(_)) && self.at != before {
                return None;
            }
            pieces.push(Piece { atom, min, max });
        }
        Some(pieces)
    }

    fn atom(&mut self) -> Option<Atom> {
        let c = self.next_char()?;
        let class = match c {
            '^' => return Some(Atom::Assert(Assertion::Start)),
            '$' => return Some(Atom::Assert(Assertion::End)),
            '.' => {
                let mut line_terminators = ascii(b'\n');
                line_terminators.add(&ascii(b'\r'));
                line_terminators.add_range(0x2028, 0x2029);
                line_terminators.complement(self.max_unit())
            }
            '(' => {
                if self.eat(b'?') && !self.eat(b':') {
                    return None;
                }
                let group = self.alternatives()?;
                if !self.eat(b')') {
                    return None;
                }
                return Some(Atom::Group(group));
            }
            '[' => self.class()?,
            '\\' => {
                // With `u`, V8 tests a word boundary inside a surrogate pair too (`/\B/u`
                // finds one in "B😀B"), which the automaton does not reproduce.
                let assertion = match self.peek() {
                    Some(_) if self.unicode => None,
                    Some(b'b') => Some(Assertion::WordBoundary),
                    Some(b'B') => Some(Assertion::NotWordBoundary),
                    _ => None,
                };
                if let Some(assertion) = assertion {
                    self.at += 1;
                    self.word_assertions = true;
                    return Some(Atom::Assert(assertion));
                }
                match self.class_escape() {
                    Some(class) => class,
                    None => single(self.character_escape(false)?),
                }
            }
            // Annex B: a `{` that starts no quantifier is itself (one that does has nothing to
            // repeat: an error), and so are `}` and `]`.
            '{' if !self.unicode => {
                self.at -= 1;
                if self.braced_quantifier().is_some() {
                    return None;
                }
                self.at += 1;
                ascii(b'{')
            }
            '}' | ']' if !self.unicode => ascii(c as u8),
            '*' | '+' | '?' | '{' | '}' | ']' | ')' | '|' => return None,
            c => single(self.named_unit(u32::from(c))?),
        };
        Some(Atom::Class(self.class_index(class)))
    }

    /// After a `\`: the class of `\d`, `\D`, `\w`, `\W`, `\s` or `\S`, consumed; `None`, and
    /// nothing consumed, for another escape.
    fn class_escape(&mut self) -> Option<Class> {
        let class = match self.peek()? {
            b'd' => digits(),
            b'D' => digits().complement(self.max_unit()),
            b'w' => word(),
            b'W' => word().complement(self.max_unit()),
            b's' => spaces(),
            b'S' => spaces().complement(self.max_unit()),
            _ => return None,
        };
        self.at += 1;
        Some(class)
    }

    /// After a `\` of no class escape (nor, outside a class, of `\b` or `\B`): the unit it
    /// stands for.
    fn character_escape(&mut self, in_class: bool) -> Option<u32> {
        let c = self.peek()?;
        self.at += 1;
        let unit = match c {
            b'b' if in_class => 0x08,
            b't' => 0x09,
            b'n' => 0x0A,
            b'v' => 0x0B,
            b'f' => 0x0C,
            b'r' => 0x0D,
            // `\0` but not an octal escape (Annex B) or a back-reference.
            b'0' if !self.peek().is_some_and(|c| c.is_ascii_digit()) => 0,
            b'x' => self.hex(2)?,
            b'u' => self.unicode_escape()?,
            b'-' if in_class && self.unicode => u32::from(b'-'),
            c if syntax_character(c) => u32::from(c),
            // Without `u`, any character but `c` (and `k` with named groups) is itself; with
            // it, only the syntax characters are. Letters and digits other than the escapes
            // above are left to the regex engine.
            c if !self.unicode && c.is_ascii() && !c.is_ascii_alphanumeric() => u32::from(c),
            _ => return None,
        };
        self.named_unit(unit)
    }

    /// `count` hexadecimal digits.
    fn hex(&mut self, count: usize) -> Option<u32> {
        let digits = self.source.get(self.at..self.at + count)?;
        if !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.at += count;
        u32::from_str_radix(digits, 16).ok()
    }

    /// After `\u`: four hexadecimal digits, or with `u` `{…}`; surrogates (which `u` pairs)
    /// are left to the regex engine there.
    fn unicode_escape(&mut self) -> Option<u32> {
        let unit = if self.unicode && self.eat(b'{') {
            let end = self.at + self.source.get(self.at..)?.find('}')?;
            let digits = &self.source[self.at..end];
            if digits.is_empty() || digits.len() > 6 {
                return None;
            }
            let value = u32::from_str_radix(digits, 16).ok()?;
            self.at = end + 1;
            (value <= 0x10FFFF).then_some(value)?
        } else {
            self.hex(4)?
        };
        let surrogate = (0xD800..=0xDFFF).contains(&unit);
        (!(self.unicode && surrogate)).then_some(unit)
    }

    /// One character of a class as a unit (`None` for anything else, class escapes included).
    fn class_character(&mut self) -> Option<u32> {
        if self.eat(b'\\') {
            self.character_escape(true)
        } else {
            let c = self.next_char()?;
            self.named_unit(u32::from(c))
        }
    }

    /// After a `[`: the class up to its `]`.
    fn class(&mut self) -> Option<Class> {
        let negated = self.eat(b'^');
        let mut class = Class::default();
        loop {
            match self.peek()? {
                b']' => {
                    self.at += 1;
                    let class = if negated {
                        // Negated after case folding: with `i`, `[^a]` takes neither case.
                        let folded = if self.ignore_case {
                            both_cases(class.ascii)
                        } else {
                            class.ascii
                        };
                        Class {
                            ascii: folded,
                            ..class.normalized()
                        }
                        .complement(self.max_unit())
                    } else {
                        class
                    };
                    return Some(class);
                }
                b'\\'
                    if matches!(
                        self.peek_at(1),
                        Some(b'd' | b'D' | b'w' | b'W' | b's' | b'S')
                    ) =>
                {
                    self.at += 1;
                    class.add(&self.class_escape()?);
                    // A `-` after a class escape makes a range in neither mode alike.
                    if self.peek() == Some(b'-') && self.peek_at(1) != Some(b']') {
                        return None;
                    }
                }
                _ => {
                    let from = self.class_character()?;
                    // `a-z`: a range; a `-` first, last, or after a range is itself.
                    let to = if self.peek() == Some(b'-')
                        && self.peek_at(1).is_some_and(|n| n != b']')
                    {
                        self.at += 1;
                        self.class_character()?
                    } else {
                        from
                    };
                    if to < from {
                        return None;
                    }
                    class.add_range(from, to);
                }
            }
        }
    }

    /// A quantifier after an atom: `(min, max)`, `(1, Some(1))` without one.
    fn quantifier(&mut self) -> Option<(u32, Option<u32>)> {
        let bounds = match self.peek() {
            Some(b'?') => (0, Some(1)),
            Some(b'*') => (0, None),
            Some(b'+') => (1, None),
            Some(b'{') => match self.braced_quantifier() {
                // Out of order (a syntax error) or too many copies to compile.
                Some((min, max)) if max.is_some_and(|max| max < min) => return None,
                Some((min, max)) if max.unwrap_or(min) > MAX_INSTRUCTIONS as u64 => return None,
                Some((min, max)) => (min as u32, max.map(|max| max as u32)),
                // Without `u`, the `{` is the next atom (Annex B).
                None if !self.unicode => return Some((1, Some(1))),
                None => return None,
            },
            _ => return Some((1, Some(1))),
        };
        self.at += 1;
        // A lazy quantifier matches the same inputs; a second quantifier is a syntax error.
        self.eat(b'?');
        if matches!(self.peek(), Some(b'?' | b'*' | b'+' | b'{')) {
            return None;
        }
        Some(bounds)
    }

    /// `{n}`, `{n,}` or `{n,m}` from a `{`, up to (not past) its `}`; `None` (and nowhere) when
    /// the text there is not one.
    fn braced_quantifier(&mut self) -> Option<(u64, Option<u64>)> {
        let start = self.at;
        let bounds = (|| {
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
            (self.peek() == Some(b'}')).then_some((min, max))
        })();
        if bounds.is_none() {
            self.at = start;
        }
        bounds
    }

    /// Decimal digits (at least one), saturating.
    fn number(&mut self) -> Option<u64> {
        let start = self.at;
        let mut n: u64 = 0;
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            n = n.saturating_mul(10).saturating_add(u64::from(c - b'0'));
            self.at += 1;
        }
        (self.at > start).then_some(n)
    }
}

/// `Split(first, next split) … last`; each alternative but the last ends with a jump past the
/// others.
fn compile_alternatives(alternatives: &[Vec<Piece>], program: &mut Vec<Inst>) -> Option<()> {
    let mut jumps = Vec::new();
    for (i, sequence) in alternatives.iter().enumerate() {
        let last = i + 1 == alternatives.len();
        let split = program.len();
        if !last {
            program.push(Inst::Split(split as u32 + 1, 0));
        }
        for piece in sequence {
            compile_piece(piece, program)?;
        }
        if !last {
            jumps.push(program.len());
            program.push(Inst::Jump(0));
            let next = program.len() as u32;
            program[split] = Inst::Split(split as u32 + 1, next);
        }
        if program.len() > MAX_INSTRUCTIONS {
            return None;
        }
    }
    let end = program.len() as u32;
    for at in jumps {
        program[at] = Inst::Jump(end);
    }
    Some(())
}

fn compile_atom(atom: &Atom, program: &mut Vec<Inst>) -> Option<()> {
    match atom {
        Atom::Class(class) => program.push(Inst::Unit(*class)),
        Atom::Group(alternatives) => compile_alternatives(alternatives, program)?,
        Atom::Assert(assertion) => program.push(Inst::Assert(*assertion)),
    }
    (program.len() <= MAX_INSTRUCTIONS).then_some(())
}

/// The required copies, then `Split(x, out); x; Jump(split)` for an unbounded quantifier, or
/// `Split(x, end); x` for each optional copy.
fn compile_piece(piece: &Piece, program: &mut Vec<Inst>) -> Option<()> {
    for _ in 0..piece.min {
        compile_atom(&piece.atom, program)?;
    }
    match piece.max {
        None => {
            let split = program.len();
            program.push(Inst::Split(split as u32 + 1, 0));
            compile_atom(&piece.atom, program)?;
            program.push(Inst::Jump(split as u32));
            let out = program.len() as u32;
            program[split] = Inst::Split(split as u32 + 1, out);
        }
        Some(max) => {
            let mut splits = Vec::new();
            for _ in piece.min..max {
                splits.push(program.len());
                program.push(Inst::Split(program.len() as u32 + 1, 0));
                compile_atom(&piece.atom, program)?;
            }
            let end = program.len() as u32;
            for at in splits {
                program[at] = Inst::Split(at as u32 + 1, end);
            }
        }
    }
    (program.len() <= MAX_INSTRUCTIONS).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::pattern::regress_reads_as_v8;
    use crate::rules::testing::every_string;
    use regress::Regex;

    /// Inputs near and far from what the patterns accept (one per line; `␊` is a line feed).
    const INPUTS: &str = "
        $ref $re $refs x-a X-a x x- ax- /pets pets 200 2XX 2xx 600 20 2000 1XX 5X get GET gets
        patch trace a.b-c_d a/b é aé - _ . a ab abc aaab 0 09 a1 1a ␊ a␊ 200␊ get␊ 1.2.3
        1.2.3-rc.1+b.5 01.2.3 1.2 1.2.3- 1.2.3+ v1.0 /api/v1/x /v /v+ /V2 Description SUMMARY
        summa _links _LINKS startDate start_date datum geboorteDatum _dAtum PetStore petStore
        pet_store Pet2Store P p petS $filter fooBarBaz foo1Bar default 4xx 404 503 https://x
        http://x a+b [x] a'b x=y;z ~:/?# é/a { } ] /{id} /a/{id}/b /pets/{petId} /_search
        /a-b/c.d 3.0 3.0.3 3.1 3.0.3-rc 3.x 3␊0 a\u{2028}b a\u{2029} \u{1F600} a\u{1F600}b \r
        x\u{a0}y a␊/ /a␊ /a␊/ mail@example.com a.b@c.d a..b@c.d .a@b.c a@b a@-b.c a@b-.c
        A+B@EX.NL a@b.c.d é@b.c a@é.nl 123e4567-e89b-12d3-a456-426614174000
        urn:uuid:123E4567-E89B-12D3-A456-426614174000 123e4567-e89b-12d3-a456-42661417400
        123e4567e89b12d3a456426614174000 1.2.3.4 255.255.255.255
        256.1.1.1 01.2.3.4 1.2.3 1.2.3.4.5 192.168.001.1 /a/b /a~0b /a~2 /~ a/b #/a/b #/a%20b #/a%2
        #a 0 0# 1/a 01/a 10# x\ty a\u{2003}b \u{feff} À ž Ÿ ſ \u{212A} k K O'Brien *abc abc* a*
        0000000000000000 1234567890123456 word sword words a_b a\u{1F600} é\u{1F600}";

    fn inputs() -> Vec<String> {
        let mut inputs: Vec<String> = ["".to_string(), "a b".to_string(), " /".to_string()]
            .into_iter()
            .chain(INPUTS.split_whitespace().map(|s| {
                s.replace('␊', "\n")
                    .replace("\\u{2028}", "\u{2028}")
                    .replace("\\u{2029}", "\u{2029}")
                    .replace("\\u{1F600}", "\u{1F600}")
                    .replace("\\u{a0}", "\u{a0}")
                    .replace("\\u{2003}", "\u{2003}")
                    .replace("\\u{feff}", "\u{feff}")
                    .replace("\\u{212A}", "\u{212A}")
                    .replace("\\t", "\t")
                    .replace("\\r", "\r")
            }))
            .chain([
                "Jan-Piet van 't Hoff".to_string(),
                // Long, but not of `a`: regress backtracks exponentially on `(a*)*b` there.
                "é".repeat(199),
                "é".repeat(200),
                "é".repeat(201),
                format!("{}*", "b".repeat(150)),
            ])
            .collect();
        // Every string of up to three characters over a small alphabet.
        let alphabet = [
            "a", "Z", "1", "5", "X", "-", ".", "$", "_", "é", "D", "\n", "{", "}", " ", "\u{a0}",
            "ž", "*",
        ];
        let alphabet = alphabet.iter().copied().chain(["\u{1F600}", "/"]);
        let alphabet: Vec<&str> = alphabet.collect();
        inputs.extend(every_string(&alphabet, 3));
        inputs
    }

    /// Patterns of the subset: the rulesets' and the vendored schemas', and tricky ones.
    const PATTERNS: &[(&str, &str)] = &[
        (r"^\$ref$", "u"),
        (r"^[1-5](?:\d{2}|XX)$", "u"),
        (r"^[a-zA-Z0-9\.\-_]+$", "u"),
        (r"^(get|put|post|delete|options|head|patch|trace)$", "u"),
        (r"(2|3)\d\d", ""),
        (r"(4|5)\d\d", ""),
        (r"^(4|5|default)", ""),
        ("post|put|get|delete|patch|parameters", ""),
        ("(description|summary)", "i"),
        ("_links", "i"),
        ("get", ""),
        (r"\/v[\d+]", ""),
        (r"((\w+D)|(_[dD]))((ate)|(atum))", ""),
        (r"^\$?[a-z][a-z\d]*([A-Z][a-z\d]*)*$", ""),
        (r"^[A-Z][a-z0-9]*(?:[A-Z0-9](?:[a-z0-9]+|$))*$", ""),
        (r"^[a-z][a-z0-9]*(?:[A-Z0-9](?:[a-z0-9]+|$))*$", ""),
        (r"^[A-Za-z0-9-._~:/?#\[\]@!\$&'()*+,;=]*$", ""),
        (
            r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$",
            "",
        ),
        (r"^(\/[a-z0-9-.]+|\/{[a-zA-Z0-9_]+})+$", ""),
        (
            r"^(\/|(\/_[a-z0-9]+|\/(([a-z0-9\-]+|{[^}]+})(\/([a-z0-9\-\.]+|{[^}]+}))*)(\/_[a-z]+)?)\/?)$",
            "",
        ),
        (r"^3(.\d+){1,2}$", ""),
        (r"^3.0.*$", ""),
        (r"^https://.*", ""),
        (r"^http://.*", ""),
        (r".+ \/$", ""),
        (r"\/$", ""),
        ("^x-$", ""),
        ("x-", ""),
        ("^", ""),
        ("$", ""),
        ("^$", ""),
        ("a$|^b", ""),
        ("(a|)+$", ""),
        ("(a*)*b", ""),
        (r"^a?b?$", ""),
        (r"^(a|ab)(c|bcd)?$", ""),
        (r"\d{1,3}$", ""),
        (r"^[\d]{2,}", ""),
        (r"^[-a]$", ""),
        (r"^[a-]$", ""),
        (r"^[$]", ""),
        (r"^a+?$", ""),
        (r"^(?:1|2){2}X$", ""),
        (r"[A-z]", "i"),
        (r"^.$", ""),
        (r"^.$", "u"),
        (r"^..$", ""),
        (r"^[^a]$", ""),
        (r"^[^a]$", "u"),
        (r"^[^a-z]+$", "i"),
        (r"[^x]|$x", ""),
        (r"a{", ""),
        (r"a{,2}", ""),
        (r"a{2,1", ""),
        (r"x}", ""),
        (r"x]", ""),
        (r"{", ""),
        (r"^[a-z]{2}$", "u"),
        // Documents' patterns (`corpus/nl-gov`), some longer than 128 instructions.
        (
            r"^[a-zA-Z0-9À-ž \.\-\']{1,200}$|^[a-zA-Z0-9À-ž \.\-\']{3,199}\*{1}$",
            "",
        ),
        (r"^[a-zA-Z \']{1,10}$", ""),
        (r"^[a-zA-Z0-9\._]{1,200}$", ""),
        (r"[a-z\_]+", ""),
        (
            r"^$|[0-9a-f]{8}\b-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-\b[0-9a-f]{12}",
            "",
        ),
        (r"^[_A-Za-z0-9][-._A-Za-z0-9]{0,63}$", ""),
        (r"^[a-zA-Z0-9_\-\:]+$", ""),
        (r"^[a-zA-Z0-9À-ž \/\;\:\.\-\?\(\)]{1,400}$", ""),
        // Escapes, classes beyond ASCII, word boundaries.
        (r"^\s+$", ""),
        (r"^\s$", "u"),
        (r"\S", ""),
        (r"^\S*$", ""),
        (r"^\S*$", "i"),
        (r"^\D+$", ""),
        (r"^\W$", ""),
        (r"^\W$", "i"),
        (r"^\W$", "u"),
        (r"^[\s\d]+$", ""),
        (r"^[^\s]$", ""),
        (r"^[^\s]$", "i"),
        (r"^[^\S]$", "u"),
        (r"^[^\W_]+$", ""),
        (r"\bword", ""),
        (r"\bword\b", "i"),
        (r"\Ba", ""),
        (r"a\b", ""),
        (r"^\b$", ""),
        (r"^\B$", ""),
        (r"\b", ""),
        (r"\B", ""),
        (r"\t|\n|\v|\f|\r|\0", ""),
        (r"^[\t\n]$", ""),
        (r"\x41|\u00e9", ""),
        (r"\u{e9}|\u0041", "u"),
        (r"[\b]", ""),
        (r"é", ""),
        (r"^ž+$", ""),
        (r"^[é-ž]$", ""),
        (r"^[^é]$", ""),
        (r"^[^À-ž]$", "u"),
        (r"^[ -é]+$", ""),
        (r"^[\u00A0]$", ""),
        (r"[]", ""),
        (r"a[]|b", ""),
        (r"[^]", ""),
        (r"^[^]*$", ""),
        (r"^[[]$", ""),
        (r"\_|\'|\,|\ ", ""),
        (r"^[\_\'\-]+$", ""),
        (r"^[\-a]$", "u"),
        (r"^a{200}$", ""),
        (r"^[a-z]{0,300}\*", ""),
        (r"^(?:a|b){2,150}$", "i"),
        (r"^\w{1,60}\b", ""),
        (r"(\d{1,9}\s){0,20}x", ""),
        // Lookaheads right after a leading `^`.
        (r"^(?!0{16})[0-9]{16}$", ""),
        (r"^(?=a)\w+$", ""),
        (r"^(?!ab)(?=a).", "i"),
        (r"^(?=.{1,5}$)[a-z]+(?:-[a-z]+)*$", ""),
        (r"^(?=[^\s]*$)(?!.*é)", "u"),
        (
            r"^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$",
            "i",
        ),
        // ajv-formats' email, uuid, ipv4 and JSON pointer patterns.
        (
            r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
            "i",
        ),
        (
            r"^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$",
            "i",
        ),
        (
            r"^(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)$",
            "",
        ),
        (r"^(?:\/(?:[^~/]|~0|~1)*)*$", ""),
        (
            r"^#(?:\/(?:[a-z0-9_\-.!$&'()*+,;:=@]|%[0-9a-f]{2}|~0|~1)*)*$",
            "i",
        ),
        (r"^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~0|~1)*)*)$", ""),
    ];

    #[test]
    fn patterns_of_the_subset_test_as_their_regex() {
        let inputs = inputs();
        for &(source, flags) in PATTERNS {
            let regex = Regex::with_flags(source, flags)
                .unwrap_or_else(|e| panic!("/{source}/{flags} does not compile: {e}"));
            let nfa = Nfa::new(source, flags).unwrap_or_else(|| panic!("/{source}/{flags}"));
            for input in &inputs {
                // Where regress and V8 differ, the automaton follows V8 (tested below).
                if !regress_reads_as_v8(flags, input) {
                    continue;
                }
                let expected = regex.find(input).is_some();
                assert_eq!(nfa.test(input), expected, "/{source}/{flags} on {input:?}");
                // The list simulation of long programs, on the short ones too.
                let listed = nfa.test_list(input);
                assert_eq!(listed, expected, "/{source}/{flags} on {input:?}, listed");
            }
        }
    }

    #[test]
    fn where_regress_is_not_v8_the_automaton_is() {
        // What V8 answers (node, `new RegExp(source, flags).test(input)`): without `u`, a
        // character beyond U+FFFF is two units; with `i`, `ſ` and the Kelvin sign fold to no
        // ASCII letter.
        for (source, flags, input, matches) in [
            ("^.$", "", "\u{1F600}", false),
            ("^..$", "", "\u{1F600}", true),
            ("^.$", "u", "\u{1F600}", true),
            ("^[^a]{2}$", "", "\u{1F600}", true),
            ("^[^a]$", "u", "\u{1F600}", true),
            ("^a.b$", "", "a\u{1F600}b", false),
            ("^a.*b$", "", "a\u{1F600}b", true),
            ("^\\S$", "", "\u{1F600}", false),
            ("^\\S\\S$", "", "\u{1F600}", true),
            ("^\\S$", "u", "\u{1F600}", true),
            ("^[^é]{2}$", "", "\u{1F600}", true),
            ("^\\W\\W$", "", "\u{1F600}", true),
            ("a\\b", "", "a\u{1F600}", true),
            ("^[^a]{2}a$", "", "\u{1F600}a", true),
            ("[^a]{2}", "", "\u{1F600}a", true),
            ("^\\S\\Sb$", "", "\u{1F600}b", true),
            ("^..b\\b", "", "\u{1F600}b", true),
            ("^[^\\s]{2}$", "i", "\u{1F600}", true),
            ("[A-z]", "i", "ſ", false),
            ("s", "i", "ſ", false),
            ("^\\w$", "i", "ſ", false),
            ("^\\W$", "i", "ſ", true),
            ("^[^a-z]$", "i", "ſ", true),
            ("k", "i", "K", false),
            ("^\\W$", "i", "K", true),
            ("^\\S$", "i", "K", true),
            ("\\bs", "i", "ſ", false),
        ] {
            let nfa = Nfa::new(source, flags).expect("in the subset");
            assert_eq!(nfa.test(input), matches, "/{source}/{flags} on {input:?}");
        }
    }

    #[test]
    fn other_patterns_are_left_to_the_regex_engine() {
        for (source, flags) in [
            ("a(?=b)", ""),
            ("(?=a)", ""),
            ("^a(?!b)", ""),
            ("^(?=a)|b", ""),
            ("^(?=a)*b", ""),
            ("^(?=(?=a))", ""),
            ("^(?<=a)", ""),
            ("^\\_$", "u"),
            ("\\B", "u"),
            ("a\\b", "u"),
            ("^\\'$", "u"),
            ("é", "i"),
            ("[à-é]", "i"),
            ("\\u00e9", "i"),
            ("(?<n>a)", ""),
            ("(?<n>a)\\k<n>", ""),
            ("\\p{L}", "u"),
            ("\\cA", ""),
            ("[\\1]", ""),
            ("\\x4", ""),
            ("\\u12", ""),
            ("\\uD83D", "u"),
            ("\\u{110000}", "u"),
            ("\u{1F600}", ""),
            ("[\u{1F600}]", ""),
            ("a{5000}", ""),
            ("\\a", ""),
            ("[\\B]", ""),
            ("[\\s-z]", ""),
            ("^[\\d-z]$", ""),
            ("^a{1,2", "u"),
            ("^a**$", ""),
            ("^[z-a]$", ""),
            ("^\\1$", ""),
            ("^(a$", ""),
            ("^a)$", ""),
            ("^*", ""),
            ("a$+", ""),
            ("a${1}", ""),
            ("^{1}a", "u"),
            // Found by the `nfa` fuzz target.
            ("..{1}${1}$", "u"),
            ("a", "g"),
            ("a", "iu"),
            ("a", "m"),
            ("]", "u"),
            ("}", "u"),
            ("a{", "u"),
            ("{2}", ""),
        ] {
            assert!(Nfa::new(source, flags).is_none(), "/{source}/{flags}");
        }
    }

    /// The automaton against V8 itself on generated patterns: `make nfa-v8` writes V8's answers
    /// (node) and runs this with `NFA_V8_ANSWERS` naming them. Where the automaton takes a
    /// pattern, V8 must take it too and answer every input alike.
    #[test]
    #[ignore = "needs node: make nfa-v8"]
    fn agrees_with_v8() {
        let path = std::env::var("NFA_V8_ANSWERS").expect("NFA_V8_ANSWERS names V8's answers");
        let text = std::fs::read_to_string(path).expect("V8's answers");
        type Answers = Vec<(String, String, Option<Vec<(String, bool)>>)>;
        let answers: Answers = serde_json::from_str(&text).expect("answers.js output");
        let (mut taken, mut inputs) = (0, 0);
        for (source, flags, answers) in &answers {
            let Some(nfa) = Nfa::new(source, flags) else {
                continue;
            };
            let answers = answers
                .as_ref()
                .unwrap_or_else(|| panic!("/{source}/{flags} is a syntax error in V8"));
            taken += 1;
            for (input, matches) in answers {
                inputs += 1;
                assert_eq!(nfa.test(input), *matches, "/{source}/{flags} on {input:?}");
                assert_eq!(
                    nfa.test_list(input),
                    *matches,
                    "/{source}/{flags} on {input:?}"
                );
            }
        }
        println!(
            "{taken} of {} patterns on the automaton, {inputs} inputs as V8",
            answers.len()
        );
    }

    #[test]
    fn testing_is_linear_in_the_input() {
        // Nested repetition backtracks exponentially in a regex engine; the automaton keeps a set.
        let nfa = Nfa::new("^(a|aa)*(a*)*[a]*b$", "").expect("in the subset");
        assert!(!nfa.test(&"a".repeat(100_000)));
        assert!(nfa.test(&format!("{}b", "a".repeat(100_000))));
        // A program of more than 128 instructions, simulated over a list.
        let nfa = Nfa::new("^(a|aa){1,100}(a*)*b$", "").expect("in the subset");
        assert!(nfa.bits.is_none());
        assert!(!nfa.test(&"a".repeat(20_000)));
        assert!(nfa.test("aaab"));
    }
}
