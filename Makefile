# Common tasks. `make test` is what CI runs (.ci/run).
.PHONY: build test lint fmt example rules-doc bench fuzz

build:
	cargo build --release

test:
	cargo test --all-targets

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

fmt:
	cargo fmt --all

# The main job on a bundled example: lint a real government API against ADR 2.2.1.
example:
	cargo run --release -- lint --ruleset adr-2.2 examples/openapi/cor-api.json || true

# Regenerate the rule catalogue shown in the README.
rules-doc:
	cargo run --quiet -- rules --ruleset adr-2.2.1 --format markdown

# In-process benchmarks (criterion) and the side-by-side comparison with Spectral.
bench:
	cargo bench --bench lint
	bench/compare.sh

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
