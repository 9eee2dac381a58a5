//! The regex automaton against regress on arbitrary patterns and inputs: where the automaton
//! takes a pattern, it must test every input as regress does (`rules::nfa`).
//! Input: a flags byte (`""`, `i` or `u`), then the pattern, a NUL, and the text to test.
#![no_main]

use adr_operator::rules::pattern::check_automaton_against_regress;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let flags = ["", "i", "u"][usize::from(flags) % 3];
    let Ok(rest) = std::str::from_utf8(rest) else {
        return;
    };
    let (source, input) = rest.split_once('\0').unwrap_or((rest, ""));
    if let Err(diff) = check_automaton_against_regress(source, flags, input) {
        panic!("{diff}");
    }
});
