#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Three machines as network namespaces: the app side, a master host and a worker host. The master
# host's qpalm-server serves its control channel on its network address over CURVE. From the app
# side, both qpalm-ctl and the engine's own remote handle (a qpalm-server whose cluster file
# attaches the master, as the app does) steer it: status, a level change whose records then
# arrive, a script replaced remotely that answers the next job, and a wrong key refused (exit 3)
# and logged by the server.
source "$(dirname "${BASH_SOURCE[0]}")/hosts.sh"
hosts_init multihost_control

make_host APP
make_host MASTER
make_host WORKER
join_hosts MASTER 10.231.1.1 APP 10.231.1.2
join_hosts MASTER 10.231.2.1 WORKER 10.231.2.2
M=10.231.1.1 # the master host as the app side sees it

# Keys: the server's pair, the app's (authorized) and mallory's (not).
mkdir -p "$WORK/keys/authorized"
for who in server app mallory; do "$CTL" keygen "$WORK/keys/$who" >/dev/null; done
cp "$WORK/keys/app.pub" "$WORK/keys/authorized/"

cat > "$WORK/master-v1.lua" <<'LUA'
function gather(message)
    self.logger.debug('gathered ' .. message.payload)
    yield(self.change_payload(message, 'v1 ' .. message.payload))
end
LUA
sed 's/v1 /v2 /' "$WORK/master-v1.lua" > "$WORK/master-v2.lua"
cat > "$WORK/work.lua" <<'LUA'
function work(payload)
    return self.name .. ' did ' .. payload
end
LUA
cat > "$WORK/master.json" <<JSON
{"servers": [{"kind": "master", "name": "master", "script": "master-v1.lua",
  "db_address": "tcp://*:5555", "pull_address": "tcp://*:5556", "pub_address": "tcp://*:5557",
  "worker_pull_address": "tcp://*:5558", "worker_push_address": "tcp://*:5559"}]}
JSON
cat > "$WORK/worker.json" <<JSON
{"servers": [{"kind": "worker", "name": "remote", "db_address": "tcp://10.231.2.1:5555",
  "script": "work.lua", "replicas": 2}]}
JSON
# The app side attaches the master through the engine's RemoteServer handle, and serves its own
# local control channel so that qpalm-ctl can steer the master through that handle.
cat > "$WORK/app.json" <<JSON
{"servers": [{"kind": "master", "name": "master",
  "attach": {"control": "tcp://$M:7000", "key": "keys/app.secret", "server_key": "keys/server.pub"}}]}
JSON

spawn MASTER master.log "$SERVER" "$WORK/master.json" --control "tcp://$M:7000" \
  --control-key "$WORK/keys/server.secret" --authorized "$WORK/keys/authorized"
wait_for master.log "qpalm-server: ready"
grep -q "control channel at tcp://$M:7000 (CURVE)" "$WORK/master.log" || fail "the channel is not CURVE on $M"
spawn WORKER worker.log "$SERVER" "$WORK/worker.json"
wait_for worker.log "qpalm-server: ready"
wait_for master.log "Worker 'remote-2' joined"

ctl() { on APP "$CTL" --connect "tcp://$M:7000" --key "$WORK/keys/app.secret" \
  --server-key "$WORK/keys/server.pub" --timeout 5000 "$@"; }
job() { # job TAG: 20 messages from the app side, replies in WORK/TAG.txt
  on APP "$CLIENT" --db "tcp://$M:5555" --server master --timeout 5000 \
    job master.work $(seq -f "$1-%g" 1 20) > "$WORK/$1.txt" || fail "job $1 failed"
  [[ $(sort -u "$WORK/$1.txt" | wc -l) -eq 20 ]] || fail "job $1: $(wc -l < "$WORK/$1.txt") replies, not 20 distinct"
}

