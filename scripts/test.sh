#!/usr/bin/env bash
# The one test command (npm test): format, lint, typecheck, unit tests, dist in sync, then the end-to-end
# tests against a real Docker engine (started here when none answers), all on Node 24.
# On a fresh clone it first installs what is missing (scripts/setup.sh): the npm dependencies, and as root on
# Debian/Ubuntu the packages the local AWS needs.
# Without a Docker engine, outside CI: the unit tests only, and one line saying the e2e tests were skipped.
# Environment: CI=true makes a missing engine a failure; EFD_DOCKER_DIR is passed on to scripts/docker.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EFD_SETUP_NAME=test.sh
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
efd_packages
efd_npm_deps
efd_node24

start=$SECONDS
done_steps=()
ci=false
case "${CI:-}" in true | 1 | yes) ci=true ;; esac

tmp=$(mktemp -d)
efd_at_exit 'rm -rf "$tmp"'

step() { # step NAME COMMAND...: run one step, stop at the first failure with one summary line
  local name=$1
  shift
  printf '\n==> %s\n' "$name"
  # Everything is also kept in one log, from which the closing line counts jest's tests.
  if "$@" 2>&1 | tee -a "$tmp/steps.log"; then
    done_steps+=("$name")
  else
    local rc=${PIPESTATUS[0]}
    count_tests
    printf '\ntest.sh: FAILED at "%s" (exit %s) after %ss; passed before it: %s\n' \
      "$name" "$rc" "$((SECONDS - start))" "${done_steps[*]:-none}" >&2
    exit "$rc"
  fi
}

# One plain closing line over every jest run: "tests: N passed, N failed".
count_tests() {
  awk '/^Tests:/ {
      for (i = 2; i <= NF; i++) {
        if ($(i) ~ /^passed/) passed += $(i - 1)
        if ($(i) ~ /^failed/) failed += $(i - 1)
      }
    }
    END { printf "tests: %d passed, %d failed\n", passed, failed }' "$tmp/steps.log"
}

# --- Docker ---------------------------------------------------------------------------------------------
if ! efd_docker; then
  if [ "$ci" = true ]; then
    echo "test.sh: FAILED: no Docker engine could be started (see above); CI needs one for the e2e tests" >&2
    exit 1
  fi
  set +e
  npm run test:unit
  rc=$?
  echo "test.sh: end-to-end tests SKIPPED: no Docker engine could be started (see above); ran the unit tests only (exit $rc)" >&2
  exit "$rc"
fi

dist_in_sync() {
  npm run package || return
  if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "not a git checkout: dist/ rebuilt, not compared"
    return 0
  fi
  git diff --exit-code --stat -- dist || {
    echo "dist/ differs from the committed one: commit the rebuilt dist/ (npm run package)" >&2
    return 1
  }
  if [ -n "$(git ls-files -- dist)" ] && [ -n "$(git ls-files --others --exclude-standard -- dist)" ]; then
    git ls-files --others --exclude-standard -- dist >&2
    echo "dist/ has new files that are not committed" >&2
    return 1
  fi
}

step format npm run format:check
step lint npm run lint
step typecheck npm run build
step unit npm run test:unit
step dist dist_in_sync
step "e2e on node $(node --version)" npm run test:e2e

printf '\ntest.sh: ALL PASSED (%s) in %ss\n' "${done_steps[*]}" "$((SECONDS - start))"
count_tests
