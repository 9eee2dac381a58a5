// Warm Spectral: the official ruleset loaded once in one Node process, as a Spectral-based webhook
// would keep it, then each document linted `runs` times after one warm-up run, the way the CLI of
// @stoplight/spectral-cli 6.16.3 lints it (its own ruleset loader, resolver and YAML parser).
// Prints one JSON line per document: {file, runs, medianMs, results} ({file, error} if it throws).
//   node bench/spectral-warm.js RULESET RUNS FILE...
'use strict';
const fs = require('fs');
const path = require('path');
const modules = path.join(__dirname, '.spectral', 'node_modules');
const { Spectral, Document } = require(path.join(modules, '@stoplight/spectral-core'));
const Parsers = require(path.join(modules, '@stoplight/spectral-parsers'));
const cli = path.join(modules, '@stoplight/spectral-cli/dist/services/linter/utils');
const { getRuleset } = require(cli);
const { getResolver } = require(path.join(cli, 'getResolver'));

async function main() {
  const [rulesetFile, runsArg, ...files] = process.argv.slice(2);
  const runs = Number(runsArg);
  const spectral = new Spectral({ resolver: getResolver(undefined) });
  spectral.setRuleset(await getRuleset(path.resolve(rulesetFile)));
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const lintOnce = async () => {
      const start = process.hrtime.bigint();
      const results = await spectral.run(new Document(text, Parsers.Yaml, path.resolve(file)));
      return [Number(process.hrtime.bigint() - start) / 1e6, results.length];
    };
    try {
      await lintOnce();
      const times = [];
      let results = 0;
      for (let i = 0; i < runs; i++) {
        const [ms, n] = await lintOnce();
        times.push(ms);
        results = n;
      }
      times.sort((a, b) => a - b);
      console.log(JSON.stringify({ file, runs, medianMs: times[Math.floor(runs / 2)], results }));
    } catch (e) {
      console.log(JSON.stringify({ file, error: String(e && e.message ? e.message : e) }));
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
