#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# A cluster across two hosts: two network namespaces joined by a veth pair stand in for two
# machines. Host A runs a master bound to all interfaces; host B runs its workers and the
# client, which know only the master's cache address. Needs root and iproute2: without `ip` it
# exits 77 (skipped), or fails under CI; where the kernel or the sandbox refuses network
# namespaces (not root, `ip netns add` denied) it exits 77 with the reason, under CI too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common/requiretools.sh"
require_tools multihost ip
PATH="$PATH:/usr/sbin:/sbin"
BIN="${QPALM_BINARY_DIR:?}/app"
SERVER="$BIN/server/qpalm-server"
CLIENT="$BIN/client/qpalm-client"
A="qpalm-a-$$"
B="qpalm-b-$$"
NET="10.231.$(( $$ % 250 )).0"
HOST_A="${NET%.0}.1"
HOST_B="${NET%.0}.2"
WORK="$(mktemp -d)"

cleanup() {
  set +e
  [[ -n "${PIDS:-}" ]] && kill $PIDS 2>/dev/null && wait $PIDS 2>/dev/null
  ip netns del "$A" 2>/dev/null
  ip netns del "$B" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

make_hosts() {
  [[ $(id -u) -eq 0 ]] || { echo "not root"; return 1; }
  ip netns add "$A" && ip netns add "$B" &&
    ip link add "veth-a-$$" netns "$A" type veth peer name "veth-b-$$" netns "$B" &&
    ip -n "$A" addr add "$HOST_A/30" dev "veth-a-$$" &&
    ip -n "$B" addr add "$HOST_B/30" dev "veth-b-$$" &&
    ip -n "$A" link set lo up && ip -n "$B" link set lo up &&
    ip -n "$A" link set "veth-a-$$" up && ip -n "$B" link set "veth-b-$$" up
}
if ! make_hosts >"$WORK/netns.err" 2>&1; then
  echo "multihost: skipped: network namespaces cannot be made here ($(head -1 "$WORK/netns.err"))"
  exit 77
fi

cat > "$WORK/work.lua" <<'LUA'
function work(payload)
    return self.name .. ' did ' .. payload
end
LUA
cat > "$WORK/host-a.json" <<JSON
{"servers": [{"kind": "master", "name": "master",
  "db_address": "tcp://*:5555", "pull_address": "tcp://*:5556", "pub_address": "tcp://*:5557",
  "worker_pull_address": "tcp://*:5558", "worker_push_address": "tcp://*:5559"}]}
JSON
cat > "$WORK/host-b.json" <<JSON
{"servers": [{"kind": "worker", "name": "remote", "db_address": "tcp://$HOST_A:5555",
  "script": "work.lua", "replicas": 2}]}
JSON

ip netns exec "$A" "$SERVER" "$WORK/host-a.json" > "$WORK/a.log" 2>&1 &
PIDS="$!"
for _ in $(seq 50); do grep -q "ready" "$WORK/a.log" && break; sleep 0.1; done
grep -q "ready" "$WORK/a.log" || { cat "$WORK/a.log"; echo "multihost: host A did not start"; exit 1; }
ip netns exec "$B" "$SERVER" "$WORK/host-b.json" > "$WORK/b.log" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 50); do grep -q "ready" "$WORK/b.log" && break; sleep 0.1; done
grep -q "ready" "$WORK/b.log" || { cat "$WORK/b.log"; echo "multihost: host B did not start"; exit 1; }

# The workers read the master's addresses from its cache (0.0.0.0) and reached it on host A.
grep -q "Got worker_push_address: tcp://$HOST_A:5559" "$WORK/b.log" || { cat "$WORK/b.log"; exit 1; }

ip netns exec "$B" "$CLIENT" --db "tcp://$HOST_A:5555" --server master --timeout 5000 \
  job master.work $(seq -f "job-%g" 1 40) > "$WORK/replies.txt"
replies=$(wc -l < "$WORK/replies.txt")
one=$(grep -c "^remote-1 did job-" "$WORK/replies.txt" || true)
two=$(grep -c "^remote-2 did job-" "$WORK/replies.txt" || true)
echo "multihost: $replies replies across hosts ($one from remote-1, $two from remote-2)"
[[ "$replies" -eq 40 && $((one + two)) -eq 40 ]] || { cat "$WORK/replies.txt"; exit 1; }
for i in $(seq 1 40); do grep -q " did job-$i\$" "$WORK/replies.txt" || { echo "missing job-$i"; exit 1; }; done
echo "multihost: 1 passed, 0 failed"
