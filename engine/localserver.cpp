// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "localserver.h"

#include "server/actorcontrol.h"
#include "server/controlcodec.h"
#include "server/serveractor.h"

#include <QTimer>

#include <zmq.hpp>

namespace qpalm {

namespace {
constexpr int kAbandonMs = 1000; // stop of a hung server: how long its stuck thread gets
const int kMetaTypes = [] {
    qRegisterMetaType<qpalm::LogRecord>();
    qRegisterMetaType<qpalm::LogBatch>();
    qRegisterMetaType<qpalm::LogLevel>();
    qRegisterMetaType<qpalm::ServerStats>();
    qRegisterMetaType<qpalm::ServerHandle::State>();
    qRegisterMetaType<qpalm::ScriptSource>();
    qRegisterMetaType<qpalm::CallReplayResult>();
    return 0;
}();
} // namespace

LocalServer::LocalServer(ServerConfig config, QObject *parent)
    : ServerHandle(parent), m_config(std::move(config))
{
    (void)kMetaTypes;
}

LocalServer::~LocalServer()
{
    for (const auto &run : std::as_const(m_earlierRuns))
        run->setEvents(nullptr);
    if (m_control) {
        m_control->setEvents(nullptr);
        if (!m_control->isFinished()) {
            m_control->requestStop();
            ServerCommand stop;
            stop.type = ServerCommand::Type::Stop;
            sendCommand(stop);
        }
    }
    m_pipe.reset();
}

void LocalServer::start()
{
    if (m_state == State::Running || m_state == State::Starting || m_state == State::Hung)
        return;
    ++m_generation;
    m_error.clear();
    m_stats = ServerStats();
    m_stats.generation = m_generation;
    setState(State::Starting);

    // The last run may still be finishing: the new one binds after it, and until then its
    // events (filtered by generation) still reach us.
    m_earlierRuns.removeIf([](const auto &run) {
        if (!run->isFinished())
            return false;
        run->setEvents(nullptr);
        return true;
    });
    std::shared_ptr<ActorControl> previous = std::exchange(m_control, nullptr);
    if (previous)
        m_earlierRuns.append(previous);
    if (previous && previous->isStuck())
        previous.reset(); // abandoned in a stuck call: not waited for (its ports stay bound)
    m_pipe.reset();

    ServerActor::Launch launch;
    launch.config = m_config;
    if (launch.config.script.isEmpty() && !launch.config.scriptPath.isEmpty()) {
        QString error;
        launch.config.script = readScriptSource(launch.config.scriptPath, &error);
        if (launch.config.script.isEmpty()) {
            failLater(
                QStringLiteral("server '%1' cannot load its script: %2").arg(m_config.name, error));
            return;
        }
    }
    m_runningScript = launch.config.script;
    launch.generation = m_generation;
    launch.preferred = m_addresses;
    launch.previous = previous;
    m_control = std::make_shared<ActorControl>();
    m_control->setEvents(this);
    launch.control = m_control;
    m_pipe = std::make_unique<zmq::socket_t>(ServerActor::launch(std::move(launch)));
}

void LocalServer::failLater(const QString &reason)
{
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(
        this,
        [this, generation, reason] {
            if (generation != m_generation || m_state != State::Starting)
                return;
            m_error = reason;
            setState(State::Failed);
            Q_EMIT failed(reason);
        },
        Qt::QueuedConnection);
}

void LocalServer::stop()
{
    if (m_state != State::Starting && m_state != State::Running && m_state != State::Hung)
        return;
    const bool hung = m_state == State::Hung;
    setState(State::Stopping);
    if (!m_control) {
        // A start that never launched (its script could not be read).
        setState(State::Stopped);
        Q_EMIT stopped();
        return;
    }
    m_control->requestStop();
    ServerCommand stop;
    stop.type = ServerCommand::Type::Stop;
    sendCommand(stop);
    if (hung) {
        // Its thread is inside a call that does not return: after kAbandonMs the run is
        // abandoned (its thread finishes if the call ever returns) and the handle is stopped.
        const quint64 generation = m_generation;
        QTimer::singleShot(kAbandonMs, this, [this, generation] {
            if (generation != m_generation || m_state != State::Stopping || !m_control ||
                m_control->isFinished())
                return;
            releaseRun();
            setState(State::Stopped);
            Q_EMIT stopped();
        });
    }
}

void LocalServer::setLogLevel(LogLevel level)
{
    if (m_config.logLevel == level)
        return;
    m_config.logLevel = level;
    if (m_control && !m_control->isFinished()) {
        m_control->setLevel(level); // at once; the command only logs the change
        ServerCommand command;
        command.type = ServerCommand::Type::SetLevel;
        command.level = level;
        sendCommand(command);
    }
    Q_EMIT logLevelChanged(level);
}

void LocalServer::reloadScript(const ScriptSource &script)
{
    ScriptSource source = script;
    if (source.isEmpty()) {
        QString error;
        if (m_config.scriptPath.isEmpty())
            error = QStringLiteral("server '%1' has no script").arg(m_config.name);
        else
            source = readScriptSource(m_config.scriptPath, &error);
        if (source.isEmpty()) {
            QMetaObject::invokeMethod(
                this, [this, error] { Q_EMIT scriptReloadFailed(error); }, Qt::QueuedConnection);
            return;
        }
    }
    if (m_state != State::Starting && m_state != State::Running && m_state != State::Hung) {
        // Not running: the new script is used at the next start.
        m_config.script = source;
        if (!source.path.isEmpty())
            m_config.scriptPath = source.path;
        const QString name = source.name;
        QMetaObject::invokeMethod(
            this, [this, name] { Q_EMIT scriptReloaded(name); }, Qt::QueuedConnection);
        return;
    }
    m_pendingReloads.append(source);
    ServerCommand command;
    command.type = ServerCommand::Type::ReloadScript;
    command.script = std::move(source);
    sendCommand(command);
}

quint64 LocalServer::sendCommand(ServerCommand command)
{
    if (!m_pipe)
        return 0;
    command.sequence = ++m_commandSequence;
    const std::string bytes = control::encodeCommand(command);
    try {
        if (m_pipe->send(zmq::buffer(bytes), zmq::send_flags::dontwait))
            return command.sequence;
    } catch (const zmq::error_t &) {
        // The run is over; its Stopped event tells the rest.
    }
    return 0;
}

quint64 LocalServer::replayCall(FailedCall call, const Message &message, QString *why)
{
    QString reason;
    if (call != FailedCall::Gather && call != FailedCall::HandleStream)
        reason = tr("only gather and handle_stream run on a recorded input");
    else if (m_state == State::Hung)
        reason = tr("server '%1' is hung (a call is stuck); it would not run the replay until "
                    "that call returns")
                     .arg(m_config.name);
    else if (m_state != State::Running || !m_pipe)
        reason = tr("server '%1' is not running; start it to replay").arg(m_config.name);
    quint64 id = 0;
    if (reason.isEmpty()) {
        ServerCommand command;
        command.type = ServerCommand::Type::ReplayCall;
        command.call = call;
        command.message = message;
        id = sendCommand(std::move(command));
        if (id == 0)
            reason =
                tr("server '%1' did not take the command (its queue is full)").arg(m_config.name);
    }
    if (id == 0) {
        if (why)
            *why = reason;
        return 0;
    }
    m_pendingReplays.append({id, call});
    return id;
}

void LocalServer::failPendingReplays(const QString &reason)
{
    const auto pending = std::exchange(m_pendingReplays, {});
    for (const auto &[id, call] : pending) {
        CallReplayResult result;
        result.call = call;
        result.text = reason;
        Q_EMIT callReplayed(id, result);
    }
}

void LocalServer::deliver(ServerEvent &&event)
{
    QMetaObject::invokeMethod(
        this, [this, event = std::move(event)] { onEvent(event); }, Qt::QueuedConnection);
}

void LocalServer::onEvent(const ServerEvent &event)
{
    if (event.generation != m_generation) {
        // An earlier run: its log lines are history, its state and counters are stale.
        if (event.type == ServerEvent::Type::Records)
            Q_EMIT recordsLogged(event.records);
        return;
    }
    switch (event.type) {
    case ServerEvent::Type::Ready:
        m_addresses = event.addresses;
        if (m_state == State::Starting) {
            setState(State::Running);
            Q_EMIT started();
        }
        break;
    case ServerEvent::Type::Failed:
        m_error = event.text;
        if (m_state == State::Starting) {
            setState(State::Failed);
            Q_EMIT failed(event.text);
        }
        break;
    case ServerEvent::Type::Stopped:
        releaseRun();
        if (m_state != State::Failed && m_state != State::Stopped) {
            setState(State::Stopped);
            Q_EMIT stopped();
        }
        break;
    case ServerEvent::Type::Records:
        Q_EMIT recordsLogged(event.records);
        break;
    case ServerEvent::Type::Stats:
        m_stats = event.stats;
        Q_EMIT statsUpdated(event.stats);
        break;
    case ServerEvent::Type::ScriptReloaded:
        if (!m_pendingReloads.isEmpty()) {
            const ScriptSource source = m_pendingReloads.takeFirst();
            m_config.script = source;
            m_runningScript = source;
            if (!source.path.isEmpty())
                m_config.scriptPath = source.path;
        }
        Q_EMIT scriptReloaded(event.text);
        break;
    case ServerEvent::Type::ScriptReloadFailed:
        if (!m_pendingReloads.isEmpty())
            m_pendingReloads.removeFirst();
        Q_EMIT scriptReloadFailed(event.text);
        break;
    case ServerEvent::Type::CallStuck:
        if (m_state == State::Running)
            setState(State::Hung);
        break;
    case ServerEvent::Type::CallReturned:
        if (m_state == State::Hung)
            setState(State::Running);
        break;
    case ServerEvent::Type::CommandRejected:
        for (qsizetype i = 0; i < m_pendingReplays.size(); ++i) {
            if (m_pendingReplays.at(i).first == event.commandSequence) {
                CallReplayResult result;
                result.call = m_pendingReplays.takeAt(i).second;
                result.text = event.text;
                Q_EMIT callReplayed(event.commandSequence, result);
                return;
            }
        }
        qWarning("server '%s' rejected a command: %s", qPrintable(m_config.name),
                 qPrintable(event.text));
        break;
    case ServerEvent::Type::CallReplayed:
        for (qsizetype i = 0; i < m_pendingReplays.size(); ++i) {
            if (m_pendingReplays.at(i).first == event.commandSequence) {
                m_pendingReplays.removeAt(i);
                Q_EMIT callReplayed(event.commandSequence, event.replay);
                break;
            }
        }
        break;
    }
}

void LocalServer::releaseRun()
{
    m_pipe.reset();
    const QList<ScriptSource> unanswered = std::exchange(m_pendingReloads, {});
    for (const ScriptSource &source : unanswered)
        Q_EMIT scriptReloadFailed(QStringLiteral("server '%1' stopped before reloading %2")
                                      .arg(m_config.name, source.name));
    failPendingReplays(tr("server '%1' stopped before the replay ran").arg(m_config.name));
}

void LocalServer::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

} // namespace qpalm
