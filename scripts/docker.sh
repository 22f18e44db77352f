#!/usr/bin/env bash
# Make a Docker engine available for the end-to-end tests, and stop it again.
#
#   eval "$(scripts/docker.sh ensure)"   # prints: export DOCKER_HOST=...; export EFD_DOCKER_STARTED=0|1
#   scripts/docker.sh stop               # stops only a dockerd this script started
#   scripts/docker.sh status
#
# Or source it and call efd_docker_ensure / efd_docker_stop (they set DOCKER_HOST and EFD_DOCKER_STARTED in
# the calling shell and return instead of exiting).
#
# ensure: when `docker info` answers with the current environment, that engine is used. Otherwise a private
# dockerd (vfs storage, no bridge, no iptables: containers need --network host) is started under
# ${EFD_DOCKER_DIR:-/tmp/efd-docker}, or reused when an earlier call started it. Then busybox:stable is built
# FROM scratch from the host's static busybox when it is not there (nothing is pulled from Docker Hub).
# Messages go to stderr; stdout carries only the export lines. Exit 3: something must be installed first.

efd_docker_dir() { printf '%s\n' "${EFD_DOCKER_DIR:-/tmp/efd-docker}"; }
efd_docker_log() { printf 'docker.sh: %s\n' "$*" >&2; }

# `docker info` with a bound, so that a wedged socket cannot hang the caller.
efd_docker_answers() {
  if command -v timeout >/dev/null 2>&1; then timeout 15 docker info >/dev/null 2>&1; else docker info >/dev/null 2>&1; fi
}

# Print the PID of the dockerd running for our directory (from its pidfile), or fail.
efd_docker_pid() {
  local dir pid
  dir=$(efd_docker_dir)
  [ -s "$dir/dockerd.pid" ] || return 1
  pid=$(tr -dc '0-9' <"$dir/dockerd.pid")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against PID reuse: it must be a dockerd using our data root.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--data-root $dir/data " || return 1
  printf '%s\n' "$pid"
}

efd_docker_start() {
  local dir pid deadline
  dir=$(efd_docker_dir)
  mkdir -p "$dir"
  if pid=$(efd_docker_pid); then
    efd_docker_log "reusing dockerd $pid under $dir"
  else
    # Whatever is left from an earlier run is stale: the pidfile makes dockerd refuse to start.
    rm -f "$dir/dockerd.pid" "$dir/docker.sock" "$dir/started-by-efd"
    efd_docker_log "starting dockerd under $dir (log: $dir/dockerd.log)"
    # Close fd 9 (the lock) so that the daemon does not hold it after we return.
    dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
      --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
      --host "unix://$dir/docker.sock" </dev/null >>"$dir/dockerd.log" 2>&1 9>&- &
    pid=$!
    printf '%s\n' "$pid" >"$dir/started-by-efd"
    EFD_DOCKER_STARTED=1
  fi
  deadline=$((SECONDS + ${EFD_DOCKER_TIMEOUT:-60}))
  until DOCKER_HOST="unix://$dir/docker.sock" efd_docker_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      efd_docker_log "dockerd exited while starting; last lines of $dir/dockerd.log:"
      tail -n 15 "$dir/dockerd.log" >&2
      rm -f "$dir/started-by-efd"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      efd_docker_log "dockerd $pid did not answer within ${EFD_DOCKER_TIMEOUT:-60}s; see $dir/dockerd.log"
      return 1
    fi
    sleep 0.3
  done
}

# Build busybox:stable FROM scratch out of the host's static busybox. No RUN step: the applet links are made
# here and copied in, so the build needs neither a network nor a base image.
efd_docker_busybox() {
  local bb ctx applet
  docker image inspect busybox:stable >/dev/null 2>&1 && return 0
  bb=$(command -v busybox || true)
  [ -n "$bb" ] || bb=/bin/busybox
  if [ ! -x "$bb" ] || ldd "$bb" >/dev/null 2>&1; then
    # Where Docker Hub is reachable (e.g. Docker Desktop), pulling it is fine too.
    docker pull -q busybox:stable >/dev/null 2>&1 && return 0
    efd_docker_log "busybox:stable is missing and no static busybox to build it from: install it with 'apt-get install -y busybox-static' (or pull busybox:stable)"
    return 3
  fi
  efd_docker_log "building busybox:stable FROM scratch from $bb"
  ctx=$(mktemp -d)
  mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/etc" "$ctx/rootfs/root" "$ctx/rootfs/tmp" "$ctx/rootfs/var/www"
  chmod 1777 "$ctx/rootfs/tmp"
  cp "$bb" "$ctx/rootfs/bin/busybox"
  while read -r applet; do
    case $applet in '' | bin/busybox) continue ;; esac
    mkdir -p "$ctx/rootfs/$(dirname "$applet")"
    ln -sf /bin/busybox "$ctx/rootfs/$applet"
  done < <("$bb" --list-full)
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$ctx/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$ctx/rootfs/etc/group"
  cat >"$ctx/Dockerfile" <<'EOF'
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["sh"]
EOF
  if ! DOCKER_BUILDKIT=0 docker build -q -t busybox:stable "$ctx" >/dev/null 2>"$ctx/build.log" &&
    ! docker build -q -t busybox:stable "$ctx" >/dev/null 2>>"$ctx/build.log"; then
    efd_docker_log "building busybox:stable failed:"
    cat "$ctx/build.log" >&2
    rm -rf "$ctx"
    return 1
  fi
  rm -rf "$ctx"
}

