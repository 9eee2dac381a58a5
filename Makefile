# Common tasks. `make test` is what CI runs (.ci/run).
.PHONY: build test lint fmt example rules-doc

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
