// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actorevents.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace qpalm {

class Dispatcher;
class Logger;

// What a handle and its actor share for one run, valid as long as either holds it: the stop
// flag, a stable interrupt token, the log level and the events sink. Every method is thread-safe.
class ActorControl
{
public:
    // Any thread: the loop ends soon and running user code is interrupted.
    void requestStop();
    bool stopRequested() const { return m_stop.load(std::memory_order_relaxed); }
    // Any thread: the level takes effect at once.
    void setLevel(LogLevel level);

    // Actor thread: what requestStop interrupts and setLevel sets (nullptr to detach, which
    // must happen before either is destroyed).
    void attach(Dispatcher *dispatcher, Logger *logger);
    void setDispatcher(Dispatcher *dispatcher);

    // Handle side: where events go; nullptr (e.g. in the handle's destructor) drops later ones.
    void setEvents(ActorEvents *events);
    // Any thread: numbers the event (per run, in delivery order) and hands it to the sink.
    void post(ServerEvent &&event);
    // Any thread: a user call is stuck (or no longer); exit does not wait for a stuck run.
    void setStuck(bool stuck) { m_stuck.store(stuck, std::memory_order_relaxed); }
    bool isStuck() const { return m_stuck.load(std::memory_order_relaxed); }

    // Actor thread: the run is over (sockets closed, ports unbound).
    void markFinished();
    bool isFinished() const;
    // Any thread but the actor's: waits up to timeoutMs for markFinished.
    bool waitFinished(int timeoutMs) const;

private:
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_finishedChanged;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_stuck{false};
    quint64 m_eventSequence = 0;
    Dispatcher *m_dispatcher = nullptr;
    Logger *m_logger = nullptr;
    ActorEvents *m_events = nullptr;
    bool m_finished = false;
};

} // namespace qpalm
