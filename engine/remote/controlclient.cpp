// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "controlclient.h"

#include "control.pb.h"
#include "controlwire.h"
#include "recordgap.h"
#include "server/controlcodec.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QMap>

#include <cstring>

#include <zmq.h>

namespace qpalm::remote {

struct ControlClient::Private
{
    void *context = nullptr;
    void *socket = nullptr;
    void *monitor = nullptr; // CURVE: handshake failures of socket
    bool refusedKey = false;
    int timeoutMs = 5000;
    quint64 nextId = 1;

    // A handshake the server refused (our key is not authorised there) ends the wait at once.
    void readMonitor()
    {
        for (int frame = 0;; ++frame) {
            zmq_msg_t message;
            zmq_msg_init(&message);
            if (zmq_msg_recv(&message, monitor, ZMQ_DONTWAIT) < 0) {
                zmq_msg_close(&message);
                return;
            }
            if (zmq_msg_size(&message) >= 2 && frame % 2 == 0) {
                quint16 event = 0;
                std::memcpy(&event, zmq_msg_data(&message), sizeof event);
                refusedKey |= event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
            }
            zmq_msg_close(&message);
        }
    }

    // Waits up to timeoutMs (-1: for ever) for one message; empty optional on timeout.
    std::optional<std::string> receive(int timeoutMs)
    {
        zmq_pollitem_t items[2] = {{socket, 0, ZMQ_POLLIN, 0}, {monitor, 0, ZMQ_POLLIN, 0}};
        QElapsedTimer timer;
        timer.start();
        while (true) {
            const int left = timeoutMs < 0 ? -1 : int(qMax<qint64>(0, timeoutMs - timer.elapsed()));
            if (zmq_poll(items, monitor ? 2 : 1, left) <= 0)
                return std::nullopt;
            if (monitor && (items[1].revents & ZMQ_POLLIN))
                readMonitor();
            if (refusedKey)
                return std::nullopt;
            if (items[0].revents & ZMQ_POLLIN)
                break;
        }
        zmq_msg_t message;
        zmq_msg_init(&message);
        if (zmq_msg_recv(&message, socket, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&message);
            return std::nullopt;
        }
        std::string bytes(static_cast<const char *>(zmq_msg_data(&message)),
                          zmq_msg_size(&message));
        zmq_msg_close(&message);
        return bytes;
    }

