// Reads cases.py's JSON on stdin, writes [[source, flags, [[input, matches], ...] or null], ...]:
// V8's `new RegExp(source, flags).test(input)`, null where V8 rejects the pattern.
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const answers = cases.map(([source, flags, inputs]) => {
  let regex;
  try {
    regex = new RegExp(source, flags);
  } catch (e) {
    return [source, flags, null];
  }
  return [source, flags, inputs.map((input) => [input, regex.test(input)])];
});
process.stdout.write(JSON.stringify(answers));
