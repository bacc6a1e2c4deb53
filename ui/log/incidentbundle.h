// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <limits>
#include <utility>

class QWidget;

namespace qpalm {

class Cluster;
class ErrorInboxModel;
class LogModel;

// One zip with what it takes to understand an incident: the logs of a time window, the
// tracebacks, the cluster file, every script as it ran, stats and the replayable messages.
class IncidentBundle
{
public:
    // Copies what the bundle needs (GUI thread): records held in [from, to), the inbox's groups,
    // each server's script and stats, the cluster file at clusterFilePath (may be empty).
    static IncidentBundle collect(const LogModel &log, const ErrorInboxModel &inbox,
                                  const Cluster *cluster, const QString &clusterFilePath,
                                  qint64 fromMsecs = std::numeric_limits<qint64>::min(),
                                  qint64 toMsecs = std::numeric_limits<qint64>::max());
    // Writes the zip (any thread); false with the reason. An existing file is replaced.
    bool write(const QString &zipPath, QString *errorText = nullptr) const;
    // The files the zip holds, by path inside it, in order.
    QList<std::pair<QString, QByteArray>> files() const;

    qsizetype recordCount() const { return m_records.size(); }

private:
    qint64 m_from = 0;
    qint64 m_to = 0;
    qint64 m_created = 0;
    QString m_clusterFileName;
    QByteArray m_clusterFile;
    QList<std::pair<QString, QByteArray>> m_scripts; // scripts/<server>/<name>
    QByteArray m_stats;                              // JSON
    QByteArray m_tracebacks;                         // text
    QByteArray m_replay;                             // JSON lines
    LogBatch m_records;
};

// Asks for a time window and a file, then writes the bundle on a worker thread; the outcome
// is shown in a message box. For the app's File menu.
void exportIncidentBundleWithDialog(QWidget *parent, const LogModel &log,
                                    const ErrorInboxModel &inbox, const Cluster *cluster,
                                    const QString &clusterFilePath);

} // namespace qpalm
