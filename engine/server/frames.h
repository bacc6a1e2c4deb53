// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "zmqsupport.h"

#include <QString>

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

#include <zmq.hpp>

namespace qpalm::server {

// One outgoing message of one or two frames, held without a heap allocation.
struct Frames
{
    zmq::message_t parts[2];
    std::size_t count = 0;
    void push_back(zmq::message_t &&frame) { parts[count++] = std::move(frame); }
    std::size_t size() const { return count; }
    zmq::message_t &operator[](std::size_t i) { return parts[i]; }
    zmq::message_t &front() { return parts[0]; }
};

// Heterogeneous lookup so routing by a string_view topic allocates nothing.
struct TopicHash
{
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const
    {
        return std::hash<std::string_view>{}(text);
    }
};
template <typename T>
using TopicMap = std::unordered_map<std::string, T, TopicHash, std::equal_to<>>;

inline qint64 steadyUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

inline qint64 steadyMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

inline std::string_view view(const zmq::message_t &frame)
{
    return {static_cast<const char *>(frame.data()), frame.size()};
}

inline zmq::message_t frameOf(std::string_view bytes)
{
    return zmq::message_t(bytes.data(), bytes.size());
}

// 'text' for log lines, cut at 200 characters.
inline QString quote(std::string_view text)
{
    QString out = fromStd(text.substr(0, 200));
    if (text.size() > 200)
        out += QStringLiteral("...");
    return u'\'' + out + u'\'';
}

} // namespace qpalm::server
