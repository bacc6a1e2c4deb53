// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// TopologyView: edges from the servers' addresses, live state on nodes, clicks pick a server.
#include "topologylayout.h"
#include "topologyview.h"

#include "cluster.h"
#include "clustermodel.h"
#include "serverhandle.h"
#include "uitestutil.h"

#include <QSignalSpy>
#include <QTest>

using namespace qpalm;
using Edge = TopologyView::Edge;
using Kind = TopologyView::EdgeKind;
using namespace Qt::StringLiterals;

namespace {
ServerConfig entry(ServerKind kind, const QString &name, int port)
{
    ServerConfig c;
    c.kind = kind;
    c.name = name;
    const auto at = [](int p) { return QStringLiteral("tcp://127.0.0.1:%1").arg(p); };
    c.dbAddress = at(port);
    if (kind == ServerKind::Server || kind == ServerKind::Master)
        c.pullAddress = at(port + 1);
    if (kind != ServerKind::Worker)
        c.pubAddress = at(port + 2);
    if (kind == ServerKind::Master || kind == ServerKind::Hub) {
        c.workerPullAddress = at(port + 3);
        c.workerPushAddress = at(port + 4);
    }
    return c;
}
} // namespace

class TestTopology : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void layoutIsColumnsByForwardPath();
    void masterWorkersPipeline();
    void fanOutToSink();
    void wildcardHostsMatch();
    void liveStateAndClicks();
    void eightWorkersScale();
    void hostsAreGroups();
};

namespace {
// The edges a topology view draws for cluster (the engine's graph without cache lookups).
QList<Edge> drawnEdges(Cluster &cluster)
{
    ClusterModel model;
    model.setCluster(&cluster);
    TopologyView view;
    view.setModel(&model);
    return view.edges();
}
} // namespace

void TestTopology::layoutIsColumnsByForwardPath()
{
    const QString c = u"clients"_s;
    const QList<Edge> edges{{c, u"m"_s, Kind::Request},      {u"m"_s, u"w1"_s, Kind::Task},
                            {u"w1"_s, u"m"_s, Kind::Result}, {u"m"_s, u"w2"_s, Kind::Task},
                            {u"w2"_s, u"m"_s, Kind::Result}, {u"m"_s, u"p"_s, Kind::Stream},
                            {u"p"_s, c, Kind::Reply},        {u"ghost"_s, u"p"_s, Kind::Stream}};
    const QStringList servers{u"m"_s, u"w1"_s, u"w2"_s, u"p"_s, u"lone"_s};
    const QHash<QString, QPointF> at = layoutTopology(servers, edges, c);
    QCOMPARE(at.size(), 6); // the clients and every server, nothing for unknown names
    QCOMPARE(at.value(c), QPointF(0, 0));
    // Columns: clients, then m (and the unconnected server), then its workers, then the stage it
    // feeds (a column after the workers); back edges do not move anything.
    QCOMPARE(at.value(u"m"_s).x(), at.value(u"lone"_s).x());
    QVERIFY(at.value(u"m"_s).x() > 0);
    QCOMPARE(at.value(u"w1"_s).x(), at.value(u"w2"_s).x());
    const qreal gap = at.value(u"w1"_s).x() - at.value(u"m"_s).x();
    QVERIFY(gap > 0);
    QCOMPARE(at.value(u"p"_s).x() - at.value(u"w1"_s).x(), gap);
    // Rows centred on 0 in the given order.
    QCOMPARE(at.value(u"w1"_s).y(), -at.value(u"w2"_s).y());
    QVERIFY(at.value(u"w1"_s).y() < 0);
    QCOMPARE(at.value(u"m"_s).y(), -at.value(u"lone"_s).y());
    QCOMPARE(at.value(u"p"_s).y(), 0.0);
    // Pure: the same input gives the same output.
    QCOMPARE(layoutTopology(servers, edges, c), at);
    // Without workers, a stage follows its publisher directly.
    const QHash<QString, QPointF> chain = layoutTopology(
        {u"a"_s, u"b"_s}, {{c, u"a"_s, Kind::Request}, {u"a"_s, u"b"_s, Kind::Stream}}, c);
    QCOMPARE(chain.value(u"b"_s).x() - chain.value(u"a"_s).x(), gap);
}

