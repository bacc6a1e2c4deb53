// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "recordgap.h"

#include <QDateTime>

namespace qpalm::remote {

namespace {

QString clock(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs).toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

void RecordGap::seen(const LogRecord &record)
{
    if (m_any && record.server == m_server && record.sequence <= m_lastSequence &&
        record.msecsSinceEpoch >= m_lastMsecs)
        m_lastSequence = 0; // the server restarted: its numbers begin again
    m_any = true;
    m_server = record.server;
    m_lastSequence = record.sequence;
    m_lastMsecs = record.msecsSinceEpoch;
}

LogBatch RecordGap::first(const LogBatch &recent)
{
    for (const LogRecord &record : recent)
        seen(record);
    return recent;
}

LogBatch RecordGap::resume(const QString &server, const LogBatch &recent, qint64 lostAtMsecs,
                           qint64 nowMsecs)
{
    LogBatch fresh;
    bool sameRun = !m_any;
    qint64 lost = 0;
    if (m_any) {
        // Same run: the last record seen is still in the server's memory, or every recent
        // record numbers after it (the memory moved on); else the server started again.
        bool found = false;
        bool allAfter = !recent.isEmpty();
        for (const LogRecord &record : recent) {
            if (record.server != m_server)
                continue;
            found = found ||
                    (record.sequence == m_lastSequence && record.msecsSinceEpoch == m_lastMsecs);
            allAfter = allAfter && record.sequence > m_lastSequence &&
                       record.msecsSinceEpoch >= m_lastMsecs;
        }
        sameRun = found || allAfter;
        for (const LogRecord &record : recent) {
            if (record.server != m_server || record.sequence > m_lastSequence || !sameRun) {
                if (sameRun || record.msecsSinceEpoch >= lostAtMsecs - 1000)
                    fresh << record;
            }
        }
        if (sameRun && !found && !fresh.isEmpty())
            lost = qint64(fresh.first().sequence) - qint64(m_lastSequence) - 1;
    } else {
        fresh = recent;
    }
    LogRecord note;
    note.msecsSinceEpoch = nowMsecs;
    note.server = server;
    note.level = LogLevel::Warning;
    const QString span = QStringLiteral("control link lost at %1, back at %2")
                             .arg(clock(lostAtMsecs), clock(nowMsecs));
    if (!sameRun)
        note.text = QStringLiteral("%1: the server restarted meanwhile; records lost: unknown "
                                   "number (its records since the restart follow)")
                        .arg(span);
    else
        note.text = QStringLiteral("%1: %2 records lost").arg(span).arg(std::max<qint64>(0, lost));
    if (!sameRun)
        m_any = false;
    LogBatch out{note};
    for (const LogRecord &record : std::as_const(fresh)) {
        seen(record);
        out << record;
    }
    return out;
}

LogRecord RecordGap::lostRecord(const QString &server, quint64 count) const
{
    LogRecord note;
    note.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    note.server = server;
    note.level = LogLevel::Warning;
    note.text = QStringLiteral("%1 records lost (this watcher fell behind)").arg(count);
    return note;
}

} // namespace qpalm::remote
