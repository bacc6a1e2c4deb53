// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "actorcontrol.h"

#include "dispatcher.h"
#include "logger.h"

#include <chrono>

namespace qpalm {

void ActorControl::requestStop()
{
    m_stop.store(true, std::memory_order_relaxed);
    std::lock_guard lock(m_mutex);
    if (m_dispatcher)
        m_dispatcher->interrupt();
}

void ActorControl::setLevel(LogLevel level)
{
    std::lock_guard lock(m_mutex);
    if (m_logger)
        m_logger->setLevel(level);
}

void ActorControl::attach(Dispatcher *dispatcher, Logger *logger)
{
    std::lock_guard lock(m_mutex);
    m_dispatcher = dispatcher;
    m_logger = logger;
}

void ActorControl::setDispatcher(Dispatcher *dispatcher)
{
    std::lock_guard lock(m_mutex);
    m_dispatcher = dispatcher;
    if (dispatcher && m_stop.load(std::memory_order_relaxed))
        dispatcher->interrupt();
}

void ActorControl::setEvents(ActorEvents *events)
{
    std::lock_guard lock(m_mutex);
    m_events = events;
}

void ActorControl::post(ServerEvent &&event)
{
    std::lock_guard lock(m_mutex);
    event.sequence = ++m_eventSequence;
    if (m_events)
        m_events->deliver(std::move(event));
}

void ActorControl::markFinished()
{
    {
        std::lock_guard lock(m_mutex);
        m_finished = true;
        m_dispatcher = nullptr;
        m_logger = nullptr;
    }
    m_finishedChanged.notify_all();
}

bool ActorControl::isFinished() const
{
    std::lock_guard lock(m_mutex);
    return m_finished;
}

bool ActorControl::waitFinished(int timeoutMs) const
{
    std::unique_lock lock(m_mutex);
    return m_finishedChanged.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                                      [this] { return m_finished; });
}

} // namespace qpalm
