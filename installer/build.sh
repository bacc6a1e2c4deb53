#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian packages qpalm needs, then configures and builds it (preset "default", ccache).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/installer/install-deps.sh"
cd "$ROOT"
if [[ ! -f build/build.ninja ]]; then
  cmake --preset default
fi
cmake --build --preset default