efd_docker_ensure() {
  local dir rc
  EFD_DOCKER_STARTED=0
  if ! efd_docker_answers; then
    dir=$(efd_docker_dir)
    if ! command -v dockerd >/dev/null 2>&1; then
      efd_docker_log "no Docker engine answers and dockerd is not installed: install it with 'apt-get install -y docker.io' (Linux) or start Docker Desktop"
      return 3
    fi
    if [ "$(id -u)" != 0 ]; then
      efd_docker_log "no Docker engine answers and starting dockerd needs root: start your Docker engine (or run as root)"
      return 3
    fi
    mkdir -p "$dir" || return 1
    # One starter at a time; the lock is on fd 9, released when the subshell ends.
    (
      flock -w 120 9 || { efd_docker_log "timed out waiting for $dir/lock"; exit 1; }
      efd_docker_start || exit 1
      [ "$EFD_DOCKER_STARTED" = 1 ] && exit 10
      exit 0
    ) 9>"$dir/lock" && rc=0 || rc=$? # (no errexit trip when sourced under set -e)
    case $rc in
      0) ;;
      10) EFD_DOCKER_STARTED=1 ;;
      *) return "$rc" ;;
    esac
    export DOCKER_HOST="unix://$dir/docker.sock"
  fi
  export EFD_DOCKER_STARTED
  efd_docker_busybox || {
    rc=$?
    # Do not leave behind an engine that the caller will not know to stop.
    if [ "$EFD_DOCKER_STARTED" = 1 ]; then efd_docker_stop && EFD_DOCKER_STARTED=0; fi
    return "$rc"
  }
}

efd_docker_stop() {
  local dir pid i children
  dir=$(efd_docker_dir)
  if [ ! -e "$dir/started-by-efd" ]; then
    efd_docker_log "no dockerd started by this script under $dir; nothing to stop"
    return 0
  fi
  if ! pid=$(efd_docker_pid); then
    efd_docker_log "dockerd under $dir is not running; removing stale files"
    rm -f "$dir/dockerd.pid" "$dir/docker.sock" "$dir/started-by-efd"
    return 0
  fi
  efd_docker_log "stopping dockerd $pid"
  children=$(pgrep -P "$pid" 2>/dev/null || true) # its managed containerd
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do # up to 30 s (dockerd gives containers 15 s)
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    efd_docker_log "dockerd $pid still running after 30s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    # Its managed containerd would be left behind: stop it too, by PID.
    for i in $children; do kill -KILL "$i" 2>/dev/null || true; done
    sleep 0.5
  fi
  # dockerd leaves its default network namespace mounted under exec/: unmount what is left under our dir.
  awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts 2>/dev/null | sort -r |
    while read -r mnt; do umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true; done
  rm -f "$dir/dockerd.pid" "$dir/docker.sock" "$dir/started-by-efd"
  efd_docker_log "stopped"
}

efd_docker_main() {
  case "${1:-}" in
    ensure)
      efd_docker_ensure || exit $?
      [ -n "${DOCKER_HOST:-}" ] && printf 'export DOCKER_HOST=%q\n' "$DOCKER_HOST"
      printf 'export EFD_DOCKER_STARTED=%s\n' "$EFD_DOCKER_STARTED"
      ;;
    stop) efd_docker_stop ;;
    status)
      if pid=$(efd_docker_pid); then
        echo "dockerd $pid running under $(efd_docker_dir)"
      elif efd_docker_answers; then
        echo "a Docker engine answers with the current environment"
      else
        echo "no Docker engine" && exit 1
      fi
      ;;
    *)
      echo "usage: $0 ensure|stop|status" >&2
      exit 2
      ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  efd_docker_main "$@"
fi
