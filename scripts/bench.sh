#!/usr/bin/env bash
# The benchmark (npm run bench): the bundled action against the local AWS. Not a test; see bench/bench.ts.
#   npm run bench -- [--dist PATH/index.cjs] [--against OTHER/index.cjs] [--runs N] [--deploys N] [--no-aws]
#   (EFD_DIST also names the bundle; --against runs a task deploy side by side with another bundle)
# Installs what a fresh clone is missing and starts a Docker engine when none answers (scripts/setup.sh; it
# stops only one it started). With --no-aws (the bundle and the cold start only) no engine is needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EFD_SETUP_NAME=bench
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
efd_npm_deps
efd_node24
case " $* " in
  *" --no-aws "*) ;;
  *) efd_packages && efd_docker ;;
esac

tsx bench/bench.ts "$@"
