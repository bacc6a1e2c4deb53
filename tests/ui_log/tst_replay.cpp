// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Replay from the error inbox on real servers: the error record keeps the message that failed
// (function, stage, cache, payload); Replay sends it again through the current script, so the
// same input fails before the fix and gets the right answer after reloadScript.
#include "errorinbox.h"
#include "message.h"
#include "replayrunner.h"

#include "client.h"
#include "cluster.h"
#include "serverconfig.h"
#include "serverhandle.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace qpalm;

namespace {

const QString AnyPort = QStringLiteral("tcp://127.0.0.1:*");

const char *kBrokenHandler = "function foo(payload)\n"
                             "    if payload == 'boom' then\n"
                             "        return missing .. payload\n"
                             "    end\n"
                             "    return 'ok ' .. payload\n"
                             "end\n";

ServerConfig luaServer(const QString &name, ServerKind kind, const QByteArray &script)
{
    ServerConfig c;
    c.kind = kind;
    c.name = name;
    c.dbAddress = AnyPort;
    if (kind != ServerKind::Worker) {
        c.pullAddress = AnyPort;
        c.pubAddress = AnyPort;
    }
    if (kind == ServerKind::Master) {
        c.workerPullAddress = AnyPort;
        c.workerPushAddress = AnyPort;
    }
    c.script = {name + QStringLiteral(".lua"), script, {}};
    c.logLevel = LogLevel::Info;
    return c;
}

bool waitRunning(ServerHandle *server)
{
    QSignalSpy started(server, &ServerHandle::started);
    server->start();
    return server->state() == ServerHandle::State::Running || started.wait(10000);
}

bool reload(ServerHandle *server, const QByteArray &script)
{
    QSignalSpy done(server, &ServerHandle::scriptReloaded);
    server->reloadScript({server->name() + QStringLiteral(".lua"), script, {}});
    return done.wait(5000);
}

// Replays the inbox's only group; the replies (or an empty list when it failed).
QByteArrayList replayOnlyGroup(ErrorInbox &inbox, QString *error)
{
    inbox.selectGroup(0);
    QSignalSpy finished(&inbox, &ErrorInbox::replayFinished);
    if (!inbox.replaySelected()) {
        *error = inbox.replayResultText();
        return {};
    }
    if (!finished.wait(10000)) {
        *error = QStringLiteral("no answer");
        return {};
    }
    *error = finished.first().at(2).toString();
    return finished.first().at(1).value<QByteArrayList>();
}

} // namespace

class TestReplay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void handlerErrorKeepsMessageAndReplaysAfterFix();
    void workerErrorReplaysThroughItsMaster();
    void refusesWithoutARunningServer();
};

void TestReplay::handlerErrorKeepsMessageAndReplaysAfterFix()
{
    Cluster cluster;
    ServerHandle *srv =
        cluster.addServer(luaServer(QStringLiteral("srv"), ServerKind::Server, kBrokenHandler));
    QVERIFY(waitRunning(srv));
    ErrorInbox inbox;
    inbox.setCluster(&cluster);
    connect(srv, &ServerHandle::recordsLogged, &inbox, &ErrorInbox::appendRecords);

    Client::Options options{"srv", srv->address(QStringLiteral("db_address")).toStdString()};
    Client client(options);
    QVERIFY2(client.connect(), client.lastError().c_str());
    const auto first = client.eval("srv.foo", "boom", 1, "my-cache-key");
    QVERIFY(first);
    QCOMPARE(first->front(), std::string("0"));

    // The error record carries the message as it failed.
    QTRY_COMPARE_WITH_TIMEOUT(inbox.model()->rowCount(), 1, 5000);
    const ErrorInboxModel::Group &g = inbox.model()->group(0);
    QVERIFY(g.failedMessage);
    QCOMPARE(g.failedMessage->function, std::string("srv.foo"));
    QCOMPARE(g.failedMessage->payload, std::string("boom"));
    QCOMPARE(g.failedMessage->cache, std::string("my-cache-key"));
    QCOMPARE(g.failedMessage->stage, 0);
    QCOMPARE(g.messageServer, QStringLiteral("srv"));
    inbox.selectGroup(0);
    QVERIFY(inbox.replayButton()->isEnabled());
    QVERIFY(inbox.model()
                ->index(0, 0)
                .data(ErrorInboxModel::MessageSummaryRole)
                .toString()
                .contains(QStringLiteral("payload (4 bytes): boom")));

    // Before the fix the replay fails the same way (and logs a second occurrence).
    QString error;
    QByteArrayList replies = replayOnlyGroup(inbox, &error);
    QCOMPARE(replies, QByteArrayList{"0"});
    QVERIFY(inbox.replayResultText().contains(QStringLiteral("failed again")));
    QTRY_COMPARE_WITH_TIMEOUT(inbox.model()->group(0).count, 2, 5000);

    // Fix the script live; the exact input that failed now gets the right answer.
    QByteArray fixed(kBrokenHandler);
    fixed.replace("missing .. payload", "'fixed ' .. payload");
    QVERIFY(reload(srv, fixed));
    replies = replayOnlyGroup(inbox, &error);
    QVERIFY2(!replies.isEmpty(), qPrintable(error));
    QCOMPARE(replies, QByteArrayList{"fixed boom"});
    QVERIFY2(inbox.replayResultText().contains(QStringLiteral("fixed boom")),
             qPrintable(inbox.replayResultText()));
    const QString shots = qEnvironmentVariable("QPALM_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
        inbox.resize(900, 520);
        inbox.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inbox));
        QTest::qWait(200);
        QVERIFY(inbox.grab().save(shots + QStringLiteral("/replay.png")));
    }
    cluster.stopAll();
    QTRY_VERIFY_WITH_TIMEOUT(srv->state() == ServerHandle::State::Stopped, 5000);
}

