#!/usr/bin/env bash
# The benchmark (npm run bench): the bundled action against the local AWS. Not a test; see bench/bench.ts.
#   npm run bench -- [--dist PATH/index.js] [--runs N] [--deploys N] [--no-aws]   (EFD_DIST also names the bundle)
# Starts a Docker engine when none answers (and stops only one it started).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

unset EFD_DOCKER_STARTED
cleanup() {
  if [ "${EFD_DOCKER_STARTED:-0}" = 1 ]; then bash scripts/docker.sh stop || true; fi
}
trap cleanup EXIT
eval "$(bash scripts/docker.sh ensure)"

npx tsx bench/bench.ts "$@"
