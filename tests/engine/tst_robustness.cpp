// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Hostile and heavy input: 1,000 malformed frames on every bound socket (and on the inputs a
// server connects to), stopping under full load, an address already in use, 20k messages.

#include "enginetest.h"
#include "rawzmq.h"

#include <QSet>

#include <atomic>
#include <thread>

using namespace qpalm;
using namespace qpalm::test;

namespace {

constexpr int kBadFrames = 1000;

// What a clear record for each kind of bad input must say (texts of serveractor.cpp).
struct Expectation
{
    const char *kind;
    QStringList needles; // all must appear in one record
};

// Checks that for each expectation one record of server contains all needles.
QString missingRecords(const Rig &rig, const QString &server,
                       const QList<Expectation> &expectations)
{
    QStringList missing;
    const QList<LogRecord> records = rig.records(server);
    for (const Expectation &expectation : expectations) {
        bool found = false;
        for (const LogRecord &record : records) {
            bool all = record.level >= LogLevel::Warning;
            for (const QString &needle : expectation.needles)
                all = all && record.text.contains(needle, Qt::CaseInsensitive);
            if (all) {
                found = true;
                break;
            }
        }
        if (!found)
            missing << QStringLiteral("%1 (%2)").arg(QLatin1String(expectation.kind),
                                                     expectation.needles.join(u'+'));
    }
    return missing.join(QStringLiteral(", "));
}

// Sends kBadFrames bad messages (all kinds in turn) through a PUSH connected to address.
void pushGarbage(const QString &address, const std::string &ownName, std::mt19937 &random,
                 const std::string &prefix = {})
{
    zmq::socket_t push = rawSocket(zmq::socket_type::push);
    push.set(zmq::sockopt::linger, 5000); // deliver everything queued before closing
    push.connect(str(address));
    for (int i = 0; i < kBadFrames; ++i) {
        const auto kind = static_cast<BadKind>(i % static_cast<int>(BadKind::Count));
        sendFrames(push, badFrames(kind, random, prefix, ownName, i));
    }
}

// Sends kBadFrames bad requests to a REP socket and counts the replies (a REP must answer each).
int requestGarbage(const QString &address, const std::string &ownName, std::mt19937 &random,
                   QString *problem)
{
    zmq::socket_t req = rawSocket(zmq::socket_type::req);
    req.connect(str(address));
    int answered = 0;
    for (int i = 0; i < kBadFrames; ++i) {
        const auto kind = static_cast<BadKind>(i % static_cast<int>(BadKind::Count));
        std::vector<std::string> frames = badFrames(kind, random, {}, ownName, i);
        if (!sendFrames(req, frames)) {
            *problem = QStringLiteral("REQ could not send bad request %1").arg(i);
            return answered;
        }
        const auto reply = recvFrames(req, 3000);
        if (!reply) {
            *problem =
                QStringLiteral("db_address did not answer bad request %1 (kind %2, %3 frames)")
                    .arg(i)
                    .arg(int(kind))
                    .arg(frames.size());
            return answered;
        }
        ++answered;
    }
    return answered;
}

quint64 waitForStat(const ServerHandle *server, quint64 ServerStats::*field, quint64 atLeast,
                    int timeoutMs = 5000)
{
    QElapsedTimer timer;
    timer.start();
    while (server->stats().*field < atLeast && timer.elapsed() < timeoutMs)
        QTest::qWait(20);
    return server->stats().*field;
}

} // namespace

