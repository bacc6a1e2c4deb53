// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"

namespace qpalm::remote {

// Follows one watched server's record sequence so that a watch renewed after a lost link resumes
// without repeats, with one record saying what was lost meanwhile.
class RecordGap
{
public:
    // A record that arrived live.
    void seen(const LogRecord &record);
    // The recent records of the first watch: all are new.
    LogBatch first(const LogBatch &recent);
    // The recent records of a renewed watch: the ones not seen yet, after a WARNING record for
    // the gap (how many were lost, or that the server restarted and the count is unknown).
    LogBatch resume(const QString &server, const LogBatch &recent, qint64 lostAtMsecs,
                    qint64 nowMsecs);
    // A WARNING record for records a slow watcher lost.
    LogRecord lostRecord(const QString &server, quint64 count) const;

private:
    bool m_any = false;
    QString m_server;
    quint64 m_lastSequence = 0;
    qint64 m_lastMsecs = 0;
};

} // namespace qpalm::remote
