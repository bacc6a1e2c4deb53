// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "outputs.h"

#include "logger.h"
#include "message.h"
#include "serverstats.h"

#include <algorithm>
#include <cstring>

namespace qpalm::server {

namespace {
constexpr int kBurst = 256; // subscription changes read per call
}

bool Output::trySend(Frames &frames)
{
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto flags = i + 1 == frames.size()
                               ? zmq::send_flags::dontwait
                               : (zmq::send_flags::dontwait | zmq::send_flags::sndmore);
        // Only the first frame can hit the high-water mark; later frames always follow it.
        if (!socket->send(frames[i], flags))
            return false;
    }
    return true;
}

bool Output::send(Frames &&frames)
{
    if (m_pending.empty() && trySend(frames))
        return true;
    m_pending.push_back(std::move(frames));
    return false;
}

void Output::flush()
{
    while (!m_pending.empty() && trySend(m_pending.front()))
        m_pending.pop_front();
}

void Output::close()
{
    socket.reset();
    m_pending.clear();
}

void Publisher::watchConnections()
{
    if (!output.socket || monitor || m_graceMs <= 0)
        return;
    const std::string endpoint = "inproc://qpalm-pub-monitor-" + newUuid();
    if (zmq_socket_monitor(output.socket->handle(), endpoint.c_str(),
                           ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED) != 0)
        return; // no monitor: subscribers are then waited for per topic only
    monitor.emplace(makeSocket(zmq::socket_type::pair));
    monitor->set(zmq::sockopt::rcvhwm, 0); // the I/O thread never waits on an unread event
    monitor->connect(endpoint);
}

namespace {

// Reads up to a burst of monitor events: [uint16 event, uint32 value (the fd here)], endpoint.
template <typename OnEvent> void readMonitor(zmq::socket_t &monitor, OnEvent &&onEvent)
{
    for (int n = 0; n < kBurst; ++n) {
        zmq::message_t head;
        if (!monitor.recv(head, zmq::recv_flags::dontwait))
            break;
        zmq::message_t endpoint;
        while (head.more() && monitor.recv(endpoint, zmq::recv_flags::dontwait) &&
               endpoint.more()) {
        }
        if (head.size() < 6)
            continue;
        quint16 event = 0;
        qint32 fd = -1;
        std::memcpy(&event, head.data(), 2);
        std::memcpy(&fd, static_cast<const char *>(head.data()) + 2, 4);
        onEvent(event, fd);
    }
}

void dropExpired(std::deque<qint64> &deadlines, qint64 now)
{
    while (!deadlines.empty() && deadlines.front() <= now)
        deadlines.pop_front();
}

} // namespace

void Publisher::watchClients(zmq::socket_t &pull)
{
    if (!monitor || clientMonitor)
        return; // without the XPUB's monitor a SUB's arrival could not be seen
    const std::string endpoint = "inproc://qpalm-pull-monitor-" + newUuid();
    if (zmq_socket_monitor(pull.handle(), endpoint.c_str(), ZMQ_EVENT_ACCEPTED) != 0)
        return;
    clientMonitor.emplace(makeSocket(zmq::socket_type::pair));
    clientMonitor->set(zmq::sockopt::rcvhwm, 0);
    clientMonitor->connect(endpoint);
}

void Publisher::readConnections(qint64 now)
{
    dropExpired(m_expected, now);
    dropExpired(m_spareSubs, now);
    if (clientMonitor) {
        readMonitor(*clientMonitor, [&](quint16 event, qint32) {
            if (event != ZMQ_EVENT_ACCEPTED)
                return;
            if (!m_spareSubs.empty())
                m_spareSubs.pop_front(); // its SUB was accepted first
            else
                m_expected.push_back(now + m_graceMs);
        });
    }
    if (monitor) {
        readMonitor(*monitor, [&](quint16 event, qint32 fd) {
            if (event == ZMQ_EVENT_ACCEPTED) {
                m_connecting.push_back({fd, now + m_graceMs});
                if (!m_expected.empty())
                    m_expected.pop_front();
                else if (clientMonitor)
                    m_spareSubs.push_back(now + m_graceMs);
            } else if (event == ZMQ_EVENT_DISCONNECTED) {
                auto it = std::find_if(m_connecting.begin(), m_connecting.end(),
                                       [fd](const Connecting &c) { return c.fd == fd; });
                if (it != m_connecting.end())
                    m_connecting.erase(it);
            }
        });
    }
    while (!m_connecting.empty() && m_connecting.front().deadline <= now)
        m_connecting.pop_front();
}

