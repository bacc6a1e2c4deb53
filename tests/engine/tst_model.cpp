// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The model of a cluster: server-kind traits, endpoints, the cluster graph, replica membership
// and cluster-file checks (duplicate keys, name clashes, a large file in linear time).

#include "cluster.h"
#include "clusterfile.h"
#include "clustergraph.h"
#include "endpoint.h"
#include "handlewait.h"
#include "localendpoints.h"
#include "serverconfig.h"
#include "serverhandle.h"
#include "servertraits.h"
#include "zmqsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSet>
#include <QtTest>

using namespace qpalm;
using namespace Qt::StringLiterals;

using Edge = ClusterGraph::Edge;
using Kind = ClusterGraph::EdgeKind;

namespace {

QString sourceDir()
{
    return qEnvironmentVariable("QPALM_SOURCE_DIR");
}

QList<ServerConfig> loadExample(const QString &relative)
{
    ClusterError error;
    const auto configs = loadClusterFile(sourceDir() + u'/' + relative, &error);
    if (!configs) {
        qWarning("%s", qPrintable(error.toString(relative)));
        return {};
    }
    return *configs;
}

ServerConfig worker(const QString &name, const QString &db, int replicas = 1)
{
    ServerConfig w;
    w.kind = ServerKind::Worker;
    w.name = name;
    w.dbAddress = db;
    w.replicas = replicas;
    return w;
}

ServerConfig master(const QString &name, int port)
{
    ServerConfig m;
    m.kind = ServerKind::Master;
    m.name = name;
    const auto at = [port](int offset) {
        return QStringLiteral("tcp://127.0.0.1:%1").arg(port + offset);
    };
    m.dbAddress = at(0);
    m.pullAddress = at(1);
    m.pubAddress = at(2);
    m.workerPullAddress = at(3);
    m.workerPushAddress = at(4);
    return m;
}

QStringList names(const QList<ServerHandle *> &servers)
{
    QStringList out;
    for (const ServerHandle *server : servers)
        out << server->name();
    return out;
}

Endpoint ep(const char *text)
{
    QString error;
    const auto e = Endpoint::parse(QString::fromLatin1(text), &error);
    if (!e)
        qFatal("bad endpoint in test %s: %s", text, qPrintable(error));
    return *e;
}

} // namespace

class TestModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void traitsTable();
    void traitsDriveConfig();
    void endpointParse_data();
    void endpointParse();
    void endpointCompare();
    void endpointReachableFrom();
    void endpointInprocAlias();
    void twinsAcceptEverySpelling();
    void graphOfDemo();
    void graphOfExamples_data();
    void graphOfExamples();
    void graphHubAndSink();
    void graphOfRunningCluster();
    void replicaMembershipIsExplicit();
    void replicaNameClashIsAnError();
    void writtenBackAsOneEntry();
    void duplicateKeys();
    void deliverySettings();
    void largeFileIsLinear();
};

void TestModel::traitsTable()
{
    const QList<ServerKindTraits> &all = allKindTraits();
    QCOMPARE(all.size(), 7); // pylm's six and process
    QSet<QString> seen;
    for (qsizetype i = 0; i < all.size(); ++i) {
        const ServerKindTraits &t = all.at(i);
        QCOMPARE(qsizetype(t.kind), i);
        QCOMPARE(&traitsOf(t.kind), &t);
        QVERIFY(!seen.contains(QString(t.name)));
        seen.insert(QString(t.name));
        QVERIFY(parseKind(QString(t.name).toUpper()) == t.kind);
        QCOMPARE(kindName(t.kind), QString(t.name));
        QVERIFY(t.takes(ClusterField::Kind) && t.takes(ClusterField::Name));
        for (ClusterField field : t.required)
            QVERIFY2(t.takes(field), qPrintable(QString(fieldName(field))));
        for (const SocketTraits &socket : t.sockets) {
            QVERIFY(t.takes(socket.address));
            // Everything a server binds is required: it cannot bind nothing.
            if (socket.binds)
                QVERIFY(t.needs(socket.address));
        }
        QCOMPARE(t.hasWorkers, t.kind == ServerKind::Master || t.kind == ServerKind::Hub);
        const bool external = t.kind == ServerKind::Process; // a command of the user's
        QCOMPARE(t.servesCache, t.kind != ServerKind::Worker && !external);
        QCOMPARE(t.bindsClientPull, t.kind == ServerKind::Server || t.kind == ServerKind::Master);
        QCOMPARE(t.subscribes, t.kind == ServerKind::Hub || t.kind == ServerKind::Pipeline ||
                                   t.kind == ServerKind::Sink);
        QCOMPARE(t.takesReplicas, t.kind == ServerKind::Worker || external);
        QCOMPARE(t.takes(ClusterField::Replicas), t.takesReplicas);
        QVERIFY(external || t.presetCacheKeys.contains(QStringLiteral("name")));
        for (ClusterField field : t.boundFields())
            QVERIFY(t.presetCacheKeys.contains(QString(fieldName(field))));
        // Binding kinds start first, subscribers next, workers last.
        const int rank = t.kind == ServerKind::Worker || external                       ? 2
                         : t.kind == ServerKind::Pipeline || t.kind == ServerKind::Sink ? 1
                                                                                        : 0;
        QCOMPARE(t.startRank, rank);
    }
    QCOMPARE(kindNameList(),
             QStringLiteral("server, master, hub, worker, pipeline, sink or process"));
    for (int f = int(ClusterField::Kind); f <= int(ClusterField::Attach); ++f) {
        const auto field = ClusterField(f);
        QVERIFY(fieldFromName(QString(fieldName(field))) == field);
    }
    QVERIFY(!fieldFromName(u"dbaddress"));
    QCOMPARE(traitsOf(ServerKind::Master).fieldList(),
             QStringLiteral("kind, name, db_address, pull_address, pub_address, "
                            "worker_pull_address, worker_push_address, pipelined, delivery, "
                            "log_level, script, limits, run, restart, attach"));
}

