// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// TopologyView: pylm-style PUSH/PULL workers (raw ZeroMQ peers here, not servers of the cluster)
// appear as one node per master once results come back from them, with the rate and count of
// what they returned; a master whose own listed workers are on PUSH/PULL gets no such node.
#include "topologyplain.h"
#include "topologyview.h"

#include "cluster.h"
#include "clustermodel.h"
#include "message.h"
#include "serverhandle.h"
#include "uitestutil.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <zmq.hpp>

#include <atomic>
#include <thread>

using namespace qpalm;
using namespace Qt::StringLiterals;

namespace {

// A pylm Worker's loop: PULL tasks from the master, PUSH each back with its payload prefixed.
class PlainPeer
{
public:
    PlainPeer(const QString &push, const QString &pull)
    {
        m_thread = std::thread([this, push = push.toStdString(), pull = pull.toStdString()] {
            zmq::socket_t in(m_context, zmq::socket_type::pull);
            zmq::socket_t out(m_context, zmq::socket_type::push);
            in.set(zmq::sockopt::linger, 0);
            out.set(zmq::sockopt::linger, 0);
            in.set(zmq::sockopt::rcvtimeo, 50);
            in.connect(push);
            out.connect(pull);
            while (!m_done) {
                zmq::message_t frame;
                if (!in.recv(frame))
                    continue;
                Message message;
                if (!decodeMessage(
                        std::string_view(static_cast<const char *>(frame.data()), frame.size()),
                        message))
                    continue;
                message.payload = "plain:" + message.payload;
                std::string bytes;
                encodeMessage(message, bytes);
                out.send(zmq::buffer(bytes));
                ++m_served;
            }
        });
    }
    ~PlainPeer()
    {
        m_done = true;
        m_thread.join();
    }
    int served() const { return m_served; }

private:
    zmq::context_t m_context;
    std::atomic<bool> m_done{false};
    std::atomic<int> m_served{0};
    std::thread m_thread;
};

// Sends count messages to master's m.echo and waits for every reply; the replies from the PUSH/PULL
// peer are counted into plain.
bool runJob(Cluster &cluster, const QString &master, int count, int *plain)
{
    QString error;
    auto client = uitest::client(master, cluster.server(master)->address(u"db_address"_s), &error);
    if (!client) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    int sent = 0;
    int replies = 0;
    const bool ok = client->job((master + u".echo"_s).toStdString(),
                                [&](std::string &payload) {
                                    if (sent == count)
                                        return false;
                                    payload = std::to_string(sent++);
                                    return true;
                                },
                                [&](std::string &&reply) {
                                    ++replies;
                                    *plain += reply.rfind("plain:", 0) == 0 ? 1 : 0;
                                });
    if (!ok)
        qWarning("%s", client->lastError().c_str());
    return ok && replies == count;
}

} // namespace

class TestTopologyPlain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plainWorkersAreOneNode();
    void listedPlainWorkersGetNoNode();
};

