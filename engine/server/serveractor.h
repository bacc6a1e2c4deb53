// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actorcontrol.h"
#include "cache.h"
#include "cacheservice.h"
#include "callwatch.h"
#include "dispatcher.h"
#include "logger.h"
#include "masterlink.h"
#include "router.h"
#include "serverconfig.h"
#include "serverstats.h"
#include "socketplan.h"

#include <QMap>

#include <memory>
#include <optional>

#include <zmq.hpp>

namespace qpalm {

// The thread body of one server (zactor style): alone owns its sockets, takes typed commands
// (control.proto) over an inproc PAIR pipe and reports events through ActorControl.
class ServerActor final : public ServerContext
{
public:
    struct Launch
    {
        ServerConfig config;
        quint64 generation = 0;
        QMap<QString, QString> preferred; // addresses of the last run, tried first for wildcards
        std::shared_ptr<ActorControl> control;
        std::shared_ptr<ActorControl> previous; // the last run, waited for before binding
    };

    // Caller's thread: starts the actor thread and returns at once with the caller's end of the
    // pipe (send encoded commands with dontwait on it; close it on the caller's thread).
    static zmq::socket_t launch(Launch launch);

    ~ServerActor() override;

    // ServerContext, used by user code on the actor thread.
    const QString &serverName() const override { return m_config.name; }
    Logger &logger() override { return m_logger; }
    std::optional<std::string> cacheGet(const std::string &key) override;
    std::string cacheSet(const std::string &value, const std::string &key = {}) override;
    void cacheDelete(const std::string &key) override;
    // Any thread (the Lua watchdog's): a stuck call goes to the log and marks the server hung.
    void reportStuckCall(const QString &text) override;

private:
    ServerActor(Launch launch, zmq::socket_t pipe);

    void run();
    bool setUp(QString *error);
    bool configureWorker(QString *error);
    bool loadDispatcher(const ScriptSource &script, QString *error);
    void loop();
    void tearDown();

    // Reads one command from the pipe; false when the loop must end.
    bool handleCommand();
    void apply(const ServerCommand &command);
    void readInput(std::size_t index);
    void readWorkerResults();
    void readLink();
    // Master/hub and reliable worker: heartbeats, give-ups, waiting tasks; the next deadline.
    qint64 tickDelivery(qint64 now, qint64 timeout);

    void post(ServerEvent &&event);
    void watchCalls();
    void flushLogs(bool force);
    void postStats();
    std::string workerCacheRequest(const char *verb, const std::string &payload,
                                   const std::string &key);

    ServerConfig m_config;
    const quint64 m_generation;
    const std::shared_ptr<ActorControl> m_control;
    std::shared_ptr<ActorControl> m_previous;
    zmq::socket_t m_pipe;
    bool m_stopping = false;

    Logger m_logger;
    LogBatch m_batch;
    ServerStats m_stats;
    Cache m_cache;
    server::ServerSockets m_sockets;
    server::Router m_router;
    server::CacheService m_cacheService;
    std::optional<server::CacheClient> m_cacheClient; // worker: its master's cache
    std::optional<server::MasterLink> m_link;         // worker on the reliable path
    std::unique_ptr<server::CallWatch> m_callWatch;   // every user call, against stuck ones
    std::unique_ptr<CompositeDispatcher> m_dispatcher;
    std::shared_ptr<const NativeHandlers> m_handlers;
    qint64 m_lastLogFlush = 0;
    qint64 m_lastStats = 0;
};

} // namespace qpalm
