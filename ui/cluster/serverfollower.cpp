// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "serverfollower.h"

#include "cluster.h"
#include "serverhandle.h"

namespace qpalm {

ServerFollower::ServerFollower(QObject *parent) : QObject(parent) {}

void ServerFollower::letGo()
{
    if (m_cluster)
        disconnect(m_cluster, nullptr, this, nullptr);
    m_cluster = nullptr;
    for (const auto &server : std::as_const(m_servers)) {
        if (server)
            disconnect(server, nullptr, this, nullptr);
    }
    m_servers.clear();
}

void ServerFollower::setServers(const QList<ServerHandle *> &servers)
{
    letGo();
    for (ServerHandle *server : servers)
        follow(server);
    Q_EMIT serversChanged();
}

void ServerFollower::setCluster(Cluster *cluster)
{
    setServers(cluster ? cluster->servers() : QList<ServerHandle *>());
    m_cluster = cluster;
    if (!cluster)
        return;
    connect(cluster, &Cluster::serverAdded, this, [this](ServerHandle *server) {
        follow(server);
        Q_EMIT serversChanged();
    });
    connect(cluster, &Cluster::serverAboutToBeRemoved, this, &ServerFollower::forget);
}

void ServerFollower::follow(ServerHandle *server)
{
    if (!server || m_servers.contains(server))
        return;
    m_servers.append(server);
    connect(server, &ServerHandle::stateChanged, this,
            [this, server] { Q_EMIT serverStateChanged(server); });
    connect(server, &QObject::destroyed, this, [this](QObject *gone) {
        m_servers.removeIf([gone](const QPointer<ServerHandle> &p) {
            return !p || static_cast<QObject *>(p.data()) == gone;
        });
        Q_EMIT serversChanged();
    });
}

void ServerFollower::forget(ServerHandle *server)
{
    disconnect(server, nullptr, this, nullptr);
    m_servers.removeIf([server](const QPointer<ServerHandle> &p) { return !p || p == server; });
    Q_EMIT serversChanged();
}

Cluster *ServerFollower::cluster() const
{
    return m_cluster;
}

QList<ServerHandle *> ServerFollower::servers() const
{
    QList<ServerHandle *> out;
    for (const auto &server : m_servers) {
        if (server)
            out.append(server);
    }
    return out;
}

} // namespace qpalm
