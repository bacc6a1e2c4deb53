// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "curvegate.h"

#include "serverconfig.h"
#include "zmqsupport.h"

#include <QSet>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <thread>

namespace qpalm::curve {

namespace {

constexpr std::size_t kMaxRefusalsKept = 256; // per domain, between two reads

struct Domain
{
    QSet<QByteArray> keys;
    QStringList refusals;
    QSet<QString> seen; // peer address + key already recorded
};

// The process's ZAP handler: a thread with a REP on inproc://zeromq.zap.01 in the shared
// context. It lives as long as the process (as the context does).
struct Gate
{
    std::mutex mutex;
    std::map<std::string, Domain> domains;
    std::atomic<quint64> next{1};
    bool started = false;
    QString failure;

    // Answers one ZAP request (frames as received); the reply frames.
    std::vector<std::string> answer(const std::vector<std::string> &frames)
    {
        const std::string version = frames.size() > 0 ? frames[0] : "1.0";
        const std::string requestId = frames.size() > 1 ? frames[1] : std::string();
        auto reply = [&](bool ok) {
            return std::vector<std::string>{
                version, requestId, ok ? "200" : "400", ok ? "OK" : "not authorized", "", ""};
        };
        if (frames.size() < 6)
            return reply(false);
        std::lock_guard lock(mutex);
        const auto it = domains.find(frames[2]);
        if (it == domains.end())
            return reply(true); // a plaintext server's socket (domain "qpalm"): as before
        QByteArray key;
        if (frames[5] == "CURVE" && frames.size() >= 7 && frames[6].size() == 32) {
            char z85[41] = {};
            zmq_z85_encode(z85, reinterpret_cast<const uint8_t *>(frames[6].data()), 32);
            key = QByteArray(z85);
        }
        if (!key.isEmpty() && it->second.keys.contains(key))
            return reply(true);
        Domain &domain = it->second;
        const QString address = QString::fromStdString(frames[3]);
        const QString peer = address + u' ' + QString::fromLatin1(key);
        if (!domain.seen.contains(peer) && domain.refusals.size() < qsizetype(kMaxRefusalsKept)) {
            domain.seen.insert(peer);
            domain.refusals << QStringLiteral("Refused a peer at %1 with key %2: not the "
                                              "cluster's key nor an authorized one")
                                   .arg(address.isEmpty() ? QStringLiteral("?") : address,
                                        key.isEmpty() ? QStringLiteral("(none)")
                                                      : QString::fromLatin1(key));
        }
        return reply(false);
    }

    void run(std::promise<QString> *bound)
    {
        zmq::socket_t zap = makeSocket(zmq::socket_type::rep);
        try {
            zap.bind("inproc://zeromq.zap.01");
        } catch (const zmq::error_t &e) {
            bound->set_value(QStringLiteral("cannot start the ZAP handler: %1")
                                 .arg(QString::fromUtf8(e.what())));
            return;
        }
        bound->set_value(QString());
        std::vector<zmq::message_t> frames;
        while (true) {
            try {
                if (!receiveFrames(zap, frames, true))
                    continue;
                std::vector<std::string> request;
                for (const zmq::message_t &frame : frames)
                    request.emplace_back(static_cast<const char *>(frame.data()), frame.size());
                sendFrames(zap, answer(request));
            } catch (const std::exception &) {
                // A malformed request: REP needs a reply before the next one, so start over.
                zap.close();
                zap = makeSocket(zmq::socket_type::rep);
                zap.bind("inproc://zeromq.zap.01");
            }
        }
    }
};

Gate &gate()
{
    static Gate *instance = new Gate; // never destroyed, like the context its thread uses
    return *instance;
}

} // namespace

std::string openDomain(const QList<QByteArray> &keys, QString *error)
{
    Gate &g = gate();
    {
        std::lock_guard lock(g.mutex);
        if (!g.started) {
            std::promise<QString> bound;
            std::future<QString> result = bound.get_future();
            std::thread([&g, &bound] { g.run(&bound); }).detach();
            g.failure = result.get();
            g.started = true;
        }
        if (!g.failure.isEmpty()) {
            if (error)
                *error = g.failure;
            return {};
        }
    }
    const std::string name = "qpalm-curve-" + std::to_string(g.next.fetch_add(1));
    std::lock_guard lock(g.mutex);
    Domain &domain = g.domains[name];
    for (const QByteArray &key : keys)
        domain.keys.insert(key);
    return name;
}

void closeDomain(const std::string &domain)
{
    Gate &g = gate();
    std::lock_guard lock(g.mutex);
    g.domains.erase(domain);
}

QStringList takeRefusals(const std::string &domain)
{
    Gate &g = gate();
    std::lock_guard lock(g.mutex);
    const auto it = g.domains.find(domain);
    if (it == g.domains.end())
        return {};
    QStringList out;
    out.swap(it->second.refusals);
    return out;
}

void makeServer(void *socket, const DataSecurity &security, const std::string &domain)
{
    const int one = 1;
    zmq_setsockopt(socket, ZMQ_CURVE_SERVER, &one, sizeof one);
    zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, security.secretKey.constData(),
                   size_t(security.secretKey.size()));
    zmq_setsockopt(socket, ZMQ_ZAP_DOMAIN, domain.data(), domain.size());
}

void makeClient(void *socket, const QByteArray &publicKey, const QByteArray &secretKey,
                const QByteArray &serverKey)
{
    zmq_setsockopt(socket, ZMQ_CURVE_SERVERKEY, serverKey.constData(), size_t(serverKey.size()));
    zmq_setsockopt(socket, ZMQ_CURVE_PUBLICKEY, publicKey.constData(), size_t(publicKey.size()));
    zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, secretKey.constData(), size_t(secretKey.size()));
}

void makeClient(void *socket, const DataSecurity &security)
{
    makeClient(socket, security.publicKey, security.secretKey, security.publicKey);
}

} // namespace qpalm::curve
