#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# A cluster across two hosts: two network namespaces joined by a veth pair stand in for two
# machines (hosts.sh; skips with 77 where namespaces cannot be made). Host A runs a master bound
# to all interfaces; host B runs its workers and the client, which know only the master's cache
# address.
source "$(dirname "${BASH_SOURCE[0]}")/hosts.sh"
hosts_init multihost
make_host A
make_host B
HOST_A_IP=10.231.0.1
HOST_B_IP=10.231.0.2
join_hosts A "$HOST_A_IP" B "$HOST_B_IP"

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
{"servers": [{"kind": "worker", "name": "remote", "db_address": "tcp://$HOST_A_IP:5555",
  "script": "work.lua", "replicas": 2}]}
JSON

spawn A a.log "$SERVER" "$WORK/host-a.json"
wait_for a.log "ready" 5
spawn B b.log "$SERVER" "$WORK/host-b.json"
wait_for b.log "ready" 5

# The workers read the master's addresses from its cache (0.0.0.0) and reached it on host A.
grep -q "Got worker push address: tcp://$HOST_A_IP:5559" "$WORK/b.log" || fail "host B did not reach host A"

on B "$CLIENT" --db "tcp://$HOST_A_IP:5555" --server master --timeout 5000 \
  job master.work $(seq -f "job-%g" 1 40) > "$WORK/replies.txt"
replies=$(wc -l < "$WORK/replies.txt")
one=$(grep -c "^remote-1 did job-" "$WORK/replies.txt" || true)
two=$(grep -c "^remote-2 did job-" "$WORK/replies.txt" || true)
echo "multihost: $replies replies across hosts ($one from remote-1, $two from remote-2)"
[[ "$replies" -eq 40 && $((one + two)) -eq 40 ]] || fail "replies: $(cat "$WORK/replies.txt")"
for i in $(seq 1 40); do grep -q " did job-$i\$" "$WORK/replies.txt" || fail "missing job-$i"; done
echo "multihost: 1 passed, 0 failed"
