// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "socketplan.h"

#include "cache.h"
#include "curvegate.h"
#include "endpoint.h"
#include "frames.h"
#include "logger.h"
#include "message.h"
#include "reliableprotocol.h"
#include "servertraits.h"
#include "zmqsupport.h"

#include <QtGlobal>

#include <algorithm>
#include <map>
#include <optional>

namespace qpalm::server {

namespace {
// QPALM_PUB_HWM: the publisher's send high-water mark (ZeroMQ's 1000 when unset), for tests
// and tuning; a full publisher stops the inputs that feed it.
int publisherHwm()
{
    bool ok = false;
    const int hwm = qEnvironmentVariableIntValue("QPALM_PUB_HWM", &ok);
    return ok ? hwm : 0;
}
// Where a master binds its reliable path: beside worker_push_address, on a port of its own.
QString reliableAddressFor(const QString &pushAddress)
{
    const auto endpoint = Endpoint::parse(pushAddress);
    if (!endpoint)
        return {};
    switch (endpoint->transport()) {
    case Endpoint::Transport::Tcp:
        return QStringLiteral("tcp://%1:*").arg(endpoint->host());
    case Endpoint::Transport::Ipc:
        return endpoint->isWildcardPort() ? pushAddress : pushAddress + QStringLiteral(".reliable");
    case Endpoint::Transport::Inproc:
        return pushAddress + QStringLiteral("-reliable");
    }
    return {};
}
} // namespace

SocketPlan planFor(ServerKind kind)
{
    const ServerKindTraits &traits = traitsOf(kind);
    auto has = [&traits](SocketType type, std::optional<ClusterField> address = std::nullopt) {
        return std::any_of(
            traits.sockets.cbegin(), traits.sockets.cend(), [&](const SocketTraits &socket) {
                return socket.type == type && (!address || socket.address == *address);
            });
    };
    SocketPlan plan;
    plan.isWorker = has(SocketType::Req); // reads its master's cache
    plan.servesCache = traits.servesCache;
    plan.publishes = has(SocketType::XPub);
    plan.bindsClientPull = traits.bindsClientPull;
    plan.subscribesMany = traits.subscribes && has(SocketType::Sub, ClusterField::SubAddresses);
    plan.subscribesOne = traits.subscribes && !plan.subscribesMany;
    plan.hasWorkers = traits.hasWorkers;
    plan.inputFrames = plan.subscribesOne || plan.subscribesMany ? 2 : 1;
    return plan;
}

ServerSockets::ServerSockets(const ServerConfig &config, Logger &logger, ServerStats &stats,
                             QMap<QString, QString> preferred)
    : plan(planFor(config.kind)), publisher(logger, stats, config.publishGraceMs),
      workers(logger, stats), m_config(config), m_logger(logger), m_preferred(std::move(preferred))
{
}

bool ServerSockets::bind(zmq::socket_t &socket, const QString &parameter, const QString &address,
                         Cache &cache, QString *error)
{
    // A ZAP domain (with no ZAP handler, so NULL-mechanism peers pass as before) makes libzmq
    // refuse ZMTP 1.0/2.0 handshakes: random bytes from a raw TCP peer can no longer pass for a
    // peer and take tasks, subscribe, or send frames. pylm (ZMTP 3) and qpalm peers are unaffected.
    socket.set(zmq::sockopt::zap_domain, "qpalm");
    if (!m_curveDomain.empty()) {
        curve::makeServer(socket.handle(), m_config.dataSecurity, m_curveDomain);
        // The XPUB and the client PULL have monitors of their own (the pylm race); a plaintext
        // peer meets db_address first anyway.
        const std::string monitorAddress = "inproc://qpalm-handshake-" + newUuid();
        if (parameter != QLatin1String("pub_address") &&
            parameter != QLatin1String("pull_address") &&
            zmq_socket_monitor(socket.handle(), monitorAddress.c_str(),
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) == 0) {
            zmq::socket_t monitor = makeSocket(zmq::socket_type::pair);
            monitor.set(zmq::sockopt::rcvhwm, 0);
            monitor.connect(monitorAddress);
            m_handshakeWatches.push_back(HandshakeWatch{parameter, std::move(monitor)});
        }
    }
    // A restart keeps the ports a wildcard got last time, so workers and clients find it again.
    const QString earlier = m_preferred.value(parameter);
    bool bound = false;
    if (address.endsWith(QStringLiteral(":*")) && !earlier.isEmpty()) {
        try {
            socket.bind(earlier.toStdString());
            bound = true;
        } catch (const zmq::error_t &e) {
            m_logger.warning(
                QStringLiteral("%1 %2 of the last run is not free (%3); taking a new port")
                    .arg(parameter, earlier, QString::fromUtf8(e.what())));
        }
    }
    try {
        if (!bound)
            socket.bind(address.toStdString());
    } catch (const zmq::error_t &e) {
        *error = QStringLiteral("server '%1' cannot bind %2 %3: %4")
                     .arg(m_config.name, parameter, address, QString::fromUtf8(e.what()));
        return false;
    }
    const std::string endpoint = lastEndpoint(socket);
    m_bindings.emplace_back(socket.handle(), endpoint);
    try {
        bindLocalTwin(socket, endpoint);
        m_bindings.emplace_back(socket.handle(), lastEndpoint(socket));
    } catch (const zmq::error_t &) {
        // No shortcut for this endpoint; peers use tcp.
    }
    m_boundEndpoints.push_back(endpoint);
    const QString resolved = fromStd(endpoint);
    addresses.insert(parameter, resolved);
    cache.set(parameter.toStdString(), resolved.toStdString());
    return true;
}

void ServerSockets::secureClient(zmq::socket_t &socket) const
{
    if (m_config.dataSecurity.isSet())
        curve::makeClient(socket.handle(), m_config.dataSecurity);
}

void ServerSockets::reportRefusals()
{
    for (const QString &text : curve::takeRefusals(m_curveDomain))
        m_logger.warning(text);
    const qint64 now = steadyMs();
    for (HandshakeWatch &watch : m_handshakeWatches) {
        zmq::message_t frame;
        while (watch.monitor.recv(frame, zmq::recv_flags::dontwait)) {
            if (!frame.more()) // [event, value] then the endpoint: one event per two frames
                ++watch.failed;
        }
        if (watch.failed == 0 || (watch.lastReport != 0 && now - watch.lastReport < 10000))
            continue;
        m_logger.warning(QStringLiteral("Refused %1 peer(s) on %2 %3 whose handshake failed (no "
                                        "CURVE, or not this cluster's server key)")
                             .arg(watch.failed)
                             .arg(watch.parameter, addresses.value(watch.parameter)));
        watch.failed = 0;
        watch.lastReport = now;
    }
}

bool ServerSockets::connectInput(const QString &parameter, const QString &address, QString *error)
{
    secureClient(inputs.back());
    try {
        m_inputLinks.resize(inputs.size());
        connectPreferLocal(inputs.back(), address.toStdString(), &m_inputLinks.back());
    } catch (const zmq::error_t &e) {
        *error = QStringLiteral("server '%1' cannot connect %2 %3: %4")
                     .arg(m_config.name, parameter, address, QString::fromUtf8(e.what()));
        return false;
    }
    addresses.insert(parameter, address);
    return true;
}

bool ServerSockets::open(Cache &cache, QString *error)
{
    if (plan.isWorker)
        return true;
    if (m_config.dataSecurity.isSet()) {
        QList<QByteArray> keys = m_config.dataSecurity.authorized;
        keys << m_config.dataSecurity.publicKey;
        m_curveDomain = curve::openDomain(keys, error);
        if (m_curveDomain.empty())
            return false;
    }
    cacheRouter.emplace(makeSocket(zmq::socket_type::router));
    if (!bind(*cacheRouter, QStringLiteral("db_address"), m_config.dbAddress, cache, error))
        return false;

    if (plan.bindsClientPull) {
        inputs.push_back(makeSocket(zmq::socket_type::pull));
        inputNames.emplace_back("pull_address");
        m_inputLinks.resize(inputs.size());
        if (!bind(inputs.back(), QStringLiteral("pull_address"), m_config.pullAddress, cache,
                  error))
            return false;
    } else if (plan.subscribesOne) {
        inputs.push_back(makeSocket(zmq::socket_type::sub));
        inputNames.emplace_back("sub_address");
        inputs.back().set(zmq::sockopt::subscribe, m_config.previous.value(0).toStdString());
        if (!connectInput(QStringLiteral("sub_address"), m_config.subAddress, error))
            return false;
        // pylm's Pipeline and Hub publish where they listen too.
        cache.set("sub_address", m_config.subAddress.toStdString());
    } else if (plan.subscribesMany) {
        for (int i = 0; i < m_config.subAddresses.size(); ++i) {
            inputs.push_back(makeSocket(zmq::socket_type::sub));
            inputNames.push_back("sub_addresses[" + std::to_string(i) + "]");
            inputs.back().set(zmq::sockopt::subscribe, m_config.previous.value(i).toStdString());
            if (!connectInput(QStringLiteral("sub_addresses[%1]").arg(i),
                              m_config.subAddresses.at(i), error))
                return false;
            // pylm's Sink: one key per address, sub_address_0, sub_address_1, ...
            cache.set("sub_address_" + std::to_string(i),
                      m_config.subAddresses.at(i).toStdString());
        }
    }

    if (plan.publishes) {
        publisher.output.socket.emplace(makeSocket(zmq::socket_type::xpub));
        if (const int hwm = publisherHwm(); hwm > 0)
            publisher.output.socket->set(zmq::sockopt::sndhwm, hwm);
        publisher.output.socket->set(zmq::sockopt::xpub_nodrop, 1);
        publisher.output.socket->set(zmq::sockopt::xpub_verboser, 1);
        publisher.watchConnections();
        if (plan.bindsClientPull)
            publisher.watchClients(inputs.front()); // pylm: a PUSH per call, then its SUB
        if (!bind(*publisher.output.socket, QStringLiteral("pub_address"), m_config.pubAddress,
                  cache, error))
            return false;
    }

    if (plan.hasWorkers) {
        workers.configure(m_config.delivery);
        workers.push.emplace(makeSocket(zmq::socket_type::push));
        if (!bind(*workers.push, QStringLiteral("worker_push_address"), m_config.workerPushAddress,
                  cache, error))
            return false;
        if (m_config.delivery.reliable) {
            const QString address = reliableAddressFor(
                addresses.value(QStringLiteral("worker_push_address"), m_config.workerPushAddress));
            workers.router.emplace(makeSocket(zmq::socket_type::router));
            workers.router->set(zmq::sockopt::router_mandatory, 1);
            if (address.isEmpty() ||
                !bind(*workers.router, QString::fromLatin1(reliable::kCacheKey), address, cache,
                      error))
                return false;
        }
        workerResults.emplace(makeSocket(zmq::socket_type::pull));
        if (!bind(*workerResults, QStringLiteral("worker_pull_address"), m_config.workerPullAddress,
                  cache, error))
            return false;
    }
    return true;
}

bool ServerSockets::openWorker(const std::string &pushAddress, const std::string &pullAddress,
                               QString *error)
{
    try {
        inputs.push_back(makeSocket(zmq::socket_type::pull));
        inputNames.emplace_back("worker_push_address");
        m_inputLinks.resize(inputs.size());
        secureClient(inputs.back());
        connectPreferLocal(inputs.back(), pushAddress, &m_inputLinks.back());
        toMaster.socket.emplace(makeSocket(zmq::socket_type::push));
        secureClient(*toMaster.socket);
        connectPreferLocal(*toMaster.socket, pullAddress, &m_toMasterLink);
    } catch (const zmq::error_t &e) {
        *error = QStringLiteral("worker '%1' cannot connect to its master: %2")
                     .arg(m_config.name, QString::fromUtf8(e.what()));
        return false;
    }
    addresses.insert(QStringLiteral("worker_push_address"), fromStd(pushAddress));
    addresses.insert(QStringLiteral("worker_pull_address"), fromStd(pullAddress));
    return true;
}

bool ServerSockets::openReliableWorker(const std::string &address, QString *error)
{
    try {
        toMaster.socket.emplace(makeSocket(zmq::socket_type::dealer));
        secureClient(*toMaster.socket);
        connectPreferLocal(*toMaster.socket, address, &m_toMasterLink);
    } catch (const zmq::error_t &e) {
        *error = QStringLiteral("worker '%1' cannot connect to its master's %2 %3: %4")
                     .arg(m_config.name, QString::fromLatin1(reliable::kCacheKey), fromStd(address),
                          QString::fromUtf8(e.what()));
        return false;
    }
    reliableWorker = true;
    addresses.insert(QString::fromLatin1(reliable::kCacheKey), fromStd(address));
    return true;
}

void ServerSockets::refreshLinks()
{
    auto refresh = [this](zmq::socket_t &socket, LocalLink &link, const std::string &what) {
        if (refreshLocalLink(socket, link))
            m_logger.info(QStringLiteral("Reconnected %1 to %2 (its server restarted)")
                              .arg(fromStd(what), fromStd(link.endpoint)));
    };
    for (std::size_t i = 0; i < inputs.size() && i < m_inputLinks.size(); ++i)
        refresh(inputs[i], m_inputLinks[i], inputNames[i]);
    if (toMaster.socket)
        refresh(*toMaster.socket, m_toMasterLink, "worker_pull_address");
    if (!m_curveDomain.empty())
        reportRefusals();
}

std::size_t ServerSockets::unsent() const
{
    return publisher.heldCount() + publisher.output.pendingCount() + workers.pendingCount() +
           toMaster.pendingCount();
}

void ServerSockets::close()
{
    // A worker leaves its master's rotation before it closes: disconnecting an inproc pipe tells
    // the master at once, where a close would tell it later from ZeroMQ's reaper thread.
    auto leave = [](zmq::socket_t &socket, const LocalLink &link) {
        const std::string &endpoint = link.twin.empty() ? link.endpoint : link.twin;
        if (!endpoint.empty())
            zmq_disconnect(socket.handle(), endpoint.c_str());
    };
    for (std::size_t i = 0; i < inputs.size() && i < m_inputLinks.size(); ++i)
        leave(inputs[i], m_inputLinks[i]);
    if (toMaster.socket)
        leave(*toMaster.socket, m_toMasterLink);

    for (const std::string &endpoint : m_boundEndpoints)
        forgetLocalTwin(endpoint);
    m_boundEndpoints.clear();
    std::map<void *, std::vector<std::string>> bySocket;
    for (const auto &[handle, endpoint] : m_bindings)
        bySocket[handle].push_back(endpoint);
    for (const auto &[handle, endpoints] : bySocket)
        unbindAndWait(handle, endpoints, 250);
    m_bindings.clear();
    if (!m_curveDomain.empty()) {
        reportRefusals();
        curve::closeDomain(m_curveDomain);
        m_curveDomain.clear();
    }
    inputs.clear();
    m_inputLinks.clear();
    workerResults.reset();
    cacheRouter.reset();
    publisher.close();
    workers.close();
    toMaster.close();
    m_handshakeWatches.clear(); // after the sockets they watch
}

} // namespace qpalm::server