void TestTopology::masterWorkersPipeline()
{
    // Nothing is started: edges come from the configured addresses alone.
    Cluster cluster;
    ServerConfig m = entry(ServerKind::Master, QStringLiteral("m"), 41000);
    m.pipelined = true;
    ServerConfig w = entry(ServerKind::Worker, QStringLiteral("w"), 0);
    w.dbAddress = m.dbAddress;
    w.replicas = 2;
    ServerConfig p = entry(ServerKind::Pipeline, QStringLiteral("p"), 41010);
    p.subAddress = m.pubAddress;
    p.previous = {QStringLiteral("m")};
    cluster.addServers({m, w, p});

    const QString c = TopologyView::clientNodeName();
    const QList<Edge> edges = drawnEdges(cluster);
    const QList<Edge> expected{
        {c, u"m"_s, Kind::Request},       {u"m"_s, u"w-1"_s, Kind::Task},
        {u"w-1"_s, u"m"_s, Kind::Result}, {u"m"_s, u"w-2"_s, Kind::Task},
        {u"w-2"_s, u"m"_s, Kind::Result}, {u"m"_s, u"p"_s, Kind::Stream, u"m"_s},
        {u"p"_s, c, Kind::Reply},
    };
    QCOMPARE(edges, expected);

    ClusterModel model;
    model.setCluster(&cluster);
    TopologyView view;
    view.setModel(&model);
    QCOMPARE(view.nodeNames(), (QStringList{c, u"m"_s, u"p"_s, u"w-1"_s, u"w-2"_s}));
    QCOMPARE(view.edges(), expected);
    QTRY_VERIFY(view.nodeText(QStringLiteral("w-1")).contains(QStringLiteral("worker · stopped")));
    // Flow left to right: clients, master, workers, then the pipeline after them.
    view.resize(900, 500);
    const int xc = view.nodeViewPosition(c).x();
    const int xm = view.nodeViewPosition(QStringLiteral("m")).x();
    const int xw = view.nodeViewPosition(QStringLiteral("w-1")).x();
    const int xp = view.nodeViewPosition(QStringLiteral("p")).x();
    QVERIFY(xc < xm && xm < xw && xw < xp);
    QCOMPARE(view.nodeViewPosition(QStringLiteral("w-2")).x(), xw);

    // Rows follow the cluster.
    QVERIFY(cluster.removeReplica(QStringLiteral("w")));
    QVERIFY(!view.nodeNames().contains(QStringLiteral("w-2")));
    QVERIFY(!view.edges().contains(Edge{u"m"_s, u"w-2"_s, Kind::Task}));
}

void TestTopology::fanOutToSink()
{
    Cluster cluster;
    ServerConfig s = entry(ServerKind::Server, QStringLiteral("s"), 42000);
    s.pipelined = true;
    ServerConfig even = entry(ServerKind::Pipeline, QStringLiteral("even"), 42010);
    even.subAddress = s.pubAddress;
    ServerConfig odd = entry(ServerKind::Pipeline, QStringLiteral("odd"), 42020);
    odd.subAddress = s.pubAddress;
    ServerConfig sink = entry(ServerKind::Sink, QStringLiteral("sink"), 42030);
    sink.subAddresses = {even.pubAddress, odd.pubAddress};
    ServerConfig lonely = entry(ServerKind::Pipeline, QStringLiteral("lonely"), 42040);
    lonely.subAddress = QStringLiteral("tcp://127.0.0.1:1");
    cluster.addServers({s, even, odd, sink, lonely});

    const QList<Edge> edges = drawnEdges(cluster);
    QVERIFY(edges.contains(Edge{u"s"_s, u"even"_s, Kind::Stream}));
    QVERIFY(edges.contains(Edge{u"s"_s, u"odd"_s, Kind::Stream}));
    QVERIFY(edges.contains(Edge{u"even"_s, u"sink"_s, Kind::Stream}));
    QVERIFY(edges.contains(Edge{u"odd"_s, u"sink"_s, Kind::Stream}));
    QVERIFY(edges.contains(Edge{u"sink"_s, TopologyView::clientNodeName(), Kind::Reply}));
    QVERIFY(!edges.contains(Edge{u"s"_s, TopologyView::clientNodeName(), Kind::Reply}));
    QVERIFY(!edges.contains(Edge{u"even"_s, TopologyView::clientNodeName(), Kind::Reply}));
    for (const Edge &e : edges)
        QVERIFY2(e.to != QStringLiteral("lonely") || e.kind != Kind::Stream,
                 "nothing publishes where lonely listens");
}

