// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "replayrunner.h"

#include "client.h"
#include "cluster.h"
#include "clustergraph.h"
#include "message.h"
#include "serverhandle.h"

#include <QThread>

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

ReplayRunner::ReplayRunner(QObject *parent) : QObject(parent) {}

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
    if (m_thread)
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
