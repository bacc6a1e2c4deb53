// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// pylm's multi-stage examples, natively: pipeline, tee, stream, sink, stream + sink,
// server -> hub and a pipelined master feeding a pipeline.

#include "enginetest.h"
#include "rawzmq.h"

#include <QSet>

using namespace qpalm;
using namespace qpalm::test;

namespace {

// A SUB socket on a pub address, subscribed to topic.
zmq::socket_t subscriber(const QString &pubAddress, const std::string &topic)
{
    zmq::socket_t sub = rawSocket(zmq::socket_type::sub);
    sub.set(zmq::sockopt::subscribe, topic);
    sub.connect(str(pubAddress));
    return sub;
}

// Reads count messages [topic, PalmMessage] from sub; stops early on timeout.
QList<Message> readMessages(zmq::socket_t &sub, int count, const std::string &expectedTopic,
                            QString *problem, int timeoutMs = 5000)
{
    QList<Message> out;
    while (out.size() < count) {
        auto frames = recvFrames(sub, timeoutMs);
        if (!frames) {
            *problem =
                QStringLiteral("timed out after %1 of %2 messages").arg(out.size()).arg(count);
            break;
        }
        if (frames->size() != 2) {
            *problem =
                QStringLiteral("a published message had %1 frames, not 2").arg(frames->size());
            break;
        }
        if (frames->at(0) != expectedTopic) {
            *problem = QStringLiteral("topic '%1', expected '%2'")
                           .arg(qstr(frames->at(0)), qstr(expectedTopic));
            break;
        }
        Message message;
        if (!decodeMessage(frames->at(1), message)) {
            *problem = QStringLiteral("a published message did not decode");
            break;
        }
        out << message;
    }
    return out;
}

// Sends probes until tap sees one (its subscription has reached the publisher), then drains it.
bool primeTap(Client &client, const std::string &function, zmq::socket_t &tap)
{
    for (int i = 0; i < 200; ++i) {
        if (!client.eval(function, "probe"))
            return false;
        if (recvFrames(tap, 20)) {
            while (recvFrames(tap, 50)) {
            }
            return true;
        }
    }
    return false;
}

QStringList payloads(const QList<Message> &messages)
{
    QStringList out;
    for (const Message &message : messages)
        out << qstr(message.payload);
    return out;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

std::vector<std::string> numbered(int count)
{
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i)
        out.push_back(std::to_string(i));
    return out;
}

} // namespace