class TestRobustness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void garbageOnServerSockets()
    {
        auto handlers = newHandlers();
        handlers->add("echo", suffixHandler(" ok"));
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("victim"), handlers));
        std::mt19937 random(42);

        pushGarbage(server->address(QStringLiteral("pull_address")), "victim", random);
        QString problem;
        const int answered = requestGarbage(server->address(QStringLiteral("db_address")), "victim",
                                            random, &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(answered, kBadFrames);

        // Normal traffic is still served, both messages and cache.
        QPALM_CLIENT(client, rig, server, QString());
        QPALM_EVAL(client, "victim.echo", "still alive", 1,
                   QStringList{QStringLiteral("still alive ok")});
        QCOMPARE(client->set("v", "k").value_or("?"), std::string("k"));
        QCOMPARE(client->get("k").value_or("?"), std::string("v"));

        QVERIFY2(waitForStat(server, &ServerStats::messagesIn, kBadFrames + 1) >= kBadFrames + 1,
                 "the server did not count every frame in");
        // pull: 100 undecodable + 200 wrong frame counts at least; db: 100 + 200 more.
        QTRY_VERIFY_WITH_TIMEOUT(server->stats().malformed >= 600, 5000);
        const QList<Expectation> expectations{
            {"undecodable on pull",
             {QStringLiteral("could not be decoded"), QStringLiteral("pull_address")}},
            {"frame count on pull", {QStringLiteral("frame"), QStringLiteral("pull_address")}},
            {"unknown function", {QStringLiteral("no_such_method"), QStringLiteral("not found")}},
            {"other server", {QStringLiteral("some_other_server")}},
            {"empty function", {QStringLiteral("empty function")}},
            {"undecodable on db",
             {QStringLiteral("could not be decoded"), QStringLiteral("db_address")}},
            {"frame count on db", {QStringLiteral("frame"), QStringLiteral("db_address")}},
            {"unknown cache verb",
             {QStringLiteral("cache verb"), QStringLiteral("no_such_method")}}};
        QString missing;
        waitUntil([&] {
            return (missing = missingRecords(rig, QStringLiteral("victim"), expectations))
                .isEmpty();
        });
        QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("no clear record for: ") + missing +
                                               u'\n' + rig.dump(20)));
        QCOMPARE(server->state(), ServerHandle::State::Running);
    }

    void garbageOnMasterSockets()
    {
        auto workerHandlers = newHandlers();
        workerHandlers->add("echo", suffixHandler(" ok"));
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("mvictim")));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("mvictim_worker"),
                                 master->address(QStringLiteral("db_address")), workerHandlers));
        std::mt19937 random(7);

        pushGarbage(master->address(QStringLiteral("pull_address")), "mvictim", random);
        // Results from workers come in on worker_pull_address: garbage there too.
        pushGarbage(master->address(QStringLiteral("worker_pull_address")), "mvictim", random);
        QString problem;
        QCOMPARE(requestGarbage(master->address(QStringLiteral("db_address")), "mvictim", random,
                                &problem),
                 kBadFrames);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        QPALM_CLIENT(client, rig, master, QString());
        QPALM_EVAL(client, "mvictim.echo", "still alive", 1,
                   QStringList{QStringLiteral("still alive ok")});
        std::vector<std::string> payloads(100, "again");
        const auto replies = client->job("mvictim.echo", payloads, 1);
        QVERIFY2(replies.has_value(), client->lastError().c_str());
        QCOMPARE(replies->size(), std::size_t(100));

        QVERIFY(waitForStat(master, &ServerStats::malformed, 1) >= 1);
        const QList<Expectation> masterExpectations{
            {"undecodable on pull",
             {QStringLiteral("could not be decoded"), QStringLiteral("pull_address")}},
            {"frame count on pull", {QStringLiteral("frame"), QStringLiteral("pull_address")}},
            {"undecodable from workers",
             {QStringLiteral("could not be decoded"), QStringLiteral("worker_pull_address")}},
            {"frame count from workers",
             {QStringLiteral("frame"), QStringLiteral("worker_pull_address")}},
            {"undecodable on db",
             {QStringLiteral("could not be decoded"), QStringLiteral("db_address")}},
            {"unknown cache verb", {QStringLiteral("cache verb")}}};
        QString masterMissing;
        waitUntil([&] {
            return (masterMissing =
                        missingRecords(rig, QStringLiteral("mvictim"), masterExpectations))
                .isEmpty();
        });
        QVERIFY2(masterMissing.isEmpty(),
                 qPrintable(QStringLiteral("master: no clear record for: ") + masterMissing +
                            u'\n' + rig.dump(20)));
        // Valid messages with a bad function went through to the worker, which names each problem.
        const QList<Expectation> workerExpectations{
            {"unknown function", {QStringLiteral("no_such_method"), QStringLiteral("not found")}},
            {"empty function", {QStringLiteral("empty function")}}};
        QString missing;
        waitUntil([&] {
            return (missing =
                        missingRecords(rig, QStringLiteral("mvictim_worker"), workerExpectations))
                .isEmpty();
        });
        QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("worker: no clear record for: ") +
                                               missing + u'\n' + rig.dump(20)));
        QVERIFY(worker->state() == ServerHandle::State::Running);
    }

    void garbageOnWorkerInput()
    {
        // A fake master binds db REP + PUSH + PULL; the worker under test connects to it.
        zmq::socket_t rep = rawSocket(zmq::socket_type::rep);
        zmq::socket_t tasks = rawSocket(zmq::socket_type::push);
        zmq::socket_t results = rawSocket(zmq::socket_type::pull);
        const std::string dbAddress = bindAny(rep);
        const std::string tasksAddress = bindAny(tasks);
        const std::string resultsAddress = bindAny(results);
        std::atomic<bool> serving{true};
        std::atomic<int> configRequests{0};
        std::thread cacheThread([&] {
            while (serving) {
                auto request = recvFrames(rep, 50);
                if (!request)
                    continue;
                Message message;
                std::string reply;
                if (request->size() == 1 && decodeMessage(request->front(), message)) {
                    ++configRequests;
                    if (message.payload == "worker_push_address")
                        reply = tasksAddress;
                    else if (message.payload == "worker_pull_address")
                        reply = resultsAddress;
                    else if (message.payload == "name")
                        reply = "fake_master";
                }
                sendFrames(rep, {reply});
            }
        });
        auto stopCache = qScopeGuard([&] {
            serving = false;
            cacheThread.join();
        });

        auto workerHandlers = newHandlers();
        workerHandlers->add("echo", suffixHandler(" ok"));
        Rig rig;
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("wvictim"), qstr(dbAddress), workerHandlers));
        QVERIFY(configRequests >= 2);

        std::mt19937 random(99);
        for (int i = 0; i < kBadFrames; ++i) {
            const auto kind = static_cast<BadKind>(i % static_cast<int>(BadKind::Count));
            QVERIFY(sendFrames(tasks, badFrames(kind, random, {}, "fake_master", i)));
        }
        for (int i = 0; i < 10; ++i)
            QVERIFY(sendFrames(
                tasks, {encodeMessage(makeMessage("fake_master.echo", "good " + std::to_string(i),
                                                  "good-client"))}));

        QStringList good;
        QElapsedTimer timer;
        timer.start();
        while (good.size() < 10 && timer.elapsed() < 10000) {
            auto frames = recvFrames(results, 1000);
            if (!frames)
                continue;
            QCOMPARE(frames->size(), std::size_t(1));
            Message message;
            QVERIFY(decodeMessage(frames->front(), message));
            if (message.client == "good-client")
                good << qstr(message.payload);
        }
        QStringList expected;
        for (int i = 0; i < 10; ++i)
            expected << QStringLiteral("good %1 ok").arg(i);
        QCOMPARE(good, expected);

        const QList<Expectation> expectations{
            {"undecodable", {QStringLiteral("could not be decoded")}},
            {"frame count", {QStringLiteral("frame")}},
            {"unknown function", {QStringLiteral("no_such_method"), QStringLiteral("not found")}},
            {"empty function", {QStringLiteral("empty function")}}};
        QString missing;
        waitUntil([&] {
            return (missing = missingRecords(rig, QStringLiteral("wvictim"), expectations))
                .isEmpty();
        });
        QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("worker: no clear record for: ") +
                                               missing + u'\n' + rig.dump(20)));
        QTRY_VERIFY_WITH_TIMEOUT(worker->stats().malformed >= 1, 5000);
    }

    void garbageOnPipelineAndHubInputs_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("pipeline") << int(ServerKind::Pipeline);
        QTest::newRow("sink") << int(ServerKind::Sink);
        QTest::newRow("hub") << int(ServerKind::Hub);
    }

    void garbageOnPipelineAndHubInputs()
    {
        QFETCH(int, kind);
        // We play the previous stage: an XPUB shows us when the victim has subscribed.
        zmq::socket_t upstream = rawSocket(zmq::socket_type::xpub);
        upstream.set(zmq::sockopt::sndhwm, 0); // a PUB drops past its high-water mark; we must not
        const QString upstreamAddress = qstr(bindAny(upstream));
        auto handlers = newHandlers();
        handlers->add("echo", suffixHandler(" ok"));
        Rig rig;
        ServerConfig config;
        const QString name = QStringLiteral("svictim");
        switch (ServerKind(kind)) {
        case ServerKind::Pipeline:
            config = pipelineConfig(name, upstreamAddress, QStringLiteral("up"), handlers);
            break;
        case ServerKind::Sink:
            config = sinkConfig(name, {upstreamAddress}, {QStringLiteral("up")}, handlers);
            break;
        default:
            config = hubConfig(name, upstreamAddress, QStringLiteral("up"));
            break;
        }
        QPALM_START(victim, rig, config);
        if (ServerKind(kind) == ServerKind::Hub) {
            QPALM_START(worker, rig,
                        workerConfig(QStringLiteral("svictim_worker"),
                                     victim->address(QStringLiteral("db_address")), handlers));
            Q_UNUSED(worker);
        }
        auto subscription = recvFrames(upstream, 5000);
        QVERIFY2(subscription.has_value(), "the victim never subscribed upstream");
        QCOMPARE(subscription->front(), std::string("\x01up", 3));

        std::mt19937 random(5);
        for (int i = 0; i < kBadFrames; ++i) {
            const auto badKind = static_cast<BadKind>(i % static_cast<int>(BadKind::Count));
            QVERIFY(sendFrames(upstream, badFrames(badKind, random, "up", "svictim", i)));
        }
        // Then a good message, answered to its client on the victim's PUB.
        zmq::socket_t sub = rawSocket(zmq::socket_type::sub);
        sub.set(zmq::sockopt::subscribe, std::string("good-client"));
        sub.connect(str(victim->address(QStringLiteral("pub_address"))));
        QVERIFY(sendFrames(upstream, {"up", encodeMessage(makeMessage("prev.x svictim.echo", "fine",
                                                                      "good-client", 1))}));
        const auto reply = recvFrames(sub, 5000);
        QVERIFY2(reply.has_value(),
                 qPrintable(QStringLiteral("no reply after the garbage\n") + rig.dump(20)));
        QCOMPARE(reply->size(), std::size_t(2));
        Message message;
        QVERIFY(decodeMessage(reply->at(1), message));
        QCOMPARE(message.payload, std::string("fine ok"));

        QList<Expectation> expectations{
            {"undecodable", {QStringLiteral("could not be decoded"), QStringLiteral("sub")}},
            {"frame count", {QStringLiteral("frame"), QStringLiteral("sub")}}};
        if (ServerKind(kind) != ServerKind::Hub) {
            expectations << Expectation{"unknown function",
                                        {QStringLiteral("no_such_method"),
                                         QStringLiteral("not found")}}
                         << Expectation{"other server", {QStringLiteral("some_other_server")}}
                         << Expectation{"empty function", {QStringLiteral("empty function")}};
        }
        QString missing;
        waitUntil([&] { return (missing = missingRecords(rig, name, expectations)).isEmpty(); });
        QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("no clear record for: ") + missing +
                                               u'\n' + rig.dump(20)));
        QTRY_VERIFY_WITH_TIMEOUT(victim->stats().malformed >= 1, 5000);
    }

    void masterRoutesWhatProtobufAccepts()
    {
        // protobuf (and so pylm) skips unknown fields of any wire type, groups included:
        // a master must serve such a message, not drop it silently.
        auto workerHandlers = newHandlers();
        workerHandlers->add("echo", suffixHandler(" ok"));
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("tolerant")));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("tolerant_worker"),
                                 master->address(QStringLiteral("db_address")), workerHandlers));
        Q_UNUSED(worker);
        zmq::socket_t sub = rawSocket(zmq::socket_type::sub);
        sub.set(zmq::sockopt::subscribe, std::string("odd-client"));
        sub.connect(str(master->address(QStringLiteral("pub_address"))));
        zmq::socket_t push = rawSocket(zmq::socket_type::push);
        push.set(zmq::sockopt::linger, 2000);
        push.connect(str(master->address(QStringLiteral("pull_address"))));
        const std::string valid = encodeMessage(makeMessage("tolerant.echo", "x", "odd-client"));
        const std::string withGroup =
            valid + std::string("\x3b\x08\x01\x3c", 4); // field 7 as a group
        Message check;
        QVERIFY(decodeMessage(withGroup, check));
        QVERIFY(sendFrames(push, {withGroup}));
        const auto reply = recvFrames(sub, 3000);
        QVERIFY2(reply.has_value(),
                 qPrintable(QStringLiteral("the master dropped a message protobuf accepts\n") +
                            rig.dump(10)));
    }

    void stopUnderFullLoad()
    {
        auto handlers = newHandlers();
        handlers->add("echo", suffixHandler(""));
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("busy"), handlers));

        // A qpalm::Client streaming a job as fast as it can on its own thread (its job polls with
        // a timeout, so a stopped server cannot hang it).
        std::atomic<bool> running{true};
        std::atomic<quint64> sent{0};
        std::atomic<quint64> received{0};
        std::string clientError;
        Client::Options options;
        options.serverName = "busy";
        options.dbAddress = str(server->address(QStringLiteral("db_address")));
        options.timeoutMs = 1000; // how long the job lingers once the server is gone
        std::thread load([&] {
            Client client(options);
            if (!client.connect()) {
                clientError = client.lastError();
                return;
            }
            const std::string payload(100, 'x');
            client.job(
                "busy.echo",
                [&](std::string &next) {
                    next = payload;
                    ++sent;
                    return running.load();
                },
                [&](std::string &&) { ++received; }, 0);
        });
        auto joinLoad = qScopeGuard([&] {
            running = false;
            load.join();
        });

        QTRY_VERIFY_WITH_TIMEOUT(received > 2000 || !clientError.empty(), 10000);
        QVERIFY2(clientError.empty(), clientError.c_str());
        QElapsedTimer timer;
        timer.start();
        stopAndWait(server, 15000);
        const qint64 elapsed = timer.elapsed();
        QVERIFY2(elapsed < 1000,
                 qPrintable(QStringLiteral("stop took %1 ms under load").arg(elapsed)));
        QCOMPARE(server->state(), ServerHandle::State::Stopped);
        qInfo("stop under load: %lld ms after %llu sent, %llu answered", elapsed,
              static_cast<unsigned long long>(sent.load()),
              static_cast<unsigned long long>(received.load()));
    }

    void stopMasterWithWorkersUnderLoad()
    {
        auto workerHandlers = newHandlers();
        workerHandlers->add("echo", suffixHandler(""));
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("busy_master")));
        const QString db = master->address(QStringLiteral("db_address"));
        QPALM_START(w1, rig, workerConfig(QStringLiteral("busy_w1"), db, workerHandlers));
        QPALM_START(w2, rig, workerConfig(QStringLiteral("busy_w2"), db, workerHandlers));
        const std::string pull = str(master->address(QStringLiteral("pull_address")));
        const std::string pub = str(master->address(QStringLiteral("pub_address")));
        std::atomic<bool> running{true};
        std::atomic<quint64> received{0};
        std::thread load([&] {
            zmq::socket_t push = rawSocket(zmq::socket_type::push);
            zmq::socket_t sub = rawSocket(zmq::socket_type::sub);
            sub.set(zmq::sockopt::subscribe, std::string("load-client"));
            sub.connect(pub);
            push.connect(pull);
            const std::string bytes =
                encodeMessage(makeMessage("busy_master.echo", "payload", "load-client"));
            while (running) {
                for (int i = 0; i < 100; ++i)
                    (void)push.send(zmq::buffer(bytes), zmq::send_flags::dontwait);
                zmq::message_t frame;
                while (sub.recv(frame, zmq::recv_flags::dontwait)) {
                    if (!frame.more())
                        ++received;
                }
            }
        });
        auto joinLoad = qScopeGuard([&] {
            running = false;
            load.join();
        });
        QTRY_VERIFY_WITH_TIMEOUT(received > 2000, 10000);
        QElapsedTimer timer;
        timer.start();
        stopAndWait(w1, 15000);
        stopAndWait(w2, 15000);
        stopAndWait(master, 15000);
        const qint64 elapsed = timer.elapsed();
        QVERIFY2(elapsed < 1000,
                 qPrintable(QStringLiteral("stopping master + 2 workers took %1 ms").arg(elapsed)));
    }

    void addressInUse()
    {
        auto handlers = newHandlers();
        handlers->add("echo", suffixHandler(" first"));
        Rig rig;
        QPALM_START(first, rig, serverConfig(QStringLiteral("first"), handlers));
        const QString taken = first->address(QStringLiteral("pull_address"));
        QVERIFY(taken.startsWith(QStringLiteral("tcp://127.0.0.1:")) && !taken.contains(u'*'));

        ServerConfig config = serverConfig(QStringLiteral("second"), handlers);
        config.pullAddress = taken;
        LocalServer *second = rig.add(config);
        QSignalSpy failedSpy(second, &ServerHandle::failed);
        QSignalSpy startedSpy(second, &ServerHandle::started);
        QVERIFY(!startAndWait(second, 15000));
        QCOMPARE(second->state(), ServerHandle::State::Failed);
        QCOMPARE(failedSpy.count(), 1);
        QCOMPARE(startedSpy.count(), 0);
        const QString reason = failedSpy.first().first().toString();
        QVERIFY2(reason.contains(QStringLiteral("Address already in use")), qPrintable(reason));
        QVERIFY2(reason.contains(taken), qPrintable(reason));
        QCOMPARE(second->errorString(), reason);

        // The first keeps serving.
        QCOMPARE(first->state(), ServerHandle::State::Running);
        QPALM_CLIENT(client, rig, first, QString());
        QPALM_EVAL(client, "first.echo", "hello", 1, QStringList{QStringLiteral("hello first")});

        // A failed server can be fixed and started again.
        stopAndWait(second, 15000);
        QCOMPARE(second->state(), ServerHandle::State::Failed);
    }

    void addressInUseOnLaterSocket()
    {
        // The clash is on the PUB; sockets bound before it must be released again.
        Rig rig;
        QPALM_START(first, rig, serverConfig(QStringLiteral("first"), newHandlers()));
        ServerConfig config = serverConfig(QStringLiteral("second"), newHandlers());
        config.pubAddress = first->address(QStringLiteral("pub_address"));
        config.dbAddress = QStringLiteral("tcp://127.0.0.1:*");
        LocalServer *second = rig.add(config);
        QVERIFY(!startAndWait(second, 15000));
        QVERIFY2(second->errorString().contains(QStringLiteral("Address already in use")),
                 qPrintable(second->errorString()));
        QVERIFY2(second->errorString().contains(config.pubAddress),
                 qPrintable(second->errorString()));
    }

    void twentyThousandThroughPipeline()
    {
        auto serverHandlers = newHandlers();
        serverHandlers->add("foo", suffixHandler("s"));
        auto pipelineHandlers = newHandlers();
        pipelineHandlers->add("bar", suffixHandler("p"));
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("fast_server"), serverHandlers, true));
        QPALM_START(pipe, rig,
                    pipelineConfig(QStringLiteral("fast_pipeline"),
                                   server->address(QStringLiteral("pub_address")),
                                   QStringLiteral("fast_server"), pipelineHandlers));
        QPALM_CLIENT(client, rig, server, pipe->address(QStringLiteral("pub_address")));

        constexpr int count = 20000;
        std::vector<std::string> payloads;
        payloads.reserve(count);
        for (int i = 0; i < count; ++i)
            payloads.push_back(std::to_string(i));
        QElapsedTimer timer;
        timer.start();
        const auto replies = client->job("fast_server.foo fast_pipeline.bar", payloads, 1);
        const qint64 elapsed = timer.elapsed();
        QVERIFY2(replies.has_value(), client->lastError().c_str());
        QCOMPARE(int(replies->size()), count);
        QSet<QString> unique;
        for (const std::string &reply : *replies)
            unique.insert(qstr(reply));
        QCOMPARE(int(unique.size()), count);
        for (int i = 0; i < count; ++i)
            QVERIFY(unique.contains(QStringLiteral("%1sp").arg(i)));
        qInfo("20000 messages through server -> pipeline in %lld ms", elapsed);
        QTRY_COMPARE_WITH_TIMEOUT(pipe->stats().messagesOut, quint64(count), 5000);
        QCOMPARE(server->stats().dropped, quint64(0));
        QCOMPARE(pipe->stats().dropped, quint64(0));
    }
};

QTEST_GUILESS_MAIN(TestRobustness)
#include "tst_robustness.moc"
