#!/usr/bin/env bash
# Load test of the admission webhook: starts `adr-operator run --no-controller` on 127.0.0.1 with
# a throw-away certificate, then sends ApiPublication CREATE reviews carrying a 2 KB, a 100 KB and
# a 1 MB OpenAPI document inline, each at a fixed rate (open loop), and prints throughput and
# p50/p90/p99 latency per document (examples/webhook_load.rs is the client).
#   bench/webhook-load.sh [DOC...]      RATE=200 DURATION=10 PORT=18443 METRICS_PORT=18080
# Traffic goes to 127.0.0.1 only; the server is stopped (by its pid) when the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
rate=${RATE:-200}
duration=${DURATION:-10}
port=${PORT:-18443}
metrics_port=${METRICS_PORT:-18080}
target=${CARGO_TARGET_DIR:-target}

docs=("$@")
if [[ ${#docs[@]} -eq 0 ]]; then
  docs=(examples/openapi/compliant-baseline.json                                               # 2 KB, compliant
        "$shared"/corpus/nl-gov/BRP-API__Haal-Centraal-BRP-bevragen__specificatie--resolved--openapi.json  # 96 KB, 2989 lines
        "$shared"/corpus/large/medium-intellifi-nl.oas30.json                                    # 97 KB, minified (one line)
        "$shared"/corpus/large/large-digitalocean.oas30.json)                                    # 1.07 MB, minified
fi

cargo build --release --quiet --bin adr-operator --example webhook_load
bin=$target/release/adr-operator
client=$target/release/examples/webhook_load

dir=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

"$client" gen-certs "$dir"
RUST_LOG=${RUST_LOG:-warn} "$bin" run --no-controller \
  --tls-cert-file "$dir/tls.crt" --tls-key-file "$dir/tls.key" \
  --webhook-addr "127.0.0.1:$port" --metrics-addr "127.0.0.1:$metrics_port" 2>"$dir/server.log" &
server_pid=$!
for _ in $(seq 100); do
  if curl -sf "http://127.0.0.1:$metrics_port/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
curl -sf "http://127.0.0.1:$metrics_port/readyz" >/dev/null || { cat "$dir/server.log"; exit 1; }

echo "# $(nproc) cores, $(uname -sr), rate ${rate}/s for ${duration}s per document; client and server share the machine"
for doc in "${docs[@]}"; do
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$client" run --addr "127.0.0.1:$port" --ca "$dir/ca.crt" --doc "$doc" --rate "$rate" --duration "$duration"
done
echo "# server-side lint time (adr_lint_duration_seconds):"
curl -sf "http://127.0.0.1:$metrics_port/metrics" | grep -E '^adr_lint_duration_seconds_(sum|count)'
