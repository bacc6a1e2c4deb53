// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared helpers of the engine suites: server configs on ephemeral ports, a rig that runs
// servers and collects their log records, and connected clients.

#include "client.h"
#include "cluster.h"
#include "dispatcher.h"
#include "handlewait.h"
#include "localserver.h"
#include "logger.h"
#include "logrecord.h"
#include "serverconfig.h"
#include "testprint.h"

#include <QElapsedTimer>
#include <QMap>
#include <QSet>
#include <QtTest>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace qpalm::test {

// Every test binds wildcard ports so suites can run in parallel.
inline QString anyAddress()
{
    return QStringLiteral("tcp://127.0.0.1:*");
}

inline std::string str(const QString &text)
{
    return text.toStdString();
}

inline QString qstr(const std::string &text)
{
    return QString::fromStdString(text);
}

// Processes events until condition holds; false after timeoutMs.
inline bool waitUntil(const std::function<bool()> &condition, int timeoutMs = 5000)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qWait(10);
    }
    return true;
}

// A handler that appends a suffix: the easiest way to see which stage ran.
inline NativeSimpleFunction suffixHandler(std::string suffix)
{
    return [suffix = std::move(suffix)](ServerContext &,
                                        const std::string &payload) -> std::optional<std::string> {
        return payload + suffix;
    };
}

// A handler that tags the payload with the name of the server that ran it.
inline NativeSimpleFunction tagHandler()
{
    return [](ServerContext &context, const std::string &payload) -> std::optional<std::string> {
        return context.serverName().toStdString() + ":" + payload;
    };
}

inline std::shared_ptr<NativeHandlers> newHandlers()
{
    return std::make_shared<NativeHandlers>();
}

// Registers the types a handle's signals carry, for QSignalSpy and queued connections.
inline void registerHandleMetaTypes()
{
    qRegisterMetaType<ServerHandle::State>();
    qRegisterMetaType<ServerHandle *>();
    qRegisterMetaType<ServerStats>();
    qRegisterMetaType<LogLevel>();
}

// Handlers with one native "echo" that returns its payload.
inline std::shared_ptr<NativeHandlers> echoHandlers()
{
    auto handlers = newHandlers();
    handlers->add("echo", suffixHandler(""));
    return handlers;
}

// Registers handlers under a fresh name for ServerConfig::nativeHandlers; empty for none.
inline QString registerHandlers(std::shared_ptr<const NativeHandlers> handlers)
{
    if (!handlers)
        return {};
    static int counter = 0;
    const QString name = QStringLiteral("test-handlers-%1").arg(++counter);
    NativeHandlers::registerSet(name, std::move(handlers));
    return name;
}

// Cluster::startAll and waits for allStarted; its ok.
inline bool startAllAndWait(Cluster &cluster, int timeoutMs = 20000)
{
    QSignalSpy spy(&cluster, &Cluster::allStarted);
    cluster.startAll();
    if (!spy.wait(timeoutMs) && spy.isEmpty())
        return false;
    return spy.first().first().toBool();
}

// Cluster::stopAll and waits for allStopped.
inline bool stopAllAndWait(Cluster &cluster, int timeoutMs = 20000)
{
    QSignalSpy spy(&cluster, &Cluster::allStopped);
    cluster.stopAll();
    return !spy.isEmpty() || spy.wait(timeoutMs);
}

inline ServerConfig baseConfig(ServerKind kind, const QString &name,
                               std::shared_ptr<const NativeHandlers> handlers)
{
    ServerConfig config;
    config.kind = kind;
    config.name = name;
    config.nativeHandlers = registerHandlers(std::move(handlers));
    config.logLevel = LogLevel::Info;
    return config;
}

inline ServerConfig serverConfig(const QString &name,
                                 std::shared_ptr<const NativeHandlers> handlers,
                                 bool pipelined = false)
{
    ServerConfig config = baseConfig(ServerKind::Server, name, std::move(handlers));
    config.dbAddress = anyAddress();
    config.pullAddress = anyAddress();
    config.pubAddress = anyAddress();
    config.pipelined = pipelined;
    return config;
}

inline ServerConfig masterConfig(const QString &name,
                                 std::shared_ptr<const NativeHandlers> handlers = {},
                                 bool pipelined = false)
{
    ServerConfig config = baseConfig(ServerKind::Master, name, std::move(handlers));
    config.dbAddress = anyAddress();
    config.pullAddress = anyAddress();
    config.pubAddress = anyAddress();
    config.workerPullAddress = anyAddress();
    config.workerPushAddress = anyAddress();
    config.pipelined = pipelined;
    return config;
}

