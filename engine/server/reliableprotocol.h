// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <zmq.hpp>

// The frames of the reliable master-worker path (ROUTER on the master, DEALER on each worker;
// docs/delivery.md). Every message is one frame (after the ROUTER's identity) that starts with one
// type byte; ids are 8 bytes little-endian; a task or result carries its PalmMessage after the id.
namespace qpalm::server::reliable {

// The cache key under which masters and hubs advertise the path.
inline constexpr const char *kCacheKey = "worker_reliable_address";

// worker -> master
inline constexpr char kHello = 'H';     // 'H' credit(u32) name: join (or join again)
inline constexpr char kHeartbeat = 'B'; // 'B': alive (also master -> worker)
inline constexpr char kResult = 'r';    // 'r' id PalmMessage: one result, more follow
inline constexpr char kDone = 'R';      // 'R' id [PalmMessage]: the last result (the ack)
inline constexpr char kGoodbye = 'G';   // 'G': leaving; requeue what I hold
// master -> worker
inline constexpr char kTask = 'T'; // 'T' id PalmMessage
inline constexpr char kWho = 'W';  // 'W': I do not know you (any more): say hello

// Type byte and id in front of the PalmMessage of a 'T', 'r' or 'R' frame.
inline constexpr std::size_t kHeadSize = 9;

// Writes the head of a 'T', 'r' or 'R' frame into its first kHeadSize bytes.
inline void putHead(void *frame, char type, std::uint64_t id)
{
    char *out = static_cast<char *>(frame);
    out[0] = type;
    for (int i = 0; i < 8; ++i)
        out[1 + i] = char((id >> (8 * i)) & 0xff);
}

// One 'T', 'r' or 'R' frame: the head, then body (an encoded PalmMessage, or nothing).
inline zmq::message_t messageFrame(char type, std::uint64_t id, std::string_view body)
{
    zmq::message_t frame(kHeadSize + body.size());
    putHead(frame.data(), type, id);
    if (!body.empty())
        std::memcpy(static_cast<char *>(frame.data()) + kHeadSize, body.data(), body.size());
    return frame;
}

// The id of a 'T', 'r' or 'R' frame (its PalmMessage is frame.substr(kHeadSize)).
inline std::optional<std::uint64_t> idOf(std::string_view frame)
{
    if (frame.size() < kHeadSize)
        return std::nullopt;
    std::uint64_t id = 0;
    for (int i = 0; i < 8; ++i)
        id |= std::uint64_t(static_cast<unsigned char>(frame[1 + i])) << (8 * i);
    return id;
}

inline std::string helloFrame(std::uint32_t credit, std::string_view name)
{
    std::string out(5, kHello);
    for (int i = 0; i < 4; ++i)
        out[1 + i] = char((credit >> (8 * i)) & 0xff);
    out.append(name.substr(0, 256));
    return out;
}

} // namespace qpalm::server::reliable
