// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Cluster replicas and start-all failures; the actor's command loop (bad commands, stale stats of
// an earlier run); a worker's cache calls bounded, and a worker without a master never stalls.

#include "cluster.h"
#include "enginetest.h"
#include "server/actorcontrol.h"
#include "server/controlcodec.h"
#include "server/serveractor.h"

#include <QScopeGuard>

#include <memory>
#include <mutex>

using namespace qpalm;
using namespace qpalm::test;

namespace {

// Collects an actor's events as they come (actor thread).
class EventSink final : public ActorEvents
{
public:
    void deliver(ServerEvent &&event) override
    {
        std::lock_guard lock(m_mutex);
        m_events.append(std::move(event));
    }
    QList<ServerEvent> events() const
    {
        std::lock_guard lock(m_mutex);
        return m_events;
    }
    int count(ServerEvent::Type type) const
    {
        int n = 0;
        for (const ServerEvent &event : events())
            n += event.type == type ? 1 : 0;
        return n;
    }

private:
    mutable std::mutex m_mutex;
    QList<ServerEvent> m_events;
};

} // namespace

class TestActorLoop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { registerHandleMetaTypes(); }

    void clusterReplicas()
    {
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("cluster_master")));
        auto handlers = newHandlers();
        handlers->add("who", tagHandler());
        ServerConfig worker = workerConfig(QStringLiteral("cw"),
                                           master->address(QStringLiteral("db_address")), handlers);
        worker.replicas = 2;

        Cluster cluster;
        QSignalSpy addedSpy(&cluster, &Cluster::serverAdded);
        QSignalSpy removedSpy(&cluster, &Cluster::serverAboutToBeRemoved);
        cluster.addServers({worker});
        QCOMPARE(addedSpy.count(), 2);
        QStringList names;
        for (ServerHandle *server : cluster.servers())
            names << server->name();
        QCOMPARE(names, (QStringList{QStringLiteral("cw-1"), QStringLiteral("cw-2")}));
        QVERIFY(startAllAndWait(cluster));
        for (ServerHandle *server : cluster.servers())
            QCOMPARE(server->state(), ServerHandle::State::Running);

        ServerHandle *third = cluster.addReplica(QStringLiteral("cw"), true);
        QVERIFY(third);
        QCOMPARE(third->name(), QStringLiteral("cw-3"));
        QVERIFY(waitForState(third, ServerHandle::State::Running, 15000));
        QCOMPARE(cluster.replicas(QStringLiteral("cw")).size(), 3);
        QCOMPARE(cluster.server(QStringLiteral("cw-3")), third);

        QPALM_CLIENT(client, rig, master, QString());
        const QString problem = spreadOverWorkers(
            *client, "cluster_master.who",
            {QStringLiteral("cw-1"), QStringLiteral("cw-2"), QStringLiteral("cw-3")},
            [](const std::string &p) { return p; });
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        QVERIFY(cluster.removeReplica(QStringLiteral("cw")));
        QCOMPARE(removedSpy.count(), 1);
        QCOMPARE(cluster.replicas(QStringLiteral("cw")).size(), 2);
        QVERIFY(cluster.server(QStringLiteral("cw-3")) == nullptr);
        QVERIFY(cluster.removeReplica(QStringLiteral("cw")));
        QVERIFY(cluster.removeReplica(QStringLiteral("cw")));
        QVERIFY(!cluster.removeReplica(QStringLiteral("cw")));
        // The rest still serve the master's clients? None left: a new replica takes over.
        ServerHandle *fresh = cluster.addReplica(QStringLiteral("cw"), true);
        QVERIFY(fresh);
        QCOMPARE(fresh->name(), QStringLiteral("cw-1"));
        QVERIFY(waitForState(fresh, ServerHandle::State::Running, 15000));
        // The master's PUSH may still hold a pipe to a replica that just stopped, and a message
        // dealt to it is lost (pylm's PUSH/PULL has no acknowledgement): retry a few times.
        auto shortClient = rig.client(master, QString(), 1000);
        QVERIFY2(shortClient, qPrintable(rig.lastError()));
        std::optional<std::vector<std::string>> reply;
        int attempts = 0;
        while (!reply && attempts < 5) {
            ++attempts;
            reply = shortClient->eval("cluster_master.who", "again");
        }
        QVERIFY2(reply.has_value(), shortClient->lastError().c_str());
        QCOMPARE(reply->front(), std::string("cw-1:again"));
        if (attempts > 1)
            qInfo("the new replica answered at attempt %d: earlier messages went to a stopped "
                  "replica",
                  attempts);
        QElapsedTimer timer;
        timer.start();
        stopAllAndWait(cluster);
        QVERIFY(timer.elapsed() < 1000);
        QCOMPARE(fresh->state(), ServerHandle::State::Stopped);
    }

    void clusterStartAllReportsFailure()
    {
        Rig rig;
        QPALM_START(first, rig, serverConfig(QStringLiteral("holder"), echoHandlers()));
        ServerConfig clash = serverConfig(QStringLiteral("clash"), echoHandlers());
        clash.pullAddress = first->address(QStringLiteral("pull_address"));
        ServerConfig fine = serverConfig(QStringLiteral("fine"), echoHandlers());
        Cluster cluster;
        cluster.addServers({clash, fine});
        QVERIFY(!startAllAndWait(cluster));
        QCOMPARE(cluster.server(QStringLiteral("clash"))->state(), ServerHandle::State::Failed);
        QCOMPARE(cluster.server(QStringLiteral("fine"))->state(), ServerHandle::State::Running);
        stopAllAndWait(cluster);
    }

    // Commands come over the pipe as control.proto; whatever arrives, the loop goes on.
    void badCommandsNeverEndTheLoop()
    {
        auto control = std::make_shared<ActorControl>();
        EventSink sink;
        control->setEvents(&sink);
        auto detach = qScopeGuard([&] { control->setEvents(nullptr); });
        ServerActor::Launch launch;
        launch.config = serverConfig(QStringLiteral("commanded"), echoHandlers());
        launch.generation = 5;
        launch.control = control;
        zmq::socket_t pipe = ServerActor::launch(std::move(launch));
        QVERIFY(waitUntil([&] { return sink.count(ServerEvent::Type::Ready) == 1; }));
        QString db;
        for (const ServerEvent &event : sink.events())
            if (event.type == ServerEvent::Type::Ready)
                db = event.addresses.value(QStringLiteral("db_address"));
        QVERIFY(!db.isEmpty());

        ServerCommand badLevel;
        badLevel.type = ServerCommand::Type::SetLevel;
        badLevel.level = LogLevel(7); // what std::stoi on a LEVEL frame once let through
        badLevel.sequence = 3;
        QVERIFY(pipe.send(zmq::str_buffer("\\xff not a command"), zmq::send_flags::dontwait));
        QVERIFY(pipe.send(zmq::str_buffer("two"), zmq::send_flags::sndmore));
        QVERIFY(pipe.send(zmq::str_buffer("frames"), zmq::send_flags::dontwait));
        QVERIFY(
            pipe.send(zmq::buffer(control::encodeCommand(badLevel)), zmq::send_flags::dontwait));
        QVERIFY(waitUntil([&] { return sink.count(ServerEvent::Type::CommandRejected) == 3; }));
        bool sawSequence = false;
        for (const ServerEvent &event : sink.events())
            sawSequence = sawSequence || (event.type == ServerEvent::Type::CommandRejected &&
                                          event.commandSequence == 3);
        QVERIFY(sawSequence);

        // Still serving: a client gets its answer, a status command gets the stats.
        Client::Options options;
        options.serverName = "commanded";
        options.dbAddress = str(db);
        Client client(options);
        QVERIFY2(client.connect(), client.lastError().c_str());
        const auto reply = client.eval("commanded.echo", "still here");
        QVERIFY2(reply.has_value(), client.lastError().c_str());
        QCOMPARE(reply->front(), std::string("still here"));
        ServerCommand status;
        status.type = ServerCommand::Type::Status;
        const int statsBefore = sink.count(ServerEvent::Type::Stats);
        QVERIFY(pipe.send(zmq::buffer(control::encodeCommand(status)), zmq::send_flags::dontwait));
        QVERIFY(waitUntil([&] { return sink.count(ServerEvent::Type::Stats) > statsBefore; }));

        ServerCommand stop;
        stop.type = ServerCommand::Type::Stop;
        QVERIFY(pipe.send(zmq::buffer(control::encodeCommand(stop)), zmq::send_flags::dontwait));
        QVERIFY(control->waitFinished(5000));
        const QList<ServerEvent> events = sink.events();
        QCOMPARE(events.last().type, ServerEvent::Type::Stopped);
        quint64 sequence = 0;
        for (const ServerEvent &event : events) {
            QCOMPARE(event.generation, quint64(5));
            QCOMPARE(event.sequence, sequence + 1);
            sequence = event.sequence;
            if (event.type == ServerEvent::Type::Stats)
                QCOMPARE(event.stats.generation, quint64(5));
        }
    }

    // A restart bumps the generation; the last stats of the run before never land on the new one.
    void staleStatsOfEarlierRunIgnored()
    {
        LocalServer server(serverConfig(QStringLiteral("restarted"), echoHandlers()));
        QVERIFY(startAndWait(&server, 15000));
        QCOMPARE(server.generation(), quint64(1));
        Client::Options options;
        options.serverName = "restarted";
        options.dbAddress = str(server.address(QStringLiteral("db_address")));
        Client client(options);
        QVERIFY2(client.connect(), client.lastError().c_str());
        QVERIFY(client.job("restarted.echo", std::vector<std::string>(25, "x"), 1).has_value());
        QVERIFY(waitUntil([&] { return server.stats().messagesIn == 25; }, 3000));

        QList<ServerStats> seen;
        connect(&server, &ServerHandle::statsUpdated, this,
                [&](const ServerStats &stats) { seen << stats; });
        // No wait in between: the first run's final stats are still on their way.
        server.stop();
        server.start();
        QCOMPARE(server.generation(), quint64(2));
        QVERIFY(waitForState(&server, ServerHandle::State::Running, 15000));
        QVERIFY(waitUntil([&] { return !seen.isEmpty(); }, 3000));
        QTest::qWait(300);
        for (const ServerStats &stats : std::as_const(seen)) {
            QCOMPARE(stats.generation, quint64(2));
            QCOMPARE(stats.messagesIn, quint64(0));
        }
        QCOMPARE(server.stats().messagesIn, quint64(0));
        QCOMPARE(server.stats().generation, quint64(2));
        stopAndWait(&server, 15000);
    }

    // self.get on a master's cache that does not answer fails after cacheTimeoutMs, as a Lua
    // error in the script; the worker goes on.
    void workerCacheCallsAreBounded()
    {
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("bounded_master")));
        ServerConfig config =
            workerConfig(QStringLiteral("bounded"), QStringLiteral("tcp://127.0.0.1:9"), {});
        config.workerPushAddress = master->address(QStringLiteral("worker_push_address"));
        config.workerPullAddress = master->address(QStringLiteral("worker_pull_address"));
        config.cacheTimeoutMs = 200;
        config.script = ScriptSource{QStringLiteral("worker.lua"),
                                     "function fetch(key)\n  return self.get(key) or 'none'\nend\n"
                                     "function ping(p) return 'pong ' .. p end\n",
                                     {}};
        QPALM_START(worker, rig, config);
        QPALM_CLIENT(client, rig, master, QString());
        QElapsedTimer timer;
        timer.start();
        QPALM_EVAL(client, "bounded_master.fetch", "k", 1, QStringList{QStringLiteral("0")});
        QVERIFY2(timer.elapsed() >= 150 && timer.elapsed() < 3000,
                 qPrintable(QStringLiteral("%1 ms").arg(timer.elapsed())));
        QVERIFY2(rig.waitForText(QStringLiteral("cache request to tcp://127.0.0.1:9 timed out "
                                                "after 200 ms"),
                                 QStringLiteral("bounded")),
                 qPrintable(rig.dump()));
        const auto errors =
            rig.find(QStringLiteral("User function gave an error"), QStringLiteral("bounded"));
        QVERIFY(!errors.isEmpty());
        QVERIFY2(errors.first().traceback.contains(u"worker.lua:2:"),
                 qPrintable(errors.first().traceback));
        QPALM_EVAL(client, "bounded_master.ping", "again", 1,
                   QStringList{QStringLiteral("pong again")});
        QCOMPARE(worker->state(), ServerHandle::State::Running);
    }

    // The caller's event loop never stalls: a worker whose master does not exist starts, fails
    // (configuration timeout), starts again and is stopped while it waits.
    void workerWithoutMasterNeverStallsCaller()
    {
        ServerConfig config = workerConfig(QStringLiteral("orphan_ticks"),
                                           QStringLiteral("tcp://127.0.0.1:9"), echoHandlers());
        config.configTimeoutMs = 400;
        LocalServer server(config);
        QElapsedTimer clock;
        qint64 last = 0;
        qint64 worst = 0;
        QTimer ticker;
        ticker.setTimerType(Qt::PreciseTimer);
        ticker.setInterval(5);
        connect(&ticker, &QTimer::timeout, this, [&] {
            const qint64 now = clock.nsecsElapsed();
            worst = std::max(worst, now - last);
            last = now;
        });
        clock.start();
        ticker.start();
        QTest::qWait(20);

        server.start();
        QCOMPARE(server.state(), ServerHandle::State::Starting);
        QVERIFY(waitForState(&server, ServerHandle::State::Failed, 5000));
        QVERIFY2(server.errorString().contains(u"tcp://127.0.0.1:9"),
                 qPrintable(server.errorString()));

        server.start();
        QTest::qWait(100);
        QCOMPARE(server.state(), ServerHandle::State::Starting); // still waiting for the master
        QElapsedTimer stopping;
        stopping.start();
        server.stop();
        QVERIFY(waitForState(&server, ServerHandle::State::Stopped, 5000));
        QVERIFY2(stopping.elapsed() < 300,
                 qPrintable(QStringLiteral("stop took %1 ms").arg(stopping.elapsed())));
        QTest::qWait(20);
        ticker.stop();
        QVERIFY2(worst < 100'000'000,
                 qPrintable(QStringLiteral("longest gap between ticks: %1 ms").arg(worst / 1e6)));
    }
};

QTEST_GUILESS_MAIN(TestActorLoop)
#include "tst_actorloop.moc"
