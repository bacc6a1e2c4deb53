#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Screenshots of the desktop app under Xvfb, saved to docs/screenshots/ (or $1):
#   mainwindow.png  the app's own grab (qpalm --screenshot: demo cluster running, a job streaming)
#   desktop.png     the X root window captured with ImageMagick's `import` while the app runs
# Needs xvfb-run, xauth, xvfb, imagemagick, x11-utils; the app built in $QPALM_BINARY_DIR (default: build/).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${QPALM_BINARY_DIR:-$ROOT/build}"
OUT="$(mkdir -p "${1:-$ROOT/docs/screenshots}" && cd "${1:-$ROOT/docs/screenshots}" && pwd)"
APP="$BUILD/app/gui/qpalm"
SCREEN="-screen 0 1600x1000x24"
[[ -x "$APP" ]] || { echo "screenshot.sh: $APP not built" >&2; exit 1; }
# Without the tools: exit 77 (skipped), or a failure under CI.
source "$ROOT/tests/common/requiretools.sh"
require_tools screenshot xvfb-run xauth Xvfb import xwininfo
unset QT_QPA_PLATFORM # xcb under Xvfb, not offscreen

# 1. The app's own grab; it exits non-zero when the cluster or the job did not run.
xvfb-run -a -s "$SCREEN" "$APP" --screenshot "$OUT"
test -s "$OUT/mainwindow.png"

# 2. The whole screen, once the window is mapped and the job has streamed for a while.
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
xvfb-run -a -s "$SCREEN" bash -c '
  set -euo pipefail
  "$1" --screenshot "$2" >/dev/null & app=$!
  for _ in $(seq 100); do
    xwininfo -root -tree 2>/dev/null | grep -q "qpalm\"" && break
    sleep 0.1
  done
  sleep 1.5
  import -window root "$3"
  wait "$app"
' screenshot "$APP" "$SCRATCH" "$OUT/desktop.png"
test -s "$OUT/desktop.png"
echo "screenshots: $OUT/mainwindow.png $OUT/desktop.png"
