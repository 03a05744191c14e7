#!/usr/bin/env bash
# One-off machine set-up for building binhchon (server + WebAssembly front end).
# Idempotent: every step checks whether it is already done. Needs root or sudo.
# Follows shared/toolchain.md: Debian's rustc-web provides the wasm32 route where
# rustup cannot download the wasm32 target.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

CHANGED=0
log() { CHANGED=1; printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# Where rustup can add the wasm32 target (a normal laptop), use it and skip the Debian route.
if [ "${BINHCHON_TOOLCHAIN:-}" = "rustup" ]; then
  TC=""
else
  TC="+debian"
fi

need_pkgs=()
for p in rustc-web cargo-web rust-web-src lld-22 chromium; do
  dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
done
command -v node >/dev/null || need_pkgs+=(nodejs npm)
command -v psql >/dev/null || need_pkgs+=(postgresql-client)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "apt-get install ${need_pkgs[*]}"
  $SUDO apt-get update -q || true
  $SUDO apt-get install -y -q --no-install-recommends "${need_pkgs[@]}"
fi

if ! command -v rustup >/dev/null; then
  # No rustup: Debian's cargo and rustc (from rustc-web) are used directly.
  TC=""
fi

if [ "${BINHCHON_TOOLCHAIN:-}" != "rustup" ]; then
  if command -v rustup >/dev/null && ! rustup toolchain list | awk '{print $1}' | grep -qx debian; then
    log "linking Debian toolchain as 'debian'"
    rustup toolchain link debian /usr
  fi

  SYSROOT_LIB=/usr/lib/rustlib/wasm32-unknown-unknown/lib
  STAMP=$SYSROOT_LIB/.built-by
  WANT="$(rustc $TC -vV | tr '\n' ' ')"
  if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    log "building wasm32 std for the Debian toolchain (a few minutes, once)"
    B=$(mktemp -d); mkdir -p "$B/src"; : > "$B/src/lib.rs"
    printf '[package]\nname = "sysroot-probe"\nversion = "0.0.0"\nedition = "2021"\n' > "$B/Cargo.toml"
    # Its own target folder: the Makefile exports CARGO_TARGET_DIR for the project build.
    (cd "$B" && CARGO_TARGET_DIR="$B/target" CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Cembed-bitcode=yes" RUSTC_BOOTSTRAP=1 \
       cargo $TC build --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort)
    $SUDO rm -rf "$SYSROOT_LIB"; $SUDO mkdir -p "$SYSROOT_LIB"
    find "$B/target/wasm32-unknown-unknown/release/deps" -name 'lib*.rlib' ! -name 'libsysroot_probe-*' -exec $SUDO cp {} "$SYSROOT_LIB/" \;
    echo -n "$WANT" | $SUDO tee "$STAMP" >/dev/null; rm -rf "$B"
  fi

  if [ ! -e /usr/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld ]; then
    $SUDO mkdir -p /usr/lib/rustlib/x86_64-unknown-linux-gnu/bin
    $SUDO ln -sf /usr/lib/llvm-22/bin/lld /usr/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld
  fi
else
  rustup target add wasm32-unknown-unknown
fi

# Tools built from crates.io: without fat LTO they build in a fraction of the time.
fast_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo $TC install "$@"
}
# cargo-leptos is optional (for `cargo leptos watch` while developing): scripts/build.sh
# drives cargo, wasm-bindgen and wasm-opt itself, which saves a 10-30 minute install.
if [ "${WITH_CARGO_LEPTOS:-0}" = 1 ] && ! cargo-leptos --version 2>/dev/null | grep -q '0.3.11'; then
  log "installing cargo-leptos 0.3.11 (optional, ~10-30 min)"
  fast_install --locked cargo-leptos --version 0.3.11
fi
if ! command -v wasm-bindgen >/dev/null || ! wasm-bindgen --version | grep -q '0.2.130'; then
  log "installing wasm-bindgen-cli 0.2.130 (once)"
  # Not --locked: its lockfile pins a webpki-roots the index here lacks.
  fast_install wasm-bindgen-cli --version 0.2.130
fi

# Debian's binaryen 108 breaks hydration (see shared/toolchain.md); use binaryen 123 from npm.
if dpkg -s binaryen >/dev/null 2>&1; then $SUDO apt-get remove -y binaryen; fi
if [ ! -x /opt/binaryen-123/bin/wasm-opt ]; then
  log "installing binaryen 123 (wasm-opt) from npm"
  $SUDO npm install -g --prefix /opt/binaryen-123 --no-audit --no-fund binaryen@123.0.0
fi
if [ "$(readlink /usr/local/bin/wasm-opt 2>/dev/null)" != /opt/binaryen-123/bin/wasm-opt ]; then
  $SUDO ln -sf /opt/binaryen-123/bin/wasm-opt /usr/local/bin/wasm-opt
fi

# Browser test driver.
HERE="$(cd "$(dirname "$0")/.." && pwd)"
if [ -f "$HERE/tests/e2e/package.json" ] && [ ! -d "$HERE/tests/e2e/node_modules/playwright-core" ]; then
  log "installing playwright-core for end-to-end tests"
  (cd "$HERE/tests/e2e" && npm install --no-audit --no-fund)
fi

if [ "$CHANGED" = 1 ]; then printf '\033[1;34m[setup]\033[0m toolchain ready\n'; fi
