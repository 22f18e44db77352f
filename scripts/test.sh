#!/usr/bin/env bash
# The one test command (npm test): format, lint, typecheck, unit tests, dist in sync, then the end-to-end
# tests on Node 20 and on Node 24 against a real Docker engine (started here when none answers).
# Without a Docker engine, outside CI: the unit tests only, and one line saying the e2e tests were skipped.
# Environment: CI=true makes a missing engine (or a system Node that is not 20) a failure;
# EFD_NODE20=/path/to/node picks the Node 20 binary; EFD_DOCKER_DIR is passed on to scripts/docker.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

start=$SECONDS
done_steps=()
ci=false
case "${CI:-}" in true | 1 | yes) ci=true ;; esac

unset EFD_DOCKER_STARTED # set by scripts/docker.sh ensure below: 1 when this run started dockerd
tmp=$(mktemp -d)
cleanup() {
  rm -rf "$tmp"
  if [ "${EFD_DOCKER_STARTED:-0}" = 1 ]; then bash scripts/docker.sh stop || true; fi
}
trap cleanup EXIT

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
if docker_env=$(bash scripts/docker.sh ensure); then
  eval "$docker_env"
else
  rc=$?
  if [ "$ci" = true ]; then
    echo "test.sh: FAILED: no Docker engine could be started (scripts/docker.sh ensure exit $rc); CI needs one for the e2e tests" >&2
    exit 1
  fi
  set +e
  npm run test:unit
  rc=$?
  echo "test.sh: end-to-end tests SKIPPED: no Docker engine could be started (see above); ran the unit tests only (exit $rc)" >&2
  exit "$rc"
fi

# --- Node 20 and Node 24 ----------------------------------------------------------------------------------
# npm puts node_modules/.bin first on PATH in every script, and the "node" dev dependency puts Node 24 there,
# so `npm run` would always be Node 24. A script shell that puts a directory holding the wanted `node` first
# makes jest (#!/usr/bin/env node) and every `node` the tests start use that version.
sys_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '/node_modules/\.bin$' -e '/node-gyp-bin$' | paste -sd: -)
node20=${EFD_NODE20:-$(PATH=$sys_path command -v node || true)}
node24=$PWD/node_modules/.bin/node
mkdir -p "$tmp/node20" "$tmp/node24"
[ -n "$node20" ] && ln -s "$node20" "$tmp/node20/node"
ln -s "$node24" "$tmp/node24/node"
# shellcheck disable=SC2016 # expanded by the script shell, not here
printf '#!/bin/sh\nPATH="$EFD_NODE_DIR:$PATH" exec /bin/sh "$@"\n' >"$tmp/shell"
chmod +x "$tmp/shell"

e2e_on() { # e2e_on 20|24
  local dir=$tmp/node$1 version
  version=$("$dir/node" --version 2>/dev/null) || {
    if [ "$1" = 24 ]; then echo "no Node 24 at $node24: run npm ci (the \"node\" dev dependency)" >&2; fi
    if [ "$1" = 20 ]; then echo "no Node 20 found: install it or set EFD_NODE20=/path/to/node" >&2; fi
    return 1
  }
  echo "node $version"
  case $version in
    v"$1".*) ;;
    *)
      if [ "$1" = 24 ] || [ "$ci" = true ]; then
        echo "expected Node $1, got $version" >&2
        return 1
      fi
      echo "warning: the system node is $version, not Node $1 (set EFD_NODE20=/path/to/node20)" >&2
      ;;
  esac
  EFD_NODE_DIR=$dir npm run test:e2e --script-shell="$tmp/shell"
}

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
step "e2e node20" e2e_on 20
step "e2e node24" e2e_on 24

printf '\ntest.sh: ALL PASSED (%s) in %ss\n' "${done_steps[*]}" "$((SECONDS - start))"
count_tests
