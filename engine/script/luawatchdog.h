// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace qpalm {

// One thread per process that notices Lua calls running past their time limit.
// Costs a call nothing: the watched state only bumps a sequence number (odd while a
// call runs), which the watchdog samples a few times per time limit.
class LuaWatchdog
{
public:
    // Called on the watchdog thread with the sequence number of the call that ran too long.
    using ExpiredFunction = std::function<void(std::uint64_t sequence)>;

    // The process-wide watchdog; its thread starts with the first watch.
    static LuaWatchdog &instance();
    ~LuaWatchdog();

    LuaWatchdog(const LuaWatchdog &) = delete;
    LuaWatchdog &operator=(const LuaWatchdog &) = delete;

    // Starts sampling sequence; returns an id for unwatch. Callable from any thread. stuck, when
    // set, is called once more if the same call still runs stuckAfterMs after it started.
    int watch(const std::atomic<std::uint64_t> *sequence, int timeLimitMs, ExpiredFunction expired,
              int stuckAfterMs = 0, ExpiredFunction stuck = {});
    // Stops sampling; once it returns, expired of that watch is not running and never runs again.
    void unwatch(int id);

private:
    LuaWatchdog() = default;
    void run();
    std::chrono::milliseconds tickLocked() const;

    struct Entry
    {
        int id = 0;
        const std::atomic<std::uint64_t> *sequence = nullptr;
        std::chrono::milliseconds limit{0};
        ExpiredFunction expired;
        std::chrono::milliseconds stuckAfter{0};
        ExpiredFunction stuck;
        std::uint64_t seenSequence = 0;
        std::chrono::steady_clock::time_point seenAt;
        bool fired = false;
        bool reportedStuck = false;
    };

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<Entry> m_entries;
    std::thread m_thread;
    int m_nextId = 1;
    bool m_stopping = false;
};

} // namespace qpalm
