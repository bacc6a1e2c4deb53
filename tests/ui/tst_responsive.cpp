// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The window never waits on its GUI thread: a worker whose master does not exist starts, fails
// and stops through the window's actions while a 5 ms timer measures the longest gap between
// two of its ticks (QElapsedTimer::nsecsElapsed, as bench_log does).
#include "appsettings.h"
#include "clustermodel.h"
#include "mainwindow.h"
#include "uitestutil.h"

#include "cluster.h"
#include "serverhandle.h"

#include <QAction>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace qpalm;
using namespace Qt::StringLiterals;

namespace {
// Ticks every 5 ms on the GUI thread and keeps the longest time between two ticks.
class StallMeter
{
public:
    StallMeter()
    {
        m_tick.setInterval(5);
        m_tick.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_tick, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_longestNs = std::max(m_longestNs, now - m_last);
            m_last = now;
            ++m_ticks;
        });
    }
    void start()
    {
        m_clock.start();
        m_last = 0;
        m_tick.start();
    }
    double longestMs() const { return double(m_longestNs) / 1e6; }
    int ticks() const { return m_ticks; }

private:
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_longestNs = 0;
    int m_ticks = 0;
};
} // namespace

class TestResponsive : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void workerWithoutMasterNeverStallsTheWindow();
};

void TestResponsive::workerWithoutMasterNeverStallsTheWindow()
{
    QTemporaryDir dir;
    AppSettings settings(dir.filePath(u"settings.ini"_s));
    MainWindow window(&settings);
    window.setInteractive(false);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    // Nothing listens on port 1: the worker's cache requests to its master go unanswered.
    window.setClusterConfigs({uitest::worker(u"lost"_s, u"tcp://127.0.0.1:1"_s, 1)});
    ServerHandle *worker = window.cluster()->server(u"lost"_s);
    QVERIFY(worker);
    QSignalSpy failed(worker, &ServerHandle::failed);

    StallMeter meter;
    meter.start();
    QTest::qWait(50);
    window.action(u"actionStartAll"_s)->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty() || worker->state() == ServerHandle::State::Running,
                             20000);
    QVERIFY2(!failed.isEmpty(), "a worker whose master does not exist started");
    const QString outcome = failed.first().first().toString();
    // The reason reaches the cluster panel and the window's status.
    QVERIFY2(ClusterModel::stateText(worker).contains(outcome),
             qPrintable(ClusterModel::stateText(worker)));
    QTRY_VERIFY(window.lastError().contains(u"lost"_s));
    window.action(u"actionStopAll"_s)->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(worker->state() == ServerHandle::State::Stopped ||
                                 worker->state() == ServerHandle::State::Failed,
                             20000);
    QTest::qWait(50);
    qInfo("worker without master: %s; longest GUI-thread gap %.1f ms over %d ticks",
          qPrintable(outcome), meter.longestMs(), meter.ticks());
    QVERIFY(meter.ticks() > 10);
    QVERIFY2(meter.longestMs() < 100,
             qPrintable(u"the event loop stalled %1 ms"_s.arg(meter.longestMs(), 0, 'f', 1)));
}

QTEST_MAIN(TestResponsive)
#include "tst_responsive.moc"
