#pragma once

#include "serverconfig.h"

#include <QList>
#include <QMap>
#include <QObject>

namespace qpalm {

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
    // Stops and deletes one server.
    void removeServer(ServerHandle *server);
    QList<ServerHandle *> servers() const { return m_servers; }
    ServerHandle *server(const QString &name) const;

    // Starts every stopped server, binding ones first; false when any failed (the rest keep
    // running).
    bool startAll();
    // Stops every running server, workers first.
    void stopAll();

    // Worker replicas named base-1, base-2, ... currently in the cluster.
    QList<ServerHandle *> replicas(const QString &baseName) const;
    // Adds a replica of base (started when running is true); returns it.
    ServerHandle *addReplica(const QString &baseName, bool running);
    // Stops and removes the replica with the highest number; false when none is left.
    bool removeReplica(const QString &baseName);

    // Expands replicas of worker entries into concrete configs.
    static QList<ServerConfig> expandReplicas(const QList<ServerConfig> &configs);

Q_SIGNALS:
    // Caller's thread: a server joined or is about to leave the cluster.
    void serverAdded(qpalm::ServerHandle *server);
    void serverAboutToBeRemoved(qpalm::ServerHandle *server);

private:
    QList<ServerHandle *> m_servers;
    QMap<QString, ServerConfig> m_replicaTemplates;
};

} // namespace qpalm
