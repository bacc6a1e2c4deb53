// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "client.h"

#include "curvegate.h"
#include "localendpoints.h"
#include "message.h"
#include "zmqsupport.h"

#include <algorithm>
#include <chrono>

namespace qpalm {

namespace {
qint64 steadyMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}
std::string_view view(const zmq::message_t &frame)
{
    return {static_cast<const char *>(frame.data()), frame.size()};
}

constexpr qint64 kInterruptSliceMs = 20;

bool isSet(const std::atomic<bool> *flag)
{
    return flag && flag->load(std::memory_order_relaxed);
}

// zmq::poll for up to timeoutMs; with an interrupt flag, in short slices that watch it. False when
// the flag was raised.
bool pollUnlessInterrupted(zmq::pollitem_t *items, std::size_t count, qint64 timeoutMs,
                           const std::atomic<bool> *interrupt)
{
    if (!interrupt) {
        zmq::poll(items, count, std::chrono::milliseconds(std::max<qint64>(0, timeoutMs)));
        return true;
    }
    const qint64 deadline = steadyMs() + timeoutMs;
    while (true) {
        if (isSet(interrupt))
            return false;
        const qint64 left = std::max<qint64>(0, deadline - steadyMs());
        const int ready =
            zmq::poll(items, count, std::chrono::milliseconds(std::min(left, kInterruptSliceMs)));
        if (ready > 0 || left <= kInterruptSliceMs)
            return !isSet(interrupt);
    }
}
} // namespace

struct Client::Sockets
{
    std::optional<zmq::socket_t> db;
    std::optional<zmq::socket_t> push;
    std::optional<zmq::socket_t> sub;
    LocalLink dbLink;
    LocalLink pushLink;
    LocalLink subLink;

    // Follows in-process servers that were restarted (inproc does not reconnect by itself).
    void refresh()
    {
        if (db)
            refreshLocalLink(*db, dbLink);
        if (push)
            refreshLocalLink(*push, pushLink);
        if (sub)
            refreshLocalLink(*sub, subLink);
    }
};

Client::Client(Options options)
    : m_options(std::move(options)), m_uuid(newUuid()), m_sockets(std::make_unique<Sockets>())
{
    m_session = !m_options.pipeline.empty();
    if (!m_session)
        m_options.pipeline = newUuid();
}

Client::~Client() = default;

bool Client::connect()
{
    m_error.clear();
    auto name = get("name");
    if (!name) {
        if (m_error.empty())
            m_error = "no answer from " + m_options.dbAddress;
        return false;
    }
    if (*name != m_options.serverName) {
        m_error = "the server at " + m_options.dbAddress + " is named '" + *name + "', not '" +
                  m_options.serverName + "'";
        return false;
    }
    if (m_options.subAddress.empty()) {
        auto address = get("pub_address");
        if (!address || address->empty()) {
            m_error = "server '" + m_options.serverName + "' did not give its pub_address";
            return false;
        }
        m_options.subAddress = reachableFrom(*address, m_options.dbAddress);
    }
    if (m_options.pushAddress.empty()) {
        auto address = get("pull_address");
        if (!address || address->empty()) {
            m_error = "server '" + m_options.serverName + "' did not give its pull_address";
            return false;
        }
        m_options.pushAddress = reachableFrom(*address, m_options.dbAddress);
    }
    return true;
}

void Client::secure(zmq::socket_t &socket) const
{
    if (!m_options.curveServerKey.empty())
        curve::makeClient(socket.handle(), QByteArray::fromStdString(m_options.curvePublicKey),
                          QByteArray::fromStdString(m_options.curveSecretKey),
                          QByteArray::fromStdString(m_options.curveServerKey));
}

