#include "logrecord.h"

#include <QDateTime>

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

QString formatTimestamp(qint64 msecsSinceEpoch)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch, Qt::LocalTime);
    return time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss,zzz"));
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
