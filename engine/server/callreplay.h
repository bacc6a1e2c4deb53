// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actorevents.h"

namespace qpalm {
class Dispatcher;
class Logger;
} // namespace qpalm

namespace qpalm::server {

class CallWatch;

// Server thread: runs a ReplayCall command's recorded input through the dispatcher's current
// gather or handle_stream (nullptr: no script loaded yet) without sending anything, logs one
// line, and returns the CallReplayed event to post. Never throws.
ServerEvent replayCall(Dispatcher *dispatcher, CallWatch *watch, Logger &logger,
                       const ServerCommand &command);

} // namespace qpalm::server
