// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLatin1StringView>
#include <QList>
#include <QStringList>

#include <optional>

namespace qpalm {

// pylm's server kinds.
// Process: any command (e.g. a pylm worker in Python) run and supervised as a child process.
enum class ServerKind { Server, Master, Hub, Worker, Pipeline, Sink, Process };

// Keys of a cluster-file entry, in the order files are written and checked.
enum class ClusterField {
    Kind,
    Name,
    DbAddress,
    PullAddress,
    PubAddress,
    WorkerPullAddress,
    WorkerPushAddress,
    SubAddress,
    SubAddresses,
    Previous,
    Pipelined,
    ToClient,
    LogLevel,
    Script,
    Replicas,
    Limits,
    Delivery, // master, hub, worker: the reliable path (heartbeat, credit)
    Run,      // "threads" (default) or "process"
    Restart,  // "on-failure" (default), "always" or "never"
    Command,  // process kind: ["python3", "worker.py"]
    Cwd,
    Env,
    Attach // {"control": ADDR, "key": PATH.secret, "server_key": PATH.pub}
};

// The JSON key of a field, which is also pylm's parameter name for addresses ("db_address").
QLatin1StringView fieldName(ClusterField field);
std::optional<ClusterField> fieldFromName(QStringView name);
// Fields holding one address (not sub_addresses, which is a list).
bool isAddressField(ClusterField field);

// ZeroMQ socket types the servers use (pub is an XPUB so it sees its subscribers).
enum class SocketType { Rep, Req, Pull, Push, XPub, Sub };

// One socket of a server: which address parameter, which type, bound or connected.
struct SocketTraits
{
    ClusterField address;
    SocketType type;
    bool binds;
};

// Everything that differs between server kinds; the only place these rules live.
struct ServerKindTraits
{
    ServerKind kind;
    QLatin1StringView name; // "master"
    bool hasWorkers;        // binds worker_push/worker_pull and feeds workers
    bool servesCache;       // binds a REP socket on db_address
    bool bindsClientPull;   // clients push jobs to its pull_address
    bool subscribes;        // reads a SUB socket (sub_address or sub_addresses)
    bool takesReplicas;     // a cluster-file entry may ask for several copies
    int startRank;          // 0 = binds everything it serves; later ranks connect to earlier ones
    QList<SocketTraits> sockets;
    QList<ClusterField> fields;   // cluster-file keys it takes, in write and check order
    QList<ClusterField> required; // cluster-file keys it must have
    QStringList presetCacheKeys;  // cache keys set before its script runs

    bool takes(ClusterField field) const { return fields.contains(field); }
    bool needs(ClusterField field) const { return required.contains(field); }
    // Address fields it binds, in socket order.
    QList<ClusterField> boundFields() const;
    // "a master", for messages.
    QString withArticle() const;
    // "kind, name, db_address, ..." for messages.
    QString fieldList() const;
};

const ServerKindTraits &traitsOf(ServerKind kind);
// Every kind, in ServerKind order.
const QList<ServerKindTraits> &allKindTraits();
// "server, master, hub, worker, pipeline, sink or process".
QString kindNameList();

} // namespace qpalm
