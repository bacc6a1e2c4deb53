// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// A server of a real qpalm-server process attached over its control channel: status, level,
// script, and a lost link (process frozen, killed and started again) shown as Unreachable, never
// as Stopped, then resumed with a record covering the gap.

#include "cluster.h"
#include "process/remoteserver.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

using namespace qpalm;

namespace {

QString serverBinary()
{
    return qEnvironmentVariable("QPALM_BINARY_DIR") + QStringLiteral("/app/server/qpalm-server");
}

} // namespace

class TestRemoteServer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_clusterFile;
    QString m_control;

    void startServer(QProcess &process)
    {
        process.setStandardOutputFile(m_dir.filePath(QStringLiteral("server.out")),
                                      QIODevice::Append);
        process.setStandardErrorFile(m_dir.filePath(QStringLiteral("server.err")),
                                     QIODevice::Append);
        process.start(serverBinary(), {m_clusterFile, QStringLiteral("--control"), m_control});
        QVERIFY(process.waitForStarted(5000));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QFile script(m_dir.filePath(QStringLiteral("solo.lua")));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("function foo(m) return m end\n");
        script.close();
        m_clusterFile = m_dir.filePath(QStringLiteral("cluster.json"));
        QFile file(m_clusterFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(
            "{\"servers\": [{\"kind\": \"server\", \"name\": \"solo\",\n            "
            "\"db_address\": \"tcp://127.0.0.1:*\", \"pull_address\": \"tcp://127.0.0.1:*\",\n     "
            "       \"pub_address\": \"tcp://127.0.0.1:*\", \"script\": \"solo.lua\"}]}");
        m_control = QStringLiteral("ipc://") + m_dir.filePath(QStringLiteral("control"));
    }

    void attachLoseAndResume()
    {
        QProcess process;
        startServer(process);

        ServerConfig config;
        config.kind = ServerKind::Server;
        config.name = QStringLiteral("solo");
        config.attach.control = m_control;
        Cluster cluster;
        auto *remote = qobject_cast<RemoteServer *>(cluster.addServer(config));
        QVERIFY(remote);
        QCOMPARE(remote->hostLabel(), QStringLiteral("local"));
        QList<ServerHandle::State> states;
        connect(remote, &ServerHandle::stateChanged, this,
                [&states](ServerHandle::State state) { states << state; });
        LogBatch records;
        connect(remote, &ServerHandle::recordsLogged, this,
                [&records](const LogBatch &batch) { records << batch; });
        auto logText = [&records] {
            QStringList lines;
            for (const LogRecord &record : std::as_const(records))
                lines << levelName(record.level) + u' ' + record.text;
            return lines.join(u'\n');
        };

        QTRY_COMPARE_WITH_TIMEOUT(remote->state(), ServerHandle::State::Running, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(remote->stats().msecsSinceEpoch > 0, 5000);
        // The server's records from before we attached come with the first watch.
        QTRY_VERIFY2_WITH_TIMEOUT(logText().contains(QLatin1String("server 'solo' started")) ||
                                      logText().contains(QLatin1String("solo")),
                                  qPrintable(logText()), 5000);

        // Level and script over the link.
        QSignalSpy levels(remote, &ServerHandle::logLevelChanged);
        remote->setLogLevel(LogLevel::Debug);
        QTRY_COMPARE_WITH_TIMEOUT(remote->logLevel(), LogLevel::Debug, 5000);
        QSignalSpy reloaded(remote, &ServerHandle::scriptReloaded);
        ScriptSource source;
        source.name = QStringLiteral("solo2.lua");
        source.content = "function foo(m) return m .. '!' end\n";
        source.path = m_dir.filePath(QStringLiteral("solo2.lua"));
        remote->reloadScript(source);
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.size(), 1, 5000);
        QCOMPARE(remote->config().scriptPath, source.path);

        // Frozen: unreachable, then back in the same run with nothing lost.
        const qint64 pid = process.processId();
        QCOMPARE(::kill(pid_t(pid), SIGSTOP), 0);
        QTRY_COMPARE_WITH_TIMEOUT(remote->state(), ServerHandle::State::Unreachable, 8000);
        QVERIFY(remote->errorString().contains(QLatin1String("lost")));
        QCOMPARE(::kill(pid_t(pid), SIGCONT), 0);
        QTRY_COMPARE_WITH_TIMEOUT(remote->state(), ServerHandle::State::Running, 8000);
        QTRY_VERIFY2_WITH_TIMEOUT(logText().contains(QLatin1String(": 0 records lost")),
                                  qPrintable(logText()), 5000);

        // Killed and started again: unreachable, then back in a new run.
        QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
        QVERIFY(process.waitForFinished(5000));
        QTRY_COMPARE_WITH_TIMEOUT(remote->state(), ServerHandle::State::Unreachable, 8000);
        QTest::qWait(300);
        QCOMPARE(remote->state(), ServerHandle::State::Unreachable);
        QFile::remove(m_dir.filePath(QStringLiteral("control")));
        QProcess again;
        startServer(again);
        QTRY_COMPARE_WITH_TIMEOUT(remote->state(), ServerHandle::State::Running, 15000);
        QTRY_VERIFY2_WITH_TIMEOUT(
            logText().contains(QLatin1String("the server restarted meanwhile")),
            qPrintable(logText()), 5000);
        QVERIFY2(!states.contains(ServerHandle::State::Stopped), "a lost link showed as Stopped");
        QVERIFY(states.count(ServerHandle::State::Unreachable) >= 2);

        // Stop over the link is a real stop.
        QSignalSpy stopped(remote, &ServerHandle::stopped);
        remote->stop();
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 8000);
        QCOMPARE(remote->state(), ServerHandle::State::Stopped);
        remote->start();
        QTRY_COMPARE_WITH_TIMEOUT(remote->state(), ServerHandle::State::Running, 8000);
        again.terminate();
        QVERIFY(again.waitForFinished(5000));
    }
};

QTEST_GUILESS_MAIN(TestRemoteServer)
#include "tst_remoteserver.moc"
