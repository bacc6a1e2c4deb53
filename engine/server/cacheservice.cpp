// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "cacheservice.h"

#include "cache.h"
#include "curvegate.h"
#include "frames.h"
#include "logger.h"
#include "message.h"
#include "serverconfig.h"
#include "serverstats.h"

#include <algorithm>
#include <vector>

namespace qpalm::server {

namespace {
constexpr int kBurst = 256;
constexpr qint64 kPollSliceMs = 20;
constexpr std::size_t kMaxReportedPeers = 4096;
} // namespace

CacheService::CacheService(Cache &cache, Logger &logger, ServerStats &stats)
    : m_cache(cache), m_logger(logger), m_stats(stats)
{
}

void CacheService::reportOnce(std::string_view peer, const QString &what)
{
    ++m_stats.errors;
    ++m_stats.malformed;
    if (m_reported.size() >= kMaxReportedPeers)
        m_reported.clear(); // bounded: a flood of peers costs at most one record each per round
    if (!m_reported.emplace(peer).second)
        return;
    m_logger.error(what + QStringLiteral(" (peer %1; further such input from it is dropped "
                                         "silently)")
                              .arg(QString::fromLatin1(
                                  QByteArray(peer.data(), qsizetype(peer.size())).toHex())));
}

void CacheService::serve(zmq::socket_t &socket)
{
    std::vector<zmq::message_t> frames;
    for (int n = 0; n < kBurst; ++n) {
        if (!receiveFrames(socket, frames))
            break;
        ++m_stats.cacheRequests;
        // frames[0] is the routing id the ROUTER added; a REQ peer then sends an empty
        // delimiter and its request.
        const std::string_view peer = view(frames.front());
        if (frames.size() < 3 || frames[1].size() != 0) {
            reportOnce(peer, QStringLiteral("Malformed envelope on db_address (%1 frame(s), no "
                                            "empty delimiter): dropped")
                                 .arg(frames.size() - 1));
            continue;
        }
        std::string reply;
        Message request;
        if (frames.size() != 3) {
            ++m_stats.errors;
            ++m_stats.malformed;
            m_logger.error(
                QStringLiteral("Expected 1 frame on db_address, got %1").arg(frames.size() - 2));
        } else if (!decodeMessage(view(frames[2]), request)) {
            ++m_stats.errors;
            ++m_stats.malformed;
            m_logger.error(QStringLiteral("Cache request could not be decoded (%1 bytes on "
                                          "db_address)")
                               .arg(frames[2].size()));
        } else {
            std::string verb;
            reply = m_cache.handleRequest(request, &verb);
            if (verb != "set" && verb != "get" && verb != "delete" && verb != "keys") {
                ++m_stats.errors;
                m_logger.error(
                    QStringLiteral("Unknown cache verb in %1").arg(quote(request.function)));
            } else {
                m_logger.logLazy(LogLevel::Debug, [&] {
                    return QStringLiteral("Cache %1 %2")
                        .arg(fromStd(verb), quote(verb == "set" ? reply : request.payload));
                });
            }
        }
        // Never blocks: a peer that is gone or not reading loses its own reply, nobody else's.
        const auto flags = zmq::send_flags::dontwait;
        if (socket.send(frames[0], flags | zmq::send_flags::sndmore) &&
            socket.send(zmq::message_t(), flags | zmq::send_flags::sndmore))
            (void)socket.send(zmq::buffer(reply), flags);
    }
}

CacheClient::CacheClient(std::string dbAddress, std::string clientName,
                         const DataSecurity *security)
    : m_dbAddress(std::move(dbAddress)), m_clientName(std::move(clientName))
{
    if (security && security->isSet()) {
        m_publicKey = security->publicKey;
        m_secretKey = security->secretKey;
    }
}

void CacheClient::open()
{
    m_req.emplace(makeSocket(zmq::socket_type::req));
    if (!m_secretKey.isEmpty())
        curve::makeClient(m_req->handle(), m_publicKey, m_secretKey, m_publicKey);
    m_link = LocalLink();
    connectPreferLocal(*m_req, m_dbAddress, &m_link);
}

void CacheClient::close()
{
    m_req.reset();
}

bool CacheClient::refreshLink()
{
    return m_req && refreshLocalLink(*m_req, m_link);
}

std::optional<std::string> CacheClient::request(const std::string &verb, const std::string &payload,
                                                const std::string &key, int timeoutMs,
                                                const std::function<bool()> &keepGoing,
                                                QString *error)
{
    if (!m_req)
        open();
    Message request;
    request.pipeline = newUuid();
    request.client = m_clientName;
    request.function = "_." + verb;
    request.payload = payload;
    request.cache = key;
    const std::string bytes = encodeMessage(request);

    const qint64 deadline = steadyMs() + std::max(timeoutMs, 0);
    bool stopped = false;
    if (m_req->send(zmq::buffer(bytes), zmq::send_flags::dontwait)) {
        while (true) {
            const qint64 left = deadline - steadyMs();
            if (left <= 0)
                break;
            zmq::pollitem_t item{m_req->handle(), 0, ZMQ_POLLIN, 0};
            zmq::poll(&item, 1, std::chrono::milliseconds(std::min(left, kPollSliceMs)));
            if (item.revents & ZMQ_POLLIN) {
                zmq::message_t reply;
                if (m_req->recv(reply, zmq::recv_flags::dontwait))
                    return std::string(view(reply));
            }
            if (keepGoing && !keepGoing()) {
                stopped = true;
                break;
            }
        }
    }
    if (error) {
        *error = stopped ? QStringLiteral("cache request to %1 abandoned: the server is stopping")
                               .arg(fromStd(m_dbAddress))
                         : QStringLiteral("cache request to %1 timed out after %2 ms")
                               .arg(fromStd(m_dbAddress))
                               .arg(timeoutMs);
    }
    // Lazy pirate: a REQ that lost its reply is unusable, so start over with a fresh one.
    open();
    return std::nullopt;
}

} // namespace qpalm::server
