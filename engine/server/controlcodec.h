// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actorevents.h"

#include <string>
#include <string_view>

namespace qpalm::control {

// The schema version this build speaks (control.proto's version field).
constexpr quint32 kVersion = 1;

// Serializes a command (version set).
std::string encodeCommand(const ServerCommand &command);
// Parses and validates every field; false with the reason (command->sequence is still set
// when the bytes were a command). Never throws.
bool decodeCommand(std::string_view bytes, ServerCommand *command, QString *error);

std::string encodeEvent(const ServerEvent &event);
bool decodeEvent(std::string_view bytes, ServerEvent *event, QString *error);

class Record;
class Stats;

// A server's counters and worker ledger, both ways (the actor's events and the control wire).
void putStats(const ServerStats &in, Stats *out);
ServerStats takeStats(const Stats &in, quint64 generation);

// The failing message an error record carries (payload <= kMaxAttachedPayloadBytes), both ways.
void putAttachedMessage(const LogRecord &in, Record *out);
void takeAttachedMessage(const Record &in, LogRecord *out);

// A level number Python's logging knows (10..50 in steps of 10).
bool isValidLevel(int level);

} // namespace qpalm::control
