// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "logger.h"

#include "consolewriter.h"

#include <QDateTime>

namespace qpalm {

Logger::Logger(QString name, LogLevel level)
    : m_name(std::move(name)), m_level(static_cast<int>(level))
{
}

void Logger::log(LogLevel level, const QString &text, const QString &traceback)
{
    log(level, text, traceback, nullptr, 0);
}

void Logger::log(LogLevel level, const QString &text, const QString &traceback,
                 std::shared_ptr<const Message> message, qint64 payloadBytes, FailedCall call)
{
    if (!isEnabled(level))
        return;
    LogRecord record;
    record.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    record.server = m_name;
    record.level = level;
    record.text = text;
    record.traceback = traceback;
    record.sequence = ++m_sequence;
    record.message = std::move(message);
    record.messagePayloadBytes = payloadBytes;
    record.failedCall = record.message ? call : FailedCall::Unknown;
    if (m_sink)
        m_sink(std::move(record));
    else
        printPylmLine(record);
}

void printPylmLine(const LogRecord &record)
{
    ConsoleWriter::standardOutput().write(formatPylmLine(record).toUtf8() + '\n');
}

void flushConsoleLog()
{
    ConsoleWriter::standardOutput().flush();
}

} // namespace qpalm