inline ServerConfig hubConfig(const QString &name, const QString &subAddress,
                              const QString &previous,
                              std::shared_ptr<const NativeHandlers> handlers = {},
                              bool pipelined = false)
{
    ServerConfig config = baseConfig(ServerKind::Hub, name, std::move(handlers));
    config.dbAddress = anyAddress();
    config.pubAddress = anyAddress();
    config.workerPullAddress = anyAddress();
    config.workerPushAddress = anyAddress();
    config.subAddress = subAddress;
    config.previous = QStringList{previous};
    config.pipelined = pipelined;
    return config;
}

inline ServerConfig workerConfig(const QString &name, const QString &masterDb,
                                 std::shared_ptr<const NativeHandlers> handlers)
{
    ServerConfig config = baseConfig(ServerKind::Worker, name, std::move(handlers));
    config.dbAddress = masterDb;
    return config;
}

inline ServerConfig pipelineConfig(const QString &name, const QString &subAddress,
                                   const QString &previous,
                                   std::shared_ptr<const NativeHandlers> handlers,
                                   bool toClient = true)
{
    ServerConfig config = baseConfig(ServerKind::Pipeline, name, std::move(handlers));
    config.dbAddress = anyAddress();
    config.pubAddress = anyAddress();
    config.subAddress = subAddress;
    config.previous = QStringList{previous};
    config.toClient = toClient;
    return config;
}

inline ServerConfig sinkConfig(const QString &name, const QStringList &subAddresses,
                               const QStringList &previous,
                               std::shared_ptr<const NativeHandlers> handlers, bool toClient = true)
{
    ServerConfig config = baseConfig(ServerKind::Sink, name, std::move(handlers));
    config.dbAddress = anyAddress();
    config.pubAddress = anyAddress();
    config.subAddresses = subAddresses;
    config.previous = previous;
    config.toClient = toClient;
    return config;
}

// Runs the servers of one test, collects every record they log, stops them in reverse order.
class Rig
{
public:
    Rig() = default;
    Rig(const Rig &) = delete;
    Rig &operator=(const Rig &) = delete;
    ~Rig() { stopAll(); }

    // Creates and starts a server; nullptr (with lastError) when start fails.
    LocalServer *start(ServerConfig config)
    {
        LocalServer *server = add(std::move(config));
        QString error;
        if (!startAndWait(server, 15000, &error)) {
            m_error = QStringLiteral("server '%1' did not start: %2").arg(server->name(), error);
            return nullptr;
        }
        return server;
    }

    // Creates a server without starting it; records are collected from now on.
    LocalServer *add(ServerConfig config)
    {
        auto server = std::make_unique<LocalServer>(std::move(config));
        LocalServer *raw = server.get();
        QObject::connect(raw, &ServerHandle::recordsLogged, raw, [this](const LogBatch &batch) {
            ++m_batches;
            m_records += batch;
        });
        m_servers.push_back(std::move(server));
        return raw;
    }

    void stopAll()
    {
        for (auto it = m_servers.rbegin(); it != m_servers.rend(); ++it)
            stopAndWait(it->get(), 15000);
    }

    const QString &lastError() const { return m_error; }
    const QList<LogRecord> &records() const { return m_records; }
    int batches() const { return m_batches; }

    QList<LogRecord> records(const QString &server) const
    {
        QList<LogRecord> out;
        for (const LogRecord &record : m_records) {
            if (record.server == server)
                out.append(record);
        }
        return out;
    }

    // Records of server (any when empty) whose text or traceback contains needle.
    QList<LogRecord> find(const QString &needle, const QString &server = {}) const
    {
        QList<LogRecord> out;
        for (const LogRecord &record : m_records) {
            if (!server.isEmpty() && record.server != server)
                continue;
            if (record.text.contains(needle, Qt::CaseInsensitive) ||
                record.traceback.contains(needle, Qt::CaseInsensitive))
                out.append(record);
        }
        return out;
    }

    // Processes events until a record matching predicate arrived.
    bool waitForRecord(const std::function<bool(const LogRecord &)> &predicate,
                       int timeoutMs = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        while (true) {
            for (const LogRecord &record : m_records) {
                if (predicate(record))
                    return true;
            }
            if (timer.elapsed() > timeoutMs)
                return false;
            QTest::qWait(10);
        }
    }

    bool waitForText(const QString &needle, const QString &server = {}, int timeoutMs = 5000)
    {
        return waitForRecord(
            [&](const LogRecord &record) {
                return (server.isEmpty() || record.server == server) &&
                       (record.text.contains(needle) || record.traceback.contains(needle));
            },
            timeoutMs);
    }

