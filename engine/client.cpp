// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "client.h"

#include "curvegate.h"
#include "localendpoints.h"
#include "message.h"
#include "serverconfig.h"
#include "zmqsupport.h"

#include <algorithm>
#include <chrono>
#include <cstring>

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

// Handshake events of one socket over tcp or ipc (inproc has none): a CURVE refusal, a mechanism
// mismatch or a peer that hangs up mid-handshake ends a wait at once instead of at its timeout.
class Client::HandshakeWatch
{
public:
    static constexpr int kEvents = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_DISCONNECTED;

    // Call before socket connects.
    explicit HandshakeWatch(zmq::socket_t &socket)
    {
        const std::string endpoint = "inproc://qpalm-client-handshake-" + newUuid();
        if (zmq_socket_monitor(socket.handle(), endpoint.c_str(), kEvents) != 0)
            return;
        m_monitor.emplace(makeSocket(zmq::socket_type::pair));
        m_monitor->connect(endpoint);
    }
    void *handle() { return m_monitor ? m_monitor->handle() : nullptr; }
    bool succeeded() const { return m_succeeded; }
    // Reads pending events; true (with the event and its value) once a handshake failed.
    bool failed(int *event, int *value)
    {
        std::vector<zmq::message_t> frames;
        while (m_monitor && receiveFrames(*m_monitor, frames)) {
            if (frames.empty() || frames[0].size() < 6)
                continue;
            quint16 id = 0;
            qint32 detail = 0;
            std::memcpy(&id, frames[0].data(), sizeof id);
            std::memcpy(&detail, static_cast<const char *>(frames[0].data()) + 2, sizeof detail);
            if (id == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
                m_succeeded = true;
            } else if (id != ZMQ_EVENT_DISCONNECTED || !m_succeeded) {
                // A hang-up before any handshake succeeded: the server dropped our hello (with
                // CURVE, a server key that is not its own). Twice, to let a restart through.
                if (id == ZMQ_EVENT_DISCONNECTED && ++m_hangups < 2)
                    continue;
                m_event = id;
                m_value = detail;
            }
        }
        if (m_event == 0)
            return false;
        *event = m_event;
        *value = m_value;
        return true;
    }

private:
    std::optional<zmq::socket_t> m_monitor;
    bool m_succeeded = false;
    int m_hangups = 0;
    int m_event = 0;
    int m_value = 0;
};

struct Client::Sockets
{
    std::optional<zmq::socket_t> db;
    std::optional<HandshakeWatch> dbWatch;
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

void Client::Options::useClusterKeys(const DataSecurity &security)
{
    curvePublicKey = security.publicKey.toStdString();
    curveSecretKey = security.secretKey.toStdString();
    curveServerKey = security.isSet() ? curvePublicKey : std::string();
}

std::string Client::refusal(const std::string &address, int event, int value) const
{
    const std::string server = "the server at " + address;
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        return server + " refused this client's key: it is neither its cluster's key nor an "
                        "authorized one";
    // A plaintext (NULL) handshake fails only on a mechanism mismatch, which either side may
    // notice first (the other then sees the connection drop).
    if (m_options.curveServerKey.empty())
        return server + " refused a plaintext handshake: it requires CURVE (its cluster has "
                        "data_security); give this client a key pair the cluster accepts and the "
                        "cluster's public key";
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
        value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
        return server + " does not use CURVE (no data_security), but this client does";
    return "the CURVE handshake with " + server +
           " failed: is the server key its cluster's public key?";
}

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
        m_sockets->dbWatch.reset();
        m_sockets->db.emplace(makeSocket(zmq::socket_type::req));
        secure(*m_sockets->db);
        m_sockets->dbWatch.emplace(*m_sockets->db);
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
    HandshakeWatch &watch = *m_sockets->dbWatch;
    zmq::pollitem_t items[2] = {{m_sockets->db->handle(), 0, ZMQ_POLLIN, 0},
                                {watch.handle(), 0, ZMQ_POLLIN, 0}};
    const std::size_t count = !watch.succeeded() && watch.handle() ? 2 : 1;
    const qint64 deadline = steadyMs() + m_options.timeoutMs;
    int event = 0;
    int value = 0;
    while (true) {
        if (!pollUnlessInterrupted(items, count, deadline - steadyMs(), m_interrupt)) {
            m_error = "cancelled";
            m_sockets->db.reset(); // a REQ that lost its reply is unusable
            return std::nullopt;
        }
        if ((items[0].revents & ZMQ_POLLIN) || steadyMs() >= deadline)
            break;
        if (count == 2 && (items[1].revents & ZMQ_POLLIN) && watch.failed(&event, &value)) {
            m_error = refusal(m_options.dbAddress, event, value);
            m_sockets->db.reset();
            return std::nullopt;
        }
    }
    const zmq::pollitem_t &item = items[0];
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
    if (reply->empty()) {
        // A qpalm cache always holds "name"; pylm's answers an unknown verb with nothing.
        m_error = "the server at " + m_options.dbAddress +
                  " does not list its keys ('keys' is qpalm's; a pylm server has no such verb)";
        return std::nullopt;
    }
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
    std::optional<HandshakeWatch> watch(std::in_place, sub);
    bool local = false;
    try {
        local = connectPreferLocal(sub, m_options.subAddress, &m_sockets->subLink);
    } catch (const zmq::error_t &e) {
        m_error = "cannot connect to " + m_options.subAddress + ": " + e.what();
        return false;
    }
    bool interrupted = false;
    int event = 0;
    int value = 0;
    bool refused = false;
    const qint64 deadline = steadyMs() + m_options.timeoutMs;
    // An inproc pipe is attached at connect; tcp needs its handshake first.
    while (!local && !interrupted && !refused && !watch->succeeded() && steadyMs() < deadline) {
        zmq::pollitem_t item{watch->handle(), 0, ZMQ_POLLIN, 0};
        interrupted = !pollUnlessInterrupted(&item, 1, deadline - steadyMs(), m_interrupt);
        refused = !interrupted && watch->failed(&event, &value);
    }
    const bool reached = local || watch->succeeded();
    zmq_socket_monitor(sub.handle(), nullptr, 0);
    watch.reset();
    if (interrupted) {
        m_error = "cancelled";
        return false;
    }
    if (refused) {
        m_error = refusal(m_options.subAddress, event, value);
        return false;
    }
    if (!reached) {
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
