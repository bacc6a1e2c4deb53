// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// ClientPanel on real in-process servers: eval, jobs, pacing, stop, pipelines, latency and
// throughput.
#include "clientpanel.h"
#include "latencystats.h"

#include "dispatcher.h"
#include "handlewait.h"
#include "localserver.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace qpalm;

namespace {
ServerConfig serverConfig(const QString &name, std::shared_ptr<const NativeHandlers> handlers)
{
    ServerConfig config;
    config.kind = ServerKind::Server;
    config.name = name;
    config.dbAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.pullAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.pubAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.nativeHandlers = QStringLiteral("clientpanel-") + name;
    NativeHandlers::registerSet(config.nativeHandlers, std::move(handlers));
    config.logLevel = LogLevel::Warning;
    return config;
}

std::shared_ptr<NativeHandlers> handlers()
{
    auto h = std::make_shared<NativeHandlers>();
    h->add("echo", [](ServerContext &, const std::string &payload) {
        return std::optional<std::string>(payload);
    });
    h->add("upper", [](ServerContext &, const std::string &payload) {
        std::string out = payload;
        for (char &c : out)
            c = char(std::toupper(static_cast<unsigned char>(c)));
        return std::optional<std::string>(out);
    });
    return h;
}

QList<QByteArray> replies(const ReplyListModel *model)
{
    QList<QByteArray> out;
    for (int row = 0; row < model->rowCount(); ++row)
        out.append(model->bytesAt(row));
    return out;
}
} // namespace

class TestClientPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void latencyStatsExact();
    void latencyStatsHistogram();
    void replyModelIsBounded();
    void evalGetsReply();
    void evalButton();
    void jobGetsEveryReply();
    void pacedJobKeepsRate();
    void stopCancelsJob();
    void stopEndsAnEvalWaitingForReplies();
    void closingMidJobReturnsPromptly_data();
    void closingMidJobReturnsPromptly();
    void pipelineRepliesFromLastStage();
    void errorsAreReported();

private:
    std::unique_ptr<LocalServer> m_server;
    std::unique_ptr<LocalServer> m_head;
    std::unique_ptr<LocalServer> m_pipe;
    std::unique_ptr<LocalServer> m_stopped;
};

void TestClientPanel::initTestCase()
{
    m_server = std::make_unique<LocalServer>(serverConfig(QStringLiteral("srv"), handlers()));
    QVERIFY2(qpalm::startAndWait(m_server.get(), 15000), qPrintable(m_server->errorString()));
    QVERIFY(!m_server->address(QStringLiteral("db_address")).isEmpty());

    // head (pipelined) -> pipe, replies published by pipe to the client.
    ServerConfig head = serverConfig(QStringLiteral("head"), handlers());
    head.pipelined = true;
    m_head = std::make_unique<LocalServer>(head);
    QVERIFY2(qpalm::startAndWait(m_head.get(), 15000), qPrintable(m_head->errorString()));
    ServerConfig pipe = serverConfig(QStringLiteral("pipe"), handlers());
    pipe.kind = ServerKind::Pipeline;
    pipe.pullAddress.clear();
    pipe.subAddress = m_head->address(QStringLiteral("pub_address"));
    pipe.previous = {QStringLiteral("head")};
    m_pipe = std::make_unique<LocalServer>(pipe);
    QVERIFY2(qpalm::startAndWait(m_pipe.get(), 15000), qPrintable(m_pipe->errorString()));

    m_stopped = std::make_unique<LocalServer>(serverConfig(QStringLiteral("idle"), handlers()));
}

void TestClientPanel::cleanupTestCase()
{
    for (auto *server : {m_server.get(), m_head.get(), m_pipe.get()}) {
        if (server)
            server->stop();
    }
}

void TestClientPanel::latencyStatsExact()
{
    LatencyStats stats;
    QCOMPARE(stats.percentile(0.5), 0.0);
    for (int i = 100; i >= 1; --i)
        stats.add(i);
    QCOMPARE(stats.count(), qint64(100));
    QCOMPARE(stats.percentile(0.50), 50.0);
    QCOMPARE(stats.percentile(0.99), 99.0);
    QCOMPARE(stats.percentile(1.0), 100.0);
    QCOMPARE(stats.minimum(), 1.0);
    QCOMPARE(stats.mean(), 50.5);
    stats.add(-3); // clamped
    QCOMPARE(stats.minimum(), 0.0);
}

