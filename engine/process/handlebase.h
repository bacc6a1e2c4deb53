// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "serverhandle.h"

namespace qpalm {

class ProcessSupervisor;

// A ServerHandle that keeps its config, state, error, stats and run number itself (linked
// servers and external processes): state changes are signalled once, and records of its own
// (supervision) go out through publishOwn.
class HandleBase : public ServerHandle
{
    Q_OBJECT
public:
    const ServerConfig &config() const override { return m_config; }
    State state() const override { return m_state; }
    QString errorString() const override { return m_error; }
    LogLevel logLevel() const override { return m_config.logLevel; }
    ServerStats stats() const override { return m_stats; }
    quint64 generation() const override { return m_generation; }

protected:
    HandleBase(ServerConfig config, QObject *parent);

    void setState(State state);
    // One record of ours (supervision) in the server's log.
    void logRecord(LogLevel level, const QString &text);
    // Where logRecord's records go; the default emits recordsLogged.
    virtual void publishOwn(const LogBatch &records);

    ServerConfig m_config;
    State m_state = State::Stopped;
    QString m_error;
    ServerStats m_stats;
    quint64 m_generation = 0;

private:
    friend class ProcessSupervisor; // settles the handle when its process ends
};

} // namespace qpalm
