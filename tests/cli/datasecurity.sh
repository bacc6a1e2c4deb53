#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# A cluster file's "data_security" (CURVE on every data socket), with real qpalm-server,
# qpalm-client and qpalm-ctl processes over tcp: workers in another process holding the cluster
# key serve a job for an authorized client; a plaintext client, a wrong client key and a worker
# with another cluster key get nothing through, and the master logs each refusal; bad sections
# are clear errors naming the field and its line.
set -euo pipefail
BIN="${QPALM_BINARY_DIR:?}/app"
SERVER="$BIN/server/qpalm-server"
CLIENT="$BIN/client/qpalm-client"
CTL="$BIN/ctl/qpalm-ctl"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  set +e
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "datasecurity: FAILED: $*" >&2
  local f
  for f in "$WORK"/*.log; do [[ -f $f ]] && { echo "== $f"; tail -n 40 "$f"; }; done >&2
  exit 1
}
# start NAME ARGS...: runs qpalm-server in the background, waits for "ready".
start() {
  local name=$1 i
  shift
  "$SERVER" "$@" > "$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
  for i in $(seq 100); do
    grep -q 'qpalm-server: ready' "$WORK/$name.log" && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || fail "$name exited before it was ready"
    sleep 0.1
  done
  fail "$name was not ready within 10 s"
}
wait_log() { # wait_log NAME TEXT: plain TEXT in NAME.log within 5 s
  local i
  for i in $(seq 50); do grep -qF -- "$2" "$WORK/$1.log" && return 0; sleep 0.1; done
  fail "no '$2' in $1.log"
}

mkdir -p "$WORK/keys/clients" "$WORK/other"
for who in cluster app mallory; do "$CTL" keygen "$WORK/keys/$who" > /dev/null; done
"$CTL" keygen "$WORK/other/cluster" > /dev/null # another cluster's key pair
cp "$WORK/keys/app.pub" "$WORK/keys/clients/"
printf 'function work(payload)\n    return self.name .. " did " .. payload\nend\n' > "$WORK/work.lua"
SECURE='"data_security": {"key": "keys/cluster.secret", "authorized": "keys/clients"}'
cat > "$WORK/master.json" <<JSON
{"servers": [{"kind": "master", "name": "m", "db_address": "tcp://127.0.0.1:*",
  "pull_address": "tcp://127.0.0.1:*", "pub_address": "tcp://127.0.0.1:*",
  "worker_pull_address": "tcp://127.0.0.1:*", "worker_push_address": "tcp://127.0.0.1:*"}],
 $SECURE}
JSON
start master "$WORK/master.json"
DB=$(sed -n 's/.*m (master) serving .* db=\([^ ]*\).*/\1/p' "$WORK/master.log")
[[ -n "$DB" ]] || fail "the master printed no db address"
workers() { # workers FILE SECTION: a worker entry (2 replicas) of the master at DB
  cat > "$1" <<JSON
{"servers": [{"kind": "worker", "name": "w", "db_address": "$DB", "script": "work.lua",
  "replicas": 2}]$2}
JSON
}

# 1. Workers in another process with the cluster key serve an authorized client's job.
workers "$WORK/workers.json" ", $SECURE"
start workers "$WORK/workers.json"
wait_log master "Worker 'w-2' joined"
secure_client() { "$CLIENT" --db "$DB" --server m --timeout 3000 "$@"; }
secure_client --key "$WORK/keys/app.secret" --server-key "$WORK/keys/cluster.pub" \
  job m.work $(seq -f "job-%g" 1 50) > "$WORK/replies.txt" || fail "the CURVE job failed"
[[ $(sort -u "$WORK/replies.txt" | wc -l) -eq 50 ]] || fail "$(wc -l < "$WORK/replies.txt") replies, not 50"
grep -q '^w-[12] did job-50$' "$WORK/replies.txt" || fail "replies: $(head -3 "$WORK/replies.txt")"