void TestModel::traitsDriveConfig()
{
    ServerConfig m = master(QStringLiteral("m"), 5000);
    QCOMPARE(m.boundAddresses(), (QStringList{u"tcp://127.0.0.1:5000"_s, u"tcp://127.0.0.1:5001"_s,
                                              u"tcp://127.0.0.1:5002"_s, u"tcp://127.0.0.1:5003"_s,
                                              u"tcp://127.0.0.1:5004"_s}));
    ServerConfig w = worker(QStringLiteral("w"), m.dbAddress);
    w.workerPushAddress = m.workerPushAddress;
    QVERIFY(w.boundAddresses().isEmpty());
    QCOMPARE(w.namedAddresses().size(), 2);
    *addressIn(w, ClusterField::SubAddress) = QStringLiteral("ipc:///tmp/x");
    QCOMPARE(addressOf(w, ClusterField::SubAddress), QStringLiteral("ipc:///tmp/x"));
    QVERIFY(!addressIn(w, ClusterField::Previous));
}

void TestModel::endpointParse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("normalized");
    QTest::newRow("loopback") << u"tcp://127.0.0.1:5555"_s << true << u"tcp://127.0.0.1:5555"_s;
    QTest::newRow("localhost") << u"tcp://LocalHost:5555"_s << true << u"tcp://127.0.0.1:5555"_s;
    QTest::newRow("star") << u"tcp://*:5555"_s << true << u"tcp://*:5555"_s;
    QTest::newRow("any v4") << u"tcp://0.0.0.0:5555"_s << true << u"tcp://*:5555"_s;
    QTest::newRow("any v6") << u"tcp://[::]:5555"_s << true << u"tcp://*:5555"_s;
    QTest::newRow("wildcard port") << u"tcp://127.0.0.1:*"_s << true << u"tcp://127.0.0.1:*"_s;
    QTest::newRow("host name") << u"tcp://Node-1.example.org:80"_s << true
                               << u"tcp://node-1.example.org:80"_s;
    QTest::newRow("v6 loopback") << u"tcp://[::1]:5555"_s << true << u"tcp://[::1]:5555"_s;
    QTest::newRow("source") << u"tcp://eth0;10.0.0.2:5555"_s << true
                            << u"tcp://eth0;10.0.0.2:5555"_s;
    QTest::newRow("ipc") << u"ipc:///tmp/qpalm"_s << true << u"ipc:///tmp/qpalm"_s;
    QTest::newRow("inproc") << u"inproc://x"_s << true << u"inproc://x"_s;
    QTest::newRow("no port") << u"tcp://127.0.0.1"_s << false << QString();
    QTest::newRow("port too big") << u"tcp://127.0.0.1:70000"_s << false << QString();
    QTest::newRow("port zero") << u"tcp://127.0.0.1:0"_s << false << QString();
    QTest::newRow("leading zero") << u"tcp://127.0.0.1:05"_s << false << QString();
    QTest::newRow("octet") << u"tcp://256.0.0.1:5"_s << false << QString();
    QTest::newRow("digits only") << u"tcp://1234:5"_s << false << QString();
    QTest::newRow("no host") << u"tcp://:5"_s << false << QString();
    QTest::newRow("space") << u"tcp://a b:5"_s << false << QString();
    QTest::newRow("scheme") << u"udp://h:1"_s << false << QString();
    QTest::newRow("one slash") << u"tcp:/x"_s << false << QString();
    QTest::newRow("empty ipc") << u"ipc://"_s << false << QString();
    QTest::newRow("empty") << QString() << false << QString();
}