void Publisher::publish(std::string_view topic, Frames &&frames)
{
    if (monitor)
        readConnections(steadyMs());
    auto held = m_held.empty() ? m_held.end() : m_held.find(topic);
    if (held != m_held.end()) {
        held->second.messages.push_back(std::move(frames));
        ++m_heldCount;
    } else if (subscribed(topic) && !waiting()) {
        output.send(std::move(frames));
    } else {
        Held &entry = m_held[std::string(topic)];
        entry.deadline = steadyMs() + m_graceMs;
        entry.messages.push_back(std::move(frames));
        ++m_heldCount;
    }
    m_stats.heldForSubscriber = int(m_heldCount);
}

void Publisher::readSubscriptions()
{
    // Connections first: a new subscriber's ACCEPTED event comes before its subscriptions.
    if (monitor)
        readConnections(steadyMs());
    // Subscriptions seen by our XPUB: 1 = subscribe, 0 = unsubscribe, then the topic.
    for (int n = 0; n < kBurst; ++n) {
        zmq::message_t frame;
        if (!output.socket->recv(frame, zmq::recv_flags::dontwait))
            break;
        const std::string_view data = view(frame);
        if (data.empty())
            continue;
        std::string topic(data.substr(1));
        if (data[0] == 1) {
            ++m_subscriptions[topic];
            // Subscriptions carry no peer: the oldest waiting connection is taken as the sender.
            if (!m_connecting.empty())
                m_connecting.pop_front();
            m_logger.logLazy(LogLevel::Debug, [&] {
                return QStringLiteral("Subscriber joined topic %1").arg(quote(topic));
            });
        } else if (data[0] == 0) {
            auto it = m_subscriptions.find(topic);
            if (it != m_subscriptions.end() && --it->second <= 0)
                m_subscriptions.erase(it);
        }
    }
    if (!m_held.empty())
        flushHeld(steadyMs(), true);
}

bool Publisher::subscribed(std::string_view topic) const
{
    if (m_subscriptions.find(topic) != m_subscriptions.end())
        return true;
    for (const auto &[prefix, count] : m_subscriptions) {
        if (topic.substr(0, prefix.size()) == prefix)
            return true;
    }
    return false;
}

void Publisher::flushHeld(qint64 now, bool onlySubscribed)
{
    readConnections(now);
    const bool connecting = waiting();
    for (auto it = m_held.begin(); it != m_held.end();) {
        const bool ready = subscribed(it->first);
        // A subscribed topic waits for connecting subscribers (their wait is bounded too).
        if ((ready && connecting) || (!ready && (onlySubscribed || now < it->second.deadline))) {
            ++it;
            continue;
        }
        const std::size_t count = it->second.messages.size();
        m_heldCount -= count;
        if (ready) {
            for (Frames &frames : it->second.messages)
                output.send(std::move(frames));
        } else {
            m_stats.dropped += count;
            m_logger.warning(
                QStringLiteral("Dropped %1 message(s) for topic %2: no subscriber within %3 ms")
                    .arg(count)
                    .arg(quote(it->first))
                    .arg(m_graceMs));
        }
        it = m_held.erase(it);
    }
    m_stats.heldForSubscriber = int(m_heldCount);
}

qint64 Publisher::nextDeadline(qint64 now, qint64 fallback) const
{
    qint64 timeout = fallback;
    for (const auto &[topic, held] : m_held)
        timeout = std::min(timeout, held.deadline - now);
    if (!m_held.empty() && !m_connecting.empty())
        timeout = std::min(timeout, m_connecting.front().deadline - now);
    if (!m_held.empty() && !m_expected.empty())
        timeout = std::min(timeout, m_expected.front() - now);
    return timeout;
}

void Publisher::close()
{
    if (monitor && output.socket)
        zmq_socket_monitor(output.socket->handle(), nullptr, 0);
    monitor.reset();
    clientMonitor.reset();
    m_connecting.clear();
    m_expected.clear();
    m_spareSubs.clear();
    output.close();
    m_held.clear();
    m_heldCount = 0;
    m_subscriptions.clear();
}

} // namespace qpalm::server
