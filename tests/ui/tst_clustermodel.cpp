// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// ClusterModel on a real in-process cluster: rows follow servers, rates from stats, live log
// levels.
#include "clustermodel.h"

#include "cluster.h"
#include "serverhandle.h"
#include "uitestutil.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace qpalm;
using namespace Qt::StringLiterals;

class TestClusterModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyModel();
    void rowsFollowCluster();
    void ratesFromStats();
    void logLevelEditable();
    void temporaryLevelReverts();
    void failedStartShowsReason();
    void clusterDeletedUnderModel();
};

void TestClusterModel::emptyModel()
{
    ClusterModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(ClusterModel::ColumnCount));
    QCOMPARE(model.headerData(ClusterModel::LogLevelColumn, Qt::Horizontal).toString(),
             QStringLiteral("Log level"));
    QCOMPARE(model.totals().total, 0);
}

void TestClusterModel::rowsFollowCluster()
{
    Cluster cluster;
    ClusterModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCluster(&cluster);

    cluster.addServers({uitest::master(QStringLiteral("m"))});
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(qpalm::startAndWait(cluster.server(QStringLiteral("m")), 15000));
    const QString db = cluster.server(QStringLiteral("m"))->address(QStringLiteral("db_address"));
    QVERIFY(!db.isEmpty());
    cluster.addServers({uitest::worker(QStringLiteral("w"), db, 2)});
    QCOMPARE(model.serverNames(), (QStringList{u"m"_s, u"w-1"_s, u"w-2"_s}));
    QCOMPARE(model.index(1, ClusterModel::KindColumn).data().toString(), QStringLiteral("worker"));
    QTRY_COMPARE(model.index(1, ClusterModel::StateColumn).data().toString(),
                 QStringLiteral("stopped"));

    QVERIFY(uitest::startAllAndWait(cluster));
    QTRY_COMPARE(model.index(1, ClusterModel::StateColumn).data().toString(),
                 QStringLiteral("running"));
    QTRY_COMPARE(model.index(0, ClusterModel::StateColumn).data(ClusterModel::StateRole).toInt(),
                 int(ServerHandle::State::Running));
    QTRY_COMPARE(model.totals().running, 3);

    QVERIFY(cluster.addReplica(QStringLiteral("w"), true));
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.index(3, 0).data().toString(), QStringLiteral("w-3"));
    QTRY_COMPARE(model.index(3, ClusterModel::StateColumn).data().toString(),
                 QStringLiteral("running"));

    QVERIFY(cluster.removeReplica(QStringLiteral("w")));
    QVERIFY(cluster.removeReplica(QStringLiteral("w")));
    QCOMPARE(model.serverNames(), (QStringList{u"m"_s, u"w-1"_s}));
    cluster.removeServer(cluster.server(QStringLiteral("w-1")));
    QCOMPARE(model.rowCount(), 1);

    cluster.stopAll();
    QTRY_COMPARE(model.index(0, ClusterModel::StateColumn).data().toString(),
                 QStringLiteral("stopped"));
    model.setCluster(nullptr);
    QCOMPARE(model.rowCount(), 0);
}

