// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The worker side of ServerActor: configuration from the master's cache, its cache requests.
#include "serveractor.h"

#include "frames.h"
#include "reliableprotocol.h"
#include "zmqsupport.h"

#include <stdexcept>

namespace qpalm {

bool ServerActor::configureWorker(QString *error)
{
    m_cacheClient.emplace(m_config.dbAddress.toStdString(), m_config.name.toStdString(),
                          &m_config.dataSecurity);
    m_cacheClient->open();
    m_sockets.addresses.insert(QStringLiteral("db_address"), m_config.dbAddress);

    // Waits for the master in short polls; stop ends the wait at once (within one poll).
    auto keepGoing = [this] {
        zmq::pollitem_t item{m_pipe.handle(), 0, ZMQ_POLLIN, 0};
        zmq::poll(&item, 1, std::chrono::milliseconds(0));
        if (item.revents & ZMQ_POLLIN)
            return handleCommand() && !m_control->stopRequested();
        return !m_control->stopRequested();
    };
    auto fetch = [&](const char *key, const QString &given, std::string &into) {
        if (!given.isEmpty()) {
            into = given.toStdString();
            return true;
        }
        QString reason;
        auto value =
            m_cacheClient->request("get", key, {}, m_config.configTimeoutMs, keepGoing, &reason);
        if (!value || value->empty()) {
            *error = QStringLiteral("worker '%1' could not read '%2' from the master's cache at "
                                    "%3 within %4 ms")
                         .arg(m_config.name, QString::fromLatin1(key), m_config.dbAddress)
                         .arg(m_config.configTimeoutMs);
            return false;
        }
        into = reachableFrom(*value, m_config.dbAddress.toStdString());
        // pylm's Worker words it so: "Got worker push address: tcp://..."
        m_logger.info(QStringLiteral("Got %1: %2")
                          .arg(QString::fromLatin1(key).replace(u'_', u' '), fromStd(into)));
        return true;
    };
    std::string pushAddress;
    std::string pullAddress;
    if (!fetch("worker_push_address", m_config.workerPushAddress, pushAddress) ||
        !fetch("worker_pull_address", m_config.workerPullAddress, pullAddress))
        return false;
    if (m_config.delivery.reliable) {
        // A qpalm master offers the reliable path; a pylm master answers with nothing.
        QString reason;
        const auto offered = m_cacheClient->request("get", server::reliable::kCacheKey, {},
                                                    m_config.configTimeoutMs, keepGoing, &reason);
        if (offered && !offered->empty()) {
            const std::string address = reachableFrom(*offered, m_config.dbAddress.toStdString());
            m_logger.info(
                QStringLiteral("Got %1: %2 (credit %3, heartbeat %4 ms)")
                    .arg(QString::fromLatin1(server::reliable::kCacheKey), fromStd(address))
                    .arg(m_config.delivery.credit)
                    .arg(m_config.delivery.heartbeatMs));
            if (!m_sockets.openReliableWorker(address, error))
                return false;
            m_sockets.addresses.insert(QStringLiteral("worker_push_address"), fromStd(pushAddress));
            m_sockets.addresses.insert(QStringLiteral("worker_pull_address"), fromStd(pullAddress));
            m_link.emplace(m_logger, m_config.delivery, m_config.name.toStdString());
            m_link->start(*m_sockets.toMaster.socket, server::steadyMs());
            return true;
        }
        m_logger.info(QStringLiteral("The master offers no reliable path: plain PUSH/PULL"));
    }
    return m_sockets.openWorker(pushAddress, pullAddress, error);
}

std::string ServerActor::workerCacheRequest(const char *verb, const std::string &payload,
                                            const std::string &key)
{
    QString reason;
    auto reply = m_cacheClient->request(
        verb, payload, key, m_config.cacheTimeoutMs, [this] { return !m_control->stopRequested(); },
        &reason);
    if (!reply) // becomes a Lua error in the script ("self.get failed: cache request to ...")
        throw std::runtime_error(reason.toStdString());
    return std::move(*reply);
}

std::optional<std::string> ServerActor::cacheGet(const std::string &key)
{
    if (m_cacheClient) {
        std::string value = workerCacheRequest("get", key, {});
        if (value.empty())
            return std::nullopt;
        return value;
    }
    return m_cache.get(key);
}

std::string ServerActor::cacheSet(const std::string &value, const std::string &key)
{
    if (m_cacheClient)
        return workerCacheRequest("set", value, key);
    return m_cache.store(value, key);
}

void ServerActor::cacheDelete(const std::string &key)
{
    if (m_cacheClient) {
        (void)workerCacheRequest("delete", key, {});
        return;
    }
    m_cache.remove(key);
}

} // namespace qpalm
