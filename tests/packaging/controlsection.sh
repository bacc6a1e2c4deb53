#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# The cluster file's top-level "control" section, with a real qpalm-server and qpalm-ctl: a
# loopback channel without keys, a CURVE channel with keys relative to the file (an authorized
# key answers, a wrong one gets no answer), --control overriding the file, and clear errors for
# bad sections.
set -euo pipefail
BIN="${QPALM_BINARY_DIR:?}/app"
SERVER="$BIN/server/qpalm-server"
CTL="$BIN/ctl/qpalm-ctl"
WORK="$(mktemp -d)"
PIDS=""
cleanup() {
  set +e
  for pid in $PIDS; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "controlsection: FAILED: $*" >&2; for f in "$WORK"/*.log; do [[ -f $f ]] && { echo "== $f"; cat "$f"; }; done >&2; exit 1; }

printf 'function foo(m) return m end\n' > "$WORK/server.lua"
cluster() { # cluster FILE CONTROL_JSON
  cat > "$1" <<JSON
{"servers": [{"kind": "server", "name": "s", "db_address": "tcp://127.0.0.1:*",
  "pull_address": "tcp://127.0.0.1:*", "pub_address": "tcp://127.0.0.1:*", "script": "server.lua"}],
 "control": $2}
JSON
}
# start NAME ARGS...: runs qpalm-server, waits for "ready", sets ADDR to its control address.
start() {
  local name=$1; shift
  "$SERVER" "$@" > "$WORK/$name.log" 2>&1 &
  PIDS="$PIDS $!"
  for _ in $(seq 100); do
    grep -q 'qpalm-server: ready' "$WORK/$name.log" && break
    kill -0 "$!" 2>/dev/null || fail "$name exited before it was ready"
    sleep 0.1
  done
  ADDR=$(sed -n 's/.*control channel at \([^ ]*\) .*/\1/p' "$WORK/$name.log" | head -n 1)
  [[ -n "$ADDR" ]] || fail "$name serves no control channel"
}

# 1. Loopback, no keys, wildcard port: qpalm-ctl status answers.
cluster "$WORK/plain.json" '{"address": "tcp://127.0.0.1:*"}'
start plain "$WORK/plain.json"
grep -q "(local, no keys)" "$WORK/plain.log" || fail "plain: not a keyless channel"
"$CTL" --connect "$ADDR" --timeout 5000 status | grep -q '^s server running' ||
  fail "plain: status did not list server s running"

# 2. CURVE with paths relative to the cluster file; a wrong client key gets no answer (exit 3).
mkdir -p "$WORK/keys/authorized"
"$CTL" keygen "$WORK/keys/server" >/dev/null
"$CTL" keygen "$WORK/keys/alice" >/dev/null
"$CTL" keygen "$WORK/keys/mallory" >/dev/null
cp "$WORK/keys/alice.pub" "$WORK/keys/authorized/"
cluster "$WORK/curve.json" '{"address": "tcp://127.0.0.1:*", "key": "keys/server.secret", "authorized": "keys/authorized"}'
start curve "$WORK/curve.json"
grep -q "(CURVE)" "$WORK/curve.log" || fail "curve: the channel is not CURVE"
"$CTL" --connect "$ADDR" --key "$WORK/keys/alice.secret" --server-key "$WORK/keys/server.pub" \
  status | grep -q '^s server running' || fail "curve: alice's status failed"
status=0
"$CTL" --connect "$ADDR" --key "$WORK/keys/mallory.secret" --server-key "$WORK/keys/server.pub" \
  --timeout 1500 status > "$WORK/mallory.out" 2>&1 || status=$?
[[ $status -eq 3 ]] || fail "curve: an unauthorized key got exit $status, not 3"

# 3. --control on the command line wins over the file.
start override "$WORK/curve.json" --control "tcp://127.0.0.1:*"
grep -q "(local, no keys)" "$WORK/override.log" || fail "override: --control did not replace the section"

# 4. Bad sections: clear errors naming the field, nothing started.
expect_error() { # expect_error STATUS PATTERN CONTROL_JSON
  cluster "$WORK/bad.json" "$3"
  local out status=0
  out=$("$SERVER" --check "$WORK/bad.json" 2>&1) || status=$?
  [[ $status -eq $1 ]] || fail "bad section $3: exit $status, not $1 ($out)"
  grep -q -- "$2" <<< "$out" || fail "bad section $3: '$out' does not say '$2'"
}
expect_error 1 "control.address.*missing" '{"key": "k", "authorized": "a"}'
expect_error 1 "control.colour.*unknown key" '{"address": "tcp://127.0.0.1:1", "colour": 1}'
expect_error 1 "control.*expected an object" '"tcp://127.0.0.1:7000"'
expect_error 1 "control.key.*not on loopback" '{"address": "tcp://0.0.0.0:7000"}'
expect_error 1 "control.authorized.*needs both" '{"address": "tcp://127.0.0.1:7000", "key": "keys/server.secret"}'
expect_error 1 "control.address" '{"address": "inproc://x"}'
expect_error 2 "control-key" '{"address": "tcp://127.0.0.1:7000", "key": "nokey.secret", "authorized": "keys/authorized"}'
echo "controlsection: 1 passed, 0 failed"
