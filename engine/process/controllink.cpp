// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "controllink.h"

#include "control.pb.h"
#include "remote/controlwire.h"
#include "remote/recordgap.h"
#include "remote/wakeup.h"
#include "server/controlcodec.h"

#include <QDateTime>
#include <QPointer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include <zmq.h>

namespace qpalm {

namespace {

enum CommandKind { Start, Stop, Level, Reload };

qint64 nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

struct ControlLink::Worker
{
    Options options;
    QPointer<ControlLink> link;
    quint64 epoch = 0; // the link's open() count when this worker started
    std::thread thread;
    std::mutex mutex;
    std::deque<std::pair<quint64, std::string>> outbound;
    std::atomic<bool> stop{false};
    remote::Wakeup wakeup; // commands and close() wake the thread at once

    // Runs fn on the link's thread, unless the link was closed or deleted meanwhile.
    template <typename Fn> void post(Fn fn)
    {
        QPointer<ControlLink> target = link;
        if (!target)
            return;
        QMetaObject::invokeMethod(
            target,
            [target, fn = std::move(fn), epoch = epoch] {
                if (target && target->m_worker && target->m_epoch == epoch)
                    fn(target.data());
            },
            Qt::QueuedConnection);
    }

    void run();
};

void ControlLink::Worker::run()
{
    void *context = zmq_ctx_new();
    void *socket = zmq_socket(context, ZMQ_DEALER);
    const int zero = 0;
    const int one = 1;
    const int reconnectMs = 100;
    zmq_setsockopt(socket, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(socket, ZMQ_IMMEDIATE, &one, sizeof one);
    zmq_setsockopt(socket, ZMQ_RECONNECT_IVL, &reconnectMs, sizeof reconnectMs);
    if (options.key) {
        zmq_setsockopt(socket, ZMQ_CURVE_SERVERKEY, options.serverKey.constData(),
                       size_t(options.serverKey.size()));
        zmq_setsockopt(socket, ZMQ_CURVE_PUBLICKEY, options.key->publicKey.constData(),
                       size_t(options.key->publicKey.size()));
        zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, options.key->secretKey.constData(),
                       size_t(options.key->secretKey.size()));
    }
    zmq_connect(socket, options.address.toUtf8().constData());

    const std::string server = options.server.toStdString();
    quint64 nextId = 1ULL << 62; // the link's own requests; commands count up from 1
    quint64 heartbeatId = 0;
    quint64 watchId = 0;
    bool up = false;
    bool everUp = false;
    qint64 lastHeard = 0;
    qint64 lastPing = -(1LL << 40);
    // While up, the watch pushes state changes, stats and records: a status request goes out
    // only after keepaliveMs of silence, to tell a quiet server from a lost link.
    const int keepaliveMs = std::max(options.heartbeatMs, options.lostAfterMs / 2);
    qint64 lostAtMsecs = 0; // wall clock, for the gap record
    remote::RecordGap gap;
    // The running script is fetched when its digest changes, not with every status.
    quint64 fetchedDigest = 0;
    quint64 fetchingDigest = 0;
    quint64 scriptId = 0;

    auto sendRequest = [&](control::ControlRequest &request) {
        request.set_version(control::kVersion);
        const std::string bytes = request.SerializeAsString();
        return zmq_send(socket, bytes.data(), bytes.size(), ZMQ_DONTWAIT) >= 0;
    };
    auto relayStatus = [&](remote::RemoteServerStatus status) {
        if (status.scriptDigest != 0 && status.scriptDigest != fetchedDigest && scriptId == 0) {
            control::ControlRequest fetch;
            fetch.set_id(scriptId = nextId++);
            fetch.set_server(server);
            fetch.mutable_get_script();
            fetchingDigest = status.scriptDigest;
            if (!sendRequest(fetch))
                scriptId = 0;
        }
        post([status = std::move(status)](ControlLink *l) { Q_EMIT l->statusReceived(status); });
    };
    auto emitRecords = [this](LogBatch records) {
        if (records.isEmpty())
            return;
        post([records](ControlLink *l) { Q_EMIT l->recordsReceived(records); });
    };

    while (!stop.load()) {
        wakeup.drain(); // before the queue is read: a later notify wakes the next poll
        std::deque<std::pair<quint64, std::string>> commands;
        {
            std::lock_guard lock(mutex);
            commands.swap(outbound);
        }
        for (auto &[id, bytes] : commands) {
            if (!up || zmq_send(socket, bytes.data(), bytes.size(), ZMQ_DONTWAIT) < 0) {
                post([id = id](ControlLink *l) {
                    Q_EMIT l->commandAnswered(id, false,
                                              QStringLiteral("the control link is down"));
                });
            }
        }
        const qint64 now = nowMs();
        // Not up: look for the server every heartbeatMs. Up: keep alive after silence.
        auto nextPing = [&] {
            return up ? std::max(lastHeard, lastPing) + keepaliveMs
                      : lastPing + options.heartbeatMs;
        };
        if (now >= nextPing()) {
            control::ControlRequest request;
            request.set_id(heartbeatId = nextId++);
            request.mutable_status();
            sendRequest(request);
            lastPing = now;
        }
        qint64 wakeAt = nextPing();
        if (up)
            wakeAt = std::min(wakeAt, lastHeard + options.lostAfterMs + 1);
        zmq_pollitem_t items[2] = {{socket, 0, ZMQ_POLLIN, 0},
                                   {nullptr, wakeup.fd(), ZMQ_POLLIN, 0}};
        zmq_poll(items, wakeup.fd() >= 0 ? 2 : 1,
                 long(std::clamp<qint64>(wakeAt - now, 0, wakeup.fd() >= 0 ? 60000 : 50)));
        for (int i = 0; i < 512; ++i) {
            zmq_msg_t message;
            zmq_msg_init(&message);
            if (zmq_msg_recv(&message, socket, ZMQ_DONTWAIT) < 0) {
                zmq_msg_close(&message);
                break;
            }
            const std::string_view bytes(static_cast<const char *>(zmq_msg_data(&message)),
                                         zmq_msg_size(&message));
            lastHeard = nowMs();
            control::ControlEvent event;
            if (event.ParseFromArray(bytes.data(), int(bytes.size())) &&
                event.kind_case() != control::ControlEvent::KIND_NOT_SET) {
                remote::RemoteEvent decoded;
                QString problem;
                if (watchId != 0 && remote::wire::decodeEvent(bytes, &decoded, &problem)) {
                    if (decoded.kind == remote::RemoteEvent::Kind::Record) {
                        gap.seen(decoded.record);
                        emitRecords({decoded.record});
                    } else if (decoded.kind == remote::RemoteEvent::Kind::RecordsLost) {
                        emitRecords({gap.lostRecord(options.server, decoded.lost)});
                    } else if (decoded.status.name == options.server) {
                        relayStatus(std::move(decoded.status));
                    }
                }
                zmq_msg_close(&message);
                continue;
            }
            control::ControlReply reply;
            QString problem;
            const bool parsed = remote::wire::parseReply(bytes, &reply, &problem);
            zmq_msg_close(&message);
            if (!parsed)
                continue;
            if (!up) {
                up = true;
                control::ControlRequest watch;
                watch.set_id(watchId = nextId++);
                watch.set_server(server);
                watch.mutable_watch()->set_follow(true);
                sendRequest(watch);
                post([](ControlLink *l) {
                    l->m_up = true;
                    Q_EMIT l->linkUp();
                });
            }
            if (reply.id() == watchId) {
                LogBatch recent;
                for (const auto &record : reply.records())
                    recent << remote::wire::takeRecord(record);
                emitRecords(everUp ? gap.resume(options.server, recent, lostAtMsecs,
                                                QDateTime::currentMSecsSinceEpoch())
                                   : gap.first(recent));
                everUp = true;
            } else if (reply.id() == scriptId && scriptId != 0) {
                scriptId = 0;
                if (reply.ok()) {
                    fetchedDigest = fetchingDigest;
                    ScriptSource script;
                    script.name = QString::fromStdString(reply.script().name());
                    script.content = QByteArray::fromStdString(reply.script().content());
                    post([script](ControlLink *l) { Q_EMIT l->scriptReceived(script); });
                }
            } else if (reply.id() == heartbeatId || reply.id() >= (1ULL << 62)) {
                for (const auto &status : reply.servers()) {
                    if (status.name() == server)
                        relayStatus(remote::wire::takeStatus(status));
                }
            } else {
                post([id = reply.id(), ok = reply.ok(),
                      reason = QString::fromStdString(reply.reason())](ControlLink *l) {
                    Q_EMIT l->commandAnswered(id, ok, reason);
                });
            }
        }
        if (up && nowMs() - lastHeard > options.lostAfterMs) {
            up = false;
            watchId = 0;
            scriptId = 0;
            lostAtMsecs = QDateTime::currentMSecsSinceEpoch() - (nowMs() - lastHeard);
            post([](ControlLink *l) {
                l->m_up = false;
                Q_EMIT l->linkLost();
            });
        }
    }
    zmq_close(socket);
    zmq_ctx_term(context);
}

ControlLink::ControlLink(QObject *parent) : QObject(parent) {}

ControlLink::~ControlLink()
{
    close();
}

void ControlLink::open(const Options &options)
{
    close();
    m_worker = std::make_shared<Worker>();
    m_worker->options = options;
    m_worker->link = this;
    m_worker->epoch = ++m_epoch;
    Worker *worker = m_worker.get();
    m_worker->thread = std::thread([worker] { worker->run(); });
}

void ControlLink::close()
{
    if (!m_worker)
        return;
    m_worker->stop = true;
    m_worker->wakeup.notify();
    if (m_worker->thread.joinable())
        m_worker->thread.join();
    m_worker.reset();
    m_up = false;
}

bool ControlLink::isOpen() const
{
    return bool(m_worker);
}

quint64 ControlLink::send(std::string request, quint64 id)
{
    if (!m_worker) {
        QMetaObject::invokeMethod(
            this,
            [this, id] {
                Q_EMIT commandAnswered(id, false, QStringLiteral("the control link is closed"));
            },
            Qt::QueuedConnection);
        return id;
    }
    {
        std::lock_guard lock(m_worker->mutex);
        m_worker->outbound.emplace_back(id, std::move(request));
    }
    m_worker->wakeup.notify();
    return id;
}

quint64 ControlLink::command(int kind, const QString &text, const QByteArray &content)
{
    control::ControlRequest request;
    const quint64 id = m_nextId++;
    request.set_version(control::kVersion);
    request.set_id(id);
    request.set_server(m_worker ? m_worker->options.server.toStdString() : std::string());
    switch (kind) {
    case Start:
        request.mutable_start();
        break;
    case Stop:
        request.mutable_stop();
        break;
    case Level:
        request.mutable_set_level()->set_level(text.toStdString());
        break;
    default:
        request.mutable_reload_script()->set_name(text.toStdString());
        request.mutable_reload_script()->set_content(content.toStdString());
        break;
    }
    return send(request.SerializeAsString(), id);
}

quint64 ControlLink::start()
{
    return command(Start, {}, {});
}

quint64 ControlLink::stop()
{
    return command(Stop, {}, {});
}

quint64 ControlLink::setLevel(LogLevel level)
{
    return command(Level, levelName(level), {});
}

quint64 ControlLink::reload(const QString &scriptName, const QByteArray &content)
{
    return command(Reload, scriptName, content);
}

} // namespace qpalm
