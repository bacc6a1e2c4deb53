// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Handles of servers in other processes (attached or child) show what local handles show: Hung
// while a call is stuck and back, the script path, the running script and the addresses their
// control channel reports (so the graph connects them), and error records with their message.

#include "client.h"
#include "cluster.h"
#include "clusterfile.h"
#include "clustergraph.h"
#include "freeport.h"
#include "message.h"
#include "process/childserver.h"
#include "process/remoteserver.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <thread>

using namespace qpalm;
using namespace Qt::StringLiterals;

namespace {

QString binary(const QString &relative)
{
    return qEnvironmentVariable("QPALM_BINARY_DIR") + u'/' + relative;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

ServerConfig standalone(const QString &name)
{
    ServerConfig config;
    config.kind = ServerKind::Server;
    config.name = name;
    config.dbAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.pullAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.pubAddress = QStringLiteral("tcp://127.0.0.1:*");
    return config;
}

// Sends payload to server.function from a thread of its own; the reply lands in reply.
struct Call
{
    std::thread thread;
    std::atomic<bool> done{false};
    std::string reply;
    Call(const QString &db, const QString &function, const std::string &payload)
    {
        thread =
            std::thread([this, db = db.toStdString(), function = function.toStdString(), payload] {
                Client::Options options;
                options.serverName = function.substr(0, function.find('.'));
                options.dbAddress = db;
                options.timeoutMs = 15000;
                Client client(options);
                if (client.connect()) {
                    if (auto replies = client.eval(function, payload); replies && !replies->empty())
                        reply = replies->front();
                    else
                        reply = "error: " + client.lastError();
                } else {
                    reply = "error: " + client.lastError();
                }
                done = true;
            });
    }
    ~Call()
    {
        if (thread.joinable())
            thread.join();
    }
};

} // namespace

class TestLinkedHandles : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // A stuck native call in another process: the handle goes Hung, then Running when it returns.
    void hungAndBack(ServerHandle *server)
    {
        QList<ServerHandle::State> states;
        connect(server, &ServerHandle::stateChanged, this,
                [&states](ServerHandle::State state) { states << state; });
        QTRY_COMPARE_WITH_TIMEOUT(server->state(), ServerHandle::State::Running, 20000);
        // The status carries the addresses (wildcard ports resolved).
        QTRY_VERIFY_WITH_TIMEOUT(!server->address(QStringLiteral("db_address")).isEmpty(), 5000);
        const QString db = server->address(QStringLiteral("db_address"));
        QVERIFY2(!db.endsWith(u'*'), qPrintable(db));
        Call call(db, server->name() + QStringLiteral(".work"), "hang:3000");
        QTRY_COMPARE_WITH_TIMEOUT(server->state(), ServerHandle::State::Hung, 6000);
        QTRY_COMPARE_WITH_TIMEOUT(server->state(), ServerHandle::State::Running, 8000);
        QTRY_VERIFY_WITH_TIMEOUT(call.done.load(), 8000);
        QCOMPARE(QString::fromStdString(call.reply), QStringLiteral("done:hang:3000"));
        const qsizetype hung = states.indexOf(ServerHandle::State::Hung);
        QVERIFY(hung >= 0);
        QCOMPARE(states.mid(hung), QList<ServerHandle::State>(
                                       {ServerHandle::State::Hung, ServerHandle::State::Running}));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void remoteHandleGoesHungAndBack()
    {
        const QString file = m_dir.filePath(QStringLiteral("stuck.json"));
        QString problem;
        QVERIFY2(saveClusterFile(file, {standalone(QStringLiteral("rs"))}, &problem),
                 qPrintable(problem));
        const QString control = u"ipc://"_s + m_dir.filePath(QStringLiteral("rs-control"));
        QProcess process;
        process.setProcessChannelMode(QProcess::ForwardedChannels);
        process.start(binary(QStringLiteral("tests/process/qpalm-stuckserver")),
                      {file, QStringLiteral("--only"), QStringLiteral("rs"),
                       QStringLiteral("--control"), control});
        QVERIFY(process.waitForStarted(5000));
        ServerConfig config = standalone(QStringLiteral("rs"));
        config.attach.control = control;
        {
            Cluster cluster;
            auto *remote = qobject_cast<RemoteServer *>(cluster.addServer(config));
            QVERIFY(remote);
            hungAndBack(remote);
        }
        process.terminate();
        QVERIFY(process.waitForFinished(5000));
    }

    void childHandleGoesHungAndBack()
    {
        qputenv("QPALM_SERVER", binary(QStringLiteral("tests/process/qpalm-stuckserver")).toUtf8());
        ServerConfig config = standalone(QStringLiteral("cs"));
        config.run = RunMode::Process;
        Cluster cluster;
        auto *child = qobject_cast<ChildServer *>(cluster.addServer(config));
        QVERIFY(child);
        child->start();
        hungAndBack(child);
        qunsetenv("QPALM_SERVER");
    }

    // Deleting a child handle never blocks: the child gets SIGTERM, SIGKILL 3 s later (this one
    // ignores SIGTERM), and is reaped in the background.
    void deletingAChildReturnsAtOnce()
    {
        qputenv("QPALM_SERVER", binary(QStringLiteral("tests/process/qpalm-stuckserver")).toUtf8());
        qputenv("QPALM_TEST_IGNORE_SIGTERM", "1");
        ServerConfig config = standalone(QStringLiteral("gone"));
        config.run = RunMode::Process;
        auto *child = new ChildServer(config);
        child->start();
        QTRY_COMPARE_WITH_TIMEOUT(child->state(), ServerHandle::State::Running, 20000);
        qunsetenv("QPALM_SERVER");
        qunsetenv("QPALM_TEST_IGNORE_SIGTERM");
        const pid_t pid = pid_t(child->processId());
        QVERIFY(pid > 0);
        QElapsedTimer timer;
        timer.start();
        delete child;
        const qint64 deleteMs = timer.elapsed();
        QVERIFY2(deleteMs < 200, qPrintable(QString::number(deleteMs)));
        QTest::qWait(1000);
        QCOMPARE(::kill(pid, 0), 0); // SIGTERM ignored: still there
        QTRY_VERIFY_WITH_TIMEOUT(::kill(pid, 0) == -1 && errno == ESRCH, 6000); // killed, reaped
        qInfo("delete took %lld ms; the child was gone %lld ms after it", deleteMs,
              timer.elapsed() - deleteMs);
    }

    // A real qpalm-server with a master and its worker, attached: the handles carry the script
    // path and content the server runs and the addresses, so the graph connects them; a script
    // replaced by someone else shows in the handle's running script.
    void attachedHandlesCarryScriptAndAddresses()
    {
        const QByteArray script = "function work(m) return m end\n";
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("w.lua")), script));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("pair.json")),
                          "{\"servers\": [{\"kind\": \"master\", \"name\": \"m\", "
                          "\"db_address\": \"DB\", \"pull_address\": \"tcp://127.0.0.1:*\", "
                          "\"pub_address\": \"tcp://127.0.0.1:*\", "
                          "\"worker_pull_address\": \"tcp://127.0.0.1:*\", "
                          "\"worker_push_address\": \"tcp://127.0.0.1:*\"}, "
                          "{\"kind\": \"worker\", \"name\": \"w\", \"db_address\": \"DB\", "
                          "\"script\": \"w.lua\"}]}"));
        // The worker connects to the master's cache: a port from the kernel for both.
        const QString control = u"ipc://"_s + m_dir.filePath(QStringLiteral("pair-control"));
        const int port = qpalm::test::freePort();
        QVERIFY(port > 0);
        QFile json(m_dir.filePath(QStringLiteral("pair.json")));
        QVERIFY(json.open(QIODevice::ReadOnly));
        QByteArray text = json.readAll();
        json.close();
        const QByteArray db = "tcp://127.0.0.1:" + QByteArray::number(port);
        text.replace("DB", db);
        QVERIFY(writeFile(json.fileName(), text));

        QProcess process;
        process.setProcessChannelMode(QProcess::ForwardedChannels);
        process.start(binary(QStringLiteral("app/server/qpalm-server")),
                      {json.fileName(), QStringLiteral("--control"), control});
        QVERIFY(process.waitForStarted(5000));
        AttachSpec attach;
        attach.control = control;
        QString problem;
        std::optional<QList<ServerConfig>> configs;
        QTRY_VERIFY_WITH_TIMEOUT((configs = RemoteServer::probe(attach, 1000, &problem)), 15000);
        QCOMPARE(configs->size(), 2);
        {
            Cluster cluster;
            cluster.addServers(*configs);
            ServerHandle *master = cluster.server(QStringLiteral("m"));
            ServerHandle *worker = cluster.server(QStringLiteral("w"));
            QVERIFY(master && worker);
            QTRY_COMPARE_WITH_TIMEOUT(worker->state(), ServerHandle::State::Running, 15000);
            QTRY_COMPARE_WITH_TIMEOUT(master->state(), ServerHandle::State::Running, 15000);
            QCOMPARE(worker->config().scriptPath,
                     QFileInfo(m_dir.filePath(QStringLiteral("w.lua"))).absoluteFilePath());
            QTRY_COMPARE_WITH_TIMEOUT(worker->runningScript().content, script, 5000);
            QCOMPARE(worker->runningScript().name, QStringLiteral("w.lua"));
            QCOMPARE(master->address(QStringLiteral("db_address")), QString::fromUtf8(db));
            QTRY_VERIFY_WITH_TIMEOUT(!worker->addresses().isEmpty(), 5000);
            QTRY_VERIFY_WITH_TIMEOUT(
                !master->address(QStringLiteral("worker_push_address")).endsWith(u'*'), 5000);
            const ClusterGraph graph = cluster.graph();
            QCOMPARE(graph.masterOf(QStringLiteral("w")), QStringLiteral("m"));
            bool task = false;
            for (const ClusterGraph::Edge &edge : graph.edges())
                task |= edge.kind == ClusterGraph::EdgeKind::Task && edge.from == u"m"_s &&
                        edge.to == u"w"_s;
            QVERIFY(task);
            // The master's ledger of its reliable-path worker crosses the control wire too.
            QTRY_VERIFY_WITH_TIMEOUT(master->stats().ledger.size() == 1, 10000);
            QVERIFY2(master->stats().ledger.first().worker.contains(u'w'),
                     qPrintable(master->stats().ledger.first().worker));
            QVERIFY(master->stats().ledger.first().credit > 0);

            // Replaced by another watcher: this handle fetches the new script (digest changed).
            Cluster other;
            ServerConfig second = configs->at(1);
            QCOMPARE(second.name, QStringLiteral("w"));
            ServerHandle *otherWorker = other.addServer(second);
            QTRY_COMPARE_WITH_TIMEOUT(otherWorker->state(), ServerHandle::State::Running, 15000);
            QSignalSpy reloaded(otherWorker, &ServerHandle::scriptReloaded);
            ScriptSource replacement;
            replacement.name = QStringLiteral("w.lua");
            replacement.content = "function work(m) return m .. '!' end\n";
            otherWorker->reloadScript(replacement);
            QTRY_COMPARE_WITH_TIMEOUT(reloaded.size(), 1, 5000);
            QTRY_COMPARE_WITH_TIMEOUT(worker->runningScript().content, replacement.content, 5000);
        }
        process.terminate();
        QVERIFY(process.waitForFinished(5000));
    }

    // An error in a child's Lua call: the record that reaches this process carries the message.
    void childErrorRecordCarriesItsMessage()
    {
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("boom.lua")),
                          "function foo(m) error('boom') end\n"));
        ServerConfig config = standalone(QStringLiteral("boomer"));
        config.run = RunMode::Process;
        config.scriptPath = m_dir.filePath(QStringLiteral("boom.lua"));
        Cluster cluster;
        ServerHandle *child = cluster.addServer(config);
        LogBatch records;
        connect(child, &ServerHandle::recordsLogged, this,
                [&records](const LogBatch &batch) { records << batch; });
        child->start();
        QTRY_COMPARE_WITH_TIMEOUT(child->state(), ServerHandle::State::Running, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!child->address(QStringLiteral("db_address")).isEmpty(), 5000);
        const std::string payload = "the failing payload " + std::string(70 * 1024, 'x');
        Call call(child->address(QStringLiteral("db_address")), QStringLiteral("boomer.foo"),
                  payload);
        QTRY_VERIFY_WITH_TIMEOUT(call.done.load(), 10000);
        const LogRecord *withMessage = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     for (const LogRecord &record : std::as_const(records)) {
                                         if (record.level == LogLevel::Error && record.message)
                                             withMessage = &record;
                                     }
                                     return withMessage != nullptr;
                                 }()),
                                 5000);
        QCOMPARE(withMessage->message->function, std::string("boomer.foo"));
        QCOMPARE(withMessage->message->payload.size(), std::size_t(kMaxAttachedPayloadBytes));
        QCOMPARE(withMessage->message->payload, payload.substr(0, kMaxAttachedPayloadBytes));
        QCOMPARE(withMessage->messagePayloadBytes, qint64(payload.size()));
        QVERIFY(withMessage->traceback.contains(QLatin1String("boom")) ||
                withMessage->text.contains(QLatin1String("boom")));
    }
};

QTEST_GUILESS_MAIN(TestLinkedHandles)
#include "tst_linkedhandles.moc"