std::optional<std::string> Client::cacheRequest(const std::string &verb, const std::string &payload,
                                                const std::string &key)
{
    if (!m_sockets->db) {
        m_sockets->db.emplace(makeSocket(zmq::socket_type::req));
        secure(*m_sockets->db);
        connectPreferLocal(*m_sockets->db, m_options.dbAddress, &m_sockets->dbLink);
    }
    m_sockets->refresh();
    Message request;
    request.pipeline = newUuid();
    request.client = m_uuid;
    request.function = m_options.serverName + "." + verb;
    request.payload = payload;
    request.cache = key;
    const std::string bytes = encodeMessage(request);
    (void)m_sockets->db->send(zmq::buffer(bytes), zmq::send_flags::none);
    zmq::pollitem_t item{m_sockets->db->handle(), 0, ZMQ_POLLIN, 0};
    if (!pollUnlessInterrupted(&item, 1, m_options.timeoutMs, m_interrupt)) {
        m_error = "cancelled";
        m_sockets->db.reset(); // a REQ that lost its reply is unusable
        return std::nullopt;
    }
    if (!(item.revents & ZMQ_POLLIN)) {
        m_error = "timed out after " + std::to_string(m_options.timeoutMs) +
                  " ms waiting for the cache at " + m_options.dbAddress;
        m_sockets->db.reset(); // a REQ that lost its reply is unusable
        return std::nullopt;
    }
    zmq::message_t reply;
    (void)m_sockets->db->recv(reply, zmq::recv_flags::none);
    return std::string(view(reply));
}

std::optional<std::string> Client::set(const std::string &value, const std::string &key)
{
    // As in pylm, a client in a session (a pipeline given) keeps its keys under that pipeline.
    return cacheRequest("set", value, m_session && !key.empty() ? m_options.pipeline + key : key);
}

std::optional<std::string> Client::get(const std::string &key)
{
    return cacheRequest("get", key);
}

std::optional<std::string> Client::remove(const std::string &key)
{
    return cacheRequest("delete", key);
}

std::optional<std::vector<std::string>> Client::keys()
{
    auto reply = cacheRequest("keys", {});
    if (!reply)
        return std::nullopt;
    std::vector<std::string> out;
    std::string_view rest = *reply;
    while (!rest.empty()) {
        const auto zero = rest.find('\0');
        out.emplace_back(rest.substr(0, zero));
        if (zero == std::string_view::npos)
            break;
        rest.remove_prefix(zero + 1);
    }
    return out;
}

