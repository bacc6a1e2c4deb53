// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"

#include <atomic>
#include <functional>

namespace qpalm {

// A server's logger: cheap level check, records handed to one sink on the
// logging thread.
class Logger
{
public:
    using Sink = std::function<void(LogRecord &&)>;

    explicit Logger(QString name, LogLevel level = LogLevel::Info);

    const QString &name() const { return m_name; }
    LogLevel level() const
    {
        return static_cast<LogLevel>(m_level.load(std::memory_order_relaxed));
    }
    void setLevel(LogLevel level)
    {
        m_level.store(static_cast<int>(level), std::memory_order_relaxed);
    }
    bool isEnabled(LogLevel level) const
    {
        return static_cast<int>(level) >= m_level.load(std::memory_order_relaxed);
    }
    void setSink(Sink sink) { m_sink = std::move(sink); }

    // Logs text at level, with an optional traceback; a no-op below the level.
    void log(LogLevel level, const QString &text, const QString &traceback = {});
    // Same, carrying the message that made a user function fail and which function that was
    // (see LogRecord::message and failedCall).
    void log(LogLevel level, const QString &text, const QString &traceback,
             std::shared_ptr<const Message> message, qint64 payloadBytes,
             FailedCall call = FailedCall::Unknown);
    // Builds the text only when the level is enabled.
    template <typename F> void logLazy(LogLevel level, F &&makeText)
    {
        if (isEnabled(level))
            log(level, makeText());
    }

    void debug(const QString &text) { log(LogLevel::Debug, text); }
    void info(const QString &text) { log(LogLevel::Info, text); }
    void warning(const QString &text) { log(LogLevel::Warning, text); }
    void error(const QString &text, const QString &traceback = {})
    {
        log(LogLevel::Error, text, traceback);
    }
    void critical(const QString &text) { log(LogLevel::Critical, text); }

private:
    QString m_name;
    std::atomic<int> m_level;
    quint64 m_sequence = 0;
    Sink m_sink;
};

// Queues a pylm-format line for stdout (one buffered writer, see
// ConsoleWriter); returns at once, never blocks other threads on I/O. Any
// thread; lines of one thread keep their order.
void printPylmLine(const LogRecord &record);
// Returns once every line printed so far has reached stdout: call it before
// writing to stdout or stderr directly, and before _exit/quick exits. Normal
// exit (return from main, exit()) flushes by itself. Any thread.
void flushConsoleLog();

} // namespace qpalm
