// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"

#include <QByteArrayList>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <memory>

class QThread;
class QTimer;

namespace qpalm {

class Cluster;
class ServerHandle;
struct CallReplayResult;
struct Message;

// Where a replay goes: a server clients can send to (its name and db_address).
struct ReplayTarget
{
    QString serverName;
    QString dbAddress;
};

// The server that takes a replay of a message that failed on `failedServer`: that server when
// clients can send to it, its master for a worker, else the cluster's entry point. Empty with
// the reason in why when none is running.
ReplayTarget replayTargetFor(const Cluster *cluster, const QString &failedServer, QString *why);

// How an error's kept message is replayed, by the function that failed on it.
struct ReplayPlan
{
    enum class Way {
        None,   // not at all: why says so
        Client, // handler or scatter: the message goes in again as a client's (target)
        Call    // gather or handle_stream: the server runs it on the recorded input (server)
    };
    Way way = Way::None;
    FailedCall call = FailedCall::Unknown;
    ReplayTarget target;            // Client
    ServerHandle *server = nullptr; // Call
    QString why;                    // None: the reason
    bool lasting = false;           // None: true when it will not change (disable Replay)
    QString description;            // otherwise: what Replay does, for its tooltip
};

// Plans the replay of a message that failed in call on failedServer (payloadBytes: its full size,
// more than kept when it was cut).
ReplayPlan planReplay(const Cluster *cluster, const QString &failedServer, FailedCall call,
                      const Message &message, qint64 payloadBytes);

// Replays one kept message: through the running cluster as a client's on a worker thread (engine
// Client, never a socket of its own), or as a gather/handle_stream call inside its server.
class ReplayRunner : public QObject
{
    Q_OBJECT
public:
    explicit ReplayRunner(QObject *parent = nullptr);
    ~ReplayRunner() override;

    static constexpr int TimeoutMs = 5000;
    // A call replay waits this long for its server (a Lua call's own limit is 5 s).
    static constexpr int CallTimeoutMs = 15000;

    bool isRunning() const { return m_thread != nullptr || m_callId != 0; }
    // Starts the replay; false (and finished is not emitted) while another one runs.
    bool start(const ReplayTarget &target, const Message &message);
    // Runs call on message inside server; false with why (callFinished is not emitted) when
    // another replay runs or the server refuses at once.
    bool startCall(ServerHandle *server, FailedCall call, const Message &message, QString *why);

Q_SIGNALS:
    // GUI (owner's) thread: the replay ended; replies in arrival order, or errorText.
    void finished(bool ok, const QByteArrayList &replies, const QString &errorText);
    // GUI (owner's) thread: a startCall replay ended (or timed out: ran false).
    void callFinished(const qpalm::CallReplayResult &result);

private:
    void endCall(const CallReplayResult &result);

    QThread *m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_callId = 0;
    FailedCall m_call = FailedCall::Unknown;
    QPointer<ServerHandle> m_callServer;
    QMetaObject::Connection m_callConnection;
    QTimer *m_callTimer;
};

} // namespace qpalm
