#!/usr/bin/env bash
# Builds what is missing and runs every test suite (CTest, 2 jobs, offscreen Qt).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/installer/build.sh"
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
ctest --preset default "$@"
