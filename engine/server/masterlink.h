// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "serverconfig.h"

#include <QtGlobal>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

namespace qpalm {
class Logger;
}

namespace qpalm::server {

// A qpalm worker's side of the reliable path: hello with its credit, heartbeats both ways, a
// new hello when the master went silent or forgot it, goodbye when it stops. The DEALER is the
// worker's toMaster output (results go out through it). Lives on the worker's thread.
class MasterLink
{
public:
    MasterLink(Logger &logger, const DeliverySettings &settings, std::string name);

    // Says hello on socket (connected to the master's worker_reliable_address).
    void start(zmq::socket_t &socket, qint64 now);
    // Reads up to burst frames while keepGoing; tasks go to onTask(id, PalmMessage bytes), all
    // of an 'M' frame's unless stopping.
    void read(zmq::socket_t &socket, int burst, const std::function<bool()> &keepGoing,
              const std::function<void(std::uint64_t, std::string_view)> &onTask,
              const std::function<bool()> &stopping);
    // Heartbeats and, after the master's silence, hellos. Call every loop turn.
    void tick(zmq::socket_t &socket, qint64 now);
    qint64 nextDeadline(qint64 now, qint64 fallback) const;
    // Tells the master that what this worker holds goes to the others.
    void leave(zmq::socket_t &socket);
    // The master's answer to the last hello said it reads 'A' frames (several results).
    bool batchResults() const { return m_batchResults; }

private:
    void sendFrame(zmq::socket_t &socket, const std::string &frame);
    void sendHello(zmq::socket_t &socket);

    Logger &m_logger;
    const DeliverySettings m_settings;
    const std::string m_name;
    std::vector<zmq::message_t> m_frames;
    qint64 m_lastHeard = 0;
    qint64 m_lastBeat = 0;
    qint64 m_lastHello = 0;
    bool m_lost = false;
    bool m_batchResults = false;
};

} // namespace qpalm::server
