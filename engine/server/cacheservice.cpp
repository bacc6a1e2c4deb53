#include "cacheservice.h"

#include "cache.h"
#include "frames.h"
#include "logger.h"
#include "message.h"
#include "serverstats.h"

#include <algorithm>
#include <vector>

namespace qpalm::server {

namespace {
constexpr int kBurst = 256;
constexpr qint64 kPollSliceMs = 20;
} // namespace

void serveCacheRequests(zmq::socket_t &rep, Cache &cache, Logger &logger, ServerStats &stats)
{
    for (int n = 0; n < kBurst; ++n) {
        std::vector<zmq::message_t> frames;
        if (!receiveFrames(rep, frames))
            break;
        ++stats.cacheRequests;
        std::string reply;
        Message request;
        if (frames.size() != 1) {
            ++stats.errors;
            ++stats.malformed;
            logger.error(
                QStringLiteral("Expected 1 frame on db_address, got %1").arg(frames.size()));
        } else if (!decodeMessage(view(frames.front()), request)) {
            ++stats.errors;
            ++stats.malformed;
            logger.error(QStringLiteral("Cache request could not be decoded (%1 bytes on "
                                        "db_address)")
                             .arg(frames.front().size()));
        } else {
            std::string verb;
            reply = cache.handleRequest(request, &verb);
            if (verb != "set" && verb != "get" && verb != "delete" && verb != "keys") {
                ++stats.errors;
                logger.error(
                    QStringLiteral("Unknown cache verb in %1").arg(quote(request.function)));
            } else {
                logger.logLazy(LogLevel::Debug, [&] {
                    return QStringLiteral("Cache %1 %2")
                        .arg(fromStd(verb), quote(verb == "set" ? reply : request.payload));
                });
            }
        }
        (void)rep.send(zmq::buffer(reply), zmq::send_flags::none);
    }
}

CacheClient::CacheClient(std::string dbAddress, std::string clientName)
    : m_dbAddress(std::move(dbAddress)), m_clientName(std::move(clientName))
{
}

void CacheClient::open()
{
    m_req.emplace(makeSocket(zmq::socket_type::req));
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
