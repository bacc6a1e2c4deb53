#include "cluster.h"

#include "localserver.h"

#include <QRegularExpression>

#include <algorithm>

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
    stopAll();
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

bool Cluster::startAll()
{
    QList<ServerHandle *> order = m_servers;
    std::stable_sort(order.begin(), order.end(), [](ServerHandle *a, ServerHandle *b) {
        return startRank(a->kind()) < startRank(b->kind());
    });
    bool ok = true;
    for (ServerHandle *server : order) {
        if (server->state() == ServerHandle::State::Running)
            continue;
        ok = server->start() && ok;
    }
    return ok;
}

void Cluster::stopAll()
{
    QList<ServerHandle *> order = m_servers;
    std::stable_sort(order.begin(), order.end(), [](ServerHandle *a, ServerHandle *b) {
        return startRank(a->kind()) > startRank(b->kind());
    });
    for (ServerHandle *server : order)
        server->stop();
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