# 2. A plaintext client (as pylm's) gets nothing through; the master logs the failed handshake.
status=0
secure_client --timeout 1500 get name > "$WORK/plain.out" 2>&1 || status=$?
[[ $status -ne 0 ]] || fail "a plaintext client read the cache: $(cat "$WORK/plain.out")"
wait_log master "peer(s) on db_address $DB whose handshake failed"

# 3. A key that is neither the cluster's nor authorized is refused by ZAP, and logged with it.
status=0
secure_client --timeout 1500 --key "$WORK/keys/mallory.secret" --server-key "$WORK/keys/cluster.pub" \
  get name > "$WORK/mallory.out" 2>&1 || status=$?
[[ $status -ne 0 ]] || fail "an unauthorized key read the cache: $(cat "$WORK/mallory.out")"
wait_log master "Refused a peer at 127.0.0.1 with key $(cat "$WORK/keys/mallory.pub"): not the cluster's key nor an authorized one"

# 4. Workers with another cluster's key (their handshake fails: wrong server key) or none never
# join; the job still goes to w-1 and w-2.
workers "$WORK/intruders.json" ', "data_security": {"key": "other/cluster.secret"}'
sed -i 's/"name": "w"/"name": "x"/' "$WORK/intruders.json"
"$SERVER" "$WORK/intruders.json" > "$WORK/intruders.log" 2>&1 &
PIDS+=("$!")
workers "$WORK/plainworkers.json" ""
sed -i 's/"name": "w"/"name": "p"/' "$WORK/plainworkers.json"
"$SERVER" "$WORK/plainworkers.json" > "$WORK/plainworkers.log" 2>&1 &
PIDS+=("$!")
sleep 1.5
grep -q "Worker '[xp]-" "$WORK/master.log" && fail "a worker without the cluster key joined"
secure_client --key "$WORK/keys/app.secret" --server-key "$WORK/keys/cluster.pub" \
  job m.work $(seq -f "again-%g" 1 30) > "$WORK/again.txt" || fail "the job beside the intruders failed"
[[ $(grep -c '^w-[12] did again-' "$WORK/again.txt") -eq 30 ]] || fail "again: $(sort "$WORK/again.txt" | head -5)"

# 5. Bad sections: clear errors naming the field and its line; nothing starts.
expect_error() { # expect_error PATTERN SECTION_JSON
  printf '{"servers": [{"kind": "worker", "name": "w", "db_address": "tcp://127.0.0.1:1"}],\n "data_security": %s}\n' \
    "$2" > "$WORK/bad.json"
  local out status=0
  out=$("$SERVER" --check "$WORK/bad.json" 2>&1) || status=$?
  [[ $status -eq 1 ]] || fail "bad section $2: exit $status, not 1 ($out)"
  grep -q -- "$1" <<< "$out" || fail "bad section $2: '$out' does not say '$1'"
}
expect_error "data_security.key.*missing.*(line 2)" '{"authorized": "keys/clients"}'
expect_error "data_security.colour.*unknown key.*(line 2)" '{"key": "keys/cluster.secret", "colour": 1}'
expect_error "data_security.key.*cannot read .*nothing.secret.*(line 2)" '{"key": "nothing.secret"}'
expect_error "data_security.key.*Z85.*(line 2)" '{"key": "work.lua"}'
expect_error "data_security.authorized.*cannot read the directory.*(line 2)" '{"key": "keys/cluster.secret", "authorized": "none"}'
expect_error "data_security.*expected an object.*(line 2)" '"keys/cluster.secret"'
printf '{"servers": [{"kind": "process", "name": "py", "command": ["python3", "w.py"]}],\n %s}\n' \
  "$SECURE" > "$WORK/bad.json"
out=$("$SERVER" --check "$WORK/bad.json" 2>&1) && fail "a process entry with data_security was accepted"
grep -q "py.*cannot speak CURVE" <<< "$out" || fail "process entry: '$out'"
echo "datasecurity: 1 passed, 0 failed"
