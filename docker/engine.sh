#!/usr/bin/env bash
# Brings up a container engine serving the Docker API on a machine like CI's (Debian 12, root, no
# daemon running, no registry reachable), and takes down the one it brought up.
#
#   env="$(docker/engine.sh up)" && eval "$env"   # prints the export lines for the engine
#   docker/engine.sh down                         # stops, by its PID, the engine `up` started
#
# `up` starts nothing when an engine already answers (DOCKER_HOST, or /var/run/docker.sock): it
# prints that engine's DOCKER_HOST. Otherwise it installs and starts KAIROS_ENGINE:
#   podman  (default) podman 4.3 with runc, rootful, `podman system service`. crun fails on such a
#           machine (setrlimit RLIMIT_NOFILE is not permitted, and cgroups in hybrid mode are not
#           supported) and so do podman's default ulimits, hence the settings below. They live in a
#           file of their own (CONTAINERS_CONF), so the host's /etc/containers is left alone.
#   dockerd Debian's docker.io (20.10), started on a socket of its own.
# Everything `up` writes lives in KAIROS_ENGINE_STATE (default /run/kairos-engine): the socket, the
# PID, the log and the podman settings. Messages go to standard error, exports to standard output.
set -euo pipefail

state="${KAIROS_ENGINE_STATE:-/run/kairos-engine}"
engine="${KAIROS_ENGINE:-podman}"

say() { echo "[engine] $*" >&2; }

# Whether a Docker API answers on the unix socket $1.
answers() {
  [[ -S "$1" ]] && [[ "$(curl -sf --max-time 5 --unix-socket "$1" http://engine/_ping 2>/dev/null)" == OK ]]
}

install_missing() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  say "installing ${missing[*]} (apt-get)"
  if ! command -v apt-get >/dev/null || ((EUID != 0)); then
    say "cannot install ${missing[*]}: needs root and apt-get (uid=$EUID); install them, or start an engine and set DOCKER_HOST"
    return 1
  fi
  # Retried while another apt-get holds the dpkg lock.
  local try
  for try in 1 2 3 4 5 6; do
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
      return 0
    fi
    ((try == 1)) && apt-get update -q >&2 || sleep 10
  done
  say "apt-get install ${missing[*]} failed"
  return 1
}

start_podman() {
  install_missing podman runc curl
  cat > "$state/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=20000:20000"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  sock="$state/podman.sock"
  CONTAINERS_CONF="$state/containers.conf" podman system service --time=0 "unix://$sock" \
    > "$state/engine.log" 2>&1 < /dev/null &
  echo $! > "$state/pid"
  echo "export CONTAINERS_CONF=$state/containers.conf"
  echo "export KAIROS_ENGINE_CLI=podman"
}

start_dockerd() {
  install_missing docker.io curl
  sock="$state/docker.sock"
  dockerd --host "unix://$sock" --pidfile "$state/dockerd.pid" --exec-root "$state/exec" \
    > "$state/engine.log" 2>&1 < /dev/null &
  echo $! > "$state/pid"
  echo "export KAIROS_ENGINE_CLI=docker"
}

up() {
  local existing="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  if [[ "$existing" == unix://* ]] && answers "${existing#unix://}"; then
    say "an engine already answers at $existing; starting none"
    echo "export DOCKER_HOST=$existing"
    return 0
  fi
  if [[ -f "$state/pid" ]] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
    say "$state/pid names a running process ($(cat "$state/pid")) but no engine answers: run $0 down first"
    return 1
  fi
  mkdir -p "$state"
  rm -f "$state/pid"
  local sock started pid
  case "$engine" in
    podman) start_podman ;;
    dockerd) start_dockerd ;;
    *) say "KAIROS_ENGINE=$engine: expected podman or dockerd"; return 1 ;;
  esac
  started=$(date +%s)
  pid=$(cat "$state/pid")
  until answers "$sock"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "$engine (pid $pid) exited before answering; its log, $state/engine.log:"
      tail -n 20 "$state/engine.log" >&2
      return 1
    fi
    if (($(date +%s) - started > 60)); then
      say "$engine (pid $pid) did not answer on $sock within 60 s; see $state/engine.log"
      return 1
    fi
    sleep 0.2
  done
  say "$engine (pid $pid) answers on unix://$sock after $(($(date +%s) - started)) s"
  echo "export DOCKER_HOST=unix://$sock"
}

down() {
  [[ -f "$state/pid" ]] || return 0
  local pid waited=0
  pid=$(cat "$state/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null && ((waited < 150)); do
      sleep 0.2
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "pid $pid still runs 30 s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid"
    fi
    say "stopped the engine (pid $pid)"
  fi
  rm -f "$state/pid"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down (KAIROS_ENGINE=podman|dockerd, KAIROS_ENGINE_STATE=$state)" >&2; exit 2 ;;
esac
