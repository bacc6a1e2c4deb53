// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Servers in child qpalm-server processes: a kill -9 mid-job shows as Failed with the signal, the
// restart policy brings it back (or not), and a server that keeps dying is marked flapping.

#include "client.h"
#include "cluster.h"
#include "process/childserver.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <csignal>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace qpalm;

namespace {

constexpr int kStartMs = 20000;

QString joinedText(const LogBatch &records)
{
    QStringList lines;
    for (const LogRecord &record : records)
        lines << record.server + QStringLiteral(": ") + record.text;
    return lines.join(u'\n');
}

ServerConfig childConfig(ServerKind kind, const QString &name, RestartMode restart)
{
    ServerConfig config;
    config.kind = kind;
    config.name = name;
    config.run = RunMode::Process;
    config.restart = restart;
    config.dbAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.pullAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.pubAddress = QStringLiteral("tcp://127.0.0.1:*");
    if (kind == ServerKind::Master) {
        config.workerPullAddress = QStringLiteral("tcp://127.0.0.1:*");
        config.workerPushAddress = QStringLiteral("tcp://127.0.0.1:*");
    }
    return config;
}

// A TCP port held by this process for as long as the object lives.
struct HeldPort
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int port = 0;
    HeldPort()
    {
        sockaddr_in address = {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (::bind(fd, reinterpret_cast<sockaddr *>(&address), size) == 0 && ::listen(fd, 4) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &size) == 0)
            port = ntohs(address.sin_port);
    }
    ~HeldPort() { ::close(fd); }
};

} // namespace

class TestChildServer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    LogBatch m_records;

    void collect(ServerHandle *server)
    {
        connect(server, &ServerHandle::recordsLogged, this,
                [this](const LogBatch &records) { m_records << records; });
    }

    QString script(const QString &source)
    {
        const QString path = m_dir.filePath(QStringLiteral("worker.lua"));
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        file.write(source.toUtf8());
        return path;
    }

