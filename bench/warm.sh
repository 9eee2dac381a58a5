#!/usr/bin/env bash
# Per-request cost, as a webhook pays it: warm Spectral 6.16.3 (the official ADR 2.2.1 ruleset
# loaded once in one Node process, bench/spectral-warm.js) against adr-operator in-process
# (examples/lint_time.rs: load and lint, jemalloc as in the binary), side by side, with the
# speed-up. Installs Spectral into bench/.spectral (ignored by git) on first use.
#   bench/warm.sh [FILE...]   (default: every document of 100 KB or more in ../shared/corpus/large
#                              and nl-gov but Microsoft Graph's: warm Spectral takes ~7 minutes a run)
#   RUNS=3 (Spectral, median after one warm-up)   OUR_RUNS=20 (mean after one warm-up)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
ruleset=$shared/adr-reference/Logius-standaarden__publicatie/api/adr/2.2.1/media/linter.yaml

cargo build --release --quiet --example lint_time
if [[ ! -x bench/.spectral/node_modules/.bin/spectral ]]; then
  echo "installing @stoplight/spectral-cli@6.16.3 into bench/.spectral ..." >&2
  mkdir -p bench/.spectral
  npm install --silent --prefix bench/.spectral @stoplight/spectral-cli@6.16.3 >/dev/null
fi

files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
  while IFS= read -r f; do files+=("$f"); done < <(
    find "$shared"/corpus/large "$shared"/corpus/nl-gov -maxdepth 1 -type f \
      \( -name '*.json' -o -name '*.yaml' \) -size +94k ! -name 'huge-msgraph*' | sort)
fi

ours=$(target/release/examples/lint_time --runs "${OUR_RUNS:-20}" "${files[@]}")
theirs=$(node --max-old-space-size=8192 bench/spectral-warm.js "$ruleset" "${RUNS:-3}" "${files[@]}")

OURS=$ours THEIRS=$theirs python3 - <<'PY'
import json, os, platform, time
ours = {}
for line in os.environ["OURS"].splitlines():
    f, ms, n = line.split("\t")
    ours[f] = (float(ms), int(n))
print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}")
print(f"{'document':<60} {'size':>8} | {'Spectral warm':>13} {'results':>7} | {'adr-operator':>12} {'findings':>8} | {'speed-up':>8}")
for line in os.environ["THEIRS"].splitlines():
    r = json.loads(line)
    f = r["file"]
    ms, n = ours[f]
    size = os.path.getsize(f) / 1e6
    name = os.path.basename(f)[:60]
    if "error" in r:
        print(f"{name:<60} {size:>6.2f}MB | {'crash':>13} {'-':>7} | {ms:>9.2f} ms {n:>8} | {'-':>8}  ({r['error'][:60]})")
    else:
        print(f"{name:<60} {size:>6.2f}MB | {r['medianMs']:>10.0f} ms {r['results']:>7} | {ms:>9.2f} ms {n:>8} | {r['medianMs'] / ms:>7.0f}x")
PY
