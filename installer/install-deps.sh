#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs every Debian 12 package qpalm needs to build, run and test. Idempotent.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev libqt6svg6
  qt6-tools-dev qt6-l10n-tools  # qt_add_translations: Qt6LinguistTools for CMake, lupdate, lrelease
  libqscintilla2-qt6-dev libqt6opengl6-dev libgl-dev libxkbcommon-dev
  libzmq3-dev cppzmq-dev libprotobuf-dev protobuf-compiler
  liblua5.4-dev libzip-dev
  python3 python3-zmq python3-protobuf
  xvfb xauth x11-utils imagemagick fonts-dejavu-core
  openbox  # ui_mainwindowwm: the window and its dialogs under a real window manager
  dpkg-dev file appstream desktop-file-utils iproute2
  lintian man-db  # tests/packaging: lintian on the .deb, man -l on the man pages
  clang libclang-rt-dev  # preset "fuzz": libFuzzer targets of tests/fuzz
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