private Q_SLOTS:
    void init() { m_records.clear(); }

    void killNineMidJobRestarts()
    {
        Cluster cluster;
        auto *master = qobject_cast<ChildServer *>(cluster.addServer(
            childConfig(ServerKind::Master, QStringLiteral("boss"), RestartMode::OnFailure)));
        QVERIFY(master);
        collect(master);
        master->start();
        QTRY_COMPARE_WITH_TIMEOUT(master->state(), ServerHandle::State::Running, kStartMs);
        QVERIFY2(master->hostLabel().startsWith(QLatin1String("pid ")),
                 qPrintable(master->hostLabel()));
        const QString db = master->address(QStringLiteral("db_address"));
        QVERIFY2(db.startsWith(QLatin1String("tcp://127.0.0.1:")) && !db.endsWith(u'*'),
                 qPrintable(db));

        ServerConfig workerConfig;
        workerConfig.kind = ServerKind::Worker;
        workerConfig.name = QStringLiteral("w");
        workerConfig.dbAddress = db;
        workerConfig.run = RunMode::Process;
        workerConfig.scriptPath =
            script(QStringLiteral("function echo(m) return 'done ' .. m end"));
        auto *worker = qobject_cast<ChildServer *>(cluster.addServer(workerConfig));
        QVERIFY(worker);
        collect(worker);
        worker->start();
        QTRY_COMPARE_WITH_TIMEOUT(worker->state(), ServerHandle::State::Running, kStartMs);

        // A job runs in a thread while the worker is killed.
        std::atomic<bool> stop{false};
        std::atomic<int> done{0};
        std::atomic<int> doneAfterRestart{0};
        std::atomic<bool> restarted{false};
        std::thread job([&] {
            Client::Options options;
            options.serverName = "boss";
            options.dbAddress = db.toStdString();
            options.timeoutMs = 1500;
            Client client(options);
            if (!client.connect())
                return;
            for (int i = 0; !stop; ++i) {
                const auto reply = client.eval("boss.echo", std::to_string(i));
                if (reply && reply->size() == 1 && reply->front() == "done " + std::to_string(i)) {
                    ++done;
                    if (restarted)
                        ++doneAfterRestart;
                }
            }
        });
        QTRY_VERIFY_WITH_TIMEOUT(done > 5, 10000);

        const qint64 oldPid = worker->processId();
        QSignalSpy failed(worker, &ServerHandle::failed);
        QVERIFY(oldPid > 0);
        QCOMPARE(::kill(pid_t(oldPid), SIGKILL), 0);
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 5000);
        QVERIFY2(failed.at(0).at(0).toString().contains(QLatin1String("signal 9 (SIGKILL)")),
                 qPrintable(failed.at(0).at(0).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(worker->state(), ServerHandle::State::Running, kStartMs);
        restarted = true;
        QVERIFY(worker->processId() > 0 && worker->processId() != oldPid);
        QCOMPARE(master->state(), ServerHandle::State::Running); // the rest goes on
        QTRY_VERIFY_WITH_TIMEOUT(doneAfterRestart > 3, 15000);
        stop = true;
        job.join();

        const QString log = joinedText(m_records);
        QVERIFY2(log.contains(QStringLiteral("w: pid %1 killed by signal 9 (SIGKILL)").arg(oldPid)),
                 qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("w: restarting in 100 ms (restart 1 within 60 s, "
                                            "policy on-failure)")),
                 qPrintable(log));
        QVERIFY2(log.contains(
                     QStringLiteral("w: started in child process pid %1").arg(worker->processId())),
                 qPrintable(log));
        // Records of the server itself come over the control channel.
        QVERIFY2(log.contains(QLatin1String("w: worker 'w' started")), qPrintable(log));

        QSignalSpy stopped(worker, &ServerHandle::stopped);
        worker->stop();
        QTRY_COMPARE_WITH_TIMEOUT(worker->state(), ServerHandle::State::Stopped, 10000);
        QCOMPARE(stopped.size(), 1);
        QCOMPARE(worker->processId(), 0);
    }

    void neverStaysDown()
    {
        Cluster cluster;
        auto *server = qobject_cast<ChildServer *>(cluster.addServer(
            childConfig(ServerKind::Server, QStringLiteral("solo"), RestartMode::Never)));
        QVERIFY(server);
        collect(server);
        server->start();
        QTRY_COMPARE_WITH_TIMEOUT(server->state(), ServerHandle::State::Running, kStartMs);
        const qint64 pid = server->processId();
        QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
        QTRY_COMPARE_WITH_TIMEOUT(server->state(), ServerHandle::State::Failed, 5000);
        QVERIFY2(server->errorString().contains(QLatin1String("killed by signal 9")),
                 qPrintable(server->errorString()));
        QTest::qWait(1500);
        QCOMPARE(server->state(), ServerHandle::State::Failed);
        QCOMPARE(server->processId(), 0);
        QVERIFY(!joinedText(m_records).contains(QLatin1String("restarting")));
        // A start by hand brings it back.
        server->start();
        QTRY_COMPARE_WITH_TIMEOUT(server->state(), ServerHandle::State::Running, kStartMs);
    }

    void flappingStopsRetrying()
    {
        // The child cannot bind its pull address (held here), exits 1, and is restarted until
        // it flaps.
        HeldPort holder;
        QVERIFY(holder.port > 0);
        ServerConfig config =
            childConfig(ServerKind::Server, QStringLiteral("flappy"), RestartMode::Always);
        config.pullAddress = QStringLiteral("tcp://127.0.0.1:%1").arg(holder.port);
        Cluster cluster;
        ServerHandle *server = cluster.addServer(config);
        collect(server);
        server->start();
        QTRY_VERIFY_WITH_TIMEOUT(server->errorString().startsWith(QLatin1String("flapping")),
                                 40000);
        QCOMPARE(server->state(), ServerHandle::State::Failed);
        QVERIFY2(server->errorString().contains(QLatin1String("more than 5 restarts within 60 s")),
                 qPrintable(server->errorString()));
        const QString log = joinedText(m_records);
        QCOMPARE(log.count(QLatin1String("flappy: restarting in")), 5);
        QVERIFY2(log.contains(QLatin1String("restarting in 1600 ms (restart 5 within 60 s")),
                 qPrintable(log));
        // The child said why it could not start.
        QVERIFY2(log.contains(QString::number(holder.port)), qPrintable(log));
        QTest::qWait(500);
        QCOMPARE(server->state(), ServerHandle::State::Failed);
        QVERIFY(!qobject_cast<ChildServer *>(server)->processId());
    }
};

QTEST_GUILESS_MAIN(TestChildServer)
#include "tst_childserver.moc"
