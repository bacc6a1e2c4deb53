// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// pylm's single-stage examples, natively: single server, parallel master + workers, scatter,
// gather, logging, error and a worker with several results per message.

#include "enginetest.h"

#include <QSet>

#include <atomic>

using namespace qpalm;
using namespace qpalm::test;

class TestTopologies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<qpalm::LogLevel>();
        qRegisterMetaType<qpalm::ServerStats>();
    }

    void singleServer()
    {
        auto handlers = newHandlers();
        handlers->add(
            "foo", [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                return "you sent me " + payload;
            });
        handlers->add(
            "reverse",
            [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                return std::string(payload.rbegin(), payload.rend());
            });
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("my_server"), handlers));
        QPALM_CLIENT(client, rig, server, QString());

        QPALM_EVAL(client, "my_server.foo", "a message", 1,
                   QStringList{QStringLiteral("you sent me a message")});
        QPALM_EVAL(client, "my_server.reverse", "abc", 1, QStringList{QStringLiteral("cba")});
        // Binary payloads pass untouched.
        const std::string binary("\x00\xff\x01\x00", 4);
        const auto reply = client->eval("my_server.reverse", binary);
        QVERIFY2(reply.has_value(), client->lastError().c_str());
        QCOMPARE(reply->front(), std::string("\x00\x01\xff\x00", 4));

        // A job: every payload answered once, in order (one server, one PUB, one SUB).
        std::vector<std::string> payloads;
        QStringList expected;
        for (int i = 0; i < 100; ++i) {
            payloads.push_back("m" + std::to_string(i));
            expected << QStringLiteral("you sent me m%1").arg(i);
        }
        const auto replies = client->job("my_server.foo", payloads, 1);
        QVERIFY2(replies.has_value(), client->lastError().c_str());
        QCOMPARE(toQStringList(*replies), expected);

        QTRY_VERIFY_WITH_TIMEOUT(
            server->stats().messagesIn >= 103 && server->stats().messagesOut >= 103, 5000);
    }

    void twoClientsGetOwnReplies()
    {
        Rig rig;
        auto handlers = newHandlers();
        handlers->add("echo", suffixHandler(""));
        QPALM_START(server, rig, serverConfig(QStringLiteral("shared"), handlers));
        QPALM_CLIENT(first, rig, server, QString());
        QPALM_CLIENT(second, rig, server, QString());
        QVERIFY(first->uuid() != second->uuid());
        QPALM_EVAL(first, "shared.echo", "for first", 1, QStringList{QStringLiteral("for first")});
        QPALM_EVAL(second, "shared.echo", "for second", 1,
                   QStringList{QStringLiteral("for second")});
        QPALM_EVAL(first, "shared.echo", "first again", 1,
                   QStringList{QStringLiteral("first again")});
    }

    void parallel()
    {
        // Master + 2 workers: replies are tagged with the worker that made them.
        auto workerHandlers = newHandlers();
        workerHandlers->add(
            "foo",
            [](ServerContext &context, const std::string &payload) -> std::optional<std::string> {
                return context.serverName().toStdString() + ":" + payload;
            });
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("parallel_master")));
        const QString db = master->address(QStringLiteral("db_address"));
        QPALM_START(worker1, rig, workerConfig(QStringLiteral("worker1"), db, workerHandlers));
        QPALM_START(worker2, rig, workerConfig(QStringLiteral("worker2"), db, workerHandlers));
        QPALM_CLIENT(client, rig, master, QString());

        QMap<QString, int> perWorker;
        const QString problem = spreadOverWorkers(
            *client, "parallel_master.foo", {QStringLiteral("worker1"), QStringLiteral("worker2")},
            [](const std::string &p) { return p; }, &perWorker);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const int total =
            perWorker.value(QStringLiteral("worker1")) + perWorker.value(QStringLiteral("worker2"));

        // Each worker's own stats agree with what it tagged.
        QTRY_COMPARE_WITH_TIMEOUT(worker1->stats().messagesOut,
                                  quint64(perWorker.value(QStringLiteral("worker1"))), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(worker2->stats().messagesOut,
                                  quint64(perWorker.value(QStringLiteral("worker2"))), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(master->stats().toWorkers, quint64(total), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(master->stats().fromWorkers, quint64(total), 5000);
        QCOMPARE(master->stats().inFlight, qint64(0));
    }

    void scatter()
    {
        // pylm's scatter example: the master yields each message three times.
        auto masterHandlers = newHandlers();
        masterHandlers->setScatter(
            [](ServerContext &, Message &&message, std::vector<Message> &out) {
                for (int i = 0; i < 3; ++i) {
                    Message copy = message;
                    copy.payload += "#" + std::to_string(i);
                    out.push_back(std::move(copy));
                }
            });
        auto workerHandlers = newHandlers();
        workerHandlers->add("foo", suffixHandler("!"));
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("scatter_master"), masterHandlers));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("scatter_worker"),
                                 master->address(QStringLiteral("db_address")), workerHandlers));
        Q_UNUSED(worker);
        QPALM_CLIENT(client, rig, master, QString());

        QPALM_EVAL(
            client, "scatter_master.foo", "x", 3,
            (QStringList{QStringLiteral("x#0!"), QStringLiteral("x#1!"), QStringLiteral("x#2!")}));

        std::vector<std::string> payloads{"a", "b", "c", "d", "e"};
        const auto replies = client->job("scatter_master.foo", payloads, 3);
        QVERIFY2(replies.has_value(), client->lastError().c_str());
        QStringList got = toQStringList(*replies);
        got.sort();
        QStringList expected;
        for (const char *p : {"a", "b", "c", "d", "e"})
            for (int i = 0; i < 3; ++i)
                expected << QStringLiteral("%1#%2!").arg(QLatin1String(p)).arg(i);
        QCOMPARE(got, expected);
        QTRY_COMPARE_WITH_TIMEOUT(master->stats().toWorkers, quint64(18), 5000);
    }

    void scatterToNothing()
    {
        // A scatter that yields nothing sends nothing to the workers.
        auto masterHandlers = newHandlers();
        masterHandlers->setScatter(
            [](ServerContext &, Message &&message, std::vector<Message> &out) {
                if (message.payload != "skip")
                    out.push_back(std::move(message));
            });
        auto workerHandlers = newHandlers();
        workerHandlers->add("foo", suffixHandler("!"));
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("skip_master"), masterHandlers));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("skip_worker"),
                                 master->address(QStringLiteral("db_address")), workerHandlers));
        Q_UNUSED(worker);
        QPALM_CLIENT(client, rig, master, QString());
        // No reply may come for these: the next eval's first reply must be its own.
        const auto replies = client->job("skip_master.foo", {"skip", "skip", "skip"}, 0);
        Q_UNUSED(replies);
        QPALM_EVAL(client, "skip_master.foo", "last", 1, QStringList{QStringLiteral("last!")});
        QTRY_COMPARE_WITH_TIMEOUT(master->stats().messagesIn, quint64(4), 5000);
        QCOMPARE(master->stats().toWorkers, quint64(1));
    }

    void gather()
    {
        // pylm's gather example: scatter x3, the gather counts and rewrites the 30th message.
        auto counter = std::make_shared<std::atomic<int>>(0);
        auto masterHandlers = newHandlers();
        masterHandlers->setScatter(
            [](ServerContext &, Message &&message, std::vector<Message> &out) {
                for (int i = 0; i < 3; ++i)
                    out.push_back(message);
            });
        masterHandlers->setGather(
            [counter](ServerContext &, Message &&message, std::vector<Message> &out) {
                if (++*counter == 30)
                    message.payload = "final message";
                out.push_back(std::move(message));
            });
        auto workerHandlers = newHandlers();
        workerHandlers->add(
            "foo", [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                return "processed " + payload;
            });
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("gather_master"), masterHandlers));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("gather_worker"),
                                 master->address(QStringLiteral("db_address")), workerHandlers));
        Q_UNUSED(worker);
        QPALM_CLIENT(client, rig, master, QString());

        std::vector<std::string> payloads(10, "a message");
        const auto replies = client->job("gather_master.foo", payloads, 3);
        QVERIFY2(replies.has_value(), client->lastError().c_str());
        QCOMPARE(replies->size(), std::size_t(30));
        QCOMPARE(replies->back(), std::string("final message"));
        QCOMPARE(std::count(replies->begin(), replies->end(), std::string("final message")), 1);
        QCOMPARE(std::count(replies->begin(), replies->end(), std::string("processed a message")),
                 29);
        QCOMPARE(counter->load(), 30);
    }

    void gatherDropsAndMultiplies()
    {
        // gather may drop a message (0 out) or multiply it (n out).
        auto masterHandlers = newHandlers();
        masterHandlers->setGather(
            [](ServerContext &, Message &&message, std::vector<Message> &out) {
                if (message.payload == "drop")
                    return;
                if (message.payload == "twice")
                    out.push_back(message);
                out.push_back(std::move(message));
            });
        auto workerHandlers = newHandlers();
        workerHandlers->add("id", suffixHandler(""));
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("gather2"), masterHandlers));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("gather2_worker"),
                                 master->address(QStringLiteral("db_address")), workerHandlers));
        Q_UNUSED(worker);
        QPALM_CLIENT(client, rig, master, QString());
        QPALM_EVAL(client, "gather2.id", "twice", 2,
                   (QStringList{QStringLiteral("twice"), QStringLiteral("twice")}));
        const auto none = client->job("gather2.id", {"drop"}, 0);
        Q_UNUSED(none);
        QPALM_EVAL(client, "gather2.id", "after", 1, QStringList{QStringLiteral("after")});
    }

    void multiResultWorker()
    {
        // pylm's MuxWorker: one message in, one message out per result.
        auto workerHandlers = newHandlers();
        workerHandlers->addMulti("split", [](ServerContext &, const std::string &payload,
                                             std::vector<std::string> &results) {
            std::size_t start = 0;
            while (true) {
                const std::size_t comma = payload.find(',', start);
                results.push_back(payload.substr(start, comma - start));
                if (comma == std::string::npos)
                    break;
                start = comma + 1;
            }
        });
        workerHandlers->addMulti(
            "nothing", [](ServerContext &, const std::string &, std::vector<std::string> &) {});
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("mux_master")));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("mux_worker"),
                                 master->address(QStringLiteral("db_address")), workerHandlers));
        QPALM_CLIENT(client, rig, master, QString());
        QPALM_EVAL(client, "mux_master.split", "a,b,c,d", 4,
                   (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                QStringLiteral("d")}));
        QPALM_EVAL(client, "mux_master.split", "single", 1, QStringList{QStringLiteral("single")});
        const auto none = client->job("mux_master.nothing", {"x"}, 0);
        Q_UNUSED(none);
        QPALM_EVAL(client, "mux_master.split", "y,z", 2,
                   (QStringList{QStringLiteral("y"), QStringLiteral("z")}));
        QTRY_COMPARE_WITH_TIMEOUT(worker->stats().messagesOut, quint64(7), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(master->stats().fromWorkers, quint64(7), 5000);
    }

    void loggingLevels()
    {
        // pylm's logging example: the handler logs at every level; the server's level filters.
        auto handlers = newHandlers();
        handlers->add(
            "foo",
            [](ServerContext &context, const std::string &payload) -> std::optional<std::string> {
                const QString tag = QString::fromStdString(payload);
                context.logger().debug(QStringLiteral("dbg-") + tag);
                context.logger().info(QStringLiteral("inf-") + tag);
                context.logger().warning(QStringLiteral("wrn-") + tag);
                context.logger().error(QStringLiteral("err-") + tag);
                context.logger().critical(QStringLiteral("crit-") + tag);
                return payload;
            });
        Rig rig;
        ServerConfig config = serverConfig(QStringLiteral("log_server"), handlers);
        config.logLevel = LogLevel::Warning;
        QPALM_START(server, rig, config);
        QCOMPARE(server->logLevel(), LogLevel::Warning);
        QPALM_CLIENT(client, rig, server, QString());

        auto texts = [&](const QString &tag) {
            QStringList out;
            for (const LogRecord &record : rig.records(QStringLiteral("log_server"))) {
                if (record.text.endsWith(u'-' + tag))
                    out << record.text;
            }
            return out;
        };

        QPALM_EVAL(client, "log_server.foo", "1", 1, QStringList{QStringLiteral("1")});
        QVERIFY2(rig.waitForText(QStringLiteral("crit-1")), qPrintable(rig.dump()));
        QCOMPARE(texts(QStringLiteral("1")),
                 (QStringList{QStringLiteral("wrn-1"), QStringLiteral("err-1"),
                              QStringLiteral("crit-1")}));
        // Nothing below WARNING left the server at all, engine records included.
        for (const LogRecord &record : rig.records(QStringLiteral("log_server")))
            QVERIFY2(record.level >= LogLevel::Warning, qPrintable(formatPylmLine(record)));
        // Levels arrive intact.
        const QList<LogRecord> err = rig.find(QStringLiteral("err-1"));
        QCOMPARE(err.size(), 1);
        QCOMPARE(err.first().level, LogLevel::Error);
        QCOMPARE(err.first().server, QStringLiteral("log_server"));

        QSignalSpy levelSpy(server, &ServerHandle::logLevelChanged);
        server->setLogLevel(LogLevel::Debug);
        QTRY_COMPARE_WITH_TIMEOUT(levelSpy.count(), 1, 3000);
        QCOMPARE(levelSpy.first().first().value<LogLevel>(), LogLevel::Debug);
        QCOMPARE(server->logLevel(), LogLevel::Debug);
        QPALM_EVAL(client, "log_server.foo", "2", 1, QStringList{QStringLiteral("2")});
        QVERIFY2(rig.waitForText(QStringLiteral("crit-2")), qPrintable(rig.dump()));
        QCOMPARE(
            texts(QStringLiteral("2")),
            (QStringList{QStringLiteral("dbg-2"), QStringLiteral("inf-2"), QStringLiteral("wrn-2"),
                         QStringLiteral("err-2"), QStringLiteral("crit-2")}));

        server->setLogLevel(LogLevel::Critical);
        QTRY_COMPARE_WITH_TIMEOUT(levelSpy.count(), 2, 3000);
        QPALM_EVAL(client, "log_server.foo", "3", 1, QStringList{QStringLiteral("3")});
        QVERIFY2(rig.waitForText(QStringLiteral("crit-3")), qPrintable(rig.dump()));
        QCOMPARE(texts(QStringLiteral("3")), QStringList{QStringLiteral("crit-3")});

        // Sequence numbers increase without gaps.
        const QList<LogRecord> all = rig.records(QStringLiteral("log_server"));
        for (qsizetype i = 1; i < all.size(); ++i)
            QCOMPARE(all.at(i).sequence, all.at(i - 1).sequence + 1);
    }

    void workerLogging()
    {
        // The same filter applies to a worker's own logger.
        auto workerHandlers = newHandlers();
        workerHandlers->add(
            "foo",
            [](ServerContext &context, const std::string &payload) -> std::optional<std::string> {
                context.logger().info(QStringLiteral("worker info ") +
                                      QString::fromStdString(payload));
                context.logger().warning(QStringLiteral("worker warning ") +
                                         QString::fromStdString(payload));
                return payload;
            });
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("log_master")));
        ServerConfig config =
            workerConfig(QStringLiteral("log_worker"),
                         master->address(QStringLiteral("db_address")), workerHandlers);
        config.logLevel = LogLevel::Warning;
        QPALM_START(worker, rig, config);
        QPALM_CLIENT(client, rig, master, QString());
        QPALM_EVAL(client, "log_master.foo", "w1", 1, QStringList{QStringLiteral("w1")});
        QVERIFY2(rig.waitForText(QStringLiteral("worker warning w1"), QStringLiteral("log_worker")),
                 qPrintable(rig.dump()));
        QVERIFY(rig.find(QStringLiteral("worker info w1")).isEmpty());
        QSignalSpy levelSpy(worker, &ServerHandle::logLevelChanged);
        worker->setLogLevel(LogLevel::Info);
        QTRY_COMPARE_WITH_TIMEOUT(levelSpy.count(), 1, 3000);
        QCOMPARE(worker->logLevel(), LogLevel::Info);
        QPALM_EVAL(client, "log_master.foo", "w2", 1, QStringList{QStringLiteral("w2")});
        QVERIFY2(rig.waitForText(QStringLiteral("worker warning w2"), QStringLiteral("log_worker")),
                 qPrintable(rig.dump()));
        QCOMPARE(rig.find(QStringLiteral("worker info w2")).size(), 1);
    }

    void handlerError()
    {
        // pylm's error example: the handler raises; the error is logged once and "0" is still
        // published.
        auto handlers = newHandlers();
        handlers->add(
            "foo",
            [](ServerContext &context, const std::string &payload) -> std::optional<std::string> {
                if (payload == "raise")
                    throw std::runtime_error("boom 42");
                context.logger().warning(QStringLiteral("served ") +
                                         QString::fromStdString(payload));
                return "ok " + payload;
            });
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("error_server"), handlers));
        QPALM_CLIENT(client, rig, server, QString());

        QPALM_EVAL(client, "error_server.foo", "raise", 1, QStringList{QStringLiteral("0")});
        QPALM_EVAL(client, "error_server.foo", "next", 1, QStringList{QStringLiteral("ok next")});
        QVERIFY2(rig.waitForText(QStringLiteral("served next")), qPrintable(rig.dump()));

        QList<LogRecord> errors;
        for (const LogRecord &record : rig.records(QStringLiteral("error_server"))) {
            if (record.level >= LogLevel::Error)
                errors << record;
        }
        QVERIFY2(errors.size() == 1, qPrintable(rig.dump()));
        const LogRecord &error = errors.first();
        QCOMPARE(error.level, LogLevel::Error);
        QVERIFY2(error.text.contains(QStringLiteral("User function gave an error")),
                 qPrintable(error.text));
        const QString detail = error.text + u'\n' + error.traceback;
        QVERIFY2(detail.contains(QStringLiteral("std::runtime_error: boom 42")),
                 qPrintable(detail));
        QVERIFY2(error.traceback.contains(QStringLiteral("foo")),
                 qPrintable(error.traceback)); // which handler
        // pylm's printed form: the line, then the traceback.
        QVERIFY(formatPylmLine(error).contains(
            QStringLiteral(" - error_server - ERROR - User function gave an error")));
        QTRY_VERIFY_WITH_TIMEOUT(server->stats().errors >= 1, 5000);
    }

    void handlerErrorNonStdException()
    {
        auto handlers = newHandlers();
        handlers->add(
            "foo", [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                if (payload == "int")
                    throw 7;
                return payload;
            });
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("error2"), handlers));
        QPALM_CLIENT(client, rig, server, QString());
        QPALM_EVAL(client, "error2.foo", "int", 1, QStringList{QStringLiteral("0")});
        QPALM_EVAL(client, "error2.foo", "fine", 1, QStringList{QStringLiteral("fine")});
        QVERIFY2(rig.waitForRecord([](const LogRecord &record) {
            return record.level == LogLevel::Error &&
                   record.text.contains(QStringLiteral("User function gave an error")) &&
                   record.traceback.contains(QStringLiteral("int"));
        }),
                 qPrintable(rig.dump()));
    }

    void fanOutErrors()
    {
        // scatter, gather and handle_stream raising: logged as user errors, answered with payload
        // 0, and the server goes on.
        auto masterHandlers = newHandlers();
        masterHandlers->setScatter(
            [](ServerContext &, Message &&message, std::vector<Message> &out) {
                if (message.payload == "bad scatter")
                    throw std::runtime_error("scatter failed");
                out.push_back(std::move(message));
            });
        masterHandlers->setGather(
            [](ServerContext &, Message &&message, std::vector<Message> &out) {
                if (message.payload == "bad gather!")
                    throw std::logic_error("gather failed");
                out.push_back(std::move(message));
            });
        auto workerHandlers = newHandlers();
        workerHandlers->add("foo", suffixHandler("!"));
        auto serverHandlers = newHandlers();
        serverHandlers->add("foo", suffixHandler("?"));
        serverHandlers->setHandleStream([](ServerContext &, Message &message) -> std::string {
            if (message.payload == "bad stream?")
                throw std::out_of_range("stream failed");
            return message.client;
        });
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("fan_master"), masterHandlers));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("fan_worker"),
                                 master->address(QStringLiteral("db_address")), workerHandlers));
        Q_UNUSED(worker);
        QPALM_START(server, rig, serverConfig(QStringLiteral("fan_server"), serverHandlers));
        QPALM_CLIENT(masterClient, rig, master, QString());
        QPALM_CLIENT(serverClient, rig, server, QString());

        // Each is answered with payload 0, as a handler error is (issue 9).
        const auto failed = masterClient->job("fan_master.foo", {"bad scatter", "bad gather"}, 1);
        QVERIFY2(failed.has_value(), masterClient->lastError().c_str());
        QCOMPARE(toQStringList(*failed), (QStringList{QStringLiteral("0"), QStringLiteral("0")}));
        QPALM_EVAL(masterClient, "fan_master.foo", "good", 1, QStringList{QStringLiteral("good!")});
        QPALM_EVAL(serverClient, "fan_server.foo", "bad stream", 1,
                   QStringList{QStringLiteral("0")});
        QPALM_EVAL(serverClient, "fan_server.foo", "good", 1, QStringList{QStringLiteral("good?")});

        // Each record carries the message its function was given, and which function that was,
        // for Replay.
        struct Expected
        {
            const char *text;
            const char *payload;
            FailedCall call;
        };
        const Expected expected[] = {{"scatter failed", "bad scatter", FailedCall::Scatter},
                                     {"gather failed", "bad gather!", FailedCall::Gather},
                                     {"stream failed", "bad stream?", FailedCall::HandleStream}};
        for (const Expected &e : expected) {
            QVERIFY2(rig.waitForRecord([e](const LogRecord &record) {
                return record.level == LogLevel::Error &&
                       record.text.contains(QStringLiteral("User function gave an error")) &&
                       record.traceback.contains(QLatin1String(e.text)) && record.message &&
                       record.message->payload == e.payload && record.failedCall == e.call;
            }),
                     qPrintable(QLatin1String(e.text) + u'\n' + rig.dump()));
        }
    }

    void workerError()
    {
        // A worker's error: logged by the worker, "0" goes back through the master.
        auto workerHandlers = newHandlers();
        workerHandlers->add(
            "foo", [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                if (payload == "raise")
                    throw std::invalid_argument("bad worker input");
                return "ok " + payload;
            });
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("werr_master")));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("werr_worker"),
                                 master->address(QStringLiteral("db_address")), workerHandlers));
        QPALM_CLIENT(client, rig, master, QString());
        QPALM_EVAL(client, "werr_master.foo", "raise", 1, QStringList{QStringLiteral("0")});
        QPALM_EVAL(client, "werr_master.foo", "fine", 1, QStringList{QStringLiteral("ok fine")});
        QVERIFY2(rig.waitForRecord([](const LogRecord &record) {
            return record.server == QStringLiteral("werr_worker") &&
                   record.level == LogLevel::Error &&
                   record.text.contains(QStringLiteral("User function gave an error")) &&
                   (record.text + record.traceback).contains(QStringLiteral("bad worker input")) &&
                   record.failedCall == FailedCall::Handler && record.message &&
                   record.message->payload == "raise";
        }),
                 qPrintable(rig.dump()));
        QTRY_VERIFY_WITH_TIMEOUT(worker->stats().errors >= 1, 5000);
    }
};

QTEST_GUILESS_MAIN(TestTopologies)
#include "tst_topologies.moc"
