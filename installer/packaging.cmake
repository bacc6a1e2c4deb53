# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# CPack: a Debian package and a tarball of everything `cmake --install` puts in place.
#   cmake --build build --target package   (or: cd build && cpack -G DEB)
set(CPACK_PACKAGE_NAME qpalm)
set(CPACK_PACKAGE_VENDOR "qpalm")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "qpalm runs the servers of the pylm framework (server, master and workers, hub, pipeline, sink)
natively on ZeroMQ, wire-compatible with pylm, and drives them from a desktop app: start and stop
servers, watch rates and topology, scale worker replicas, change log levels live, follow logs and
errors, edit and reload Lua handlers. Includes qpalm-server (headless), qpalm-client (CLI) and qpalm-ctl (remote control).")
set(CPACK_PACKAGE_CONTACT "qpalm maintainers <qpalm@users.noreply.github.com>")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/qpalm/qpalm")
set(CPACK_PACKAGE_INSTALL_DIRECTORY qpalm)
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_PACKAGE_FILE_NAME "qpalm-${PROJECT_VERSION}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_STRIP_FILES ON)

# Debian: the runtime libraries of Debian 12 (bookworm).
set(CPACK_DEBIAN_PACKAGE_NAME qpalm)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# libqt6svg6 and qt6-qpa-plugins are loaded as plugins (SVG icons, the xcb platform), so no linker sees them.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libqt6core6, libqt6gui6, libqt6widgets6, libqt6charts6, libqt6svg6, qt6-qpa-plugins, libqscintilla2-qt6-15, libzmq5, libprotobuf32, liblua5.4-0")
# Where dpkg-shlibdeps exists, the exact library versions the binaries need are added to the list.
find_program(QPALM_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(QPALM_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-zmq, python3-protobuf")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/qpalm/qpalm")

# The tarball unpacks into qpalm-VERSION-ARCH/{bin,share} (relocatable: the app finds its demo in ../share).
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)

include(CPack)