void TestTopology::wildcardHostsMatch()
{
    Cluster cluster;
    ServerConfig m = entry(ServerKind::Master, QStringLiteral("m"), 43000);
    m.dbAddress = QStringLiteral("tcp://*:43000");
    m.pubAddress = QStringLiteral("tcp://0.0.0.0:43002");
    ServerConfig w = entry(ServerKind::Worker, QStringLiteral("w"), 0);
    w.dbAddress = QStringLiteral("tcp://localhost:43000");
    ServerConfig p = entry(ServerKind::Pipeline, QStringLiteral("p"), 43010);
    p.subAddress = QStringLiteral("tcp://127.0.0.1:43002");
    ServerConfig other = entry(ServerKind::Pipeline, QStringLiteral("other"), 43020);
    other.subAddress = QStringLiteral("tcp://127.0.0.1:43003");
    cluster.addServers({m, w, p, other});
    const QList<Edge> edges = drawnEdges(cluster);
    QVERIFY(edges.contains(Edge{u"m"_s, u"w"_s, Kind::Task}));
    QVERIFY(edges.contains(Edge{u"m"_s, u"p"_s, Kind::Stream}));
    QVERIFY(!edges.contains(Edge{u"m"_s, u"other"_s, Kind::Stream}));
}

void TestTopology::liveStateAndClicks()
{
    Cluster cluster;
    cluster.addServers({uitest::master(QStringLiteral("m"))});
    QVERIFY(qpalm::startAndWait(cluster.server(QStringLiteral("m")), 15000));
    const QString db = cluster.server(QStringLiteral("m"))->address(QStringLiteral("db_address"));
    cluster.addServers({uitest::worker(QStringLiteral("w"), db, 1)});
    ServerConfig clash = uitest::server(QStringLiteral("bad"));
    clash.pubAddress = cluster.server(QStringLiteral("m"))->address(QStringLiteral("pub_address"));
    cluster.addServers({clash});
    QVERIFY(!uitest::startAllAndWait(cluster));

    ClusterModel model;
    model.setCluster(&cluster);
    TopologyView view;
    view.setModel(&model);
    view.resize(800, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    // Wildcard ports resolved: the worker is linked to its master through the resolved db address.
    QVERIFY(view.edges().contains(Edge{u"m"_s, u"w"_s, Kind::Task}));
    QTRY_VERIFY(view.nodeText(QStringLiteral("m")).contains(QStringLiteral("running")));
    QTRY_VERIFY(view.nodeText(QStringLiteral("bad")).contains(QStringLiteral("failed")));
    QVERIFY(view.edgeLabel(QStringLiteral("m"), QStringLiteral("w")).startsWith(u"0/s"_s));
    QCOMPARE(view.edgeLabel(TopologyView::clientNodeName(), QStringLiteral("bad")), QString());

    QSignalSpy activated(&view, &TopologyView::serverActivated);
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {},
                      view.nodeViewPosition(QStringLiteral("w")));
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.last().at(0).toString(), QStringLiteral("w"));
    QCOMPARE(view.highlightedServer(), QStringLiteral("w"));
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(2, 2));
    QCOMPARE(activated.size(), 2);
    QCOMPARE(activated.last().at(0).toString(), QString());

    cluster.server(QStringLiteral("w"))->stop();
    QTRY_VERIFY(view.nodeText(QStringLiteral("w")).contains(QStringLiteral("stopped")));
    // Its master's ledger says it left (it said goodbye): the edge is drawn as gone.
    QTRY_COMPARE(view.edgeLabel(QStringLiteral("m"), QStringLiteral("w")), u"gone"_s);
    QVERIFY(view.isEdgeGone(u"m"_s, u"w"_s));
}

