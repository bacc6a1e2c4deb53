// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// A cluster-file entry of kind process running tests/interop's peer.py as a pylm-style worker:
// its pylm log lines and Python traceback come out whole, the traceback links to the file and
// line, and the worker serves a qpalm master.

#include "client.h"
#include "cluster.h"
#include "clusterfile.h"
#include "process/externalprocess.h"
#include "requiretool.h"
#include "tracebacklocation.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

using namespace qpalm;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");

QString peerScript()
{
    return QStringLiteral(QPALM_PEER_SCRIPT);
}

} // namespace

class TestExternalProcess : public QObject
{
    Q_OBJECT

private:
    LogBatch m_records;

private Q_SLOTS:
    void initTestCase()
    {
        QPALM_REQUIRE_TOOL(QFile::exists(kPython), "/usr/bin/python3 (package python3)");
        QProcess probe;
        probe.start(kPython, {QStringLiteral("-c"), QStringLiteral("import zmq, google.protobuf")});
        QVERIFY(probe.waitForFinished(20000));
        QPALM_REQUIRE_TOOL(probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0,
                           "python3-zmq or python3-protobuf");
    }

    void pylmWorkerUnderQpalm()
    {
        Cluster cluster;
        ServerConfig master;
        master.kind = ServerKind::Master;
        master.name = QStringLiteral("boss");
        for (QString *address : {&master.dbAddress, &master.pullAddress, &master.pubAddress,
                                 &master.workerPullAddress, &master.workerPushAddress})
            *address = QStringLiteral("tcp://127.0.0.1:*");
        ServerHandle *boss = cluster.addServer(master);
        boss->start();
        QTRY_COMPARE_WITH_TIMEOUT(boss->state(), ServerHandle::State::Running, 10000);
        const QString db = boss->address(QStringLiteral("db_address"));

        // As a cluster file says it (and as the app would load it).
        QTemporaryDir dir;
        const QByteArray json =
            QStringLiteral("{\"servers\": [{\"kind\": \"process\", \"name\": \"py\", \"command\": "
                           "[\"%1\", \"%2\", \"worker\", \"--db\", \"%3\", \"--name\", \"{name}\", "
                           "\"--pylm-log\"], \"env\": {\"QPALM_TEST\": \"1\"}}]}")
                .arg(kPython, peerScript(), db)
                .toUtf8();
        ClusterError error;
        const auto configs = parseClusterJson(json, dir.path(), &error);
        QVERIFY2(configs, qPrintable(error.toString()));
        QCOMPARE(configs->first().cwd, QDir::cleanPath(dir.path()));
        ServerHandle *py = cluster.addServer(configs->first());
        QVERIFY(qobject_cast<ExternalProcess *>(py));
        connect(py, &ServerHandle::recordsLogged, this,
                [this](const LogBatch &records) { m_records << records; });
        py->start();
        QTRY_COMPARE_WITH_TIMEOUT(py->state(), ServerHandle::State::Running, 10000);
        QVERIFY2(py->hostLabel().startsWith(QLatin1String("pid ")), qPrintable(py->hostLabel()));
        auto findRecord = [this](const QString &text) -> const LogRecord * {
            for (const LogRecord &record : std::as_const(m_records)) {
                if (record.text.contains(text))
                    return &record;
            }
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(findRecord(QStringLiteral("Worker py connected to tcp://")),
                                 15000);
        const LogRecord *connected = findRecord(QStringLiteral("Worker py connected"));
        QCOMPARE(connected->level, LogLevel::Info);
        QCOMPARE(connected->server, QStringLiteral("py"));
        QVERIFY(findRecord(QStringLiteral("READY py"))); // a plain line: INFO as it is

        Client::Options options;
        options.serverName = "boss";
        options.dbAddress = db.toStdString();
        Client client(options);
        QVERIFY2(client.connect(), client.lastError().c_str());
        const auto tagged = client.eval("boss.tag", "x");
        QVERIFY2(tagged, client.lastError().c_str());
        QCOMPARE(tagged->front(), std::string("py:x")); // the Python worker served the master
        const auto boom = client.eval("boss.tag", "boom");
        QVERIFY(boom);
        QCOMPARE(boom->front(), std::string("0"));

        QTRY_VERIFY_WITH_TIMEOUT(findRecord(QStringLiteral("User function gave an error")), 5000);
        const LogRecord error1 = *findRecord(QStringLiteral("User function gave an error"));
        QCOMPARE(error1.level, LogLevel::Error);
        QCOMPARE(error1.text, QStringLiteral("User function gave an error"));
        const QStringList lines = error1.traceback.split(u'\n');
        QVERIFY2(lines.size() >= 4, qPrintable(error1.traceback));
        QCOMPARE(lines.first(), QStringLiteral("Traceback (most recent call last):"));
        QCOMPARE(lines.last(), QStringLiteral("ValueError: cannot tag b'boom'"));
        // No piece of the traceback became a record of its own.
        for (const LogRecord &record : std::as_const(m_records))
            QVERIFY2(!record.text.contains(QLatin1String("ValueError")) &&
                         !record.text.startsWith(QLatin1String("  File")),
                     qPrintable(record.text));
        // The innermost frame is peer.py's tag(), at the raise.
        const SourceLocation frame = firstFrame(error1.traceback);
        QCOMPARE(frame.file, peerScript());
        QFile peer(peerScript());
        QVERIFY(peer.open(QIODevice::ReadOnly));
        const QList<QByteArray> source = peer.readAll().split('\n');
        QVERIFY(frame.line > 0 && frame.line <= source.size());
        QVERIFY2(source.at(frame.line - 1).contains("raise ValueError"),
                 source.at(frame.line - 1).constData());
        QVERIFY(sourceLocations(error1.traceback).contains(frame));

        // Stopping sends SIGTERM; the worker ends cleanly.
        QSignalSpy stopped(py, &ServerHandle::stopped);
        py->stop();
        QTRY_COMPARE_WITH_TIMEOUT(py->state(), ServerHandle::State::Stopped, 10000);
        QCOMPARE(stopped.size(), 1);
    }

    void crashIsFailedAndRestarted()
    {
        ServerConfig config;
        config.kind = ServerKind::Process;
        config.name = QStringLiteral("sleeper");
        config.command = {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                          QStringLiteral("echo up; exec sleep 60")};
        Cluster cluster;
        auto *process = qobject_cast<ExternalProcess *>(cluster.addServer(config));
        QVERIFY(process);
        LogBatch records;
        connect(process, &ServerHandle::recordsLogged, this,
                [&records](const LogBatch &batch) { records << batch; });
        process->start();
        QTRY_COMPARE_WITH_TIMEOUT(process->state(), ServerHandle::State::Running, 5000);
        const qint64 pid = process->processId();
        QTest::qWait(200);
        QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(process->processId() != 0 && process->processId() != pid, 5000);
        QStringList texts;
        for (const LogRecord &record : std::as_const(records))
            texts << record.text;
        const QString log = texts.join(u'\n');
        QVERIFY2(log.contains(QStringLiteral("pid %1 killed by signal 9 (SIGKILL)").arg(pid)),
                 qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("restarting in 100 ms")), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("up")), qPrintable(log));
    }
};

QTEST_GUILESS_MAIN(TestExternalProcess)
#include "tst_externalprocess.moc"
