// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

// The frames of the reliable master-worker path (ROUTER on the master, DEALER on each worker;
// docs/delivery.md). Every frame starts with one type byte; ids are 8 bytes little-endian.
namespace qpalm::server::reliable {

// The cache key under which masters and hubs advertise the path.
inline constexpr const char *kCacheKey = "worker_reliable_address";

// worker -> master
inline constexpr char kHello = 'H';     // 'H' credit(u32) name: join (or join again)
inline constexpr char kHeartbeat = 'B'; // 'B': alive (also master -> worker)
inline constexpr char kResult = 'r';    // 'r' id, PalmMessage: one result, more follow
inline constexpr char kDone = 'R';      // 'R' id [, PalmMessage]: the last result (the ack)
inline constexpr char kGoodbye = 'G';   // 'G': leaving; requeue what I hold
// master -> worker
inline constexpr char kTask = 'T'; // 'T' id, PalmMessage
inline constexpr char kWho = 'W';  // 'W': I do not know you (any more): say hello

inline std::string idFrame(char type, std::uint64_t id)
{
    std::string out(9, type);
    for (int i = 0; i < 8; ++i)
        out[1 + i] = char((id >> (8 * i)) & 0xff);
    return out;
}

// The id of a 9-byte 'T', 'r' or 'R' frame.
inline std::optional<std::uint64_t> idOf(std::string_view frame)
{
    if (frame.size() != 9)
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
