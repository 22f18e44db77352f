# shellcheck shell=bash
# Sourced by scripts/test.sh, scripts/demo.sh, scripts/bench.sh and .ci/run: everything a fresh clone needs
# before the project's commands run, so that `npm test` and `npm run demo` work with nothing run before them.
#
#   source scripts/setup.sh
#   efd_packages          # as root on Debian/Ubuntu: apt-get install what the local AWS needs, when missing
#   efd_npm_deps          # npm ci when node_modules is missing or older than package-lock.json
#   efd_node24            # node_modules/.bin first on PATH; fails unless `node` is then Node 24 or newer
#   efd_docker            # a Docker engine answers (started when none does; stopped at exit only if so)
#   efd_at_exit COMMAND   # run COMMAND when the script exits (the Docker stop runs last)
#
# Environment: EFD_SUDO=1 lets efd_packages use sudo when not root (.ci/run); EFD_DOCKER_DIR and
# EFD_DOCKER_TIMEOUT are passed on to scripts/docker.sh.

EFD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/docker.sh
source "$EFD_ROOT/scripts/docker.sh"

efd_setup_log() { printf '%s: %s\n' "${EFD_SETUP_NAME:-setup}" "$*" >&2; }

# --- exit handlers ------------------------------------------------------------------------------------------
EFD_AT_EXIT=()
efd_at_exit() { EFD_AT_EXIT+=("$*"); }
efd_run_at_exit() {
  local rc=$? command
  for command in "${EFD_AT_EXIT[@]}"; do eval "$command" || true; done
  # Stop only a dockerd this script started, quietly: a closing summary line stays the last line of the run.
  if [ "${EFD_DOCKER_STARTED:-0}" = 1 ]; then
    efd_docker_stop >/dev/null 2>&1 || efd_setup_log "could not stop the dockerd started under $(efd_docker_dir)"
  fi
  return "$rc"
}
trap efd_run_at_exit EXIT

# --- Debian packages ----------------------------------------------------------------------------------------
# What the local AWS needs from the system: a Docker engine (docker.io), the open-source registry for the
# local ECR (docker-registry) and a static busybox to build busybox:stable FROM scratch (busybox-static).
efd_missing_packages() {
  local missing=()
  command -v docker >/dev/null 2>&1 || missing+=(docker.io)
  if ! command -v dockerd >/dev/null 2>&1 && ! efd_docker_answers; then
    [[ " ${missing[*]} " == *" docker.io "* ]] || missing+=(docker.io)
  fi
  [ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
  { command -v busybox >/dev/null 2>&1 && ! ldd "$(command -v busybox)" >/dev/null 2>&1; } || missing+=(busybox-static)
  [ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
}

efd_packages() {
  local missing sudo=()
  mapfile -t missing < <(efd_missing_packages)
  [ ${#missing[@]} -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ]; then
    if [ "${EFD_SUDO:-0}" = 1 ]; then
      sudo=(sudo -E)
    else
      efd_setup_log "missing ${missing[*]}; as root on Debian/Ubuntu: apt-get install -y ${missing[*]}"
      return 0
    fi
  fi
  if [ ! -e /etc/debian_version ] || ! command -v apt-get >/dev/null 2>&1; then
    efd_setup_log "missing ${missing[*]} (the Debian/Ubuntu package names); install them with your package manager"
    return 0
  fi
  efd_setup_log "installing ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" </dev/null
}

# --- npm dependencies ---------------------------------------------------------------------------------------
# npm writes node_modules/.package-lock.json on every install: older than package-lock.json (or missing)
# means the lockfile changed since, for example after a pull.
efd_npm_deps() {
  local hidden=$EFD_ROOT/node_modules/.package-lock.json
  # A node_modules linked from another checkout (a git worktree) is that checkout's to install: npm ci here
  # would empty the directory it points to, for every worktree that shares it.
  if [ -L "$EFD_ROOT/node_modules" ]; then return 0; fi
  if [ -f "$hidden" ] && [ ! "$EFD_ROOT/package-lock.json" -nt "$hidden" ]; then return 0; fi
  if [ -d "$EFD_ROOT/node_modules" ]; then
    efd_setup_log "node_modules is older than package-lock.json: npm ci"
  else
    efd_setup_log "no node_modules: npm ci"
  fi
  (cd "$EFD_ROOT" && npm ci --no-audit --no-fund) || return
}

# --- Node 24 ------------------------------------------------------------------------------------------------
# The "node" dev dependency puts Node 24 in node_modules/.bin, where the system Node may be older. npm run puts
# that folder first on PATH too; doing it here makes it hold for bash scripts/x.sh and after an npm ci made it.
efd_node24() {
  local version
  export PATH="$EFD_ROOT/node_modules/.bin:$PATH"
  hash -r
  version=$(node --version 2>/dev/null) || {
    efd_setup_log "no node on PATH: run npm ci (the \"node\" dev dependency provides Node 24)"
    return 1
  }
  case $version in
    v2[4-9].* | v[3-9][0-9].*) ;;
    *)
      efd_setup_log "node is $version at $(command -v node), Node 24 or newer is needed: run npm ci (the \"node\" dev dependency provides it)"
      return 1
      ;;
  esac
}

# --- Docker -------------------------------------------------------------------------------------------------
# Sets DOCKER_HOST (when it started or reused an engine of its own) and EFD_DOCKER_STARTED; exit 3 when
# something must be installed first (scripts/docker.sh says what).
efd_docker() {
  unset EFD_DOCKER_STARTED
  efd_docker_ensure
}
