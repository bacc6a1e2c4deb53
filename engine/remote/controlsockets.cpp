// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "controlsockets.h"

#include "control.pb.h"
#include "controlwire.h"
#include "server/controlcodec.h"
#include "wakeup.h"

#include <QFile>

#include <chrono>
#include <future>
#include <map>

#include <zmq.h>

namespace qpalm::remote {

struct ControlSockets::Watcher
{
    int level = 0;
    QString server;
    std::deque<std::string> queue;
    quint64 sequence = 0;
    quint64 lost = 0;
};

struct ControlSockets::Shared
{
    std::mutex mutex;
    std::vector<WatchEvent> events;
    std::vector<std::pair<QByteArray, std::string>> replies;
    std::atomic<bool> stop{false};
    std::atomic<quint64> overflow{0};
    Wakeup wakeup; // posted events and replies, and stop, wake the socket thread
    static constexpr std::size_t kMaxPending = 200000;
};

namespace {

constexpr std::size_t kMaxWatchers = 64;

bool sendMessage(void *socket, const QByteArray &peer, const std::string &bytes, bool *gone)
{
    *gone = false;
    if (zmq_send(socket, peer.constData(), size_t(peer.size()), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        *gone = zmq_errno() == EHOSTUNREACH;
        return false;
    }
    zmq_send(socket, bytes.data(), bytes.size(), ZMQ_DONTWAIT);
    return true;
}

// Every frame of one message, or empty.
std::vector<std::string> receiveAll(void *socket)
{
    std::vector<std::string> frames;
    while (true) {
        zmq_msg_t part;
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, socket, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&part);
            return {};
        }
        frames.emplace_back(static_cast<const char *>(zmq_msg_data(&part)), zmq_msg_size(&part));
        const bool more = zmq_msg_more(&part);
        zmq_msg_close(&part);
        if (!more)
            return frames;
    }
}

void sendFrames(void *socket, const std::vector<std::string> &frames)
{
    for (std::size_t i = 0; i < frames.size(); ++i)
        zmq_send(socket, frames[i].data(), frames[i].size(),
                 i + 1 < frames.size() ? ZMQ_SNDMORE : 0);
}

} // namespace

ControlSockets::ControlSockets(RequestHandler onRequest, RefusalHandler onRefusal)
    : m_onRequest(std::move(onRequest)), m_onRefusal(std::move(onRefusal)),
      m_shared(std::make_shared<Shared>())
{
}

ControlSockets::~ControlSockets()
{
    m_shared->stop = true;
    m_shared->wakeup.notify();
    if (m_thread.joinable())
        m_thread.join();
}