void TestModel::endpointParse()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QString, normalized);
    QString error;
    const auto e = Endpoint::parse(text, &error);
    QCOMPARE(e.has_value(), valid);
    QCOMPARE(isValidAddress(text), valid && !text.contains(u';'));
    if (!valid) {
        QVERIFY(!error.isEmpty());
        return;
    }
    QVERIFY(error.isEmpty());
    QCOMPARE(e->toString(), text);
    QCOMPARE(e->normalized(), normalized);
    QCOMPARE(Endpoint::parse(e->normalized())->normalized(), normalized);
}

void TestModel::endpointCompare()
{
    QVERIFY(ep("tcp://localhost:5555").sameAs(ep("tcp://127.0.0.1:5555")));
    QVERIFY(ep("tcp://*:5555").sameAs(ep("tcp://0.0.0.0:5555")));
    QVERIFY(!ep("tcp://127.0.0.1:5555").sameAs(ep("tcp://127.0.0.1:5556")));
    QVERIFY(!ep("tcp://127.0.0.1:*").sameAs(ep("tcp://127.0.0.1:*")));
    QVERIFY(!ep("ipc://*").sameAs(ep("ipc://*")));
    QVERIFY(ep("ipc:///tmp/a").sameAs(ep("ipc:///tmp/a")));
    QVERIFY(!ep("ipc:///tmp/a").sameAs(ep("inproc:///tmp/a")));
    QVERIFY(ep("tcp://127.0.0.1:5555").port() == 5555 && ep("tcp://[::]:*").port() == 0);
    QVERIFY(ep("tcp://[::]:*").isWildcardPort() && ep("tcp://[::]:*").isAllInterfaces());

    // Binding both fails: one port on one host or on all interfaces.
    QVERIFY(ep("tcp://*:6002").conflictsWith(ep("tcp://localhost:6002")));
    QVERIFY(ep("tcp://10.0.0.1:6002").conflictsWith(ep("tcp://0.0.0.0:6002")));
    QVERIFY(!ep("tcp://10.0.0.1:6002").conflictsWith(ep("tcp://10.0.0.2:6002")));
    QVERIFY(!ep("tcp://*:*").conflictsWith(ep("tcp://*:*")));
    QVERIFY(ep("ipc:///tmp/x").conflictsWith(ep("ipc:///tmp/x")));
    QVERIFY(addressesConflict(u"tcp://*:6002"_s, u"tcp://localhost:6002"_s));
    QVERIFY(!addressesConflict(u"tcp://*:6002"_s, u"nonsense"_s));

    // A bound socket is reached by a connect to the same port on its host, or any host when it
    // listens on all interfaces.
    QVERIFY(ep("tcp://*:5555").reachedBy(ep("tcp://10.1.2.3:5555")));
    QVERIFY(ep("tcp://127.0.0.1:5555").reachedBy(ep("tcp://localhost:5555")));
    QVERIFY(!ep("tcp://127.0.0.1:5555").reachedBy(ep("tcp://10.1.2.3:5555")));
    QVERIFY(!ep("tcp://127.0.0.1:5555").reachedBy(ep("tcp://127.0.0.1:5556")));
    QVERIFY(!ep("tcp://127.0.0.1:*").reachedBy(ep("tcp://127.0.0.1:*")));
    QVERIFY(!ep("tcp://127.0.0.1:5555").reachedBy(ep("ipc://127.0.0.1:5555")));
}

void TestModel::endpointReachableFrom()
{
    // A server on all interfaces is reached on the host its cache was reached at.
    QCOMPARE(ep("tcp://0.0.0.0:6001").reachableFrom(ep("tcp://10.1.2.3:6000")).toString(),
             u"tcp://10.1.2.3:6001"_s);
    QCOMPARE(ep("tcp://*:6001").reachableFrom(ep("tcp://node.lan:6000")).toString(),
             u"tcp://node.lan:6001"_s);
    QCOMPARE(ep("tcp://[::]:6001").reachableFrom(ep("tcp://eth0;10.1.2.3:6000")).toString(),
             u"tcp://10.1.2.3:6001"_s);
    QCOMPARE(ep("tcp://*:6001").reachableFrom(ep("tcp://*:6000")).toString(),
             u"tcp://127.0.0.1:6001"_s);
    QCOMPARE(ep("tcp://192.168.0.9:6001").reachableFrom(ep("tcp://10.1.2.3:6000")).toString(),
             u"tcp://192.168.0.9:6001"_s);
    QCOMPARE(ep("ipc:///tmp/x").reachableFrom(ep("tcp://10.1.2.3:6000")).toString(),
             u"ipc:///tmp/x"_s);
    QCOMPARE(ep("tcp://*:6001").reachableFrom(ep("ipc:///tmp/db")).toString(), u"tcp://*:6001"_s);
    // The std::string form the servers and the client use.
    QCOMPARE(reachableFrom("tcp://0.0.0.0:6001", "tcp://10.1.2.3:6000"),
             std::string("tcp://10.1.2.3:6001"));
    QCOMPARE(reachableFrom("garbage", "tcp://10.1.2.3:6000"), std::string("garbage"));
}

