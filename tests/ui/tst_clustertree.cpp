// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The cluster panel on a real cluster (threads): replicas grouped under their entry, selection
// and expansion kept while replicas come, go and restart, actions on an entry row, and the
// master's worker ledger in the details pane after real traffic.
#include "clusterpanel.h"

#include "cluster.h"
#include "clustermodel.h"
#include "clustertreemodel.h"
#include "handlewait.h"
#include "serverhandle.h"
#include "uitestutil.h"
#include "workerledgermodel.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

using namespace qpalm;
using namespace Qt::StringLiterals;

class TestClusterTree : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_cluster = std::make_unique<Cluster>();
        m_cluster->addServers({uitest::master(u"boss"_s)});
        QVERIFY(startAndWait(m_cluster->server(u"boss"_s), 15000));
        const QString db = m_cluster->server(u"boss"_s)->address(u"db_address"_s);
        m_cluster->addServers({uitest::worker(u"hand"_s, db, 2)});
        m_panel = std::make_unique<ClusterPanel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_panel->treeModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_panel->setCluster(m_cluster.get());
        m_panel->resize(900, 500);
        m_panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
        QVERIFY(uitest::startAllAndWait(*m_cluster));
    }

    void cleanup()
    {
        m_tester.reset();
        m_panel.reset();
        m_cluster.reset();
    }

    void replicasGroupedUnderEntry()
    {
        ClusterTreeModel *tree = m_panel->treeModel();
        QCOMPARE(tree->rowCount(), 2); // boss, and the entry hand
        const QModelIndex entry = tree->indexOfEntry(u"hand"_s);
        QVERIFY(entry.isValid());
        QVERIFY(entry.data(ClusterTreeModel::EntryRowRole).toBool());
        QCOMPARE(tree->rowCount(entry), 2);
        QCOMPARE(tree->indexOfServer(u"hand-2"_s).parent(), entry);
        QCOMPARE(tree->serversAt(entry), (QStringList{u"hand-1"_s, u"hand-2"_s}));
        QVERIFY(m_panel->view()->isExpanded(entry));
        QCOMPARE(entry.siblingAtColumn(ClusterModel::KindColumn).data().toString(), u"worker ×2"_s);
        QTRY_COMPARE(entry.siblingAtColumn(ClusterModel::StateColumn).data().toString(),
                     u"running (2)"_s);

        // Aggregated: one replica stopped shows on the entry row.
        m_panel->stopServers({u"hand-2"_s});
        QTRY_COMPARE(m_cluster->server(u"hand-2"_s)->state(), ServerHandle::State::Stopped);
        const QModelIndex again = tree->indexOfEntry(u"hand"_s);
        QTRY_COMPARE(again.siblingAtColumn(ClusterModel::StateColumn).data().toString(),
                     u"1 running, 1 stopped"_s);
        QCOMPARE(again.data(ClusterModel::StateRole).toInt(), int(ServerHandle::State::Stopped));
    }

    void selectionAndExpansionStay()
    {
        ClusterTreeModel *tree = m_panel->treeModel();
        QTreeView *view = m_panel->view();
        m_panel->selectServer(u"hand-2"_s);
        QCOMPARE(m_panel->selectedServers(), QStringList{u"hand-2"_s});

        // Added replica: a third child; selection and expansion unchanged.
        QVERIFY(m_panel->addReplicaOf(u"hand"_s));
        QTRY_COMPARE(tree->rowCount(tree->indexOfEntry(u"hand"_s)), 3);
        QTRY_COMPARE(m_cluster->server(u"hand-3"_s)->state(), ServerHandle::State::Running);
        QCOMPARE(m_panel->selectedServers(), QStringList{u"hand-2"_s});
        QCOMPARE(m_panel->currentServer(), u"hand-2"_s);
        QVERIFY(view->isExpanded(tree->indexOfEntry(u"hand"_s)));

        // A collapse by the user stays through updates.
        view->collapse(tree->indexOfEntry(u"hand"_s));
        QVERIFY(m_panel->removeReplicaOf(u"hand"_s));
        QTRY_COMPARE(tree->rowCount(tree->indexOfEntry(u"hand"_s)), 2);
        QVERIFY(!view->isExpanded(tree->indexOfEntry(u"hand"_s)));
        QCOMPARE(m_panel->selectedServers(), QStringList{u"hand-2"_s});
        view->expand(tree->indexOfEntry(u"hand"_s));

        // A restart keeps the row and the selection; stats updates change nothing.
        QSignalSpy running(m_cluster->server(u"hand-2"_s), &ServerHandle::stateChanged);
        m_panel->restartServers({u"hand-2"_s});
        QTRY_VERIFY(running.size() >= 2);
        QTRY_COMPARE(m_cluster->server(u"hand-2"_s)->state(), ServerHandle::State::Running);
        QTest::qWait(300);
        QCOMPARE(m_panel->selectedServers(), QStringList{u"hand-2"_s});
        QCOMPARE(m_panel->currentServer(), u"hand-2"_s);
        QVERIFY(view->isExpanded(tree->indexOfEntry(u"hand"_s)));
        QCOMPARE(tree->indexOfServer(u"hand-2"_s).row(), 1);
    }

    void actionsOnEntryRow()
    {
        ClusterTreeModel *tree = m_panel->treeModel();
        m_panel->selectEntry(u"hand"_s);
        QCOMPARE(m_panel->selectedServers(), (QStringList{u"hand-1"_s, u"hand-2"_s}));
        m_panel->stopSelected();
        for (const QString &name : {u"hand-1"_s, u"hand-2"_s})
            QTRY_COMPARE(m_cluster->server(name)->state(), ServerHandle::State::Stopped);
        QCOMPARE(m_cluster->server(u"boss"_s)->state(), ServerHandle::State::Running);
        QVERIFY(m_panel->startSelected());
        for (const QString &name : {u"hand-1"_s, u"hand-2"_s})
            QTRY_COMPARE(m_cluster->server(name)->state(), ServerHandle::State::Running);

        // The level column of the entry row sets every replica's level.
        const QModelIndex level = tree->indexOfEntry(u"hand"_s, ClusterModel::LogLevelColumn);
        QVERIFY(tree->flags(level) & Qt::ItemIsEditable);
        QVERIFY(tree->setData(level, int(LogLevel::Debug)));
        for (const QString &name : {u"hand-1"_s, u"hand-2"_s})
            QTRY_COMPARE(m_cluster->server(name)->logLevel(), LogLevel::Debug);
        QCOMPARE(level.data().toString(), u"DEBUG"_s);
        m_panel->setLogLevel(u"hand-1"_s, LogLevel::Warning);
        QTRY_COMPARE(tree->indexOfEntry(u"hand"_s, ClusterModel::LogLevelColumn).data().toString(),
                     u"mixed"_s);

        // One replica alone.
        m_panel->selectServer(u"hand-1"_s);
        m_panel->stopSelected();
        QTRY_COMPARE(m_cluster->server(u"hand-1"_s)->state(), ServerHandle::State::Stopped);
        QCOMPARE(m_cluster->server(u"hand-2"_s)->state(), ServerHandle::State::Running);
    }

    void ledgerOfTheCurrentMaster()
    {
        m_panel->view()->selectionModel()->clearCurrentIndex();
        QCOMPARE(m_panel->ledgerServer(), QString()); // no current server: no pane
        m_panel->selectServer(u"boss"_s);
        QCOMPARE(m_panel->ledgerServer(), u"boss"_s);
        QVERIFY(m_panel->ledgerView()->isVisible());
        WorkerLedgerModel *ledger = m_panel->ledgerModel();
        QTRY_COMPARE_WITH_TIMEOUT(ledger->rowCount(), 2, 10000);

        QString error;
        const QString db = m_cluster->server(u"boss"_s)->address(u"db_address"_s);
        auto client = uitest::client(u"boss"_s, db, &error);
        QVERIFY2(client, qPrintable(error));
        std::vector<std::string> payloads;
        for (int i = 0; i < 200; ++i)
            payloads.push_back(std::to_string(i));
        const auto replies = client->job("boss.echo", payloads);
        QVERIFY(replies);
        QCOMPARE(int(replies->size()), 200);
        // Both workers' rows add up to the job; each names its worker.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                quint64 done = 0;
                for (const WorkerLedger &e : ledger->ledger())
                    done += e.done;
                return done == 200;
            }(),
            10000);
        QStringList workers;
        for (int row = 0; row < ledger->rowCount(); ++row)
            workers << ledger->index(row, WorkerLedgerModel::WorkerColumn).data().toString();
        QCOMPARE(workers, (QStringList{u"hand-1"_s, u"hand-2"_s}));
        QCOMPARE(ledger->index(0, WorkerLedgerModel::StatusColumn).data().toString(), u"active"_s);
        // Latency per worker, where the engine measures it.
        if (WorkerLedgerModel::hasLatency()) {
            QVERIFY(!m_panel->ledgerView()->isColumnHidden(WorkerLedgerModel::P99Column));
            for (int row = 0; row < ledger->rowCount(); ++row) {
                if (ledger->ledger().at(row).done == 0)
                    continue;
                const QString p50 =
                    ledger->index(row, WorkerLedgerModel::P50Column).data().toString();
                QVERIFY2(p50.endsWith(u"µs"_s) || p50.endsWith(u"ms"_s) || p50.endsWith(u" s"_s),
                         qPrintable(p50));
            }
        }

        // Under QPALM_SCREENSHOT_DIR (xvfb-run), the panel with its grouped replicas and ledger.
        if (const QString dir = qEnvironmentVariable("QPALM_SCREENSHOT_DIR"); !dir.isEmpty()) {
            m_panel->resize(980, 420);
            QTest::qWait(1200); // a few stats samples for the sparklines
            QVERIFY(m_panel->grab().save(dir + u"/cluster-panel.png"_s));
        }

        // A worker's row shows its master's ledger too; a stopped worker turns gone.
        m_panel->selectServer(u"hand-2"_s);
        QCOMPARE(m_panel->ledgerServer(), u"boss"_s);
        m_panel->stopServers({u"hand-2"_s});
        QTRY_COMPARE_WITH_TIMEOUT(
            ledger->index(1, WorkerLedgerModel::StatusColumn).data().toString(), u"gone"_s, 10000);
    }

private:
    std::unique_ptr<Cluster> m_cluster;
    std::unique_ptr<ClusterPanel> m_panel;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_MAIN(TestClusterTree)
#include "tst_clustertree.moc"