void ControlSockets::post(WatchEvent &&event)
{
    bool wake = false;
    {
        std::lock_guard lock(m_shared->mutex);
        if (m_shared->events.size() >= Shared::kMaxPending) {
            m_shared->overflow.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        // The socket thread takes the whole queue: only the first of a batch needs to wake it.
        wake = m_shared->events.empty() && m_shared->replies.empty();
        m_shared->events.push_back(std::move(event));
    }
    if (wake)
        m_shared->wakeup.notify();
}

void ControlSockets::reply(const QByteArray &peer, std::string bytes)
{
    bool wake = false;
    {
        std::lock_guard lock(m_shared->mutex);
        wake = m_shared->events.empty() && m_shared->replies.empty();
        m_shared->replies.emplace_back(peer, std::move(bytes));
    }
    if (wake)
        m_shared->wakeup.notify();
}

bool ControlSockets::start(const ControlSocketOptions &options, QString *boundAddress,
                           QString *error)
{
    auto bound = std::make_shared<std::promise<QString>>();
    std::future<QString> result = bound->get_future();
    m_thread = std::thread([this, options, bound] { run(options, bound); });
    const QString outcome = result.get();
    if (outcome.startsWith(u'!')) {
        *error = outcome.mid(1);
        m_thread.join();
        return false;
    }
    *boundAddress = outcome;
    return true;
}

void ControlSockets::run(const ControlSocketOptions &options,
                         std::shared_ptr<std::promise<QString>> bound)
{
    void *context = zmq_ctx_new();
    void *router = zmq_socket(context, ZMQ_ROUTER);
    void *zap = nullptr;
    const int zero = 0;
    const int one = 1;
    const int highWater = 1000;
    zmq_setsockopt(router, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(router, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
    zmq_setsockopt(router, ZMQ_SNDHWM, &highWater, sizeof highWater);
    const int64_t maxMessage = 64 << 20; // a script of up to 64 MiB; larger peers are cut off
    zmq_setsockopt(router, ZMQ_MAXMSGSIZE, &maxMessage, sizeof maxMessage);
    QString failure;
    if (options.curveKey) {
        zap = zmq_socket(context, ZMQ_REP);
        zmq_setsockopt(zap, ZMQ_LINGER, &zero, sizeof zero);
        if (zmq_bind(zap, "inproc://zeromq.zap.01") != 0)
            failure = QStringLiteral("cannot start the ZAP handler: %1")
                          .arg(QString::fromUtf8(zmq_strerror(zmq_errno())));
        const QByteArray secret = options.curveKey->secretKey;
        zmq_setsockopt(router, ZMQ_CURVE_SERVER, &one, sizeof one);
        zmq_setsockopt(router, ZMQ_CURVE_SECRETKEY, secret.constData(), size_t(secret.size()));
        zmq_setsockopt(router, ZMQ_ZAP_DOMAIN, "qpalm-control", 13);
    }
    QString address;
    if (failure.isEmpty()) {
        const QByteArray wanted = options.address.toUtf8();
        if (zmq_bind(router, wanted.constData()) != 0) {
            failure = QStringLiteral("cannot bind the control address %1: %2")
                          .arg(options.address, QString::fromUtf8(zmq_strerror(zmq_errno())));
        } else {
            char endpoint[1024] = {};
            size_t size = sizeof endpoint;
            zmq_getsockopt(router, ZMQ_LAST_ENDPOINT, endpoint, &size);
            address = QString::fromUtf8(endpoint);
            if (address.startsWith(QLatin1String("ipc://")) &&
                !QFile::setPermissions(address.mid(6), QFile::ReadOwner | QFile::WriteOwner))
                failure = QStringLiteral("cannot make %1 private (mode 0600)").arg(address);
        }
    }
    if (!failure.isEmpty()) {
        if (zap)
            zmq_close(zap);
        zmq_close(router);
        zmq_ctx_term(context);
        bound->set_value(u'!' + failure);
        return;
    }
    bound->set_value(address);

    std::map<QByteArray, Watcher> watchers;
    std::deque<LogRecord> recent;
    QSet<QString> refusedPeers;

    // Handshakes that fail before ZAP (no key, a wrong server key): seen through a monitor,
    // logged at most once a minute with how many there were.
    void *monitor = nullptr;
    if (zap) {
        const std::string monitorAddress =
            "inproc://qpalm-control-monitor-" + std::to_string(reinterpret_cast<quintptr>(this));
        if (zmq_socket_monitor(router, monitorAddress.c_str(),
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) == 0) {
            monitor = zmq_socket(context, ZMQ_PAIR);
            zmq_setsockopt(monitor, ZMQ_LINGER, &zero, sizeof zero);
            zmq_connect(monitor, monitorAddress.c_str());
        }
    }
    quint64 failedHandshakes = 0;
    std::chrono::steady_clock::time_point lastHandshakeReport{};
    auto handleMonitor = [&] {
        while (!receiveAll(monitor).empty())
            ++failedHandshakes;
        const auto now = std::chrono::steady_clock::now();
        if (failedHandshakes == 0 || (lastHandshakeReport.time_since_epoch().count() != 0 &&
                                      now - lastHandshakeReport < std::chrono::minutes(1)))
            return;
        lastHandshakeReport = now;
        m_onRefusal(QStringLiteral("refused %1 control peer(s) whose CURVE handshake failed (no "
                                   "key, or not this server's key)")
                        .arg(failedHandshakes));
        failedHandshakes = 0;
    };
    const std::size_t queueLimit = std::size_t(std::max(2, options.watcherQueue));
    Shared &shared = *m_shared;

    auto enqueue = [&](Watcher &watcher, const WatchEvent &event) {
        if (!watcher.server.isEmpty() && event.server != watcher.server)
            return;
        if (event.kind == WatchEvent::Kind::Record && int(event.record.level) < watcher.level)
            return;
        if (watcher.queue.size() + 2 > queueLimit) {
            ++watcher.sequence;
            ++watcher.lost;
            return;
        }
        if (watcher.lost > 0) {
            watcher.queue.push_back(wire::encodeLost(++watcher.sequence, watcher.lost));
            watcher.lost = 0;
        }
        watcher.queue.push_back(wire::encodeEvent(++watcher.sequence, event));
    };

    auto handleWatch = [&](const QByteArray &peer, const control::ControlRequest &request) {
        const auto &watch = request.watch();
        control::ControlReply reply;
        reply.set_version(control::kVersion);
        reply.set_id(request.id());
        reply.set_ok(true);
        const QString server = QString::fromStdString(watch.server());
        for (const LogRecord &record : recent) {
            if ((server.isEmpty() || record.server == server) && int(record.level) >= watch.level())
                wire::putRecord(record, reply.add_records());
        }
        if (watch.follow() && watchers.count(peer) == 0 && watchers.size() >= kMaxWatchers) {
            reply.set_ok(false);
            reply.set_reason(
                QStringLiteral("too many watchers (%1)").arg(kMaxWatchers).toStdString());
        }
        bool gone = false;
        sendMessage(router, peer, reply.SerializeAsString(), &gone);
        if (watch.follow() && (watchers.count(peer) > 0 || watchers.size() < kMaxWatchers)) {
            Watcher &watcher = watchers[peer];
            watcher = Watcher();
            watcher.level = watch.level();
            watcher.server = server;
        }
    };

    auto handleZap = [&] {
        const std::vector<std::string> frames = receiveAll(zap);
        if (frames.size() < 6)
            return;
        const std::string &requestId = frames[1];
        const QString peerAddress = QString::fromStdString(frames[3]);
        bool allowed = false;
        QByteArray key;
        if (frames[5] == "CURVE" && frames.size() >= 7 && frames[6].size() == 32) {
            char z85[41] = {};
            zmq_z85_encode(z85, reinterpret_cast<const uint8_t *>(frames[6].data()), 32);
            key = QByteArray(z85);
            allowed = options.authorized.contains(key);
        }
        if (!allowed) {
            const QString peerId = peerAddress + u' ' + QString::fromLatin1(key);
            if (!refusedPeers.contains(peerId)) {
                refusedPeers.insert(peerId);
                m_onRefusal(
                    QStringLiteral("refused a control peer at %1 with key %2: not in the "
                                   "authorized keys")
                        .arg(peerAddress.isEmpty() ? QStringLiteral("?") : peerAddress,
                             key.isEmpty() ? QStringLiteral("(none)") : QString::fromLatin1(key)));
            }
        }
        sendFrames(zap, {"1.0", requestId, allowed ? "200" : "400",
                         allowed ? "OK" : "not authorized", "", ""});
    };

    // One round: ZAP, requests, then replies and events out.
    // Sleeps until a peer, ZAP, the monitor or a poster (the wakeup pipe) has something; a
    // watcher whose queue did not all go out (a full pipe to it) is retried every 10 ms.
    bool backlog = false;
    auto step = [&] {
        const int wakeFd = shared.wakeup.fd();
        zmq_pollitem_t items[4] = {{router, 0, ZMQ_POLLIN, 0},
                                   {nullptr, wakeFd, ZMQ_POLLIN, 0},
                                   {zap, 0, ZMQ_POLLIN, 0},
                                   {monitor, 0, ZMQ_POLLIN, 0}};
        const int count = monitor ? 4 : (zap ? 3 : 2);
        zmq_poll(items, count, backlog || wakeFd < 0 ? 10 : 1000);
        shared.wakeup.drain(); // before the queues are taken: a later post wakes the next poll
        backlog = false;
        if (monitor)
            handleMonitor();
        if (zap && (items[2].revents & ZMQ_POLLIN))
            handleZap();
        for (int i = 0; i < 256; ++i) {
            std::vector<std::string> frames = receiveAll(router);
            if (frames.empty())
                break;
            if (frames.size() != 2)
                continue;
            const QByteArray peer = QByteArray::fromStdString(frames[0]);
            control::ControlRequest request;
            QString problem;
            if (!wire::parseRequest(frames[1], &request, &problem)) {
                bool gone = false;
                sendMessage(router, peer, wire::encodeRefusal(request.id(), problem), &gone);
                continue;
            }
            if (request.kind_case() == control::ControlRequest::kWatch)
                handleWatch(peer, request);
            else
                m_onRequest(peer, QByteArray::fromStdString(frames[1]));
        }

        std::vector<WatchEvent> events;
        std::vector<std::pair<QByteArray, std::string>> replies;
        {
            std::lock_guard lock(shared.mutex);
            events.swap(shared.events);
            replies.swap(shared.replies);
        }
        for (const auto &[peer, bytes] : replies) {
            bool gone = false;
            sendMessage(router, peer, bytes, &gone);
        }
        if (const quint64 overflow = shared.overflow.exchange(0)) {
            for (auto &[peer, watcher] : watchers) {
                watcher.lost += overflow;
                watcher.sequence += overflow;
            }
        }
        for (const WatchEvent &event : events) {
            if (event.kind == WatchEvent::Kind::Record) {
                recent.push_back(event.record);
                if (recent.size() > std::size_t(std::max(0, options.recentRecords)))
                    recent.pop_front();
            }
            for (auto &[peer, watcher] : watchers)
                enqueue(watcher, event);
        }
        for (auto it = watchers.begin(); it != watchers.end();) {
            Watcher &watcher = it->second;
            if (watcher.queue.empty() && watcher.lost > 0) {
                watcher.queue.push_back(wire::encodeLost(++watcher.sequence, watcher.lost));
                watcher.lost = 0;
            }
            bool gone = false;
            while (!watcher.queue.empty() &&
                   sendMessage(router, it->first, watcher.queue.front(), &gone))
                watcher.queue.pop_front();
            backlog = backlog || (!gone && !watcher.queue.empty());
            it = gone ? watchers.erase(it) : std::next(it);
        }
    };

    while (!shared.stop.load()) {
        try {
            step();
        } catch (const std::exception &error) {
            m_onRefusal(QStringLiteral("control channel: %1 (request dropped)")
                            .arg(QString::fromLocal8Bit(error.what())));
        } catch (...) {
            m_onRefusal(QStringLiteral("control channel: unknown error (request dropped)"));
        }
    }
    if (monitor) {
        zmq_socket_monitor(router, nullptr, 0);
        zmq_close(monitor);
    }
    if (zap)
        zmq_close(zap);
    zmq_close(router);
    zmq_ctx_term(context);
}

} // namespace qpalm::remote
