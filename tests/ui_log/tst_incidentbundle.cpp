// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The incident bundle from a real cluster: a Lua server fails on one message, the bundle is
// written, unzipped by an independent tool (Python's zipfile) and its files are checked: the
// window's logs, the traceback, the cluster file, the script as it ran (after a reload), the
// stats and the replayable message.
#include "errorinbox.h"
#include "incidentbundle.h"
#include "logmodel.h"
#include "requiretool.h"

#include "client.h"
#include "cluster.h"
#include "clusterfile.h"
#include "serverhandle.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace qpalm;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestIncidentBundle : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bundleFromARealCluster();
};

void TestIncidentBundle::bundleFromARealCluster()
{
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    QPALM_REQUIRE_TOOL(!python.isEmpty(), "python3 (to unzip independently)");
    QTemporaryDir dir;
    const QByteArray clusterJson =
        "{\"servers\": [{\"kind\": \"server\", \"name\": \"srv\", \"script\": \"handler.lua\", "
        "\"db_address\": \"tcp://127.0.0.1:*\", \"pull_address\": \"tcp://127.0.0.1:*\", "
        "\"pub_address\": \"tcp://127.0.0.1:*\"}]}";
    const QString clusterPath = dir.filePath(QStringLiteral("cluster.json"));
    {
        QFile f(clusterPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(clusterJson);
    }
    Cluster cluster;
    ServerConfig config;
    config.kind = ServerKind::Server;
    config.name = QStringLiteral("srv");
    config.dbAddress = config.pullAddress = config.pubAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.script = {QStringLiteral("handler.lua"),
                     "function foo(p)\n  if p == 'bad' then error('no bad input') end\n"
                     "  return 'v1 ' .. p\nend\n",
                     {}};
    ServerHandle *srv = cluster.addServer(config);
    LogModel log;
    ErrorInbox inbox;
    connect(srv, &ServerHandle::recordsLogged, &log, &LogModel::appendRecords);
    connect(srv, &ServerHandle::recordsLogged, &inbox, &ErrorInbox::appendRecords);
    QSignalSpy started(srv, &ServerHandle::started);
    srv->start();
    QVERIFY(started.wait(10000));
    // The script that runs is the reloaded one (v2), not the file's.
    const QByteArray v2 = "function foo(p)\n  if p == 'bad' then error('still bad') end\n"
                          "  return 'v2 ' .. p\nend\n";
    QSignalSpy reloaded(srv, &ServerHandle::scriptReloaded);
    srv->reloadScript({QStringLiteral("handler.lua"), v2, {}});
    QVERIFY(reloaded.wait(5000));

    Client client({"srv", srv->address(QStringLiteral("db_address")).toStdString()});
    QVERIFY2(client.connect(), client.lastError().c_str());
    QCOMPARE(client.eval("srv.foo", "good")->front(), std::string("v2 good"));
    QCOMPARE(client.eval("srv.foo", "bad", 1, "k7")->front(), std::string("0"));
    QTRY_COMPARE_WITH_TIMEOUT(inbox.model()->rowCount(), 1, 5000);
    log.flush();
    // An old record outside the window is left out.
    LogRecord old;
    old.msecsSinceEpoch = 1000;
    old.server = QStringLiteral("srv");
    old.text = QStringLiteral("from long ago");
    log.appendRecords({old});
    log.flush();

    const qint64 from = QDateTime::currentMSecsSinceEpoch() - 60'000;
    const IncidentBundle bundle =
        IncidentBundle::collect(log, *inbox.model(), &cluster, clusterPath, from);
    const QString zipPath = dir.filePath(QStringLiteral("incident.zip"));
    QString error;
    QVERIFY2(bundle.write(zipPath, &error), qPrintable(error));

    const QString out = dir.filePath(QStringLiteral("out"));
    QProcess unzip;
    unzip.start(python, {QStringLiteral("-c"),
                         QStringLiteral("import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
                                        "assert z.testzip() is None; z.extractall(sys.argv[2])"),
                         zipPath, out});
    QVERIFY(unzip.waitForFinished(20000));
    QVERIFY2(unzip.exitCode() == 0, unzip.readAllStandardError().constData());

    const QByteArray logText = readAll(out + QStringLiteral("/log/qpalm.log"));
    QVERIFY2(logText.contains(" - srv - ERROR - User function gave an error"), logText.constData());
    QVERIFY(logText.contains("still bad"));
    QVERIFY(!logText.contains("from long ago"));
    QVERIFY(readAll(out + QStringLiteral("/log/records.jsonl")).contains("\"level\":\"ERROR\""));
    QVERIFY(readAll(out + QStringLiteral("/errors/tracebacks.txt")).contains("still bad"));
    QCOMPARE(readAll(out + QStringLiteral("/cluster/cluster.json")), clusterJson);
    QCOMPARE(readAll(out + QStringLiteral("/scripts/srv/handler.lua")), v2);
    const QJsonArray stats =
        QJsonDocument::fromJson(readAll(out + QStringLiteral("/stats.json"))).array();
    QCOMPARE(stats.size(), 1);
    QCOMPARE(stats.at(0)[QStringLiteral("server")].toString(), QStringLiteral("srv"));
    QCOMPARE(stats.at(0)[QStringLiteral("state")].toString(), QStringLiteral("running"));
    const QList<QByteArray> replay =
        readAll(out + QStringLiteral("/replay/messages.jsonl")).trimmed().split('\n');
    QCOMPARE(replay.size(), 1);
    const QJsonObject m = QJsonDocument::fromJson(replay.first()).object();
    QCOMPARE(m[QStringLiteral("function")].toString(), QStringLiteral("srv.foo"));
    QCOMPARE(m[QStringLiteral("cache")].toString(), QStringLiteral("k7"));
    QCOMPARE(m[QStringLiteral("call")].toString(), QStringLiteral("handler"));
    QCOMPARE(QByteArray::fromBase64(m[QStringLiteral("payloadBase64")].toString().toLatin1()),
             QByteArray("bad"));
    QCOMPARE(m[QStringLiteral("truncated")].toBool(), false);
    QVERIFY(readAll(out + QStringLiteral("/README.txt")).contains("Time window"));

    // An unwritable path is refused with a reason naming it.
    QVERIFY(!bundle.write(dir.filePath(QStringLiteral("no/such/dir/x.zip")), &error));
    QVERIFY2(error.contains(QStringLiteral("no/such/dir")), qPrintable(error));
    srv->stop();
    QTRY_VERIFY_WITH_TIMEOUT(srv->state() == ServerHandle::State::Stopped, 5000);
}

QTEST_MAIN(TestIncidentBundle)
#include "tst_incidentbundle.moc"
