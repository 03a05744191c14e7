# binhchon — `make run` serves the demo on http://127.0.0.1:3000; `make test` runs the whole suite.
# Both install what is missing first (scripts/setup.sh, needs root or sudo the first time).

SHELL := /bin/bash
# Debian's rustc-web builds the WebAssembly half on machines without rustup's wasm32 target.
# On a laptop where `rustup target add wasm32-unknown-unknown` works: make TOOLCHAIN=stable …
TOOLCHAIN ?= debian
export RUSTUP_TOOLCHAIN := $(TOOLCHAIN)
ifneq ($(TOOLCHAIN),debian)
export BINHCHON_TOOLCHAIN := rustup
endif
# The build cache lives outside the checkout, so a fresh clone (and CI) reuses it.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/binhchon/target
BIN := $(CARGO_TARGET_DIR)/release/binhchon

.PHONY: all setup build run test test-unit test-integration test-pg test-e2e bench bench-autosave ci clean-data

all: build

setup:
	@bash scripts/setup.sh

build: setup
	@bash scripts/build.sh

## Build, migrate, load the units, rule sets and demo accounts, and serve.
run: build
	@SEED_DEMO=1 $(BIN) serve

## The whole suite: unit, integration on SQLite (and PostgreSQL when TEST_DATABASE_URL is set), browser.
test: build
	@bash scripts/test.sh all

test-unit: setup
	@bash scripts/test.sh unit

test-integration: build
	@bash scripts/test.sh integration

## The integration suite on PostgreSQL only (local server, trust authentication).
test-pg: build
	@TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} bash scripts/test.sh postgres

test-e2e: build
	@bash scripts/test.sh e2e

bench: setup
	cargo run --release -p binhchon-bench

## Autosave under load (bench/README.md): 300 judges on SQLite, then on PostgreSQL (a database
## of its own on BENCH_DATABASE_URL's server, dropped afterwards). Options: BENCH_ARGS="--db sqlite …".
bench-autosave: build
	@BINHCHON_BIN=$(BIN) BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	  cargo run --release -p binhchon-bench --bin autosave -- $(BENCH_ARGS)

ci:
	@bash .ci/run

clean-data:
	rm -rf ./data
