// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"
#include "scriptsource.h"
#include "servertraits.h"

#include <QStringList>

#include <optional>

namespace qpalm {

// "server", "master", "hub", "worker", "pipeline", "sink".
QString kindName(ServerKind kind);
std::optional<ServerKind> parseKind(QStringView text);

// Limits on one server's script; each breach is a caught user error.
struct ScriptLimits
{
    int timeLimitMs = 5000;                        // per call
    qint64 memoryLimitBytes = 256LL * 1024 * 1024; // per Lua state
    int stackDepth = 200;                          // nested Lua calls
};

// The reliable master-worker path (docs/delivery.md); qpalm masters, hubs and workers only.
struct DeliverySettings
{
    bool reliable = true;    // master/hub: offer the path; worker: use it when offered
    int heartbeatMs = 1000;  // both sides send one per interval when otherwise silent
    int heartbeatMissed = 3; // intervals of silence after which the peer is gone
    int credit = 256;        // worker: messages it may hold at once (its window)
    bool operator==(const DeliverySettings &) const = default;
};

// Where a server runs: this process's threads, or a child process of its own.
enum class RunMode { Threads, Process };
// When a supervised process is started again after it ends (as in Circus).
enum class RestartMode { OnFailure, Always, Never };

// A qpalm-server elsewhere, reached over its control channel (key paths empty on loopback/ipc).
struct AttachSpec
{
    QString control;       // control address, e.g. tcp://host:7000
    QString keyPath;       // our key pair (PATH.secret), CURVE only
    QString serverKeyPath; // the server's public key (PATH.pub), CURVE only
    bool isSet() const { return !control.isEmpty(); }
};

// CURVE on every data socket of a qpalm-only cluster (the cluster file's "data_security";
// docs/security.md). Bound sockets are CURVE servers with the cluster's key pair; connecting
// sockets are CURVE clients with it. A peer gets in with the cluster's key or an authorized one.
struct DataSecurity
{
    QString keyPath;              // the cluster's PATH.secret (absolute)
    QString authorizedPath;       // folder of further *.pub keys let in (absolute), or empty
    QByteArray publicKey;         // Z85, derived from the secret key
    QByteArray secretKey;         // Z85
    QList<QByteArray> authorized; // Z85 keys let in besides publicKey
    bool isSet() const { return !secretKey.isEmpty(); }
};

QString runModeName(RunMode mode);
QString restartModeName(RestartMode mode);

// Everything one server needs to run; parameter names follow pylm.
struct ServerConfig
{
    ServerKind kind = ServerKind::Server;
    QString name;
    QString dbAddress;
    QString pullAddress;
    QString pubAddress;
    QString workerPullAddress;
    QString workerPushAddress;
    QString subAddress;       // pipeline, hub
    QStringList subAddresses; // sink
    QStringList previous;     // pipeline and hub: one topic; sink: one per sub address
    bool pipelined = false;
    bool toClient = true; // pipeline: topic = client (true) or pipelined (false)
    LogLevel logLevel = LogLevel::Info;
    QString scriptPath;  // the editing side's file (absolute once loaded from a cluster file)
    ScriptSource script; // what runs; read from scriptPath at start when empty
    ScriptLimits limits;
    DeliverySettings delivery;
    DataSecurity dataSecurity; // the cluster file's, on every entry; unset: plaintext (pylm)
    int replicas = 1;          // workers, in cluster files only
    QString entry;   // the cluster-file entry this server came from (its name when not a replica)
    int replica = 0; // 1..n for an expanded replica of entry, 0 otherwise
    QString nativeHandlers;     // name of a NativeHandlers::registerSet set, or empty
    bool printLog = false;      // also print pylm lines on stdout from the server thread
    int publishGraceMs = 1000;  // how long a reply waits for its topic's first subscriber
    int configTimeoutMs = 5000; // worker: how long to wait for the master's cache at start
    int cacheTimeoutMs = 1000;  // worker: bound on one self.get/set/delete (then a Lua error)
    RunMode run = RunMode::Threads;
    RestartMode restart = RestartMode::OnFailure; // run: process and kind process
    QStringList command;                          // kind process: program and arguments
    QString cwd;                                  // kind process: working folder (absolute)
    QStringList env;                              // kind process: extra "NAME=value" pairs
    AttachSpec attach;                            // set: an existing server elsewhere

    // Addresses by pylm parameter name, only those that are set.
    QList<std::pair<QString, QString>> namedAddresses() const;
    // Addresses this server binds (not connects to).
    QStringList boundAddresses() const;
};

// The config member behind a single-address field; nullptr for other fields.
QString *addressIn(ServerConfig &config, ClusterField field);
QString addressOf(const ServerConfig &config, ClusterField field);

// The name of an entry's replica number n: "w-3". Only made, never parsed back.
QString replicaName(const QString &entry, int replica);
// Expands worker entries into concrete configs, setting entry and replica on each.
QList<ServerConfig> expandReplicas(const QList<ServerConfig> &configs);

} // namespace qpalm
