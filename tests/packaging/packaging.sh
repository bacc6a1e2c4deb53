#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the .deb and the .tar.gz with CPack from the build tree and checks what they hold.
# Needs dpkg-deb (dpkg) and tar: exits 77 (skipped) without them, or fails under CI.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common/requiretools.sh"
require_tools packaging dpkg-deb tar
BUILD="${QPALM_BINARY_DIR:?}"
CPACK="${QPALM_CPACK:-cpack}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
"$CPACK" --config "$BUILD/CPackConfig.cmake" -B "$OUT" -G "DEB;TGZ" > "$OUT/cpack.log" 2>&1 ||
  { cat "$OUT/cpack.log"; exit 1; }
deb="$(ls "$OUT"/*.deb)"
tgz="$(ls "$OUT"/*.tar.gz)"
expected=(bin/qpalm bin/qpalm-server bin/qpalm-client bin/qpalm-ctl share/applications/qpalm.desktop
  share/metainfo/io.github.qpalm.metainfo.xml share/icons/hicolor/scalable/apps/qpalm.svg
  share/qpalm/demo/cluster.json share/qpalm/examples/parallel/cluster.json
  share/man/man1/qpalm.1.gz share/man/man1/qpalm-server.1.gz share/man/man1/qpalm-client.1.gz
  share/man/man1/qpalm-ctl.1.gz share/doc/qpalm/copyright share/doc/qpalm/changelog.gz
  lib/systemd/system/qpalm-server@.service lib/sysusers.d/qpalm.conf)
debList="$(dpkg-deb -c "$deb")"
tgzList="$(tar -tzf "$tgz")"
for path in "${expected[@]}"; do
  grep -q "\./usr/$path\$" <<< "$debList" || { echo "packaging: $path missing from $(basename "$deb")"; exit 1; }
  grep -q "/$path\$" <<< "$tgzList" || { echo "packaging: $path missing from $(basename "$tgz")"; exit 1; }
done
dpkg-deb -f "$deb" Depends | grep -q "libzmq5" || { echo "packaging: the .deb does not depend on libzmq5"; exit 1; }
# No invented Homepage; the license is stated where Debian and AppStream look for it.
if dpkg-deb -f "$deb" Homepage | grep -q .; then echo "packaging: the .deb has a Homepage field"; exit 1; fi
dpkg-deb -x "$deb" "$OUT/root"
grep -q "^License: GPL-3.0-or-later" "$OUT/root/usr/share/doc/qpalm/copyright" ||
  { echo "packaging: the copyright file does not state GPL-3.0-or-later"; exit 1; }
grep -q "<project_license>GPL-3.0-or-later</project_license>" \
  "$OUT/root/usr/share/metainfo/io.github.qpalm.metainfo.xml" ||
  { echo "packaging: the AppStream file has no project_license GPL-3.0-or-later"; exit 1; }
# Every man page renders without a warning and names its command.
for page in qpalm qpalm-server qpalm-client qpalm-ctl; do
  file="$OUT/root/usr/share/man/man1/$page.1.gz"
  if command -v man >/dev/null; then
    warnings="$(MANWIDTH=80 man --warnings -l "$file" 2>&1 >/dev/null)"
    [[ -z "$warnings" ]] || { echo "packaging: $page.1: $warnings"; exit 1; }
    MANWIDTH=80 man -l "$file" 2>/dev/null | grep -q "^ *$page - " ||
      { echo "packaging: $page.1 does not render its NAME line"; exit 1; }
  else
    zcat "$file" | grep -q "^$page \\\\- " || { echo "packaging: $page.1 has no NAME line"; exit 1; }
  fi
done
# The systemd unit: systemd-analyze verify where installed (the binaries from the package).
if command -v systemd-analyze >/dev/null; then
  units="$OUT/units"
  mkdir -p "$units"
  sed "s#/usr/bin/qpalm-server#$OUT/root/usr/bin/qpalm-server#g" \
    "$OUT/root/usr/lib/systemd/system/qpalm-server@.service" > "$units/qpalm-server@.service"
  verify="$(cd "$units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
    "$units/qpalm-server@demo.service" 2>&1)" || true
  if grep -v -e "qpalm-server@demo.service: Failed to create .*/qpalm: Read-only" \
       -e "^$" <<< "$verify" | grep -q "qpalm-server@"; then
    echo "packaging: systemd-analyze verify:"; echo "$verify"; exit 1
  fi
  echo "packaging: systemd-analyze verify qpalm-server@demo.service: clean"
else
  echo "packaging: systemd-analyze not installed, unit not verified"
fi
# lintian: no errors (warnings are listed). Required under CI (installer/install-deps.sh).
if command -v lintian >/dev/null; then
  lintian --tag-display-limit 0 "$deb" > "$OUT/lintian.log" 2>&1 || true
  cat "$OUT/lintian.log"
  if grep -q "^E: " "$OUT/lintian.log"; then echo "packaging: lintian reports errors"; exit 1; fi
  echo "packaging: lintian: $(grep -c '^E: ' "$OUT/lintian.log") errors, $(grep -c '^W: ' "$OUT/lintian.log") warnings"
elif qpalm_in_ci; then
  echo "packaging: FAILED: CI requires lintian (installer/install-deps.sh installs it)"; exit 1
else
  echo "packaging: lintian not installed, .deb not linted"
fi
# The relocatable tarball runs from wherever it is unpacked.
tar -xzf "$tgz" -C "$OUT"
"$(ls -d "$OUT"/qpalm-*/)bin/qpalm-server" --version | grep -q "qpalm-server"
echo "packaging: $(basename "$deb") and $(basename "$tgz") hold all ${#expected[@]} expected files"
echo "packaging: 1 passed, 0 failed"
