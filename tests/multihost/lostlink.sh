#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Lost link (issue 9): three machines as network namespaces. The master host runs a master and
# one local worker; the worker host runs two workers on the reliable path; the app side sends a
# 600-message job. A quarter in, the worker host's link goes down: the master gives up on
# its workers after the heartbeat timeout and what they held goes to the local worker. The link
# comes back mid-job: the workers rejoin, their late results are dropped, and every reply
# arrives exactly once. A second job after the outage is served by the rejoined workers too.
source "$(dirname "${BASH_SOURCE[0]}")/hosts.sh"
hosts_init multihost_lostlink

make_host APP
make_host MASTER
make_host WORKER
join_hosts MASTER 10.231.1.1 APP 10.231.1.2
join_hosts MASTER 10.231.2.1 WORKER 10.231.2.2
M=10.231.1.1
TOTAL=600

# Each call spins a few milliseconds, so that the job lasts a few seconds.
cat > "$WORK/work.lua" <<'LUA'
function work(payload)
    local x = 0
    for i = 1, 1000000 do x = x + i end
    return self.name .. ' did ' .. payload
end
LUA
# Heartbeats every 200 ms, gone after 5 missed (1 s): the outage outlasts it.
DELIVERY='"delivery": {"heartbeat_ms": 200, "heartbeat_missed": 5}'
cat > "$WORK/master.json" <<JSON
{"servers": [{"kind": "master", "name": "master", $DELIVERY,
  "db_address": "tcp://*:5555", "pull_address": "tcp://*:5556", "pub_address": "tcp://*:5557",
  "worker_pull_address": "tcp://*:5558", "worker_push_address": "tcp://*:5559"},
 {"kind": "worker", "name": "local", "db_address": "tcp://127.0.0.1:5555", "script": "work.lua", $DELIVERY}]}
JSON
cat > "$WORK/worker.json" <<JSON
{"servers": [{"kind": "worker", "name": "remote", "db_address": "tcp://10.231.2.1:5555",
  "script": "work.lua", "replicas": 2, $DELIVERY}]}
JSON

spawn MASTER master.log "$SERVER" "$WORK/master.json"
wait_for master.log "qpalm-server: ready"
spawn WORKER worker.log "$SERVER" "$WORK/worker.json"
wait_for worker.log "qpalm-server: ready"
for w in local remote-1 remote-2; do wait_for master.log "Worker '$w' joined"; done

# The job from the app side, replies as they arrive.
ip netns exec "$HOST_APP" "$CLIENT" --db "tcp://$M:5555" --server master --timeout 20000 \
  job master.work $(seq -f "job-%g" 1 $TOTAL) > "$WORK/replies.txt" 2> "$WORK/client.log" &
JOB=$!
PIDS+=("$JOB")
started=$(date +%s%N)
for _ in $(seq 400); do (($(wc -l < "$WORK/replies.txt") >= TOTAL / 4)) && break; sleep 0.02; done
(($(wc -l < "$WORK/replies.txt") >= TOTAL / 4)) || fail "the job did not get going"
ip -n "$HOST_WORKER" link set "$LINK_WORKER_MASTER" down
down_at=$(wc -l < "$WORK/replies.txt")
for w in remote-1 remote-2; do wait_for master.log "Worker '$w' missed 5 heartbeats" 5; done
gone_at=$(wc -l < "$WORK/replies.txt")
ip -n "$HOST_WORKER" link set "$LINK_WORKER_MASTER" up
status=0
wait "$JOB" || status=$?
[[ $status -eq 0 ]] || fail "the job failed (exit $status): $(cat "$WORK/client.log")"
took=$((($(date +%s%N) - started) / 1000000))

replies=$(wc -l < "$WORK/replies.txt")
distinct=$(sort -u "$WORK/replies.txt" | wc -l)
[[ $replies -eq $TOTAL && $distinct -eq $TOTAL ]] ||
  fail "$replies replies ($distinct distinct), not $TOTAL each once"
for i in $(seq 1 $TOTAL); do
  grep -q " did job-$i\$" "$WORK/replies.txt" || fail "no reply to job-$i"
done
# What the remote workers held went to the local one (the master's ledger, in its log).
held=$(sed -n "s/.*Worker 'remote-[12]' missed 5 heartbeats.*: \([0-9]*\) message(s) it held.*/\1/p" \
  "$WORK/master.log" | paste -sd+ | bc)
((down_at < TOTAL && gone_at < TOTAL)) || fail "the outage did not fall mid-job ($down_at, $gone_at of $TOTAL)"
((${held:-0} > 0)) || fail "the remote workers held nothing when their link went down"
# The workers rejoin once the link is back, and serve again.
for w in remote-1 remote-2; do
  for _ in $(seq 100); do (($(grep -c "Worker '$w' joined" "$WORK/master.log") >= 2)) && break; sleep 0.1; done
  (($(grep -c "Worker '$w' joined" "$WORK/master.log") >= 2)) || fail "$w did not rejoin"
done
on APP "$CLIENT" --db "tcp://$M:5555" --server master --timeout 5000 \
  job master.work $(seq -f "after-%g" 1 60) > "$WORK/after.txt" || fail "the job after the outage failed"
[[ $(sort -u "$WORK/after.txt" | wc -l) -eq 60 ]] || fail "the job after the outage: $(wc -l < "$WORK/after.txt") replies"
grep -q "^remote-[12] did after-" "$WORK/after.txt" || fail "the rejoined workers served nothing after the outage"
echo "multihost_lostlink: link down after $down_at replies, workers given up after $gone_at" \
  "(${held:-0} requeued), $replies of $TOTAL replies each once in $took ms;" \
  "$(grep -c '^remote' "$WORK/after.txt") of 60 served by the rejoined workers afterwards"
echo "multihost_lostlink: 1 passed, 0 failed"
