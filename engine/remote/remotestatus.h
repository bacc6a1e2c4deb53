// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"
#include "serverstats.h"

#include <QMap>
#include <QString>

namespace qpalm::remote {

// One server as a control channel reports it.
struct RemoteServerStatus
{
    QString name;
    QString kind;  // master, worker, ...
    QString state; // stopped, starting, running, stopping, failed
    LogLevel level = LogLevel::Info;
    ServerStats stats;
    QString error;                    // why the last start failed
    QMap<QString, QString> addresses; // by pylm parameter name, as ServerHandle::addresses()
    QString scriptPath;               // on the server's machine
    QString scriptName;
    quint64 scriptDigest = 0; // changes when the running script does; 0: none
};

// One event of a watched control channel.
struct RemoteEvent
{
    enum class Kind { Record, RecordsLost, StateChanged, Stats };
    Kind kind = Kind::Record;
    quint64 sequence = 0; // per watcher from 1; records_lost covers the numbers it skipped
    LogRecord record;
    quint64 lost = 0;
    RemoteServerStatus status;
};

} // namespace qpalm::remote
