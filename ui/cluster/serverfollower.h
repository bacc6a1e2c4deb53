// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>

namespace qpalm {

class Cluster;
class ServerHandle;

// Follows a list of servers, or a cluster's servers as they join and leave, and tells when the
// list or a server's state changes. Shared by the views that list servers.
class ServerFollower : public QObject
{
    Q_OBJECT
public:
    explicit ServerFollower(QObject *parent = nullptr);

    // Follows these servers (a cluster followed before is let go).
    void setServers(const QList<ServerHandle *> &servers);
    // Follows cluster's servers, including those added later (nullptr: none).
    void setCluster(Cluster *cluster);
    Cluster *cluster() const;
    // The followed servers that still exist, in the order they came.
    QList<ServerHandle *> servers() const;

Q_SIGNALS:
    // GUI thread: a server joined or left, or the list was replaced.
    void serversChanged();
    // GUI thread: a followed server's state changed.
    void serverStateChanged(qpalm::ServerHandle *server);

private:
    void follow(ServerHandle *server);
    void forget(ServerHandle *server);
    void letGo();

    QList<QPointer<ServerHandle>> m_servers;
    QPointer<Cluster> m_cluster;
};

} // namespace qpalm
