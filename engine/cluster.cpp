// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster.h"

#include "clustergraph.h"
#include "localserver.h"
#include "process/childserver.h"
#include "process/externalprocess.h"
#include "process/remoteserver.h"
#include "servertraits.h"

#include <QHash>
#include <QPointer>
#include <QScopeGuard>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <memory>

namespace qpalm {

Cluster::Cluster(QObject *parent) : QObject(parent) {}

Cluster::~Cluster()
{
    // The handles (children) ask their servers to stop as they go; nothing waits here.
    delete m_sequence;
    m_sequence = nullptr;
}

void Cluster::addServers(const QList<ServerConfig> &configs)
{
    for (const ServerConfig &config : configs) {
        if (traitsOf(config.kind).takesReplicas)
            m_replicaTemplates.insert(config.name, config);
    }
    for (const ServerConfig &config : expandReplicas(configs))
        addServer(config);
}

ServerHandle *Cluster::addServer(const ServerConfig &config)
{
    ServerConfig own = config;
    if (own.replica <= 0 || own.entry.isEmpty()) {
        own.entry = own.name;
        own.replica = 0;
    }
    ServerHandle *server = nullptr;
    if (own.attach.isSet())
        server = new RemoteServer(own, this);
    else if (own.kind == ServerKind::Process)
        server = new ExternalProcess(own, this);
    else if (own.run == RunMode::Process)
        server = new ChildServer(own, this);
    else
        server = new LocalServer(own, this);
    m_servers.append(server);
    Q_EMIT serverAdded(server);
    return server;
}

void Cluster::removeServer(ServerHandle *server)
{
    if (!m_servers.contains(server))
        return;
    Q_EMIT serverAboutToBeRemoved(server);
    m_servers.removeOne(server);
    if (!server->config().attach.isSet()) // not ours to stop
        server->stop();
    delete server;
}

ServerHandle *Cluster::server(const QString &name) const
{
    for (ServerHandle *server : m_servers)
        if (server->name() == name)
            return server;
    return nullptr;
}

ServerConfig Cluster::resolvedConfig(const ServerHandle *server)
{
    ServerConfig config = server->config();
    const QMap<QString, QString> addresses = server->addresses();
    for (auto it = addresses.cbegin(); it != addresses.cend(); ++it) {
        if (it.value().isEmpty())
            continue;
        if (const auto field = fieldFromName(it.key())) {
            if (QString *address = addressIn(config, *field))
                *address = it.value();
            continue;
        }
        const QString prefix = QStringLiteral("sub_addresses[");
        if (it.key().startsWith(prefix) && it.key().endsWith(u']')) {
            bool ok = false;
            const int i = QStringView(it.key()).mid(prefix.size()).chopped(1).toInt(&ok);
            if (ok && i >= 0 && i < config.subAddresses.size())
                config.subAddresses[i] = it.value();
        }
    }
    return config;
}

ClusterGraph Cluster::graph() const
{
    QList<ServerConfig> configs;
    configs.reserve(m_servers.size());
    for (const ServerHandle *server : m_servers)
        configs.append(resolvedConfig(server));
    return ClusterGraph(configs);
}

QList<ServerHandle *> Cluster::startOrder() const
{
    QList<ServerConfig> configs;
    QHash<QString, ServerHandle *> byName;
    for (ServerHandle *server : m_servers) {
        configs.append(server->config());
        byName.insert(server->name(), server);
    }
    QList<ServerHandle *> order;
    for (const QString &name : ClusterGraph(configs).startOrder())
        order.append(byName.value(name));
    order.removeAll(nullptr);
    return order;
}

void Cluster::startAll()
{
    runByRank(true);
}

void Cluster::stopAll(StopScope scope)
{
    // A detached server shows Unreachable, which counts as settled, and stop() does nothing.
    if (scope == StopScope::OwnOnly) {
        for (ServerHandle *server : std::as_const(m_servers)) {
            if (auto *remote = qobject_cast<RemoteServer *>(server))
                remote->detach();
        }
    }
    runByRank(false);
}

namespace {
// How long a server asked to start may keep its state before it counts as settled.
constexpr int kAnswerMs = 15000;
} // namespace

void Cluster::runByRank(bool starting)
{
    using State = ServerHandle::State;
    delete m_sequence; // a newer request replaces the one under way
    m_sequence = new QObject(this);
    QObject *sequence = m_sequence;

    QList<ServerConfig> configs;
    QHash<QString, ServerHandle *> byName;
    for (ServerHandle *server : std::as_const(m_servers)) {
        configs.append(server->config());
        byName.insert(server->name(), server);
    }
    auto ranks = std::make_shared<QList<QList<QPointer<ServerHandle>>>>();
    for (const QStringList &names : ClusterGraph(configs).startRanks()) {
        QList<QPointer<ServerHandle>> rank;
        for (const QString &name : names)
            rank.append(byName.value(name));
        if (starting)
            ranks->append(rank);
        else
            ranks->prepend(rank);
    }
    auto ok = std::make_shared<bool>(true);
    auto index = std::make_shared<int>(-1);
    // Servers asked to start that still show the state they had (a remote one reports Starting
    // only once its link answers): not settled until their state moves, or kAnswerMs passed.
    auto unanswered = std::make_shared<QSet<const ServerHandle *>>();
    auto settled = [starting, unanswered](ServerHandle *server) {
        const State state = server->state();
        // An unreachable server (remote or child) is not waited for either way.
        return starting ? state == State::Running || state == State::Failed ||
                              state == State::Unreachable ||
                              (state == State::Stopped && !unanswered->contains(server))
                        : state == State::Stopped || state == State::Failed ||
                              state == State::Unreachable;
    };
    auto busy = std::make_shared<bool>(false);
    auto step = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> weakStep = step;
    *step = [this, sequence, ranks, ok, index, settled, weakStep, busy, starting, unanswered] {
        // Changes that start() and stop() report while this runs are looked at right after.
        if (*busy || *index >= int(ranks->size()))
            return;
        const auto guard = qScopeGuard([busy] { *busy = false; });
        *busy = true;
        if (*index >= 0) {
            for (const QPointer<ServerHandle> &server : ranks->at(*index)) {
                if (server && !settled(server))
                    return; // wait for the rest of this rank
            }
            for (const QPointer<ServerHandle> &server : ranks->at(*index)) {
                if (starting && server && server->state() != State::Running)
                    *ok = false;
            }
        }
        while (++*index < ranks->size()) {
            bool waiting = false;
            for (const QPointer<ServerHandle> &server : ranks->at(*index)) {
                if (!server)
                    continue;
                connect(server, &ServerHandle::stateChanged, sequence,
                        [step = weakStep.lock(), unanswered, handle = server.data()] {
                            unanswered->remove(handle);
                            (*step)();
                        });
                if (starting && server->state() == State::Running)
                    continue;
                if (starting) {
                    const State before = server->state();
                    server->start();
                    if (server->state() == before && before != State::Unreachable) {
                        unanswered->insert(server);
                        QTimer::singleShot(
                            kAnswerMs, sequence,
                            [step = weakStep.lock(), unanswered, handle = server.data()] {
                                unanswered->remove(handle);
                                (*step)();
                            });
                    }
                } else {
                    server->stop();
                }
                waiting = waiting || !settled(server);
            }
            if (waiting)
                return;
            for (const QPointer<ServerHandle> &server : ranks->at(*index)) {
                if (starting && server && server->state() != State::Running)
                    *ok = false;
            }
        }
        // Done: report once, from the event loop, and forget the sequence.
        const bool result = *ok;
        QMetaObject::invokeMethod(
            this,
            [this, sequence, result, starting] {
                if (m_sequence != sequence)
                    return;
                m_sequence->deleteLater();
                m_sequence = nullptr;
                if (starting)
                    Q_EMIT allStarted(result);
                else
                    Q_EMIT allStopped();
            },
            Qt::QueuedConnection);
        *index = int(ranks->size()); // later state changes do nothing
    };
    (*step)();
}

QList<ServerHandle *> Cluster::replicas(const QString &entry) const
{
    QList<ServerHandle *> out;
    for (ServerHandle *server : m_servers) {
        if (traitsOf(server->kind()).takesReplicas && server->config().entry == entry)
            out.append(server);
    }
    return out;
}

ServerHandle *Cluster::addReplica(const QString &entry, bool running)
{
    ServerConfig config;
    const QList<ServerHandle *> existing = replicas(entry);
    if (m_replicaTemplates.contains(entry)) {
        config = m_replicaTemplates.value(entry);
    } else {
        if (existing.isEmpty())
            return nullptr;
        config = existing.front()->config();
        config.name = entry;
        m_replicaTemplates.insert(entry, config);
    }
    int number = 0;
    for (ServerHandle *server : existing)
        number = std::max(number, server->config().replica);
    QSet<QString> taken;
    for (ServerHandle *server : m_servers)
        taken.insert(server->name());
    // Names stay unique: skip numbers another server already has.
    do {
        config.name = replicaName(entry, ++number);
    } while (taken.contains(config.name));
    config.entry = entry;
    config.replica = number;
    config.replicas = 1;
    ServerHandle *server = addServer(config);
    if (running)
        server->start();
    return server;
}

bool Cluster::removeReplica(const QString &entry)
{
    const QList<ServerHandle *> existing = replicas(entry);
    if (existing.isEmpty())
        return false;
    ServerHandle *last = existing.front();
    for (ServerHandle *server : existing) {
        if (server->config().replica > last->config().replica)
            last = server;
    }
    removeServer(last);
    return true;
}

} // namespace qpalm
