// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dispatcher.h"

#include <QString>

#include <memory>

namespace qpalm {

struct ServerConfig;

// Loads config.script (name + content) into a sandboxed Lua 5.4 state owned by the calling (server)
// thread, under config.limits; nullptr with "file:line: message" in errorText when the script
// fails.
std::unique_ptr<Dispatcher> createLuaDispatcher(ServerContext &context, const ServerConfig &config,
                                                QString *errorText);

} // namespace qpalm
