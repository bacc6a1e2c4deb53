# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
# CPack: a Debian package and a tarball of everything `cmake --install` puts in place.
#   cmake --build build --target package   (or: cd build && cpack -G DEB)
set(CPACK_PACKAGE_NAME qpalm)
set(CPACK_PACKAGE_VENDOR "qpalm")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "qpalm runs the servers of the pylm framework (server, master and workers,
hub, pipeline, sink) natively on ZeroMQ, wire-compatible with pylm, and
drives them from a desktop app: start and stop servers, watch rates and
topology, scale worker replicas, change log levels live, follow logs and
errors, edit and reload Lua handlers. Includes qpalm-server (headless, with
the systemd unit qpalm-server@.service), qpalm-client (CLI) and qpalm-ctl
(remote control).")
set(CPACK_PACKAGE_CONTACT "qpalm maintainers <qpalm@users.noreply.github.com>")
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
# No Homepage field: the project has no published home page yet.
# The qpalm system user (sysusers.d) and systemd's view of the unit, at install and removal.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${CMAKE_CURRENT_LIST_DIR}/debian/postinst;${CMAKE_CURRENT_LIST_DIR}/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Man pages, the copyright file and the changelog, compressed as Debian wants them (gzip -9n).
set(QPALM_MAN_PAGES qpalm qpalm-server qpalm-client qpalm-ctl)
set(QPALM_DOC_OUT ${PROJECT_BINARY_DIR}/packaging)
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/changelog.in ${QPALM_DOC_OUT}/changelog @ONLY)
set(QPALM_DOC_GZ ${QPALM_DOC_OUT}/changelog.gz)
add_custom_command(OUTPUT ${QPALM_DOC_OUT}/changelog.gz
  COMMAND gzip -9nc ${QPALM_DOC_OUT}/changelog > ${QPALM_DOC_OUT}/changelog.gz
  DEPENDS ${QPALM_DOC_OUT}/changelog VERBATIM)
foreach(page IN LISTS QPALM_MAN_PAGES)
  add_custom_command(OUTPUT ${QPALM_DOC_OUT}/${page}.1.gz
    COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/man/${page}.1 > ${QPALM_DOC_OUT}/${page}.1.gz
    DEPENDS ${PROJECT_SOURCE_DIR}/man/${page}.1 VERBATIM)
  list(APPEND QPALM_DOC_GZ ${QPALM_DOC_OUT}/${page}.1.gz)
  install(FILES ${QPALM_DOC_OUT}/${page}.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endforeach()
add_custom_target(qpalm_docs ALL DEPENDS ${QPALM_DOC_GZ})
install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/qpalm
  RENAME copyright)
install(FILES ${QPALM_DOC_OUT}/changelog.gz DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/qpalm)
# qpalm-server@NAME runs /etc/qpalm/NAME.json as the system user qpalm.
install(FILES ${CMAKE_CURRENT_LIST_DIR}/qpalm-server@.service DESTINATION lib/systemd/system)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/qpalm.sysusers DESTINATION lib/sysusers.d RENAME qpalm.conf)

# The tarball unpacks into qpalm-VERSION-ARCH/{bin,share} (relocatable: the app finds its demo in ../share).
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)

include(CPack)
