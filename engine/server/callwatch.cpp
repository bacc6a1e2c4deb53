// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "callwatch.h"

#include "script/luawatchdog.h"

namespace qpalm::server {

CallWatch::CallWatch(int timeLimitMs, int stuckAfterMs, Stuck stuck, Returned returned)
    : m_stuckAfterMs(stuckAfterMs), m_stuck(std::move(stuck)), m_returned(std::move(returned))
{
    m_watchId = LuaWatchdog::instance().watch(
        &m_sequence, timeLimitMs, [](std::uint64_t) {}, stuckAfterMs,
        [this](std::uint64_t sequence) { onStuck(sequence); });
}

CallWatch::~CallWatch()
{
    LuaWatchdog::instance().unwatch(m_watchId);
}

void CallWatch::begin(std::string_view function)
{
    {
        std::lock_guard lock(m_mutex);
        m_function.assign(function.substr(0, 200));
    }
    m_sequence.fetch_add(1, std::memory_order_release);
}

void CallWatch::end()
{
    m_sequence.fetch_add(1, std::memory_order_release);
    if (m_reported.exchange(false, std::memory_order_acq_rel)) {
        std::lock_guard lock(m_mutex);
        m_returned(QString::fromUtf8(m_function.data(), qsizetype(m_function.size())));
    }
}

void CallWatch::markReported()
{
    if (m_sequence.load(std::memory_order_acquire) & 1)
        m_reported.store(true, std::memory_order_release);
}

void CallWatch::onStuck(std::uint64_t sequence)
{
    QString function;
    {
        std::lock_guard lock(m_mutex);
        if (m_sequence.load(std::memory_order_acquire) != sequence)
            return;
        if (m_reported.exchange(true, std::memory_order_acq_rel))
            return; // the Lua runtime reported this call already
        function = QString::fromUtf8(m_function.data(), qsizetype(m_function.size()));
    }
    m_stuck(function, m_stuckAfterMs);
}

} // namespace qpalm::server
