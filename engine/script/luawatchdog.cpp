// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "luawatchdog.h"

#include <algorithm>

namespace qpalm {

using namespace std::chrono;

LuaWatchdog &LuaWatchdog::instance()
{
    static LuaWatchdog watchdog;
    return watchdog;
}

LuaWatchdog::~LuaWatchdog()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

int LuaWatchdog::watch(const std::atomic<std::uint64_t> *sequence, int timeLimitMs,
                       ExpiredFunction expired, int stuckAfterMs, ExpiredFunction stuck)
{
    std::lock_guard lock(m_mutex);
    Entry entry;
    entry.id = m_nextId++;
    entry.sequence = sequence;
    entry.limit = milliseconds(std::max(timeLimitMs, 1));
    entry.expired = std::move(expired);
    entry.stuckAfter = std::max(milliseconds(stuckAfterMs), entry.limit);
    entry.stuck = std::move(stuck);
    entry.seenSequence = sequence->load(std::memory_order_acquire);
    entry.seenAt = steady_clock::now();
    m_entries.push_back(std::move(entry));
    if (!m_thread.joinable())
        m_thread = std::thread([this] { run(); });
    m_wake.notify_all();
    return m_entries.back().id;
}

void LuaWatchdog::unwatch(int id)
{
    std::lock_guard lock(m_mutex);
    std::erase_if(m_entries, [id](const Entry &entry) { return entry.id == id; });
}

// A tenth of the shortest limit, so a call stops between 1.0x and 1.2x its limit.
milliseconds LuaWatchdog::tickLocked() const
{
    milliseconds tick{100};
    for (const Entry &entry : m_entries)
        tick = std::min(tick, std::max(milliseconds{2}, entry.limit / 10));
    return tick;
}

void LuaWatchdog::run()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (m_entries.empty()) {
            m_wake.wait(lock);
            continue;
        }
        m_wake.wait_for(lock, tickLocked());
        const auto now = steady_clock::now();
        for (Entry &entry : m_entries) {
            const std::uint64_t sequence = entry.sequence->load(std::memory_order_acquire);
            if (sequence != entry.seenSequence) {
                entry.seenSequence = sequence;
                entry.seenAt = now;
                entry.fired = false;
                entry.reportedStuck = false;
                continue;
            }
            // Odd: a call is running; it has been running since at least seenAt.
            if ((sequence & 1) && !entry.fired && now - entry.seenAt >= entry.limit) {
                entry.fired = true;
                entry.expired(sequence);
            }
            // Still the same call long after it was told to stop: something loops in C.
            if ((sequence & 1) && entry.fired && !entry.reportedStuck && entry.stuck &&
                now - entry.seenAt >= entry.stuckAfter) {
                entry.reportedStuck = true;
                entry.stuck(sequence);
            }
        }
    }
}

} // namespace qpalm
