# Common tasks. `make test` is what CI runs (.ci/run).
.PHONY: build test lint fmt example rules-doc bench fuzz nfa-v8 crds chart-deps chart-test image

build:
	cargo build --release

test:
	cargo test --all-targets

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --no-default-features -- -D warnings
	cargo clippy --bin adr-lint --no-default-features --features cli -- -D warnings

fmt:
	cargo fmt --all

# The main job on the bundled examples: the webhook's decision for every ApiPublication in
# examples/ (exit 1: two of them are denied on purpose; 2 would be an input error).
example:
	cargo run --release -- check examples/; test $$? -le 1

# Regenerate the CRD from src/api (tests/crd.rs and the chart tests check both copies).
crds:
	cargo run --quiet -- crd > crds/apipublications.apistrategie.nl.yaml
	cp crds/apipublications.apistrategie.nl.yaml charts/adr-operator/crds/

# The Helm chart, offline: render every value variant with Helm's Go SDK (PyPI helm-python-sdk),
# helm lint, validate each manifest against the Kubernetes 1.33/1.37 schemas (PyPI
# kubernetes-validate) and the cert-manager / Prometheus Operator ones (npm @kubernetes-models).
CHART_VENV ?= tests/chart/.venv
chart-deps:
	test -x $(CHART_VENV)/bin/python || python3 -m venv $(CHART_VENV)
	$(CHART_VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/chart/requirements.txt
	cd tests/chart && npm ci --no-audit --no-fund --loglevel=error

chart-test: chart-deps
	cd tests/chart && $(abspath $(CHART_VENV))/bin/python -m pytest -p no:cacheprovider

# The regex automaton (src/rules/nfa.rs) against V8 itself, on 20,000 generated patterns
# (needs python3 and node; SEED=n for another set).
SEED ?= 7
nfa-v8:
	mkdir -p target/nfa-v8
	python3 fuzz/v8/cases.py $(SEED) | node fuzz/v8/answer.js > target/nfa-v8/answers.json
	NFA_V8_ANSWERS=$(abspath target/nfa-v8/answers.json) cargo test --release --lib \
		agrees_with_v8 -- --ignored --nocapture

# The container image (needs docker or a compatible builder).
IMAGE ?= adr-operator:dev
image:
	docker build -t $(IMAGE) .

# Regenerate the rule catalogue shown in the README.
rules-doc:
	cargo run --quiet -- rules --ruleset adr-2.2.1 --format markdown

# In-process benchmarks (criterion) and the side-by-side comparison with Spectral.
bench:
	cargo bench --bench lint
	bench/compare.sh
	bench/warm.sh

# A short fuzz session per target (cargo-fuzz; libFuzzer needs RUSTC_BOOTSTRAP on stable).
# Crashes land in fuzz/artifacts/; copy them to tests/fuzz-regressions/ once fixed.
FUZZ_SECONDS ?= 60
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	mkdir -p fuzz/corpus/load fuzz/corpus/lint
	cp ../shared/corpus/adr-testcases/*/openapi.json tests/fuzz-regressions/* fuzz/corpus/lint/ 2>/dev/null || true
	cp fuzz/corpus/lint/* fuzz/corpus/load/
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run load corpus/load -- -max_total_time=$(FUZZ_SECONDS) -max_len=65536
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run lint corpus/lint -- -max_total_time=$(FUZZ_SECONDS) -max_len=65536
	mkdir -p fuzz/corpus/yaml_fast
	cp ../shared/corpus/large/small-petstore.oas31.yaml tests/fixtures/yaml/*.yaml fuzz/corpus/yaml_fast/ 2>/dev/null || true
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run yaml_fast corpus/yaml_fast -- -max_total_time=$(FUZZ_SECONDS) -max_len=4096
	mkdir -p fuzz/corpus/yaml_split
	cp tests/fixtures/yaml/*.yaml fuzz/corpus/yaml_split/ 2>/dev/null || true
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run yaml_split corpus/yaml_split -- -max_total_time=$(FUZZ_SECONDS) -max_len=4096
	mkdir -p fuzz/corpus/nfa
	printf '\000^[1-5](?:\\d{2}|XX)$$\000200' > fuzz/corpus/nfa/status
	printf '\000^(\\/|\\/(([a-z0-9\\-]+|{[^}]+})(\\/([a-z0-9\\-.]+|{[^}]+}))*)\\/?)$$\000/a/{id}' > fuzz/corpus/nfa/kebab
	printf '\001(description|summary)\000Summary' > fuzz/corpus/nfa/ignore-case
	printf '\002^[^a].{1,3}$$\000b\303\251c' > fuzz/corpus/nfa/unicode
	printf '\000^[a-zA-Z0-9\303\200-\305\276 \\.\\-\\'"'"']{1,200}$$\000Jan \303\251' > fuzz/corpus/nfa/long-count
	printf '\000\\bw\\S+\\s\000a wo\302\240' > fuzz/corpus/nfa/spaces
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run nfa corpus/nfa -- -max_total_time=$(FUZZ_SECONDS) -max_len=256
