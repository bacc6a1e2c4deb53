// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace qpalm::server {

// Watches every user call of one server (Lua or native) from the process's watchdog thread:
// a call still running past its time limit plus the stuck bound is reported once, naming the
// function, wherever it loops (docs/delivery.md). begin/end cost a counter and a short lock.
class CallWatch
{
public:
    // stuck runs on the watchdog thread; returned on the server thread when a call that was
    // reported stuck ends after all.
    using Stuck = std::function<void(const QString &function, int afterMs)>;
    using Returned = std::function<void(const QString &function)>;

    CallWatch(int timeLimitMs, int stuckAfterMs, Stuck stuck, Returned returned);
    ~CallWatch();
    CallWatch(const CallWatch &) = delete;
    CallWatch &operator=(const CallWatch &) = delete;

    // Server thread, around one call.
    void begin(std::string_view function);
    void end();
    // Any thread: the running call was reported stuck by someone else (the Lua runtime).
    void markReported();

private:
    void onStuck(std::uint64_t sequence);

    const int m_stuckAfterMs;
    const Stuck m_stuck;
    const Returned m_returned;
    std::atomic<std::uint64_t> m_sequence{0}; // odd while a call runs
    std::atomic<bool> m_reported{false};
    std::mutex m_mutex; // m_function
    std::string m_function;
    int m_watchId = 0;
};

} // namespace qpalm::server
