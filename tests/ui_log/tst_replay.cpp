// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Replay from the error inbox on real servers: the error record keeps the message that failed
// (function, stage, cache, payload) and which function failed on it. A handler error's message is
// sent again through the current script; a gather or handle_stream error's input is run through
// that function inside its server (the exact input that failed, through nothing else). So the
// same input fails before the fix and gets the right answer after reloadScript. Where that cannot
// be done (a master in a child process) Replay is off and says why.
#include "errorinbox.h"
#include "message.h"
#include "replayrunner.h"

#include "callreplayresult.h"
#include "client.h"
#include "cluster.h"
#include "serverconfig.h"
#include "serverhandle.h"

#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "tracebackview.h"

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

// Workers prefix their input; the master's gather fails on one result ('w:poison').
const char *kWorker = "function work(p)\n    return 'w:' .. p\nend\n";
const char *kBrokenGather = "function gather(message)\n"
                            "    if message.payload == 'w:poison' then\n"
                            "        error('cannot gather ' .. message.payload)\n"
                            "    end\n"
                            "    yield(self.change_payload(message, 'g1:' .. message.payload))\n"
                            "end\n";
const char *kFixedGather = "function gather(message)\n"
                           "    local input = message.payload\n"
                           "    yield(self.change_payload(message, 'g2:' .. input))\n"
                           "    if input == 'w:poison' then\n"
                           "        yield(self.change_payload(message, 'g2 again'))\n"
                           "    end\n"
                           "end\n";

QString tracebackText(ErrorInbox &inbox)
{
    QStringList lines;
    for (int i = 0; i < inbox.tracebackView()->count(); ++i)
        lines << inbox.tracebackView()->item(i)->text();
    return lines.join(u'\n');
}

// Under QPALM_SCREENSHOT_DIR (tests/ui/screenshot.sh): widget shown at size, saved there as name.
bool saveScreenshot(QWidget &widget, QSize size, const QString &name)
{
    const QString shots = qEnvironmentVariable("QPALM_SCREENSHOT_DIR");
    if (shots.isEmpty())
        return true;
    widget.resize(size);
    widget.show();
    if (!QTest::qWaitForWindowExposed(&widget))
        return false;
    QTest::qWait(200);
    return widget.grab().save(shots + u'/' + name);
}

} // namespace

class TestReplay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void handlerErrorKeepsMessageAndReplaysAfterFix();
    void workerErrorReplaysThroughItsMaster();
    void refusesWithoutARunningServer();
    void gatherErrorRunsTheRecordedInputThroughTheCurrentGather();
    void handleStreamErrorRunsTheRecordedInput();
    void gatherReplayIsOffForAMasterInAChildProcess();
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
    QVERIFY(saveScreenshot(inbox, QSize(900, 520), QStringLiteral("replay.png")));
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
    r.failedCall = FailedCall::Handler;
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
    // ... and Replay is off, saying why.
    QVERIFY(!inbox.replayButton()->isEnabled());
    QVERIFY(inbox.replayButton()->toolTip().contains(QStringLiteral("cannot be replayed")));

    // A record that does not say which function failed (an older server) on a server that may
    // run handle_stream too is not replayed as if it were a handler's.
    r.messagePayloadBytes = 4;
    r.failedCall = FailedCall::Unknown;
    inbox.clear();
    inbox.appendRecords({r});
    inbox.selectGroup(0);
    QVERIFY(!inbox.replayButton()->isEnabled());
    QVERIFY2(inbox.replayButton()->toolTip().contains(QStringLiteral("does not say")),
             qPrintable(inbox.replayButton()->toolTip()));
}

