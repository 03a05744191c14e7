#!/usr/bin/env bash
# Runs binhchon's test suites and prints a summary; exits non-zero if any suite failed.
#   scripts/test.sh all          unit + integration (SQLite, and PostgreSQL if TEST_DATABASE_URL) + browser
#   scripts/test.sh unit|integration|postgres|e2e
set -uo pipefail
cd "$(dirname "$0")/.."
: "${CARGO_TARGET_DIR:=$HOME/.cache/binhchon/target}"
# The Makefile chooses the toolchain; run directly, these scripts default to the same one.
if [ -z "${RUSTUP_TOOLCHAIN:-}" ] && [ "${BINHCHON_TOOLCHAIN:-}" != "rustup" ]; then export RUSTUP_TOOLCHAIN=debian; fi
export CARGO_TARGET_DIR
export BINHCHON_BIN="$CARGO_TARGET_DIR/release/binhchon"
export SITE_ROOT="$CARGO_TARGET_DIR/site"
WHAT=${1:-all}
declare -a RESULTS=()
FAILED=0
LOGDIR=$(mktemp -d)

run_suite() {
  local name=$1; shift
  printf '\n\033[1;34m[test]\033[0m %s\n' "$name"
  local start=$SECONDS
  if "$@" 2>&1 | tee "$LOGDIR/$name.log"; then
    RESULTS+=("PASS  $name ($((SECONDS - start)) s)")
  else
    RESULTS+=("FAIL  $name ($((SECONDS - start)) s)")
    FAILED=1
  fi
}

unit() {
  cargo test --quiet -p binhchon-domain -p binhchon-backend
}
integration_sqlite() {
  env -u TEST_DATABASE_URL cargo test --quiet -p binhchon-tests -- --test-threads="${TEST_THREADS:-4}"
}
integration_postgres() {
  cargo test --quiet -p binhchon-tests -- --test-threads="${TEST_THREADS:-4}"
}
e2e() {
  (cd tests/e2e && { [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund; } && npm test --silent)
}

case "$WHAT" in
  unit) run_suite unit unit ;;
  integration) run_suite integration-sqlite integration_sqlite ;;
  postgres) run_suite integration-postgres integration_postgres ;;
  e2e) run_suite browser e2e ;;
  all)
    run_suite unit unit
    run_suite integration-sqlite integration_sqlite
    if [ -n "${TEST_DATABASE_URL:-}" ]; then
      run_suite integration-postgres integration_postgres
    else
      RESULTS+=("SKIP  integration-postgres (set TEST_DATABASE_URL, or run make test-pg)")
    fi
    run_suite browser e2e
    ;;
  *) echo "unknown suite: $WHAT" >&2; exit 2 ;;
esac

printf '\n\033[1m=== test summary ===\033[0m\n'
for r in "${RESULTS[@]}"; do echo "$r"; done
for f in "$LOGDIR"/*.log; do
  grep -hE '^test result:|^(# |ℹ )(tests|pass|fail) ' "$f" | sed "s|^|  $(basename "$f" .log): |"
done
rm -rf "$LOGDIR"
exit $FAILED
