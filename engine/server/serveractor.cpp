// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "serveractor.h"

#include "callreplay.h"
#include "controlcodec.h"
#include "frames.h"
#include "script/luadispatcher.h"
#include "script/luaruntime.h"
#include "servertraits.h"
#include "zmqsupport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QThread>

#include <mutex>
#include <stdexcept>

namespace qpalm {

using server::steadyMs;

namespace {

constexpr int kBurst = 256;         // messages read from one socket per loop turn
constexpr qint64 kLogFlushMs = 100; // batching of log records towards the handle
constexpr qint64 kStatsMs = 500;
constexpr int kMaxBatch = 20000; // records kept between two flushes
constexpr std::size_t kStackSize = 8u * 1024 * 1024;
constexpr int kExitWaitMs = 3000; // at exit, how long runs still stopping get to finish

// Runs still going, waited for (bounded) when the application object goes away.
std::mutex g_runsMutex;
std::vector<std::weak_ptr<ActorControl>> g_runs;

void waitForRunsAtExit()
{
    std::vector<std::shared_ptr<ActorControl>> runs;
    {
        std::lock_guard lock(g_runsMutex);
        for (const auto &weak : g_runs)
            if (auto run = weak.lock())
                runs.push_back(std::move(run));
        g_runs.clear();
    }
    for (const auto &run : runs) {
        run->setEvents(nullptr);
        run->requestStop();
    }
    // A run stuck in a user call cannot finish: exit does not wait for it (docs/delivery.md).
    for (const auto &run : runs)
        if (!run->isStuck())
            run->waitFinished(kExitWaitMs);
}

void registerRun(const std::shared_ptr<ActorControl> &control)
{
    static const bool installed = [] {
        qAddPostRoutine(waitForRunsAtExit);
        return true;
    }();
    (void)installed;
    std::lock_guard lock(g_runsMutex);
    std::erase_if(g_runs, [](const std::weak_ptr<ActorControl> &weak) {
        auto run = weak.lock();
        return !run || run->isFinished();
    });
    g_runs.push_back(control);
}

bool isPipelinedOut(const ServerConfig &config)
{
    // Kinds that take to_client (pipeline, sink) publish pipelined when it is off.
    const bool toClientOff =
        traitsOf(config.kind).takes(ClusterField::ToClient) && !config.toClient;
    return config.pipelined || toClientOff;
}

} // namespace

zmq::socket_t ServerActor::launch(Launch launch)
{
    // Both ends are created and connected here, as czmq's zactor does, so a command sent right
    // after launch always has a peer; the actor's end is handed to its thread once.
    const std::string endpoint = "inproc://qpalm-pipe-" + newUuid();
    zmq::socket_t front = makeSocket(zmq::socket_type::pair);
    front.bind(endpoint);
    zmq::socket_t back = makeSocket(zmq::socket_type::pair);
    back.connect(endpoint);

    registerRun(launch.control);
    const QString name = launch.config.name;
    std::unique_ptr<ServerActor> actor(new ServerActor(std::move(launch), std::move(back)));
    QThread *thread = QThread::create([actor = actor.release()]() mutable {
        std::unique_ptr<ServerActor> owned(actor);
        owned->run();
    });
    thread->setObjectName(name);
    thread->setStackSize(kStackSize);
    // Teardown is the thread's own; the object goes away once it has finished.
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
    return front;
}

ServerActor::ServerActor(Launch launch, zmq::socket_t pipe)
    : m_config(std::move(launch.config)), m_generation(launch.generation),
      m_control(std::move(launch.control)), m_previous(std::move(launch.previous)),
      m_pipe(std::move(pipe)), m_logger(m_config.name, m_config.logLevel),
      m_sockets(m_config, m_logger, m_stats, std::move(launch.preferred)),
      m_router(m_config.name.toStdString(), isPipelinedOut(m_config), m_sockets, m_logger, m_stats),
      m_cacheService(m_cache, m_logger, m_stats)
{
    m_stats.generation = m_generation;
}

ServerActor::~ServerActor() = default;

// ---------------------------------------------------------------- actor thread

void ServerActor::post(ServerEvent &&event)
{
    event.generation = m_generation;
    m_control->post(std::move(event));
}

void ServerActor::run()
{
    m_logger.setSink([this](LogRecord &&record) {
        if (m_config.printLog)
            printPylmLine(record);
        if (m_batch.size() >= kMaxBatch)
            m_batch.removeFirst();
        m_batch.append(std::move(record));
    });
    m_control->attach(nullptr, &m_logger);

    // A restart binds the ports its last run held: wait until that run has let them go.
    while (m_previous && !m_previous->waitFinished(20) && !m_control->stopRequested()) {
    }
    m_previous.reset();

    QString error;
    bool ready = false;
    try {
        ready = !m_control->stopRequested() && setUp(&error);
    } catch (const std::exception &e) {
        error = QStringLiteral("server '%1' could not start: %2")
                    .arg(m_config.name, QString::fromUtf8(e.what()));
    }
    if (ready) {
        ServerEvent event;
        event.type = ServerEvent::Type::Ready;
        event.addresses = m_sockets.addresses;
        post(std::move(event));
        m_logger.info(
            QStringLiteral("%1 '%2' started").arg(kindName(m_config.kind), m_config.name));
        try {
            loop();
        } catch (const std::exception &e) {
            m_logger.critical(QStringLiteral("Server loop ended by an internal error: %1")
                                  .arg(QString::fromUtf8(e.what())));
        }
        const std::size_t unsent = m_sockets.unsent();
        if (unsent > 0) {
            m_stats.dropped += unsent;
            m_logger.warning(
                QStringLiteral("Stopping with %1 message(s) not yet sent: dropped").arg(unsent));
        }
        m_logger.info(
            QStringLiteral("%1 '%2' stopped").arg(kindName(m_config.kind), m_config.name));
        flushLogs(true);
        postStats();
    } else if (!m_control->stopRequested()) {
        m_logger.error(error);
        flushLogs(true);
        ServerEvent event;
        event.type = ServerEvent::Type::Failed;
        event.text = error;
        post(std::move(event));
    } else {
        flushLogs(true);
    }
    tearDown();
    ServerEvent stopped;
    stopped.type = ServerEvent::Type::Stopped;
    post(std::move(stopped));
    m_control->markFinished();
}

bool ServerActor::setUp(QString *error)
{
    m_cache.set("name", m_config.name.toStdString());
    if (m_sockets.plan.isWorker) {
        if (!configureWorker(error))
            return false;
    } else if (!m_sockets.open(m_cache, error)) {
        return false;
    }
    m_handlers = NativeHandlers::lookup(m_config.nativeHandlers);
    if (!m_config.nativeHandlers.isEmpty() && !m_handlers) {
        *error = QStringLiteral("server '%1': no native handlers registered as '%2'")
                     .arg(m_config.name, m_config.nativeHandlers);
        return false;
    }
    if (!loadDispatcher(m_config.script, error)) {
        *error =
            QStringLiteral("server '%1' cannot load its script: %2").arg(m_config.name, *error);
        return false;
    }
    watchCalls();
    return true;
}

void ServerActor::watchCalls()
{
    // Later than the Lua runtime's own report (limit + kStuckBoundMs), which names the script.
    const int limit = m_config.limits.timeLimitMs;
    const int stuckAfter = limit + LuaRuntime::kStuckBoundMs + 250;
    m_callWatch = std::make_unique<server::CallWatch>(
        limit, stuckAfter,
        [this, limit](const QString &function, int afterMs) {
            reportStuckCall(QStringLiteral("Stuck call: function '%1' still runs %2 ms after it "
                                           "started (time limit %3 ms); it loops where the limit "
                                           "cannot reach (native code). The server is hung: its "
                                           "master routes around it")
                                .arg(function)
                                .arg(afterMs)
                                .arg(limit));
        },
        [this](const QString &function) {
            m_control->setStuck(false);
            m_logger.warning(
                QStringLiteral("The stuck call of '%1' returned; serving again").arg(function));
            ServerEvent event;
            event.type = ServerEvent::Type::CallReturned;
            post(std::move(event));
        });
    m_router.setCallWatch(m_callWatch.get());
}

void ServerActor::reportStuckCall(const QString &text)
{
    // The watchdog's thread: the record and the events bypass the (server-thread) logger.
    if (m_callWatch)
        m_callWatch->markReported();
    m_control->setStuck(true);
    LogRecord record;
    record.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    record.server = m_config.name;
    record.level = LogLevel::Error;
    record.text = text;
    if (m_config.printLog)
        printPylmLine(record);
    ServerEvent records;
    records.type = ServerEvent::Type::Records;
    records.records.append(record);
    post(std::move(records));
    ServerEvent stuck;
    stuck.type = ServerEvent::Type::CallStuck;
    stuck.text = text;
    post(std::move(stuck));
}

bool ServerActor::loadDispatcher(const ScriptSource &script, QString *error)
{
    auto composite = std::make_unique<CompositeDispatcher>();
    if (!script.isEmpty()) {
        ServerConfig config = m_config;
        config.script = script;
        auto lua = createLuaDispatcher(*this, config, error);
        if (!lua)
            return false;
        composite->append(std::move(lua));
    }
    if (m_handlers)
        composite->append(std::make_unique<NativeDispatcher>(*this, m_handlers));
    // The interrupt token never points at a freed dispatcher: swap under its lock.
    m_control->setDispatcher(composite.get());
    m_router.setDispatcher(composite.get());
    m_dispatcher = std::move(composite);
    return true;
}

void ServerActor::loop()
{
    std::vector<zmq::pollitem_t> items;
    enum Role { Pipe, Input, Results, Workers, Reliable, Link, Publisher, Rep };
    std::vector<std::pair<Role, std::size_t>> roles;
    server::ServerSockets &s = m_sockets;
    auto inputsBlocked = [&s] {
        // Backpressure: an input is read only while the output it feeds has room.
        if (s.plan.hasWorkers)
            return s.workers.blocked();
        return s.plan.isWorker ? s.toMaster.blocked() : s.publisher.output.blocked();
    };

    while (!m_stopping && !m_control->stopRequested()) {
        items.clear();
        roles.clear();
        items.push_back({m_pipe.handle(), 0, ZMQ_POLLIN, 0});
        roles.emplace_back(Pipe, 0);
        if (!inputsBlocked()) {
            for (std::size_t i = 0; i < s.inputs.size(); ++i) {
                items.push_back({s.inputs[i].handle(), 0, ZMQ_POLLIN, 0});
                roles.emplace_back(Input, i);
            }
        }
        if (s.workerResults && !s.publisher.output.blocked()) {
            items.push_back({s.workerResults->handle(), 0, ZMQ_POLLIN, 0});
            roles.emplace_back(Results, 0);
        }
        if (s.workers.push) {
            // Polled for nothing but its commands: a worker that left is dropped from the
            // rotation as soon as it says so, not at the next send.
            items.push_back({s.workers.push->handle(), 0, 0, 0});
            roles.emplace_back(Workers, 0);
        }
        if (s.workers.router && !s.publisher.output.blocked()) {
            items.push_back({s.workers.router->handle(), 0, ZMQ_POLLIN, 0});
            roles.emplace_back(Reliable, 0);
        }
        if (m_link && !s.toMaster.blocked()) {
            items.push_back({s.toMaster.socket->handle(), 0, ZMQ_POLLIN, 0});
            roles.emplace_back(Link, 0);
        }
        if (s.publisher.output.socket) {
            items.push_back({s.publisher.output.socket->handle(), 0, ZMQ_POLLIN, 0});
            roles.emplace_back(Publisher, 0);
        }
        if (s.publisher.monitor) { // new subscriber connections
            items.push_back({s.publisher.monitor->handle(), 0, ZMQ_POLLIN, 0});
            roles.emplace_back(Publisher, 0);
        }
        if (s.cacheRouter) {
            items.push_back({s.cacheRouter->handle(), 0, ZMQ_POLLIN, 0});
            roles.emplace_back(Rep, 0);
        }

        const qint64 now = steadyMs();
        qint64 timeout = kStatsMs - (now - m_lastStats);
        if (!m_batch.isEmpty())
            timeout = std::min(timeout, kLogFlushMs - (now - m_lastLogFlush));
        if (s.publisher.output.blocked() || s.workers.blocked() || s.toMaster.blocked())
            timeout = std::min<qint64>(timeout, 1);
        timeout = tickDelivery(now, timeout);
        timeout = std::max<qint64>(s.publisher.nextDeadline(now, timeout), 0);

        zmq::poll(items.data(), items.size(), std::chrono::milliseconds(timeout));
        s.workers.startTurn();

        for (std::size_t i = 0; i < items.size(); ++i) {
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            switch (roles[i].first) {
            case Pipe:
                if (!handleCommand())
                    return;
                break;
            case Input:
                readInput(roles[i].second);
                break;
            case Results:
                readWorkerResults();
                break;
            case Publisher:
                s.publisher.readSubscriptions();
                break;
            case Rep:
                m_cacheService.serve(*s.cacheRouter);
                break;
            case Reliable:
                s.workers.readRouter(
                    [this](zmq::message_t &&frame) { m_router.onWorkerResult(std::move(frame)); },
                    kBurst);
                break;
            case Link:
                readLink();
                break;
            case Workers:
                break;
            }
        }

        s.publisher.output.flush();
        s.workers.tick(steadyMs());
        s.toMaster.flush();
        const qint64 after = steadyMs();
        if (s.publisher.hasHeld())
            s.publisher.flushHeld(after, false);
        if (after - m_lastLogFlush >= kLogFlushMs)
            flushLogs(false);
        if (after - m_lastStats >= kStatsMs) {
            m_router.flushRecords(after);
            s.refreshLinks();
            if (m_cacheClient && m_cacheClient->refreshLink())
                m_logger.info(QStringLiteral("Reconnected db_address to %1 (its server restarted)")
                                  .arg(m_config.dbAddress));
            postStats();
        }
    }
}

bool ServerActor::handleCommand()
{
    std::vector<zmq::message_t> frames;
    if (!receiveFrames(m_pipe, frames) || frames.empty())
        return !m_stopping;
    ServerCommand command;
    QString reason;
    if (frames.size() != 1) {
        reason = QStringLiteral("a command is one frame, got %1").arg(frames.size());
    } else if (control::decodeCommand(server::view(frames.front()), &command, &reason)) {
        apply(command);
        return !m_stopping;
    }
    // Nothing that arrives from outside ends the loop: a bad command is answered and dropped.
    m_logger.warning(QStringLiteral("Control command rejected: %1").arg(reason));
    ServerEvent event;
    event.type = ServerEvent::Type::CommandRejected;
    event.commandSequence = command.sequence;
    event.text = reason;
    post(std::move(event));
    return true;
}

void ServerActor::apply(const ServerCommand &command)
{
    switch (command.type) {
    case ServerCommand::Type::Stop:
        m_stopping = true;
        return;
    case ServerCommand::Type::SetLevel:
        m_logger.setLevel(command.level);
        m_logger.info(QStringLiteral("Log level set to %1").arg(levelName(command.level)));
        return;
    case ServerCommand::Type::Status:
        postStats();
        return;
    case ServerCommand::Type::ReplayCall:
        post(server::replayCall(m_dispatcher.get(), m_callWatch.get(), m_logger, command));
        return;
    case ServerCommand::Type::ReloadScript:
        break;
    }
    ServerEvent event;
    QString error;
    bool ok = false;
    if (!m_dispatcher) {
        // Not loaded yet (a worker still waiting for its master): used once setup loads.
        m_config.script = command.script;
        ok = true;
    } else if (!m_config.script.isEmpty()) {
        ok = m_dispatcher->reload(command.script, &error);
    } else {
        ok = loadDispatcher(command.script, &error);
    }
    if (ok) {
        m_config.script = command.script;
        m_logger.info(QStringLiteral("Script reloaded from %1").arg(command.script.name));
        event.type = ServerEvent::Type::ScriptReloaded;
        event.text = command.script.name;
    } else {
        m_logger.error(
            QStringLiteral("Script reload failed, the old script keeps running: %1").arg(error));
        event.type = ServerEvent::Type::ScriptReloadFailed;
        event.text = error;
    }
    post(std::move(event));
}

void ServerActor::readInput(std::size_t index)
{
    server::ServerSockets &s = m_sockets;
    zmq::socket_t &socket = s.inputs[index];
    const char *name = s.inputNames[index].c_str();
    const std::size_t expected = s.plan.inputFrames;
    auto blocked = [&s] {
        return s.plan.hasWorkers ? s.workers.blocked()
               : s.plan.isWorker ? s.toMaster.blocked()
                                 : s.publisher.output.blocked();
    };
    std::vector<zmq::message_t> frames;
    for (int n = 0; n < kBurst && !blocked() && !m_control->stopRequested(); ++n) {
        if (!receiveFrames(socket, frames))
            break;
        ++m_stats.messagesIn;
        if (frames.size() != expected) {
            ++m_stats.errors;
            ++m_stats.malformed;
            m_logger.error(QStringLiteral("Expected %1 frame(s) on %2, got %3")
                               .arg(expected)
                               .arg(QString::fromLatin1(name))
                               .arg(frames.size()));
            continue;
        }
        if (s.plan.isWorker)
            m_router.onWorkerTask(server::view(frames.back()));
        else
            m_router.onRequest(std::move(frames.back()), name);
    }
}

void ServerActor::readWorkerResults()
{
    server::ServerSockets &s = m_sockets;
    for (int n = 0; n < kBurst && !s.publisher.output.blocked(); ++n) {
        zmq::message_t frame;
        if (!s.workerResults->recv(frame, zmq::recv_flags::dontwait))
            break;
        if (frame.more()) {
            std::vector<zmq::message_t> rest;
            receiveFrames(*s.workerResults, rest, true);
            ++m_stats.errors;
            ++m_stats.malformed;
            m_logger.error(QStringLiteral("Expected 1 frame on worker_pull_address, got %1")
                               .arg(rest.size() + 1));
            continue;
        }
        ++m_stats.fromPlainWorkers;
        m_router.onWorkerResult(std::move(frame));
    }
}

void ServerActor::readLink()
{
    server::ServerSockets &s = m_sockets;
    m_router.setBatchResults(m_link->batchResults());
    m_link->read(
        *s.toMaster.socket, kBurst,
        [this, &s] { return !s.toMaster.blocked() && !m_control->stopRequested(); },
        [this](std::uint64_t id, std::string_view bytes) {
            ++m_stats.messagesIn;
            m_router.onReliableTask(id, bytes);
        },
        [this] { return m_control->stopRequested(); });
    m_router.flushResults();
}

qint64 ServerActor::tickDelivery(qint64 now, qint64 timeout)
{
    if (m_link) {
        m_link->tick(*m_sockets.toMaster.socket, now);
        timeout = m_link->nextDeadline(now, timeout);
    }
    if (m_sockets.workers.router)
        timeout = m_sockets.workers.nextDeadline(now, timeout);
    return timeout;
}

void ServerActor::flushLogs(bool force)
{
    m_lastLogFlush = server::steadyMs();
    if (m_batch.isEmpty())
        return;
    (void)force;
    ServerEvent event;
    event.type = ServerEvent::Type::Records;
    event.records.swap(m_batch);
    post(std::move(event));
}

void ServerActor::postStats()
{
    m_lastStats = server::steadyMs();
    m_stats.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    m_stats.inFlight = qint64(m_stats.toWorkers) - qint64(m_stats.fromWorkers);
    if (m_sockets.workers.router)
        m_stats.ledger = m_sockets.workers.ledger(server::steadyMs());
    m_stats.pendingOut = int(m_sockets.publisher.output.pendingCount() +
                             m_sockets.workers.pendingCount() + m_sockets.toMaster.pendingCount());
    ServerEvent event;
    event.type = ServerEvent::Type::Stats;
    event.stats = m_stats;
    post(std::move(event));
}

void ServerActor::tearDown()
{
    if (m_link && m_sockets.toMaster.socket)
        m_link->leave(*m_sockets.toMaster.socket);
    m_link.reset();
    m_sockets.close();
    if (m_cacheClient)
        m_cacheClient->close();
    m_control->attach(nullptr, nullptr);
    m_router.setDispatcher(nullptr);
    m_dispatcher.reset(); // its Lua watch first: a stuck report may still use the call watch
    m_router.setCallWatch(nullptr);
    m_callWatch.reset();
    m_pipe.close();
}

} // namespace qpalm
