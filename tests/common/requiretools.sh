# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by test scripts: require_tools NAME TOOL... exits 77 (CTest SKIP_RETURN_CODE) when a
# tool is missing, or 1 under CI (CI set), where the tools are expected.
qpalm_in_ci() {
  local ci="${CI:-}"
  ci="${ci,,}"
  [[ -n "$ci" && "$ci" != 0 && "$ci" != false ]]
}

# require_tools NAME TOOL...: every TOOL must be on PATH (or in /usr/sbin, /sbin).
require_tools() {
  local name="$1" missing=() tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" || -x "/sbin/$tool" ]] ||
      missing+=("$tool")
  done
  ((${#missing[@]} == 0)) && return 0
  if qpalm_in_ci; then
    echo "$name: FAILED: CI requires ${missing[*]}, which is missing (installer/install-deps.sh installs it)" >&2
    exit 1
  fi
  echo "$name: skipped: ${missing[*]} missing (installer/install-deps.sh installs it)"
  exit 77
}