bool Client::ensureStreams()
{
    if (m_sockets->sub)
        return true;
    if (m_options.pushAddress.empty() || m_options.subAddress.empty()) {
        if (!connect())
            return false;
    }
    zmq::socket_t sub = makeSocket(zmq::socket_type::sub);
    secure(sub);
    sub.set(zmq::sockopt::subscribe, m_uuid);
    sub.set(zmq::sockopt::rcvhwm, 0);

    // Watch the subscriber's handshake so the subscription is on its way before the first request.
    const std::string monitorEndpoint = "inproc://qpalm-client-monitor-" + newUuid();
    zmq_socket_monitor(sub.handle(), monitorEndpoint.c_str(), ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    zmq::socket_t monitor = makeSocket(zmq::socket_type::pair);
    monitor.connect(monitorEndpoint);
    bool local = false;
    try {
        local = connectPreferLocal(sub, m_options.subAddress, &m_sockets->subLink);
    } catch (const zmq::error_t &e) {
        m_error = "cannot connect to " + m_options.subAddress + ": " + e.what();
        return false;
    }
    zmq::pollitem_t item{monitor.handle(), 0, ZMQ_POLLIN, 0};
    bool interrupted = false;
    if (!local) // an inproc pipe is attached at connect; tcp needs its handshake first
        interrupted = !pollUnlessInterrupted(&item, 1, m_options.timeoutMs, m_interrupt);
    zmq_socket_monitor(sub.handle(), nullptr, 0);
    if (interrupted) {
        m_error = "cancelled";
        return false;
    }
    if (!local && !(item.revents & ZMQ_POLLIN)) {
        m_error = "could not reach the publisher at " + m_options.subAddress;
        return false;
    }
    (void)sub.get(
        zmq::sockopt::events); // lets the socket attach the pipe and send the subscription

    zmq::socket_t push = makeSocket(zmq::socket_type::push);
    secure(push);
    try {
        connectPreferLocal(push, m_options.pushAddress, &m_sockets->pushLink);
    } catch (const zmq::error_t &e) {
        m_error = "cannot connect to " + m_options.pushAddress + ": " + e.what();
        return false;
    }
    m_sockets->sub.emplace(std::move(sub));
    m_sockets->push.emplace(std::move(push));
    return true;
}

std::optional<std::vector<std::string>> Client::eval(const std::string &function,
                                                     const std::string &payload, int replies,
                                                     const std::string &cache)
{
    return job(function, std::vector<std::string>{payload}, replies, cache);
}

std::optional<std::vector<std::string>> Client::job(const std::string &function,
                                                    const std::vector<std::string> &payloads,
                                                    int repliesPerMessage, const std::string &cache)
{
    std::size_t index = 0;
    std::vector<std::string> out;
    out.reserve(payloads.size() * std::size_t(std::max(repliesPerMessage, 1)));
    const bool ok = job(
        function,
        [&](std::string &next) {
            if (index >= payloads.size())
                return false;
            next = payloads[index++];
            return true;
        },
        [&](std::string &&reply) { out.push_back(std::move(reply)); }, repliesPerMessage, cache);
    if (!ok)
        return std::nullopt;
    return out;
}

bool Client::job(const std::string &function, const std::function<bool(std::string &)> &next,
                 const std::function<void(std::string &&)> &onReply, int repliesPerMessage,
                 const std::string &cache, int totalReplies)
{
    m_error.clear();
    if (!ensureStreams())
        return false;
    m_sockets->refresh();
    zmq::socket_t &push = *m_sockets->push;
    zmq::socket_t &sub = *m_sockets->sub;

    Message message;
    message.pipeline = m_options.pipeline;
    message.client = m_uuid;
    message.stage = 0;
    message.function = function;
    message.cache = cache;
    std::string encoded;
    MessageView reply;

    bool moreToSend = true;
    bool haveStaged = false;
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    qint64 lastProgress = steadyMs();

    while (true) {
        const std::uint64_t expected = totalReplies >= 0
                                           ? std::uint64_t(totalReplies)
                                           : sent * std::uint64_t(std::max(repliesPerMessage, 0));
        if (!moreToSend && !haveStaged && received >= expected)
            return true;

        if (moreToSend && !haveStaged) {
            if (next(message.payload)) {
                encodeMessage(message, encoded);
                haveStaged = true;
            } else {
                moreToSend = false;
                continue;
            }
        }

        zmq::pollitem_t items[2] = {{sub.handle(), 0, ZMQ_POLLIN, 0},
                                    {push.handle(), 0, short(haveStaged ? ZMQ_POLLOUT : 0), 0}};
        const qint64 left = m_options.timeoutMs - (steadyMs() - lastProgress);
        if (left <= 0) {
            if (haveStaged)
                m_error = "timed out after " + std::to_string(m_options.timeoutMs) +
                          " ms sending message " + std::to_string(sent + 1);
            else
                m_error = "timed out after " + std::to_string(m_options.timeoutMs) +
                          " ms waiting for reply " + std::to_string(received + 1) + " of " +
                          std::to_string(expected);
            return false;
        }
        if (!pollUnlessInterrupted(items, 2, left, m_interrupt)) {
            m_error = "cancelled";
            return false;
        }

        if (items[1].revents & ZMQ_POLLOUT) {
            const std::uint64_t sentBefore = sent;
            for (int burst = 0; burst < 256 && haveStaged; ++burst) {
                if (!push.send(zmq::buffer(encoded), zmq::send_flags::dontwait))
                    break;
                ++sent;
                haveStaged = false;
                if (moreToSend && next(message.payload)) {
                    encodeMessage(message, encoded);
                    haveStaged = true;
                } else {
                    moreToSend = false;
                }
            }
            if (sent != sentBefore)
                lastProgress = steadyMs();
        }
        if (items[0].revents & ZMQ_POLLIN) {
            lastProgress = steadyMs();
            for (int burst = 0; burst < 256; ++burst) {
                zmq::message_t topic;
                if (!sub.recv(topic, zmq::recv_flags::dontwait))
                    break;
                if (!topic.more())
                    continue;
                zmq::message_t data;
                (void)sub.recv(data, zmq::recv_flags::none);
                while (data.more()) {
                    zmq::message_t extra;
                    (void)sub.recv(extra, zmq::recv_flags::none);
                    data.move(extra);
                }
                if (view(topic) != m_uuid)
                    continue;
                if (!peekMessage(view(data), reply)) {
                    Message full; // unusual encodings: protobuf has the last word
                    if (!decodeMessage(view(data), full))
                        continue;
                    ++received;
                    onReply(std::move(full.payload));
                    continue;
                }
                ++received;
                onReply(std::string(reply.payload));
            }
        }
    }
}

} // namespace qpalm
