// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "frames.h"

#include <deque>
#include <optional>

namespace qpalm {
class Logger;
struct ServerStats;
} // namespace qpalm

namespace qpalm::server {

// An output socket and what waits for room on it (backpressure, never silent drops).
class Output
{
public:
    std::optional<zmq::socket_t> socket;

    bool isOpen() const { return socket.has_value(); }
    bool blocked() const { return !m_pending.empty(); }
    std::size_t pendingCount() const { return m_pending.size(); }
    // Queues behind earlier pending frames, or sends now; false when the frames had to wait.
    bool send(Frames &&frames);
    // Sends what waits while there is room.
    void flush();
    void close();

private:
    bool trySend(Frames &frames);
    std::deque<Frames> m_pending;
};

// The PUB side of a server: an XPUB that holds a reply until its topic's first subscriber
// appears, or the grace time ends (pylm clients subscribe just before they send). While a newly
// accepted subscriber connection has not sent its subscriptions yet (at most the grace time),
// replies to topics that already have subscribers are held too: pylm's Client opens a new SUB
// per call and never closes the old ones, which would otherwise take the replies. Each newly
// accepted client PUSH connection expects its SUB too (pylm connects PUSH first, then SUB, and
// sends at once): until a SUB connection is accepted for it, or the grace time ends, replies wait.
class Publisher
{
public:
    Publisher(Logger &logger, ServerStats &stats, int graceMs)
        : m_logger(logger), m_stats(stats), m_graceMs(graceMs)
    {
    }

    Output output;
    // A socket monitor's PAIR, readable when the XPUB accepted or lost a connection.
    std::optional<zmq::socket_t> monitor;

    // A monitor's PAIR on the client-facing PULL, readable when a client connection is accepted.
    std::optional<zmq::socket_t> clientMonitor;

    // Starts watching the XPUB's connections (call once, after the socket exists).
    void watchConnections();
    // Starts watching the client PULL's new connections (call once, after watchConnections).
    void watchClients(zmq::socket_t &pull);

    // Publishes the frames ([topic, message]) under topic, or holds them for a subscriber.
    void publish(std::string_view topic, Frames &&frames);
    // Reads connection events and subscription changes seen by the XPUB, then releases what
    // they unblock.
    void readSubscriptions();
    // Sends held messages whose topic has a subscriber; drops those past the grace time.
    void flushHeld(qint64 now, bool onlySubscribed);
    bool hasHeld() const { return !m_held.empty(); }
    std::size_t heldCount() const { return m_heldCount; }
    // Milliseconds until the earliest held deadline (or fallback when nothing is held).
    qint64 nextDeadline(qint64 now, qint64 fallback) const;
    void close();

private:
    struct Held
    {
        qint64 deadline = 0;
        std::deque<Frames> messages;
    };
    struct Connecting
    {
        int fd = -1;
        qint64 deadline = 0;
    };
    bool subscribed(std::string_view topic) const;
    // Reads the monitor's events; forgets connections whose wait is over.
    void readConnections(qint64 now);

    Logger &m_logger;
    ServerStats &m_stats;
    const int m_graceMs;
    TopicMap<int> m_subscriptions;
    TopicMap<Held> m_held;
    std::size_t m_heldCount = 0;
    std::deque<Connecting> m_connecting; // accepted, no subscription seen yet (oldest first)
    std::deque<qint64> m_expected;       // client PUSH accepted, its SUB not yet (deadlines)
    std::deque<qint64> m_spareSubs;      // SUB accepted before its client PUSH (deadlines)
    bool waiting() const { return !m_connecting.empty() || !m_expected.empty(); }
};

} // namespace qpalm::server
