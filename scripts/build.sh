#!/usr/bin/env bash
# Builds the release server and the WebAssembly front end (the work `cargo leptos build
# --release` does), with the front end's build cache kept apart from the server's.
#   output: $CARGO_TARGET_DIR/release/binhchon and $CARGO_TARGET_DIR/site/{pkg,…}
set -euo pipefail
cd "$(dirname "$0")/.."

: "${CARGO_TARGET_DIR:=$HOME/.cache/binhchon/target}"
# The Makefile chooses the toolchain; run directly, these scripts default to the same one.
if [ -z "${RUSTUP_TOOLCHAIN:-}" ] && [ "${BINHCHON_TOOLCHAIN:-}" != "rustup" ]; then export RUSTUP_TOOLCHAIN=debian; fi
export CARGO_TARGET_DIR
SITE="$CARGO_TARGET_DIR/site"
FRONT_TARGET="$CARGO_TARGET_DIR/front"
WASM="$FRONT_TARGET/wasm32-unknown-unknown/wasm-release/binhchon_frontend.wasm"
QUIET=${QUIET:---quiet}

step() { printf '\033[1;34m[build]\033[0m %s\n' "$*"; }

step "front end (wasm32)"
CARGO_TARGET_DIR="$FRONT_TARGET" cargo build $QUIET -p binhchon-frontend --lib \
  --target wasm32-unknown-unknown --profile wasm-release

mkdir -p "$SITE/pkg"
# wasm-bindgen + wasm-opt take a while: skip them when the compiled module has not changed.
STAMP="$SITE/pkg/.source-sha256"
SUM=$(sha256sum "$WASM" | cut -d' ' -f1)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$SUM" ] || [ ! -f "$SITE/pkg/binhchon_bg.wasm" ]; then
  step "wasm-bindgen + wasm-opt"
  TMP=$(mktemp -d)
  wasm-bindgen --target web --no-typescript --out-dir "$TMP" --out-name binhchon "$WASM"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-reference-types \
    -o "$TMP/binhchon_bg.opt.wasm" "$TMP/binhchon_bg.wasm"
  mv "$TMP/binhchon_bg.opt.wasm" "$SITE/pkg/binhchon_bg.wasm"
  mv "$TMP/binhchon.js" "$SITE/pkg/binhchon.js"
  rm -rf "$TMP"
  echo -n "$SUM" > "$STAMP"
fi
cp style/main.css "$SITE/pkg/binhchon.css"
cp -r public/. "$SITE/"

step "server (release)"
cargo build $QUIET --release -p binhchon-server
step "done: $CARGO_TARGET_DIR/release/binhchon, site in $SITE"
