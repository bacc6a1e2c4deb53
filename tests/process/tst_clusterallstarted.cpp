// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Cluster::allStarted waits for every server of the last rank to settle, also for an attached
// server of a real qpalm-server process, which reports Starting only once its link answers.

#include "cluster.h"
#include "process/remoteserver.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace qpalm;

class TestClusterAllStarted : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lastRankStartingIsWaitedFor()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile script(dir.filePath(QStringLiteral("solo.lua")));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("function foo(m) return m end\n");
        script.close();
        const QString clusterFile = dir.filePath(QStringLiteral("cluster.json"));
        QFile file(clusterFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"servers\": [{\"kind\": \"server\", \"name\": \"solo\", \"db_address\": "
                   "\"tcp://127.0.0.1:*\", \"pull_address\": \"tcp://127.0.0.1:*\", "
                   "\"pub_address\": \"tcp://127.0.0.1:*\", \"script\": \"solo.lua\"}]}");
        file.close();
        const QString control = QStringLiteral("ipc://") + dir.filePath(QStringLiteral("control"));
        QProcess process;
        process.setStandardOutputFile(dir.filePath(QStringLiteral("server.out")));
        process.setStandardErrorFile(dir.filePath(QStringLiteral("server.err")));
        process.start(qEnvironmentVariable("QPALM_BINARY_DIR") +
                          QStringLiteral("/app/server/qpalm-server"),
                      {clusterFile, QStringLiteral("--control"), control});
        QVERIFY(process.waitForStarted(5000));

        ServerConfig config;
        config.kind = ServerKind::Server;
        config.name = QStringLiteral("solo");
        config.attach.control = control;
        Cluster cluster;
        ServerHandle *remote = cluster.addServer(config);
        QVERIFY(qobject_cast<RemoteServer *>(remote));
        QTRY_COMPARE_WITH_TIMEOUT(remote->state(), ServerHandle::State::Running, 15000);
        remote->stop();
        QTRY_COMPARE_WITH_TIMEOUT(remote->state(), ServerHandle::State::Stopped, 8000);

        // The remote server is still Stopped right after start() is sent: that is not settled.
        QList<ServerHandle::State> atSignal;
        connect(&cluster, &Cluster::allStarted, this,
                [&atSignal, remote] { atSignal << remote->state(); });
        QSignalSpy started(&cluster, &Cluster::allStarted);
        cluster.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 12000);
        QCOMPARE(atSignal, QList<ServerHandle::State>{ServerHandle::State::Running});
        QCOMPARE(started.at(0).at(0).toBool(), true);

        process.terminate();
        QVERIFY(process.waitForFinished(5000));
    }
};

QTEST_GUILESS_MAIN(TestClusterAllStarted)
#include "tst_clusterallstarted.moc"
