// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace qpalm {

// The qpalm-server to start child servers with: $QPALM_SERVER, next to the running binary, in
// the build tree, then PATH. Empty with the places looked at in problem when there is none.
QString findServerBinary(QString *problem);

} // namespace qpalm