    ControlResult request(control::ControlRequest &request)
    {
        ControlResult result;
        const quint64 id = nextId++;
        request.set_version(control::kVersion);
        request.set_id(id);
        const std::string bytes = request.SerializeAsString();
        if (zmq_send(socket, bytes.data(), bytes.size(), ZMQ_DONTWAIT) < 0) {
            result.reason =
                QStringLiteral("cannot send: %1").arg(QString::fromUtf8(zmq_strerror(zmq_errno())));
            return result;
        }
        QElapsedTimer timer;
        timer.start();
        while (true) {
            const qint64 left = timeoutMs - timer.elapsed();
            if (left <= 0)
                break;
            const auto answer = receive(int(left));
            if (!answer)
                break;
            control::ControlReply reply;
            QString problem;
            if (!wire::parseReply(*answer, &reply, &problem) || reply.id() != id)
                continue;
            result.outcome =
                reply.ok() ? ControlResult::Outcome::Done : ControlResult::Outcome::Refused;
            result.reason = QString::fromStdString(reply.reason());
            for (const auto &status : reply.servers())
                result.servers << wire::takeStatus(status);
            for (const auto &record : reply.records())
                result.records << wire::takeRecord(record);
            return result;
        }
        result.reason = refusedKey
                            ? QStringLiteral("the server refused our key: it is not one of its "
                                             "authorised keys (--authorized)")
                            : QStringLiteral("no answer within %1 ms (is the server running, and "
                                             "are the keys right?)")
                                  .arg(timeoutMs);
        return result;
    }
};

ControlClient::ControlClient() : d(std::make_unique<Private>()) {}

ControlClient::~ControlClient()
{
    if (d->monitor)
        zmq_close(d->monitor);
    if (d->socket)
        zmq_close(d->socket);
    if (d->context)
        zmq_ctx_term(d->context);
}

bool ControlClient::open(const ControlClientOptions &options, QString *error)
{
    d->timeoutMs = options.timeoutMs;
    d->context = zmq_ctx_new();
    d->socket = zmq_socket(d->context, ZMQ_DEALER);
    const int zero = 0;
    zmq_setsockopt(d->socket, ZMQ_LINGER, &zero, sizeof zero);
    if (options.key) {
        const QByteArray &server = options.serverKey;
        if (zmq_setsockopt(d->socket, ZMQ_CURVE_SERVERKEY, server.constData(),
                           size_t(server.size())) != 0 ||
            zmq_setsockopt(d->socket, ZMQ_CURVE_PUBLICKEY, options.key->publicKey.constData(),
                           size_t(options.key->publicKey.size())) != 0 ||
            zmq_setsockopt(d->socket, ZMQ_CURVE_SECRETKEY, options.key->secretKey.constData(),
                           size_t(options.key->secretKey.size())) != 0) {
            *error = QStringLiteral("cannot use the keys: %1")
                         .arg(QString::fromUtf8(zmq_strerror(zmq_errno())));
            return false;
        }
        // Tells a refused key from silence.
        const QByteArray endpoint =
            QStringLiteral("inproc://qpalm-control-client-%1").arg(quintptr(this)).toUtf8();
        if (zmq_socket_monitor(d->socket, endpoint.constData(), ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) ==
            0) {
            d->monitor = zmq_socket(d->context, ZMQ_PAIR);
            zmq_setsockopt(d->monitor, ZMQ_LINGER, &zero, sizeof zero);
            if (zmq_connect(d->monitor, endpoint.constData()) != 0) {
                zmq_close(d->monitor);
                d->monitor = nullptr;
            }
        }
    }
    const QByteArray address = options.address.toUtf8();
    if (zmq_connect(d->socket, address.constData()) != 0) {
        *error = QStringLiteral("cannot connect to %1: %2")
                     .arg(options.address, QString::fromUtf8(zmq_strerror(zmq_errno())));
        return false;
    }
    return true;
}

ControlResult ControlClient::status()
{
    control::ControlRequest request;
    request.mutable_status();
    return d->request(request);
}

ControlResult ControlClient::start(const QString &server)
{
    control::ControlRequest request;
    request.set_server(server.toStdString());
    request.mutable_start();
    return d->request(request);
}

ControlResult ControlClient::stop(const QString &server)
{
    control::ControlRequest request;
    request.set_server(server.toStdString());
    request.mutable_stop();
    return d->request(request);
}

ControlResult ControlClient::restart(const QString &server)
{
    control::ControlRequest request;
    request.set_server(server.toStdString());
    request.mutable_restart();
    return d->request(request);
}

ControlResult ControlClient::setLevel(const QString &server, const QString &level,
                                      int revertAfterSeconds)
{
    control::ControlRequest request;
    request.set_server(server.toStdString());
    request.mutable_set_level()->set_level(level.toStdString());
    request.mutable_set_level()->set_revert_after_seconds(revertAfterSeconds);
    return d->request(request);
}

ControlResult ControlClient::replicas(const QString &entry, int count)
{
    control::ControlRequest request;
    request.set_server(entry.toStdString());
    request.mutable_replicas()->set_count(count);
    return d->request(request);
}

ControlResult ControlClient::reload(const QString &server, const QString &scriptName,
                                    const QByteArray &content)
{
    control::ControlRequest request;
    request.set_server(server.toStdString());
    request.mutable_reload_script()->set_name(scriptName.toStdString());
    request.mutable_reload_script()->set_content(content.toStdString());
    return d->request(request);
}

ControlResult ControlClient::watch(int level, const QString &server,
                                   const std::function<bool(const RemoteEvent &)> &onEvent)
{
    control::ControlRequest request;
    request.mutable_watch()->set_level(level);
    request.mutable_watch()->set_server(server.toStdString());
    request.mutable_watch()->set_follow(bool(onEvent));
    ControlResult result = d->request(request);
    if (result.outcome != ControlResult::Outcome::Done || !onEvent)
        return result;
    // Each server's record numbers, so that a renewed watch resumes without repeats.
    QHash<QString, RecordGap> gaps;
    auto deliver = [&onEvent, &gaps](const RemoteEvent &event) {
        gaps[event.record.server].seen(event.record);
        return onEvent(event);
    };
    for (const LogRecord &record : std::as_const(result.records)) {
        RemoteEvent event;
        event.record = record;
        if (!deliver(event))
            return result;
    }
    // Silence is probed with a status request; no answer within kLostMs is a lost link, and the
    // first answer after it renews the watch (the server may have restarted meanwhile).
    constexpr int kProbeMs = 1000;
    constexpr int kLostMs = 3000;
    QElapsedTimer heard;
    heard.start();
    bool lost = false;
    qint64 lostAt = 0;
    quint64 watchId = 0;
    while (true) {
        const auto bytes = d->receive(kProbeMs);
        if (!bytes) {
            if (!lost && heard.elapsed() > kLostMs) {
                lost = true;
                lostAt = QDateTime::currentMSecsSinceEpoch() - heard.elapsed();
                RemoteEvent event;
                event.record.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
                event.record.server = QStringLiteral("qpalm-ctl");
                event.record.level = LogLevel::Warning;
                event.record.text = QStringLiteral("control link lost; waiting for the server");
                if (!onEvent(event))
                    return result;
            }
            control::ControlRequest probe;
            probe.set_version(control::kVersion);
            probe.set_id(d->nextId++);
            probe.mutable_status();
            const std::string out = probe.SerializeAsString();
            zmq_send(d->socket, out.data(), out.size(), ZMQ_DONTWAIT);
            continue;
        }
        heard.restart();
        RemoteEvent event;
        QString problem;
        control::ControlEvent asEvent;
        const bool isEvent = asEvent.ParseFromString(*bytes) &&
                             asEvent.kind_case() != control::ControlEvent::KIND_NOT_SET;
        if (isEvent) {
            if (!lost && wire::decodeEvent(*bytes, &event, &problem)) {
                if (event.kind == RemoteEvent::Kind::Record) {
                    if (!deliver(event))
                        return result;
                } else if (!onEvent(event)) {
                    return result;
                }
            }
            continue;
        }
        control::ControlReply reply;
        if (!wire::parseReply(*bytes, &reply, &problem))
            continue;
        if (lost && watchId == 0) {
            control::ControlRequest renew = request;
            renew.set_id(watchId = d->nextId++);
            const std::string out = renew.SerializeAsString();
            zmq_send(d->socket, out.data(), out.size(), ZMQ_DONTWAIT);
        } else if (lost && reply.id() == watchId) {
            lost = false;
            watchId = 0;
            QMap<QString, LogBatch> recent;
            for (const auto &record : reply.records()) {
                const LogRecord taken = wire::takeRecord(record);
                recent[taken.server] << taken;
            }
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            for (auto it = recent.begin(); it != recent.end(); ++it) {
                for (const LogRecord &record :
                     gaps[it.key()].resume(it.key(), it.value(), lostAt, now)) {
                    RemoteEvent resumed;
                    resumed.record = record;
                    if (!onEvent(resumed))
                        return result;
                }
            }
        }
    }
}

} // namespace qpalm::remote