    // A client of server, configured from its cache; sub overrides the subscription address.
    std::unique_ptr<Client> client(const ServerHandle *server, const QString &sub = {},
                                   int timeoutMs = 5000)
    {
        Client::Options options;
        options.serverName = str(server->name());
        options.dbAddress = str(server->address(QStringLiteral("db_address")));
        options.subAddress = str(sub);
        options.timeoutMs = timeoutMs;
        auto client = std::make_unique<Client>(options);
        if (!client->connect()) {
            m_error = QStringLiteral("client of '%1' did not connect: %2")
                          .arg(server->name(), qstr(client->lastError()));
            return nullptr;
        }
        return client;
    }

    // Dumps the collected records, for failure messages.
    QString dump(int last = 40) const
    {
        QStringList lines;
        const qsizetype from = std::max<qsizetype>(0, m_records.size() - last);
        for (qsizetype i = from; i < m_records.size(); ++i)
            lines << formatPylmLine(m_records.at(i));
        return lines.join(QLatin1Char('\n'));
    }

private:
    std::vector<std::unique_ptr<LocalServer>> m_servers;
    QList<LogRecord> m_records;
    int m_batches = 0;
    QString m_error;
};

// Sends jobs of `batch` payloads until every worker in `workers` has answered at least once.
// Replies must read "<worker>:<expected(payload)>", each payload exactly once. PUSH sockets only
// deal round-robin to peers whose connection is complete, so one burst may find a single worker;
// perWorker receives the counts. Returns what went wrong, or an empty string.
inline QString spreadOverWorkers(Client &client, const std::string &function,
                                 const QStringList &workers,
                                 const std::function<std::string(const std::string &)> &expected,
                                 QMap<QString, int> *perWorker = nullptr, int batch = 40,
                                 int maxRounds = 50)
{
    QMap<QString, int> counts;
    for (int round = 0; round < maxRounds; ++round) {
        std::vector<std::string> payloads;
        QSet<QString> wanted;
        for (int i = 0; i < batch; ++i) {
            payloads.push_back("r" + std::to_string(round) + "-" + std::to_string(i));
            wanted.insert(QString::fromStdString(expected(payloads.back())));
        }
        const auto replies = client.job(function, payloads, 1);
        if (!replies)
            return QStringLiteral("job failed: ") + QString::fromStdString(client.lastError());
        for (const std::string &reply : *replies) {
            const QString text = QString::fromStdString(reply);
            const qsizetype colon = text.indexOf(u':');
            const QString worker = text.left(colon);
            if (colon <= 0 || !workers.contains(worker))
                return QStringLiteral("reply from an unknown worker: ") + text;
            if (!wanted.remove(text.mid(colon + 1)))
                return QStringLiteral("unexpected or duplicate reply: ") + text;
            counts[worker] += 1;
        }
        if (!wanted.isEmpty())
            return QStringLiteral("%1 replies missing").arg(wanted.size());
        if (counts.size() == workers.size())
            break;
    }
    if (perWorker)
        *perWorker = counts;
    if (counts.size() != workers.size()) {
        return QStringLiteral("only %1 of %2 got work")
            .arg(QStringList(counts.keys()).join(u','), workers.join(u','));
    }
    return {};
}

inline QStringList toQStringList(const std::vector<std::string> &values)
{
    QStringList out;
    for (const std::string &value : values)
        out << qstr(value);
    return out;
}

} // namespace qpalm::test

// Starts a server on rig, failing the test with the reason when it does not start.
#define QPALM_START(var, rig, config)                                                              \
    LocalServer *var = (rig).start(config);                                                        \
    QVERIFY2(var != nullptr, qPrintable((rig).lastError()))

// A connected client of server (sub: optional subscription address).
#define QPALM_CLIENT(var, rig, server, sub)                                                        \
    std::unique_ptr<Client> var = (rig).client((server), (sub));                                   \
    QVERIFY2(var != nullptr, qPrintable((rig).lastError()))

// Evaluates function on client and compares the replies with expected (a QStringList).
#define QPALM_EVAL(client, function, payload, replies, expected)                                   \
    do {                                                                                           \
        const auto qpalmResult = (client)->eval((function), (payload), (replies));                 \
        QVERIFY2(qpalmResult.has_value(), ("eval failed: " + (client)->lastError()).c_str());      \
        QCOMPARE(qpalm::test::toQStringList(*qpalmResult), (expected));                            \
    } while (false)
