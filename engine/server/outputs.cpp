// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "outputs.h"

#include "logger.h"
#include "serverstats.h"

#include <algorithm>

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

void Publisher::publish(std::string_view topic, Frames &&frames)
{
    auto held = m_held.empty() ? m_held.end() : m_held.find(topic);
    if (held != m_held.end()) {
        held->second.messages.push_back(std::move(frames));
        ++m_heldCount;
    } else if (subscribed(topic)) {
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
    for (auto it = m_held.begin(); it != m_held.end();) {
        const bool ready = subscribed(it->first);
        if (!ready && (onlySubscribed || now < it->second.deadline)) {
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
    return timeout;
}

void Publisher::close()
{
    output.close();
    m_held.clear();
    m_heldCount = 0;
    m_subscriptions.clear();
}

} // namespace qpalm::server
