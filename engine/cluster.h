// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "serverconfig.h"

#include <QList>
#include <QMap>
#include <QObject>

namespace qpalm {

class ClusterGraph;
class ServerHandle;

// A set of servers run together: starts servers before their workers and stops in reverse.
class Cluster : public QObject
{
    Q_OBJECT
public:
    explicit Cluster(QObject *parent = nullptr);
    ~Cluster() override;

    // Adds one server per config (worker replicas expanded to name-1, name-2, ...).
    void addServers(const QList<ServerConfig> &configs);
    // Adds one server; the cluster owns the handle.
    ServerHandle *addServer(const ServerConfig &config);
    // Stops and deletes one server; an attached one (config().attach) is only let go: it keeps
    // running where it is.
    void removeServer(ServerHandle *server);
    QList<ServerHandle *> servers() const { return m_servers; }
    ServerHandle *server(const QString &name) const;

    // Returns at once; starts every stopped server by rank (a rank starts once the one before is
    // up), then allStarted(ok), ok false when any failed (the rest keep running).
    void startAll();
    // Which servers stopAll stops.
    enum class StopScope {
        All,    // attached servers too (the user's Stop all)
        OwnOnly // a supervisor shutting down: attached servers are detached and left running
    };
    // Returns at once; stops every server by rank in reverse (workers first), then allStopped.
    void stopAll(StopScope scope = StopScope::All);

    // The workers of a cluster-file entry (by ServerConfig::entry, never by name).
    QList<ServerHandle *> replicas(const QString &entry) const;
    // Adds a replica of entry named entry-N with the next free N (started when running is true).
    ServerHandle *addReplica(const QString &entry, bool running);
    // Stops and removes entry's replica with the highest number; false when none is left.
    bool removeReplica(const QString &entry);
    // Servers in ClusterGraph::startOrder(); stop in the reverse.
    QList<ServerHandle *> startOrder() const;
    // Who talks to whom, from each server's addresses as resolved once bound (or read from its
    // master's cache), else as configured.
    ClusterGraph graph() const;
    // A server's config with the addresses it resolved in place of the configured ones.
    static ServerConfig resolvedConfig(const ServerHandle *server);

    // The name of an entry's replica number n: "w-3". Only made, never parsed back.
    static QString replicaName(const QString &entry, int replica)
    {
        return qpalm::replicaName(entry, replica);
    }
    // Expands worker entries into concrete configs, setting entry and replica on each.
    static QList<ServerConfig> expandReplicas(const QList<ServerConfig> &configs)
    {
        return qpalm::expandReplicas(configs);
    }

Q_SIGNALS:
    // Caller's thread: startAll finished; ok is false when any server failed to start.
    void allStarted(bool ok);
    // Caller's thread: stopAll finished; every server is stopped (or failed).
    void allStopped();
    // Caller's thread: a server joined or is about to leave the cluster.
    void serverAdded(qpalm::ServerHandle *server);
    void serverAboutToBeRemoved(qpalm::ServerHandle *server);

private:
    // Acts on the servers rank by rank (reversed for stopping); done(ok) once every server of
    // the last rank has settled. A newer sequence cancels an older one.
    void runByRank(bool starting);

    QList<ServerHandle *> m_servers;
    QObject *m_sequence = nullptr; // context of the running start/stop sequence
    QMap<QString, ServerConfig> m_replicaTemplates;
};

} // namespace qpalm
