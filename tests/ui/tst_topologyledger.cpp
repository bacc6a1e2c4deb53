// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// TopologyView: the reliable path's ledger on master -> worker edges, from a real master and
// worker threads (in flight, done, requeued, a worker gone), and labels that still never overlap.
#include "topologyledger.h"
#include "topologyview.h"

#include "cluster.h"
#include "clustermodel.h"
#include "serverhandle.h"
#include "uitestutil.h"

#include <QRegularExpression>
#include <QTest>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

using namespace qpalm;
using namespace Qt::StringLiterals;

namespace {
// The master's ledger entry of worker (merged over its connections, as the view does).
std::optional<WorkerLedger> ledgerOf(Cluster &cluster, const QString &master, const QString &worker)
{
    return topologyledger::entryOf(cluster.server(master)->stats().ledger, worker);
}

} // namespace

class TestTopologyLedger : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void entriesMergeAndRead();
    void ledgerOnWorkerEdges();
};

void TestTopologyLedger::entriesMergeAndRead()
{
    // A worker that joined twice: the old connection gone, the new one live.
    WorkerLedger old;
    old.worker = u"w-1"_s;
    old.done = 40;
    old.requeued = 3;
    old.duplicatesDropped = 2;
    old.inFlight = 5; // taken back when it went: not in flight any more
    old.gone = true;
    old.lastSeenMsecs = 1000;
    WorkerLedger now = old;
    now.done = 7;
    now.requeued = 0;
    now.duplicatesDropped = 1;
    now.inFlight = 4;
    now.credit = 96;
    now.gone = false;
    now.lastSeenMsecs = 5000;
    WorkerLedger other;
    other.worker = u"w-2"_s;
    const auto merged = topologyledger::entryOf({old, other, now}, u"w-1"_s);
    QVERIFY(merged);
    QCOMPARE(merged->done, quint64(47));
    QCOMPARE(merged->requeued, quint64(3));
    QCOMPARE(merged->duplicatesDropped, quint64(3));
    QCOMPARE(merged->inFlight, qint64(4));
    QCOMPARE(merged->credit, 96);
    QCOMPARE(merged->lastSeenMsecs, qint64(5000));
    QVERIFY(!merged->gone);
    QVERIFY(!topologyledger::entryOf({other}, u"w-1"_s));
    QVERIFY(topologyledger::entryOf({old}, u"w-1"_s)->gone);
    QCOMPARE(topologyledger::entryOf({old}, u"w-1"_s)->inFlight, qint64(0));

    QCOMPARE(topologyledger::label(*merged, u"12/s"_s, {}),
             u"12/s · 4 in flight\n3 requeued · 3 dup dropped"_s);
    QCOMPARE(topologyledger::label(other, u"0/s"_s, u"p50 1.0 ms · p99 2.0 ms"_s),
             u"0/s · 0 in flight\np50 1.0 ms · p99 2.0 ms"_s);
    QCOMPARE(topologyledger::label(old, u"0/s"_s, {}), u"gone\n3 requeued · 2 dup dropped"_s);
    // Latency: the live connection's, in µs below a millisecond.
    QCOMPARE(topologyledger::durationText(850), u"850 µs"_s);
    QCOMPARE(topologyledger::durationText(2540), u"2.5 ms"_s);
    QCOMPARE(topologyledger::durationText(12400), u"12 ms"_s);
    old.latencyP50Us = 9000;
    old.latencyP99Us = 90000;
    now.latencyP50Us = 850;
    now.latencyP99Us = 2540;
    const auto timed = topologyledger::entryOf({old, now}, u"w-1"_s);
    QCOMPARE(topologyledger::latencyText(*timed), u"p50 850 µs · p99 2.5 ms"_s);
    QCOMPARE(topologyledger::label(*timed, u"3/s"_s, topologyledger::latencyText(*timed)),
             u"3/s · 4 in flight\n3 requeued · 3 dup dropped\np50 850 µs · p99 2.5 ms"_s);
    QCOMPARE(topologyledger::latencyText(other), QString()); // not measured yet
    const QString tip = topologyledger::toolTip(u"m"_s, *merged, 6500);
    QVERIFY2(tip.contains(u"47 done, 4 in flight, credit 96"_s), qPrintable(tip));
    QVERIFY2(tip.contains(u"Last heard 1.5 s ago"_s), qPrintable(tip));
}