void TestModel::endpointInprocAlias()
{
    const QString alias = ep("tcp://127.0.0.1:5555").inprocAlias();
    QVERIFY(alias.startsWith(QLatin1String("inproc://")));
    QVERIFY(!alias.contains(u'*'));
    QCOMPARE(ep("tcp://localhost:5555").inprocAlias(), alias);
    QCOMPARE(ep("tcp://*:5555").inprocAlias(), ep("tcp://0.0.0.0:5555").inprocAlias());
    QVERIFY(ep("tcp://*:5555").inprocAlias() != alias);
    QVERIFY(ep("tcp://127.0.0.1:*").inprocAlias().isEmpty());
    QVERIFY(ep("ipc:///tmp/x").inprocAlias().isEmpty());
    QVERIFY(Endpoint::parse(alias).has_value());
}

// Real sockets: a peer in this process reaches a twin under any spelling of the bound endpoint.
void TestModel::twinsAcceptEverySpelling()
{
    const bool wasEnabled = localShortcutsEnabled();
    setLocalShortcutsEnabled(true);
    for (const char *bindTo : {"tcp://127.0.0.1:*", "tcp://*:*"}) {
        zmq::socket_t pull = makeSocket(zmq::socket_type::pull);
        pull.bind(bindTo);
        const std::string bound = lastEndpoint(pull);
        bindLocalTwin(pull, bound);
        const int port = ep(bound.c_str()).port();
        QVERIFY(port > 0);
        for (const QString &spelling :
             {QStringLiteral("tcp://localhost:%1"), QStringLiteral("tcp://127.0.0.1:%1")}) {
            zmq::socket_t push = makeSocket(zmq::socket_type::push);
            LocalLink link;
            QVERIFY2(connectPreferLocal(push, spelling.arg(port).toStdString(), &link),
                     qPrintable(spelling.arg(port)));
            QVERIFY(link.twin.rfind("inproc://", 0) == 0);
            QVERIFY(push.send(zmq::str_buffer("hi"), zmq::send_flags::none));
            zmq::message_t message;
            pull.set(zmq::sockopt::rcvtimeo, 2000);
            QVERIFY(pull.recv(message));
            QCOMPARE(message.to_string(), std::string("hi"));
        }
        // Another host is not this process.
        zmq::socket_t other = makeSocket(zmq::socket_type::push);
        QVERIFY(!connectPreferLocal(
            other, QStringLiteral("tcp://10.255.255.1:%1").arg(port).toStdString()));
        forgetLocalTwin(bound);
        zmq::socket_t late = makeSocket(zmq::socket_type::push);
        QVERIFY(!connectPreferLocal(late,
                                    QStringLiteral("tcp://127.0.0.1:%1").arg(port).toStdString()));
    }
    setLocalShortcutsEnabled(wasEnabled);
}

void TestModel::graphOfDemo()
{
    const QList<ServerConfig> entries = loadExample(QStringLiteral("resources/demo/cluster.json"));
    QCOMPARE(entries.size(), 3);
    const ClusterGraph graph(Cluster::expandReplicas(entries));
    const QString c = ClusterGraph::clientNode();
    const QList<Edge> expected{
        {c, u"master"_s, Kind::Request, {}},
        {u"master"_s, u"worker-1"_s, Kind::Task, {}},
        {u"worker-1"_s, u"master"_s, Kind::Result, {}},
        {u"master"_s, u"worker-2"_s, Kind::Task, {}},
        {u"worker-2"_s, u"master"_s, Kind::Result, {}},
        {u"master"_s, u"pipeline"_s, Kind::Stream, u"master"_s},
        {u"pipeline"_s, c, Kind::Reply, {}},
        {u"worker-1"_s, u"master"_s, Kind::Cache, {}},
        {u"worker-2"_s, u"master"_s, Kind::Cache, {}},
    };
    QCOMPARE(graph.edges(), expected);
    QCOMPARE(graph.masterOf(u"worker-2"_s), u"master"_s);
    QCOMPARE(graph.masterOf(u"pipeline"_s), QString());
    QCOMPARE(graph.masterOf(u"nobody"_s), QString());
    QCOMPARE(graph.workersOf(u"master"_s), (QStringList{u"worker-1"_s, u"worker-2"_s}));
    QCOMPARE(graph.publishersOf(u"pipeline"_s), QStringList{u"master"_s});
    QCOMPARE(graph.startRanks(),
             (QList<QStringList>{{u"master"_s}, {u"pipeline"_s}, {u"worker-1"_s, u"worker-2"_s}}));
    QCOMPARE(graph.startOrder(),
             (QStringList{u"master"_s, u"pipeline"_s, u"worker-1"_s, u"worker-2"_s}));

    // A Cluster starts in that order.
    Cluster cluster;
    cluster.addServers(entries);
    QCOMPARE(names(cluster.startOrder()), graph.startOrder());
}

