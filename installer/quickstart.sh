#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds what is missing and runs the demo cluster: in the desktop app when there is a display,
# headless (qpalm-server + a qpalm-client job, pylm-format log on the terminal) when there is none.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/installer/build.sh"
DEMO="$ROOT/resources/demo/cluster.json"
BIN="$ROOT/build/app"

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && "${1:-}" != "--headless" ]]; then
  exec "$BIN/gui/qpalm" "$DEMO"
fi

echo "quickstart: no display, running the demo cluster headless (the app: qpalm $DEMO)"
LOG="$(mktemp)"
"$BIN/server/qpalm-server" "$DEMO" > "$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 50); do grep -q "serving" "$LOG" && break; sleep 0.1; done
read -r DB SUB < <(python3 -c '
import json, sys
servers = json.load(open(sys.argv[1]))["servers"]
master = [s for s in servers if s["kind"] == "master"][0]
pipeline = [s for s in servers if s["kind"] == "pipeline"][0]
print(master["db_address"], pipeline["pub_address"])' "$DEMO")
echo "--- qpalm-client job: 10 messages through master.process (2 workers) and pipeline.tag"
"$BIN/client/qpalm-client" --db "$DB" --server master --sub "$SUB" \
  job "master.process pipeline.tag" --repeat 10 "hello qpalm"
sleep 0.3
echo "--- server log (pylm format)"
cat "$LOG"
echo "--- done. The desktop app: $BIN/gui/qpalm $DEMO (needs a display)"
