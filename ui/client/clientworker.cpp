// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clientworker.h"

#include "cachesnapshot.h"
#include "client.h"
#include "cluster.h"
#include "latencystats.h"
#include "serverhandle.h"

#include <QThread>

#include <chrono>
#include <cmath>
#include <deque>

namespace qpalm {

namespace {

using Clock = std::chrono::steady_clock;

std::string toStd(const QByteArray &bytes)
{
    return std::string(bytes.constData(), std::size_t(bytes.size()));
}

std::string toStd(const QString &text)
{
    return text.toStdString();
}

QByteArray toBytes(const std::string &bytes)
{
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

double millisecondsBetween(Clock::time_point from, Clock::time_point to)
{
    return std::chrono::duration<double, std::milli>(to - from).count();
}

bool isCancelled(const CancelFlag &flag)
{
    return flag && flag->load(std::memory_order_relaxed);
}

// Keeps the newest replies of a job for the next report.
class ReplyTail
{
public:
    explicit ReplyTail(int keep) : m_keep(std::max(0, keep)) {}
    void add(std::string &&reply)
    {
        if (m_keep == 0)
            return;
        m_replies.push_back(toBytes(reply));
        if (m_replies.size() > std::size_t(m_keep))
            m_replies.pop_front();
    }
    QList<QByteArray> take()
    {
        QList<QByteArray> out(m_replies.begin(), m_replies.end());
        m_replies.clear();
        return out;
    }

private:
    int m_keep;
    std::deque<QByteArray> m_replies;
};

} // namespace

ClientWorker::ClientWorker(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<qpalm::ClientEndpoint>();
    qRegisterMetaType<qpalm::JobRequest>();
    qRegisterMetaType<qpalm::JobReport>();
}

ClientWorker::~ClientWorker() = default;

void ClientWorker::disconnectClient()
{
    m_client.reset();
}

Client *ClientWorker::clientFor(const ClientEndpoint &endpoint, bool streams, QString *error)
{
    if (!m_client || !(m_endpoint == endpoint)) {
        m_client.reset();
        m_connected = false;
        if (endpoint.serverName.isEmpty() || endpoint.dbAddress.isEmpty()) {
            *error = tr("No server chosen, or the server has no db_address.");
            return nullptr;
        }
        Client::Options options;
        options.serverName = toStd(endpoint.serverName);
        options.dbAddress = toStd(endpoint.dbAddress);
        options.subAddress = toStd(endpoint.subAddress);
        options.timeoutMs = std::max(1, endpoint.timeoutMs);
        if (!endpoint.curveSecretKey.isEmpty()) {
            DataSecurity keys;
            keys.publicKey = endpoint.curvePublicKey;
            keys.secretKey = endpoint.curveSecretKey;
            options.useClusterKeys(keys);
        }
        m_client = std::make_unique<Client>(std::move(options));
        m_endpoint = endpoint;
    }
    m_client->setInterrupt(m_abort ? m_abort.get() : m_interrupt.get());
    // Cache verbs need only the REQ socket; streams need the server's pull and pub addresses too.
    if (streams && !m_connected) {
        if (!m_client->connect()) {
            *error = tr("Cannot connect to server '%1' at %2: %3")
                         .arg(endpoint.serverName, endpoint.dbAddress,
                              QString::fromStdString(m_client->lastError()));
            m_client.reset();
            return nullptr;
        }
        m_connected = true;
    }
    return m_client.get();
}

void ClientWorker::run(const JobRequest &request)
{
    QString error;
    if (request.function.trimmed().isEmpty())
        error = tr(
            "No function given: enter server.method (several separated by spaces for a pipeline).");
    else if (!request.eval && request.count < 1)
        error = tr("The message count must be at least 1 (got %1).").arg(request.count);
    else if (request.rate < 0)
        error = tr("The rate must be 0 (as fast as possible) or more (got %1).").arg(request.rate);
    else if (request.repliesPerMessage < 0)
        error =
            tr("Replies per message must be 0 or more (got %1).").arg(request.repliesPerMessage);
    m_abort = request.abort;
    Client *client = error.isEmpty() ? clientFor(request.endpoint, true, &error) : nullptr;
    if (!client) {
        JobReport report;
        report.finished = true;
        report.cancelled = isCancelled(request.abort);
        report.error = report.cancelled ? QString() : error;
        Q_EMIT jobFinished(report);
    } else if (request.eval) {
        runEval(*client, request);
    } else {
        runJob(*client, request);
    }
    m_abort.reset();
    if (m_client)
        m_client->setInterrupt(m_interrupt.get());
}

void ClientWorker::runEval(Client &client, const JobRequest &request)
{
    JobReport report;
    const auto start = Clock::now();
    const auto replies = client.eval(toStd(request.function.simplified()), toStd(request.payload),
                                     request.repliesPerMessage);
    const auto end = Clock::now();
    report.sent = 1;
    report.finished = true;
    report.elapsedMs = qint64(millisecondsBetween(start, end));
    report.elapsedExactMs = millisecondsBetween(start, end);
    if (!replies && isCancelled(request.abort)) {
        report.cancelled = true;
        m_client.reset(); // replies may still arrive on its SUB socket
    } else if (replies) {
        report.received = qint64(replies->size());
        report.p50Ms = report.p99Ms = millisecondsBetween(start, end);
        const std::size_t keep = std::size_t(std::max(0, request.keepReplies));
        const std::size_t first = replies->size() > keep ? replies->size() - keep : 0;
        for (std::size_t i = first; i < replies->size(); ++i)
            report.replies.append(toBytes((*replies)[i]));
    } else {
        report.error =
            tr("Eval of '%1' failed: %2")
                .arg(request.function.simplified(), QString::fromStdString(client.lastError()));
        m_client.reset(); // a timed-out REQ/SUB pair may hold stale replies
    }
    Q_EMIT jobFinished(report);
}

void ClientWorker::runJob(Client &client, const JobRequest &request)
{
    const auto start = Clock::now();
    auto lastReport = start;
    LatencyStats latency;
    std::deque<Clock::time_point> sendTimes; // of messages still waiting for replies, oldest first
    const int perMessage = std::max(1, request.repliesPerMessage);
    int repliesOfFront = 0;
    qint64 sent = 0;
    qint64 received = 0;
    bool cancelled = false;
    ReplyTail tail(request.keepReplies);
    const std::string payload = toStd(request.payload);

    auto makeReport = [&](Clock::time_point now) {
        JobReport report;
        report.sent = sent;
        report.received = received;
        report.p50Ms = latency.percentile(0.50);
        report.p99Ms = latency.percentile(0.99);
        report.elapsedMs = qint64(millisecondsBetween(start, now));
        report.elapsedExactMs = millisecondsBetween(start, now);
        report.replies = tail.take();
        report.cancelled = cancelled;
        return report;
    };
    auto maybeReport = [&](Clock::time_point now) {
        if (now - lastReport < std::chrono::milliseconds(ReportIntervalMs))
            return;
        lastReport = now;
        Q_EMIT jobProgressed(makeReport(now));
    };

    // next() must never block: the client only receives between two calls of it, and its timeout
    // runs.
    qint64 batchEnd = request.count;
    auto next = [&](std::string &out) -> bool {
        if (sent >= batchEnd)
            return false;
        if (isCancelled(request.cancel)) {
            cancelled = true;
            return false;
        }
        out = payload;
        const auto now = Clock::now();
        sendTimes.push_back(now);
        ++sent;
        maybeReport(now);
        return true;
    };
    // Replies carry no message id: they are matched to messages in send order (exact for one
    // server).
    auto onReply = [&](std::string &&reply) {
        const auto now = Clock::now();
        ++received;
        if (!sendTimes.empty()) {
            latency.add(millisecondsBetween(sendTimes.front(), now));
            if (++repliesOfFront >= perMessage) {
                sendTimes.pop_front();
                repliesOfFront = 0;
            }
        }
        tail.add(std::move(reply));
        maybeReport(now);
    };

    const std::string function = toStd(request.function.simplified());
    bool ok = true;
    if (request.rate <= 0) {
        ok = client.job(function, next, onReply, request.repliesPerMessage);
    } else {
        // Paced: send the messages due so far as one short job (collecting their replies), then
        // sleep until the next one is due. A slow reply delays the next batch, which then catches
        // up.
        while (ok && sent < request.count && !cancelled) {
            const auto now = Clock::now();
            const double seconds = std::chrono::duration<double>(now - start).count();
            const qint64 due =
                std::min<qint64>(request.count, qint64(std::floor(seconds * request.rate)) + 1);
            if (due > sent) {
                batchEnd = due;
                ok = client.job(function, next, onReply, request.repliesPerMessage);
                continue;
            }
            if (isCancelled(request.cancel)) {
                cancelled = true;
                break;
            }
            maybeReport(now);
            const auto nextDue =
                start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(double(sent) / request.rate));
            const auto slice =
                std::min<Clock::duration>(nextDue - now, std::chrono::milliseconds(10));
            QThread::usleep(std::max<qint64>(
                1, std::chrono::duration_cast<std::chrono::microseconds>(slice).count()));
        }
    }
    if (!ok && isCancelled(request.abort)) {
        cancelled = true;
        ok = true;
        m_client.reset(); // replies may still arrive on its SUB socket
    }
    JobReport report = makeReport(Clock::now());
    report.finished = true;
    if (!ok) {
        report.error = tr("Job on '%1' failed after %2 of %3 messages sent, %4 replies: %5")
                           .arg(request.function.simplified())
                           .arg(sent)
                           .arg(request.count)
                           .arg(received)
                           .arg(QString::fromStdString(client.lastError()));
        m_client.reset();
    }
    Q_EMIT jobFinished(report);
}

void ClientWorker::listKeys(const ClientEndpoint &endpoint)
{
    QString error;
    Client *client = clientFor(endpoint, false, &error);
    if (!client) {
        Q_EMIT cacheFailed(QStringLiteral("keys"), error);
        return;
    }
    const auto keys = client->keys();
    if (!keys) {
        Q_EMIT cacheFailed(
            QStringLiteral("keys"),
            tr("Listing the keys of '%1' failed: %2")
                .arg(endpoint.serverName, QString::fromStdString(client->lastError())));
        m_client.reset();
        return;
    }
    QList<QByteArray> out;
    out.reserve(qsizetype(keys->size()));
    for (const std::string &key : *keys)
        out.append(toBytes(key));
    Q_EMIT keysListed(out);
}

void ClientWorker::fetchValue(const ClientEndpoint &endpoint, const QByteArray &key)
{
    QString error;
    Client *client = clientFor(endpoint, false, &error);
    if (!client) {
        Q_EMIT cacheFailed(QStringLiteral("get"), error);
        return;
    }
    const auto value = client->get(toStd(key));
    if (!value) {
        Q_EMIT cacheFailed(QStringLiteral("get"),
                           tr("Getting key '%1' from '%2' failed: %3")
                               .arg(displayBytes(key, 80), endpoint.serverName,
                                    QString::fromStdString(client->lastError())));
        m_client.reset();
        return;
    }
    Q_EMIT valueFetched(key, toBytes(*value));
}

void ClientWorker::storeValue(const ClientEndpoint &endpoint, const QByteArray &key,
                              const QByteArray &value)
{
    QString error;
    Client *client = clientFor(endpoint, false, &error);
    if (!client) {
        Q_EMIT cacheFailed(QStringLiteral("set"), error);
        return;
    }
    const auto stored = client->set(toStd(value), toStd(key));
    if (!stored) {
        Q_EMIT cacheFailed(QStringLiteral("set"),
                           tr("Setting key '%1' on '%2' failed: %3")
                               .arg(displayBytes(key, 80), endpoint.serverName,
                                    QString::fromStdString(client->lastError())));
        m_client.reset();
        return;
    }
    Q_EMIT valueStored(toBytes(*stored));
}

void ClientWorker::removeKey(const ClientEndpoint &endpoint, const QByteArray &key)
{
    QString error;
    Client *client = clientFor(endpoint, false, &error);
    if (!client) {
        Q_EMIT cacheFailed(QStringLiteral("delete"), error);
        return;
    }
    if (!client->remove(toStd(key))) {
        Q_EMIT cacheFailed(QStringLiteral("delete"),
                           tr("Deleting key '%1' on '%2' failed: %3")
                               .arg(displayBytes(key, 80), endpoint.serverName,
                                    QString::fromStdString(client->lastError())));
        m_client.reset();
        return;
    }
    Q_EMIT keyRemoved(key);
}

void ClientWorker::saveSnapshot(const ClientEndpoint &endpoint, const QString &path)
{
    const QString operation = QStringLiteral("snapshot");
    QString error;
    Client *client = clientFor(endpoint, false, &error);
    if (!client) {
        Q_EMIT cacheFailed(operation, error);
        return;
    }
    const auto snapshot = takeCacheSnapshot(*client, endpoint.serverName, &error);
    if (!snapshot) {
        m_client.reset();
        Q_EMIT cacheFailed(operation,
                           tr("Snapshot of '%1' failed: %2").arg(endpoint.serverName, error));
        return;
    }
    if (!writeCacheSnapshot(path, *snapshot, &error)) {
        Q_EMIT cacheFailed(operation,
                           tr("Snapshot of '%1' failed: %2").arg(endpoint.serverName, error));
        return;
    }
    Q_EMIT snapshotSaved(path, int(snapshot->entries.size()));
}

void ClientWorker::restoreSnapshot(const ClientEndpoint &endpoint, const QString &path,
                                   bool replace)
{
    const QString operation = QStringLiteral("restore");
    QString error;
    // The whole file is read and checked before the cache is touched.
    const auto snapshot = readCacheSnapshot(path, &error);
    if (!snapshot) {
        Q_EMIT cacheFailed(operation, tr("Nothing restored: %1").arg(error));
        return;
    }
    Client *client = clientFor(endpoint, false, &error);
    if (!client) {
        Q_EMIT cacheFailed(operation, error);
        return;
    }
    const auto result = restoreCacheSnapshot(*client, *snapshot, replace, &error);
    if (!result) {
        m_client.reset();
        Q_EMIT cacheFailed(
            operation,
            tr("Restoring into '%1' stopped part way: %2").arg(endpoint.serverName, error));
        return;
    }
    Q_EMIT snapshotRestored(path, result->set, result->removed, result->kept);
}

ClientEndpoint endpointFor(const ServerHandle *server, QString *error)
{
    ClientEndpoint endpoint;
    QString why;
    if (!server) {
        why = QObject::tr("No server chosen.");
    } else {
        endpoint.serverName = server->name();
        // A server of a data_security cluster (a child or another host's) takes CURVE only.
        endpoint.curvePublicKey = server->config().dataSecurity.publicKey;
        endpoint.curveSecretKey = server->config().dataSecurity.secretKey;
        if (server->state() != ServerHandle::State::Running)
            why = QObject::tr("Server '%1' is not running; start it first.").arg(server->name());
        else if ((endpoint.dbAddress = server->address(QStringLiteral("db_address"))).isEmpty())
            why = QObject::tr("Server '%1' has no db_address to connect to.").arg(server->name());
    }
    if (!why.isEmpty())
        endpoint.dbAddress.clear();
    if (error)
        *error = why;
    return endpoint;
}

} // namespace qpalm
