// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "remote/controlsockets.h"
#include "remote/remotestatus.h"

#include <QList>
#include <QObject>

#include <memory>

namespace qpalm {

class Cluster;
class ServerHandle;
struct ScriptSource;

namespace remote {

// (Above cluster.h, so that engine/remote/ stays below the handles that use it.)
// A control channel for servers of this process: commands arrive on the socket thread
// (ControlSockets) and are carried out here, on the thread the handles live on, through their
// ServerHandle API only; their records, stats and state changes go out to the watchers.
class ControlChannel : public QObject
{
    Q_OBJECT
public:
    // servers must outlive the channel and live on this object's thread.
    explicit ControlChannel(const QList<ServerHandle *> &servers, QObject *parent = nullptr);
    // Follows the cluster's servers as they come and go; can change replicas. cluster must
    // outlive the channel.
    explicit ControlChannel(Cluster *cluster, QObject *parent = nullptr);
    ~ControlChannel() override;

    // Binds; false with the reason. Scripts are accepted only when the channel is local or CURVE.
    bool start(const ControlSocketOptions &options, QString *error);
    // The bound address, wildcards resolved.
    QString address() const { return m_address; }

Q_SIGNALS:
    // Channel's thread (queued from the socket thread): a peer was refused, once per peer.
    void peerRefused(const QString &description);
    // Channel's thread: a command was carried out (for the server's own log).
    void commandHandled(const QString &description);

private:
    void handleRequest(const QByteArray &peer, const QByteArray &bytes);
    void watchServer(ServerHandle *server);
    ServerHandle *find(const QString &name) const;
    void changeReplicas(const QByteArray &peer, quint64 id, const QString &entry, int count);
    void answer(const QByteArray &peer, quint64 id, bool ok, const QString &reason = {},
                bool withStatus = false);

    QList<ServerHandle *> m_servers;
    Cluster *m_cluster = nullptr;
    std::unique_ptr<ControlSockets> m_sockets;
    QString m_address;
    bool m_scriptsAllowed = false;
};

// Changes when a server's running script does (name or content); 0 for none.
quint64 scriptDigest(const ScriptSource &script);

// The status of a server as the channel reports it.
RemoteServerStatus statusOf(const ServerHandle *server);

} // namespace remote
} // namespace qpalm
