// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

#include <memory>
#include <optional>

namespace qpalm {

struct Message;

// Python logging's levels, with the same numbers.
enum class LogLevel : int { Debug = 10, Info = 20, Warning = 30, Error = 40, Critical = 50 };

// The user function an error record's message was given to (see LogRecord::message); the stage
// is the message's. Unknown: no message, or a record from a peer that does not say.
enum class FailedCall : quint8 {
    Unknown = 0,
    Handler = 1,
    Scatter = 2,
    Gather = 3,
    HandleStream = 4
};

// One log record of one server.
struct LogRecord
{
    qint64 msecsSinceEpoch = 0;
    QString server;
    LogLevel level = LogLevel::Info;
    QString text;
    QString traceback;    // empty unless the record carries a traceback
    quint64 sequence = 0; // per server, increasing from 1; gaps mean lost records
    // The message a failed user function (handler, scatter, gather, handle_stream) was given,
    // with its payload cut at kMaxAttachedPayloadBytes; null for other records.
    std::shared_ptr<const Message> message;
    qint64 messagePayloadBytes = 0; // the failing payload's full size (may exceed the copy's)
    FailedCall failedCall = FailedCall::Unknown; // with message: the function that failed
};

// Payload bytes an error record keeps of the message that caused it (64 KiB).
constexpr qsizetype kMaxAttachedPayloadBytes = 64 * 1024;

using LogBatch = QList<LogRecord>;

// "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL".
QString levelName(LogLevel level);
// Accepts names (any case, WARN too) or Python's numbers; nullopt when unknown.
std::optional<LogLevel> parseLevel(QStringView text);
// "handler", "scatter", "gather", "handle_stream"; empty for Unknown.
QString failedCallName(FailedCall call);
// The inverse, also of the numbers 0..4 as text; Unknown for anything else.
FailedCall parseFailedCall(QStringView name);
// FailedCall from its wire number (control.proto's Record.failed_call); Unknown when out of range.
FailedCall failedCallFromInt(int value);
// What failed, for people: "gather at stage 0", "handler 'w.f' at stage 1"; empty when unknown.
QString describeFailedCall(const LogRecord &record);
// pylm's line: "2016-08-26 09:41:59,053 - name - LEVEL - text" (local time).
QString formatTimestamp(qint64 msecsSinceEpoch);
// The record as pylm prints it; a traceback follows on its own lines.
QString formatPylmLine(const LogRecord &record);

} // namespace qpalm

Q_DECLARE_METATYPE(qpalm::LogRecord)
Q_DECLARE_METATYPE(qpalm::LogBatch)
Q_DECLARE_METATYPE(qpalm::LogLevel)
