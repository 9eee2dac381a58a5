#!/usr/bin/env bash
# Side-by-side time and peak memory: adr-operator lint (and the lean adr-lint binary, the same
# command without the operator) vs the reference linter (Spectral 6.16.3 with the official ADR
# 2.2.1 ruleset) vs a bare serde_json parse of the same bytes (the floor).
# Installs Spectral from npm into bench/.spectral (ignored by git) on first use.
#   bench/compare.sh [FILE...]      (default: ../shared/corpus/large/*.json and a few nl-gov documents)
#   RUNS=3 (best of, ours and the floor)   SPECTRAL_RUNS=1 (0: leave Spectral out)   SPECTRAL_TIMEOUT=120
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
ruleset=$shared/adr-reference/Logius-standaarden__publicatie/api/adr/2.2.1/media/linter.yaml
runs=${RUNS:-3}

command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet --bin adr-operator --bin adr-lint --example parse_floor
if [[ ${SPECTRAL_RUNS:-1} != 0 && ! -x bench/.spectral/node_modules/.bin/spectral ]]; then
  echo "installing @stoplight/spectral-cli@6.16.3 into bench/.spectral ..." >&2
  mkdir -p bench/.spectral
  npm install --silent --prefix bench/.spectral @stoplight/spectral-cli@6.16.3 >/dev/null
fi

files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
  files=("$shared"/corpus/large/*.json
         "$shared"/corpus/nl-gov/VNG-Realisatie__Haal-Centraal-BRK-bevragen__specificatie--genereervariant--openapi.json
         "$shared"/corpus/nl-gov/developer-overheid-nl__don-tools-api__api--openapi.json)
fi

SPECTRAL_RUNS=${SPECTRAL_RUNS:-1} SPECTRAL_TIMEOUT=${SPECTRAL_TIMEOUT:-120} RUNS=$runs python3 - "$ruleset" "${files[@]}" <<'PY'
import os, platform, signal, subprocess, sys, tempfile, threading, time

ruleset, files = sys.argv[1], sys.argv[2:]
runs = int(os.environ["RUNS"])
timeout = int(os.environ["SPECTRAL_TIMEOUT"])
spectral_runs = int(os.environ["SPECTRAL_RUNS"])

def run(cmd):
    """Wall time (s) and exit status of one run of `cmd`, or (None, "timeout"). The wait blocks
    (no polling, which would add up to a millisecond to every run and blur small documents)."""
    start = time.perf_counter()
    try:
        # A process group of its own, so that a timeout stops the program and not only GNU time.
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as e:
        return None, str(e)
    killer = threading.Timer(timeout, lambda: os.killpg(p.pid, signal.SIGKILL))
    killer.start()
    _, code, _ = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    p.returncode = code  # reaped here; keeps Popen from waiting again
    killer.cancel()
    if os.WIFSIGNALED(code) and os.WTERMSIG(code) == signal.SIGKILL and elapsed >= timeout:
        return None, "timeout"
    if not os.WIFEXITED(code) or os.WEXITSTATUS(code) not in (0, 1):
        return elapsed, f"crash({os.WEXITSTATUS(code) if os.WIFEXITED(code) else 'signal'})"
    return elapsed, "ok"


def peak_rss(cmd):
    """Peak RSS (MiB) of one run of `cmd`, by GNU time: it reports the program itself, where a
    Python child's figure would include the forked interpreter's memory."""
    rss_file = tempfile.NamedTemporaryFile(delete=False).name
    _, status = run(["/usr/bin/time", "-f", "%M", "-o", rss_file, *cmd])
    with open(rss_file) as fh:
        kib = [int(l) for l in fh.read().split() if l.isdigit()]
    os.unlink(rss_file)
    return (max(kib) / 1024 if kib else None), status


def measure(cmd, repeat, timed_with_rss=False):
    """Best wall time (s) over `repeat` runs of `cmd`, its peak RSS (MiB) and its status. The
    timed runs run the program alone and one more run measures the memory; `timed_with_rss`
    times the runs under GNU time instead (for runs of seconds, where its ~1 ms does not count)."""
    best, peak, status = None, None, "ok"
    for _ in range(repeat):
        if timed_with_rss:
            start = time.perf_counter()
            peak, status = peak_rss(cmd)
            elapsed = time.perf_counter() - start if status != "timeout" else None
        else:
            elapsed, status = run(cmd)
        if elapsed is None:
            return None, None, status
        best = elapsed if best is None else min(best, elapsed)
    if not timed_with_rss:
        peak, _ = peak_rss(cmd)
    return best, peak, status


print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}; best of {runs} runs (Spectral: {spectral_runs or 'no'} run{'s' if spectral_runs != 1 else ''})")
print(f"{'document':<44} {'size':>8} | {'floor ms':>8} {'MiB':>6} | {'adr ms':>8} {'MiB':>6} {'x floor':>7} | {'adr-lint':>8} {'MiB':>6} {'x floor':>7} | {'spectral s':>10} {'MiB':>6} {'speedup':>8}")
for f in files:
    size = os.path.getsize(f) / 1e6
    ft, fm, _ = measure(["target/release/examples/parse_floor", f], runs)
    at, am, ast = measure(["target/release/adr-operator", "lint", "--ruleset", "adr-2.2.1", "--format", "json", f], runs)
    lt, lm, lst = measure(["target/release/adr-lint", "--ruleset", "adr-2.2.1", "--format", "json", f], runs)
    st, sm, sst = (measure(["bench/.spectral/node_modules/.bin/spectral", "lint", "-q", "-f", "json", "-r", ruleset, f], spectral_runs, timed_with_rss=True)
                   if spectral_runs else (None, None, "skipped"))
    fmt = lambda v, w, p=3: f"{v:>{w}.{p}f}" if v is not None else f"{'-':>{w}}"
    ratio = lambda t: f"{t / ft:>7.1f}" if t and ft else f"{'-':>7}"
    # A Spectral run that ends with another status than 0/1 crashed: no speed-up to claim.
    speed = f"{st / at:>7.0f}x" if st and at and sst == "ok" else f"{sst:>8}"
    print(f"{os.path.basename(f)[:44]:<44} {size:>6.2f}MB | {fmt(ft and ft * 1e3,8,1)} {fmt(fm,6,0)} | {fmt(at and at * 1e3,8,1)} {fmt(am,6,0)} {ratio(at)} | {fmt(lt and lt * 1e3,8,1)} {fmt(lm,6,0)} {ratio(lt)} | {fmt(st,10)} {fmt(sm,6,0)} {speed}" + ("" if ast == "ok" else f"  (adr: {ast})") + ("" if lst == "ok" else f"  (adr-lint: {lst})"))
PY
