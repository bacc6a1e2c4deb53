// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "logrecord.h"

#include "message.h"

#include <QDateTime>

#include <limits>

namespace qpalm {

QString levelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return QStringLiteral("DEBUG");
    case LogLevel::Info:
        return QStringLiteral("INFO");
    case LogLevel::Warning:
        return QStringLiteral("WARNING");
    case LogLevel::Error:
        return QStringLiteral("ERROR");
    case LogLevel::Critical:
        return QStringLiteral("CRITICAL");
    }
    return QStringLiteral("LEVEL %1").arg(static_cast<int>(level));
}

std::optional<LogLevel> parseLevel(QStringView text)
{
    const QString t = text.trimmed().toString().toUpper();
    if (t == u"DEBUG" || t == u"10")
        return LogLevel::Debug;
    if (t == u"INFO" || t == u"20")
        return LogLevel::Info;
    if (t == u"WARNING" || t == u"WARN" || t == u"30")
        return LogLevel::Warning;
    if (t == u"ERROR" || t == u"40")
        return LogLevel::Error;
    if (t == u"CRITICAL" || t == u"FATAL" || t == u"50")
        return LogLevel::Critical;
    return std::nullopt;
}

QString failedCallName(FailedCall call)
{
    switch (call) {
    case FailedCall::Unknown:
        break;
    case FailedCall::Handler:
        return QStringLiteral("handler");
    case FailedCall::Scatter:
        return QStringLiteral("scatter");
    case FailedCall::Gather:
        return QStringLiteral("gather");
    case FailedCall::HandleStream:
        return QStringLiteral("handle_stream");
    }
    return {};
}

FailedCall parseFailedCall(QStringView name)
{
    const QStringView t = name.trimmed();
    bool isNumber = false;
    const int number = t.toInt(&isNumber);
    if (isNumber)
        return failedCallFromInt(number);
    for (FailedCall call :
         {FailedCall::Handler, FailedCall::Scatter, FailedCall::Gather, FailedCall::HandleStream}) {
        if (t.compare(failedCallName(call), Qt::CaseInsensitive) == 0)
            return call;
    }
    return FailedCall::Unknown;
}

FailedCall failedCallFromInt(int value)
{
    return value >= 0 && value <= int(FailedCall::HandleStream) ? FailedCall(value)
                                                                : FailedCall::Unknown;
}

QString describeFailedCall(const LogRecord &record)
{
    if (record.failedCall == FailedCall::Unknown)
        return {};
    const qint64 stage = record.message ? qint64(record.message->stage) : 0;
    if (record.failedCall == FailedCall::Handler && record.message) {
        const std::string_view entry = currentFunction(*record.message);
        if (!entry.empty())
            return QStringLiteral("handler '%1' at stage %2")
                .arg(QString::fromUtf8(entry.data(), qsizetype(entry.size())))
                .arg(stage);
    }
    return QStringLiteral("%1 at stage %2").arg(failedCallName(record.failedCall)).arg(stage);
}

QString formatTimestamp(qint64 msecsSinceEpoch)
{
    // Local time takes libc's time-zone lock (and a stat of /etc/localtime): once per second
    // and thread, not once per record, so that printing servers do not queue on it.
    thread_local qint64 cachedSecond = std::numeric_limits<qint64>::min();
    thread_local QString cachedPrefix;
    const qint64 second =
        msecsSinceEpoch >= 0 ? msecsSinceEpoch / 1000 : -((-msecsSinceEpoch + 999) / 1000);
    if (second != cachedSecond) {
        cachedPrefix = QDateTime::fromSecsSinceEpoch(second, Qt::LocalTime)
                           .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        cachedSecond = second;
    }
    const int millis = int(msecsSinceEpoch - second * 1000);
    QString text;
    text.reserve(cachedPrefix.size() + 4);
    text += cachedPrefix;
    text += u',';
    text += QChar(u'0' + millis / 100);
    text += QChar(u'0' + millis / 10 % 10);
    text += QChar(u'0' + millis % 10);
    return text;
}

QString formatPylmLine(const LogRecord &record)
{
    QString line = formatTimestamp(record.msecsSinceEpoch) + QStringLiteral(" - ") + record.server +
                   QStringLiteral(" - ") + levelName(record.level) + QStringLiteral(" - ") +
                   record.text;
    if (!record.traceback.isEmpty()) {
        line += u'\n';
        line += record.traceback;
        if (line.endsWith(u'\n'))
            line.chop(1);
    }
    return line;
}

} // namespace qpalm
