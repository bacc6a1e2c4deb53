// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "linkedserver.h"

#include "controllink.h"
#include "serverstatenames.h"

#include <QFileInfo>

namespace qpalm {

LinkedServer::LinkedServer(ServerConfig config, QObject *parent)
    : HandleBase(std::move(config), parent), m_link(new ControlLink(this))
{
    connect(m_link, &ControlLink::statusReceived, this, &LinkedServer::onStatus);
    connect(m_link, &ControlLink::commandAnswered, this, &LinkedServer::onAnswer);
    connect(m_link, &ControlLink::recordsReceived, this,
            [this](const LogBatch &records) { Q_EMIT recordsLogged(records); });
    connect(m_link, &ControlLink::linkLost, this, [this] {
        // Commands in flight have no answer coming.
        const auto pending = std::exchange(m_pending, {});
        for (const auto &answer : pending)
            answer(false, QStringLiteral("the control link was lost"));
        linkLost();
    });
    connect(m_link, &ControlLink::linkUp, this, [this] { linkUp(); });
    connect(m_link, &ControlLink::scriptReceived, this, [this](const ScriptSource &script) {
        m_runningScript = script;
        m_runningScript.path = m_config.scriptPath;
    });
}

ScriptSource LinkedServer::runningScript() const
{
    return m_runningScript.isEmpty() ? m_config.script : m_runningScript;
}

void LinkedServer::remoteStateChanged(State state, const QString &error)
{
    const State before = m_state;
    if (state == State::Failed)
        m_error = error;
    if (state == State::Running && before != State::Running) {
        if (before != State::Hung)
            ++m_generation;
        m_error.clear();
    }
    setState(state);
    if (state == State::Running && before != State::Running && before != State::Hung)
        Q_EMIT started();
    else if (state == State::Stopped && before != State::Stopped)
        Q_EMIT stopped();
    else if (state == State::Failed && before != State::Failed)
        Q_EMIT failed(m_error);
}

void LinkedServer::onStatus(const remote::RemoteServerStatus &status)
{
    if (status.level != m_config.logLevel) {
        m_config.logLevel = status.level;
        Q_EMIT logLevelChanged(status.level);
    }
    if (!status.addresses.isEmpty())
        m_addresses = status.addresses; // before the state change that redraws the topology
    if (m_config.scriptPath.isEmpty() && !status.scriptPath.isEmpty())
        m_config.scriptPath = status.scriptPath; // an attached server: its file over there
    remoteStateChanged(stateFromName(status.state), status.error);
    if (status.stats.msecsSinceEpoch != 0 &&
        status.stats.msecsSinceEpoch != m_stats.msecsSinceEpoch) {
        m_stats = status.stats;
        m_stats.generation = m_generation;
        Q_EMIT statsUpdated(m_stats);
    }
}

void LinkedServer::onAnswer(quint64 id, bool ok, const QString &reason)
{
    if (auto answer = m_pending.take(id))
        answer(ok, reason);
}

void LinkedServer::setLogLevel(LogLevel level)
{
    if (!m_link->isUp()) {
        // Not connected: the level applies at the next start (a child) or is refused.
        m_config.logLevel = level;
        Q_EMIT logLevelChanged(level);
        return;
    }
    m_pending.insert(m_link->setLevel(level), [this, level](bool ok, const QString &reason) {
        if (!ok) {
            logRecord(LogLevel::Warning,
                      QStringLiteral("level %1 not set: %2").arg(levelName(level), reason));
            return;
        }
        if (m_config.logLevel != level) {
            m_config.logLevel = level;
            Q_EMIT logLevelChanged(level);
        }
    });
}

void LinkedServer::reloadScript(const ScriptSource &script)
{
    const QString name =
        script.name.isEmpty() ? QFileInfo(m_config.scriptPath).fileName() : script.name;
    if (!m_link->isUp()) {
        Q_EMIT scriptReloadFailed(QStringLiteral("%1 is not reachable").arg(m_config.name));
        return;
    }
    m_pending.insert(m_link->reload(script.name, script.content),
                     [this, name, script](bool ok, const QString &reason) {
                         if (!ok) {
                             Q_EMIT scriptReloadFailed(reason);
                             return;
                         }
                         if (!script.content.isEmpty()) {
                             m_config.script = script;
                             m_runningScript = script;
                             m_runningScript.name = name;
                             if (!script.path.isEmpty())
                                 m_config.scriptPath = script.path;
                         }
                         Q_EMIT scriptReloaded(name);
                     });
}

} // namespace qpalm
