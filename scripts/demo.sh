#!/usr/bin/env bash
# npm run demo: make sure a Docker engine answers (start one when none does), then run scripts/demo.ts:
# the bundled action deploys examples/web to the local AWS, prints the URL and the page, and stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -d node_modules ]; then
  echo "demo: run 'npm ci' first (the demo runs the local AWS with the project's dependencies)" >&2
  exit 1
fi
unset EFD_DOCKER_STARTED
trap '[ "${EFD_DOCKER_STARTED:-0}" != 1 ] || bash scripts/docker.sh stop' EXIT
if ! docker_env=$(bash scripts/docker.sh ensure); then
  echo "demo: no Docker engine could be started (see above). The demo needs Docker: install docker.io" >&2
  echo "      (Debian/Ubuntu: apt-get install -y docker.io docker-registry busybox-static) or start Docker Desktop." >&2
  exit 3
fi
eval "$docker_env"
if ! command -v docker-registry >/dev/null; then
  echo "demo: the local ECR needs the open-source registry: apt-get install -y docker-registry" >&2
  exit 3
fi
npx tsx scripts/demo.ts
