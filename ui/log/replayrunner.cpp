// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "replayrunner.h"

#include "callreplayresult.h"
#include "client.h"
#include "cluster.h"
#include "clustergraph.h"
#include "message.h"
#include "serverhandle.h"

#include <QThread>
#include <QTimer>

namespace qpalm {

namespace {

bool isRunning(const ServerHandle *server)
{
    return server && server->state() == ServerHandle::State::Running;
}

} // namespace

ReplayTarget replayTargetFor(const Cluster *cluster, const QString &failedServer, QString *why)
{
    QString reason;
    ReplayTarget target;
    const ServerHandle *failed = cluster ? cluster->server(failedServer) : nullptr;
    const ServerHandle *chosen = nullptr;
    if (!cluster) {
        reason = QObject::tr("No cluster is open.");
    } else if (!failed) {
        reason = QObject::tr("Server '%1' is no longer in the cluster.").arg(failedServer);
    } else if (Cluster::resolvedConfig(failed).kind == ServerKind::Worker) {
        // A worker's db_address is its master's cache: replay through that master.
        const QString db = failed->address(QStringLiteral("db_address"));
        for (const ServerHandle *s : cluster->servers()) {
            if (s != failed && Cluster::resolvedConfig(s).kind != ServerKind::Worker &&
                !db.isEmpty() && s->address(QStringLiteral("db_address")) == db)
                chosen = s;
        }
    } else if (!failed->address(QStringLiteral("pull_address")).isEmpty()) {
        chosen = failed;
    }
    if (cluster && failed && !chosen) {
        // A pipeline stage or sink: the server clients send to starts the message's path again.
        const QList<ClusterGraph::Edge> edges = cluster->graph().edges();
        for (const ClusterGraph::Edge &edge : edges) {
            if (edge.kind == ClusterGraph::EdgeKind::Request) {
                chosen = cluster->server(edge.to);
                break;
            }
        }
        if (!chosen)
            reason = QObject::tr("No server of the cluster takes messages from clients.");
    }
    if (chosen && !isRunning(chosen))
        reason = QObject::tr("Server '%1' is not running; start it to replay.").arg(chosen->name());
    if (chosen && reason.isEmpty()) {
        target.serverName = chosen->name();
        target.dbAddress = chosen->address(QStringLiteral("db_address"));
        if (target.dbAddress.isEmpty())
            reason = QObject::tr("Server '%1' has no db_address.").arg(chosen->name());
    }
    if (!reason.isEmpty())
        target = {};
    if (why)
        *why = reason;
    return target;
}

ReplayPlan planReplay(const Cluster *cluster, const QString &failedServer, FailedCall call,
                      const Message &message, qint64 payloadBytes)
{
    ReplayPlan plan;
    plan.call = call;
    const auto refuse = [&plan](const QString &why, bool lasting) {
        plan.way = ReplayPlan::Way::None;
        plan.why = why;
        plan.lasting = lasting;
        return plan;
    };
    if (payloadBytes > qint64(message.payload.size()))
        return refuse(QObject::tr("The payload was %1 bytes; only the first %2 are kept, so it "
                                  "cannot be replayed exactly.")
                          .arg(payloadBytes)
                          .arg(message.payload.size()),
                      true);
    const ServerHandle *failed = cluster ? cluster->server(failedServer) : nullptr;
    const bool isWorker = failed && Cluster::resolvedConfig(failed).kind == ServerKind::Worker;
    if (call == FailedCall::Unknown && isWorker)
        call = FailedCall::Handler; // a worker runs nothing but handlers
    switch (call) {
    case FailedCall::Unknown:
        return refuse(QObject::tr("The error record does not say which function failed (it came "
                                  "from an older server), so a replay might test another function "
                                  "than the one that failed."),
                      true);
    case FailedCall::Handler:
    case FailedCall::Scatter: {
        QString why;
        plan.target = replayTargetFor(cluster, failedServer, &why);
        if (plan.target.dbAddress.isEmpty())
            return refuse(why, false);
        plan.way = ReplayPlan::Way::Client;
        plan.description =
            QObject::tr("Send the message that failed in %1 again through %2, as a client's, "
                        "and show the answer")
                .arg(failedCallName(call), plan.target.serverName);
        return plan;
    }
    case FailedCall::Gather:
    case FailedCall::HandleStream:
        break;
    }
    const QString name = failedCallName(call);
    if (!cluster)
        return refuse(QObject::tr("No cluster is open."), false);
    ServerHandle *server = cluster->server(failedServer);
    if (!server)
        return refuse(QObject::tr("Server '%1' is no longer in the cluster.").arg(failedServer),
                      true);
    if (!server->canReplayCalls()) {
        const QString where = server->hostLabel().isEmpty()
                                  ? QObject::tr("in another process")
                                  : QObject::tr("on %1").arg(server->hostLabel());
        return refuse(QObject::tr("Replay of a %1 error runs %1 on the exact input that failed, "
                                  "inside its server; '%2' runs %3, where the app cannot do that "
                                  "yet. Sending the message in as a client's would go through "
                                  "other functions first and not check this input.")
                          .arg(name, failedServer, where),
                      true);
    }
    if (server->state() != ServerHandle::State::Running)
        return refuse(
            QObject::tr("Server '%1' is not running; start it to replay.").arg(failedServer),
            false);
    plan.way = ReplayPlan::Way::Call;
    plan.server = server;
    plan.description = QObject::tr("Run %1 of %2's current script on the exact input that "
                                   "failed, and show what it gives (nothing is sent on)")
                           .arg(name, failedServer);
    return plan;
}

ReplayRunner::ReplayRunner(QObject *parent) : QObject(parent), m_callTimer(new QTimer(this))
{
    m_callTimer->setSingleShot(true);
    connect(m_callTimer, &QTimer::timeout, this, [this] {
        CallReplayResult result;
        result.call = m_call;
        result.text = tr("no answer from the server within %1 s").arg(CallTimeoutMs / 1000);
        endCall(result);
    });
}

bool ReplayRunner::startCall(ServerHandle *server, FailedCall call, const Message &message,
                             QString *why)
{
    if (isRunning()) {
        if (why)
            *why = tr("A replay is already running.");
        return false;
    }
    if (!server) {
        if (why)
            *why = tr("The server is gone.");
        return false;
    }
    m_callServer = server;
    m_call = call;
    // Connected before the call: its answer is queued, never emitted within replayCall.
    m_callConnection = connect(server, &ServerHandle::callReplayed, this,
                               [this](quint64 id, const CallReplayResult &result) {
                                   if (id == m_callId)
                                       endCall(result);
                               });
    m_callId = server->replayCall(call, message, why);
    if (m_callId == 0) {
        disconnect(m_callConnection);
        m_callServer.clear();
        return false;
    }
    m_callTimer->start(CallTimeoutMs);
    return true;
}

void ReplayRunner::endCall(const CallReplayResult &result)
{
    disconnect(m_callConnection);
    m_callTimer->stop();
    m_callId = 0;
    m_callServer.clear();
    Q_EMIT callFinished(result);
}

ReplayRunner::~ReplayRunner()
{
    if (m_thread) {
        m_cancel->store(true);
        m_thread->wait();
        delete m_thread;
    }
}

bool ReplayRunner::start(const ReplayTarget &target, const Message &message)
{
    if (isRunning())
        return false;
    struct Outcome
    {
        bool ok = false;
        QByteArrayList replies;
        QString error;
    };
    auto outcome = std::make_shared<Outcome>();
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto cancel = m_cancel;
    Client::Options options;
    options.serverName = target.serverName.toStdString();
    options.dbAddress = target.dbAddress.toStdString();
    options.timeoutMs = TimeoutMs;
    const Message sent = message;
    m_thread = QThread::create([options, sent, outcome, cancel] {
        // The client, and so its sockets, lives and dies on this thread.
        Client client(options);
        client.setInterrupt(cancel.get());
        if (!client.connect()) {
            outcome->error = QString::fromStdString(client.lastError());
            return;
        }
        const auto replies = client.eval(sent.function, sent.payload, 1, sent.cache);
        if (!replies) {
            outcome->error = QString::fromStdString(client.lastError());
            return;
        }
        for (const std::string &r : *replies)
            outcome->replies.append(QByteArray::fromStdString(r));
        outcome->ok = true;
    });
    connect(m_thread, &QThread::finished, this, [this, outcome] {
        m_thread->deleteLater();
        m_thread = nullptr;
        Q_EMIT finished(outcome->ok, outcome->replies, outcome->error);
    });
    m_thread->start();
    return true;
}

} // namespace qpalm
