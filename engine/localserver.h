// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "server/actorevents.h"
#include "serverhandle.h"

#include <QList>

#include <memory>

namespace zmq {
class socket_t;
}

namespace qpalm {

class ActorControl;

// A server running as an actor on its own thread of this process; never blocks its caller.
class LocalServer final : public ServerHandle, private ActorEvents
{
    Q_OBJECT
public:
    explicit LocalServer(ServerConfig config, QObject *parent = nullptr);
    // Asks a running server to stop and returns; its thread finishes on its own.
    ~LocalServer() override;

    const ServerConfig &config() const override { return m_config; }
    State state() const override { return m_state; }
    QString errorString() const override { return m_error; }
    LogLevel logLevel() const override { return m_config.logLevel; }
    QMap<QString, QString> addresses() const override { return m_addresses; }
    ServerStats stats() const override { return m_stats; }
    quint64 generation() const override { return m_generation; }
    ScriptSource runningScript() const override { return m_runningScript; }
    bool canReplayCalls() const override { return true; }
    quint64 replayCall(qpalm::FailedCall call, const qpalm::Message &message,
                       QString *why) override;

    void start() override;
    void stop() override;
    void setLogLevel(qpalm::LogLevel level) override;
    void reloadScript(const qpalm::ScriptSource &script) override;

private:
    // ActorEvents, on the actor thread: queued to onEvent on this object's thread.
    void deliver(ServerEvent &&event) override;
    void onEvent(const ServerEvent &event);
    // Sends it with the next sequence number, which it returns.
    quint64 sendCommand(ServerCommand command);
    // Ends every replayCall not answered yet with reason (the run is over).
    void failPendingReplays(const QString &reason);
    void setState(State state);
    void failLater(const QString &reason);
    void releaseRun();

    ServerConfig m_config;
    State m_state = State::Stopped;
    QString m_error;
    QMap<QString, QString> m_addresses;
    ServerStats m_stats;
    quint64 m_generation = 0;
    quint64 m_commandSequence = 0;
    std::shared_ptr<ActorControl> m_control;            // the current (or last) run
    QList<std::shared_ptr<ActorControl>> m_earlierRuns; // may still be finishing; report to us
    std::unique_ptr<zmq::socket_t> m_pipe; // this thread's end of the run's command pipe
    QList<ScriptSource> m_pendingReloads;  // sent, not answered yet, in order
    ScriptSource m_runningScript;          // what the current (or last) run serves
    QList<std::pair<quint64, FailedCall>> m_pendingReplays; // replayCall ids not answered yet
};

} // namespace qpalm
