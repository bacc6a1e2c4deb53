// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "controlchannel.h"

#include "cluster.h"
#include "control.pb.h"
#include "endpoint.h"
#include "remote/controlwire.h"
#include "server/controlcodec.h"
#include "serverhandle.h"
#include "serverstatenames.h"

#include <QTimer>

namespace qpalm::remote {

namespace {

constexpr int kCommandTimeoutMs = 30000;

QString text(const std::string &bytes)
{
    return QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
}

// Answers once: the first of the outcomes wins, later ones (and the timeout) do nothing.
struct Once
{
    bool done = false;
};

} // namespace

quint64 scriptDigest(const ScriptSource &script)
{
    if (script.isEmpty())
        return 0;
    // Only compared with earlier digests of the same server: any stable 64-bit hash will do.
    const quint64 digest =
        quint64(qHash(script.content, 0)) ^ (quint64(qHash(script.name, 1)) << 1);
    return digest == 0 ? 1 : digest;
}

RemoteServerStatus statusOf(const ServerHandle *server)
{
    RemoteServerStatus status;
    status.name = server->name();
    status.kind = kindName(server->kind());
    status.state = stateName(server->state());
    status.level = server->logLevel();
    status.stats = server->stats();
    status.error = server->errorString();
    status.addresses = server->addresses();
    status.scriptPath = server->config().scriptPath;
    const ScriptSource script = server->runningScript();
    status.scriptName = script.name;
    status.scriptDigest = scriptDigest(script);
    return status;
}

ControlChannel::ControlChannel(const QList<ServerHandle *> &servers, QObject *parent)
    : QObject(parent), m_servers(servers)
{
}

ControlChannel::ControlChannel(Cluster *cluster, QObject *parent)
    : QObject(parent), m_servers(cluster->servers()), m_cluster(cluster)
{
    connect(cluster, &Cluster::serverAdded, this, [this](ServerHandle *server) {
        m_servers.append(server);
        if (m_sockets)
            watchServer(server);
    });
    connect(cluster, &Cluster::serverAboutToBeRemoved, this, [this](ServerHandle *server) {
        m_servers.removeAll(server);
        disconnect(server, nullptr, this, nullptr);
    });
}

ControlChannel::~ControlChannel() = default;

void ControlChannel::changeReplicas(const QByteArray &peer, quint64 id, const QString &entry,
                                    int count)
{
    constexpr int kMaxReplicas = 256;
    if (!m_cluster) {
        answer(peer, id, false, QStringLiteral("this control channel cannot change replicas"));
        return;
    }
    if (m_cluster->replicas(entry).isEmpty()) {
        answer(peer, id, false, QStringLiteral("no worker entry named '%1'").arg(entry));
        return;
    }
    if (count < 1 || count > kMaxReplicas) {
        answer(peer, id, false,
               QStringLiteral("replicas: expected 1 to %1, got %2").arg(kMaxReplicas).arg(count));
        return;
    }
    int now = int(m_cluster->replicas(entry).size());
    Q_EMIT commandHandled(QStringLiteral("replicas %1: %2 -> %3").arg(entry).arg(now).arg(count));
    for (; now < count; ++now)
        m_cluster->addReplica(entry, true);
    for (; now > count; --now)
        m_cluster->removeReplica(entry);
    QStringList names;
    for (const ServerHandle *server : m_cluster->replicas(entry))
        names << server->name();
    answer(peer, id, true,
           QStringLiteral("%1: %2 replicas (%3)").arg(entry).arg(count).arg(names.join(u' ')));
}

bool ControlChannel::start(const ControlSocketOptions &options, QString *error)
{
    const auto endpoint = Endpoint::parse(options.address, error);
    if (!endpoint)
        return false;
    m_scriptsAllowed = options.curveKey.has_value() || isLocalControlAddress(*endpoint);
    m_sockets = std::make_unique<ControlSockets>(
        [this](const QByteArray &peer, const QByteArray &request) {
            QMetaObject::invokeMethod(
                this, [this, peer, request] { handleRequest(peer, request); },
                Qt::QueuedConnection);
        },
        [this](const QString &description) {
            QMetaObject::invokeMethod(
                this, [this, description] { Q_EMIT peerRefused(description); },
                Qt::QueuedConnection);
        });
    if (!m_sockets->start(options, &m_address, error)) {
        m_sockets.reset();
        return false;
    }
    for (ServerHandle *server : std::as_const(m_servers))
        watchServer(server);
    return true;
}

void ControlChannel::watchServer(ServerHandle *server)
{
    connect(server, &ServerHandle::recordsLogged, this, [this](const LogBatch &records) {
        for (const LogRecord &record : records) {
            WatchEvent event;
            event.kind = WatchEvent::Kind::Record;
            event.server = record.server;
            event.record = record;
            m_sockets->post(std::move(event));
        }
    });
    auto postStatus = [this, server](WatchEvent::Kind kind) {
        WatchEvent event;
        event.kind = kind;
        event.server = server->name();
        event.statusBytes = wire::encodeStatus(statusOf(server));
        m_sockets->post(std::move(event));
    };
    connect(server, &ServerHandle::stateChanged, this,
            [postStatus] { postStatus(WatchEvent::Kind::StateChanged); });
    connect(server, &ServerHandle::logLevelChanged, this,
            [postStatus] { postStatus(WatchEvent::Kind::StateChanged); });
    connect(server, &ServerHandle::statsUpdated, this,
            [postStatus] { postStatus(WatchEvent::Kind::Stats); });
}

ServerHandle *ControlChannel::find(const QString &name) const
{
    for (ServerHandle *server : m_servers) {
        if (server->name() == name)
            return server;
    }
    return nullptr;
}

void ControlChannel::answer(const QByteArray &peer, quint64 id, bool ok, const QString &reason,
                            bool withStatus)
{
    control::ControlReply reply;
    reply.set_version(control::kVersion);
    reply.set_id(id);
    reply.set_ok(ok);
    reply.set_reason(reason.toStdString());
    if (withStatus) {
        for (const ServerHandle *server : std::as_const(m_servers))
            wire::putStatus(statusOf(server), reply.add_servers());
    }
    m_sockets->reply(peer, reply.SerializeAsString());
}

void ControlChannel::handleRequest(const QByteArray &peer, const QByteArray &bytes)
{
    control::ControlRequest request;
    QString problem;
    if (!wire::parseRequest(std::string_view(bytes.constData(), size_t(bytes.size())), &request,
                            &problem)) {
        answer(peer, request.id(), false, problem);
        return;
    }
    const quint64 id = request.id();
    if (request.kind_case() == control::ControlRequest::kStatus) {
        answer(peer, id, true, {}, true);
        return;
    }
    const QString name = text(request.server());
    if (request.kind_case() == control::ControlRequest::kReplicas) {
        changeReplicas(peer, id, name, request.replicas().count());
        return;
    }
    ServerHandle *server = find(name);
    if (!server) {
        QStringList names;
        for (const ServerHandle *each : std::as_const(m_servers))
            names << each->name();
        answer(peer, id, false,
               QStringLiteral("no server named '%1' (there are: %2)")
                   .arg(name, names.join(QStringLiteral(", "))));
        return;
    }

    if (request.kind_case() == control::ControlRequest::kGetScript) {
        const ScriptSource script = server->runningScript();
        control::ControlReply reply;
        reply.set_version(control::kVersion);
        reply.set_id(id);
        reply.set_ok(true);
        reply.mutable_script()->set_name(script.name.toStdString());
        reply.mutable_script()->set_content(script.content.toStdString());
        m_sockets->reply(peer, reply.SerializeAsString());
        return;
    }

    // Commands that finish later answer on the first outcome or after the timeout.
    auto once = std::make_shared<Once>();
    auto *scope = new QObject(this);
    auto finish = [this, peer, id, once, scope](bool ok, const QString &reason) {
        if (once->done)
            return;
        once->done = true;
        answer(peer, id, ok, reason);
        scope->deleteLater();
    };
    QTimer::singleShot(kCommandTimeoutMs, scope, [finish, name] {
        finish(false, QStringLiteral("%1 did not answer within %2 s")
                          .arg(name)
                          .arg(kCommandTimeoutMs / 1000));
    });
    auto startServer = [server, scope, finish, name] {
        connect(server, &ServerHandle::started, scope,
                [finish, name] { finish(true, QStringLiteral("%1 started").arg(name)); });
        connect(server, &ServerHandle::failed, scope, [finish, name](const QString &reason) {
            finish(false, QStringLiteral("%1 did not start: %2").arg(name, reason));
        });
        server->start();
    };
    const auto state = server->state();
    const bool active = state == ServerHandle::State::Running ||
                        state == ServerHandle::State::Starting ||
                        state == ServerHandle::State::Hung;

    switch (request.kind_case()) {
    case control::ControlRequest::kStart:
        Q_EMIT commandHandled(QStringLiteral("start %1").arg(name));
        if (active)
            finish(true, QStringLiteral("%1 is already running").arg(name));
        else
            startServer();
        return;
    case control::ControlRequest::kStop:
        Q_EMIT commandHandled(QStringLiteral("stop %1").arg(name));
        if (!active && state != ServerHandle::State::Stopping) {
            finish(true, QStringLiteral("%1 is not running").arg(name));
            return;
        }
        connect(server, &ServerHandle::stopped, scope,
                [finish, name] { finish(true, QStringLiteral("%1 stopped").arg(name)); });
        server->stop();
        return;
    case control::ControlRequest::kRestart:
        Q_EMIT commandHandled(QStringLiteral("restart %1").arg(name));
        if (!active) {
            startServer();
            return;
        }
        connect(server, &ServerHandle::stopped, scope, [scope, startServer] {
            QObject::disconnect(nullptr, nullptr, scope, nullptr);
            startServer();
        });
        server->stop();
        return;
    case control::ControlRequest::kSetLevel: {
        const QString levelText = text(request.set_level().level());
        const auto level = parseLevel(levelText);
        if (!level) {
            finish(false, QStringLiteral("unknown level '%1' (expected DEBUG, INFO, WARNING, "
                                         "ERROR or CRITICAL)")
                              .arg(levelText));
            return;
        }
        const int revert = request.set_level().revert_after_seconds();
        const LogLevel previous = server->logLevel();
        server->setLogLevel(*level);
        QString note = QStringLiteral("%1: level %2").arg(name, levelName(*level));
        if (revert > 0) {
            QTimer::singleShot(qint64(revert) * 1000, server, [server, level, previous] {
                if (server->logLevel() == *level)
                    server->setLogLevel(previous);
            });
            note += QStringLiteral(", back to %1 in %2 s").arg(levelName(previous)).arg(revert);
        }
        Q_EMIT commandHandled(note);
        finish(true, note);
        return;
    }
    case control::ControlRequest::kReloadScript: {
        const auto &reload = request.reload_script();
        ScriptSource source;
        if (!reload.content().empty()) {
            if (!m_scriptsAllowed) {
                finish(false, QStringLiteral("scripts are accepted only over an authenticated or "
                                             "local control channel"));
                return;
            }
            source.name = text(reload.name());
            source.content = QByteArray::fromStdString(reload.content());
        } else if (server->config().scriptPath.isEmpty()) {
            finish(false,
                   QStringLiteral("%1 has no script file to re-read; send a script").arg(name));
            return;
        }
        if (state != ServerHandle::State::Running) {
            finish(false, QStringLiteral("%1 is not running").arg(name));
            return;
        }
        Q_EMIT commandHandled(QStringLiteral("reload %1").arg(name));
        connect(server, &ServerHandle::scriptReloaded, scope,
                [finish, name](const QString &script) {
                    finish(true, QStringLiteral("%1: reloaded %2").arg(name, script));
                });
        connect(server, &ServerHandle::scriptReloadFailed, scope,
                [finish, name](const QString &reason) {
                    finish(
                        false,
                        QStringLiteral("%1: reload failed, old script kept: %2").arg(name, reason));
                });
        server->reloadScript(source);
        return;
    }
    default:
        finish(false, QStringLiteral("unknown command"));
        return;
    }
}

} // namespace qpalm::remote
