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
  share/qpalm/demo/cluster.json share/qpalm/examples/parallel/cluster.json)
debList="$(dpkg-deb -c "$deb")"
tgzList="$(tar -tzf "$tgz")"
for path in "${expected[@]}"; do
  grep -q "\./usr/$path\$" <<< "$debList" || { echo "packaging: $path missing from $(basename "$deb")"; exit 1; }
  grep -q "/$path\$" <<< "$tgzList" || { echo "packaging: $path missing from $(basename "$tgz")"; exit 1; }
done
dpkg-deb -f "$deb" Depends | grep -q "libzmq5" || { echo "packaging: the .deb does not depend on libzmq5"; exit 1; }
# The relocatable tarball runs from wherever it is unpacked.
tar -xzf "$tgz" -C "$OUT"
"$(ls -d "$OUT"/qpalm-*/)bin/qpalm-server" --version | grep -q "qpalm-server"
echo "packaging: $(basename "$deb") and $(basename "$tgz") hold all ${#expected[@]} expected files"
echo "packaging: 1 passed, 0 failed"
