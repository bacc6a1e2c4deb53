// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "pylmlogparser.h"

#include <QDateTime>
#include <QRegularExpression>

namespace qpalm {

LogBatch PylmLogParser::feed(const QString &raw)
{
    static const QRegularExpression pylmLine(
        QStringLiteral("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d),(\\d{3}) - (.+?) - "
                       "(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) - (.*)$"));
    QString line = raw;
    if (line.endsWith(u'\r'))
        line.chop(1);
    LogBatch out;
    const auto match = pylmLine.match(line);
    if (match.hasMatch()) {
        out << flush();
        LogRecord record;
        QDateTime time =
            QDateTime::fromString(match.captured(1), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        record.msecsSinceEpoch = time.isValid()
                                     ? time.toMSecsSinceEpoch() + match.captured(2).toInt()
                                     : QDateTime::currentMSecsSinceEpoch();
        record.server = m_server;
        record.level = parseLevel(match.captured(4)).value_or(LogLevel::Info);
        const QString name = match.captured(3);
        record.text =
            name == m_server ? match.captured(5) : name + QStringLiteral(": ") + match.captured(5);
        m_pending = record;
        return out;
    }
    const bool startsTraceback = line.startsWith(QLatin1String("Traceback (most recent call"));
    const bool indented = !line.isEmpty() && line.at(0).isSpace();
    if (m_pending && (startsTraceback || indented || m_inTraceback)) {
        // The exception line ("ValueError: ...") ends a traceback; indented lines continue it.
        QString &traceback = m_pending->traceback;
        if (!traceback.isEmpty())
            traceback += u'\n';
        traceback += line;
        m_inTraceback = startsTraceback || indented;
        return out;
    }
    out << flush();
    if (line.trimmed().isEmpty())
        return out;
    LogRecord record;
    record.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    record.server = m_server;
    record.level = LogLevel::Info;
    record.text = line;
    if (startsTraceback) {
        // A traceback printed on its own (an uncaught exception): it is the record.
        record.level = LogLevel::Error;
        record.text = QStringLiteral("uncaught exception");
        record.traceback = line;
        m_pending = record;
        m_inTraceback = true;
        return out;
    }
    out << record;
    return out;
}

LogBatch PylmLogParser::flush()
{
    LogBatch out;
    if (m_pending) {
        out << *m_pending;
        m_pending.reset();
    }
    m_inTraceback = false;
    return out;
}

} // namespace qpalm
