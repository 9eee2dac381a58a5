"""Random JavaScript patterns of the automaton's subset and nearby, with short inputs, as JSON
on stdout: [[source, flags, [input, ...]], ...]. `make nfa-v8` has node answer each with V8
and `rules::nfa`'s ignored test compare the automaton with V8's answers.

Groups are never quantified and inputs are short, so that V8's backtracking ends."""
import json
import random
import sys

ATOMS = ['a', 'b', 'A', 'é', 'ž', ' ', '\\s', '\\S', '\\d', '\\D', '\\w', '\\W', '.', '[a-z]',
         '[^a]', '[À-ž]', '[^\\s]', '[\\s\\d]', '[^\\W_]', '\\b', '\\B', '^', '$', '[]', '[^]',
         '\\u00e9', '\\x41', '\\t', '\\_', '\\-', '[é-ž]', '[ -é]', '\\u{e9}', '\\0', '[\\b]',
         '\\n', '😀', '[^é]', '\\uD83D']
QUANTIFIERS = ['', '', '', '?', '*', '+', '{2}', '{1,3}', '{0,2}', '{2,}', '*?', '{0,70}']
ALPHABET = ['a', 'b', 'A', 'é', 'É', 'ž', ' ', '\u00a0', '\u2028', '\n', '_', '1', '😀', 'ſ',
            '\u212a', '\t', '-', '\ufeff', 'B']


def sequence(depth):
    out = ''
    for _ in range(random.randint(1, 4)):
        if depth < 2 and random.random() < 0.2:
            alternatives = [sequence(depth + 1) for _ in range(random.randint(1, 3))]
            out += '(?:' + '|'.join(alternatives) + ')'
            continue
        atom = random.choice(ATOMS)
        quantifier = random.choice(QUANTIFIERS)
        out += atom + ('' if atom in ('^', '$', '\\b', '\\B') else quantifier)
    return out


def main():
    random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
    cases = []
    for _ in range(20000):
        inputs = [''.join(random.choice(ALPHABET) for _ in range(random.randint(0, 10)))
                  for _ in range(12)]
        source = sequence(0)
        if random.random() < 0.2:
            lookaheads = ''.join(random.choice(['(?=', '(?!']) + sequence(1) + ')'
                                 for _ in range(random.randint(1, 2)))
            source = '^' + lookaheads + source
        cases.append([source, random.choice(['', 'i', 'u']), inputs])
    json.dump(cases, sys.stdout)


main()
