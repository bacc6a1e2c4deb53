// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace qpalm {

// One PalmMessage as it travels on the wire; payload holds raw bytes.
struct Message
{
    std::string pipeline;
    std::string client;
    std::int64_t stage = 0;
    std::string function;
    std::string cache;
    std::string payload;

    bool operator==(const Message &) const = default;
};

// Serializes into pylm's protobuf wire format.
std::string encodeMessage(const Message &message);
// Serializes into out, reusing its storage.
void encodeMessage(const Message &message, std::string &out);
// Parses pylm's wire format; false when the bytes are not a PalmMessage.
bool decodeMessage(std::string_view bytes, Message &out);

// A PalmMessage read in place: views into the wire bytes, valid while they live.
struct MessageView
{
    std::string_view pipeline;
    std::string_view client;
    std::int64_t stage = 0;
    std::string_view function;
    std::string_view cache;
    std::string_view payload;
};

// Reads the wire format without copying (hot paths that only route); false when malformed.
bool peekMessage(std::string_view bytes, MessageView &out);

// The entry of `function` at index `stage` ("server.method"); empty when out of range.
std::string_view currentFunction(const Message &message);
// Splits "server.method" at its first dot; false when there is no dot.
bool splitFunction(std::string_view entry, std::string_view &server, std::string_view &method);
// Number of space-separated entries in a function field.
int functionStages(std::string_view function);

// What servers accept in a function field from outside (README, "Scripts"): longer ones are
// rejected with payload 0 and never reach a worker or a script.
constexpr std::size_t kMaxFunctionEntryBytes = 1024;      // one "server.method" entry
constexpr std::size_t kMaxFunctionFieldBytes = 64 * 1024; // the whole field
// True when function and each of its entries are within the limits above.
bool functionWithinLimits(std::string_view function);

// A random RFC 4122 version 4 uuid in its canonical text form.
std::string newUuid();

} // namespace qpalm
