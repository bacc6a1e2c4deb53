// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// LocalServer's life: start, stop, start again; its signals, stats and batched records;
// failures that name their cause.

#include "cluster.h"
#include "enginetest.h"
#include "localendpoints.h"

#include <QScopeGuard>

#include <memory>

using namespace qpalm;
using namespace qpalm::test;

namespace {

QList<ServerHandle::State> states(const QSignalSpy &spy)
{
    QList<ServerHandle::State> out;
    for (const QList<QVariant> &arguments : spy)
        out << arguments.first().value<ServerHandle::State>();
    return out;
}

} // namespace

class TestLifecycle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { registerHandleMetaTypes(); }

    // A master on wildcard ports comes back on the same ports, so its running workers find it,
    // over tcp (ZeroMQ reconnects) and through the in-process twins (the engine reconnects).
    void restartKeepsWildcardPorts_data()
    {
        QTest::addColumn<bool>("local");
        QTest::newRow("in-process") << true;
        QTest::newRow("tcp") << false;
    }

    void restartKeepsWildcardPorts()
    {
        QFETCH(bool, local);
        const bool wasLocal = localShortcutsEnabled();
        setLocalShortcutsEnabled(local);
        auto restore = qScopeGuard([wasLocal] { setLocalShortcutsEnabled(wasLocal); });
        LocalServer master(masterConfig(QStringLiteral("comeback")));
        QVERIFY2(startAndWait(&master, 15000), qPrintable(master.errorString()));
        const QMap<QString, QString> first = master.addresses();
        auto handlers = newHandlers();
        handlers->add("tag", tagHandler());
        LocalServer worker(workerConfig(QStringLiteral("steady"),
                                        first.value(QStringLiteral("db_address")), handlers));
        QVERIFY2(startAndWait(&worker, 15000), qPrintable(worker.errorString()));
        {
            Client client({"comeback", str(first.value(QStringLiteral("db_address")))});
            QVERIFY2(client.connect(), client.lastError().c_str());
            const auto reply = client.eval("comeback.tag", "before");
            QVERIFY2(reply, client.lastError().c_str());
            QCOMPARE(reply->front(), std::string("steady:before"));
        }

        stopAndWait(&master, 15000);
        QVERIFY2(startAndWait(&master, 15000), qPrintable(master.errorString()));
        QCOMPARE(master.addresses(), first);
        Client client({"comeback", str(first.value(QStringLiteral("db_address")))});
        client.connect();
        std::optional<std::vector<std::string>> reply;
        // The worker's sockets reconnect on their own; give them the reconnect interval.
        QVERIFY(waitUntil(
            [&] {
                reply = client.eval("comeback.tag", "after");
                return reply.has_value();
            },
            10000));
        QCOMPARE(reply->front(), std::string("steady:after"));
    }

    // A cluster bound to all interfaces ("tcp://*:*") advertises 0.0.0.0 in its cache; workers
    // and clients reach it on the host they reached the cache at.
    void allInterfacesAreReachedThroughTheCacheHost_data()
    {
        QTest::addColumn<bool>("local");
        QTest::newRow("in-process") << true;
        QTest::newRow("tcp") << false;
    }

    void allInterfacesAreReachedThroughTheCacheHost()
    {
        QFETCH(bool, local);
        const bool wasLocal = localShortcutsEnabled();
        setLocalShortcutsEnabled(local);
        auto restore = qScopeGuard([wasLocal] { setLocalShortcutsEnabled(wasLocal); });
        ServerConfig config = masterConfig(QStringLiteral("everywhere"));
        config.dbAddress = config.pullAddress = config.pubAddress = config.workerPullAddress =
            config.workerPushAddress = QStringLiteral("tcp://*:*");
        LocalServer master(config);
        QVERIFY2(startAndWait(&master, 15000), qPrintable(master.errorString()));
        QVERIFY(master.address(QStringLiteral("pull_address")).startsWith(u"tcp://0.0.0.0:"));
        const QString db = QStringLiteral("tcp://127.0.0.1:%1")
                               .arg(master.address(QStringLiteral("db_address")).section(u':', -1));
        auto handlers = newHandlers();
        handlers->add("tag", tagHandler());
        LocalServer worker(workerConfig(QStringLiteral("remote"), db, handlers));
        QVERIFY2(startAndWait(&worker, 15000), qPrintable(worker.errorString()));
        QVERIFY(
            worker.address(QStringLiteral("worker_push_address")).startsWith(u"tcp://127.0.0.1:"));
        Client client({"everywhere", str(db)});
        QVERIFY2(client.connect(), client.lastError().c_str());
        QVERIFY(client.pushAddress().rfind("tcp://127.0.0.1:", 0) == 0);
        const auto reply = client.eval("everywhere.tag", "hi");
        QVERIFY2(reply, client.lastError().c_str());
        QCOMPARE(reply->front(), std::string("remote:hi"));
    }

    void startStopStartAgain()
    {
        LocalServer server(serverConfig(QStringLiteral("phoenix"), echoHandlers()));
        QSignalSpy startedSpy(&server, &ServerHandle::started);
        QSignalSpy stoppedSpy(&server, &ServerHandle::stopped);
        QSignalSpy failedSpy(&server, &ServerHandle::failed);
        QSignalSpy stateSpy(&server, &ServerHandle::stateChanged);
        QCOMPARE(server.state(), ServerHandle::State::Stopped);
        QVERIFY(server.addresses().isEmpty());
        QCOMPARE(server.name(), QStringLiteral("phoenix"));
        QCOMPARE(server.kind(), ServerKind::Server);

        for (int round = 0; round < 3; ++round) {
            QVERIFY2(startAndWait(&server, 15000), qPrintable(server.errorString()));
            QCOMPARE(server.state(), ServerHandle::State::Running);
            QCOMPARE(startedSpy.count(), round + 1);
            QVERIFY(server.errorString().isEmpty());
            for (const QString &parameter :
                 {QStringLiteral("db_address"), QStringLiteral("pull_address"),
                  QStringLiteral("pub_address")}) {
                const QString address = server.address(parameter);
                QVERIFY2(address.startsWith(QStringLiteral("tcp://127.0.0.1:")) &&
                             !address.contains(u'*'),
                         qPrintable(parameter + u'=' + address));
            }
            Client::Options options;
            options.serverName = "phoenix";
            options.dbAddress = str(server.address(QStringLiteral("db_address")));
            options.timeoutMs = 5000;
            Client client(options);
            QVERIFY2(client.connect(), client.lastError().c_str());
            const auto reply = client.eval("phoenix.echo", "round " + std::to_string(round));
            QVERIFY2(reply.has_value(), client.lastError().c_str());
            QCOMPARE(reply->front(), "round " + std::to_string(round));

            stopAndWait(&server, 15000);
            QCOMPARE(server.state(), ServerHandle::State::Stopped);
            QCOMPARE(stoppedSpy.count(), round + 1);
        }
        QCOMPARE(failedSpy.count(), 0);
        QCOMPARE(states(stateSpy),
                 (QList<ServerHandle::State>{
                     ServerHandle::State::Starting, ServerHandle::State::Running,
                     ServerHandle::State::Stopping, ServerHandle::State::Stopped,
                     ServerHandle::State::Starting, ServerHandle::State::Running,
                     ServerHandle::State::Stopping, ServerHandle::State::Stopped,
                     ServerHandle::State::Starting, ServerHandle::State::Running,
                     ServerHandle::State::Stopping, ServerHandle::State::Stopped}));
    }

    void restartOnSameFixedAddresses()
    {
        // Stopping releases the ports: the same resolved addresses can be bound again at once.
        LocalServer first(serverConfig(QStringLiteral("again"), echoHandlers()));
        QVERIFY2(startAndWait(&first, 15000), qPrintable(first.errorString()));
        ServerConfig config = serverConfig(QStringLiteral("again"), echoHandlers());
        config.dbAddress = first.address(QStringLiteral("db_address"));
        config.pullAddress = first.address(QStringLiteral("pull_address"));
        config.pubAddress = first.address(QStringLiteral("pub_address"));
        stopAndWait(&first, 15000);
        LocalServer second(config);
        QVERIFY2(startAndWait(&second, 15000), qPrintable(second.errorString()));
        QCOMPARE(second.address(QStringLiteral("pull_address")), config.pullAddress);
        stopAndWait(&second, 15000);
    }

    void stopWhenNotRunningDoesNothing()
    {
        LocalServer server(serverConfig(QStringLiteral("idle"), echoHandlers()));
        QSignalSpy stoppedSpy(&server, &ServerHandle::stopped);
        QSignalSpy stateSpy(&server, &ServerHandle::stateChanged);
        stopAndWait(&server, 15000);
        QCOMPARE(stoppedSpy.count(), 0);
        QCOMPARE(stateSpy.count(), 0);
        QVERIFY(startAndWait(&server, 15000));
        stopAndWait(&server, 15000);
        stopAndWait(&server, 15000);
        QCOMPARE(stoppedSpy.count(), 1);
    }

    void startWhenRunningDoesNothing()
    {
        LocalServer server(serverConfig(QStringLiteral("once"), echoHandlers()));
        QSignalSpy startedSpy(&server, &ServerHandle::started);
        QVERIFY(startAndWait(&server, 15000));
        const auto addresses = server.addresses();
        QVERIFY(startAndWait(&server, 15000));
        QCOMPARE(startedSpy.count(), 1);
        QCOMPARE(server.addresses(), addresses);
        stopAndWait(&server, 15000);
    }

    void destroyRunningServerIsPrompt()
    {
        auto server =
            std::make_unique<LocalServer>(serverConfig(QStringLiteral("doomed"), echoHandlers()));
        QVERIFY(startAndWait(server.get(), 15000));
        QElapsedTimer timer;
        timer.start();
        server.reset();
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QStringLiteral("%1 ms").arg(timer.elapsed())));
    }

    void failedNamesBadAddress()
    {
        ServerConfig config = serverConfig(QStringLiteral("bad_address"), echoHandlers());
        config.pullAddress = QStringLiteral("tcp://not-an-address");
        LocalServer server(config);
        QSignalSpy failedSpy(&server, &ServerHandle::failed);
        QSignalSpy startedSpy(&server, &ServerHandle::started);
        QVERIFY(!startAndWait(&server, 15000));
        QCOMPARE(server.state(), ServerHandle::State::Failed);
        QCOMPARE(failedSpy.count(), 1);
        QCOMPARE(startedSpy.count(), 0);
        const QString reason = failedSpy.first().first().toString();
        QVERIFY2(reason.contains(QStringLiteral("tcp://not-an-address")), qPrintable(reason));
        QVERIFY2(reason.contains(QStringLiteral("pull_address")) ||
                     reason.contains(QStringLiteral("bad_address")),
                 qPrintable(reason));
        // Fixing the config is a new server; this one can still be asked to start again and fails
        // the same.
        QVERIFY(!startAndWait(&server, 15000));
        QCOMPARE(failedSpy.count(), 2);
    }

    void workerWithoutMasterFails()
    {
        // Nobody answers on the master's db_address: start fails after configTimeoutMs, naming it.
        ServerConfig config = workerConfig(QStringLiteral("orphan"),
                                           QStringLiteral("tcp://127.0.0.1:9"), echoHandlers());
        config.configTimeoutMs = 300;
        LocalServer server(config);
        QSignalSpy failedSpy(&server, &ServerHandle::failed);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!startAndWait(&server, 15000));
        QVERIFY2(timer.elapsed() < 3000,
                 qPrintable(QStringLiteral("start took %1 ms").arg(timer.elapsed())));
        QCOMPARE(failedSpy.count(), 1);
        const QString reason = failedSpy.first().first().toString();
        QVERIFY2(reason.contains(QStringLiteral("tcp://127.0.0.1:9")), qPrintable(reason));
    }

    void statsUpdatedArrives()
    {
        LocalServer server(serverConfig(QStringLiteral("counted"), echoHandlers()));
        QList<ServerStats> updates;
        connect(&server, &ServerHandle::statsUpdated, this,
                [&](const ServerStats &stats) { updates << stats; });
        QVERIFY(startAndWait(&server, 15000));
        Client::Options options;
        options.serverName = "counted";
        options.dbAddress = str(server.address(QStringLiteral("db_address")));
        Client client(options);
        QVERIFY2(client.connect(), client.lastError().c_str());
        std::vector<std::string> payloads(25, "x");
        QVERIFY(client.job("counted.echo", payloads, 1).has_value());
        QVERIFY(waitUntil(
            [&] {
                return !updates.isEmpty() && updates.last().messagesIn >= 25 &&
                       updates.last().messagesOut >= 25;
            },
            3000));
        const ServerStats last = updates.last();
        QCOMPARE(last.messagesIn, quint64(25));
        QCOMPARE(last.messagesOut, quint64(25));
        QCOMPARE(last.errors, quint64(0));
        QVERIFY(last.cacheRequests >= 3); // name, pub_address, pull_address
        QVERIFY(last.msecsSinceEpoch > 0);
        QCOMPARE(server.stats().messagesIn, last.messagesIn);
        // Updates keep coming about twice a second, but are not a flood.
        const qsizetype before = updates.size();
        QTest::qWait(1100);
        QVERIFY2(updates.size() - before >= 1 && updates.size() - before <= 25,
                 qPrintable(QStringLiteral("%1 updates in 1.1 s").arg(updates.size() - before)));
        stopAndWait(&server, 15000);
    }

    void recordsArriveInBatches()
    {
        auto handlers = newHandlers();
        handlers->add(
            "burst",
            [](ServerContext &context, const std::string &payload) -> std::optional<std::string> {
                const int count = std::stoi(payload);
                for (int i = 0; i < count; ++i)
                    context.logger().info(QStringLiteral("burst %1").arg(i));
                return payload;
            });
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("chatty"), handlers));
        QPALM_CLIENT(client, rig, server, QString());
        const int batchesBefore = rig.batches();
        QPALM_EVAL(client, "chatty.burst", "2000", 1, QStringList{QStringLiteral("2000")});
        QVERIFY2(rig.waitForText(QStringLiteral("burst 1999")), qPrintable(rig.dump()));
        const int batches = rig.batches() - batchesBefore;
        QVERIFY2(batches >= 1 && batches <= 20,
                 qPrintable(QStringLiteral("2000 records came in %1 batches").arg(batches)));

        // Every record, in order, numbered without gaps, stamped, named.
        const QList<LogRecord> records = rig.records(QStringLiteral("chatty"));
        QVERIFY(!records.isEmpty());
        QCOMPARE(records.first().sequence, quint64(1));
        int burst = 0;
        for (qsizetype i = 0; i < records.size(); ++i) {
            const LogRecord &record = records.at(i);
            QCOMPARE(record.server, QStringLiteral("chatty"));
            QVERIFY(record.msecsSinceEpoch > 0);
            if (i > 0) {
                QCOMPARE(record.sequence, records.at(i - 1).sequence + 1);
                QVERIFY(record.msecsSinceEpoch >= records.at(i - 1).msecsSinceEpoch);
            }
            if (record.text.startsWith(QStringLiteral("burst "))) {
                QCOMPARE(record.text, QStringLiteral("burst %1").arg(burst));
                QCOMPARE(record.level, LogLevel::Info);
                ++burst;
            }
        }
        QCOMPARE(burst, 2000);
    }

    void recordsFlushedOnStop()
    {
        // Records logged just before a stop are still delivered.
        auto handlers = newHandlers();
        handlers->add(
            "last",
            [](ServerContext &context, const std::string &payload) -> std::optional<std::string> {
                context.logger().warning(QStringLiteral("last words ") +
                                         QString::fromStdString(payload));
                return payload;
            });
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("last"), handlers));
        QPALM_CLIENT(client, rig, server, QString());
        QPALM_EVAL(client, "last.last", "now", 1, QStringList{QStringLiteral("now")});
        stopAndWait(server, 15000);
        QVERIFY2(rig.waitForText(QStringLiteral("last words now")), qPrintable(rig.dump()));
        QVERIFY2(rig.waitForText(QStringLiteral("stopped"), QStringLiteral("last")),
                 qPrintable(rig.dump()));
    }

    void logLevelWhileStopped()
    {
        LocalServer server(serverConfig(QStringLiteral("quiet"), echoHandlers()));
        QSignalSpy levelSpy(&server, &ServerHandle::logLevelChanged);
        server.setLogLevel(LogLevel::Error);
        QCOMPARE(server.logLevel(), LogLevel::Error);
        QCOMPARE(levelSpy.count(), 1);
        QList<LogRecord> records;
        connect(&server, &ServerHandle::recordsLogged, this,
                [&](const LogBatch &batch) { records += batch; });
        QVERIFY(startAndWait(&server, 15000));
        // An unknown function logs at ERROR: the one kind of record that must come through.
        Client::Options options;
        options.serverName = "quiet";
        options.dbAddress = str(server.address(QStringLiteral("db_address")));
        options.timeoutMs = 2000;
        Client client(options);
        QVERIFY2(client.connect(), client.lastError().c_str());
        QVERIFY(client.eval("quiet.missing", "x").has_value());
        QVERIFY(waitUntil([&] { return !records.isEmpty(); }, 3000));
        stopAndWait(&server, 15000);
        QTest::qWait(200);
        QVERIFY(!records.isEmpty());
        for (const LogRecord &record : records)
            QVERIFY2(record.level >= LogLevel::Error, qPrintable(formatPylmLine(record)));
    }
};

QTEST_GUILESS_MAIN(TestLifecycle)
#include "tst_lifecycle.moc"