void TestTopology::eightWorkersScale()
{
    // A master with 8 worker replicas and a stage after it, all running.
    Cluster cluster;
    cluster.addServers({uitest::master(QStringLiteral("m"))});
    QVERIFY(qpalm::startAndWait(cluster.server(QStringLiteral("m")), 15000));
    const QString db = cluster.server(QStringLiteral("m"))->address(QStringLiteral("db_address"));
    cluster.addServers({uitest::worker(QStringLiteral("w"), db, 8)});
    QVERIFY(uitest::startAllAndWait(cluster));

    ClusterModel model;
    model.setCluster(&cluster);
    TopologyView view;
    view.setModel(&model);
    view.resize(700, 420);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    int tasks = 0;
    for (const Edge &e : view.edges())
        tasks += e.kind == Kind::Task ? 1 : 0;
    QCOMPARE(tasks, 8);
    view.setEdgeLatency(TopologyView::clientNodeName(), u"m"_s, 2.54, 9.0);
    QTRY_COMPARE(view.edgeLabelRects().size(), 10); // request, 8 tasks, reply

    // No two labels overlap, and none sits on a node.
    const QList<QRectF> labels = view.edgeLabelRects();
    for (int i = 0; i < labels.size(); ++i) {
        for (int j = i + 1; j < labels.size(); ++j)
            QVERIFY2(!labels[i].intersects(labels[j]),
                     qPrintable(QStringLiteral("labels %1 and %2 overlap").arg(i).arg(j)));
    }
    const QStringList names = view.nodeNames();
    for (const QString &name : names) {
        const QPointF centre = view.mapToScene(view.nodeViewPosition(name));
        for (const QRectF &label : labels)
            QVERIFY2(!label.contains(centre), qPrintable(name));
    }
    // Latency where it is measured: clients -> entry.
    QVERIFY2(view.edgeLabel(TopologyView::clientNodeName(), u"m"_s)
                 .contains(QStringLiteral("p50 2.5 ms · p99 9.0 ms")),
             qPrintable(view.edgeLabel(TopologyView::clientNodeName(), u"m"_s)));

    // Zoom: buttons, keys and Ctrl+wheel; Fit brings the whole graph back.
    const qreal fitted = view.zoomFactor();
    view.zoomIn();
    QCOMPARE(view.zoomFactor(), fitted * 1.25);
    QTest::keyClick(&view, Qt::Key_Minus);
    QVERIFY(qAbs(view.zoomFactor() - fitted) < 1e-9);
    const QPoint middle = view.viewport()->rect().center();
    QWheelEvent wheel(middle, view.viewport()->mapToGlobal(middle), QPoint(), QPoint(0, 240),
                      Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(view.viewport(), &wheel);
    QVERIFY(qAbs(view.zoomFactor() - fitted * 1.5625) < 1e-9);
    // Zoomed in, a resize keeps the zoom; Fit fits again.
    view.resize(720, 430);
    QVERIFY(qAbs(view.zoomFactor() - fitted * 1.5625) < 1e-9);
    QTest::keyClick(&view, Qt::Key_0);
    QVERIFY(view.zoomFactor() <= 1.0);
    const QRectF visible = view.mapToScene(view.viewport()->rect()).boundingRect();
    QVERIFY(visible.adjusted(-1, -1, 1, 1).contains(view.scene()->itemsBoundingRect()));

    // The legend names the edge kinds and the states, inside the view.
    QVERIFY(TopologyView::legendEntries().contains(QStringLiteral("task / result")));
    QVERIFY(TopologyView::legendEntries().contains(QStringLiteral("failed")));
    QVERIFY(view.viewport()->rect().contains(view.legendRect()));
    if (const QString dir = qEnvironmentVariable("QPALM_SCREENSHOT_DIR"); !dir.isEmpty()) {
        view.resize(900, 620);
        view.fitToView();
        QTest::qWait(400);
        QVERIFY(view.grab().save(dir + u"/topology-8workers.png"_s));
    }
    view.setLegendVisible(false);
    QVERIFY(view.legendRect().isEmpty());
}

void TestTopology::hostsAreGroups()
{
    // Local servers share "this machine"; a server bound on another host is its own group.
    Cluster cluster;
    ServerConfig local = entry(ServerKind::Server, u"local"_s, 41000);
    ServerConfig remote = entry(ServerKind::Master, u"remote"_s, 41100);
    for (QString *address : {&remote.dbAddress, &remote.pullAddress, &remote.pubAddress,
                             &remote.workerPullAddress, &remote.workerPushAddress})
        address->replace(u"127.0.0.1"_s, u"10.20.30.40"_s);
    ServerConfig w = entry(ServerKind::Worker, u"w"_s, 0);
    w.dbAddress = remote.dbAddress;
    cluster.addServers({local, remote, w});
    ClusterGraph graph(QList<ServerConfig>{local, remote, w});
    QCOMPARE(graph.hostOf(u"local"_s), QString());
    QCOMPARE(graph.hostOf(u"remote"_s), u"10.20.30.40"_s);
    QCOMPARE(graph.hostOf(u"w"_s), QString()); // a worker only connects

    ClusterModel model;
    model.setCluster(&cluster);
    TopologyView view;
    view.setModel(&model);
    const QMap<QString, QStringList> groups = view.hostGroups();
    QCOMPARE(groups.size(), 2);
    QCOMPARE(groups.value(TopologyView::thisMachine()), (QStringList{u"local"_s, u"w"_s}));
    QCOMPARE(groups.value(u"10.20.30.40"_s), QStringList{u"remote"_s});
}

QTEST_MAIN(TestTopology)
#include "tst_topology.moc"