void TestClientPanel::latencyStatsHistogram()
{
    LatencyStats stats;
    for (int i = 1; i <= 100000; ++i)
        stats.add(i / 100.0); // 0.01 .. 1000 ms, uniform
    const double p50 = stats.percentile(0.5);
    const double p99 = stats.percentile(0.99);
    QVERIFY2(std::abs(p50 - 500.0) / 500.0 < 0.01, qPrintable(QString::number(p50)));
    QVERIFY2(std::abs(p99 - 990.0) / 990.0 < 0.01, qPrintable(QString::number(p99)));
    QCOMPARE(stats.maximum(), 1000.0);
    stats.clear();
    QCOMPARE(stats.count(), qint64(0));
    QCOMPARE(stats.percentile(0.99), 0.0);
}

void TestClientPanel::replyModelIsBounded()
{
    ReplyListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMaximum(5);
    model.appendReplies({"a", "b", "c"}, 1);
    QCOMPARE(model.rowCount(), 3);
    model.appendReplies({"d", "e", "f", "g"}, 4);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.bytesAt(0), QByteArray("c"));
    QCOMPARE(model.data(model.index(0), ReplyListModel::NumberRole).toLongLong(), 3LL);
    QCOMPARE(model.bytesAt(4), QByteArray("g"));
    model.appendReplies({"1", "2", "3", "4", "5", "6", "7"}, 100);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.bytesAt(0), QByteArray("3"));
    QCOMPARE(model.data(model.index(0), ReplyListModel::NumberRole).toLongLong(), 102LL);
    QVERIFY(model.data(model.index(0)).toString().contains(QLatin1String("#102")));
    model.appendReplies({QByteArray("\xff\x00z", 3)}, 200);
    QVERIFY(model.data(model.index(4)).toString().contains(QLatin1String("\\xff\\x00z")));
    model.setMaximum(2);
    QCOMPARE(model.rowCount(), 2);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestClientPanel::evalGetsReply()
{
    ClientPanel panel;
    QAbstractItemModelTester tester(panel.replyModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.setServers({m_server.get(), m_head.get(), m_pipe.get()});
    QVERIFY(panel.setCurrentServer(QStringLiteral("srv")));
    QCOMPARE(panel.currentServer(), m_server.get());
    panel.setFunction(QStringLiteral("srv.upper"));
    panel.setPayload("hello");
    QSignalSpy finished(&panel, &ClientPanel::jobFinished);
    QSignalSpy failed(&panel, &ClientPanel::jobFailed);
    QVERIFY2(panel.startEval(), qPrintable(panel.lastError()));
    QVERIFY(panel.isRunning());
    QVERIFY(!panel.startJob()); // one at a time
    QVERIFY(finished.wait(10000));
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    const auto args = finished.first();
    QCOMPARE(args.at(0).toInt(), 1);
    QCOMPARE(args.at(1).toInt(), 1);
    QVERIFY(args.at(2).toDouble() > 0.0);
    QCOMPARE(args.at(3).toDouble(), args.at(2).toDouble());
    QCOMPARE(replies(panel.replyModel()), QList<QByteArray>{"HELLO"});
    QVERIFY(!panel.isRunning());
}

void TestClientPanel::evalButton()
{
    ClientPanel panel;
    panel.setServers({m_server.get()});
    panel.setFunction(QStringLiteral("srv.echo"));
    panel.setPayload("by button");
    QSignalSpy finished(&panel, &ClientPanel::jobFinished);
    auto *button = panel.findChild<QPushButton *>(QStringLiteral("evalButton"));
    QVERIFY(button);
    button->click();
    QVERIFY(finished.wait(10000));
    QCOMPARE(replies(panel.replyModel()), QList<QByteArray>{"by button"});
}

void TestClientPanel::jobGetsEveryReply()
{
    ClientPanel panel;
    QAbstractItemModelTester tester(panel.replyModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.setServers({m_server.get()});
    panel.setFunction(QStringLiteral("srv.upper"));
    panel.setPayload("abc");
    panel.setCount(2000);
    panel.setRate(0);
    QSignalSpy finished(&panel, &ClientPanel::jobFinished);
    QSignalSpy failed(&panel, &ClientPanel::jobFailed);
    QVERIFY2(panel.startJob(), qPrintable(panel.lastError()));
    QVERIFY(finished.wait(30000));
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    const auto args = finished.first();
    QCOMPARE(args.at(0).toInt(), 2000);
    QCOMPARE(args.at(1).toInt(), 2000);
    const double p50 = args.at(2).toDouble();
    const double p99 = args.at(3).toDouble();
    QVERIFY(p50 > 0.0);
    QVERIFY(p99 >= p50);
    const auto got = replies(panel.replyModel());
    QVERIFY(!got.isEmpty());
    QVERIFY(got.size() <= panel.replyModel()->maximum());
    for (const QByteArray &reply : got)
        QCOMPARE(reply, QByteArray("ABC"));
    // The throughput chart saw the replies.
    double peak = 0;
    const auto points = panel.throughputSeries()->points();
    for (const QPointF &point : points) {
        QVERIFY(point.x() <= 0.0 && point.x() >= -60.0);
        peak = std::max(peak, point.y());
    }
    QVERIFY2(peak > 0.0, "no throughput plotted");
}

void TestClientPanel::pacedJobKeepsRate()
{
    ClientPanel panel;
    panel.setServers({m_server.get()});
    panel.setFunction(QStringLiteral("srv.echo"));
    panel.setPayload("tick");
    panel.setCount(11);
    panel.setRate(50); // 10 intervals of 20 ms
    QSignalSpy finished(&panel, &ClientPanel::jobFinished);
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(panel.startJob(), qPrintable(panel.lastError()));
    QVERIFY(finished.wait(10000));
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(finished.first().at(1).toInt(), 11);
    QVERIFY2(elapsed >= 190, qPrintable(QString::number(elapsed)));
    QVERIFY2(elapsed < 5000, qPrintable(QString::number(elapsed)));
    // Paced replies come back fast: latency is not the send interval.
    QVERIFY2(finished.first().at(2).toDouble() < 20.0,
             qPrintable(finished.first().at(2).toString()));
}

void TestClientPanel::stopCancelsJob()
{
    ClientPanel panel;
    panel.setServers({m_server.get()});
    panel.setFunction(QStringLiteral("srv.echo"));
    panel.setPayload("x");
    panel.setCount(1000000);
    panel.setRate(500);
    QSignalSpy finished(&panel, &ClientPanel::jobFinished);
    QSignalSpy failed(&panel, &ClientPanel::jobFailed);
    QVERIFY(panel.startJob());
    QTRY_VERIFY_WITH_TIMEOUT(panel.received() > 10, 10000);
    QElapsedTimer timer;
    timer.start();
    panel.stop();
    QVERIFY(finished.wait(10000));
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(failed.isEmpty());
    const int sent = finished.first().at(0).toInt();
    QVERIFY(sent < 1000000);
    QCOMPARE(finished.first().at(1).toInt(), sent);
    QVERIFY(!panel.isRunning());
}

void TestClientPanel::stopEndsAnEvalWaitingForReplies()
{
    ClientPanel panel;
    panel.setServers({m_server.get()});
    panel.setFunction(QStringLiteral("srv.echo"));
    panel.setPayload("x");
    panel.setRepliesPerMessage(2); // echo answers once: the eval waits for its timeout
    panel.setTimeout(10000);
    QSignalSpy finished(&panel, &ClientPanel::jobFinished);
    QSignalSpy failed(&panel, &ClientPanel::jobFailed);
    QVERIFY(panel.startEval());
    QTest::qWait(300); // the one reply is long in: the eval now waits for a second one
    QVERIFY(panel.isRunning());
    QElapsedTimer timer;
    timer.start();
    panel.stop();
    QVERIFY(finished.wait(10000));
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(failed.isEmpty());
    QVERIFY(!panel.isRunning());
}

void TestClientPanel::closingMidJobReturnsPromptly_data()
{
    QTest::addColumn<bool>("eval");
    QTest::newRow("eval") << true;
    QTest::newRow("job") << false;
}

void TestClientPanel::closingMidJobReturnsPromptly()
{
    QFETCH(bool, eval);
    auto panel = std::make_unique<ClientPanel>();
    panel->setServers({m_server.get()});
    panel->setFunction(QStringLiteral("srv.echo"));
    panel->setPayload("x");
    panel->setCount(3);
    panel->setRepliesPerMessage(2); // echo answers once: the job waits for its 10 s timeout
    panel->setTimeout(10000);
    QVERIFY(eval ? panel->startEval() : panel->startJob());
    QTest::qWait(300);
    QVERIFY(panel->isRunning());
    QElapsedTimer timer;
    timer.start();
    panel.reset(); // what closing the window does
    QVERIFY2(timer.elapsed() < 1000,
             qPrintable(QStringLiteral("closing took %1 ms").arg(timer.elapsed())));
}

void TestClientPanel::pipelineRepliesFromLastStage()
{
    ClientPanel panel;
    panel.setServers({m_server.get(), m_head.get(), m_pipe.get()});
    QVERIFY(panel.setCurrentServer(QStringLiteral("head")));
    panel.setFunction(QStringLiteral("head.echo pipe.upper")); // Auto: replies from pipe
    panel.setPayload("piped");
    panel.setCount(20);
    QSignalSpy finished(&panel, &ClientPanel::jobFinished);
    QSignalSpy failed(&panel, &ClientPanel::jobFailed);
    QVERIFY2(panel.startJob(), qPrintable(panel.lastError()));
    QVERIFY(finished.wait(15000));
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QCOMPARE(finished.first().at(1).toInt(), 20);
    QCOMPARE(panel.replyModel()->bytesAt(0), QByteArray("PIPED"));
}

void TestClientPanel::errorsAreReported()
{
    ClientPanel panel;
    QSignalSpy failed(&panel, &ClientPanel::jobFailed);
    QVERIFY(!panel.startEval());
    QVERIFY2(panel.lastError().contains(QLatin1String("No server")), qPrintable(panel.lastError()));

    panel.setServers({m_stopped.get(), m_server.get()});
    QVERIFY(panel.setCurrentServer(QStringLiteral("idle")));
    panel.setFunction(QStringLiteral("idle.echo"));
    QVERIFY(!panel.startEval());
    QVERIFY2(panel.lastError().contains(QLatin1String("'idle' is not running")),
             qPrintable(panel.lastError()));

    QVERIFY(panel.setCurrentServer(QStringLiteral("srv")));
    panel.setFunction(QString());
    QVERIFY(!panel.startEval());
    QVERIFY2(panel.lastError().contains(QLatin1String("No function")),
             qPrintable(panel.lastError()));
    QCOMPARE(failed.size(), 3);

    // A reply that never comes: the job fails with a timeout naming what was missing.
    panel.setFunction(QStringLiteral("srv.echo"));
    panel.setRepliesPerMessage(2);
    panel.setTimeout(300);
    QSignalSpy finished(&panel, &ClientPanel::jobFinished);
    QVERIFY(panel.startEval());
    QVERIFY(finished.wait(10000));
    QCOMPARE(failed.size(), 4);
    QVERIFY2(failed.last().first().toString().contains(QLatin1String("timed out")),
             qPrintable(failed.last().first().toString()));
    // The panel recovers: the next eval works.
    panel.setRepliesPerMessage(1);
    panel.setTimeout(5000);
    panel.setPayload("again");
    QVERIFY(panel.startEval());
    QVERIFY(finished.wait(10000));
    QCOMPARE(failed.size(), 4);
    QCOMPARE(panel.replyModel()->bytesAt(0), QByteArray("again"));
}

QTEST_MAIN(TestClientPanel)
#include "tst_clientpanel.moc"