void TestTopologyPlain::plainWorkersAreOneNode()
{
    // A reliable master with one listed qpalm worker, and two pylm-style peers beside it.
    Cluster cluster;
    cluster.addServers({uitest::master(u"m"_s)});
    QVERIFY(qpalm::startAndWait(cluster.server(u"m"_s), 15000));
    ServerHandle *master = cluster.server(u"m"_s);
    cluster.addServers({uitest::worker(u"w"_s, master->address(u"db_address"_s), 2)});
    QVERIFY(uitest::startAllAndWait(cluster));

    ClusterModel model;
    model.setCluster(&cluster);
    TopologyView view;
    view.setModel(&model);
    view.resize(900, 620);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QString node = topologyplain::nodeName(u"m"_s);
    QTRY_VERIFY(view.nodeNames().contains(u"w-1"_s));
    QVERIFY2(!view.nodeNames().contains(node), "PUSH/PULL workers drawn before any came");

    PlainPeer first(master->address(u"worker_push_address"_s),
                    master->address(u"worker_pull_address"_s));
    PlainPeer second(master->address(u"worker_push_address"_s),
                     master->address(u"worker_pull_address"_s));
    QTest::qWait(300); // the raw peers' connections complete
    int plain = 0;
    QVERIFY(runJob(cluster, u"m"_s, 600, &plain));
    QVERIFY2(plain > 0 && first.served() > 0 && second.served() > 0,
             qPrintable(u"plain replies %1, peers %2 and %3"_s.arg(plain)
                            .arg(first.served())
                            .arg(second.served())));

    // One node for both peers, a task and a result edge; the label counts what they returned.
    QTRY_VERIFY_WITH_TIMEOUT(view.nodeNames().contains(node), 5000);
    QCOMPARE(view.nodeNames().filter(u"PUSH/PULL"_s).size(), 1);
    const QList<TopologyView::Edge> edges = view.edges();
    QVERIFY(edges.contains(TopologyView::Edge{u"m"_s, node, TopologyView::EdgeKind::Task, {}}));
    QVERIFY(edges.contains(TopologyView::Edge{node, u"m"_s, TopologyView::EdgeKind::Result, {}}));
    QTRY_COMPARE_WITH_TIMEOUT(uitest::numberBefore(view.edgeLabel(u"m"_s, node), u"done"_s),
                              qint64(plain), 5000);
    QVERIFY2(view.edgeLabel(u"m"_s, node).contains(u"/s"_s),
             qPrintable(view.edgeLabel(u"m"_s, node)));
    QVERIFY2(view.nodeText(node).contains(topologyplain::subtitle()),
             qPrintable(view.nodeText(node)));
    QCOMPARE(uitest::numberBefore(topologyplain::toolTip(u"m"_s, plain), u"results"_s),
             qint64(plain));
    // Under xvfb-run on xcb, QPALM_TOPOLOGY_SHOT=FILE.png keeps a capture of the screen.
    if (const QString shot = qEnvironmentVariable("QPALM_TOPOLOGY_SHOT"); !shot.isEmpty()) {
        view.resize(1000, 560);
        view.fitToView();
        QTest::qWait(500);
        QProcess::execute(u"import"_s, {u"-window"_s, u"root"_s, shot});
    }
    // The listed workers keep their own ledger edges.
    QVERIFY2(view.edgeLabel(u"m"_s, u"w-1"_s).contains(u"in flight"_s),
             qPrintable(view.edgeLabel(u"m"_s, u"w-1"_s)));
    // Clicking it filters nothing: it is no server of the cluster.
    QSignalSpy activated(&view, &TopologyView::serverActivated);
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.nodeViewPosition(node));
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.first().first().toString(), QString());

    // Stopped, the master's node goes with its run.
    master->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!view.nodeNames().contains(node), 10000);
}

void TestTopologyPlain::listedPlainWorkersGetNoNode()
{
    // The master's own listed workers on PUSH/PULL (reliable path off): their results arrive on
    // the same socket as a pylm worker's would; their own edges carry them.
    Cluster cluster;
    ServerConfig config = uitest::master(u"p"_s);
    config.delivery.reliable = false;
    cluster.addServers({config});
    QVERIFY(qpalm::startAndWait(cluster.server(u"p"_s), 15000));
    ServerHandle *master = cluster.server(u"p"_s);
    ServerConfig workers = uitest::worker(u"pw"_s, master->address(u"db_address"_s), 2);
    workers.delivery.reliable = false;
    cluster.addServers({workers});
    QVERIFY(uitest::startAllAndWait(cluster));
    ClusterModel model;
    model.setCluster(&cluster);
    TopologyView view;
    view.setModel(&model);
    int plain = 0;
    QVERIFY(runJob(cluster, u"p"_s, 200, &plain));
    QTRY_VERIFY_WITH_TIMEOUT(master->stats().fromPlainWorkers == 200, 5000);
    QTest::qWait(600); // a few refreshes
    QVERIFY2(!view.nodeNames().contains(topologyplain::nodeName(u"p"_s)),
             qPrintable(view.nodeNames().join(u", "_s)));
    QVERIFY(view.nodeNames().contains(u"pw-1"_s));
}

QTEST_MAIN(TestTopologyPlain)
#include "tst_topologyplain.moc"
