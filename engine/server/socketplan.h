// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "localendpoints.h"
#include "outputs.h"
#include "serverconfig.h"
#include "workerpool.h"

#include <QMap>

#include <vector>

namespace qpalm {
class Cache;
class Logger;
struct ServerStats;
} // namespace qpalm

namespace qpalm::server {

// Which sockets a kind of server binds and connects.
struct SocketPlan
{
    bool servesCache = false;     // ROUTER on db_address
    bool bindsClientPull = false; // PULL on pull_address (server, master)
    bool subscribesOne = false;   // SUB to sub_address filtered by previous[0] (pipeline, hub)
    bool subscribesMany = false;  // one SUB per sub_addresses entry (sink)
    bool publishes = false;       // XPUB on pub_address
    bool hasWorkers = false;      // PUSH worker_push_address, PULL worker_pull_address
    bool isWorker = false;        // REQ to the master's cache, PULL tasks, PUSH results
    std::size_t inputFrames = 1;  // frames per inbound message (2 on SUB inputs)
};

SocketPlan planFor(ServerKind kind);

// The sockets of one server, opened and closed on its thread.
class ServerSockets
{
public:
    ServerSockets(const ServerConfig &config, Logger &logger, ServerStats &stats,
                  QMap<QString, QString> preferred);

    // Binds and connects what the plan says (a worker: see openWorker); presets the addresses
    // in cache. False with the reason.
    bool open(Cache &cache, QString *error);
    // A worker's task input and result output, once their addresses are known.
    bool openWorker(const std::string &pushAddress, const std::string &pullAddress, QString *error);
    // A qpalm worker's reliable link (a DEALER as toMaster) to the master's ROUTER.
    bool openReliableWorker(const std::string &address, QString *error);
    // Upkeep, every stats interval: follows in-process peers that were restarted (they bound
    // their inproc twins again), and logs peers that CURVE refused since the last call.
    void refreshLinks();
    // Leaves a master's rotation, unbinds (waiting for ports to close) and closes everything.
    void close();
    // Messages still queued on outputs (pending or held).
    std::size_t unsent() const;

    const SocketPlan plan;
    std::vector<zmq::socket_t> inputs; // client pull, subs or worker tasks, in order
    std::vector<std::string> inputNames;
    std::optional<zmq::socket_t> workerResults; // master/hub: results from workers
    std::optional<zmq::socket_t> cacheRouter;   // cache service (ROUTER on db_address)
    Publisher publisher;
    WorkerPool workers; // master/hub: the reliable path and the PUSH socket
    Output toMaster;    // worker: PUSH, or the DEALER of the reliable path
    bool reliableWorker = false;
    QMap<QString, QString> addresses; // by pylm parameter name, wildcards resolved

private:
    bool bind(zmq::socket_t &socket, const QString &parameter, const QString &address, Cache &cache,
              QString *error);
    bool connectInput(const QString &parameter, const QString &address, QString *error);
    void secureClient(zmq::socket_t &socket) const; // CURVE client when the cluster says so
    void reportRefusals();

    const ServerConfig &m_config;
    Logger &m_logger;
    QMap<QString, QString> m_preferred;
    std::vector<LocalLink> m_inputLinks; // parallel to inputs
    LocalLink m_toMasterLink;
    std::vector<std::string> m_boundEndpoints;
    std::vector<std::pair<void *, std::string>> m_bindings; // socket handle, endpoint (and twin)
    std::string m_curveDomain; // data_security: the ZAP domain of this server's bound sockets
    struct HandshakeWatch
    {
        QString parameter;
        zmq::socket_t monitor; // PAIR: handshakes that failed before ZAP (no CURVE, wrong key)
        quint64 failed = 0;
        qint64 lastReport = 0;
    };
    std::vector<HandshakeWatch> m_handshakeWatches;
};

} // namespace qpalm::server
