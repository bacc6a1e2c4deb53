// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "callreplayresult.h"
#include "logrecord.h"
#include "scriptsource.h"
#include "serverstats.h"

#include <QMap>
#include <QString>

namespace qpalm {

// What a handle asks of its server; travels as control.proto's Command.
struct ServerCommand
{
    enum class Type { Stop, SetLevel, ReloadScript, Status, ReplayCall };
    Type type = Type::Status;
    quint64 sequence = 0;
    LogLevel level = LogLevel::Info;       // SetLevel
    ScriptSource script;                   // ReloadScript (name + content)
    FailedCall call = FailedCall::Unknown; // ReplayCall: gather or handle_stream
    Message message;                       // ReplayCall: the recorded input
};

// What a server reports; travels as control.proto's Event.
struct ServerEvent
{
    enum class Type {
        Ready,
        Failed,
        Stopped,
        Records,
        Stats,
        ScriptReloaded,
        ScriptReloadFailed,
        CommandRejected,
        CallStuck,    // a user call runs past its limit + the stuck bound (text: the record)
        CallReturned, // the stuck call returned after all
        CallReplayed  // a ReplayCall ran (commandSequence: that command; replay: the outcome)
    };
    Type type = Type::Stopped;
    quint64 sequence = 0;             // per run, from 1
    quint64 generation = 0;           // the run it belongs to
    QMap<QString, QString> addresses; // Ready
    QString text;                     // Failed / ScriptReloadFailed / CommandRejected: reason;
                                      // CallStuck: what is stuck;
                                      // ScriptReloaded: the script's name
    quint64 commandSequence = 0;      // CommandRejected, CallReplayed
    LogBatch records;                 // Records
    ServerStats stats;                // Stats
    CallReplayResult replay;          // CallReplayed
};

// Where a server actor reports to; implemented by its handle. deliver() is called on the actor
// thread and must hand the event over (e.g. as a queued call) without blocking.
class ActorEvents
{
public:
    virtual ~ActorEvents() = default;
    virtual void deliver(ServerEvent &&event) = 0;
};

} // namespace qpalm

Q_DECLARE_METATYPE(qpalm::ServerEvent)
