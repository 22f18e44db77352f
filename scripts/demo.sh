#!/usr/bin/env bash
# npm run demo: install what a fresh clone is missing (scripts/setup.sh), make sure a Docker engine answers
# (start one when none does), then run scripts/demo.ts: the bundled action deploys examples/web to the local
# AWS as a task (prints the URL and the page, stops it), then as an Express Mode service that it updates while a
# client requests the URL (no request may fail) and deletes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EFD_SETUP_NAME=demo
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
efd_packages
efd_npm_deps
efd_node24

if ! efd_docker; then
  echo "demo: no Docker engine could be started (see above). The demo needs Docker: install docker.io" >&2
  echo "      (Debian/Ubuntu: apt-get install -y docker.io docker-registry busybox-static) or start Docker Desktop." >&2
  exit 3
fi
if [ ! -x /usr/bin/docker-registry ]; then
  echo "demo: the local ECR needs the open-source registry: apt-get install -y docker-registry" >&2
  exit 3
fi
tsx scripts/demo.ts
