// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "callreplayresult.h"
#include "logrecord.h"
#include "serverconfig.h"
#include "serverstats.h"

#include <QMap>
#include <QObject>

namespace qpalm {

// A server as the caller's thread sees it; the same API whether it runs on a local thread or not.
class ServerHandle : public QObject
{
    Q_OBJECT
public:
    // Hung: running, but a call is stuck and its master routes around it.
    // Unreachable: a remote or child server whose control link is lost (not known to be stopped).
    enum class State { Stopped, Starting, Running, Stopping, Failed, Hung, Unreachable };
    Q_ENUM(State)

    using QObject::QObject;

    virtual const ServerConfig &config() const = 0;
    QString name() const { return config().name; }
    ServerKind kind() const { return config().kind; }
    virtual State state() const = 0;
    // Why the last start failed, or empty.
    virtual QString errorString() const = 0;
    virtual LogLevel logLevel() const = 0;
    // Addresses in use by pylm parameter name, wildcard ports resolved; empty until started.
    virtual QMap<QString, QString> addresses() const = 0;
    QString address(const QString &parameter) const { return addresses().value(parameter); }
    // Latest stats of the current run.
    virtual ServerStats stats() const = 0;
    // The run number, bumped at each start; stats and events of earlier runs are ignored.
    virtual quint64 generation() const = 0;
    // Where it runs: empty for this process's threads, else a host or process label.
    virtual QString hostLabel() const { return {}; }
    // The script the current (or last) run serves: what it started or was last reloaded with.
    virtual ScriptSource runningScript() const { return config().script; }
    // True when replayCall can run gather or handle_stream on this server (its threads are in
    // this process); false for child, remote and external ones.
    virtual bool canReplayCalls() const { return false; }
    // Runs the current script's gather or handle_stream (call) on message, a recorded input that
    // failed, without sending anything; callReplayed follows with the id returned. 0 (nothing
    // follows) with the reason in why when it cannot run here or now.
    virtual quint64 replayCall(qpalm::FailedCall call, const qpalm::Message &message, QString *why)
    {
        Q_UNUSED(call);
        Q_UNUSED(message);
        if (why)
            *why = tr("server '%1' does not run in this process").arg(name());
        return 0;
    }

public Q_SLOTS:
    // Returns at once; started or failed follows. Does nothing while starting or running.
    virtual void start() = 0;
    // Returns at once; stopped follows once the sockets are closed. Nothing when not running.
    virtual void stop() = 0;
    // Takes effect at once; logLevelChanged follows.
    virtual void setLogLevel(qpalm::LogLevel level) = 0;
    // Returns at once; the server swaps scripts between two messages, then scriptReloaded or
    // scriptReloadFailed (old script kept). An empty source re-reads config().scriptPath.
    virtual void reloadScript(const qpalm::ScriptSource &script) = 0;

Q_SIGNALS:
    // Caller's thread: the server is serving.
    void started();
    // Caller's thread: the server stopped and its sockets are closed.
    void stopped();
    // Caller's thread: start failed (reason names what, e.g. the address in use).
    void failed(const QString &reason);
    // Caller's thread (queued from the server thread): any state change.
    void stateChanged(qpalm::ServerHandle::State state);
    // Caller's thread (queued from the server thread, at most every ~100 ms): new records.
    void recordsLogged(const qpalm::LogBatch &records);
    // Caller's thread (queued from the server thread, about twice a second): counters.
    void statsUpdated(const qpalm::ServerStats &stats);
    // Caller's thread: the log level changed.
    void logLevelChanged(qpalm::LogLevel level);
    // Caller's thread: a script reload took effect (name of the script), or failed.
    void scriptReloaded(const QString &scriptName);
    void scriptReloadFailed(const QString &reason);
    // Caller's thread: a replayCall ended (or could not run, e.g. the server stopped first).
    void callReplayed(quint64 id, const qpalm::CallReplayResult &result);
};

} // namespace qpalm