void TestModel::graphOfExamples_data()
{
    QTest::addColumn<QString>("path");
    const QDir examples(sourceDir() + QStringLiteral("/resources/examples"));
    const QStringList dirs = examples.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY(dirs.size() >= 10);
    for (const QString &dir : dirs) {
        if (QFile::exists(examples.filePath(dir + QStringLiteral("/cluster.json"))))
            QTest::newRow(qPrintable(dir))
                << QStringLiteral("resources/examples/%1/cluster.json").arg(dir);
    }
}

// Every example: each worker has a master, and everything starts after what it connects to.
void TestModel::graphOfExamples()
{
    QFETCH(QString, path);
    const QList<ServerConfig> entries = loadExample(path);
    QVERIFY(!entries.isEmpty());
    const QList<ServerConfig> servers = Cluster::expandReplicas(entries);
    const ClusterGraph graph(servers);
    QHash<QString, int> rank;
    const QList<QStringList> ranks = graph.startRanks();
    for (int r = 0; r < ranks.size(); ++r) {
        for (const QString &name : ranks.at(r)) {
            QVERIFY(!rank.contains(name));
            rank.insert(name, r);
        }
    }
    QCOMPARE(rank.size(), servers.size());
    const bool hasMaster = std::any_of(servers.cbegin(), servers.cend(), [](const ServerConfig &s) {
        return traitsOf(s.kind).hasWorkers;
    });
    for (const ServerConfig &s : servers) {
        if (s.kind == ServerKind::Worker && hasMaster) {
            const QString m = graph.masterOf(s.name);
            QVERIFY2(!m.isEmpty(), qPrintable(s.name));
            QVERIFY(graph.workersOf(m).contains(s.name));
            QVERIFY(rank.value(m) < rank.value(s.name));
        }
    }
    for (const Edge &edge : graph.edges()) {
        if (edge.kind == Kind::Stream) {
            QVERIFY(rank.value(edge.from) < rank.value(edge.to));
            QVERIFY(!edge.topic.isEmpty());
        }
    }
}

void TestModel::graphHubAndSink()
{
    const ClusterGraph hub(Cluster::expandReplicas(
        loadExample(QStringLiteral("resources/examples/server_hub/cluster.json"))));
    QCOMPARE(hub.masterOf(u"worker-1"_s), u"hub"_s);
    QCOMPARE(hub.publishersOf(u"hub"_s), QStringList{u"server"_s});
    QVERIFY(hub.edges().contains(Edge{u"server"_s, u"hub"_s, Kind::Stream, u"server"_s}));
    QVERIFY(hub.edges().contains(Edge{u"hub"_s, ClusterGraph::clientNode(), Kind::Reply, {}}));
    QVERIFY(!hub.edges().contains(Edge{u"server"_s, ClusterGraph::clientNode(), Kind::Reply, {}}));
    // The hub follows the server it subscribes to; its workers follow the hub.
    QCOMPARE(hub.startOrder(), (QStringList{u"server"_s, u"hub"_s, u"worker-1"_s, u"worker-2"_s}));

    // Sinks pair topics with sub addresses; a bind on all interfaces is reached from loopback;
    // pipelines feeding each other do not loop forever.
    ServerConfig s;
    s.kind = ServerKind::Server;
    s.name = u"s"_s;
    s.pubAddress = u"tcp://*:7002"_s;
    ServerConfig p1;
    p1.kind = ServerKind::Pipeline;
    p1.name = u"p1"_s;
    p1.subAddress = u"tcp://localhost:7002"_s;
    p1.previous = {u"s"_s};
    p1.pubAddress = u"tcp://127.0.0.1:7012"_s;
    ServerConfig p2 = p1;
    p2.name = u"p2"_s;
    p2.subAddress = u"tcp://127.0.0.1:7012"_s;
    p2.previous = {u"p1"_s};
    p2.pubAddress = u"tcp://127.0.0.1:7022"_s;
    p1.subAddress = u"tcp://127.0.0.1:7022"_s; // p1 <-> p2
    ServerConfig k;
    k.kind = ServerKind::Sink;
    k.name = u"k"_s;
    k.subAddresses = {u"tcp://127.0.0.1:7002"_s, u"tcp://127.0.0.1:7022"_s};
    k.previous = {u"s"_s, u"p2"_s};
    const ClusterGraph graph({k, p2, p1, s});
    QCOMPARE(graph.publishersOf(u"k"_s), (QStringList{u"p2"_s, u"s"_s}));
    QVERIFY(graph.edges().contains(Edge{u"s"_s, u"k"_s, Kind::Stream, u"s"_s}));
    QVERIFY(graph.edges().contains(Edge{u"p2"_s, u"k"_s, Kind::Stream, u"p2"_s}));
    const QStringList order = graph.startOrder();
    QCOMPARE(order.size(), 4);
    QCOMPARE(order.first(), u"s"_s);
    QVERIFY(order.indexOf(u"p2"_s) < order.indexOf(u"k"_s));
}