void TestTopologyLedger::ledgerOnWorkerEdges()
{
    // A reliable master with 8 worker threads whose handler takes a little time, so they hold
    // messages when one of them is stopped mid-job.
    auto handlers = std::make_shared<NativeHandlers>();
    handlers->add("work", [](ServerContext &context, const std::string &payload) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return std::optional<std::string>(context.serverName().toStdString() + ":" + payload);
    });
    const QString set = uitest::registerHandlers(handlers);
    Cluster cluster;
    ServerConfig master = uitest::master(u"m"_s);
    master.nativeHandlers = set;
    cluster.addServers({master});
    QVERIFY(qpalm::startAndWait(cluster.server(u"m"_s), 15000));
    const QString db = cluster.server(u"m"_s)->address(u"db_address"_s);
    ServerConfig workers = uitest::worker(u"w"_s, db, 8);
    workers.nativeHandlers = set;
    cluster.addServers({workers});
    QVERIFY(uitest::startAllAndWait(cluster));
    QVERIFY(!cluster.server(u"m"_s)->address(u"worker_reliable_address"_s).isEmpty());
    for (int i = 1; i <= 8; ++i)
        QTRY_VERIFY_WITH_TIMEOUT(ledgerOf(cluster, u"m"_s, u"w-%1"_s.arg(i)), 10000);

    ClusterModel model;
    model.setCluster(&cluster);
    TopologyView view;
    view.setModel(&model);
    view.resize(900, 620);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // Every worker's edge reads the ledger before any traffic.
    for (int i = 1; i <= 8; ++i)
        QTRY_VERIFY2(view.edgeLabel(u"m"_s, u"w-%1"_s.arg(i)).contains(u"0 in flight"_s),
                     qPrintable(view.edgeLabel(u"m"_s, u"w-%1"_s.arg(i))));

    // A job of 1,200 messages; w-1 is stopped after 300 replies, holding messages it had taken.
    QString error;
    auto client = uitest::client(u"m"_s, db, &error);
    QVERIFY2(client, qPrintable(error));
    ServerHandle *leaving = cluster.server(u"w-1"_s);
    int sent = 0;
    int replies = 0;
    std::set<std::string> seen;
    const bool ok = client->job(
        "m.work",
        [&](std::string &payload) {
            if (sent == 1200)
                return false;
            payload = std::to_string(sent++);
            return true;
        },
        [&](std::string &&reply) {
            seen.insert(reply.substr(reply.find(':') + 1));
            if (++replies == 300)
                leaving->stop();
        });
    QVERIFY2(ok, client->lastError().c_str());
    QCOMPARE(seen.size(), std::size_t(1200));

    // w-1 is gone, drawn as such, and its label says what was taken back from it.
    QTRY_VERIFY_WITH_TIMEOUT(ledgerOf(cluster, u"m"_s, u"w-1"_s)->gone, 10000);
    const WorkerLedger gone = *ledgerOf(cluster, u"m"_s, u"w-1"_s);
    QTRY_VERIFY2(view.isEdgeGone(u"m"_s, u"w-1"_s), qPrintable(view.edgeLabel(u"m"_s, u"w-1"_s)));
    const QString goneLabel = view.edgeLabel(u"m"_s, u"w-1"_s);
    QVERIFY2(goneLabel.startsWith(u"gone"_s), qPrintable(goneLabel));
    QVERIFY2(gone.requeued > 0, "w-1 held nothing when it was stopped");
    QCOMPARE(uitest::numberBefore(goneLabel, u"requeued"_s), qint64(gone.requeued));
    QVERIFY(!view.isEdgeGone(u"m"_s, u"w-2"_s));

    // The others: nothing in flight after the job, and their tooltips' done counts add up to
    // every message (w-1's included, counted before it left).
    quint64 done = 0;
    for (int i = 1; i <= 8; ++i) {
        const QString worker = u"w-%1"_s.arg(i);
        QTRY_VERIFY_WITH_TIMEOUT(ledgerOf(cluster, u"m"_s, worker)->inFlight == 0, 5000);
        const quint64 real = ledgerOf(cluster, u"m"_s, worker)->done;
        QTRY_COMPARE(uitest::numberBefore(view.edgeToolTip(u"m"_s, worker), u"done"_s),
                     qint64(real));
        if (i > 1)
            QVERIFY2(view.edgeLabel(u"m"_s, worker).contains(u"0 in flight"_s),
                     qPrintable(view.edgeLabel(u"m"_s, worker)));
        done += real;
    }
    QCOMPARE(done, quint64(1200));

    // Latency is measured per worker by the master (dispatch -> ack): each running worker's edge
    // shows its p50/p99, and a 2 ms handler cannot answer faster than that.
    for (int i = 2; i <= 8; ++i) {
        const QString worker = u"w-%1"_s.arg(i);
        QTRY_VERIFY2(
            [&] {
                const auto entry = ledgerOf(cluster, u"m"_s, worker);
                return entry && entry->latencyP50Us > 0 &&
                       view.edgeLabel(u"m"_s, worker)
                           .endsWith(u'\n' + topologyledger::latencyText(*entry));
            }(),
            qPrintable(view.edgeLabel(u"m"_s, worker)));
        const WorkerLedger entry = *ledgerOf(cluster, u"m"_s, worker);
        QVERIFY2(entry.latencyP50Us >= 2000 && entry.latencyP99Us >= entry.latencyP50Us,
                 qPrintable(topologyledger::latencyText(entry)));
    }

    // Labels never overlap each other or a node, with the ledger on 8 worker edges.
    const QList<QRectF> labels = view.edgeLabelRects();
    QVERIFY(labels.size() >= 9);
    for (int i = 0; i < labels.size(); ++i) {
        for (int j = i + 1; j < labels.size(); ++j)
            QVERIFY2(!labels[i].intersects(labels[j]),
                     qPrintable(u"labels %1 and %2 overlap"_s.arg(i).arg(j)));
    }
    for (const QString &name : view.nodeNames()) {
        const QPointF centre = view.mapToScene(view.nodeViewPosition(name));
        for (const QRectF &label : labels)
            QVERIFY2(!label.contains(centre), qPrintable(name));
    }
    if (const QString dir = qEnvironmentVariable("QPALM_SCREENSHOT_DIR"); !dir.isEmpty()) {
        // Mid-job, for the eye: a client thread keeps the workers busy while the view updates.
        std::atomic<bool> done{false};
        std::thread load([&] {
            QString why;
            auto busy = uitest::client(u"m"_s, db, &why);
            if (busy) {
                std::vector<std::string> payloads(6000, "x");
                (void)busy->job("m.work", payloads);
            }
            done = true;
        });
        view.fitToView();
        QTest::qWait(1300);
        const bool saved = view.grab().save(dir + u"/topology-ledger.png"_s);
        load.join();
        QVERIFY(saved && done);
    }
}

QTEST_MAIN(TestTopologyLedger)
#include "tst_topologyledger.moc"
