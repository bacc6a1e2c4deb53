// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// qpalm-server-stuck: the real qpalm-server main with one change for tests: workers run a native
// handler `work` that can get stuck where no time limit reaches ("hang:MS" sleeps that long;
// anything else is answered "done:PAYLOAD"), with a 200 ms time limit.

#include "dispatcher.h"
#include "serverconfig.h"

#include <chrono>
#include <thread>

void qpalmStuckServerHook(qpalm::ServerConfig &config)
{
    using namespace qpalm;
    static const bool registered = [] {
        auto handlers = std::make_shared<NativeHandlers>();
        handlers->add("work", [](ServerContext &, const std::string &payload) {
            if (payload.rfind("hang:", 0) == 0) {
                const auto until = std::chrono::steady_clock::now() +
                                   std::chrono::milliseconds(std::stoi(payload.substr(5)));
                while (std::chrono::steady_clock::now() < until) // native: no time limit
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            return std::optional<std::string>("done:" + payload);
        });
        NativeHandlers::registerSet(QStringLiteral("stuck"), handlers);
        return true;
    }();
    (void)registered;
    if (config.kind != ServerKind::Worker)
        return;
    config.nativeHandlers = QStringLiteral("stuck");
    config.limits.timeLimitMs = 200;
}
