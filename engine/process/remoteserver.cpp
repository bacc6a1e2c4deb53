// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "remoteserver.h"

#include "controllink.h"
#include "endpoint.h"
#include "remote/controlclient.h"
#include "remote/controlsecurity.h"
#include "serverstatenames.h"

namespace qpalm {

RemoteServer::RemoteServer(ServerConfig config, QObject *parent)
    : LinkedServer(std::move(config), parent)
{
    QString problem;
    const auto endpoint = Endpoint::parse(m_config.attach.control, &problem);
    m_host = !endpoint || !endpoint->isTcp() ? QStringLiteral("local") : endpoint->host();
    m_state = State::Unreachable;
    attach();
}

RemoteServer::~RemoteServer() = default;

void RemoteServer::attach()
{
    ControlLink::Options options;
    options.address = m_config.attach.control;
    options.server = m_config.name;
    QString problem;
    if (!m_config.attach.keyPath.isEmpty()) {
        options.key = remote::readSecretKey(m_config.attach.keyPath, &problem);
        const auto serverKey = problem.isEmpty()
                                   ? remote::readPublicKey(m_config.attach.serverKeyPath, &problem)
                                   : std::nullopt;
        if (!options.key || !serverKey) {
            m_error =
                QStringLiteral("cannot attach to %1: %2").arg(m_config.attach.control, problem);
            setState(State::Failed);
            return;
        }
        options.serverKey = *serverKey;
    }
    m_link->open(options);
}

void RemoteServer::detach()
{
    if (!m_link->isOpen())
        return;
    const bool wasUp = m_link->isUp();
    m_link->close();
    m_error = QStringLiteral("detached from %1").arg(m_config.attach.control);
    if (wasUp)
        logRecord(LogLevel::Info, QStringLiteral("detached; left %1 at %2")
                                      .arg(stateName(m_state), m_config.attach.control));
    setState(State::Unreachable);
}

std::optional<QList<ServerConfig>> RemoteServer::probe(const AttachSpec &attach, int timeoutMs,
                                                       QString *error)
{
    remote::ControlClientOptions options;
    options.address = attach.control;
    options.timeoutMs = timeoutMs;
    if (!attach.keyPath.isEmpty() || !attach.serverKeyPath.isEmpty()) {
        options.key = remote::readSecretKey(attach.keyPath, error);
        if (!options.key)
            return std::nullopt;
        const auto serverKey = remote::readPublicKey(attach.serverKeyPath, error);
        if (!serverKey)
            return std::nullopt;
        options.serverKey = *serverKey;
    }
    remote::ControlClient client;
    if (!client.open(options, error))
        return std::nullopt;
    const remote::ControlResult result = client.status();
    if (result.outcome != remote::ControlResult::Outcome::Done) {
        *error = result.reason;
        return std::nullopt;
    }
    QList<ServerConfig> configs;
    for (const remote::RemoteServerStatus &status : result.servers) {
        ServerConfig config;
        config.kind = parseKind(status.kind).value_or(ServerKind::Server);
        config.name = status.name;
        config.logLevel = status.level;
        config.attach = attach;
        configs << config;
    }
    return configs;
}

void RemoteServer::start()
{
    if (!m_link->isOpen())
        attach();
    if (!m_link->isUp()) {
        // Not known yet: the server's own state shows once the link answers.
        return;
    }
    m_link->start();
}

void RemoteServer::stop()
{
    if (m_link->isUp())
        m_link->stop();
}

void RemoteServer::linkLost()
{
    m_error = QStringLiteral("control link to %1 lost").arg(m_config.attach.control);
    setState(State::Unreachable);
    logRecord(LogLevel::Warning, QStringLiteral("unreachable: %1").arg(m_error));
}

void RemoteServer::linkUp()
{
    if (m_everUp)
        logRecord(LogLevel::Info,
                  QStringLiteral("reachable again at %1").arg(m_config.attach.control));
    m_everUp = true;
}

} // namespace qpalm