void TestReplay::workerErrorReplaysThroughItsMaster()
{
    Cluster cluster;
    ServerHandle *master = cluster.addServer(
        luaServer(QStringLiteral("boss"), ServerKind::Master, "-- scatter passes through\n"));
    QVERIFY(waitRunning(master));
    ServerConfig w = luaServer(QStringLiteral("hand"), ServerKind::Worker, kBrokenHandler);
    w.dbAddress = master->address(QStringLiteral("db_address"));
    ServerHandle *worker = cluster.addServer(w);
    QVERIFY(waitRunning(worker));
    ErrorInbox inbox;
    inbox.setCluster(&cluster);
    connect(worker, &ServerHandle::recordsLogged, &inbox, &ErrorInbox::appendRecords);
    connect(master, &ServerHandle::recordsLogged, &inbox, &ErrorInbox::appendRecords);

    QString why;
    const ReplayTarget target = replayTargetFor(&cluster, QStringLiteral("hand"), &why);
    QCOMPARE(target.serverName, QStringLiteral("boss"));
    QCOMPARE(target.dbAddress, master->address(QStringLiteral("db_address")));

    Client client({"boss", master->address(QStringLiteral("db_address")).toStdString()});
    QVERIFY2(client.connect(), client.lastError().c_str());
    const auto first = client.eval("boss.foo", "boom");
    QVERIFY(first);
    QCOMPARE(first->front(), std::string("0"));
    QTRY_COMPARE_WITH_TIMEOUT(inbox.model()->rowCount(), 1, 5000);
    QCOMPARE(inbox.model()->group(0).messageServer, QStringLiteral("hand"));
    QCOMPARE(inbox.model()->group(0).failedMessage->function, std::string("boss.foo"));

    QByteArray fixed(kBrokenHandler);
    fixed.replace("missing .. payload", "'mended ' .. payload");
    QVERIFY(reload(worker, fixed));
    QString error;
    const QByteArrayList replies = replayOnlyGroup(inbox, &error);
    QCOMPARE(replies, QByteArrayList{"mended boom"});
    cluster.stopAll();
    QTRY_VERIFY_WITH_TIMEOUT(master->state() == ServerHandle::State::Stopped, 5000);
}

void TestReplay::refusesWithoutARunningServer()
{
    Cluster cluster;
    ServerHandle *srv =
        cluster.addServer(luaServer(QStringLiteral("idle"), ServerKind::Server, kBrokenHandler));
    ErrorInbox inbox;
    inbox.setCluster(&cluster);
    LogRecord r;
    r.server = QStringLiteral("idle");
    r.level = LogLevel::Error;
    r.text = QStringLiteral("User function gave an error");
    r.traceback = QStringLiteral("idle.lua:3: boom");
    auto m = std::make_shared<Message>();
    m->function = "idle.foo";
    m->payload = "boom";
    r.message = m;
    r.messagePayloadBytes = 4;
    inbox.appendRecords({r});
    QString error;
    QVERIFY(replayOnlyGroup(inbox, &error).isEmpty());
    QVERIFY2(error.contains(QStringLiteral("not running")), qPrintable(error));
    QCOMPARE(srv->state(), ServerHandle::State::Stopped);

    // A payload cut at the cap is not replayed as if it were whole.
    r.messagePayloadBytes = kMaxAttachedPayloadBytes + 10;
    r.traceback = QStringLiteral("idle.lua:3: other");
    inbox.clear();
    inbox.appendRecords({r});
    QVERIFY(replayOnlyGroup(inbox, &error).isEmpty());
    QVERIFY2(error.contains(QStringLiteral("cannot be replayed")), qPrintable(error));
}

QTEST_MAIN(TestReplay)
#include "tst_replay.moc"
