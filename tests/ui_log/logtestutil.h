// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"

#include <QString>

namespace qpalm::test {

// 2016-08-26 09:41:59,053 UTC: the timestamp of pylm's documented log line.
constexpr qint64 BaseMsecs = 1472204519053;

inline LogRecord makeRecord(qint64 msecs, const QString &server, LogLevel level,
                            const QString &text, const QString &traceback = {},
                            quint64 sequence = 0)
{
    LogRecord r;
    r.msecsSinceEpoch = msecs;
    r.server = server;
    r.level = level;
    r.text = text;
    r.traceback = traceback;
    r.sequence = sequence;
    return r;
}

// A batch of n INFO records "<prefix> <i>" of one server, times BaseMsecs + first + i.
inline LogBatch makeBatch(int first, int n, const QString &server = QStringLiteral("alpha"),
                          LogLevel level = LogLevel::Info,
                          const QString &prefix = QStringLiteral("message"))
{
    LogBatch batch;
    batch.reserve(n);
    for (int i = first; i < first + n; ++i)
        batch.append(makeRecord(BaseMsecs + i, server, level,
                                prefix + QLatin1Char(' ') + QString::number(i), {},
                                quint64(i + 1)));
    return batch;
}

// A Lua error traceback as luaL_traceback writes it, raised at file:line in function fn.
inline QString luaTraceback(const QString &file, int line, const QString &message,
                            const QString &fn = QStringLiteral("foo"))
{
    return QStringLiteral("%1:%2: %3\nstack traceback:\n\t[C]: in function 'error'\n"
                          "\t%1:%2: in function '%4'\n\t(...tail calls...)")
        .arg(file)
        .arg(line)
        .arg(message, fn);
}

} // namespace qpalm::test