void TestClusterModel::ratesFromStats()
{
    Cluster cluster;
    ClusterModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCluster(&cluster);
    cluster.addServers({uitest::server(QStringLiteral("s"))});
    ServerHandle *s = cluster.server(QStringLiteral("s"));
    QVERIFY(qpalm::startAndWait(s, 15000));

    // A sample before the traffic, so the next one shows the difference.
    QSignalSpy stats(s, &ServerHandle::statsUpdated);
    QVERIFY(stats.wait(3000));
    QCOMPARE(model.inRate(QStringLiteral("s")), 0.0);

    QString error;
    auto client =
        uitest::client(QStringLiteral("s"), s->address(QStringLiteral("db_address")), &error);
    QVERIFY2(client, qPrintable(error));
    std::vector<std::string> payloads(50, "x");
    const auto replies = client->job("s.echo", payloads);
    QVERIFY2(replies, client->lastError().c_str());
    QCOMPARE(replies->size(), size_t(50));

    QTRY_VERIFY_WITH_TIMEOUT(model.inRate(QStringLiteral("s")) > 0, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(model.outRate(QStringLiteral("s")) > 0, 5000);
    QVERIFY(model.totals().inRate > 0);
    QVERIFY(model.index(0, ClusterModel::InRateColumn).data().toString() != QStringLiteral("0"));

    // An unknown function counts as an error.
    client->eval("s.nope", "x", 1);
    QTRY_VERIFY_WITH_TIMEOUT(
        model.index(0, ClusterModel::ErrorsColumn).data(ClusterModel::ErrorsRole).toULongLong() >=
            1,
        5000);
    QVERIFY(model.totals().errors >= 1);

    s->stop();
    QCOMPARE(model.inRate(QStringLiteral("s")), 0.0);
}

void TestClusterModel::logLevelEditable()
{
    Cluster cluster;
    ClusterModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCluster(&cluster);
    cluster.addServers({uitest::server(QStringLiteral("s"))});
    ServerHandle *s = cluster.server(QStringLiteral("s"));
    QVERIFY(qpalm::startAndWait(s, 15000));

    const QModelIndex level = model.index(0, ClusterModel::LogLevelColumn);
    QVERIFY(model.flags(level) & Qt::ItemIsEditable);
    QVERIFY(!(model.flags(model.index(0, ClusterModel::NameColumn)) & Qt::ItemIsEditable));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(model.setData(level, int(LogLevel::Debug)));
    QCOMPARE(s->logLevel(), LogLevel::Debug);
    QCOMPARE(level.data().toString(), QStringLiteral("DEBUG"));
    QVERIFY(!changed.isEmpty());
    QVERIFY(model.setData(level, QStringLiteral("warning")));
    QCOMPARE(s->logLevel(), LogLevel::Warning);
    QVERIFY(!model.setData(level, QStringLiteral("LOUD")));
    QCOMPARE(s->logLevel(), LogLevel::Warning);

    // The level reaches the server thread: DEBUG records appear only once enabled.
    QString error;
    auto client =
        uitest::client(QStringLiteral("s"), s->address(QStringLiteral("db_address")), &error);
    QVERIFY2(client, qPrintable(error));
    QStringList texts;
    connect(s, &ServerHandle::recordsLogged, this, [&texts](const LogBatch &batch) {
        for (const LogRecord &r : batch)
            texts.append(r.text);
    });
    QVERIFY(client->eval("s.chatty", "quiet", 1));
    QVERIFY(model.setData(level, int(LogLevel::Debug)));
    QVERIFY(client->eval("s.chatty", "loud", 1));
    QTRY_VERIFY_WITH_TIMEOUT(texts.contains(QStringLiteral("chatty got loud")), 5000);
    QVERIFY(!texts.contains(QStringLiteral("chatty got quiet")));
}

void TestClusterModel::temporaryLevelReverts()
{
    Cluster cluster;
    ClusterModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCluster(&cluster);
    cluster.addServers({uitest::server(QStringLiteral("s"))});
    ServerHandle *s = cluster.server(QStringLiteral("s"));
    QVERIFY(qpalm::startAndWait(s, 15000));
    QCOMPARE(s->logLevel(), LogLevel::Info);

    QSignalSpy reverted(&model, &ClusterModel::logLevelReverted);
    QVERIFY(model.setLogLevel(QStringLiteral("s"), LogLevel::Debug, 400));
    QCOMPARE(s->logLevel(), LogLevel::Debug);
    QVERIFY(model.hasPendingRevert(QStringLiteral("s")));
    const QModelIndex level = model.index(0, ClusterModel::LogLevelColumn);
    QVERIFY2(level.data().toString().startsWith(QStringLiteral("DEBUG (INFO in 0:0")),
             qPrintable(level.data().toString()));
    QCOMPARE(level.data(ClusterModel::RevertLevelRole).toInt(), int(LogLevel::Info));
    // A second temporary change keeps the level to go back to.
    QVERIFY(model.setLogLevel(QStringLiteral("s"), LogLevel::Warning, 400));
    QTRY_COMPARE_WITH_TIMEOUT(s->logLevel(), LogLevel::Info, 3000);
    QCOMPARE(reverted.size(), 1);
    QCOMPARE(reverted.first().at(0).toString(), QStringLiteral("s"));
    QVERIFY(!model.hasPendingRevert(QStringLiteral("s")));
    QCOMPARE(level.data().toString(), QStringLiteral("INFO"));

    // A permanent change cancels a pending revert.
    QVERIFY(model.setLogLevel(QStringLiteral("s"), LogLevel::Debug, 300));
    QVERIFY(model.setLogLevel(QStringLiteral("s"), LogLevel::Error));
    QVERIFY(!model.hasPendingRevert(QStringLiteral("s")));
    QTest::qWait(500);
    QCOMPARE(s->logLevel(), LogLevel::Error);
}

void TestClusterModel::failedStartShowsReason()
{
    Cluster cluster;
    ClusterModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCluster(&cluster);
    cluster.addServers({uitest::server(QStringLiteral("a"))});
    QVERIFY(qpalm::startAndWait(cluster.server(QStringLiteral("a")), 15000));
    ServerConfig clash = uitest::server(QStringLiteral("b"));
    clash.pullAddress =
        cluster.server(QStringLiteral("a"))->address(QStringLiteral("pull_address"));
    cluster.addServers({clash});
    QSignalSpy failed(&model, &ClusterModel::serverFailed);
    QVERIFY(!uitest::startAllAndWait(cluster));
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().at(0).toString(), QStringLiteral("b"));

    const QModelIndex state = model.index(1, ClusterModel::StateColumn);
    QVERIFY2(state.data().toString().startsWith(QStringLiteral("failed: ")),
             qPrintable(state.data().toString()));
    QVERIFY(!state.data(ClusterModel::FailureRole).toString().isEmpty());
    QVERIFY(state.data(Qt::ToolTipRole)
                .toString()
                .contains(state.data(ClusterModel::FailureRole).toString()));
    QTRY_COMPARE(model.index(0, ClusterModel::StateColumn).data().toString(),
                 QStringLiteral("running"));
    QTRY_COMPARE(model.totals().running, 1);
    QCOMPARE(model.totals().total, 2);
}

void TestClusterModel::clusterDeletedUnderModel()
{
    auto *cluster = new Cluster;
    ClusterModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCluster(cluster);
    cluster->addServers({uitest::server(QStringLiteral("s"))});
    QVERIFY(uitest::startAllAndWait(*cluster));
    QVERIFY(model.setLogLevel(QStringLiteral("s"), LogLevel::Debug, 60000));
    delete cluster;
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.cluster(), nullptr);
}

QTEST_MAIN(TestClusterModel)
#include "tst_clustermodel.moc"