// Real servers on ephemeral ports: the graph follows the addresses they bound.
void TestModel::graphOfRunningCluster()
{
    Cluster cluster;
    ServerConfig m = master(u"m"_s, 0);
    for (ClusterField field : traitsOf(ServerKind::Master).boundFields())
        *addressIn(m, field) = u"tcp://127.0.0.1:*"_s;
    ServerHandle *mh = cluster.addServer(m);
    QString error;
    QVERIFY2(startAndWait(mh, 10000, &error), qPrintable(error));
    const QString db = mh->address(u"db_address"_s);
    QVERIFY(Endpoint::parse(db) && !Endpoint::parse(db)->isWildcardPort());
    ServerConfig p;
    p.kind = ServerKind::Pipeline;
    p.name = u"p"_s;
    p.dbAddress = u"tcp://127.0.0.1:*"_s;
    p.pubAddress = u"tcp://127.0.0.1:*"_s;
    p.subAddress = mh->address(u"pub_address"_s).replace(u"127.0.0.1"_s, u"localhost"_s);
    p.previous = {u"m"_s};
    cluster.addServer(p);
    cluster.addServer(worker(u"w"_s, db));

    // As configured, the master's wildcard ports match nothing; as bound, they do.
    QList<ServerConfig> configured;
    for (const ServerHandle *server : cluster.servers())
        configured << server->config();
    QCOMPARE(ClusterGraph(configured).masterOf(u"w"_s), QString());
    const ClusterGraph graph = cluster.graph();
    QCOMPARE(graph.masterOf(u"w"_s), u"m"_s);
    QCOMPARE(graph.publishersOf(u"p"_s), QStringList{u"m"_s});
    QCOMPARE(names(cluster.startOrder()), (QStringList{u"m"_s, u"p"_s, u"w"_s}));
    QCOMPARE(Cluster::resolvedConfig(mh).dbAddress, db);
    QVERIFY(stopAndWait(mh, 10000));
}

// The w / w-3 case: membership comes from ServerConfig::entry, never from a name's suffix.
void TestModel::replicaMembershipIsExplicit()
{
    const ServerConfig m = master(u"m"_s, 47000);
    Cluster cluster;
    cluster.addServers({m, worker(u"w"_s, m.dbAddress, 2)});
    // A separate worker named like a third replica (the GUI can add one without a cluster file).
    cluster.addServer(worker(u"w-3"_s, m.dbAddress));
    QCOMPARE(names(cluster.replicas(u"w"_s)), (QStringList{u"w-1"_s, u"w-2"_s}));
    QCOMPARE(names(cluster.replicas(u"w-3"_s)), QStringList{u"w-3"_s});
    QCOMPARE(cluster.server(u"w-1"_s)->config().entry, u"w"_s);
    QCOMPARE(cluster.server(u"w-2"_s)->config().replica, 2);
    QCOMPARE(cluster.server(u"w-3"_s)->config().replica, 0);

    // Remove Replica on w removes w-2, never w-3.
    QVERIFY(cluster.removeReplica(u"w"_s));
    QCOMPARE(names(cluster.replicas(u"w"_s)), QStringList{u"w-1"_s});
    QVERIFY(cluster.server(u"w-3"_s));
    // Adding takes the next number whose name is free.
    QCOMPARE(cluster.addReplica(u"w"_s, false)->name(), u"w-2"_s);
    QCOMPARE(cluster.addReplica(u"w"_s, false)->name(), u"w-4"_s);
    QCOMPARE(names(cluster.replicas(u"w"_s)), (QStringList{u"w-1"_s, u"w-2"_s, u"w-4"_s}));
    QCOMPARE(cluster.server(u"w-4"_s)->config().replica, 4);
    QVERIFY(cluster.removeReplica(u"w"_s));
    QVERIFY(!cluster.server(u"w-4"_s));
    QVERIFY(cluster.server(u"w-3"_s));

    // A single worker is its own entry; its added replicas go before it when removing.
    QCOMPARE(cluster.addReplica(u"w-3"_s, false)->name(), u"w-3-1"_s);
    QVERIFY(cluster.removeReplica(u"w-3"_s));
    QCOMPARE(names(cluster.replicas(u"w-3"_s)), QStringList{u"w-3"_s});
    QVERIFY(!cluster.addReplica(u"nobody"_s, false));
    QVERIFY(!cluster.removeReplica(u"nobody"_s));
}

