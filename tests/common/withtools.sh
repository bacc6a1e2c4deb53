#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# withtools.sh NAME TOOL... -- COMMAND ARGS...: runs COMMAND when every TOOL is installed; exits 77
# (CTest SKIP_RETURN_CODE) when one is missing, or 1 under CI (CI set), where they are expected.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/requiretools.sh"
name="$1"
shift
tools=()
while (($#)) && [[ "$1" != "--" ]]; do
  tools+=("$1")
  shift
done
shift
require_tools "$name" "${tools[@]}"
exec "$@"
