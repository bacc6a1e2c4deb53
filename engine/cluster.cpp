#include "cluster.h"

#include "localserver.h"

#include <QPointer>
#include <QRegularExpression>
#include <QScopeGuard>

#include <algorithm>
#include <functional>
#include <memory>

namespace qpalm {

namespace {
// Servers that bind come first so workers and subscribers find them.
int startRank(ServerKind kind)
{
    switch (kind) {
    case ServerKind::Master:
    case ServerKind::Hub:
    case ServerKind::Server:
        return 0;
    case ServerKind::Pipeline:
    case ServerKind::Sink:
        return 1;
    case ServerKind::Worker:
        return 2;
    }
    return 3;
}
} // namespace

Cluster::Cluster(QObject *parent) : QObject(parent) {}

Cluster::~Cluster()
{
    // The handles (children) ask their servers to stop as they go; nothing waits here.
    delete m_sequence;
    m_sequence = nullptr;
}

QList<ServerConfig> Cluster::expandReplicas(const QList<ServerConfig> &configs)
{
    QList<ServerConfig> out;
    for (const ServerConfig &config : configs) {
        if (config.kind != ServerKind::Worker || config.replicas <= 1) {
            ServerConfig single = config;
            if (config.kind == ServerKind::Worker && config.replicas == 1)
                single.name = config.name;
            single.replicas = 1;
            out.append(single);
            continue;
        }
        for (int i = 1; i <= config.replicas; ++i) {
            ServerConfig replica = config;
            replica.name = QStringLiteral("%1-%2").arg(config.name).arg(i);
            replica.replicas = 1;
            out.append(replica);
        }
    }
    return out;
}

void Cluster::addServers(const QList<ServerConfig> &configs)
{
    for (const ServerConfig &config : configs) {
        if (config.kind == ServerKind::Worker)
            m_replicaTemplates.insert(config.name, config);
    }
    for (const ServerConfig &config : expandReplicas(configs))
        addServer(config);
}

ServerHandle *Cluster::addServer(const ServerConfig &config)
{
    auto *server = new LocalServer(config, this);
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

void Cluster::startAll()
{
    runByRank(true);
}

void Cluster::stopAll()
{
    runByRank(false);
}

void Cluster::runByRank(bool starting)
{
    using State = ServerHandle::State;
    delete m_sequence; // a newer request replaces the one under way
    m_sequence = new QObject(this);
    QObject *sequence = m_sequence;

    QMap<int, QList<QPointer<ServerHandle>>> byRank;
    for (ServerHandle *server : std::as_const(m_servers))
        byRank[starting ? startRank(server->kind()) : -startRank(server->kind())].append(server);
    auto ranks = std::make_shared<QList<QList<QPointer<ServerHandle>>>>(byRank.values());
    auto ok = std::make_shared<bool>(true);
    auto index = std::make_shared<int>(-1);
    auto settled = [starting](ServerHandle *server) {
        const State state = server->state();
        return starting
                   ? state == State::Running || state == State::Failed || state == State::Stopped
                   : state == State::Stopped || state == State::Failed;
    };
    auto busy = std::make_shared<bool>(false);
    auto step = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> weakStep = step;
    *step = [this, sequence, ranks, ok, index, settled, weakStep, busy, starting] {
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
                        [step = weakStep.lock()] { (*step)(); });
                if (starting && server->state() == State::Running)
                    continue;
                if (starting)
                    server->start();
                else
                    server->stop();
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

QList<ServerHandle *> Cluster::replicas(const QString &baseName) const
{
    static const QRegularExpression suffix(QStringLiteral("^(.*)-(\\d+)$"));
    QList<ServerHandle *> out;
    for (ServerHandle *server : m_servers) {
        if (server->kind() != ServerKind::Worker)
            continue;
        const auto match = suffix.match(server->name());
        if ((match.hasMatch() && match.captured(1) == baseName) || server->name() == baseName)
            out.append(server);
    }
    return out;
}

ServerHandle *Cluster::addReplica(const QString &baseName, bool running)
{
    ServerConfig config;
    if (m_replicaTemplates.contains(baseName)) {
        config = m_replicaTemplates.value(baseName);
    } else {
        const QList<ServerHandle *> existing = replicas(baseName);
        if (existing.isEmpty())
            return nullptr;
        config = existing.front()->config();
        m_replicaTemplates.insert(baseName, config);
    }
    int highest = 0;
    static const QRegularExpression suffix(QStringLiteral("^(.*)-(\\d+)$"));
    for (ServerHandle *server : replicas(baseName)) {
        const auto match = suffix.match(server->name());
        if (match.hasMatch())
            highest = std::max(highest, match.captured(2).toInt());
    }
    config.name = QStringLiteral("%1-%2").arg(baseName).arg(highest + 1);
    config.replicas = 1;
    ServerHandle *server = addServer(config);
    if (running)
        server->start();
    return server;
}

bool Cluster::removeReplica(const QString &baseName)
{
    const QList<ServerHandle *> existing = replicas(baseName);
    if (existing.isEmpty())
        return false;
    static const QRegularExpression suffix(QStringLiteral("^(.*)-(\\d+)$"));
    ServerHandle *last = existing.front();
    int highest = -1;
    for (ServerHandle *server : existing) {
        const auto match = suffix.match(server->name());
        const int number = match.hasMatch() ? match.captured(2).toInt() : 0;
        if (number > highest) {
            highest = number;
            last = server;
        }
    }
    removeServer(last);
    return true;
}

} // namespace qpalm
