// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "localendpoints.h"

#include <QString>

#include <functional>
#include <optional>
#include <string>
#include <unordered_set>

#include <zmq.hpp>

namespace qpalm {
class Cache;
struct DataSecurity;
class Logger;
struct ServerStats;
} // namespace qpalm

namespace qpalm::server {

// The cache on db_address, served from a ROUTER with explicit envelope checks: a request is
// [peer, empty, request] as REQ peers send it and is always answered; anything else is dropped
// with one error record per peer. No peer's garbage, silence or disappearance delays another.
class CacheService
{
public:
    CacheService(Cache &cache, Logger &logger, ServerStats &stats);

    // Answers every queued request on socket (a ROUTER bound to db_address); never blocks.
    void serve(zmq::socket_t &socket);

private:
    void reportOnce(std::string_view peer, const QString &what);

    Cache &m_cache;
    Logger &m_logger;
    ServerStats &m_stats;
    std::unordered_set<std::string> m_reported; // peers already named in an error record
};

// A worker's REQ to its master's cache, bounded: a request never waits longer than it is told,
// and a lost reply costs a fresh socket (lazy pirate), never a stuck one.
class CacheClient
{
public:
    // With security set (data_security), the REQ is a CURVE client with the cluster's key.
    CacheClient(std::string dbAddress, std::string clientName,
                const DataSecurity *security = nullptr);

    // Connects (to the inproc twin when the master runs in this process).
    void open();
    void close();
    // Follows an in-process master that was restarted; true when it reconnected.
    bool refreshLink();
    const std::string &address() const { return m_dbAddress; }

    // Sends "_.verb" and waits up to timeoutMs for the reply. Between polls (every <= 20 ms),
    // keepGoing (when set) is asked whether to go on, e.g. false once the server is stopping.
    // nullopt with a reason ("cache request to tcp://... timed out after N ms") otherwise.
    std::optional<std::string> request(const std::string &verb, const std::string &payload,
                                       const std::string &key, int timeoutMs,
                                       const std::function<bool()> &keepGoing, QString *error);

private:
    std::string m_dbAddress;
    std::string m_clientName;
    std::optional<zmq::socket_t> m_req;
    LocalLink m_link;
    QByteArray m_publicKey; // CURVE (data_security): the cluster's key pair, else empty
    QByteArray m_secretKey;
};

} // namespace qpalm::server
