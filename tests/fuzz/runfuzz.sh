#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one libFuzzer binary for QPALM_FUZZ_SECONDS (default 5) and prints the executions reached:
#   runfuzz.sh FUZZER WORK_CORPUS SEED_CORPUS [libFuzzer options...]
# A finding (crash, leak, sanitizer report, timeout) fails with libFuzzer's reproducer file.
set -euo pipefail
fuzzer=$1 work=$2 seeds=$3
shift 3
seconds=${QPALM_FUZZ_SECONDS:-5}
mkdir -p "$work"
cd "$work/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 "$@" "$work" "$seeds" >"$log" 2>&1 || status=$?
tail -n 40 "$log"
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
echo "QPALM-FUZZ: $(basename "$fuzzer") ran ${runs:-?} executions in ${seconds} s, exit $status"
exit "$status"
