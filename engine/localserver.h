#pragma once

#include "serverhandle.h"

#include <memory>

namespace qpalm {

class ServerActor;

// A server running as an actor on its own QThread, commanded over an inproc pipe.
class LocalServer final : public ServerHandle
{
    Q_OBJECT
public:
    explicit LocalServer(ServerConfig config, QObject *parent = nullptr);
    ~LocalServer() override;

    const ServerConfig &config() const override { return m_config; }
    State state() const override { return m_state; }
    QString errorString() const override { return m_error; }
    LogLevel logLevel() const override { return m_config.logLevel; }
    QMap<QString, QString> addresses() const override { return m_addresses; }
    ServerStats stats() const override { return m_stats; }

    bool start() override;
    void stop() override;
    void setLogLevel(qpalm::LogLevel level) override;
    bool reloadScript(const QString &scriptPath, QString *errorText = nullptr) override;
    void requestScriptReload(const QString &scriptPath) override;

    // How long start waits for the handshake.
    void setStartTimeout(int msecs) { m_startTimeoutMs = msecs; }

private:
    friend class ServerActor;
    void setState(State state);
    // Called through queued invocations from the actor thread.
    void deliverRecords(LogBatch records);
    void deliverStats(ServerStats stats);
    void deliverReload(bool ok, const QString &scriptPath, const QString &error);

    ServerConfig m_config;
    State m_state = State::Stopped;
    QString m_error;
    QMap<QString, QString> m_addresses;
    ServerStats m_stats;
    int m_startTimeoutMs = 15000;
    std::unique_ptr<ServerActor> m_actor;
};

} // namespace qpalm
