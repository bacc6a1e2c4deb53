#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds what is missing and runs every test suite (CTest, 2 jobs, offscreen Qt).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/installer/build.sh"
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
ctest --preset default "$@"