# 1. Status over CURVE, from qpalm-ctl and from the engine's remote handle.
ctl status > "$WORK/status.txt" || fail "status over CURVE failed"
grep -Eq '^master master running .* INFO$' "$WORK/status.txt" || fail "status: $(cat "$WORK/status.txt")"
spawn APP app.log "$SERVER" "$WORK/app.json" --control "ipc://$WORK/app.ctl"
wait_for app.log "qpalm-server: ready" 25
local_ctl() { on APP "$CTL" --connect "ipc://$WORK/app.ctl" --timeout 5000 "$@"; }
for _ in $(seq 100); do # the handle is unreachable until its CURVE link answers
  local_ctl status > "$WORK/app-status.txt" || fail "status through the attached handle failed"
  grep -Eq '^master master running ' "$WORK/app-status.txt" && break
  sleep 0.1
done
grep -Eq '^master master running ' "$WORK/app-status.txt" || fail "attached status: $(cat "$WORK/app-status.txt")"

# 2. A level change through the attached handle takes effect: DEBUG records arrive, none before.
job first
grep -q '^v1 remote-[12] did first-1$' "$WORK/first.txt" || fail "first job: $(head -3 "$WORK/first.txt")"
grep -q 'gathered' "$WORK/app.log" && fail "DEBUG records arrived before the level change"
local_ctl level master DEBUG || fail "level DEBUG through the attached handle was refused"
for _ in $(seq 50); do
  ctl status > "$WORK/status.txt" || fail "status over CURVE failed"
  grep -Eq '^master master running .* DEBUG$' "$WORK/status.txt" && break
  sleep 0.1
done
grep -Eq '^master master running .* DEBUG$' "$WORK/status.txt" || fail "the master host did not take DEBUG"
wait_for master.log "control: master: level DEBUG" 5 # printed beside the status change, maybe just after it
job second
wait_for app.log "master - DEBUG - gathered remote-[12] did second-20" 5
ctl logs --level DEBUG --server master > "$WORK/logs.txt" || fail "qpalm-ctl logs failed"
grep -q "DEBUG - gathered remote-[12] did second-1$" "$WORK/logs.txt" ||
  fail "qpalm-ctl logs has no DEBUG record of the second job"

# 3. A script replaced remotely: the next job's answers come from it.
ctl reload master --script "$WORK/master-v2.lua" || fail "reload --script over CURVE failed"
wait_for master.log "master: reloaded master-v2.lua"
job third
[[ $(grep -c '^v2 remote-[12] did third-' "$WORK/third.txt") -eq 20 ]] ||
  fail "third job not answered by the new script: $(head -3 "$WORK/third.txt")"

# 4. A wrong key is refused: exit 3 from qpalm-ctl, and the server logs the refusal with the key.
status=0
on APP "$CTL" --connect "tcp://$M:7000" --key "$WORK/keys/mallory.secret" \
  --server-key "$WORK/keys/server.pub" --timeout 1500 status > "$WORK/mallory.out" 2>&1 || status=$?
[[ $status -eq 3 ]] || fail "an unauthorized key got exit $status, not 3: $(cat "$WORK/mallory.out")"
WAIT_GREP=-F wait_for master.log "refused a control peer at 10.231.1.2 with key $(cat "$WORK/keys/mallory.pub")" 5
# No key at all: also no answer, and the handshake failure is logged.
status=0
on APP "$CTL" --connect "tcp://$M:7000" --timeout 1500 status > "$WORK/nokey.out" 2>&1 || status=$?
[[ $status -eq 3 ]] || fail "a peer without a key got exit $status, not 3"
wait_for master.log "refused 1 control peer(s) whose CURVE handshake failed" 5
ctl status > "$WORK/status.txt" || fail "status failed after the refusals"
grep -Eq '^master master running ' "$WORK/status.txt" || fail "the master stopped answering after the refusals"
echo "multihost_control: 1 passed, 0 failed (3 hosts: status, level, script, refused keys over CURVE)"
