// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "masterlink.h"

#include "frames.h"
#include "logger.h"
#include "reliableprotocol.h"

#include <algorithm>

namespace qpalm::server {

namespace r = reliable;

MasterLink::MasterLink(Logger &logger, const DeliverySettings &settings, std::string name)
    : m_logger(logger), m_settings(settings), m_name(std::move(name))
{
}

void MasterLink::sendFrame(zmq::socket_t &socket, const std::string &frame)
{
    try {
        (void)socket.send(frameOf(frame), zmq::send_flags::dontwait);
    } catch (const zmq::error_t &) {
        // A full or closed link: the next heartbeat or hello tries again.
    }
}

void MasterLink::sendHello(zmq::socket_t &socket)
{
    m_batchResults = false; // until this master's answer says otherwise
    sendFrame(socket, r::helloFrame(quint32(m_settings.credit), m_name));
}

void MasterLink::start(zmq::socket_t &socket, qint64 now)
{
    m_lastHeard = now;
    m_lastBeat = now;
    m_lastHello = now;
    sendHello(socket);
}

void MasterLink::read(zmq::socket_t &socket, int burst, const std::function<bool()> &keepGoing,
                      const std::function<void(std::uint64_t, std::string_view)> &onTask,
                      const std::function<bool()> &stopping)
{
    for (int n = 0; n < burst && keepGoing(); ++n) {
        if (!receiveFrames(socket, m_frames) || m_frames.empty())
            break;
        m_lastHeard = steadyMs();
        if (m_lost) {
            m_lost = false;
            m_logger.info(QStringLiteral("The master answers again"));
        }
        const std::string_view head = view(m_frames[0]);
        if (head.empty())
            continue;
        if (head[0] == r::kTask && m_frames.size() == 1) {
            if (const auto id = r::idOf(head))
                onTask(*id, head.substr(r::kHeadSize));
        } else if (head[0] == r::kTasks && m_frames.size() == 1) {
            // Every task of it is run (what a stop leaves undone, goodbye gives back).
            if (!r::forEachEntry(head, [&](const r::BatchEntry &task) {
                    if (!stopping())
                        onTask(task.id, task.body);
                })) {
                // Nothing of it ran: a new hello makes the master requeue what this worker holds.
                m_logger.error(QStringLiteral("Malformed batch of tasks from the master (%1 "
                                              "bytes): dropped; saying hello again")
                                   .arg(head.size()));
                m_lastHello = m_lastHeard;
                sendHello(socket);
            }
        } else if (head[0] == r::kHeartbeat && head.size() > 1) {
            // The answer to a hello: the features this master has; we list ours.
            m_batchResults = head.find(r::kFeatureBatch, 1) != std::string_view::npos;
            if (m_batchResults)
                sendFrame(socket, std::string{r::kCanDo, r::kFeatureTasks});
        } else if (head[0] == r::kWho) {
            m_lastHello = m_lastHeard;
            sendHello(socket);
        }
    }
    m_frames.clear();
}

void MasterLink::tick(zmq::socket_t &socket, qint64 now)
{
    const qint64 timeout = qint64(m_settings.heartbeatMs) * m_settings.heartbeatMissed;
    if (now - m_lastHeard > timeout && now - m_lastHello >= m_settings.heartbeatMs) {
        if (!m_lost) {
            m_lost = true;
            m_logger.warning(QStringLiteral("The master missed %1 heartbeats: saying hello again "
                                            "until it answers")
                                 .arg(m_settings.heartbeatMissed));
        }
        m_lastHello = now;
        sendHello(socket);
    }
    if (now - m_lastBeat >= m_settings.heartbeatMs) {
        m_lastBeat = now;
        sendFrame(socket, std::string(1, r::kHeartbeat));
    }
}

qint64 MasterLink::nextDeadline(qint64 now, qint64 fallback) const
{
    const qint64 next = std::min(fallback, m_lastBeat + m_settings.heartbeatMs - now);
    return std::max<qint64>(next, 0);
}

void MasterLink::leave(zmq::socket_t &socket)
{
    socket.set(zmq::sockopt::linger, 200);
    sendFrame(socket, std::string(1, r::kGoodbye));
}

} // namespace qpalm::server