void TestReplay::gatherErrorRunsTheRecordedInputThroughTheCurrentGather()
{
    Cluster cluster;
    ServerHandle *master =
        cluster.addServer(luaServer(QStringLiteral("boss"), ServerKind::Master, kBrokenGather));
    QVERIFY(waitRunning(master));
    ServerConfig w = luaServer(QStringLiteral("hand"), ServerKind::Worker, kWorker);
    w.dbAddress = master->address(QStringLiteral("db_address"));
    ServerHandle *worker = cluster.addServer(w);
    QVERIFY(waitRunning(worker));
    ErrorInbox inbox;
    inbox.setCluster(&cluster);
    connect(worker, &ServerHandle::recordsLogged, &inbox, &ErrorInbox::appendRecords);
    connect(master, &ServerHandle::recordsLogged, &inbox, &ErrorInbox::appendRecords);

    Client client({"boss", master->address(QStringLiteral("db_address")).toStdString()});
    QVERIFY2(client.connect(), client.lastError().c_str());
    const auto replies = client.job("boss.work", {"fine", "poison"}, 1);
    QVERIFY2(replies, client.lastError().c_str());
    QStringList got;
    for (const std::string &r : *replies)
        got << QString::fromStdString(r);
    got.sort();
    QCOMPARE(got, (QStringList{QStringLiteral("0"), QStringLiteral("g1:w:fine")}));

    // The record says gather failed, on the worker's result: the exact input that failed.
    QTRY_COMPARE_WITH_TIMEOUT(inbox.model()->rowCount(), 1, 5000);
    const ErrorInboxModel::Group &g = inbox.model()->group(0);
    QCOMPARE(g.failedCall, FailedCall::Gather);
    QCOMPARE(g.messageServer, QStringLiteral("boss"));
    QCOMPARE(g.failedMessage->payload, std::string("w:poison"));
    inbox.selectGroup(0);
    const QString recorded = tracebackText(inbox);
    QVERIFY2(recorded.contains(QStringLiteral("cannot gather w:poison")), qPrintable(recorded));
    QVERIFY(inbox.replayButton()->isEnabled());
    QVERIFY2(inbox.replayButton()->toolTip().contains(QStringLiteral("exact input")),
             qPrintable(inbox.replayButton()->toolTip()));
    QTRY_COMPARE_WITH_TIMEOUT(worker->stats().messagesIn, quint64(2), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(master->stats().fromWorkers, quint64(2), 5000);

    // Before the fix: the current gather fails again on it, with its traceback.
    QString error;
    QCOMPARE(replayOnlyGroup(inbox, &error), QByteArrayList{});
    QVERIFY2(error.contains(QStringLiteral("cannot gather w:poison")), qPrintable(error));
    QVERIFY2(inbox.replayResultText().contains(QStringLiteral("gather failed again")),
             qPrintable(inbox.replayResultText()));
    QVERIFY2(tracebackText(inbox).contains(QStringLiteral("boss.lua:3")),
             qPrintable(tracebackText(inbox)));
    QVERIFY2(tracebackText(inbox).startsWith(QStringLiteral("Replay: ")),
             qPrintable(tracebackText(inbox)));

    // Fix the gather live: Replay gives the fixed gather's output for exactly that input.
    QVERIFY(reload(master, kFixedGather));
    QCOMPARE(replayOnlyGroup(inbox, &error), (QByteArrayList{"g2:w:poison", "g2 again"}));
    QVERIFY2(inbox.replayResultText().contains(QStringLiteral("'g2:w:poison', 'g2 again'")),
             qPrintable(inbox.replayResultText()));
    // The same row stays selected: the failed replay's traceback gives way to the recorded one.
    QCOMPARE(tracebackText(inbox), recorded);
    QVERIFY(inbox.replayButton()->isEnabled());

    // It went through nothing else: no new task for the worker, nothing new from workers, and
    // nothing published (the client that sent it is not answered twice).
    QTest::qWait(1200);
    QCOMPARE(worker->stats().messagesIn, quint64(2));
    QCOMPARE(master->stats().fromWorkers, quint64(2));
    QVERIFY(saveScreenshot(inbox, QSize(1000, 560), QStringLiteral("replay-gather.png")));
    cluster.stopAll();
    QTRY_VERIFY_WITH_TIMEOUT(master->state() == ServerHandle::State::Stopped, 5000);
}

void TestReplay::handleStreamErrorRunsTheRecordedInput()
{
    const QByteArray broken = "function foo(p)\n    return 'ok ' .. p\nend\n"
                              "function handle_stream(message)\n"
                              "    if message.payload == 'ok bad' then\n"
                              "        error('no topic for ' .. message.payload)\n"
                              "    end\n"
                              "    return message.client, message\n"
                              "end\n";
    Cluster cluster;
    ServerHandle *srv =
        cluster.addServer(luaServer(QStringLiteral("streamer"), ServerKind::Server, broken));
    QVERIFY(waitRunning(srv));
    ErrorInbox inbox;
    inbox.setCluster(&cluster);
    connect(srv, &ServerHandle::recordsLogged, &inbox, &ErrorInbox::appendRecords);
    Client client({"streamer", srv->address(QStringLiteral("db_address")).toStdString()});
    QVERIFY2(client.connect(), client.lastError().c_str());
    QCOMPARE(client.eval("streamer.foo", "bad")->front(), std::string("0"));
    QTRY_COMPARE_WITH_TIMEOUT(inbox.model()->rowCount(), 1, 5000);
    QCOMPARE(inbox.model()->group(0).failedCall, FailedCall::HandleStream);
    QCOMPARE(inbox.model()->group(0).failedMessage->payload, std::string("ok bad"));

    QByteArray fixed = broken;
    fixed.replace("error('no topic for ' .. message.payload)",
                  "return 'special', self.change_payload(message, 'routed ' .. message.payload)");
    QVERIFY(reload(srv, fixed));
    QString error;
    QCOMPARE(replayOnlyGroup(inbox, &error), QByteArrayList{"routed ok bad"});
    QVERIFY2(inbox.replayResultText().contains(QStringLiteral("topic 'special'")),
             qPrintable(inbox.replayResultText()));
    cluster.stopAll();
    QTRY_VERIFY_WITH_TIMEOUT(srv->state() == ServerHandle::State::Stopped, 5000);
}

void TestReplay::gatherReplayIsOffForAMasterInAChildProcess()
{
    QTemporaryDir dir;
    const QString script = dir.filePath(QStringLiteral("boss.lua"));
    {
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kBrokenGather);
    }
    ServerConfig m = luaServer(QStringLiteral("farboss"), ServerKind::Master, {});
    m.script = {};
    m.scriptPath = script;
    m.run = RunMode::Process;
    Cluster cluster;
    ServerHandle *master = cluster.addServer(m);
    master->start();
    QTRY_COMPARE_WITH_TIMEOUT(master->state(), ServerHandle::State::Running, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!master->address(QStringLiteral("db_address")).isEmpty(), 5000);
    ServerConfig w = luaServer(QStringLiteral("nearhand"), ServerKind::Worker, kWorker);
    w.dbAddress = master->address(QStringLiteral("db_address"));
    ServerHandle *worker = cluster.addServer(w);
    QVERIFY(waitRunning(worker));
    ErrorInbox inbox;
    inbox.setCluster(&cluster);
    connect(master, &ServerHandle::recordsLogged, &inbox, &ErrorInbox::appendRecords);

    Client client({"farboss", master->address(QStringLiteral("db_address")).toStdString()});
    QVERIFY2(client.connect(), client.lastError().c_str());
    const auto replies = client.job("farboss.work", {"poison"}, 1);
    QVERIFY2(replies, client.lastError().c_str());
    QCOMPARE(replies->front(), std::string("0"));

    // The child's record says gather failed (control.proto carries it) ...
    QTRY_COMPARE_WITH_TIMEOUT(inbox.model()->rowCount(), 1, 10000);
    QCOMPARE(inbox.model()->group(0).failedCall, FailedCall::Gather);
    QCOMPARE(inbox.model()->group(0).failedMessage->payload, std::string("w:poison"));
    // ... but gather cannot be run inside another process yet: Replay is off and says why,
    // rather than sending the result in as a client's message through scatter and a worker.
    inbox.selectGroup(0);
    QVERIFY(!inbox.replayButton()->isEnabled());
    const QString tip = inbox.replayButton()->toolTip();
    QVERIFY2(tip.contains(QStringLiteral("farboss")) && tip.contains(QStringLiteral("pid")) &&
                 tip.contains(QStringLiteral("cannot")),
             qPrintable(tip));
    QString error;
    QVERIFY(replayOnlyGroup(inbox, &error).isEmpty());
    QCOMPARE(error, QStringLiteral("Replay failed: ") + tip);
    cluster.stopAll();
    QTRY_VERIFY_WITH_TIMEOUT(master->state() == ServerHandle::State::Stopped, 10000);
}

QTEST_MAIN(TestReplay)
#include "tst_replay.moc"
