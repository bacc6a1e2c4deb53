// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "serverhandle.h"

namespace qpalm {

// For code that must wait (command lines, tests): each runs a local event loop on the caller's
// thread until the handle reports, or timeoutMs passes. Never use them on a GUI thread.

// Starts and waits for started or failed; false with the reason in error.
bool startAndWait(ServerHandle *server, int timeoutMs, QString *error = nullptr);
// Stops and waits for stopped (true at once when not running).
bool stopAndWait(ServerHandle *server, int timeoutMs);
// Waits until the handle is in state.
bool waitForState(ServerHandle *server, ServerHandle::State state, int timeoutMs);

} // namespace qpalm
