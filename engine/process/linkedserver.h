// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "serverhandle.h"

#include <QHash>

#include <functional>

namespace qpalm {

class ControlLink;

namespace remote {
struct RemoteServerStatus;
}

// A server seen through a control link: relays its status, stats, records and level, and carries
// start, stop, level and script commands to it. Subclasses decide what a lost link means.
class LinkedServer : public ServerHandle
{
    Q_OBJECT
public:
    const ServerConfig &config() const override { return m_config; }
    State state() const override { return m_state; }
    QString errorString() const override { return m_error; }
    LogLevel logLevel() const override { return m_config.logLevel; }
    QMap<QString, QString> addresses() const override { return m_addresses; }
    ServerStats stats() const override { return m_stats; }
    quint64 generation() const override { return m_generation; }
    // What the server reports it runs (fetched over the link when it changes), else the config's.
    ScriptSource runningScript() const override;

    void setLogLevel(qpalm::LogLevel level) override;
    void reloadScript(const qpalm::ScriptSource &script) override;

protected:
    LinkedServer(ServerConfig config, QObject *parent);

    // The link's view of the server's state: what the handle shows while the link is up.
    virtual void remoteStateChanged(State state, const QString &error);
    virtual void linkLost() = 0;
    virtual void linkUp() {}
    void setState(State state);
    // One record of ours (supervision) in the server's log.
    void logRecord(LogLevel level, const QString &text);

    ServerConfig m_config;
    State m_state = State::Stopped;
    QString m_error;
    QMap<QString, QString> m_addresses;
    ServerStats m_stats;
    quint64 m_generation = 0;
    ControlLink *m_link = nullptr;
    quint64 m_recordSequence = 0; // for records of our own
    ScriptSource m_runningScript; // as last fetched over the link

private:
    void onStatus(const remote::RemoteServerStatus &status);
    void onAnswer(quint64 id, bool ok, const QString &reason);

    QHash<quint64, std::function<void(bool, const QString &)>> m_pending;
};

} // namespace qpalm
