// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace qpalm::remote {

// Wakes a thread that sleeps in zmq_poll: poll fd() for ZMQ_POLLIN next to its sockets, and any
// thread calls notify() when it left work for it (a non-blocking pipe; never waits).
class Wakeup
{
public:
    Wakeup();
    ~Wakeup();
    Wakeup(const Wakeup &) = delete;
    Wakeup &operator=(const Wakeup &) = delete;

    // The read end, for a zmq_pollitem_t's fd (-1 when the pipe could not be made).
    int fd() const { return m_fds[0]; }
    // Any thread: the poller wakes (several notifies before it looks wake it once).
    void notify();
    // The polling thread: forgets the notifies so far.
    void drain();

private:
    int m_fds[2] = {-1, -1};
};

} // namespace qpalm::remote
