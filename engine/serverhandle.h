#pragma once

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
    enum class State { Stopped, Starting, Running, Stopping, Failed };
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
    // Latest stats received.
    virtual ServerStats stats() const = 0;

public Q_SLOTS:
    // Starts and waits for the ready handshake; emits started or failed before returning.
    virtual bool start() = 0;
    // Stops promptly and emits stopped; does nothing when not running.
    virtual void stop() = 0;
    virtual void setLogLevel(qpalm::LogLevel level) = 0;
    // Swaps in a script between two messages; false (old script kept) with the reason.
    virtual bool reloadScript(const QString &scriptPath, QString *errorText = nullptr) = 0;
    // Starts the same swap and returns at once; scriptReloaded or scriptReloadFailed tells how it
    // went.
    virtual void requestScriptReload(const QString &scriptPath) = 0;

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
    // Caller's thread: a script reload took effect, or failed with the reason.
    void scriptReloaded(const QString &scriptPath);
    void scriptReloadFailed(const QString &reason);
};

} // namespace qpalm
