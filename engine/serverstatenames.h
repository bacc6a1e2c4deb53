// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "serverhandle.h"

namespace qpalm {

// The name of a state on the control channel and in exported files ("running", "hung", ...).
QString stateName(ServerHandle::State state);
// The state a control channel reports by name; Unreachable for a name this build does not know.
ServerHandle::State stateFromName(const QString &name);

} // namespace qpalm