void TestModel::replicaNameClashIsAnError()
{
    const ServerConfig m = master(u"m"_s, 47100);
    const auto error =
        validateCluster({m, worker(u"w"_s, m.dbAddress, 2), worker(u"w-3"_s, m.dbAddress)});
    QVERIFY(error);
    QCOMPARE(error->entry, u"w-3"_s);
    QCOMPARE(error->field, u"name"_s);
    QVERIFY2(error->message.contains(u"'w-3'"_s) && error->message.contains(u"'w'"_s),
             qPrintable(error->message));
    // Also for a single worker (a replica can be added to it later), and in any order.
    QVERIFY(validateCluster({m, worker(u"w-1"_s, m.dbAddress), worker(u"w"_s, m.dbAddress)}));
    // Names that only look alike are fine.
    QVERIFY(!validateCluster({m, worker(u"w"_s, m.dbAddress, 2), worker(u"w-03"_s, m.dbAddress),
                              worker(u"w-x"_s, m.dbAddress), worker(u"v-3"_s, m.dbAddress)}));
}

void TestModel::writtenBackAsOneEntry()
{
    const QString dir = sourceDir() + QStringLiteral("/resources/demo");
    const QList<ServerConfig> entries = loadExample(QStringLiteral("resources/demo/cluster.json"));
    const QList<ServerConfig> expanded = Cluster::expandReplicas(entries);
    QCOMPARE(expanded.size(), 4);
    const QByteArray fromEntries = clusterJson(entries, dir);
    QCOMPARE(clusterJson(expanded, dir), fromEntries);
    QCOMPARE(fromEntries.count("\"replicas\": 2"), 1);
    ClusterError error;
    const auto again = parseClusterJson(fromEntries, dir, &error);
    QVERIFY2(again, qPrintable(error.toString()));
    QCOMPARE(again->size(), 3);
    QCOMPARE(again->at(1).replicas, 2);
}

void TestModel::duplicateKeys()
{
    const QByteArray json = "{\"servers\": [\n"
                            "  {\"kind\": \"worker\", \"name\": \"w\",\n"
                            "   \"db_address\": \"tcp://127.0.0.1:6000\",\n"
                            "   \"limits\": {\"time_ms\": 10, \"time_ms\": 20}}\n"
                            "]}\n";
    ClusterError error;
    QVERIFY(!parseClusterJson(json, QDir::tempPath(), &error));
    QCOMPARE(error.entry, u"w"_s);
    QCOMPARE(error.field, u"time_ms"_s);
    QVERIFY2(error.message.contains(u"line 4"_s), qPrintable(error.message));

    // An escaped spelling is the same key; strings that hold braces and quotes are not keys.
    const QByteArray escaped = "{\"servers\": [{\"kind\": \"worker\", \"name\": \"a{\\\"b\",\n"
                               "\"na\\u006de\": \"c\"}]}";
    QVERIFY(!parseClusterJson(escaped, QDir::tempPath(), &error));
    QCOMPARE(error.field, u"name"_s);
    QCOMPARE(error.entry, u"#1"_s);
    QVERIFY2(error.message.contains(u"line 2"_s), qPrintable(error.message));

    const QByteArray fine = "{\"servers\": [{\"kind\": \"worker\", \"name\": \"w\", "
                            "\"db_address\": \"tcp://127.0.0.1:6000\"}, {\"kind\": \"worker\", "
                            "\"name\": \"v\", \"db_address\": \"tcp://127.0.0.1:6000\"}]}";
    QVERIFY2(parseClusterJson(fine, QDir::tempPath(), &error), qPrintable(error.toString()));
}

