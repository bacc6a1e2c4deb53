# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the multihost tests: network namespaces that stand in for machines, joined by veth
# pairs, torn down on any exit. Without `ip` the test exits 77 (a failure under CI); where
# namespaces are refused (not root, a sandbox) it exits 77 with the reason, under CI too.
#   hosts_init TEST            checks tools, sets WORK, installs the cleanup trap
#   make_host NAME             a namespace with lo up; its name is in HOST_<NAME>
#   join_hosts A IP_A B IP_B   a veth pair between two hosts (/30, both ends up); the device on
#                              A's side is LINK_<A>_<B>
#   on NAME CMD...             runs CMD on host NAME
#   spawn NAME LOG CMD...      runs CMD on host NAME in the background (killed at exit), LOG in WORK
#   wait_for LOG PATTERN [S]   waits up to S seconds (10) for PATTERN in WORK/LOG
#                              (WAIT_GREP=-F: PATTERN is plain text)
#   fail TEXT                  prints TEXT and every log, exits 1
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common/requiretools.sh"
PATH="$PATH:/usr/sbin:/sbin"
BIN="${QPALM_BINARY_DIR:?}/app"
SERVER="$BIN/server/qpalm-server"
CLIENT="$BIN/client/qpalm-client"
CTL="$BIN/ctl/qpalm-ctl"
HOSTS_TEST=""
HOSTS_MADE=()
PIDS=()

# Ends what still runs on a host, then removes it.
hosts_remove() {
  local pid
  for pid in $(ip netns pids "$1" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  ip netns del "$1" 2>/dev/null
}

hosts_cleanup() {
  set +e
  local pid ns
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "${HOSTS_MADE[@]}"; do hosts_remove "$ns"; done
  [[ -n "${WORK:-}" ]] && rm -rf "$WORK"
}

fail() {
  echo "$HOSTS_TEST: FAILED: $*" >&2
  local f
  for f in "$WORK"/*.log; do [[ -f $f ]] && { echo "== $f"; tail -n 60 "$f"; }; done >&2
  exit 1
}

hosts_init() {
  HOSTS_TEST="$1"
  require_tools "$HOSTS_TEST" ip
  WORK="$(mktemp -d)"
  trap hosts_cleanup EXIT
  trap 'exit 130' INT TERM
  # Namespaces left by an earlier run that was killed (a CTest timeout sends SIGKILL).
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '/^qpalm-[a-z]+-[0-9]+/ {print $1}'); do
    pid="${ns##*-}"
    kill -0 "$pid" 2>/dev/null || hosts_remove "$ns" || true
  done
  if [[ $(id -u) -ne 0 ]]; then
    echo "$HOSTS_TEST: skipped: network namespaces need root"
    exit 77
  fi
}

make_host() {
  local ns="qpalm-${1,,}-$$"
  if ! ip netns add "$ns" >"$WORK/netns.err" 2>&1 || ! ip -n "$ns" link set lo up >>"$WORK/netns.err" 2>&1; then
    echo "$HOSTS_TEST: skipped: network namespaces cannot be made here ($(head -1 "$WORK/netns.err"))"
    exit 77
  fi
  HOSTS_MADE+=("$ns")
  printf -v "HOST_$1" '%s' "$ns"
}

join_hosts() {
  local a=$1 ip_a=$2 b=$3 ip_b=$4
  local ns_a="HOST_$a" ns_b="HOST_$b"
  local dev_a="${a:0:1}${b:0:1}$$" dev_b="${b:0:1}${a:0:1}$$"
  ip link add "$dev_a" netns "${!ns_a}" type veth peer name "$dev_b" netns "${!ns_b}" ||
    fail "cannot make a veth pair between $a and $b"
  ip -n "${!ns_a}" addr add "$ip_a/30" dev "$dev_a"
  ip -n "${!ns_b}" addr add "$ip_b/30" dev "$dev_b"
  ip -n "${!ns_a}" link set "$dev_a" up
  ip -n "${!ns_b}" link set "$dev_b" up
  printf -v "LINK_${a}_${b}" '%s' "$dev_a"
  printf -v "LINK_${b}_${a}" '%s' "$dev_b"
}

on() {
  local ns="HOST_$1"
  shift
  ip netns exec "${!ns}" "$@"
}

spawn() {
  local ns="HOST_$1" log=$2
  shift 2
  ip netns exec "${!ns}" "$@" >"$WORK/$log" 2>&1 & # $! is the command itself (ip execs it)
  PIDS+=("$!")
}

wait_for() {
  local log=$1 pattern=$2 seconds=${3:-10} i
  for ((i = 0; i < seconds * 10; i++)); do
    grep -q ${WAIT_GREP:-} -- "$pattern" "$WORK/$log" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "no '$pattern' in $log within $seconds s"
}
