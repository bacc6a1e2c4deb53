// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Raw ZeroMQ peers for tests that play a foreign or hostile party (link PkgConfig::ZMQ).

#include "message.h"

#include <zmq.hpp>

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace qpalm::test {

inline zmq::context_t &zmqContext()
{
    static zmq::context_t context;
    return context;
}

inline zmq::socket_t rawSocket(zmq::socket_type type)
{
    zmq::socket_t socket(zmqContext(), type);
    socket.set(zmq::sockopt::linger, 0);
    return socket;
}

// Binds to an ephemeral port on loopback and returns the resolved endpoint.
inline std::string bindAny(zmq::socket_t &socket)
{
    socket.bind("tcp://127.0.0.1:*");
    return socket.get(zmq::sockopt::last_endpoint);
}

inline bool sendFrames(zmq::socket_t &socket, const std::vector<std::string> &frames,
                       bool dontWait = false)
{
    for (std::size_t i = 0; i < frames.size(); ++i) {
        zmq::send_flags flags =
            i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
        if (dontWait)
            flags = flags | zmq::send_flags::dontwait;
        if (!socket.send(zmq::buffer(frames[i]), flags))
            return false;
    }
    return true;
}

// One multipart message, or nullopt after timeoutMs.
inline std::optional<std::vector<std::string>> recvFrames(zmq::socket_t &socket, int timeoutMs)
{
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(timeoutMs)) <= 0)
        return std::nullopt;
    std::vector<std::string> frames;
    while (true) {
        zmq::message_t part;
        if (!socket.recv(part, zmq::recv_flags::dontwait))
            return std::nullopt;
        frames.push_back(part.to_string());
        if (!part.more())
            break;
    }
    return frames;
}

inline Message makeMessage(const std::string &function, const std::string &payload,
                           const std::string &client, std::int64_t stage = 0)
{
    Message message;
    message.pipeline = "test-pipeline";
    message.client = client;
    message.stage = stage;
    message.function = function;
    message.payload = payload;
    return message;
}

// The kinds of bad input every bound socket must survive.
enum class BadKind {
    RandomBytes,
    WrongFrameCount,
    UnknownFunction,
    OtherServer,
    EmptyFunction,
    Count
};

// Bytes that protobuf can never parse (a truncated length-delimited field or an invalid wire type).
inline std::string undecodableBytes(std::mt19937 &random)
{
    std::uniform_int_distribution<int> byte(0, 255);
    std::string junk;
    const int length = 1 + static_cast<int>(random() % 40);
    for (int i = 0; i < length; ++i)
        junk.push_back(static_cast<char>(byte(random)));
    switch (random() % 3) {
    case 0: // field 1, length 100, then fewer bytes
        return std::string("\x0a\x64", 2) + junk.substr(0, 10);
    case 1: // wire type 7 does not exist
        return std::string("\x0f", 1) + junk;
    default: // field number 0 is invalid
        return std::string("\x00\x01", 2) + junk;
    }
}

// One bad message for a socket whose good messages are `good` frames long (1 or 2);
// prefix is the topic frame for SUB inputs (empty for PULL/REP).
inline std::vector<std::string> badFrames(BadKind kind, std::mt19937 &random,
                                          const std::string &prefix, const std::string &ownName,
                                          int index)
{
    std::vector<std::string> frames;
    if (!prefix.empty())
        frames.push_back(prefix);
    const std::string client = "garbage-client-" + std::to_string(index % 7);
    switch (kind) {
    case BadKind::RandomBytes:
        if (index % 2 == 0) {
            frames.push_back(undecodableBytes(random));
        } else {
            // Truly random: may even parse as a PalmMessage with a nonsense function.
            std::string junk;
            const int length = 1 + static_cast<int>(random() % 64);
            for (int i = 0; i < length; ++i)
                junk.push_back(static_cast<char>(random() & 0xFF));
            frames.push_back(junk);
        }
        break;
    case BadKind::WrongFrameCount: {
        const std::string valid = encodeMessage(makeMessage(ownName + ".echo", "x", client));
        if (index % 3 == 0 && !prefix.empty()) {
            // only the topic
        } else if (index % 3 == 1) {
            frames.push_back(valid);
            frames.push_back("extra frame");
        } else {
            frames.push_back("first of three");
            frames.push_back(valid);
            frames.push_back("third");
        }
        break;
    }
    case BadKind::UnknownFunction:
        frames.push_back(encodeMessage(makeMessage(ownName + ".no_such_method", "x", client)));
        break;
    case BadKind::OtherServer:
        frames.push_back(encodeMessage(makeMessage("some_other_server.echo", "x", client)));
        break;
    case BadKind::EmptyFunction:
        frames.push_back(encodeMessage(makeMessage("", "x", client)));
        break;
    case BadKind::Count:
        break;
    }
    return frames;
}

} // namespace qpalm::test