void TestModel::deliverySettings()
{
    const QByteArray json = "{\"servers\": [\n"
                            "  {\"kind\": \"worker\", \"name\": \"w\",\n"
                            "   \"db_address\": \"tcp://127.0.0.1:6000\",\n"
                            "   \"delivery\": {\"heartbeat_ms\": 250, \"heartbeat_missed\": 5, "
                            "\"credit\": 7, \"reliable\": false}}\n"
                            "]}\n";
    ClusterError error;
    const auto parsed = parseClusterJson(json, QDir::tempPath(), &error);
    QVERIFY2(parsed, qPrintable(error.toString()));
    const DeliverySettings &d = parsed->at(0).delivery;
    QCOMPARE(d.heartbeatMs, 250);
    QCOMPARE(d.heartbeatMissed, 5);
    QCOMPARE(d.credit, 7);
    QCOMPARE(d.reliable, false);
    const auto again =
        parseClusterJson(clusterJson(*parsed, QDir::tempPath()), QDir::tempPath(), &error);
    QVERIFY2(again, qPrintable(error.toString()));
    QVERIFY(again->at(0).delivery == d);
    QVERIFY(!clusterJson({ServerConfig{}}, QDir::tempPath()).contains("delivery"));

    auto fails = [&](const QByteArray &delivery, const QString &field) {
        const QByteArray bad =
            "{\"servers\": [{\"kind\": \"master\", \"name\": \"m\", "
            "\"db_address\": \"tcp://127.0.0.1:6000\", \"pull_address\": "
            "\"tcp://127.0.0.1:6001\", \"pub_address\": \"tcp://127.0.0.1:6002\", "
            "\"worker_pull_address\": \"tcp://127.0.0.1:6003\", "
            "\"worker_push_address\": \"tcp://127.0.0.1:6004\", "
            "\"delivery\": " +
            delivery + "}]}";
        ClusterError e;
        if (parseClusterJson(bad, QDir::tempPath(), &e))
            return false;
        return e.field == field && e.entry == u"m"_s;
    };
    QVERIFY(fails("{\"heartbeat_ms\": 0}", u"delivery.heartbeat_ms"_s));
    QVERIFY(fails("{\"credit\": \"9\"}", u"delivery.credit"_s));
    QVERIFY(fails("{\"beat\": 1}", u"delivery.beat"_s));
    QVERIFY(fails("7", u"delivery"_s));
}

// 8,000 entries took 126 s when names and addresses were compared pairwise.
void TestModel::largeFileIsLinear()
{
    constexpr int kEntries = 8000;
    QByteArray json = "{\"servers\": [\n";
    int port = 10000;
    for (int i = 0; i < kEntries; ++i) {
        const auto address = [&port] {
            return QByteArray("\"tcp://127.0.0.1:") + QByteArray::number(port++) + '"';
        };
        if (i % 4 == 3) {
            json += "{\"kind\": \"worker\", \"name\": \"w" + QByteArray::number(i) +
                    "\", \"db_address\": \"tcp://localhost:" + QByteArray::number(port - 3) +
                    "\", \"replicas\": 2}";
        } else {
            const QByteArray db = address(); // one by one: + does not order its operands
            const QByteArray pull = address();
            const QByteArray workerPull = address();
            json += "{\"kind\": \"master\", \"name\": \"m" + QByteArray::number(i) +
                    "\", \"db_address\": " + db + ", \"pull_address\": " + pull +
                    ", \"pub_address\": \"tcp://*:*\", \"worker_pull_address\": " + workerPull +
                    ", \"worker_push_address\": \"ipc:///tmp/qpalm-" + QByteArray::number(i) +
                    "\"}";
        }
        json += i + 1 < kEntries ? ",\n" : "\n";
    }
    json += "]}\n";
    QVERIFY(port < 65536);

    ClusterError error;
    QElapsedTimer timer;
    timer.start();
    const auto configs = parseClusterJson(json, QDir::tempPath(), &error);
    const qint64 parseMs = timer.elapsed();
    QVERIFY2(configs, qPrintable(error.toString()));
    QCOMPARE(configs->size(), kEntries);
    timer.restart();
    const ClusterGraph graph(Cluster::expandReplicas(*configs));
    const qint64 graphMs = timer.elapsed();
    QCOMPARE(graph.workersOf(u"m2"_s), (QStringList{u"w3-1"_s, u"w3-2"_s}));
    qInfo("%d entries: parsed and checked in %lld ms, graph in %lld ms", kEntries, parseMs,
          graphMs);
    QVERIFY2(parseMs < 10000, qPrintable(QString::number(parseMs)));
    QVERIFY2(graphMs < 10000, qPrintable(QString::number(graphMs)));

    // A conflict at the very end is still found.
    json.replace("\"ipc:///tmp/qpalm-7998\"", "\"tcp://0.0.0.0:10000\"");
    timer.restart();
    QVERIFY(!parseClusterJson(json, QDir::tempPath(), &error));
    QCOMPARE(error.entry, u"m7998"_s);
    QCOMPARE(error.message,
             u"address 'tcp://0.0.0.0:10000' is already bound by server 'm0' (db_address)"_s);
    QVERIFY(timer.elapsed() < 10000);
}

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
