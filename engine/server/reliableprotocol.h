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
inline constexpr char kBatch = 'A';     // 'A' (type id len(u32) PalmMessage)...: several 'r'/'R'
inline constexpr char kCanDo = 'C';     // 'C' features: what this worker reads besides 'T'
// master -> worker
inline constexpr char kTask = 'T';  // 'T' id PalmMessage
inline constexpr char kWho = 'W';   // 'W': I do not know you (any more): say hello
inline constexpr char kTasks = 'M'; // 'M' ('T' id len(u32) PalmMessage)...: several tasks

// Type byte and id in front of the PalmMessage of a 'T', 'r' or 'R' frame.
inline constexpr std::size_t kHeadSize = 9;
// An entry of an 'A' frame: the head, then the PalmMessage's size (u32), then the PalmMessage.
inline constexpr std::size_t kEntryHeadSize = kHeadSize + 4;

// Features a master lists after the 'B' that answers a hello (older workers ignore them).
inline constexpr char kFeatureBatch = 'a'; // the master reads 'A' frames
// Features a worker lists in its 'C' (sent only to a master that listed kFeatureBatch).
inline constexpr char kFeatureTasks = 'm'; // the worker reads 'M' frames
// Most entries and bytes in one 'A' or 'M' frame (a larger message goes alone).
inline constexpr int kBatchEntries = 128;
inline constexpr std::size_t kBatchBytes = 64 * 1024;

inline std::uint64_t readLe(std::string_view bytes, int size)
{
    std::uint64_t value = 0;
    for (int i = 0; i < size; ++i)
        value |= std::uint64_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
    return value;
}

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
    return readLe(frame.substr(1), 8);
}

// One entry of an 'A' frame.
struct BatchEntry
{
    char type = 0; // kResult or kDone
    std::uint64_t id = 0;
    std::string_view body;
};

// Checks a whole 'A' or 'M' frame first (entries complete, of the types its kind allows: 'r'/'R'
// in 'A', 'T' in 'M'; at least one), then calls each(entry) in order; false, with nothing
// called, when the frame is malformed.
template <typename Each> bool forEachEntry(std::string_view frame, Each &&each)
{
    if (frame.size() < 1 + kEntryHeadSize || (frame[0] != kBatch && frame[0] != kTasks))
        return false;
    const std::string_view types = frame[0] == kBatch ? std::string_view("rR") : "T";
    for (std::size_t at = 1; at < frame.size();) {
        const std::string_view rest = frame.substr(at);
        if (rest.size() < kEntryHeadSize || types.find(rest[0]) == std::string_view::npos)
            return false;
        const std::uint64_t size = readLe(rest.substr(kHeadSize), 4);
        if (size > rest.size() - kEntryHeadSize)
            return false;
        at += kEntryHeadSize + size;
    }
    for (std::size_t at = 1; at < frame.size();) {
        const std::string_view rest = frame.substr(at);
        const std::size_t size = std::size_t(readLe(rest.substr(kHeadSize), 4));
        each(BatchEntry{rest[0], readLe(rest.substr(1), 8), rest.substr(kEntryHeadSize, size)});
        at += kEntryHeadSize + size;
    }
    return true;
}

// Appends one entry to an 'A' or 'M' (kind) frame being built (starts it when empty).
inline void appendEntry(std::string &batch, char kind, char type, std::uint64_t id,
                        std::string_view body)
{
    if (batch.empty())
        batch.push_back(kind);
    const std::size_t at = batch.size();
    batch.resize(at + kEntryHeadSize);
    putHead(batch.data() + at, type, id);
    const auto size = std::uint32_t(body.size());
    for (int i = 0; i < 4; ++i)
        batch[at + kHeadSize + i] = char((size >> (8 * i)) & 0xff);
    batch.append(body);
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
