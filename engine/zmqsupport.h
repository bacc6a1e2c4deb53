// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <zmq.hpp>

#include <QString>

#include <string>
#include <vector>

namespace qpalm {

// The process-wide ZeroMQ context shared by every server, client and pipe.
zmq::context_t &zmqContext();

// A socket with linger 0 so closing never blocks.
zmq::socket_t makeSocket(zmq::socket_type type);

// The endpoint a socket actually bound to (wildcard port resolved).
std::string lastEndpoint(zmq::socket_t &socket);

// Sends strings as the frames of one message (blocking; for command pipes).
void sendFrames(zmq::socket_t &socket, const std::vector<std::string> &frames);

// Receives every frame of one message without waiting; empty when nothing is queued.
bool receiveFrames(zmq::socket_t &socket, std::vector<zmq::message_t> &frames, bool wait = false);

// Unbinds tcp endpoints and waits (up to timeoutMs) until their ports are really closed,
// so a restart on the same fixed address succeeds right away.
void unbindAndWait(void *socketHandle, const std::vector<std::string> &endpoints, int timeoutMs);

// An address read from a server's cache, made reachable from here: a server bound to all
// interfaces (tcp://0.0.0.0:port or tcp://*:port) is reached on the host we reached its cache at.
std::string reachableFrom(const std::string &advertised, const std::string &cacheAddress);

inline std::string toStd(const QString &text)
{
    return text.toStdString();
}
inline QString fromStd(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

} // namespace qpalm