class TestPipelines : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pipeline()
    {
        // pylm's pipeline example: server (pipelined) -> pipeline -> client.
        auto serverHandlers = newHandlers();
        serverHandlers->add(
            "foo", [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                return "you sent me " + payload;
            });
        auto pipelineHandlers = newHandlers();
        pipelineHandlers->add(
            "foo", [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                if (payload.find("drop") != std::string::npos)
                    return std::nullopt;
                return "and I pipelined " + payload;
            });
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("my_server"), serverHandlers, true));
        QPALM_START(pipe, rig,
                    pipelineConfig(QStringLiteral("my_pipeline"),
                                   server->address(QStringLiteral("pub_address")),
                                   QStringLiteral("my_server"), pipelineHandlers));
        QPALM_CLIENT(client, rig, server, pipe->address(QStringLiteral("pub_address")));
        // Watch the server's own output on the wire.
        zmq::socket_t tap = subscriber(server->address(QStringLiteral("pub_address")), "my_server");
        QVERIFY2(primeTap(*client, "my_server.foo my_pipeline.foo", tap),
                 client->lastError().c_str());

        QPALM_EVAL(client, "my_server.foo my_pipeline.foo", "a message", 1,
                   QStringList{QStringLiteral("and I pipelined you sent me a message")});

        QString problem;
        const QList<Message> tapped = readMessages(tap, 1, "my_server", &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const Message &wire = tapped.first();
        QCOMPARE(wire.stage, std::int64_t(1)); // pipelined: stage incremented, topic = server name
        QCOMPARE(wire.function, std::string("my_server.foo my_pipeline.foo"));
        QCOMPARE(wire.client, client->uuid());
        QCOMPARE(wire.payload, std::string("you sent me a message"));

        // A handler returning nothing drops the message in a pipeline.
        const auto none = client->job("my_server.foo my_pipeline.foo", {"please drop"}, 0);
        QVERIFY2(none.has_value(), client->lastError().c_str());
        QVERIFY(none->empty()); // sent, and nothing came back before the next eval
        QPALM_EVAL(client, "my_server.foo my_pipeline.foo", "kept", 1,
                   QStringList{QStringLiteral("and I pipelined you sent me kept")});

        const auto replies = client->job("my_server.foo my_pipeline.foo", numbered(100), 1);
        QVERIFY2(replies.has_value(), client->lastError().c_str());
        QStringList expected;
        for (int i = 0; i < 100; ++i)
            expected << QStringLiteral("and I pipelined you sent me %1").arg(i);
        QCOMPARE(toQStringList(*replies), expected);
    }

    void threeStagesChain()
    {
        // server -> pipeline (to_client = false) -> pipeline -> client: each stage runs its own
        // entry.
        Rig rig;
        auto h1 = newHandlers();
        h1->add("f", suffixHandler("|f"));
        auto h2 = newHandlers();
        h2->add("g", suffixHandler("|g"));
        auto h3 = newHandlers();
        h3->add("h", suffixHandler("|h"));
        QPALM_START(s, rig, serverConfig(QStringLiteral("a"), h1, true));
        QPALM_START(p1, rig,
                    pipelineConfig(QStringLiteral("b"), s->address(QStringLiteral("pub_address")),
                                   QStringLiteral("a"), h2, false));
        QPALM_START(p2, rig,
                    pipelineConfig(QStringLiteral("c"), p1->address(QStringLiteral("pub_address")),
                                   QStringLiteral("b"), h3));
        QPALM_CLIENT(client, rig, s, p2->address(QStringLiteral("pub_address")));
        zmq::socket_t tap = subscriber(p1->address(QStringLiteral("pub_address")), "b");
        QVERIFY2(primeTap(*client, "a.f b.g c.h", tap), client->lastError().c_str());
        QPALM_EVAL(client, "a.f b.g c.h", "x", 1, QStringList{QStringLiteral("x|f|g|h")});
        QString problem;
        const QList<Message> tapped = readMessages(tap, 1, "b", &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(tapped.first().stage, std::int64_t(2));
        QCOMPARE(tapped.first().payload, std::string("x|f|g"));
    }

    void tee()
    {
        // pylm's tee example: two pipelines (same name, as in pylm) subscribed to one server.
        auto serverHandlers = newHandlers();
        serverHandlers->add("foo", suffixHandler(" from server"));
        auto handlersA = newHandlers();
        handlersA->add(
            "foo", [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                return "A:" + payload;
            });
        auto handlersB = newHandlers();
        handlersB->add(
            "foo", [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                return "B:" + payload;
            });
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("my_server"), serverHandlers, true));
        const QString serverPub = server->address(QStringLiteral("pub_address"));
        QPALM_START(pipeA, rig,
                    pipelineConfig(QStringLiteral("my_pipeline"), serverPub,
                                   QStringLiteral("my_server"), handlersA));
        QPALM_START(pipeB, rig,
                    pipelineConfig(QStringLiteral("my_pipeline"), serverPub,
                                   QStringLiteral("my_server"), handlersB));
        QPALM_CLIENT(client, rig, server, pipeA->address(QStringLiteral("pub_address")));
        zmq::socket_t fromB =
            subscriber(pipeB->address(QStringLiteral("pub_address")), client->uuid());

        const int count = 50;
        const auto replies = client->job("my_server.foo my_pipeline.foo", numbered(count), 1);
        QVERIFY2(replies.has_value(), client->lastError().c_str());
        QStringList expectedA;
        QStringList expectedB;
        for (int i = 0; i < count; ++i) {
            expectedA << QStringLiteral("A:%1 from server").arg(i);
            expectedB << QStringLiteral("B:%1 from server").arg(i);
        }
        QCOMPARE(toQStringList(*replies), expectedA);
        QString problem;
        const QList<Message> gotB = readMessages(fromB, count, client->uuid(), &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(payloads(gotB), expectedB);
        QTRY_COMPARE_WITH_TIMEOUT(pipeA->stats().messagesIn, quint64(count), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(pipeB->stats().messagesIn, quint64(count), 5000);
    }

    void stream()
    {
        // pylm's stream example: handle_stream picks topic even/odd; two pipelines follow one each.
        auto serverHandlers = newHandlers();
        serverHandlers->add("foo", suffixHandler("s"));
        serverHandlers->setHandleStream([](ServerContext &, Message &message) -> std::string {
            message.stage += 1;
            const int number = std::stoi(message.payload);
            return number % 2 == 0 ? "even" : "odd";
        });
        auto evenHandlers = newHandlers();
        evenHandlers->add(
            "foo", [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                return "even:" + payload;
            });
        auto oddHandlers = newHandlers();
        oddHandlers->add(
            "foo", [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                return "odd:" + payload;
            });
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("my_server"), serverHandlers, true));
        const QString serverPub = server->address(QStringLiteral("pub_address"));
        QPALM_START(even, rig,
                    pipelineConfig(QStringLiteral("my_pipeline"), serverPub, QStringLiteral("even"),
                                   evenHandlers));
        QPALM_START(odd, rig,
                    pipelineConfig(QStringLiteral("my_pipeline"), serverPub, QStringLiteral("odd"),
                                   oddHandlers));
        // The client listens elsewhere, so our two SUBs are the first subscribers of its topic
        // on each pipeline, and the pipelines hold the replies until they have joined.
        QPALM_CLIENT(client, rig, server, server->address(QStringLiteral("pub_address")));
        // Both pipelines reply to the client's topic on their own PUB; watch both.
        zmq::socket_t fromEven =
            subscriber(even->address(QStringLiteral("pub_address")), client->uuid());
        zmq::socket_t fromOdd =
            subscriber(odd->address(QStringLiteral("pub_address")), client->uuid());

        const int count = 20;
        QVERIFY2(client->job("my_server.foo my_pipeline.foo", numbered(count), 0).has_value(),
                 client->lastError().c_str());
        QStringList expectedEven;
        QStringList expectedOdd;
        for (int i = 0; i < count; ++i) {
            if (i % 2 == 0)
                expectedEven << QStringLiteral("even:%1s").arg(i);
            else
                expectedOdd << QStringLiteral("odd:%1s").arg(i);
        }
        QString problem;
        const QList<Message> gotEven = readMessages(fromEven, count / 2, client->uuid(), &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("even: ") + problem));
        const QList<Message> gotOdd = readMessages(fromOdd, count / 2, client->uuid(), &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("odd: ") + problem));
        QCOMPARE(payloads(gotEven), expectedEven);
        QCOMPARE(payloads(gotOdd), expectedOdd);
        QTRY_COMPARE_WITH_TIMEOUT(even->stats().messagesIn, quint64(count / 2), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(odd->stats().messagesIn, quint64(count / 2), 5000);
        // Nothing leaked across: no extra message on either side.
        QVERIFY(!recvFrames(fromOdd, 100).has_value());
    }

    void sinkFanIn()
    {
        // Two pipelined servers feed one sink through sub_addresses/previous pairs.
        auto h1 = newHandlers();
        h1->add("foo", suffixHandler(" via s1"));
        auto h2 = newHandlers();
        h2->add("foo", suffixHandler(" via s2"));
        auto sinkHandlers = newHandlers();
        sinkHandlers->add(
            "foo", [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                return "and gathered " + payload;
            });
        Rig rig;
        QPALM_START(s1, rig, serverConfig(QStringLiteral("s1"), h1, true));
        QPALM_START(s2, rig, serverConfig(QStringLiteral("s2"), h2, true));
        QPALM_START(sink, rig,
                    sinkConfig(QStringLiteral("my_sink"),
                               {s1->address(QStringLiteral("pub_address")),
                                s2->address(QStringLiteral("pub_address"))},
                               {QStringLiteral("s1"), QStringLiteral("s2")}, sinkHandlers));
        const QString sinkPub = sink->address(QStringLiteral("pub_address"));
        QPALM_CLIENT(c1, rig, s1, sinkPub);
        QPALM_CLIENT(c2, rig, s2, sinkPub);

        const auto r1 = c1->job("s1.foo my_sink.foo", numbered(10), 1);
        QVERIFY2(r1.has_value(), c1->lastError().c_str());
        const auto r2 = c2->job("s2.foo my_sink.foo", numbered(10), 1);
        QVERIFY2(r2.has_value(), c2->lastError().c_str());
        QStringList e1;
        QStringList e2;
        for (int i = 0; i < 10; ++i) {
            e1 << QStringLiteral("and gathered %1 via s1").arg(i);
            e2 << QStringLiteral("and gathered %1 via s2").arg(i);
        }
        QCOMPARE(toQStringList(*r1), e1);
        QCOMPARE(toQStringList(*r2), e2);
        QTRY_COMPARE_WITH_TIMEOUT(sink->stats().messagesIn, quint64(20), 5000);
    }

    void sinkPairsAddressWithTopic()
    {
        // Each SUB of a sink filters its own topic: s1's output is not taken under s2's name.
        auto h = newHandlers();
        h->add("foo", suffixHandler("!"));
        auto sinkHandlers = newHandlers();
        sinkHandlers->add("foo", suffixHandler(" sunk"));
        Rig rig;
        QPALM_START(s1, rig, serverConfig(QStringLiteral("s1"), h, true));
        QPALM_START(s2, rig, serverConfig(QStringLiteral("s2"), h, true));
        // Sink listens to s1's address for topic "s2" and to s2's address for topic "s2".
        QPALM_START(sink, rig,
                    sinkConfig(QStringLiteral("my_sink"),
                               {s1->address(QStringLiteral("pub_address")),
                                s2->address(QStringLiteral("pub_address"))},
                               {QStringLiteral("s2"), QStringLiteral("s2")}, sinkHandlers));
        QPALM_CLIENT(c1, rig, s1, sink->address(QStringLiteral("pub_address")));
        QPALM_CLIENT(c2, rig, s2, sink->address(QStringLiteral("pub_address")));
        const auto lost = c1->job("s1.foo my_sink.foo", {"from s1"}, 0);
        QVERIFY2(lost.has_value(), c1->lastError().c_str());
        QVERIFY(lost->empty()); // sent; the sink must never answer it (checked below)
        QPALM_EVAL(c2, "s2.foo my_sink.foo", "from s2", 1,
                   QStringList{QStringLiteral("from s2! sunk")});
        // s1 published under "s1", which nobody follows: held for the grace time, then dropped.
        QTRY_COMPARE_WITH_TIMEOUT(s1->stats().dropped, quint64(1), 5000);
        QVERIFY2(rig.waitForText(QStringLiteral("no subscriber"), QStringLiteral("s1")),
                 qPrintable(rig.dump()));
        QTRY_COMPARE_WITH_TIMEOUT(sink->stats().messagesIn, quint64(1), 5000);
    }

    void streamAndSink()
    {
        // pylm's stream_sink example: server -> even/odd pipelines (pipelined) -> sink -> client.
        auto serverHandlers = newHandlers();
        serverHandlers->add("foo", suffixHandler(""));
        serverHandlers->setHandleStream([](ServerContext &, Message &message) -> std::string {
            message.stage += 1;
            return std::stoi(message.payload) % 2 == 0 ? "even" : "odd";
        });
        auto evenHandlers = newHandlers();
        evenHandlers->add("foo",
                          [](ServerContext &, const std::string &p) -> std::optional<std::string> {
                              return "even " + p;
                          });
        auto oddHandlers = newHandlers();
        oddHandlers->add("foo",
                         [](ServerContext &, const std::string &p) -> std::optional<std::string> {
                             return "odd " + p;
                         });
        auto sinkHandlers = newHandlers();
        sinkHandlers->add("foo",
                          [](ServerContext &, const std::string &p) -> std::optional<std::string> {
                              return "and gathered " + p;
                          });
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("my_server"), serverHandlers, true));
        const QString serverPub = server->address(QStringLiteral("pub_address"));
        QPALM_START(even, rig,
                    pipelineConfig(QStringLiteral("my_pipeline"), serverPub, QStringLiteral("even"),
                                   evenHandlers, false));
        QPALM_START(odd, rig,
                    pipelineConfig(QStringLiteral("my_pipeline"), serverPub, QStringLiteral("odd"),
                                   oddHandlers, false));
        QPALM_START(sink, rig,
                    sinkConfig(QStringLiteral("my_sink"),
                               {even->address(QStringLiteral("pub_address")),
                                odd->address(QStringLiteral("pub_address"))},
                               {QStringLiteral("my_pipeline"), QStringLiteral("my_pipeline")},
                               sinkHandlers));
        QPALM_CLIENT(client, rig, server, sink->address(QStringLiteral("pub_address")));

        const int count = 20;
        const auto replies =
            client->job("my_server.foo my_pipeline.foo my_sink.foo", numbered(count), 1);
        QVERIFY2(replies.has_value(), client->lastError().c_str());
        QStringList expected;
        for (int i = 0; i < count; ++i)
            expected << QStringLiteral("and gathered %1 %2")
                            .arg(i % 2 == 0 ? QStringLiteral("even") : QStringLiteral("odd"))
                            .arg(i);
        QCOMPARE(sorted(toQStringList(*replies)), sorted(expected));
    }

    void serverToHub()
    {
        // pylm's server_hub example: the hub's workers process the server's pipelined stream.
        auto serverHandlers = newHandlers();
        serverHandlers->add("foo", suffixHandler(" (server)"));
        auto workerHandlers = newHandlers();
        workerHandlers->add("bar", tagHandler());
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("my_server"), serverHandlers, true));
        QPALM_START(hub, rig,
                    hubConfig(QStringLiteral("my_hub"),
                              server->address(QStringLiteral("pub_address")),
                              QStringLiteral("my_server")));
        const QString hubDb = hub->address(QStringLiteral("db_address"));
        QPALM_START(w1, rig, workerConfig(QStringLiteral("hub_worker1"), hubDb, workerHandlers));
        QPALM_START(w2, rig, workerConfig(QStringLiteral("hub_worker2"), hubDb, workerHandlers));
        QPALM_CLIENT(client, rig, server, hub->address(QStringLiteral("pub_address")));

        QMap<QString, int> perWorker;
        const QString problem = spreadOverWorkers(
            *client, "my_server.foo my_hub.bar",
            {QStringLiteral("hub_worker1"), QStringLiteral("hub_worker2")},
            [](const std::string &p) { return p + " (server)"; }, &perWorker);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const quint64 count = quint64(perWorker.value(QStringLiteral("hub_worker1")) +
                                      perWorker.value(QStringLiteral("hub_worker2")));
        QTRY_COMPARE_WITH_TIMEOUT(hub->stats().messagesIn, count, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(w1->stats().messagesOut + w2->stats().messagesOut, count, 5000);
    }

    void masterToPipeline()
    {
        // pylm's master_pipeline example: a pipelined master's stream feeds a pipeline.
        auto workerHandlers = newHandlers();
        workerHandlers->add("foo", suffixHandler(" (worker)"));
        auto pipelineHandlers = newHandlers();
        pipelineHandlers->add("bar", suffixHandler(" (pipeline)"));
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("my_master"), {}, true));
        const QString db = master->address(QStringLiteral("db_address"));
        QPALM_START(w1, rig, workerConfig(QStringLiteral("mw1"), db, workerHandlers));
        QPALM_START(w2, rig, workerConfig(QStringLiteral("mw2"), db, workerHandlers));
        Q_UNUSED(w1);
        Q_UNUSED(w2);
        QPALM_START(pipe, rig,
                    pipelineConfig(QStringLiteral("my_pipeline"),
                                   master->address(QStringLiteral("pub_address")),
                                   QStringLiteral("my_master"), pipelineHandlers));
        QPALM_CLIENT(client, rig, master, pipe->address(QStringLiteral("pub_address")));
        zmq::socket_t tap = subscriber(master->address(QStringLiteral("pub_address")), "my_master");
        QVERIFY2(primeTap(*client, "my_master.foo my_pipeline.bar", tap),
                 client->lastError().c_str());

        QPALM_EVAL(client, "my_master.foo my_pipeline.bar", "m", 1,
                   QStringList{QStringLiteral("m (worker) (pipeline)")});
        QString problem;
        const QList<Message> tapped = readMessages(tap, 1, "my_master", &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(tapped.first().stage, std::int64_t(1));

        const auto replies = client->job("my_master.foo my_pipeline.bar", numbered(50), 1);
        QVERIFY2(replies.has_value(), client->lastError().c_str());
        QStringList expected;
        for (int i = 0; i < 50; ++i)
            expected << QStringLiteral("%1 (worker) (pipeline)").arg(i);
        QCOMPARE(sorted(toQStringList(*replies)), sorted(expected));
    }

    void hubPipelined()
    {
        // A pipelined hub publishes under its own name with the stage incremented.
        auto serverHandlers = newHandlers();
        serverHandlers->add("foo", suffixHandler("|server"));
        auto workerHandlers = newHandlers();
        workerHandlers->add("bar", suffixHandler("|hub"));
        auto pipelineHandlers = newHandlers();
        pipelineHandlers->add("baz", suffixHandler("|pipeline"));
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("my_server"), serverHandlers, true));
        QPALM_START(hub, rig,
                    hubConfig(QStringLiteral("my_hub"),
                              server->address(QStringLiteral("pub_address")),
                              QStringLiteral("my_server"), {}, true));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("hw"), hub->address(QStringLiteral("db_address")),
                                 workerHandlers));
        Q_UNUSED(worker);
        QPALM_START(pipe, rig,
                    pipelineConfig(QStringLiteral("my_pipeline"),
                                   hub->address(QStringLiteral("pub_address")),
                                   QStringLiteral("my_hub"), pipelineHandlers));
        QPALM_CLIENT(client, rig, server, pipe->address(QStringLiteral("pub_address")));
        QPALM_EVAL(client, "my_server.foo my_hub.bar my_pipeline.baz", "x", 1,
                   QStringList{QStringLiteral("x|server|hub|pipeline")});
    }
};

QTEST_GUILESS_MAIN(TestPipelines)
#include "tst_pipelines.moc"
