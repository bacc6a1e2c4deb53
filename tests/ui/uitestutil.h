// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Shared helpers of the ui suites: in-process servers on ephemeral loopback ports with native
// handlers.

#include "client.h"
#include "cluster.h"
#include "dispatcher.h"
#include "handlewait.h"
#include "logger.h"
#include "serverconfig.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QString>

#include <memory>
#include <optional>
#include <string>

namespace uitest {

inline const QString kAnyPort = QStringLiteral("tcp://127.0.0.1:*");

// echo: returns "<server name>:<payload>"; chatty: logs at DEBUG then echoes; fail: raises a user
// error.
inline std::shared_ptr<const qpalm::NativeHandlers> makeHandlers()
{
    auto h = std::make_shared<qpalm::NativeHandlers>();
    h->add("echo", [](qpalm::ServerContext &ctx, const std::string &payload) {
        return std::optional<std::string>(ctx.serverName().toStdString() + ":" + payload);
    });
    h->add("chatty", [](qpalm::ServerContext &ctx, const std::string &payload) {
        ctx.logger().debug(QStringLiteral("chatty got %1").arg(QString::fromStdString(payload)));
        return std::optional<std::string>(payload);
    });
    return h;
}

// Registers handlers under a fresh name for ServerConfig::nativeHandlers.
inline QString registerHandlers(std::shared_ptr<const qpalm::NativeHandlers> handlers)
{
    if (!handlers)
        return {};
    static int counter = 0;
    const QString name = QStringLiteral("uitest-%1").arg(++counter);
    qpalm::NativeHandlers::registerSet(name, std::move(handlers));
    return name;
}

// Cluster::startAll, waiting for allStarted; its ok.
inline bool startAllAndWait(qpalm::Cluster &cluster, int timeoutMs = 20000)
{
    QSignalSpy spy(&cluster, &qpalm::Cluster::allStarted);
    cluster.startAll();
    if (spy.isEmpty() && !spy.wait(timeoutMs))
        return false;
    return spy.first().first().toBool();
}

// The name the handlers above are registered under (ServerConfig::nativeHandlers).
inline QString handlers()
{
    static const QString name = [] {
        const QString registered = QStringLiteral("uitest");
        qpalm::NativeHandlers::registerSet(registered, makeHandlers());
        return registered;
    }();
    return name;
}

inline qpalm::ServerConfig server(const QString &name)
{
    qpalm::ServerConfig c;
    c.kind = qpalm::ServerKind::Server;
    c.name = name;
    c.dbAddress = kAnyPort;
    c.pullAddress = kAnyPort;
    c.pubAddress = kAnyPort;
    c.nativeHandlers = handlers();
    c.logLevel = qpalm::LogLevel::Info;
    return c;
}

inline qpalm::ServerConfig master(const QString &name)
{
    qpalm::ServerConfig c = server(name);
    c.kind = qpalm::ServerKind::Master;
    c.workerPullAddress = kAnyPort;
    c.workerPushAddress = kAnyPort;
    return c;
}

inline qpalm::ServerConfig worker(const QString &name, const QString &dbAddress, int replicas)
{
    qpalm::ServerConfig c;
    c.kind = qpalm::ServerKind::Worker;
    c.name = name;
    c.dbAddress = dbAddress;
    c.replicas = replicas;
    c.nativeHandlers = handlers();
    c.logLevel = qpalm::LogLevel::Info;
    return c;
}

// A connected pylm client of server (its cache at dbAddress); nullptr with the reason in error when
// it cannot connect.
inline std::unique_ptr<qpalm::Client> client(const QString &serverName, const QString &dbAddress,
                                             QString *error, int timeoutMs = 5000)
{
    qpalm::Client::Options options;
    options.serverName = serverName.toStdString();
    options.dbAddress = dbAddress.toStdString();
    options.timeoutMs = timeoutMs;
    auto c = std::make_unique<qpalm::Client>(options);
    if (!c->connect()) {
        *error = QString::fromStdString(c->lastError());
        return nullptr;
    }
    return c;
}

// The number before word in text ("1,234 done" -> 1234, any group separator), or -1.
inline qint64 numberBefore(const QString &text, const QString &word)
{
    const QRegularExpression re(QStringLiteral("([\\d,.\u00a0\u202f]+) ") +
                                QRegularExpression::escape(word));
    const auto match = re.match(text);
    if (!match.hasMatch())
        return -1;
    QString digits = match.captured(1);
    digits.remove(QRegularExpression(QStringLiteral("[^\\d]")));
    return digits.toLongLong();
}

} // namespace uitest
