// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "controlsockets.h"
#include "remotestatus.h"

#include <string>
#include <string_view>

namespace qpalm::control {
class ControlRequest;
class ControlReply;
class Record;
class ServerStatus;
} // namespace qpalm::control

// Conversions between the control channel's protobuf messages and plain data (engine/remote only).
namespace qpalm::remote::wire {

// Parses a request and checks its version; false with the reason.
bool parseRequest(std::string_view bytes, control::ControlRequest *request, QString *error);
bool parseReply(std::string_view bytes, control::ControlReply *reply, QString *error);
std::string encodeRefusal(quint64 id, const QString &reason);
void putRecord(const LogRecord &in, control::Record *out);
LogRecord takeRecord(const control::Record &in);
void putStatus(const RemoteServerStatus &in, control::ServerStatus *out);
RemoteServerStatus takeStatus(const control::ServerStatus &in);
std::string encodeStatus(const RemoteServerStatus &status);
std::string encodeEvent(quint64 sequence, const WatchEvent &event);
std::string encodeLost(quint64 sequence, quint64 count);
bool decodeEvent(std::string_view bytes, RemoteEvent *event, QString *error);

} // namespace qpalm::remote::wire
